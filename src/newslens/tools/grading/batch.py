"""Grading a whole class: the autograder zips, each submission in turn, and the outputs on disk.

Every function works on one course, given by its root (``root``, default: this package's course; see
:class:`~newslens.tools.layout.CourseLayout`): the sources in ``instructors/exercise_sources/``, the
student versions in ``exercises/``, the autograder zips in ``build/otter/``, the outputs in
``build/grades/``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from .. import exercises
from ..errors import UserError
from ..layout import CourseLayout
from .gradebook import GradebookRow, run_flags, submission_rows, to_frame, write_csv
from .reports import write_reports
from .structure import structure_flags
from .submissions import Submission, discover, read_notebook

DEFAULT_TIMEOUT = 180  # seconds for a whole notebook
DEFAULT_CELL_TIMEOUT = 30  # seconds for one cell
#: How to point the grader at a class, for error messages.
USAGE = "make grade SUBMISSIONS=<folder of notebooks>"


def assignments(*, root: Path | None = None, sources_dir: Path | None = None) -> dict[str, Path]:
    """Map assignment name -> master notebook, for every exercise source of the course."""
    folder = sources_dir or CourseLayout.of(root).exercise_sources
    return {exercises.assignment_name(p): p for p in exercises.source_notebooks(folder)}


def autograder_zip(source: Path, build_dir: Path | None = None, *, root: Path | None = None) -> Path:
    """The autograder zip of a source, rebuilt with ``otter assign`` when missing or older than it."""
    out_dir = (build_dir or CourseLayout.of(root).otter_build) / source.stem
    zips = sorted((out_dir / "autograder").glob(f"{source.stem}-autograder_*.zip"))
    if zips and zips[-1].stat().st_mtime >= source.stat().st_mtime:
        return zips[-1]
    # The solutions' self-test is `make exercises`' job; grading only needs the tests.
    return exercises.run_otter_assign(source, out_dir, run_tests=False).autograder_zip


def _student_version(source: Path, course: CourseLayout) -> nbformat.NotebookNode | None:
    path = course.exercises / source.name
    return exercises.normalise(read_notebook(path)) if path.exists() else None


def grade_submission(
    sub: Submission,
    sources: dict[str, Path],
    *,
    timeout: int = DEFAULT_TIMEOUT,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    build_dir: Path | None = None,
    root: Path | None = None,
) -> list[GradebookRow]:
    """Gradebook rows (one per question) for one submission; never raises for a bad submission."""
    if sub.assignment is None:
        return submission_rows(sub.student, None, sub.path.name, [], {"status": "skipped"}, sub.flags)
    # Imported here, not at the top: the worker runs as `python -m ...grading.otter_adapter`, and the
    # package must not have imported it before runpy does.
    from .otter_adapter import run_isolated

    course = CourseLayout.of(root)
    source = sources[sub.assignment]
    flags = list(sub.flags)
    run: dict[str, Any] = {"status": "skipped"}
    if sub.notebook is not None:
        student_version = _student_version(source, course)
        if student_version is not None:
            flags += structure_flags(sub.notebook, student_version)
        try:
            zip_path = autograder_zip(source, build_dir, root=course.root)
            run = run_isolated(zip_path, sub.path, sub.assignment, timeout, cell_timeout, root=course.root)
        except Exception as exc:  # a broken build must not stop the class either
            run = {"status": "crashed", "detail": f"{type(exc).__name__}: {exc}"}
    flags += run_flags(run, timeout)
    return submission_rows(sub.student, sub.assignment, sub.path.name, exercises.questions(source), run, flags)


def grade(
    submissions: Path | str,
    out_dir: Path | str | None = None,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    jobs: int | None = None,
    sources_dir: Path | None = None,
    build_dir: Path | None = None,
    root: Path | None = None,
) -> pd.DataFrame:
    """Grade every submission in ``submissions``; write the gradebook CSV and the HTML reports.

    Returns the gradebook as a DataFrame with :data:`~.gradebook.GRADEBOOK_COLUMNS`. The outputs go to
    ``out_dir`` (default: the course's ``build/grades/``). A ``submissions`` that is not a folder is a
    :class:`~newslens.tools.errors.UserError`.
    """
    folder = Path(submissions)
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise UserError(f"the submissions folder {folder} {what}", USAGE)
    course = CourseLayout.of(root)
    out = Path(out_dir) if out_dir else course.grades
    out.mkdir(parents=True, exist_ok=True)
    sources = assignments(root=course.root, sources_dir=sources_dir)
    subs = discover(folder, sources)
    # Build the autograder zips once, before the parallel runs race to do it.
    for name in {s.assignment for s in subs if s.assignment}:
        autograder_zip(sources[name], build_dir, root=course.root)

    def one(sub: Submission) -> list[GradebookRow]:
        return grade_submission(
            sub, sources, timeout=timeout, cell_timeout=cell_timeout, build_dir=build_dir, root=course.root
        )

    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        batches = list(pool.map(one, subs))
    gradebook = to_frame(row for batch in batches for row in batch)
    write_csv(gradebook, out / "gradebook.csv")
    write_reports(gradebook, subs, sources, out)
    return gradebook
