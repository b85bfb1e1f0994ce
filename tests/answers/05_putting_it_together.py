"""Answers to exercise set 05_putting_it_together, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_claims_per_event": [
        ("claims_per_event = load_claims()['event_id'].value_counts()", "left out the claims"),
    ],
    "q2_weak_claims": [
        ("weak_claims = sorted(load_claims().query('credibility <= 3')['claim_id'])", "the other way round"),
    ],
    "q3_claims_by_place": [
        ("claims_by_place = load_events()['place_id'].value_counts()", "counted events"),
    ],
    "q4_brief": [
        (
            "brief = 'North Korea sends weapons to Russia. Kim visited factories. Putin wrote to Kim.'",
            "No sentence cites a claim",
        ),
    ],
}
