"""The one way the course executes a notebook: for the handout build, the tests, the bench and the grader.

A :class:`NotebookRun` executes a notebook top to bottom in a fresh kernel, with explicit
:class:`RunOptions` (working folder, environment, tagged cells to leave out, timeouts), and can keep
the kernel alive afterwards so that the caller runs more code in it: a test reads what the lesson
computed, the bench sets a widget's value and times the callback.

Two hidden cells frame every run. The first installs an audit hook (:func:`sys.addaudithook`) that
records each ``open`` of a file under the course's ``data/`` folder (GDAL opens files in C, so the geo
loader raises the audit event ``newslens.read`` itself), the columns of every table the data loaders
return (audit event ``newslens.load``; :data:`LOADED_TABLES`), and tags each matplotlib figure's PNG with
its title, the fallback alt text. The last reports the files read and the ``newslens`` modules
imported, which the build's cache depends on. Neither cell is part of :attr:`NotebookRun.nb`.

Results come back one way only: the kernel displays a value under :data:`RESULT_MIME` (JSON), and
:meth:`NotebookRun.value` reads it from that output, never from printed text.

Example
-------
>>> with NotebookRun("notebooks/02_mapping_the_places.ipynb", RunOptions(keep_kernel=True)) as run:  # doctest: +SKIP
...     run.value("len(places)")
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths
from .kernels import kernel_manager

#: The MIME type of values the kernel sends back to the runner (a JSON document).
RESULT_MIME = "application/vnd.newslens.result+json"
#: Cells tagged so are never executed, by anyone, and left out of the executed notebook (so of its handout).
SKIP_TAG = "skip-execution"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

_SETUP = r"""
def _newslens_run_setup(data_dir):
    import os, sys, types
    state = types.ModuleType("__newslens_run__")
    state.reads = set()
    state.loads = []  # (table, columns) of every newslens.data loader call, in order
    sys.modules["__newslens_run__"] = state
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
        if event in ("open", "newslens.read") and args:
            record(args[0])
        elif event == "newslens.load" and len(args) == 2:
            state.loads.append((str(args[0]), [str(c) for c in args[1]]))

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

_newslens_run_setup(DATA_DIR)
del _newslens_run_setup
"""

# The reads, plus the source files of the newslens modules the notebook imported: only those parts of
# the helper package can change what it computes.
_DEPENDENCIES = (
    "sorted(set(__import__('sys').modules['__newslens_run__'].reads) | {"
    "m.__file__ for n, m in list(__import__('sys').modules.items()) "
    "if (n == 'newslens' or n.startswith('newslens.')) and getattr(m, '__file__', None)})"
)


#: An expression for the kernel: the tables the notebook's ``newslens.data`` loaders returned so far, as
#: ``[table, [columns]]`` pairs in call order (the loaders announce each as the audit event ``newslens.load``).
#: Tests read it with :meth:`NotebookRun.value` to check that an exercise loads only fact-only views.
LOADED_TABLES = "__import__('sys').modules['__newslens_run__'].loads"


def _send(expression: str) -> str:
    """Code that evaluates ``expression`` in the kernel and displays it, as JSON, under RESULT_MIME."""
    return (
        "import IPython.display as _nl_display, json as _nl_json\n"
        f"_nl_display.display({{{RESULT_MIME!r}: _nl_json.loads(_nl_json.dumps({expression}, default=str))}}, "
        "raw=True)\ndel _nl_display, _nl_json\n"
    )


class NotebookFailed(Exception):
    """A notebook raised or timed out while executing; the message names notebook, cell and error."""


@dataclass(frozen=True)
class RunOptions:
    """How to run a notebook. The defaults are the handout build's, and the tests use the same cells.

    - ``cwd``: the kernel's working folder (default: the notebook's own folder, as in JupyterLab).
    - ``root``: the course the notebook belongs to (``NEWSLENS_ROOT`` in the kernel); default: this package's.
    - ``env``: extra environment variables for the kernel.
    - ``skip_tags``: cells with any of these tags are left out of the run.
    - ``timeout``: seconds one cell may take before the run fails.
    - ``keep_kernel``: keep the kernel after the last cell, for :meth:`NotebookRun.run` and ``value``.
    - ``allow_errors``: go on after a cell that raises or times out (the grader: a broken cell must not
      cost the answers after it); a timed-out cell is interrupted and gets an error output
      ``CellTimeoutError``. Without it the run stops with :class:`NotebookFailed`.
    """

    cwd: Path | None = None
    root: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    skip_tags: tuple[str, ...] = (SKIP_TAG,)
    timeout: int = 600
    keep_kernel: bool = False
    allow_errors: bool = False


def kernel_env(root: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The kernel's environment: the course root, the inline matplotlib backend, one BLAS thread, and ``extra``."""
    env = dict(os.environ)
    env["NEWSLENS_ROOT"] = str(root)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silences a debugger warning on stderr
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    # One BLAS thread per kernel: the build and the tests run one kernel per core, and a thread pool per kernel
    # oversubscribes the cores (a cold build took 49 s with it, 39 s without, on 2 cores).
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    env.update(extra or {})
    return env


