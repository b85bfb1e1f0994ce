"""The course's command line: ``python -m newslens <command> ...``.

Adding a command is one decorated function: it receives its own ``argparse`` sub-parser, adds its
options, and returns the function that runs it (``args -> exit status``). Keep imports inside the
functions so ``python -m newslens handouts`` with nothing to do starts fast.

Example
-------
>>> @command("hello", "Say hello.")  # doctest: +SKIP
... def _hello(parser):
...     parser.add_argument("--name", default="world")
...     return lambda args: print(f"hello {args.name}") or 0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Runner = Callable[[argparse.Namespace], int]
Setup = Callable[[argparse.ArgumentParser], Runner]

#: name -> (help, setup function); filled by @command.
COMMANDS: dict[str, tuple[str, Setup]] = {}


def command(name: str, help: str) -> Callable[[Setup], Setup]:
    """Register ``setup`` as the sub-command ``name``."""

    def register(setup: Setup) -> Setup:
        COMMANDS[name] = (help, setup)
        return setup

    return register


def _default_course() -> Path:
    from .paths import REPO_ROOT

    return REPO_ROOT / "course.toml"


def _add_course_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course",
        type=Path,
        default=None,
        help="course file (default: course.toml at the repository root); "
        "notebook paths in it are relative to its folder",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="PATTERN",
        help="build only notebooks whose name or set/name matches (glob; repeatable)",
    )
    parser.add_argument(
        "--sets",
        default="lessons,exercises,solutions",
        help="comma-separated handout sets to build (default: all three)",
    )
    parser.add_argument("--jobs", "-j", type=int, default=None, help="parallel kernels (default: the cores available)")
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="skip, with a warning, notebooks listed in the course file that do not exist yet",
    )


def _sets(text: str) -> tuple[str, ...]:
    from .build.course import SETS

    chosen = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in chosen if s not in SETS]
    if unknown:
        raise SystemExit(f"unknown set(s) {unknown}; choose from {list(SETS)}")
    return chosen


@command("handouts", "Execute the course's notebooks (cached) and render the HTML handouts.")
def _handouts(parser: argparse.ArgumentParser) -> Runner:
    _add_course_options(parser)

    def run(args: argparse.Namespace) -> int:
        from .build.handouts import main_handouts

        return main_handouts(
            args.course or _default_course(), args.only, _sets(args.sets), args.jobs, args.allow_missing
        )

    return run


@command("bench", "Measure cold, plain, floor, warm and one-notebook builds, and widget callbacks.")
def _bench(parser: argparse.ArgumentParser) -> Runner:
    _add_course_options(parser)
    parser.add_argument("--skip-plain", action="store_true", help="skip (b), the slow one-by-one nbconvert run")

    def run(args: argparse.Namespace) -> int:
        from .build.bench import main_bench

        return main_bench(
            args.course or _default_course(),
            args.only,
            _sets(args.sets),
            args.jobs,
            args.allow_missing,
            skip_plain=args.skip_plain,
        )

    return run


def _forward(module: str) -> Setup:
    """A command whose options belong to ``newslens.<module>.main(argv)``: pass them through."""

    def setup(parser: argparse.ArgumentParser) -> Runner:
        parser.add_argument("argv", nargs=argparse.REMAINDER, help="options of the command")
        # Leave every option to the module's own parser: "--check" must not be taken as ours.
        parser.prefix_chars = "\0"
        parser._option_string_actions.clear()

        def run(args: argparse.Namespace) -> int:
            import importlib

            return int(importlib.import_module(f"newslens.{module}").main(list(args.argv)) or 0)

        return run

    return setup


command("exercises", "Regenerate exercises/ and solutions/ from instructors/exercise_sources/ (otter assign).")(
    _forward("exercises")
)
command("grade", "Grade a folder of submitted notebooks into build/grades/ (gradebook CSV, HTML reports).")(
    _forward("grading")
)
command("start", "Copy the exercises to my-work/ for a student; never overwrites an existing copy.")(
    _forward("workspace")
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one sub-parser per registered command."""
    parser = argparse.ArgumentParser(prog="newslens", description="Tools of the newslens course.")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (help_text, setup) in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(_run=setup(sub))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
