"""Every exercise set, checked alike: the checks teach.

The sets are the lessons of ``course.toml`` that name an ``exercise``; the questions of a set are read from
its source notebook with ``newslens.tools.exercises.questions``. For each set: the blank student copy runs
top to bottom and every auto-graded check says "Not answered yet"; the solution copy passes every check; and
each real student mistake planted in ``MISTAKES`` fails its check with the feedback written for it.

tests/test_exercises.py checks what is not per set (generated copies up to date, no solution leak, the
``make start`` workspace). Executing a notebook is the slow part, so each copy of each set runs once per
session, in a module-scoped fixture parametrised by set (all the executions stay in this one module, so
``pytest -n 2 --dist loadfile`` never runs them twice).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import exercise_checks
import pytest

from newslens import paths
from newslens.tools import exercises
from newslens.tools.handouts.course import Handout, load_course
from newslens.tools.runner import NotebookRun

COURSE = load_course(paths.REPO_ROOT / "course.toml")
#: The student copy and the solution copy of every set, by set name, in course order.
STUDENT: dict[str, Handout] = {h.name: h for h in COURSE.handouts["exercises"]}
SOLUTION: dict[str, Handout] = {h.name: h for h in COURSE.handouts["solutions"]}
SETS: list[str] = list(STUDENT)

#: Real student mistakes, by set and auto-graded question: code run after the complete (solution) notebook,
#: and words that the check's message for that mistake must contain.
MISTAKES: dict[str, dict[str, list[tuple[str, str]]]] = {
    "01_reading_the_article": {
        "q1_structure": [("n_paragraphs = len(text.splitlines())\nn_headings = 5", "counted every line")],
        "q2_cue_counts": [("cue_counts = pd.Series({c: text.count(c) for c in CUES})", "case-sensitive")],
        "q3_cue_signals": [("cue_signals = {**cue_signals, 'potrebbero': 'attribution'}", "conditional verb")],
        "q4_entities": [
            (
                "entities = load_places()[['name_it']].rename(columns={'name_it': 'entity'}).assign(kind='place')",
                "never appear in the article",
            )
        ],
        "q5_figures": [("troops_figure = float('10.000')", "ten thousand")],
        "q6_not_stated": [("stated = {**stated, 'publication_date': True}", "date earlier events")],
        "q7_lead_5w1h": [("lead_5w1h = {**lead_5w1h, 'where': 'Pyongyang'}", "metonym")],
    },
    "02_mapping_the_places": {
        "q1_geodataframe": [
            (
                "places_gdf = gpd.GeoDataFrame(places, geometry=gpd.points_from_xy(places['lon'], places['lat']),"
                " crs='EPSG:4326')",
                "without coordinates",
            ),
            (
                "places_gdf = places_gdf.set_geometry(gpd.points_from_xy(places_gdf['lat'], places_gdf['lon'],"
                " crs='EPSG:4326'))",
                "swapped",
            ),
            (
                "places_gdf = gpd.GeoDataFrame(places_gdf.drop(columns='geometry'),"
                " geometry=gpd.points_from_xy(places_gdf['lon'], places_gdf['lat']))",
                "has no CRS",
            ),
        ],
        "q2_geodesic": [
            (
                "pyongyang_kursk_km = geod.inv(pyongyang['lat'], pyongyang['lon'], kursk['lat'], kursk['lon'])[2]"
                " / 1000",
                "latitude first",
            ),
            ("pyongyang_kursk_km = metres", "distance in metres"),
        ],
        "q3_planar": [
            (
                "planar_km = float(((kursk['lon'] - pyongyang['lon']) ** 2"
                " + (kursk['lat'] - pyongyang['lat']) ** 2) ** 0.5)",
                "distance in degrees",
            ),
            ("planar_error_pct = 100 * (planar_km - pyongyang_kursk_km) / planar_km", "divided by the planar"),
        ],
        "q4_projection": [("korea_projection = 'A'", "web tiles"), ("korea_projection = 'E'", "centred on Europe")],
        "q6_draw_as": [
            (
                "draw_as = pd.Series(['point' if pd.notna(x) else 'area' for x in places['lat']],"
                " index=places['place_id'])",
                "representative point",
            ),
            ("draw_as = draw_as.replace('circle', 'point')", "a bare dot claims a precision"),
        ],
        "q7_area": [
            ("kursk_area_km2 = kursk_region.area.iloc[0]", "square degrees"),
            ("kursk_area_km2 = kursk_region.to_crs('EPSG:3857').area.iloc[0] / 1e6", "inflates areas"),
        ],
        "q8_sea_label": [("sea_label = 'Sea of Japan'", "disputed"), ("sea_label = 'East Sea'", "Korean side")],
    },
    "03_charting_the_timeline": {
        "q1_last_week": [
            (
                "last_week_start, last_week_end = anchor - pd.Timedelta(days=7), anchor - pd.Timedelta(days=1)",
                "seven days before the anchor",
            ),
            (
                "last_week_start, last_week_end = pd.Timestamp('2025-12-14'), pd.Timestamp('2025-12-20')",
                "starts on a Sunday",
            ),
        ],
        "q2_moving_anchor": [
            ("last_true_day = letter_sent + pd.Timedelta(days=7)", "Seven days after sending"),
            (
                "def last_week(anchor):\n    return anchor - pd.Timedelta(days=7), anchor - pd.Timedelta(days=1)",
                "seven days before the anchor",
            ),
        ],
        "q3_next_year": [
            (
                "plan_start, plan_end = plan_anchor + pd.Timedelta(days=1), plan_anchor + pd.Timedelta(days=365)",
                "twelve months after the anchor",
            ),
            ("plan_start, plan_end = pd.Timestamp('2025-01-01'), pd.Timestamp('2025-12-31')", "quest'anno"),
        ],
        "q4_report_order": [("first_reported = 'munitions_visit'", "the article's order")],
        "q5_pub_window": [
            ("pub_earliest = pd.Timestamp('2025-12-18')", "cannot have been written before"),
            ("pub_latest = pd.Timestamp('2026-01-05')", "closes by"),
        ],
        "q6_precision": [
            ("computed_precision = (width_days + 1).map(precision_code).set_axis(events['event_id'])", "inclusively"),
            (
                "def precision_code(width_days):\n    return 1 if width_days == 0 else 2 if width_days <= 7 else 3 "
                "if width_days <= 30 else 4",
                "1 to 13 days",
            ),
        ],
        "q7_timeline": [
            (
                "fig, ax = plt.subplots()\nax.barh(events['event_id'], events['event_end'] - events['event_start']"
                " + pd.Timedelta(days=1), left=events['event_start'])\nax.set_xlabel('Date')\nax.set_title('All')",
                "You drew all",
            ),
            (
                "fig, ax = plt.subplots()\nax.barh(shown['event_id'], shown['event_end'] - shown['event_start'],"
                " left=shown['event_start'])\nax.set_xlabel('Date')\nax.set_title('Zero')",
                "zero width",
            ),
        ],
    },
    "04_evaluating_the_sources": {
        "q1_claims_by_type": [
            (
                "claims_by_type = sources.groupby('source_type').size().sort_values(ascending=False)",
                "counted the sources",
            ),
            ("claims_by_type = claims.groupby('source_id').size()", "source ids"),
        ],
        "q2_attribution": [
            ("attribution = {**attribution, 'c04': 'named'}", "no name, no institution"),
            ("attribution = {**attribution, 'c13': 'named'}", "no attribution of its own"),
        ],
        "q3_origin": [
            (
                "def origin(source_id):\n    nxt = relays[source_id]\n    return source_id if pd.isna(nxt) else nxt",
                "the first link only",
            ),
            ("article_chain = article_chain[::-1]", "reversed"),
        ],
        "q4_admiralty": [
            ("c25_reliability = 'F'", "no track record"),
            ("c25_credibility = 5", "out of date"),
            ("c25_reliability = 'B1'", "letter alone"),
        ],
        "q5_planet_labs": [("image_analyst = 'planet_labs'", "satellite-imagery company")],
        "q6_outdated": [("c25_distortion = 'unsupported'", "newer figures existed")],
        "q7_grade_matrix": [
            ("grade_matrix = pd.crosstab(graded['credibility'], graded['source_type'])", "swapped"),
            ("grade_matrix = pd.crosstab(graded['source_type'], graded['credibility'], margins=True)", "margins=True"),
        ],
    },
    "05_putting_it_together": {
        "q1_claims_per_event": [
            ("claims_per_event = load_claims()['event_id'].value_counts()", "left out the claims"),
        ],
        "q2_weak_claims": [
            ("weak_claims = sorted(load_claims().query('credibility <= 3')['claim_id'])", "the other way round"),
        ],
        "q3_claims_by_place": [("claims_by_place = load_events()['place_id'].value_counts()", "counted events")],
        "q4_brief": [
            (
                "brief = 'North Korea sends weapons to Russia. Kim visited factories. Putin wrote to Kim.'",
                "No sentence cites a claim",
            )
        ],
    },
}


def _questions(stem: str) -> list[exercises.Question]:
    return exercises.questions(exercises.SOURCES_DIR / f"{stem}.ipynb")


def _auto_graded(stem: str) -> list[str]:
    return [q.name for q in _questions(stem) if not q.manual]


def test_course_lists_every_exercise_source_and_the_table_names_only_its_sets() -> None:
    assert SETS, "course.toml names no exercise set"
    assert sorted(SETS) == sorted(p.stem for p in exercises.source_notebooks()), (
        "course.toml's exercises differ from the exercise sources"
    )
    assert set(SOLUTION) == set(STUDENT)
    assert set(MISTAKES) <= set(SETS), (
        f"mistakes planted for sets the course does not list: {set(MISTAKES) - set(SETS)}"
    )


@pytest.mark.parametrize("stem", SETS)
def test_set_has_5_to_10_questions_and_a_manual_one(stem: str) -> None:
    questions = _questions(stem)
    assert 5 <= len(questions) <= 10, f"{stem} has {len(questions)} questions"
    assert any(q.manual for q in questions), f"{stem} has no written (manual) question"


@pytest.mark.parametrize("stem", SETS)
def test_every_auto_graded_question_has_a_planted_mistake(stem: str) -> None:
    auto = set(_auto_graded(stem))
    assert auto == set(MISTAKES.get(stem, {})), f"every auto-graded question of {stem} needs a wrong answer"


@pytest.mark.parametrize("stem", SETS)
def test_manual_questions_show_their_rubric(stem: str) -> None:
    for question in _questions(stem):
        if question.manual:
            assert "Rubric" in question.prompt, f"{stem}/{question.name} does not show its rubric"


def _executed(handout: Handout, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, NotebookRun]]:
    # A fresh folder, as otter's grader uses: the notebooks must find data/ through newslens alone.
    work = tmp_path_factory.mktemp(f"{handout.set}-{handout.name}")
    with exercise_checks.executed_copy(Path(handout.source), work) as session:  # raises if any cell fails
        yield handout.name, session


@pytest.fixture(scope="module", params=SETS)
def blank(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The student copy of a set, executed top to bottom once (its kernel kept for the checks)."""
    yield from _executed(STUDENT[request.param], tmp_path_factory)


@pytest.fixture(scope="module", params=SETS)
def solved(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The complete (solution) copy of a set, executed top to bottom once (its kernel kept for the checks)."""
    yield from _executed(SOLUTION[request.param], tmp_path_factory)


@pytest.mark.slow
def test_blank_copy_runs_and_every_check_says_not_answered(blank) -> None:
    stem, session = blank
    for question in _auto_graded(stem):
        exercise_checks.assert_not_answered(session, stem, question)


@pytest.mark.slow
def test_solution_passes_every_check(solved) -> None:
    stem, session = solved
    for question in _auto_graded(stem):
        exercise_checks.assert_solution_passes(session, stem, question)


@pytest.mark.slow
def test_each_planted_mistake_fails_with_its_own_message(solved) -> None:
    stem, session = solved
    if not MISTAKES.get(stem):
        pytest.skip(f"no planted mistakes for {stem} yet")
    failures = []
    for question, mistakes in MISTAKES[stem].items():
        for wrong, words in mistakes:
            try:
                exercise_checks.assert_mistake_rejected(session, stem, question, wrong, words)
            except AssertionError as err:  # report every mistake that slips through, not only the first
                failures.append(str(err))
    assert not failures, "\n\n".join(failures)
