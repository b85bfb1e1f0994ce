"""The case workbook (instructors/case_workbook.ipynb) runs on every case and shows what a user would check.

The workbook is executed with the course's runner on the course's own case (``data``), as a temporary copy whose
``CASE = ...`` line is the one an instructor changes; in the same kernel, every code cell then runs again for each
folder of ``cases/`` found, with ``CASE`` set to it (one kernel start instead of one per case: each start and import
costs seconds on a busy machine). Every figure is checked for contrast: as it is shown in the first run (the lessons'
figure watch), as drawn in the re-runs. What the figures show is
compared with the case's tables, re-read here with the loaders: the map has one mark per place that can be drawn, a
dot only for a place known to the town, and every place with coordinates on it; the timeline one row per event; the
grade matrix one count per claim; the copy chain runs from a primary source to the article. A draft copy of a
practice case with gaps (a place without coordinates, a claim without a grade) must run too, printing a note for
each gap instead of failing.
"""

from __future__ import annotations

import csv
import inspect
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import lesson_checks as checks
import nbformat
import pytest

from newslens import paths
from newslens.data import load_all
from newslens.tools.runner import NotebookRun, RunOptions

WORKBOOK = paths.REPO_ROOT / "instructors" / "case_workbook.ipynb"
CASES = ["data", *sorted(f"cases/{p.parent.name}" for p in (paths.REPO_ROOT / "cases").glob("*/datapackage.json"))]
CASE_LINE = re.compile(r"^CASE = .*$", re.M)

pytestmark = pytest.mark.slow


def _workbook_for(case: str, folder: Path) -> Path:
    """A copy of the workbook whose CASE line names ``case``."""
    nb = nbformat.read(WORKBOOK, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and CASE_LINE.search(c.source)]
    assert len(cells) == 1 and cells[0] is next(c for c in nb.cells if c.cell_type == "code"), (
        "the first code cell, and only it, sets CASE"
    )
    cells[0].source = CASE_LINE.sub(f"CASE = {case!r}", cells[0].source)
    copy = folder / WORKBOOK.name
    nbformat.write(nb, copy)
    return copy


def _printed(run: NotebookRun) -> str:
    return "".join(out.get("text", "") for out in run.outputs() if out.get("name") == "stdout")


FIGURES = "__import__('sys').modules['__newslens_figures__']"  # lesson_checks.figure_watch's record in the kernel


