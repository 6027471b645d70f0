"""Figures of new experiments: analysis/plot.py, figure_style.py and every plot_<scenario>.py.

    FAIRMC_SOURCE_DIR=. PYTHONPATH=analysis /usr/bin/python3 tests/analysis/test_plots.py build/fairmc

Runs small experiments that are not in experiments/ (a 2-D and a 4-D demo sweep, a zip sweep, a
scalar run, a renamed scf Figure 5, a new scf water run, and a renamed and a new experiment of
power, persuasion and objective) into a temporary directory, then checks
that plot.py writes valid PNG, PDF and SVG files with intervals, reference constants and fitted
slopes, that its errors are one line with exit code 2, and that the scenario scripts plot renamed
and new experiments. Prints "N passed, M failed" and exits non-zero when anything failed.
"""

from __future__ import annotations

import contextlib
import io
import os
import struct
import subprocess
import sys
import tempfile
import time
import warnings
import xml.etree.ElementTree as ET

warnings.filterwarnings("ignore")  # xarray/netCDF4 version chatter on Debian

_here = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("FAIRMC_SOURCE_DIR", os.path.join(_here, "..", ".."))
ANALYSIS = os.path.join(SOURCE, "analysis")
sys.path.append(ANALYSIS)  # after PYTHONPATH, which wins

import numpy as np  # noqa: E402

import figure_style as fs  # noqa: E402
import harness  # noqa: E402
import plot  # noqa: E402
import plot_demo  # noqa: E402
import plot_objective  # noqa: E402
import plot_persuasion  # noqa: E402
import plot_power  # noqa: E402
import plot_scf  # noqa: E402
from harness import run  # noqa: E402

PY = sys.executable or "/usr/bin/python3"
AGENTS = [1, 3, 10, 32, 100]  # logspace(0, 2, 5, round)


def experiment(name, scenario, seed, draws, block, rest, claim=""):
    """An experiment file's text: the header every experiment here has, then `rest` (its
    population, mechanism, sweep and fits, as YAML)."""
    return (f"experiment: {name}\n" + (f"claim: {claim}\n" if claim else "")
            + f"scenario: {scenario}\nseed: {seed}\ndraws: {draws}\nblock: {block}\n" + rest)


