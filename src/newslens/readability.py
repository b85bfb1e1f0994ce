"""Whether a drawn matplotlib figure reads at the size it is printed: text size, overlaps, truncated labels.

The handouts print on A4 portrait (``@page { size: A4; margin: 18mm 16mm 20mm }`` in the handout stylesheet,
src/newslens/tools/handouts/templates/newslens/static/course.css), so the printable width is
210 - 2 x 16 = 178 mm = 7.01 in = 672.8 CSS px (a CSS pixel is 1/96 in). A figure reaches the page as the PNG
that IPython's inline backend makes of it: ``bbox_inches="tight"`` (the figure cropped to what it draws, plus
0.1 in), at the figure's dpi (100, set by :func:`newslens.style.apply`), embedded as ``<img>`` with no width, so
one PNG pixel is one CSS pixel, and ``img { max-width: 100% }`` scales a PNG wider than the printable width down
to it. A font of ``s`` points is ``s * dpi / 72`` PNG pixels tall, so it prints at::

    printed points = s * (dpi / 96) * min(1, 672.8 / png_width)

At 100 dpi a figure up to 6.7 in wide (with its crop) prints at 104 % of its nominal size, and an 8 x 5 in
figure (about 8.2 in with the crop, 820 px) at 0.85: its 10 pt tick labels print at 8.5 pt, a 9 pt label at
7.7 pt. On a laptop the page column is wider (52 rem less padding, 792 px), so print is the binding case.
Chromium's PDF of a handout bears this out: images of 1,094, 883 and 797 px print at 156, 126 and 114 pixels per
inch (width / 7.01 in), images up to 672 px at 96 (tests/test_figure_readability.py prints one to check).

The checks (:func:`readability_failures`), over every visible, non-empty text the figure draws (titles, axis
labels, tick labels, annotations, legend texts, offset texts) with its renderer extent (the rotated rectangle for
rotated text):

- ``small text``: printed size below :data:`MIN_PRINTED_PT` (8 pt);
- ``overlap``: two texts whose rectangles overlap by more than :data:`TOLERANCE_PX` (a pixel and a half);
- ``text over marker``: a text over a marker (a ``Line2D`` marker, or a scatter point) that it does not label:
  the one marker a text may cover is the one nearest its anchor (an annotation's ``xy``, else its position)
  within :data:`LABEL_REACH_PX`;
- ``truncated``: a text ending in an ellipsis (``…`` or ``...``) with fewer than :data:`MIN_TRUNCATED_CHARS`
  characters before it: cut so far that it no longer names what it labels.

They are run on every figure the lessons display (tests/lesson_checks.py's figure watch, with the width of the
PNG actually shown) and the solutions draw (tests/test_figure_readability.py). While writing a figure::

    from newslens.readability import readability_failures
    readability_failures(fig)  # [] when it reads at print size
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text

#: A4 portrait less the handout's 16 mm side margins, in CSS pixels (96 per inch).
PRINTABLE_WIDTH_PX = (210 - 2 * 16) / 25.4 * 96
#: CSS pixels per inch: an ``<img>`` without a width shows one image pixel per CSS pixel.
CSS_DPI = 96
#: The smallest printed font size, in points.
MIN_PRINTED_PT = 8.0
#: How far two extents may overlap, in display pixels, before it counts (anti-aliasing, rounding).
TOLERANCE_PX = 1.5
#: A marker within this distance of a text's anchor is the one the text labels, which it may touch.
LABEL_REACH_PX = 30.0
#: A label cut with an ellipsis keeps at least this many characters: three or four words, enough to name an
#: event or a source ("Workers sent to Russ…" still says what it is; "Workers s…" does not).
MIN_TRUNCATED_CHARS = 20
#: matplotlib's ``savefig.pad_inches``: what the inline backend's tight crop adds on each side.
PAD_INCHES = 0.1


def renderer_of(fig: Any) -> Any:
    """The renderer ``fig`` is drawn with. A figure pyplot has closed keeps a bare ``FigureCanvasBase``, which has
    none: it gets an Agg canvas, as IPython's display would use."""
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def png_width(data: bytes | str) -> int | None:
    """The width in pixels of a PNG given as bytes or as base64 text (as IPython's formatter returns it), or
    None when ``data`` is not a PNG."""
    head: bytes
    if isinstance(data, str):
        try:
            head = base64.b64decode(data[:44])
        except (binascii.Error, ValueError):
            return None
    else:
        head = data[:24]
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(head[16:20], "big")


