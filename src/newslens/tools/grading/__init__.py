"""Grade a class's submitted exercise notebooks locally: ``make grade SUBMISSIONS=<folder>``.

Grading is otter-grader's own local grader (``otter run``, through its Python API
:func:`otter.run.main`): each notebook is executed in a temporary folder against the autograder zip
that ``otter assign`` built from the instructors' source (public *and* hidden tests). The tests stored
in a submission are never used. No Docker, no network.

Around otter this module adds what a class needs:

- isolation: every submission runs in its own process with a wall-clock limit, and each cell is
  interrupted after ``cell_timeout`` seconds (otter's executor, nbclient, does this when asked), so an
  infinite loop costs one cell, not the class; submissions run in parallel, one per core;
- checks otter does not make: protected cells (prompts, checks) deleted, reordered or edited, tests in
  the notebook's metadata tampered with, code that reaches into the grader, files that are not
  notebooks; each becomes a ``flag`` with its reason, and the submission is still graded on what can be;
- ``build/grades/gradebook.csv`` (student, assignment, question, points, max_points, feedback, flag) and
  one HTML feedback report per student.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from .. import exercises
from ... import paths

GRADES_DIR: Path = paths.BUILD_DIR / "grades"
GRADEBOOK_COLUMNS = ["student", "assignment", "question", "points", "max_points", "feedback", "flag"]
DEFAULT_TIMEOUT = 180  # seconds for a whole notebook
DEFAULT_CELL_TIMEOUT = 30  # seconds for one cell

# Code in a student's cell that reaches into the grader: legitimate answers never need these.
_SUSPICIOUS = re.compile(
    r"\bChecker\b|\bGradingResults\b|otter\.(?:execute|test_files|run|check)\b|\bgrader\s*=|grader\.check\s*="
)


@dataclass
class Submission:
    """One file of the submissions folder and what is known about it before running it."""

    path: Path
    student: str
    assignment: str | None
    flags: list[str] = field(default_factory=list)
    notebook: nbformat.NotebookNode | None = None


# ----------------------------------------------------------------------------------------------
# Finding assignments and submissions


def assignments(sources_dir: Path | None = None) -> dict[str, Path]:
    """Map assignment name -> master notebook, for every exercise source."""
    return {exercises.assignment_name(p): p for p in exercises.source_notebooks(sources_dir)}


def autograder_zip(source: Path, build_dir: Path | None = None) -> Path:
    """The autograder zip of a source, rebuilt with ``otter assign`` when missing or older than it."""
    out_dir = (build_dir or exercises.OTTER_BUILD_DIR) / source.stem
    zips = sorted((out_dir / "autograder").glob(f"{source.stem}-autograder_*.zip"))
    if zips and zips[-1].stat().st_mtime >= source.stat().st_mtime:
        return zips[-1]
    # The solutions' self-test is `make exercises`' job; grading only needs the tests.
    return exercises.run_otter_assign(source, out_dir, run_tests=False).autograder_zip


def _student_name(path: Path, root: Path, assignment: str | None) -> str:
    rel = path.relative_to(root)
    if len(rel.parts) > 1:
        return rel.parts[0]
    stem = path.name.split(".")[0]
    if assignment and assignment in stem:
        stem = stem.replace(assignment, "")
    return stem.strip("_-. ") or path.stem


def discover(folder: Path, known: dict[str, Path]) -> list[Submission]:
    """Every file in ``folder`` (and one level of per-student sub-folders) as a submission."""
    files = sorted(
        p
        for p in list(folder.glob("*")) + list(folder.glob("*/*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    found: list[Submission] = []
    for path in files:
        flags: list[str] = []
        notebook = None
        assignment = None
        try:
            notebook = nbformat.read(path, as_version=4)
            name = notebook.metadata.get("otter", {}).get("assignment_name")
            if name in known:
                assignment = name
        except Exception as exc:  # any unreadable file is a submission to flag, not a crash
            flags.append(f"not a notebook ({type(exc).__name__})")
        if assignment is None:
            assignment = next((name for name in known if name in path.name), None)
        if assignment is None:
            flags.append("unknown assignment")
        found.append(Submission(path, _student_name(path, folder, assignment), assignment, flags, notebook))
    return found


# ----------------------------------------------------------------------------------------------
# Structural checks against the student version


def structure_flags(submitted: nbformat.NotebookNode, student_version: nbformat.NotebookNode) -> list[str]:
    """Flags for protected cells deleted, reordered or edited, tampered tests and suspicious code.

    Protected cells are those otter marks read-only in the student version (the set-up of otter,
    question prompts and ``grader.check`` cells). They are matched by cell id, then by source.
    """
    flags: list[str] = []
    protected = [c for c in student_version.cells if c.metadata.get("editable") is False]
    by_id = {c.get("id"): i for i, c in enumerate(submitted.cells)}
    by_source: dict[str, int] = {}
    for i, c in enumerate(submitted.cells):
        by_source.setdefault(c.source, i)
    positions: list[int] = []
    deleted = edited = 0
    for cell in protected:
        idx = by_id.get(cell.get("id"))
        if idx is not None and submitted.cells[idx].source != cell.source:
            edited += 1
            positions.append(idx)
        elif idx is not None:
            positions.append(idx)
        elif cell.source in by_source:
            positions.append(by_source[cell.source])
        else:
            deleted += 1
    if deleted:
        flags.append(f"deleted cells ({deleted} protected cell(s) missing)")
    if positions != sorted(positions):
        flags.append("reordered cells")
    if edited:
        flags.append(f"edited protected cells ({edited})")
    shipped = student_version.metadata.get("otter", {}).get("tests", {})
    if submitted.metadata.get("otter", {}).get("tests", {}) != shipped:
        flags.append("tampered tests (the notebook's stored tests were edited; the course's tests were used)")
    protected_sources = {c.source for c in protected}
    for i, cell in enumerate(submitted.cells):
        if cell.cell_type == "code" and cell.source not in protected_sources and _SUSPICIOUS.search(cell.source):
            flags.append(f"tampered tests (cell {i + 1} reaches into the grader)")
            break
    return flags


# ----------------------------------------------------------------------------------------------
# Running otter in a separate process


def _worker(autograder: str, notebook: str, output: str, cell_timeout: int) -> None:
    """Grade one notebook with otter in this process and write a JSON summary to ``output``."""
    import nbconvert.preprocessors
    from traitlets import Bool, Dict, Integer

    base = nbconvert.preprocessors.ExecutePreprocessor

    class _TimedExecutePreprocessor(base):  # type: ignore[misc, valid-type]
        # otter builds its executor without a timeout; ask nbclient to interrupt a slow cell and go on
        # (the interrupted cell becomes an error output, which the flags report).
        timeout = Integer(cell_timeout)
        interrupt_on_timeout = Bool(True)
        error_on_timeout = Dict(
            {"ename": "CellTimeoutError", "evalue": f"cell interrupted after {cell_timeout} s", "traceback": []}
        )

    # otter imports ExecutePreprocessor from this module at call time.
    nbconvert.preprocessors.ExecutePreprocessor = _TimedExecutePreprocessor
    import otter.run

    results = otter.run.main(notebook, autograder=autograder, output_dir=None, no_logo=True)
    summary: dict[str, Any] = {"questions": {}, "errors": []}
    for name, test_file in results.results.items():
        cases = []
        for tcr in test_file.test_case_results:
            cases.append(
                {
                    "name": tcr.test_case.name,
                    "hidden": tcr.test_case.hidden,
                    "passed": tcr.passed,
                    "message": tcr.message,
                    "failure_message": tcr.test_case.failure_message,
                    "success_message": tcr.test_case.success_message,
                }
            )
        summary["questions"][name] = {
            "score": test_file.score,
            "possible": test_file.possible,
            "cases": cases,
        }
    executed = results.notebook
    # otter adds cells of its own around the submission; count only the student's cells.
    for i, cell in enumerate(executed.cells if executed is not None else []):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                summary["errors"].append({"cell": i, "ename": out.get("ename"), "evalue": out.get("evalue")})
    Path(output).write_text(json.dumps(summary), encoding="utf-8")


def _run_isolated(autograder: Path, notebook: Path, assignment: str, timeout: int, cell_timeout: int) -> dict[str, Any]:
    """Run :func:`_worker` in a new process group; kill the whole group on timeout."""
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
            "newslens.tools.grading",
            "--worker",
            str(autograder),
            str(named),
            str(out),
            "--cell-timeout",
            str(cell_timeout),
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
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


# ----------------------------------------------------------------------------------------------
# Turning results into gradebook rows


def _case_feedback(case: dict[str, Any]) -> str:
    """The student-facing sentence of a failed test case: its assert message, not the traceback."""
    message = case.get("message") or ""
    match = re.search(r"^(\w*Error): (.*)\Z", message, flags=re.S | re.M)
    text = match.group(2).strip() if match else message.strip().splitlines()[-1:] or [""]
    text = text if isinstance(text, str) else text[0]
    if match and match.group(1) != "AssertionError":
        text = f"the check could not run ({match.group(1)}: {text})"
    prefix = case.get("failure_message")
    return f"{prefix} {text}".strip() if prefix else text


def _question_feedback(result: dict[str, Any]) -> str:
    failed = [c for c in result["cases"] if not c["passed"]]
    if not failed:
        extra = [c["success_message"] for c in result["cases"] if c.get("success_message")]
        return " ".join(["All checks passed.", *extra])
    seen: list[str] = []
    for case in failed:
        text = _case_feedback(case)
        if text and text not in seen:
            seen.append(text)
    return " | ".join(seen)


def _error_flags(errors: list[dict[str, Any]]) -> list[str]:
    flags = []
    timeouts = [e for e in errors if e.get("ename") in ("CellTimeoutError", "KeyboardInterrupt")]
    if timeouts:
        flags.append("timeout (a cell ran too long and was interrupted; later cells were still graded)")
    others = [e for e in errors if e not in timeouts]
    if others:
        first = others[0]
        flags.append(
            f"error in cell {first['cell']}: {first['ename']}: {str(first['evalue'])[:120]}"
            + (f" (+{len(others) - 1} more)" if len(others) > 1 else "")
        )
    return flags


def grade_submission(
    sub: Submission,
    sources: dict[str, Path],
    *,
    timeout: int = DEFAULT_TIMEOUT,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    build_dir: Path | None = None,
) -> list[dict[str, Any]]:
    """Gradebook rows (one per question) for one submission; never raises for a bad submission."""
    if sub.assignment is None:
        return [
            dict(
                student=sub.student,
                assignment="",
                question="",
                points=0.0,
                max_points=0.0,
                feedback=f"Could not tell which exercise set {sub.path.name} is.",
                flag="; ".join(sub.flags),
            )
        ]
    source = sources[sub.assignment]
    questions = exercises.questions(source)
    flags = list(sub.flags)
    run: dict[str, Any] = {"status": "skipped"}
    if sub.notebook is not None:
        student_version = (
            exercises.normalise(nbformat.read(paths.EXERCISES_DIR / source.name, as_version=4))
            if (paths.EXERCISES_DIR / source.name).exists()
            else None
        )
        if student_version is not None:
            flags += structure_flags(sub.notebook, student_version)
        try:
            zip_path = autograder_zip(source, build_dir)
            run = _run_isolated(zip_path, sub.path, sub.assignment, timeout, cell_timeout)
        except Exception as exc:  # a broken build must not stop the class either
            run = {"status": "crashed", "detail": f"{type(exc).__name__}: {exc}"}
    if run["status"] == "timeout":
        flags.append(f"timeout (the notebook ran longer than {timeout} s and was stopped)")
    elif run["status"] == "crashed":
        flags.append(f"grading crashed: {run.get('detail', '')}")
    elif run["status"] == "ok":
        flags += _error_flags(run.get("errors", []))
    flag = "; ".join(flags)
    rows = []
    results = run.get("questions", {})
    for q in questions:
        if q.manual:
            rows.append(
                dict(
                    student=sub.student,
                    assignment=sub.assignment,
                    question=q.name,
                    points=None,
                    max_points=q.points,
                    feedback="Manual question: grade it with the rubric.",
                    flag="; ".join(filter(None, ["manual", flag])),
                )
            )
            continue
        result = results.get(q.name)
        if result is None:
            feedback = "Not graded: the notebook could not be run." if run["status"] != "ok" else "No result."
            rows.append(
                dict(
                    student=sub.student,
                    assignment=sub.assignment,
                    question=q.name,
                    points=0.0,
                    max_points=q.points,
                    feedback=feedback,
                    flag=flag,
                )
            )
            continue
        rows.append(
            dict(
                student=sub.student,
                assignment=sub.assignment,
                question=q.name,
                points=round(float(result["score"]), 3),
                max_points=round(float(result["possible"]), 3),
                feedback=_question_feedback(result),
                flag=flag,
            )
        )
    return rows


# ----------------------------------------------------------------------------------------------
# Reports


def _manual_answers(sub: Submission, source: Path) -> dict[str, str]:
    """The student's written answers to manual questions (the cells after each prompt)."""
    if sub.notebook is None:
        return {}
    answers: dict[str, str] = {}
    cells = sub.notebook.cells
    for q in exercises.questions(source):
        if not q.manual:
            continue
        idx = next((i for i, c in enumerate(cells) if c.source.strip().endswith(q.prompt.strip())), None)
        if idx is None:
            answers[q.name] = "(the question's cell was not found)"
            continue
        parts = []
        for cell in cells[idx + 1 :]:
            if cell.metadata.get("editable") is False:
                break
            if "<summary>Hint</summary>" not in cell.source:
                parts.append(cell.source)
        answers[q.name] = "\n\n".join(parts).strip() or "(no answer)"
    return answers


