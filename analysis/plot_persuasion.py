"""Figures of the persuasion experiments (experiments/persuasion/*.yaml, paper 002).

    /usr/bin/python3 analysis/plot_persuasion.py RESULTS_DIR [OUT_DIR]

RESULTS_DIR is one results directory (holding results.h5) or a folder of them (e.g. results/persuasion);
every persuasion results file found is drawn. OUT_DIR defaults to each results directory.

For the sweeps over n, V and ε (alpha_vs_*, headline, appendix_a_*) the figure has two panels:
  left   majorization ratio α of each policy against the best known prefix sums (alpha_known, a lower
         bound on the true ratio) and, where computed, the certified upper bound of Theorem 1.1's
         proof (alpha_bound), beside the paper's factor ηK = (1+ε)·ceil(log_(1+ε) V) and log(V/ε).
         α is drawn as 1 / mean(1/α) (inv_alpha_* metrics, defined even when α is infinite);
         points where every draw had α = ∞ are drawn at the top edge with a ▲.
  right  welfare (sum) and minimum utility of each policy (mean with 95% CI).
For appendix_a_growth the figure has three panels, one per growth rate of Appendix A / Theorem 1.1:
no information's α against sqrt(n), log10 of full revelation's α against sqrt(n) (e^sqrt(n) is a line of
slope log10 e), and the paper's / HIGH/LOW's α against log V beside ηK.
For experiments with alpha_exact_* metrics (exact_alpha_small) the figure shows, per policy, the exact α
(solid) inside its bracket in the same accounting (alpha_known_canonical, alpha_bound_canonical; shaded),
all as means over the draws where α is finite.
For appendix_b / appendix_c (scenario persuasion_appendices) the figure is the best factor over all
lotteries against n beside the paper's bound and n.
For mw_convergence the figure is mw_prefix_gap against the MW iterations on log-log axes with the
engine's fitted slope ± sem (Theorem 1.2: about -1/2).
Which figure is drawn depends on what the file holds (its swept key and metrics), so renamed and new
experiments of the two persuasion scenarios are drawn too (as <experiment>.png); one that sweeps
none of the keys above gets analysis/plot.py's overview of every metric. Style, legends placed off
the data and slope texts: analysis/figure_style.py.
"""

from __future__ import annotations

import glob
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fairmc  # noqa: E402
import figure_style as fs  # noqa: E402
import plot  # noqa: E402

POLICIES = [("no_info", "no information", "C0"), ("full", "full revelation", "C1"),
            ("full_priority", "full revelation, index ties", "C4"), ("paper", "paper (Δmax, Thm 1.1)", "C2"),
            ("mw", "MW (Thm 1.2)", "C3"), ("high_low", "HIGH/LOW (App. A)", "C5")]
SCENARIOS = ("persuasion", "persuasion_appendices")
SWEEP_KEYS = ["example.n", "population.agents", "population.V", "mechanism.epsilon", "mechanism.mw.iterations"]
LABELS = {"example.n": "n", "population.agents": "number of agents n", "population.V": "value range V",
          "mechanism.epsilon": "bucket width ε", "mechanism.mw.iterations": "MW iterations T"}


def find_results(path):
    if os.path.isfile(path):
        return [path]
    if os.path.isfile(os.path.join(path, "results.h5")):
        return [os.path.join(path, "results.h5")]
    return sorted(glob.glob(os.path.join(path, "**", "results.h5"), recursive=True))


def swept_key(ds):
    for key in SWEEP_KEYS:
        if key in ds.variables and ds[key].size > 1:
            return key
    return None


def series(ds, name, order):
    if name not in ds:
        return None
    return np.asarray(ds[name].values, dtype=float)[order]


def sorted_axis(ds, key):
    """The swept values in increasing order and the permutation that sorts them (every panel
    reads its series through it)."""
    x = np.asarray(ds[key].values, dtype=float)
    order = np.argsort(x)
    return x[order], order


def title_of(ds, what=""):
    name = ds.attrs.get("experiment", "")
    return f"{name}: {what}" if what else str(name)


