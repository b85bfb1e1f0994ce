"""Checks every lesson test file shares: run the notebook once, re-run it, read its structure.

The lesson test files (tests/test_lesson_0*.py) keep their own test functions, so pytest output still names
each check per lesson; the bodies that are the same in every lesson live here once.
"""

from __future__ import annotations

import contextlib
import functools
import re
import tempfile
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

    Every figure the lesson displays is checked for contrast as it is shown (:func:`figure_contrast_failures`).

    Meant for a module-scoped fixture: ``yield from run_lesson(NOTEBOOK)``.
    """
    with temporary_cwd() as cwd, figure_watch() as env:
        options = RunOptions(root=root, timeout=timeout, keep_kernel=True, env=env)
        with NotebookRun(notebook, replace(options, cwd=Path(cwd))) as run:
            yield run


@contextlib.contextmanager
def figure_watch() -> Iterator[dict[str, str]]:
    """The kernel environment (``IPYTHONDIR``) under which every figure a notebook displays is checked for contrast
    as it is shown (:func:`figure_contrast_failures`); for fixtures that start their own :class:`NotebookRun`."""
    with tempfile.TemporaryDirectory(prefix="newslens-ipython-") as ipython_dir:
        startup = Path(ipython_dir) / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-newslens-figure-watch.py").write_text(_FIGURE_WATCH)
        yield {"IPYTHONDIR": ipython_dir}


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


#: An IPython startup file for the lesson kernels: every figure the lesson displays through IPython (pyplot's show,
#: a figure as a cell's value, display(fig)) is walked by newslens.contrast and newslens.readability as it is
#: displayed, in the state it is shown in (readability with the width of the PNG made of it), and the failures are
#: kept for :func:`figure_contrast_failures` and :func:`figure_readability_failures`. No cell runs twice.
_FIGURE_WATCH = r"""
import sys, time, types
from IPython.core import pylabtools

_state = types.ModuleType("__newslens_figures__")
_state.shown, _state.failures, _state.readability, _state.seconds, _state.readability_seconds = 0, [], [], 0.0, 0.0
sys.modules["__newslens_figures__"] = _state
_print_figure = pylabtools.print_figure


def _watched_print_figure(fig, *args, **kwargs):
    from newslens.contrast import contrast_failures
    from newslens.readability import png_width, readability_failures

    start = time.perf_counter()
    _state.shown += 1
    cell = get_ipython().execution_count
    _state.failures += [dict(pair, cell=cell) for pair in contrast_failures(fig)]
    _state.seconds += time.perf_counter() - start  # what the check costs the run
    result = _print_figure(fig, *args, **kwargs)
    start = time.perf_counter()
    data = result[0] if isinstance(result, tuple) else result
    width = png_width(data) if data is not None else None  # the PNG the reader sees (None: not a PNG)
    try:
        _state.readability += [dict(f, cell=cell) for f in readability_failures(fig, width)]
    except Exception as err:  # a check that breaks must not break the lesson: it is reported as a failure
        _state.readability.append(
            dict(kind="check failed", figure="?", what=type(err).__name__, other="", detail=str(err)[:200], cell=cell)
        )
    _state.readability_seconds += time.perf_counter() - start
    _state.seconds += time.perf_counter() - start
    return result


pylabtools.print_figure = _watched_print_figure
"""


def _redraw(check: str) -> str:
    """Kernel code that runs the cell in ``_nl_source`` again with ``plt.show`` off and leaves, in ``_nl_result``,
    what ``check`` (a function of newslens taking a Figure, e.g. ``newslens.contrast.contrast_failures``) finds in
    each figure it drew, tagged with the cell index ``_nl_cell``."""
    module, name = check.rsplit(".", 1)
    return rf"""
import matplotlib.pyplot as _nl_plt
from {module} import {name} as _nl_check

_nl_show, _nl_plt.show = _nl_plt.show, lambda *args, **kwargs: None
_nl_plt.close("all")
try:
    exec(compile(_nl_source, "figure cell", "exec"), globals())
