"""Checks shared by the exercise-set tests: run otter's checks in an executed copy of a set.

Each function takes a NotebookRun in which a set's notebook (student or solution copy) has run,
asks otter's ``grader.check`` in that kernel, and asserts what a student would see.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from newslens.data import judgement_columns
from newslens.tools.runner import LOADED_TABLES, NotebookRun, RunOptions


def executed_copy(notebook: Path, work: Path) -> NotebookRun:
    """A session that runs a copy of ``notebook`` in the empty folder ``work``, as otter's grader does:
    the notebook must then find data/ through newslens alone."""
    shutil.copy(notebook, work)
    return NotebookRun(work / notebook.name, RunOptions(cwd=work, timeout=120, keep_kernel=True))


def check(session: NotebookRun, question: str, setup: str = "") -> tuple[bool, str]:
    """Run ``setup`` then ``grader.check(question)``; return (passed, otter's report).

    The kernel's variables are restored afterwards, so one planted mistake never leaks into the next.
    """
    session.run(f"_saved = dict(globals())\n{setup}\n_r = grader.check({question!r})")
    passed, report = session.value("[bool(_r.passed_all), repr(_r)]")
    session.run("globals().update(_saved)")
    return passed, report


def assert_not_answered(session: NotebookRun, stem: str, question: str) -> None:
    passed, report = check(session, question)
    assert not passed, f"{stem}/{question} passes when unanswered"
    assert "Not answered yet" in report, f"{stem}/{question} does not say 'Not answered yet':\n{report}"


def assert_solution_passes(session: NotebookRun, stem: str, question: str) -> None:
    passed, report = check(session, question)
    assert passed, f"{stem}/{question}: the solution does not pass:\n{report}"


def assert_mistake_rejected(session: NotebookRun, stem: str, question: str, wrong: str, words: str) -> None:
    """The planted mistake ``wrong`` fails the check with feedback containing ``words``."""
    passed, report = check(session, question, wrong)
    assert not passed, f"{stem}/{question}: the wrong answer {wrong!r} passes"
    assert words in report, f"{stem}/{question}: expected feedback with {words!r}, got:\n{report}"


def assert_answer_accepted(session: NotebookRun, stem: str, question: str, right: str) -> None:
    """The answer ``right`` (a right one in another form, or a defensible alternative) passes the check."""
    passed, report = check(session, question, right)
    assert passed, f"{stem}/{question}: the acceptable answer {right!r} fails:\n{report}"


def judgement_loads(session: NotebookRun) -> list[str]:
    """Every table the notebook's loaders returned *with* a judgement column (a grade, a reason, a distortion
    tag, the coding of attribution or hedges), as ``"claims: credibility, distortion"``; empty when every load was
    fact-only. Read from the runner's audit of the loaders (``runner.LOADED_TABLES``), so it sees every call,
    however the notebook made it (a student cell, a check, a helper)."""
    found = []
    for table, columns in session.value(LOADED_TABLES):
        shown = [c for c in judgement_columns(table) if c in columns]
        if shown:
            found.append(f"{table}: {', '.join(shown)}")
    return found


def assert_fact_only(session: NotebookRun, stem: str) -> None:
    """The notebook loaded tables (so the audit saw something) and never a judgement column."""
    assert session.value(LOADED_TABLES), f"{stem}: no table load was recorded, so the audit proves nothing"
    loads = judgement_loads(session)
    assert not loads, f"{stem} loads the course's judgements, which its questions ask the student for: {loads}"
