"""Round trip: fairmc writes a results file, analysis/fairmc.py reads it back, h5py checks it.

    FAIRMC_SOURCE_DIR=. PYTHONPATH=analysis /usr/bin/python3 tests/analysis/test_roundtrip.py build/fairmc

Runs two small demo experiments into a temporary directory (a 2-axis grid sweep with
keep_draws: true, and a zip sweep), then checks the loader against the raw file read with h5py.
Prints "N passed, M failed" and exits non-zero when anything failed.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import runpy
import subprocess
import sys
import tempfile
import traceback
import warnings

warnings.filterwarnings("ignore")  # xarray/netCDF4 version chatter on Debian

_here = os.path.dirname(os.path.abspath(__file__))
sys.path.append(os.path.join(os.environ.get("FAIRMC_SOURCE_DIR", os.path.join(_here, "..", "..")),
                             "analysis"))  # after PYTHONPATH, which wins

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import fairmc  # noqa: E402

AGENTS = [2, 5, 20]
WORK = [1, 3]
DRAWS = 250  # blocks of 100: the last block is short (50 draws)
BLOCK = 100

GRID_YAML = f"""\
experiment: roundtrip_grid
description: analysis round-trip test, grid sweep
claim: E[max of n uniforms] = n/(n+1)
scenario: demo
seed: 4242
draws: {DRAWS}
block: {BLOCK}
keep_draws: true
population: {{agents: 10}}
sweep:
  grid: {{mechanism.work: {WORK}, population.agents: {AGENTS}}}
fits:
  - {{metric: max, against: population.agents, log: true}}
checks:
  - {{name: closed_form, claim: "E[max] = n/(n+1)", mean: max, equals: expected_max, sigmas: 5}}
  - {{name: slope_w3, claim: "max grows slowly", slope: {{metric: max, against: population.agents}},
     in: [0, 0.5], at: {{mechanism.work: 3}}}}
"""

ZIP_AGENTS = [3, 10, 30, 100]
ZIP_WORK = [1, 2, 3, 4]
ZIP_YAML = f"""\
experiment: roundtrip_zip
scenario: demo
seed: 99
draws: 200
block: 64
population: {{agents: 10}}
sweep:
  zip: {{population.agents: {ZIP_AGENTS}, mechanism.work: {ZIP_WORK}, mechanism.name: [max, max, max, max]}}
fits:
  - {{metric: max, against: population.agents, log: true}}
