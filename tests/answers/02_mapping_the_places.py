"""Answers to exercise set 02_mapping_the_places, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

#: Question 2's wrong answers that Question 3 must not blame on Question 3's own formula.
_Q3_FROM_WRONG_Q2 = "planar_error_pct = 100 * (planar_km - pyongyang_kursk_km) / pyongyang_kursk_km"
#: A straight line on Web Mercator between the two places, in km (the ruler distance of Question 3).
_MERCATOR_KM = (
    "(lambda t: (lambda a, b: ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 / 1000)("
    "t.transform(pyongyang['lon'], pyongyang['lat']), t.transform(kursk['lon'], kursk['lat'])))"
    "(Transformer.from_crs('EPSG:4326', 'EPSG:3857', always_xy=True))"
)

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_geodataframe": [
        # right, in other forms
        (
            "places_gdf = gpd.GeoDataFrame(places.dropna(subset=['lat', 'lon']), geometry=gpd.points_from_xy("
            "places.dropna(subset=['lat', 'lon'])['lon'], places.dropna(subset=['lat', 'lon'])['lat']), crs=4326)\n"
            "unlocated = places[places['lat'].isna() | places['lon'].isna()]",
            None,
        ),
        (
            "places_gdf = gpd.GeoDataFrame(places[located], geometry=gpd.points_from_xy("
            "places.loc[located, 'lon'], places.loc[located, 'lat'])).set_crs('EPSG:4326')",
            None,
        ),
        # known mistakes
        (
            "places_gdf = gpd.GeoDataFrame(places, geometry=gpd.points_from_xy(places['lon'], places['lat']), crs='EPSG:4326')",
            "without coordinates",
        ),
        (
            "places_gdf = places_gdf.set_geometry(gpd.points_from_xy(places_gdf['lat'], places_gdf['lon'], crs='EPSG:4326'))",
            "swapped",
        ),
        (
            "places_gdf = gpd.GeoDataFrame(places_gdf.drop(columns='geometry'), geometry=gpd.points_from_xy(places_gdf['lon'], places_gdf['lat']))",
            "has no CRS",
        ),
        ("places_gdf = places_gdf.set_crs('EPSG:3857', allow_override=True)", "Setting a CRS labels the numbers"),
        ("places_gdf = pd.DataFrame(places_gdf)", "should be a GeoDataFrame"),
        ("unlocated = places[places['lat'].notna()]", "lat or lon is missing"),
        ("places_gdf = places_gdf.drop(columns='notes')", "Keep every column"),
    ],
    "q2_geodesic": [
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
    "q3_planar": [
        # right, in other forms
        (
            "_p = places_gdf.set_index('place_id').to_crs('EPSG:3857').geometry\n"
            "planar_km = _p['pyongyang'].distance(_p['kursk_city']) / 1000\n" + _Q3_FROM_WRONG_Q2,
            None,
        ),
        ("planar_km = float(planar_km)\nplanar_error_pct = round(planar_error_pct, 2)", None),
        # known mistakes
        (
            "planar_km = float(((kursk['lon'] - pyongyang['lon']) ** 2 + (kursk['lat'] - pyongyang['lat']) ** 2) ** 0.5)",
            "distance in degrees",
        ),
        ("planar_km = planar_km * 1000", "That is metres"),
        ("planar_km = pyongyang_kursk_km", "geodesic distance of Question 2"),
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
        # right method, wrong Question 2: the message points at Question 2, not at this formula
        ("pyongyang_kursk_km = 6000.0\n" + _Q3_FROM_WRONG_Q2, "Fix Question 2"),
        ("pyongyang_kursk_km = metres\n" + _Q3_FROM_WRONG_Q2, "Fix Question 2"),
        # wrong Question 2 but the true geodesic used here: Question 3 itself is right
        (
            "_true = pyongyang_kursk_km\npyongyang_kursk_km = 6000.0\nplanar_error_pct = 100 * (planar_km - _true) / _true",
            None,
        ),
    ],
    "q4_projection": [
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
    "q6_draw_as": [
        # right, in other forms
        ("draw_as = draw_as.astype('category')", None),
        ("draw_as = draw_as.sort_index(ascending=False).rename('mark')", None),
        (
            "draw_as = pd.Series({p: ('point' if r.geo_precision == 1 else 'circle' if r.geo_precision == 2 "
            "else 'area') for p, r in places.set_index('place_id').iterrows()})",
            None,
        ),
        # known mistakes
        (
            "draw_as = pd.Series(['point' if pd.notna(x) else 'area' for x in places['lat']], index=places['place_id'])",
            "representative point",
        ),
        ("draw_as = draw_as.replace('circle', 'point')", "a bare dot claims a precision"),
        ("draw_as = draw_as.replace('area', 'circle')", "no coordinates at all"),
        ("draw_as = draw_as.where(~draw_as.index.isin(['north_korea', 'russia']), 'circle')", "representative point"),
        ("draw_as = draw_as.replace('point', 'circle')", "Blurring everything"),
        ("draw_as = pd.Series(draw_as.to_numpy())", "no drawing decision"),
        ("draw_as = pd.concat([draw_as, draw_as.iloc[:1]])", "more than once"),
        ("draw_as = pd.concat([draw_as, pd.Series({'tokyo': 'point'})])", "not place_ids"),
        ("draw_as = draw_as.replace('circle', 'dot')", "Use only"),
        ("draw_as = draw_as.to_dict()", "should be a pandas Series"),
        # the defensible idea "a zone is an area" for the precision-2 sites gets an explanation, not "look again"
        ("draw_as = draw_as.replace('circle', 'area')", "the right idea"),
        ("draw_as = draw_as.where(~draw_as.index.isin(['sondok_launch_area', 'wonsan']), 'area')", "the right idea"),
    ],
    "q7_area": [
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
    "q8_sea_label": [
        # the course's label, other forms of it, and the defensible conventional name alone
        ("sea_label = 'Sea of Japan (East Sea)'", None),
        ("sea_label = 'East Sea / Sea of Japan'", None),
        ("sea_label = 'Sea of Japan (Tonghae)'", None),
        ("sea_label = 'Sea of Japan (Dong-hae)'", None),
        ("sea_label = 'Japan Sea (East Sea)'", None),
        ("sea_label = 'Sea of Japan'", None),
        ("sea_label = 'Japan Sea'", None),
        # known mistakes
        ("sea_label = 'East Sea'", "takes one side"),
        ("sea_label = 'East Sea of Korea'", "takes one side"),
        ("sea_label = 'Donghae'", "takes one side"),
        ("sea_label = 'Mar del Giappone'", "The map is in English"),
        ("sea_label = 'Sea of Korea'", "a name in use"),
        (
            "sea_label = 'Sea of Japan (East Sea), named differently by Japan, South Korea and North Korea'",
            "at most 60",
        ),
        ("sea_label = ['Sea of Japan', 'East Sea']", "should be a string"),
    ],
}