finally:
    _nl_plt.show = _nl_show
_nl_result = [dict(f, cell=_nl_cell) for n in _nl_plt.get_fignums() for f in _nl_check(_nl_plt.figure(n))]
_nl_plt.close("all")
"""


_REDRAW = _redraw("newslens.contrast.contrast_failures")


def figure_contrast_failures(session: NotebookRun) -> list[str]:
    """The figures the lesson displayed, checked with :mod:`newslens.contrast`: text at 4.5:1 (3:1 if large),
    markers, lines and outlines at 3:1 against what lies beneath them. Returns one line per failing pair (empty
    when all pass).

    In a kernel started by :func:`run_lesson` each figure was checked as it was shown. A session started
    otherwise is checked by running each cell that calls ``plt.show()`` again with show turned off (slower).
    Figures rendered straight to PNG for a widget (savefig) are not seen.
    """
    watched = session.value("'__newslens_figures__' in __import__('sys').modules")
    if watched:
        assert session.value("__import__('sys').modules['__newslens_figures__'].shown"), "no figure was shown"
        pairs = session.value("__import__('sys').modules['__newslens_figures__'].failures")
        for pair in pairs:  # the watch records the shell's count, one ahead of the cell's (see _cell_index)
            pair["cell"] = _cell_index(session, pair["cell"])
    else:
        pairs = []
        for index, cell in enumerate(session.nb.cells):
            if cell.cell_type == "code" and "plt.show()" in cell.source:
                session.run(f"_nl_source, _nl_cell = {cell.source!r}, {index}\n{_REDRAW}")
                pairs += session.value("_nl_result")
    return [
        f"cell {p['cell']}, {p['figure']}: {p['kind']} {p['what']!r} {p['foreground']} on {p['background']} "
        f"is {p['ratio']}:1 (needs {p['minimum']})"
        for p in pairs
    ]


_REDRAW_READABILITY = _redraw("newslens.readability.readability_failures")


def _cell_index(session: NotebookRun, execution_count: int | None) -> str:
    """The index in the notebook file of the cell that was running when the shell's ``execution_count`` was
    ``execution_count``: IPython counts the cell before running it, so that is the cell numbered one less (a widget
    showing its figure after its cell finished still reads that count)."""
    run = [
        c
        for c in session.nb.cells
        if c.cell_type == "code" and execution_count and c.get("execution_count") == execution_count - 1
    ]
    if not run:
        return f"run {execution_count}"
    for index, cell in enumerate(nbformat.read(session.path, as_version=4).cells):
        if cell.get("id") == run[0].get("id") or cell.source == run[0].source:
            return str(index)
    return f"{session.nb.cells.index(run[0])} (of the notebook as run)"  # edited since it ran


def figure_readability_failures(session: NotebookRun) -> list[str]:
    """The figures the lesson displayed, checked with :mod:`newslens.readability` at the size the A4 handout prints
    them: no text under 8 pt, no two texts overlapping, no text over a marker it does not label, no label cut by
    an ellipsis to under 20 characters. Returns one line per failure, naming the notebook, the cell (its index in
    the notebook file) and the figure's title (empty when all pass).

    In a kernel started by :func:`run_lesson` each figure was checked as it was shown, with the width of the PNG
    the handout embeds. A session started otherwise is checked by running each cell that calls ``plt.show()``
    again with show turned off (slower; the PNG's width is then the tight crop's). Figures rendered straight to
    PNG for a widget (savefig) are not seen.
    """
    watched = session.value("'__newslens_figures__' in __import__('sys').modules")
    if watched:
        assert session.value("__import__('sys').modules['__newslens_figures__'].shown"), "no figure was shown"
        found = session.value("__import__('sys').modules['__newslens_figures__'].readability")
        for failure in found:
            failure["cell"] = _cell_index(session, failure["cell"])
    else:
        found = []
        for index, cell in enumerate(nbformat.read(session.path, as_version=4).cells):
            if cell.cell_type == "code" and "plt.show()" in cell.source:
                session.run(f"_nl_source, _nl_cell = {cell.source!r}, {index}\n{_REDRAW_READABILITY}")
                found += session.value("_nl_result")
    lines = []
    for f in found:
        other = f" / {f['other']!r}" if f.get("other") else ""
        lines.append(
            f"{session.path.name} cell {f['cell']}, figure {f['figure'][:60]!r}: {f['kind']}: {f['what']!r}{other}: "
            f"{f['detail']}"
        )
    return lines


#: A Try-it check cell: ``tryit.check("<lesson>.<name>", answer)`` (see newslens.tryit).
TRY_IT_CHECK = re.compile(r'^tryit\.check\("(?P<name>[0-9]{2}\.[a-z0-9_]+)", answer\)\s*$')
_SOLUTION = re.compile(r"<details><summary>Solution</summary>\s*```python\n(?P<code>.*?)```\s*</details>", re.S)
_HINT = re.compile(r"<details><summary>Hint</summary>.+?</details>", re.S)


def try_it_challenges(notebook: Path) -> list[tuple[str, str]]:
    """(challenge name, solution code) for every Try-it in ``notebook``, in order, after checking its three cells:
    a Markdown task with a folded hint and solution, an answer cell that starts as ``answer = ...``, a check cell."""
    cells = nbformat.read(notebook, as_version=4).cells
    found = []
    for i, cell in enumerate(cells):
        match = TRY_IT_CHECK.match(cell.source.strip()) if cell.cell_type == "code" else None
        if not match:
            continue
        name = match["name"]
        assert i >= 2, f"{notebook.name}: Try-it {name} needs a task cell and an answer cell before its check"
        task, answer_cell = cells[i - 2], cells[i - 1]
        where = f"{notebook.name}, Try-it {name}"
        assert task.cell_type == "markdown" and task.source.lstrip().startswith("### Try it"), (
            f"{where}: the cell two above the check must be the task, a Markdown cell starting '### Try it'"
        )
        assert _HINT.search(task.source), f"{where}: the task has no folded hint (<details><summary>Hint</summary>)"
        solution = _SOLUTION.search(task.source)
        assert solution, f"{where}: the task has no folded solution (<details><summary>Solution</summary> + code)"
        assert answer_cell.cell_type == "code" and re.search(r"^answer = \.\.\.", answer_cell.source, re.M), (
            f"{where}: the cell above the check must be the student's, with a line 'answer = ...'"
        )
        found.append((name, solution["code"]))
    return found


def assert_try_it_challenges_work(session: NotebookRun, notebook: Path, lesson_id: str) -> None:
    """The lesson has 2 or 3 Try-it challenges, all of this lesson; as the lesson ran (answers still ``...``) each
    check said "not tried yet"; each folded solution, run in the lesson's kernel, passes its check; and each known
    mistake the challenge lists has a message of its own."""
    found = try_it_challenges(notebook)
    assert 2 <= len(found) <= 3, f"{notebook.name}: {len(found)} Try-it challenges; a lesson has 2 or 3"
    session.run("from newslens import tryit as _tryit")
    for name, code in found:
        assert name.startswith(f"{lesson_id}."), f"{notebook.name}: Try-it {name} is not named for lesson {lesson_id}"
        session.run("answer = ...")
        assert session.value(f"_tryit.feedback({name!r}, answer)[0]") is None, f"{name}: '...' must be 'not tried'"
        session.run(code)
        verdict, message = session.value(f"list(_tryit.feedback({name!r}, answer))")
        assert verdict is True, f"{name}: the folded solution fails its own check: {message}"
        messages = session.value(f"[m.message for c in _tryit.challenges() if c.name == {name!r} for m in c.mistakes]")
        assert messages, f"{name}: the challenge lists no known mistake to explain"
        assert len(set(messages)) == len(messages), f"{name}: two known mistakes share a message"