"""


def run(binary, tmp, name, text):
    yaml = os.path.join(tmp, name + ".yaml")
    with open(yaml, "w") as f:
        f.write(text)
    out = os.path.join(tmp, name)
    proc = subprocess.run([binary, "run", yaml, "-o", out, "-j", "2", "--no-progress"], cwd=tmp,
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"fairmc run {name} failed with exit code {proc.returncode}")
    return out


def text(v):
    return v.decode() if isinstance(v, bytes) else v


def raw_points(path):
    """[(attrs, {metric: {field: value}})] straight from /points with h5py."""
    out = []
    with h5py.File(os.path.join(path, "results.h5"), "r") as f:
        for i in range(len(f["points"])):
            g = f[f"points/{i}"]
            stats = {}
            for m in g["stats"]:
                fields = text(g["stats"][m].attrs["fields"]).split(",")
                stats[m] = dict(zip(fields, g["stats"][m][()]))
            out.append(({k: text(v) for k, v in g.attrs.items()}, stats))
    return out


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) if (isinstance(a, float) and math.isnan(a)) else a == b


CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="fairmc-roundtrip-") as tmp:
        grid = run(binary, tmp, "grid", GRID_YAML)
        zipped = run(binary, tmp, "zip", ZIP_YAML)
        ctx = {"grid": grid, "zip": zipped,
               "gds": fairmc.open_summary(grid), "zds": fairmc.open_summary(os.path.join(zipped, "results.h5")),
               "binary": binary, "tmp": tmp}
        passed = failed = 0
        for fn in CHECKS:
            try:
                fn(ctx)
                passed += 1
            except Exception:  # noqa: BLE001 - report every failing check, then fail
                failed += 1
                print(f"FAIL {fn.__name__}", file=sys.stderr)
                traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


# --- CF metadata and provenance (issue 17) ----------------------------------------------------

def plain_summary(path):
    """/summary as plain xarray opens it: no help from analysis/fairmc.py."""
    import xarray as xr
    with xr.open_dataset(os.path.join(path, "results.h5"), group="summary") as ds:
        return ds.load()


@check
def cf_group_attributes_xarray(c):
    for path, name in ((c["grid"], "roundtrip_grid"), (c["zip"], "roundtrip_zip")):
        a = plain_summary(path).attrs
        assert a["Conventions"] == "CF-1.8", a
        assert a["title"].startswith(name), a["title"]
        assert a["source"].startswith("fairmc "), a["source"]
        assert a["references"], "references = the scenario's paper"
        lines = a["history"].split("\n")
        assert len(lines) == 1 and "(new," in lines[0] and " run " in lines[0], lines
    g = plain_summary(c["grid"]).attrs
    assert g["comment"] == "E[max of n uniforms] = n/(n+1)" and "grid sweep" in g["title"], g


@check
def cf_variable_attributes_netcdf4(c):
    import netCDF4
    with netCDF4.Dataset(os.path.join(c["grid"], "results.h5")) as nc:
        s = nc["summary"]
        assert s.Conventions == "CF-1.8"
        v = s["max"]
        # long_name from the scenario's metric description (demo: "largest of the n values")
        assert v.long_name == "largest of the n values: mean over draws", v.long_name
        assert v.units == "1"
        assert v.ancillary_variables.split() == ["max_sem", "max_sd", "max_ci_lo", "max_ci_hi",
                                                 "max_n"], v.ancillary_variables
        for a in v.ancillary_variables.split():
            assert a in s.variables and s[a].dimensions == v.dimensions, a
        assert s["max_sem"].long_name.startswith("largest of the n values: standard error")
        # integer sweep axes stay integers
        assert s["population.agents"].dtype == np.int64 and list(s["population.agents"][:]) == AGENTS
        st = s["status"]
        assert st.dimensions == v.dimensions and st.dtype == np.int64
        assert list(st.flag_values) == [0, 1, 2, 3]
        assert st.flag_meanings.split() == ["pending", "partial", "complete", "failed"]
        assert (st[:] == 2).all(), st[:]  # every point complete


@check
def cf_zip_coordinates_plain_xarray(c):
    ds = plain_summary(c["zip"])
    # the `coordinates` attribute alone makes plain xarray show the zipped keys as coordinates
    for key in ("population.agents", "mechanism.work", "mechanism.name"):
        assert key in ds.coords and key not in ds.data_vars, (key, list(ds.coords))
    assert list(ds["population.agents"].values) == ZIP_AGENTS
    assert ds["population.agents"].dtype == np.int64
    assert list(ds["mechanism.name"].values) == ["max"] * 4
    assert ds["status"].dims == ("zip",) and (ds["status"].values == 2).all()


@check
def cf_status_h5py_and_history_table(c):
    with h5py.File(os.path.join(c["zip"], "results.h5"), "r") as f:
        assert text(f["summary"].attrs["Conventions"]) == "CF-1.8"
        assert text(f["summary/max"].attrs["coordinates"]).split() == [
            "population.agents", "mechanism.work", "mechanism.name"]
        assert list(f["summary/status"][()]) == [2] * 4
        h = f["history"]
        assert [text(x) for x in h["kind"][()]] == ["new"]
        assert h["threads"][0] == 2 and h["ranks"][0] == 1 and h["wall_seconds"][0] > 0
        assert h["git_dirty"][0] in (-1, 0, 1)
        libs = text(h["libraries"][0])
        for lib in ("Boost", "TBB", "HDF5", "GLPK", "yaml-cpp"):
            assert lib in libs, libs
        assert text(h["fairmc_version"][0]) == text(f.attrs["fairmc_version"])
        assert text(h["git_sha"][0]) == text(f.attrs["git_sha"])
        assert text(h["command_line"][0]) == text(f.attrs["command_line"])


@check
def config_defaults_lists_scenario_fallbacks(c):
    with h5py.File(os.path.join(c["grid"], "results.h5"), "r") as f:
        lines = text(f["config/defaults"][()]).splitlines()
        resolved = text(f["config/resolved"][()])
    # the demo scenario reads mechanism.name with fallback "max"; the grid never sets it
    assert "mechanism.name: max" in lines, lines
    assert "mechanism.name" not in resolved and "name: max" not in resolved, resolved
    assert lines == sorted(lines), lines


@check
def history_survives_resume(c):
    out = run(c["binary"], c["tmp"], "resumed", ZIP_YAML.replace("roundtrip_zip", "roundtrip_resume"))
    before = fairmc.history(out)
    assert len(before) == 1 and before["kind"][0] == "new", before
    proc = subprocess.run([c["binary"], "run", "--resume", out, "draws=300", "-j", "1",
                           "--no-progress"], cwd=c["tmp"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr, proc.stderr  # same build: no build-change warning
    after = fairmc.history(out)
    assert list(after["kind"]) == ["new", "resume"], after
    for col in before.columns:  # the first entry is carried over unchanged
        assert same(before[col][0], after[col][0]), (col, before[col][0], after[col][0])
    assert after["threads"][1] == 1 and "draws=300" in after["overrides"][1]
    assert "--resume" in after["command_line"][1]
    assert after["start_utc"][1] >= after["end_utc"][0]
    lines = plain_summary(out).attrs["history"].split("\n")
    assert len(lines) == 2 and "(new," in lines[0] and "(resume," in lines[1], lines
    # root attributes describe the latest run, as before
    assert "--resume" in fairmc.root_attrs(out)["command_line"]


# --- grid sweep -------------------------------------------------------------------------------

@check
def grid_dims_and_coords(c):
    ds = c["gds"]
    assert dict(ds.sizes) == {"mechanism.work": 2, "population.agents": 3}, dict(ds.sizes)
    assert ds["max"].dims == ("mechanism.work", "population.agents"), ds["max"].dims
    assert list(ds["population.agents"].values) == AGENTS
    assert list(ds["mechanism.work"].values) == WORK
    for suffix in ["", "_sem", "_sd", "_ci_lo", "_ci_hi", "_n", "_min", "_max"]:
        for m in ("max", "mean"):
            assert ds[m + suffix].dims == ds["max"].dims, m + suffix


@check
def grid_root_attrs(c):
    a = c["gds"].attrs
    assert a["format"] == "fairmc-results" and a["format_version"] == 2
    assert a["experiment"] == "roundtrip_grid" and a["scenario"] == "demo"
    assert a["seed"] == 4242 and a["draws"] == DRAWS and a["block"] == BLOCK
    assert a["claim"] == "E[max of n uniforms] = n/(n+1)"
    assert a["complete"] == 1 and a["points_failed"] == 0


@check
def grid_means_equal_point_stats(c):
    ds = c["gds"]
    raw = raw_points(c["grid"])
    assert len(raw) == len(AGENTS) * len(WORK)
    for i, (attrs, stats) in enumerate(raw):
        # Point order is row-major: the last sweep axis varies fastest.
        w, n = WORK[i // len(AGENTS)], AGENTS[i % len(AGENTS)]
        assert float(attrs["population.agents"]) == n and float(attrs["mechanism.work"]) == w, attrs
        at = ds.sel({"population.agents": n, "mechanism.work": w})
        for m in ("max", "mean"):
            s = stats[m]
            assert s["n"] == DRAWS
            for var, field in [(m, "mean"), (m + "_sem", "sem"), (m + "_sd", "sd"), (m + "_ci_lo", "ci_lo"),
                               (m + "_ci_hi", "ci_hi"), (m + "_n", "n"), (m + "_min", "min"),
                               (m + "_max", "max")]:
                assert float(at[var]) == s[field], (i, var, float(at[var]), s[field])
            assert s["ci_lo"] < s["mean"] < s["ci_hi"]


@check
def grid_point_table(c):
    pt = fairmc.point_table(c["grid"])
    assert len(pt) == len(AGENTS) * len(WORK)
    assert list(pt["population.agents"]) == [float(n) for _ in WORK for n in AGENTS]
    assert list(pt["mechanism.work"]) == [float(w) for w in WORK for _ in AGENTS]
    assert set(pt["status"]) == {"complete"} and set(pt["error"]) == {""}
    assert all(isinstance(k, int) and k > 0 for k in pt["stream_key"])
    # Mechanism settings do not enter the stream key: both work values share the population.
    assert pt["stream_key"][0] == pt["stream_key"][3] != pt["stream_key"][1]


@check
def grid_summary_frame_matches_open_summary(c):
    ds = c["gds"]
    df = fairmc.summary_frame(c["grid"])
    assert len(df) == len(AGENTS) * len(WORK) and list(df.index) == list(range(len(df)))
    assert list(df.columns[:2]) == ["mechanism.work", "population.agents"], list(df.columns)
    assert set(ds.data_vars) == set(df.columns[2:]), set(ds.data_vars) ^ set(df.columns[2:])
    raw = raw_points(c["grid"])
    for i, row in df.iterrows():
        at = ds.sel({"population.agents": row["population.agents"], "mechanism.work": row["mechanism.work"]})
        for var in ds.data_vars:
            assert same(float(row[var]), float(at[var])), (i, var, row[var], float(at[var]))
        assert row["max"] == raw[i][1]["max"]["mean"]  # row i is /points/i


@check
def grid_draws_match_summary(c):
    ds = c["gds"]
    pt = fairmc.point_table(c["grid"])
    for m in ("max", "mean"):
        draws = fairmc.open_draws(c["grid"], m)
        assert sorted(draws) == list(range(len(pt)))
        for i, values in draws.items():
            assert values.shape == (DRAWS,), values.shape
            at = ds.sel({"population.agents": pt["population.agents"][i], "mechanism.work": pt["mechanism.work"][i]})
            mean = float(at[m])
            assert abs(values.mean() - mean) <= 1e-12 * abs(mean), (m, i, values.mean(), mean)
            assert values.min() == float(at[m + "_min"]) and values.max() == float(at[m + "_max"])
            assert abs(values.std(ddof=1) - float(at[m + "_sd"])) <= 1e-10 * float(at[m + "_sd"])


@check
def grid_quantiles_from_draws(c):
    draws = fairmc.open_draws(c["grid"], "max")
    with h5py.File(os.path.join(c["grid"], "results.h5"), "r") as f:
        for i, values in draws.items():
            d = f[f"points/{i}/stats/max"]
            fields = text(d.attrs["fields"]).split(",")
            assert fields[8:13] == ["q05", "q25", "q50", "q75", "q95"], fields
            assert text(d.attrs["quantiles"]).startswith("exact")
            q = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95])  # numpy's default = type 7
            assert np.allclose(d[()][8:13], q, rtol=1e-14, atol=0)
            # ... and /summary carries the same, as max_q05 ... max_q95 with max_median.
            s = f["summary"]
            for k, name in enumerate(["q05", "q25", "median", "q75", "q95"]):
                assert d[()][8 + k] in s["max_" + name][()]


@check
def grid_blocks_merge_to_stats(c):
    """Chan et al.'s pairwise merge of blocks/<metric> in block order gives stats/<metric>."""
    with h5py.File(os.path.join(c["grid"], "results.h5"), "r") as f:
        for i in range(len(f["points"])):
            b = f[f"points/{i}/blocks"]
            assert list(b["index"][()]) == [0, 1, 2]
            assert b["range"][()].tolist() == [[0, 100], [100, 200], [200, 250]]
            assert text(b["max"].attrs["fields"]) == "n,mean,m2,min,max"
            n = mean = m2 = 0.0
            for bn, bmean, bm2, _, _ in b["max"][()]:
                if n == 0:
                    n, mean, m2 = bn, bmean, bm2
                    continue
                tot = n + bn
                delta = bmean - mean
                mean, m2, n = mean + delta * (bn / tot), m2 + bm2 + delta * delta * (n * bn / tot), tot
            s = f[f"points/{i}/stats/max"][()]
            assert n == s[0] and mean == s[1], (n, mean, s[:2])
            assert abs(math.sqrt(m2 / (n - 1)) - s[2]) <= 1e-15 * s[2]


