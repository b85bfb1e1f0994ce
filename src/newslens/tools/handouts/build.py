"""``python -m newslens handouts``: execute what changed, render what changed, write the index.

Work per notebook is one of: nothing (page up to date), render from the cached executed copy,
render the source as is (exercises), or execute then render. Work runs in a pool of processes,
one per available core; each task starts its own kernel, so kernels never share state.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import json
import os
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from .cache import Manifest, _rel, environment_hash, notebook_render_hash, notebook_source_hash, sha256_bytes
from .course import (
    SETS,
    Course,
    CourseError,
    Handout,
    learning_objectives,
    load_course,
    missing_notebooks,
    notebook_title,
    read_notebook_json,
)
from .index import IndexEntry, render_index

#: Every handout must stay below this size (the build fails above it).
MAX_BYTES = 2 * 1024 * 1024


class BuildFailed(UserError):
    """One or more notebooks failed; the message lists each with its cell and error."""


@dataclass
class BuildReport:
    """What a build did, for the CLI, the bench and the tests."""

    executed: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    out_dir: Path | None = None


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def course_version(root: Path) -> str:
    """``newslens.__version__`` plus ``git describe --always --dirty`` when the root is a git clone."""
    from ... import __version__

    try:
        out = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        described = out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        described = ""
    return f"{__version__} ({described})" if described else __version__


def _relink(group: list[Handout]) -> None:
    for h in group:
        h.prev = h.next = None
    for a, b in zip(group, group[1:], strict=False):
        a.next, b.prev = b, a


def _matches(h: Handout, pattern: str) -> bool:
    return any(fnmatch.fnmatch(text, pattern) for text in (h.name, h.key, h.source.name))


def select(course: Course, only: list[str] | None) -> set[str]:
    """The keys (``set/name``) of the handouts to build: those matching one of ``only`` (all without it).

    The course itself is left whole, so the index and every page's links still cover all of it.
    Raises :class:`CourseError` naming the pattern when one matches nothing.
    """
    everything = course.all()
    if not only:
        return {h.key for h in everything}
    unmatched = [p for p in only if not any(_matches(h, p) for h in everything)]
    if unmatched:
        raise CourseError(
            f"--only {' '.join(unmatched)}: no notebook of the course matches",
            "patterns match a name (01_reading_the_article), a set/name (lessons/01_*) or a file name "
            f"(01_reading_the_article.ipynb), e.g. {everything[0].key}"
            if everything
            else None,
        )
    return {h.key for h in everything if any(_matches(h, p) for p in only)}


def page_title(h: Handout, heading: str | None) -> str:
    """The notebook's first heading; exercise and solution pages always say which they are."""
    if h.set in ("lessons", "instructors"):
        return heading or h.title
    prefix = "Exercises" if h.set == "exercises" else "Solutions"
    if heading and (prefix[:-1].lower() in heading.lower()):
        return heading
    return f"{prefix}: {heading or h.title.split(': ', 1)[-1]}"


# --- work done in the pool -------------------------------------------------------------------


def _work(task: dict[str, Any]) -> dict[str, Any]:
    """Execute (if asked) and render one handout; never leaves a stale page behind on failure."""
    import nbformat

    from ..runner import NotebookFailed, RunOptions, execute_notebook
    from .render import render_page, solution_leaks

    h: Handout = task["handout"]
    out_path = Path(task["out_path"])
    result: dict[str, Any] = {"key": h.key, "ok": False}
    started = time.perf_counter()
    try:
        if task["mode"] == "execute":
            ran = execute_notebook(h.source, RunOptions(root=task["root"], timeout=task["timeout"]))
            nb = ran.nb
            exec_path = Path(task["cache_dir"]) / task["exec_rel_stub"]
            exec_path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, exec_path)
            result["reads"] = ran.reads
            result["exec_file"] = str(exec_path)
            result["exec_seconds"] = time.perf_counter() - started
        elif task["mode"] == "cached":
            nb = nbformat.read(task["exec_file"], as_version=4)
            overlay_page_metadata(nb, nbformat.read(h.source, as_version=4))
        else:
            nb = nbformat.read(h.source, as_version=4)
            if h.set == "exercises":
                leaks = solution_leaks(nb)
                if leaks:
                    raise NotebookFailed(
                        f"{h.source.name}: the student notebook contains solution or hidden-test "
                        f"markers ({'; '.join(leaks[:3])}); regenerate it with otter assign"
                    )
        page, missing_alt = render_page(nb, h, task["context"])
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_path.with_suffix(".html.tmp")
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, out_path)
        result.update(
            ok=True, size=out_path.stat().st_size, missing_alt=missing_alt, seconds=time.perf_counter() - started
        )
    except NotebookFailed as err:
        out_path.unlink(missing_ok=True)  # a failed notebook keeps no page that looks current
        result["error"] = str(err)
    except Exception as err:  # a broken template or notebook file: report it like a failed cell
        out_path.unlink(missing_ok=True)
        result["error"] = f"{h.source.name}: {type(err).__name__}: {err}"
    return result


