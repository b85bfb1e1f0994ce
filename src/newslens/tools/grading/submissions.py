"""Submission discovery and identity: which files a submissions folder holds, whose, and for which set.

A submission is any file in the folder or in one level of per-student sub-folders (hidden files and
folders, and the instructor's own ``roster.csv`` and ``rubric_scores.csv``, are skipped). The student
is, in order:

- a Canvas download name, ``<lastfirst>[_late]_<user id>_<attachment id>_<file>`` (the login part and
  Canvas's user id), or a Moodle one, ``<Full Name>_<participant id>_assignsubmission_file_<file>``;
- else the sub-folder's name, or the file's name without the assignment name.

With a roster (:class:`Roster`, ``roster.csv``: ``id, name, login, email, aliases``), each file is
matched to a roster row by id, login, email, name (also written last-first without spaces, as Canvas
does) or one of its ``aliases`` (``;``-separated); a file that matches no row is listed as unknown,
never made into a new student. The assignment is the notebook's ``otter.assignment_name`` metadata,
else a known name that the file name contains. A file that cannot be read as a notebook is still a
submission, flagged. Of several files of one student for one set the newest (by modification time)
counts; the others are listed (:func:`discover_class`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

#: Files of the instructor's that may sit in the submissions folder and are never submissions.
INSTRUCTOR_FILES = ("roster.csv", "rubric_scores.csv")
_CANVAS = re.compile(r"^(?P<login>[a-z0-9]+?)(?P<late>_late)?_(?P<id>\d+)_(?P<attachment>\d+)_(?P<rest>.+)$")
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)_(?P<rest>.+)$")


@dataclass
class Submission:
    """One file of the submissions folder and what is known about it before running it."""

    path: Path
    student: str
    assignment: str | None
    flags: list[str] = field(default_factory=list)
    notebook: nbformat.NotebookNode | None = None
    student_id: str = ""


def _norm(text: str) -> str:
    """Lower case, accents and everything but letters and digits removed: how names are compared."""
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


@dataclass(frozen=True)
class Student:
    """One row of the roster."""

    id: str
    name: str
    login: str = ""
    email: str = ""
    aliases: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        """The normalised forms a file name may use for this student."""
        parts = self.name.split()
        last_first = "".join(parts[-1:] + parts[:-1]) if parts else ""
        forms = [self.id, self.name, last_first, self.login, self.email, self.email.split("@")[0], *self.aliases]
        return {_norm(f) for f in forms if f and _norm(f)}


@dataclass
class Roster:
    """The class list: ``roster.csv`` with columns ``id, name, login, email, aliases``."""

    students: list[Student]

    @classmethod
    def read(cls, path: Path) -> Roster:
        from ..errors import UserError

        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = {"id", "name"} - set(reader.fieldnames or [])
            if missing:
                raise UserError(
                    f"the roster {path} has no column {', '.join(sorted(missing))}",
                    "give it the columns id, name, login, email, aliases (aliases: file-name forms, ;-separated)",
                )
            students = [
                Student(
                    str(r["id"]).strip(),
                    str(r["name"]).strip(),
                    str(r.get("login") or "").strip(),
                    str(r.get("email") or "").strip(),
                    tuple(a.strip() for a in str(r.get("aliases") or "").split(";") if a.strip()),
                )
                for r in reader
                if str(r.get("id") or "").strip()
            ]
        return cls(students)

    def match(self, *forms: str) -> Student | None:
        """The one student whose id, login, email, name or aliases equal one of ``forms`` (normalised)."""
        wanted = {_norm(f) for f in forms if f and _norm(f)}
        found = [s for s in self.students if s.keys() & wanted]
        return found[0] if len(found) == 1 else None

    def by_id(self, student_id: str) -> Student | None:
        return next((s for s in self.students if s.id == student_id), None)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """``nbformat.read`` at version 4 (typed: nbformat's own ``read`` has no annotations)."""
    reader: Callable[..., nbformat.NotebookNode] = nbformat.read
    return reader(path, as_version=4)


def student_name(path: Path, folder: Path, assignment: str | None) -> str:
    """The student a file belongs to: its sub-folder, else its name without the assignment name."""
    rel = path.relative_to(folder)
    if len(rel.parts) > 1:
        return rel.parts[0]
    stem = path.name.split(".")[0]
    if assignment and assignment in stem:
        stem = stem.replace(assignment, "")
    return stem.strip("_-. ") or path.stem


def detect_assignment(path: Path, notebook: nbformat.NotebookNode | None, known: dict[str, Path]) -> str | None:
    """The known assignment a file is for: the notebook's otter metadata first, then its file name."""
    if notebook is not None:
        name = notebook.metadata.get("otter", {}).get("assignment_name")
        if name in known:
            return str(name)
    return next((name for name in known if name in path.name), None)


def _files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in list(folder.glob("*")) + list(folder.glob("*/*"))
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.name not in INSTRUCTOR_FILES
    )


