"""Render an executed notebook to one self-contained HTML page with the course template.

The template (``templates/newslens`` beside this module) extends nbconvert's ``lab`` cell markup but writes
its own ``<head>``: inline CSS only, no MathJax, require.js, jQuery or widget manager, no web fonts.
Jupyter Book's cell tags are honoured: ``remove-cell``, ``remove-input``, ``remove-output`` (via
nbconvert's TagRemovePreprocessor) and ``hide-input`` (a ``<details>`` toggle, in the template).
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from typing import Any

from ..runner import WIDGET_STATE, WIDGET_VIEW
from .course import Handout

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
#: Lines that must never reach a student's page (otter-grader's solution and hidden-test markers).
SOLUTION_MARKERS = (
    "# BEGIN SOLUTION",
    "# END SOLUTION",
    "# SOLUTION",
    "# HIDDEN",
    "# BEGIN TESTS",
    "# BEGIN HIDDEN TESTS",
)


def _nth(given: Any, n: int) -> str:
    """A cell's metadata entry for its ``n``-th image: a string stands for every image, a list has one each."""
    if isinstance(given, str):
        return given.strip()
    if isinstance(given, list) and n < len(given) and given[n] is not None:
        return str(given[n]).strip()
    return ""


def add_alt_text(nb: Any) -> list[int]:
    """Give every image output alt text and a caption; return the indices of cells whose images have no alt.

    Alt comes from ``cell.metadata["alt"]`` (a string for every image of the cell, or a list
    with one string per image, in order), else from the figure's title recorded at execution.
    The visible caption (the template's ``<figcaption>``) comes from ``cell.metadata["caption"]``, in the
    same shape, else it repeats the alt text.
    """
    missing: list[int] = []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        given = cell.get("metadata", {}).get("alt")
        captions = cell.get("metadata", {}).get("caption")
        n = 0
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            mime = next((m for m in IMAGE_TYPES if m in data), None)
            if mime is None:
                continue
            alt = _nth(given, n)
            if not alt:
                title = out.get("metadata", {}).get(mime, {}).get("newslens_title", "")
                alt = f"Figure: {title}" if title else ""
            if not alt:
                missing.append(index)
            out.setdefault("metadata", {})["newslens_alt"] = alt
            out["metadata"]["newslens_caption"] = _nth(captions, n) or alt
            n += 1
    return missing


def solution_leaks(nb: Any) -> list[str]:
    """Otter-grader markers found in a student notebook (each a short description)."""
    found = []
    for index, cell in enumerate(nb.cells):
        for line in cell.get("source", "").splitlines():
            stripped = line.strip()
            if any(stripped.upper().startswith(m) or stripped.upper().endswith(m) for m in SOLUTION_MARKERS):
                found.append(f"cell {index}: {stripped[:60]}")
    return found


