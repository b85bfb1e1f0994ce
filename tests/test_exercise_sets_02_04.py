"""Exercise sets 02-04 (mapping, timeline, sources): checks that teach.

tests/test_exercises.py already checks every set for an up-to-date generated copy, a solution that passes
all its public and hidden tests, and no solution leak. This file adds, for sets 02-04, what it checks for
its own sets: an unanswered student copy runs top to bottom and every check says "Not answered yet", and
each real student mistake listed below is rejected with the message written for it.
"""

from __future__ import annotations

import exercise_checks
import pytest

from newslens import paths
from newslens.tools import exercises

SETS = ["02_mapping_the_places", "03_charting_the_timeline", "04_evaluating_the_sources"]

#: For every auto-graded question: real student mistakes (code run after the complete notebook) and the
#: words that the check's message for that mistake must contain.
WRONG_ANSWERS: dict[str, dict[str, list[tuple[str, str]]]] = {
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
}


def _source(stem: str):
    return exercises.SOURCES_DIR / f"{stem}.ipynb"


@pytest.mark.parametrize("stem", SETS)
def test_set_has_5_to_10_questions_a_manual_one_and_wrong_answers_for_all(stem: str) -> None:
    questions = exercises.questions(_source(stem))
    assert 5 <= len(questions) <= 10, f"{stem} has {len(questions)} questions"
    assert any(q.manual for q in questions), f"{stem} has no written (manual) question"
    auto = {q.name for q in questions if not q.manual}
    assert auto == set(WRONG_ANSWERS[stem]), f"every auto-graded question of {stem} needs a wrong answer"


@pytest.mark.parametrize("stem", SETS)
def test_manual_questions_show_their_rubric(stem: str) -> None:
    for question in exercises.questions(_source(stem)):
        if question.manual:
            assert "Rubric" in question.prompt, f"{stem}/{question.name} does not show its rubric"


def _session(stem: str, folder: str, tmp_path_factory: pytest.TempPathFactory):
    # A fresh folder, as otter's grader uses: the notebooks must find data/ through newslens alone.
    return exercise_checks.executed_copy(
        paths.REPO_ROOT / folder / f"{stem}.ipynb", tmp_path_factory.mktemp(f"{folder}-{stem}")
    )


@pytest.mark.slow
@pytest.mark.parametrize("stem", SETS)
def test_unanswered_copy_runs_and_every_check_says_not_answered(
    stem: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with _session(stem, "exercises", tmp_path_factory) as session:  # raises if any cell fails
        for question in (q for q in exercises.questions(_source(stem)) if not q.manual):
            exercise_checks.assert_not_answered(session, stem, question.name)


@pytest.mark.slow
@pytest.mark.parametrize("stem", SETS)
def test_solution_passes_and_each_wrong_answer_gets_its_own_message(
    stem: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with _session(stem, "solutions", tmp_path_factory) as session:
        for question, mistakes in WRONG_ANSWERS[stem].items():
            exercise_checks.assert_solution_passes(session, stem, question)
            for wrong, words in mistakes:
                exercise_checks.assert_mistake_rejected(session, stem, question, wrong, words)