@check
def grid_expected_max_constant(c):
    ds = c["gds"]
    n = ds["population.agents"]
    expected = (n / (n + 1)).broadcast_like(ds["expected_max"])
    assert np.allclose(ds["expected_max"].values, expected.values, rtol=1e-15, atol=0)
    assert (ds["expected_mean"].values == 0.5).all()
    # ... and it agrees with the simulation within a generous 5 standard errors.
    assert (abs(ds["max"] - ds["expected_max"]) < 5 * ds["max_sem"]).all()


@check
def grid_fit_along_remaining_axis(c):
    ds = c["gds"]
    name = "fit_max_vs_population.agents_slope"
    assert ds[name].dims == ("mechanism.work",), ds[name].dims
    assert name not in ds.attrs  # only 0-d fits are copied to attributes
    for w in WORK:
        sel = ds.sel({"mechanism.work": w})
        # Weighted least squares, weights 1/sem(log max) = max/sem (np.polyfit's w is 1/sigma).
        w = sel["max"].values / sel["max_sem"].values
        slope, intercept = np.polyfit(np.log(sel["population.agents"].values), np.log(sel["max"].values), 1, w=w)
        assert abs(float(sel[name]) - slope) <= 1e-9 * abs(slope)
        assert abs(float(sel["fit_max_vs_population.agents_intercept"]) - intercept) <= 1e-9 * abs(intercept)


