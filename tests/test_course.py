"""course.toml is the one list of notebooks: everything that repeats it must agree with it."""

from __future__ import annotations

import re
import sys

import nbformat
import pytest

from newslens import paths

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

COURSE = tomllib.loads((paths.REPO_ROOT / "course.toml").read_text(encoding="utf-8"))["lesson"]


def _first_cell(notebook: str) -> str:
    nb = nbformat.read(paths.REPO_ROOT / notebook, as_version=4)
    return nb.cells[0].source


def test_course_order_is_the_numbering_order():
    ids = [lesson["id"] for lesson in COURSE]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for lesson in COURSE:
        assert lesson["notebook"].startswith(f"notebooks/{lesson['id']}_"), lesson["notebook"]


@pytest.mark.parametrize("lesson", COURSE, ids=[lesson["id"] for lesson in COURSE])
def test_every_lesson_and_exercise_exists(lesson):
    assert (paths.REPO_ROOT / lesson["notebook"]).is_file(), f"missing {lesson['notebook']}"
    if "exercise" in lesson:
        for folder in (paths.EXERCISES_DIR, paths.SOLUTIONS_DIR):
            assert (folder / f"{lesson['exercise']}.ipynb").is_file(), f"missing {folder.name}/{lesson['exercise']}"


@pytest.mark.parametrize("lesson", COURSE, ids=[lesson["id"] for lesson in COURSE])
def test_notebook_opening_states_title_objectives_prerequisites_and_time(lesson):
    first = _first_cell(lesson["notebook"])
    assert re.match(rf"# Lesson {int(lesson['id'])}: {re.escape(lesson['title'])}", first), first.splitlines()[0]
    for heading in ("## Learning objectives", "## Prerequisites", "## Time needed"):
        assert heading in first, f"{lesson['notebook']}: first cell lacks {heading!r}"
    time_section = first.split("## Time needed", 1)[1].split("##", 1)[0]
    assert str(lesson["minutes"]) in time_section, f"{lesson['notebook']}: time differs from course.toml"


def test_readme_table_matches_course_toml():
    readme = (paths.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| \[([^\]]+)\]\(([^)]+)\) \| .*? \| (\d+) min \|$", readme, re.M)
    expected = [(str(int(x["id"])), x["title"], x["notebook"], str(x["minutes"])) for x in COURSE]
    assert rows == expected, "README's course table differs from course.toml"
