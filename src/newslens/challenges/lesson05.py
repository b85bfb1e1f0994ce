"""Lesson 5's Try-it challenges: finding a relay, counting origins, building an Admiralty grade from two rows.

Each check computes the right answer from the course's tables (newslens.data), never from the notebook's
variables, so a student who has changed ``sources`` or ``claims`` on the way still gets a fair verdict.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from .. import tryit
from ..data import load_claims, load_sources

#: The texts of the counting challenge, as the task gives them to the student.
FOUND = ["ansa", "agi", "tgcom24", "reuters", "tass", "nk_news"]
#: The claim of the grading challenge.
GRADE_CLAIM = "c21"


@cache
def _upstream() -> dict[str, str | None]:
    table = load_sources().set_index("source_id")["relays_source_id"]
    return {source: (None if pd.isna(parent) else str(parent)) for source, parent in table.items()}


def _primary(source_id: str) -> str:
    upstream, seen = _upstream(), [source_id]
    while upstream[seen[-1]] is not None:
        seen.append(str(upstream[seen[-1]]))
    return seen[-1]


def _ids(answer: Any) -> set[str] | None:
    """A collection of source ids as a set (a list, a set, a Series, an Index); None for anything else."""
    if isinstance(answer, str | bytes) or not hasattr(answer, "__iter__"):
        return None
    return {str(item) for item in answer}


# 1. Finding a relay: who copied KCNA directly?


def _direct_relays(of: str = "kcna") -> set[str]:
    return {source for source, parent in _upstream().items() if parent == of}


def _downstream(of: str = "kcna") -> set[str]:
    return {source for source in _upstream() if source != of and of in _chain(source)}


def _chain(source_id: str) -> list[str]:
    upstream, seen = _upstream(), [source_id]
    while upstream[seen[-1]] is not None:
        seen.append(str(upstream[seen[-1]]))
    return seen


@cache
def _names() -> dict[str, str]:
    return dict(load_sources().set_index("source_id")["name"].astype(str))


tryit.register(
    tryit.Challenge(
        name="05.direct_relays",
        lesson="05",
        task="The source ids of the sources that copied KCNA directly (their relays_source_id is 'kcna').",
        is_right=lambda a: _ids(a) == _direct_relays(),
        success=(
            "Right: AFP, Reuters and TASS each name KCNA as their source. Everything further down, the article "
            "included, copied one of them, not KCNA."
        ),
        mistakes=(
            tryit.Mistake(
                lambda a: (ids := _ids(a)) is not None and "kcna" in ids,
                "KCNA is in your answer: a source does not relay itself. Keep the rows whose relays_source_id "
                "is 'kcna', not the row whose source_id is.",
            ),
            tryit.Mistake(
                lambda a: (ids := _ids(a)) is not None and _direct_relays() < ids <= _downstream(),
                "You included relays of relays: ANSA, Tgcom24 and the article reached KCNA's news through AFP. "
                "'Directly' means one step: relays_source_id names KCNA itself.",
            ),
            tryit.Mistake(
                lambda a: (ids := _ids(a)) is not None and bool(ids) and ids <= set(_names().values()),
                "These are the sources' names; the task asks for their ids (the source_id column), the values "
                "relays_source_id points to.",
            ),
        ),
    )
)

# 2. Counting origins: many texts, few independent reports.


def _origins(found: list[str]) -> set[str]:
    return {_primary(source) for source in found}


tryit.register(
    tryit.Challenge(
        name="05.count_origins",
        lesson="05",
        task=f"The number of independent origins (primary sources) behind the texts {FOUND}.",
        is_right=lambda a: not isinstance(a, bool) and a == len(_origins(FOUND)),
        success=(
            "Right: five of the six texts go back to KCNA, and NK News relays nobody, so it is an origin of its "
            "own. Six texts, two reports."
        ),
        mistakes=(
            tryit.Mistake(
                lambda a: a == len(FOUND),
                "You counted the texts. Copies of one dispatch are one report: follow each text up its chain "
                "(trace_chain) and count the different sources the chains start from.",
            ),
            tryit.Mistake(
                lambda a: a == len({_upstream()[s] or s for s in FOUND}),
                "You stopped one step up: AFP is where ANSA, AGI and Tgcom24 got the story, but AFP relays KCNA "
                "in turn. An origin is where the chain ends, the first element of trace_chain.",
            ),
            tryit.Mistake(
                lambda a: a == len({_primary(s) for s in FOUND if _upstream()[s] is not None}),
                "You left out a text that relays nobody: NK News has no relays_source_id because it is itself a "
                "primary source, and it counts as an origin of its own.",
            ),
        ),
    )
)

# 3. An Admiralty grade from two rows: the letter from the source's row, the number from the claim's.


def _grade(claim_id: str = GRADE_CLAIM) -> str:
    claim = load_claims(judgements=True).set_index("claim_id").loc[claim_id]
    letter = load_sources(judgements=True).set_index("source_id").loc[claim["source_id"], "reliability"]
    return f"{letter}{int(claim['credibility'])}"


def _as_grade(answer: Any) -> str | None:
    return answer.strip().upper() if isinstance(answer, str) else None


tryit.register(
    tryit.Challenge(
        name="05.grade_from_rows",
        lesson="05",
        task=f"Claim {GRADE_CLAIM}'s Admiralty grade, built from its row in claims and its source's row in sources.",
        is_right=lambda a: _as_grade(a) == _grade(),
        success=(
            "Right: the letter is the claim's source's reliability, the number the claim's own credibility, "
            "two lookups in two tables."
        ),
        mistakes=(
            tryit.Mistake(
                lambda a: (g := _as_grade(a)) is not None and g == _grade()[0] + str("ABCDEF".index(_grade()[0]) + 1),
                "That grade sits on the diagonal: the number repeats the letter. The number comes from the claim's "
                "own row (credibility), judged apart from who said it.",
            ),
            tryit.Mistake(
                lambda a: (g := _as_grade(a)) is not None and g == "F" + _grade()[1:],
                "F is the article's letter. The letter belongs to the claim's source, the row of sources whose "
                "source_id the claim names, not to the text that repeats it.",
            ),
            tryit.Mistake(
                lambda a: (g := _as_grade(a)) is not None and g == _grade()[1:] + _grade()[0],
                "The parts are the wrong way round: the letter (the source) comes first, then the number.",
            ),
            tryit.Mistake(
                lambda a: (g := _as_grade(a)) is not None and g == f"{_grade()[0]}{_grade()[1:]}.0",
                "The number came out with a decimal point (such as 2.0): turn the credibility into an int before "
                "joining it to the letter.",
            ),
        ),
    )
)
