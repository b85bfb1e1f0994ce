"""Run one notebook in a fresh kernel and find out which data files it read.

Two hidden cells frame the notebook. The first installs an audit hook (:func:`sys.addaudithook`)
that records every ``open`` of a path under the course's ``data/`` folder; because GDAL opens
files in C, out of the hook's sight, it also wraps pyogrio's readers as soon as pyogrio is
imported. It also tags each matplotlib figure's PNG with its title, the fallback alt text. The last
cell prints the recorded paths as JSON. Both cells are removed from the executed notebook.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Tag of the cell a lesson uses to benchmark its main widget; never run by the build.
BENCH_TAG = "bench-widget"
_MARK = "NEWSLENS-BUILD-READS "
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

_SETUP = r'''
def _newslens_build_setup(data_dir):
    import os, sys, types
    state = types.ModuleType("__newslens_build__")
    state.reads = set()
    sys.modules["__newslens_build__"] = state
    prefixes = tuple({os.path.abspath(data_dir) + os.sep, os.path.realpath(data_dir) + os.sep})

    def record(path):
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        elif not isinstance(path, str):
            try:
                path = os.fspath(path)
            except TypeError:
                return  # a file descriptor or a buffer: nothing to name
            if not isinstance(path, str):
                return
        path = os.path.abspath(path)
        if path.startswith(prefixes):
            state.reads.add(os.path.realpath(path))

    def hook(event, args):
        # "open" covers Python-level reads (the CSV loaders); GDAL opens files in C, so the geo
        # loader raises "newslens.read" itself for each layer it reads.
        if event in ("open", "newslens.read") and args:
            record(args[0])

    sys.addaudithook(hook)

    # Fallback alt text: the figure's title, attached to the PNG's output metadata.
    try:
        from IPython.core import pylabtools
        original = pylabtools.print_figure

        def print_figure(fig, *args, **kwargs):
            result = original(fig, *args, **kwargs)
            try:
                title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
                if not title:
                    title = "; ".join(t for t in (ax.get_title() for ax in fig.axes) if t)
            except Exception:
                title = ""
            if result is None or not title:
                return result
            data, md = result if isinstance(result, tuple) else (result, {})
            return data, dict(md or {}, newslens_title=title)

        pylabtools.print_figure = print_figure
    except Exception:
        pass

_newslens_build_setup(DATA_DIR)
del _newslens_build_setup
'''

# The reads, plus the source files of the newslens modules the notebook imported: only those
# parts of the helper package can change what it computes.
_TEARDOWN = (
    "import sys as _nl_sys, json as _nl_json\n"
    "_nl_files = set(_nl_sys.modules['__newslens_build__'].reads) | {\n"
    "    m.__file__ for n, m in list(_nl_sys.modules.items())\n"
    "    if (n == 'newslens' or n.startswith('newslens.')) and getattr(m, '__file__', None)}\n"
    f"print({_MARK!r} + _nl_json.dumps(sorted(_nl_files)))\n"
)


@dataclass
class ExecutionResult:
    """An executed notebook (hidden cells removed) and the files it depends on (absolute paths):
    the data files it opened and the newslens modules it imported."""

    nb: Any
    reads: list[str]


class NotebookFailed(Exception):
    """A notebook raised while executing; the message names notebook, cell and error."""


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def failure_message(nb_path: Path, root: Path, nb: Any, offset: int, fallback: str) -> str:
    """Say which cell failed and how: notebook path, cell index, its first lines, the error."""
    try:
        rel = nb_path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = str(nb_path)
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                src = cell.source.strip().splitlines()
                head = "\n".join("    | " + line for line in src[:3])
                if len(src) > 3:
                    head += "\n    | ..."
                tb = [_strip_ansi(line) for line in out.get("traceback", [])]
                tail = "\n".join(tb[-6:]) if tb else ""
                return (f"{rel}: cell {index - offset} failed with "
                        f"{out.get('ename')}: {out.get('evalue')}\n{head}\n{tail}".rstrip())
    return f"{rel}: execution failed: {fallback}"


def kernel_env(root: Path) -> dict[str, str]:
    """The kernel's environment: the course root and the inline matplotlib backend."""
    env = dict(os.environ)
    env["NEWSLENS_ROOT"] = str(root)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silences a debugger warning on stderr
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    return env


def execute_notebook(path: Path, root: Path, timeout: int = 600) -> ExecutionResult:
    """Execute ``path`` in a fresh ``python3`` kernel whose working directory is its folder.

    Raises :class:`NotebookFailed` with a message naming the notebook and the failing cell.
    """
    import nbformat
    from ..kernels import kernel_manager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if BENCH_TAG not in c.get("metadata", {}).get("tags", [])]
    data_dir = (root / "data").resolve()
    setup = nbformat.v4.new_code_cell(f"DATA_DIR = {str(data_dir)!r}\n{_SETUP}\ndel DATA_DIR\n")
    teardown = nbformat.v4.new_code_cell(_TEARDOWN)
    nb.cells = [setup, *nb.cells, teardown]
    with kernel_manager() as km:
        client = NotebookClient(
            nb, km=km, timeout=timeout, kernel_name="python3", allow_errors=False,
            store_widget_state=True,  # nbclient needs it for Output widgets; clean_outputs drops it
            record_timing=False, resources={"metadata": {"path": str(path.parent)}},
        )
        try:
            client.execute(env=kernel_env(root))
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
            first_line = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
            raise NotebookFailed(failure_message(path, root, nb, 1, first_line)) from None
    reads: list[str] = []
    for out in teardown.outputs:
        for line in out.get("text", "").splitlines():
            if line.startswith(_MARK):
                reads = json.loads(line[len(_MARK):])
    nb.cells = nb.cells[1:-1]
    clean_outputs(nb)
    return ExecutionResult(nb, reads)


def clean_outputs(nb: Any) -> None:
    """Drop widget views (keeping their text fallback) and saved widget state."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data is not None and WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                # ipywidgets' text/plain is a repr like "IntSlider(value=3)": worth nothing on paper
                if set(data) <= {"text/plain"}:
                    continue
            kept.append(out)
        cell["outputs"] = kept
