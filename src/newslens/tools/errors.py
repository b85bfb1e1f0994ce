"""The one base class for what a user of the course's commands can get wrong.

Every tool raises a :class:`UserError` (or a subclass) for a mistake the user can fix: a folder that
does not exist, a set that has no notebook, a notebook file that is not valid JSON. The command line
prints it as one ``ERROR:`` line, with the fix, and exits non-zero; a traceback is shown only with
``--debug``. Anything else that escapes is a bug in the tools, and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A mistake the user can fix. ``fix`` says how, in one sentence."""

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


def read_notebook(path: Path, as_version: int = 4) -> object:
    """``nbformat.read`` that names the file when it is missing, truncated or not a notebook."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such notebook", "check the path")
    try:
        return nbformat.read(path, as_version=as_version)
    except UnicodeDecodeError as err:
        raise UserError(f"{path}: not a notebook (not UTF-8 text: {err.reason} at byte {err.start})") from err
    except ValueError as err:  # json.JSONDecodeError and nbformat's NotJSONError are ValueErrors
        raise UserError(
            f"{path}: not a valid notebook ({type(err).__name__}: {err})",
            "restore it from a backup or from git, or re-download it",
        ) from err