@check
def grid_checks_recomputed_from_summary(c):
    """/checks through fairmc.checks(), recomputed from /summary (issue 18)."""
    ds = c["gds"]
    checks = fairmc.checks(c["grid"])
    assert [k["name"] for k in checks] == ["closed_form", "slope_w3"]
    assert fairmc.checks_verdict(c["grid"]) == "pass"
    mean = checks[0]
    # Points in row-major order over (mechanism.work, population.agents).
    flat = lambda v: np.asarray(v).transpose(*[ds[v.name].dims.index(d) for d in
                                               ("mechanism.work", "population.agents")]).ravel()
    est, sem, target = flat(ds["max"]), flat(ds["max_sem"]), flat(ds["expected_max"])
    assert [p["point"] for p in mean["points"]] == list(range(len(WORK) * len(AGENTS)))
    for p in mean["points"]:
        i = p["point"]
        assert p["estimate"] == est[i] and p["error"] == sem[i] and p["target"] == target[i]
        assert abs(p["lo"] - (target[i] - 5 * sem[i])) <= 1e-15
        assert p["verdict"] == "pass"
    worst = max(range(len(est)), key=lambda i: abs(est[i] - target[i]) / sem[i])
    assert mean["worst_point"] == worst and mean["threshold"] == 5
    assert abs(mean["statistic"] - abs(est[worst] - target[worst]) / sem[worst]) <= 1e-12
    slope = checks[1]
    assert [p["point"] for p in slope["points"]] == [WORK.index(3)]
    sel = ds.sel({"mechanism.work": 3})
    s = float(sel["fit_max_vs_population.agents_slope"])
    err = float(sel["fit_max_vs_population.agents_slope_sem"]) * np.sqrt(
        max(1.0, float(sel["fit_max_vs_population.agents_chi2_dof"])))
    assert slope["points"][0]["estimate"] == s
    assert abs(slope["points"][0]["error"] - err) <= 1e-15 * err
    # The zip run states no checks.
    assert fairmc.checks(c["zip"]) == [] and fairmc.checks_verdict(c["zip"]) == ""


