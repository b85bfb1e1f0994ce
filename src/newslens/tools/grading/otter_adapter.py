"""The one module that imports otter-grader or knows its formats; the next otter upgrade touches this file alone.

Grading uses otter's own test files and test runner, but never in the student's process: the
autograder zip that ``otter assign`` built from the instructors' source holds the public *and* hidden
tests (``tests/<question>.py``, exception-based); the tests stored in a submission are never used.
What this module knows about otter:

- the tests of a question are functions decorated ``@test_case``, whose parameters are the answer
  variables they read (:func:`question_variables`), which is what the sandbox exports;
- :class:`otter.test_files.ExceptionTestFile` loads a test file and runs its cases against a dict
  of variables (``run(env)``), then has ``score``, ``possible`` and ``test_case_results``.

:func:`evaluate` runs in the trusted evaluator process (:class:`Evaluator`,
``python -m newslens.tools.grading.otter_adapter --serve``), which sees only the exported answers,
decoded by :mod:`.plain`. The rest of the grader sees plain JSON::

    {"questions": {name: {"score", "possible", "cases": [{"name", "hidden", "passed", "message",
     "failure_message", "success_message"}]}}}
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import select
import subprocess
import sys
import threading
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

#: The evaluator's module, run as ``python -m``.
WORKER_MODULE = "newslens.tools.grading.otter_adapter"


def extract_tests(autograder: Path, dest: Path) -> dict[str, str]:
    """Unpack the test files of an autograder zip into ``dest``; their SHA-256 checksums by file name."""
    dest.mkdir(parents=True, exist_ok=True)
    sums = {}
    with zipfile.ZipFile(autograder) as zf:
        for info in zf.infolist():
            parts = Path(info.filename).parts
            if len(parts) == 2 and parts[0] == "tests" and parts[1].endswith(".py"):
                data = zf.read(info)
                (dest / parts[1]).write_bytes(data)
                sums[parts[1]] = hashlib.sha256(data).hexdigest()
    return sums


def checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of each test file in ``folder``, by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.py"))}


def question_variables(tests_dir: Path) -> dict[str, list[str]]:
    """Question -> the answer variables its test cases read (the parameters of its ``@test_case`` functions)."""
    out: dict[str, list[str]] = {}
    for path in sorted(tests_dir.glob("*.py")):
        names: list[str] = []
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.decorator_list:
                names += [a.arg for a in node.args.args if a.arg != "env" and a.arg not in names]
        out[path.stem] = names
    return out


def _not_plain_result(test_file: Any, names: Mapping[str, str]) -> dict[str, Any]:
    text = "; ".join(
        f"`{n}` is {why}, not plain data: the grader reads numbers, text, lists, dicts and pandas tables only"
        for n, why in names.items()
    )
    cases = [
        {
            "name": tc.name,
            "hidden": tc.hidden,
            "passed": False,
            "message": f"AssertionError: {text}.",
            "failure_message": None,
            "success_message": None,
        }
        for tc in test_file.test_cases
    ]
    return {"score": 0.0, "possible": test_file.possible, "cases": cases}


def _rebuild(name: str, doc: Any, probes: Mapping[str, list[Any]]) -> Any:
    """One answer from its tagged JSON; a function answer's results become a stand-in (see :mod:`.probes`)."""
    from .plain import Calls, NotPlain, decode
    from .probes import stand_in

    value = decode(doc)
    if isinstance(value, Calls):
        inputs = [decode(d) for d in probes.get(name, [])]
        if len(inputs) != len(value.results):
            return NotPlain("a function whose results do not match the grader's inputs")
        return stand_in(name, list(zip(inputs, value.results, strict=True)), NotPlain)
    return value


def evaluate(
    tests_dir: Path, answers: Mapping[str, Any], probes: Mapping[str, list[Any]] | None = None
) -> dict[str, Any]:
    """Run every test file of ``tests_dir`` on the decoded ``answers`` (tagged JSON by variable name).

    ``probes``: the inputs (tagged JSON) on which the sandbox called each function answer, in order.
    """
    from otter.test_files import ExceptionTestFile

    from .plain import DecodeError, NotPlain

    probes = probes or {}
    env: dict[str, Any] = {}
    not_plain: dict[str, str] = {}
    for name, doc in answers.items():
        try:
            value = _rebuild(name, doc, probes)
        except (DecodeError, KeyError, TypeError, ValueError) as exc:
            value = NotPlain(f"data the grader could not rebuild ({type(exc).__name__})")
        if isinstance(value, NotPlain):
            not_plain[name] = value.why
        else:
            env[name] = value
    variables = question_variables(tests_dir)
    summary: dict[str, Any] = {"questions": {}}
    for path in sorted(tests_dir.glob("*.py")):
        test_file = ExceptionTestFile.from_file(str(path))
        bad = {n: not_plain[n] for n in variables.get(path.stem, []) if n in not_plain}
        if bad:
            summary["questions"][test_file.name] = _not_plain_result(test_file, bad)
            continue
        # Each question sees fresh copies: a test that mutates an answer cannot change another's result.
        test_file.run({k: _rebuild(k, answers[k], probes) for k in env})
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
        summary["questions"][test_file.name] = {
            "score": test_file.score,
            "possible": test_file.possible,
            "cases": cases,
        }
    return summary


