"""Lesson 3's Try-it challenges: a geodesic distance, and Web Mercator's length scale at Moscow.

Each check computes what is right from the course's places table and pyproj, never from the lesson's variables.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

from pyproj import Geod, Proj

from newslens import tryit
from newslens.data import load_places


def _lonlat(place_id: str) -> tuple[float, float]:
    row = load_places().set_index("place_id").loc[place_id]
    return float(row["lon"]), float(row["lat"])


def _vladivostok_km() -> float:
    (lon1, lat1), (lon2, lat2) = _lonlat("pyongyang"), _lonlat("vladivostok")
    return float(Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2]) / 1000


def _number(answer: Any) -> bool:
    return isinstance(answer, Real) and not isinstance(answer, bool) and not math.isnan(float(answer))


def _flat_grid_km() -> float:
    (lon1, lat1), (lon2, lat2) = _lonlat("pyongyang"), _lonlat("vladivostok")
    return math.hypot(lon2 - lon1, lat2 - lat1) * 111.32


tryit.register(
    tryit.Challenge(
        name="03.geodesic",
        lesson="03",
        task="The geodesic distance from Pyongyang to Vladivostok, in km, with pyproj.Geod on WGS84.",
        is_right=lambda a: _number(a) and abs(float(a) - _vladivostok_km()) <= 1,
        success="That is the geodesic, the shortest path on the ellipsoid: the distance no flat map can beat.",
        mistakes=(
            tryit.Mistake(
                lambda a: isinstance(a, tuple),
                "geod.inv returns three values: the forward azimuth, the back azimuth and the distance. Keep the "
                "third one ([2]), and convert it to km.",
            ),
            tryit.Mistake(
                lambda a: isinstance(a, Real) and math.isnan(float(a)),
                "NaN is pyproj's answer to impossible coordinates: a latitude was given where a longitude goes. "
                "geod.inv takes lon1, lat1, lon2, lat2, longitude first.",
            ),
            tryit.Mistake(
                lambda a: _number(a) and abs(float(a) / 1000 - _vladivostok_km()) <= 1,
                "That is metres: geod.inv measures in metres, so divide by 1000 for km.",
            ),
            tryit.Mistake(
                lambda a: _number(a) and abs(float(a) - _flat_grid_km()) <= 5,
                "That is Pythagoras on degrees, as if a degree of longitude were 111 km everywhere: at 40-43° N it "
                "is only about 83 km. Measure on the ellipsoid with geod.inv.",
            ),
        ),
    )
)


def _moscow_factors() -> Any:
    lon, lat = _lonlat("moscow")
    return Proj("EPSG:3857").get_factors(lon, lat)


def _close(answer: Any, value: float) -> bool:
    return _number(answer) and abs(float(answer) - value) <= 0.01 * value


tryit.register(
    tryit.Challenge(
        name="03.mercator_scale",
        lesson="03",
        task="Web Mercator's north-south length scale at Moscow, from pyproj's Proj.get_factors.",
        is_right=lambda a: _close(a, float(_moscow_factors().meridional_scale)),
        success="About 1.78: on Web Mercator every length at Moscow is drawn 78 % too long, 1/cos(55.75°).",
        mistakes=(
            tryit.Mistake(
                lambda a: _close(a, float(_moscow_factors().areal_scale)),
                "That is the area scale. Mercator stretches lengths by the same factor in both directions, so "
                "areas grow by its square: take meridional_scale for the length scale.",
            ),
            tryit.Mistake(
                lambda a: _close(a, math.cos(math.radians(_lonlat("moscow")[1]))),
                "That is cos(latitude), a factor below 1: Mercator does not shrink the north, it stretches it, by "
                '1/cos(latitude). Ask pyproj: Proj("EPSG:3857").get_factors(lon, lat).meridional_scale.',
            ),
            tryit.Mistake(
                lambda a: (
                    _number(a)
                    and any(
                        _close(a, float(Proj("EPSG:3857").get_factors(*_lonlat(p)).meridional_scale))
                        for p in ("pyongyang", "kursk_city")
                    )
                ),
                "That is the scale at another place: Mercator's scale depends only on the latitude, so take "
                "Moscow's row (lon 37.6, lat 55.8).",
            ),
            tryit.Mistake(
                lambda a: hasattr(a, "meridional_scale"),
                "get_factors returns an object with many factors: store the one number, .meridional_scale.",
            ),
        ),
    )
)
