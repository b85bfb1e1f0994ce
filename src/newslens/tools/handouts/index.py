"""The handouts' ``index.html``: the three sets in course order, with times and objectives.

Plain string building on purpose: the index is rewritten on most builds, and importing Jinja and
nbconvert for it would cost more than the whole no-op build may take.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from .course import SET_TITLES, SETS
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


def render_index(
    entries: list[IndexEntry], course_title: str, version: str, build_date: str, root: Path | None = None
) -> str:
    """The whole ``index.html``, self-contained like every handout; Italian in it marked as on every page
    (``root``: the course, whose data says what is Italian)."""
    esc = html.escape
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{esc(course_title)}: handouts</title>\n<style>\n{_css()}\n</style>\n</head>\n"
        '<body class="nl-page nl-index">\n'
        '<nav class="nl-nav nl-nav-top" aria-label="Course navigation">'
        '<span class="nl-prev"></span><span class="nl-up">Index</span>'
        + "".join(
            f'<span class="nl-next"><a href="#{s}">{esc(SET_TITLES[s])}</a></span>'
            for s in SETS
            if any(e.set == s for e in entries)
        )
        + "</nav>\n<main>\n"
        f"<h1>{esc(course_title)}</h1>\n"
        "<p>Handouts of the course, in the order they are taught. Each page is self-contained: it "
        "opens without a network or a running kernel, and prints on A4 or Letter.</p>\n"
    ]
    for s in SETS:
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