class Evaluator:
    """A trusted evaluator process, started once per batch and fed one submission's answers at a time.

    It imports otter once (otter's package takes seconds to import, the checks of one notebook a
    fraction of a second). Each request loads the test files afresh and decodes fresh answers, so
    nothing of one student's data reaches another's evaluation; the process never runs a student's
    code. A request that takes longer than ``timeout`` seconds ends the process (the next request
    starts a new one) and comes back as ``{"status": "crashed"}``.
    """

    def __init__(self, root: Path, timeout: int = 120) -> None:
        self.root = root
        self.timeout = timeout
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def start(self) -> subprocess.Popen[str]:
        """Start the process (if it is not running), so that its imports overlap the first runs."""
        if self._proc is None or self._proc.poll() is not None:
            env = {**os.environ, "NEWSLENS_ROOT": str(self.root), "OPENBLAS_NUM_THREADS": "1"}
            self._proc = subprocess.Popen(
                [sys.executable, "-m", WORKER_MODULE, "--serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=env,
                start_new_session=True,
            )
        return self._proc

    def close(self) -> None:
        """Stop the process."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def evaluate(
        self,
        tests_dir: Path,
        expected: Mapping[str, str],
        answers: Mapping[str, Any],
        probes: Mapping[str, list[Any]] | None = None,
    ) -> dict[str, Any]:
        """``{"status": "ok", "questions": ...}`` or ``{"status": "crashed", "detail": ...}``.

        ``expected`` are the test files' checksums taken when the zip was unpacked: a mismatch is a
        RuntimeError (someone changed the tests during the batch), which stops the batch.
        """
        if checksums(tests_dir) != dict(expected):
            raise RuntimeError(f"the autograder tests in {tests_dir} changed during the batch (checksum mismatch)")
        request = json.dumps({"tests": str(tests_dir), "answers": answers, "probes": dict(probes or {})}) + "\n"
        with self._lock:
            proc = self.start()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                proc.stdin.write(request)
                proc.stdin.flush()
            except OSError:
                self.close()
                return {"status": "crashed", "detail": "the evaluator stopped"}
            ready, _, _ = select.select([proc.stdout], [], [], self.timeout)
            line = proc.stdout.readline() if ready else ""
            if not line:
                self.close()
                return {"status": "crashed", "detail": f"the checks gave no result within {self.timeout} s"}
        result: dict[str, Any] = json.loads(line)
        return result


def run_evaluator(
    tests_dir: Path, expected: Mapping[str, str], answers: Mapping[str, Any], root: Path, timeout: int = 120
) -> dict[str, Any]:
    """Evaluate one submission in a fresh trusted process (see :class:`Evaluator`)."""
    with Evaluator(root, timeout) as evaluator:
        return evaluator.evaluate(tests_dir, expected, answers)


def serve() -> int:
    """The evaluator's loop: one JSON request a line on stdin, one JSON result a line on stdout."""
    from .sandbox import skip_slow_imports

    skip_slow_imports()
    out = sys.stdout
    sys.stdout = sys.stderr  # whatever a test prints must not reach the protocol
    for line in sys.stdin:
        try:
            request = json.loads(line)
            result = {"status": "ok", **evaluate(Path(request["tests"]), request["answers"], request.get("probes"))}
        except Exception as exc:  # one bad request must not end the batch's evaluator
            result = {"status": "crashed", "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}
        out.write(json.dumps(result, default=str) + "\n")
        out.flush()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The trusted evaluator: run the tests in TESTS on the answers in ANSWERS; write the summary to OUT."""
    parser = argparse.ArgumentParser(prog=f"python -m {WORKER_MODULE}", description=main.__doc__)
    parser.add_argument("tests", metavar="TESTS", nargs="?", help="folder of otter test files (public and hidden)")
    parser.add_argument("answers", metavar="ANSWERS", nargs="?", help="the exported answers (tagged JSON)")
    parser.add_argument("output", metavar="OUT", nargs="?", help="where to write the JSON summary")
    parser.add_argument("--serve", action="store_true", help="answer requests on stdin (see Evaluator)")
    args = parser.parse_args(argv)
    if args.serve:
        return serve()
    if not (args.tests and args.answers and args.output):
        parser.error("TESTS, ANSWERS and OUT are required without --serve")
    answers = json.loads(Path(args.answers).read_text(encoding="utf-8"))
    summary = evaluate(Path(args.tests), answers)
    Path(args.output).write_text(json.dumps(summary, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
