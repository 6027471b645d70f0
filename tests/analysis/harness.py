"""What the analysis tests (test_plots, test_roundtrip, test_gallery) share: running an experiment
written in the test, and the check loop that runs every check and reports each failure."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import traceback


def fairmc_binary(usage):
    """The fairmc binary, the test's one argument (absolute); None after printing `usage` to
    stderr when the arguments are not that."""
    if len(sys.argv) != 2:
        print(usage, file=sys.stderr)
        return None
    return os.path.abspath(sys.argv[1])


def run(binary, tmp, name, text, exit_codes=(0,), timeout=120):
    """fairmc run of the experiment `text` (written to tmp/name.yaml) into tmp/name, which it
    returns; exit code 1 means some point failed. Another exit code ends the test."""
    yaml = os.path.join(tmp, name + ".yaml")
    with open(yaml, "w") as f:
        f.write(text)
    out = os.path.join(tmp, name)
    proc = subprocess.run([binary, "run", yaml, "-o", out, "-j", "2", "--no-progress"], cwd=tmp,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode not in exit_codes:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"fairmc run {name} failed with exit code {proc.returncode}")
    return out


class Checks(list):
    """The checks of a test, in order; an instance is the decorator that adds one."""

    def __call__(self, fn):
        self.append(fn)
        return fn

    def run(self, ctx, after_each=None, timed=False) -> int:
        """Runs every check on ctx (after_each() after each), prints each failure's traceback
        and "N passed, M failed"; returns the exit status, 1 when any failed."""
        passed = failed = 0
        for fn in self:
            start = time.monotonic()
            try:
                fn(ctx)
                passed += 1
                if timed:
                    print(f"ok {fn.__name__} ({time.monotonic() - start:.1f} s)")
            except Exception:  # noqa: BLE001 - report every failing check, then fail
                failed += 1
                print(f"FAIL {fn.__name__}", file=sys.stderr)
                traceback.print_exc()
            finally:
                if after_each:
                    after_each()
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0