#: Cell metadata that shapes the page but not what a kernel computes (figures' alt text and captions, the
#: language of a cell's outputs, tables' captions): editing it re-renders the page without re-executing it.
PAGE_METADATA = ("alt", "caption", "lang", "table_caption")


def page_metadata(nb: dict) -> list[Any]:
    """The :data:`PAGE_METADATA` of every cell of a notebook (JSON), for the render key."""
    return [{k: c.get("metadata", {}).get(k) for k in PAGE_METADATA} for c in nb.get("cells", [])]


def overlay_page_metadata(executed: Any, source: Any) -> None:
    """Copy the source's :data:`PAGE_METADATA` onto the cached executed copy, cell by cell id."""
    by_id = {c.get("id"): c.get("metadata", {}) for c in source.cells if c.get("id")}
    for cell in executed.cells:
        given = by_id.get(cell.get("id"))
        if given is None:
            continue
        for key in PAGE_METADATA:
            if key in given:
                cell.setdefault("metadata", {})[key] = given[key]
            else:
                cell.get("metadata", {}).pop(key, None)


def _estimated_cost(task: dict[str, Any]) -> int:
    """A rough rank of how long a task takes: executing dwarfs rendering; more code cells, more work."""
    if task["mode"] != "execute":
        return 0
    import nbformat

    nb = nbformat.read(task["handout"].source, as_version=4)
    return 1 + sum(cell.cell_type == "code" for cell in nb.cells)


def _run_tasks(tasks: list[dict[str, Any]], jobs: int) -> Any:
    if len(tasks) == 1 or jobs == 1:
        for task in tasks:
            yield _work(task)
        return
    import multiprocessing as mp

    # Never plain "fork": a caller with live threads (a test process talking to kernels over zmq)
    # can leave a forked child deadlocked on a lock held by another thread. A fork server starts
    # clean, imports the heavy libraries once, and forks warm workers from that single-threaded state.
    ctx: mp.context.BaseContext
    if "forkserver" in mp.get_all_start_methods():
        forkserver = mp.get_context("forkserver")
        forkserver.set_forkserver_preload(
            ["nbclient", "nbconvert", "nbformat", "newslens.tools.runner", "newslens.tools.handouts.render"]
        )
        ctx = forkserver
    else:
        ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=ctx) as pool:
        # Longest first, so the cores do not idle at the end waiting for one late, long notebook.
        futures = [pool.submit(_work, t) for t in sorted(tasks, key=_estimated_cost, reverse=True)]
        for fut in as_completed(futures):
            yield fut.result()


def _nav_key(h: Any) -> list[Any]:
    """What of a page depends on its neighbours: a change here re-renders it without re-executing."""
    return [h.title, h.set, h.minutes, h.prev and (h.prev.name, h.prev.title), h.next and (h.next.name, h.next.title)]


# --- the build -------------------------------------------------------------------------------


