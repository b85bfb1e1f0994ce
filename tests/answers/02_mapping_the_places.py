"""Answers to exercise set 02_mapping_the_places, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

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
    "q2_reproject": [
        # right, in other forms
        ("korea_points = places_gdf.cx[123.5:136.5, 33.0:43.6].to_crs(5179)", None),
        (
            "korea_points = places_gdf.to_crs('EPSG:5179')[places_gdf['lon'].between(123.5, 136.5)"
            " & places_gdf['lat'].between(33.0, 43.6)]",
            None,
        ),
        # known mistakes
        ("korea_points = places_gdf[in_box].set_crs('EPSG:5179', allow_override=True)", "only relabels"),
        ("korea_points = places_gdf[in_box].to_crs('EPSG:3857')", "uses EPSG:5179"),
        ("korea_points = places_gdf.to_crs('EPSG:5179')", "lie outside the box"),
        (
            "korea_points = places_gdf[places_gdf['lat'].between(123.5, 136.5)"
            " & places_gdf['lon'].between(33.0, 43.6)].to_crs('EPSG:5179')",
            "lie inside the box but are missing",
        ),
        ("korea_points = pd.DataFrame(korea_points)", "should be a GeoDataFrame"),
        (
            "korea_points = gpd.GeoDataFrame(korea_points.drop(columns='geometry'),"
            " geometry=gpd.points_from_xy(korea_points.geometry.x, korea_points.geometry.y))",
            "has no CRS",
        ),
        ("korea_points = korea_points.set_geometry(korea_points.geometry.translate(1000, 0))", "rather than moving"),
        ("korea_points = korea_points.drop(columns='notes')", "Keep every column"),
    ],
    "q3_draw_as": [
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
    "q4_sea_label": [
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
