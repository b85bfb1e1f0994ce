"""Lesson 4's explorer: a timeline of the events beside a map of their places, restyled when a date range changes.

The lesson teaches the selection (which events overlap a date range, which places they happened at) and the
drawing of a timeline; this module holds the plumbing that makes the slider answer at once, which is not the skill:

* the figure is drawn once. A change of range only restyles artists that already exist (colours, visibility, the
  width of the band) and never recomputes geometry or re-plots the map;
* *blitting*: everything that never changes (basemap, axes, legend, source line) is drawn once and kept as
  pixels; each frame pastes them back and draws only the changing artists on top;
* row labels and the map are kept as pixels too. Text is the slowest thing Agg draws (about 8 ms a label here),
  so each event's label is drawn once, in a margin where nothing else is drawn, and pasted in its row when the
  event is selected; the map's pixels are kept per set of highlighted places, so a range that lights up the same
  places as an earlier one costs a copy;
* the PNG is written by :func:`png_bytes`, unfiltered and lightly compressed: twice as quick as PIL's encoder.

Drawn through :meth:`TimelineExplorer.render`, the figure is the one matplotlib would draw: displayed as a figure
(``display(explorer.fig)``, the handout's way), it is drawn in full, the normal way.
"""

from __future__ import annotations

import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba, to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from shapely.plotting import patch_from_polygon

from . import style

__all__ = ["FADED", "FADED_COLOUR", "TimelineExplorer", "png_bytes"]

#: Unselected events: dark grey at 60 % opacity, still 3.3:1 against the white axes (visible, but receding).
FADED, FADED_COLOUR = 0.6, to_rgba("#333333")
_ONE_DAY = pd.Timedelta(days=1)
_NOON = pd.Timedelta(hours=12)  # single-day marks go in the middle of their day
#: How many maps (one per set of highlighted places) are kept as pixels; each is about 1 MB.
_MAP_CACHE_SIZE = 24


