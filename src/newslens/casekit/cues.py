"""Attribution and hedging cues, quoted spans and numbers: the lexicon shared with lesson 1, applied with spans.

The lexicon is ``data/lexicon/cues.csv`` (one row per cue: its signal, kind, how far its span reaches, and one
regular expression per language). Lesson 1 counts the rows marked ``lesson_1``; the drafter uses every row.
A cue's span is the match itself (``span = cue``), or reaches the source it names: forward to the source after
``secondo`` / ``according to`` or after a passive's ``da`` / ``by`` (``source_after``), backward to the
subject of a verb of saying (``speaker_before``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import paths
from .text import Span, clause_start, sentences

__all__ = [
    "LEXICON",
    "Cue",
    "CueHit",
    "lexicon",
    "find_cues",
    "find_quotes",
    "find_numbers",
    "NumberHit",
]

#: The cue lexicon, one source of truth for lesson 1 and the drafter.
LEXICON: Path = paths.DATA_DIR / "lexicon" / "cues.csv"

_SPANS = ("cue", "source_after", "speaker_before")
_KINDS = ("attribution", "hedge", "source")


@dataclass(frozen=True)
class Cue:
    """One row of the lexicon."""

    cue: str
    signal: str
    kind: str
    span: str
    patterns: dict[str, str]
    lesson_1: bool
    notes: str


@dataclass(frozen=True)
class CueHit:
    """A cue found in the article: the lexicon rows that matched and the merged span they cover."""

    span: Span
    cues: tuple[str, ...]
    kinds: tuple[str, ...]
    signals: tuple[str, ...]

    @property
    def is_hedge(self) -> bool:
        return "hedge" in self.kinds

    @property
    def is_attribution(self) -> bool:
        return "attribution" in self.kinds or "source" in self.kinds


@cache
def lexicon(path: Path = LEXICON) -> tuple[Cue, ...]:
    """The lexicon's rows, checked: a known kind and span, patterns that compile."""
    rows: list[Cue] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["kind"] not in _KINDS or row["span"] not in _SPANS:
                raise ValueError(f"{path}:{line}: kind must be one of {_KINDS}, span one of {_SPANS}")
            patterns = {lang[len("pattern_") :]: row[lang] for lang in row if lang.startswith("pattern_") and row[lang]}
            for pattern in patterns.values():
                re.compile(pattern)
            rows.append(
                Cue(
                    row["cue"],
                    row["signal"],
                    row["kind"],
                    row["span"],
                    patterns,
                    row["lesson_1"] == "true",
                    row["notes"],
                )
            )
    return tuple(rows)


_DETERMINERS = {
    "it": {"il", "lo", "la", "i", "gli", "le", "l", "un", "uno", "una"},
    "en": {"the", "a", "an"},
}
_STOP_AFTER_SOURCE = {
    "it": {
        "ha",
        "hanno",
        "è",
        "sono",
        "era",
        "erano",
        "aveva",
        "avevano",
        "che",
        "sta",
        "stanno",
        "avrebbe",
        "potrebbe",
    },
    "en": {"has", "have", "had", "is", "are", "was", "were", "will", "would", "that", "said", "could", "the"},
}
_WORD = re.compile(r"[\w’'().-]+")


def _source_after(text: str, sentence: Span, end: int, lang: str) -> int:
    """End of the source named after a cue: up to six words, stopping at punctuation, a verb or a new article."""
    rest = text[end : sentence.end]
    stop = re.search(r"[,;:.!?\"“”«»]| – | - ", rest)
    window = rest[: stop.start()] if stop else rest
    reach = end
    seen_noun = False
    for count, match in enumerate(_WORD.finditer(window), start=1):
        word = match.group().lower().strip("()")
        if word in _STOP_AFTER_SOURCE.get(lang, set()) and (seen_noun or word != "the"):
            break
        if seen_noun and word in _DETERMINERS.get(lang, set()):
            break
        if word not in _DETERMINERS.get(lang, set()):
            seen_noun = True
        reach = end + match.end()
        if count >= 6:
            break
    return reach


def find_cues(text: str, lang: str, rows: tuple[Cue, ...] | None = None) -> list[CueHit]:
    """Every cue of the lexicon in ``text`` (language ``lang``), with overlapping matches merged into one hit."""
    rows = rows if rows is not None else lexicon()
    spans_by_sentence = sentences(text)
    raw: list[tuple[int, int, Cue]] = []
    for cue in rows:
        pattern = cue.patterns.get(lang)
        if not pattern:
            continue
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            sentence = next((s for s in spans_by_sentence if s.start <= match.start() < s.end), None)
            if sentence is None:
                continue
            start, end = match.start(), match.end()
            if cue.span == "source_after":
                end = max(end, _source_after(text, sentence, end, lang))
            elif cue.span == "speaker_before":
                start = min(start, clause_start(text, sentence, start, lang))
                if cue.kind == "attribution":  # a passive's agent: 'è stato riportato dai media statali'
                    agent = re.match(r"\s+(?:da(?:l|lla|i|gli|lle|ll’|ll')?|by)\b", text[end : sentence.end], re.I)
                    if agent:
                        end = max(end, _source_after(text, sentence, end + agent.end(), lang))
            while start < end and text[start].isspace():
                start += 1
            raw.append((start, end, cue))
    raw.sort(key=lambda item: (item[0], -item[1]))
    hits: list[CueHit] = []
    group: list[tuple[int, int, Cue]] = []
    for item in raw:
        if group and item[0] < max(g[1] for g in group):
            group.append(item)
            continue
        if group:
            hits.append(_merge(text, group))
        group = [item]
    if group:
        hits.append(_merge(text, group))
    return hits


def _merge(text: str, group: list[tuple[int, int, Cue]]) -> CueHit:
    start = min(g[0] for g in group)
    end = max(g[1] for g in group)
    names = tuple(dict.fromkeys(g[2].cue for g in group))
    kinds = tuple(dict.fromkeys(g[2].kind for g in group))
    signals = tuple(dict.fromkeys(g[2].signal for g in group))
    return CueHit(Span(start, end, text[start:end]), names, kinds, signals)


#: Opening and closing quotation marks of every style an article may use (a slip may close with an opening mark).
_QUOTES = re.compile(r"[\"“”«„‟]([^\"“”«»„‟\n]{1,400}?)[\"“”»‟]")


def find_quotes(text: str) -> list[Span]:
    """Quoted spans in any quote style ("...", “...”, «...», and a quote closed with an opening mark)."""
    return [Span(m.start(), m.end(), m.group()) for m in _QUOTES.finditer(text)]


@dataclass(frozen=True)
class NumberHit:
    """A number in the text and its value (``10.000`` is ten thousand in Italian, ``10,000`` in English)."""

    span: Span
    value: float


def find_numbers(text: str, lang: str) -> list[NumberHit]:
    """Numbers with their thousands separators read the language's way; years (1900-2099) are left to dates."""
    thousands, decimal = (".", ",") if lang == "it" else (",", ".")
    pattern = re.compile(
        r"(?<![\w.,])\d{1,3}(?:" + re.escape(thousands) + r"\d{3})+(?:" + re.escape(decimal) + r"\d+)?(?![\w])"
        r"|(?<![\w.,])\d+(?:" + re.escape(decimal) + r"\d+)?(?![\w])"
    )
    found: list[NumberHit] = []
    for match in pattern.finditer(text):
        raw = match.group()
        value = float(raw.replace(thousands, "").replace(decimal, "."))
        if re.fullmatch(r"(?:19|20)\d{2}", raw):
            continue
        found.append(NumberHit(Span(match.start(), match.end(), raw), value))
    return found
