"""Answers to exercise set 03_distances_and_projections, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

#: Question 1's wrong answers that Question 2 must not blame on Question 2's own formula.
_Q2_FROM_WRONG_Q1 = "planar_error_pct = 100 * (planar_km - pyongyang_kursk_km) / pyongyang_kursk_km"
#: A straight line on Web Mercator between the two places, in km (the ruler distance of Question 2).
_MERCATOR_KM = (
    "(lambda t: (lambda a, b: ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 / 1000)("
    "t.transform(pyongyang['lon'], pyongyang['lat']), t.transform(kursk['lon'], kursk['lat'])))"
    "(Transformer.from_crs('EPSG:4326', 'EPSG:3857', always_xy=True))"
)

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_geodesic": [
        # right, in other forms
        ("pyongyang_kursk_km = float(metres / 1000)", None),
        ("pyongyang_kursk_km = round(metres / 1000, 1)", None),
        ("import numpy as np\npyongyang_kursk_km = np.float64(metres) / 1e3", None),
        (
            "pyongyang_kursk_km = geod.inv(pyongyang.lon, pyongyang.lat, kursk.lon, kursk.lat)[2] / 1000",
            None,
        ),
        # known mistakes
        (
            "pyongyang_kursk_km = geod.inv(pyongyang['lat'], pyongyang['lon'], kursk['lat'], kursk['lon'])[2] / 1000",
            "latitude first",
        ),
        ("pyongyang_kursk_km = metres", "distance in metres"),
        ("pyongyang_kursk_km = geod.inv(pyongyang['lon'], pyongyang['lat'], kursk['lon'], kursk['lat'])", "tuple"),
        ("pyongyang_kursk_km = f'{metres / 1000:,.0f} km'", "is text"),
        ("import numpy as np\npyongyang_kursk_km = np.array([metres / 1000])", ".item()"),
        (f"pyongyang_kursk_km = {_MERCATOR_KM}", "Web Mercator"),
        (
            "pyongyang_kursk_km = ((kursk['lon'] - pyongyang['lon']) ** 2 + (kursk['lat'] - pyongyang['lat']) ** 2)"
            " ** 0.5 * 111.32",
            "flat-grid",
        ),
        (
            "import math\npyongyang_kursk_km = 2 * 6371.0088 * math.asin(math.sqrt(math.sin(math.radians("
            "kursk['lat'] - pyongyang['lat']) / 2) ** 2 + math.cos(math.radians(pyongyang['lat'])) * math.cos("
            "math.radians(kursk['lat'])) * math.sin(math.radians(kursk['lon'] - pyongyang['lon']) / 2) ** 2))",
            "haversine",
        ),
        (
            "moscow = by_id.loc['moscow']\n"
            "pyongyang_kursk_km = geod.inv(pyongyang['lon'], pyongyang['lat'], moscow['lon'], moscow['lat'])[2] / 1000",
            "pyongyang and kursk_city",
        ),
    ],
    "q2_planar": [
        # right, in other forms
        (
            "_p = places_gdf.set_index('place_id').to_crs('EPSG:3857').geometry\n"
            "planar_km = _p['pyongyang'].distance(_p['kursk_city']) / 1000\n" + _Q2_FROM_WRONG_Q1,
            None,
        ),
        ("planar_km = float(planar_km)\nplanar_error_pct = round(planar_error_pct, 2)", None),
        # known mistakes
        (
            "planar_km = float(((kursk['lon'] - pyongyang['lon']) ** 2 + (kursk['lat'] - pyongyang['lat']) ** 2) ** 0.5)",
            "distance in degrees",
        ),
        ("planar_km = planar_km * 1000", "That is metres"),
        ("planar_km = pyongyang_kursk_km", "geodesic distance of Question 1"),
        ("planar_km = planar_km * 1.1", "is not"),
        ("planar_error_pct = 100 * (planar_km - pyongyang_kursk_km) / planar_km", "divided by the planar"),
        ("planar_error_pct = -planar_error_pct", "sign is reversed"),
        ("planar_error_pct = (planar_km - pyongyang_kursk_km) / pyongyang_kursk_km", "fraction"),
        ("planar_error_pct = 100 * planar_km / pyongyang_kursk_km", "ratio in percent"),
        ("planar_error_pct = planar_error_pct + 5", "recompute it"),
        ("planar_km = f'{planar_km:.0f} km'", "is text"),
        (
            "_p = places_gdf.set_index('place_id').to_crs('EPSG:3857')\n"
            "planar_km = _p.loc[['pyongyang']].distance(_p.loc[['kursk_city']]) / 1000",
            ".item()",
        ),
        # right method, wrong Question 1: the message points at Question 1, not at this formula
        ("pyongyang_kursk_km = 6000.0\n" + _Q2_FROM_WRONG_Q1, "Fix Question 1"),
        ("pyongyang_kursk_km = metres\n" + _Q2_FROM_WRONG_Q1, "Fix Question 1"),
        # wrong Question 1 but the true geodesic used here: Question 2 itself is right
        (
            "_true = pyongyang_kursk_km\npyongyang_kursk_km = 6000.0\nplanar_error_pct = 100 * (planar_km - _true) / _true",
            None,
        ),
    ],
    "q3_projection": [
        # right, in other forms, and the defensible alternative D
        ("korea_projection = 'c'", None),
        ("korea_projection = ' C '", None),
        ("korea_projection = 'D'", None),
        # known mistakes
        ("korea_projection = 'A'", "web tiles"),
        ("korea_projection = 'B'", "meaningless"),
        ("korea_projection = 'E'", "centred on Europe"),
        ("korea_projection = 'EPSG:5179'", "one of the letters"),
        ("korea_projection = 5179", "one letter as a string"),
    ],
    "q5_area": [
        # right, in other forms
        ("kursk_area_km2 = kursk_region.to_crs('+proj=laea +lat_0=51.7 +lon_0=36.2').area.iloc[0] / 1e6", None),
        ("kursk_area_km2 = kursk_region.to_crs('EPSG:3035').area.item() / 1_000_000", None),
        (
            "kursk_area_km2 = abs(Geod(ellps='WGS84').geometry_area_perimeter(kursk_region.geometry.iloc[0])[0]) / 1e6",
            None,
        ),
        ("kursk_area_km2 = float(round(kursk_area_km2))", None),
        # known mistakes
        ("kursk_area_km2 = kursk_region.area.iloc[0]", "square degrees"),
        ("kursk_area_km2 = kursk_region.to_crs('EPSG:3857').area.iloc[0] / 1e6", "inflates areas"),
        ("kursk_area_km2 = kursk_region.to_crs('EPSG:6933').area.iloc[0]", "That is square metres"),
        ("kursk_area_km2 = kursk_region.to_crs('EPSG:6933').area.iloc[0] / 1e3", "1,000 times too large"),
        ("kursk_area_km2 = kursk_region.to_crs('EPSG:6933').area / 1e6", "single number"),
        ("kursk_area_km2 = f'{kursk_area_km2:,.0f} km²'", "is text"),
        ("kursk_area_km2 = area_for('admin1:RU-BEL').to_crs('EPSG:6933').area.iloc[0] / 1e6", "more than 1 % off"),
    ],
}
