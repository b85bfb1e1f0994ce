"""The gradebook: one :class:`GradebookRow` per student and question, and the feedback it carries.

Rows are built in one place, :func:`submission_rows`, from a submission's questions, its flags and the
plain JSON summary of its run (see :mod:`.otter_adapter`). :func:`to_frame` and :func:`write_csv` turn
them into the DataFrame and the ``gradebook.csv`` an instructor reads, with :data:`GRADEBOOK_COLUMNS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from ..exercises import Question

#: The ``ename`` of a cell interrupted for running too long (by otter's patched executor, or by Ctrl-C).
_TIMEOUT_ERRORS = ("CellTimeoutError", "KeyboardInterrupt", "CellCPULimit")
#: The flag of a question that has no result although it should have one (never a silent 0).
NOT_GRADED = "not graded: rerun"


@dataclass(frozen=True)
class GradebookRow:
    """One line of the gradebook: a student's result on one question (``points`` None: graded by hand)."""

    student: str
    assignment: str
    question: str
    points: float | None
    max_points: float
    feedback: str
    flag: str
    file: str = ""
    student_id: str = ""


#: The gradebook's columns, in order: the fields of :class:`GradebookRow`.
GRADEBOOK_COLUMNS: list[str] = [f.name for f in fields(GradebookRow)]


class _Score(NamedTuple):
    """What a row says about its question, in :class:`GradebookRow`'s order."""

    points: float | None
    max_points: float
    feedback: str
    flag: str


# ----------------------------------------------------------------------------------------------
# Feedback


def _case_feedback(case: dict[str, Any]) -> str:
    """The student-facing sentence of a failed test case: its assert message, not the traceback."""
    message = case.get("message") or ""
    match = re.search(r"^(\w*Error): (.*)\Z", message, flags=re.S | re.M)
    text = match.group(2).strip() if match else message.strip().splitlines()[-1:] or [""]
    text = text if isinstance(text, str) else text[0]
    if match and match.group(1) != "AssertionError":
        text = f"the check could not run ({match.group(1)}: {text})"
    prefix = case.get("failure_message")
    return f"{prefix} {text}".strip() if prefix else text


def _question_feedback(result: dict[str, Any]) -> str:
    """All checks passed (with their success messages), or each distinct failure message once."""
    failed = [c for c in result["cases"] if not c["passed"]]
    if not failed:
        extra = [c["success_message"] for c in result["cases"] if c.get("success_message")]
        return " ".join(["All checks passed.", *extra])
    seen: list[str] = []
    for case in failed:
        text = _case_feedback(case)
        if text and text not in seen:
            seen.append(text)
    return " | ".join(seen)


def _error_flags(errors: list[dict[str, Any]], memory_mb: int | None = None) -> list[str]:
    """Flags for the errors of a run: cells interrupted for time, memory, then the first other error.

    Cell numbers count the submission's own cells (1 = its first cell), as JupyterLab shows them.
    """
    flags = []
    timeouts = [e for e in errors if e.get("ename") in _TIMEOUT_ERRORS]
    if timeouts:
        cells = ", ".join(str(e["cell"]) for e in timeouts[:5])
        flags.append(f"timeout (cell {cells} ran too long and was interrupted; later cells were still graded)")
    memory = [e for e in errors if e.get("ename") == "MemoryError"]
    if memory:
        limit = f" of {memory_mb} MB" if memory_mb else ""
        flags.append(f"memory limit{limit} hit in cell {memory[0]['cell']}")
    others = [e for e in errors if e not in timeouts and e not in memory]
    if others:
        first = others[0]
        flags.append(
            f"error in cell {first['cell']}: {first['ename']}: {str(first['evalue'])[:120]}"
            + (f" (+{len(others) - 1} more)" if len(others) > 1 else "")
        )
    return flags


