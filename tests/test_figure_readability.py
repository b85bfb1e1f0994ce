"""Figures that read at a glance at the size the A4 handout prints them (issue 16, "Figures").

:mod:`newslens.readability` holds the rules and the printed-size arithmetic: no text under 8 pt printed, no two
texts overlapping, no text over a marker it does not label, no label cut by an ellipsis to under 20 characters.
Here they are shown to fail and to pass on small synthetic figures, and run on every figure the solutions draw
(executed in-process, as tests/test_figure_contrast.py does). The lessons' figures are checked in the lesson
tests (``checks.figure_readability_failures``), from the kernel that already ran the lesson.
"""

from __future__ import annotations

import base64
import io
import json

import lesson_checks as checks
import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from newslens import paths, readability, style  # noqa: E402
from newslens.readability import describe, readability_failures  # noqa: E402

SOLUTIONS = sorted(paths.SOLUTIONS_DIR.glob("*.ipynb"))


@pytest.fixture(autouse=True)
def _course_style():
    with matplotlib.rc_context():
        style.apply()
        yield
    plt.close("all")


def kinds(fig, width_px=None) -> list[str]:
    return [f["kind"] for f in readability_failures(fig, width_px)]


# -- printed size ---------------------------------------------------------------------------------------------


def test_printable_width_is_a4_less_the_handout_margins():
    assert pytest.approx(178 / 25.4 * 96) == readability.PRINTABLE_WIDTH_PX  # 672.8 CSS px
    css = (paths.REPO_ROOT / "src/newslens/tools/handouts/templates/newslens/static/course.css").read_text(
        encoding="utf-8"
    )
    assert "@page { size: A4; margin: 18mm 16mm 20mm; }" in css, "the print arithmetic assumes these margins"
    assert "img, svg, video, canvas { max-width: 100%; height: auto; }" in css


def test_print_scale_is_dpi_over_96_then_the_shrink_to_the_printable_width():
    fig = plt.figure(figsize=(4, 3))
    assert readability.print_scale(fig, 400) == pytest.approx(100 / 96)  # narrower than the page: not scaled
    assert readability.print_scale(fig, 820) == pytest.approx(100 / 96 * 672.76 / 820, rel=1e-4)  # an 8 x 5 figure


def test_png_width_reads_bytes_and_base64_and_refuses_other_data():
    fig, _ = plt.subplots(figsize=(3, 2))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    data = buffer.getvalue()
    assert readability.png_width(data) == 300
    assert readability.png_width(base64.b64encode(data).decode()) == 300
    assert readability.png_width(b"<svg></svg>") is None


def test_tight_width_is_what_the_inline_backend_embeds():
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.set_title("A wide figure")
    fig.draw_without_rendering()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")
    assert abs(readability.tight_png_width(fig) - readability.png_width(buffer.getvalue())) <= 1


# -- small text -----------------------------------------------------------------------------------------------


def test_a_6_pt_tick_label_fails_and_10_pt_passes():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.tick_params(axis="x", labelsize=6)
    failures = readability_failures(fig)
    assert [f["kind"] for f in failures] == ["small text"]
    assert "6 pt" in failures[0]["detail"] and "more texts of that size" in failures[0]["detail"]
    ax.tick_params(axis="x", labelsize=10)
    assert kinds(fig) == []


def test_a_9_pt_label_on_a_figure_shrunk_to_the_page_fails():
    """9 pt on a 4 in figure prints at 9.4 pt; on a 10 in one (1,020 px with the crop) at 6.2 pt."""
    for width, expected in ((4, []), (10, ["small text"])):
        fig, ax = plt.subplots(figsize=(width, 3))
        ax.set_axis_off()
        ax.text(0.5, 0.5, "nine points", fontsize=9)
        fig.text(0.0, 0.0, "x", fontsize=14)
        fig.text(0.99, 0.99, "y", fontsize=14)
        assert kinds(fig) == expected, width


def test_the_png_width_shown_decides_the_scale():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_axis_off()
    ax.text(0.5, 0.5, "ten points", fontsize=10)
    assert kinds(fig, 400) == []
    assert kinds(fig, 1000) == ["small text"]  # the same figure, shown as a 1,000 px image: 7 pt on paper


# -- overlapping texts ----------------------------------------------------------------------------------------


def test_two_overlapping_texts_fail_and_apart_they_pass():
    fig, ax = plt.subplots(figsize=(4, 3))
    first = ax.text(0.2, 0.5, "Nampo port")
    second = ax.text(0.25, 0.5, "Pyongyang")
    failures = readability_failures(fig)
    assert [(f["kind"], f["what"], f["other"]) for f in failures] == [("overlap", "Nampo port", "Pyongyang")]
    second.set_position((0.25, 0.8))
    assert kinds(fig) == []
    second.set_position((0.25, 0.5))
    second.set_visible(False)
    assert kinds(fig) == [], "an invisible text is not read"
    second.set_visible(True)
    second.set_text("  ")
    assert kinds(fig) == [], "an empty text is not read"
    assert first.get_visible()


