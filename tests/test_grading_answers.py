"""Answers that are functions or figures reach the trusted checks as plain data, and are graded on it.

A function's results on the grader's inputs (instructors/exercise_sources/function_answers.toml) and a figure's
titles, labels, ticks and artists' positions are exported by the sandboxed kernel's encoder; the evaluator rebuilds
a stand-in function and a new Figure from them. These tests drive the encoder and the evaluator's rebuild directly,
without a sandbox: tests/test_grading.py grades whole submissions.
"""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from newslens import paths
from newslens.tools.grading import probes
from newslens.tools.grading.kernel_side import _nl_encoder
from newslens.tools.grading.otter_adapter import _rebuild
from newslens.tools.grading.plain import NotPlain, decode

encode = _nl_encoder(cap=100_000)
SOURCES = paths.REPO_ROOT / "instructors" / "exercise_sources"


def _exported(function, inputs):
    """What the kernel's export writes for a function answer (kernel_side.call_all, without the CPU timer)."""
    results = []
    for arg in inputs:
        try:
            results.append(encode(function(decode(encode(arg)))))
        except Exception as exc:
            results.append({"t": "invalid", "why": f"it raised {type(exc).__name__}: {exc}"})
    return {"t": "calls", "v": results}


def test_a_function_answer_is_rebuilt_from_its_results_on_the_grader_inputs():
    inputs = [pd.Timestamp("2025-12-25"), pd.Timestamp("2025-12-29")]

    def sunday_start(anchor):  # a student's week that starts on Sunday
        monday = anchor - pd.Timedelta(days=anchor.weekday() + 8)
        return monday, monday + pd.Timedelta(days=6)

    doc = _exported(sunday_start, inputs)
    stand_in = _rebuild("last_week", doc, {"last_week": [encode(a) for a in inputs]})
    assert callable(stand_in)
    assert stand_in(pd.Timestamp("2025-12-29")) == sunday_start(pd.Timestamp("2025-12-29"))
    with pytest.raises(probes.NotPrepared, match="function_answers.toml"):
        stand_in(pd.Timestamp("2030-01-01"))


def test_an_exception_the_student_function_raised_comes_back_as_a_failed_call():
    doc = _exported(lambda w: 1 // w, [0, 1])
    stand_in = _rebuild("precision_code", doc, {"precision_code": [encode(0), encode(1)]})
    assert stand_in(1) == 1
    with pytest.raises(ValueError, match="ZeroDivisionError"):
        stand_in(0)


def test_results_that_do_not_match_the_inputs_are_not_plain_data():
    doc = _exported(str, [1, 2])
    assert isinstance(_rebuild("origin", doc, {"origin": [encode(1)]}), NotPlain)


def test_the_listed_inputs_cover_each_set_function_answers():
    listed = probes.inputs(SOURCES, "04_charting_the_timeline")
    assert pd.Timestamp("2025-12-25") in listed["last_week"] and 365 in listed["precision_code"]
    assert "article" in probes.inputs(SOURCES, "05_evaluating_the_sources")["origin"]
    assert probes.inputs(SOURCES, "01_reading_the_article") == {}


def test_a_figure_answer_is_rebuilt_with_its_bars_labels_and_titles():
    fig = Figure()
    ax = fig.add_subplot()
    ax.barh(["visit", "launch"], [3, 1], left=[20000, 20010])
    ax.set(title="Timeline", xlabel="date")
    ax.plot([1, 2], [0, 1], label="trend")
    ax.text(20005, 0, "note")
    rebuilt = decode(encode(fig))
    assert isinstance(rebuilt, Figure) and rebuilt is not fig
    rax = rebuilt.axes[0]
    bars = [p for p in rax.patches if p.get_data_transform() is rax.transData]
    assert sorted((b.get_x(), b.get_width()) for b in bars) == [(20000.0, 3.0), (20010.0, 1.0)]
    assert [t.get_text() for t in rax.get_yticklabels()] == ["visit", "launch"]
    assert (rax.get_title(), rax.get_xlabel()) == ("Timeline", "date")
    assert [line.get_label() for line in rax.lines] == ["trend"] and rax.texts[0].get_text() == "note"


def test_a_figure_subclass_is_not_taken_for_a_figure():
    class Fake(Figure):
        pass

    assert encode(Fake())["t"] == "invalid"
