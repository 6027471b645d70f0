"""docs/reproduction.md is the output of `make reproduce` for the current experiment files.

    FAIRMC_SOURCE_DIR=. /usr/bin/python3 tests/analysis/test_reproduction_current.py

Fails when an experiment's `claim:` or `checks:`, a manifest reproduction/<scenario>.yaml (an
experiment added, an override or an item changed) or an intro reproduction/<scenario>.md changed
since docs/reproduction.md was generated, or when a manifest exists for a paper whose section still
says "not yet reproduced". It compares the digests analysis/reproduction.py wrote into each
paper's section with digests of the YAML files now (never a number of a result). The fix it
prints: `scripts/reproduce.sh PAPER` (or `make reproduce`) and commit docs/reproduction.md.
"""

from __future__ import annotations

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.environ.get("FAIRMC_SOURCE_DIR", os.path.join(_here, "..", "..")))
sys.path.insert(0, os.path.join(root, "analysis"))

import reproduction  # noqa: E402

problems = reproduction.verify(root)
for p in problems:
    print(f"FAIL: {p}")
print(f"docs/reproduction.md: {'current' if not problems else 'NOT current'} "
      f"({len(reproduction.scenarios(root))} papers)")
sys.exit(1 if problems else 0)
