"""Run one student's notebook in a bubblewrap sandbox and bring back its answers as plain data.

The host side (:func:`run_student`) copies the submission into a private folder, replaces otter's
cells (the ``import otter`` set-up and each ``grader.check``) by the grader's own hidden cells (see
:mod:`.kernel_side`), and starts ``bwrap`` with:

- new mount, PID, network, IPC, UTS and user namespaces (``--unshare-all``), ``--die-with-parent``,
  ``--new-session``, every capability dropped;
- the system (``/usr``, a few files of ``/etc``), Python, the venv and the course read-only, with the
  course's ``instructors/``, ``solutions/``, ``build/``, ``tests/`` and ``.git/`` hidden under empty
  tmpfs mounts, and so are the submissions folder and the outputs; a private tmpfs ``/tmp`` and home;
  only the private folder (``/grading``) writable;
- the rlimits of :class:`Limits` set in the child before ``bwrap`` starts, so inherited by everything
  inside: address space, CPU seconds, processes, file size, no core files.

Inside, this module's :func:`main` (``python -m newslens.tools.grading.sandbox``) runs the notebook with
the course's one runner (:class:`~newslens.tools.runner.NotebookRun`, errors allowed, a wall-clock
limit per cell); the kernel itself writes ``state.json``. The whole sandbox is killed at the notebook's
wall-clock limit; the answers exported up to then still count.

``sandbox=False`` (``--no-sandbox``) runs the same worker without bwrap (the rlimits still apply, in
a new process group): the student's code can then read and write whatever the instructor's account
can.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UserError

#: The worker's module, run as ``python -m`` inside the sandbox.
WORKER_MODULE = "newslens.tools.grading.sandbox"
#: The first line of every cell the grader adds or rewrites (never counted as a student's cell).
MARK = "# newslens-grader"
#: The exact command that installs bubblewrap, for the error message.
INSTALL = "sudo apt install bubblewrap"
#: Where the private folder appears inside the sandbox.
INSIDE = "/grading"
#: The worker's report (what it saw: output it dropped, processes left running), in the private folder.
REPORT = "worker.json"
#: Path fragments an honest notebook never opens (the grader's and the solutions' files).
FORBIDDEN_WORDS = ("solutions", "autograder", "exercise_sources", "instructors", "/build/otter", "/tests/q")
#: Parts of the course the sandbox must not see.
HIDDEN_IN_COURSE = ("instructors", "solutions", "build", "tests", ".git", "my-work", ".ci")
#: Files of /etc a Python kernel needs (locale, time zone, name service, fonts, linker cache).
ETC_FILES = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "timezone",
    "nsswitch.conf",
    "passwd",
    "group",
    "hosts",
    "fonts",
    "mime.types",
    "matplotlibrc",
    "ssl",
    "alternatives",
)


@dataclass(frozen=True)
class Limits:
    """What one submission may use; each limit hit is a flag in the gradebook.

    - ``timeout``: wall-clock seconds for the whole notebook (then the sandbox is killed; what was
      exported until then is graded);
    - ``cell_timeout``: wall-clock seconds for one cell (then it is interrupted and the run goes on):
      for cells that wait (``time.sleep``), set generously so that a busy machine never reaches it;
    - ``cell_cpu``: CPU seconds for one student cell (then it is interrupted and the run goes on): the
      limit that stops a busy loop, and the same on a quiet and a busy machine;
    - ``memory_mb``: address space of each process (``RLIMIT_AS``);
    - ``cpu_s``: CPU seconds of each process for the whole run (``RLIMIT_CPU``), a backstop;
    - ``processes``: processes the sandbox may add (``RLIMIT_NPROC``; the kernel does not apply it to
      root, where the PID namespace and the wall-clock limit remain);
    - ``file_mb``: size of any file written (``RLIMIT_FSIZE``);
    - ``output_bytes``: what the notebook may print in all, the rest dropped;
    - ``answer_values``: values in all the exported answers of one notebook.
    """

    timeout: int = 180
    cell_timeout: int = 60
    cell_cpu: int = 20
    memory_mb: int = 4096
    cpu_s: int = 240
    processes: int = 64
    file_mb: int = 64
    output_bytes: int = 1_000_000
    answer_values: int = 1_000_000


def skip_slow_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in a grader's worker process.

    jsonschema (imported by nbformat) loads that optional checker of IRI formats when it is installed;
    it compiles a grammar on import (about 3 s, more than the rest of a notebook's run). Neither nbformat
    nor otter validates IRIs, so the worker processes go without it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def bwrap() -> str | None:
    """The bwrap executable, or None when bubblewrap is not installed."""
    return shutil.which("bwrap")


_PROBED: set[str] = set()


def require_sandbox() -> str:
    """The bwrap executable, after checking that it can start a sandbox here; else a UserError.

    The check (a sandbox that runs ``true``) is made once per process and executable, not per submission.
    """
    exe = bwrap()
    if exe is not None and exe in _PROBED:
        return exe
    if exe is None:
        raise UserError(
            "bubblewrap (bwrap) is not installed: the grader runs every submission in a bubblewrap sandbox",
            f"install it with `{INSTALL}`, or pass --no-sandbox to grade without one at your own risk",
        )
    probe = subprocess.run(
        [exe, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0:
        detail = probe.stderr.strip().splitlines()[-1:] or [f"exit {probe.returncode}"]
        raise UserError(
            f"bubblewrap cannot start a sandbox here ({detail[0]})",
            "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1), "
            "or pass --no-sandbox to grade without one at your own risk",
        )
    _PROBED.add(exe)
    return exe


_MPL_CACHE: list[Path] = []
_MPL_LOCK = threading.Lock()


def matplotlib_cache() -> Path:
    """A folder with matplotlib's font list, built once per process (about 1.5 s), removed at exit.

    Without it, every notebook that plots would scan the system's fonts again in its fresh sandbox.
    """
    with _MPL_LOCK:
        return _build_matplotlib_cache()


def _build_matplotlib_cache() -> Path:
    if not _MPL_CACHE:
        import atexit

        folder = Path(tempfile.mkdtemp(prefix="newslens-mpl-"))
        atexit.register(shutil.rmtree, folder, True)
        env = {**os.environ, "MPLCONFIGDIR": str(folder), "MPLBACKEND": "agg"}
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                [sys.executable, "-c", "import matplotlib.font_manager"],
                env=env,
                capture_output=True,
                timeout=120,
                check=False,
            )
        _MPL_CACHE.append(folder)
    return _MPL_CACHE[0]


def _user_processes() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += 1
            except OSError:
                pass
    return count


def pids_cgroup(limit: int) -> Path | None:
    """A new cgroup of the ``pids`` controller with ``pids.max`` = ``limit``, where this user may make one.

    The process limit that also binds root (``RLIMIT_NPROC`` does not): cgroup v1's ``/sys/fs/cgroup/pids``
    or a delegated cgroup v2 hierarchy. None where neither is writable.
    """
    import uuid

    candidates = [Path("/sys/fs/cgroup/pids")]
    v2 = Path("/sys/fs/cgroup")
    with contextlib.suppress(OSError):
        if "pids" in (v2 / "cgroup.subtree_control").read_text(encoding="utf-8").split():
            candidates.append(v2)
    for base in candidates:
        if not (base / "cgroup.procs").exists():
            continue
        group = base / f"newslens-grade-{uuid.uuid4().hex[:12]}"
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(limit), encoding="utf-8")
            return group
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
    return None


def _pids_hit(group: Path | None) -> bool:
    """Whether the sandbox's cgroup refused a fork; removes the cgroup (once its processes are gone)."""
    if group is None:
        return False
    hit = False
    with contextlib.suppress(OSError, ValueError):
        events = dict(line.split() for line in (group / "pids.events").read_text(encoding="utf-8").splitlines())
        hit = int(events.get("max", "0")) > 0
    for _ in range(50):
        try:
            group.rmdir()
            break
        except OSError:
            import time

            time.sleep(0.05)
    return hit