class TimelineExplorer:
    """The explorer's figure and the artists a change of range restyles.

    ``timeline``: one row per event, in drawing order, with ``event_id``, ``place_id``, ``y`` (the row),
    ``label``, ``event_start``, ``event_end``, ``report_date`` and ``width_days``; ``colours``: each row's colour
    (by precision, say); ``places``: a GeoDataFrame in EPSG:4326 with ``place_id``, ``drawn_as`` ("point",
    "circle" or "area") and the geometry to draw; ``basemap``: the land under them; ``extent``: the map's
    (west, south, east, north); ``legend_handles``: what the colours mean, shown before the map's own entries.
    """

    def __init__(
        self,
        timeline: pd.DataFrame,
        colours: Sequence[Any],
        places: gpd.GeoDataFrame,
        basemap: gpd.GeoDataFrame,
        *,
        extent: tuple[float, float, float, float],
        highlight: str,
        legend_handles: Sequence[Artist] = (),
        circle_note: str = "known to within a radius (circle)",
        source_note: str = "",
        width: float = 6.6,
        row_height: float = 0.135,
        map_height: float = 2.3,
        dpi: int = 100,
        label_size: float = 8,
    ) -> None:
        self.timeline = timeline.reset_index(drop=True)
        self.highlight_colour = highlight
        self.base_colours = to_rgba_array(list(colours))
        self.fig = Figure(figsize=(width, 1), dpi=dpi)
        # A canvas of its own, which keeps its pixels between frames. Typed Any, as are the collections below:
        # matplotlib's stubs leave the blitting calls untyped and refuse the colour arrays it accepts.
        self.canvas: Any = FigureCanvasAgg(self.fig)
        self.ax_timeline = self.fig.add_axes((0, 0, 1, 1))
        self.ax_map = self.fig.add_axes((0, 0, 1, 1))
        self._draw_timeline(label_size)
        self._draw_map(places, basemap, extent)
        self._draw_legend(legend_handles, circle_note, source_note)
        self._lay_out(width, row_height, map_height)
        self.selected = np.ones(len(self.timeline), dtype=bool)
        self.highlighted: list[str] = list(places["place_id"])
        self._map_cache: OrderedDict[tuple[str, ...], np.ndarray] = OrderedDict()
        self._keep_static_pixels()

    def _lay_out(self, width: float, row_height: float, map_height: float) -> None:
        # In inches, from the top: the timeline's title, its rows (labels in the left margin, as wide as the
        # longest label), its date axis; the map's title, the map; the legend and the source line.
        renderer = self.canvas.get_renderer()
        dpi = self.fig.dpi
        margin = max(label.get_window_extent(renderer).width for label in self.labels) / dpi + 0.15
        rows = row_height * len(self.timeline)
        title, axis, map_title, map_axis, legend = 0.45, 0.55, 0.4, 0.35, 1.2
        height = title + rows + axis + map_title + map_height + map_axis + legend
        self.fig.set_size_inches(width, height)
        self.ax_timeline.set_position((margin / width, (height - title - rows) / height, 1 - (margin + 0.1) / width,
                                       rows / height))  # fmt: skip
        self.ax_map.set_position((0.05, (legend + map_axis) / height, 0.93, map_height / height))
        self.title.set_position((0.1 / width, 1 - 0.3 / height))

    # -- drawing, once ------------------------------------------------------------------------------------------

    def _draw_map(self, places: gpd.GeoDataFrame, basemap: gpd.GeoDataFrame, extent: tuple[float, ...]) -> None:
        ax = self.ax_map
        ax.set_facecolor(style.WATER)
        basemap.plot(ax=ax, color=style.LAND, edgecolor=style.BORDER, linewidth=0.4)
        self.place_artists: dict[str, Artist] = {}
        for shape in places.itertuples():
            artist: Artist
            if shape.drawn_as == "point":
                artist = ax.scatter(
                    shape.geometry.x, shape.geometry.y, s=40, edgecolor="black", linewidth=0.8, zorder=3
                )
            else:  # one patch per circle or area, so that it can be recoloured; circles above areas
                zorder, dashes = (2.5, "--") if shape.drawn_as == "circle" else (2, "-")
                patch = patch_from_polygon(shape.geometry, edgecolor="black", linewidth=0.5, linestyle=dashes)
                patch.set_zorder(zorder)
                artist = ax.add_patch(patch)
            artist.set_gid(f"place:{shape.place_id}")  # which place this artist draws (tests/test_map_precision.py)
            self.place_artists[shape.place_id] = artist
        west, south, east, north = extent
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"longitude {west:g}°E to {east:g}°E (plate carrée)", fontsize=9)
        ax.set_ylabel(f"latitude {south:g}°N to {north:g}°N", fontsize=9)
        ax.set_title("Places of the selected events", y=1.02, fontsize=11)

    def _draw_timeline(self, label_size: float) -> None:
        ax, rows = self.ax_timeline, self.timeline
        # Every event as a thick segment from its first to its last possible day (+1 day, so one-day events show),
        # over a black outline 1.5 points wider that lets the light colours stand out; one collection each.
        starts, ends = _day_numbers(rows["event_start"]), _day_numbers(rows["event_end"] + _ONE_DAY)
        segments = [[(s, y), (e, y)] for s, e, y in zip(starts, ends, rows["y"], strict=True)]
        self.outlines: Any = LineCollection(segments, linewidths=9, colors="black")
        self.bars: Any = LineCollection(segments, linewidths=6, colors=self.base_colours)
        ax.add_collection(self.outlines)
        ax.add_collection(self.bars)
        # A dot for each one-day event, which a one-day segment on a four-year axis would not show.
        sizes = np.where(rows["width_days"] == 0, 22, 0)
        self.days: Any = ax.scatter(rows["event_start"] + _NOON, rows["y"], s=sizes, c=self.base_colours, zorder=2)
        self.reports: Any = ax.scatter(
            rows["report_date"] + _NOON, rows["y"], marker="D", s=14, facecolor="white", edgecolors="black",
            linewidths=0.6, zorder=3,
        )  # fmt: skip
        first, last = rows["event_start"].min(), rows["event_end"].max()
        self.band = ax.axvspan(first, last, color=self.highlight_colour, alpha=0.12, zorder=0.5)
        ax.set_xlim(first - 30 * _ONE_DAY, last + 30 * _ONE_DAY)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_yticks([])  # row labels are texts left of the axes, pasted as pixels (see render)
        self.labels = [
            ax.text(-0.01, y, label, transform=ax.get_yaxis_transform(), ha="right", va="center", fontsize=label_size)
            for y, label in zip(rows["y"], rows["label"], strict=True)
        ]
        ax.xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
        ax.set_xlabel("date")
        # The title counts the selection; a figure text at a fixed place, left-aligned, however long it is.
        self.title = self.fig.text(0, 1, "", fontsize=11, fontweight="bold", ha="left", va="baseline")

    def _draw_legend(self, handles: Sequence[Artist], circle_note: str, source_note: str) -> None:
        colour = self.highlight_colour
        self.legend = self.fig.legend(
            handles=[
                *handles,
                Line2D([], [], marker="o", color=colour, markeredgecolor="black", linestyle="", label="exact place"),
                Patch(facecolor=colour, edgecolor="black", linestyle="--", label=circle_note),
                Patch(facecolor=colour, edgecolor="black", label="an area, or the area around an undisclosed site"),
                Patch(facecolor=style.translucent(style.BORDER, 0.3), edgecolor="black", label="other event places"),
            ],
            loc="lower center",
            bbox_to_anchor=(0.5, 0.03),
            ncol=2,
            fontsize=8,
            title=f"Timeline: how precise the date is. Map: places of the selected events ({_name(colour)})",
            title_fontsize=8,
        )
        if source_note:
            self.fig.text(0.01, 0.01, source_note, fontsize=8)

    def _dynamic(self) -> list[Artist]:
        # What a frame draws with draw_artist, in z-order (band under bars, dots over areas).
        timeline = [self.band, self.outlines, self.bars, self.days, self.reports]
        return sorted(timeline, key=lambda artist: artist.get_zorder()) + [self.title]

    def _keep_static_pixels(self) -> None:
        # Draw with every changing artist hidden: that is the background each frame starts from. Then draw the
        # labels once, and keep each label's row (its strip of the margin) as pixels.
        changing = [*self._dynamic(), *self.labels, *self.place_artists.values()]
        for artist in changing:
            artist.set_visible(False)
        canvas = self.canvas
        canvas.draw()
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        for label in self.labels:
            label.set_visible(True)
            self.fig.draw_artist(label)
        pixels = self._pixels()
        height = pixels.shape[0]
        to_display = self.ax_timeline.transData
        self._label_rows = []
        for label, y in zip(self.labels, self.timeline["y"], strict=True):
            extent = label.get_window_extent()
            top, bottom = (height - to_display.transform([(0, y + s)])[0][1] for s in (-0.5, 0.5))
            rows = slice(max(int(np.floor(top)), 0), min(int(np.ceil(bottom)), height))
            cols = slice(max(int(np.floor(extent.x0)) - 1, 0), int(np.ceil(extent.x1)) + 1)
            self._label_rows.append((rows, cols, pixels[rows, cols].copy()))
        box = self.ax_map.bbox  # the map's axes, where only place artists change
        self._map_box = (slice(int(height - box.y1), int(height - box.y0)), slice(int(box.x0), int(box.x1)))
        canvas.restore_region(self._background)
        for artist in changing:
            artist.set_visible(True)

    def _pixels(self) -> np.ndarray:
        # The canvas's RGBA buffer as a (writable) array: row 0 is the top of the figure.
        return np.asarray(self.canvas.buffer_rgba())

    # -- each change of range -----------------------------------------------------------------------------------

    def show(self, event_ids: Iterable[str], place_ids: Iterable[str], start: pd.Timestamp, end: pd.Timestamp) -> None:
        """Restyle the figure for a selection: those events in full colour (the others faded, their labels
        hidden), those places in the highlight colour, the band over [start, end] and a title that counts them."""
        self.selected = self.timeline["event_id"].isin(list(event_ids)).to_numpy()
        self.highlighted = sorted(set(place_ids))
        on = self.selected
        colours = np.where(on[:, None], self.base_colours, FADED_COLOUR)
        colours[:, 3] = np.where(on, 1.0, FADED)
        self.outlines.set_colors(np.where(on[:, None], (0, 0, 0, 1.0), (0, 0, 0, 0.0)))
        self.bars.set_colors(colours)
        self.days.set_facecolor(colours)
        self.reports.set_edgecolor(np.column_stack([np.zeros((len(on), 3)), colours[:, 3]]))
        for label, visible in zip(self.labels, on, strict=True):
            label.set_visible(bool(visible))
        lit, unlit = style.translucent(self.highlight_colour, 0.9), style.translucent(style.BORDER, 0.3)
        for place_id, artist in self.place_artists.items():
            # Translucent fills with opaque black outlines (a patch's alpha would fade its outline too).
            artist.set_facecolor(lit if place_id in self.highlighted else unlit)  # type: ignore[attr-defined]
        first, after_last = _day_numbers(pd.Series([start, end + _ONE_DAY]))
        self.band.set_x(first)
        self.band.set_width(after_last - first)
        self.title.set_text(f"{on.sum()} of {len(on)} events overlap {start:%d %b %Y} to {end:%d %b %Y}")

    def render(self, with_title: bool = True) -> bytes:
        """The figure as it stands, as PNG bytes, drawn the quick way (see the module's docstring).

        ``with_title=False`` leaves the title's line empty, for a widget that shows :attr:`title`'s text above the
        image as HTML: the title is the one text that changes every frame, and drawing it is a fifth of a frame.
        """
        canvas = self.canvas
        canvas.get_renderer()  # the renderer of the figure's own size (a savefig elsewhere may have swapped it)
        canvas.restore_region(self._background)
        pixels = self._pixels()
        for (rows, cols, label_pixels), visible in zip(self._label_rows, self.selected, strict=True):
            if visible:
                pixels[rows, cols] = label_pixels
        self._draw_map_places(pixels)
        for artist in self._dynamic():
            if with_title or artist is not self.title:
                self.fig.draw_artist(artist)
        return png_bytes(pixels)

    def _draw_map_places(self, pixels: np.ndarray) -> None:
        key = tuple(self.highlighted)
        rows, cols = self._map_box
        kept = self._map_cache.get(key)
        if kept is not None:
            self._map_cache.move_to_end(key)
            pixels[rows, cols] = kept
            return
        for artist in sorted(self.place_artists.values(), key=lambda a: a.get_zorder()):
            self.fig.draw_artist(artist)
        self._map_cache[key] = pixels[rows, cols].copy()
        if len(self._map_cache) > _MAP_CACHE_SIZE:
            self._map_cache.popitem(last=False)


