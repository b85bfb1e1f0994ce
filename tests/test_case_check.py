"""``python -m newslens case check CASE``: finished cases pass, an incomplete copy fails and names the row.

The finished data (the course's ``data/`` and every folder of ``cases/``) must be complete: exit 0 and nothing to do.
Temporary copies of practice case A are then made incomplete one cell at a time, the way a draft is: the check
exits 1 and its to-do list names the table, the row (and its line) and the row's id. Most checks call
:func:`newslens.casekit.check.run` in this process (fast); one runs the real command line.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newslens import paths
from newslens.casekit import check

CASES = sorted(p.parent.name for p in (paths.REPO_ROOT / "cases").glob("*/datapackage.json"))


def _check(case: Path | str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = check.run(Path(case))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("case", ["data", *(f"cases/{name}" for name in CASES)])
def test_finished_cases_are_complete(case, capsys):
    status, out, _ = _check(paths.REPO_ROOT / case, capsys)
    assert status == 0, out
    assert "To do: nothing is missing." in out
    assert "Valid: every table loads" in out


def test_relative_case_paths_are_read_from_the_course_too(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # nothing called cases/ here: the course's folder is tried next
    status, out, _ = _check("cases/practice_b", capsys)
    assert status == 0, out


def _copy_case(tmp_path: Path, name: str = "practice_a") -> Path:
    copy = tmp_path / name
    shutil.copytree(paths.REPO_ROOT / "cases" / name, copy)
    return copy


def _blank(case: Path, table: str, row_id: str, columns: list[str]) -> int:
    """Empty ``columns`` in the row of ``table`` whose id is ``row_id``; return its 1-based row number."""
    path = case / "tables" / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    id_column = check.ID_COLUMNS[table]
    number = next(i for i, r in enumerate(rows, start=1) if r[id_column] == row_id)
    for column in columns:
        assert rows[number - 1][column], f"{table}.{column} of {row_id} is already empty: pick another row"
        rows[number - 1][column] = ""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return number


# (table, row id, columns blanked, words the to-do line must hold). Practice case A's rows: Nampo is a city with
# exact coordinates; NIS's statement of 18 Oct 2024 has a report date and a dated evidence link; claim c05 is
# Russia's; the NIS is a source with a URL and date.
INCOMPLETE = {
    "place_without_coordinates": ("places", "nampo", ["lat", "lon"], "no coordinates"),
    "place_without_longitude": ("places", "nampo", ["lon"], "no coordinates"),
    "event_without_any_report_date": (
        "events",
        "nis_statement_2024_10_18",
        ["report_date", "evidence_url", "evidence_date"],
        "no report date",
    ),
    "claim_without_source": ("claims", "c05", ["source_id"], "no source"),
    "claim_without_grade": ("claims", "c05", ["credibility"], "no grade"),
    "claim_without_reason": ("claims", "c05", ["credibility_reason"], "no reason for its grade"),
    "source_without_url": ("sources", "nis", ["evidence_url"], "no URL"),
    "source_without_url_and_date": ("sources", "nis", ["evidence_url", "evidence_date"], "no URL and date"),
}


@pytest.mark.parametrize("kind", sorted(INCOMPLETE))
def test_an_incomplete_copy_fails_and_the_todo_names_the_row(kind, tmp_path, capsys):
    table, row_id, columns, words = INCOMPLETE[kind]
    case = _copy_case(tmp_path)
    number = _blank(case, table, row_id, columns)
    status, out, _ = _check(case, capsys)
    assert status == 1, out
    todo_lines = [line.strip() for line in out.splitlines() if line.strip().startswith("[ ]")]
    expected = f"[ ] row {number} (line {number + 1}) {row_id}: {words}"
    assert any(line.startswith(expected) for line in todo_lines), f"no to-do {expected!r} in:\n{out}"
    assert len(todo_lines) == 1, out  # the one row, nothing else
    assert f"  tables/{table}.csv\n" in out
    assert "Not complete" in out


def test_an_event_with_only_a_dated_evidence_report_is_complete(tmp_path, capsys):
    """The course's own data has events whose first report cannot be dated (their notes say why); a dated
    report of the event (evidence_url and evidence_date) stands in for report_date."""
    case = _copy_case(tmp_path)
    _blank(case, "events", "nis_statement_2024_10_18", ["report_date"])
    status, out, _ = _check(case, capsys)
    assert status == 0, out


def test_required_cells_left_empty_are_also_printed_as_the_loaders_word_them(tmp_path, capsys):
    case = _copy_case(tmp_path)
    number = _blank(case, "claims", "c05", ["source_id"])
    status, out, _ = _check(case, capsys)
    assert status == 1
    assert "Not valid: 1 file(s) do not load" in out
    assert f"row {number} (line {number + 1}), column 'source_id': a value is required here" in out


def test_an_undisclosed_place_needs_no_coordinates_but_a_vague_one_needs_its_vagueness(tmp_path, capsys):
    case = _copy_case(tmp_path)
    # Chongjin (geo_precision 2, 20 km): without its radius the map could only draw a bare point.
    number = _blank(case, "places", "chongjin", ["uncertainty_radius_km"])
    status, out, _ = _check(case, capsys)
    assert status == 1
    assert f"row {number} (line {number + 1}) chongjin: geo_precision 2 with neither a radius nor an area" in out


def test_draft_rows_are_listed(tmp_path, capsys):
    """A case drafted by ``case new`` marks rows ``status = draft``; the check lists each until a person checks it.
    The column is added here to a copy if the schema does not have it yet (the check reads cells, not the schema)."""
    case = _copy_case(tmp_path)
    path = case / "tables" / "places.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0]) if "status" in rows[0] else [*rows[0], "status"]
    for row in rows:
        row["status"] = "checked"
    rows[2]["status"] = "draft"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    status, out, _ = _check(case, capsys)
    assert status == 1
    assert f"[ ] row 3 (line 4) {rows[2]['place_id']}: still a draft (status = draft)" in out


def test_a_table_that_does_not_load_is_reported_with_the_tables_that_refer_to_it(tmp_path, capsys):
    case = _copy_case(tmp_path)
    places = case / "tables" / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace(",city,", ",town,", 1), encoding="utf-8")
    status, out, _ = _check(case, capsys)
    assert status == 1
    assert "places.csv: 1 problem(s) found" in out
    assert "'town' is not an allowed value" in out
    assert "tables/events.csv was not checked: it refers to" in out


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda tmp: tmp / "missing", "no such folder"),
        (lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt", "not a folder"),
        (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "not a case, it has no datapackage.json"),
    ],
    ids=["missing", "a_file", "no_datapackage"],
)
def test_not_a_case_is_a_usage_error(make, words, tmp_path, capsys):
    status, out, err = _check(make(tmp_path), capsys)
    assert status == 2
    assert words in err and "case new" in err
    assert out == ""


def test_the_command_line(tmp_path):
    """The real command: exit 0 on a finished case, 1 on an incomplete one, 2 on a folder that is no case."""

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "newslens", "case", "check", *args],
            cwd=paths.REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert cli("cases/practice_b").returncode == 0
    case = _copy_case(tmp_path, "practice_b")
    _blank(case, "sources", "kcna", ["evidence_url", "evidence_date"])
    incomplete = cli(str(case))
    assert incomplete.returncode == 1, incomplete.stdout + incomplete.stderr
    assert "kcna: no URL and date" in incomplete.stdout
    assert cli(str(tmp_path / "nowhere")).returncode == 2


def test_a_case_drafted_by_case_new_loads_and_lists_every_drafted_row(tmp_path, capsys):
    """Step 1 of the README's three: ``case new`` drafts a case that loads but is not complete. Every row that
    draft/rows.csv marks ``status = draft`` is on the to-do list until a person sets ``checked``."""
    from newslens.casekit.draft import new_case

    article = paths.REPO_ROOT / "cases" / "practice_b" / "article" / "en.txt"
    made = new_case(article, lang="en", anchor="2024-12-06", name="drafted", root=tmp_path)
    status, out, _ = _check(made.folder, capsys)
    assert status == 1
    assert "Valid: every table loads" in out
    marks = made.folder / "draft" / "rows.csv"
    with marks.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    drafted = [r for r in rows if r["status"] == "draft"]
    assert drafted and len(drafted) == out.count(": still a draft (draft/rows.csv line ")
    for row in drafted:
        assert f" {row['row_id']}: still a draft" in out

    for row in rows:
        row["status"] = "checked"
    with marks.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    _, out, _ = _check(made.folder, capsys)
    assert "still a draft" not in out