def test_texts_that_only_touch_pass():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_axis_off()
    left = ax.text(0.1, 0.5, "Left")
    fig.draw_without_rendering()
    right_edge = left.get_window_extent().x1
    x, _ = ax.transData.inverted().transform((right_edge + 0.5, 0))
    ax.text(x, 0.5, "Right")
    assert kinds(fig) == []


def test_a_legend_over_a_label_fails():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1], label="reported dates")
    ax.legend(loc="upper left")
    ax.text(0.02, 0.98, "annotated corner", transform=ax.transAxes, va="top")
    failures = readability_failures(fig)
    assert {(f["kind"], frozenset((f["what"], f["other"]))) for f in failures} == {
        ("overlap", frozenset(("reported dates", "annotated corner")))
    }


def test_rotated_tick_labels_side_by_side_do_not_overlap():
    """Their axis-aligned extents overlap; the rotated rectangles, what is drawn, do not."""
    fig, ax = plt.subplots(figsize=(6, 3))
    names = [f"Event number {i}" for i in range(12)]
    ax.set_xticks(range(12), names, rotation=45, ha="right", rotation_mode="anchor")
    assert kinds(fig) == []
    fig.draw_without_rendering()
    boxes = [t.get_window_extent() for t in ax.get_xticklabels()]
    assert boxes[0].overlaps(boxes[1]), "the test needs axis-aligned extents that overlap"


def test_crowded_horizontal_tick_labels_fail():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xticks(range(8), [f"Source {i} (anonymous)" for i in range(8)])
    assert "overlap" in kinds(fig)


# -- texts over markers ---------------------------------------------------------------------------------------


def test_a_label_over_a_marker_it_does_not_label_fails():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.scatter([0, 1, 2], [0, 0, 0], s=40, label="places")
    ax.set(xlim=(-1, 3), ylim=(-1, 1))
    ax.annotate("Hamhung, the east coast port", (0, 0), xytext=(4, 4), textcoords="offset points")
    failures = readability_failures(fig)
    assert [(f["kind"], f["what"]) for f in failures] == [("text over marker", "Hamhung, the east coast port")]
    assert failures[0]["other"] == "point of 'places'"


def test_a_label_beside_its_own_marker_passes():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [0, 0, 0], "o", markersize=6)
    ax.set(xlim=(-1, 3), ylim=(-1, 1))
    for x, name in zip([0, 1, 2], ["Nampo", "Hamhung", "Wonsan"], strict=True):
        ax.annotate(name, (x, 0), xytext=(2, 2), textcoords="offset points")
    ax.text(1, 0, "·", ha="center", va="center")  # a glyph on its own marker is its label
    assert kinds(fig) == []


def test_a_line_marker_under_a_text_fails_but_a_plain_line_does_not():
    fig, ax = plt.subplots(figsize=(4, 3))
    (line,) = ax.plot([0, 0.5, 1], [0.5, 0.5, 0.5], "-o", label="reports")
    ax.set(xlim=(-0.2, 1.2), ylim=(0, 1))
    ax.text(0.5, 0.55, "a note above the line", ha="center", va="bottom")  # labels the middle marker
    ax.text(-0.15, 0.5, "far note", va="center")  # covers the first marker
    assert kinds(fig) == ["text over marker"]
    line.set_marker("")
    assert kinds(fig) == []


# -- truncated labels -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "fails"),
    [
        ("Workers s…", True),
        ("Transport of wor...", True),
        ("Transport of workers to Russ…", False),
        ("A label that ends without one", False),
    ],
)
def test_a_label_cut_by_an_ellipsis_to_under_20_characters_fails(label, fails):
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.set_yticks([0], [label])
    assert (kinds(fig) == ["truncated"]) is fails


def test_failures_name_both_texts():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_title("Reports by date")
    ax.text(0.2, 0.5, "first")
    ax.text(0.21, 0.5, "second")
    [failure] = readability_failures(fig)
    assert failure["figure"] == "Reports by date"
    assert describe(failure) == "overlap: 'first' / 'second': their extents overlap"


