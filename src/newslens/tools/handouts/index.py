"""The handouts' ``index.html``: the three student sets in course order, with times and objectives; and the
instructor guide's own index (``instructors/index.html``), which the student index never links.

Plain string building on purpose: the index is rewritten on most builds, and importing Jinja and
nbconvert for it would cost more than the whole no-op build may take.
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from .course import SET_TITLES, STUDENT_SETS
from .render import TEMPLATES_DIR


@dataclass
class IndexEntry:
    """One line of the index: a page, its title, time and objectives."""

    set: str
    href: str
    title: str
    minutes: int | None
    objectives: list[str] = field(default_factory=list)


def _css() -> str:
    return (TEMPLATES_DIR / "newslens" / "static" / "course.css").read_text(encoding="utf-8")


#: The sets the instructor index lists: the guide first, then the student handouts it links.
INSTRUCTOR_SETS: tuple[str, ...] = ("instructors", *STUDENT_SETS)


def total_minutes(entries: list[IndexEntry]) -> tuple[int, int]:
    """(minutes of the lessons, minutes of the exercise sets and assessments) of the student sets."""
    return (
        sum(e.minutes or 0 for e in entries if e.set == "lessons"),
        sum(e.minutes or 0 for e in entries if e.set == "exercises"),
    )


def _total_line(entries: list[IndexEntry]) -> str:
    lessons, exercises = total_minutes(entries)
    if not lessons:
        return ""
    whole = lessons + exercises
    return (
        f'<p class="nl-meta" id="course-time">The whole course: about {whole} minutes '
        f"(about {whole / 60:.1f} hours) for a student with basic Python: {lessons} minutes of lessons and "
        f"{exercises} minutes of exercises and assessments.</p>\n"
    )


def class_server_block() -> str:
    """The student index's "On a class server" section: the nbgitpuller link form and the command an instructor
    runs to print the class's links (newslens.tools.hublinks), with where to read more (deploy/README.md)."""
    form = (
        "https://HUB/hub/user-redirect/git-pull?repo=REPOSITORY&amp;branch=main"
        "&amp;urlpath=lab/tree/newslens/notebooks/01_reading_the_article.ipynb"
    )
    return (
        '<section class="nl-index-set" id="class-server">\n<h2>On a class server</h2>\n'
        "<p>On a school's JupyterHub you install nothing: a link opens a lesson in JupyterLab. Its form is "
        f'<code class="nl-url">{form}</code>: nbgitpuller copies the course into <code>newslens/</code> in your '
        "home on the first click, brings in the newest version on later clicks without overwriting your work "
        "(<code>my-work/</code> is never touched), and opens the notebook.</p>\n"
        "<p>Instructors print the class's links, one per lesson and exercise set in course order, with "
        '<code class="nl-url">python -m newslens links --hub https://hub.example.edu '
        "--repo https://github.com/OWNER/newslens --branch main</code>. Which server to run, how to set it up and "
        "what happens to students' work when the course changes: <code>deploy/README.md</code> in the course "
        "folder.</p>\n</section>\n"
    )


def render_index(
    entries: list[IndexEntry],
    course_title: str,
    version: str,
    build_date: str,
    root: Path | None = None,
    *,
    instructors: bool = False,
) -> str:
    """The whole ``index.html``, self-contained like every handout; Italian in it marked as on every page
    (``root``: the course, whose data says what is Italian). With ``instructors``, the instructor index
    (``instructors/index.html``): the guide's pages, then the student handouts, linked from one folder down."""
    esc = html.escape
    sets = INSTRUCTOR_SETS if instructors else STUDENT_SETS
    if instructors:
        entries = [
            IndexEntry(e.set, posixpath.relpath(e.href, "instructors"), e.title, e.minutes, e.objectives)
            for e in entries
        ]
    else:
        entries = [e for e in entries if e.set in STUDENT_SETS]
    title = f"{course_title}: instructor guide" if instructors else f"{course_title}: handouts"
    up = "Instructor index" if instructors else "Index"
    intro = (
        "<p>The instructor guide: how to run the class, a timed plan, discussion prompts, the common misconceptions "
        "and rubrics for each lesson, then every handout of the course. This index is not linked from the "
        'students\' <a href="../index.html">course index</a>.</p>\n'
        if instructors
        else "<p>Handouts of the course, in the order they are taught. Each page is self-contained: it "
        "opens without a network or a running kernel, and prints on A4 or Letter.</p>\n"
    )
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{esc(title)}</title>\n<style>\n{_css()}\n</style>\n</head>\n"
        '<body class="nl-page nl-index">\n'
        '<nav class="nl-nav nl-nav-top" aria-label="Course navigation">'
        f'<span class="nl-prev"></span><span class="nl-up">{up}</span>'
        + "".join(
            f'<span class="nl-next"><a href="#{s}">{esc(SET_TITLES[s])}</a></span>'
            for s in sets
            if any(e.set == s for e in entries)
        )
        + "</nav>\n<main>\n"
        f"<h1>{esc(title if instructors else course_title)}</h1>\n" + intro + _total_line(entries)
    ]
    for s in sets:
        group = [e for e in entries if e.set == s]
        if not group:
            continue
        total = sum(e.minutes or 0 for e in group)
        parts.append(f'<section class="nl-index-set" id="{s}">\n<h2>{esc(SET_TITLES[s])}</h2>\n')
        if total:
            parts.append(f'<p class="nl-meta">{len(group)} notebooks, about {total} minutes in all.</p>\n')
        for e in group:
            meta = f"about {e.minutes} minutes" if e.minutes else ""
            parts.append(f'<div class="nl-index-entry">\n<h3><a href="{esc(e.href)}">{esc(e.title)}</a></h3>\n')
            if meta:
                parts.append(f'<p class="nl-meta">{meta}</p>\n')
            if e.objectives:
                parts.append(
                    '<p class="nl-meta">Learning objectives:</p>\n<ul>\n'
                    + "".join(f"<li>{esc(o)}</li>\n" for o in e.objectives)
                    + "</ul>\n"
                )
            parts.append("</div>\n")
        parts.append("</section>\n")
    if not instructors:
        parts.append(class_server_block())
    parts.append(
        '</main>\n<footer class="nl-footer">\n'
        "<p>Licence: code MIT; text and data "
        '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.\n'
        "Map data: Natural Earth, GeoNames, DCW (data/geo); the article's sources: "
        "<code>data/README.md</code> in the course folder.</p>\n"
        f"<p>Built {esc(build_date)} &middot; course version {esc(version)}</p>\n</footer>\n</body>\n</html>\n"
    )
    from . import a11y  # the standard library only: cheap

    return a11y.mark_italian("".join(parts), a11y.italian_passages(str(root))) if root else "".join(parts)
