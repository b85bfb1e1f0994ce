"""The offline basemaps in data/geo: they load, they are where the world is, and they match their README."""

from __future__ import annotations

import hashlib
import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from newslens import geo, paths

EQUAL_AREA = "EPSG:6933"  # World Cylindrical Equal Area: area ratios in square metres, not square degrees

# Well-known coordinates (lon, lat) from the team's research, independent of the build script.
CITIES = {
    "Pyongyang": (125.74, 39.02, "PRK"),
    "Sinpo": (128.19, 40.03, "PRK"),
    "Huichon": (126.28, 40.17, "PRK"),
    "Seoul": (126.98, 37.57, "KOR"),
    "Vladivostok": (131.89, 43.12, "RUS"),
    "Kursk": (36.18, 51.72, "RUS"),
    "Moscow": (37.62, 55.76, "RUS"),
    "Kyiv": (30.52, 50.45, "UKR"),
    "Tokyo": (139.69, 35.69, "JPN"),
    "Washington": (-77.04, 38.90, "USA"),
}
LAYERS = ("countries", "world", "admin1", "seas")


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return geo.load_layer("countries")


@pytest.fixture(scope="module")
def sea() -> shapely.Geometry:
    return geo.area_for("seas:japan_sea").geometry.item()


@pytest.mark.parametrize("name", LAYERS)
def test_layer_loads_valid_in_wgs84_with_unique_ids_and_sources(name: str) -> None:
    layer = geo.load_layer(name)
    assert name in geo.layer_names()
    assert layer.crs == "EPSG:4326"
    assert len(layer) > 0
    assert layer.geometry.is_valid.all(), layer.loc[~layer.geometry.is_valid, "feature_id"].tolist()
    assert not layer.geometry.is_empty.any()
    assert set(layer.geom_type) <= {"Polygon", "MultiPolygon"}
    assert layer["feature_id"].is_unique
    assert layer["source"].str.len().gt(10).all(), "every feature must say where it comes from"
    minx, miny, maxx, maxy = layer.total_bounds
    assert minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90


def test_required_features_present(countries: gpd.GeoDataFrame) -> None:
    needed = {"PRK", "KOR", "JPN", "CHN", "RUS", "UKR", "USA", "ITA", "MNG", "KAZ", "BLR", "POL"}
    assert needed <= set(countries["feature_id"])
    assert needed <= set(geo.load_layer("world")["feature_id"])
    assert geo.area_for("countries:PRK")["name_en"].item() == "North Korea"
    assert geo.area_for("admin1:RU-KRS")["name_en"].item() == "Kursk Oblast"
    sea = geo.area_for("seas:japan_sea")
    assert sea["name_en"].item() == "Sea of Japan"
    assert sea["name_alt"].item() == "East Sea"
    assert "S-23" in sea["source"].item()


@pytest.mark.parametrize("city", sorted(CITIES))
def test_city_lies_in_its_country(countries: gpd.GeoDataFrame, city: str) -> None:
    lon, lat, iso3 = CITIES[city]
    holders = countries.loc[countries.contains(Point(lon, lat)), "feature_id"].tolist()
    assert holders == [iso3], f"{city} ({lat} N, {lon} E) falls in {holders}, expected [{iso3!r}]"


def test_crimea_is_drawn_in_ukraine(countries: gpd.GeoDataFrame) -> None:
    simferopol = Point(34.10, 44.95)
    for frame in (countries, geo.load_layer("world")):
        holders = frame.loc[frame.contains(simferopol), "feature_id"].tolist()
        assert holders == ["UKR"]


def test_countries_do_not_overlap(countries: gpd.GeoDataFrame) -> None:
    projected = countries.to_crs(EQUAL_AREA)
    total = projected.area.sum()
    union = shapely.union_all(projected.geometry.values).area
    assert (total - union) / total < 1e-4


