"""``python -m newslens grade <folder>`` (``make grade SUBMISSIONS=<folder>``): grade a class locally.

:func:`add_options` adds the command's options to its sub-parser; :func:`run_grade` runs it on a course
and prints a summary. A missing or wrong submissions folder is a :class:`~newslens.tools.errors.UserError`,
which the top-level command line prints as one ``ERROR:`` line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from ..errors import UserError
from ..layout import CourseLayout
from .batch import DEFAULT_CELL_TIMEOUT, DEFAULT_TIMEOUT, USAGE, grade
from .prepost import write_prepost
from .sandbox import Limits


def add_options(parser: argparse.ArgumentParser) -> None:
    """The ``grade`` command's arguments: the submissions folder and how long and how wide to run."""
    parser.add_argument("submissions", nargs="?", help="folder of submitted notebooks")
    parser.add_argument("--out", default=None, help="output folder (default: build/grades/ of the course)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per notebook")
    parser.add_argument("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT, help="seconds per cell")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks graded at once (default: cores)")
    parser.add_argument(
        "--cell-cpu", type=int, default=Limits.cell_cpu, help="CPU seconds per student cell (stops busy loops)"
    )
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb, help="address space per process (MB)")
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="grade without bubblewrap (the notebooks can then reach your whole account; every row says so)",
    )
    parser.add_argument("--roster", default=None, help="roster CSV (default: roster.csv in the submissions folder)")
    parser.add_argument(
        "--due", default=None, help="due date, ISO 8601 (e.g. 2026-12-01T23:59+01:00): late files flagged"
    )
    parser.add_argument(
        "--only", action="append", default=None, metavar="FILE", help="regrade only this file (repeatable)"
    )


def run_grade(args: argparse.Namespace, course: CourseLayout) -> int:
    """Grade ``args.submissions`` into ``args.out`` (default: the course's build/grades/); print a summary."""
    if not args.submissions:
        raise UserError("no submissions folder given", USAGE)
    due = None
    if args.due:
        try:
            due = dt.datetime.fromisoformat(args.due)
        except ValueError:
            raise UserError(f"--due {args.due!r} is not a date", "write it as 2026-12-01T23:59 (ISO 8601)") from None
    start = time.monotonic()
    limits = Limits(
        timeout=args.timeout, cell_timeout=args.cell_timeout, cell_cpu=args.cell_cpu, memory_mb=args.memory_mb
    )
    gradebook = grade(
        args.submissions,
        args.out,
        limits=limits,
        sandbox=not args.no_sandbox,
        jobs=args.jobs,
        roster=args.roster,
        due=due,
        only=args.only,
        root=course.root,
    )
    out = Path(args.out) if args.out else course.grades
    n_students = gradebook["student"].nunique()
    flagged = gradebook.loc[gradebook["flag"].fillna("").str.replace("manual", "").str.strip("; ") != "", "student"]
    print(f"Graded {n_students} student(s), {len(gradebook)} rows in {time.monotonic() - start:.1f} s.")
    print(f"Gradebook: {out / 'gradebook.csv'}; summary, canvas.csv, moodle.csv; reports: {out}/<student>.html")
    if args.no_sandbox:
        print("WARNING: graded without a sandbox (--no-sandbox); every row says so.")
    if len(flagged):
        print(f"Flagged: {', '.join(sorted(set(flagged)))} (see the flag column)")
    not_graded = gradebook.attrs.get("not_graded", 0)
    print(f"Not graded (rerun them): {not_graded} question(s)" if not_graded else "Not graded: none")
    for kind in ("unknown", "superseded"):
        files = gradebook.attrs.get(kind, [])
        if files:
            print(f"{kind.capitalize()} files, not graded ({len(files)}): {', '.join(p.name for p in files)}")
    # The pre/post assessment's forms, when graded: per student and skill pre, post and gain (prepost.html).
    roster = Path(args.roster) if args.roster else Path(args.submissions) / "roster.csv"
    for line in write_prepost(gradebook, out, roster, root=course.root):
        print(line)
    return 0
