"""Answers to exercise set 04_charting_the_timeline, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_last_week": [
        # right, in other forms
        (
            "last_week_start, last_week_end = pd.Timestamp('2025-12-15'), pd.Timestamp('2025-12-21')\n"
            "letter_in_last_week = True",
            None,
        ),
        (
            "week = anchor.to_period('W') - 1\n"
            "last_week_start, last_week_end = week.start_time, week.end_time\n"
            "letter_in_last_week = bool(last_week_start <= letter_date <= last_week_end)",
            None,
        ),
        # known mistakes
        (
            "last_week_start, last_week_end = anchor - pd.Timedelta(days=7), anchor - pd.Timedelta(days=1)",
            "seven days before the anchor",
        ),
        (
            "last_week_start, last_week_end = pd.Timestamp('2025-12-14'), pd.Timestamp('2025-12-20')",
            "starts on a Sunday",
        ),
        (
            "last_week_start, last_week_end = pd.Timestamp('2025-12-22'), pd.Timestamp('2025-12-28')",
            "the anchor's own week",
        ),
        (
            "last_week_start, last_week_end = pd.Timestamp('2025-12-08'), pd.Timestamp('2025-12-14')",
            "Wrong week",
        ),
        (
            "last_week_start, last_week_end = pd.Timestamp('2025-12-15'), pd.Timestamp('2025-12-20')",
            "your end a Saturday",
        ),
        ("last_week_start = '2025-12-15'", "is a string"),
        ("letter_in_last_week = False", "KCNA dated the letter Thu 18 Dec 2025"),
        ("letter_in_last_week = 'yes'", "should be a Python bool"),
        ("letter_in_last_week = pd.Series([True]).all()", "wrap the comparison in bool(...)"),
        ("last_week_start = pd.Timestamp('2025-12-15 09:00')", "has a time of day"),
    ],
    "q2_moving_anchor": [
        # right, in other forms
        (
            "def last_week(anchor):\n"
            "    week = pd.Timestamp(anchor).to_period('W') - 1\n"
            "    return week.start_time, week.end_time.normalize()\n"
            "last_true_day = pd.Timestamp('2025-12-28')",
            None,
        ),
        ("last_true_day = pd.Timestamp('2025-12-28 18:00')", None),
        # known mistakes
        ("last_true_day = letter_date + pd.Timedelta(days=7)", "Seven days after the letter's date"),
        ("last_true_day = pd.Timestamp('2025-12-21')", "ends the letter's own week"),
        ("last_true_day = pd.Timestamp('2025-12-27')", "Take the latest one"),
        (
            "def last_week(anchor):\n    return anchor - pd.Timedelta(days=7), anchor - pd.Timedelta(days=1)",
            "seven days before the anchor",
        ),
        (
            "def last_week(anchor):\n"
            "    anchor = pd.Timestamp(anchor).normalize()\n"
            "    sunday = anchor - pd.Timedelta(days=(anchor.weekday() + 1) % 7)\n"
            "    return sunday - pd.Timedelta(days=7), sunday - pd.Timedelta(days=1)",
            "it starts on a Sunday, the US convention",
        ),
        (
            # the anchor's own week ('questa settimana')
            "def last_week(anchor):\n"
            "    monday = pd.Timestamp(anchor).normalize() - pd.Timedelta(days=pd.Timestamp(anchor).weekday())\n"
            "    return monday, monday + pd.Timedelta(days=6)",
            "gives the anchor's own week",
        ),
        (
            # two weeks back: a Monday-Sunday week, but the wrong one (the message must not give the right dates)
            "_right = last_week\n"
            "def last_week(anchor):\n"
            "    monday, sunday = _right(anchor)\n"
            "    return monday - pd.Timedelta(days=7), sunday - pd.Timedelta(days=7)",
            "Mondays and Sundays are the edge cases",
        ),
        (
            # Monday to Saturday: not a calendar week
            "_right = last_week\n"
            "def last_week(anchor):\n"
            "    monday, sunday = _right(anchor)\n"
            "    return monday, sunday - pd.Timedelta(days=1)",
            "a calendar week runs from a Monday to the Sunday after it",
        ),
        (
            "_right = last_week\ndef last_week(anchor):\n    return list(_right(anchor))",
            "should return a tuple of two dates",
        ),
        (
            "_right = last_week\ndef last_week(anchor):\n    return tuple(str(d.date()) for d in _right(anchor))",
            "Both dates should be pd.Timestamp",
        ),
        (
            # right on the four public cases, wrong on the first day of a month (a plausible off-by-one)
            "_right = last_week\n"
            "def last_week(anchor):\n"
            "    monday, sunday = _right(anchor)\n"
            "    shift = pd.Timedelta(days=7 if anchor.day == 2 else 0)\n"
            "    return monday - shift, sunday - shift",
            "should end on the Sunday just before the Monday",
        ),
    ],
    "q3_next_year": [
        ("plan_start, plan_end = pd.Timestamp('2026-01-01'), pd.Timestamp('2026-12-31')", None),
        (
            "plan_start = pd.Timestamp(f'{plan_anchor.year + 1}-01-01')\nplan_end = plan_start + pd.offsets.YearEnd(0)",
            None,
        ),
        (
            "plan_start, plan_end = plan_anchor + pd.Timedelta(days=1), plan_anchor + pd.Timedelta(days=365)",
            "twelve months after the anchor",
        ),
        ("plan_start, plan_end = pd.Timestamp('2025-01-01'), pd.Timestamp('2025-12-31')", "quest'anno"),
        (
            "_next = pd.Timestamp.now().year + 1\n"
            "plan_start, plan_end = pd.Timestamp(_next, 1, 1), pd.Timestamp(_next, 12, 31)",
            "not to when you read it",
        ),
        ("plan_end = pd.Timestamp('2026-12-30')", "a whole calendar year"),
        ("plan_start = '2026-01-01'", "should be a pd.Timestamp"),
        ("plan_start = pd.Timestamp('2026-01-01 08:00')", "carry a time of day"),
    ],
    "q4_report_order": [
        ("first_reported, article_order_correct = 'submarine_visit', False", None),
        ("first_reported = str(visits['report_date'].idxmin())", None),
        ("first_reported = 'munitions_visit'", "the article's order"),
        ("article_order_correct = True", "Is it second in the events table?"),
        ("first_reported = 'submarine'", 'Answer "munitions_visit" or "submarine_visit"'),
        ("first_reported = ['submarine_visit']", "should be an event_id string"),
        ("article_order_correct = 'no'", "should be a Python bool"),
    ],
    "q5_pub_window": [
        # the course's estimate is the solution (26-28 Dec); other defensible windows pass
        ("pub_earliest, pub_latest = pd.Timestamp('2025-12-26'), pd.Timestamp('2025-12-31')", None),
        ("pub_earliest, pub_latest = pd.Timestamp('2025-12-25'), pd.Timestamp('2025-12-28')", None),
        ("pub_earliest, pub_latest = pd.Timestamp('2025-12-26'), pd.Timestamp('2025-12-27')", None),
        ("pub_earliest = pd.Timestamp('2025-12-18')", "the date KCNA gave Putin's letter"),
        ("pub_earliest = pd.Timestamp('2025-12-21')", "Too early"),
        ("pub_earliest = pd.Timestamp('2025-12-27')", "Too late a start"),
        ("pub_latest = pd.Timestamp('2026-01-05')", "closes by"),
        ("pub_latest = pd.Timestamp('2025-12-26')", "closed the window on the day it opens"),
        ("pub_earliest, pub_latest = pd.Timestamp('2025-12-28'), pd.Timestamp('2025-12-26')", "swap them"),
        ("pub_earliest = '2025-12-26'", "should be a pd.Timestamp"),
    ],
    "q6_precision": [
        (
            "def precision_code(width_days):\n"
            "    return 1 if width_days == 0 else 2 if width_days < 14 else 3 if width_days < 31 else 4\n"
            "computed_precision = pd.Series([precision_code(w) for w in width_days], index=events['event_id'])",
            None,
        ),
        ("computed_precision = (width_days + 1).map(precision_code).set_axis(events['event_id'])", "inclusively"),
        (
            "def precision_code(width_days):\n"
            "    return 1 if width_days == 0 else 2 if width_days <= 7 else 3 if width_days <= 30 else 4",
            "1 to 13 days",
        ),
        (
            "def precision_code(width_days):\n"
            "    return 1 if width_days <= 1 else 2 if width_days <= 13 else 3 if width_days <= 30 else 4",
            "two possible days",
        ),
        (
            "def precision_code(width_days):\n"
            "    return 1 if width_days == 0 else 2 if width_days <= 13 else 3 if width_days <= 31 else 4",
            "31 days or more is code 4",
        ),
        ("computed_precision = list(computed_precision)", "should be a pandas Series"),
        ("computed_precision = width_days.map(precision_code)", "index the Series by event_id"),
        (
            "_right = precision_code\n"
            "def precision_code(width_days):\n    return float(_right(width_days))\n"
            "computed_precision = width_days.map(precision_code).set_axis(events['event_id'])",
            "should return ints",
        ),
    ],
    "q7_timeline": [
        (
            "fig, ax = plt.subplots()\n"
            "ax.barh(shown['label_en'], width, left=shown['event_start'])\n"
            "ax.set_xlabel('Date')\nax.set_title('Article events')",
            None,
        ),
        (
            # a defensible extra: the estimated publication window as a band (a Rectangle, but not a bar)
            "fig, ax = plt.subplots()\n"
            "ax.barh(y=shown['event_id'], width=width, left=shown['event_start'])\n"
            "ax.axvspan(pd.Timestamp('2025-12-26'), pd.Timestamp('2025-12-29'), alpha=0.3)\n"
            "ax.set_xlabel('Date')\nfig.suptitle('Article events')",
            None,
        ),
        (
            "fig, ax = plt.subplots()\n"
            "ax.barh(events['event_id'], events['event_end'] - events['event_start'] + pd.Timedelta(days=1),"
            " left=events['event_start'])\nax.set_xlabel('Date')\nax.set_title('All')",
            "You drew all",
        ),
        (
            "fig, ax = plt.subplots()\n"
            "ax.barh(shown['event_id'], shown['event_end'] - shown['event_start'], left=shown['event_start'])\n"
            "ax.set_xlabel('Date')\nax.set_title('Zero')",
            "zero width",
        ),
        (
            "fig, ax = plt.subplots()\nax.scatter(shown['event_start'], shown['event_id'])\n"
            "ax.set_xlabel('Date')\nax.set_title('Dots')",
            "No bars found",
        ),
        (
            "import matplotlib.dates as _md\nfig, ax = plt.subplots()\n"
            "ax.broken_barh([(_md.date2num(s), w.days) for s, w in zip(shown['event_start'], width)], (0, 1))\n"
            "ax.set_xlabel('Date')\nax.set_title('Broken')",
            "ax.broken_barh draws none",
        ),
        (
            "fig, ax = plt.subplots()\nax.barh(shown['event_id'], width, left=shown['event_start'])\n"
            "ax.set_title('No axis label')",
            "Label the time axis",
        ),
        (
            "fig, ax = plt.subplots()\nax.barh(shown['event_id'], width, left=shown['event_start'])\n"
            "ax.set_xlabel('Date')",
            "Give the figure a title",
        ),
        (
            "fig, ax = plt.subplots()\nax.barh(range(len(shown)), width, left=shown['event_start'])\n"
            "ax.set_xlabel('Date')\nax.set_title('Numbers')",
            "Label each bar",
        ),
        (
            "fig, ax = plt.subplots()\n"
            "ax.barh(shown['event_id'], width, left=shown['event_start'] + (shown['event_end'] - shown['event_start']) / 2)\n"
            "ax.set_xlabel('Date')\nax.set_title('Midpoints')",
            "Each bar should start at its event_start",
        ),
        ("fig = ax", "should be a matplotlib Figure"),
    ],
}
