"""Date expressions: found in an article, resolved against its publication date into an interval.

Absolute dates ("19 giugno 2024", "on 20 June") are parsed with ``dateparser``, its language pinned (never
detected: a name in the text can fool detection) and the text normalised first (articles and number words
removed). Everything dateparser gets wrong or does not know is resolved by the course's own rules:
"scorso" before the noun ("lo scorso autunno"), weeks, seasons, parts of a month ("a fine dicembre"), vague
spans ("negli ultimi anni", "una recente visita") and expressions relative to another event ("il giorno dopo",
"two days earlier"), which take the interval of the last date the article gave before them.

Each resolved expression is an interval ``start``-``end`` with the course's ``time_precision`` (1 a day,
2 up to two weeks, 3 up to a month, 4 vaguer) and its ``date_anchor`` (absolute, publication, event).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from .text import Span

__all__ = ["DateHit", "find_dates", "time_precision", "parse_anchor"]

MONTHS = {
    "it": [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    "en": [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
}
WEEKDAYS = {
    "it": ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
}
NUMBERS = {
    "it": {
        "un": 1,
        "uno": 1,
        "una": 1,
        "due": 2,
        "tre": 3,
        "quattro": 4,
        "cinque": 5,
        "sei": 6,
        "sette": 7,
        "otto": 8,
        "nove": 9,
        "dieci": 10,
        "undici": 11,
        "dodici": 12,
        "quindici": 15,
        "venti": 20,
        "trenta": 30,
    },
    "en": {
        "a": 1,
        "an": 1,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "fifteen": 15,
        "twenty": 20,
        "thirty": 30,
    },
}
#: Meteorological seasons: (first month, last month).
SEASONS = {
    "primavera": (3, 5),
    "estate": (6, 8),
    "autunno": (9, 11),
    "inverno": (12, 2),
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 2),
}


@dataclass(frozen=True)
class DateHit:
    """A date expression: its span, its interval (None when unresolved), how it was resolved."""

    span: Span
    start: dt.date | None
    end: dt.date | None
    anchor: str  # absolute, publication, event
    method: str
    note: str = ""

    @property
    def precision(self) -> int | None:
        return time_precision(self.start, self.end) if self.start and self.end else None

    @property
    def resolved(self) -> bool:
        return self.start is not None and self.end is not None


def time_precision(start: dt.date, end: dt.date) -> int:
    """The course's time_precision for an interval: 1 a day, 2 up to 13 days, 3 up to 30 days, 4 more."""
    width = (end - start).days
    return 1 if width == 0 else 2 if width <= 13 else 3 if width <= 30 else 4


def parse_anchor(text: str) -> dt.date:
    """A YYYY-MM-DD date; ValueError otherwise."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, _month_end(year, month + 1).day))


#: Nouns of events an expression can count from ("after the signing", "dopo la firma"): the drafter takes the
#: event to be the one dated last before it, and the week after (or before) it as the interval.
_EVENT_NOUNS_IT = (
    r"(?:firma|visita|incontro|vertice|riunione|voto|votazione|attacco|elezioni|colloqui|annuncio|lancio|test)"
)
_EVENT_NOUNS_EN = r"(?:signing|visit|meeting|summit|vote|attack|election|talks|announcement|launch|test|ceremony)"


@cache
def _date_parser(lang: str) -> Any:
    """One dateparser parser per language, its language pinned (detection is fooled by names), built once."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=[lang],
        settings={"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY"},
    )


