"""The one module that imports otter-grader or knows its internals; the next otter upgrade touches this file alone.

Grading is otter's own local grader (``otter run``, through its Python API :func:`otter.run.main`):
the notebook is executed in a temporary folder against the autograder zip that ``otter assign`` built
from the instructors' source (public *and* hidden tests). The tests stored in a submission are never
used. No Docker, no network. What this module knows about otter:

- otter builds nbconvert's ``ExecutePreprocessor`` without a cell timeout, and imports it from
  ``nbconvert.preprocessors`` at call time: :func:`grade_notebook` swaps in a subclass that asks
  nbclient to interrupt a slow cell and go on (the cell gets a ``CellTimeoutError`` output);
- the results are ``results.results`` (test file name -> ``score``, ``possible``,
  ``test_case_results``) and the executed notebook ``results.notebook``;
- otter's set-up cell opens ``<assignment>.ipynb`` by name, so the submission is graded as a copy
  under that name.

The rest of the grader sees plain JSON only, from :func:`run_isolated`::

    {"status": "ok", "questions": {name: {"score", "possible", "cases": [{"name", "hidden", "passed",
     "message", "failure_message", "success_message"}]}}, "errors": [{"cell", "ename", "evalue"}]}
    {"status": "timeout"}
    {"status": "crashed", "detail": "<last line of stderr>"}

Each notebook is graded in its own process (``python -m newslens.tools.grading.otter_adapter``), in a
new process group that is killed whole (the kernel included) when it runs past its wall-clock limit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The worker's module, run as ``python -m`` (``__name__`` is ``__main__`` in the worker itself).
WORKER_MODULE = "newslens.tools.grading.otter_adapter"
#: The ``ename`` of the error output a cell interrupted for running too long gets.
CELL_TIMEOUT_ERROR = "CellTimeoutError"


def _limit_cell_time(cell_timeout: int) -> None:
    """Make otter's executor interrupt a cell after ``cell_timeout`` seconds and go on."""
    import nbconvert.preprocessors
    from traitlets import Bool, Dict, Integer

    base = nbconvert.preprocessors.ExecutePreprocessor

    class _TimedExecutePreprocessor(base):  # type: ignore[misc, valid-type]
        # otter builds its executor without a timeout; ask nbclient to interrupt a slow cell and go on
        # (the interrupted cell becomes an error output, which the flags report).
        timeout = Integer(cell_timeout)
        interrupt_on_timeout = Bool(True)
        error_on_timeout = Dict(
            {"ename": CELL_TIMEOUT_ERROR, "evalue": f"cell interrupted after {cell_timeout} s", "traceback": []}
        )

    # otter imports ExecutePreprocessor from this module at call time.
    nbconvert.preprocessors.ExecutePreprocessor = _TimedExecutePreprocessor  # type: ignore[misc]


def grade_notebook(autograder: Path | str, notebook: Path | str, cell_timeout: int) -> dict[str, Any]:
    """Grade one notebook with otter in this process; the summary as plain JSON data (no status)."""
    _limit_cell_time(cell_timeout)
    import otter.run

    results = otter.run.main(str(notebook), autograder=str(autograder), output_dir=None, no_logo=True)
    summary: dict[str, Any] = {"questions": {}, "errors": []}
    for name, test_file in results.results.items():
        cases = [
            {
                "name": tcr.test_case.name,
                "hidden": tcr.test_case.hidden,
                "passed": tcr.passed,
                "message": tcr.message,
                "failure_message": tcr.test_case.failure_message,
                "success_message": tcr.test_case.success_message,
            }
            for tcr in test_file.test_case_results
        ]
        summary["questions"][name] = {"score": test_file.score, "possible": test_file.possible, "cases": cases}
    executed = results.notebook
    # otter adds cells of its own around the submission; count only the student's cells.
    for i, cell in enumerate(executed.cells if executed is not None else []):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                summary["errors"].append({"cell": i, "ename": out.get("ename"), "evalue": out.get("evalue")})
    return summary


def run_isolated(
    autograder: Path,
    notebook: Path,
    assignment: str,
    timeout: int,
    cell_timeout: int,
    root: Path | None = None,
) -> dict[str, Any]:
    """Grade ``notebook`` in a new process group, killed whole after ``timeout`` seconds.

    ``root`` is the course whose data the notebook's kernel reads (``NEWSLENS_ROOT``); default: the
    environment's.
    """
    with tempfile.TemporaryDirectory(prefix="newslens-grade-") as tmp:
        out = Path(tmp) / "summary.json"
        # otter's set-up cell opens "<assignment>.ipynb" by name: grade a copy under that name, whatever
        # the file was called when it was handed in.
        named = Path(tmp) / "submission" / f"{assignment}.ipynb"
        named.parent.mkdir()
        shutil.copyfile(notebook, named)
        cmd = [
            sys.executable,
            "-m",
            WORKER_MODULE,
            str(autograder),
            str(named),
            str(out),
            "--cell-timeout",
            str(cell_timeout),
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if root is not None:
            env["NEWSLENS_ROOT"] = str(root)
        proc = subprocess.Popen(
            cmd, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, env=env
        )
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the kernel is a child: end the whole group
            proc.communicate()
            return {"status": "timeout"}
        if proc.returncode != 0 or not out.exists():
            tail = stderr.strip().splitlines()[-1:] if stderr else []
            return {"status": "crashed", "detail": tail[0] if tail else f"exit {proc.returncode}"}
        return {"status": "ok", **json.loads(out.read_text(encoding="utf-8"))}


def main(argv: Sequence[str] | None = None) -> int:
    """The worker process: grade one notebook and write its JSON summary to OUT."""
    parser = argparse.ArgumentParser(prog=f"python -m {WORKER_MODULE}", description=main.__doc__)
    parser.add_argument("autograder", metavar="ZIP", help="otter's autograder zip")
    parser.add_argument("notebook", metavar="NOTEBOOK", help="the notebook to grade, named <assignment>.ipynb")
    parser.add_argument("output", metavar="OUT", help="where to write the JSON summary")
    parser.add_argument("--cell-timeout", type=int, required=True, help="seconds per cell")
    args = parser.parse_args(argv)
    summary = grade_notebook(args.autograder, args.notebook, args.cell_timeout)
    Path(args.output).write_text(json.dumps(summary), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
