"""Submission discovery and identity: which files a submissions folder holds, whose, and for which set.

A submission is any file in the folder or in one level of per-student sub-folders (hidden files and
folders are skipped). The student is the sub-folder's name, or the file's name without the assignment
name; the assignment is the notebook's ``otter.assignment_name`` metadata, else a known name that the
file name contains. A file that cannot be read as a notebook is still a submission, flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat


@dataclass
class Submission:
    """One file of the submissions folder and what is known about it before running it."""

    path: Path
    student: str
    assignment: str | None
    flags: list[str] = field(default_factory=list)
    notebook: nbformat.NotebookNode | None = None


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
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


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
