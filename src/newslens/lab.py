"""The lateral-reading lab: an offline search engine over a case's corpus of real search-result records.

A lesson searches the corpus the way a student would search the web, but offline: the pages are the rows of
``tables/search_results.csv`` (title, site, date, our summary, whom the page relied on) and who runs each site is
in ``tables/site_profiles.csv``. The index is SQLite's FTS5 full-text engine from the standard library's
``sqlite3``, built in memory from those two tables the first time a case is searched (a few milliseconds), ranked
by bm25 with the title weighted most, and tokenised with ``unicode61 remove_diacritics 2`` so that ``citta``
finds ``città`` and ``Kcna`` finds ``KCNA``.

What the functions show follows what a search page shows: :func:`search` gives titles, sites, dates and
snippets, never how a page was classified; :func:`open_page` is "opening" a result (our summary and whom it
relied on); :func:`site_profile` is reading about the site. :func:`results_for_claim`,
:func:`earliest_report` and :func:`independent_origins` give the answer key a student checks their own
reading against.

Examples
--------
>>> from newslens.lab import search, site_profile
>>> search("Kim missili produzione").head(3)  # doctest: +SKIP
>>> site_profile("infobrasile.it")  # doctest: +SKIP
"""

from __future__ import annotations

import html
import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from . import paths
from .data import DataError, load_claims, load_corpus

__all__ = [
    "LabError",
    "case_folder",
    "search",
    "open_page",
    "site_profile",
    "results_for_claim",
    "earliest_report",
    "independent_origins",
    "search_widget",
    "render_results",
]

#: The columns :func:`search` returns, in order.
RESULT_COLUMNS: tuple[str, ...] = ("result_id", "title", "site", "published", "snippet", "url", "rank")

# FTS5 columns, in order, and their bm25 weights: a word in the title counts ten times a word in the summary.
# result_id, published and url are stored, not indexed, so that a search needs no pandas lookups.
_FTS_COLUMNS: tuple[tuple[str, float], ...] = (
    ("result_id", 0.0),
    ("title", 10.0),
    ("site", 4.0),
    ("summary", 1.0),
    ("relies_on", 2.0),
    ("published", 0.0),
    ("url", 0.0),
)
_UNINDEXED = ("result_id", "published", "url")
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"  # snippet() markers, replaced by <mark> after HTML escaping
_UNDATED = "undated"


class LabError(ValueError):
    """A search the lab cannot run (an unbalanced quote, an empty query, an unknown case or claim).

    The message says what to change; it is never a raw ``sqlite3`` error.
    """


# --------------------------------------------------------------------------------------------
# Which corpus


def case_folder(case: str | Path | None = None) -> Path:
    """The data folder of ``case``: None or ``"course"`` for the course's own ``data/``, a name such as
    ``"practice_a"`` for ``cases/practice_a/``, or a path to any folder laid out like ``data/``."""
    if case is None or case == "course":
        return paths.DATA_DIR
    if isinstance(case, str) and re.fullmatch(r"[A-Za-z0-9_-]+", case):
        folder = paths.REPO_ROOT / "cases" / case
        if not folder.is_dir():
            known = sorted(p.parent.name for p in (paths.REPO_ROOT / "cases").glob("*/datapackage.json"))
            raise LabError(f"no case named {case!r} (cases/{case}/ does not exist; cases: {known or 'none'})")
        return folder
    folder = Path(case)
    if not (folder / "datapackage.json").is_file():
        raise LabError(f"{folder} is not a data folder (it has no datapackage.json)")
    return folder


@dataclass(frozen=True)
class _Index:
    connection: sqlite3.Connection
    results: pd.DataFrame  # search_results, indexed by result_id
    profiles: pd.DataFrame  # site_profiles, indexed by site