def lms_identity(name: str) -> tuple[str, str, bool] | None:
    """``(who, id, late)`` from a Canvas or Moodle download name, else None."""
    match = _CANVAS.match(name)
    if match:
        return match["login"], match["id"], bool(match["late"])
    match = _MOODLE.match(name)
    if match:
        return match["name"], match["id"], False
    return None


@dataclass
class ClassFiles:
    """What a submissions folder holds: the submissions to grade and the files that are not graded."""

    submissions: list[Submission]
    unknown: list[Path] = field(default_factory=list)  # no roster row matches
    superseded: list[Path] = field(default_factory=list)  # an older file of the same student and set


def _late(path: Path, due: dt.datetime | None) -> str | None:
    if due is None:
        return None
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=due.tzinfo or dt.timezone.utc)
    due_at = due if due.tzinfo else due.replace(tzinfo=dt.timezone.utc)
    late = mtime - due_at
    if late <= dt.timedelta(0):
        return None
    hours, rest = divmod(int(late.total_seconds()), 3600)
    days, hours = divmod(hours, 24)
    text = " ".join(f"{n} {u}" for n, u in ((days, "d"), (hours, "h"), (rest // 60, "min")) if n) or "<1 min"
    return f"late by {text}"


def discover_class(
    folder: Path, known: dict[str, Path], roster: Roster | None = None, due: dt.datetime | None = None
) -> ClassFiles:
    """:func:`discover`, then the roster, newest-file-wins and the due date applied."""
    found = discover(folder, known)
    result = ClassFiles([])
    for sub in found:
        lms = lms_identity(sub.path.name)
        if lms is not None:
            who, lms_id, late = lms
            sub.student, sub.student_id = who, lms_id
            if late:
                sub.flags.append("late (marked late by the LMS)")
        if roster is not None:
            row = roster.by_id(sub.student_id) if sub.student_id else None
            row = row or roster.match(sub.student, *([lms[0]] if lms else []))
            if row is None:
                result.unknown.append(sub.path)
                continue
            sub.student, sub.student_id = row.name, row.id
        late_by = _late(sub.path, due)
        if late_by:
            sub.flags.append(late_by)
        result.submissions.append(sub)
    newest: dict[tuple[str, str | None], Submission] = {}
    for sub in result.submissions:
        key = (sub.student_id or sub.student, sub.assignment)
        other = newest.get(key)
        if sub.assignment is not None and other is not None:
            keep, drop = (sub, other) if sub.path.stat().st_mtime >= other.path.stat().st_mtime else (other, sub)
            result.superseded.append(drop.path)
            newest[key] = keep
        else:
            newest[key if sub.assignment is not None else (str(sub.path), None)] = sub
    kept = list(newest.values())
    result.submissions = sorted(kept, key=lambda s: (s.student, s.assignment or "", s.path.name))
    for sub in result.submissions:
        dropped = [
            p.name
            for p in result.superseded
            if (sub.student_id or sub.student, sub.assignment)
            in {(s.student_id or s.student, s.assignment) for s in found if s.path == p}
        ]
        if dropped:
            sub.flags.append(f"note: newest file graded; not graded: {', '.join(sorted(dropped))}")
    return result


def discover(folder: Path, known: dict[str, Path]) -> list[Submission]:
    """Every file in ``folder`` (and one level of per-student sub-folders) as a submission."""
    found: list[Submission] = []
    for path in _files(folder):
        flags: list[str] = []
        notebook = None
        try:
            notebook = read_notebook(path)
        except Exception as exc:  # any unreadable file is a submission to flag, not a crash
            flags.append(f"not a notebook ({type(exc).__name__})")
        assignment = detect_assignment(path, notebook, known)
        if assignment is None:
            flags.append("unknown assignment")
        found.append(Submission(path, student_name(path, folder, assignment), assignment, flags, notebook))
    return found