DEMO2 = experiment("plots_demo_2d", "demo", 11, 300, 100, """\
population: {agents: 10}
sweep:
  grid: {mechanism.work: [1, 2], population.agents: "logspace(0, 2, 5, round)"}
fits:
  - {metric: gap, against: population.agents, log: true}
""", claim="E[max of n uniforms] = n/(n+1)")
DEMO4 = experiment("plots_demo_4d", "demo", 12, 20, 10, """\
population: {agents: 10}
sweep:
  grid: {mechanism.work: [1, 2], population.agents: [2, 4, 8], mechanism.fail_for_agents: [0, 3],
         mechanism.fail_from_draw: [0, 5]}
""")
DEMOZIP = experiment("plots_demo_zip", "demo", 13, 50, 25, """\
population: {agents: 10}
sweep:
  zip: {population.agents: [2, 20, 200], mechanism.work: [1, 2, 3]}
""")
DEMO0 = experiment("plots_demo_scalar", "demo", 14, 50, 25, """\
population: {agents: 10}
""")
DEMO1 = experiment("plots_demo_one_draw", "demo", 15, 1, 1, """\
population: {agents: 10}
sweep:
  grid: {population.agents: [2, 4, 8]}
""")
SCF_RENAMED = experiment("my_renamed_figure5", "scf", 5, 1, 1, """\
population: {sampler: figure5}
mechanism:
  name: traffic
  scfs: utilitarian, sum_plus_gamma_max, rawls_max
  sum_max_gamma: 80
""")
SCF_NEW = experiment("my_new_water_point", "scf", 6, 1, 1, """\
population: {sampler: fixed, benefit: [3.0, 1.0], upfront: [40.0, 60.0], rights: [1.0, 4.0], supply: 100}
mechanism: {name: divisible, scfs: all, sum_max_gamma: 3, mean_max_gamma: 0.4}
""")
POWER_RENAMED = experiment("my_lambda_study", "power", 7, 4, 2, """\
population: {agents: 60, issues: 1, ideal_points: {dist: normal, sd: 1}}
mechanism: {name: equal_power, construction: median, gamma: 0.01, epsilon: 0.1}
sweep:
  grid: {population.agents: [40, 80, 160]}
  zip: {population.issues: [1, 2], mechanism.construction: [median, fixed_point]}
fits:
  - {metric: lambda_dev_mean, against: population.agents, log: true}
""")
POWER_NEW = experiment("my_power_gamma_point", "power", 8, 4, 2, """\
population: {agents: 50, issues: 1, ideal_points: {dist: normal, sd: 1}}
mechanism: {name: equal_power, construction: median, gamma: 0.01, epsilon: 0.1}
sweep:
  grid: {mechanism.gamma: [0.01, 0.1]}
""")
PERSUASION_RENAMED = experiment("my_alpha_study", "persuasion", 9, 2, 1, """\
population: {agents: 10, prior: {dist: appendix_a}}
constraint: {type: uniform, k: 1}
mechanism:
  receiver: exact
  epsilon: 0.5
  policies: {no_information: true, full_revelation: true, paper: true}
sweep:
  grid: {population.agents: [5, 10, 17]}
""")
PERSUASION_NEW = experiment("my_persuasion_k", "persuasion", 10, 2, 1, """\
population: {agents: 6, prior: {dist: appendix_a}}
constraint: {type: uniform, k: 1}
mechanism: {receiver: exact, epsilon: 0.5, policies: {no_information: true, paper: true}}
sweep:
  grid: {constraint.k: [1, 2]}
""")
OBJECTIVE_RENAMED = experiment("my_items_study", "objective", 11, 40, 20, """\
population: {agents: 3, items: 4, prior: {dist: uniform}}
mechanism: {name: participatory, alpha: 0.2, beta: 0.1}
sweep:
  grid: {population.items: [2, 4, 8]}
fits:
  - {metric: loss, against: population.items, log: true}
""")
OBJECTIVE_NEW = experiment("my_objective_beta", "objective", 12, 20, 10, """\
population: {agents: 3, items: 4, prior: {dist: uniform}}
mechanism: {name: participatory, alpha: 0.2, beta: 0.1}
sweep:
  grid: {mechanism.beta: [0.05, 0.1]}
""")