# --- zip sweep --------------------------------------------------------------------------------

@check
def zip_dims_and_coords(c):
    ds = c["zds"]
    assert dict(ds.sizes) == {"zip": len(ZIP_AGENTS)}, dict(ds.sizes)
    assert ds["max"].dims == ("zip",)
    for key, values in [("population.agents", ZIP_AGENTS), ("mechanism.work", ZIP_WORK),
                        ("mechanism.name", ["max"] * 4)]:
        assert key in ds.coords and key not in ds.data_vars, key
        assert ds[key].dims == ("zip",)
        assert list(ds[key].values) == values, (key, list(ds[key].values))
    assert list(ds["zip"].values) == list(range(len(ZIP_AGENTS)))


@check
def zip_means_and_frame(c):
    ds = c["zds"]
    df = fairmc.summary_frame(c["zip"])
    raw = raw_points(c["zip"])
    assert list(df.columns[:3]) == ["population.agents", "mechanism.work", "mechanism.name"], list(df.columns)
    assert list(df["mechanism.name"]) == ["max"] * 4
    assert set(ds.data_vars) == set(df.columns[3:])
    for i, (attrs, stats) in enumerate(raw):
        assert float(attrs["population.agents"]) == ZIP_AGENTS[i] == df["population.agents"][i]
        assert float(ds["max"][i]) == stats["max"]["mean"] == df["max"][i]
        assert float(ds["mean_sem"][i]) == stats["mean"]["sem"] == df["mean_sem"][i]
        for var in ds.data_vars:
            full = ds[var].broadcast_like(ds["max"])  # 0-d fits repeat on every row
            assert same(float(df[var][i]), float(full[i])), (i, var)
    pt = fairmc.point_table(c["zip"])
    assert list(pt["mechanism.name"]) == ["max"] * 4  # stored as canonical text '"max"'


