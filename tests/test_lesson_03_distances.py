"""Lesson 3 (Distances and projections): its distances, projections and projection picker agree with pyproj.

These checks were lesson 2's until the split (issue 16): the notebook runs once in a fresh kernel (module
fixture), and each test reads what the kernel computed and checks it against the places table, the basemap layers
and pyproj, computed here independently.
"""

from __future__ import annotations

import math

import lesson_checks as checks
import numpy as np
import pytest
from pyproj import Geod, Transformer

from newslens import paths
from newslens.data import load_places
from newslens.geo import area_for

NOTEBOOK = paths.NOTEBOOKS_DIR / "03_distances_and_projections.ipynb"
GEOD = Geod(ellps="WGS84")
ANCHORS = ("pyongyang", "moscow", "kursk_city")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def session():
    yield from checks.run_lesson(NOTEBOOK)


@pytest.fixture(scope="module")
def places():
    return load_places().set_index("place_id")


def lonlat(places, place_id: str) -> tuple[float, float]:
    return float(places.loc[place_id, "lon"]), float(places.loc[place_id, "lat"])


def geodesic_km(places, a: str, b: str) -> float:
    return GEOD.inv(*lonlat(places, a), *lonlat(places, b))[2] / 1000


def planar_km(places, a: str, b: str, crs: str) -> float:
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    (xa, ya), (xb, yb) = to_map.transform(*lonlat(places, a)), to_map.transform(*lonlat(places, b))
    return math.hypot(xb - xa, yb - ya) / 1000


def test_runs_in_a_fresh_kernel_within_budget(session):
    checks.assert_ran_without_errors(session)


def test_the_anchors_are_the_three_exact_cities(session, places):
    anchors = session.value("anchors.index.tolist()")
    assert anchors == list(ANCHORS)
    assert (places.loc[anchors, "geo_precision"] == 1).all()


def test_geodesic_distances_match_pyproj_to_one_km(session, places):
    routes = session.value("routes[['start', 'end', 'geodesic_km']].values.tolist()")
    assert {(a, b) for a, b, _ in routes} == {
        ("pyongyang", "kursk_city"),
        ("pyongyang", "moscow"),
        ("moscow", "kursk_city"),
    }
    for a, b, km in routes:
        assert abs(km - geodesic_km(places, a, b)) < 1
    # the great-circle lines really follow the geodesic: every vertex lies on it (distances add up)
    line = np.array(session.value("list(routes.geometry.iloc[0].coords)"))
    start, end = lonlat(places, "pyongyang"), lonlat(places, "kursk_city")
    via = GEOD.inv(np.full(len(line), start[0]), np.full(len(line), start[1]), line[:, 0], line[:, 1])[2]
    rest = GEOD.inv(line[:, 0], line[:, 1], np.full(len(line), end[0]), np.full(len(line), end[1]))[2]
    assert np.allclose(via + rest, geodesic_km(places, "pyongyang", "kursk_city") * 1000, atol=10)


def test_planar_distances_and_their_errors(session, places):
    table = session.value("distance_table.to_dict('index')")
    errors = session.value("distance_error_pct.to_dict('index')")
    name = {p: places.loc[p, "name_en"] for p in ANCHORS}
    route = f"{name['pyongyang']}–{name['kursk_city']}"
    (lon_a, lat_a), (lon_b, lat_b) = lonlat(places, "pyongyang"), lonlat(places, "kursk_city")
    flat = math.hypot(lon_b - lon_a, lat_b - lat_a) * 111.32
    assert table[route]["degrees as a flat grid"] == pytest.approx(flat)
    mercator = planar_km(places, "pyongyang", "kursk_city", "EPSG:3857")
    assert table[route]["Web Mercator (EPSG:3857)"] == pytest.approx(mercator, rel=1e-6)
    truth = geodesic_km(places, "pyongyang", "kursk_city")
    assert errors[route]["Web Mercator (EPSG:3857)"] == pytest.approx((mercator / truth - 1) * 100, abs=0.01)
    assert errors[route]["degrees as a flat grid"] > 30 and errors[route]["Web Mercator (EPSG:3857)"] > 30
    assert abs(errors[route]["Azimuthal equidistant on Pyongyang"]) < 0.01


