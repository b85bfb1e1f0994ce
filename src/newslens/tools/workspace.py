"""Students' working copies: ``make start`` copies ``exercises/*.ipynb`` to ``my-work/``.

Students answer in ``my-work/`` (ignored by git), never in ``exercises/``, so regenerating the
exercises (``make exercises``) or pulling a new version of the course never touches their work. A copy
that already exists is never overwritten: :func:`start` names it and leaves it as it is.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .layout import CourseLayout, pick_sets


@dataclass(frozen=True)
class StartResult:
    """What :func:`start` did: the copies it made and the existing ones it left alone."""

    copied: list[Path]
    kept: list[Path]


def start(
    names: list[str] | None = None,
    *,
    root: Path | None = None,
    exercises_dir: Path | None = None,
    work_dir: Path | None = None,
) -> StartResult:
    """Copy exercise notebooks to the work folder, refusing to overwrite any existing copy.

    ``names`` picks sets by stem (``01_reading_the_article``); default: every set.
    """
    course = CourseLayout.of(root)
    source_dir = exercises_dir or course.exercises
    target_dir = work_dir or course.work
    notebooks = pick_sets(sorted(source_dir.glob("*.ipynb")), names, course.shown(source_dir))
    target_dir.mkdir(parents=True, exist_ok=True)
    copied: list[Path] = []
    kept: list[Path] = []
    for notebook in notebooks:
        target = target_dir / notebook.name
        if target.exists():
            kept.append(target)
            continue
        shutil.copy2(notebook, target)
        copied.append(target)
    return StartResult(copied, kept)
