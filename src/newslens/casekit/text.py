"""Spans of an article's text: where a found expression is, sentence boundaries, and the verbatim check.

Every finding of the case kit is a :class:`Span`: character offsets into the article text as it is on disk
(no normalisation is ever applied to the text the offsets refer to), so that the quote a drafted row carries
is ``text[start:end]`` and occurs in the article exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Span", "sentences", "sentence_of", "verbatim", "NotVerbatimError", "clause_start", "APOSTROPHES"]

#: Apostrophes and single quotes an article may use for elision (l'anno, l’anno).
APOSTROPHES = "'’ʼ`"


@dataclass(frozen=True, order=True)
class Span:
    """``text[start:end]`` of the article."""

    start: int
    end: int
    text: str

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


class NotVerbatimError(AssertionError):
    """A drafted quote that does not occur in the article: a bug in the drafter, never a user's mistake."""


def verbatim(article: str, quote: str) -> str:
    """``quote`` if it occurs in ``article`` exactly; raises :class:`NotVerbatimError` otherwise."""
    if quote and quote not in article:
        raise NotVerbatimError(f"drafted quote is not verbatim in the article: {quote!r}")
    return quote


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”“»’]?\s+(?=[\"“«‘(]?[A-ZÀ-Ý0-9])|\n+")
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = ("U.S.", "U.K.", "U.N.", "Mr.", "Mrs.", "Dr.", "St.", "Gen.", "Sen.", "Rep.", "Jan.", "Feb.", "Aug.")


def sentences(text: str) -> list[Span]:
    """The article's sentences (and headings: every line is at least one sentence), as spans."""
    found: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        head = text[start : match.start()]
        if match.group().strip() == "" and "\n" not in match.group() and head.endswith(_ABBREVIATIONS):
            continue
        if head.strip():
            found.append(_stripped(text, start, match.start()))
        start = match.end()
    if text[start:].strip():
        found.append(_stripped(text, start, len(text)))
    return found


def _stripped(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


def sentence_of(spans: list[Span], position: int) -> Span | None:
    """The sentence holding character ``position``."""
    for span in spans:
        if span.start <= position < span.end:
            return span
    return None


#: Words that open a new clause: a speaker named before a verb of saying is never before one of these.
_CLAUSE_WORDS = {
    "it": ("che", "mentre", "ma", "però", "quando", "perché", "poiché", "dove", "cui", "quale", "quali"),
    "en": ("that", "while", "but", "when", "because", "where", "which", "who", "whom"),
}
#: "e" / "and" opens a clause only before a verb ("e ha annunciato"), not inside a subject ("sudcoreane e occidentali").
_COORDINATION = {
    "it": r"\be(?= (?:non )?(?:ha|hanno|è|sono|aveva|avevano|era|erano|ha\w*)\b)",
    "en": r"\band(?= (?:not )?(?:has|have|had|is|are|was|were|said|says|added|told|called|stated|warned)\b)",
}


def clause_start(text: str, sentence: Span, position: int, lang: str) -> int:
    """Where the clause ending at ``position`` begins: after the last comma, colon, semicolon, quote or clause
    word before it in the sentence. A verb right after a comma (``Kovalenko, responsabile ..., ha scritto``)
    takes the words before the parenthetical instead, as a subject separated from its verb by an apposition."""
    head = text[sentence.start : position]
    words = _CLAUSE_WORDS.get(lang, ())
    coordination = _COORDINATION.get(lang)
    alternatives = [r"[,:;\"“”«»]"]
    if words:
        alternatives.append(r"\b(?:" + "|".join(words) + r")\b")
    if coordination:
        alternatives.append(coordination)
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    cuts = [m for m in pattern.finditer(head)]
    if not cuts:
        return sentence.start
    last = cuts[-1]
    between = head[last.end() :].strip().lower()
    if last.group() == "," and between in ("", "non", "not", "also", "anche", "poi", "then") and len(cuts) >= 2:
        previous = cuts[-2]
        if previous.group() == ",":  # the apposition is closed: take the clause before its opening comma
            before = head[: previous.start()]
            earlier = [m for m in pattern.finditer(before)]
            return sentence.start + (earlier[-1].end() if earlier else 0)
    return sentence.start + last.end()