@check
def zip_expected_max_constant(c):
    ds = c["zds"]
    n = np.array(ZIP_AGENTS, dtype=float)
    assert np.allclose(ds["expected_max"].values, n / (n + 1), rtol=1e-15, atol=0)


@check
def zip_fit_attribute(c):
    ds = c["zds"]
    name = "fit_max_vs_population.agents_slope"
    assert name in ds.attrs and isinstance(ds.attrs[name], float), sorted(ds.attrs)
    assert ds.attrs[name] == float(ds[name])
    for suffix in ("_intercept", "_slope_sem", "_chi2_dof"):
        assert isinstance(ds.attrs["fit_max_vs_population.agents" + suffix], float)
    w = ds["max"].values / ds["max_sem"].values  # weighted least squares, w = 1/sigma
    slope, _ = np.polyfit(np.log(ZIP_AGENTS), np.log(ds["max"].values), 1, w=w)
    assert abs(ds.attrs[name] - slope) <= 1e-9 * abs(slope), (ds.attrs[name], slope)
    assert ds.attrs["experiment"] == "roundtrip_zip" and ds.attrs["seed"] == 99 and ds.attrs["draws"] == 200


@check
def zip_without_draws_raises(c):
    try:
        fairmc.open_draws(c["zip"], "max")
    except KeyError as e:
        assert "keep_draws" in str(e), str(e)
    else:
        raise AssertionError("open_draws on a keep_draws: false run did not raise KeyError")


@check
def not_a_results_file(c):
    try:
        fairmc.summary_frame(os.path.join(c["zip"], "missing.h5"))
    except FileNotFoundError:
        pass
    else:
        raise AssertionError("no FileNotFoundError for a missing file")


@check
def cli_prints_frame(c):
    """`python3 analysis/fairmc.py RESULTS`, run in this interpreter (saves a slow import)."""
    out = io.StringIO()
    argv = sys.argv
    sys.argv = [fairmc.__file__, c["grid"]]
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(fairmc.__file__, run_name="__main__")
        raise AssertionError("the CLI did not exit")
    except SystemExit as e:
        assert e.code == 0, e.code
    finally:
        sys.argv = argv
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("roundtrip_grid (scenario demo)"), lines[0]
    assert "population.agents" in out.getvalue() and "max_ci_hi" in out.getvalue()
    assert sum(1 for ln in lines if ln.split()[:1] and ln.split()[0].isdigit()) == len(AGENTS) * len(WORK)


# --- declared units (issue 17 items 3 and 9) ----------------------------------------------------

UNITS_YAML = """\
experiment: roundtrip_units
scenario: objective
seed: 11
draws: 40
block: 20
population: {agents: 2, items: 4}
mechanism: {alpha: 0.2, beta: 0.1}
"""


@check
def cf_declared_units_h5py_netcdf4_xarray(c):
    """A metric declared with unit "count" (objective's lp_cuts) carries it, and its help as
    long_name, through h5py, netCDF4 and plain xarray; tallies are counts, shares "1"."""
    import netCDF4
    import xarray as xr
    path = os.path.join(run(c["binary"], c["tmp"], "units", UNITS_YAML), "results.h5")
    help_ = "cutting planes the participatory LP (Eq. 3) used"
    want = {"lp_cuts": ("count", help_ + ": mean over draws"),
            "lp_cuts_sem": ("count", help_ + ": standard error of the mean"),
            "lp_cuts_q95": ("count", None), "lp_cuts_n": ("count", None),
            "lp_cuts_top_share": ("1", None), "lp_cuts_unreliable": ("1", None),
            "loss": ("1", "Eq. 4: sum u(x*) - sum u(x^theta): mean over draws")}
    with h5py.File(path, "r") as f:
        got = {k: (text(f["summary"][k].attrs["units"]), text(f["summary"][k].attrs["long_name"]))
               for k in want}
    with netCDF4.Dataset(path) as nc:
        s = nc["summary"]
        assert {k: (s[k].units, s[k].long_name) for k in want} == got, "netCDF4 differs from h5py"
    with xr.open_dataset(path, group="summary") as ds:
        assert {k: (ds[k].attrs["units"], ds[k].attrs["long_name"]) for k in want} == got
    for k, (units, long_name) in want.items():
        assert got[k][0] == units, (k, got[k])
        assert long_name is None or got[k][1] == long_name, (k, got[k])

if __name__ == "__main__":
    sys.exit(main())