def build_handouts(
    course_file: Path,
    *,
    only: list[str] | None = None,
    sets: tuple[str, ...] = SETS,
    jobs: int | None = None,
    allow_missing: bool = False,
    timeout: int = 600,
    log: Callable[[str], None] = print,
) -> BuildReport:
    """Build the handouts of ``course_file`` into ``<course root>/build/handouts``.

    Raises :class:`CourseError` if a listed notebook is missing (unless ``allow_missing``) and
    :class:`BuildFailed` if any notebook fails to execute or any page is too large.
    """
    t0 = time.perf_counter()
    course = load_course(course_file, sets)
    if course.handouts.get("instructors"):
        from ..guide import write_guide  # the instructor guide's notebooks, generated from the course's files

        write_guide(course.course_file)
    chosen = select(course, only)
    missing = [h for h in missing_notebooks(course) if h.key in chosen]
    if missing:
        listed = "\n".join(f"  - {h.source.relative_to(course.root)} ({h.set})" for h in missing)
        if not allow_missing:
            raise CourseError(
                f"{len(missing)} notebook(s) listed in {course.course_file.name} do not exist:\n"
                f"{listed}\nCreate them, or build a part with --only / --allow-missing."
            )
        log(f"WARNING: skipping {len(missing)} missing notebook(s):\n{listed}")
    # A notebook that does not exist has no page: the index and the links skip it.
    for s, group in course.handouts.items():
        course.handouts[s] = [h for h in group if h.source.is_file()]
        _relink(course.handouts[s])

    root = course.root
    out_dir = root / "build" / "handouts"
    cache_dir = root / "build" / "cache"
    manifest = Manifest(cache_dir)
    env_hash = environment_hash()
    render_env = environment_hash(for_render=True)
    report = BuildReport(out_dir=out_dir)
    jobs = jobs or available_cores()

    tasks: list[dict[str, Any]] = []
    entries: list[IndexEntry] = []
    version: str | None = None
    build_date = dt.datetime.now(dt.timezone.utc).date().isoformat()
    pending: dict[str, tuple[Handout, str, str]] = {}
    notebooks = {h.key: read_notebook_json(h.source) for h in course.all()}
    for h in course.all():
        nb = notebooks[h.key]
        h.title = page_title(h, notebook_title(nb))
        entries.append(IndexEntry(h.set, h.html_relpath, h.title, h.minutes, learning_objectives(nb)))
    for h in course.all():
        if h.key not in chosen:
            continue
        nb = notebooks[h.key]
        out_path = out_dir / h.html_relpath
        entry = manifest.notebooks.get(h.key, {})
        nav = _nav_key(h)
        task: dict[str, Any] = {
            "handout": h,
            "out_path": str(out_path),
            "root": root,
            "cache_dir": str(cache_dir),
            "timeout": timeout,
        }
        if h.execute:
            src_hash = notebook_source_hash(nb)
            run = manifest.find_run(h.key, src_hash, env_hash, root)
            if run is None:
                task["mode"] = "execute"
                task["exec_rel_stub"] = f"executed/{h.set}/{h.name}-{src_hash[:12]}-{env_hash[:8]}.ipynb"
                pending[h.key] = (h, src_hash, "")
                tasks.append(task)
                continue
            content = run["exec_hash"]
            task.update(mode="cached", exec_file=str(cache_dir / run["executed"]))
        else:
            content = notebook_render_hash(nb)
            task["mode"] = "source"
        render_key = sha256_bytes(json.dumps([render_env, content, nav, page_metadata(nb)]).encode())
        page = entry.get("page", {})
        if page.get("render_key") == render_key and out_path.is_file() and out_path.stat().st_size == page.get("size"):
            report.up_to_date.append(h.key)
            report.sizes[h.key] = page["size"]
            continue
        task["render_key"] = render_key
        tasks.append(task)

    if tasks:
        version = course_version(root)
        pages = {str(x.source.resolve()): x.html_relpath for x in course.all()}
        for task in tasks:
            h = task["handout"]
            from .render import page_context  # light: nbconvert is imported lazily inside render

            task["context"] = page_context(h, h.title, version, build_date, root, pages)
        log(
            f"handouts: {len(tasks)} to build ({sum(t['mode'] == 'execute' for t in tasks)} to execute) "
            f"on {min(jobs, len(tasks))} core(s)"
        )
        by_key = {t["handout"].key: t for t in tasks}
        for res in _run_tasks(tasks, jobs):
            task = by_key[res["key"]]
            h = task["handout"]
            if not res["ok"]:
                report.failures.append(res["error"])
                manifest.forget_page(h.key)
                log(f"  FAILED  {h.key}")
                continue
            if task["mode"] == "execute":
                data = {}
                for path in res["reads"]:  # data files under the root; package modules anywhere
                    rel = _rel(Path(path), root)
                    data[rel] = manifest.file_hash(root / rel, root)
                src_hash = pending[h.key][1]
                exec_hash = hashlib.sha256(json.dumps([src_hash, env_hash, sorted(data.items())]).encode()).hexdigest()
                manifest.add_run(
                    h.key,
                    {
                        "source_hash": src_hash,
                        "env_hash": env_hash,
                        "data": data,
                        "exec_hash": exec_hash,
                        "executed": Path(res["exec_file"]).relative_to(cache_dir).as_posix(),
                    },
                )
                nav = _nav_key(h)
                task["render_key"] = sha256_bytes(
                    json.dumps([render_env, exec_hash, nav, page_metadata(notebooks[h.key])]).encode()
                )
                report.executed.append(h.key)
                reads = ", ".join(k for k in sorted(data) if k.startswith("data/")) or "no data files"
                log(f"  executed {h.key} in {res['exec_seconds']:.1f} s (read {reads})")
            report.rendered.append(h.key)
            report.sizes[h.key] = res["size"]
            manifest.notebooks.setdefault(h.key, {})["page"] = {"render_key": task["render_key"], "size": res["size"]}
            if res["missing_alt"]:
                cells = ", ".join(str(i) for i in res["missing_alt"])
                report.warnings.append(f"{h.key}: image(s) without alt text in cell(s) {cells}")
        manifest.save()

    # The index: rewritten only when what it lists changed (or it is missing).
    index_path = out_dir / "index.html"
    index_hash = sha256_bytes(json.dumps([e.__dict__ for e in entries], default=str).encode())
    if index_hash != manifest.index_hash or not index_path.is_file() or tasks:
        version = version or course_version(root)
        out_dir.mkdir(parents=True, exist_ok=True)
        index_path.write_text(
            render_index(entries, "newslens: reading one news article critically", version, build_date, root),
            encoding="utf-8",
        )
        manifest.index_hash = index_hash
        manifest.save()
    report.sizes["index"] = index_path.stat().st_size
    if course.handouts.get("instructors"):
        # The instructor guide's own index; no student page links it. Cheap to render, so compared, not cached.
        guide_index = out_dir / "instructors" / "index.html"
        page = render_index(
            entries,
            "newslens: reading one news article critically",
            version or course_version(root),
            build_date,
            root,
            instructors=True,
        )
        if not guide_index.is_file() or guide_index.read_text(encoding="utf-8") != page:
            guide_index.parent.mkdir(parents=True, exist_ok=True)
            guide_index.write_text(page, encoding="utf-8")
        report.sizes["instructors/index"] = guide_index.stat().st_size

    for key, size in report.sizes.items():
        if size > MAX_BYTES:
            report.failures.append(
                f"{key}: handout is {size / 1e6:.2f} MB, over the 2 MB limit "
                "(lower figure dpi, or tag bulky outputs remove-output)"
            )
    report.seconds = time.perf_counter() - t0
    if report.failures:
        raise BuildFailed(_failure_text(report))
    return report


def _failure_text(report: BuildReport) -> str:
    n = len(report.failures)
    return f"handout build failed ({n} problem{'s' if n > 1 else ''}):\n\n" + "\n\n".join(report.failures)


def print_summary(report: BuildReport, log: Callable[[str], None] = print) -> None:
    """Sizes of every page, then one line of totals."""
    for key, size in sorted(report.sizes.items()):
        flag = "  <-- OVER 2 MB" if size > MAX_BYTES else ""
        log(f"  {size / 1024:8.1f} KB  {key}{flag}")
    for warning in report.warnings:
        log(f"WARNING: {warning}")
    log(
        f"handouts: {len(report.executed)} executed, {len(report.rendered)} rendered, "
        f"{len(report.up_to_date)} up to date, in {report.seconds:.2f} s -> {report.out_dir}"
    )
