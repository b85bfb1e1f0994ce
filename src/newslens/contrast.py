# mypy: disable-error-code="arg-type, attr-defined, assignment, index, misc, no-any-return, operator"
# mypy: disable-error-code="type-var, union-attr, var-annotated"
# (matplotlib's stubs type colours and artist data as wide unions that this module reads as RGBA sequences.)
"""Contrast of a drawn matplotlib figure: each text, marker, line and outline against what lies beneath it.

WCAG 2.2 asks 4.5:1 for text (3:1 from 18 pt, or 14 pt bold: 1.4.3) and 3:1 for the graphical objects a
reader needs (markers, lines, the outline of a shape: 1.4.11). :func:`figure_contrast` draws the figure
(without rendering pixels), then for every visible text, marker, line and translucent or unfilled shape
finds the colour beneath it by compositing, bottom to top, the figure, the axes and every filled patch,
collection and image that contains the point and is drawn before the artist. Solid filled shapes (land,
heatmap cells) are backgrounds here; a solid bar must stand out by its fill or its outline
(:func:`_check_solid_bar`).

The tests run it on every figure the lessons and solutions draw (tests/test_figure_contrast.py and the
lesson tests); it is also useful while writing a figure::

    from newslens.contrast import contrast_failures
    contrast_failures(fig)  # [] when every text and glyph is readable
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import Collection, LineCollection, PathCollection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Annotation, Text

from .style import GRAPHICS_CONTRAST, LARGE_TEXT_CONTRAST, TEXT_CONTRAST, contrast_ratio

RGB = tuple[float, float, float]


def _over(top: Any, below: RGB, alpha: float | None = None) -> RGB:
    r, g, b, a = to_rgba(top)
    a = a if alpha is None else a * alpha
    return (r * a + below[0] * (1 - a), g * a + below[1] * (1 - a), b * a + below[2] * (1 - a))


def _all_axes(fig: Figure) -> list[Axes]:
    found: list[Axes] = []

    def walk(ax: Axes) -> None:
        found.append(ax)
        for child in ax.child_axes:
            walk(child)

    for ax in sorted(fig.axes, key=lambda a: a.get_zorder()):
        walk(ax)
    return found


class _Scene:
    """What the background search needs of a drawn figure, computed once: axes in drawing order, each axes'
    children by z-order, collections' paths in display coordinates with their bounding boxes, legend texts."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.axes = _all_axes(fig)
        self.children: dict[int, list[Artist]] = {}
        self.order: dict[int, dict[int, int]] = {}
        for ax in self.axes:
            kids = [c for c in ax.get_children() if c is not ax.patch]
            self.order[id(ax)] = {id(c): i for i, c in enumerate(kids)}
            self.children[id(ax)] = sorted((c for c in kids if c.get_visible()), key=lambda c: c.get_zorder())
        self.paths: dict[int, list[tuple[Any, Any]]] = {}
        self.legends: dict[int, Legend] = {}
        for legend in fig.findobj(Legend):
            for text in [*legend.get_texts(), legend.get_title()]:
                self.legends[id(text)] = legend

    def display_paths(self, collection: Collection) -> list[tuple[Any, Any]]:
        key = id(collection)
        if key not in self.paths:
            transform = collection.get_transform()
            shown = [transform.transform_path(path) for path in collection.get_paths()]
            self.paths[key] = [(path, tuple(path.get_extents().extents)) for path in shown]
        return self.paths[key]

    def fill_at(self, artist: Artist, point: tuple[float, float]) -> Any:
        """The colour ``artist`` paints at ``point`` (display coordinates), or None if it paints nothing there."""
        if isinstance(artist, Patch):
            if not artist.get_fill() or to_rgba(artist.get_facecolor())[3] == 0:
                return None
            key = id(artist)
            if key not in self.paths:  # the patch's outline in display coordinates, once
                shown = artist.get_transform().transform_path(artist.get_path())
                self.paths[key] = [(shown, tuple(shown.get_extents().extents))]
            (path, box), x, y = self.paths[key][0], point[0], point[1]
            inside = box[0] <= x <= box[2] and box[1] <= y <= box[3] and path.contains_point(point)
            return artist.get_facecolor() if inside else None
        if isinstance(artist, AxesImage):
            return _image_colour(artist, point)
        if isinstance(artist, LineCollection):  # a thick segment (an outline drawn under another line) paints too
            return self._segment_at(artist, point)
        if isinstance(artist, Collection) and not isinstance(artist, (PathCollection, LineCollection)):
            faces = artist.get_facecolor()
            if len(faces) == 0:
                return None
            x, y = point
            hits = [
                index
                for index, (path, box) in enumerate(self.display_paths(artist))
                if box[0] <= x <= box[2] and box[1] <= y <= box[3] and path.contains_point(point)
            ]
            if hits:  # the last path is drawn on top
                return faces[hits[-1] % len(faces)]
        return None

    def _segment_at(self, lines: LineCollection, point: tuple[float, float]) -> Any:
        colours, widths = lines.get_colors(), lines.get_linewidths()
        if len(colours) == 0:
            return None
        x, y = point
        found = None
        for index, (path, box) in enumerate(self.display_paths(lines)):
            colour = colours[index % len(colours)]
            half = widths[index % len(widths)] * self.fig.dpi / 72 / 2
            if colour[3] == 0 or not (box[0] - half <= x <= box[2] + half and box[1] - half <= y <= box[3] + half):
                continue
            ends = path.vertices
            for a, b in zip(ends[:-1], ends[1:], strict=True):  # butt caps: a segment paints only along its length
                step = b - a
                length = float(np.dot(step, step))
                t = float(np.dot((x, y) - a, step)) / length if length else -1.0
                if 0 <= t <= 1 and np.hypot(*((x, y) - (a + t * step))) <= half:
                    found = colour  # the last segment is drawn on top
        return found

    def background(self, point: tuple[float, float], artist: Artist) -> RGB:
        """The colour beneath ``artist`` at ``point``: what is drawn before it there, composited."""
        colour = _over(self.fig.get_facecolor(), (1.0, 1.0, 1.0))
        own = artist.axes
        for ax in self.axes:
            if own is not None and ax is not own and ax.get_zorder() > own.get_zorder() and ax not in own.child_axes:
                continue
            if not ax.bbox.contains(*point):
                continue
            colour = _over(ax.patch.get_facecolor(), colour)
            if own is not None and ax is not own and ax in own.child_axes:
                continue  # an inset is drawn above its parent's artists only if its parent is the artist's axes
            limit = artist.get_zorder() if ax is own else float("inf")
            order = self.order[id(ax)]
            mine = order.get(id(artist), len(order))
            for child in self.children[id(ax)]:
                if child is artist or child.get_zorder() > limit:
                    continue
                if child.get_zorder() == limit and ax is own and order[id(child)] > mine:
                    continue
                fill = self.fill_at(child, point)
                if fill is not None:
                    colour = _over(fill, colour, child.get_alpha() if isinstance(child, Collection) else None)
        return colour


