"""newslens.projection_picker: every choice is drawn once, a change only swaps its picture and table, fast."""

from __future__ import annotations

import time

import geopandas as gpd
import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from shapely.geometry import LineString, Point, box

from newslens.projection_picker import ProjectionPicker, draw_projection, rings

matplotlib.use("Agg")


def _version(shift: float) -> dict:
    """A tiny cached version: one land square, two circles, one route between two named places."""
    points = gpd.GeoSeries([Point(0, 0), Point(10 + shift, 5)], index=["pyongyang", "moscow"])
    return {
        "land": rings(gpd.GeoSeries([box(-5, -5, 20, 12)])),
        "circles": rings(gpd.GeoSeries([p.buffer(1) for p in points])),
        "routes": gpd.GeoDataFrame(geometry=[LineString([(0, 0), (10 + shift, 5)])]),
        "points": points,
        "names": pd.Series({"pyongyang": "Pyongyang", "moscow": "Moscow"}),
        "distances": pd.DataFrame({"planar_km": [10 + shift]}, index=["Pyongyang–Moscow"]),
    }


def test_draw_projection_draws_land_circles_routes_and_named_places():
    ax = Figure().add_subplot()
    draw_projection(ax, _version(0), "Web Mercator")
    assert ax.get_title() == "Web Mercator"
    assert len(ax.collections) == 2 and len(ax.lines) == 2  # land + circles; the route + the places
    assert sorted(t.get_text() for t in ax.texts) == ["Moscow", "Pyongyang"]


def test_picker_draws_each_title_once_and_swaps_pictures_quickly(monkeypatch):
    projected = {
        ("Web Mercator", "pyongyang"): _version(0),
        ("Web Mercator", "moscow"): _version(0),
        ("Azimuthal equidistant", "pyongyang"): _version(1),
        ("Azimuthal equidistant", "moscow"): _version(2),
    }
    titles = {key: key[0] if key[0] == "Web Mercator" else f"{key[0]}, centred on {key[1]}" for key in projected}
    renders = []
    original = ProjectionPicker._render
    monkeypatch.setattr(ProjectionPicker, "_render", staticmethod(lambda *a: renders.append(a[1]) or original(*a)))
    picker = ProjectionPicker(
        projected,
        titles,
        [("Pyongyang", "pyongyang"), ("Moscow", "moscow")],
        [],
        "x",
        value=("Web Mercator", "pyongyang"),
    )
    assert sorted(renders) == sorted(set(titles.values()))  # Web Mercator, which has no centre, drawn once
    assert picker.image.startswith(b"\x89PNG") and picker.shown == ("Web Mercator", "pyongyang")
    start = time.process_time()
    picker.projection.value = "Azimuthal equidistant"
    assert time.process_time() - start < 0.1
    assert picker.shown == ("Azimuthal equidistant", "pyongyang")
    assert picker.distance_view["planar_km"].iloc[0] == 11
    first = picker.image
    picker.centre.value = "moscow"
    assert picker.image != first and picker.distance_view["planar_km"].iloc[0] == 12
    picker.projection.value = "Web Mercator"
    assert picker.images[("Web Mercator", "moscow")] is picker.images[("Web Mercator", "pyongyang")]
