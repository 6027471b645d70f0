#!/usr/bin/env python3
"""The thumbnails of docs/gallery.md: one small PNG per figure an entry lists, linking to the full figure.

    /usr/bin/python3 scripts/gallery.py [--results DIR] [--force] [--check]
    /usr/bin/python3 scripts/gallery.py --entry experiments/SCENARIO/NAME.yaml

docs/gallery.md is the list: each `### \\`name\\`` entry names its experiment file and its figures
(`results/REL.png`, as `make run` and scripts/run-experiments.sh write them). For every figure this
writes docs/img/gallery/REL.png, WIDTH px wide and palette-quantised, from
  1. DIR/REL.png (default results/: the output of `make run` and scripts/run-experiments.sh), else
  2. the committed paper figure of the same experiment in docs/img/reproduction/ (`make reproduce`).
The thumbnail links to the full figure: the committed paper figure when docs/img/reproduction/ holds
this experiment's figure (never copied again), else docs/img/gallery/full/REL.png, a copy of the
source. Only thumbnails and copies older than their source are made again (all with --force). It
then rewrites the image line under each entry's list in docs/gallery.md and removes thumbnails and
copies no entry lists. Run it after `make run` (and run-experiments.sh) and commit
docs/gallery.md and docs/img/gallery/.

--check changes nothing: it prints every figure without a thumbnail or a full figure, every orphaned
file under docs/img/gallery/, every entry whose image line is not the one this would write, and
every experiment file without an entry; exit status 1 when there is any. --entry prints a new
entry for an experiment file (its figures are to be filled in) to paste into docs/gallery.md.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "analysis"))

GALLERY = os.path.join("docs", "gallery.md")
THUMBS = os.path.join("docs", "img", "gallery")
FULL = os.path.join(THUMBS, "full")
REPRODUCTION = os.path.join("docs", "img", "reproduction")
WIDTH = 480  # px: three thumbnails side by side fit a page of the docs
COLOURS = 128  # matplotlib figures are flat colours plus anti-aliasing: 128 lose nothing visible

HEADING = re.compile(r"^### `([^`]+)`\s*$")
EXPERIMENT = re.compile(r"^- experiment: \[`([^`]+)`\]")
FIGURES = re.compile(r"^- figures?: (.*)$")
IMAGES = "[!["  # the entry's image line starts with this


class Entry:
    """One `### name` entry of docs/gallery.md: its experiment file, figures (paths below results/)
    and the line numbers of its list and image line (-1 when it has none)."""

    def __init__(self, name, start):
        self.name, self.start = name, start
        self.experiment = ""
        self.figures = []
        self.list_end = start  # index of the last list line
        self.image_line = -1

    @property
    def scenario_and_stem(self):
        """(scenario, stem) of experiments/SCENARIO/STEM.yaml; ("", stem) for experiments/STEM.yaml."""
        parts = self.experiment.split("/")
        stem = os.path.splitext(parts[-1])[0]
        return (parts[1] if len(parts) == 3 else ""), stem


def parse(lines: list) -> list:
    """The entries of docs/gallery.md's lines (without line ends); a `## ` heading ends an entry."""
    entries, e = [], None
    for i, line in enumerate(lines):
        m = HEADING.match(line)
        if m:
            e = Entry(m.group(1), i)
            entries.append(e)
        elif line.startswith("## "):
            e = None
        elif e is not None and line.startswith("- "):
            e.list_end = i
            m = EXPERIMENT.match(line)
            if m:
                e.experiment = m.group(1)
            m = FIGURES.match(line)
            if m:
                e.figures = re.findall(r"`results/([^`]+\.png)`", m.group(1))
        elif e is not None and line.startswith(IMAGES):
            e.image_line = i
    return entries


def read_entries(root: str = ROOT) -> list:
    with open(os.path.join(root, GALLERY), encoding="utf-8") as f:
        return parse(f.read().splitlines())


