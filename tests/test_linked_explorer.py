"""newslens.linked_explorer, the machinery of lesson 6's linked explorer, checked on the course's own data.

What a student sees: a selection colours exactly its places and events; the widget's picture is the handout's
figure; a selection never leaves artists or marks behind for the next one; the figures read at print size (no
overlapping names, no name over a marker); and the callback's drawing stays well under 100 ms of CPU.
"""

from __future__ import annotations

import io
import statistics
import time

import geopandas as gpd
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402
from shapely.geometry import Point, box  # noqa: E402

from newslens import style  # noqa: E402
from newslens.data import load_claims, load_events, load_places, load_sources  # noqa: E402
from newslens.geo import area_for, load_layer  # noqa: E402
from newslens.linked_explorer import LinkedExplorer, png_bytes  # noqa: E402
from newslens.readability import describe, readability_failures  # noqa: E402

MAP_CRS = "+proj=lcc +lat_1=40 +lat_2=55 +lat_0=45 +lon_0=85 +datum=WGS84 +units=m"
FRAMES = {"Russia and Ukraine": box(28, 47, 44, 58), "Korean peninsula": box(123, 33.5, 132, 43.5)}


@pytest.fixture(scope="module")
def evidence():
    sources = load_sources(judgements=True)[["source_id", "name", "source_type", "reliability"]]
    events = load_events()[["event_id", "label_en", "event_start", "event_end", "report_date", "place_id"]]
    return load_claims(judgements=True).merge(sources, on="source_id").merge(events, on="event_id", how="left")


@pytest.fixture(scope="module")
def explorer(evidence):
    """The explorer as lesson 6 builds it, from the tables (points for precision 1, circles for a radius, areas)."""
    with matplotlib.rc_context():
        style.apply()
        places = load_places()
        used = places[places["place_id"].isin(evidence["place_id"].dropna())]
        as_point = used["lat"].notna() & used["geo_precision"].eq(1)
        as_circle = used["lat"].notna() & ~as_point & used["uncertainty_radius_km"].notna()
        points = gpd.GeoDataFrame(
            used.loc[as_point, ["place_id"]],
            geometry=gpd.points_from_xy(used[as_point].lon, used[as_point].lat),
            crs=4326,
        ).to_crs(MAP_CRS)
        circles = []
        for p in used[as_circle].itertuples():
            local = f"+proj=aeqd +lat_0={p.lat} +lon_0={p.lon} +datum=WGS84 +units=m"
            circles.append(
                gpd.GeoSeries([Point(0, 0).buffer(p.uncertainty_radius_km * 1000)], crs=local).to_crs(4326)[0]
            )
        circles = gpd.GeoDataFrame(used.loc[as_circle, ["place_id"]], geometry=circles, crs=4326).to_crs(MAP_CRS)
        groups = used[~as_point & ~as_circle].groupby("geometry_ref")["place_id"].agg(list)
        dated = evidence.dropna(subset=["event_start"]).drop_duplicates("event_id").sort_values("event_start")
        made = LinkedExplorer(
            land=load_layer("countries"),
            frames=FRAMES,
            crs=MAP_CRS,
            points=points,
            circles=circles,
            areas={ref: area_for(ref).to_crs(MAP_CRS).geometry.iloc[0] for ref in groups.index},
            area_members=groups.to_dict(),
            names=used.set_index("place_id")["name_en"].str.split(" (", regex=False).str[0].to_dict(),
            events=dated,
            n_claims=len(evidence),
        )
        yield made
    plt.close("all")


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def test_png_bytes_is_a_lossless_png_of_the_pixels():
    rng = np.random.default_rng(6)
    rgba = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    assert (pixels(png_bytes(rgba)) == rgba[:, :, :3]).all()


def test_a_selection_colours_exactly_its_places_and_events(explorer, evidence):
    selection = evidence[evidence["credibility"] <= 2]
    explorer.png(selection, "Selected")
    layer = explorer.layer
    assert layer["title"].get_text() == f"Selected: {len(selection)} of {len(evidence)} claims"
    place_ids = set(selection["place_id"].dropna())
    for panel in layer["maps"]:
        assert len(panel["points"].get_offsets()) == len(place_ids & set(explorer.point_ids))
        circled = [p for p in explorer.circle_paths if p in place_ids]
        assert panel["circles"].get_gid() == "places:" + ";".join(circled)
        areas = [ref for ref, members in explorer.area_members.items() if place_ids & set(members)]
        assert len(panel["areas"].get_paths()) == len(areas)
    events = evidence.dropna(subset=["event_start"]).drop_duplicates("event_id")
    picked = events[events["event_id"].isin(selection["event_id"])]
    spans = picked["event_end"] > picked["event_start"]
    assert len(layer["timeline"]["bars"]) == spans.sum()
    assert len(layer["timeline"]["days"].get_offsets()) == (~spans).sum()
    assert len(layer["timeline"]["reports"].get_offsets()) == picked["report_date"].notna().sum()


def test_the_widget_shows_the_handout_figure(explorer, evidence):
    selection = evidence[evidence["source_type"] == "state_media"]
    widget = pixels(explorer.png(selection, "Selected"))
    fig, _ = explorer.still(selection, "Selected")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # the full figure, no crop: the widget's frame
    plt.close(fig)
    still = pixels(buffer.getvalue())
    assert widget.shape == still.shape
    differ = (np.abs(widget - still).max(axis=2) > 40).mean()
    assert differ < 0.005, f"{differ:.2%} of the widget's pixels differ from the handout figure's"


def test_a_selection_leaves_nothing_behind(explorer, evidence):
    artists = len(explorer.figure.findobj())
    first = explorer.png(evidence.iloc[:3], "Selected")
    explorer.png(evidence, "Selected")
    explorer.png(evidence.iloc[:0], "Selected")
    assert explorer.png(evidence.iloc[:3], "Selected") == first
    assert len(explorer.figure.findobj()) == artists, "a selection must change artists, never add them"


@pytest.mark.parametrize("low, high", [(1, 6), (1, 2), (5, 6)])
def test_figures_read_at_print_size(explorer, evidence, low, high):
    fig, _ = explorer.still(evidence[evidence["credibility"].between(low, high)], f"Credibility {low}-{high}")
    assert [describe(f) for f in readability_failures(fig)] == []
    plt.close(fig)


def test_the_callback_drawing_is_quick(explorer, evidence):
    selections = [
        evidence[evidence["credibility"].between(low, high)] for low, high in [(1, 2), (3, 6), (2, 4), (1, 6)]
    ]
    seconds = []
    for selection in selections * 3:
        start = time.process_time()
        explorer.png(selection, "Selected")
        seconds.append(time.process_time() - start)
    assert statistics.median(seconds) < 0.08, f"median {statistics.median(seconds) * 1000:.0f} ms of CPU"


def test_a_change_that_keeps_the_same_claims_is_not_drawn_again(explorer, evidence):
    selection = evidence[evidence["credibility"] <= 5]
    first = explorer.png(selection, "Selected")
    start = time.process_time()
    again = explorer.png(selection.copy(), "Selected")
    assert again == first
    assert time.process_time() - start < 0.005
    assert explorer.png(selection, "Other title") != first
