"""The course's sequence, read from ``course.toml`` (the single source of truth for the order)."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: The handout sets, in order: the three the student index lists, then the instructor guide, which has an index
#: of its own (build/handouts/instructors/index.html) and is linked from no student page.
SETS: tuple[str, ...] = ("lessons", "exercises", "solutions", "instructors")
STUDENT_SETS: tuple[str, ...] = ("lessons", "exercises", "solutions")
SET_TITLES: dict[str, str] = {
    "lessons": "Lessons",
    "exercises": "Exercises (for students)",
    "solutions": "Solutions (for instructors)",
    "instructors": "Instructor guide",
}


class CourseError(UserError):
    """The course file or a notebook it lists is missing or malformed."""


@dataclass
class Handout:
    """One notebook of the course and the HTML page made from it."""

    set: str  # lessons | exercises | solutions | instructors
    name: str  # file stem, e.g. 01_reading_the_article
    source: Path  # the .ipynb
    title: str  # from course.toml; the notebook's own first heading wins when rendering
    minutes: int | None
    execute: bool  # exercises are rendered without running (their answers are blank)
    lesson_id: str = ""
    widget: dict[str, str] | None = None  # the lesson's main widget, for the bench ([lesson.widget])
    generated: bool = False  # its notebook is written by the build (the instructor guide, build/guide/)
    prev: Handout | None = field(default=None, repr=False)
    next: Handout | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        """Identifier in the cache manifest, e.g. ``lessons/01_reading_the_article``."""
        return f"{self.set}/{self.name}"

    @property
    def html_relpath(self) -> str:
        """Where the page goes, relative to the handouts folder."""
        return f"{self.set}/{self.name}.html"


@dataclass
class Course:
    """The course file, its root folder and its handouts grouped by set."""

    course_file: Path
    root: Path
    handouts: dict[str, list[Handout]]

    def all(self) -> list[Handout]:
        """Every handout, sets in index order."""
        return [h for s in SETS for h in self.handouts.get(s, [])]


def load_course(course_file: Path, sets: tuple[str, ...] = SETS) -> Course:
    """Read ``course_file``; notebook paths in it are relative to its folder (the course root).

    Each ``[[lesson]]`` gives a lesson notebook and optionally an ``exercise`` name, which stands for
    both ``exercises/<exercise>.ipynb`` and ``solutions/<exercise>.ipynb``.
    """
    course_file = Path(course_file).resolve()
    if not course_file.is_file():
        raise CourseError(f"course file not found: {course_file}")
    try:
        spec = tomllib.loads(course_file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise CourseError(f"{course_file}: not valid TOML: {err}") from err
    root = course_file.parent
    lessons = spec.get("lesson", [])
    if not lessons:
        raise CourseError(f"{course_file}: no [[lesson]] entries")
    groups: dict[str, list[Handout]] = {s: [] for s in SETS}
    for i, entry in enumerate(lessons):
        if "notebook" not in entry:
            raise CourseError(f"{course_file}: [[lesson]] number {i + 1} has no 'notebook'")
        nb = root / entry["notebook"]
        title = str(entry.get("title") or nb.stem)
        lid = str(entry.get("id", ""))
        widget = entry.get("widget")
        if widget is not None and not (isinstance(widget, dict) and {"name", "values"} <= set(widget)):
            raise CourseError(f"{course_file}: lesson {lid or i + 1}: [lesson.widget] needs 'name' and 'values'")
        groups["lessons"].append(Handout("lessons", nb.stem, nb, title, entry.get("minutes"), True, lid, widget))
        exercise = entry.get("exercise")
        if exercise:
            groups["exercises"].append(
                Handout(
                    "exercises",
                    exercise,
                    root / "exercises" / f"{exercise}.ipynb",
                    f"Exercises: {title}",
                    entry.get("exercise_minutes"),
                    False,
                    lid,
                )
            )
            groups["solutions"].append(
                Handout(
                    "solutions",
                    exercise,
                    root / "solutions" / f"{exercise}.ipynb",
                    f"Solutions: {title}",
                    entry.get("exercise_minutes"),
                    True,
                    lid,
                )
            )
    for entry in spec.get("assessment", []):
        # A set outside the lesson sequence (the pre/post forms, instructors/assessments/): exercises and solutions.
        name, lid = str(entry["exercise"]), str(entry.get("id", ""))
        title, minutes = str(entry.get("title") or name), entry.get("exercise_minutes")
        for kind, label, execute in (("exercises", "Exercises", False), ("solutions", "Solutions", True)):
            page = Handout(kind, name, root / kind / f"{name}.ipynb", f"{label}: {title}", minutes, execute, lid)
            groups[kind].append(page)
    if "instructors" in sets and (root / "instructors" / "guide").is_dir():
        # The instructor guide (newslens.tools.guide): pages the build generates from the course's own files.
        from ..guide import OUT_DIR, guide_pages

        for guide_page in guide_pages(course_file):
            groups["instructors"].append(
                Handout(
                    "instructors",
                    guide_page.name,
                    root / OUT_DIR / f"{guide_page.name}.ipynb",
                    guide_page.title,
                    None,
                    False,
                    guide_page.lesson_id,
                    generated=True,
                )
            )
    handouts = {s: groups[s] for s in SETS if s in sets}
    for group in handouts.values():
        for a, b in zip(group, group[1:], strict=False):
            a.next, b.prev = b, a
    return Course(course_file, root, handouts)


def missing_notebooks(course: Course) -> list[Handout]:
    """Handouts whose notebook file does not exist (the generated ones are written by the build)."""
    return [h for h in course.all() if not h.generated and not h.source.is_file()]


def read_notebook_json(path: Path) -> dict:
    """The notebook as plain JSON (cheaper than nbformat when we only need to look)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (ValueError, UnicodeDecodeError) as err:
        raise CourseError(
            f"{path}: not a valid notebook ({type(err).__name__}: {err})", "restore it from git or re-create it"
        ) from err
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise CourseError(f"{path}: not a notebook (no list of cells)", "restore it from git or re-create it")
    return data


