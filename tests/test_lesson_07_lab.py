"""Lesson 7 (The lateral-reading lab): judge first, search, read a results page, open profiles, count origins.

The notebook runs once in a fresh kernel (module fixture). Expected results are re-derived here: searches through
newslens.lab, dates and grades from the course's tables, the practice case from its folder.
"""

from __future__ import annotations

import lesson_checks as checks
import nbformat
import pandas as pd
import pytest

from newslens import lab, paths
from newslens.data import load_events

NOTEBOOK = paths.NOTEBOOKS_DIR / "07_the_lateral_reading_lab.ipynb"
PRACTICE_A = paths.REPO_ROOT / "cases" / "practice_a"

pytestmark = pytest.mark.slow

KEY_TABLES = {
    "results": "results[['result_id', 'published']].to_dict('records')",
    "origins": "origins.reset_index()[['origin_id', 'pages']].to_dict('records')",
    "opened": "opened.index.tolist()",
}


@pytest.fixture(scope="module")
def session():
    yield from checks.run_lesson(NOTEBOOK)


def test_runs_in_a_fresh_kernel_within_budget(session):
    checks.assert_ran_without_errors(session)


def test_the_student_judges_the_claim_before_the_first_search():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    judge = next(i for i, source in enumerate(code) if "my_judgement" in source)
    first_search = next(i for i, source in enumerate(code) if "search(" in source and "import" not in source)
    assert judge < first_search, "the judgement prompt must come before any search"
    prompt = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "Before you search, write down your judgement" in prompt
    assert "who is behind" in code[judge] and "what I expect to find" in code[judge]


def test_the_results_table_is_the_labs_search(session):
    expected = lab.search("North Korean soldiers Russia")
    got = pd.DataFrame(session.value("results[['result_id', 'title', 'published', 'rank']].to_dict('records')"))
    assert got.to_dict("records") == expected[["result_id", "title", "published", "rank"]].to_dict("records")


def test_pandas_filters_sort_the_results_page(session):
    results = lab.search("North Korean soldiers Russia")
    assert (
        session.value("undated['result_id'].tolist()")
        == results.loc[results["published"] == "undated", "result_id"].tolist()
    )
    dated = session.value("dated['published'].tolist()")
    assert dated == sorted(dated) and "undated" not in dated


def test_site_profiles_cover_every_site_of_the_results(session):
    results = lab.search("North Korean soldiers Russia")
    assert sorted(session.value("profiles['name'].tolist()")) == sorted(
        lab.site_profile(site)["name"] for site in results["site"].unique()
    )


def test_opened_pages_are_the_chosen_results_and_origins_match_the_tables(session):
    troop = lab.search("soldier* OR troop*", limit=30)
    opened = session.value("opened.index.tolist()")
    assert opened and set(opened) <= set(troop["result_id"])
    titles = troop.set_index("result_id").loc[opened, "title"]
    assert not titles.str.contains("New Year|message|missile", case=False).any()
    assert session.value("len(origins)") == len(lab.independent_origins("c25")) == 4
    report_date = load_events().set_index("event_id").loc["troops_deployment_2024", "report_date"]
    assert session.value("str(first_found.date())") == str(report_date.date()) == "2024-10-18"
    assert session.value("letter_pages['origin_id'].nunique()") == 1


def test_the_search_widget_renders_a_results_page(session):
    html = session.value("lab.results.value")
    assert "nl-result" in html and "<mark " in html
    session.run("lab.box.value = 'Seoul spy agency'")
    assert "anews.com.tr" in session.value("lab.results.value")


def test_the_practice_case_section_runs_on_whatever_is_installed(session):
    installed = (PRACTICE_A / "tables" / "search_results.csv").is_file()
    assert session.value("practice_lab is not None") == installed
    if installed:
        assert "nl-result" in session.value("practice_lab.results.value")


def test_reruns_identically(session):
    checks.assert_reruns_identically(session, KEY_TABLES)


def test_notebook_has_its_sections_and_no_stored_outputs():
    # The lab has no exercise set of its own: its closing links to lesson 5's exercises (lateral reading).
    lesson = checks.course_entry(NOTEBOOK)
    checks.assert_opening_and_closing(
        NOTEBOOK,
        int(lesson.lesson_id),
        lesson.title,
        lesson.minutes,
        "../exercises/05_evaluating_the_sources.ipynb",
        next_link=lesson.next.source.name if lesson.next else None,
    )
    checks.assert_no_stored_outputs_nor_bench_cells(NOTEBOOK)


def test_try_it_challenges(session):
    checks.assert_try_it_challenges_work(session, NOTEBOOK, "07")
