"""The grading section of ``make bench``: a generated class, graded sandboxed and unsandboxed, end to end.

:func:`bench_grading` writes a class of ``n_submissions`` notebooks across the exercise sets that have
a solution (each the set's student version with the solutions' answers, every fifth one with its
answers blanked, so both passing and failing checks are timed), grades it once in the sandbox and once
with ``--no-sandbox``, and returns the lines to print: seconds per submission (wall time of the batch
divided by the submissions) and the sandbox's overhead. Targets (issue 13): at most 2.5 s a submission
on 2 cores, overhead under 10 %.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from ... import paths
from ..layout import CourseLayout

#: Sets the bench grades (those whose autograder zips the course builds most often).
BENCH_SETS = ("01_reading_the_article", "05_evaluating_the_sources")


def answered(student: nbformat.NotebookNode, solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version with every answer cell replaced by the solution's (the bench's and the tests'
    correct submission)."""
    nb = copy.deepcopy(student)
    answers = [c for c in nb.cells if "otter_answer_cell" in c.metadata.get("tags", [])]
    solutions = [c for c in solution.cells if "otter_assign_solution_cell" in c.metadata.get("tags", [])]
    for answer, sol in zip(answers, solutions, strict=True):
        answer.source = sol.source
    return nb


def build_bench_class(root: Path, folder: Path, n_submissions: int) -> list[str]:
    """Write ``n_submissions`` notebooks into ``folder``; the sets used."""
    course = CourseLayout.of(root)
    folder.mkdir(parents=True, exist_ok=True)
    sets = [s for s in BENCH_SETS if (course.exercises / f"{s}.ipynb").exists()]
    made = {}
    for s in sets:
        student = nbformat.read(course.exercises / f"{s}.ipynb", as_version=4)
        solution = nbformat.read(course.root / "solutions" / f"{s}.ipynb", as_version=4)
        made[s] = (student, answered(student, solution))
    for i in range(n_submissions):
        s = sets[i % len(sets)]
        student, correct = made[s]
        nbformat.write(student if i % 5 == 4 else correct, folder / f"student{i:03d}_{s}.ipynb")
    return sets


def _reuse_zips(root: Path) -> None:
    """Copy this checkout's autograder builds into ``root`` when they are newer than its sources."""
    mine = paths.REPO_ROOT / "build" / "otter"
    theirs = CourseLayout.of(root).otter_build
    if mine.resolve() == theirs.resolve() or not mine.is_dir():
        return
    for built in mine.iterdir():
        if not (theirs / built.name).exists():
            shutil.copytree(built, theirs / built.name)


def bench_grading(root: Path, n_submissions: int = 40) -> list[str]:
    """Grade a generated class sandboxed and unsandboxed; the lines to print."""
    from .batch import grade
    from .sandbox import Limits, bwrap

    root = Path(root)
    if bwrap() is None:
        return ["(g) grading ............... skipped: bubblewrap is not installed (sudo apt install bubblewrap)"]
    _reuse_zips(root)
    jobs = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="newslens-bench-grade-") as tmp:
        folder = Path(tmp) / "class"
        sets = build_bench_class(root, folder, n_submissions)
        # Build (or check) the autograder zips outside the timing.
        from .batch import assignments, autograder_zip

        sources = assignments(root=root)
        for s in sets:
            autograder_zip(sources[s], root=root)
        timings = {}
        books = {}
        for sandbox in (True, False):
            start = time.perf_counter()
            book = grade(folder, Path(tmp) / f"out-{sandbox}", limits=Limits(), sandbox=sandbox, jobs=jobs, root=root)
            timings[sandbox] = time.perf_counter() - start
            books[sandbox] = book[["student", "question", "points"]].fillna({"points": -1})
            not_graded = book.attrs.get("not_graded", 0)
    same = books[True].equals(books[False])
    per = timings[True] / n_submissions
    plain = timings[False] / n_submissions
    overhead = (timings[True] - timings[False]) / timings[False] * 100
    return [
        f"(g) grading ............... {per:7.2f} s a submission sandboxed, {plain:.2f} s without "
        f"({n_submissions} submissions of {', '.join(sets)} on {jobs} core(s); {timings[True]:.1f} s "
        f"and {timings[False]:.1f} s in all; {not_graded} question(s) not graded; "
        f"same points sandboxed and not: {'yes' if same else 'NO'})",
        f"  (g) at most 2.5 s a submission: {'OK' if per <= 2.5 else 'MISSED'}; "
        f"sandbox overhead {overhead:+.1f} % (target under 10 %): {'OK' if overhead < 10 else 'MISSED'}",
    ]
