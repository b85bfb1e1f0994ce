"""Answers to exercise set 03_charting_the_timeline, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_last_week": [
        (
            "last_week_start, last_week_end = anchor - pd.Timedelta(days=7), anchor - pd.Timedelta(days=1)",
            "seven days before the anchor",
        ),
        (
            "last_week_start, last_week_end = pd.Timestamp('2025-12-14'), pd.Timestamp('2025-12-20')",
            "starts on a Sunday",
        ),
    ],
    "q2_moving_anchor": [
        ("last_true_day = letter_sent + pd.Timedelta(days=7)", "Seven days after sending"),
        (
            "def last_week(anchor):\n    return anchor - pd.Timedelta(days=7), anchor - pd.Timedelta(days=1)",
            "seven days before the anchor",
        ),
    ],
    "q3_next_year": [
        (
            "plan_start, plan_end = plan_anchor + pd.Timedelta(days=1), plan_anchor + pd.Timedelta(days=365)",
            "twelve months after the anchor",
        ),
        ("plan_start, plan_end = pd.Timestamp('2025-01-01'), pd.Timestamp('2025-12-31')", "quest'anno"),
    ],
    "q4_report_order": [
        ("first_reported = 'munitions_visit'", "the article's order"),
    ],
    "q5_pub_window": [
        ("pub_earliest = pd.Timestamp('2025-12-18')", "cannot have been written before"),
        ("pub_latest = pd.Timestamp('2026-01-05')", "closes by"),
    ],
    "q6_precision": [
        ("computed_precision = (width_days + 1).map(precision_code).set_axis(events['event_id'])", "inclusively"),
        (
            "def precision_code(width_days):\n    return 1 if width_days == 0 else 2 if width_days <= 7 else 3 if width_days <= 30 else 4",
            "1 to 13 days",
        ),
    ],
    "q7_timeline": [
        (
            "fig, ax = plt.subplots()\nax.barh(events['event_id'], events['event_end'] - events['event_start'] + pd.Timedelta(days=1), left=events['event_start'])\nax.set_xlabel('Date')\nax.set_title('All')",
            "You drew all",
        ),
        (
            "fig, ax = plt.subplots()\nax.barh(shown['event_id'], shown['event_end'] - shown['event_start'], left=shown['event_start'])\nax.set_xlabel('Date')\nax.set_title('Zero')",
            "zero width",
        ),
    ],
}
