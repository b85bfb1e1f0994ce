"""Students' working copies: ``make start`` copies ``exercises/*.ipynb`` to ``my-work/``.

Students answer in ``my-work/`` (ignored by git), never in ``exercises/``, so regenerating the
exercises (``make exercises``) or pulling a new version of the course never touches their work. A copy
that already exists is never overwritten: :func:`start` names it and leaves it as it is.
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import paths

#: Where students work.
WORK_DIR: Path = paths.REPO_ROOT / "my-work"


@dataclass(frozen=True)
class StartResult:
    """What :func:`start` did: the copies it made and the existing ones it left alone."""

    copied: list[Path]
    kept: list[Path]


def start(
    names: list[str] | None = None, *, exercises_dir: Path | None = None, work_dir: Path | None = None
) -> StartResult:
    """Copy exercise notebooks to the work folder, refusing to overwrite any existing copy.

    ``names`` picks sets by stem (``01_reading_the_article``); default: every set.
    """
    source_dir = exercises_dir or paths.EXERCISES_DIR
    target_dir = work_dir or WORK_DIR
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if names:
        unknown = set(names) - {nb.stem for nb in notebooks}
        if unknown:
            raise ValueError(f"No exercise notebook named {sorted(unknown)} in {source_dir}")
        notebooks = [nb for nb in notebooks if nb.stem in names]
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


def main(argv: list[str] | None = None) -> int:
    """``make start``: copy the exercise notebooks to my-work/ (existing copies are kept)."""
    parser = argparse.ArgumentParser(prog="newslens start", description=main.__doc__)
    parser.add_argument("sets", nargs="*", help="set stems (default: all)")
    args = parser.parse_args(argv)
    result = start(args.sets or None)
    for path in result.copied:
        print(f"copied: {path.relative_to(paths.REPO_ROOT) if path.is_relative_to(paths.REPO_ROOT) else path}")
    for path in result.kept:
        shown = path.relative_to(paths.REPO_ROOT) if path.is_relative_to(paths.REPO_ROOT) else path
        print(f"kept: {shown} already exists and was NOT overwritten (rename or delete it to get a fresh copy)")
    print(f"Open the notebooks in {WORK_DIR.name}/ and work there.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