def prepare(nb: Any, execute: bool) -> None:
    """Drop what a page never shows: widget views and state; outputs of unrun pages."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        if not execute:
            cell["outputs"] = []
            cell["execution_count"] = None
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data is not None:
                data.pop(WIDGET_VIEW, None)
                data.pop(WIDGET_STATE, None)
                if not data:
                    continue
            kept.append(out)
        cell["outputs"] = kept


@cache
def _exporter() -> Any:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.template_name = "newslens"
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    # No Markdown cell shows an image (output images are always embedded). Embedding would parse each raw HTML
    # block of a Markdown cell on its own with BeautifulSoup, which closes an opened <details> at once and so
    # spills a Try-it's folded solution onto the page.
    c.HTMLExporter.embed_images = False
    c.HTMLExporter.sanitize_html = False
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    c.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    return HTMLExporter(config=c)


_HEADING = re.compile(r'<h([23])\b[^>]*?\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


def table_of_contents(body: str) -> str:
    """A nested list of links to the page's h2 and h3 headings (empty string if none)."""
    items = []
    for level, anchor, inner in _HEADING.findall(body):
        text = re.sub(r"<a class=\"anchor-link\".*?</a>", "", inner, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        if text:
            items.append((int(level), anchor, text))
    if not items:
        return ""
    out = ['<nav class="nl-toc" aria-label="Contents"><h2 class="nl-toc-title">On this page</h2><ol>']
    open_li = open_sub = False
    for level, anchor, text in items:
        link = f'<a href="#{html.escape(anchor)}">{html.escape(text)}</a>'
        if level == 3 and open_li:  # nest under the current h2 entry
            if not open_sub:
                out.append("<ol>")
                open_sub = True
            out.append(f"<li>{link}</li>")
            continue
        if open_sub:
            out.append("</ol>")
            open_sub = False
        if open_li:
            out.append("</li>")
        out.append(f"<li>{link}")
        open_li = True
    out.append(("</ol>" if open_sub else "") + ("</li>" if open_li else "") + "</ol></nav>")
    return "".join(out)


def page_context(
    h: Handout, title: str, version: str, build_date: str, root: Path, pages: dict[str, str] | None = None
) -> dict[str, Any]:
    """What the template needs beyond the notebook: title, navigation, footer facts; and for the
    post-processing, the course root and ``pages`` (each handout's notebook, resolved, to its page's path
    under build/handouts/), so links between notebooks become links between pages."""

    def link(other: Handout | None) -> dict[str, str] | None:
        if other is None:
            return None
        return {"href": f"{other.name}.html", "title": other.title}

    depth = "../"  # pages live in build/handouts/<set>/
    return {
        "title": title,
        "set": h.set,
        "set_title": {
            "lessons": "Lessons",
            "exercises": "Exercises",
            "solutions": "Solutions",
            "instructors": "Instructor guide",
        }[h.set],
        "prev": link(h.prev),
        "next": link(h.next),
        # The instructor guide's pages go up to its own index, beside them: no page leads students to it.
        "index_href": "index.html" if h.set == "instructors" else f"{depth}index.html",
        "minutes": h.minutes,
        "version": version,
        "build_date": build_date,
        "root": str(root),
        "page": h.html_relpath,
        "pages": dict(pages or {str(h.source.resolve()): h.html_relpath}),
    }


def render_page(nb: Any, h: Handout, context: dict[str, Any]) -> tuple[str, list[int]]:
    """The page's HTML and the indices of cells with images lacking alt text."""
    prepare(nb, h.execute)
    missing_alt = add_alt_text(nb)
    body, _ = _exporter().from_notebook_node(nb, resources={"newslens": context})
    body = mark_bare_urls(place_toc(mark_sections(body)))
    return postprocess(body, h, context), missing_alt


def postprocess(body: str, h: Handout, context: dict[str, Any]) -> str:
    """The accessibility fixes of :mod:`.a11y`, in order: tables, links, the grader's output, Italian."""
    from . import a11y

    root = Path(context.get("root") or h.source.parent)
    body = a11y.fix_tables(body)
    body = a11y.fix_links(body, h.source, h.html_relpath, context.get("pages", {}), root)
    body = a11y.wrap_text_urls(a11y.number_code_regions(a11y.fix_grader_output(body)))
    return a11y.mark_italian(body, a11y.italian_passages(str(root)))


_LINK = re.compile(r'<a href="(https?://[^"]+)"([^>]*)>([^<]*)</a>')


def mark_bare_urls(body: str) -> str:
    """Class ``nl-bare-url`` on links whose text is their address: print must not repeat it."""

    def mark(match: re.Match[str]) -> str:
        href, attrs, text = match.groups()
        if html.unescape(text).strip().rstrip("/") != html.unescape(href).rstrip("/"):
            return match.group(0)
        return f'<a class="nl-bare-url" href="{href}"{attrs}>{text}</a>'

    return _LINK.sub(mark, body)


_CELL = re.compile(r'<div\b[^>]*\bclass="jp-Cell[ "]')


def place_toc(body: str) -> str:
    """Put the contents list right after the cell holding the page's h1 (else at the top)."""
    toc = table_of_contents(body)
    body = body.replace("<!--NEWSLENS:TOC-->", "", 1)
    h1 = body.find("<h1")
    after = _CELL.search(body, h1) if h1 >= 0 else None
    if not toc:
        return body
    if after is None:
        main = body.find("<main>")
        at = main + len("<main>") if main >= 0 else 0
        return body[:at] + toc + body[at:]
    return body[: after.start()] + toc + body[after.start() :]


def mark_sections(body: str) -> str:
    """Class ``nl-section`` on each h2 after the first code cell: print starts each on a new page.

    The h2s before it (objectives, prerequisites, time) are short front matter: a page each would
    waste paper, so they flow on.
    """
    first_code = body.find('class="jp-Cell jp-CodeCell', max(body.find("<main>"), 0))  # not the CSS
    if first_code < 0:
        return body
    head, tail = body[:first_code], body[first_code:]
    return head + re.sub(r"<h2(?=[\s>])", '<h2 class="nl-section"', tail)
