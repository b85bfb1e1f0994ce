"""The article is the course's object of study: it must stay verbatim, and our translation aligned."""

from __future__ import annotations

import hashlib
import re

from newslens import paths
from newslens.data import article_blocks

# SHA-256 of the article as published (the team's reference copy, article_it.txt, 3,881 bytes).
ARTICLE_SHA256 = "3bd4a6a0e2cf16367de0e7c86675ac215e9743abbd79e2ecf92ad90ce162dc30"


def test_article_is_byte_identical_to_the_published_text():
    raw = paths.ARTICLE_IT.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == ARTICLE_SHA256, (
        "data/article/it.txt has changed: it must stay byte-identical to the published article"
    )


def _is_heading_it(block: str) -> bool:
    # The article's sub-headings are short lines without a full stop at the end.
    return len(block) < 60 and not block.rstrip().endswith((".", "”", '"'))


def test_translation_has_a_block_for_every_italian_block_and_headings_in_the_same_places():
    it_blocks = article_blocks("it")
    en_text = re.sub(r"<!--.*?-->", "", paths.ARTICLE_EN.read_text(encoding="utf-8"), flags=re.S)
    en_raw = [b.strip() for b in re.split(r"\n\s*\n", en_text) if b.strip()]
    assert len(en_raw) == len(it_blocks), f"en.md has {len(en_raw)} blocks, it.txt has {len(it_blocks)}"
    for number, (it_block, en_block) in enumerate(zip(it_blocks, en_raw, strict=True), start=1):
        assert _is_heading_it(it_block) == en_block.startswith("## "), (
            f"block {number}: heading/paragraph mismatch between it.txt ({it_block[:40]!r}) "
            f"and en.md ({en_block[:40]!r})"
        )
        assert "\n" not in en_block, f"en.md block {number} spans several lines; keep one paragraph per block"


def test_translation_is_a_translation_not_a_copy():
    it_blocks = article_blocks("it")
    en_blocks = article_blocks("en")
    identical = [i for i, (a, b) in enumerate(zip(it_blocks, en_blocks, strict=True)) if a == b]
    assert not identical, f"blocks {identical} of en.md are identical to the Italian"
    # Every number in a paragraph survives translation (10.000 is written 10,000 in English).
    for it_block, en_block in zip(it_blocks, en_blocks, strict=True):
        it_numbers = {n.replace(".", "") for n in re.findall(r"\d[\d.]*\d|\d", it_block)}
        en_numbers = {n.replace(",", "") for n in re.findall(r"\d[\d,]*\d|\d", en_block)}
        assert it_numbers <= en_numbers, f"numbers {it_numbers - en_numbers} missing from: {en_block[:60]!r}"
