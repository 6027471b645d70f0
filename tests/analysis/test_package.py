"""analysis/ as a package: pip-installable with Debian's Python alone, tidy_frame() and runs().

    FAIRMC_SOURCE_DIR=. PYTHONPATH=analysis /usr/bin/python3 tests/analysis/test_package.py build/fairmc

1. The versions agree: analysis/pyproject.toml, fairmc.__version__ and CMakeLists.txt's project.
2. A venv with Debian's site packages installs ./analysis with pip, offline, and `import fairmc`
   there loads the installed copy (not the checkout), which reads a real results file.
3. tidy_frame() names every /summary number (no "other"), and pivoting it back gives
   summary_frame() exactly.
4. runs() lists every results file under a directory, skips HDF5 files that are not fairmc's, and
   reports a damaged one instead of failing.
Prints "N passed, M failed" and exits non-zero when anything failed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import warnings

warnings.filterwarnings("ignore")

SOURCE = os.environ.get("FAIRMC_SOURCE_DIR",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.append(os.path.join(SOURCE, "analysis"))

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import fairmc  # noqa: E402

DEMO_YAML = """\
experiment: package_demo
scenario: demo
seed: 7
draws: 300
block: 100
population: {agents: 10}
sweep:
  grid: {population.agents: [2, 5, 20]}
fits:
  - {metric: max, against: population.agents, log: true}
ratios:
  - {name: max_over_mean, num: max, den: mean}
"""


def check_versions(_binary, _tmp):
    cmake = open(os.path.join(SOURCE, "CMakeLists.txt")).read()
    project = re.search(r"project\(fairmc VERSION ([0-9.]+)", cmake).group(1)
    toml = open(os.path.join(SOURCE, "analysis", "pyproject.toml")).read()
    package = re.search(r'^version = "([^"]+)"', toml, re.M).group(1)
    assert project == package == fairmc.__version__, (project, package, fairmc.__version__)


def run_demo(binary, out):
    yaml = os.path.join(os.path.dirname(out), os.path.basename(out) + ".yaml")
    with open(yaml, "w") as f:
        f.write(DEMO_YAML)
    done = subprocess.run([binary, "run", yaml, "-o", out, "--no-progress"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return out


def check_pip_install(binary, tmp):
    src = shutil.copytree(os.path.join(SOURCE, "analysis"), os.path.join(tmp, "src"),
                          ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    env_dir = os.path.join(tmp, "env")
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", env_dir], check=True)
    py = os.path.join(env_dir, "bin", "python")
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([py, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
                    "--quiet", src], check=True, env=clean, cwd=tmp)
    results = run_demo(binary, os.path.join(tmp, "installed_run"))
    probe = ("import fairmc, sys; print(fairmc.__file__); "
             f"print(len(fairmc.summary_frame({results!r})))")
    out = subprocess.run([py, "-c", probe], check=True, env=clean, cwd=tmp, capture_output=True,
                         text=True).stdout.split()
    assert os.path.realpath(out[0]).startswith(os.path.realpath(env_dir)), out[0]
    assert out[1] == "3", out
    script = os.path.join(env_dir, "bin", "fairmc-summary")
    printed = subprocess.run([script, results], check=True, env=clean, capture_output=True,
                             text=True).stdout
    assert "package_demo" in printed, printed


def check_tidy(binary, tmp):
    results = run_demo(binary, os.path.join(tmp, "tidy_run"))
    wide = fairmc.summary_frame(results)
    long = fairmc.tidy_frame(results)
    assert set(long.kind) <= {"metric", "ratio", "constant", "fit", "run", "status"}, \
        sorted(set(long[long.kind == "other"].name))
    assert (long.kind == "ratio").any() and (long.kind == "fit").any() \
        and (long.kind == "constant").any()
    # Every wide number is one long row: same count, and each row maps back to its column.
    keys = ["population.agents"]
    assert len(long) == len(wide) * (len(wide.columns) - len(keys)), (len(long), wide.shape)
    mean = long[(long.name == "max") & (long.statistic == "mean")].set_index("point")["value"]
    np.testing.assert_array_equal(mean.to_numpy(dtype=float), wide["max"].to_numpy())
    sem = long[(long.name == "max") & (long.statistic == "sem")].set_index("point")["value"]
    np.testing.assert_array_equal(sem.to_numpy(dtype=float), wide["max_sem"].to_numpy())
    # A statistic of a metric whose name is a prefix of another ("max" vs "max_over_mean").
    ratio = long[(long.name == "max_over_mean") & (long.statistic == "ci_lo")]
    assert len(ratio) == 3 and (ratio.kind == "ratio").all()
    slope = long[(long.kind == "fit") & (long.statistic == "slope")]
    assert set(slope.name) == {"fit_max_vs_population.agents"}, set(slope.name)
    np.testing.assert_array_equal(long[long.kind == "fit"].groupby("statistic").size().to_numpy(),
                                  [3, 3, 3, 3])
    assert list(long.columns) == ["point", *keys, "name", "kind", "statistic", "value"]


def check_runs(binary, tmp):
    top = os.path.join(tmp, "tree")
    os.makedirs(os.path.join(top, "a"))
    run_demo(binary, os.path.join(top, "a", "one"))
    run_demo(binary, os.path.join(top, "two"))
    with h5py.File(os.path.join(top, "foreign.h5"), "w") as f:
        f["x"] = 1
    with open(os.path.join(top, "broken.h5"), "wb") as f:
        f.write(b"not an hdf5 file")
    table = fairmc.runs(top)
    good = table[table.error == ""]
    assert list(good.experiment) == ["package_demo", "package_demo"], table
    assert list(good.points) == [3, 3] and list(good.complete) == [1, 1], table
    assert (good.scenario == "demo").all() and (good.invocations == 1).all(), table
    bad = table[table.error != ""]
    assert list(bad.path) == [os.path.join(top, "broken.h5")], table
    top_only = fairmc.runs(top, recursive=False)  # the two runs sit in subdirectories
    assert list(top_only.path) == [os.path.join(top, "broken.h5")], top_only


def main() -> int:
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(SOURCE, "build", "fairmc")
    passed = failed = 0
    for test in (check_versions, check_pip_install, check_tidy, check_runs):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                test(binary, tmp)
                passed += 1
            except Exception:  # noqa: BLE001 - report every failure, keep going
                failed += 1
                print(f"FAILED {test.__name__}")
                traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