def tight_png_width(fig: Figure) -> int:
    """The width of the PNG the inline backend would make of ``fig`` (tight crop, 0.1 in pad, figure dpi)."""
    renderer = renderer_of(fig)
    box = fig.get_tightbbox(renderer)
    return round((box.width + 2 * PAD_INCHES) * fig.dpi)


def print_scale(fig: Figure, width_px: int | None = None) -> float:
    """How many printed points one nominal point of ``fig`` becomes in the A4 handout: ``dpi / 96``, times the
    shrink of a PNG ``width_px`` wide (default: the tight crop's) to the printable width."""
    width = width_px if width_px else tight_png_width(fig)
    return fig.dpi / CSS_DPI * min(1.0, PRINTABLE_WIDTH_PX / width)


@dataclass(frozen=True)
class _Box:
    """A text's drawn rectangle in display pixels: centre, half sizes, rotation (radians)."""

    cx: float
    cy: float
    hw: float
    hh: float
    angle: float

    def corners(self) -> np.ndarray:
        c, s = math.cos(self.angle), math.sin(self.angle)
        local = np.array([[-self.hw, -self.hh], [self.hw, -self.hh], [self.hw, self.hh], [-self.hw, self.hh]])
        corners: np.ndarray = local @ np.array([[c, s], [-s, c]]) + (self.cx, self.cy)
        return corners

    def axes(self) -> list[tuple[float, float]]:
        c, s = math.cos(self.angle), math.sin(self.angle)
        return [(c, s), (-s, c)]

    def distance_to(self, x: float, y: float) -> float:
        """Distance from the point to the rectangle (0 inside)."""
        c, s = math.cos(self.angle), math.sin(self.angle)
        dx, dy = x - self.cx, y - self.cy
        u, v = dx * c + dy * s, -dx * s + dy * c
        return math.hypot(max(abs(u) - self.hw, 0.0), max(abs(v) - self.hh, 0.0))


def _overlap(a: _Box, b: _Box, tolerance: float) -> bool:
    """Whether the rectangles overlap by more than ``tolerance`` pixels along every separating direction."""
    ca, cb = a.corners(), b.corners()
    for axis in (*a.axes(), *b.axes()):
        pa, pb = ca @ axis, cb @ axis
        if min(pa.max(), pb.max()) - max(pa.min(), pb.min()) <= tolerance:
            return False
    return True


@dataclass
class _Drawn:
    text: Text
    box: _Box
    anchor: tuple[float, float]


def _box(text: Text, renderer: Any) -> _Box:
    extent = text.get_window_extent(renderer)
    angle = math.radians(text.get_rotation() % 180)
    cx, cy = float(extent.x0 + extent.x1) / 2, float(extent.y0 + extent.y1) / 2
    if abs(math.sin(angle)) < 1e-6:
        return _Box(cx, cy, float(extent.width) / 2, float(extent.height) / 2, 0.0)
    # the unrotated size: the same text laid out horizontally (the rotated extent is its bounding box)
    rotation = text.get_rotation()
    text.set_rotation(0)
    try:
        flat = text.get_window_extent(renderer)
    finally:
        text.set_rotation(rotation)
    return _Box(cx, cy, float(flat.width) / 2, float(flat.height) / 2, angle)


def _anchor(text: Text) -> tuple[float, float]:
    if isinstance(text, Annotation):  # the point annotated (Text._get_xy_display would give the text's position)
        renderer = renderer_of(text.figure)
        x, y = text._get_xy(renderer, text.xy, text.xycoords)  # type: ignore[attr-defined]
    else:
        x, y = text.get_transform().transform(text.get_unitless_position())
    return float(x), float(y)


