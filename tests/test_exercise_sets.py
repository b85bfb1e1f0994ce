"""Every exercise set, checked alike: the checks teach.

The sets are the lessons of ``course.toml`` that name an ``exercise``; the questions of a set are read from
its source notebook with ``newslens.tools.exercises.questions``. For each set: the blank student copy runs
top to bottom and every auto-graded check says "Not answered yet"; the solution copy passes every check; neither
copy, nor any of its checks, loads a judgement column (fact-only views: the course's grades, reasons and
distortion tags come only in the checks' messages); and each answer in the set's table in ``tests/answers/`` gets
the message written for it (right answers in other forms pass; each known mistake fails with its own feedback).

tests/test_exercises.py checks what is not per set (generated copies up to date, no solution leak, the
``make start`` workspace). Executing a notebook is the slow part, so each copy of each set runs once per
session, in a module-scoped fixture parametrised by set (all the executions stay in this one module, so
``pytest -n 2 --dist loadfile`` never runs them twice).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import exercise_checks
import pytest

from newslens import paths
from newslens.tools import exercises
from newslens.tools.handouts.course import Handout, load_course
from newslens.tools.runner import NotebookRun

COURSE = load_course(paths.REPO_ROOT / "course.toml")
#: The student copy and the solution copy of every set, by set name, in course order.
STUDENT: dict[str, Handout] = {h.name: h for h in COURSE.handouts["exercises"]}
SOLUTION: dict[str, Handout] = {h.name: h for h in COURSE.handouts["solutions"]}
SETS: list[str] = list(STUDENT)

#: Answers to every auto-graded question, one table per set in tests/answers/<set>.py: code run after the
#: complete (solution) notebook, and the words the check's message must contain (None: it must pass).
ANSWERS: dict[str, dict[str, list[tuple[str, str | None]]]] = {}
for _table in sorted((Path(__file__).parent / "answers").glob("[0-9]*.py")):
    _spec = importlib.util.spec_from_file_location(f"answers_{_table.stem}", _table)
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    ANSWERS[_table.stem] = _module.ANSWERS


def _questions(stem: str) -> list[exercises.Question]:
    return exercises.questions(exercises.SOURCES_DIR / f"{stem}.ipynb")


def _auto_graded(stem: str) -> list[str]:
    return [q.name for q in _questions(stem) if not q.manual]


def test_course_lists_every_exercise_source_and_the_table_names_only_its_sets() -> None:
    assert SETS, "course.toml names no exercise set"
    assert sorted(SETS) == sorted(p.stem for p in exercises.source_notebooks()), (
        "course.toml's exercises differ from the exercise sources"
    )
    assert set(SOLUTION) == set(STUDENT)
    assert set(ANSWERS) <= set(SETS), f"mistakes planted for sets the course does not list: {set(ANSWERS) - set(SETS)}"


@pytest.mark.parametrize("stem", SETS)
def test_set_has_5_to_10_questions_and_a_manual_one(stem: str) -> None:
    questions = _questions(stem)
    assert 5 <= len(questions) <= 10, f"{stem} has {len(questions)} questions"
    assert any(q.manual for q in questions), f"{stem} has no written (manual) question"


@pytest.mark.parametrize("stem", SETS)
def test_every_auto_graded_question_has_a_planted_mistake(stem: str) -> None:
    auto = set(_auto_graded(stem))
    assert auto == set(ANSWERS.get(stem, {})), f"every auto-graded question of {stem} needs a wrong answer"


@pytest.mark.parametrize("stem", SETS)
def test_manual_questions_show_their_rubric(stem: str) -> None:
    for question in _questions(stem):
        if question.manual:
            assert "Rubric" in question.prompt, f"{stem}/{question.name} does not show its rubric"


def _executed(handout: Handout, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, NotebookRun]]:
    # A fresh folder, as otter's grader uses: the notebooks must find data/ through newslens alone.
    work = tmp_path_factory.mktemp(f"{handout.set}-{handout.name}")
    with exercise_checks.executed_copy(Path(handout.source), work) as session:  # raises if any cell fails
        yield handout.name, session


@pytest.fixture(scope="module", params=SETS)
def blank(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The student copy of a set, executed top to bottom once (its kernel kept for the checks)."""
    yield from _executed(STUDENT[request.param], tmp_path_factory)


@pytest.fixture(scope="module", params=SETS)
def solved(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The complete (solution) copy of a set, executed top to bottom once (its kernel kept for the checks)."""
    yield from _executed(SOLUTION[request.param], tmp_path_factory)


@pytest.mark.slow
def test_blank_copy_runs_and_every_check_says_not_answered(blank) -> None:
    stem, session = blank
    for question in _auto_graded(stem):
        exercise_checks.assert_not_answered(session, stem, question)


@pytest.mark.slow
def test_solution_passes_every_check(solved) -> None:
    stem, session = solved
    for question in _auto_graded(stem):
        exercise_checks.assert_solution_passes(session, stem, question)


@pytest.mark.slow
def test_blank_copy_loads_only_fact_only_tables(blank) -> None:
    # Run after the checks above: the student copy, its setup cells and its public checks never load a grade,
    # a reason or a distortion tag (the runner records the columns of every table the loaders return).
    stem, session = blank
    for question in _auto_graded(stem):
        exercise_checks.check(session, question)
    exercise_checks.assert_fact_only(session, stem)


@pytest.mark.slow
def test_solution_loads_only_fact_only_tables(solved) -> None:
    # A model answer is what a student could write: it must not need the course's judgements either.
    stem, session = solved
    exercise_checks.assert_fact_only(session, stem)


@pytest.mark.slow
def test_each_answer_gets_the_message_written_for_it(solved) -> None:
    stem, session = solved
    if not ANSWERS.get(stem):
        pytest.skip(f"no answer table for {stem} yet")
    failures = []
    for question, answers in ANSWERS[stem].items():
        for code, words in answers:
            try:
                if words is None:
                    exercise_checks.assert_answer_accepted(session, stem, question, code)
                else:
                    exercise_checks.assert_mistake_rejected(session, stem, question, code, words)
            except AssertionError as err:  # report every answer that gets the wrong message, not only the first
                failures.append(str(err))
    assert not failures, "\n\n".join(failures)
