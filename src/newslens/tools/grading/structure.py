"""Structural checks of a submission against the student version the class was given.

otter grades what a notebook computes; it does not notice that a student deleted, reordered or edited
the protected cells (prompts, ``grader.check`` cells), edited the tests stored in the notebook's
metadata, or wrote code that reaches into the grader. :func:`structure_flags` names each of these as a
flag with its reason; the submission is still graded, against the course's own tests.
"""

from __future__ import annotations

import re

import nbformat

#: Code in a student's cell that reaches into the grader: legitimate answers never need these.
SUSPICIOUS = re.compile(
    r"\bChecker\b|\bGradingResults\b|otter\.(?:execute|test_files|run|check)\b|\bgrader\s*=|grader\.check\s*="
)


def structure_flags(submitted: nbformat.NotebookNode, student_version: nbformat.NotebookNode) -> list[str]:
    """Flags for protected cells deleted, reordered or edited, tampered tests and suspicious code.

    Protected cells are those otter marks read-only in the student version (the set-up of otter,
    question prompts and ``grader.check`` cells). They are matched by cell id, then by source.
    """
    flags: list[str] = []
    protected = [c for c in student_version.cells if c.metadata.get("editable") is False]
    by_id = {c.get("id"): i for i, c in enumerate(submitted.cells)}
    by_source: dict[str, int] = {}
    for i, c in enumerate(submitted.cells):
        by_source.setdefault(c.source, i)
    positions: list[int] = []
    deleted = edited = 0
    for cell in protected:
        idx = by_id.get(cell.get("id"))
        if idx is not None and submitted.cells[idx].source != cell.source:
            edited += 1
            positions.append(idx)
        elif idx is not None:
            positions.append(idx)
        elif cell.source in by_source:
            positions.append(by_source[cell.source])
        else:
            deleted += 1
    if deleted:
        flags.append(f"deleted cells ({deleted} protected cell(s) missing)")
    if positions != sorted(positions):
        flags.append("reordered cells")
    if edited:
        flags.append(f"edited protected cells ({edited})")
    shipped = student_version.metadata.get("otter", {}).get("tests", {})
    if submitted.metadata.get("otter", {}).get("tests", {}) != shipped:
        flags.append("tampered tests (the notebook's stored tests were edited; the course's tests were used)")
    protected_sources = {c.source for c in protected}
    for i, cell in enumerate(submitted.cells):
        if cell.cell_type == "code" and cell.source not in protected_sources and SUSPICIOUS.search(cell.source):
            flags.append(f"tampered tests (cell {i + 1} reaches into the grader)")
            break
    return flags