def script(name, *args):
    """Run analysis/<name> as a command: (exit code, stdout, stderr)."""
    proc = subprocess.run([PY, os.path.join(ANALYSIS, name), *args], capture_output=True,
                          text=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def call(main, *args):
    """main(argv) of a script in this interpreter (what `script` does, without a slow start-up)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def check_png(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", head
    w, h = struct.unpack(">II", head[16:24])
    assert w > 100 and h > 100, (w, h)


def check_pdf(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), data[:10]
    assert len(data) > 2000


def check_svg(path):
    root = ET.parse(path).getroot()  # well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag


def writes_png(main, results, out_dir, name):
    """A scenario script's main(RESULTS OUT_DIR) writes OUT_DIR/name and says so."""
    code, stdout, stderr = call(main, results, out_dir)
    out = os.path.join(out_dir, name)
    assert code == 0 and f"wrote {out}" in stdout, (code, stdout, stderr)
    check_png(out)


def refuses_in_one_line(main, results, out_dir):
    """A scenario script refuses another scenario's results: one line naming plot.py, exit 2."""
    code, _, stderr = call(main, results, out_dir)
    assert code == 2 and len(stderr.strip().splitlines()) == 1 and "plot.py" in stderr, stderr


check = harness.Checks()


def main():
    binary = harness.fairmc_binary(__doc__)
    if not binary:
        return 2
    with tempfile.TemporaryDirectory(prefix="fairmc-plots-") as tmp:
        start = time.monotonic()
        ctx = {"tmp": tmp}
        for name, text in [("demo2", DEMO2), ("demo4", DEMO4), ("demozip", DEMOZIP),
                           ("demo0", DEMO0), ("demo1", DEMO1), ("scf_renamed", SCF_RENAMED), ("scf_new", SCF_NEW),
                           ("power_renamed", POWER_RENAMED), ("power_new", POWER_NEW),
                           ("persuasion_renamed", PERSUASION_RENAMED),
                           ("persuasion_new", PERSUASION_NEW),
                           ("objective_renamed", OBJECTIVE_RENAMED),
                           ("objective_new", OBJECTIVE_NEW)]:
            ctx[name] = run(binary, tmp, name, text)
        print(f"experiments ran in {time.monotonic() - start:.1f} s")
        return check.run(ctx, after_each=lambda: fs.plt.close("all"), timed=True)


# --- plot.py as a command ---------------------------------------------------------------------

@check
def cli_writes_png_pdf_svg(c):
    for fmt, valid in (("png", check_png), ("pdf", check_pdf), ("svg", check_svg)):
        out = os.path.join(c["tmp"], f"gap.{fmt}")
        code, stdout, stderr = (script if fmt == "pdf" else call)(
            "plot.py" if fmt == "pdf" else plot.main, c["demo2"], "gap", "--format", fmt, "--out", out)
        assert code == 0, (code, stderr)
        assert os.path.getsize(out) > 0
        valid(out)
    # Default name and format: RESULTS/<experiment>_<metric>.png; --format alone picks the suffix.
    code, _, stderr = call(plot.main, c["demo2"], "max", "--format", "pdf")
    assert code == 0, stderr
    check_pdf(os.path.join(c["demo2"], "plots_demo_2d_max.pdf"))


@check
def cli_unknown_metric_is_one_line_exit_2(c):
    code, stdout, stderr = script("plot.py", c["demo2"], "no_such_metric")
    assert code == 2, code
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "unknown metric 'no_such_metric'" in lines[0] and "max, gap, mean" in lines[0], lines[0]
    assert "expected_max" in lines[0]  # constants are listed too


@check
def cli_usage_errors_are_one_line_exit_2(c):
    for args, words in [((c["demo2"], "max", "--x", "nokey"), "population.agents"),
                        ((c["demo2"], "max", "--format", "tiff"), "invalid choice"),
                        ((c["demo2"], "max", "--out", "x.png", "--format", "pdf"), "disagrees"),
                        ((c["demo4"], "max"), "--sel"),
                        ((c["demo2"],), "required")]:
        code, _, stderr = call(plot.main, *args)
        lines = stderr.strip().splitlines()
        assert code == 2 and len(lines) == 1 and words in lines[0], (args, code, stderr)
    code, _, stderr = call(plot.main, os.path.join(c["tmp"], "missing"), "max")
    assert code == 1 and len(stderr.strip().splitlines()) == 1, (code, stderr)


# --- plot.py as a module: what the figure contains --------------------------------------------

@check
def load_classifies_summary(c):
    res = plot.load(c["demo2"])
    assert res.metrics == ["max", "gap", "mean"], res.metrics
    assert res.constants == ["expected_max", "expected_gap", "expected_mean"], res.constants
    assert res.axes == ["mechanism.work", "population.agents"]
    assert plot.related_constants(res, "gap") == ["expected_gap"]
    assert plot.related_constants(res, "max") == ["expected_max"]
    assert res.resolve_key("agents") == "population.agents"


@check
def draw_2d_has_intervals_refs_fit_and_log_axes(c):
    res = plot.load(c["demo2"])
    x, hue, panel = plot.choose_layout(res, res.frame)
    assert (x, hue, panel) == ("population.agents", "mechanism.work", None), (x, hue, panel)
    fig, axes = fs.figure()
    ax = axes[0, 0]
    leg = plot.draw(ax, res, res.frame, "gap", x, hue, plot.related_constants(res, "gap"))
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"  # logspace key, log-log fit
    assert ax.get_ylabel().startswith("gap")
    bars = [cont for cont in ax.containers if type(cont).__name__ == "ErrorbarContainer"]
    assert len(bars) == 2  # one series per mechanism.work
    # The error bars are the file's 95% intervals.
    rows = res.frame[res.frame["mechanism.work"] == 1].sort_values("population.agents")
    seg = bars[0].lines[2][0].get_segments()
    assert np.allclose([s[0][1] for s in seg], rows["gap_ci_lo"], rtol=1e-12)
    assert np.allclose([s[1][1] for s in seg], rows["gap_ci_hi"], rtol=1e-12)
    texts = [t.get_text() for t in leg.get_texts()]
    assert "expected_gap" in texts, texts
    slope = rows["fit_gap_vs_population.agents_slope"].iloc[0]
    sem = rows["fit_gap_vs_population.agents_slope_sem"].iloc[0]
    assert np.isfinite(sem) and sem > 0
    assert any(fs.slope_text(slope, sem) in t and "±" in t for t in texts), texts
    assert not fs.legend_covers_data(ax, leg) or leg.get_bbox_to_anchor() is not None


@check
def a_point_without_interval_is_an_open_marker_not_an_exact_value(c):
    # One draw per point: sem and the interval are NaN. A zero-length bar would read as an exact
    # value; the point is an open marker with a legend entry instead (nan_to_num made it 0).
    res = plot.load(c["demo1"])
    assert res.frame["max_ci_lo"].isna().all()
    fig, axes = fs.figure()
    ax = axes[0, 0]
    leg = plot.draw(ax, res, res.frame, "max", "population.agents", None, [])
    opened = [ln for ln in ax.get_lines() if ln.get_label() == plot.NO_INTERVAL]
    assert len(opened) == 1 and len(opened[0].get_xdata()) == 3, [ln.get_label() for ln in ax.get_lines()]
    assert opened[0].get_markerfacecolor() == "white"
    assert plot.NO_INTERVAL in [t.get_text() for t in leg.get_texts()]
    # Points with an interval get none.
    fig, axes = fs.figure()
    plot.draw(axes[0, 0], plot.load(c["demo2"]), plot.load(c["demo2"]).frame, "gap",
              "population.agents", "mechanism.work", [])
    assert not [ln for ln in axes[0, 0].get_lines() if ln.get_label() == plot.NO_INTERVAL]


@check
def objective_ratio_without_bounded_interval_is_an_open_marker(c):
    import xarray as xr
    ds = xr.Dataset({"gain_over_loss": ("p", [1.0, 2.0]),
                     "gain_over_loss_bias_corrected": ("p", [1.0, 2.0]),
                     "gain_over_loss_ci_lo": ("p", [0.9, -np.inf]),
                     "gain_over_loss_ci_hi": ("p", [1.1, np.inf])})
    fig, axes = fs.figure()
    plot_objective.gain_over_loss(axes[0, 0], np.array([1.0, 2.0]), ds)
    opened = [ln for ln in axes[0, 0].get_lines() if "no bounded" in ln.get_label()]
    assert len(opened) == 1 and list(opened[0].get_xdata()) == [2.0], opened


@check
def extra_axes_go_to_panels_or_sel(c):
    res = plot.load(c["demo4"])
    try:  # x, hue and panel take three axes; the fourth must be fixed
        plot.choose_layout(res, res.frame)
    except plot.PlotError as e:
        assert "--sel" in str(e) and e.code == 2
    else:
        raise AssertionError("a 4-axis sweep without --sel was accepted")
    frame = plot.select(res, ["fail_from_draw=5"])
    assert len(frame) == 12
    assert plot.choose_layout(res, frame) == ("population.agents", "mechanism.work",
                                              "mechanism.fail_for_agents")
    out = os.path.join(c["tmp"], "demo4_panel.png")
    plot.plot(res, "max", out, sel=["fail_from_draw=5"])
    check_png(out)
    out = os.path.join(c["tmp"], "demo4_sel.svg")
    plot.plot(res, "max", out, x="work", sel=["fail_for_agents=3", "fail_from_draw=0"])
    check_svg(out)
    try:
        plot.plot(res, "max", out, sel=["fail_for_agents=7", "fail_from_draw=0"])
    except plot.PlotError as e:
        assert "0, 3" in str(e), str(e)
    else:
        raise AssertionError("--sel with a value not in the sweep was accepted")


@check
def zip_and_scalar_sweeps(c):
    res = plot.load(c["demozip"])
    x, hue, panel = plot.choose_layout(res, res.frame)
    assert x == "population.agents" and hue is None and panel is None, (x, hue, panel)
    out = plot.plot(res, "max", os.path.join(c["tmp"], "zip.pdf"))
    check_pdf(out)
    res = plot.load(c["demo0"])
    assert plot.choose_layout(res, res.frame) == (None, None, None)
    fig, axes = fs.figure()
    leg = plot.draw(axes[0, 0], res, res.frame, "max", refs=["expected_max"])
    assert [t.get_text() for t in leg.get_texts()][0] == "expected_max"
    check_png(plot.plot(res, "mean", os.path.join(c["tmp"], "scalar.png")))


# --- figure_style -----------------------------------------------------------------------------

@check
def slope_text_shows_sem(c):
    assert fs.slope_text(-1.00234, 0.0132) == "slope -1.002 ± 0.013"
    assert fs.slope_text(2.5, 0.21) == "slope 2.50 ± 0.21"
    assert "no sem" in fs.slope_text(0.5, float("nan"))
    assert fs.slope_text(float("nan"), 0.1) == "slope n/a"


@check
def log_spacing_detection(c):
    assert fs.is_log_spaced([1, 3, 10, 32, 100, 316, 1000])
    assert fs.is_log_spaced(np.logspace(-1, 3.5, 46))
    assert not fs.is_log_spaced(np.linspace(10, 200, 39))
    assert not fs.is_log_spaced([1, 2]) and not fs.is_log_spaced([0, 10, 100, 1000])
    assert not fs.is_log_spaced(["a", "b"])


@check
def panel_requires_y_label(c):
    fig, axes = fs.figure()
    try:
        fs.panel(axes[0, 0], ylabel="")
    except ValueError:
        pass
    else:
        raise AssertionError("a panel without a y label was accepted")


@check
def legend_never_covers_data(c):
    # Data everywhere in the panel: no corner is free, so the legend must go outside.
    fig, axes = fs.figure()
    ax = axes[0, 0]
    g = np.linspace(0, 1, 25)
    xx, yy = np.meshgrid(g, g)
    ax.plot(xx.ravel(), yy.ravel(), "o", ms=2, label="dense")
    leg = fs.legend(ax)
    fig.canvas.draw()
    lb, ab = leg.get_window_extent(), ax.get_window_extent()
    assert lb.x0 >= ab.x1 - 1, (lb, ab)
    # Data in the upper right only: the legend stays inside, elsewhere.
    fig, axes = fs.figure()
    ax = axes[0, 0]
    ax.plot([0, 1], [0, 1], "o", label="corners")
    ax.plot(np.linspace(0.6, 1, 20), np.linspace(0.6, 1, 20), "-", label="upper right")
    leg = fs.legend(ax)
    assert not fs.legend_covers_data(ax, leg)
    lb, ab = leg.get_window_extent(), ax.get_window_extent()
    assert ab.x0 <= lb.x0 and lb.x1 <= ab.x1, (lb, ab)
    # The overlap check itself sees a legend put on top of a line.
    leg = ax.legend(loc="center")
    ax.plot([0, 1], [0.5, 0.5], "-")
    assert fs.legend_covers_data(ax, leg)


# --- scenario scripts on renamed and new experiments ------------------------------------------

@check
def plot_scf_renamed_figure5(c):
    res = plot.load(c["scf_renamed"])
    assert plot_scf.figure_kind(c["scf_renamed"], res) == "figure5"
    out_dir = os.path.join(c["tmp"], "scf_out")
    code, stdout, stderr = script("plot_scf.py", c["scf_renamed"], out_dir)
    assert code == 0, (code, stderr)
    out = os.path.join(out_dir, "my_renamed_figure5.png")
    assert f"wrote {out}" in stdout, stdout
    check_png(out)


@check
def plot_scf_new_experiment_falls_back_to_generic(c):
    res = plot.load(c["scf_new"])
    assert plot_scf.figure_kind(c["scf_new"], res) == "generic"
    out = plot_scf.plot_one(c["scf_new"], os.path.join(c["tmp"], "scf_out"))
    assert out.endswith("my_new_water_point.png")
    check_png(out)


@check
def plot_scf_refuses_other_scenarios_in_one_line(c):
    refuses_in_one_line(plot_scf.main, c["demo2"], c["tmp"])


@check
def plot_demo_any_demo_experiment(c):
    out = plot_demo.plot_one(c["demo2"], c["tmp"])
    assert out.endswith("plots_demo_2d_max_gap.png")
    check_png(out)
    out = plot_demo.plot_one(c["demo0"], c["tmp"])  # no agents sweep: generic panels
    assert out.endswith("plots_demo_scalar.png")
    check_png(out)
    try:
        plot_demo.plot_one(c["scf_new"], c["tmp"])
    except plot.PlotError as e:
        assert "plot_scf.py" in str(e)
    else:
        raise AssertionError("plot_demo accepted an scf experiment")


@check
def plot_power_renamed_and_new_experiments(c):
    out_dir = os.path.join(c["tmp"], "power_out")
    code, stdout, stderr = call(plot_power.main, c["power_renamed"], out_dir)
    assert code == 0, (code, stderr)
    out = os.path.join(out_dir, "my_lambda_study.png")  # the lambda figure, under its own name
    assert stdout.split() == [out], stdout
    check_png(out)
    code, stdout, stderr = call(plot_power.main, c["power_new"], out_dir)
    assert code == 0, (code, stderr)
    out = os.path.join(out_dir, "my_power_gamma_point.png")  # no agents sweep: the overview
    assert stdout.split() == [out], stdout
    check_png(out)
    refuses_in_one_line(plot_power.main, c["demo2"], out_dir)


@check
def plot_power_slopes_show_sem(c):
    import fairmc
    ds = fairmc.open_summary(c["power_renamed"])
    fig, axes = fs.figure(1, 1)
    plot_power._loglog(axes[0, 0], ds, "lambda_dev_mean", "mean deviation")
    labels = [t.get_text() for t in fs.legend(axes[0, 0]).get_texts()]
    assert len(labels) == 2 and all("±" in t for t in labels), labels
    assert axes[0, 0].get_ylabel() == "mean deviation"


@check
def plot_persuasion_renamed_and_new_experiments(c):
    out_dir = os.path.join(c["tmp"], "persuasion_out")
    for name, results in (("my_alpha_study", c["persuasion_renamed"]),
                          ("my_persuasion_k", c["persuasion_new"])):  # the second: overview
        writes_png(plot_persuasion.main, results, out_dir, name + ".png")
    refuses_in_one_line(plot_persuasion.main, c["demo2"], out_dir)


@check
def plot_objective_renamed_and_new_experiments(c):
    out_dir = os.path.join(c["tmp"], "objective_out")
    # the first recognised by its sweep and metrics; the second resembles no paper figure: overview
    writes_png(plot_objective.main, c["objective_renamed"], out_dir, "objective_sweep_items.png")
    writes_png(plot_objective.main, c["objective_new"], out_dir, "my_objective_beta.png")
    refuses_in_one_line(plot_objective.main, c["demo2"], out_dir)


@check
def plot_objective_refuses_a_panel_without_y_label(c):
    fig, ax = plot_objective.one_panel()
    ax.plot([1, 2], [1, 2])
    try:
        plot_objective.save(fig, c["tmp"], "unlabelled.png")
    except ValueError as e:
        assert "y label" in str(e)
    else:
        raise AssertionError("plot_objective.save wrote a panel without a y label")


if __name__ == "__main__":
    sys.exit(main())
