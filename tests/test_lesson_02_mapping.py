"""Lesson 2 (Mapping the places): its GeoDataFrame, its marks for each place and its maps agree with the data.

The distances, the projections and the projection picker moved to lesson 3 (tests/test_lesson_03_distances.py).

The notebook runs once in a fresh kernel (module fixture). Each test then reads what the kernel computed and
checks it against the places table, the basemap layers and pyproj, computed here independently.
"""

from __future__ import annotations

import math

import lesson_checks as checks
import numpy as np
import pytest
from pyproj import Geod

from newslens import paths
from newslens.data import load_places
from newslens.geo import area_for

NOTEBOOK = paths.NOTEBOOKS_DIR / "02_mapping_the_places.ipynb"
GEOD = Geod(ellps="WGS84")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def session():
    yield from checks.run_lesson(NOTEBOOK)


@pytest.fixture(scope="module")
def places():
    return load_places().set_index("place_id")


def lonlat(places, place_id: str) -> tuple[float, float]:
    return float(places.loc[place_id, "lon"]), float(places.loc[place_id, "lat"])


def test_runs_in_a_fresh_kernel_within_budget(session):
    checks.assert_ran_without_errors(session)


def test_points_are_exactly_the_rows_with_coordinates(session, places):
    mappable = places[places["lat"].notna() & places["lon"].notna()]
    assert session.value("places_gdf['place_id'].tolist()") == mappable.index.tolist()
    assert session.value("places_gdf.crs.to_epsg()") == 4326
    xy = session.value("{r.place_id: [r.geometry.x, r.geometry.y] for r in places_gdf.itertuples()}")
    for place_id, (x, y) in xy.items():  # x is the longitude, y the latitude
        assert (x, y) == pytest.approx(lonlat(places, place_id))


def test_rows_without_coordinates_are_set_aside_not_dropped(session, places):
    no_coords = places.index[places["lat"].isna() | places["lon"].isna()].tolist()
    assert session.value("unlocated['place_id'].tolist()") == no_coords
    drawn = session.value("drawn['place_id'].tolist()")
    not_drawn = session.value("not_drawn['place_id'].tolist()")
    assert sorted(drawn + not_drawn) == sorted(places.index) and not set(drawn) & set(not_drawn)
    # every place without coordinates but with an area is drawn as that area
    for place_id in no_coords:
        if isinstance(places.loc[place_id, "geometry_ref"], str):
            assert place_id in drawn


def test_only_precise_places_are_drawn_as_dots(session, places):
    kinds = session.value("{r.place_id: [r.drawn_as, r.geometry.geom_type] for r in drawn.itertuples()}")
    for place_id, (drawn_as, geom_type) in kinds.items():
        precise = places.loc[place_id, "geo_precision"] == 1 and not math.isnan(places.loc[place_id, "lat"])
        assert (geom_type == "Point") == precise == (drawn_as == "dot"), place_id
    undisclosed = places.index[places["geo_precision"] == 4]
    assert len(undisclosed) and all(kinds[p][1] in ("Polygon", "MultiPolygon") for p in undisclosed)


def test_uncertainty_circles_have_the_radius_of_the_data_on_the_ground(session, places):
    rings = session.value(
        "{r.place_id: [list(c) for c in r.geometry.exterior.coords]"
        " for r in drawn[drawn.drawn_as == 'circle'].itertuples()}"
    )
    with_radius = places.index[places["uncertainty_radius_km"].notna() & places["lat"].notna()]
    assert sorted(rings) == sorted(with_radius) and rings
    for place_id, ring in rings.items():
        lon, lat = lonlat(places, place_id)
        ring = np.array(ring)
        distances = GEOD.inv(np.full(len(ring), lon), np.full(len(ring), lat), ring[:, 0], ring[:, 1])[2] / 1000
        radius = places.loc[place_id, "uncertainty_radius_km"]
        assert distances == pytest.approx(np.full(len(ring), radius), rel=0.01), place_id


def test_areas_are_the_referenced_features(session, places):
    areas = session.value(
        "{r.place_id: r.geometry.area for r in drawn[drawn.drawn_as.str.contains('area')].itertuples()}"
    )
    for place_id, area in areas.items():
        expected = area_for(places.loc[place_id, "geometry_ref"]).geometry.union_all().area
        assert area == pytest.approx(expected), place_id


def test_korea_map_s_circles_stand_out_from_the_hatching(session):
    # Issue 16: the circles are opaque and drawn above the thin grey hatching, in another colour and line style.
    styles = session.value("{k: {n: str(v) for n, v in s.items()} for k, s in MARK_STYLE.items()}")
    circle, hatched = styles["circle"], styles["hatched area"]
    assert float(circle["zorder"]) > float(hatched["zorder"])
    assert circle["edgecolor"] != hatched["edgecolor"] and "hatch" not in circle
    assert session.value("__import__('matplotlib.colors').colors.to_rgba(MARK_STYLE['circle']['facecolor'])[3]") == 1


def test_the_coast_inset_names_the_east_coast_sites_once(session):
    on_the_coast = set(session.value("on_the_coast"))
    assert {"huichon", "sinpo_shipyard", "sondok_launch_area"} <= on_the_coast and "pyongyang" not in on_the_coast


