"""The instructor guide (issue 16): a page per lesson of course.toml, generated from the course's own files.

What an instructor relies on: every lesson has its page; every known-mistake message of the exercise checks and
every Try-it misconception is on its lesson's page (read from the checks, so a message the guide lost is a failure
here, shown by removing one); each lesson's plan adds up to course.toml's minutes; each written question has a
leveled rubric with a sample answer at every level; and the students' index never leads to the guide.

The guide is built as the handout build builds it (the instructors set only) into a temporary course that links
to the real course's folders, so the real build/ is left alone.
"""

from __future__ import annotations

import ast
import html
import json
import re
import sys
from pathlib import Path

import pytest

from newslens import paths, tryit
from newslens.tools import guide
from newslens.tools.handouts.build import build_handouts

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

pytestmark = pytest.mark.slow

ROOT = paths.REPO_ROOT
COURSE = tomllib.loads((ROOT / "course.toml").read_text(encoding="utf-8"))
LESSONS = COURSE["lesson"]
SOURCES = ROOT / "instructors" / "exercise_sources"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/handouts/ of a temporary course whose folders are the real course's (symlinks): the guide's pages."""
    root = tmp_path_factory.mktemp("course")
    for name in ("data", "notebooks", "exercises", "solutions", "instructors", "cases"):
        if (ROOT / name).exists():
            (root / name).symlink_to(ROOT / name)
    (root / "course.toml").write_text((ROOT / "course.toml").read_text(encoding="utf-8"), encoding="utf-8")
    build_handouts(root / "course.toml", only=["instructors/*"], jobs=1, log=lambda _: None)
    return root / "build" / "handouts"


def page_text(page: str) -> str:
    """A page's main content (or the whole fragment) as a reader sees it: tags dropped (a tag inside a sentence,
    such as <code>, adds no space), entities decoded, whitespace squashed."""
    if "<main>" in page:
        page = page[page.find("<main>") : page.rfind("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def _squash(text: str) -> str:
    return " ".join(text.replace("`", "").split())


def exercise_messages(source: Path) -> list[str]:
    """The assert messages of a set's ``# BEGIN TESTS`` cells, written out here (not with the guide's own code):
    string literals and f-strings (a value filled in shown as …); the generic ones left out."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    messages, in_tests = [], False
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "raw":
            in_tests = {"# BEGIN TESTS": True, "# END TESTS": False}.get(text.strip().upper(), in_tests)
            continue
        if not in_tests or cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Assert) or node.msg is None:
                continue
            msg = _literal(node.msg)
            if msg and "Not answered yet" not in msg and "is not defined" not in msg:
                messages.append(msg)
    return messages


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "…" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return left + right if left is not None and right is not None else None
    return None


def missing_messages(page: str, messages: list[str]) -> list[str]:
    """The messages a page does not show (compared as text, code spans' backticks aside)."""
    text = page_text(page)
    return [m for m in messages if _squash(m) not in text]


def _page(built: Path, lesson_id: str) -> str:
    return (built / "instructors" / f"lesson_{lesson_id}.html").read_text(encoding="utf-8")


def test_the_guide_has_an_overview_and_a_page_for_every_lesson_of_course_toml(built: Path) -> None:
    assert (built / "instructors" / "overview.html").is_file()
    for entry in LESSONS:
        path = built / "instructors" / f"lesson_{entry['id']}.html"
        assert path.is_file(), f"no guide page for lesson {entry['id']}"
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", path.read_text(encoding="utf-8"), re.S)
        assert heading and entry["title"] in html.unescape(re.sub(r"<[^>]+>", "", heading.group(1)))


@pytest.mark.parametrize("entry", LESSONS, ids=[e["id"] for e in LESSONS])
def test_every_check_message_and_try_it_misconception_is_on_its_lesson_page(built: Path, entry: dict) -> None:
    page = _page(built, entry["id"])
    expected: list[str] = []
    if entry.get("exercise"):
        assert (SOURCES / f"{entry['exercise']}.ipynb").is_file(), f"no source for set {entry['exercise']}"
        expected += exercise_messages(SOURCES / f"{entry['exercise']}.ipynb")
        assert expected, f"set {entry['exercise']}: no known-mistake messages found in its checks"
    expected += [message for _, message in tryit.misconceptions(entry["id"])]
    lost = missing_messages(page, expected)
    assert not lost, f"lesson {entry['id']}: {len(lost)} messages missing from its guide page, e.g. {lost[:3]}"


def test_a_message_missing_from_a_page_is_reported(built: Path, tmp_path: Path) -> None:
    """The check above is not vacuous: remove one message from a copy of a page and it is named."""
    entry = next(e for e in LESSONS if e.get("exercise") and (SOURCES / f"{e['exercise']}.ipynb").is_file())
    page = _page(built, entry["id"])
    messages = exercise_messages(SOURCES / f"{entry['exercise']}.ipynb")
    victim = next(m for m in messages if "`" not in m and "…" not in m)
    assert html.escape(victim) in page
    copy = tmp_path / "lesson.html"
    copy.write_text(page.replace(html.escape(victim), "(removed)"), encoding="utf-8")
    assert missing_messages(copy.read_text(encoding="utf-8"), messages) == [victim]


