"""Lesson 1's Try-it challenges (Reading the article): the share of news in the text, and a cue counted by regex.

The expected answers are computed here from the article (:func:`newslens.data.article_blocks`,
:func:`newslens.data.load_article`), never from the lesson's variables, which the student may have changed. The
sections' roles are the lesson's reading of the article (its section 2 table), restated here.
"""

from __future__ import annotations

import functools
import numbers
import re
from typing import Any

import pandas as pd

from .. import tryit
from ..data import article_blocks, load_article

#: Lesson 1's reading (section 2): the sections that carry news, and the one that mixes news and background.
NEWS_SECTIONS = ("(lead)", "Visita alle fabbriche di munizioni", "Nuove armi segrete sottomarine")
MIXED_SECTIONS = ("Amicizia tra Putin e Kim",)


@functools.cache
def _blocks() -> pd.DataFrame:
    # The lesson's rule: a heading is short (12 words at most) and does not end with a full stop; a block belongs
    # to the section of the last heading above it.
    blocks: pd.DataFrame = pd.DataFrame({"text": article_blocks("it")})
    blocks["words"] = [len(text.split()) for text in blocks["text"]]
    blocks["is_heading"] = ~blocks["text"].str.rstrip().str.endswith(".") & (blocks["words"] <= 12)
    blocks["section"] = blocks["text"].where(blocks["is_heading"]).ffill().fillna("(lead)")
    return blocks


def _words(sections: tuple[str, ...], headings: bool = False) -> int:
    blocks = _blocks()
    chosen = blocks["section"].isin(sections) & (headings | ~blocks["is_heading"])
    return int(blocks.loc[chosen, "words"].sum())


def _paragraph_words() -> int:
    return int(_blocks().loc[~_blocks()["is_heading"], "words"].sum())


def _close(answer: Any, expected: float, tolerance: float = 0.5) -> bool:
    # A percentage, to within half a point (a student may round it).
    # numbers.Real takes numpy's numbers too (a pandas sum is a numpy integer or float).
    real = isinstance(answer, numbers.Real) and not isinstance(answer, bool)
    return real and abs(float(answer) - expected) <= tolerance


def _news_share() -> float:
    return 100 * _words(NEWS_SECTIONS) / _paragraph_words()


tryit.register(
    tryit.Challenge(
        name="01.news_share",
        lesson="01",
        task="The percentage of the words of the article's paragraphs (headings left out) that sit in news sections.",
        is_right=lambda answer: _close(answer, _news_share()),
        success="Right: less than half of the paragraphs' words are news. The rest is background, or mixed, "
        "which is where recycled material tends to sit.",
        mistakes=(
            tryit.Mistake(
                lambda answer: _close(answer, _news_share() / 100, 0.005),
                "That is a fraction of 1, not a percentage: multiply it by 100.",
            ),
            tryit.Mistake(
                lambda answer: _close(answer, 100 * _words(NEWS_SECTIONS) / int(_blocks()["words"].sum())),
                "You divided by every word of the article, headings included. Leave the headings out of the total "
                "too (is_heading), since the task counts paragraphs only.",
            ),
            tryit.Mistake(
                lambda answer: _close(answer, 100 * _words(NEWS_SECTIONS + MIXED_SECTIONS) / _paragraph_words()),
                "You counted the mixed section ('news + background') as news: a test such as str.contains('news') "
                "also matches it. Compare the role with == 'news'.",
            ),
        ),
    )
)


# -- 01.secondo ----------------------------------------------------------------------------------------------------


def _secondo(flags: int = re.IGNORECASE) -> int:
    return len(re.findall(r"\bsecondo\b", load_article("it"), flags=flags))


def _is_count(answer: Any, expected: int) -> bool:
    integral = isinstance(answer, numbers.Integral) and not isinstance(answer, bool)
    return integral and int(answer) == expected


tryit.register(
    tryit.Challenge(
        name="01.secondo",
        lesson="01",
        task="How many times the Italian text uses 'secondo' (according to), at the start of a sentence too.",
        is_right=lambda answer: _is_count(answer, _secondo()),
        success="Right: four times, once for a named person (Putin, 'secondo lui') and three times for unnamed "
        "experts or analysts.",
        mistakes=(
            tryit.Mistake(
                lambda answer: _is_count(answer, _secondo(flags=0)),
                "You missed the capitalised 'Secondo' that opens a sentence: regular expressions and str.count are "
                "case-sensitive. Add flags=re.IGNORECASE (or match [Ss]econdo).",
            ),
            tryit.Mistake(
                lambda answer: isinstance(answer, list),
                "That is the list of matches re.findall returns. The count is its length: len(...).",
            ),
        ),
    )
)
