"""The course's label placement (newslens.labels, as ``style.place_labels``): what a reader sees after it runs.

Each test draws labelled points that collide, places the labels and checks the result with the figure test's own
rules (newslens.readability): no two labels overlapping, no label over another point's marker, every label still
beside its own point.

Why not adjustText: on the crowded synthetic maps of :func:`crowded_map` (seeds 0-3, 18 points, 12 of them in a
cluster), adjustText 1.4 left one overlap and 2-4 labels over another point's marker on every seed and took 4.1-6.4 s
per figure, and it would add scipy to the course's dependencies; this placement left none in 0.15-0.25 s.
"""

from __future__ import annotations

import math
import time

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from newslens import style  # noqa: E402
from newslens.readability import describe, readability_failures  # noqa: E402


@pytest.fixture(autouse=True)
def _course_style():
    with matplotlib.rc_context():
        style.apply()
        yield
    plt.close("all")


def crowded_map(seed: int, annotate: bool = True):
    """Made-up points (not course data): a tight cluster of 12 and 6 scattered, each labelled at its point."""
    rng = np.random.default_rng(seed)
    fig, ax = plt.subplots(figsize=(6.4, 5))
    xs = np.concatenate([rng.normal(126, 0.8, 12), rng.uniform(122, 132, 6)])
    ys = np.concatenate([rng.normal(39, 0.6, 12), rng.uniform(35, 43, 6)])
    ax.scatter(xs, ys, s=25, color=style.OKABE_ITO["blue"], zorder=3)
    ax.set(xlim=(121, 133), ylim=(34, 44), title="A crowded map of made-up places")
    names = [f"Place {chr(65 + i)}{'ville' * (i % 3)}" for i in range(len(xs))]
    if annotate:
        texts = [
            ax.annotate(n, (x, y), xytext=(4, 4), textcoords="offset points")
            for n, x, y in zip(names, xs, ys, strict=True)
        ]
    else:
        texts = [ax.text(x, y, n) for n, x, y in zip(names, xs, ys, strict=True)]
    return fig, ax, texts, xs, ys


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("annotate", [True, False], ids=["annotate", "text"])
def test_crowded_labels_end_clear_of_each_other_and_of_other_markers(seed, annotate):
    fig, ax, texts, _, _ = crowded_map(seed, annotate)
    before = readability_failures(fig)
    assert any(f["kind"] == "overlap" for f in before), "the test needs labels that collide"
    start = time.process_time()
    style.place_labels(ax, texts)
    assert time.process_time() - start < 2.0
    after = [describe(f) for f in readability_failures(fig)]
    assert after == []


def test_every_label_stays_beside_its_own_point():
    fig, ax, texts, xs, ys = crowded_map(0)
    style.place_labels(ax, texts)
    fig.draw_without_rendering()
    points = ax.transData.transform(np.column_stack([xs, ys]))
    for text, (px, py) in zip(texts, points, strict=True):
        box = text.get_window_extent()
        gap = math.hypot(max(box.x0 - px, 0, px - box.x1), max(box.y0 - py, 0, py - box.y1))
        assert gap <= 80 * fig.dpi / 72, f"{text.get_text()!r} is {gap:.0f} px from its point"
        inside = ax.bbox
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1


def test_a_label_set_farther_out_gets_a_leader_line_and_the_view_does_not_move():
    fig, ax, texts, _, _ = crowded_map(1)
    limits = ax.get_xlim(), ax.get_ylim()
    lines_before = len(ax.lines)
    style.place_labels(ax, texts)
    assert (ax.get_xlim(), ax.get_ylim()) == limits
    leaders = [line for line in ax.lines[lines_before:] if line.get_label() == "_leader"]
    assert leaders, "a cluster of 12 needs some labels farther out"
    assert all(line.get_marker() in ("None", "", None) for line in leaders), "a leader is not a marker"


def test_the_first_label_keeps_the_best_spot_and_lone_labels_sit_to_the_right():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.scatter([0, 10], [0, 0], s=25)
    ax.set(xlim=(-5, 15), ylim=(-5, 5))
    first = ax.text(0, 0, "Nampo")
    lone = ax.text(10, 0, "Wonsan")
    style.place_labels(ax, [first, lone])
    fig.draw_without_rendering()
    for text, x in ((first, 0), (lone, 10)):
        px, py = ax.transData.transform((x, 0))
        box = text.get_window_extent()
        assert box.x0 > px and box.y0 < py < box.y1, f"{text.get_text()} not to the right of its point"


def test_labels_avoid_the_figures_other_texts():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.scatter([0], [0], s=25)
    ax.set(xlim=(-5, 5), ylim=(-5, 5))
    ax.text(0.3, 0, "RUSSIA", va="center")  # a country name right where the label would go
    label = ax.annotate("Vladivostok", (0, 0), xytext=(4, 4), textcoords="offset points")
    assert any(f["kind"] == "overlap" for f in readability_failures(fig))
    style.place_labels(ax, [label])
    assert readability_failures(fig) == []
