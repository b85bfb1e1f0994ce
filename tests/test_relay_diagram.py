"""newslens.relay_diagram: lesson 5's copy-chain diagram, boxes that never overlap and arrows styled by their basis.

Checked on the course's own sources table (the lesson's picture) and on small made-up relays that probe the
layout's edge cases: a step with no chain member, many side branches, arrows between boxes of the same step.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from newslens import style
from newslens.data import load_sources
from newslens.relay_diagram import LINK_STYLE, assign_rows, draw_relay_diagram

matplotlib.use("Agg")


def _nodes(relays: dict[str, str | None], chain: list[str]) -> pd.DataFrame:
    """The diagram's nodes for a made-up relay table: each source's step walked from its parents."""

    def step(source: str) -> int:
        parent = relays[source]
        return 0 if parent is None else 1 + step(parent)

    return pd.DataFrame(
        {
            "source_id": list(relays),
            "name": [f"Source {s}" for s in relays],
            "relays_source_id": [relays[s] for s in relays],
            "step": [step(s) for s in relays],
            "on_chain": [s in chain for s in relays],
        }
    )


@pytest.fixture(scope="module")
def course() -> tuple[pd.DataFrame, pd.Series, pd.Series, list[str]]:
    """The lesson's nodes, relay bases, alternatives and the article's chain, from the course's sources table."""
    sources = load_sources().set_index("source_id")
    upstream = sources["relays_source_id"]

    def chain_of(source: str) -> list[str]:
        walk = [source]
        while pd.notna(upstream[walk[-1]]):
            walk.append(upstream[walk[-1]])
        return walk[::-1]

    article = sources.index[sources["source_type"] == "this_article"].item()
    chain = chain_of(article)
    in_relay = [s for s in sources.index if pd.notna(upstream[s]) or s in set(upstream.dropna())]
    nodes = pd.DataFrame(
        {
            "source_id": in_relay,
            "name": sources.loc[in_relay, "name"].tolist(),
            "relays_source_id": upstream[in_relay].tolist(),
            "step": [len(chain_of(s)) - 1 for s in in_relay],
            "on_chain": [s in chain for s in in_relay],
        }
    )
    nodes["row"] = nodes["source_id"].map(assign_rows(nodes))
    alternatives = sources["relay_alternatives"].dropna().str.split(";")
    return nodes, sources["relay_basis"], alternatives, chain


def _draw(nodes, basis, alternatives, chain) -> Figure:
    fig = Figure(figsize=(6.8, 5.4))
    FigureCanvasAgg(fig)
    style.apply()
    draw_relay_diagram(fig.add_subplot(), nodes, basis=basis, alternatives=alternatives, chain=chain)
    fig.tight_layout()
    fig.canvas.draw()
    return fig


def test_the_chain_runs_along_row_zero_and_no_two_boxes_share_a_place(course):
    nodes, _, _, chain = course
    assert set(nodes.loc[nodes["on_chain"], "row"]) == {0}
    assert sorted(nodes.loc[nodes["on_chain"], "source_id"], key=chain.index) == chain
    places = list(zip(nodes["step"], nodes["row"], strict=True))
    assert len(places) == len(set(places))


def test_a_step_without_a_chain_member_starts_on_the_middle_row():
    nodes = _nodes({"a": None, "b": "a", "x": None, "y": "x"}, chain=["a", "b"])
    rows = assign_rows(nodes)
    assert rows["a"] == 0 and rows["b"] == 0 and rows["x"] != 0 and rows["y"] != 0
    assert len({(s, rows[i]) for i, s in zip(nodes["source_id"], nodes["step"], strict=True)}) == len(nodes)


def test_side_branches_follow_their_parents_rows_so_arrows_cross_less():
    # p is above the chain's row and q below (or the other way round); their children keep the same order.
    nodes = _nodes({"a": None, "p": "a", "q": "a", "b": "a", "pc": "p", "qc": "q", "c": "b"}, chain=["a", "b", "c"])
    rows = assign_rows(nodes)
    assert (rows["p"] < rows["q"]) == (rows["pc"] < rows["qc"])


def test_a_step_with_more_sources_than_rows_is_refused_not_drawn_over():
    relays: dict[str, str | None] = {"a": None, **{f"s{k}": "a" for k in range(12)}}
    with pytest.raises(ValueError, match="room for"):
        assign_rows(_nodes(relays, chain=["a"]))


def test_every_link_is_an_arrow_styled_by_how_it_is_known_and_clipped_at_the_boxes(course):
    nodes, basis, alternatives, chain = course
    fig = _draw(nodes, basis, alternatives, chain)
    arrows = [t.arrow_patch for t in fig.axes[0].texts if getattr(t, "arrow_patch", None)]
    relaying = nodes["relays_source_id"].notna()
    expected = {
        LINK_STYLE["documented"]: int((basis[nodes.loc[relaying, "source_id"]] == "documented").sum()),
        LINK_STYLE["inferred"]: int((basis[nodes.loc[relaying, "source_id"]] == "inferred").sum()),
        LINK_STYLE["alternative"]: sum(len(v) for k, v in alternatives.items() if k in set(nodes["source_id"])),
    }
    styles = [a.get_linestyle() for a in arrows]
    assert {s: styles.count(s) for s in expected} == expected and len(styles) == sum(expected.values())
    # each arrow ends at the outlines of the two boxes, not at their centres, so it never crosses a name
    assert all(a.patchA is not None and a.patchB is not None for a in arrows)
    # the article's chain: thick dark-orange arrows; the others grey
    on_chain = [a for a in arrows if a.get_linewidth() == 2]
    assert len(on_chain) == len(chain) - 1
    assert all(matplotlib.colors.same_color(a.get_edgecolor(), style.DARK_ORANGE) for a in on_chain)


def test_the_boxes_names_and_the_legend_do_not_overlap(course):
    fig = _draw(*course)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts if t.get_text()]
    assert len(boxes) == len(course[0])
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            assert not first.overlaps(second), "two boxes of the diagram overlap"
    legend = ax.get_legend().get_window_extent(renderer)
    assert not any(legend.overlaps(b) for b in boxes)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("documented" in label for label in labels) and any("inferred" in label for label in labels)
    assert min(t.get_fontsize() for t in ax.texts if t.get_text()) >= 8.5


def test_long_names_wrap_without_breaking_a_word(course):
    fig = _draw(*course)
    words = {w for name in course[0]["name"] for w in name.split()}
    for text in fig.axes[0].texts:
        for line in text.get_text().splitlines():
            assert all(w in words for w in line.split()), line