def executed_cells(nb: Any, skip_tags: tuple[str, ...] = (SKIP_TAG,)) -> list[Any]:
    """The cells of ``nb`` a run executes: all but those carrying one of ``skip_tags``."""
    return [c for c in nb.cells if not set(skip_tags) & set(c.get("metadata", {}).get("tags", []))]


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def failure_message(name: str, nb: Any, fallback: str) -> str:
    """Say which cell failed and how: the notebook, the cell's index and first lines, the error."""
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                src = cell.source.strip().splitlines()
                head = "\n".join("    | " + line for line in src[:3])
                if len(src) > 3:
                    head += "\n    | ..."
                tb = [_strip_ansi(line) for line in out.get("traceback", [])]
                tail = "\n".join(tb[-6:]) if tb else ""
                error = f"{out.get('ename')}: {out.get('evalue')}"
                return f"{name}: cell {index} failed with {error}\n{head}\n{tail}".rstrip()
    return f"{name}: execution failed: {fallback}"


class NotebookRun:
    """Execute ``path`` with ``options`` on entering; keep the kernel if ``options.keep_kernel``.

    After the run, :attr:`nb` is the executed notebook (the skipped cells left out, the runner's own
    cells removed) and :attr:`reads` the data files and ``newslens`` modules it depended on.
    """

    def __init__(self, path: str | os.PathLike[str], options: RunOptions | None = None):
        import nbformat

        self.path = Path(path)
        self.options = options or RunOptions()
        self.root = (self.options.root or paths.REPO_ROOT).resolve()
        self.nb: Any = nbformat.read(self.path, as_version=4)
        self.nb.cells = executed_cells(self.nb, self.options.skip_tags)
        self.reads: list[str] = []
        self._stack = ExitStack()
        self._client: Any = None
        self._alive = False

    @property
    def name(self) -> str:
        """The notebook's path relative to the course root (as messages show it)."""
        try:
            return self.path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(self.path)

    def __enter__(self) -> NotebookRun:
        try:
            self._start()
            self._execute()
        except BaseException:
            self._close()
            raise
        if not self.options.keep_kernel:
            self._close()
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        self._alive = False
        self._stack.close()

    def _start(self) -> None:
        from nbclient import NotebookClient

        cwd = self.options.cwd or self.path.resolve().parent
        km = self._stack.enter_context(kernel_manager())
        self._client = NotebookClient(
            self.nb,
            km=km,
            timeout=self.options.timeout,
            kernel_name="python3",
            allow_errors=self.options.allow_errors,
            interrupt_on_timeout=self.options.allow_errors,
            error_on_timeout={
                "ename": "CellTimeoutError",
                "evalue": f"cell interrupted after {self.options.timeout} s",
                "traceback": [],
            }
            if self.options.allow_errors
            else None,
            store_widget_state=True,  # nbclient needs it for Output widgets; clean_outputs drops it
            record_timing=False,
            resources={"metadata": {"path": str(cwd)}},
        )
        extra = dict(self.options.env)
        if "NEWSLENS_WORK_DIR" not in extra:
            # A student's saved work (my-work/, see newslens.my_grades) never leaks into a handout, a test or a
            # grade: unless told otherwise, a run gets an empty work folder of its own.
            extra["NEWSLENS_WORK_DIR"] = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="newslens-work-"))
        self._stack.enter_context(self._client.setup_kernel(env=kernel_env(self.root, extra)))
        self._alive = True

    def _execute(self) -> None:
        import nbformat
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        data_dir = (self.root / "data").resolve()
        setup = nbformat.v4.new_code_cell(f"DATA_DIR = {str(data_dir)!r}\n{_SETUP}\ndel DATA_DIR\n")
        self._run_hidden(setup)
        try:
            for index, cell in enumerate(self.nb.cells):
                self._client.execute_cell(cell, index)
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
            text = str(err).strip()
            raise NotebookFailed(
                failure_message(self.name, self.nb, text.splitlines()[-1] if text else type(err).__name__)
            ) from None
        self.reads = list(self.value(_DEPENDENCIES))

    def _run_hidden(self, cell: Any) -> Any:
        """Execute a cell that is not part of the notebook; return it with its outputs."""
        if not self._alive:
            raise RuntimeError(
                f"{self.name}: the kernel is gone: use RunOptions(keep_kernel=True) and the run as a context manager"
            )
        self.nb.cells.append(cell)
        try:
            self._client.execute_cell(cell, len(self.nb.cells) - 1)
        finally:
            self.nb.cells.pop()
        return cell

    def run(self, code: str) -> str:
        """Run ``code`` in the notebook's kernel; return what it printed to stdout.

        Raises :class:`nbclient.exceptions.CellExecutionError` if the code raises.
        """
        import nbformat

        cell = self._run_hidden(nbformat.v4.new_code_cell(code))
        return "".join(out.get("text", "") for out in cell.outputs if out.get("name") == "stdout")

    def value(self, expression: str) -> Any:
        """Evaluate ``expression`` in the kernel and return its value, passed back as JSON."""
        import nbformat

        cell = self._run_hidden(nbformat.v4.new_code_cell(_send(expression)))
        for out in cell.outputs:
            if RESULT_MIME in out.get("data", {}):
                return out["data"][RESULT_MIME]
        raise RuntimeError(f"{self.name}: no value came back for {expression!r}")

    def outputs(self) -> list[dict[str, Any]]:
        """All outputs of the executed notebook's cells, in order."""
        return [out for cell in self.nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]