def plot_alpha(ds, key, out_path):
    x, order = sorted_axis(ds, key)
    fig, axes = fs.figure(1, 2)
    ax, wax = axes[0]
    top = 1.0
    curves = []
    for pid, label, color in POLICIES:
        for kind, style in (("known", "-o"), ("bound", "--s")):
            inv = series(ds, f"inv_alpha_{kind}_{pid}", order)
            if inv is None or not np.isfinite(inv).any():
                continue  # not computed (e.g. the certified bound with an exact receiver)
            with np.errstate(divide="ignore", invalid="ignore"):
                alpha = np.where(inv > 0, 1.0 / inv, np.where(inv == 0, np.inf, np.nan))
            curves.append((alpha, f"{label}: α {'vs best known' if kind == 'known' else 'certified bound'}",
                           color, style))
            finite = alpha[np.isfinite(alpha)]
            if finite.size:
                top = max(top, finite.max())
    factor = series(ds, "certified_factor", order)
    if factor is not None:
        top = max(top, np.nanmax(factor))
    top *= 2.0
    for alpha, label, color, style in curves:
        shown = np.where(np.isfinite(alpha), alpha, np.nan)
        ax.plot(x, shown, style, color=color, ms=4, lw=1.3, label=label, mfc="none" if "--" in style else color)
        inf = np.isinf(alpha)
        if inf.any():
            ax.plot(x[inf], np.full(inf.sum(), top), "^", color=color, ms=8, clip_on=False)
    if factor is not None:
        ax.plot(x, factor, "k-", lw=2, label="ηK (Theorem 1.1 factor)")
    logve = series(ds, "log_v_over_eps", order)
    if logve is not None:
        ax.plot(x, logve, "k:", lw=1.5, label="log(V/ε)")
    logx = key == "mechanism.epsilon" or (
        key in ("population.V", "population.agents") and x.min() > 0 and x.max() / x.min() > 20)
    fs.panel(ax, ylabel="majorization ratio α (1 / mean 1/α; ▲ = ∞)",
             xlabel=LABELS.get(key, key), logx=logx, logy=True)
    ax.set_ylim(0.9, top * 1.05)
    for pid, label, color in POLICIES:
        for metric, style in (("welfare", "-o"), ("min_utility", "--s")):
            y = series(ds, f"{metric}_{pid}", order)
            if y is None:
                continue
            lo, hi = series(ds, f"{metric}_{pid}_ci_lo", order), series(ds, f"{metric}_{pid}_ci_hi", order)
            yerr = np.vstack([np.clip(y - lo, 0, None), np.clip(hi - y, 0, None)]) if lo is not None else None
            wax.errorbar(x, y, yerr=yerr, fmt=style, color=color, ms=4, capsize=2, lw=1.2,
                         mfc="none" if "--" in style else color, label=f"{label}: {metric.replace('_', ' ')}")
    fs.panel(wax, ylabel="expected utility", xlabel=LABELS.get(key, key), logx=logx, logy=True)
    fs.legends(axes)
    exact = series(ds, "utilities_exact", order)
    how = ("exact" if exact is not None and np.all(exact == 1) else
           "Monte Carlo" if exact is not None and np.all(exact == 0) else "exact / Monte Carlo (see utilities_exact)")
    fig.suptitle(title_of(ds, f"U_i {how}, {ds.attrs.get('draws', '?')} draws/point"))
    fs.save(fig, out_path)


def alpha_of(ds, name, order):
    """α from its inv_ metric (1 / mean 1/α); +inf where every draw had α = ∞."""
    inv = series(ds, "inv_" + name, order)
    if inv is None:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(inv > 0, 1.0 / inv, np.where(inv == 0, np.inf, np.nan))


