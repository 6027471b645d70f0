"""Round trip: fairmc writes a results file, analysis/fairmc.py reads it back, h5py checks it;
xarray, netCDF4 and h5py each check the CF attributes of /summary (issue 17 item 3).

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
import warnings

warnings.filterwarnings("ignore")  # xarray/netCDF4 version chatter on Debian

_here = os.path.dirname(os.path.abspath(__file__))
sys.path.append(os.path.join(os.environ.get("FAIRMC_SOURCE_DIR", os.path.join(_here, "..", "..")),
                             "analysis"))  # after PYTHONPATH, which wins

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import fairmc  # noqa: E402
import harness  # noqa: E402
from harness import run  # noqa: E402

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


check = harness.Checks()


def main():
    binary = harness.fairmc_binary(__doc__)
    if not binary:
        return 2
    with tempfile.TemporaryDirectory(prefix="fairmc-roundtrip-") as tmp:
        grid = run(binary, tmp, "grid", GRID_YAML)
        zipped = run(binary, tmp, "zip", ZIP_YAML)
        ctx = {"grid": grid, "zip": zipped,
               "gds": fairmc.open_summary(grid), "zds": fairmc.open_summary(os.path.join(zipped, "results.h5")),
               "binary": binary, "tmp": tmp}
        return check.run(ctx)


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


# --- CF attributes through each reader: xarray, netCDF4, h5py (issue 17 items 3 and 10) -------
# Each reader gives a view {"group": attrs, "vars": {name: {"dims", "kind", "attrs", "values"}}}
# (kind: "i" integer, "f" float, "S" string); the same expectations hold in every view, for the
# grid and zip runs, a grid x zip run with a failing point and an scf run (a paper's scenario).

CF_GRID_ZIP_YAML = """\
experiment: roundtrip_cf_grid_zip
description: grid x zip with a failing point
claim: E[max of n uniforms] = n/(n+1)
scenario: demo
seed: 17
draws: 40
block: 20
population: {agents: 10}
sweep:
  grid: {population.agents: "logspace(0, 2, 3, round)"}
  zip: {mechanism.work: [1, 2], mechanism.fail_for_agents: [0, 10]}
fits:
  - {metric: max, against: population.agents, log: true}