@dataclass
class ExecutionResult:
    """An executed notebook and the files it depends on (absolute paths): the data files it opened
    and the ``newslens`` modules it imported."""

    nb: Any
    reads: list[str]


def execute_notebook(path: Path, options: RunOptions | None = None) -> ExecutionResult:
    """Execute ``path`` and stop its kernel; the outputs are cleaned for publishing (:func:`clean_outputs`).

    Raises :class:`NotebookFailed` with a message naming the notebook and the failing cell.
    """
    options = options or RunOptions()
    if options.keep_kernel:
        raise ValueError("execute_notebook stops the kernel; use NotebookRun to keep it")
    with NotebookRun(path, options) as run:
        pass
    clean_outputs(run.nb)
    return ExecutionResult(run.nb, run.reads)


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


def temporary_cwd() -> tempfile.TemporaryDirectory[str]:
    """An empty folder to run a notebook in, proving it reaches its data through the package."""
    return tempfile.TemporaryDirectory(prefix="newslens-nb-")


__all__ = [
    "RESULT_MIME",
    "SKIP_TAG",
    "ExecutionResult",
    "NotebookFailed",
    "NotebookRun",
    "RunOptions",
    "clean_outputs",
    "execute_notebook",
    "executed_cells",
    "kernel_env",
]
