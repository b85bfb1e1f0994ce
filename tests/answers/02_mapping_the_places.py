"""Answers to exercise set 02_mapping_the_places, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_geodataframe": [
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
    ],
    "q2_geodesic": [
        (
            "pyongyang_kursk_km = geod.inv(pyongyang['lat'], pyongyang['lon'], kursk['lat'], kursk['lon'])[2] / 1000",
            "latitude first",
        ),
        ("pyongyang_kursk_km = metres", "distance in metres"),
    ],
    "q3_planar": [
        (
            "planar_km = float(((kursk['lon'] - pyongyang['lon']) ** 2 + (kursk['lat'] - pyongyang['lat']) ** 2) ** 0.5)",
            "distance in degrees",
        ),
        ("planar_error_pct = 100 * (planar_km - pyongyang_kursk_km) / planar_km", "divided by the planar"),
    ],
    "q4_projection": [
        ("korea_projection = 'A'", "web tiles"),
        ("korea_projection = 'E'", "centred on Europe"),
    ],
    "q6_draw_as": [
        (
            "draw_as = pd.Series(['point' if pd.notna(x) else 'area' for x in places['lat']], index=places['place_id'])",
            "representative point",
        ),
        ("draw_as = draw_as.replace('circle', 'point')", "a bare dot claims a precision"),
    ],
    "q7_area": [
        ("kursk_area_km2 = kursk_region.area.iloc[0]", "square degrees"),
        ("kursk_area_km2 = kursk_region.to_crs('EPSG:3857').area.iloc[0] / 1e6", "inflates areas"),
    ],
    "q8_sea_label": [
        ("sea_label = 'Sea of Japan'", "disputed"),
        ("sea_label = 'East Sea'", "Korean side"),
    ],
}
