"""The handout build's cache: nothing re-runs unless its source, its data or the package changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newslens.tools.handouts.build import BuildFailed, build_handouts
from newslens.tools.handouts.sample import make_sample_course

pytestmark = pytest.mark.slow


def _edit_markdown(path: Path, text: str) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] += text
    path.write_text(json.dumps(nb), encoding="utf-8")


def _build(course_file: Path, **kw):
    return build_handouts(course_file, jobs=2, log=lambda _: None, **kw)


def test_cache_reuses_runs_and_rebuilds_exactly_what_changed(tmp_path):
    course_file = make_sample_course(tmp_path)
    first = _build(course_file)
    assert sorted(first.executed) == ["lessons/01_alpha", "lessons/02_beta", "solutions/01_alpha"]

    again = _build(course_file)  # nothing to do: the cache, not a stopwatch, is what this asserts
    assert again.executed == [] and again.rendered == []

    lesson = tmp_path / "notebooks" / "02_beta.ipynb"
    original = lesson.read_text(encoding="utf-8")
    _edit_markdown(lesson, "\n\nOne more sentence.")
    edited = _build(course_file)
    assert edited.executed == ["lessons/02_beta"]
    page = (tmp_path / "build" / "handouts" / "lessons" / "02_beta.html").read_text(encoding="utf-8")
    assert "One more sentence." in page

    lesson.write_text(original, encoding="utf-8")  # undoing an edit finds the earlier run in the cache
    assert _build(course_file).executed == []

    table = tmp_path / "data" / "tables" / "alpha.csv"
    os.utime(table)  # a new modification time alone is no change of content
    assert _build(course_file).executed == []
    table.write_text(table.read_text(encoding="utf-8") + "Seoul,1\n", encoding="utf-8")
    assert _build(course_file).executed == ["lessons/01_alpha"]  # the only notebook that reads it


def test_a_failing_notebook_fails_the_build_and_leaves_no_stale_page(tmp_path):
    course_file = make_sample_course(tmp_path)
    _build(course_file, only=["02_beta"])
    page = tmp_path / "build" / "handouts" / "lessons" / "02_beta.html"
    assert page.is_file()

    path = tmp_path / "notebooks" / "02_beta.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][1]["source"] = "ratio = 1 / 0\nprint(ratio)"
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        _build(course_file, only=["02_beta"])
    message = str(failed.value)
    assert "notebooks/02_beta.ipynb" in message
    assert "cell 1" in message and "ratio = 1 / 0" in message
    assert "ZeroDivisionError" in message
    assert not page.exists()


def test_a_solution_whose_otter_tests_changed_is_executed_again(tmp_path):
    """otter keeps a set's tests in the notebook's metadata and its grader.check cells run them: a changed
    test changes what the solution page shows, though no cell changed (a stale page once kept a warning)."""
    course_file = make_sample_course(tmp_path)
    _build(course_file)
    solution = tmp_path / "solutions" / "01_alpha.ipynb"
    nb = json.loads(solution.read_text(encoding="utf-8"))
    nb.setdefault("metadata", {}).setdefault("otter", {})["tests"] = {"q1": "OK_FORMAT = False\n"}
    solution.write_text(json.dumps(nb), encoding="utf-8")
    assert _build(course_file).executed == ["solutions/01_alpha"]
