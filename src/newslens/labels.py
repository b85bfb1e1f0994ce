"""Label placement for the course's figures: each label beside its own point, clear of other labels and markers.

Maps and timelines label points (places, events) whose labels collide when points are close: 'Sondok area' over
'Huichon', a city name over the next city's dot. :func:`place_labels` moves each label to the first of a fixed
ring of spots around its point (right, above, left, below, then the diagonals, then farther out) where it
overlaps no label placed before it, no other text of the figure (titles, ticks, legends, country names), no marker
and does not leave the axes; a label set farther than the first ring gets a thin leader line to its point. The
order of ``texts`` is the priority: the first label gets the best spot.

It is deterministic and takes one draw of the figure (a few milliseconds per label), and its result is checked
with the same rules as the figure test (:mod:`newslens.readability`). Measured against ``adjustText`` (1.4, a
force-directed library) on the course's crowded maps, see tests/test_labels.py and the module's notes there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text

from .readability import TOLERANCE_PX, _anchor, _Box, _drawn_texts, _markers, renderer_of

#: The directions tried, in order of preference (degrees, counter-clockwise from the right): the four sides,
#: the diagonals, then the directions between them.
DIRECTIONS = (0, 90, 180, 270, 45, 135, 225, 315, 22.5, 67.5, 112.5, 157.5, 202.5, 247.5, 292.5, 337.5)
#: Rings tried: the gap between the point and the label, in points (1 pt = dpi / 72 px).
RINGS_PT = (3.0, 9.0, 16.0, 26.0, 40.0, 56.0)


def _candidate(point: tuple[float, float], angle: float, gap: float, hw: float, hh: float) -> _Box:
    """The box of a ``2 hw`` x ``2 hh`` label whose nearest edge is ``gap`` px from ``point`` towards ``angle``."""
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    # centre distance so that the box's edge, not its centre, is ``gap`` away (box support along the direction)
    reach = gap + abs(dx) * hw + abs(dy) * hh
    return _Box(point[0] + dx * reach, point[1] + dy * reach, hw, hh, 0.0)


def place_labels(
    ax: Axes,
    texts: Sequence[Text],
    *,
    leader_colour: str = "#595959",
    marker_radius_pt: float = 3.0,
) -> list[Text]:
    """Move each of ``texts`` (labels drawn on ``ax`` with ``ax.text`` or ``ax.annotate``) to a spot beside the
    point it labels where it overlaps nothing; return the texts. A label that finds no free spot keeps the one
    with the fewest collisions (the figure test then names it). ``marker_radius_pt`` is the least gap kept from
    the labelled point when the point has no marker of its own."""
    fig = ax.figure
    mine = {id(t) for t in texts}
    drawn = _drawn_texts(fig)  # type: ignore[arg-type]
    renderer = renderer_of(fig)
    px_per_pt = fig.dpi / 72
    # every other text of the figure is an obstacle, as its extent (the bounding box of a rotated text)
    boxes: list[tuple[float, float, float, float]] = []
    for other in drawn:
        if id(other) in mine:
            continue
        e = other.get_window_extent(renderer)
        if e.width > 0 and e.height > 0:
            boxes.append(((e.x0 + e.x1) / 2, (e.y0 + e.y1) / 2, e.width / 2, e.height / 2))
    markers = np.array([(x, y, r) for _, x, y, r in _markers(fig)]).reshape(-1, 3)  # type: ignore[arg-type]
    frame = ax.bbox
    limits = ax.get_xlim(), ax.get_ylim()
    for text in texts:
        point = _anchor(text)
        e = text.get_window_extent(renderer)
        hw, hh = e.width / 2, e.height / 2
        own = _own_marker(markers, point)
        base = max(own, marker_radius_pt * px_per_pt)
        others = np.array(boxes).reshape(-1, 4)
        best: tuple[int, int, _Box] | None = None  # (collisions, ring, box)
        for ring, gap_pt in enumerate(RINGS_PT):
            for angle in DIRECTIONS:
                box = _candidate(point, angle, base + gap_pt * px_per_pt, hw, hh)
                cost = _collisions(box, others, markers, point, frame)
                if best is None or cost < best[0]:
                    best = (cost, ring, box)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        _, chosen_ring, chosen = best
        _move(ax, text, chosen)
        if chosen_ring > 0:
            _leader(ax, point, chosen, leader_colour)
        boxes.append((chosen.cx, chosen.cy, chosen.hw, chosen.hh))
    if (ax.get_xlim(), ax.get_ylim()) != limits:  # leader lines must not rescale the axes the labels were set in
        ax.set_xlim(limits[0])
        ax.set_ylim(limits[1])
    return list(texts)


def _own_marker(markers: np.ndarray, point: tuple[float, float]) -> float:
    """The radius of the marker drawn at ``point`` (0 if none)."""
    if markers.size == 0:
        return 0.0
    d = np.hypot(markers[:, 0] - point[0], markers[:, 1] - point[1])
    at = d <= np.maximum(markers[:, 2], 1.0)
    return float(markers[at, 2].max()) if at.any() else 0.0


def _collisions(box: _Box, others: np.ndarray, markers: np.ndarray, point: tuple[float, float], frame: Any) -> int:
    """How many labels, texts and markers ``box`` would cover (``others``: rows of cx, cy, hw, hh), plus 2 when it
    crosses the axes' edge."""
    cost = 0
    if others.size:
        gap_x = np.abs(others[:, 0] - box.cx) - (others[:, 2] + box.hw)
        gap_y = np.abs(others[:, 1] - box.cy) - (others[:, 3] + box.hh)
        cost += int(np.count_nonzero((gap_x < -TOLERANCE_PX) & (gap_y < -TOLERANCE_PX)))
    if markers.size:
        own = np.hypot(markers[:, 0] - point[0], markers[:, 1] - point[1]) <= np.maximum(markers[:, 2], 1.0)
        dx = np.maximum(np.abs(markers[:, 0] - box.cx) - box.hw, 0.0)
        dy = np.maximum(np.abs(markers[:, 1] - box.cy) - box.hh, 0.0)
        cost += int(np.count_nonzero(~own & (np.hypot(dx, dy) < markers[:, 2] - TOLERANCE_PX)))
    if (
        box.cx - box.hw < frame.x0
        or box.cx + box.hw > frame.x1
        or box.cy - box.hh < frame.y0
        or box.cy + box.hh > frame.y1
    ):
        cost += 2  # a label cut by the axes' edge, or spilling over the ticks, is worse than one collision
    return cost


