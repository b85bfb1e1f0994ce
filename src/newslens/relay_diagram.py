"""Lesson 5's copy-chain diagram: where each relaying source sits, and how its boxes and arrows are drawn.

The lesson teaches following ``relays_source_id`` (a source's number of steps from its primary source is the
pandas work, done in the notebook). Placing the boxes so that they never overlap, and styling every arrow by how
the link is known, is drawing machinery, not the skill: it lives here, tested (tests/test_relay_diagram.py), so
the lesson's cells stay short.

The picture: each source that takes part in a relay is a box at x = its step from its primary source; the
article's chain runs along row 0 in the course's first colour, other relays take free rows above and below, grey.
An arrow points from the copied source to the one that copied it: solid when the link is documented (the relay
names its source), dashed when it is inferred from wording alone, dotted for another possible upstream
(``relay_alternatives``). Dark orange and thicker on the article's chain, grey elsewhere.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Text

from . import style

__all__ = ["LINK_STYLE", "assign_rows", "draw_relay_diagram"]

#: Line style of an arrow by how its link is known.
LINK_STYLE: dict[str, str] = {"documented": "-", "inferred": "--", "alternative": ":"}
#: Rows offered, in order, to the sources of one step: the chain's own row 0 first if the step has no chain member.
_ROWS_BESIDE_CHAIN = [-1, 1, -2, 2, -3, 3, -4, 4, -5, 5]
_ROWS_WITHOUT_CHAIN = [0, -1, 1, -2, 2, -3, 3, -4, 4, -5]
_BOX_WIDTH_CHARACTERS = 13


def assign_rows(nodes: pd.DataFrame) -> pd.Series:
    """The row of each source (index: ``source_id``): 0 for the article's chain, free rows for the others.

    ``nodes`` has the columns ``source_id``, ``relays_source_id``, ``step`` and ``on_chain``. Sources of one step
    share no row, so no two boxes overlap; those off the chain are ordered like their parents' rows, so that
    arrows cross as little as possible.
    """
    row_of: dict[str, int] = {}
    for _step, group in nodes.sort_values("step").groupby("step", sort=True):
        on_chain = group[group["on_chain"].astype(bool)]
        others = group[~group["on_chain"].astype(bool)]
        parent_row = others["relays_source_id"].map(row_of).astype(float).fillna(0.0)
        others = others.assign(parent_row=parent_row).sort_values(["parent_row", "source_id"])
        free = _ROWS_BESIDE_CHAIN if len(on_chain) else _ROWS_WITHOUT_CHAIN
        if len(others) > len(free):
            raise ValueError(
                f"step {_step} has {len(others)} sources off the chain; the diagram has room for {len(free)}"
            )
        row_of.update(dict.fromkeys(on_chain["source_id"], 0))
        row_of.update(zip(others["source_id"], sorted(free[: len(others)]), strict=True))
    rows: pd.Series = pd.Series(row_of, name="row").reindex(nodes["source_id"]).astype(int)
    return rows


def _draw_link(ax: Axes, boxes: Mapping[str, Text], child: str, parent: str, kind: str, chain: Sequence[str]) -> None:
    """An arrow from ``parent``'s box to ``child``'s, clipped at both boxes' outlines so it never runs over a name."""
    on_chain = kind != "alternative" and child in chain and parent in chain
    ax.annotate(
        "",
        xy=boxes[child].get_position(),
        xytext=boxes[parent].get_position(),
        arrowprops={
            "arrowstyle": "->",
            "lw": 2 if on_chain else 1.2,
            "linestyle": LINK_STYLE[kind],
            "color": style.DARK_ORANGE if on_chain else style.BORDER,
            "patchA": boxes[parent].get_bbox_patch(),
            "patchB": boxes[child].get_bbox_patch(),
            "shrinkA": 2,
            "shrinkB": 2,
            "connectionstyle": "arc3,rad=0.2" if kind == "alternative" else "arc3",
        },
    )


def draw_relay_diagram(
    ax: Axes,
    nodes: pd.DataFrame,
    basis: Mapping[str, str],
    alternatives: Mapping[str, Iterable[str]],
    chain: Sequence[str],
    *,
    fontsize: float = 9,
) -> None:
    """Draw the relay boxes and arrows on ``ax``, with a legend of the five line styles under the axes.

    ``nodes``: one row per source with ``source_id``, ``name``, ``relays_source_id``, ``step``, ``row`` and
    ``on_chain``. ``basis``: each relaying source's ``relay_basis`` ("documented" or "inferred").
    ``alternatives``: each source's other possible upstreams. ``chain``: the article's chain of source ids.
    Every arrow is an annotation with empty text (``ax.texts`` holds them, each with its ``arrow_patch``).
    """
    position = nodes.set_index("source_id")[["step", "row"]]
    boxes: dict[str, Text] = {}
    records: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in nodes.to_dict("records")]
    for node in records:
        colour = style.PALETTE[0] if node["on_chain"] else style.BORDER
        boxes[str(node["source_id"])] = ax.text(
            float(node["step"]),
            float(node["row"]),
            textwrap.fill(str(node["name"]), _BOX_WIDTH_CHARACTERS, break_long_words=False, break_on_hyphens=False),
            ha="center",
            va="center",
            fontsize=fontsize,
            color="white" if node["on_chain"] else "black",
            bbox={"boxstyle": "round,pad=0.35", "facecolor": colour, "edgecolor": colour},
        )
    # The boxes first: an arrow is clipped at the outlines of boxes that are drawn before it.
    for node in records:
        child, parent = str(node["source_id"]), node["relays_source_id"]
        if pd.notna(parent):
            _draw_link(ax, boxes, child, str(parent), basis[child], chain)
        for other in alternatives.get(child, []):
            _draw_link(ax, boxes, child, other, "alternative", chain)
    steps, rows = position["step"].astype(int), position["row"].astype(int)
    ax.set_xlim(-0.6, steps.max() + 0.6)
    ax.set_ylim(rows.min() - 0.7, rows.max() + 0.7)
    ax.set_xticks(range(steps.max() + 1))
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("Relay steps from the primary source")
    entries = [
        (style.DARK_ORANGE, 2, "-", "documented: the relay names its source (article's chain)"),
        (style.DARK_ORANGE, 2, "--", "inferred from wording only (article's chain)"),
        (style.BORDER, 1.2, "-", "documented (other relays)"),
        (style.BORDER, 1.2, "--", "inferred (other relays)"),
        (style.BORDER, 1.2, ":", "another possible upstream (relay_alternatives)"),
    ]
    handles = [Line2D([], [], color=c, lw=w, ls=s, label=label) for c, w, s, label in entries]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1, fontsize=8.5)