def _day_numbers(days: pd.Series) -> np.ndarray:
    # matplotlib's date numbers (days since its epoch) for a Series of timestamps.
    return np.asarray(mdates.date2num(days), dtype=float)  # type: ignore[no-untyped-call]


def png_bytes(rgba: np.ndarray) -> bytes:
    """An (height, width, 4) uint8 RGBA array as a PNG: unfiltered rows, zlib level 1.

    Written by hand because it is what a frame costs most: PIL's encoder (adaptive row filters, and a copy to drop
    the alpha channel) takes about twice as long for these mostly flat images, and the PNG is shown once, on the
    machine that made it. Kept as RGBA (the alpha is opaque): copying the buffer whole is quicker than slicing.
    """
    height, width, _ = rgba.shape
    rows = np.empty((height, width * 4 + 1), dtype=np.uint8)
    rows[:, 0] = 0  # each row starts with its filter type: 0, none
    rows[:, 1:] = rgba.reshape(height, width * 4)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits per channel, RGBA
    idat = zlib.compress(rows.tobytes(), 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _name(colour: str) -> str:
    # The Okabe-Ito name of a course colour, for the legend ("reddish purple"), or the colour as given.
    names = {value.lower(): key.replace("_", " ") for key, value in style.OKABE_ITO.items()}
    return names.get(colour.lower(), colour)
