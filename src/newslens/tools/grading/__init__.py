"""Grade a class's submitted exercise notebooks locally: ``make grade SUBMISSIONS=<folder>``.

Grading is otter-grader's own local grader, run on each notebook against the autograder zip that
``otter assign`` built from the instructors' source (public *and* hidden tests); the tests stored in a
submission are never used. Around otter the grader adds what a class needs: each submission in its own
process with a wall-clock limit and a per-cell limit, submissions in parallel, checks otter does not
make (each a ``flag`` with its reason), ``build/grades/gradebook.csv`` and one HTML report per student.

Modules, one concern each:

- :mod:`.submissions`: which files are submissions, whose, for which set (:class:`Submission`, :func:`discover`);
- :mod:`.structure`: protected cells deleted, reordered or edited, tampered tests (:func:`structure_flags`);
- :mod:`.otter_adapter`: the only module that imports otter; runs one notebook in a worker process
  and returns plain JSON;
- :mod:`.gradebook`: :class:`GradebookRow`, :data:`GRADEBOOK_COLUMNS`, the feedback and flags of a run;
- :mod:`.reports`: the HTML feedback reports (:func:`write_reports`);
- :mod:`.batch`: a whole class (:func:`grade`, :func:`grade_submission`, :func:`autograder_zip`,
  :func:`assignments`);
- :mod:`.cli`: the ``grade`` command of ``python -m newslens``.
"""

from __future__ import annotations

from .batch import DEFAULT_CELL_TIMEOUT, DEFAULT_TIMEOUT, assignments, autograder_zip, grade, grade_submission
from .gradebook import GRADEBOOK_COLUMNS, GradebookRow
from .reports import write_reports
from .structure import structure_flags
from .submissions import Submission, discover

__all__ = [
    "DEFAULT_CELL_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "GRADEBOOK_COLUMNS",
    "GradebookRow",
    "Submission",
    "assignments",
    "autograder_zip",
    "discover",
    "grade",
    "grade_submission",
    "structure_flags",
    "write_reports",
]
