"""Where a course's files are, for the tools: found from the folder a command runs in, or ``--root``.

Notebooks find the course through :mod:`newslens.paths` (the package's own location, or
``NEWSLENS_ROOT``); the tools work on whichever course they are pointed at, and pass its root to every
kernel they start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import paths
from .errors import UserError

COURSE_FILE = "course.toml"


@dataclass(frozen=True)
class CourseLayout:
    """The folders of one course, all derived from its root (the folder holding ``course.toml``)."""

    root: Path

    @classmethod
    def of(cls, root: Path | None = None) -> CourseLayout:
        """The course at ``root``; default: the course this package belongs to."""
        return cls(Path(root or paths.REPO_ROOT).resolve())

    @classmethod
    def find(cls, start: Path | None = None) -> CourseLayout:
        """The course whose folder is ``start`` (default: the current folder) or one above it."""
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / COURSE_FILE).is_file():
                return cls(folder)
        raise UserError(
            f"no {COURSE_FILE} in {here} or any folder above it",
            "run the command inside the course's folder, or pass --root <course folder>",
        )

    @classmethod
    def at(cls, root: Path) -> CourseLayout:
        """The course at exactly ``root`` (``--root``); an error if it has no course file."""
        root = Path(root).resolve()
        if not (root / COURSE_FILE).is_file():
            raise UserError(f"--root {root}: no {COURSE_FILE} there", "pass the folder that holds course.toml")
        return cls(root)

    @property
    def course_file(self) -> Path:
        return self.root / COURSE_FILE

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def exercise_sources(self) -> Path:
        return self.root / "instructors" / "exercise_sources"

    @property
    def exercises(self) -> Path:
        return self.root / "exercises"

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def work(self) -> Path:
        return self.root / "my-work"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def otter_build(self) -> Path:
        return self.root / "build" / "otter"

    @property
    def grades(self) -> Path:
        return self.root / "build" / "grades"

    def shown(self, path: Path) -> str:
        """``path`` relative to the root when it is inside the course, for messages."""
        path = Path(path)
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)


def pick_sets(notebooks: list[Path], names: list[str] | None, folder: str) -> list[Path]:
    """The notebooks whose stem is in ``names`` (all of them without names); an unknown name is a UserError
    that lists the sets there are (``folder`` says where they were looked for)."""
    if not names:
        return notebooks
    unknown = set(names) - {nb.stem for nb in notebooks}
    if unknown:
        raise UserError(
            f"no exercise set named {', '.join(sorted(unknown))} in {folder}",
            f"choose from {', '.join(nb.stem for nb in notebooks)}",
        )
    return [nb for nb in notebooks if nb.stem in names]