def _number(word: str, lang: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBERS[lang].get(word.lower())


class _Resolver:
    """Resolves the expressions of one article in text order, remembering the last interval for relative ones."""

    def __init__(self, text: str, lang: str, anchor: dt.date):
        self.text = text
        self.lang = lang
        self.anchor = anchor
        self.last: tuple[dt.date, dt.date] | None = None
        self.last_year: int | None = None

    # --- helpers -------------------------------------------------------------------------------------------
    def _year_for(self, month: int, day: int = 1) -> int:
        """The year of a day-month (or month) given without one: the year the narrative is in, if the article
        has given one and that does not put the date after publication; else the latest one not after it."""
        if self.last_year is not None and dt.date(self.last_year, month, min(day, 28)) <= self.anchor:
            return self.last_year
        year = self.anchor.year
        return year if dt.date(year, month, min(day, 28)) <= self.anchor else year - 1

    def _absolute(self, day: int, month: int, year: int | None) -> tuple[dt.date, dt.date, str]:
        explicit = year is not None
        year = year if year is not None else self._year_for(month, day)
        phrase = f"{day} {MONTHS[self.lang][month - 1]} {year}"
        data = _date_parser(self.lang).get_date_data(phrase)
        parsed = data.date_obj if data and data.period == "day" else None
        if parsed is None:  # pragma: no cover - dateparser parses every day-month-year it is given here
            value = dt.date(year, month, day)
            return value, value, "rule: day month year"
        value = parsed.date()
        return value, value, "dateparser" + ("" if explicit else " (year from the narrative or publication)")

    # --- the rules -----------------------------------------------------------------------------------------
    def rules(self) -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[dt.date, dt.date, str, str]]]]:
        lang = self.lang
        months = "|".join(MONTHS[lang])
        weekdays = "|".join(WEEKDAYS[lang])
        numbers = "|".join(sorted(NUMBERS[lang], key=len, reverse=True)) + r"|\d+"
        seasons = "|".join(k for k in SEASONS if (k in ("primavera", "estate", "autunno", "inverno")) == (lang == "it"))
        flags = re.IGNORECASE
        a = self.anchor
        out: list[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[dt.date, dt.date, str, str]]]] = []

        def month_of(name: str) -> int:
            return MONTHS[lang].index(name.lower()) + 1

        def part(modifier: str | None, year: int, month: int) -> tuple[dt.date, dt.date]:
            first, last = dt.date(year, month, 1), _month_end(year, month)
            m = (modifier or "").lower()
            if re.search(r"fine|late|end", m):
                return dt.date(year, month, 21), last
            if re.search(r"inizi|early|beginning|start", m):
                return first, dt.date(year, month, 10)
            if re.search(r"metà|mid|middle", m):
                return dt.date(year, month, 11), dt.date(year, month, 20)
            return first, last

        if lang == "it":
            day = r"(\d{1,2}|1º|primo)"
            out.append(
                (
                    re.compile(
                        r"\b(?:(?:il|l’|l'|dal|al|del|entro il|fino al|"
                        + weekdays
                        + r")\s+)?"
                        + day
                        + r"\s+("
                        + months
                        + r")(?:\s+(\d{4}))?\b",
                        flags,
                    ),
                    lambda m: self._day(m.group(1), m.group(2), m.group(3)),
                )
            )
        else:
            out.append(
                (
                    re.compile(
                        r"\b(?:(?:on|by|since|until|from)\s+)?(?:(?:"
                        + weekdays
                        + r"),?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+("
                        + months
                        + r")(?:,?\s+(\d{4}))?\b",
                        flags,
                    ),
                    lambda m: self._day(m.group(1), m.group(2), m.group(3)),
                )
            )
            out.append(
                (
                    re.compile(
                        r"\b(?:(?:on|by|since|until|from)\s+)?("
                        + months
                        + r")\s+(\d{1,2})(?:st|nd|rd|th)?(?:,\s+(\d{4}))?\b",
                        flags,
                    ),
                    lambda m: self._day(m.group(2), m.group(1), m.group(3)),
                )
            )
        modifiers_it = (
            r"(?:(?:nel|nei|a|ad|in|di|del|dal|entro|fino a|nel mese di|a fine|alla fine di|a inizio|all’inizio di"
            r"|agli inizi di|a metà|a metà di|fine|inizio|metà|inizi di)\s+)"
        )
        modifiers_en = (
            r"(?:(?:in|during|by|since|of|early|late|mid-?|the end of|the beginning of|the start of|the middle of"
            r"|in early|in late|in mid-?)\s*)"
        )
        modifiers = modifiers_it if lang == "it" else modifiers_en

        def month_year(m: re.Match[str]) -> tuple[dt.date, dt.date, str, str]:
            year = int(m.group(3))
            start, end = part(m.group(1), year, month_of(m.group(2)))
            self.last_year = year
            return start, end, "absolute", "rule: month and year"

        out.append((re.compile(r"\b(" + modifiers + r"*)(" + months + r")\s+(\d{4})\b", flags), month_year))

        def month_alone(m: re.Match[str]) -> tuple[dt.date, dt.date, str, str]:
            modifier = m.group(1) or ""
            month = month_of(m.group(2))
            if re.search(r"scors|passat|last", modifier, flags):
                year = a.year if month < a.month else a.year - 1
                anchor = "publication"
            elif re.search(r"prossim|next", modifier, flags):
                year = a.year if month > a.month else a.year + 1
                anchor = "publication"
            else:
                year = self._year_for(month)
                anchor = "publication"
            start, end = part(modifier, year, month)
            return start, end, anchor, "rule: month without a year"

        lead = (
            r"\b((?:lo scorso|la scorsa|lo scorso mese di|il prossimo|nel prossimo|scorso|"
            + modifiers_it[3:-4]
            + r")\s+)"
            if lang == "it"
            else r"\b((?:last|next|this|in|during|by|since|early|late|mid-?|in early|in late|in mid-?|the end of)\s*)"
        )
        out.append((re.compile(lead + r"(" + months + r")\b(?!\s+\d)", flags), month_alone))

        def year_only(m: re.Match[str]) -> tuple[dt.date, dt.date, str, str]:
            year = int(m.group(1))
            self.last_year = year
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "absolute", "rule: year"

        year_lead = (
            r"(?:nel|del|dal|entro il|nell’anno|nell'anno|per il|fino al|durante il)"
            if lang == "it"
            else r"(?:in|since|by|during|until|of)"
        )
        out.append((re.compile(r"\b" + year_lead + r"\s+((?:19|20)\d{2})\b(?!\s*[-–]\d)", flags), year_only))

        def season(m: re.Match[str]) -> tuple[dt.date, dt.date, str, str]:
            words = m.group().lower()
            name = next(k for k in SEASONS if re.search(r"\b" + k + r"\b", words))
            first, last = SEASONS[name]
            explicit = re.search(r"(\d{4})", words)
            if explicit:
                year = int(explicit.group(1))
                anchor = "absolute"
            else:
                anchor = "publication"
                # the latest such season that has ended ('scorso', 'last') or begun (plain, 'this') by publication
                year = a.year
                end_of = _month_end(year + (first > last), last)
                start_of = dt.date(year, first, 1)
                if re.search(r"scors|passat|last", words):
                    while end_of >= a:
                        year -= 1
                        end_of = _month_end(year + (first > last), last)
                elif re.search(r"prossim|next", words):
                    while start_of <= a:
                        year += 1
                        start_of = dt.date(year, first, 1)
                else:
                    while dt.date(year, first, 1) > a:
                        year -= 1
            start = dt.date(year, first, 1)
            end = _month_end(year + (first > last), last)
            return start, end, anchor, "rule: season"

        if lang == "it":
            season_re = (
                r"\b(?:(?:lo|la|l’|l')\s*(?:scors[oa]|passat[oa]|prossim[oa])\s+(?:" + seasons + r")"
                r"|(?:in|nell’|nell'|d’|d'|quest’|quest'|la|l’|l')\s*(?:"
                + seasons
                + r")(?:\s+(?:scors[oa]|passat[oa]|prossim[oa]))?(?:\s+(?:del\s+)?\d{4})?)\b"
            )
        else:
            season_re = (
                r"\b(?:(?:last|next|this|in the|in|during the|during)\s+(?:" + seasons + r")(?:\s+(?:of\s+)?\d{4})?)\b"
            )
        out.append((re.compile(season_re, flags), season))

        def unit(m: re.Match[str]) -> tuple[dt.date, dt.date, str, str]:
            words = m.group().lower()
            shift = (
                -1
                if re.search(r"scors|passat|last|previous", words)
                else 1
                if re.search(r"prossim|next|coming", words)
                else 0
            )
            earlier = bool(re.search(r"earlier|inizio", words))
            later = bool(re.search(r"later", words))
            if re.search(r"settiman|week", words):
                monday = a - dt.timedelta(days=a.weekday()) + dt.timedelta(weeks=shift)
                start, end = monday, monday + dt.timedelta(days=6)
            elif re.search(r"mes[ei]|month", words):
                first = _add_months(dt.date(a.year, a.month, 1), shift)
                start, end = first, _month_end(first.year, first.month)
            else:
                start, end = dt.date(a.year + shift, 1, 1), dt.date(a.year + shift, 12, 31)
            if shift == 0 and earlier:
                end = a
            if shift == 0 and later:
                start = a
            return (
                start,
                end,
                "publication",
                "rule: " + ("previous " if shift < 0 else "next " if shift > 0 else "this ") + "unit",
            )

        if lang == "it":
            unit_re = (
                r"\b(?:(?:la|il|lo|l’|l')\s*(?:scors[oa]|passat[oa]|prossim[oa])\s+(?:settimana|mese|anno)"
                r"|(?:la|il|l’|l')\s*(?:settimana|mese|anno)\s+(?:scors[oa]|passat[oa]|prossim[oa])"
                r"|quest[oa’']\s*(?:settimana|mese|anno)|all’inizio (?:del mese|dell’anno|della settimana))\b"
            )
        else:
            unit_re = (
                r"\b(?:(?:earlier|later) )?(?:last|next|this|the previous|the coming|the past) (?:week|month|year)\b"
            )
        out.append((re.compile(unit_re, flags), unit))

        def ago(m: re.Match[str]) -> tuple[dt.date, dt.date, str, str]:
            count = _number(m.group(1), lang) or 1
            what = m.group(2).lower()
            if re.match(r"giorn|day", what):
                point = a - dt.timedelta(days=count)
                return point, point, "publication", "rule: days ago (number words normalised)"
            if re.match(r"settiman|week", what):
                point = a - dt.timedelta(weeks=count)
                monday = point - dt.timedelta(days=point.weekday())
                return monday, monday + dt.timedelta(days=6), "publication", "rule: that week"
            if re.match(r"mes|month", what):
                point = _add_months(a, -count)
                return (
                    dt.date(point.year, point.month, 1),
                    _month_end(point.year, point.month),
                    "publication",
                    "rule: that month",
                )
            return dt.date(a.year - count, 1, 1), dt.date(a.year - count, 12, 31), "publication", "rule: that year"

        ago_re = (
            r"\b(" + numbers + r")\s+(giorni|giorno|settimane|settimana|mesi|mese|anni|anno)\s+fa\b"
            if lang == "it"
            else r"\b(" + numbers + r")\s+(days?|weeks?|months?|years?)\s+ago\b"
        )
        out.append((re.compile(ago_re, flags), ago))

        def deictic(m: re.Match[str]) -> tuple[dt.date, dt.date, str, str]:
            word = m.group().lower()
            offset = {"oggi": 0, "ieri": -1, "domani": 1, "today": 0, "yesterday": -1, "tomorrow": 1}.get(word)
            if offset is None:
                offset = -2 if "ieri" in word else 2
            day = a + dt.timedelta(days=offset)
            return day, day, "publication", "rule: today, yesterday, tomorrow"

        deictic_re = (
            r"\b(?:l’altro ieri|l'altro ieri|ieri|oggi|domani|dopodomani)\b"
            if lang == "it"
            else r"\b(?:yesterday|today|tomorrow)\b"
        )
        out.append((re.compile(deictic_re, flags), deictic))

        def weekday(m: re.Match[str]) -> tuple[dt.date, dt.date, str, str]:
            words = m.group().lower()
            target = next(i for i, w in enumerate(WEEKDAYS[lang]) if w in words)
            if re.search(r"prossim|next", words):
                delta = (target - a.weekday()) % 7 or 7
                day = a + dt.timedelta(days=delta)
            else:
                delta = (a.weekday() - target) % 7 or 7
                day = a - dt.timedelta(days=delta)
            return day, day, "publication", "rule: the weekday before publication"

        weekday_re = (
            r"\b(?:(?:lo scorso|la scorsa|il prossimo|la prossima)\s+)?(?:"
            + weekdays
            + r")(?:\s+(?:scors[oa]|prossim[oa]))?\b(?!\s+\d)"
            if lang == "it"
            else r"\b(?:(?:on|last|next|this)\s+)?(?:" + weekdays.title() + r")\b(?!,?\s+\d)"
        )
        out.append((re.compile(weekday_re, flags if lang == "it" else 0), weekday))

        def vague(m: re.Match[str]) -> tuple[dt.date, dt.date, str, str]:
            words = m.group().lower()
            if re.search(r"anni|years", words):
                start = dt.date(a.year - 3, a.month, min(a.day, 28))
            elif re.search(r"mesi|months", words):
                start = _add_months(a, -6)
            elif re.search(r"settimane|weeks", words):
                start = a - dt.timedelta(days=28)
            elif re.search(r"giorni|days", words):
                start = a - dt.timedelta(days=7)
            else:  # recente, recently: the last three months
                start = _add_months(a, -3)
            return start, a, "publication", "rule: a vague span before publication (a guess to check)"

        vague_re = (
            r"\b(?:negli ultimi (?:anni|mesi|giorni)|nelle ultime settimane|nei giorni scorsi|nelle settimane scorse"
            r"|nei mesi scorsi"
            r"|negli anni scorsi|di recente|recentemente|(?:una|un|la|il|le|i) recent[ei]|recenti)\b"
            if lang == "it"
            else r"\b(?:in recent (?:years|months|weeks|days)|over the past (?:years|months|weeks|few days)|recently"
            r"|(?:a|the) recent)\b"
        )
        out.append((re.compile(vague_re, flags), vague))
        return out

    def _day(self, day_text: str, month_text: str, year_text: str | None) -> tuple[dt.date, dt.date, str, str]:
        day = 1 if day_text.lower() in ("1º", "primo") else int(day_text)
        month = MONTHS[self.lang].index(month_text.lower()) + 1
        year = int(year_text) if year_text else None
        start, end, method = self._absolute(day, month, year)
        if year is not None:
            self.last_year = year
        return start, end, "absolute" if year is not None else "publication", method

    def relative_rules(self) -> list[tuple[re.Pattern[str], int, int, str]]:
        """Expressions relative to the last date given: (pattern, shift of the start, shift of the end, label).
        A number word in group 1 scales the shift."""
        lang = self.lang
        numbers = "|".join(sorted(NUMBERS[lang], key=len, reverse=True)) + r"|\d+"
        if lang == "it":
            table = [
                (r"(?:il|l’|l')\s*giorno (?:dopo|successivo|seguente)|l’indomani|l'indomani", 1, 1),
                (r"(?:il|l’|l')\s*giorno (?:prima|precedente)|la vigilia", -1, -1),
                (r"(" + numbers + r") giorni (?:dopo|più tardi)", 1, 1),
                (r"(" + numbers + r") giorni prima", -1, -1),
                (r"(?:pochi|qualche|alcuni) giorn[oi] (?:dopo|più tardi)", 2, 7),
                (r"(?:pochi|qualche|alcuni) giorn[oi] prima", -7, -2),
                (r"nei giorni (?:seguenti|successivi)|nei giorni a seguire", 1, 7),
                (r"in quei giorni|in quel periodo", -6, 6),
                (r"lo stesso giorno|quel giorno|in giornata", 0, 0),
                (r"la settimana (?:dopo|successiva|seguente)|una settimana dopo", 7, 7),
                (r"la settimana (?:prima|precedente)|una settimana prima", -7, -7),
                (r"dopo (?:la|il|l’|l')\s*" + _EVENT_NOUNS_IT, 0, 6),
                (r"prima (?:della|del|dell’|dell')\s*" + _EVENT_NOUNS_IT, -6, 0),
            ]
        else:
            table = [
                (r"the (?:next|following) day|the day after|a day later", 1, 1),
                (r"the (?:previous|preceding) day|the day before|a day earlier", -1, -1),
                (r"(" + numbers + r") days (?:later|after(?:wards)?)", 1, 1),
                (r"(" + numbers + r") days (?:earlier|before)", -1, -1),
                (r"(?:a few|several|some) days (?:later|after(?:wards)?)|days later", 2, 7),
                (r"(?:a few|several|some) days (?:earlier|before)|days earlier", -7, -2),
                (r"in the (?:following|next) days|in the days that followed|over the following days", 1, 7),
                (r"in those days|at the time|around that time", -6, 6),
                (
                    r"(?:on )?the same day|that day"
                    r"|(?:in|during) the (?:early hours|morning|afternoon|evening|night) of the day",
                    0,
                    0,
                ),
                (r"the (?:following|next) week|a week later", 7, 7),
                (r"the (?:previous|preceding) week|a week earlier", -7, -7),
                (r"after the " + _EVENT_NOUNS_EN, 0, 6),
                (r"before the " + _EVENT_NOUNS_EN, -6, 0),
            ]
        return [(re.compile(r"\b(?:" + p + r")\b", re.IGNORECASE), lo, hi, p) for p, lo, hi in table]


