"""course.toml is the one list of notebooks: everything that repeats it must agree with it."""

from __future__ import annotations

import re

import nbformat
import pytest

from newslens import paths
from newslens.tools.handouts.course import Handout, load_course

COURSE_FILE = paths.REPO_ROOT / "course.toml"
COURSE = load_course(COURSE_FILE)
LESSONS: list[Handout] = COURSE.handouts["lessons"]
#: The exercise set course.toml pairs with a lesson (its ``exercise``), by lesson id.
EXERCISES: dict[str, Handout] = {h.lesson_id: h for h in COURSE.handouts["exercises"]}


def _relative(handout: Handout) -> str:
    """The notebook's path as course.toml spells it (relative to the course root)."""
    return handout.source.relative_to(COURSE.root).as_posix()


def _first_cell(lesson: Handout) -> str:
    nb = nbformat.read(lesson.source, as_version=4)
    return nb.cells[0].source


def test_course_order_is_the_numbering_order():
    ids = [lesson.lesson_id for lesson in LESSONS]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for lesson in LESSONS:
        assert _relative(lesson).startswith(f"notebooks/{lesson.lesson_id}_"), _relative(lesson)


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.lesson_id for lesson in LESSONS])
def test_every_lesson_and_exercise_exists(lesson):
    assert lesson.source.is_file(), f"missing {_relative(lesson)}"
    if lesson.lesson_id in EXERCISES:
        exercise = EXERCISES[lesson.lesson_id].name
        for folder in (paths.EXERCISES_DIR, paths.SOLUTIONS_DIR):
            assert (folder / f"{exercise}.ipynb").is_file(), f"missing {folder.name}/{exercise}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.lesson_id for lesson in LESSONS])
def test_notebook_opening_states_title_objectives_prerequisites_and_time(lesson):
    first = _first_cell(lesson)
    assert re.match(rf"# Lesson {int(lesson.lesson_id)}: {re.escape(lesson.title)}", first), first.splitlines()[0]
    for heading in ("## Learning objectives", "## Prerequisites", "## Time needed"):
        assert heading in first, f"{_relative(lesson)}: first cell lacks {heading!r}"
    time_section = first.split("## Time needed", 1)[1].split("##", 1)[0]
    assert str(lesson.minutes) in time_section, f"{_relative(lesson)}: time differs from course.toml"


def test_readme_table_matches_course_toml():
    readme = (paths.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    # Columns: number, lesson, exercise link, lesson time, exercise time (or "–"), their total.
    pattern = r"^\| (\d+) \| \[([^\]]+)\]\(([^)]+)\) \| [^|]* \| (\d+) min \| (?:(\d+) min|–) \| (\d+) min \|$"
    rows = re.findall(pattern, readme, re.M)
    expected = []
    for x in LESSONS:
        exercise = EXERCISES[x.lesson_id].minutes if x.lesson_id in EXERCISES else None
        total = x.minutes + (exercise or 0)
        expected.append((str(int(x.lesson_id)), x.title, _relative(x), str(x.minutes), str(exercise or ""), str(total)))
    assert rows == expected, "README's course table differs from course.toml"


#: The longest code cell a lesson may have (issue 16): longer machinery belongs in a tested helper module.
MAX_CELL_LINES = 25


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda h: h.name)
def test_no_lesson_code_cell_is_longer_than_the_limit(lesson):
    nb = nbformat.read(lesson.source, as_version=4)
    long = [
        (i, n)
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (n := len(cell.source.splitlines())) > MAX_CELL_LINES
    ]
    assert not long, f"{lesson.source.name}: code cells over {MAX_CELL_LINES} lines (cell index, lines): {long}"