def test_mercator_inflates_kursk_oblast_more_than_north_korea(session, places):
    table = session.value("area_table.to_dict('index')")
    kursk = area_for(places.loc["kursk_region", "geometry_ref"]).geometry.union_all()
    korea = area_for(places.loc["north_korea", "geometry_ref"]).geometry.union_all()
    kursk_km2 = abs(GEOD.geometry_area_perimeter(kursk)[0]) / 1e6
    korea_km2 = abs(GEOD.geometry_area_perimeter(korea)[0]) / 1e6
    assert table["Kursk Oblast"]["ellipsoid km²"] == pytest.approx(kursk_km2, rel=1e-6)
    assert table["North Korea"]["equal-area km²"] == pytest.approx(korea_km2, rel=0.001)
    # Mercator's area factor is 1/cos²(latitude): larger at Kursk (about 52° N) than in Korea (about 40° N)
    ratio = table["ratio Kursk Oblast / North Korea"]
    assert ratio["equal-area km²"] == pytest.approx(kursk_km2 / korea_km2, rel=0.001)
    assert ratio["Mercator km²"] > 1.3 * ratio["equal-area km²"]


@pytest.mark.parametrize("projection", ["Web Mercator", "Lambert conformal conic", "Azimuthal equidistant"])
def test_projection_widget_redraws_and_measures_in_the_chosen_projection(session, places, projection):
    session.run("centre_picker.value = 'pyongyang'")
    session.run("projection_picker.value = 'Lambert azimuthal equal-area'")  # a different value first
    session.run(f"projection_picker.value = {projection!r}")
    view = session.value("picker.distance_view.to_dict('index')")
    crs = session.value(f"projection_crs({projection!r}, 'pyongyang')")
    for a, b in [("pyongyang", "kursk_city"), ("pyongyang", "moscow"), ("moscow", "kursk_city")]:
        row = view[f"{places.loc[a, 'name_en']}–{places.loc[b, 'name_en']}"]
        assert row["geodesic_km"] == pytest.approx(geodesic_km(places, a, b), abs=1)
        assert row["planar_km"] == pytest.approx(planar_km(places, a, b, crs), rel=1e-6)
    assert session.value("picker.shown") == [projection, "pyongyang"]
    assert session.value("picker.image[:8] == b'\\x89PNG\\r\\n\\x1a\\n'")  # the picture shown is a PNG
    assert session.value("picker.titles[picker.shown]").startswith(projection)
    # the picture is drawn by draw_projection from this choice's cached layers: drawn again here to look inside
    figure = session.value(
        "(lambda ax: [draw_projection(ax, projected[picker.shown], picker.titles[picker.shown]), ax.get_title(),"
        " len(ax.collections), len(ax.lines), sorted(t.get_text() for t in ax.texts)][1:])"
        "(__import__('matplotlib.figure').figure.Figure().add_subplot())"
    )
    assert figure[0].startswith(projection)
    assert figure[1] == 2  # land and the 500 km circles
    assert figure[2] == 4  # three routes and the anchor points
    assert figure[3] == sorted(places.loc[list(ANCHORS), "name_en"])  # the cities are named on every map


def test_each_choice_shows_its_own_picture(session):
    session.run("projection_picker.value = 'Web Mercator'")
    mercator = session.value("hash(picker.image)")
    session.run("projection_picker.value = 'Azimuthal equidistant'")
    pictures = set()
    for centre in ANCHORS:
        session.run(f"centre_picker.value = {centre!r}")
        pictures.add(session.value("hash(picker.image)"))
    assert len(pictures) == 3 and mercator not in pictures