def _drawn_texts(fig: Figure) -> list[Text]:
    """The texts a draw of ``fig`` actually draws (visible, non-empty, in view: tick labels outside the view
    limits are not drawn), in drawing order."""
    drawn: list[Text] = []
    original = Text.draw

    def draw(self: Any, renderer: Any) -> None:
        original(self, renderer)
        if self.get_visible() and self.get_text().strip() and (self.axes is None or self.axes.get_visible()):
            drawn.append(self)

    renderer_of(fig)  # a closed pyplot figure gets a canvas to draw on
    Text.draw = draw  # type: ignore[method-assign]
    try:
        fig.draw_without_rendering()
    finally:
        Text.draw = original  # type: ignore[method-assign]
    unique: dict[int, Text] = {}
    for text in drawn:
        unique.setdefault(id(text), text)
    return list(unique.values())


def _markers(fig: Figure) -> Iterator[tuple[str, float, float, float]]:
    """Every marker the axes draw, in display pixels: (what, x, y, radius). Markers outside a clipping axes
    are left out; legend handles are not markers of the data."""
    px_per_pt = fig.dpi / 72
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        box = ax.bbox
        for line in ax.get_lines():
            marker = line.get_marker()
            if not line.get_visible() or marker in (None, "", " ", "None", "none") or line.get_markersize() <= 0:
                continue
            xy = line.get_transform().transform(np.column_stack(line.get_data(orig=False)).astype(float))
            radius = line.get_markersize() / 2 * px_per_pt
            yield from _clipped(f"marker of {_artist_name(line)}", xy, np.array([radius]), box, line.get_clip_on())
        for collection in ax.collections:
            if not isinstance(collection, PathCollection) or not collection.get_visible():
                continue
            offsets = np.asarray(collection.get_offsets(), dtype=float)
            if offsets.size == 0:
                continue
            xy = collection.get_offset_transform().transform(offsets)
            radii = np.sqrt(np.asarray(collection.get_sizes(), dtype=float)) / 2 * px_per_pt
            what = f"point of {_artist_name(collection)}"
            yield from _clipped(what, xy, radii, box, collection.get_clip_on())


def _clipped(
    what: str, xy: np.ndarray, radii: np.ndarray, box: Any, clip: bool
) -> Iterator[tuple[str, float, float, float]]:
    if radii.size == 0:
        return
    for i, (x, y) in enumerate(xy):
        if not (np.isfinite(x) and np.isfinite(y)):
            continue
        if clip and not (box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1):
            continue
        yield what, float(x), float(y), float(radii[i % radii.size])


def _artist_name(artist: Any) -> str:
    label = str(artist.get_label() or "")
    return repr(label) if label and not label.startswith("_") else type(artist).__name__


def figure_title(fig: Figure) -> str:
    """The figure's suptitle, else its axes' titles joined: how failures name a figure."""
    suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    return suptitle or "; ".join(t for t in (ax.get_title() for ax in fig.axes) if t) or "(untitled)"


def _ellipsis_cut(label: str) -> int | None:
    """The characters kept before a trailing ellipsis, or None when the label does not end in one."""
    stripped = label.rstrip()
    for mark in ("…", "..."):
        if stripped.endswith(mark):
            return len(stripped[: -len(mark)].rstrip())
    return None