def _markdown_text(nb: dict) -> list[str]:
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in nb.get("cells", [])
        if c.get("cell_type") == "markdown"
    ]


_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")


def notebook_title(nb: dict) -> str | None:
    """The text of the notebook's first level-1 heading (or first heading of any level)."""
    first_any = None
    for text in _markdown_text(nb):
        for line in text.splitlines():
            m = _HEADING.match(line)
            if m:
                if len(m.group(1)) == 1:
                    return _plain(m.group(2))
                first_any = first_any or _plain(m.group(2))
    return first_any


def _plain(md: str) -> str:
    """Drop the commonest inline markdown so a heading reads as text; code spans keep their characters
    (``points_from_xy`` must not lose its underscores)."""
    md = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)
    pieces = []
    for piece in re.split(r"(`[^`]*`)", md):
        if len(piece) >= 2 and piece[0] == piece[-1] == "`":
            pieces.append(piece[1:-1])
            continue
        piece = re.sub(r"(\*\*|__)(.+?)\1", r"\2", piece)
        pieces.append(re.sub(r"(?<!\w)([*_])(?!\s)(.+?)(?<!\s)\1(?!\w)", r"\2", piece))
    return "".join(pieces).strip()


def learning_objectives(nb: dict) -> list[str]:
    """The bullet list under the heading "Learning objectives" (any level), or ``[]``."""
    lines = "\n\n".join(_markdown_text(nb)).splitlines()
    out: list[str] = []
    inside = False
    for line in lines:
        m = _HEADING.match(line)
        if m:
            if inside:
                break
            inside = "learning objective" in m.group(2).lower()
            continue
        if not inside:
            continue
        bullet = re.match(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)$", line)
        if bullet:
            out.append(_plain(bullet.group(1)))
        elif out and line.strip() and line.startswith((" ", "\t")):
            out[-1] += " " + _plain(line.strip())  # continuation of a wrapped bullet
        elif out and line.strip():
            break  # prose after the list ends it
    return out