@dataclass
class Workbook:
    """The workbook's kernel after a run on ``case``: what the run printed, how many figures it showed and the
    contrast failures among them."""

    case: str
    run: NotebookRun
    printed: str
    figures_shown: int
    contrast_failures: list[dict]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One kernel for the module: the workbook run as a whole on the first case (the course's), as an instructor
    runs it; the other cases re-run all its code cells in that kernel, CASE set first (no new kernel per case)."""
    folder = tmp_path_factory.mktemp("workbook")
    copy = _workbook_for(CASES[0], folder)
    with (
        checks.figure_watch() as env,
        NotebookRun(copy, RunOptions(cwd=folder, timeout=180, keep_kernel=True, env=env)) as run,
    ):
        yield run


#: Appended to each re-run cell: count the figures it drew, check their contrast (if ``_nl_check``), close them unseen.
AFTER_CELL = """
import matplotlib.pyplot as _plt
for _nl_fig in map(_plt.figure, _plt.get_fignums()):
    _nl_drawn += 1
    if _nl_check:
        from newslens.contrast import contrast_failures as _nl_failures
        _nl_contrast += [dict(p, cell="re-run") for p in _nl_failures(_nl_fig)]
_plt.close("all")
"""


def _rerun(run: NotebookRun, case: str, check_contrast: bool = True) -> Workbook:
    """Run every code cell of the workbook again in ``run``'s kernel, on ``case``. The figures are closed unseen
    (rendering them is the slow part) and, with ``check_contrast``, checked for contrast as drawn; the draft cases,
    whose test is that every cell runs and says what it leaves out, skip the check."""
    code = [c.source for c in nbformat.read(WORKBOOK, as_version=4).cells if c.cell_type == "code"]
    run.run(
        f"_nl_drawn, _nl_contrast, _nl_check = 0, [], {check_contrast!r}\n"
        "import matplotlib.pyplot as _plt\n_nl_show, _plt.show = _plt.show, lambda *args, **kwargs: None"
    )
    try:
        printed = run.run(CASE_LINE.sub(f"CASE = {case!r}", code[0]))
        for source in code[1:]:
            printed += run.run(source + AFTER_CELL)
    finally:
        run.run("_plt.show = _nl_show")
    return Workbook(case, run, printed, run.value("_nl_drawn"), run.value("_nl_contrast"))


@pytest.fixture(scope="module", params=CASES)
def case_run(request, kernel):
    if request.param == CASES[0]:
        return Workbook(
            CASES[0], kernel, _printed(kernel), kernel.value(f"{FIGURES}.shown"), kernel.value(f"{FIGURES}.failures")
        )
    return _rerun(kernel, request.param)


@pytest.fixture
def workbook(case_run):
    """The run on one case, with the kernel's variables from that case (run again if another test moved it on)."""
    if case_run.run.value("CASE") != case_run.case:
        _rerun(case_run.run, case_run.case)
    return case_run


def _gids(run: NotebookRun, figure: str, prefix: str) -> list[str]:
    """The gids starting with ``prefix`` of the artists on the first axes of the kernel's ``figure`` (its overview)."""
    return run.value(
        f"sorted(a.get_gid() for a in {figure}.axes[0].findobj() "
        f"if isinstance(a.get_gid(), str) and a.get_gid().startswith({prefix!r}))"
    )


DOT_GIDS = """sorted(
    line.get_gid()[len("place:"):]
    for line in place_map.figure.axes[0].get_lines()
    if (line.get_gid() or "").startswith("place:") and line.get_marker() not in (None, "None", "", " ")
)"""


def test_the_workbook_runs_on_the_course_case_with_alt_text(kernel):
    checks.assert_ran_without_errors(kernel)
    assert checks.assert_figures_have_alt_text(kernel) == 4, "expected four figures, each with its alt text"
    checks.assert_no_stored_outputs_nor_bench_cells(WORKBOOK)


def test_four_figures_with_contrast_and_no_table_left_out(workbook):
    assert workbook.figures_shown == 4
    assert workbook.contrast_failures == [], workbook.contrast_failures
    assert "did NOT load" not in workbook.printed


def test_the_figures_show_every_row(workbook):
    case, run = workbook.case, workbook.run
    tables = load_all(paths.REPO_ROOT / case, judgements=True)
    places, events, claims = tables["places"], tables["events"], tables["claims"]
    place_ids = [g.removeprefix("place:") for g in _gids(run, "place_map.figure", "place:")]
    event_ids = _gids(run, "story.figure", "event:")
    source_ids = _gids(run, "chain.figure", "source:")
    grade_ids = _gids(run, "grades.figure", "grade:")

    # The map: one mark per place on the overview, every place with coordinates among them, the others only where
    # they have an area; a dot only for geo_precision 1.
    located = set(places.loc[places["lat"].notna() & places["lon"].notna(), "place_id"])
    with_area = set(places.loc[places["geometry_ref"].notna(), "place_id"])
    assert len(place_ids) == len(set(place_ids)), f"{case}: a place drawn twice on the overview"
    assert located <= set(place_ids) <= located | with_area
    precise = set(places.loc[places["geo_precision"] == 1, "place_id"])
    assert set(run.value(DOT_GIDS)) == precise & located

    # The timeline: one row per event, each drawn once (a dot or a bar).
    assert run.value("len(story.rows)") == len(events)
    assert sorted(set(event_ids)) == sorted(f"event:{e}" for e in events["event_id"])

    # The grade matrix: one count per claim (a complete case grades them all), a label on every non-empty cell.
    assert run.value("int(grades.grid.to_numpy().sum())") == len(claims)
    assert len(grade_ids) == run.value("int((grades.grid.to_numpy() > 0).sum())")

    # The copy chain: from a source that relays nobody down to the article; every box is one source.
    chain = run.value("chain.chain")
    by_id = tables["sources"].set_index("source_id")
    assert by_id.loc[chain[-1], "source_type"] == "this_article"
    assert by_id["relays_source_id"].isna()[chain[0]]
    assert len(source_ids) == len(set(source_ids)) == run.value("len(chain.nodes)")


def test_no_vague_place_is_drawn_as_a_bare_marker(workbook):
    """The course's check of honest precision (tests/test_map_precision.py's ``bare_marks``), run on the workbook's
    map: every marker at a place with geo_precision > 1 lies inside that place's tagged circle or area."""
    from test_map_precision import bare_marks

    run = workbook.run
    run.run(inspect.getsource(bare_marks))
    folder = str(paths.REPO_ROOT / workbook.case)
    report = run.value(
        f"bare_marks([place_map.figure], __import__('newslens.data').data.load_places({folder!r}), place_map.crs)"
    )
    assert report["precise_hits"] > 0, "no marker matched a place: is place_map.crs the map's CRS?"
    assert report["bare"] == []


def _blank(case: Path, table: str, id_column: str, row_id: str, columns: list[str]) -> None:
    path = case / "tables" / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row[id_column] == row_id:
            row.update(dict.fromkeys(columns, ""))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


#: The optional cells a case needs to pass ``case check`` (kept in the minimal case below); every other optional
#: cell is emptied.
KEPT = {
    "places": {"lat", "lon", "uncertainty_radius_km", "geometry_ref"},
    "events": {"report_date"},
    "sources": {"evidence_url", "evidence_date"},
    "claims": set(),
}


def test_a_case_with_only_what_case_check_requires_runs(kernel, tmp_path, capsys):
    """Practice case B with every optional cell emptied except those ``case check`` requires (no relay chain, no
    evidence quotes, no event of any claim, no notes): the check passes, and the workbook draws all four figures."""
    from newslens.casekit.check import run as check_case
    from newslens.data import schema_fields

    minimal = tmp_path / "minimal_case"
    shutil.copytree(paths.REPO_ROOT / "cases" / "practice_b", minimal)
    for table, kept in KEPT.items():
        optional = [
            f["name"]
            for f in schema_fields(table, minimal)
            if not f.get("constraints", {}).get("required") and f["name"] not in kept
        ]
        path = minimal / "tables" / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            row.update(dict.fromkeys(optional, ""))
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    assert check_case(minimal) == 0, capsys.readouterr().out
    result = _rerun(kernel, str(minimal))
    assert result.figures_shown == 4
    assert result.contrast_failures == []
    assert "did NOT load" not in result.printed
    assert result.run.value("chain.chain") == ["article"]


def test_a_draft_case_runs_with_notes_instead_of_errors(kernel, tmp_path):
    """Practice case A with two gaps a draft has: Nampo without coordinates, claim c05 without its grade (a required
    cell, so claims.csv does not load). The workbook still runs: the map leaves Nampo out and says so, the grade
    matrix says it cannot be drawn, the rest is as before."""
    draft = tmp_path / "draft_case"
    shutil.copytree(paths.REPO_ROOT / "cases" / "practice_a", draft)
    _blank(draft, "places", "place_id", "nampo", ["lat", "lon"])
    _blank(draft, "claims", "claim_id", "c05", ["credibility"])
    draft_case = _rerun(kernel, str(draft), check_contrast=False)
    run, printed = draft_case.run, draft_case.printed
    assert "Note: nampo is not on the map: no coordinates and no area." in printed
    assert "claims: did NOT load" in printed
    assert "Note: the claims table of" in printed and "did not load" in printed
    assert "case check" in printed  # where to find the whole list
    drawn = _gids(run, "place_map.figure", "place:")
    assert "place:nampo" not in drawn and "place:pyongyang" in drawn
    assert run.value("grades.figure is None")
    assert run.value("[x.figure is not None for x in (place_map, story, chain)]") == [True, True, True]
    assert run.value("len(story.rows)") == 15  # practice case A's events, all still there


def test_a_case_just_drafted_by_case_new_runs_with_notes(kernel, tmp_path):
    """The README's step 3 before step 2 is done: the workbook on a case ``case new`` has just drafted (practice
    case B's article) runs, says the case is not complete and where to find the list, and draws what it can."""
    from newslens.casekit.draft import new_case

    article = paths.REPO_ROOT / "cases" / "practice_b" / "article" / "en.txt"
    made = new_case(article, lang="en", anchor="2024-12-06", name="drafted", root=tmp_path)
    drafted = _rerun(kernel, str(made.folder), check_contrast=False)
    assert "Note: this case is not complete" in drafted.printed
    assert "python -m newslens case check" in drafted.printed
    assert drafted.run.value("place_map.figure is not None and story.figure is not None")
    events = load_all(made.folder)["events"]
    assert drafted.run.value("len(story.rows)") == len(events)
