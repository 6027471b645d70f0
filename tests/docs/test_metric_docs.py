"""The docs' metric tables are the declarations' (issue 17 item 9): fails when they are stale.

    FAIRMC_SOURCE_DIR=. /usr/bin/python3 tests/docs/test_metric_docs.py build/fairmc

Runs scripts/metric_docs.py --check on docs/scenarios/, then, on a scratch copy, shows that the
check catches an edited row and a missing block, and that the generator covers every scenario,
the families and ratios included. A unittest module: exits non-zero when anything failed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ.get("FAIRMC_SOURCE_DIR",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCRIPT = os.path.join(SOURCE, "scripts", "metric_docs.py")

_spec = importlib.util.spec_from_file_location("metric_docs", SCRIPT)
metric_docs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(metric_docs)


def generator(binary, *args, docs=None):
    cmd = [sys.executable, SCRIPT, *args] + (["--docs", docs] if docs else []) + [binary]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


class MetricDocs(unittest.TestCase):
    binary = ""  # set from the command line

    @classmethod
    def setUpClass(cls):
        listing = subprocess.run([cls.binary, "list"], capture_output=True, text=True,
                                 check=True).stdout
        cls.scenarios = metric_docs.parse_list(listing)
        cls._tmp = tempfile.TemporaryDirectory(prefix="fairmc-metric-docs-")
        cls.tmp = cls._tmp.name

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_docs_are_current(self):
        p = generator(self.binary, "--check")
        assert p.returncode == 0, "docs/scenarios is stale; run python3 scripts/metric_docs.py " \
                                  "build/fairmc\n" + p.stderr

    def test_every_metric_declared_with_unit_and_help(self):
        for name, entry in self.scenarios.items():
            assert entry["metrics"], f"{name}: no metrics in `fairmc list`"
            for metric, unit, help_ in entry["metrics"]:
                assert unit, (name, metric)
                assert len(help_) > 10 and "see docs" not in help_.lower(), (name, metric, help_)

    def test_stale_row_is_caught(self):
        docs = os.path.join(self.tmp, "stale")
        shutil.copytree(metric_docs.DOCS, docs)
        path = os.path.join(docs, "power.md")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        row = "| `fixed_point_iterations` | count |"
        assert row in text, "power.md's block lacks fixed_point_iterations' unit"
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(row, "| `fixed_point_iterations` | 1 |"))
        p = generator(self.binary, "--check", docs=docs)
        assert p.returncode == 1 and "power.md is stale" in p.stderr, (p.returncode, p.stderr)
        with open(path, encoding="utf-8") as f:
            assert f.read() != text, "--check wrote the file"
        os.remove(os.path.join(docs, "demo.md"))
        p = generator(self.binary, "--check", docs=docs)
        assert p.returncode == 1 and "'demo' has no" in p.stderr, p.stderr

    def test_generator_covers_every_scenario(self):
        """Every block emptied of its table is filled again with every declared metric (families
        as patterns, ratios in their own table), and then the check passes."""
        docs = os.path.join(self.tmp, "all")
        shutil.copytree(metric_docs.DOCS, docs)
        for file in os.listdir(docs):
            path = os.path.join(docs, file)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(metric_docs.BLOCK.sub(
                    lambda b: b.group(0).replace(b.group("body"), "old text\n"), text))
        assert generator(self.binary, "--check", docs=docs).returncode == 1
        p = generator(self.binary, docs=docs)
        assert p.returncode == 0, p.stderr
        assert generator(self.binary, "--check", docs=docs).returncode == 0
        rows = ""
        for file in os.listdir(docs):
            with open(os.path.join(docs, file), encoding="utf-8") as f:
                rows += f.read()
        assert "old text" not in rows
        for name, entry in self.scenarios.items():
            for metric, unit, _ in entry["metrics"]:
                assert f"| `{metric}` | {metric_docs.cell(unit or '1')} |" in rows, (name, metric)
            for ratio, _ in entry["ratios"]:
                assert f"| `{ratio}` |" in rows, (name, ratio)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    MetricDocs.binary = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
