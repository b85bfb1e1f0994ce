"""Lesson 7's Try-it challenges (The lateral-reading lab): read a results page for dates, count origins not pages.

The expected answers come from the lab itself (:mod:`newslens.lab`, over the course's corpus), never from the
lesson's variables, which the student may have changed.
"""

from __future__ import annotations

import numbers
from typing import Any

import pandas as pd

from .. import lab, tryit

# -- 07.oldest_dated ---------------------------------------------------------------------------------------------

_QUERY = "munitions factory"


def _results() -> pd.DataFrame:
    return lab.search(_QUERY)


def _sites_where(mask_of: str) -> set[str]:
    results = _results()
    dated = results[results["published"] != "undated"]
    if mask_of == "oldest":
        return set(dated.loc[dated["published"] == dated["published"].min(), "site"])
    if mask_of == "newest":
        return set(dated.loc[dated["published"] == dated["published"].max(), "site"])
    if mask_of == "undated":
        return set(results.loc[results["published"] == "undated", "site"])
    return set(results.loc[results["rank"] == results["rank"].min(), "site"])  # the top of the page


def _site(answer: Any) -> str | None:
    return answer.strip().lower() if isinstance(answer, str) else None


def _in(answer: Any, sites: set[str]) -> bool:
    return _site(answer) in {s.lower() for s in sites}


tryit.register(
    tryit.Challenge(
        name="07.oldest_dated",
        lesson="07",
        task=f"The site of the oldest dated result of the search {_QUERY!r}.",
        is_right=lambda answer: _in(answer, _sites_where("oldest")),
        success="Right: of the pages that give a date, that site's is the oldest. Where a trail starts is a "
        "question of dates, not of rank.",
        mistakes=(
            tryit.Mistake(
                lambda answer: _in(answer, _sites_where("top")),
                "That is the first result on the page: the best match for the words, not the oldest page. A search "
                "page ranks by relevance; sort by the published column to find the oldest.",
            ),
            tryit.Mistake(
                lambda answer: _in(answer, _sites_where("undated") - _sites_where("oldest")),
                "That page gives no date ('undated'), so it cannot tell you when anything was first reported. "
                "Leave the undated pages out before you look for the oldest.",
            ),
            tryit.Mistake(
                lambda answer: _in(answer, _sites_where("newest")),
                "That is the newest dated result: sort_values puts the oldest date first, so take the first "
                "row (or sort with ascending=True).",
            ),
        ),
    )
)


# -- 07.origins ----------------------------------------------------------------------------------------------------

_CLAIM = "c01"


def _origins() -> int:
    return int(lab.results_for_claim(_CLAIM)["origin_id"].nunique())


def _pages() -> int:
    return len(lab.results_for_claim(_CLAIM))


def _count(answer: Any) -> int | None:
    # A whole number, Python's or numpy's (nunique gives a Python int, a sum a numpy one); not a bool.
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        return None
    return int(answer)


tryit.register(
    tryit.Challenge(
        name="07.origins",
        lesson="07",
        task=f"How many independent origins the pages about claim {_CLAIM} rest on.",
        is_right=lambda answer: _count(answer) == _origins(),
        success="One: every page about Kim's order for more arms goes back to the same KCNA report (origin "
        "o_kcna_2025_12_26). However many sites repeat it, the claim has one origin, North Korea's state agency.",
        mistakes=(
            tryit.Mistake(
                lambda answer: _count(answer) == _pages() != _origins(),
                "You counted pages. Pages that relay one statement are one origin: count the distinct values of "
                "origin_id (nunique), not the rows.",
            ),
            tryit.Mistake(
                lambda answer: _count(answer) == len(lab.independent_origins("c25")) != _origins(),
                "That is the number for c25, the troop figure of section 4. Count the origins of c01's own pages "
                "(results_for_claim('c01')).",
            ),
        ),
    )
)