def _set_limits(limits: Limits, nproc: int, group: Path | None = None) -> Any:
    def apply() -> None:
        os.setsid()
        if group is not None:
            (group / "cgroup.procs").write_text(str(os.getpid()), encoding="utf-8")
        mem = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        size = limits.file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _ro(path: Path) -> list[str]:
    if path.is_symlink():
        return ["--symlink", os.readlink(path), str(path)]
    return ["--ro-bind", str(path), str(path)] if path.exists() else []


def bwrap_command(exe: str, workdir: Path, root: Path, hidden: Sequence[Path], env: dict[str, str]) -> list[str]:
    """The bwrap arguments (before the command) for one submission's sandbox."""
    cmd = [exe, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "grading"]
    # /tmp first: a course or a venv that lives under /tmp (the bench's copy) is then bound on top of it.
    cmd += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/home/student"]
    for top in ("usr", "bin", "lib", "lib64", "lib32", "sbin"):
        cmd += _ro(Path("/") / top)
    for name in ETC_FILES:
        cmd += _ro(Path("/etc") / name)
    import newslens

    package_src = Path(newslens.__file__).resolve().parent.parent
    mounted: list[Path] = []
    for path in (Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), package_src, root.resolve()):
        if not any(path == m or m in path.parents for m in mounted):
            mounted.append(path)
    for path in sorted(mounted, key=lambda p: len(p.parts)):
        cmd += ["--ro-bind", str(path), str(path)]
    hide = [root.resolve() / name for name in HIDDEN_IN_COURSE] + [Path(p).resolve() for p in hidden]
    for path in hide:
        if path.is_dir() and any(m == path or m in path.parents for m in mounted):
            cmd += ["--tmpfs", str(path)]
    cmd += ["--bind", str(workdir), INSIDE, "--chdir", INSIDE, "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    return cmd


def prepare(
    nb: Any,
    questions: dict[str, list[str]],
    limits: Limits,
    workdir: str,
    probes: dict[str, list[Any]] | None = None,
) -> Any:
    """The notebook the sandbox runs: the grader's set-up first, otter's cells replaced, an export last."""
    import copy

    import nbformat

    nb = copy.deepcopy(nb)
    nb.metadata.pop("kernelspec", None)  # always the course's kernel (python3), whatever it was saved with
    numbers: dict[str, list[int]] = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        src = cell.source.strip()
        check = src.startswith("grader.check(") and src.endswith(")") and "\n" not in src
        if "otter.Notebook(" in src and "import otter" in src:
            cell.source = f"{MARK}\ngrader = _nl_grader"
        elif check:
            question = src[len("grader.check(") : -1].strip().strip("\"'")
            cell.source = f"{MARK}\n_nl_export({question!r})"
        elif src.startswith("grader."):
            cell.source = f"{MARK}\npass"
        else:
            numbers.setdefault(cell.source, []).append(i + 1)
        cell.outputs = []
    config = {
        "state": f"{workdir}/state.json",
        "workdir": workdir,
        "questions": questions,
        "cell_cpu": limits.cell_cpu,
        "output_cap": limits.output_bytes,
        "answer_cap": limits.answer_values,
        "forbidden_words": list(FORBIDDEN_WORDS),
        "cell_numbers": numbers,
        "probes": probes or {},
    }
    code = (Path(__file__).with_name("kernel_side.py")).read_text(encoding="utf-8")
    setup = (
        f"{MARK}\n{code}\n_nl_export, _nl_grader = _nl_setup(__import__('json').loads({json.dumps(config)!r}))\n"
        "grader = _nl_grader\ndel _nl_setup, _nl_encoder, MARK, _LIBRARY_MODULES, _LIBRARY_ENV\n"
    )
    nb.cells.insert(0, nbformat.v4.new_code_cell(setup))
    nb.cells.append(nbformat.v4.new_code_cell(f"{MARK}\n_nl_export(None)"))
    return nb


def run_student(
    nb: Any,
    assignment: str,
    questions: dict[str, list[str]],
    limits: Limits,
    *,
    root: Path,
    sandbox: bool = True,
    hidden: Sequence[Path] = (),
    probes: dict[str, list[Any]] | None = None,
) -> dict[str, Any]:
    """Run one notebook; its state (answers, errors, notes) and ``status``: ok, timeout or died.

    ``probes``: for each answer that may be a function, the inputs (tagged JSON) to call it on (:mod:`.probes`).
    """
    import nbformat

    exe = require_sandbox() if sandbox else None
    with tempfile.TemporaryDirectory(prefix="newslens-grade-") as tmp:
        workdir = Path(tmp) / "work"
        workdir.mkdir()
        inside = INSIDE if sandbox else str(workdir)
        # otter's set-up opened "<assignment>.ipynb" by name; the copy keeps that name.
        named = workdir / f"{assignment}.ipynb"
        nbformat.write(prepare(nb, questions, limits, inside, probes), named)
        # matplotlib's font list, built once per grader process: each notebook gets its own copy.
        shutil.copytree(matplotlib_cache(), workdir / ".mpl")
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": "/home/student" if sandbox else str(workdir),
            "NEWSLENS_ROOT": str(root),
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "MPLCONFIGDIR": f"{inside}/.mpl",
            "JUPYTER_PLATFORM_DIRS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "LANG": "C.UTF-8",
        }
        report = f"{inside}/{REPORT}"
        worker = [
            sys.executable,
            "-m",
            WORKER_MODULE,
            f"{inside}/{named.name}",
            "--cell-timeout",
            str(limits.cell_timeout),
            "--output-cap",
            str(limits.output_bytes),
            "--report",
            report,
            *(["--count-leftovers"] if sandbox else []),
        ]
        if exe is not None:
            cmd = bwrap_command(exe, workdir, root, hidden, env) + worker
            popen_env = None
        else:
            cmd, popen_env = worker, {**os.environ, **env}
        nproc = limits.processes + (_user_processes() if os.getuid() != 0 else 0)
        # The worker, its kernel and bwrap's own processes need about ten of the sandbox's processes.
        group = pids_cgroup(limits.processes + 10) if exe is not None else None
        # stdout and stderr of everything in the sandbox (the worker, the kernel's own file descriptors 1
        # and 2, any process it starts) are one pipe, read here with a byte limit: never more than a few
        # kB of it is kept, whatever the notebook writes.
        proc = subprocess.Popen(
            cmd,
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=popen_env,
            preexec_fn=_set_limits(limits, nproc, group),  # noqa: PLW1509 - rlimits must be set in the child
        )
        assert proc.stdout is not None
        drain = _Drain(proc.stdout)
        status = "ok"
        try:
            proc.wait(timeout=limits.timeout)
        except subprocess.TimeoutExpired:
            status = "timeout"
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        drain.finish()
        state_file = workdir / "state.json"
        state: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            state = json.loads(state_file.read_text(encoding="utf-8"))
        if not isinstance(state, dict):
            state = {}
        if status == "ok" and not state.get("done"):
            status = "died"
        if _pids_hit(group):
            state["process_limit_hit"] = limits.processes
        worker_report: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            worker_report = json.loads((workdir / REPORT).read_text(encoding="utf-8"))
        if not isinstance(worker_report, dict):
            worker_report = {}
        with contextlib.suppress(TypeError, ValueError):
            state["leftover_processes"] = int(worker_report.get("leftovers", 0))
        if drain.total > limits.output_bytes or worker_report.get("dropped_output"):
            state["output_capped"] = True
        state["raw_output_bytes"] = drain.total
        # The last line of the output says why a worker stopped, unless the notebook flooded it.
        last = drain.last_line() if drain.total <= drain.KEEP else ""
        detail = str(worker_report.get("detail") or last or f"exit {proc.returncode}")[:300]
        return {"status": status, "detail": detail, **state}


