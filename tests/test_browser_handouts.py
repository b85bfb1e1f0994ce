"""The HTML handouts as a reader sees them: each page opened from disk in Chromium with the network cut off.

The handouts are the real ones in build/handouts/, brought up to date first by the build itself (a
no-op when `make handouts` has just run: the build caches by content). Each page must load every
image, raise no console error and request nothing but its own file; one lesson is printed to an
A4 PDF and read back with poppler to check that no heading, figure or line of code is lost.
Screenshots go to build/screens/handouts/.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import built_handouts, launch_chromium, playwright_api, require_tool, screenshot

from newslens import paths
from newslens.tools.handouts.course import load_course

pytestmark = [pytest.mark.slow, pytest.mark.browser]

COURSE = load_course(paths.REPO_ROOT / "course.toml")
PAGES = [h.html_relpath for h in COURSE.all()] + ["index.html"]
PRINTED = "lessons/02_mapping_the_places.html"  # the longest page, and the one with the most maps
# The printable width of an A4 page under the handouts' @page rule (210 mm less 2 x 16 mm), in CSS px.
A4_CONTENT_WIDTH_PX = round((210 - 2 * 16) / 25.4 * 96)


@pytest.fixture(scope="module")
def handouts() -> Path:
    require_tool("chromium")
    return built_handouts()


@pytest.fixture(scope="module")
def offline_browser(handouts: Path) -> Iterator[tuple]:
    """A browser context with no network at all; every request that is not a local file is logged."""
    sync_api = playwright_api()
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
        leaving: list[str] = []
        context.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else leaving.append(r.url))
        context.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort())
        yield context, leaving
        context.close()
        browser.close()


def _open(context, page_file: Path):
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.goto(page_file.as_uri(), wait_until="load")
    return page, problems


# Every <img> loaded with real pixels; no warning printed; the footer (the template's last element) is there.
_RENDERED = """() => ({
  broken: [...document.images].filter((i) => !i.complete || i.naturalWidth === 0)
    .map((i) => i.alt || i.src.slice(0, 60)),
  stderr: [...document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map((e) => e.innerText.trim().split('\\n')[0].slice(0, 200)),
  footer: Boolean(document.querySelector('footer')) && document.querySelector('footer').innerText.length > 0,
})"""


@pytest.mark.timeout(180)
@pytest.mark.parametrize("relpath", PAGES)
def test_handout_renders_offline(relpath: str, handouts: Path, offline_browser):
    context, leaving = offline_browser
    leaving.clear()
    page, problems = _open(context, handouts / relpath)
    try:
        state = page.evaluate(_RENDERED)
        assert not state["broken"], f"{relpath}: images that did not load: {state['broken']}"
        assert not state["stderr"], f"{relpath}: warnings printed in the page: {state['stderr']}"
        assert state["footer"], f"{relpath}: the page has no footer, so it did not render to the end"
        assert not problems, f"{relpath}: {problems}"
        assert not leaving, f"{relpath}: requests that left the file: {leaving}"
        path = screenshot(page, f"handouts/{relpath.removesuffix('.html')}", full_page=True)
        assert path.stat().st_size > 10_000, f"{relpath}: the screenshot is blank"
    finally:
        page.close()


@pytest.mark.timeout(180)
def test_a_printed_lesson_loses_nothing(handouts: Path, offline_browser, tmp_path: Path):
    pdfinfo, pdftotext, pdfimages = require_tool("pdfinfo", "pdftotext", "pdfimages")
    context, leaving = offline_browser
    page, problems = _open(context, handouts / PRINTED)
    try:
        # Laid out as on paper: print styles, the width of an A4 page inside its margins.
        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_CONTENT_WIDTH_PX, "height": 1100})
        overflowing = page.evaluate(
            """(width) => [...document.querySelectorAll('main pre, main img, main table, main svg, main p')]
                 .filter((el) => el.getBoundingClientRect().right > width + 1 || el.scrollWidth > el.clientWidth + 1)
                 .map((el) => `${el.tagName.toLowerCase()}: ${(el.innerText || el.alt || '').slice(0, 50)}`)""",
            A4_CONTENT_WIDTH_PX,
        )
        assert not overflowing, f"{PRINTED}: wider than an A4 page, so cut off on paper: {overflowing[:5]}"
        headings = [h.strip() for h in page.locator("main h2, main h3").all_inner_texts()]
        code_lines = [
            line.strip()
            for block in page.locator("main .jp-InputArea pre").all_inner_texts()
            for line in block.splitlines()
            if len(line.strip()) > 3
        ]
        n_images = page.evaluate("() => document.querySelectorAll('main img').length")
        pdf = tmp_path / "printed.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    assert not problems and not leaving, f"{PRINTED}: {problems} {leaving}"
    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info, f"{PRINTED} did not print on A4:\n{info}"
    text = _squash(
        subprocess.run([pdftotext, "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    )
    lost = [h for h in headings if _squash(h.rstrip("¶")) not in text]
    assert not lost, f"{PRINTED}: headings missing from the printed copy: {lost}"
    lost_code = [line for line in code_lines if _squash(line) not in text]
    assert not lost_code, f"{PRINTED}: code lines missing from the printed copy: {lost_code[:5]}"
    listed = subprocess.run([pdfimages, "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    printed_images = sum(1 for line in listed.splitlines()[2:] if " image " in line)
    assert printed_images == n_images, (
        f"{PRINTED}: {n_images} figures on screen but {printed_images} image pieces in the PDF "
        "(more means a figure was split across pages, fewer that one was lost)"
    )


def _squash(text: str) -> str:
    """Text with all whitespace removed: line wrapping on paper must not count as a difference."""
    return re.sub(r"\s+", "", text)


def test_the_build_executed_every_cell_the_tests_execute(handouts: Path) -> None:
    """Each executed handout ran exactly the cells the tests run through the same runner (its source's cells
    less any tagged skip-execution), every one of them, in order: the tests check the notebook the handouts
    publish. (tests/test_runner.py shows the two runs agree on a sample course, cell for cell.)"""
    import json

    import nbformat

    from newslens.tools.runner import executed_cells

    cache = handouts.parent / "cache"
    manifest = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))
    executed = [h for h in COURSE.all() if h.execute]
    assert executed, "no executed handouts"
    for h in executed:
        run = manifest["notebooks"][h.key]["runs"][0]  # the newest run
        built = nbformat.read(cache / run["executed"], as_version=4)
        source = nbformat.read(h.source, as_version=4)
        expected = [c.source for c in executed_cells(source) if c.cell_type == "code"]
        ran = [c for c in built.cells if c.cell_type == "code"]
        assert [c.source for c in ran] == expected, f"{h.key}: the build ran other cells than the tests"
        assert all(c.execution_count for c in ran), f"{h.key}: a cell was not executed by the build"
