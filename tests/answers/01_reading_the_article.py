"""Answers to exercise set 01_reading_the_article, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_structure": [
        ("n_paragraphs = len(text.splitlines())\nn_headings = 5", "counted every line"),
    ],
    "q2_cue_counts": [
        ("cue_counts = pd.Series({c: text.count(c) for c in CUES})", "case-sensitive"),
    ],
    "q3_cue_signals": [
        ("cue_signals = {**cue_signals, 'potrebbero': 'attribution'}", "conditional verb"),
    ],
    "q4_entities": [
        (
            "entities = load_places()[['name_it']].rename(columns={'name_it': 'entity'}).assign(kind='place')",
            "never appear in the article",
        ),
    ],
    "q5_figures": [
        ("troops_figure = float('10.000')", "ten thousand"),
    ],
    "q6_not_stated": [
        ("stated = {**stated, 'publication_date': True}", "date earlier events"),
    ],
    "q7_lead_5w1h": [
        ("lead_5w1h = {**lead_5w1h, 'where': 'Pyongyang'}", "metonym"),
    ],
}
