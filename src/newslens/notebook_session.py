"""Run a notebook in a fresh kernel, then keep talking to that kernel.

Tests and benchmarks use this to check what a lesson computed and to drive its widgets without a
browser: execute the notebook top to bottom, then run more code in the same kernel (set a
widget's value, read back the filtered table, count the artists of the redrawn figure).

Example
-------
>>> with NotebookSession("notebooks/02_mapping_the_places.ipynb") as nb:  # doctest: +SKIP
...     nb.json("len(places)")
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .kernels import kernel_manager


class NotebookSession:
    """Execute ``path`` in a fresh kernel; then :meth:`run` / :meth:`json` more code in it.

    The kernel's working directory is an empty temporary folder unless ``cwd`` is given, which
    proves the notebook reaches its data through the package and not through relative paths.
    """

    def __init__(self, path: str | os.PathLike[str], timeout: int = 120, cwd: str | None = None):
        self.path = Path(path)
        self.timeout = timeout
        self.cwd = cwd
        self.nb = nbformat.read(self.path, as_version=4)
        self._stack = ExitStack()
        self.client: NotebookClient | None = None

    def __enter__(self) -> NotebookSession:
        cwd = self.cwd or self._stack.enter_context(tempfile.TemporaryDirectory(prefix="newslens-nb-"))
        env_backend = os.environ.get("MPLBACKEND")
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        try:
            km = self._stack.enter_context(kernel_manager())
            self.client = NotebookClient(
                self.nb, km=km, timeout=self.timeout, kernel_name="python3", resources={"metadata": {"path": cwd}}
            )
            self._stack.enter_context(self.client.setup_kernel())
        finally:
            if env_backend is None:
                os.environ.pop("MPLBACKEND", None)
            else:
                os.environ["MPLBACKEND"] = env_backend
        try:
            for index, cell in enumerate(self.nb.cells):
                self.client.execute_cell(cell, index)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def run(self, code: str) -> str:
        """Run ``code`` in the notebook's kernel and return what it printed (stdout).

        Raises :class:`nbclient.exceptions.CellExecutionError` if the code raises.
        """
        assert self.client is not None, "use NotebookSession as a context manager"
        cell = nbformat.v4.new_code_cell(code)
        self.nb.cells.append(cell)
        try:
            self.client.execute_cell(cell, len(self.nb.cells) - 1)
        finally:
            self.nb.cells.pop()
        return "".join(out.get("text", "") for out in cell.outputs if out.get("name") == "stdout")

    def json(self, expression: str) -> Any:
        """Evaluate ``expression`` in the kernel and return its value through JSON."""
        out = self.run(f"import json as _json\nprint(_json.dumps({expression}, default=str))")
        return json.loads(out.strip().splitlines()[-1])

    def outputs(self) -> list[dict[str, Any]]:
        """All outputs of the executed notebook's cells, in order."""
        return [out for cell in self.nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]


__all__ = ["NotebookSession", "CellExecutionError"]
