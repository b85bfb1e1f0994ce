"""The HTML feedback reports: one self-contained page per student, from the gradebook.

Each report gives, per exercise set, the autograded score, the flags, a table of questions with points
and feedback, and for each manual question its prompt and rubric next to the student's written answer
(the cells after the prompt), for the instructor to grade.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from .. import exercises
from .submissions import Submission

_STYLE = (
    "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}td,th{border:1px solid #999;"
    "padding:.3rem;vertical-align:top}table{border-collapse:collapse}.flag{color:#a00}</style>"
)


def _manual_answers(sub: Submission, source: Path) -> dict[str, str]:
    """The student's written answers to manual questions (the cells after each prompt)."""
    if sub.notebook is None:
        return {}
    answers: dict[str, str] = {}
    cells = sub.notebook.cells
    for q in exercises.questions(source):
        if not q.manual:
            continue
        idx = next((i for i, c in enumerate(cells) if c.source.strip().endswith(q.prompt.strip())), None)
        if idx is None:
            answers[q.name] = "(the question's cell was not found)"
            continue
        parts = []
        for cell in cells[idx + 1 :]:
            if cell.metadata.get("editable") is False:
                break
            if "<summary>Hint</summary>" not in cell.source:
                parts.append(cell.source)
        answers[q.name] = "\n\n".join(parts).strip() or "(no answer)"
    return answers


def write_reports(
    gradebook: pd.DataFrame, subs: list[Submission], sources: dict[str, Path], out_dir: Path
) -> list[Path]:
    """One self-contained HTML feedback report per student; returns the paths written."""
    written = []
    for student, rows in gradebook.groupby("student", sort=True):
        title = f"<title>Feedback: {html.escape(str(student))}</title>"
        parts = [
            f"<!doctype html><html lang='en'><meta charset='utf-8'>{title}",
            _STYLE,
            f"<h1>Feedback for {html.escape(str(student))}</h1>",
        ]
        for assignment, arows in rows.groupby("assignment", sort=True):
            auto = arows[arows["points"].notna()]
            parts.append(f"<h2>{html.escape(str(assignment) or 'Unrecognised file')}</h2>")
            parts.append(f"<p>Autograded score: {auto['points'].sum():g} / {auto['max_points'].sum():g}</p>")
            manual = arows[arows["points"].isna() & arows["flag"].fillna("").str.contains("manual")]
            if len(manual):
                scored = manual[manual["manual_points"].notna()] if "manual_points" in manual else manual.iloc[:0]
                parts.append(
                    f"<p>Manual score: {scored['manual_points'].sum() if len(scored) else 0:g} / "
                    f"{manual['max_points'].sum():g}</p>"
                )
                missing = sorted(set(manual["question"]) - set(scored["question"]))
                if missing:
                    parts.append(
                        "<p class='flag'>Manual scores still missing: " + html.escape(", ".join(missing)) + "</p>"
                    )
            flags = {f for f in arows["flag"].fillna("") for f in f.split("; ") if f and f != "manual"}
            if flags:
                parts.append("<p class='flag'>Flags: " + html.escape("; ".join(sorted(flags))) + "</p>")
            parts.append("<table><tr><th>Question</th><th>Points</th><th>Feedback</th></tr>")
            for _, r in arows.iterrows():
                pts = "manual" if pd.isna(r["points"]) else f"{r['points']:g}"
                if pd.isna(r["points"]) and pd.notna(r.get("manual_points", float("nan"))):
                    pts = f"{r['manual_points']:g} (by hand)"
                parts.append(
                    f"<tr><td>{html.escape(str(r['question']))}</td><td>{pts} / {r['max_points']:g}</td>"
                    f"<td>{html.escape(str(r['feedback']))}</td></tr>"
                )
            parts.append("</table>")
            sub = next((s for s in subs if s.student == student and s.assignment == assignment), None)
            if sub is not None and assignment in sources:
                source = sources[str(assignment)]
                questions = {q.name: q for q in exercises.questions(source)}
                for name, answer in _manual_answers(sub, source).items():
                    parts.append(
                        f"<h3>{html.escape(name)} (manual)</h3><h4>Question and rubric</h4>"
                        f"<pre>{html.escape(questions[name].prompt)}</pre><h4>Answer</h4>"
                        f"<pre>{html.escape(answer)}</pre>"
                    )
        parts.append("</html>")
        path = out_dir / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', str(student))}.html"
        path.write_text("\n".join(parts), encoding="utf-8")
        written.append(path)
    return written
