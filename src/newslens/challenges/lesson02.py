"""Lesson 2's Try-it challenges: the places in Russia as points, and the Sondok launch area's uncertainty circle.

Each check computes what is right from the course's places table (never from the lesson's variables, which the
student may have changed), and recognises the mistakes the lesson warns about first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyproj import Geod
from shapely.geometry import Polygon

from newslens import tryit
from newslens.data import load_places

_GEOD = Geod(ellps="WGS84")


def _russian_points() -> Any:
    places = load_places()
    located = places["lat"].notna() & places["lon"].notna()
    return places[located & (places["country_iso3"] == "RUS")].set_index("place_id")


def _is_gdf(answer: Any) -> bool:
    import geopandas as gpd

    return isinstance(answer, gpd.GeoDataFrame) and "place_id" in answer.columns


def _xy(answer: Any) -> tuple[np.ndarray, np.ndarray, Any]:
    """x and y of the answer's points, and the table's rows for the same places (in the answer's order)."""
    expected = load_places().set_index("place_id").loc[answer["place_id"]]
    return answer.geometry.x.to_numpy(), answer.geometry.y.to_numpy(), expected


def _points_right(answer: Any) -> bool:
    if not _is_gdf(answer) or answer.crs is None or answer.crs.to_epsg() != 4326:
        return False
    if sorted(answer["place_id"]) != sorted(_russian_points().index):
        return False
    x, y, expected = _xy(answer)
    return bool(np.allclose(x, expected["lon"]) and np.allclose(y, expected["lat"]))


def _swapped(answer: Any) -> bool:
    x, y, expected = _xy(answer)
    return bool(np.allclose(x, expected["lat"]) and np.allclose(y, expected["lon"]))


def _every_place(answer: Any) -> bool:
    return len(answer) > len(_russian_points()) and set(_russian_points().index) <= set(answer["place_id"])


tryit.register(
    tryit.Challenge(
        name="02.points",
        lesson="02",
        task="A GeoDataFrame of the places in Russia that have coordinates: points from lon and lat, CRS EPSG:4326.",
        is_right=_points_right,
        success="Your points sit at the table's coordinates, in EPSG:4326: ready to be reprojected and drawn.",
        mistakes=(
            tryit.Mistake(
                lambda a: not _is_gdf(a),
                "A map needs a GeoDataFrame (with the place_id column kept): a plain DataFrame or a list has no "
                "geometry and no CRS. Wrap the rows in gpd.GeoDataFrame(rows, geometry=..., crs=...).",
            ),
            tryit.Mistake(
                _swapped,
                "Latitude and longitude are swapped: points_from_xy takes x first, and x is the longitude "
                "(east-west). Moscow should be at x = 37.6, y = 55.8.",
            ),
            tryit.Mistake(
                lambda a: a.crs is None,
                "The points have no CRS, so nothing says their numbers are degrees and to_crs cannot reproject "
                'them. Pass crs="EPSG:4326" when you build the GeoDataFrame.',
            ),
            tryit.Mistake(
                lambda a: a.crs.to_epsg() != 4326,
                "The numbers are degrees of longitude and latitude on WGS84: that is EPSG:4326. Setting another "
                "CRS does not convert them, it only mislabels them (to_crs converts).",
            ),
            tryit.Mistake(
                _every_place,
                'These are more places than Russia\'s: keep only the rows whose country_iso3 is "RUS" (a boolean '
                "mask, as for the rows with coordinates).",
            ),
        ),
    )
)


def _sondok() -> Any:
    return load_places().set_index("place_id").loc["sondok_launch_area"]


def _ring(answer: Any) -> np.ndarray:
    return np.asarray(answer.exterior.coords)


def _ground_km(answer: Any) -> np.ndarray:
    """How far each vertex of the answer's outline lies from Sondok, on the ellipsoid, in km."""
    ring, centre = _ring(answer), _sondok()
    n = len(ring)
    return np.asarray(_GEOD.inv(np.full(n, centre["lon"]), np.full(n, centre["lat"]), ring[:, 0], ring[:, 1])[2]) / 1000


def _in_degrees(answer: Any) -> bool:
    ring = _ring(answer)
    return bool(np.abs(ring[:, 0]).max() <= 180 and np.abs(ring[:, 1]).max() <= 90)


def _circle_right(answer: Any) -> bool:
    if not isinstance(answer, Polygon) or not _in_degrees(answer):
        return False
    return bool(np.allclose(_ground_km(answer), _sondok()["uncertainty_radius_km"], rtol=0.01))


def _degree_buffer(answer: Any) -> bool:
    km = _ground_km(answer)
    return bool(km.max() / km.min() > 1.1)


tryit.register(
    tryit.Challenge(
        name="02.circle",
        lesson="02",
        task="The Sondok launch area's uncertainty circle, radius from its row, as a polygon in EPSG:4326.",
        is_right=_circle_right,
        success="Every point of your outline lies the row's 15 km from Sondok on the ground: an honest circle.",
        mistakes=(
            tryit.Mistake(
                lambda a: not isinstance(a, Polygon),
                "The answer should be one shapely Polygon (the circle itself). If you have a GeoSeries, take its "
                "polygon out with .iloc[0].",
            ),
            tryit.Mistake(
                lambda a: not _in_degrees(a),
                "The outline's coordinates are metres of the local projection, not degrees: convert the circle "
                'back with .to_crs("EPSG:4326") before using it with the other layers.',
            ),
            tryit.Mistake(
                _degree_buffer,
                "That circle was drawn in degrees: on the ground it is an ellipse, narrower east-west than "
                "north-south, because a degree of longitude is shorter than a degree of latitude at 40° N. Buffer "
                "in metres, in a projection centred on the point (uncertainty_circle does).",
            ),
            tryit.Mistake(
                lambda a: abs(float(np.median(_ground_km(a))) - float(_sondok()["uncertainty_radius_km"])) > 1,
                "The circle has the wrong size on the ground: read the radius from the row's "
                "uncertainty_radius_km (it is in km), and take the row of sondok_launch_area.",
            ),
        ),
    )
)