def readability_failures(fig: Figure, width_px: int | None = None) -> list[dict[str, Any]]:
    """What keeps ``fig`` from reading at print size, one dict per failure: ``kind`` (small text, overlap, text
    over marker, truncated), ``figure`` (its title), ``what`` (the text), ``other`` (the second text or the
    marker, if any) and ``detail``. ``width_px`` is the width of the PNG the reader sees (default: the inline
    backend's tight crop). Empty when the figure passes."""
    texts = _drawn_texts(fig)
    renderer = renderer_of(fig)
    scale = print_scale(fig, width_px)
    title = figure_title(fig)
    failures: list[dict[str, Any]] = []

    def fail(kind: str, text: Text, other: str, detail: str) -> None:
        failures.append({"kind": kind, "figure": title, "what": text.get_text()[:60], "other": other, "detail": detail})

    drawn = []
    small: dict[float, list[Text]] = {}
    for text in texts:
        box = _box(text, renderer)
        if box.hw <= 0 or box.hh <= 0:
            continue
        drawn.append(_Drawn(text, box, _anchor(text)))
        size = float(text.get_fontsize())
        if size * scale < MIN_PRINTED_PT - 1e-9:
            small.setdefault(size, []).append(text)
        kept = _ellipsis_cut(text.get_text())
        if kept is not None and kept < MIN_TRUNCATED_CHARS:
            fail("truncated", text, "", f"cut to {kept} characters (< {MIN_TRUNCATED_CHARS})")

    for size, group in small.items():  # one failure per font size: a row of tick labels is one fix
        more = f" and {len(group) - 1} more texts of that size" if len(group) > 1 else ""
        detail = f"{size:g} pt at scale {scale:.2f} prints at {size * scale:.1f} pt (< {MIN_PRINTED_PT:g}){more}"
        fail("small text", group[0], "", detail)
    failures += _overlaps(drawn, title)
    failures += _over_markers(fig, drawn, title)
    return failures


def _overlaps(drawn: list[_Drawn], title: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if len(drawn) < 2:
        return found
    # a quick reject on the axis-aligned bounds, then the exact test on the rectangles
    bounds = np.array(
        [[d.box.corners()[:, k].min() for k in (0, 1)] + [d.box.corners()[:, k].max() for k in (0, 1)] for d in drawn]
    )
    for i in range(len(drawn)):
        near = np.nonzero(
            (bounds[i + 1 :, 0] < bounds[i, 2] - TOLERANCE_PX)
            & (bounds[i + 1 :, 2] > bounds[i, 0] + TOLERANCE_PX)
            & (bounds[i + 1 :, 1] < bounds[i, 3] - TOLERANCE_PX)
            & (bounds[i + 1 :, 3] > bounds[i, 1] + TOLERANCE_PX)
        )[0]
        for j in near + i + 1:
            a, b = drawn[i], drawn[int(j)]
            if _overlap(a.box, b.box, TOLERANCE_PX):
                found.append(
                    {
                        "kind": "overlap",
                        "figure": title,
                        "what": a.text.get_text()[:60],
                        "other": b.text.get_text()[:60],
                        "detail": "their extents overlap",
                    }
                )
    return found


def _over_markers(fig: Figure, drawn: list[_Drawn], title: str) -> list[dict[str, Any]]:
    markers = list(_markers(fig))
    found: list[dict[str, Any]] = []
    if not markers or not drawn:
        return found
    points = np.array([(x, y, r) for _, x, y, r in markers])
    for d in drawn:
        ax_, ay = d.anchor
        reach = np.hypot(points[:, 0] - ax_, points[:, 1] - ay)
        labelled = int(np.argmin(reach)) if reach.min() <= LABEL_REACH_PX else -1
        corners = d.box.corners()
        lo, hi = corners.min(axis=0), corners.max(axis=0)
        near = np.nonzero(
            (points[:, 0] + points[:, 2] > lo[0])
            & (points[:, 0] - points[:, 2] < hi[0])
            & (points[:, 1] + points[:, 2] > lo[1])
            & (points[:, 1] - points[:, 2] < hi[1])
        )[0]
        hit = [
            int(k)
            for k in near
            if k != labelled and d.box.distance_to(points[k, 0], points[k, 1]) < points[k, 2] - TOLERANCE_PX
        ]
        if hit:
            what, x, y, _ = markers[hit[0]]
            more = f" and {len(hit) - 1} more" if len(hit) > 1 else ""
            found.append(
                {
                    "kind": "text over marker",
                    "figure": title,
                    "what": d.text.get_text()[:60],
                    "other": what,
                    "detail": f"covers the marker at ({x:.0f}, {y:.0f}) px{more}",
                }
            )
    return found


def describe(failure: dict[str, Any]) -> str:
    """One line for a failure, as the tests print it."""
    other = f" / {failure['other']!r}" if failure.get("other") else ""
    return f"{failure['kind']}: {failure['what']!r}{other}: {failure['detail']}"