def find_dates(text: str, lang: str, anchor: dt.date) -> list[DateHit]:
    """Every date expression in ``text``, resolved against ``anchor`` (the publication date), in text order."""
    resolver = _Resolver(text, lang, anchor)
    candidates: list[tuple[int, int, object]] = []
    for pattern, handler in resolver.rules():
        for match in pattern.finditer(text):
            candidates.append((match.start(), match.end(), (handler, match)))
    for pattern, lo, hi, label in resolver.relative_rules():
        for match in pattern.finditer(text):
            candidates.append((match.start(), match.end(), (lo, hi, label, match)))
    # keep the longest of overlapping candidates, then resolve in text order
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    kept: list[tuple[int, int, object]] = []
    for item in candidates:
        if kept and item[0] < kept[-1][1]:
            if item[1] - item[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = item
            continue
        kept.append(item)
    hits: list[DateHit] = []
    for start, end, payload in kept:
        span = Span(start, end, text[start:end])
        if isinstance(payload, tuple) and len(payload) == 2:
            handler, match = payload
            first, last, anchor_kind, method = handler(match)
            hits.append(DateHit(span, first, last, anchor_kind, method))
            resolver.last = (first, last)
        else:
            lo, hi, label, match = payload  # type: ignore[misc]
            if resolver.last is None:
                hits.append(
                    DateHit(
                        span,
                        None,
                        None,
                        "event",
                        "rule: relative to another event",
                        "no earlier date in the article to count from",
                    )
                )
                continue
            scale = 1
            if match.groups() and match.group(1):
                scale = _number(match.group(1), lang) or 1
            first = resolver.last[0] + dt.timedelta(days=lo * scale)
            last = resolver.last[1] + dt.timedelta(days=hi * scale)
            note = f"counted from the date given before it ({resolver.last[0]}..{resolver.last[1]})"
            hits.append(DateHit(span, first, last, "event", "rule: relative to the last date given", note))
            resolver.last = (first, last)
    return hits
