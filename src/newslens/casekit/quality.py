"""How much of the mechanical part the drafter gets right: recall and precision against finished tables.

The finished tables are the course's (``data/``, Italian article, anchor 2025-12-26) and the practice cases'
(``cases/practice_a``, Italian; ``cases/practice_b``, English). What is scored, and how:

- **places, by place id.** The gold set is every place of the finished ``places.csv`` that the article names
  (``article_mention_it`` not empty). A drafted place is that gold place when one of its mentions is the gold
  mention (same text at the same place in the article, or an overlapping mention of the same kind, e.g. a
  facility phrase inside the gold one), or when it is the same place (same basemap feature, or a city of the
  same country within 25 km). Recall: gold places matched. Precision: drafted places that are a place of the
  finished table (named or implied); the drafter's "unknown place" placeholder is not a place and not counted.
- **date expressions, by span and interval.** The gold set is every distinct ``date_phrase_it`` of
  ``events.csv``; a drafted expression matches when its span overlaps the phrase and its interval agrees with
  the event's (one contains the other: the research may narrow "la scorsa settimana" to a day). An expression
  found with a wrong or no interval is a miss, named as such.
- **cues, by span.** The gold set is every ``attribution_phrase_it`` and each ``hedges_it`` item of
  ``claims.csv``, located in the article next to its claim; a drafted cue matches a gold cue it overlaps.

The English translation of the course article (``data/article/en.md``) has no English tables. Its places are
scored against ``data/tables/places.csv`` by place identity (facilities by their paragraph: the translation is
paragraph-aligned), its dates against ``events.csv`` by paragraph and interval; its cues are not scored, for
want of an English span list made independently of the drafter.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from .draft import Draft, draft_article
from .gazetteer import _fold, gazetteer
from .text import Span

__all__ = ["CASES", "Score", "CaseRun", "score_case", "quality_table", "TARGETS", "meets_targets", "format_table"]

#: (case, data folder relative to the course root or None for the course, article language, anchor)
CASES: tuple[tuple[str, str | None, str, str], ...] = (
    ("course (it)", None, "it", "2025-12-26"),
    ("course (en)", None, "en", "2025-12-26"),
    ("practice_a (it)", "cases/practice_a", "it", "2025-04-28"),
    ("practice_b (en)", "cases/practice_b", "en", "2024-12-05"),
)

#: kind -> (minimum recall, minimum precision)
TARGETS = {"places": (0.9, 0.7), "dates": (0.85, 0.7), "cues": (0.9, 0.7)}
#: seconds to draft one article
TIME_TARGET = 5.0


@dataclass
class Score:
    """Recall and precision of one kind of finding on one case, with the misses named."""

    case: str
    kind: str
    gold: int
    found: int
    drafted: int
    correct: int
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    scored: bool = True
    reason: str = ""

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else math.nan

    @property
    def precision(self) -> float:
        return self.correct / self.drafted if self.drafted else math.nan

    def meets(self) -> bool:
        if not self.scored:
            return True
        low_recall, low_precision = TARGETS[self.kind]
        return self.recall >= low_recall and self.precision >= low_precision


@dataclass
class CaseRun:
    case: str
    seconds: float
    scores: list[Score]


def _occurrences(text: str, phrase: str) -> list[Span]:
    if not phrase:
        return []
    return [Span(m.start(), m.end(), phrase) for m in re.finditer(re.escape(phrase), text)]


def _blocks(text: str) -> list[tuple[int, int]]:
    """Offsets of the article's blocks (paragraphs and headings), in the order newslens.data.article_blocks gives."""
    from .draft import _masked

    masked = _masked(text)
    separator = r"\n" if "\n\n" not in masked.strip() else r"\n\s*\n"
    spans = []
    start = 0
    for match in re.finditer(separator, masked):
        if masked[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if masked[start:].strip():
        spans.append((start, len(masked)))
    return spans


def _block_of(blocks: list[tuple[int, int]], position: int) -> int:
    return next((i for i, (s, e) in enumerate(blocks) if s <= position < e), -1)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def _number(value: object) -> float | None:
    try:
        number = float(str(value))
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def score_places(case: str, draft: Draft, gold: list[dict[str, str]], gold_text: str) -> Score:
    same_language = gold_text == draft.text
    gold_blocks, draft_blocks = _blocks(gold_text), _blocks(draft.text)
    named = {g["place_id"] for g in gold if g["article_mention_it"]}
    matched: set[str] = set()
    correct = 0
    wrong: list[str] = []
    drafted = [r for r in draft.rows["places"] if r["place_id"] in draft.place_of_row]
    for row in drafted:
        hits = draft.place_of_row[row["place_id"]]
        ids = set()
        for g in gold:
            if _same_place(row, g):
                ids.add(g["place_id"])
                continue
            mention = g["article_mention_it"]
            if not mention:
                continue
            for hit in hits:
                if same_language:
                    if any(hit.span.overlaps(o) for o in _occurrences(gold_text, mention)) and (
                        _fold(hit.span.text) == _fold(mention) or row["kind"] == g["kind"]
                    ):
                        ids.add(g["place_id"])
                elif row["kind"] == g["kind"] == "facility":
                    gold_block = {_block_of(gold_blocks, o.start) for o in _occurrences(gold_text, mention)}
                    if _block_of(draft_blocks, hit.span.start) in gold_block:
                        ids.add(g["place_id"])
        if ids:
            correct += 1
            matched |= ids
        else:
            wrong.append(f"{row['place_id']} ('{row['article_mention_it']}', {row['kind']})")
    missed = [
        f"{g['place_id']} ('{g['article_mention_it']}', {g['kind']})"
        for g in gold
        if g["place_id"] in named and g["place_id"] not in matched
    ]
    return Score(case, "places", len(named), len(named & matched), len(drafted), correct, missed, wrong)


def _same_place(row: dict[str, str], gold: dict[str, str]) -> bool:
    if row["geometry_ref"] and row["geometry_ref"] == gold["geometry_ref"] and row["kind"] == gold["kind"]:
        return True
    if row["kind"] == gold["kind"] == "city" and row["country_iso3"] == gold["country_iso3"]:
        a = (_number(row["lat"]), _number(row["lon"]))
        b = (_number(gold["lat"]), _number(gold["lon"]))
        if None not in a and None not in b:
            return _km(a[0], a[1], b[0], b[1]) <= 25.0  # type: ignore[arg-type]
    return False


def _agrees(start: dt.date, end: dt.date, gold_start: dt.date, gold_end: dt.date) -> bool:
    return (start <= gold_start and gold_end <= end) or (gold_start <= start and end <= gold_end)


def score_dates(case: str, draft: Draft, gold: list[dict[str, str]], gold_text: str) -> Score:
    same_language = gold_text == draft.text
    gold_blocks, draft_blocks = _blocks(gold_text), _blocks(draft.text)
    phrases: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for g in gold:
        if g["date_phrase_it"]:
            interval = (dt.date.fromisoformat(g["event_start"]), dt.date.fromisoformat(g["event_end"]), g["event_id"])
            phrases.setdefault(g["date_phrase_it"], []).append(interval)
    found = 0
    missed: list[str] = []
    good_hits: set[int] = set()
    for phrase, intervals in phrases.items():
        occurrences = _occurrences(gold_text, phrase)
        blocks = {_block_of(gold_blocks, o.start) for o in occurrences}
        located = []
        for n, hit in enumerate(draft.dates):
            near = (
                any(hit.span.overlaps(o) for o in occurrences)
                if same_language
                else _block_of(draft_blocks, hit.span.start) in blocks
            )
            if near:
                located.append((n, hit))
        ok = [
            n
            for n, hit in located
            if hit.start and hit.end and any(_agrees(hit.start, hit.end, s, e) for s, e, _ in intervals)
        ]
        events = ", ".join(f"{eid} {s}..{e}" for s, e, eid in intervals)
        if ok:
            found += 1
            good_hits.update(ok)
        elif located:
            got = "; ".join(f"'{h.span.text}' {h.start}..{h.end}" for _, h in located)
            missed.append(f"'{phrase}' ({events}): found as {got}, interval disagrees")
        else:
            missed.append(f"'{phrase}' ({events}): not found")
    wrong = [f"'{h.span.text}' {h.start}..{h.end}" for n, h in enumerate(draft.dates) if n not in good_hits]
    return Score(case, "dates", len(phrases), found, len(draft.dates), len(good_hits), missed, wrong)


def _nearest(text: str, phrase: str, around: Span | None) -> Span | None:
    occurrences = _occurrences(text, phrase)
    if not occurrences:
        return None
    if around is None:
        return occurrences[0]
    return min(
        occurrences,
        key=lambda o: 0 if around.contains(o) else min(abs(o.start - around.start), abs(o.end - around.end)),
    )


def gold_cues(text: str, claims: list[dict[str, str]]) -> list[Span]:
    """The finished claims' attribution phrases and hedges, located in the article next to their claim."""
    spans: set[Span] = set()
    for claim in claims:
        quote = _nearest(text, claim["quote_it"], None)
        for phrase in [claim["attribution_phrase_it"], *claim["hedges_it"].split(";")]:
            phrase = phrase.strip()
            if phrase:
                located = _nearest(text, phrase, quote)
                if located is not None:
                    spans.add(located)
    return sorted(spans)


def score_cues(case: str, draft: Draft, claims: list[dict[str, str]]) -> Score:
    gold = gold_cues(draft.text, claims)
    found = [g for g in gold if any(c.span.overlaps(g) for c in draft.cues)]
    correct = [c for c in draft.cues if any(c.span.overlaps(g) for g in gold)]
    missed = [f"'{g.text}' (offset {g.start})" for g in gold if g not in found]
    wrong = [f"'{c.span.text}' ({', '.join(c.cues)})" for c in draft.cues if c not in correct]
    return Score(case, "cues", len(gold), len(found), len(draft.cues), len(correct), missed, wrong)


def _read(folder: Path, table: str) -> list[dict[str, str]]:
    import csv

    with open(folder / "tables" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score_case(case: str, data_dir: str | None, lang: str, anchor: str, root: Path | None = None) -> CaseRun:
    """Draft the case's article and score the draft against the case's finished tables."""
    from ..data import load_article

    root = Path(root) if root else paths.REPO_ROOT
    folder = root / data_dir if data_dir else root / "data"
    text = load_article(lang, folder if data_dir else (root / "data"))
    gold_lang = "it" if data_dir is None else lang
    gold_text = text if gold_lang == lang else load_article(gold_lang, root / "data")
    gazetteer()  # the index is built once and cached (build/casekit/): drafting time is measured without it
    started = time.perf_counter()
    draft = draft_article(text, lang, dt.date.fromisoformat(anchor))
    seconds = time.perf_counter() - started
    places, events, claims = _read(folder, "places"), _read(folder, "events"), _read(folder, "claims")
    scores = [score_places(case, draft, places, gold_text), score_dates(case, draft, events, gold_text)]
    if gold_lang == lang:
        scores.append(score_cues(case, draft, claims))
    else:
        scores.append(
            Score(
                case,
                "cues",
                0,
                0,
                len(draft.cues),
                0,
                scored=False,
                reason="not scored: no English span list of the course's cues exists, and one made by us now "
                "would be made with the drafter's output in view",
            )
        )
    return CaseRun(case, seconds, scores)


def quality_table(root: Path | None = None) -> list[CaseRun]:
    """Every case of :data:`CASES`, drafted and scored (no command line, no files written)."""
    return [score_case(case, data_dir, lang, anchor, root) for case, data_dir, lang, anchor in CASES]


def meets_targets(runs: list[CaseRun]) -> bool:
    return all(s.meets() for run in runs for s in run.scores) and all(run.seconds < TIME_TARGET for run in runs)


def format_table(runs: list[CaseRun], misses: bool = True) -> str:
    """The recall/precision table as text (Markdown), with the misses named."""
    lines = [
        "| case | kind | gold | found | recall | drafted | correct | precision | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        for s in run.scores:
            if not s.scored:
                lines.append(f"| {run.case} | {s.kind} | - | - | - | {s.drafted} | - | - | {s.reason} |")
                continue
            lines.append(
                f"| {run.case} | {s.kind} | {s.gold} | {s.found} | {s.recall:.2f} | {s.drafted} | {s.correct} | "
                f"{s.precision:.2f} | {'PASS' if s.meets() else 'FAIL'} |"
            )
    lines.append("")
    lines.append(
        "Drafting time (in process, gazetteer loaded): " + ", ".join(f"{r.case} {r.seconds:.2f} s" for r in runs)
    )
    if misses:
        for run in runs:
            for s in run.scores:
                if s.missed:
                    lines.append(f"- {run.case}, {s.kind}, missed: " + "; ".join(s.missed))
                if s.wrong:
                    lines.append(
                        f"- {run.case}, {s.kind}, drafted but not in the finished tables: " + "; ".join(s.wrong)
                    )
    return "\n".join(lines)


def time_case_new(root: Path | None = None) -> dict[str, float]:
    """Seconds ``case new`` takes on each article of :data:`CASES` (in process, into a temporary course folder:
    drafting, writing the folder and validating it with the loaders)."""
    import tempfile

    from ..data import _article_path
    from .draft import new_case

    root = Path(root) if root else paths.REPO_ROOT
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="newslens-casekit-") as tmp:
        for n, (case, data_dir, lang, anchor) in enumerate(CASES):
            folder = root / data_dir if data_dir else root / "data"
            article = _article_path(lang, folder)[1]
            started = time.perf_counter()
            new_case(article, lang=lang, anchor=anchor, name=f"bench_{n}", root=Path(tmp))
            timings[case] = time.perf_counter() - started
    return timings


def bench_lines(root: Path | None = None) -> list[str]:
    """The bench's case-kit section: the quality table, the timings and one target line (PASS/FAIL)."""
    started = time.perf_counter()
    gazetteer()
    index_seconds = time.perf_counter() - started
    runs = quality_table(root)
    timings = time_case_new(root)
    slowest = max(timings.values())
    ok = meets_targets(runs) and slowest < TIME_TARGET
    lines = format_table(runs, misses=False).splitlines()
    lines.append(f"gazetteer index loaded (or built) in {index_seconds:.2f} s")
    lines.append("case new, whole folder: " + ", ".join(f"{case} {s:.2f} s" for case, s in timings.items()))
    targets = ", ".join(f"{kind} recall >= {r}, precision >= {p}" for kind, (r, p) in TARGETS.items())
    lines.append(f"targets: {targets}, case new under {TIME_TARGET:g} s -> {'PASS' if ok else 'FAIL'}")
    return lines
