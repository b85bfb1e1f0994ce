"""Figures every reader can use: contrast of the colours the figure code uses, and alt text and captions.

Contrast (WCAG 2.2 1.4.3 and 1.4.11): text at least 4.5:1 against what it sits on (3:1 from 18 pt, or 14 pt
bold), markers, lines and outlines at least 3:1. Checked three ways, all fast:

- the fixed colour pairs ``newslens.style`` declares (map labels on land, outlines, route lines...);
- :mod:`newslens.contrast`, the figure walker, on small figures that repeat the failures found in the
  handouts' audit (white glyphs on the heatmap's pink and vermillion cells, grey country labels on land,
  translucent uncertainty circles) and their fixes;
- the walker on every figure the solutions draw (executed here, in-process).

The lessons' own figures are walked in the lesson tests (``test_figures_meet_contrast`` in
tests/test_lesson_0*.py), which reuse the kernel that already ran the lesson.

Alt text and captions: every figure cell of the lessons and solutions carries ``alt`` and ``caption`` in its
metadata (a string, or one per image the cell shows), which the handout renderer turns into the image's alt and
a visible ``figcaption``; an alt is not the figure's title, does not start with "Figure:", and a static
figure's alt gives numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from newslens import paths, style  # noqa: E402
from newslens.contrast import contrast_failures, figure_contrast  # noqa: E402

LESSONS = sorted(paths.NOTEBOOKS_DIR.glob("0*.ipynb"))
SOLUTIONS = sorted(paths.SOLUTIONS_DIR.glob("*.ipynb"))
#: A cell that shows a figure in the handout: pyplot's show at the top level, or a figure displayed directly.
SHOWS_FIGURE = re.compile(r"^plt\.show\(\)|display\(\w*fig\w*\)", re.M)
TITLE_CALL = re.compile(r"""(?:set_title|suptitle|title)\(\s*f?["']([^"']+)["']""")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(("what", "foreground", "background", "minimum"), style.CONTRAST_PAIRS)
def test_declared_colour_pairs_meet_their_minimum(what, foreground, background, minimum):
    assert style.contrast_ratio(foreground, background) >= minimum, what


def test_contrast_ratio_matches_wcag_reference_values():
    assert style.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert style.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1)
    # the audit's numbers: white on the heatmap's pink and vermillion, grey labels on land
    assert style.contrast_ratio("#FFFFFF", style.OKABE_ITO["reddish_purple"]) == pytest.approx(3.06, abs=0.01)
    assert style.contrast_ratio("#FFFFFF", style.OKABE_ITO["vermillion"]) == pytest.approx(3.87, abs=0.01)
    assert style.contrast_ratio("#8C8C8C", style.LAND) == pytest.approx(2.90, abs=0.01)


@pytest.mark.parametrize("name", list(style.OKABE_ITO))
def test_ink_on_every_palette_colour_is_readable(name):
    colour = style.OKABE_ITO[name]
    assert style.contrast_ratio(style.ink_on(colour), colour) >= style.TEXT_CONTRAST


def heatmap(glyph_colour) -> plt.Figure:
    """A small source-claim matrix like lesson 5's: vermillion (-1), pink (0), blue (+1) cells with a symbol each."""
    cmap = ListedColormap([style.OKABE_ITO["vermillion"], style.OKABE_ITO["reddish_purple"], style.OKABE_ITO["blue"]])
    values = np.array([[1.0, -1.0, 0.0], [np.nan, 1.0, -1.0]])
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=-1, vmax=1)
    for (i, j), value in np.ndenumerate(values):
        if not np.isnan(value):
            symbol = {1: "+", -1: "−", 0: "±"}[int(value)]
            ax.text(j, i, symbol, ha="center", va="center", fontsize=8, color=glyph_colour(int(value)))
    return fig


def test_white_glyphs_on_the_pink_and_vermillion_cells_fail():
    failures = contrast_failures(heatmap(lambda value: "white"))
    assert {(f["what"], f["background"]) for f in failures} == {("±", "#cc79a7"), ("−", "#d55e00")}
    assert sorted({f["ratio"] for f in failures}) == [3.06, 3.87]


def test_glyph_colour_chosen_per_cell_passes():
    cmap = [style.OKABE_ITO["vermillion"], style.OKABE_ITO["reddish_purple"], style.OKABE_ITO["blue"]]
    fig = heatmap(lambda value: style.ink_on(cmap[value + 1]))
    pairs = [p for p in figure_contrast(fig) if p["what"] in "+−±"]
    assert len(pairs) == 5 and all(p["ratio"] >= 4.5 for p in pairs)


