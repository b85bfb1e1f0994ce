"""Grading a whole class: the autograder zips, each submission in turn, and the outputs on disk.

Every function works on one course, given by its root (``root``, default: this package's course; see
:class:`~newslens.tools.layout.CourseLayout`): the sources in ``instructors/exercise_sources/``, the
student versions in ``exercises/``, the autograder zips in ``build/otter/``, the outputs in
``build/grades/``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from .. import exercises
from ..errors import UserError
from ..layout import CourseLayout
from . import probes
from .gradebook import GRADEBOOK_COLUMNS, GradebookRow, read_csv, run_flags, submission_rows, to_frame, write_csv
from .lms import RUBRIC_FILE, merge_rubric, write_outputs
from .otter_adapter import Evaluator, checksums, extract_tests, question_variables
from .reports import write_reports
from .sandbox import Limits, require_sandbox, run_student
from .structure import structure_flags
from .submissions import Roster, Submission, discover_class, read_notebook

DEFAULT_TIMEOUT = Limits.timeout  # wall-clock seconds for a whole notebook
DEFAULT_CELL_TIMEOUT = Limits.cell_timeout  # wall-clock seconds for one cell
#: The flag of every row graded with --no-sandbox.
NO_SANDBOX_FLAG = "not sandboxed (graded with --no-sandbox: the notebook could reach the whole account)"
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


@dataclass(frozen=True)
class Tests:
    """An assignment's autograder tests, unpacked where no sandbox can see them, with their checksums."""

    zip_path: Path
    zip_sha256: str
    folder: Path
    sums: dict[str, str]
    variables: dict[str, list[str]]

    @classmethod
    def unpack(cls, zip_path: Path, dest: Path) -> Tests:
        """Copy the zip into ``dest`` (private to this batch) and unpack its tests there.

        The batch grades every submission with these copies, so a rebuild of ``build/otter/`` during
        the batch (``make exercises``) changes nobody's grade.
        """
        dest.mkdir(parents=True, exist_ok=True)
        os.chmod(dest, 0o700)
        private = dest / zip_path.name
        shutil.copyfile(zip_path, private)
        sums = extract_tests(private, dest / "tests")
        sha = hashlib.sha256(private.read_bytes()).hexdigest()
        return cls(private, sha, dest / "tests", sums, question_variables(dest / "tests"))

    def verify(self) -> None:
        """Stop the batch (a UserError) if the zip or the unpacked tests changed since they were unpacked."""
        changed = hashlib.sha256(self.zip_path.read_bytes()).hexdigest() != self.zip_sha256
        if changed or checksums(self.folder) != self.sums:
            raise UserError(
                f"the autograder tests of {self.zip_path.name} changed while the class was being graded",
                "find out what wrote to build/otter/ or the grader's temporary folder, then grade again",
            )


def grade_submission(
    sub: Submission,
    sources: dict[str, Path],
    *,
    timeout: int = DEFAULT_TIMEOUT,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    limits: Limits | None = None,
    sandbox: bool = True,
    tests: dict[str, Tests] | None = None,
    evaluator: Evaluator | None = None,
    hidden: Sequence[Path] = (),
    build_dir: Path | None = None,
    root: Path | None = None,
    student_versions: dict[str, nbformat.NotebookNode | None] | None = None,
) -> list[GradebookRow]:
    """Gradebook rows (one per question) for one submission; never raises for a bad submission.

    ``student_versions``: the student copy of each set, read once per batch (read here when not given).

    The notebook runs in a sandbox (:func:`.sandbox.run_student`); its exported answers are scored by
    the trusted evaluator (:func:`.otter_adapter.run_evaluator`). ``tests`` are the unpacked tests by
    assignment (:class:`Tests`; unpacked here when not given); a test file whose checksum changed is a
    UserError, which stops the batch.
    """
    if sub.assignment is None:
        rows = submission_rows(sub.student, None, sub.path.name, [], {"status": "skipped"}, sub.flags)
        return [replace(r, student_id=sub.student_id) for r in rows]
    limits = limits or replace(Limits(), timeout=timeout, cell_timeout=cell_timeout)
    course = CourseLayout.of(root)
    source = sources[sub.assignment]
    flags = list(sub.flags)
    run: dict[str, Any] = {"status": "skipped"}
    if sub.notebook is not None:
        if student_versions is not None and sub.assignment in student_versions:
            student_version = student_versions[sub.assignment]
        else:
            student_version = _student_version(source, course)
        if student_version is not None:
            flags += structure_flags(sub.notebook, student_version)
        kernelspec = sub.notebook.metadata.get("kernelspec", {}).get("name")
        if kernelspec and kernelspec != "python3":
            flags.append(f"note: saved with the kernel {str(kernelspec)[:40]!r}; graded with the course's python3")
        with tempfile.TemporaryDirectory(prefix="newslens-tests-") as tmp:
            mine = tests.get(sub.assignment) if tests else None
            if mine is None:
                mine = Tests.unpack(autograder_zip(source, build_dir, root=course.root), Path(tmp))
            mine.verify()
            function_inputs = probes.encoded(source.parent, sub.assignment)
            run = run_student(
                sub.notebook,
                sub.assignment,
                mine.variables,
                limits,
                probes=function_inputs,
                root=course.root,
                sandbox=sandbox,
                hidden=[*hidden, mine.folder.parent, build_dir or course.otter_build],
            )
            mine.verify()
            if evaluator is None:
                with Evaluator(course.root) as own:
                    evaluated = own.evaluate(mine.folder, mine.sums, run.get("answers", {}), function_inputs)
            else:
                evaluated = evaluator.evaluate(mine.folder, mine.sums, run.get("answers", {}), function_inputs)
        if evaluated["status"] == "ok":
            run["questions"] = evaluated["questions"]
        else:
            flags.append(f"the checks crashed: {evaluated.get('detail', '')}")
    flags += run_flags(run, limits.timeout, memory_mb=limits.memory_mb, output_bytes=limits.output_bytes)
    if not sandbox:
        flags.append(NO_SANDBOX_FLAG)
    rows = submission_rows(sub.student, sub.assignment, sub.path.name, exercises.questions(source), run, flags)
    return [replace(r, student_id=sub.student_id) for r in rows]