def _fingerprint(folder: Path) -> tuple[str, int, int]:
    tables = folder / "tables"
    stamps = [
        (tables / f"{name}.csv").stat().st_mtime_ns if (tables / f"{name}.csv").exists() else 0
        for name in ("search_results", "site_profiles")
    ]
    return str(folder.resolve()), stamps[0], stamps[1]


def _index(case: str | Path | None) -> _Index:
    return _build_index(*_fingerprint(case_folder(case)))


@cache
def _build_index(folder: str, _results_mtime: int, _profiles_mtime: int) -> _Index:
    try:
        corpus = load_corpus(folder)
    except DataError as err:
        raise LabError(f"this case has no usable search corpus:\n{err}") from None
    results = corpus["search_results"]
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    names = ", ".join(f"{name} UNINDEXED" if name in _UNINDEXED else name for name, _ in _FTS_COLUMNS)
    connection.execute(f"CREATE VIRTUAL TABLE pages USING fts5({names}, tokenize='unicode61 remove_diacritics 2')")
    columns = {name: results[name].tolist() for name, _ in _FTS_COLUMNS}
    columns["published"] = [_published(value) for value in columns["published"]]
    rows = [
        tuple("" if pd.isna(value) else str(value) for value in row)
        for row in zip(*(columns[name] for name, _ in _FTS_COLUMNS), strict=True)
    ]
    connection.executemany(f"INSERT INTO pages VALUES ({', '.join('?' for _ in _FTS_COLUMNS)})", rows)
    connection.commit()
    return _Index(connection, results.set_index("result_id", drop=False), corpus["site_profiles"].set_index("site"))


# --------------------------------------------------------------------------------------------
# Queries: what a student types, turned into a safe FTS5 expression

_TERM = re.compile(r'"([^"]*)"|(\S+)')


def _fts_query(query: str) -> tuple[str, list[str]]:
    """Translate a student's query into an FTS5 expression and a list of ``site:`` filters.

    Words are all required (AND); ``"two words"`` is a phrase; ``OR`` between two terms allows either; a word
    ending in ``*`` is a prefix (``missil*``); ``site:nknews.org`` keeps one site. Everything else is quoted,
    so FTS5's own syntax (``NEAR``, ``:``, ``^``, brackets) is searched as text and never raises.
    """
    if query.count('"') % 2:
        raise LabError(f'the query {query!r} has an unbalanced quotation mark: close the phrase with a second "')
    parts: list[str] = []
    sites: list[str] = []
    for match in _TERM.finditer(query):
        phrase, word = match.group(1), match.group(2)
        if word is not None and word.lower().startswith("site:"):
            sites.append(word[5:].lower().removeprefix("www."))
            continue
        if word == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        text = phrase if phrase is not None else word
        prefix = phrase is None and text.endswith("*") and len(text) > 1
        text = text.rstrip("*") if prefix else text
        if not re.search(r"\w", text):
            continue  # punctuation alone matches nothing and is no word
        parts.append('"' + text.replace('"', '""') + '"' + ("*" if prefix else ""))
    while parts and parts[-1] == "OR":
        parts.pop()
    if parts and parts[0] == "OR":
        parts.pop(0)
    if not parts and not sites:
        raise LabError(f"the query {query!r} has no word to search for: type at least one word")
    return " ".join(parts), sites