def write_reports(
    gradebook: pd.DataFrame, subs: list[Submission], sources: dict[str, Path], out_dir: Path
) -> list[Path]:
    """One self-contained HTML feedback report per student; returns the paths written."""
    written = []
    for student, rows in gradebook.groupby("student", sort=True):
        title = f"<title>Feedback: {html.escape(student)}</title>"
        parts = [
            f"<!doctype html><html lang='en'><meta charset='utf-8'>{title}",
            "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}td,th{border:1px solid #999;"
            "padding:.3rem;vertical-align:top}table{border-collapse:collapse}.flag{color:#a00}</style>",
            f"<h1>Feedback for {html.escape(student)}</h1>",
        ]
        for assignment, arows in rows.groupby("assignment", sort=True):
            auto = arows[arows["points"].notna()]
            parts.append(f"<h2>{html.escape(str(assignment) or 'Unrecognised file')}</h2>")
            parts.append(f"<p>Autograded score: {auto['points'].sum():g} / {auto['max_points'].sum():g}</p>")
            flags = {f for f in arows["flag"].fillna("") for f in f.split("; ") if f and f != "manual"}
            if flags:
                parts.append("<p class='flag'>Flags: " + html.escape("; ".join(sorted(flags))) + "</p>")
            parts.append("<table><tr><th>Question</th><th>Points</th><th>Feedback</th></tr>")
            for _, r in arows.iterrows():
                pts = "manual" if pd.isna(r["points"]) else f"{r['points']:g}"
                parts.append(
                    f"<tr><td>{html.escape(str(r['question']))}</td><td>{pts} / {r['max_points']:g}</td>"
                    f"<td>{html.escape(str(r['feedback']))}</td></tr>"
                )
            parts.append("</table>")
            sub = next((s for s in subs if s.student == student and s.assignment == assignment), None)
            if sub is not None and assignment in sources:
                questions = {q.name: q for q in exercises.questions(sources[assignment])}
                for name, answer in _manual_answers(sub, sources[assignment]).items():
                    parts.append(
                        f"<h3>{html.escape(name)} (manual)</h3><h4>Question and rubric</h4>"
                        f"<pre>{html.escape(questions[name].prompt)}</pre><h4>Answer</h4>"
                        f"<pre>{html.escape(answer)}</pre>"
                    )
        parts.append("</html>")
        path = out_dir / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', student)}.html"
        path.write_text("\n".join(parts), encoding="utf-8")
        written.append(path)
    return written