def plot_growth(ds, key, out_path):
    x, order = sorted_axis(ds, key)
    n = x - 1.0  # agents = n + 1
    rn = np.sqrt(n)
    fig, axes = fs.figure(1, 3)
    axes = axes[0]
    ax = axes[0]
    a = alpha_of(ds, "alpha_known_no_info", order)
    ax.plot(rn, a, "o-", color="C0", label="no information: α vs best known")
    c = np.nanmedian(a / rn)
    ax.plot(rn, c * rn, "k--", lw=1, label=f"{c:.2f}·sqrt(n)")
    fs.panel(ax, ylabel="α", xlabel="sqrt(n)", title="no information: α = Θ(sqrt n)")
    ax = axes[1]
    a = alpha_of(ds, "alpha_known_full", order)
    ax.plot(rn, np.log10(a), "o-", color="C1", label="full revelation: log10 α vs best known")
    b = np.polyfit(rn[rn >= 10], np.log10(a[rn >= 10]), 1) if np.sum(rn >= 10) >= 2 else None
    if b is not None:
        ax.plot(rn, np.polyval(b, rn), "k--", lw=1,
                label=f"fit slope {b[0]:.3f} (e^sqrt(n): {np.log10(np.e):.3f})")
    fs.panel(ax, ylabel="log10 α", xlabel="sqrt(n)", title="full revelation: α = e^Θ(sqrt n)")
    ax = axes[2]
    logv = np.log(rn)  # V = sqrt(n)
    for pid, label, color in POLICIES:
        if pid in ("no_info", "full"):
            continue
        for kind, style in (("known", "-o"), ("bound", "--s")):
            a = alpha_of(ds, f"alpha_{kind}_{pid}", order)
            if a is None or not np.isfinite(a).any():
                continue
            ax.plot(logv, a, style, color=color, ms=4, mfc="none" if kind == "bound" else color,
                    label=f"{label}: α {'vs best known' if kind == 'known' else 'certified bound'}")
    factor = series(ds, "certified_factor", order)
    if factor is not None:
        ax.plot(logv, factor, "k-", lw=2, label="ηK (Theorem 1.1 factor)")
    fs.panel(ax, ylabel="α", xlabel="log V  (V = sqrt(n))", title="paper / HIGH/LOW: α = O(log V / ε)")
    fs.legends(axes)
    fig.suptitle(title_of(ds, f"Appendix A, n + 1 = {int(x.min())}..{int(x.max())} agents "
                              f"(type-level problem, exact U_i)"))
    fs.save(fig, out_path)


def plot_exact(ds, key, out_path):
    x, order = sorted_axis(ds, key)
    logx = x.min() > 0 and x.max() / x.min() > 20
    fig, axes = fs.figure(1, 1, size=(9, 5.5))
    ax = axes[0, 0]
    for j, (pid, label, color) in enumerate(POLICIES):
        ex = series(ds, f"alpha_exact_{pid}", order)  # mean over draws with finite α, as the bars
        if ex is None:
            continue
        # Beyond enumeration α is a certified bracket [lo, hi] (at most 0.03% wide): its midpoint.
        ex_lo, ex_hi = (series(ds, f"alpha_exact_{e}_{pid}", order) for e in ("lo", "hi"))
        if ex_lo is not None and ex_hi is not None:
            ex = np.where(np.isfinite(ex), ex, 0.5 * (ex_lo + ex_hi))
        dx = (j - 2.5) * 0.04
        dx = x * dx if logx else dx  # the policies side by side, on either scale
        lo = series(ds, f"alpha_known_canonical_{pid}", order)
        hi = series(ds, f"alpha_bound_canonical_{pid}", order)
        ax.plot(x + dx, ex, "-o", color=color, ms=5, label=f"{label}: exact α")
        if lo is not None and hi is not None:
            ax.vlines(x + dx, lo, hi, color=color, lw=6, alpha=0.25)
            ax.plot(x + dx, lo, "_", color=color, ms=10)
            ax.plot(x + dx, hi, "_", color=color, ms=10)
    ok = series(ds, "alpha_exact_bracket_ok", order)
    title = title_of(ds, f"{ds.attrs.get('draws', '?')} draws/point")
    if ok is not None:
        title += f", bracket held on {100 * np.nanmin(ok):.0f}% of draws (min over points)"
    fs.panel(ax, ylabel="α, mean over draws with finite α\n(bars: known .. certified bound, same accounting)",
             xlabel=LABELS.get(key, key), title=title, logx=logx, logy=True)
    fs.legend(ax)
    fs.save(fig, out_path)