def test_centring_the_equidistant_projection_makes_its_routes_exact(session, places):
    session.run("projection_picker.value = 'Azimuthal equidistant'")
    for centre in ("pyongyang", "kursk_city"):
        session.run(f"centre_picker.value = {centre!r}")
        view = session.value("picker.distance_view.to_dict('index')")
        assert places.loc[centre, "name_en"] in session.value("picker.titles[picker.shown]")
        for route, row in view.items():
            error = abs(row["planar_km"] / row["geodesic_km"] - 1)
            from_centre = route.startswith(places.loc[centre, "name_en"]) or route.endswith(
                places.loc[centre, "name_en"]
            )
            assert (error < 1e-4) == from_centre, (centre, route, error)


def test_widget_callback_is_quick(session):
    # Every choice is drawn when the picker is built, so the callback only swaps a picture and a table: under
    # 100 ms (issue 16; the bench measures the wall time, make bench). Measured in CPU seconds (as lessons 4-6
    # do) so that a busy test machine cannot fail it.
    session.run("projection_picker.value = 'Azimuthal equidistant'")
    seconds = sorted(
        checks.callback_cpu_seconds(session, f"projection_picker.value = {value!r}")
        for value in ("Web Mercator", "Lambert conformal conic", "Lambert azimuthal equal-area")
    )[1]
    assert seconds < 0.1, f"the projection callback used {seconds * 1000:.0f} ms of CPU"


def test_static_fallback_compares_mercator_with_the_equidistant_map(session, places):
    assert session.value("static_comparison.columns.get_level_values(0).unique().tolist()") == [
        "Web Mercator",
        "Azimuthal equidistant",
    ]
    errors = session.value("static_comparison.xs('error_pct', axis=1, level=1).to_dict('index')")
    for route, row in errors.items():
        assert row["Web Mercator"] > 30  # Mercator overstates every route at these latitudes
        if route.startswith(places.loc["pyongyang", "name_en"]):
            assert abs(row["Azimuthal equidistant"]) < 0.01
    assert session.value("[ax.get_title() for ax in fig.axes][:2]") == [  # the static figure: both panels titled
        "Web Mercator",
        f"Azimuthal equidistant, centred on {places.loc['pyongyang', 'name_en']}",
    ]


KEY_TABLES = {
    "routes": "routes.drop(columns='geometry').to_json()",
    "distance_table": "distance_table.round(6).to_json()",
    "area_table": "area_table.round(3).to_json()",
    "scale_factors": "scale_factors.round(6).to_json()",
}


def test_running_again_in_the_same_kernel_gives_the_same_tables(session):
    checks.assert_reruns_identically(session, KEY_TABLES)


def test_notebook_has_its_sections_alt_text_and_no_stored_outputs():
    checks.assert_lesson_structure(NOTEBOOK)


def test_data_loading_is_not_a_copy_of_lesson_2():
    # Lesson 3 loads the places and the basemap itself in a few lines and takes the map helpers from
    # newslens.mapping; it does not repeat lesson 2's cells.
    import nbformat

    lesson_2 = paths.NOTEBOOKS_DIR / "02_mapping_the_places.ipynb"
    cells_2 = {c.source for c in nbformat.read(lesson_2, as_version=4).cells if c.cell_type == "code"}
    cells_3 = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    assert not [c for c in cells_3 if c in cells_2 and "tryit" not in c and len(c.splitlines()) > 3]


def test_every_figure_has_alt_text(session):
    assert checks.assert_figures_have_alt_text(session, draw_calls=("plt.show()",)) >= 4


def test_try_it_challenges(session):
    checks.assert_try_it_challenges_work(session, NOTEBOOK, "03")


def test_figures_meet_contrast(session):
    """Text at 4.5:1 (3:1 if large), markers, lines and outlines at 3:1 against what they sit on (issue 17)."""
    assert checks.figure_contrast_failures(session) == []


def test_figures_read_at_print_size(session):
    """No text under 8 pt at the A4 print size, no overlapping texts, no text over a marker it does not label."""
    assert checks.figure_readability_failures(session) == []
