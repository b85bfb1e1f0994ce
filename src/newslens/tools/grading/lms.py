"""What the gradebook becomes for people and for an LMS: manual scores merged, totals, Canvas and Moodle files.

- :func:`merge_rubric`: the instructor's ``rubric_scores.csv`` (``student, question, points, comment``)
  fills the manual questions' points and feedback. The grader adds a row for each manual question that
  has none yet (points empty) and never changes a row the instructor filled in, so the file survives
  re-runs.
- :func:`summary`: one row per student: the points per set (autograded + manual), the total, the maximum,
  and the manual scores still missing.
- :func:`canvas_export`: Canvas's gradebook import layout: ``Student, ID, SIS User ID, SIS Login ID,
  Section`` then one column per set, and a ``Points Possible`` row first (as in Canvas's own export).
  Canvas needs the student's name or ID or SIS User ID, plus SIS Login ID and Section columns, then an
  assignment column (Ohio State's Canvas guide, "Import CSV File for Carmen Grades",
  https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades).
  ``ID`` is the roster id, which is Canvas's user id when the files came from a Canvas download.
- :func:`moodle_export`: a CSV for Moodle's grade import, which maps a column to a user by "ID number"
  (``useridnumber``) or "Email address" (``useremail``) and each other column to a grade item (MoodleDocs,
  "Grade import", https://docs.moodle.org/311/en/Grade_import): ``ID number, Email address, Full name``
  then one column per set.

Every file is written through :func:`.gradebook.write_csv`, which neutralises cells a spreadsheet would
run as formulas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .gradebook import write_csv
from .submissions import Roster

RUBRIC_FILE = "rubric_scores.csv"
RUBRIC_COLUMNS = ["student", "assignment", "question", "points", "comment"]


def _is_manual(gradebook: pd.DataFrame) -> pd.Series:
    return gradebook["flag"].fillna("").str.split("; ").map(lambda parts: "manual" in parts)


def merge_rubric(gradebook: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The gradebook with the manual points of ``path`` merged in; ``path`` gains a row per new manual question."""
    gradebook = gradebook.copy()
    manual = gradebook[_is_manual(gradebook)]
    rubric = (
        pd.read_csv(path, dtype={"student": str, "assignment": str, "question": str, "comment": str})
        if path.exists()
        else pd.DataFrame(columns=RUBRIC_COLUMNS)
    )
    for col in RUBRIC_COLUMNS:
        if col not in rubric.columns:
            rubric[col] = None
    rubric["student"] = rubric["student"].astype(str).str.lstrip("'")  # undo the CSV's formula guard
    have = set(zip(rubric["student"], rubric["assignment"], rubric["question"], strict=True))
    new = [
        {"student": r.student, "assignment": r.assignment, "question": r.question, "points": None, "comment": ""}
        for r in manual.itertuples()
        if (r.student, r.assignment, r.question) not in have
    ]
    if new or not path.exists():
        rubric = pd.concat([rubric[RUBRIC_COLUMNS], pd.DataFrame(new, columns=RUBRIC_COLUMNS)], ignore_index=True)
        write_csv(rubric, path)
    scores = {
        (r.student, r.assignment, r.question): (r.points, r.comment)
        for r in rubric.itertuples()
        if pd.notna(r.points) and str(r.points).strip() != ""
    }
    gradebook["manual_points"] = float("nan")
    for idx, r in manual.iterrows():
        key = (r["student"], r["assignment"], r["question"])
        if key in scores:
            points, comment = scores[key]
            gradebook.loc[idx, "manual_points"] = float(str(points))
            text = str(comment) if isinstance(comment, str) else ""
            gradebook.loc[idx, "feedback"] = f"Graded by hand: {text}".strip()
    return gradebook


def summary(gradebook: pd.DataFrame) -> pd.DataFrame:
    """One row per student: points per set (autograded + manual), total, maximum, missing manual scores."""
    gb = gradebook[gradebook["assignment"].fillna("") != ""].copy()
    if "manual_points" not in gb.columns:
        gb["manual_points"] = float("nan")
    gb["earned"] = gb["points"].fillna(0) + gb["manual_points"].fillna(0)
    manual = _is_manual(gb)
    gb["missing"] = manual & gb["manual_points"].isna()
    rows = []
    for (student, student_id), g in gb.groupby(["student", "student_id"], sort=True, dropna=False):
        row: dict[str, object] = {"student": student, "student_id": student_id}
        for assignment, a in g.groupby("assignment", sort=True):
            row[str(assignment)] = round(float(a["earned"].sum()), 3)
        row["total"] = round(float(g["earned"].sum()), 3)
        row["max_points"] = round(float(g["max_points"].sum()), 3)
        missing = g[g["missing"]]
        row["manual_missing"] = "; ".join(
            f"{a}:{q}" for a, q in zip(missing["assignment"], missing["question"], strict=True)
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _ids(frame: pd.DataFrame, roster: Roster | None) -> pd.DataFrame:
    out = frame.copy()
    out["login"] = ""
    out["email"] = ""
    if roster is not None:
        for idx, r in out.iterrows():
            row = roster.by_id(str(r["student_id"]))
            if row is not None:
                out.loc[idx, "login"] = row.login
                out.loc[idx, "email"] = row.email
    return out


def _sets(frame: pd.DataFrame) -> list[str]:
    fixed = {"student", "student_id", "total", "max_points", "manual_missing", "login", "email"}
    return [c for c in frame.columns if c not in fixed]


def canvas_export(table: pd.DataFrame, gradebook: pd.DataFrame, roster: Roster | None) -> pd.DataFrame:
    """The summary in Canvas's gradebook import layout, with a ``Points Possible`` row first."""
    t = _ids(table, roster)
    sets = _sets(t)
    possible = gradebook.groupby(["assignment", "student"])["max_points"].sum().groupby("assignment").max()
    first: dict[str, object] = {"Student": "Points Possible", "ID": "", "SIS User ID": "", "SIS Login ID": ""}
    first["Section"] = ""
    first.update({s: float(possible.get(s, 0.0)) for s in sets})
    rows = [first]
    for d in t.to_dict(orient="records"):
        row: dict[str, object] = {"Student": d["student"], "ID": d["student_id"], "SIS User ID": d["student_id"]}
        row.update({"SIS Login ID": d["login"], "Section": ""})
        row.update({s: d[s] for s in sets})
        rows.append(row)
    return pd.DataFrame(rows, columns=["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *sets])


def moodle_export(table: pd.DataFrame, roster: Roster | None) -> pd.DataFrame:
    """The summary for Moodle's CSV grade import: ``ID number, Email address, Full name``, one column per set."""
    t = _ids(table, roster)
    sets = _sets(t)
    out = pd.DataFrame({"ID number": t["student_id"], "Email address": t["email"], "Full name": t["student"]})
    for s in sets:
        out[s] = t[s]
    return out


def write_outputs(gradebook: pd.DataFrame, out: Path, roster: Roster | None) -> dict[str, Path]:
    """Write summary.csv, canvas.csv and moodle.csv next to the gradebook; their paths by name."""
    table = summary(gradebook)
    paths = {
        "summary": write_csv(table, out / "summary.csv"),
        "canvas": write_csv(canvas_export(table, gradebook, roster), out / "canvas.csv"),
        "moodle": write_csv(moodle_export(table, roster), out / "moodle.csv"),
    }
    return paths