"""
CF_SCF_YAML = """\
experiment: roundtrip_cf_scf
scenario: scf
seed: 5
draws: 2
block: 1
population: {sampler: figure5}
mechanism: {name: traffic, scfs: utilitarian}
"""
# What each run must show: its axes (values and Python type), zipped keys, scenario.
CF_RUNS = {
    "grid": {"axes": {"mechanism.work": WORK, "population.agents": AGENTS}, "zip": []},
    "zip": {"axes": {"population.agents": ZIP_AGENTS, "mechanism.work": ZIP_WORK,
                     "mechanism.name": ["max"] * 4}, "zip": ["population.agents", "mechanism.work",
                                                           "mechanism.name"]},
    "grid_zip": {"yaml": CF_GRID_ZIP_YAML, "axes": {"population.agents": [1, 10, 100],
                                                    "mechanism.work": [1, 2],
                                                    "mechanism.fail_for_agents": [0, 10]},
                 "zip": ["mechanism.work", "mechanism.fail_for_agents"]},
    "scf": {"yaml": CF_SCF_YAML, "axes": {}, "zip": []},
}
STATUS_CODES = {"pending": 0, "partial": 1, "complete": 2, "failed": 3}
ANCILLARY = ("_sem", "_sd", "_ci_lo", "_ci_hi", "_n")
HDF5_BOOKKEEPING = {"DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Dimid",
                    "_Netcdf4Coordinates", "_NCProperties"}


def cf_run(c, which):
    """The results directory of one of CF_RUNS (run once, on first use)."""
    if which not in c:
        c[which] = run(c["binary"], c["tmp"], "cf_" + which, CF_RUNS[which]["yaml"], (0, 1))
    return c[which]


def kind_of(dtype, values):
    if dtype is str:  # netCDF4's variable-length strings
        dtype = np.dtype(object)
    if dtype.kind in "iu":
        return "i"
    if dtype.kind == "f":
        return "f"
    assert all(isinstance(v, str) for v in values), (dtype, values)
    return "S"


def view_xarray(path):
    """/summary as plain xarray opens it (h5netcdf when installed, else netCDF4: Debian has the latter)."""
    import importlib.util
    import xarray as xr
    engine = "h5netcdf" if importlib.util.find_spec("h5netcdf") else "netcdf4"
    with xr.open_dataset(os.path.join(path, "results.h5"), group="summary", engine=engine) as ds:
        ds.load()
        out = {"group": dict(ds.attrs), "vars": {}, "coords": set(ds.coords)}
        for name, v in ds.variables.items():
            attrs = dict(v.attrs)
            if "coordinates" in v.encoding:  # xarray moves `coordinates` into the encoding
                attrs["coordinates"] = v.encoding["coordinates"]
            values = v.values.ravel().tolist()
            out["vars"][name] = {"dims": v.dims, "kind": kind_of(v.dtype, values), "attrs": attrs,
                                 "values": values}
    return out


def view_netcdf4(path):
    import netCDF4
    with netCDF4.Dataset(os.path.join(path, "results.h5")) as nc:
        s = nc["summary"]
        s.set_auto_mask(False)
        out = {"group": {k: s.getncattr(k) for k in s.ncattrs()}, "vars": {}}
        for name, v in s.variables.items():
            values = np.asarray(v[:]).ravel().tolist()
            attrs = {k: v.getncattr(k) for k in v.ncattrs() if k not in HDF5_BOOKKEEPING}
            out["vars"][name] = {"dims": v.dimensions, "kind": kind_of(v.dtype, values),
                                 "attrs": attrs, "values": values}
    return out


def view_h5py(path):
    """/summary read with h5py alone: dimensions from the attached dimension scales."""
    def plain(v):
        if isinstance(v, bytes):
            return v.decode()
        return v.tolist() if isinstance(v, np.ndarray) else v

    with h5py.File(os.path.join(path, "results.h5"), "r") as f:
        g = f["summary"]
        out = {"group": {k: plain(v) for k, v in g.attrs.items()}, "vars": {}}
        for name, d in g.items():
            if not isinstance(d, h5py.Dataset):
                continue
            if "DIMENSION_LIST" in d.attrs:
                dims = tuple(os.path.basename(f[refs[0]].name) for refs in d.attrs["DIMENSION_LIST"])
            elif d.attrs.get("CLASS") == b"DIMENSION_SCALE":
                dims = (name,)  # a dimension scale is its own dimension
            else:
                dims = ()
            values = [plain(x) for x in d[()].ravel()]
            attrs = {k: plain(v) for k, v in d.attrs.items() if k not in HDF5_BOOKKEEPING}
            out["vars"][name] = {"dims": dims, "kind": kind_of(d.dtype, values), "attrs": attrs,
                                 "values": values}
    return out


def listed(binary, scenario):
    """`fairmc list SCENARIO`: the paper and {metric or template: description}."""
    out = subprocess.run([binary, "list", scenario], capture_output=True, text=True, timeout=30,
                         check=True).stdout.splitlines()
    paper = next(ln.split("paper:", 1)[1].strip() for ln in out if ln.strip().startswith("paper:"))
    start = next(i for i, ln in enumerate(out) if ln.strip() == "metrics:")
    metrics = {}
    for ln in out[start + 1:]:
        if not ln.startswith("    "):
            break
        name, desc = ln.strip().split(None, 1)
        metrics[name] = desc.rsplit(" [", 1)[0] if desc.endswith("]") else desc
    return paper, metrics


def description(metric, listed_metrics):
    """The description `fairmc list` gives a metric, by name or by the most specific template."""
    if metric in listed_metrics:
        return listed_metrics[metric]
    import re
    best = None
    for pattern, desc in listed_metrics.items():
        parts = re.split(r"<[^>]+>", pattern)
        if len(parts) > 1 and re.fullmatch(".+".join(map(re.escape, parts)), metric):
            if best is None or len("".join(parts)) > best[0]:
                best = (len("".join(parts)), f"{desc} ({metric})")
    return best[1] if best else None


def cf_expectations(view, c, which):
    """Item 3's attributes, asserted on one reader's view of one run."""
    spec = CF_RUNS[which]
    path = c["grid"] if which == "grid" else c["zip"] if which == "zip" else cf_run(c, which)
    root = fairmc.root_attrs(path)
    paper, listed_metrics = listed(c["binary"], root["scenario"])
    g, v = view["group"], view["vars"]
    # Group attributes: a Dataset opened with group="summary" keeps its provenance.
    assert g["Conventions"] == "CF-1.8", g
    title = root["experiment"] + (": " + root["description"] if root.get("description") else "")
    assert g["title"] == title, (g["title"], title)
    assert g["source"].startswith("fairmc ") and g["source"].split()[1] == root["fairmc_version"], g
    assert g["references"] == paper, (g["references"], paper)
    history = fairmc.history(path)
    lines = g["history"].split("\n")
    assert len(lines) == len(history) >= 1 and all(" run " in ln for ln in lines), lines
    # Axes: integer axes stay integers, string axes strings; each zipped key lies along `zip`.
    for key, values in spec["axes"].items():
        assert v[key]["values"] == values, (key, v[key]["values"])
        want = "S" if isinstance(values[0], str) else "i" if isinstance(values[0], int) else "f"
        assert v[key]["kind"] == want, (key, v[key]["kind"])
        assert v[key]["dims"] == (("zip",) if key in spec["zip"] else (key,)), (key, v[key]["dims"])
        assert v[key]["attrs"]["long_name"] == "sweep key " + key
    # Metrics: long_name from the scenario's description, units, ancillary variables.
    with h5py.File(os.path.join(path, "results.h5"), "r") as f:
        metrics = list(f["points/0/stats"])
    assert metrics
    shape = v[metrics[0]]["dims"]
    for m in metrics:
        desc = description(m, listed_metrics)
        assert desc, (m, "fairmc list describes no such metric")
        a = v[m]["attrs"]
        assert a["long_name"] == desc + ": mean over draws", (m, a["long_name"])
        assert isinstance(a["units"], str) and a["units"], (m, a)
        anc = a["ancillary_variables"].split()
        assert anc == [m + s for s in ANCILLARY], (m, anc)
        for name in anc:
            assert v[name]["dims"] == shape and v[name]["kind"] == "f", name
            assert v[name]["attrs"]["long_name"].startswith(desc + ": "), (name, v[name]["attrs"])
            assert v[name]["attrs"]["units"], name
    for name, var in v.items():
        if name in spec["axes"] or name == "zip":
            continue
        assert var["attrs"].get("long_name"), (name, var["attrs"])
        if name != "status":  # flags have no units
            assert var["attrs"].get("units"), (name, var["attrs"])
        # `coordinates` on every variable along zip, naming exactly the zipped keys.
        along_zip = "zip" in var["dims"]
        assert not along_zip or spec["zip"], name
        assert var["attrs"].get("coordinates", "").split() == (spec["zip"] if along_zip else []), (
            name, var["attrs"].get("coordinates"))
    # Each variable says what it holds: no two share a long_name (the four arrays of a fit neither).
    names = {}
    for name, var in v.items():
        names.setdefault(var["attrs"].get("long_name"), []).append(name)
    assert all(len(n) == 1 for n in names.values()), [n for n in names.values() if len(n) > 1]
    # Point status as a variable over the sweep, as CF flags, equal to /points' status.
    st = v["status"]
    assert st["dims"] == shape and st["kind"] == "i", st
    assert list(st["attrs"]["flag_values"]) == [0, 1, 2, 3]
    assert st["attrs"]["flag_meanings"] == "pending partial complete failed"
    expected = [STATUS_CODES[s] for s in fairmc.point_table(path)["status"]]
    assert st["values"] == expected, (st["values"], expected)  # row-major, like /points
    return view


def cf_check(reader, which):
    def fn(c):
        view = cf_expectations(reader(cf_run(c, which) if "yaml" in CF_RUNS[which] else c[which]),
                               c, which)
        if which == "grid_zip":
            assert 3 in view["vars"]["status"]["values"]  # the failing point shows as failed
            fit = view["vars"]["fit_max_vs_population.agents_slope"]
            assert fit["dims"] == ("zip",) and fit["attrs"]["coordinates"]
        if reader is view_xarray and CF_RUNS[which]["zip"]:
            # plain xarray shows the zipped keys as coordinates, not data variables
            assert set(CF_RUNS[which]["zip"]) <= view["coords"], view["coords"]
    fn.__name__ = f"cf_{which}_{reader.__name__[5:]}"
    return fn


for _which in CF_RUNS:
    for _reader in (view_xarray, view_netcdf4, view_h5py):
        check(cf_check(_reader, _which))


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