def test_korea_map_shows_the_korean_sites_and_the_undisclosed_ones(session, places):
    west, south, east, north = session.value("KOREA_BOX")
    shown = set(session.value("korea_drawn"))
    inside = places[
        places["lon"].between(west, east) & places["lat"].between(south, north) & (places["kind"] != "country")
    ]
    assert set(inside.index) <= shown
    hidden = places.index[(places["geo_precision"] == 4) & (places["geometry_ref"] == "countries:PRK")]
    assert set(hidden) <= shown and len(hidden)


def test_sea_is_labelled_with_both_names_from_the_table(session, places):
    sea = places[places["kind"] == "sea"].iloc[0]
    other = sea["name_alt"].split(";")[0].strip()
    label = session.value("sea_label")
    assert label == f"{sea['name_en']} ({other})" == "Sea of Japan (East Sea)"


KEY_TABLES = {
    "places_gdf": "places_gdf.drop(columns='geometry').to_json()",
    "drawn": "drawn[['place_id', 'drawn_as']].to_json()",
    "coordinate_check": "coordinate_check.to_json()",
}


def test_running_again_in_the_same_kernel_gives_the_same_tables(session):
    checks.assert_reruns_identically(session, KEY_TABLES)


def test_notebook_has_its_sections_alt_text_and_no_stored_outputs():
    checks.assert_lesson_structure(NOTEBOOK)


def test_every_figure_has_alt_text(session):
    assert checks.assert_figures_have_alt_text(session) >= 2


def test_italian_quotes_are_verbatim_from_the_article():
    checks.assert_italian_quotes_verbatim(NOTEBOOK, min_quotes=4)


def _markdown(notebook=NOTEBOOK) -> str:
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


#: What section 4 states about lengths in its check projection: (low, high) percent, with the words it uses.
STATED_LENGTH_ERRORS = {
    "regional": ((3.0, 6.0), "from 3 % to 6 % at the places in Korea, Russia and Ukraine"),
    "italy": ((8.5, 9.5), "about 9 % at Rome"),
    "united_states": ((45.5, 46.5), "about 46 % at Washington"),
}


def test_stated_length_errors_of_the_check_projection_hold(session, places):
    from pyproj import Proj

    check_crs = session.value("CHECK_CRS")
    computed = session.value("coordinate_check.set_index('place_id')['length_error_pct'].to_dict()")
    located = places[places["lat"].notna() & places["country_iso3"].notna()]
    assert sorted(computed) == sorted(located.index)
    factors = Proj(check_crs).get_factors(located["lon"].to_numpy(), located["lat"].to_numpy())
    errors = dict(zip(located.index, 100 * (factors.tissot_semimajor - 1), strict=True))  # LAEA: a * b = 1
    for place_id, error in errors.items():
        assert computed[place_id] == pytest.approx(error, abs=0.06), place_id
    text = _markdown()
    regional = [p for p in located.index if located.loc[p, "country_iso3"] in {"PRK", "KOR", "RUS", "UKR"}]
    groups = {"regional": regional, "italy": ["italy"], "united_states": ["united_states"]}
    assert set(groups["regional"]) | {"italy", "united_states"} == set(located.index), "a place is in no group"
    for group, ((low, high), words) in STATED_LENGTH_ERRORS.items():
        assert words in text, f"the lesson no longer states {words!r}"
        for place_id in groups[group]:
            assert low <= errors[place_id] <= high, (group, place_id, round(errors[place_id], 2))
    assert "within about 5 %" not in text


def test_the_dprk_name_of_the_sea_is_spelled_alike_in_the_table_and_the_basemap(places):
    sea = places.loc["sea_of_japan"]
    note = area_for("seas:japan_sea")["name_note"].item()
    assert "East Sea of Korea" in note and "East Sea of Korea" in sea["name_dispute_note"]
    assert "East Sea of Korea" in [name.strip() for name in sea["name_alt"].split(";")]
    for text in (note, sea["name_dispute_note"], _markdown()):
        assert "Korean East Sea" not in text
    assert "KCNA" in note and "kcnawatch.org" in sea["name_dispute_note"]


def test_the_lesson_gives_the_us_board_s_one_name_policy_not_a_dual_label():
    text = _markdown()
    assert "kelsocartography" not in text  # it was cited for a dual label that the US Board does not use
    assert 'conventional name here is **"Sea of Japan"**' in text and "Dong-hae" in text
    assert "petitions.trumpwhitehouse.archives.gov" in text


def test_try_it_challenges(session):
    checks.assert_try_it_challenges_work(session, NOTEBOOK, "02")


def test_figures_meet_contrast(session):
    """Text at 4.5:1 (3:1 if large), markers, lines and outlines at 3:1 against what they sit on (issue 17)."""
    assert checks.figure_contrast_failures(session) == []


def test_figures_read_at_print_size(session):
    """No text under 8 pt at the A4 print size, no overlapping texts, no text over a marker it does not label."""
    assert checks.figure_readability_failures(session) == []