class _Drain:
    """Read a pipe to its end in a thread, keeping only its last few kB and counting its bytes."""

    KEEP = 4096

    def __init__(self, pipe: Any) -> None:
        self.fd = pipe.fileno()
        self._pipe = pipe
        self.total = 0
        self.tail = b""
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import select

        while not self._stop:
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            self.total += len(chunk)
            self.tail = (self.tail + chunk)[-self.KEEP :]

    def finish(self, grace: float = 5.0) -> None:
        """Wait for the end of the pipe (every writer gone), at most ``grace`` seconds; then close it."""
        self._thread.join(grace)
        self._stop = True
        self._thread.join()
        self._pipe.close()

    def last_line(self) -> str:
        lines = self.tail.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""


def _cap_notebook_output(cap: int) -> dict[str, int]:
    """Drop what the kernel displays beyond ``cap`` bytes (the runner keeps outputs in memory).

    The kernel's own cap (:mod:`.kernel_side`) prints a notice, but the student's code can undo it; this
    one runs in the worker, which the notebook cannot reach. The runner's own results are never dropped.
    """
    from nbclient.client import NotebookClient

    from ..runner import RESULT_MIME

    seen = {"bytes": 0, "dropped": 0}
    original = NotebookClient.output

    def output(self: Any, outs: Any, msg: dict[str, Any], display_id: Any, cell_index: int) -> Any:
        content = msg.get("content") or {}
        data = content.get("data") or {}
        if RESULT_MIME not in data:
            size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in data.values())
            size += sum(len(str(line)) for line in content.get("traceback", []) or [])
            seen["bytes"] += size
            if seen["bytes"] > cap:
                seen["dropped"] += size
                return None
        return original(self, outs, msg, display_id, cell_index)

    NotebookClient.output = output  # type: ignore[method-assign]
    return seen