@pytest.mark.parametrize("entry", LESSONS, ids=[e["id"] for e in LESSONS])
def test_each_lesson_plan_adds_up_to_course_toml_minutes(built: Path, entry: dict) -> None:
    page = _page(built, entry["id"])
    plan = page[page.find('id="Timed-plan"') :]
    plan = plan[: plan.find("</table>")]
    rows = re.findall(r"<tr>\s*<td[^>]*>\s*(\d+)\s*</td>\s*<td[^>]*>.*?</td>\s*<td[^>]*>\s*(\d+)\s*</td>", plan, re.S)
    assert rows, f"lesson {entry['id']}: no timed plan"
    assert sum(int(minutes) for _, minutes in rows) == entry["minutes"], f"lesson {entry['id']}'s plan"
    kinds = page_text(plan)
    assert "Introduction" in kinds and "Discussion" in kinds
    if entry.get("exercise") and entry.get("exercise_minutes"):
        assert f"Then the exercise set ({entry['exercise_minutes']} minutes)" in page_text(page)


def test_the_students_index_never_links_the_instructor_set_and_the_instructor_index_links_theirs(built: Path) -> None:
    student = (built / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', student)
    assert links and not [link for link in links if "instructors" in link], "the student index links the guide"
    assert "Instructor guide" not in page_text(student)
    teacher = (built / "instructors" / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]+)"', teacher)
    for entry in LESSONS:
        assert f"lesson_{entry['id']}.html" in hrefs
        assert f"../lessons/{Path(entry['notebook']).stem}.html" in hrefs
    assert "overview.html" in hrefs
    # A guide page's "Index" goes to the instructor index beside it, never up to the students' one.
    overview = (built / "instructors" / "overview.html").read_text(encoding="utf-8")
    assert 'href="index.html"' in overview and 'href="../index.html"' not in overview


def _written_questions() -> list[tuple[str, guide.WrittenQuestion]]:
    return [
        (entry["id"], q)
        for entry in LESSONS
        if entry.get("exercise") and (SOURCES / f"{entry['exercise']}.ipynb").is_file()
        for q in guide.written_questions(SOURCES / f"{entry['exercise']}.ipynb")
    ]


@pytest.mark.parametrize("lesson_id, question", _written_questions(), ids=lambda x: getattr(x, "name", x))
def test_each_written_question_has_a_leveled_rubric_with_a_sample_at_every_level(
    built: Path, lesson_id: str, question: guide.WrittenQuestion
) -> None:
    spec = guide.rubrics(ROOT).get(question.name)
    assert spec, f"{question.name}: no rubric in instructors/guide/rubrics.toml"
    levels = guide.rubric_levels(spec)
    assert len(levels) >= 3, f"{question.name}: a leveled rubric has at least three levels"
    assert spec.get("criteria"), f"{question.name}: an analytic rubric has criteria"
    for row in spec["criteria"]:
        assert all(row.get(level) for level in levels), f"{question.name}: {row['criterion']} lacks a level"
    assert set(spec["points"]) == set(levels), f"{question.name}: each level needs its points"
    assert max(spec["points"].values()) == question.points, f"{question.name}: the best level earns full points"
    text = page_text(_page(built, lesson_id))
    for n, level in enumerate(levels):
        sample = spec.get("samples", {}).get(level) or (question.solution if n == 0 else "")
        assert sample.strip(), f"{question.name}: no sample answer at level {level}"
        first_line = _squash(re.sub(r"^(\d+\.|[-*])\s+", "", sample.strip().splitlines()[0]))[:60]
        assert first_line in text.replace("`", ""), f"{question.name}: the {level} sample is not on the page"


def test_plan_minutes_are_whole_and_add_up_for_any_total() -> None:
    notebook = ROOT / LESSONS[1]["notebook"]
    for total in (20, 45, 61, 120):
        steps = guide.scale(guide.lesson_steps(notebook), total)
        assert sum(s.minutes for s in steps) == total and all(s.minutes >= 1 for s in steps)


def test_readme_course_table_shows_course_toml_times() -> None:
    """README's table is the one course.toml gives (python -m newslens.tools.guide --readme-table prints it)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert guide.readme_course_table(ROOT / "course.toml") in readme, (
        "README's course table differs from course.toml: paste `python -m newslens.tools.guide --readme-table`"
    )


@pytest.mark.parametrize("entry", LESSONS, ids=[e["id"] for e in LESSONS])
def test_time_needed_says_both_times_of_course_toml(entry: dict) -> None:
    nb = json.loads((ROOT / entry["notebook"]).read_text(encoding="utf-8"))
    first = next("".join(c["source"]) for c in nb["cells"] if "## Time needed" in "".join(c["source"]))
    section = first.split("## Time needed", 1)[1].split("\n## ", 1)[0]
    assert guide.time_needed_text(entry["minutes"], entry.get("exercise_minutes")) in section