def _move(ax: Axes, text: Text, box: _Box) -> None:
    """Put ``text``'s centre at the box's centre (display pixels), keeping the text's own coordinate system."""
    text.set_horizontalalignment("center")
    text.set_verticalalignment("center")
    text.set_rotation(0)
    if isinstance(text, Annotation):  # an offset from the point it labels, in points: true at any dpi
        px, py = _anchor(text)
        per_pt = ax.figure.dpi / 72
        text.set_anncoords("offset points")
        text.set_position(((box.cx - px) / per_pt, (box.cy - py) / per_pt))
        return
    x, y = text.get_transform().inverted().transform((box.cx, box.cy))
    text.set_position((float(x), float(y)))


def _leader(ax: Axes, point: tuple[float, float], box: _Box, colour: str) -> None:
    """A thin line from the point to the nearest spot of the label's box, drawn under the label."""
    tx = min(max(point[0], box.cx - box.hw), box.cx + box.hw)
    ty = min(max(point[1], box.cy - box.hh), box.cy + box.hh)
    inverse = ax.transData.inverted()
    (x0, y0), (x1, y1) = inverse.transform([point, (tx, ty)])
    ax.add_line(Line2D([x0, x1], [y0, y1], color=colour, linewidth=0.6, zorder=1.5, label="_leader"))
