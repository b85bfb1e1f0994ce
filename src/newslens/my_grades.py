"""Your own Admiralty grades, kept in your work folder: the file behind lesson 5's grading form.

Each time you grade a claim in the form (a letter for the source, a number for the information, and a one-line
reason), the grade is saved to ``my-work/admiralty_grades.csv``, one row per claim. Grading a claim again
updates its row; the form says so and shows the grade it replaced. Every other row is kept, and the file is
written whole to a temporary file first and then moved into place, so an interrupted save never leaves half a
file. A file in that place that this form did not write is never overwritten: saving stops with a message.

``my-work/`` is the folder ``make start`` copies the exercises to (ignored by git, never touched by an update of
the course). ``NEWSLENS_WORK_DIR`` points it elsewhere (the tests and the handout build use a private folder).

Comparing your grades with the course's is the lesson's pandas, not this module's: this module only reads and
writes the file. :func:`my_grades` falls back to a small example file, clearly labelled, when you have graded
nothing yet, so that the comparison at the end of the lesson always has something to show.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths

__all__ = [
    "COLUMNS",
    "EXAMPLE_FILE",
    "FILE_NAME",
    "GradeRefused",
    "SavedGrade",
    "check_grade",
    "grades_file",
    "my_grades",
    "read_grades",
    "save_grade",
    "work_dir",
]

#: The columns of the grades file, in order.
COLUMNS: tuple[str, ...] = ("claim_id", "reliability", "credibility", "reason", "graded_at")
FILE_NAME = "admiralty_grades.csv"
#: An example student's grades (made up by the course, with reasons), used when you have graded nothing yet.
EXAMPLE_FILE: Path = paths.DATA_DIR / "examples" / "admiralty_grades_example.csv"
_LETTERS = "ABCDEF"
_MIN_REASON_WORDS = 3


class GradeRefused(ValueError):
    """A grade that cannot be saved (no reason, a grade off the scale, a file the form did not write)."""


@dataclass(frozen=True)
class SavedGrade:
    """What :func:`save_grade` did: the file, and the row it replaced (None when the claim was new)."""

    path: Path
    previous: dict[str, str] | None


def work_dir() -> Path:
    """The student's work folder: ``$NEWSLENS_WORK_DIR``, else ``my-work/`` in the course folder."""
    override = os.environ.get("NEWSLENS_WORK_DIR")
    return Path(override) if override else paths.REPO_ROOT / "my-work"


def grades_file(folder: Path | str | None = None) -> Path:
    """The grades file in ``folder`` (default: :func:`work_dir`)."""
    return Path(folder or work_dir()) / FILE_NAME


def check_grade(reliability: object, credibility: object, reason: object) -> tuple[str, int, str]:
    """Return the grade as (letter, number, one-line reason), or raise :class:`GradeRefused` saying what is missing."""
    if not isinstance(reliability, str) or reliability.strip().upper() not in list(_LETTERS):
        raise GradeRefused("Choose a letter A-F for the source first.")
    if isinstance(credibility, bool) or not isinstance(credibility, int) or not 1 <= credibility <= 6:
        raise GradeRefused("Choose a number 1-6 for the information first.")
    text = " ".join(str(reason or "").split())  # one line: newlines and runs of spaces become single spaces
    if len(text.split()) < _MIN_REASON_WORDS:
        raise GradeRefused(
            "Write a one-line reason first (a few words: what makes you trust the source, and what supports or "
            "contradicts the claim). The course's grade stays hidden until you do."
        )
    return reliability.strip().upper(), credibility, text


def read_grades(path: Path | str) -> pd.DataFrame:
    """Read a grades file: one row per claim, the columns of :data:`COLUMNS` (credibility as ``Int64``).

    Raises :class:`GradeRefused` when the file is not one the form wrote (other columns, a repeated claim)."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise GradeRefused(f"{path} cannot be read as a grades file ({err}); rename it to keep it.") from None
    if tuple(frame.columns) != COLUMNS:
        raise GradeRefused(
            f"{path} has the columns {list(frame.columns)}, not {list(COLUMNS)}: it is not a file this form wrote. "
            "Rename or move it to keep it; the form will then start a new one."
        )
    if frame["claim_id"].duplicated().any():
        raise GradeRefused(f"{path} lists a claim twice; keep one row per claim.")
    frame["credibility"] = pd.to_numeric(frame["credibility"], errors="coerce").astype("Int64")
    return frame


def save_grade(
    claim_id: str,
    reliability: object,
    credibility: object,
    reason: object,
    *,
    folder: Path | str | None = None,
    now: dt.datetime | None = None,
) -> SavedGrade:
    """Save one grade: add the claim's row, or update it if the claim was graded before; keep every other row.

    The file is written to a temporary file in the same folder and moved into place (``os.replace``), so a
    reader never sees half a file. Raises :class:`GradeRefused` (and writes nothing) if the grade is incomplete
    or the existing file is not one this form wrote.
    """
    letter, number, text = check_grade(reliability, credibility, reason)
    path = grades_file(folder)
    rows = read_grades(path) if path.exists() else pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS})
    stamp = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    new: dict[str, str | int] = {
        "claim_id": claim_id,
        "reliability": letter,
        "credibility": number,
        "reason": text,
        "graded_at": stamp,
    }
    previous = None
    hits = rows.index[rows["claim_id"] == claim_id]
    if len(hits):
        previous = {c: str(rows.loc[hits[0], c]) for c in COLUMNS}
        for column, value in new.items():
            rows.loc[hits[0], column] = value
    else:
        rows = pd.concat([rows, pd.DataFrame([new])], ignore_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{FILE_NAME}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            rows.loc[:, list(COLUMNS)].to_csv(out, index=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return SavedGrade(path, previous)


def my_grades(folder: Path | str | None = None) -> tuple[pd.DataFrame, Path, bool]:
    """The student's grades if they have saved any, else the course's example file.

    Returns (grades, the file they came from, whether it is the example)."""
    path = grades_file(folder)
    if path.exists():
        grades = read_grades(path)
        if len(grades):
            return grades, path, False
    return read_grades(EXAMPLE_FILE), EXAMPLE_FILE, True
