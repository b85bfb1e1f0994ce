"""Lesson 6 (Putting it together): Try-it challenges.

Every expected value is computed here from the course's tables (newslens.data), never from the notebook's
variables, so a student who has changed ``evidence`` or ``dated_events`` is still checked against the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import pandas as pd

from .. import tryit
from ..data import load_claims, load_events, load_sources

#: The window of the December challenge: every day of December 2025.
DECEMBER = (pd.Timestamp("2025-12-01"), pd.Timestamp("2025-12-31"))


@cache
def _claims_with_sources() -> pd.DataFrame:
    """The claims, each with its source's type and reliability grade (the merge of lesson 6, section 1)."""
    sources = load_sources(judgements=True)[["source_id", "name", "source_type", "reliability"]]
    claims = load_claims(judgements=True)
    table: pd.DataFrame = claims.merge(sources, on="source_id", how="left", validate="many_to_one")
    return table


def _counts(answer: Any) -> dict[str, int]:
    """A count per value, from a Series or a dict, with the keys as text; zero counts left out."""
    items = answer.items() if isinstance(answer, pd.Series | dict) else ()
    counts = {str(key): int(value) for key, value in items}
    if not counts:
        raise ValueError("not a count per value")
    return {key: value for key, value in counts.items() if value}


def _by_value(column: pd.Series) -> dict[str, int]:
    return _counts(column.value_counts())


# --- 06.claims_per_grade: count the claims, not the sources ------------------------------------------------------


def _claims_per_grade_right(answer: Any) -> bool:
    return _counts(answer) == _by_value(_claims_with_sources()["reliability"])


tryit.register(
    tryit.Challenge(
        name="06.claims_per_grade",
        lesson="06",
        task="Count the claims by the reliability grade (letter) of their source: a Series indexed by the letter.",
        is_right=_claims_per_grade_right,
        success=(
            "Right: most claims come from sources graded C or F, although B is the commonest grade among the sources "
            "themselves: counting claims and counting sources answer different questions."
        ),
        mistakes=(
            tryit.Mistake(
                lambda a: _counts(a) == _by_value(load_sources(judgements=True)["reliability"]),
                "These are counts of sources, not of claims: a source that made many claims counts once here. "
                "Count the rows of the evidence table, where each claim carries its own source's grade.",
            ),
            tryit.Mistake(
                lambda a: set(_counts(a)) == set(_by_value(_claims_with_sources()["credibility"])),
                "These are counts by credibility, the claim's own number (1 to 6). The task asks about the letter "
                "(A to F) that grades the source the claim comes from: the reliability column.",
            ),
            tryit.Mistake(
                lambda a: all(len(key) > 1 for key in _counts(a)),
                "These keys are not single grade letters (full grades such as C3, or source names?). "
                "A source's reliability is one letter; count the claims for each letter.",
            ),
        ),
    )
)


# --- 06.december_events: an interval overlaps a window ----------------------------------------------------------


@cache
def _dated_events() -> pd.DataFrame:
    """The timeline's events: those the claims point at, with a date."""
    events = load_events()
    linked = events[events["event_id"].isin(load_claims()["event_id"].dropna())]
    dated: pd.DataFrame = linked.dropna(subset=["event_start"])
    return dated


def _ids(answer: Any) -> frozenset[str]:
    """Event ids from a list, a set, a Series, an Index, or a DataFrame with an event_id column."""
    if isinstance(answer, pd.DataFrame):
        answer = answer["event_id"]
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        raise TypeError("not a collection of event ids")
    return frozenset(str(item) for item in answer)


def _selected(events: pd.DataFrame, keep: pd.Series) -> frozenset[str]:
    return frozenset(events.loc[keep, "event_id"])


def _overlapping(events: pd.DataFrame) -> frozenset[str]:
    start, end = DECEMBER
    return _selected(events, (events["event_start"] <= end) & (events["event_end"] >= start))