def little_map(label_colour, circle_kwargs) -> plt.Figure:
    """Water, a land square with a country name, and an uncertainty circle on the land."""
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.set_facecolor(style.WATER)
    ax.add_patch(plt.Rectangle((0.1, 0.1), 0.8, 0.8, facecolor=style.LAND, edgecolor=style.BORDER))
    ax.text(0.5, 0.75, "RUSSIA", ha="center", fontsize=11, color=label_colour)
    ax.add_patch(Circle((0.5, 0.4), 0.15, linestyle="--", linewidth=1.5, **circle_kwargs))
    ax.set(xlim=(0, 1), ylim=(0, 1))
    return fig


def test_grey_label_and_translucent_circle_on_land_fail():
    orange = style.OKABE_ITO["orange"]
    failures = contrast_failures(little_map("#8C8C8C", {"facecolor": orange, "edgecolor": orange, "alpha": 0.3}))
    kinds = {(f["kind"], f["what"]) for f in failures}
    assert kinds == {("text", "RUSSIA"), ("graphic", "outline")}
    assert min(f["ratio"] for f in failures if f["what"] == "outline") < 1.5


def test_dark_label_and_opaque_dark_outline_pass():
    circle = {"facecolor": style.translucent(style.OKABE_ITO["orange"], 0.3), "edgecolor": style.DARK_ORANGE}
    fig = little_map(style.MAP_LABEL, circle)
    assert contrast_failures(fig) == []
    outline = [p for p in figure_contrast(fig) if p["what"] == "outline"]
    assert outline and min(p["ratio"] for p in outline) >= 3


def figure_cells(notebook: Path) -> list[tuple[int, nbformat.NotebookNode]]:
    """The code cells of ``notebook`` that show a figure, or say they do (alt or caption in their metadata)."""
    nb = nbformat.read(notebook, as_version=4)
    return [
        (i, c)
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (SHOWS_FIGURE.search(c.source) or {"alt", "caption"} & set(c.metadata))
    ]


def test_a_pale_solid_bar_fails_and_the_same_bar_with_a_dark_outline_passes():
    """Bars are graphical objects (WCAG 1.4.11): an orange bar on white is 2.0:1; its dark outline makes it 3:1+."""
    fig, ax = plt.subplots()
    ax.barh(["a"], [3], color=style.OKABE_ITO["orange"], linewidth=0)
    assert [f for f in contrast_failures(fig) if f["what"] == "bar"], "an orange bar without outline must fail"
    fig2, ax2 = plt.subplots()
    ax2.barh(["a"], [3], color=style.OKABE_ITO["orange"], edgecolor="#333333", linewidth=1)
    assert not [f for f in contrast_failures(fig2) if f["what"] == "bar"]
    plt.close(fig)
    plt.close(fig2)


@pytest.mark.parametrize("notebook", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_figures_meet_contrast(notebook, monkeypatch, tmp_path):
    """Run the solution's code up to each figure cell (otter's own cells left out) and walk the figures it draws."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    nb = nbformat.read(notebook, as_version=4)
    drawing = {i for i, _ in figure_cells(notebook)}
    if not drawing:
        pytest.skip("draws no figure")
    namespace: dict = {}
    failures = []
    for index, cell in enumerate(nb.cells[: max(drawing) + 1]):
        if cell.cell_type != "code" or "otter" in cell.source or "grader." in cell.source:
            continue
        exec(compile(cell.source, f"{notebook.name} cell {index}", "exec"), namespace)
        if index in drawing:
            assert plt.get_fignums(), f"cell {index} drew no figure"
            for number in plt.get_fignums():
                failures += contrast_failures(plt.figure(number))
            plt.close("all")
    assert failures == []


@pytest.mark.parametrize("notebook", LESSONS + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_figure_cell_has_alt_text_and_a_caption(notebook):
    for index, cell in figure_cells(notebook):
        where = f"{notebook.name} cell {index}"
        alt, caption = cell.metadata.get("alt"), cell.metadata.get("caption")
        assert alt and caption, f"{where}: needs both 'alt' and 'caption' metadata"
        alts = alt if isinstance(alt, list) else [alt]
        captions = caption if isinstance(caption, list) else [caption]
        assert len(captions) in (1, len(alts)), f"{where}: one caption, or one per image"
        titles = {t.strip().lower() for t in TITLE_CALL.findall(cell.source)}
        for text in alts:
            assert not text.strip().lower().startswith("figure:"), f"{where}: alt is the fallback 'Figure: <title>'"
            assert text.strip().rstrip(".").lower() not in titles, f"{where}: alt is only the title"
            assert len(text) > 80, f"{where}: alt should state the finding, not name the chart"
            if SHOWS_FIGURE.search(cell.source):  # a figure on the page: its finding has numbers
                assert re.search(r"\d", text), f"{where}: alt states no number: {text[:60]}"
        for text in captions:
            assert "Source:" in text, f"{where}: the caption ends with its source line ('Source: ...')"
