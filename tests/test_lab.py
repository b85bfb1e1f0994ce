"""The lateral-reading lab answers searches offline, and what a student finds through it matches the case's tables.

Expected values come from the four tables of each case, never from newslens.lab:
- a claim's earliest report is ``events.report_date`` of the claim's event;
- its number of independent origins follows from its grade, the course's rule for grades (data/README.md,
  "Admiralty grades"): a claim graded 2, 3 or 4 is not confirmed by a report of a different origin, so its pages
  share one origin; a claim graded 1 is, so it has two or more, and for the course's own claims graded 1 exactly
  the origins that tests/test_data_integrity.py classifies (CONFIRMED_CLAIM_ORIGINS). Claims graded 5 or 6 (their
  pages may contradict them) are only required to have an origin.
"""

from __future__ import annotations

import html
import sqlite3
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from test_data_integrity import CONFIRMED_CLAIM_ORIGINS

from newslens import lab, paths
from newslens.data import load_all, load_corpus

CASES_DIR = paths.REPO_ROOT / "cases"
# The course's case (None) and every case folder that has its corpus.
CASES: list[Path | None] = [None] + sorted(
    p for p in CASES_DIR.glob("*") if (p / "datapackage.json").is_file() and (p / "tables/search_results.csv").is_file()
)
IDS = ["course" if c is None else c.name for c in CASES]


def _claims_with_results(case: Path | None) -> list[str]:
    results = load_corpus(case)["search_results"]
    ids = {c.strip() for value in results["claim_ids"].dropna() for c in str(value).split(";") if c.strip()}
    return sorted(ids)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_searches_answer_offline(case):
    # The suite runs with sockets disabled except to localhost (pyproject's pytest-socket options): no network here.
    titles = load_corpus(case)["search_results"]["title"]
    word = max(str(titles.iloc[0]).split(), key=len)
    found = lab.search(word, case=case)
    assert list(found.columns) == list(lab.RESULT_COLUMNS)
    assert len(found) >= 1 and found["rank"].tolist() == list(range(1, len(found) + 1))
    assert found["published"].str.fullmatch(r"\d{4}-\d{2}-\d{2}|undated").all()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_claim_the_corpus_bears_on_exists(case):
    claims = set(load_all(case, judgements=True)["claims"]["claim_id"])
    assert set(_claims_with_results(case)) <= claims


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_earliest_report_found_through_the_lab_is_the_events_report_date(case):
    tables = load_all(case, judgements=True)
    claims = tables["claims"].set_index("claim_id")
    report_dates = tables["events"].set_index("event_id")["report_date"]
    checked, wrong = 0, []
    for claim_id in _claims_with_results(case):
        event_id = claims.loc[claim_id, "event_id"]
        if pd.isna(event_id) or pd.isna(report_dates[event_id]):
            continue  # the tables give no report date to compare with
        found = lab.earliest_report(claim_id, case=case)
        checked += 1
        if found != report_dates[event_id]:
            wrong.append(f"{claim_id}: lab {found}, events.report_date of {event_id} {report_dates[event_id].date()}")
    assert checked, "no claim of this case has both results and a report date"
    assert not wrong, "\n".join(wrong)


def _expected_origins(claim_id: str, credibility: int, case: Path | None) -> tuple[int, int | None]:
    """(at least, at most) independent origins the tables imply for a claim; None = no upper bound."""
    if credibility == 1:
        if case is None and claim_id in CONFIRMED_CLAIM_ORIGINS:
            exact = len(set(CONFIRMED_CLAIM_ORIGINS[claim_id].values()))
            return exact, exact
        return 2, None
    if credibility in (2, 3, 4):
        return 1, 1
    return 1, None


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_independent_origins_found_through_the_lab_match_the_grades(case):
    claims = load_all(case, judgements=True)["claims"].set_index("claim_id")
    wrong = []
    for claim_id in _claims_with_results(case):
        origins = lab.independent_origins(claim_id, case=case)
        low, high = _expected_origins(claim_id, int(claims.loc[claim_id, "credibility"]), case)
        if len(origins) < low or (high is not None and len(origins) > high):
            wrong.append(
                f"{claim_id} (graded {claims.loc[claim_id, 'credibility']}): {len(origins)} origins "
                f"{list(origins.index)}, expected {low}" + ("" if high == low else f" to {high or 'any'}")
            )
    assert not wrong, "\n".join(wrong)


