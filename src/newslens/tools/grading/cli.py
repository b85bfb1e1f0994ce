"""``python -m newslens grade <folder>`` (``make grade SUBMISSIONS=<folder>``): grade a class locally.

:func:`add_options` adds the command's options to its sub-parser; :func:`run_grade` runs it on a course
and prints a summary. A missing or wrong submissions folder is a :class:`~newslens.tools.errors.UserError`,
which the top-level command line prints as one ``ERROR:`` line.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..errors import UserError
from ..layout import CourseLayout
from .batch import DEFAULT_CELL_TIMEOUT, DEFAULT_TIMEOUT, USAGE, grade


def add_options(parser: argparse.ArgumentParser) -> None:
    """The ``grade`` command's arguments: the submissions folder and how long and how wide to run."""
    parser.add_argument("submissions", nargs="?", help="folder of submitted notebooks")
    parser.add_argument("--out", default=None, help="output folder (default: build/grades/ of the course)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per notebook")
    parser.add_argument("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT, help="seconds per cell")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks graded at once (default: cores)")


def run_grade(args: argparse.Namespace, course: CourseLayout) -> int:
    """Grade ``args.submissions`` into ``args.out`` (default: the course's build/grades/); print a summary."""
    if not args.submissions:
        raise UserError("no submissions folder given", USAGE)
    start = time.monotonic()
    gradebook = grade(
        args.submissions,
        args.out,
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        jobs=args.jobs,
        root=course.root,
    )
    out = Path(args.out) if args.out else course.grades
    n_students = gradebook["student"].nunique()
    flagged = gradebook.loc[gradebook["flag"].fillna("").str.replace("manual", "").str.strip("; ") != "", "student"]
    print(f"Graded {n_students} student(s), {len(gradebook)} rows in {time.monotonic() - start:.1f} s.")
    print(f"Gradebook: {out / 'gradebook.csv'}; reports: {out}/<student>.html")
    if len(flagged):
        print(f"Flagged: {', '.join(sorted(set(flagged)))} (see the flag column)")
    return 0