@functools.lru_cache(maxsize=None)
def reproduction_figures(root: str = ROOT) -> dict:
    """{(scenario, stem, png name): path below docs/} of the committed paper figures, named as
    analysis/reproduction.py names them. Cached: the manifests take a second to read."""
    import reproduction
    out = {}
    for scenario in reproduction.scenarios(root):
        manifest = reproduction.load_manifest(root, scenario)
        for (stem, f), name in reproduction.figure_names(manifest).items():
            if os.path.isfile(os.path.join(root, REPRODUCTION, scenario, name)):
                out[(scenario, stem, f)] = "/".join(("img", "reproduction", scenario, name))
    return out


def plan(root: str = ROOT, entries: list = None, paper: dict = None) -> list:
    """[(entry, rel, thumbnail, full)] for every figure: rel below results/, thumbnail and full
    relative to docs/ (full is under img/reproduction/ or img/gallery/full/)."""
    entries = read_entries(root) if entries is None else entries
    paper = reproduction_figures(root) if paper is None else paper
    out = []
    for e in entries:
        scenario, stem = e.scenario_and_stem
        for rel in e.figures:
            full = paper.get((scenario, stem, os.path.basename(rel)), "img/gallery/full/" + rel)
            out.append((e, rel, "img/gallery/" + rel, full))
    return out


def image_line(rows: list) -> str:
    """An entry's image line: each thumbnail linking to its full figure."""
    return " ".join(f"[![{os.path.basename(rel)}]({thumb})]({full})" for _, rel, thumb, full in rows)


def gallery_lines(lines: list, entries: list, rows: list) -> list:
    """docs/gallery.md's lines with each entry's image line written anew: the blank and image lines
    after its list become one blank line, the image line and a blank line (none for an entry
    without figures)."""
    by_entry = {}
    for row in rows:
        by_entry.setdefault(id(row[0]), []).append(row)
    out = list(lines)
    for e in sorted(entries, key=lambda e: -e.start):  # bottom up: earlier indices stay valid
        begin = end = e.list_end + 1
        while end < len(out) and (out[end] == "" or out[end].startswith(IMAGES)):
            end += 1
        new = [""] + ([image_line(by_entry[id(e)]), ""] if id(e) in by_entry else [])
        out[begin:end] = new if end < len(out) else new[:-1]
    return out


def experiment_files(root: str = ROOT) -> list:
    """Every experiment file the gallery covers: experiments/demo.yaml and experiments/*/*.yaml."""
    out = []
    for dirpath, _, files in os.walk(os.path.join(root, "experiments")):
        out += [os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/")
                for f in files if f.endswith(".yaml")]
    return sorted(out)


def problems(root: str = ROOT) -> list:
    """What --check reports, one line each."""
    with open(os.path.join(root, GALLERY), encoding="utf-8") as f:
        lines = f.read().splitlines()
    entries = parse(lines)
    rows = plan(root, entries)
    out = []
    for e in entries:
        if not e.experiment:
            out.append(f"{GALLERY}: entry {e.name} names no experiment file")
        elif not os.path.isfile(os.path.join(root, e.experiment)):
            out.append(f"{GALLERY}: entry {e.name}: {e.experiment} does not exist")
    listed = {e.experiment for e in entries}
    out += [f"{GALLERY}: no entry for {x}" for x in experiment_files(root) if x not in listed]
    wanted = set()
    for e, rel, thumb, full in rows:
        for kind, path in (("thumbnail", thumb), ("full figure", full)):
            wanted.add(path)
            if not os.path.isfile(os.path.join(root, "docs", path)):
                out.append(f"{e.name}: no {kind} docs/{path} for results/{rel}")
    for dirpath, _, files in os.walk(os.path.join(root, THUMBS)):
        for f in files:
            path = os.path.relpath(os.path.join(dirpath, f), os.path.join(root, "docs")).replace(os.sep, "/")
            if path not in wanted:
                out.append(f"orphaned: docs/{path} (no entry of {GALLERY} lists it)")
    if gallery_lines(lines, entries, rows) != lines:
        out.append(f"{GALLERY}: image lines out of date (run scripts/gallery.py)")
    return out


def _flat(src: str):
    """src as an RGB image on white (matplotlib may write transparent backgrounds)."""
    from PIL import Image
    with Image.open(src) as im:
        rgba = im.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _save(im, dest: str):
    """A palette PNG: a quarter of the size of matplotlib's RGBA, with no visible difference."""
    from PIL import Image
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    method = getattr(Image, "Quantize", Image).MEDIANCUT  # the enum moved in Pillow 9.1
    im.quantize(COLOURS, method=method, dither=0).save(dest, optimize=True)