_SCENES: dict[int, _Scene] = {}


def _background(fig: Figure, point: tuple[float, float], artist: Artist) -> RGB:
    return _SCENES[id(fig)].background(point, artist)


def _around(fig: Figure, point: Any, radius: float, artist: Artist) -> list[RGB]:
    """What a marker of ``radius`` pixels at ``point`` stands out from: the colours just outside it, left, right,
    below and above (a marker on the edge of a bar meets both)."""
    x, y = float(point[0]), float(point[1])
    ring = [(x - radius - 1, y), (x + radius + 1, y), (x, y - radius - 1), (x, y + radius + 1)]
    return [_background(fig, p, artist) for p in ring]


def _worst(colours: list[Any], backgrounds: list[RGB], alpha: float | None) -> tuple[RGB, RGB]:
    """(foreground, background) of the least visible side: on each background the marker is seen by whichever of
    its colours (face, edge) contrasts more."""
    pairs = []
    for bg in backgrounds:
        best = max((_over(c, bg, alpha) for c in colours), key=lambda fg: contrast_ratio(fg, bg))
        pairs.append((best, bg))
    return min(pairs, key=lambda pair: contrast_ratio(*pair))


def _image_colour(image: AxesImage, point: tuple[float, float]) -> Any:
    if not image.get_window_extent().contains(*point):
        return None
    array = np.ma.asarray(image.get_array())
    left, right, bottom, top = image.get_extent()
    x, y = image.axes.transData.inverted().transform(point)
    rows, cols = array.shape[:2]
    col = int(np.floor((x - left) / (right - left) * cols))
    upper = image.origin == "upper"
    row = int(np.floor(((y - top) / (bottom - top) if upper else (y - bottom) / (top - bottom)) * rows))
    if not (0 <= row < rows and 0 <= col < cols):
        return None
    if array.ndim == 3:
        return tuple(array[row, col])
    return tuple(image.to_rgba(array[row : row + 1, col : col + 1])[0, 0])