def main(argv: Sequence[str] | None = None) -> int:
    """The worker inside the sandbox: run the prepared notebook; the kernel writes the state file."""
    parser = argparse.ArgumentParser(prog=f"python -m {WORKER_MODULE}", description=main.__doc__)
    parser.add_argument("notebook", help="the prepared notebook")
    parser.add_argument("--cell-timeout", type=int, required=True, help="wall-clock seconds per cell")
    parser.add_argument("--output-cap", type=int, default=Limits.output_bytes, help="bytes the kernel may display")
    parser.add_argument("--report", default=None, help="where to write what the worker saw (JSON)")
    parser.add_argument(
        "--count-leftovers", action="store_true", help="count the processes that outlived the kernel (sandbox only)"
    )
    args = parser.parse_args(argv)
    skip_slow_imports()
    from ..runner import NotebookRun, RunOptions

    seen = _cap_notebook_output(args.output_cap)
    path = Path(args.notebook)
    options = RunOptions(cwd=path.parent, timeout=args.cell_timeout, allow_errors=True, skip_tags=())
    status = 0
    report: dict[str, Any] = {}
    try:
        with NotebookRun(path, options):
            pass
    except Exception as exc:  # the kernel died or hung: what it exported is still in the state file
        report["detail"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        status = 1
    report["dropped_output"] = seen["dropped"]
    if args.count_leftovers:
        # Inside the sandbox's PID namespace: anything still running but this worker and bwrap's init was
        # started by the notebook to outlive it. bwrap kills it when this worker exits; say so.
        mine = {os.getpid(), os.getppid(), 1}
        left = [p.name for p in Path("/proc").iterdir() if p.name.isdigit() and int(p.name) not in mine]
        report["leftovers"] = len(left)
    if args.report:
        Path(args.report).write_text(json.dumps(report), encoding="utf-8")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
