"""newslens.style.apply() makes a notebook's maps draw once, and they still come out whole.

geopandas ends each ``plot`` with ``canvas.draw_idle()``; on the inline backend's Agg canvas that used to draw
the whole figure at once, so a map of n layers was drawn n + 1 times (the bench's build time paid for it).
"""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from shapely.geometry import Point, box

from newslens import style

matplotlib.use("Agg")


def _layers() -> list[gpd.GeoDataFrame]:
    land = gpd.GeoDataFrame(geometry=[box(0, 0, 10, 10)], crs="EPSG:3857")
    regions = gpd.GeoDataFrame(geometry=[box(1, 1, 4, 4), box(6, 6, 9, 9)], crs="EPSG:3857")
    places = gpd.GeoDataFrame(geometry=[Point(2, 2), Point(7, 8)], crs="EPSG:3857")
    circles = places.buffer(1.0)
    return [land, regions, gpd.GeoDataFrame(geometry=circles), places]


def _map_png(draws: list[int]) -> tuple[bytes, int]:
    """Plot four layers on one axes and save it; return the PNG and how many times the figure was drawn."""
    fig = Figure(figsize=(3, 3))
    FigureCanvasAgg(fig)
    original = fig.draw

    def counting_draw(renderer):  # type: ignore[no-untyped-def]
        draws.append(1)
        return original(renderer)

    fig.draw = counting_draw  # type: ignore[method-assign]
    ax = fig.add_subplot()
    for colour, layer in zip(["#EEEEEE", "#009E73", "#E69F00", "#0072B2"], _layers(), strict=True):
        layer.plot(ax=ax, color=colour)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue(), len(draws)


@pytest.fixture
def plain_draw_idle():
    saved = FigureCanvasAgg.draw_idle
    yield
    FigureCanvasAgg.draw_idle = saved  # type: ignore[method-assign]


def test_a_four_layer_map_is_drawn_once_after_apply_and_looks_the_same(plain_draw_idle):
    style.apply()
    after_png, after = _map_png([])
    # The same course style with matplotlib's own draw_idle, which draws at once.
    FigureCanvasAgg.draw_idle = matplotlib.backend_bases.FigureCanvasBase.draw_idle  # type: ignore[method-assign]
    before_png, before = _map_png([])
    # Without apply, every geopandas plot call drew the whole figure, then saving drew it again.
    assert before == 5
    assert after == 1
    first = np.asarray(Image.open(io.BytesIO(before_png)).convert("RGB"))
    second = np.asarray(Image.open(io.BytesIO(after_png)).convert("RGB"))
    assert first.shape == second.shape
    assert np.array_equal(first, second), "the map drawn once differs from the map drawn five times"
