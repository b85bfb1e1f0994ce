"""Lesson 3's projection picker: the same routes and 500 km circles in the projection (and centre) a student picks.

The lesson computes what the widget shows (every layer projected for every choice, and the planar distances on
each map): that is the skill it teaches. What lives here is the plumbing that makes the widget answer at once:
the drawing of one projected version (:func:`draw_projection`, which the lesson's static figure uses too), and
:class:`ProjectionPicker`, which renders every choice to a PNG once, when it is built, so that a change of the
menus only swaps a picture and a table (a few milliseconds) instead of drawing a map (about 200 ms).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import ipywidgets as widgets
import numpy as np
from IPython.display import Image, clear_output, display
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from newslens import style
from newslens.mapping import km_ticks

__all__ = ["CIRCLE_COLOUR", "ProjectionPicker", "draw_projection", "rings"]

# IPython's display helpers carry no type annotations; these are the same functions, typed.
_display = cast(Callable[..., None], display)
_clear_output = cast(Callable[..., None], clear_output)
_image = cast(Callable[..., Any], Image)

#: The fill of the 500 km circles (translucent orange, as lesson 2's uncertainty circles) and its outline.
CIRCLE_COLOUR = style.PALETTE[1]
#: Where each anchor's name goes, in points from its marker: Moscow and Kursk are only 458 km apart, so one
#: name goes above its dot and the other below, and they never overlap at the scale of these maps.
LABEL_OFFSETS: dict[str, tuple[float, float, str]] = {
    "pyongyang": (6, 4, "bottom"),
    "moscow": (6, 4, "bottom"),
    "kursk_city": (6, -4, "top"),
}


def rings(shapes: Any) -> list[np.ndarray]:
    """The outer rings of every polygon of a GeoSeries, as arrays of (x, y) that a PolyCollection draws directly.

    One PolyCollection draws a whole layer as a single artist: much faster than ``GeoSeries.plot``.
    """
    parts = shapes.explode(index_parts=False)
    return [np.asarray(polygon.exterior.coords) for polygon in parts if polygon.geom_type == "Polygon"]


def draw_projection(ax: Axes, cached: Mapping[str, Any], title: str) -> None:
    """Draw one projected version of the lesson's layers on ``ax``: land, 500 km circles, routes, named anchors.

    ``cached`` holds ``land`` and ``circles`` (lists of rings, see :func:`rings`), ``routes`` (a GeoDataFrame of
    lines) and ``points`` (a GeoSeries of the anchor places, indexed by place_id, with ``names`` beside it).
    """
    ax.set_facecolor(style.WATER)
    ax.add_collection(PolyCollection(cached["land"], facecolor=style.LAND, edgecolor=style.BORDER, linewidth=0.3))
    circles = PolyCollection(
        cached["circles"], facecolor=style.translucent(CIRCLE_COLOUR, 0.35), edgecolor=style.DARK_ORANGE
    )
    circles.set_linestyle("--")
    ax.add_collection(circles)
    for line, colour in zip(cached["routes"].geometry, style.LINE_PALETTE, strict=False):
        ax.plot(*line.xy, color=colour, linewidth=2)
    points = cached["points"]
    ax.plot(points.x, points.y, "o", color="black", markersize=4)
    for place_id, point in points.items():
        dx, dy, va = LABEL_OFFSETS.get(str(place_id), (6, 4, "bottom"))
        ax.annotate(
            cached["names"][place_id],
            (point.x, point.y),
            xytext=(dx, dy),
            textcoords="offset points",
            va=va,
            fontsize=8,
        )
    xmin, ymin, xmax, ymax = cached["routes"].total_bounds
    circle_xy = np.concatenate(cached["circles"])
    xmin, ymin = min(xmin, circle_xy[:, 0].min()), min(ymin, circle_xy[:, 1].min())
    xmax, ymax = max(xmax, circle_xy[:, 0].max()), max(ymax, circle_xy[:, 1].max())
    pad = 0.08 * max(xmax - xmin, ymax - ymin)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    km_ticks(ax)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("easting (km)")
    ax.set_ylabel("northing (km)")


class ProjectionPicker:
    """Two menus (projection, centre) over a map and its distance table, every choice drawn in advance.

    ``projected`` maps (projection, centre place_id) to a cached version (see :func:`draw_projection`) that also
    holds ``distances``, the table shown under the map. ``titles`` gives each version's title: versions with the
    same title (a projection that has no centre) are drawn once. After every change, ``shown`` is the chosen key,
    ``distance_view`` its table and ``image`` its PNG.
    """

    def __init__(
        self,
        projected: Mapping[tuple[str, str], Mapping[str, Any]],
        titles: Mapping[tuple[str, str], str],
        centres: Sequence[tuple[str, str]],
        legend: Sequence[Artist],
        credit: str,
        value: tuple[str, str],
    ) -> None:
        self.projected, self.titles = projected, titles
        projections = list(dict.fromkeys(p for p, _ in projected))
        self.projection = widgets.Dropdown(options=projections, value=value[0], description="Projection")
        self.centre = widgets.Dropdown(options=list(centres), value=value[1], description="Centre")
        self.output = widgets.Output()
        self.box = widgets.VBox([widgets.HBox([self.projection, self.centre]), self.output])
        drawn: dict[str, bytes] = {}
        for key, title in titles.items():
            if title not in drawn:
                drawn[title] = self._render(projected[key], title, legend, credit)
        self.images = {key: drawn[title] for key, title in titles.items()}
        self.projection.observe(self._changed, names="value")
        self.centre.observe(self._changed, names="value")
        self._changed()

    @staticmethod
    def _render(cached: Mapping[str, Any], title: str, legend: Sequence[Artist], credit: str) -> bytes:
        # A Figure outside pyplot: nothing for the inline backend to show twice, nothing left open.
        fig = Figure(figsize=(6.3, 4.5))
        draw_projection(fig.add_subplot(), cached, title)
        fig.axes[0].legend(handles=list(legend), loc="lower left", fontsize=8, frameon=True)
        fig.text(0.01, 0.01, credit, fontsize=8)
        png = io.BytesIO()
        fig.savefig(png, format="png")
        return png.getvalue()

    def _changed(self, _change: object = None) -> None:
        """The callback: look up the chosen version's picture and table, and show them."""
        self.shown = (self.projection.value, self.centre.value)
        self.distance_view = self.projected[self.shown]["distances"]
        self.image = self.images[self.shown]
        with self.output:
            _clear_output(wait=True)
            _display(_image(self.image), self.distance_view.round(1))