def _published(value: Any) -> str:
    return _UNDATED if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def search(query: str, case: str | Path | None = None, limit: int = 10) -> pd.DataFrame:
    """Search a case's corpus as a search engine would, offline.

    Parameters
    ----------
    query : words (all required), ``"a phrase"``, ``OR``, a prefix ``missil*``, ``site:example.org``.
        Accents do not matter (``citta`` finds ``città``), nor does case.
    case : None (the course's article), a case name (``"practice_a"``) or a data folder.
    limit : at most this many results.

    Returns
    -------
    One row per result, best first: ``result_id``, ``title``, ``site``, ``published`` (ISO date or
    ``"undated"``), ``snippet`` (the matching words between ``[`` and ``]``), ``url``, ``rank`` (1 = best).

    Raises
    ------
    LabError : for a query that cannot be searched (an unbalanced quotation mark, no word at all).
    """
    expression, sites = _fts_query(query)
    index = _index(case)
    limit = max(int(limit), 0)
    rows = _run(index, expression, sites, limit, query)
    if expression and len(rows) < limit:
        # Like a web search engine: pages with every word first, then pages with some of them.
        any_word = " OR ".join(term for term in expression.split(" ") if term != "OR")
        if any_word != expression:
            seen = {row[0] for row in rows}
            rows += [row for row in _run(index, any_word, sites, limit, query) if row[0] not in seen][
                : limit - len(rows)
            ]
    # Built column by column: a list of dicts costs ten times as much, and a search should take a millisecond.
    ids, titles, sites, published, urls, snippets = (
        (list(column) for column in zip(*rows, strict=True)) if rows else ([],) * 6
    )
    frame = cast(
        pd.DataFrame,
        pd.DataFrame(
            {
                "result_id": ids,
                "title": titles,
                "site": sites,
                "published": published,
                "snippet": [str(snip).replace(_MARK_OPEN, "[").replace(_MARK_CLOSE, "]") for snip in snippets],
                "url": urls,
                "rank": np.arange(1, len(ids) + 1, dtype="int64"),
            },
            columns=list(RESULT_COLUMNS),
        ),
    )
    frame.attrs["query"] = query
    return frame


def _run(index: _Index, expression: str, sites: list[str], limit: int, query: str) -> list[tuple[Any, ...]]:
    weights = ", ".join(str(weight) for _, weight in _FTS_COLUMNS)
    columns = "result_id, title, site, published, url"
    if expression:
        snippet = f"snippet(pages, -1, '{_MARK_OPEN}', '{_MARK_CLOSE}', ' … ', 16)"
        sql = f"SELECT {columns}, {snippet}, bm25(pages, {weights}) AS score FROM pages WHERE pages MATCH ? "
        params: list[Any] = [expression]
    else:  # only site: filters
        sql = f"SELECT {columns}, substr(summary, 1, 120), 0.0 AS score FROM pages WHERE 1 "
        params = []
    if sites:
        sql += f"AND site IN ({', '.join('?' for _ in sites)}) "
        params += sites
    sql += "ORDER BY score, result_id LIMIT ?"
    params.append(limit)
    try:
        return [tuple(row[:6]) for row in index.connection.execute(sql, params).fetchall()]
    except sqlite3.Error as err:  # should not happen: every term is quoted
        raise LabError(f"the query {query!r} cannot be searched ({err}); try plain words") from None


def _html_snippet(raw: str) -> str:
    escaped = html.escape(raw, quote=True)
    return escaped.replace(_MARK_OPEN, _MARK).replace(_MARK_CLOSE, "</mark>")


# --------------------------------------------------------------------------------------------
# Opening a result, reading about a site


def open_page(result_id: str, case: str | Path | None = None) -> pd.Series:
    """ "Open" one result: its title, site, date, URL, our summary of the page and whom it relied on."""
    index = _index(case)
    if result_id not in index.results.index:
        raise LabError(f"no result {result_id!r} in this case (ids look like r01)")
    page = index.results.loc[result_id]
    fields = ["title", "site", "url", "summary", "relies_on", "language"]
    opened = page[fields].copy()
    opened["published"] = _published(page["published"])
    return cast(pd.Series, opened)


def site_profile(site: str, case: str | Path | None = None) -> pd.Series:
    """Who runs ``site`` (a domain such as ``"nknews.org"``, with or without ``www.``): name, operator, country,
    type, track record, and where that profile comes from."""
    index = _index(case)
    key = site.strip().lower().removeprefix("https://").removeprefix("http://").removeprefix("www.").split("/")[0]
    if key not in index.profiles.index:
        raise LabError(f"no profile for {site!r} in this case (profiles: {', '.join(sorted(index.profiles.index))})")
    return cast(pd.Series, index.profiles.loc[key].copy())


