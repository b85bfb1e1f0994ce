"""Checks shared by the exercise-set tests: run otter's checks in an executed copy of a set.

Each function takes a NotebookSession in which a set's notebook (student or solution copy) has run,
asks otter's ``grader.check`` in that kernel, and asserts what a student would see.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from newslens.notebook_session import NotebookSession


def executed_copy(notebook: Path, work: Path) -> NotebookSession:
    """A session that runs a copy of ``notebook`` in the empty folder ``work``, as otter's grader does:
    the notebook must then find data/ through newslens alone."""
    shutil.copy(notebook, work)
    return NotebookSession(work / notebook.name, cwd=str(work))


def check(session: NotebookSession, question: str, setup: str = "") -> tuple[bool, str]:
    """Run ``setup`` then ``grader.check(question)``; return (passed, otter's report).

    The kernel's variables are restored afterwards, so one planted mistake never leaks into the next.
    """
    out = session.run(
        f"_saved = dict(globals())\n{setup}\n_r = grader.check({question!r})\n"
        "print(_r.passed_all)\nprint(repr(_r))\nglobals().update(_saved)"
    )
    passed, _, report = out.partition("\n")
    return passed == "True", report


def assert_not_answered(session: NotebookSession, stem: str, question: str) -> None:
    passed, report = check(session, question)
    assert not passed, f"{stem}/{question} passes when unanswered"
    assert "Not answered yet" in report, f"{stem}/{question} does not say 'Not answered yet':\n{report}"


def assert_solution_passes(session: NotebookSession, stem: str, question: str) -> None:
    passed, report = check(session, question)
    assert passed, f"{stem}/{question}: the solution does not pass:\n{report}"


def assert_mistake_rejected(session: NotebookSession, stem: str, question: str, wrong: str, words: str) -> None:
    """The planted mistake ``wrong`` fails the check with feedback containing ``words``."""
    passed, report = check(session, question, wrong)
    assert not passed, f"{stem}/{question}: the wrong answer {wrong!r} passes"
    assert words in report, f"{stem}/{question}: expected feedback with {words!r}, got:\n{report}"