def test_the_course_claims_graded_1_keep_their_classified_origins():
    # c25 (the 2024 troop figure): the NIS, the Pentagon, the Russian General Staff and North Korea itself.
    origins = lab.independent_origins("c25")
    assert len(origins) == len(set(CONFIRMED_CLAIM_ORIGINS["c25"].values())) == 4
    assert lab.earliest_report("c25") == pd.Timestamp("2024-10-18")
    # The Putin letter's pages are copies of KCNA's publication of 25 Dec 2025: one origin, however many sites.
    letter = lab.independent_origins("c23")
    assert len(letter) == 1 and letter["pages"].iloc[0] >= 3


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_an_exact_title_ranks_first(case):
    results = load_corpus(case)["search_results"]
    wrong = []
    for result_id, title in zip(results["result_id"], results["title"], strict=True):
        top = lab.search(f'"{title.replace(chr(34), "")}"', case=case, limit=3)
        if top.empty or top["title"].iloc[0] != title:
            wrong.append(f"{result_id}: searching its title {title!r} ranks {top['title'].tolist()[:1]} first")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_page_of_a_claim_is_found_by_a_search(case):
    for claim_id in _claims_with_results(case):
        for row in lab.results_for_claim(claim_id, case=case).itertuples(index=False):
            found = lab.search(str(row.title), case=case, limit=30)
            assert row.result_id in set(found["result_id"]), f"{claim_id}: {row.result_id} is not found by its title"


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def test_accents_do_not_matter():
    # r26's title has 'verità'; a student typing 'verita' (or 'VERITA') finds it, and the accented form too.
    for query in ("verita", "VERITA", "verità"):
        assert "r26" in set(lab.search(query)["result_id"]), query


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_accented_words_are_found_without_their_accents(case):
    results = load_corpus(case)["search_results"]
    words = {w.strip(".,:;'’\"()") for text in results["title"] for w in str(text).split()}
    accented = sorted(w for w in words if w and _strip_accents(w) != w and w.isalpha())
    if not accented:
        pytest.skip("no accented word in this case's titles")
    for word in accented[:5]:
        plain = _strip_accents(word)
        with_accent = set(lab.search(word, case=case)["result_id"])
        assert with_accent and with_accent == set(lab.search(plain, case=case)["result_id"]), word


MALFORMED = [
    '"unbalanced',
    'kim "sea of',
    "NEAR(kim putin)",
    "title:kim",
    "^kim",
    "(kim",
    "kim)",
    "kim AND",
    "kim OR",
    "OR kim",
    "NOT kim",
    "kim NOT",
    "-kim",
    "kim*",
    "*",
    '""',
    "'",
    "kim + putin",
    "{title summary}: kim",
    "kim;DROP TABLE pages",
    "\x00",
]


@pytest.mark.parametrize("query", MALFORMED)
def test_a_malformed_query_is_a_clear_lab_error_or_is_searched_as_text(query):
    try:
        found = lab.search(query)
    except lab.LabError as err:
        assert str(err) and "sqlite" not in str(err).lower(), str(err)
    except sqlite3.Error as err:  # pragma: no cover - the failure this test guards against
        pytest.fail(f"{query!r} raised a raw sqlite3 error: {err}")
    else:
        assert list(found.columns) == list(lab.RESULT_COLUMNS)
    assert lab.search("Kim")["rank"].iloc[0] == 1  # the index survives every query


def test_an_unbalanced_quote_says_how_to_fix_it():
    with pytest.raises(lab.LabError, match="unbalanced quotation mark"):
        lab.search('"Sea of Japan')


def test_unknown_claims_cases_sites_and_results_are_lab_errors():
    with pytest.raises(lab.LabError, match="no claim"):
        lab.results_for_claim("c99")
    with pytest.raises(lab.LabError, match="no case"):
        lab.search("kim", case="no_such_case")
    with pytest.raises(lab.LabError, match="no profile"):
        lab.site_profile("example.org")
    with pytest.raises(lab.LabError, match="no result"):
        lab.open_page("r999")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_site_has_a_profile_and_every_page_opens(case):
    results = load_corpus(case)["search_results"]
    for row in results.itertuples(index=False):
        page = lab.open_page(row.result_id, case=case)
        assert page["url"] == row.url
        assert lab.site_profile(f"https://www.{row.site}/x", case=case)["name"]


def test_site_filter_keeps_one_site():
    found = lab.search("Kim site:koreajoongangdaily.joins.com")
    assert len(found) >= 2 and set(found["site"]) == {"koreajoongangdaily.joins.com"}


def test_search_results_withhold_the_answer_key():
    # A search page shows titles, sites, dates and snippets: not how the course classified the page.
    found = lab.search("Kim")
    assert not {"origin_id", "record_kind", "claim_ids", "notes"} & set(found.columns)


def test_rendered_results_mark_the_match_and_escape_html():
    found = lab.search("invincible friendship")
    page = lab.render_results(found)
    assert "<mark " in page and html.escape(found["title"].iloc[0]) in page
    assert "<style" not in page, "inline styles only: a <style> element is invalid inside a handout's body"
    hostile = found.head(1).assign(title="<script>alert(1)</script>", site="<b>x</b>")
    hostile.attrs["query"] = "invincible"
    escaped = lab.render_results(hostile)
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped and "&lt;b&gt;x&lt;/b&gt;" in escaped


def test_the_search_widget_shows_results_and_opens_a_page_with_its_site_profile():
    pytest.importorskip("ipywidgets")
    widget = lab.search_widget(value="Putin invincible")
    assert "nl-result" in widget.results.value and "<mark " in widget.results.value
    widget.box.value = '"unbalanced'
    assert "unbalanced quotation mark" in widget.results.value
    widget.box.value = "Putin invincible"
    first = widget.opener.options[1][1]
    widget.opener.value = first
    assert "Track record" in widget.page.value and html.escape(lab.open_page(first)["relies_on"]) in widget.page.value
