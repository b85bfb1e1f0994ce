"""The bench's widget timer, which the bench runs in a lesson's kernel after the lesson has executed."""

from __future__ import annotations

import ipywidgets as widgets

from newslens.tools.bench import time_widget


def test_timing_a_widget_leaves_it_showing_what_it_showed_before():
    slider = widgets.IntSlider(value=3, min=1, max=9)
    shown: list[int] = []
    slider.observe(lambda change: shown.append(change["new"]), names="value")
    result = time_widget(slider, values=[1, 5, 9], label="slider")
    assert slider.value == 3, "the lesson's widget must not be left on the last timed value"
    assert shown == [1, 5, 9, 3], "the callback must redraw the original value at the end"
    assert result["n"] == 3 and result["label"] == "slider"
