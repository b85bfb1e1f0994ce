"""newslens.timeline_explorer: the quick frame shows what the figure shows, for every selection, and the PNG is exact.

The explorer pastes kept pixels (background, row labels, maps per set of places) instead of drawing; these tests
compare its frames with the figure drawn in full by matplotlib, so a paste in the wrong place or a stale cache
shows as a difference a student would see.
"""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.lines import Line2D
from PIL import Image
from shapely.geometry import Point, box

from newslens import style
from newslens.timeline_explorer import FADED, TimelineExplorer, png_bytes

matplotlib.use("Agg")

DAYS = pd.to_datetime


@pytest.fixture
def explorer() -> TimelineExplorer:
    return make_explorer()


def make_explorer() -> TimelineExplorer:
    """Three events (a one-day event, a year-long one, a later one) at two places: a point and an area."""
    timeline = pd.DataFrame(
        {
            "event_id": ["treaty", "deployment", "letter"],
            "place_id": ["moscow", "korea", "moscow"],
            "label": ["Treaty signed in Pyongyang", "Troops sent to Russia, dated only 'in 2024'", "Letter to Kim"],
            "event_start": DAYS(["2024-06-19", "2024-01-01", "2025-12-18"]),
            "event_end": DAYS(["2024-06-19", "2024-12-31", "2025-12-18"]),
            "report_date": DAYS(["2024-06-19", "2024-10-18", "2025-12-25"]),
            "width_days": [0, 365, 0],
            "y": [0, 1, 2],
        }
    )
    places = gpd.GeoDataFrame(
        {"place_id": ["moscow", "korea"], "drawn_as": ["point", "area"]},
        geometry=[Point(37.6, 55.8), box(124, 37.5, 130.7, 43)],
        crs="EPSG:4326",
    )
    basemap = gpd.GeoDataFrame(geometry=[box(20, 30, 140, 65)], crs="EPSG:4326")
    handles = [Line2D([], [], color=style.PALETTE[0], marker="s", linestyle="", label="exact day")]
    return TimelineExplorer(
        timeline,
        colours=[style.PALETTE[0], style.PALETTE[3], style.PALETTE[0]],
        places=places,
        basemap=basemap,
        extent=(5, 25, 150, 72),
        highlight=style.OKABE_ITO["reddish_purple"],
        legend_handles=handles,
        source_note="Data: a test",
    )


def _frame(explorer: TimelineExplorer) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(explorer.render())).convert("RGB")).astype(int)


def _full_draw(explorer: TimelineExplorer) -> np.ndarray:
    explorer.fig.canvas.draw()
    full = np.asarray(explorer.fig.canvas.buffer_rgba())[:, :, :3].astype(int)
    return full.copy()


def _differing_share(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape
    return float((np.abs(a - b).max(axis=2) > 24).mean())


SELECTIONS = [
    (["treaty", "deployment", "letter"], ["moscow", "korea"], "2024-01-01", "2025-12-31"),
    (["letter"], ["moscow"], "2025-12-15", "2025-12-31"),
    ([], [], "2023-03-01", "2023-03-02"),
    (["deployment"], ["korea"], "2024-07-01", "2024-09-30"),
    (["letter"], ["moscow"], "2025-12-10", "2025-12-20"),  # the same places as before: the map comes from the cache
]


@pytest.mark.parametrize("selection", range(len(SELECTIONS)))
def test_quick_frame_matches_the_full_drawing(explorer, selection):
    # Every selection before this one, then this one: a stale paste (label or map) would leave a difference.
    for events, places, start, end in SELECTIONS[: selection + 1]:
        explorer.show(events, places, pd.Timestamp(start), pd.Timestamp(end))
        frame = _frame(explorer)
    full = _full_draw(explorer)
    # The row labels (left of the timeline's axes) and the map must be exactly what matplotlib draws...
    margin = int(explorer.ax_timeline.bbox.x0) - 2
    map_rows, map_cols = explorer._map_box
    assert _differing_share(frame[:, :margin], full[:, :margin]) == 0, "a row label is missing or misplaced"
    assert _differing_share(frame[map_rows, map_cols], full[map_rows, map_cols]) == 0, "the map is stale"
    # ...and the whole frame nearly so: the quick frame draws the band over the axes' spines, the full one under.
    assert _differing_share(frame, full) < 0.002


def test_selection_restyles_labels_bars_places_and_title(explorer):
    explorer.show(["letter"], ["moscow"], pd.Timestamp("2025-12-15"), pd.Timestamp("2025-12-31"))
    assert [label.get_visible() for label in explorer.labels] == [False, False, True]
    assert explorer.bars.get_colors()[:, 3].tolist() == [FADED, FADED, 1.0]
    lit = style.translucent(style.OKABE_ITO["reddish_purple"], 0.9)
    faces = {p: tuple(matplotlib.colors.to_rgba_array(a.get_facecolor())[0]) for p, a in explorer.place_artists.items()}
    assert faces["moscow"] == pytest.approx(lit) and faces["korea"] != pytest.approx(lit)
    assert explorer.title.get_text() == "1 of 3 events overlap 15 Dec 2025 to 31 Dec 2025"
    assert explorer.highlighted == ["moscow"]


def test_place_artists_carry_their_place_id(explorer):
    # tests/test_map_precision.py finds each place's mark by its gid.
    assert {p: a.get_gid() for p, a in explorer.place_artists.items()} == {
        "moscow": "place:moscow",
        "korea": "place:korea",
    }


def test_a_frame_without_title_differs_only_in_the_title(explorer):
    explorer.show(["letter"], ["moscow"], pd.Timestamp("2025-12-15"), pd.Timestamp("2025-12-31"))
    with_title = _frame(explorer)
    without = np.asarray(Image.open(io.BytesIO(explorer.render(with_title=False))).convert("RGB")).astype(int)
    box = explorer.title.get_window_extent()
    height = with_title.shape[0]
    rows, cols = slice(int(height - box.y1) - 1, int(height - box.y0) + 2), slice(int(box.x0) - 1, int(box.x1) + 2)
    assert _differing_share(with_title[rows, cols], without[rows, cols]) > 0.05  # the title is there, then not
    with_title[rows, cols] = without[rows, cols] = 0
    assert _differing_share(with_title, without) == 0


def test_figure_is_at_the_course_resolution(explorer):
    width, height = explorer.fig.canvas.get_width_height()
    assert explorer.fig.dpi == 100
    png = Image.open(io.BytesIO(explorer.render()))
    assert png.size == (width, height)


def test_png_bytes_is_an_exact_png():
    rng = np.random.default_rng(16)
    rgba = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    decoded = Image.open(io.BytesIO(png_bytes(rgba)))
    assert decoded.mode == "RGBA" and decoded.size == (5, 7)
    assert (np.asarray(decoded) == rgba).all()
