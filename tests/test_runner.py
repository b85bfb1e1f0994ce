"""The one notebook runner: the handout build and the tests execute the same cells, results come back as
data, and a failing cell is named."""

from __future__ import annotations

import json
from pathlib import Path

import exercise_checks
import lesson_checks
import nbformat
import pytest

from newslens.tools.handouts.build import build_handouts
from newslens.tools.handouts.course import load_course
from newslens.tools.handouts.sample import make_sample_course
from newslens.tools.runner import SKIP_TAG, NotebookFailed, NotebookRun, RunOptions, executed_cells

COURSE = Path(__file__).resolve().parents[1] / "course.toml"


def _code(nb: object) -> list[tuple[str, bool]]:
    """(source, ran) of every code cell."""
    return [(c.source, bool(c.execution_count)) for c in nb.cells if c.cell_type == "code"]  # type: ignore[attr-defined]


def test_the_tests_execute_exactly_the_cells_the_build_publishes(tmp_path: Path) -> None:
    course_file = make_sample_course(tmp_path / "course")
    build_handouts(course_file, sets=("lessons",), log=lambda _: None)
    manifest = json.loads((tmp_path / "course" / "build" / "cache" / "manifest.json").read_text(encoding="utf-8"))
    run = manifest["notebooks"]["lessons/01_alpha"]["runs"][0]  # newest first
    built = nbformat.read(tmp_path / "course" / "build" / "cache" / run["executed"], as_version=4)

    notebook = tmp_path / "course" / "notebooks" / "01_alpha.ipynb"
    for session in lesson_checks.run_lesson(notebook, root=tmp_path / "course"):
        tested = _code(session.nb)
    assert tested == _code(built), "the tests and the handout build executed different cells"
    assert all(ran for _, ran in tested)
    # The one cell tagged skip-execution is run by neither, and shown by neither.
    assert not any("RUN_SKIPPED" in source for source, _ in tested)
    source_cells = nbformat.read(notebook, as_version=4).cells
    assert sum(SKIP_TAG in c.metadata.get("tags", []) for c in source_cells) == 1


def test_every_notebook_of_the_course_is_executed_whole() -> None:
    """No lesson or solution leaves a cell out of the run, so the tests' checks cover the whole page."""
    course = load_course(COURSE)
    for h in [*course.handouts["lessons"], *course.handouts["solutions"]]:
        nb = nbformat.read(h.source, as_version=4)
        assert executed_cells(nb) == nb.cells, f"{h.key}: cells left out of every run"
        assert not [c for c in nb.cells if "bench-widget" in c.metadata.get("tags", [])], h.key


def test_the_exercise_helper_runs_with_the_build_options(tmp_path: Path) -> None:
    """The exercise tests' copy runs through the same runner, its options differing only in folder and kernel."""
    course_file = make_sample_course(tmp_path / "course")
    work = tmp_path / "work"
    work.mkdir()
    run = exercise_checks.executed_copy(course_file.parent / "solutions" / "01_alpha.ipynb", work)
    assert isinstance(run, NotebookRun)
    assert run.options == RunOptions(cwd=work, timeout=120, keep_kernel=True)


def test_values_come_back_as_data_and_a_failing_cell_is_named(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("x = {'a': [1, 2.5, None]}"), nbformat.v4.new_code_cell("print('ok')")]
    )
    path = tmp_path / "fine.ipynb"
    nbformat.write(nb, path)
    with NotebookRun(path, RunOptions(keep_kernel=True)) as run:
        assert run.value("x") == {"a": [1, 2.5, None]}
        assert run.run("print(len(x['a']))") == "3\n"
    with pytest.raises(RuntimeError, match="keep_kernel"):
        run.value("x")

    nb.cells.insert(1, nbformat.v4.new_code_cell("y = 1\n1 / 0"))
    nbformat.write(nb, path)
    with pytest.raises(NotebookFailed, match=r"fine.ipynb: cell 1 failed with ZeroDivisionError"):
        NotebookRun(path).__enter__()


def test_a_run_never_sees_the_students_saved_work(tmp_path: Path) -> None:
    """A handout built on a student's laptop must not publish the grades they saved in my-work/."""
    from newslens import my_grades

    notebook = tmp_path / "peek.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os")]), notebook)
    with NotebookRun(notebook, RunOptions(keep_kernel=True)) as run:
        folder = Path(run.value("str(__import__('newslens.my_grades', fromlist=['work_dir']).work_dir())"))
        assert folder != my_grades.work_dir()
        assert run.value(f"sorted(os.listdir({str(folder)!r}))") == []
    assert not folder.exists(), "the run's private work folder outlived the run"
    told = tmp_path / "told"
    with NotebookRun(notebook, RunOptions(keep_kernel=True, env={"NEWSLENS_WORK_DIR": str(told)})) as run:
        assert run.value("os.environ['NEWSLENS_WORK_DIR']") == str(told)
