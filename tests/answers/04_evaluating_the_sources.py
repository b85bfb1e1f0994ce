"""Answers to exercise set 04_evaluating_the_sources, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_claims_by_type": [
        ("claims_by_type = sources.groupby('source_type').size().sort_values(ascending=False)", "counted the sources"),
        ("claims_by_type = claims.groupby('source_id').size()", "source ids"),
    ],
    "q2_attribution": [
        ("attribution = {**attribution, 'c04': 'named'}", "no name, no institution"),
        ("attribution = {**attribution, 'c13': 'named'}", "no attribution of its own"),
    ],
    "q3_origin": [
        (
            "def origin(source_id):\n    nxt = relays[source_id]\n    return source_id if pd.isna(nxt) else nxt",
            "the first link only",
        ),
        ("article_chain = article_chain[::-1]", "reversed"),
    ],
    "q4_admiralty": [
        ("c25_reliability = 'F'", "no track record"),
        ("c25_credibility = 5", "out of date"),
        ("c25_reliability = 'B1'", "letter alone"),
    ],
    "q5_planet_labs": [
        ("image_analyst = 'planet_labs'", "satellite-imagery company"),
    ],
    "q6_outdated": [
        ("c25_distortion = 'unsupported'", "newer figures existed"),
    ],
    "q7_grade_matrix": [
        ("grade_matrix = pd.crosstab(graded['credibility'], graded['source_type'])", "swapped"),
        ("grade_matrix = pd.crosstab(graded['source_type'], graded['credibility'], margins=True)", "margins=True"),
    ],
}