def _is_large(text: Text) -> bool:
    size = text.get_fontsize()
    weight = text.get_fontweight()
    bold = weight in ("bold", "heavy", "extra bold", "black", "semibold", "demibold", "demi") or (
        isinstance(weight, (int, float)) and weight >= 600
    )
    return size >= 18 or (size >= 14 and bold)


def _legend_of(text: Text, fig: Figure) -> Legend | None:
    return _SCENES[id(fig)].legends.get(id(text))


def _centre(extent: Any) -> tuple[float, float]:
    return (float((extent.x0 + extent.x1) / 2), float((extent.y0 + extent.y1) / 2))


def _texts(fig: Figure) -> Iterator[Text]:
    seen: set[int] = set()
    for text in fig.findobj(Text):
        if id(text) in seen or not text.get_visible() or not text.get_text().strip():
            continue
        seen.add(id(text))
        parent = text.axes
        if parent is not None and not parent.get_visible():
            continue
        yield text


def _visible_in_figure(fig: Figure, extent: Any) -> bool:
    box = fig.bbox
    return extent.width > 0 and extent.x1 > box.x0 and extent.x0 < box.x1 and extent.y1 > box.y0 and extent.y0 < box.y1


def _label(fig: Figure, artist: Artist) -> str:
    title = fig.get_suptitle() or "; ".join(a.get_title() for a in fig.axes if a.get_title())
    return f"{title[:50]}: {type(artist).__name__}"


