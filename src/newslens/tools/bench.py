"""``python -m newslens bench``: how fast the handout build is, measured in one run.

(a) cold build of every handout (empty cache); (b) the plain way, ``jupyter nbconvert --execute
--to html`` on each notebook one after the other; (c) the floor, a fresh kernel that only imports
the course's packages, once per executed notebook, divided by the cores used; (d) a warm rebuild
with nothing changed; (e) a rebuild after editing one notebook; (f) each lesson's main widget
callback, median and worst, without a browser.

Everything runs on a temporary copy of the course, so the real ``build/`` and notebooks are never
touched. (a), (d) and (e) run the real command line in a subprocess.

(f) drives widgets from outside the notebook: no lesson carries a benchmark cell. A lesson names its
main widget in ``course.toml`` (``[lesson.widget]``: the variable, an expression for the values to
set, a label); the bench executes the lesson with the runner, keeps its kernel, and times
:func:`time_widget` on that widget there.

This module imports only the standard library at top level: the kernel imports it cheaply.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def floor_imports() -> str:
    """The floor's one cell: import every package the course's notebooks import (pyproject's dependencies
    less the tools that run notebooks, the same list the setup check imports), plus pyplot and newslens."""
    from ..setup_check import imported_modules

    return "import " + ", ".join([*imported_modules(), "matplotlib.pyplot", "newslens.data", "newslens.geo"])


def time_widget(widget: Any, values: Iterable[Any], attr: str = "value", label: str | None = None) -> dict[str, Any]:
    """Set ``widget.<attr>`` to each of ``values``, timing each callback (ms); give the widget its value back.

    ipywidgets calls observers synchronously when a trait changes, so the time of the assignment is
    the time the callback takes to recompute and redraw its output.
    """
    original = getattr(widget, attr)
    times = []
    try:
        for value in values:
            start = time.perf_counter()
            setattr(widget, attr, value)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        setattr(widget, attr, original)
    if not times:
        raise ValueError("time_widget needs at least one value")
    return {
        "label": label or type(widget).__name__,
        "n": len(times),
        "median_ms": statistics.median(times),
        "worst_ms": max(times),
    }


def _copy_course(course_file: Path, dest: Path) -> Path:
    """Copy the course root (without .git, .venv, build) into ``dest``; return the copied course file."""
    root = course_file.resolve().parent
    ignore = shutil.ignore_patterns(
        ".git",
        ".venv",
        "build",
        "__pycache__",
        ".ipynb_checkpoints",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        "*.egg-info",
    )
    shutil.copytree(root, dest, ignore=ignore, symlinks=True, dirs_exist_ok=True)
    return dest / course_file.name


def _cli(course_file: Path, extra: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "newslens",
            "--root",
            str(course_file.parent),
            "handouts",
            "--course",
            str(course_file),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - start, proc


def _floor(notebooks: list[Any], root: Path, work: Path) -> float:
    """Seconds to start a kernel, import the course's packages and stop, summed over notebooks.

    It goes through the same runner as the build, so (a) and (c) differ only in the notebooks' own work.
    """
    import nbformat

    from .runner import NotebookRun, RunOptions

    floor = work / "floor.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(floor_imports())]), floor)
    total = 0.0
    for _ in notebooks:
        start = time.perf_counter()
        with NotebookRun(floor, RunOptions(root=root, timeout=300)):
            pass
        total += time.perf_counter() - start
    return total


#: Seconds one plain ``jupyter nbconvert --execute`` may take before the bench gives up on it.
PLAIN_TIMEOUT = 300
#: Every lesson widget's callback median must be under this (issue 16: a widget that answers at once).
WIDGET_TARGET_MS = 100


def _plain(handouts: list[Any], root: Path, out: Path) -> tuple[float, list[str]]:
    """The plain way: one ``jupyter nbconvert`` per notebook, one after the other."""
    from .runner import SKIP_TAG, kernel_env

    env = kernel_env(root)
    errors = []
    start = time.perf_counter()
    for h in handouts:
        cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", str(out / h.set)]
        # The same work as the build, which never runs a cell tagged skip-execution.
        cmd += ["--TagRemovePreprocessor.enabled=True", f"--TagRemovePreprocessor.remove_cell_tags={SKIP_TAG}"]
        if h.execute:
            cmd.insert(4, "--execute")
        try:
            # A bound, so that one execution stuck on a silent kernel is reported instead of stalling the bench.
            proc = subprocess.run(
                [*cmd, str(h.source)], capture_output=True, text=True, env=env, check=False, timeout=PLAIN_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            errors.append(f"{h.key}: no result after {PLAIN_TIMEOUT} s")
            continue
        if proc.returncode:
            errors.append(f"{h.key}: {proc.stderr.strip().splitlines()[-1:]}")
    return time.perf_counter() - start, errors


def _widgets(lessons: list[Any], root: Path) -> list[dict[str, Any]]:
    """Execute each lesson that names a main widget, keep its kernel, and time that widget there."""
    from .runner import NotebookRun, RunOptions

    results: list[dict[str, Any]] = []
    for h in lessons:
        spec = h.widget
        if not spec:
            continue
        call = (
            f"__import__('newslens.tools.bench', fromlist=['time_widget']).time_widget("
            f"{spec['name']}, {spec['values']}, attr={spec.get('attr', 'value')!r}, label={spec.get('label')!r})"
        )
        try:
            with NotebookRun(h.source, RunOptions(root=root, keep_kernel=True)) as run:
                results.append({"lesson": h.name, **run.value(call)})
        except Exception as err:  # report and go on: one broken lesson should not hide the others
            results.append({"lesson": h.name, "error": f"{type(err).__name__}: {str(err)[-300:]}"})
    return results


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main_bench(
    course_file: Path,
    only: list[str] | None,
    sets: tuple[str, ...],
    jobs: int | None,
    allow_missing: bool,
    skip_plain: bool = False,
    skip_grading: bool = False,
) -> int:
    """Run (a) to (f), then (g) grading, on a temporary copy of the course; print figures, ratios and verdicts."""
    from .handouts.build import available_cores, select
    from .handouts.course import CourseError, load_course, missing_notebooks

    opts: list[str] = ["--sets", ",".join(sets)]
    for pattern in only or []:
        opts += ["--only", pattern]
    if jobs:
        opts += ["--jobs", str(jobs)]
    if allow_missing:
        opts.append("--allow-missing")

    with tempfile.TemporaryDirectory(prefix="newslens-bench-") as tmp:
        tmp_course = _copy_course(Path(course_file), Path(tmp) / "course")
        root = tmp_course.parent
        course = load_course(tmp_course, sets)
        chosen = select(course, only)
        missing = [h for h in missing_notebooks(course) if h.key in chosen]
        if missing and not allow_missing:
            raise CourseError(
                f"missing notebooks: {', '.join(str(h.source.relative_to(root)) for h in missing)}",
                "use --allow-missing or --only",
            )
        handouts = [h for h in course.all() if h.key in chosen and h.source.is_file()]
        executed = [h for h in handouts if h.execute]
        cores = min(jobs or available_cores(), max(1, len(executed)))
        print(
            f"bench: {len(handouts)} handouts ({len(executed)} executed) on {cores} core(s), "
            f"copy of the course in {root}"
        )

        a, proc = _cli(tmp_course, opts)
        print(f"(a) cold build ............ {a:7.2f} s")
        if proc.returncode:
            print(proc.stdout + proc.stderr)
            print("bench stopped: the cold build failed")
            return 1
        cold_output = proc.stdout

        if skip_plain:
            b = None
            print("(b) plain nbconvert ....... skipped")
        else:
            b, errors = _plain(handouts, root, Path(tmp) / "plain")
            print(
                f"(b) plain nbconvert ....... {b:7.2f} s (one `jupyter nbconvert --execute --to html` "
                f"per notebook)" + (f"; {len(errors)} failed: {errors}" if errors else "")
            )

        floor_total = _floor(executed, root, Path(tmp))
        c = floor_total / cores
        print(
            f"(c) floor ................. {c:7.2f} s ({len(executed)} kernels importing the course's "
            f"packages, {floor_total:.2f} s / {cores} cores)"
        )

        d, proc = _cli(tmp_course, opts)
        print(f"(d) warm rebuild .......... {d:7.2f} s" + ("" if proc.returncode == 0 else " (FAILED)"))

        e = None
        target = executed[0] if executed else (handouts[0] if handouts else None)
        if target is not None:
            nb = json.loads(target.source.read_text(encoding="utf-8"))
            cell = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), nb["cells"][0])
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = src + "\n\n<!-- edited by the bench -->"
            target.source.write_text(json.dumps(nb, indent=1), encoding="utf-8")
            e, proc = _cli(tmp_course, opts)
            print(
                f"(e) one notebook edited ... {e:7.2f} s ({target.key})" + ("" if proc.returncode == 0 else " (FAILED)")
            )

        widget_results = _widgets([h for h in handouts if h.set == "lessons"], root)
        if not widget_results:
            print(
                "(f) widget callbacks ...... no lesson names a main widget ([lesson.widget] in course.toml, "
                "see newslens.tools.bench)"
            )
        for r in widget_results:
            if "error" in r:
                print(f"(f) {r['lesson']}: bench failed: {r['error']}")
            else:
                print(
                    f"(f) {r['lesson']} / {r['label']}: median {r['median_ms']:.1f} ms, "
                    f"worst {r['worst_ms']:.1f} ms over {r['n']} values"
                )

        print("\nhandout sizes (cold build):")
        sizes: dict[str, int] = {}
        for line in cold_output.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "KB":
                sizes[parts[2]] = int(float(parts[0]) * 1024)
                print("  " + line.strip())
        for s in sets:
            in_set = [v for k, v in sizes.items() if k.startswith(s + "/")]
            if in_set:
                print(
                    f"  {s}: {len(in_set)} pages, {sum(in_set) / 1024:.1f} KB in all, "
                    f"largest {max(in_set) / 1024:.1f} KB"
                )

        print("\ntargets:")
        if b is not None:
            print(f"  (a)/(b) = {a / b:.2f}  -> (a) at least 2x faster than (b): {_verdict(a * 2 <= b)}")
        if c > 0:
            print(f"  (a)/(c) = {a / c:.2f}  -> (a) within 1.5x of (c): {_verdict(a <= 1.5 * c)}")
        print(f"  (d) = {d:.2f} s -> under 3 s: {_verdict(d < 3)}")
        if widget_results:
            ok = all("error" not in r and r["median_ms"] < WIDGET_TARGET_MS for r in widget_results)
            print(f"  (f) every median under {WIDGET_TARGET_MS} ms: {_verdict(ok)}")
        else:
            print("  (f) no widget benchmarks found: not measured")

        if skip_grading:
            print("\n(g) grading ............... skipped")
        else:
            from .grading.bench import bench_grading

            print("\ngrading (a generated class, sandboxed and not):\n" + "\n".join(bench_grading(root)))

        from ..casekit.quality import bench_lines

        print("\n(h) case kit: drafts of newslens case new scored against the finished tables")
        print("\n".join("  " + line for line in bench_lines(Path(course_file).resolve().parent)))
    return 0