def thumbnail(src: str, dest: str, width: int = WIDTH):
    """dest: src scaled to `width` px wide (never enlarged)."""
    from PIL import Image
    im = _flat(src)
    if im.width > width:
        im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
    _save(im, dest)


def copy_full(src: str, dest: str):
    """The full figure the thumbnail links to, at full size."""
    _save(_flat(src), dest)


def source_of(root: str, results: str, rel: str, full: str) -> str:
    """The figure to draw the thumbnail from: the results directory's, else the committed one."""
    for path in (os.path.join(results, rel), os.path.join(root, "docs", full)):
        if os.path.isfile(path):
            return path
    return ""


def write(root: str, results: str, force: bool = False) -> int:
    """Thumbnails and full copies older than their source (all with force) made anew, orphans
    removed, image lines rewritten; 1 when a listed figure has no source."""
    path = os.path.join(root, GALLERY)
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    entries = parse(lines)
    rows = plan(root, entries)
    missing, wanted = [], {p for _, _, thumb, full in rows for p in (thumb, full)}
    for e, rel, thumb, full in rows:
        src = source_of(root, results, rel, full)
        if not src:
            missing.append(f"{e.name}: results/{rel} (run {e.experiment} and its plot script)")
            continue
        for make, dest in ((thumbnail, thumb), (copy_full, full if full.startswith("img/gallery/") else "")):
            dest = os.path.join(root, "docs", dest) if dest else ""
            if dest and os.path.abspath(src) != os.path.abspath(dest) and (
                    force or not os.path.isfile(dest) or os.path.getmtime(dest) < os.path.getmtime(src)):
                make(src, dest)
    for dirpath, _, files in os.walk(os.path.join(root, THUMBS), topdown=False):
        for f in files:  # orphans: figures no entry lists any more
            p = os.path.join(dirpath, f)
            if os.path.relpath(p, os.path.join(root, "docs")).replace(os.sep, "/") not in wanted:
                os.remove(p)
        if dirpath != os.path.join(root, THUMBS) and not os.listdir(dirpath):
            os.rmdir(dirpath)
    new = gallery_lines(lines, entries, rows)
    if new != lines:
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(new) + "\n")
    files = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(root, THUMBS)) for f in fs]
    print(f"gallery: {len(rows)} figures, {len(files)} files in {THUMBS} "
          f"({sum(map(os.path.getsize, files)) / 1e6:.2f} MB)")
    for m in missing:
        print(f"gallery: no figure for {m}", file=sys.stderr)
    return 1 if missing else 0


def new_entry(root: str, experiment: str) -> str:
    """A docs/gallery.md entry for an experiment file, its figure line left to fill in."""
    import yaml
    with open(os.path.join(root, experiment), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    parts = experiment.split("/")
    scenario = doc.get("scenario", "")
    out = "results/" + "/".join(parts[1:-1] + [os.path.splitext(parts[-1])[0]])
    claim = " ".join(str(doc.get("claim", "")).split())
    return "\n".join([
        f"### `{doc.get('experiment', '')}`", "",
        f"- experiment: [`{experiment}`](../{experiment}) (scenario `{scenario}`)",
        f"- figure: `{out}/FIGURE.png`",
        f"- command: `build/fairmc run {experiment} -o {out} && /usr/bin/python3 "
        f"analysis/plot_{scenario}.py {out} {out}`",
        f"- claim: {claim}", ""])


def main(argv) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", default=os.path.join(ROOT, "results"),
                    help="where make run and run-experiments.sh wrote the figures (default results/)")
    ap.add_argument("--force", action="store_true", help="remake every thumbnail, not only stale ones")
    ap.add_argument("--check", action="store_true", help="change nothing; list what is out of date")
    ap.add_argument("--entry", metavar="EXPERIMENT", help="print a new entry for this experiment file")
    args = ap.parse_args(argv)
    if args.entry:
        print(new_entry(ROOT, args.entry))
        return 0
    if args.check:
        found = problems(ROOT)
        for p in found:
            print(p)
        return 1 if found else 0
    return write(ROOT, args.results, args.force)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
