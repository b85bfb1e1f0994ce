"""The drawing machinery of lesson 6's linked explorer: two map panels and a timeline that colour one selection.

The lesson teaches the evidence table, the rule that a place is drawn as precisely as it is known, and the filter
that picks the claims; it builds the widgets and their callback itself. What makes that callback answer in well
under 100 ms is not the skill being taught, so it lives here, tested by tests/test_linked_explorer.py:

- every shape is converted once into a matplotlib ``Path`` (geopandas' ``.plot()`` rebuilds its artists at every
  call), and the land is clipped to each map frame once;
- every highlight artist (hatched areas, filled circles, large dots, coloured bars and dots, report ticks, the
  title) is created once, hidden; a selection only changes their data, text and visibility, never creates one;
- the grey base, with every place's name, is drawn once and its pixels kept (*blitting*): a selection pastes them
  back, draws the visible highlights on top, pastes the names' pixels back over them (no text is drawn but the
  title), and writes the result as a PNG for an ``ipywidgets.Image`` (:func:`png_bytes`, quicker than Pillow's);
- a change that keeps the same places, events and count gives back the last picture.

The same construction draws the handout's still figures (:meth:`LinkedExplorer.still`), so the picture a student
sees in the widget and the one printed in the handout cannot drift apart.

Names never overlap: a name does not depend on the selection, so it is placed once, with the course's placement
(:func:`newslens.style.place_labels`), clear of the other names and of every marker a selection can show;
tests/test_linked_explorer.py runs newslens.readability, the course's print-size check, on the figures.
"""

from __future__ import annotations

import struct
import textwrap
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.text import Annotation, Text
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from . import style

__all__ = ["LinkedExplorer", "png_bytes", "shape_to_path"]

#: The size of the explorer's figure (inches) and of its texts (points). 6.5 in wide, the figure prints at its own
#: size on an A4 page (newslens.readability: up to about 6.7 in with the crop), so 8 pt text prints at 8 pt.
FIGSIZE = (6.5, 9.4)
FONT_SIZE = 8
#: Where a timeline label is wrapped (characters): two short lines keep the label's meaning, a cut does not.
LABEL_WIDTH = 46
#: A name on a map sits on a small white box: legible over hatching, borders and coastlines (and opaque, so the
#: widget can paste its pixels over the highlights).
LABEL_BOX = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"}


def png_bytes(rgba: np.ndarray) -> bytes:
    """An RGB PNG of an RGBA pixel array (height x width x 4, uint8), alpha dropped, written directly.

    Pillow's PNG encoder tries five filters on every row to pick the best; on a figure of flat colours that search
    costs more than the compression, so this writer uses no filter and zlib's fastest level: about a third quicker,
    for a file about the same size (the explorer's 650 x 940 pixels: about 120 KB).
    """
    height, width = rgba.shape[:2]
    raw = np.empty((height, 1 + width * 3), dtype=np.uint8)
    raw[:, 0] = 0  # filter type 0 (None) for every row
    raw[:, 1:] = rgba[:, :, :3].reshape(height, width * 3)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits per channel, RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.data, 1)) + chunk(b"IEND", b"")
    )


def shape_to_path(shape: BaseGeometry) -> Path:
    """A matplotlib Path for a shapely Polygon or MultiPolygon, holes included (drawn without geopandas)."""
    polygons = getattr(shape, "geoms", [shape])
    rings = [ring for polygon in polygons for ring in (polygon.exterior, *polygon.interiors)]
    return Path.make_compound_path(*[Path(np.asarray(ring.coords)[:, :2], closed=True) for ring in rings])


def _patches(paths: Iterable[Path]) -> list[PathPatch]:
    return [PathPatch(path) for path in paths]


@dataclass
class _Panel:
    """The highlight artists of one map panel, created once, and its names (part of the base)."""

    areas: PatchCollection
    circles: PatchCollection
    points: PathCollection
    labels: list[Annotation]


@dataclass
class _Drawing:
    """One figure of the explorer: its base and its (hidden) highlight artists."""

    figure: Figure
    panels: list[_Panel]
    bars: dict[str, Rectangle]
    days: PathCollection
    reports: PathCollection
    title: Text
    visible: list[Artist] = field(default_factory=list)


