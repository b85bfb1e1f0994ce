"""Grade a class's submitted exercise notebooks locally: ``make grade SUBMISSIONS=<folder>``.

Each submission runs in its own sandbox (bubblewrap: its own mount, PID, network and IPC namespaces,
the course and the venv read-only, no network, rlimits on memory, CPU, processes and file size), with
otter's check cells replaced by an export of the answer variables as plain data. The score is then
computed by a separate, trusted process (:mod:`.otter_adapter`) that runs otter's public *and* hidden
tests from the autograder zip on that data alone: a student's code never shares a process with the
tests, and the tests and solutions are never visible inside the sandbox.

Modules, one concern each:

- :mod:`.submissions`: which files are submissions, whose, for which set (:class:`Submission`, :func:`discover`);
- :mod:`.structure`: protected cells deleted, reordered or edited, tampered tests (:func:`structure_flags`);
- :mod:`.sandbox`: the bubblewrap command, the limits, the run of one notebook (:class:`Limits`);
- :mod:`.kernel_side`: the code that runs inside the student's kernel (limits per cell, the export);
- :mod:`.plain`: decoding the exported answers (data only);
- :mod:`.otter_adapter`: the only module that imports otter; evaluates the tests on the decoded answers;
- :mod:`.gradebook`: :class:`GradebookRow`, :data:`GRADEBOOK_COLUMNS`, the feedback and flags of a run;
- :mod:`.reports`: the HTML feedback reports (:func:`write_reports`);
- :mod:`.batch`: a whole class (:func:`grade`, :func:`grade_submission`, :func:`autograder_zip`,
  :func:`assignments`);
- :mod:`.cli`: the ``grade`` command of ``python -m newslens``.

The names below are imported lazily, so that the worker processes (``python -m`` a module of this
package) start without pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DEFAULT_CELL_TIMEOUT": "batch",
    "DEFAULT_TIMEOUT": "batch",
    "assignments": "batch",
    "autograder_zip": "batch",
    "grade": "batch",
    "grade_submission": "batch",
    "GRADEBOOK_COLUMNS": "gradebook",
    "GradebookRow": "gradebook",
    "write_reports": "reports",
    "structure_flags": "structure",
    "Submission": "submissions",
    "discover": "submissions",
    "Limits": "sandbox",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