# --------------------------------------------------------------------------------------------
# The answer key: which pages bear on a claim, when it was first reported, how many origins it has


def _claim_ids(value: Any) -> list[str]:
    return [] if pd.isna(value) else [c.strip() for c in str(value).split(";") if c.strip()]


def results_for_claim(claim_id: str, case: str | Path | None = None) -> pd.DataFrame:
    """Every page of the corpus that reports ``claim_id``, oldest first (undated pages last), with the origin
    it derives from (``origin_id``) and what kind of page it is (``record_kind``)."""
    index = _index(case)
    claims = set(load_claims(case_folder(case))["claim_id"])
    if claim_id not in claims:
        raise LabError(f"no claim {claim_id!r} in this case (claims: {', '.join(sorted(claims))})")
    bears = index.results["claim_ids"].map(lambda value: claim_id in _claim_ids(value))
    pages = index.results.loc[bears.astype(bool)].reset_index(drop=True)
    columns = ["result_id", "title", "site", "published", "url", "relies_on", "origin_id", "record_kind"]
    return cast(
        pd.DataFrame, pages[columns].sort_values(["published", "result_id"], na_position="last").reset_index(drop=True)
    )


def earliest_report(claim_id: str, case: str | Path | None = None) -> pd.Timestamp | None:
    """The earliest publication date among the dated pages that report ``claim_id``; None when none is dated."""
    dates = results_for_claim(claim_id, case)["published"].dropna()
    return None if dates.empty else pd.Timestamp(dates.min())


def independent_origins(claim_id: str, case: str | Path | None = None) -> pd.DataFrame:
    """The distinct origins of the pages that report ``claim_id``: one row per ``origin_id``, with how many pages
    derive from it, the first date one of them appeared, and their sites. Copies of one dispatch are one origin."""
    pages = results_for_claim(claim_id, case)
    grouped = pages.groupby("origin_id", sort=True)
    origins = pd.DataFrame(
        {
            "pages": grouped.size(),
            "first_published": grouped["published"].min(),
            "sites": grouped["site"].agg(lambda s: "; ".join(sorted(set(s)))),
        }
    )
    return cast(pd.DataFrame, origins.sort_values(["first_published", "pages"], na_position="last"))


# --------------------------------------------------------------------------------------------
# The search page widget

# Inline styles only (no <style> element): the same HTML is valid in a widget, a notebook output and a handout.
# Colours meet WCAG AA contrast on white; the mark keeps the text's colour on a pale yellow.
_CSS = {
    "serp": "font-family: system-ui, sans-serif; max-width: 46em;",
    "result": "margin: 0 0 1em 0;",
    "title": "font-size: 1.1em; color: #1a0dab; text-decoration: underline;",
    "meta": "color: #1e6b2d; font-size: 0.9em;",
    "snippet": "color: #333333;",
    "empty": "color: #555555; font-style: italic;",
    "error": "color: #a00000;",
}
_MARK = '<mark style="background: #fff1a8; color: inherit; font-weight: 600;">'


def _styled(kind: str, tag: str = "div") -> str:
    return f'<{tag} class="nl-{kind}" style="{_CSS[kind]}">'


def render_results(results: pd.DataFrame, case: str | Path | None = None) -> str:
    """HTML for ``results`` (from :func:`search`) laid out like a search page: title, site and date, snippet with
    the matching words in ``<mark>``. Every text is HTML-escaped."""
    if results.empty:
        return f"{_styled('serp')}{_styled('empty', 'p')}No results.</p></div>"
    query = str(results.attrs.get("query", ""))
    index = _index(case)
    items = []
    for row in results.itertuples(index=False):
        raw = _raw_snippet(index, str(row.result_id), query)
        items.append(
            f"{_styled('result')}"
            f"{_styled('title')}{html.escape(str(row.title))}</div>"
            f"{_styled('meta')}{html.escape(str(row.site))} · {html.escape(str(row.published))}"
            f" · {html.escape(str(row.result_id))}</div>"
            f"{_styled('snippet')}{_html_snippet(raw)}</div>"
            "</div>"
        )
    return f"{_styled('serp')}{''.join(items)}</div>"