def figure_contrast(fig: Figure) -> list[dict[str, Any]]:
    """Every checked pair of ``fig``: what, its text (if any), foreground, background, ratio and minimum."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    _SCENES[id(fig)] = _Scene(fig)
    try:
        return _pairs(fig, renderer)
    finally:
        del _SCENES[id(fig)]


def _pairs(fig: Figure, renderer: Any) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = []

    def record(kind: str, artist: Artist, what: str, fg: Any, bg: RGB, minimum: float, seen: float = 1.0) -> None:
        if seen == 0:  # fully transparent: nothing is drawn
            return
        pairs.append(
            {
                "figure": _label(fig, artist),
                "kind": kind,
                "what": what,
                "foreground": to_hex(fg),
                "background": to_hex(bg),
                "ratio": round(contrast_ratio(fg, bg), 2),
                "minimum": minimum,
            }
        )

    for ax in _all_axes(fig):  # annotation arrows: their colour against what lies under their middle
        for text in ax.texts:
            arrow = getattr(text, "arrow_patch", None)
            if not isinstance(text, Annotation) or arrow is None or not text.get_visible():
                continue
            start = np.asarray(text._get_xy_display(), dtype=float)
            end = np.asarray(text.get_transform().transform(text.get_position()), dtype=float)
            middle = (float((start[0] + end[0]) / 2), float((start[1] + end[1]) / 2))
            bg = _background(fig, middle, text)
            record("graphic", text, "annotation arrow", _over(arrow.get_edgecolor(), bg), bg, GRAPHICS_CONTRAST)

    for text in _texts(fig):
        extent = text.get_window_extent(renderer)
        if not _visible_in_figure(fig, extent):
            continue
        point = _centre(extent)
        bg = _background(fig, point, text)
        legend = _legend_of(text, fig)
        if legend is not None and legend.get_frame_on():
            bg = _over(legend.get_frame().get_facecolor(), bg)
        box = text.get_bbox_patch()
        if box is not None and box.get_fill():
            bg = _over(box.get_facecolor(), bg)
        fg = _over(text.get_color(), bg, text.get_alpha())
        minimum = LARGE_TEXT_CONTRAST if _is_large(text) else TEXT_CONTRAST
        record("text", text, text.get_text()[:40], fg, bg, minimum)

    for ax in _all_axes(fig):
        if not ax.get_visible():
            continue
        for line in ax.get_lines():
            if not line.get_visible() or len(line.get_xydata()) == 0:
                continue
            points = line.get_transform().transform(line.get_xydata())
            marker = line.get_marker() not in (None, "", " ", "None", "none")
            if not marker and len(points) > 1:  # a line is seen along its length: sample its segments' middles
                points = (points[1:] + points[:-1]) / 2
            inside = [p for p in points if ax.patch.contains_point(p)]
            alpha = line.get_alpha()
            radius = line.get_markersize() / 2 * fig.dpi / 72 if marker else 0.0
            for point in inside[:: max(1, len(inside) // 20)]:
                if marker:
                    colours = [line.get_markerfacecolor(), line.get_markeredgecolor()]
                    colours = [c for c in colours if to_rgba(c)[3] > 0]
                    backgrounds = _around(fig, point, radius, line)
                else:
                    colours = [line.get_color()]
                    backgrounds = [_background(fig, (float(point[0]), float(point[1])), line)]
                if not colours:
                    continue
                fg, bg = _worst(colours, backgrounds, alpha)
                what = f"marker {line.get_marker()}" if marker else f"line {line.get_linestyle()}"
                record("graphic", line, what, fg, bg, GRAPHICS_CONTRAST)
        bars = {id(p) for c in ax.containers if isinstance(c, BarContainer) for p in c.patches}
        for patch in ax.patches:
            _check_outline(fig, ax, patch, record)
            if id(patch) in bars:
                _check_solid_bar(fig, ax, patch, record)
        for collection in ax.collections:
            _check_collection(fig, ax, collection, record)
    return pairs


def _check_outline(fig: Figure, ax: Axes, patch: Patch, record: Any) -> None:
    """A translucent or unfilled shape is seen by its outline: the outline against what is outside it."""
    if not patch.get_visible() or patch.get_linewidth() == 0 or to_rgba(patch.get_edgecolor())[3] == 0:
        return
    face = to_rgba(patch.get_facecolor())
    if patch.get_fill() and face[3] >= 1 and (patch.get_alpha() is None or patch.get_alpha() == 1):
        return
    for outside in _just_outside(ax, patch.get_transform().transform(patch.get_path().vertices)):
        bg = _background(fig, outside, patch)
        fg = _over(patch.get_edgecolor(), bg, patch.get_alpha())
        record("graphic", patch, "outline", fg, bg, GRAPHICS_CONTRAST)


def _check_solid_bar(fig: Figure, ax: Axes, patch: Patch, record: Any) -> None:
    """A solid bar (drawn by ``ax.bar`` or ``ax.barh``) is seen by its fill against what is next to it (the axes,
    or a neighbouring bar), or by its outline against that or against its own fill: 3:1 for at least one of them
    (WCAG 1.4.11)."""
    if type(patch) is not Rectangle or not patch.get_visible() or patch.get_transform() is ax.transAxes:
        return
    face = to_rgba(patch.get_facecolor())
    if not patch.get_fill() or face[3] < 1 or (patch.get_alpha() not in (None, 1)):
        return  # translucent: its outline is checked by _check_outline
    edge = patch.get_edgecolor() if patch.get_linewidth() > 0 and to_rgba(patch.get_edgecolor())[3] > 0 else None
    for outside in _just_outside(ax, patch.get_transform().transform(patch.get_path().vertices)):
        bg = _background(fig, outside, patch)
        fill = _over(face, bg)
        # The bar's edge is seen where its fill meets what is next to it, or where its outline meets either.
        pairs = [(fill, bg)] + ([(_over(edge, bg), bg), (_over(edge, bg), fill)] if edge is not None else [])
        fg, against = max(pairs, key=lambda pair: contrast_ratio(*pair))
        record("graphic", patch, "bar", fg, against, GRAPHICS_CONTRAST)


def _just_outside(ax: Axes, points: Any) -> list[tuple[float, float]]:
    """Up to about 12 display points 2 px outside a shape's outline (given as display points), inside the axes:
    where the outline is seen against what surrounds the shape."""
    if len(points) == 0:
        return []
    centre = points.mean(axis=0)
    found = []
    for point in points[:: max(1, len(points) // 12)]:
        outside = point + (point - centre) / max(float(np.hypot(*(point - centre))), 1e-9) * 2.0
        if ax.patch.contains_point(outside):
            found.append((float(outside[0]), float(outside[1])))
    return found


def _check_collection(fig: Figure, ax: Axes, collection: Collection, record: Any) -> None:
    """Scatter markers against what is beneath them; translucent or unfilled shapes by their outlines."""
    if not collection.get_visible():
        return
    alpha = collection.get_alpha()
    if isinstance(collection, PathCollection):
        offsets = collection.get_offset_transform().transform(collection.get_offsets())
        faces, edges = collection.get_facecolor(), collection.get_edgecolor()
        sizes = collection.get_sizes()
        for index, point in enumerate(offsets[:40]):
            if len(sizes) and sizes[index % len(sizes)] == 0 or not ax.patch.contains_point(point):
                continue
            radius = float(np.sqrt(sizes[index % len(sizes)])) / 2 * fig.dpi / 72 if len(sizes) else 0.0
            colours = [c[index % len(c)] for c in (faces, edges) if len(c)]
            colours = [c for c in colours if c[3] > 0]
            if not colours:
                continue
            fg, bg = _worst(colours, _around(fig, point, radius, collection), alpha)
            record("graphic", collection, "scatter marker", fg, bg, GRAPHICS_CONTRAST)
        return
    if isinstance(collection, LineCollection):  # segments: each against what lies under its middle
        colours = collection.get_colors()
        transform = collection.get_transform()
        for index, path in enumerate(collection.get_paths()[:60]):
            ends = transform.transform(path.vertices)
            if len(ends) < 2 or len(colours) == 0:
                continue
            middle = (ends[0] + ends[-1]) / 2
            if not ax.patch.contains_point(middle):
                continue
            bg = _background(fig, (float(middle[0]), float(middle[1])), collection)
            colour = colours[index % len(colours)]
            seen = colour[3] * (1 if alpha is None else alpha)
            record("graphic", collection, "line segment", _over(colour, bg, alpha), bg, GRAPHICS_CONTRAST, seen)
        return
    edges, faces = collection.get_edgecolor(), collection.get_facecolor()
    widths = collection.get_linewidth()
    if len(edges) == 0 or not any(w > 0 for w in widths):
        return
    translucent = alpha is not None and alpha < 1
    transform = collection.get_transform()
    for index, path in enumerate(collection.get_paths()):
        face = faces[index % len(faces)] if len(faces) else (0, 0, 0, 0)
        edge = edges[index % len(edges)]
        if edge[3] == 0 or (face[3] >= 1 and not translucent):
            continue
        for outside in _just_outside(ax, transform.transform(path.vertices)):
            bg = _background(fig, outside, collection)
            record("graphic", collection, "outline", _over(edge, bg, alpha), bg, GRAPHICS_CONTRAST)


def contrast_failures(fig: Figure) -> list[dict[str, Any]]:
    """The pairs of :func:`figure_contrast` below their minimum, the worst of each kind and colour pair once."""
    worst: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for pair in figure_contrast(fig):
        if pair["ratio"] >= pair["minimum"]:
            continue
        key = (pair["figure"], pair["what"], pair["foreground"], pair["background"])
        worst.setdefault(key, pair)
    return sorted(worst.values(), key=lambda p: p["ratio"])