def plot_appendix(ds, key, out_path):
    x, order = sorted_axis(ds, key)
    b = "beta_best" in ds
    best = series(ds, "beta_best" if b else "alpha_best", order)
    ref = series(ds, "beta_paper_lower" if b else "alpha_paper_leading", order)
    fig, axes = fs.figure(1, 1)
    ax = axes[0, 0]
    ax.plot(x, best, "o-", color="C3", label="best factor over all lotteries (LP)")
    ax.plot(x, ref, "k--", label="n/(1 + n²/M) (Appendix B)" if b else "n/(1 + 2/n) (Appendix C, leading term)")
    ax.plot(x, x, "k:", lw=1, label="n")
    what = ("Appendix B: non-polymatroid allocations, M = n^3" if b else
            "Appendix C (1): majorized allocations, unmajorizable utilities")
    wide = x.max() / max(x.min(), 1) > 20
    fs.panel(ax, ylabel="majorization factor", xlabel="n", title=title_of(ds, what), logx=wide,
             logy=wide)
    fs.legend(ax)
    fs.save(fig, out_path)


def plot_mw(ds, key, out_path):
    x, order = sorted_axis(ds, key)
    y = series(ds, "mw_prefix_gap", order)
    lo, hi = series(ds, "mw_prefix_gap_ci_lo", order), series(ds, "mw_prefix_gap_ci_hi", order)
    fig, axes = fs.figure(1, 1)
    ax = axes[0, 0]
    ax.errorbar(x, y, yerr=np.vstack([np.clip(y - lo, 0, None), np.clip(hi - y, 0, None)]), fmt="o", capsize=3,
                label="max_j |Q_j(MW) - OPT_j| / total (95% CI)")
    slope = ds.attrs.get(f"fit_mw_prefix_gap_vs_{key}_slope")
    sem = ds.attrs.get(f"fit_mw_prefix_gap_vs_{key}_slope_sem")
    ref = y[0] * np.sqrt(x[0] / x)
    ax.plot(x, ref, "k--", label="T^(-1/2) reference")
    title = title_of(ds)
    if slope is not None:
        fit = fs.slope_text(float(slope), float(sem) if sem is not None else np.nan, "fitted log-log slope")
        title += f": {fit} (claim ≈ -0.5)"
    fs.panel(ax, ylabel="relative prefix-sum gap", xlabel=LABELS[key], title=title, logx=True,
             logy=True)
    fs.legend(ax)
    fs.save(fig, out_path)


def main(argv) -> int:
    if len(argv) not in (1, 2):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    files = find_results(argv[0])
    if not files:
        print(f"plot_persuasion: no results.h5 under {argv[0]}", file=sys.stderr)
        return 1
    written = 0
    for path in files:
        ds = fairmc.open_summary(path)
        name = str(ds.attrs.get("experiment", "")) or "persuasion"
        if ds.attrs.get("scenario") not in SCENARIOS:
            if len(files) == 1:
                print(f"plot_persuasion: {path} is a {ds.attrs.get('scenario')!r} experiment; use "
                      f"analysis/plot.py or analysis/plot_{ds.attrs.get('scenario')}.py", file=sys.stderr)
                return 2
            continue  # a folder of mixed results: draw the persuasion ones
        out_dir = argv[1] if len(argv) == 2 else os.path.dirname(path)
        os.makedirs(out_dir, exist_ok=True)
        out = os.path.join(out_dir, f"{name}.png")
        key = swept_key(ds)
        if key is not None:
            dim = ds[key].dims[0]
            for other in [d for d in ds.dims if d != dim]:
                ds = ds.isel({other: 0})
        if key is None:  # nothing the paper figures sweep: every metric (analysis/plot.py)
            try:
                plot.overview(plot.load(path), out)
            except plot.PlotError as e:
                print(f"plot_persuasion: {e}", file=sys.stderr)
                continue
        elif key == "mechanism.mw.iterations":
            plot_mw(ds, key, out)
        elif key == "example.n":
            plot_appendix(ds, key, out)
        elif name == "persuasion_appendix_a_growth":
            plot_growth(ds, key, out)
        elif any(str(v).startswith("alpha_exact_") for v in ds.data_vars):
            plot_exact(ds, key, out)
        else:
            plot_alpha(ds, key, out)
        print(f"plot_persuasion: wrote {out}")
        written += 1
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
