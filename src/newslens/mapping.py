"""Map-making machinery that lessons 2 and 3 share: framing a region, scale bars, kilometre ticks, insets.

None of this is the skill the lessons teach (that is the GeoDataFrame, its CRS, ``to_crs`` and the choice of a
mark for each place, which stay in the notebooks); it is the layout code that every map of those lessons repeats,
kept here once so that the lessons' cells stay short and lesson 3 does not copy lesson 2's cells.
:func:`uncertainty_circle` is the exception: lesson 2 writes it in the open, and lesson 3 (which only needs the
result) imports this copy; tests/test_mapping.py checks the two are the same circle on the ground.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter
from shapely.geometry import Point, Polygon, box

from newslens import style

__all__ = ["add_scale_bar", "frame", "inset_map", "km_ticks", "set_extent", "uncertainty_circle"]

#: A lon/lat box: west, south, east, north, in degrees.
Bounds = tuple[float, float, float, float]


def frame(layer: gpd.GeoDataFrame, bounds: Bounds, crs: str, margin: float = 3.0) -> gpd.GeoDataFrame:
    """``layer`` clipped to a lon/lat box (plus ``margin`` degrees all round), then reprojected to ``crs``.

    Clipping first keeps only the vertices the map can show, so reprojecting and drawing are quick; the margin
    keeps coastlines whole up to the edge of the frame after the projection bends the box.
    """
    west, south, east, north = bounds
    return layer.clip(box(west - margin, south - margin, east + margin, north + margin)).to_crs(crs)


def set_extent(ax: Axes, bounds: Bounds, crs: str) -> None:
    """Zoom ``ax`` to a lon/lat box, measured in the map's projected coordinates.

    The box's edges are densified before projecting: a projected parallel is a curve, and projecting only the
    four corners would cut off the bulge between them.
    """
    corners = gpd.GeoSeries([box(*bounds).segmentize(0.5)], crs="EPSG:4326").to_crs(crs)
    west, south, east, north = corners.total_bounds
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)


def add_scale_bar(ax: Axes, length_km: float, x_frac: float = 0.05, y_frac: float = 0.06) -> None:
    """A ``length_km`` bar, labelled, at (``x_frac``, ``y_frac``) of a map whose units are metres.

    A scale bar promises that a length on the map is that length on the ground: draw it only on a projection
    whose scale is close to true across the map.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x, y = x0 + x_frac * (x1 - x0), y0 + y_frac * (y1 - y0)
    ax.plot([x, x + length_km * 1000], [y, y], color="black", linewidth=4, solid_capstyle="butt")
    ax.text(x + length_km * 500, y + 0.015 * (y1 - y0), f"{length_km:g} km", ha="center", va="bottom", fontsize=8)


def km_ticks(ax: Axes) -> None:
    """Label a metric map's axes in kilometres, and keep one km the same length across and up."""
    in_km = FuncFormatter(lambda value, _: f"{value / 1000:,.0f}")
    ax.xaxis.set_major_formatter(in_km)
    ax.yaxis.set_major_formatter(in_km)
    ax.set_aspect("equal")


def inset_map(
    ax: Axes, rect: tuple[float, float, float, float], layer: gpd.GeoDataFrame, bounds: Bounds, crs: str, **kw: Any
) -> Axes:
    """An inset axes at ``rect`` (fractions of ``ax``) showing ``layer`` framed to ``bounds`` in ``crs``.

    The inset has the basemap's water and land, no ticks and no axis labels: it is a locator or an enlargement,
    not a map to measure on. Keyword arguments go to the land's ``plot`` (e.g. ``linewidth``).
    """
    inset = ax.inset_axes(rect)
    inset.set_facecolor(style.WATER)
    frame(layer, bounds, crs).plot(ax=inset, color=style.LAND, edgecolor=style.BORDER, **{"linewidth": 0.6, **kw})
    set_extent(inset, bounds, crs)
    inset.set_aspect("equal")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    return inset


def uncertainty_circle(lon: float, lat: float, radius_km: float) -> Polygon:
    """A circle of ``radius_km`` around (``lon``, ``lat``) on the ground, as a polygon in EPSG:4326.

    Drawn in an azimuthal equidistant projection centred on the point, where distances from the centre are
    true, then converted back to degrees: a buffer in degrees would be an ellipse on the ground.
    """
    local_crs = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
    circle = gpd.GeoSeries([Point(0, 0).buffer(radius_km * 1000, 64)], crs=local_crs)
    polygon: Polygon = circle.to_crs("EPSG:4326").iloc[0]
    return polygon