# ----------------------------------------------------------------------------------------------
# The whole class


def grade(
    submissions: Path | str,
    out_dir: Path | str | None = None,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    jobs: int | None = None,
    sources_dir: Path | None = None,
    build_dir: Path | None = None,
) -> pd.DataFrame:
    """Grade every submission in ``submissions``; write the gradebook CSV and the HTML reports.

    Returns the gradebook as a DataFrame with :data:`GRADEBOOK_COLUMNS`.
    """
    folder = Path(submissions)
    if not folder.is_dir():
        raise FileNotFoundError(f"SUBMISSIONS must be a folder of notebooks; {folder} is not a folder")
    out = Path(out_dir) if out_dir else GRADES_DIR
    out.mkdir(parents=True, exist_ok=True)
    sources = assignments(sources_dir)
    subs = discover(folder, sources)
    # Build the autograder zips once, before the parallel runs race to do it.
    for name in {s.assignment for s in subs if s.assignment}:
        autograder_zip(sources[name], build_dir)
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        batches = list(
            pool.map(
                lambda s: grade_submission(s, sources, timeout=timeout, cell_timeout=cell_timeout, build_dir=build_dir),
                subs,
            )
        )
    rows = [row for batch in batches for row in batch]
    gradebook = pd.DataFrame(rows, columns=GRADEBOOK_COLUMNS)
    gradebook.to_csv(out / "gradebook.csv", index=False)
    write_reports(gradebook, subs, sources, out)
    return gradebook