def test_a_figure_pyplot_has_closed_can_still_be_checked():
    """A widget may keep a figure pyplot closed (its canvas is then a bare FigureCanvasBase, with no renderer)."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.text(0.2, 0.5, "first")
    ax.text(0.21, 0.5, "second")
    plt.close(fig)
    assert kinds(fig) == ["overlap"]


# -- the lesson watch, through a kernel -----------------------------------------------------------------------

WATCHED = """\
import matplotlib.pyplot as plt
from newslens import style
style.apply()
fig, ax = plt.subplots(figsize=(4, 3))
ax.set_title("Two names on one spot")
ax.text(0.2, 0.5, "Nampo port")
ax.text(0.22, 0.5, "Pyongyang")
plt.show()
"""


@pytest.mark.slow
def test_the_lesson_watch_names_notebook_cell_figure_and_texts(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A lesson"), nbformat.v4.new_code_cell(WATCHED)]
    path = tmp_path / "99_watched.ipynb"
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    runs = checks.run_lesson(path)
    session = next(runs)
    try:
        assert checks.figure_readability_failures(session) == [
            "99_watched.ipynb cell 1, figure 'Two names on one spot': overlap: 'Nampo port' / 'Pyongyang': "
            "their extents overlap"
        ]
        assert checks.figure_contrast_failures(session) == []
    finally:
        runs.close()


# -- the solutions' figures -----------------------------------------------------------------------------------


def solution_figures(notebook):
    """Run the solution's code (otter's own cells left out) in-process with ``plt.show`` turned off, and yield
    ``(cell index, figure)`` for every figure open at the end of a cell: in a notebook the inline backend shows
    each of them, whether the cell calls ``plt.show()`` or not (tests/test_figure_contrast.py runs the same
    cells but walks only those that say they show a figure)."""
    nb = nbformat.read(notebook, as_version=4)
    namespace: dict = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "otter" in cell.source or "grader." in cell.source:
            continue
        exec(compile(cell.source, f"{notebook.name} cell {index}", "exec"), namespace)
        for number in plt.get_fignums():
            yield index, plt.figure(number)
        plt.close("all")


@pytest.mark.parametrize("notebook", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_figures_read_at_print_size(notebook, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    failures, seen = [], 0
    plt.style.use("default")  # matplotlib's defaults, as in a fresh kernel (the notebook sets its own style)
    for index, fig in solution_figures(notebook):
        seen += 1
        failures += [
            f"{notebook.name} cell {index}, figure {f['figure'][:60]!r}: {describe(f)}"
            for f in readability_failures(fig)
        ]
    if not seen:
        pytest.skip("draws no figure")
    assert failures == []


# -- the printed-size arithmetic, against a printed handout ---------------------------------------------------

TWO_FIGURES = """\
import matplotlib.pyplot as plt
for width in (4, 11):
    fig, ax = plt.subplots(figsize=(width, 2))
    ax.plot([0, 1], [0, 1])
    plt.show()
"""


@pytest.mark.slow
@pytest.mark.browser
def test_a_printed_handout_shows_figures_at_the_scale_print_scale_says(tmp_path):
    """Chromium prints a handout with a narrow and a wide figure; each image's resolution in the PDF (pixels per
    printed inch) is 96 / min(1, 672.8 / width), as the module's arithmetic says: 96 for the narrow one, whose
    pixel is a CSS pixel, and width / 7.01 in for the wide one, shrunk to the printable width."""
    import re
    import subprocess
    import tempfile

    from browser_support import CHROMIUM_FLAGS, require_tool

    from newslens.tools.handouts.build import build_handouts
    from newslens.tools.handouts.sample import make_sample_course

    chromium, pdfimages = require_tool("chromium", "pdfimages")
    course_file = make_sample_course(tmp_path / "course")
    nb_path = course_file.parent / "notebooks" / "01_alpha.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    alt = "Two straight lines from 0 to 1, one figure 4 in wide and one 11 in wide, to measure the printed scale."
    metadata = {"alt": [alt, alt], "caption": ["Narrow. Source: none.", "Wide. Source: none."]}
    nb["cells"].append({"cell_type": "code", "id": "figs", "metadata": metadata, "source": TWO_FIGURES,
                        "outputs": [], "execution_count": None})  # fmt: skip
    nb_path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    build_handouts(course_file, sets=("lessons",), jobs=1, log=lambda _: None)
    page = tmp_path / "course" / "build" / "handouts" / "lessons" / "01_alpha.html"
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]{60})", page.read_text(encoding="utf-8"))
    widths = [readability.png_width(m) for m in images][-2:]  # ours are the page's last two
    assert widths[0] < readability.PRINTABLE_WIDTH_PX < widths[1], widths
    pdf = tmp_path / "page.pdf"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, "--headless", *CHROMIUM_FLAGS, "--no-pdf-header-footer", f"--user-data-dir={profile}",
             f"--print-to-pdf={pdf}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    listing = subprocess.run([pdfimages, "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.split()[2:3] == ["image"]]
    printed = {int(row[3]): int(row[12]) for row in rows}  # image width -> x-ppi
    for width in widths:
        scale = readability.print_scale(plt.figure(dpi=100), width)  # printed pt per nominal pt at 100 dpi
        assert printed[width] == pytest.approx(100 / scale, abs=1.5), (width, printed)
