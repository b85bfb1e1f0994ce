"""Fact-only views: the loaders withhold the course's judgements unless asked, and a notebook that loads them is caught.

The schema (``data/datapackage.json``) marks each judgement column with ``"newslens:judgement": true``; the
loaders leave those columns out by default (``judgements=False``), and announce the columns of every table they
return as the audit event ``newslens.load``, which the course's runner records in the kernel. The per-set tests in
tests/test_exercise_sets.py use that record on every exercise set (student and solution copies); here the record
itself is tested, on a notebook that does load the judgements.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import exercise_checks
import nbformat
import pytest

from newslens import paths
from newslens.data import JUDGEMENT, TABLES, judgement_columns, load_all, load_claims, load_table, schema_fields
from newslens.tools import exercises
from newslens.tools.runner import LOADED_TABLES, NotebookRun, RunOptions

#: The course's judgements, table by table: the Admiralty grades and their reasons, the distortion tags, and the
#: course's coding of how the article attributes and hedges each claim (exercise 05 asks for attribution; lesson 1
#: for the cues). The evidence a grade rests on stays in: quotes, sources, dates, relay links and their basis, and
#: the corroborating and contradicting reports with their URLs.
EXPECTED = {
    "places": [],
    "sources": ["reliability", "reliability_reason"],
    "events": [],
    "claims": ["attribution", "attribution_phrase_it", "hedges_it", "credibility", "credibility_reason", "distortion"],
}


def test_the_schema_marks_exactly_the_judgement_columns():
    assert {name: judgement_columns(name) for name in TABLES} == EXPECTED
    for name in TABLES:  # the mark is a boolean field property, nothing else
        for field in schema_fields(name):
            assert field.get(JUDGEMENT, False) in (True, False), (name, field["name"])


def test_loaders_are_fact_only_by_default_and_give_everything_when_asked():
    full, facts = load_all(judgements=True), load_all()
    for name in TABLES:
        every = [f["name"] for f in schema_fields(name)]
        assert list(full[name].columns) == every
        assert list(facts[name].columns) == [c for c in every if c not in EXPECTED[name]]
        assert facts[name].attrs["withheld_columns"] == EXPECTED[name]
        assert list(load_table(name).columns) == list(facts[name].columns)
        assert len(facts[name]) == len(full[name])
    claims = load_claims()
    with pytest.raises(KeyError):
        claims["credibility"]  # noqa: B018 - a student's lookup of the course's grade fails
    assert "corroboration" in claims and "contradiction_urls" in claims, "the evidence stays in the fact-only view"


#: On a practice case, what the course's research found is also withheld: the reports that support or
#: contradict each claim and the notes on places and events, which name the planted departures (practice_a's
#: events notes say the landing date is the NIS statement's; its contradiction cells say "not at Nampo").
RESEARCH_FINDINGS = {
    "places": ["notes"],
    "events": ["notes"],
    "claims": ["corroboration", "corroboration_urls", "contradiction", "contradiction_urls"],
}
PRACTICE_CASES = sorted(p.parent for p in (paths.REPO_ROOT / "cases").glob("*/datapackage.json"))


@pytest.mark.parametrize("case", PRACTICE_CASES, ids=[p.name for p in PRACTICE_CASES])
def test_a_practice_case_withholds_the_research_findings_too(case: Path):
    for name in TABLES:
        every = [f["name"] for f in schema_fields(name, case)]
        withheld = set(EXPECTED[name]) | set(RESEARCH_FINDINGS.get(name, []))
        facts = load_table(name, case)
        assert list(facts.columns) == [c for c in every if c not in withheld], (case.name, name)
        assert list(load_table(name, case, judgements=True).columns) == every
    # The wrong place of practice_a and the wrong signing place of practice_b are not in any fact-only cell.
    text = " ".join(load_table(name, case).astype(str).to_csv() for name in TABLES)
    assert "not at Nampo" not in text and "Moscow, not Pyongyang" not in text


def test_the_course_case_keeps_its_research_findings_in_view():
    # Lesson 5 and exercise 06 teach from the course's own lateral reading.
    for name, columns in RESEARCH_FINDINGS.items():
        assert set(columns) <= set(load_table(name).columns), name


def test_a_case_folder_cannot_forget_a_mark(data_copy: Path):
    # A case's own datapackage.json without the marks: the course's schema still withholds the same columns.
    descriptor = data_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            field.pop(JUDGEMENT, None)
    descriptor.write_text(json.dumps(package, indent=2), encoding="utf-8")
    assert "credibility" not in load_claims(data_copy)
    assert "credibility" in load_claims(data_copy, judgements=True)


def test_no_exercise_notebook_asks_the_loaders_for_judgements():
    # The static half of the guarantee (the runtime half is in tests/test_exercise_sets.py): no code cell of an
    # exercise source, student copy or solution passes the option (it is keyword-only: ``judgements=...``).
    notebooks = [
        *exercises.source_notebooks(),
        *paths.EXERCISES_DIR.glob("*.ipynb"),
        *paths.SOLUTIONS_DIR.glob("*.ipynb"),
    ]
    assert notebooks
    offenders = [
        f"{nb.relative_to(paths.REPO_ROOT)} cell {i}"
        for nb in notebooks
        for i, cell in enumerate(nbformat.read(nb, as_version=4).cells)
        if cell.cell_type == "code" and re.search(r"\bjudgements\s*=", cell.source)
    ]
    assert not offenders, f"an exercise loads the course's judgements: {offenders}"


def _run(tmp_path: Path, code: str) -> NotebookRun:
    notebook = tmp_path / "probe.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, notebook)
    return NotebookRun(notebook, RunOptions(cwd=tmp_path, timeout=60, keep_kernel=True))


@pytest.mark.slow
def test_the_audit_catches_a_notebook_that_loads_judgements(tmp_path: Path):
    code = (
        "from newslens.data import load_all, load_claims, load_sources\n"
        "facts = load_sources()\n"
        "graded = load_claims(judgements=True)\n"
        "everything = load_all(judgements=True)\n"
    )
    with _run(tmp_path, code) as session:
        loads = session.value(LOADED_TABLES)
        assert [table for table, _ in loads] == ["sources", "claims", *TABLES]
        found = exercise_checks.judgement_loads(session)
        assert found == [
            "claims: " + ", ".join(EXPECTED["claims"]),
            "sources: " + ", ".join(EXPECTED["sources"]),
            "claims: " + ", ".join(EXPECTED["claims"]),
        ]
        with pytest.raises(AssertionError, match="loads the course's judgements"):
            exercise_checks.assert_fact_only(session, "probe")


@pytest.mark.slow
def test_the_audit_passes_a_fact_only_notebook(tmp_path: Path):
    with _run(tmp_path, "from newslens.data import load_claims\nclaims = load_claims()\n") as session:
        assert session.value(LOADED_TABLES) == [["claims", list(load_claims().columns)]]
        exercise_checks.assert_fact_only(session, "probe")