def main(argv: list[str] | None = None) -> int:
    """``make grade SUBMISSIONS=<folder>``: grade a class locally, write build/grades/."""
    parser = argparse.ArgumentParser(prog="newslens grade", description=main.__doc__)
    parser.add_argument("submissions", nargs="?", help="folder of submitted notebooks")
    parser.add_argument("--out", default=None, help=f"output folder (default {GRADES_DIR})")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per notebook")
    parser.add_argument("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT, help="seconds per cell")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks graded at once (default: cores)")
    parser.add_argument("--worker", nargs=3, metavar=("ZIP", "NOTEBOOK", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(*args.worker, cell_timeout=args.cell_timeout)
        return 0
    if not args.submissions:
        parser.error("give the folder of submissions: make grade SUBMISSIONS=<folder>")
    start = time.monotonic()
    gradebook = grade(args.submissions, args.out, timeout=args.timeout, cell_timeout=args.cell_timeout, jobs=args.jobs)
    out = Path(args.out) if args.out else GRADES_DIR
    n_students = gradebook["student"].nunique()
    flagged = gradebook.loc[gradebook["flag"].fillna("").str.replace("manual", "").str.strip("; ") != "", "student"]
    print(f"Graded {n_students} student(s), {len(gradebook)} rows in {time.monotonic() - start:.1f} s.")
    print(f"Gradebook: {out / 'gradebook.csv'}; reports: {out}/<student>.html")
    if len(flagged):
        print(f"Flagged: {', '.join(sorted(set(flagged)))} (see the flag column)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
