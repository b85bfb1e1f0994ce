"""The course's command line: ``python -m newslens <command> ...`` (``make handouts`` and friends call it).

Every command works on the course it is run in: the folder holding ``course.toml`` (the current one or
one above it), or ``--root``. A mistake the user can fix is a :class:`~.errors.UserError`: ``main``
prints it as one ``ERROR:`` line with the fix and exits 1, never with a traceback unless ``--debug``.

Adding a command is one decorated function: it receives its own ``argparse`` sub-parser, adds its
options, and returns the function that runs it (``(args, course) -> exit status``). Imports stay inside
the functions so that ``python -m newslens handouts`` with nothing to do starts fast.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import UserError
from .layout import CourseLayout

Handler = Callable[[argparse.Namespace, CourseLayout], int]
Setup = Callable[[argparse.ArgumentParser], Handler]

#: name -> (help, setup function); filled by @command.
COMMANDS: dict[str, tuple[str, Setup]] = {}


def command(name: str, help: str) -> Callable[[Setup], Setup]:
    """Register ``setup`` as the sub-command ``name``."""

    def register(setup: Setup) -> Setup:
        COMMANDS[name] = (help, setup)
        return setup

    return register


def _add_course_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course",
        type=Path,
        default=None,
        help="course file (default: course.toml of the course); notebook paths in it are relative to its folder",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="PATTERN",
        help="build only notebooks whose name or set/name matches (glob; repeatable); the index and the "
        "links still cover the whole course",
    )
    parser.add_argument(
        "--sets",
        default="lessons,exercises,solutions,instructors",  # handouts.course.SETS (not imported: a fast start)
        help="comma-separated handout sets to build: lessons, exercises, solutions, instructors (default: all)",
    )
    parser.add_argument("--jobs", "-j", type=int, default=None, help="parallel kernels (default: the cores available)")
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="skip, with a warning, notebooks listed in the course file that do not exist yet",
    )


def _sets(text: str) -> tuple[str, ...]:
    from .handouts.course import SETS

    chosen = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in chosen if s not in SETS]
    if unknown or not chosen:
        raise UserError(f"--sets {text!r}: unknown set(s) {unknown}", f"choose from {', '.join(SETS)}")
    return chosen


def _course_file(args: argparse.Namespace, course: CourseLayout) -> Path:
    return Path(args.course) if args.course else course.course_file


@command("handouts", "Execute the course's notebooks (cached) and render the HTML handouts.")
def _handouts(parser: argparse.ArgumentParser) -> Handler:
    _add_course_options(parser)

    def run(args: argparse.Namespace, course: CourseLayout) -> int:
        from .handouts.build import build_handouts, print_summary

        report = build_handouts(
            _course_file(args, course),
            only=args.only,
            sets=_sets(args.sets),
            jobs=args.jobs,
            allow_missing=args.allow_missing,
        )
        print_summary(report)
        return 0

    return run


@command("bench", "Measure cold, plain, floor, warm and one-notebook builds, and widget callbacks.")
def _bench(parser: argparse.ArgumentParser) -> Handler:
    _add_course_options(parser)
    parser.add_argument("--skip-plain", action="store_true", help="skip (b), the slow one-by-one nbconvert run")
    parser.add_argument("--skip-grading", action="store_true", help="skip (g), grading a generated class twice")

    def run(args: argparse.Namespace, course: CourseLayout) -> int:
        from .bench import main_bench

        return main_bench(
            _course_file(args, course),
            args.only,
            _sets(args.sets),
            args.jobs,
            args.allow_missing,
            skip_plain=args.skip_plain,
            skip_grading=args.skip_grading,
        )

    return run


@command("exercises", "Regenerate exercises/ and solutions/ from instructors/exercise_sources/ (otter assign).")
def _exercises(parser: argparse.ArgumentParser) -> Handler:
    parser.add_argument("sets", nargs="*", help="set stems, e.g. 01_reading_the_article (default: all)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a copy is stale")
    parser.add_argument("--no-run-tests", action="store_true", help="skip otter's solution self-test")

    def run(args: argparse.Namespace, course: CourseLayout) -> int:
        from .exercises import generate

        touched = generate(args.sets or None, root=course.root, run_tests=not args.no_run_tests, check=args.check)
        for path in touched:
            print(f"{'stale' if args.check else 'wrote'}: {course.shown(path)}")
        if not touched:
            print("exercises/ and solutions/ are up to date with instructors/exercise_sources/")
        return 1 if (args.check and touched) else 0

    return run


@command("start", "Copy the exercises to my-work/ for a student; never overwrites an existing copy.")
def _start(parser: argparse.ArgumentParser) -> Handler:
    parser.add_argument("sets", nargs="*", help="set stems (default: all)")

    def run(args: argparse.Namespace, course: CourseLayout) -> int:
        from .workspace import start

        result = start(args.sets or None, root=course.root)
        for path in result.copied:
            print(f"copied: {course.shown(path)}")
        for path in result.kept:
            print(f"kept: {course.shown(path)} already exists and was NOT overwritten")
            print("      (rename or delete it to get a fresh copy)")
        print(f"Open the notebooks in {course.work.name}/ and work there.")
        return 0

    return run


@command("links", "Print the nbgitpuller link that opens each lesson and exercise on a JupyterHub.")
def _links(parser: argparse.ArgumentParser) -> Handler:
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("--branch", default="main", help="the course's branch on the hub (default: main)")
    parser.add_argument("--repo", default=None, help="the course repository's URL (default: its git remote origin)")

    def run(args: argparse.Namespace, course: CourseLayout) -> int:
        from .hublinks import course_links, origin_url

        repo = args.repo or origin_url(course.root)
        if not repo:
            raise UserError(
                "no --repo given and the course has no git remote 'origin'",
                "pass --repo https://github.com/<owner>/newslens (the repository the hub's servers clone)",
            )
        for link in course_links(course.course_file, args.hub, repo, args.branch):
            print(f"# {link.kind} {link.lesson_id}: {link.title} ({link.path})")
            print(link.url)
        return 0

    return run


@command("grade", "Grade a folder of submitted notebooks into build/grades/ (gradebook CSV, HTML reports).")
def _grade(parser: argparse.ArgumentParser) -> Handler:
    from .grading.cli import add_options, run_grade

    add_options(parser)
    return run_grade


@command("case", "Draft a case from a new article (case new) or list what a case still lacks (case check).")
def _case(parser: argparse.ArgumentParser) -> Handler:
    subs = parser.add_subparsers(dest="case_command", metavar="ACTION", required=True)
    new = subs.add_parser("new", help="draft cases/<name>/ from an article (never overwrites a case)")
    new.add_argument("article", type=Path, help="the article, UTF-8 text, one paragraph per line")
    new.add_argument("--lang", required=True, help="the article's language: it or en")
    new.add_argument("--anchor", required=True, help="the article's publication date, YYYY-MM-DD")
    new.add_argument("--name", default=None, help="the case folder's name (default: from the article's file name)")
    check = subs.add_parser("check", help="validate a case and print what it still lacks; exit 1 if incomplete")
    check.add_argument("case", type=Path, help="the case folder, e.g. cases/practice_a")

    def run(args: argparse.Namespace, course: CourseLayout) -> int:
        if args.case_command == "new":
            from newslens.casekit.draft import new_case

            made = new_case(args.article, lang=args.lang, anchor=args.anchor, name=args.name, root=course.root)
            print(f"wrote: {course.shown(made.folder)} ({made.summary()})")
            return 0
        from newslens.casekit.check import run as check_case

        return check_case(args.case)

    return run


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The top-level parser with one sub-parser per registered command.

    Only the command named in ``argv`` gets its options (its setup may import heavy modules: the grader
    imports pandas); the others are listed with their help text, so every command starts fast.
    """
    chosen = next((a for a in (argv or []) if a in COMMANDS), None) if argv is not None else None
    parser = argparse.ArgumentParser(prog="newslens", description="Tools of the newslens course.")
    parser.add_argument("--root", type=Path, default=None, help="the course's folder (default: found from here)")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (help_text, setup) in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        if argv is None or name == chosen:
            sub.set_defaults(_run=setup(sub))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (1 for a user's mistake, printed as ``ERROR: ...``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        course = CourseLayout.at(args.root) if args.root else CourseLayout.find()
        return int(args._run(args, course) or 0)
    except UserError as err:
        if args.debug:
            traceback.print_exc()
        print(f"ERROR: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