def _raw_snippet(index: _Index, result_id: str, query: str) -> str:
    """The snippet of one result with the FTS markers kept (for HTML rendering)."""
    try:
        expression, _ = _fts_query(query)
    except LabError:
        expression = ""
    if expression:
        row = index.connection.execute(
            f"SELECT snippet(pages, -1, '{_MARK_OPEN}', '{_MARK_CLOSE}', ' … ', 16) FROM pages "
            "WHERE pages MATCH ? AND result_id = ?",
            (expression, result_id),
        ).fetchone()
        if row is not None:
            return str(row[0])
    return str(index.results.loc[result_id, "summary"])[:160]


def search_widget(case: str | Path | None = None, limit: int = 10, value: str = "") -> Any:
    """A search box over the case's corpus with its results shown like a search page, a menu to open one result,
    and the profile of that result's site. Returns an ``ipywidgets.VBox``; its children are ``box`` (the
    ``Text``), ``results`` (an ``HTML``), ``opener`` (a ``Dropdown``) and ``page`` (an ``HTML``), also available
    as attributes of the returned widget."""
    import ipywidgets as widgets

    box = widgets.Text(value=value, placeholder="Search, e.g. Kim missili produzione", description="Search:")
    box.continuous_update = False
    results_html = widgets.HTML()
    opener = widgets.Dropdown(options=[("(open a result)", "")], value="", description="Open:")
    page_html = widgets.HTML()

    def show(_change: Any = None) -> None:
        page_html.value = ""
        query = box.value.strip()
        if not query:
            results_html.value = f"{_styled('empty', 'p')}Type words and press Enter.</p>"
            opener.options = [("(open a result)", "")]
            return
        try:
            found = search(query, case=case, limit=limit)
        except LabError as err:
            results_html.value = f"{_styled('error', 'p')}{html.escape(str(err))}</p>"
            opener.options = [("(open a result)", "")]
            return
        results_html.value = render_results(found, case)
        choices: list[tuple[str, str]] = [("(open a result)", "")]
        for rank, title, site, result_id in zip(
            found["rank"], found["title"], found["site"], found["result_id"], strict=True
        ):
            choices.append((f"{rank}. {str(title)[:60]} ({site})", str(result_id)))
        opener.options = choices
        opener.value = ""

    def open_selected(_change: Any = None) -> None:
        if not opener.value:
            page_html.value = ""
            return
        page = open_page(opener.value, case)
        profile = site_profile(str(page["site"]), case)
        cells = [
            ("Page", page["title"]),
            ("Published", page["published"]),
            ("Address", page["url"]),
            ("What it says (our summary)", page["summary"]),
            ("It relies on", page["relies_on"]),
            ("Site", f"{profile['name']}, run by {profile['operator']}"),
            ("Site type", profile["site_type"]),
            ("Track record", profile["track_record"]),
            ("Profile from", f"{profile['profile_url']} ({pd.Timestamp(profile['profile_date']).date()})"),
        ]
        rows = "".join(
            f'<tr><th scope="row">{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>' for k, v in cells
        )
        page_html.value = f'<table class="nl-page">{rows}</table>'

    box.observe(show, names="value")
    opener.observe(open_selected, names="value")
    show()
    widget = widgets.VBox([box, results_html, opener, page_html])
    widget.box, widget.results, widget.opener, widget.page = box, results_html, opener, page_html
    return widget