def grade(
    submissions: Path | str,
    out_dir: Path | str | None = None,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    limits: Limits | None = None,
    sandbox: bool = True,
    jobs: int | None = None,
    roster: Path | str | None = None,
    due: dt.datetime | None = None,
    only: Sequence[str] | None = None,
    sources_dir: Path | None = None,
    build_dir: Path | None = None,
    root: Path | None = None,
) -> pd.DataFrame:
    """Grade every submission in ``submissions``; write the gradebook, the summaries and the HTML reports.

    Returns the gradebook as a DataFrame with :data:`~.gradebook.GRADEBOOK_COLUMNS` (its ``attrs`` list
    the ``unknown`` and ``superseded`` files, and ``not_graded``: how many questions need a rerun). The
    outputs go to ``out_dir`` (default: the course's ``build/grades/``): ``gradebook.csv``,
    ``summary.csv``, ``canvas.csv``, ``moodle.csv``, ``rubric_scores.csv`` (kept across runs),
    ``not_graded.txt`` and one ``<student>.html`` each (reports of students no longer in the batch are
    removed). ``roster`` defaults to ``roster.csv`` in the submissions folder, if there is one.
    ``only``: file names to (re)grade; the other students' rows are kept from the existing gradebook.
    A ``submissions`` that is not a folder, or ``sandbox`` without bubblewrap, is a
    :class:`~newslens.tools.errors.UserError`.
    """
    folder = Path(submissions)
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise UserError(f"the submissions folder {folder} {what}", USAGE)
    if sandbox:
        require_sandbox()
    limits = limits or replace(Limits(), timeout=timeout, cell_timeout=cell_timeout)
    course = CourseLayout.of(root)
    out = Path(out_dir) if out_dir else course.grades
    roster_path = Path(roster) if roster else folder / "roster.csv"
    class_list = Roster.read(roster_path) if roster_path.exists() else None
    sources = assignments(root=course.root, sources_dir=sources_dir)
    files = discover_class(folder, sources, class_list, due)
    subs = files.submissions
    if only:
        wanted = set(only)
        subs = [s for s in files.submissions if s.path.name in wanted]
        if not subs:
            raise UserError(f"none of {', '.join(sorted(wanted))} is a submission in {folder}", USAGE)
    out.mkdir(parents=True, exist_ok=True)
    hidden = [folder, out, *([build_dir] if build_dir else [])]
    with tempfile.TemporaryDirectory(prefix="newslens-tests-") as tmp, Evaluator(course.root) as evaluator:
        evaluator.start()
        # Build and unpack the autograder tests once, before the parallel runs race to do it.
        tests = {
            name: Tests.unpack(autograder_zip(sources[name], build_dir, root=course.root), Path(tmp) / name)
            for name in sorted({s.assignment for s in subs if s.assignment})
        }

        # The student copies the structure checks compare with, read once: a `make exercises` during the
        # batch changes no submission's flags.
        versions = {name: _student_version(sources[name], course) for name in tests}

        def one(sub: Submission) -> list[GradebookRow]:
            return grade_submission(
                sub,
                sources,
                limits=limits,
                sandbox=sandbox,
                tests=tests,
                evaluator=evaluator,
                hidden=hidden,
                root=course.root,
                student_versions=versions,
            )

        with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
            batches = list(pool.map(one, subs))
    gradebook = to_frame(row for batch in batches for row in batch)
    if only and (out / "gradebook.csv").exists():
        # Regrading some files: every other student's rows stay as they were.
        old = read_csv(out / "gradebook.csv")
        redone = set(zip(gradebook["student"], gradebook["assignment"], strict=True))
        keep = ~pd.Series([k in redone for k in zip(old["student"], old["assignment"], strict=True)], index=old.index)
        gradebook = pd.concat([old[keep], gradebook], ignore_index=True)
        gradebook = gradebook.sort_values(["student", "assignment"], kind="stable", ignore_index=True)
    gradebook = gradebook[GRADEBOOK_COLUMNS]
    write_csv(gradebook, out / "gradebook.csv")
    merged = merge_rubric(gradebook, out / RUBRIC_FILE)
    write_outputs(merged, out, class_list)
    written = write_reports(merged, files.submissions, sources, out)
    for stale in set(out.glob("*.html")) - set(written):
        stale.unlink()  # a student no longer in the batch
    not_graded = int(gradebook["flag"].fillna("").str.contains("not graded: rerun").sum())
    lines = [f"unknown (no roster row): {p}" for p in files.unknown]
    lines += [f"superseded (a newer file counts): {p}" for p in files.superseded]
    (out / "not_graded.txt").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    gradebook.attrs.update(unknown=files.unknown, superseded=files.superseded, not_graded=not_graded)
    return gradebook