def _december_mistake(test: Any) -> Any:
    """A mistake: the answer is what ``test(events, start, end)`` keeps of the timeline's events, and is wrong."""

    def matches(answer: Any) -> bool:
        events = _dated_events()
        wrong = _selected(events, test(events, *DECEMBER).fillna(False))
        return _ids(answer) == wrong != _overlapping(events)

    return matches


tryit.register(
    tryit.Challenge(
        name="06.december_events",
        lesson="06",
        task="List the event_ids of the timeline's events (dated_events) that may have happened in December 2025.",
        is_right=lambda a: _ids(a) == _overlapping(_dated_events()),
        success=(
            "Right: five events may have happened in December 2025, three of them known only to within spans of "
            "days or years that reach into December."
        ),
        mistakes=(
            tryit.Mistake(
                _december_mistake(lambda e, start, end: (e["event_start"] >= start) & (e["event_end"] <= end)),
                "You kept only the events that lie wholly inside December (or start in it). An event known only to "
                "have happened some day between October and 26 December may have happened in December too: keep "
                "every event whose interval of possible days overlaps the month.",
            ),
            tryit.Mistake(
                _december_mistake(lambda e, start, end: e["report_date"].between(start, end)),
                "You filtered on report_date, the day an event was first reported, not the days it may have "
                "happened; and an event with no report date drops out. Use event_start and event_end.",
            ),
            tryit.Mistake(
                _december_mistake(lambda e, start, end: e["event_start"] <= end),
                "Your list includes events that were over before December began (the 2024 troop deployment, for "
                "one). An event overlaps the window only if it also ends on or after the window's first day.",
            ),
            tryit.Mistake(
                _december_mistake(lambda e, start, end: e["event_end"] >= start),
                "Your list includes an event that starts after December 2025 (the 2026 production plan). An event "
                "overlaps the window only if it also starts on or before the window's last day.",
            ),
            tryit.Mistake(
                lambda a: _ids(a) == _overlapping(load_events()) != _overlapping(_dated_events()),
                "You searched the whole events table, which holds events no claim points at. The timeline shows "
                "only the claims' dated events: filter dated_events.",
            ),
        ),
    )
)


# --- 06.weakest_by_type: on the 1-6 scale the weakest claim has the largest number --------------------------------


def _by_type(answer: Any) -> dict[str, float]:
    """A number per source type, from a Series or a dict."""
    items = answer.items() if isinstance(answer, pd.Series | dict) else ()
    values = {str(key): float(value) for key, value in items}
    if not values:
        raise ValueError("not a value per source type")
    return values


def _per_type(how: str) -> dict[str, float]:
    grouped = _claims_with_sources().groupby("source_type")["credibility"]
    return {str(key): round(float(value), 6) for key, value in grouped.agg(how).items()}


def _rounded(answer: Any) -> dict[str, float]:
    return {key: round(value, 6) for key, value in _by_type(answer).items()}


tryit.register(
    tryit.Challenge(
        name="06.weakest_by_type",
        lesson="06",
        task="For each source_type, the weakest credibility (the largest number, 1-6) among its claims: a Series.",
        is_right=lambda a: _rounded(a) == _per_type("max"),
        success=(
            "Right: the state media and the unnamed experts each have a claim graded 5 (improbable), the article "
            "itself one graded 4 (doubtful); a sentence that leans on such a claim must say so."
        ),
        mistakes=(
            tryit.Mistake(
                lambda a: _rounded(a) == _per_type("min"),
                "You took each type's strongest claim. On this scale 1 means confirmed and 6 cannot be judged, so "
                "the weakest claim is the one with the largest number.",
            ),
            tryit.Mistake(
                lambda a: _rounded(a) == _per_type("mean"),
                "These are averages. A source type with many good claims can hide one weak claim in its average; "
                "the question asks for that weakest claim, the largest number in the group.",
            ),
            tryit.Mistake(
                lambda a: set(_by_type(a)) != set(_per_type("max")) and len(_by_type(a)) > len(_per_type("max")),
                "There are more rows here than source types: you grouped by something finer, such as the source's "
                "name. Group by source_type.",
            ),
        ),
    )
)
