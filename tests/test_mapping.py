"""newslens.mapping: the map layout lessons 2 and 3 share frames, scales and labels a map as a reader expects."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from pyproj import Geod, Transformer

from newslens.geo import load_layer
from newslens.mapping import add_scale_bar, frame, inset_map, km_ticks, set_extent, uncertainty_circle

matplotlib.use("Agg")

KOREA_CRS = "EPSG:5179"
KOREA_BOX = (123.5, 33.0, 136.5, 43.6)


def test_frame_keeps_only_the_region_and_reprojects_it():
    countries = load_layer("countries")
    korea = frame(countries, KOREA_BOX, KOREA_CRS)
    assert korea.crs.to_string() == KOREA_CRS
    assert {"PRK", "KOR"} <= set(korea["feature_id"]) and "ITA" not in set(korea["feature_id"])


def test_set_extent_shows_the_whole_box_in_projected_units():
    ax = Figure().add_subplot()
    set_extent(ax, KOREA_BOX, KOREA_CRS)
    to_map = Transformer.from_crs("EPSG:4326", KOREA_CRS, always_xy=True)
    for lon, lat in [(123.5, 33.0), (136.5, 43.6), (130.0, 43.6)]:  # corners and the middle of the north edge
        x, y = to_map.transform(lon, lat)
        assert ax.get_xlim()[0] <= x <= ax.get_xlim()[1] and ax.get_ylim()[0] <= y <= ax.get_ylim()[1]


def test_scale_bar_is_its_length_in_map_metres_and_says_so():
    ax = Figure().add_subplot()
    ax.set_xlim(0, 1_000_000)
    ax.set_ylim(0, 800_000)
    add_scale_bar(ax, 200)
    (bar,) = ax.lines
    assert np.ptp(bar.get_xdata()) == pytest.approx(200_000)
    assert [t.get_text() for t in ax.texts] == ["200 km"]


def test_km_ticks_label_metres_as_kilometres_on_an_equal_aspect():
    ax = Figure().add_subplot()
    km_ticks(ax)
    assert ax.xaxis.get_major_formatter()(2_500_000, 0) == "2,500" and ax.get_aspect() == 1.0


def test_inset_has_no_ticks_nor_labels():
    ax = Figure().add_subplot()
    inset = inset_map(ax, (0.6, 0.0, 0.4, 0.4), load_layer("countries"), (126.0, 39.4, 128.7, 40.6), KOREA_CRS)
    assert inset in ax.child_axes
    assert list(inset.get_xticks()) == [] and list(inset.get_yticks()) == [] and inset.get_xlabel() == ""


def test_uncertainty_circle_has_its_radius_on_the_ground():
    lon, lat, radius = 127.47, 39.75, 15.0  # the Sondok launch area
    ring = np.asarray(uncertainty_circle(lon, lat, radius).exterior.coords)
    n = len(ring)
    km = np.asarray(Geod(ellps="WGS84").inv(np.full(n, lon), np.full(n, lat), ring[:, 0], ring[:, 1])[2]) / 1000
    assert km == pytest.approx(np.full(n, radius), rel=0.01)