def test_kursk_oblast_is_in_russia_and_holds_kursk(countries: gpd.GeoDataFrame) -> None:
    kursk = geo.area_for("admin1:RU-KRS").to_crs(EQUAL_AREA).geometry.item()
    russia = countries[countries["feature_id"] == "RUS"].to_crs(EQUAL_AREA).geometry.item()
    assert kursk.intersection(russia).area / kursk.area > 0.98
    assert geo.area_for("admin1:RU-KRS").geometry.item().contains(Point(36.19, 51.73))
    area_km2 = kursk.area / 1e6
    assert 25_000 < area_km2 < 35_000, area_km2  # Kursk Oblast is about 30,000 km2


def test_sea_of_japan_is_water_between_the_right_coasts(countries: gpd.GeoDataFrame, sea) -> None:
    land = shapely.union_all(countries.clip(box(*sea.buffer(1).bounds)).geometry.values)
    assert sea.intersection(land).area / sea.area < 0.01
    assert sea.contains(Point(135.0, 40.0))
    for name in ("Pyongyang", "Seoul", "Tokyo", "Vladivostok"):
        lon, lat, _ = CITIES[name]
        assert not sea.contains(Point(lon, lat)), f"{name} lies in the Sea of Japan polygon"
    # Not the Pacific, the Sea of Okhotsk, the Yellow Sea or the East China Sea.
    for lon, lat in [(145.0, 38.0), (146.0, 47.0), (124.0, 36.0), (127.0, 31.5)]:
        assert not sea.contains(Point(lon, lat)), (lat, lon)
    km2 = gpd.GeoSeries([sea], crs="EPSG:4326").to_crs(EQUAL_AREA).area.item() / 1e6
    assert 900_000 < km2 < 1_150_000, km2  # commonly quoted: about 978,000 km2


def test_gazetteer_points_fall_in_their_country(countries: gpd.GeoDataFrame) -> None:
    gazetteer = pd.read_csv(paths.GEO_DIR / "gazetteer.csv")
    assert {"Pyongyang", "Kursk", "Sinpo", "Vladivostok"} <= set(gazetteer["place"])
    assert gazetteer["geonameid"].is_unique
    by_id = countries.set_index("feature_id").geometry
    for row in gazetteer.itertuples():
        assert by_id[row.country_iso3].contains(Point(row.lon, row.lat)), row.place
        if row.place in CITIES:  # GeoNames and the research agree within about 5 km
            lon, lat, _ = CITIES[row.place]
            assert abs(row.lon - lon) < 0.05 and abs(row.lat - lat) < 0.05, row.place


def test_readme_checksums_match_the_files() -> None:
    readme = (paths.GEO_DIR / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([^`]+)` \| [\d,]+ \| `([0-9a-f]{64})` \|$", readme, flags=re.M))
    present = {p.name for p in paths.GEO_DIR.iterdir() if p.suffix in {".geojson", ".csv"}}
    assert set(listed) == present, "README's checksum table and data/geo disagree on which files exist"
    for name, digest in listed.items():
        actual = hashlib.sha256((paths.GEO_DIR / name).read_bytes()).hexdigest()
        assert actual == digest, f"{name} changed since README.md was generated: rerun scripts/build_geodata.py"


def test_geodata_stays_small() -> None:
    total = sum(p.stat().st_size for p in paths.GEO_DIR.rglob("*") if p.is_file())
    assert total < 3_000_000, total


def test_unknown_references_are_named_in_the_error() -> None:
    with pytest.raises(geo.GeoDataError, match="countries:XXX"):
        geo.area_for("countries:XXX")
    with pytest.raises(geo.GeoDataError, match="rivers"):
        geo.area_for("rivers:danube")
    with pytest.raises(geo.GeoDataError, match="layer:feature_id"):
        geo.area_for("PRK")


def test_missing_layer_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(paths, "GEO_DIR", tmp_path)
    with pytest.raises(geo.GeoDataError, match=r"countries\.geojson"):
        geo.load_layer("countries")


def test_loaded_layer_is_a_private_copy() -> None:
    first = geo.load_layer("seas")
    first["name_en"] = "changed"
    assert geo.load_layer("seas")["name_en"].item() == "Sea of Japan"
