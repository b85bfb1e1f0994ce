"""Lesson 4's Try-it challenges (Charting the timeline): report lags, a relative phrase, overlapping intervals.

Every expected value is computed here from the course's events table (:func:`newslens.data.load_events`) or from
the calendar, never read from the lesson's variables, which the student may have changed.
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from .. import tryit
from ..data import load_events

_DAY = pd.Timedelta(days=1)


@functools.cache
def _events() -> pd.DataFrame:
    events: pd.DataFrame = load_events()
    return events


# -- 04.report_lag -----------------------------------------------------------------------------------------------


def _as_mapping(answer: Any) -> dict[str, Any]:
    # A Series (or dict) indexed by event_id, as {event_id: value}.
    items = answer.items() if isinstance(answer, (pd.Series, dict)) else ()
    return {str(key): value for key, value in items}


def _days(value: Any) -> float:
    return float("nan") if pd.isna(value) else float(value)


def _lags(rows: pd.DataFrame, since: str = "event_end") -> dict[str, float]:
    return {str(r.event_id): float((r.report_date - getattr(r, since)).days) for r in rows.itertuples()}


def _mentioned(reported_only: bool = True) -> pd.DataFrame:
    rows: pd.DataFrame = _events()[_events()["in_article"]]
    return rows.dropna(subset=["report_date"]) if reported_only else rows


def _same_lags(answer: Any, expected: dict[str, float]) -> bool:
    got = _as_mapping(answer)
    return set(got) == set(expected) and all(_days(got[k]) == v for k, v in expected.items())


def _lag_is_right(answer: Any) -> bool:
    return _same_lags(answer, _lags(_mentioned()))


def _lag_reversed(answer: Any) -> bool:
    return _same_lags(answer, {k: -v for k, v in _lags(_mentioned()).items()})


def _lag_from_start(answer: Any) -> bool:
    return _same_lags(answer, _lags(_mentioned(), since="event_start"))


def _lag_as_timedelta(answer: Any) -> bool:
    got = _as_mapping(answer)
    return bool(got) and all(isinstance(v, pd.Timedelta) or pd.isna(v) for v in got.values())


def _lag_keeps_unreported(answer: Any) -> bool:
    got = _as_mapping(answer)
    unreported = set(_mentioned(reported_only=False)["event_id"]) - set(_mentioned()["event_id"])
    return bool(unreported & set(got)) and all(pd.isna(got[k]) for k in unreported & set(got))


def _lag_every_event(answer: Any) -> bool:
    got = _as_mapping(answer)
    return len(set(got) - set(_events().loc[_events()["in_article"], "event_id"])) > 0


tryit.register(
    tryit.Challenge(
        name="04.report_lag",
        lesson="04",
        task="The report lag in days of every event the article mentions that has a report date, by event_id.",
        is_right=_lag_is_right,
        success="Those are the lags: the troop deployment's is negative (its interval runs past its first report), "
        "Kim's two visits show 0 (KCNA dated only its reports of them), and Putin's letter took a week.",
        mistakes=(
            tryit.Mistake(
                _lag_as_timedelta,
                "Your values are Timedeltas (durations). A lag in whole days needs .dt.days after the subtraction.",
            ),
            tryit.Mistake(
                _lag_reversed,
                "Every sign is the wrong way round: the lag runs from the event to its report, so subtract the "
                "event's last day from the report date (report_date - event_end), not the other way.",
            ),
            tryit.Mistake(
                _lag_from_start,
                "You counted from event_start, the first day the event may have happened. The lag counts from "
                "the last possible day (event_end): otherwise a vague date looks like a slow report.",
            ),
            tryit.Mistake(
                _lag_keeps_unreported,
                "Some events have no report date, and their lag is empty (NaN): drop them before you subtract "
                "(dropna(subset=['report_date'])).",
            ),
            tryit.Mistake(
                _lag_every_event,
                "Your Series has events the article does not mention. Keep the rows where in_article is True first.",
            ),
        ),
    )
)


# -- 04.next_week ------------------------------------------------------------------------------------------------

_READ_ON = pd.Timestamp("2026-01-07")  # a Wednesday


def _pair(answer: Any) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    # Any pair of dates (Timestamps, datetime.date, ISO strings) as two normalised Timestamps.
    try:
        first, last = answer
        return pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    except (TypeError, ValueError):
        return None


def _week_from(monday: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    return monday, monday + 6 * _DAY


_THIS_MONDAY = _READ_ON - _READ_ON.weekday() * _DAY

tryit.register(
    tryit.Challenge(
        name="04.next_week",
        lesson="04",
        task="'La settimana prossima' read on Wednesday 7 January 2026: the calendar week after, Monday to Sunday.",
        is_right=lambda answer: _pair(answer) == _week_from(_THIS_MONDAY + 7 * _DAY),
        success="Monday 12 to Sunday 18 January 2026: the calendar week after the anchor's.",
        mistakes=(
            tryit.Mistake(
                lambda answer: _pair(answer) == (_READ_ON + _DAY, _READ_ON + 7 * _DAY),
                "That is the next seven days, counted from the anchor. The rule here is the calendar week: "
                "start from the Monday of the anchor's week, then go one week on.",
            ),
            tryit.Mistake(
                lambda answer: _pair(answer) == _week_from(_THIS_MONDAY),
                "That is the anchor's own week ('questa settimana'). 'La settimana prossima' is the one after it.",
            ),
            tryit.Mistake(
                lambda answer: _pair(answer) == _week_from(_THIS_MONDAY + 6 * _DAY),
                "Your week runs Sunday to Saturday, as in American calendars. Italian weeks run Monday to Sunday.",
            ),
            tryit.Mistake(
                lambda answer: _pair(answer) == (_THIS_MONDAY + 7 * _DAY, _THIS_MONDAY + 14 * _DAY),
                "Your week has eight days: from a Monday, the Sunday that ends its week is 6 days later, not 7.",
            ),
        ),
    )
)


# -- 04.overlap ----------------------------------------------------------------------------------------------------

_QUARTER = (pd.Timestamp("2024-10-01"), pd.Timestamp("2024-12-31"))


def _ids(answer: Any) -> set[str] | None:
    # A list, set, Series or Index of event_ids, or a DataFrame with an event_id column.
    if isinstance(answer, pd.DataFrame):
        answer = answer.get("event_id", answer.index)
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        return None
    return {str(item) for item in answer}


def _where(mask: pd.Series) -> set[str]:
    return set(_events().loc[mask, "event_id"])


def _overlapping() -> set[str]:
    start, end = _QUARTER
    return _where((_events()["event_start"] <= end) & (_events()["event_end"] >= start))


def _inside() -> set[str]:
    start, end = _QUARTER
    return _where((_events()["event_start"] >= start) & (_events()["event_end"] <= end))


def _starting_inside() -> set[str]:
    return _where(_events()["event_start"].between(*_QUARTER))


def _ending_inside() -> set[str]:
    return _where(_events()["event_end"].between(*_QUARTER))


tryit.register(
    tryit.Challenge(
        name="04.overlap",
        lesson="04",
        task="The event_ids of the events whose interval overlaps 1 October to 31 December 2024.",
        is_right=lambda answer: _ids(answer) == _overlapping(),
        success="Right: with the events wholly inside the quarter come those that began earlier and may still "
        "have been going on, such as the 2024 troop deployment dated only 'in 2024'.",
        mistakes=(
            tryit.Mistake(
                lambda answer: _ids(answer) == _inside(),
                "You kept only the events that lie wholly inside the quarter. An event whose interval starts "
                "before October may still have happened in it: test overlap (event_start <= last day and "
                "event_end >= first day), not containment.",
            ),
            tryit.Mistake(
                lambda answer: _ids(answer) == _starting_inside(),
                "You kept the events that start in the quarter. A vague event that starts earlier but whose "
                "interval reaches into the quarter may have happened there too.",
            ),
            tryit.Mistake(
                lambda answer: _ids(answer) == _ending_inside(),
                "You kept the events that end in the quarter. An event that may run past 31 December but starts "
                "before it overlaps the quarter too.",
            ),
        ),
    )
)