def run_flags(
    run: Mapping[str, Any], timeout: int, *, memory_mb: int | None = None, output_bytes: int | None = None
) -> list[str]:
    """Flags for how the run of a submission went (``timeout`` is the notebook's limit, for the message)."""
    flags: list[str] = []
    if run["status"] == "timeout":
        flags.append(
            f"timeout (the notebook ran longer than {timeout} s and was stopped; "
            "the answers it had computed were graded)"
        )
    elif run["status"] == "died":
        flags.append(f"the notebook's kernel stopped early ({run.get('detail', '')}); what it had computed was graded")
    elif run["status"] == "crashed":
        flags.append(f"grading crashed: {run.get('detail', '')}")
    flags += _error_flags(run.get("errors", []), memory_mb)
    if run.get("output_capped"):
        flags.append(f"output limit ({output_bytes or 0} bytes) reached: the rest of the output was dropped")
    if run.get("process_limit_hit"):
        flags.append(f"process limit ({run['process_limit_hit']} processes) hit: further processes were refused")
    if run.get("leftover_processes"):
        flags.append(
            f"processes left running ({run['leftover_processes']}): the notebook started processes meant to "
            "outlive it; the sandbox ended them"
        )
    notes = run.get("notes") or []
    if notes:
        flags.append("tampering tried: " + "; ".join(str(n)[:160] for n in notes[:5]))
    return flags


# ----------------------------------------------------------------------------------------------
# Rows


def _score(question: Question, run: Mapping[str, Any], flag: str) -> _Score:
    if question.manual:
        manual_flag = "; ".join(filter(None, ["manual", flag]))
        return _Score(None, question.points, "Manual question: grade it with the rubric.", manual_flag)
    result = run.get("questions", {}).get(question.name)
    if result is None:
        if run["status"] == "skipped":
            return _Score(0.0, question.points, "Not graded: the file could not be run as a notebook.", flag)
        # Never a silent 0: a question the checks did not reach is flagged for a rerun.
        feedback = "No result: the checks did not run for this question; grade it again."
        return _Score(0.0, question.points, feedback, "; ".join(filter(None, [flag, NOT_GRADED])))
    points, possible = round(float(result["score"]), 3), round(float(result["possible"]), 3)
    return _Score(points, possible, _question_feedback(result), flag)


def submission_rows(
    student: str,
    assignment: str | None,
    file_name: str,
    questions: Sequence[Question],
    run: Mapping[str, Any],
    flags: Sequence[str],
) -> list[GradebookRow]:
    """The gradebook rows of one submission: one per question, or one saying the set is unknown."""
    flag = "; ".join(flags)
    if assignment is None:
        scores = [("", _Score(0.0, 0.0, f"Could not tell which exercise set {file_name} is.", flag))]
    else:
        scores = [(q.name, _score(q, run, flag)) for q in questions]
    return [GradebookRow(student, assignment or "", question, *score, file=file_name) for question, score in scores]


def to_frame(rows: Iterable[GradebookRow]) -> pd.DataFrame:
    """The rows as a DataFrame with :data:`GRADEBOOK_COLUMNS` (``points`` NaN for manual questions)."""
    frame: pd.DataFrame = pd.DataFrame([asdict(row) for row in rows], columns=GRADEBOOK_COLUMNS)
    return frame


def read_csv(path: Path) -> pd.DataFrame:
    """A gradebook written by :func:`write_csv`, with the formula guard taken off again."""
    frame = pd.read_csv(path, dtype={c: str for c in GRADEBOOK_COLUMNS if c not in ("points", "max_points")})
    frame = frame.reindex(columns=GRADEBOOK_COLUMNS)
    for col in ("student", "assignment", "question", "feedback", "flag", "file", "student_id"):
        frame[col] = (
            frame[col].fillna("").map(lambda v: v[1:] if v.startswith("'") and v[1:].startswith(_FORMULA_START) else v)
        )
    return frame


#: What a spreadsheet or an LMS reads as the start of a formula (OWASP's list for CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'`` so that it stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell (and column name) that could become a formula neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(c) for c in out.columns]
    return out


def write_csv(gradebook: pd.DataFrame, path: Path) -> Path:
    """Write a table to ``path`` (no index column, formulas neutralised); returns ``path``."""
    safe_frame(gradebook).to_csv(path, index=False)
    return path
