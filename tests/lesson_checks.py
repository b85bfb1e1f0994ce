"""Checks every lesson test file shares: run the notebook once, re-run it, read its structure.

The lesson test files (tests/test_lesson_0*.py) keep their own test functions, so pytest output still names
each check per lesson; the bodies that are the same in every lesson live here once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import nbformat

from newslens import paths
from newslens.data import load_article
from newslens.tools.handouts.course import Course, Handout, load_course
from newslens.tools.runner import NotebookRun, RunOptions, temporary_cwd

OPENING_HEADINGS = ("## Learning objectives", "## Prerequisites", "## Time needed", "## Where this sits")
CLOSING_HEADINGS = ("## Summary", "## Key points", "## Practise and continue")


@functools.cache
def _course() -> Course:
    return load_course(paths.REPO_ROOT / "course.toml")


def course_entry(notebook: Path) -> Handout:
    """The lesson that course.toml lists for ``notebook``: its ``lesson_id``, ``title``, ``minutes`` and ``next``
    lesson (None for the last one)."""
    for lesson in _course().handouts["lessons"]:
        if lesson.source.resolve() == Path(notebook).resolve():
            return lesson
    raise AssertionError(f"{notebook} is not a lesson of course.toml")


def exercise_link(lesson: Handout) -> str:
    """The link from ``lesson`` to the exercise set that course.toml pairs with it (``exercise = ...``)."""
    for exercise in _course().handouts["exercises"]:
        if exercise.lesson_id == lesson.lesson_id:
            return f"../exercises/{exercise.name}.ipynb"
    raise AssertionError(f"course.toml names no exercise for lesson {lesson.lesson_id} ({lesson.name})")


def run_lesson(notebook: Path, timeout: int = 120, root: Path | None = None) -> Iterator[NotebookRun]:
    """Execute ``notebook`` with the handout build's runner and options, in an empty working folder (so
    the lesson must reach its data through the package), and yield the run with its kernel still alive.
    ``root`` is the course the notebook belongs to (default: this repository).

    Meant for a module-scoped fixture: ``yield from run_lesson(NOTEBOOK)``.
    """
    options = RunOptions(root=root, timeout=timeout, keep_kernel=True)
    with temporary_cwd() as cwd, NotebookRun(notebook, replace(options, cwd=Path(cwd))) as run:
        yield run


def assert_ran_without_errors(session: NotebookRun) -> None:
    """Every code cell ran (it has an execution count) and none left an error output.

    How long the run took is the bench's business (``make bench``), not a test's.
    """
    code = [c for c in session.nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), "some code cells did not run"
    assert [out for out in session.outputs() if out.get("output_type") == "error"] == []


def assert_reruns_identically(session: NotebookRun, key_tables: Mapping[str, str]) -> None:
    """Running every code cell again in the same kernel leaves each key table (name -> JSON expression) unchanged."""
    before = {name: session.value(expr) for name, expr in key_tables.items()}
    for cell in session.nb.cells:
        if cell.cell_type == "code":
            session.run(cell.source)
    after = {name: session.value(expr) for name, expr in key_tables.items()}
    assert before == after


def assert_opening_and_closing(
    notebook: Path, number: int, title: str, minutes: int, exercise_link: str, next_link: str | None
) -> None:
    """The first cell opens the lesson (title, the four opening headings, its time); the last three close it.

    The closing cells hold the three closing headings, the link to the lesson's exercises and, unless
    ``next_link`` is None (the last lesson), the link to the next lesson.
    """
    nb = nbformat.read(notebook, as_version=4)
    first, last_cells = nb.cells[0].source, "\n".join(c.source for c in nb.cells[-3:])
    assert first.startswith(f"# Lesson {number}: {title}")
    for heading in OPENING_HEADINGS:
        assert heading in first
    assert f"{minutes} minutes" in first
    for heading in CLOSING_HEADINGS:
        assert heading in last_cells
    assert exercise_link in last_cells
    if next_link is not None:
        assert next_link in last_cells


def assert_no_stored_outputs_nor_bench_cells(notebook: Path) -> None:
    """The committed notebook has no outputs or execution counts, no benchmark cell (the bench drives the
    widget from outside), and a python3 kernel."""
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert not [c for c in code if "bench-widget" in c.metadata.get("tags", []) or "time_widget" in c.source]
    assert nb.metadata["kernelspec"]["name"] == "python3"


def assert_figures_have_alt_text(
    session: NotebookRun, min_length: int = 40, draw_calls: tuple[str, ...] = ("plt.show()", "savefig")
) -> int:
    """Every cell that drew a figure, or whose source holds one of ``draw_calls``, has alt text of more than
    ``min_length`` characters in its metadata, one text per figure it drew. Returns how many cells drew figures.

    A lesson that renders widget images with savefig (the image lives in the widget, not in a cell output)
    narrows ``draw_calls`` to ``("plt.show()",)``.
    """
    figure_cells = 0
    for cell in session.nb.cells:
        if cell.cell_type != "code":
            continue
        figures = sum("image/png" in out.get("data", {}) for out in cell.outputs)
        draws = any(call in cell.source for call in draw_calls)
        figure_cells += bool(figures)
        if figures or draws:
            alt = cell.metadata.get("alt")
            alts = alt if isinstance(alt, list) else [alt]
            assert alt and all(len(a) > min_length for a in alts), cell.source[:80]
            assert not figures or len(alts) == figures, cell.source[:80]
    return figure_cells


def assert_italian_quotes_verbatim(notebook: Path, min_quotes: int) -> None:
    """Italian quotes in the notebook's prose are word-for-word spans of data/article/it.txt.

    Quotes are the first cell of a table row (``| "..." |``) and ``IT: "..."`` spans; bold markers (``**``)
    that highlight a cue inside a quote are not part of it.
    """
    text = load_article("it")
    nb = nbformat.read(notebook, as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    found = re.findall(r'^\| "(.+?)" \|', prose, flags=re.M) + re.findall(r'IT: "([^"]+)"', prose)
    quotes = [quote.replace("**", "") for quote in found]
    assert len(quotes) >= min_quotes, f"only {len(quotes)} Italian quotes found (expected at least {min_quotes})"
    missing = [q for q in quotes if q not in text]
    assert not missing, f"not word for word in data/article/it.txt: {missing}"


def callback_cpu_seconds(session: NotebookRun, code: str) -> float:
    """CPU seconds the kernel spends running ``code`` (a widget change or callback call), measured in the kernel.

    Process time rather than wall time, so a busy test machine does not make a quick callback look slow.
    """
    session.run(f"import time as _time\n_t = _time.process_time()\n{code}\n_dt = _time.process_time() - _t")
    return float(session.value("_dt"))


def assert_lesson_structure(notebook: Path) -> None:
    """The lesson's opening and closing sections, with its number, title, time, exercise and next lesson all
    as ``course.toml`` gives them, and no stored outputs nor benchmark cells."""
    lesson = course_entry(notebook)
    assert_opening_and_closing(
        notebook,
        int(lesson.lesson_id),
        lesson.title,
        lesson.minutes,
        exercise_link(lesson),
        next_link=lesson.next.source.name if lesson.next else None,
    )
    assert_no_stored_outputs_nor_bench_cells(notebook)