class LinkedExplorer:
    """Maps and timeline for a selection of claims, drawn on a base prepared once.

    ``points``, ``circles``: GeoDataFrames in ``crs`` with a ``place_id`` column (places drawn as a dot, and as
    an uncertainty circle); ``areas``: ``{geometry_ref: shape in crs}`` and ``area_members``: ``{geometry_ref:
    [place_id, ...]}`` (places drawn as the area they lie in); ``names``: the label of every place id drawn;
    ``events``: the timeline's events (``event_id``, ``label_en``, ``event_start``, ``event_end``,
    ``report_date``), top to bottom; ``land``: a countries layer in EPSG:4326; ``frames``: ``{title: lon/lat
    box}``, one map panel each; ``n_claims``: the number of claims a selection is counted against.
    """

    def __init__(
        self,
        *,
        land: gpd.GeoDataFrame,
        frames: Mapping[str, BaseGeometry],
        crs: str,
        points: gpd.GeoDataFrame,
        circles: gpd.GeoDataFrame,
        areas: Mapping[str, BaseGeometry],
        area_members: Mapping[str, Sequence[str]],
        names: Mapping[str, str],
        events: pd.DataFrame,
        n_claims: int,
    ) -> None:
        self.frames = list(frames)
        self.n_claims = n_claims
        self.frame_bounds: dict[str, np.ndarray] = {}
        self.land_paths: dict[str, list[Path]] = {}
        for name, frame in frames.items():
            bounds = gpd.GeoSeries([frame], crs=4326).to_crs(crs).total_bounds
            clipped = land.clip(frame.buffer(3)).to_crs(crs).clip(box(*bounds)).explode(index_parts=False)
            clipped = clipped[clipped.geom_type == "Polygon"]  # clipping can leave stray lines along the edge
            self.frame_bounds[name] = bounds
            self.land_paths[name] = [shape_to_path(shape) for shape in clipped.geometry]
        self.area_paths = {ref: shape_to_path(shape) for ref, shape in areas.items()}
        self.area_anchor = {ref: shape.representative_point() for ref, shape in areas.items()}
        self.area_members = {ref: list(members) for ref, members in area_members.items()}
        self.names = dict(names)
        self.point_ids = list(points["place_id"])
        self.point_xy = np.column_stack([points.geometry.x, points.geometry.y]) if len(points) else np.empty((0, 2))
        self.circle_paths = dict(zip(circles["place_id"], map(shape_to_path, circles.geometry), strict=True))
        self.circle_centre = {
            p: (g.centroid.x, g.centroid.y) for p, g in zip(circles["place_id"], circles.geometry, strict=True)
        }
        # The timeline in numbers matplotlib draws directly (days since its date epoch), computed once.
        self.event_ids = list(events["event_id"])
        self.rows = np.arange(len(events))
        self.is_span = (events["event_end"] > events["event_start"]).to_numpy()
        self.start_days = np.asarray(mdates.date2num(events["event_start"]))  # type: ignore[no-untyped-call]
        self.width_days = (events["event_end"] - events["event_start"]).dt.days.to_numpy() + 1
        self.has_report = events["report_date"].notna().to_numpy()
        self.report_days = np.asarray(mdates.date2num(events["report_date"]))  # type: ignore[no-untyped-call]
        self.event_labels = [textwrap.fill(label, LABEL_WIDTH) for label in events["label_en"]]
        # The widget's figure: off pyplot (the callback shows it as an image), highlights animated so that the
        # base is drawn without them and its pixels kept.
        figure = Figure(figsize=FIGSIZE)
        self.canvas = FigureCanvasAgg(figure)
        self.drawing = self._draw(figure, animated=True)
        self.canvas.draw()  # type: ignore[no-untyped-call]
        self.background = self.canvas.copy_from_bbox(self.drawing.figure.bbox)  # type: ignore[no-untyped-call]
        # The names' pixels (text on its opaque box), pasted back over the highlights at every selection: the
        # names stay on top, as in the handout's figures, without drawing text again.
        renderer = self.canvas.get_renderer()  # type: ignore[no-untyped-call]
        self.name_regions = [
            self.canvas.copy_from_bbox(label.get_bbox_patch().get_window_extent(renderer))  # type: ignore[no-untyped-call, union-attr]
            for panel in self.drawing.panels
            for label in panel.labels
        ]
        self.layer: dict[str, Any] = {}
        self._last: tuple[Any, bytes] | None = None

    @property
    def figure(self) -> Figure:
        """The widget's figure (its base; the highlights appear only in :meth:`png`)."""
        return self.drawing.figure

    # --- building a figure: the base, and every highlight artist hidden --------------------------------------------

    def _draw(self, fig: Figure, animated: bool) -> _Drawing:
        map_grid = fig.add_gridspec(1, 2, left=0.01, right=0.99, top=0.94, bottom=0.585, wspace=0.04)
        panels = [self._draw_panel(fig.add_subplot(map_grid[0, i]), frame) for i, frame in enumerate(self.frames)]
        fig.legend(handles=_map_legend(), loc="upper center", bbox_to_anchor=(0.5, 0.58), ncol=1, fontsize=FONT_SIZE)
        # The timeline gets its own grid, with a wide left margin for the event labels.
        time_ax = fig.add_subplot(fig.add_gridspec(1, 1, left=0.43, right=0.97, top=0.455, bottom=0.1)[0, 0])
        bars, days, reports = self._draw_timeline(time_ax)
        fig.legend(
            handles=_timeline_legend(), loc="lower center", bbox_to_anchor=(0.5, 0.025), ncol=2, fontsize=FONT_SIZE
        )
        fig.text(0.01, 0.005, "Data: newslens course tables; basemap Natural Earth (data/geo)", fontsize=FONT_SIZE)
        title = fig.text(0.5, 0.975, "", ha="center", va="center", fontsize=12)
        drawing = _Drawing(fig, panels, bars, days, reports, title)
        for artist in self._highlights(drawing):
            artist.set_animated(animated)
            artist.set_visible(False)
        self._place_names(drawing)
        return drawing

    def _draw_panel(self, ax: Axes, frame: str) -> _Panel:
        """One map panel: land, dotted areas, dashed circles and small grey dots; then its hidden highlights."""
        # Collections with autolim=False: matplotlib then skips measuring every curve, which keeps drawing fast.
        land = PatchCollection(
            _patches(self.land_paths[frame]), facecolor=style.LAND, edgecolor=style.BORDER, linewidth=0.4
        )
        ax.add_collection(land, autolim=False)
        outlines = PatchCollection(
            _patches(self.area_paths.values()), facecolor="none", edgecolor=style.BORDER, linestyle=":"
        )
        ax.add_collection(outlines, autolim=False)
        for place_id, path in self.circle_paths.items():  # places known to within a radius: dashed circles, no dot
            circle = PathPatch(path, facecolor="none", edgecolor=style.DARK_GREY, linestyle="--", linewidth=0.8)
            circle.set_zorder(3)
            circle.set_gid(f"place:{place_id}")  # which place it draws (tests/test_map_precision.py)
            ax.add_patch(circle)
        ax.scatter(self.point_xy[:, 0], self.point_xy[:, 1], s=12, color=style.BORDER, zorder=3)
        xmin, ymin, xmax, ymax = self.frame_bounds[frame]
        ax.set(xlim=(xmin, xmax), ylim=(ymin, ymax), aspect="equal", facecolor=style.WATER, xticks=[], yticks=[])
        ax.set_title(frame, fontsize=10)
        # The highlights: hatched areas, filled circles and large dots, with names.
        areas = PatchCollection(  # translucent fill, opaque dark outline and hatching (4.1:1 against land)
            [], facecolor=style.translucent(style.PALETTE[1], 0.4), hatch="//", edgecolor=style.DARK_ORANGE
        )
        circles = PatchCollection(
            [], facecolor=style.translucent(style.PALETTE[0], 0.5), edgecolor=style.PALETTE[0], linestyle="--"
        )
        circles.set_zorder(4)
        ax.add_collection(areas, autolim=False)
        ax.add_collection(circles, autolim=False)
        points = ax.scatter([], [], s=40, color=style.PALETTE[0], edgecolors="white", zorder=4)
        return _Panel(areas, circles, points, self._draw_names(ax, frame))

    def _draw_names(self, ax: Axes, frame: str) -> list[Annotation]:
        """Every name of a place in this panel, in the base, at its place for now (:meth:`_place_names` moves
        them). A name never changes with the selection (its marks do), so the callback draws no text but the
        title, and a layout free of overlaps holds for every selection."""
        xmin, ymin, xmax, ymax = self.frame_bounds[frame]
        names: list[tuple[str, tuple[float, float]]] = []
        for place_id, (x, y) in zip(self.point_ids, self.point_xy, strict=True):
            names.append((self.names[place_id], (x, y)))
        for place_id, centre in self.circle_centre.items():
            names.append((self.names[place_id], centre))
        for ref, anchor in self.area_anchor.items():
            names.append(("\n".join(self.names[p] for p in self.area_members[ref]), (anchor.x, anchor.y)))
        inside = [(text, xy) for text, xy in names if xmin <= xy[0] <= xmax and ymin <= xy[1] <= ymax]
        inside.sort(key=lambda name: -len(name[0]))  # the longest first: it has the fewest free spots
        return [
            ax.annotate(text, xy, fontsize=FONT_SIZE, linespacing=1.1, bbox=LABEL_BOX, annotation_clip=True, zorder=5)
            for text, xy in inside
        ]

    def _place_names(self, drawing: _Drawing) -> None:
        """Move the names clear of each other and of every marker, with the course's placement
        (:func:`newslens.style.place_labels`), while every highlight dot is shown at its largest: the layout then
        holds for any selection. The same figure size gives the same layout in the widget and the handout."""
        for panel in drawing.panels:
            panel.points.set_offsets(self.point_xy)
            panel.points.set_visible(True)
        for panel in drawing.panels:
            style.place_labels(panel.points.axes, panel.labels)
        for panel in drawing.panels:
            panel.points.set_visible(False)

    def _draw_timeline(self, ax: Axes) -> tuple[dict[str, Rectangle], PathCollection, PathCollection]:
        """Every event in grey (a bar for a span of possible days, a dot for an exact day, a black tick at the
        first report); then the hidden highlights: the same in colour, drawn on top."""
        span, rows, report = self.is_span, self.rows, self.has_report
        ax.barh(rows[span], self.width_days[span], left=self.start_days[span], height=0.5, color=style.BORDER)
        # A one-day bar would be invisible at this scale: exact days are dots.
        ax.scatter(self.start_days[~span], rows[~span], s=30, color=style.BORDER, zorder=3)
        ax.scatter(self.report_days[report], rows[report], marker="|", s=120, linewidths=2, color="black", zorder=4)
        ax.xaxis_date()
        ax.set_yticks(rows, labels=self.event_labels, fontsize=FONT_SIZE, linespacing=1.0)
        ax.tick_params(axis="x", labelsize=FONT_SIZE)
        ax.set_ylim(len(rows) - 0.5, -0.5)  # first event at the top
        # Every January: four years, four labels.
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=1))  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))  # type: ignore[no-untyped-call]
        ax.set_xlabel("Date", fontsize=FONT_SIZE)
        ax.set_title("When", fontsize=10)
        bars = {}
        span_ids = [event_id for event_id, is_span in zip(self.event_ids, span, strict=True) if is_span]
        for event_id, row, left, width in zip(
            span_ids, rows[span], self.start_days[span], self.width_days[span], strict=True
        ):
            bar = Rectangle((left, row - 0.25), width, 0.5, facecolor=style.PALETTE[0], gid=f"highlight:{event_id}")
            bar.set_zorder(4.5)  # above the grey base's report ticks; the selection's own ticks are drawn above it
            ax.add_patch(bar)
            bars[event_id] = bar
        days = ax.scatter([], [], s=30, color=style.PALETTE[0], zorder=5)
        reports = ax.scatter([], [], marker="|", s=120, linewidths=2, color="black", zorder=6)
        return bars, days, reports

    @staticmethod
    def _highlights(drawing: _Drawing) -> list[Artist]:
        artists: list[Artist] = [drawing.title, *drawing.bars.values(), drawing.days, drawing.reports]
        for panel in drawing.panels:
            artists += [panel.areas, panel.circles, panel.points]
        return artists

    # --- a selection: change data, text and visibility only -------------------------------------------------------

    def _show(self, drawing: _Drawing, selection: pd.DataFrame, title: str) -> dict[str, Any]:
        place_ids, event_ids = set(selection["place_id"].dropna()), set(selection["event_id"].dropna())
        for artist in drawing.visible:
            artist.set_visible(False)
        visible: list[Artist] = []
        chosen = {ref: [p for p in members if p in place_ids] for ref, members in self.area_members.items()}
        chosen = {ref: hits for ref, hits in chosen.items() if hits}
        circled = [p for p in self.circle_paths if p in place_ids]
        on = np.array([p in place_ids for p in self.point_ids], dtype=bool)
        maps = []
        for panel in drawing.panels:
            panel.areas.set_paths(_patches(self.area_paths[ref] for ref in chosen))
            panel.circles.set_paths(_patches(self.circle_paths[p] for p in circled))
            panel.circles.set_gid("places:" + ";".join(circled))  # the places it draws, in order (map precision)
            panel.points.set_offsets(self.point_xy[on])
            visible += [panel.areas, panel.circles, panel.points]
            maps.append({"areas": panel.areas, "circles": panel.circles, "points": panel.points})
        picked = np.array([e in event_ids for e in self.event_ids], dtype=bool)
        bars = [drawing.bars[e] for e, yes in zip(self.event_ids, picked, strict=True) if yes and e in drawing.bars]
        drawing.days.set_offsets(np.column_stack([self.start_days, self.rows])[picked & ~self.is_span])
        drawing.reports.set_offsets(np.column_stack([self.report_days, self.rows])[picked & self.has_report])
        drawing.title.set_text(f"{title}: {len(selection)} of {self.n_claims} claims")
        visible += [*bars, drawing.days, drawing.reports, drawing.title]
        for artist in visible:
            artist.set_visible(True)
        drawing.visible = visible
        return {
            "maps": maps,
            "timeline": {"bars": bars, "days": drawing.days, "reports": drawing.reports},
            "title": drawing.title,
        }

    def png(self, selection: pd.DataFrame, title: str = "Selected") -> bytes:
        """The explorer for ``selection`` as PNG bytes: the saved base, with the selection's highlights on top.

        The highlight artists of the last call are in :attr:`layer` (the same shape as :meth:`still` returns).
        """
        # What the picture depends on: a change of the widgets that keeps the same claims (a slider moved past a
        # grade no claim has) gives the same picture, which is not drawn again.
        key = (
            frozenset(selection["place_id"].dropna()),
            frozenset(selection["event_id"].dropna()),
            len(selection),
            title,
        )
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        fig = self.drawing.figure
        self.layer = self._show(self.drawing, selection, title)
        self.canvas.restore_region(self.background)  # type: ignore[no-untyped-call]
        for artist in self.drawing.visible:
            (artist.axes or fig).draw_artist(artist)
        for region in self.name_regions:
            self.canvas.restore_region(region)  # type: ignore[no-untyped-call]
        png = png_bytes(np.asarray(self.canvas.buffer_rgba()))  # type: ignore[no-untyped-call]
        self._last = (key, png)
        return png

    def still(self, selection: pd.DataFrame, title: str) -> tuple[Figure, dict[str, Any]]:
        """A pyplot figure of the explorer for one fixed selection (the handout's, where widgets do not run), and
        its highlight artists."""
        drawing = self._draw(plt.figure(figsize=FIGSIZE), animated=False)
        return drawing.figure, self._show(drawing, selection, title)


def _map_legend() -> list[Artist]:
    return [
        Line2D([], [], marker="o", linestyle="", color=style.PALETTE[0], label="selected place, exact (precision 1)"),
        Patch(
            facecolor=style.translucent(style.PALETTE[0], 0.5),
            edgecolor=style.PALETTE[0],
            linestyle="--",
            label="selected place known to within a radius (uncertainty circle)",
        ),
        Patch(
            facecolor=style.translucent(style.PALETTE[1], 0.4),
            edgecolor=style.DARK_ORANGE,
            hatch="//",
            label="selected area, or the area of an undisclosed site",
        ),
        Patch(facecolor="none", edgecolor=style.BORDER, linestyle=":", label="not selected"),
    ]


def _timeline_legend() -> list[Artist]:
    report = Line2D([], [], marker="|", markersize=10, markeredgewidth=2, linestyle="", color="black")
    report.set_label("first report")
    return [Patch(color=style.PALETTE[0], label="selected event (dot: exact day; bar: possible days)"), report]
