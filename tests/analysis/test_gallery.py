"""docs/gallery.md and its thumbnails (docs/img/gallery/, made by scripts/gallery.py) agree.

    FAIRMC_SOURCE_DIR=. /usr/bin/python3 tests/analysis/test_gallery.py [build/fairmc]

Fails when a figure an entry lists has no thumbnail or no full figure, when a file under
docs/img/gallery/ is orphaned (no entry lists it), when an entry's image line is stale, or when an
experiment file has no entry; checks that the thumbnails are small PNGs and that the checker and
the writer themselves catch and fix each of those on a copy of the docs. The fairmc binary is not
used. Prints "N passed, M failed" and exits non-zero when anything failed.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile

_here = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get("FAIRMC_SOURCE_DIR", os.path.join(_here, "..", "..")))
sys.path.insert(0, os.path.join(SOURCE, "scripts"))
sys.path.insert(1, os.path.join(SOURCE, "analysis"))

from PIL import Image  # noqa: E402

import gallery  # noqa: E402
import harness  # noqa: E402

MAX_TOTAL_BYTES = 3_000_000  # what the thumbnails and full copies may weigh in the repository

check = harness.Checks()


def copy_of_docs(tmp):
    """A root beside the checkout: its own docs/gallery.md and docs/img/gallery/, the rest linked."""
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "docs", "img"))
    for d in ("experiments", "reproduction", "analysis"):
        os.symlink(os.path.join(SOURCE, d), os.path.join(root, d))
    os.symlink(os.path.join(SOURCE, gallery.REPRODUCTION), os.path.join(root, gallery.REPRODUCTION))
    shutil.copyfile(os.path.join(SOURCE, gallery.GALLERY), os.path.join(root, gallery.GALLERY))
    shutil.copytree(os.path.join(SOURCE, gallery.THUMBS), os.path.join(root, gallery.THUMBS))
    return root


def quiet(fn, *args):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return fn(*args)


# --- the committed gallery ---------------------------------------------------------------------

@check
def committed_gallery_has_no_problems(c):
    found = gallery.problems(SOURCE)
    assert not found, "\n".join(found) + "\n(run make run, scripts/run-experiments.sh and scripts/gallery.py)"


@check
def every_entry_with_figures_shows_each_thumbnail_linking_to_its_figure(c):
    with open(os.path.join(SOURCE, gallery.GALLERY), encoding="utf-8") as f:
        lines = f.read().splitlines()
    entries = gallery.parse(lines)
    assert len(entries) >= len(gallery.experiment_files(SOURCE)), len(entries)
    shown = 0
    for e in entries:
        if not e.figures:
            assert e.image_line < 0, e.name
            continue
        line = lines[e.image_line]
        for rel in e.figures:
            thumb = "img/gallery/" + rel
            assert f"]({thumb})](" in line, (e.name, rel, line)
            full = line.split(f"]({thumb})](", 1)[1].split(")", 1)[0]
            assert os.path.basename(full).endswith(os.path.basename(rel)), (e.name, full)
            assert os.path.isfile(os.path.join(SOURCE, "docs", full)), (e.name, full)
            shown += 1
    assert shown == len(gallery.plan(SOURCE)) and shown > 40, shown


@check
def paper_figures_are_linked_not_copied(c):
    rows = gallery.plan(SOURCE)
    paper = [full for _, _, _, full in rows if full.startswith("img/reproduction/")]
    copies = [full for _, _, _, full in rows if full.startswith("img/gallery/full/")]
    assert len(paper) > 30, len(paper)  # most figures are the committed paper figures
    committed = {os.path.basename(p) for p in paper}
    for full in copies:  # a copy only where reproduction/ does not hold that experiment's figure
        e = next(r[0] for r in rows if r[3] == full)
        scenario, stem = e.scenario_and_stem
        assert (scenario, stem, os.path.basename(full)) not in gallery.reproduction_figures(SOURCE), full
    assert "power_lambda_convergence.png" in committed


@check
def thumbnails_are_small_pngs(c):
    total = 0
    for dirpath, _, files in os.walk(os.path.join(SOURCE, gallery.THUMBS)):
        for f in files:
            path = os.path.join(dirpath, f)
            total += os.path.getsize(path)
            with Image.open(path) as im:
                assert im.format == "PNG", path
                if os.path.join(gallery.THUMBS, "full") not in path:
                    assert im.width <= gallery.WIDTH, (path, im.size)
    assert total <= MAX_TOTAL_BYTES, total


# --- the checker and the writer, on a copy of the docs ---------------------------------------

@check
def checker_reports_a_missing_thumbnail(c):
    root = copy_of_docs(c["tmp"] + "/missing")
    _, rel, thumb, _ = gallery.plan(root)[5]
    os.remove(os.path.join(root, "docs", thumb))
    found = gallery.problems(root)
    assert any(f"no thumbnail docs/{thumb}" in p for p in found), found
    assert quiet(gallery.main, ["--check"]) == 0  # the checkout itself is still fine


@check
def checker_reports_an_orphan_and_a_figure_without_thumbnail(c):
    root = copy_of_docs(c["tmp"] + "/orphan")
    orphan = os.path.join(root, gallery.THUMBS, "power", "gone", "power_gone.png")
    os.makedirs(os.path.dirname(orphan))
    Image.new("RGB", (10, 10), "white").save(orphan)
    path = os.path.join(root, gallery.GALLERY)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("- figure: `results/scf/water/scf_water.png`",
                             "- figures: `results/scf/water/scf_water.png`, `results/scf/water/scf_extra.png`"))
    found = gallery.problems(root)
    assert "orphaned: docs/img/gallery/power/gone/power_gone.png (no entry of docs/gallery.md lists it)" in found, found
    assert any("no thumbnail docs/img/gallery/scf/water/scf_extra.png" in p for p in found), found
    assert any("image lines out of date" in p for p in found), found


@check
def checker_reports_an_experiment_without_entry(c):
    root = copy_of_docs(c["tmp"] + "/entry")
    path = os.path.join(root, gallery.GALLERY)
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    e = next(e for e in gallery.parse(lines) if e.name == "scf_water")
    end = next(i for i in range(e.start + 1, len(lines)) if lines[i].startswith("#"))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[:e.start] + lines[end:]) + "\n")
    found = gallery.problems(root)
    assert "docs/gallery.md: no entry for experiments/scf/water.yaml" in found, found
    assert any(p.startswith("orphaned: docs/img/gallery/scf/water/") for p in found), found


@check
def writer_makes_thumbnails_from_results_and_removes_orphans(c):
    root = copy_of_docs(c["tmp"] + "/write")
    results = os.path.join(c["tmp"], "results")
    figure = os.path.join(results, "scf", "water", "scf_water.png")
    os.makedirs(os.path.dirname(figure))
    Image.new("RGBA", (1600, 1000), (255, 0, 0, 255)).save(figure)  # a red 'figure' from make run
    orphan = os.path.join(root, gallery.THUMBS, "scf", "old", "scf_old.png")
    os.makedirs(os.path.dirname(orphan))
    Image.new("RGB", (10, 10)).save(orphan)
    path = os.path.join(root, gallery.GALLERY)
    with open(path, encoding="utf-8") as f:
        before = f.read()
    with open(path, "w", encoding="utf-8") as f:  # drop every image line: the writer puts them back
        f.write("\n".join(ln for ln in before.splitlines() if not ln.startswith(gallery.IMAGES)) + "\n")
    assert quiet(gallery.write, root, results) == 0
    with Image.open(os.path.join(root, gallery.THUMBS, "scf", "water", "scf_water.png")) as im:
        assert im.size == (gallery.WIDTH, 300) and im.convert("RGB").getpixel((10, 10)) == (255, 0, 0)
    assert not os.path.exists(orphan) and not os.path.exists(os.path.dirname(orphan))
    with open(path, encoding="utf-8") as f:
        assert f.read() == before  # the image lines come back exactly
    assert gallery.problems(root) == []


@check
def new_entry_for_an_experiment_file(c):
    text = gallery.new_entry(SOURCE, "experiments/scf/water.yaml")
    lines = text.splitlines()
    assert lines[0] == "### `scf_water`", lines
    assert "- experiment: [`experiments/scf/water.yaml`](../experiments/scf/water.yaml) (scenario `scf`)" in lines
    assert any(ln.startswith("- claim: Under CNC the Nash SCF") for ln in lines), lines


def main():
    with tempfile.TemporaryDirectory(prefix="fairmc-gallery-") as tmp:
        return check.run({"tmp": tmp})


if __name__ == "__main__":
    sys.exit(main())
