"""A real JupyterHub for a class on this machine, for tests/test_class_server.py and ``make bench-hub``.

:class:`ClassHub` starts the ``jupyterhub`` package (with ``configurable-http-proxy`` from npm, installed
by ``make setup`` into ``.venv/node``) on free loopback ports, with DummyAuthenticator (one shared
password: for tests only) and SimpleLocalProcessSpawner (every user's home is a folder under a temporary
directory). :class:`Student` logs in with the password, takes an API token through the REST API, starts
their server, follows an nbgitpuller link and runs notebooks in a kernel of their own server over its
REST and websocket API, as JupyterLab does. Every process the hub starts (proxy, servers, kernels)
carries the environment variable ``NEWSLENS_HUB_RUN``, so :meth:`ClassHub.stop` can prove none is left.

``python -m newslens.tools.hubbench`` (``make bench-hub``) measures the memory of one idle student
server and of one after the heaviest lesson, and the wall time of that lesson for 1, 4 and 8 students
at once.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .. import paths
from .hublinks import clone_folder, pull_link

MARKER = "NEWSLENS_HUB_RUN"
VENV_BIN = Path(sys.executable).parent


def proxy_command() -> Path | None:
    """``configurable-http-proxy``: the copy ``make setup`` installs into .venv/node, else one on PATH."""
    local = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return local
    found = shutil.which("configurable-http-proxy")
    return Path(found) if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bare_remote(folder: Path, source: Path | None = None) -> str:
    """A bare clone of the course's committed HEAD in ``folder/newslens`` (the name nbgitpuller clones into)."""
    source = source or paths.REPO_ROOT
    target = folder / "newslens"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(source), str(target)], check=True)
    # The links and the tests use branch main: point it at the source's HEAD, whatever branch (or detached
    # commit, as on a CI machine) that is.
    head = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["git", "-C", str(target), "update-ref", "refs/heads/main", head], check=True)
    subprocess.run(["git", "-C", str(target), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    return target.as_uri()


@dataclass
class ClassHub:
    """One JupyterHub with a proxy, on free loopback ports, its state and users' homes under ``folder``."""

    folder: Path
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    mem_limit: str | None = None
    process: subprocess.Popen | None = None
    port: int = 0
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    admin_token: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def homes(self) -> Path:
        return self.folder / "home"

    def home(self, user: str) -> Path:
        return self.homes / user

    def write_config(self) -> Path:
        proxy = proxy_command()
        if proxy is None:
            raise RuntimeError("configurable-http-proxy not found: run make setup (npm install --prefix .venv/node)")
        self.port = free_port()
        args = ["--allow-root"] if os.geteuid() == 0 else []
        env = {
            MARKER: self.run_id,
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "MPLCONFIGDIR": str(self.folder / "mplconfig"),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "JUPYTER_PLATFORM_DIRS": "1",
        }
        config = f"""
c = get_config()  # noqa
c.JupyterHub.bind_url = "http://127.0.0.1:{self.port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{str(proxy)!r}]
c.ConfigurableHTTPProxy.pid_file = {str(self.folder / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{self.folder / "hub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(self.folder / "cookie_secret")!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {self.password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(self.homes / "{username}")!r}
c.Spawner.cmd = [{str(VENV_BIN / "jupyterhub-singleuser")!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {{
    **{env!r},
    # the package reads the course's data from each student's own clone
    "NEWSLENS_ROOT": lambda spawner: {str(self.homes)!r} + "/" + spawner.user.name + "/newslens",
}}
c.Spawner.mem_limit = {self.mem_limit!r}
c.LocalProcessSpawner.interrupt_timeout = 5  # a server with no kernel left stops on SIGINT at once
c.LocalProcessSpawner.term_timeout = 5
c.JupyterHub.services = [{{"name": "bench", "api_token": {self.admin_token!r}}}]
c.JupyterHub.load_roles = [{{"name": "bench", "scopes": ["admin:users", "admin:servers"], "services": ["bench"]}}]
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
"""
        path = self.folder / "jupyterhub_config.py"
        path.write_text(config, encoding="utf-8")
        return path

    def start(self, timeout: float = 90) -> ClassHub:
        import requests

        self.folder.mkdir(parents=True, exist_ok=True)
        self.homes.mkdir(exist_ok=True)
        config = self.write_config()
        env = {**os.environ, MARKER: self.run_id, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        log = (self.folder / "hub.log").open("wb")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "jupyterhub"), "-f", str(config)],
            cwd=self.folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({self.process.returncode}); log:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"jupyterhub did not answer within {timeout} s; log:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        log = self.folder / "hub.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""

    def processes(self) -> list[Any]:
        """Every live process carrying this hub's marker (the hub, proxy, servers, kernels)."""
        import psutil

        found = []
        for proc in psutil.process_iter(["pid"]):
            try:
                if proc.environ().get(MARKER) == self.run_id:
                    found.append(proc)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        return found

    def stop(self, timeout: float = 60) -> list[str]:
        """Stop the hub (which stops the servers and the proxy); returns what had to be killed afterwards."""
        import psutil

        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        deadline = time.monotonic() + 15
        left = self.processes()
        while left and time.monotonic() < deadline:
            time.sleep(0.5)
            left = self.processes()
        survivors = [f"{p.pid} {' '.join(p.cmdline())[:120]}" for p in left if p.is_running()]
        for proc in left:
            with _quiet(psutil):
                proc.kill()
        return survivors


class _quiet:
    def __init__(self, psutil: Any) -> None:
        self.errors = (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError)

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, value: Any, tb: Any) -> bool:
        return kind is not None and issubclass(kind, self.errors)


@dataclass
class RunResult:
    """One notebook run through a user's server."""

    path: str
    seconds: float
    errors: list[str]


class Student:
    """One user of a :class:`ClassHub`: logs in, starts a server, pulls the course, runs notebooks."""

    def __init__(self, hub: ClassHub, name: str) -> None:
        import requests

        self.hub, self.name = hub, name
        self.session = requests.Session()
        self.browser = self.session
        self.token = ""
        self.kept: list[str] = []

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def login(self) -> Student:
        """Log in with the password (the hub's login form), then take an API token through the REST API."""
        import requests

        hub = self.hub.url
        self.session.get(f"{hub}/hub/login", timeout=30).raise_for_status()
        xsrf = self.session.cookies.get("_xsrf", "")
        answer = self.session.post(
            f"{hub}/hub/login",
            data={"username": self.name, "password": self.hub.password, "_xsrf": xsrf},
            allow_redirects=False,
            timeout=60,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"{self.name}: login refused ({answer.status_code})")
        xsrf = str(self.session.cookies.get("_xsrf", path="/hub/") or xsrf)  # the hub sets a new one on login
        made = self.session.post(
            f"{hub}/hub/api/users/{self.name}/tokens",
            json={"note": "class-server test", "expires_in": 3600},
            headers={"X-XSRFToken": xsrf},
            timeout=30,
        )
        made.raise_for_status()
        self.token = made.json()["token"]
        # The logged-in session is the student's browser (pages, nbgitpuller); API calls use the token alone.
        self.browser = self.session
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {self.token}"
        return self

    def start_server(self, timeout: float = 180) -> float:
        """Start the student's server through the REST API; the seconds until it answers."""
        began = time.monotonic()
        answer = self.session.post(f"{self.hub.url}/hub/api/users/{self.name}/server", timeout=60)
        if answer.status_code not in (201, 202, 400):  # 400: already running
            answer.raise_for_status()
        while time.monotonic() - began < timeout:
            user = self.session.get(f"{self.hub.url}/hub/api/users/{self.name}", timeout=30).json()
            server = user.get("servers", {}).get("", {})
            if server.get("ready"):
                return time.monotonic() - began
            time.sleep(0.5)
        raise RuntimeError(f"{self.name}: server not ready after {timeout} s; hub log:\n{self.hub.log_tail()}")

    def follow(self, link: str, timeout: float = 120) -> list[str]:
        """Open an nbgitpuller link as the student's browser does; returns nbgitpuller's progress lines.

        The link redirects through the hub to the student's server's ``git-pull`` page; that page's script
        then calls ``git-pull/api`` with the same parameters and streams git's progress. This does both.
        """
        page = self.browser.get(link, timeout=60)
        page.raise_for_status()
        landed = urlsplit(page.url)
        if not landed.path.startswith(f"/user/{self.name}/git-pull") or "nbgitpuller" not in page.text.lower():
            raise RuntimeError(f"{self.name}: the link landed on {page.url}, not nbgitpuller's page")
        query = dict(parse_qsl(landed.query))
        params = {"repo": query["repo"], "branch": query["branch"], "targetpath": clone_folder(query["repo"])}
        lines: list[str] = []
        with self.browser.get(f"{self.server}/git-pull/api", params=params, stream=True, timeout=timeout) as stream:
            stream.raise_for_status()
            for chunk in stream.iter_lines(decode_unicode=True):
                raw = chunk.decode() if isinstance(chunk, bytes) else str(chunk)
                if not raw.startswith("data:"):
                    continue
                event = json.loads(raw[5:])
                if "output" in event:
                    lines.append(str(event["output"]).rstrip())
                if event.get("phase") == "error":
                    raise RuntimeError(f"{self.name}: nbgitpuller failed: {event.get('message')}\n" + "\n".join(lines))
                if event.get("phase") == "finished":
                    return lines
        raise RuntimeError(f"{self.name}: nbgitpuller's stream ended without finishing:\n" + "\n".join(lines))

    def contents(self, path: str) -> dict:
        answer = self.session.get(f"{self.server}/api/contents/{path}", params={"content": "1"}, timeout=60)
        answer.raise_for_status()
        return answer.json()

    def save(self, path: str, content: Any, kind: str = "notebook") -> None:
        """Save a file through the server as JupyterLab does (a notebook as JSON, a file as text)."""
        model = {"type": kind, "format": "json" if kind == "notebook" else "text", "content": content}
        self.session.put(f"{self.server}/api/contents/{path}", json=model, timeout=60).raise_for_status()

    def run_notebook(
        self, path: str, timeout: float = 300, extra: list[str] | None = None, keep_kernel: bool = False
    ) -> RunResult:
        """Run every code cell of ``path`` (relative to the home) in a new kernel of the student's server.

        ``extra``: code run after the notebook's cells, in the same kernel; ``keep_kernel``: leave the kernel
        running (:meth:`close_kernels` stops it), e.g. to measure its memory.
        """
        notebook = self.contents(path)["content"]
        codes = [cell["source"] for cell in notebook["cells"] if cell["cell_type"] == "code"] + list(extra or [])
        made = self.session.post(
            f"{self.server}/api/sessions",
            json={"path": path, "type": "notebook", "name": Path(path).name, "kernel": {"name": "python3"}},
            timeout=120,
        )
        made.raise_for_status()
        session = made.json()
        began = time.monotonic()
        try:
            errors = self._execute(session["kernel"]["id"], codes, timeout)
        finally:
            if keep_kernel:
                self.kept.append(session["id"])
            else:
                self.session.delete(f"{self.server}/api/sessions/{session['id']}", timeout=60)
        return RunResult(path, time.monotonic() - began, errors)

    def _execute(self, kernel_id: str, codes: list[str], timeout: float) -> list[str]:
        import websocket

        ws_url = f"ws://127.0.0.1:{self.hub.port}/user/{self.name}/api/kernels/{kernel_id}/channels"
        socket_ = websocket.create_connection(ws_url, header=[f"Authorization: token {self.token}"], timeout=timeout)
        errors: list[str] = []
        session_id = uuid.uuid4().hex
        deadline = time.monotonic() + timeout
        try:
            for code in codes:
                msg_id = uuid.uuid4().hex
                socket_.send(json.dumps(_execute_request(code, msg_id, session_id, self.name)))
                while True:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{self.name}: cells still running after {timeout} s")
                    frame = socket_.recv()
                    if not isinstance(frame, str):
                        continue  # binary frames carry widget buffers
                    msg = json.loads(frame)
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    if msg["msg_type"] == "error":
                        errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
                    if msg["msg_type"] == "execute_reply":
                        break
                if errors:
                    break
        finally:
            socket_.close()
        return errors

    def close_kernels(self) -> None:
        for session_id in self.kept:
            self.session.delete(f"{self.server}/api/sessions/{session_id}", timeout=60)
        self.kept.clear()

    def server_memory(self) -> dict[str, float]:
        """PSS and RSS (MiB) of the student's server and its kernels, read from /proc through psutil."""
        import psutil

        total = {"pss": 0.0, "rss": 0.0}
        for proc in self.hub.processes():
            try:
                if proc.environ().get("JUPYTERHUB_USER") != self.name:
                    continue
                info = proc.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            total["pss"] += getattr(info, "pss", info.rss) / 2**20
            total["rss"] += info.rss / 2**20
        return total


def _execute_request(code: str, msg_id: str, session: str, user: str) -> dict:
    return {
        "header": {
            "msg_id": msg_id,
            "username": user,
            "session": session,
            "msg_type": "execute_request",
            "version": "5.3",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
        "parent_header": {},
        "metadata": {},
        "content": {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
        "channel": "shell",
        "buffers": [],
    }


def course_link(hub: ClassHub, remote: str, path: str) -> str:
    return pull_link(hub.url, remote, "main", path)


# --- make bench-hub -------------------------------------------------------------------------------------


def _ready(hub: ClassHub, remote: str, names: list[str]) -> list[Student]:
    def one(name: str) -> Student:
        student = Student(hub, name).login()
        student.start_server()
        student.follow(course_link(hub, remote, "notebooks/00_setup_check.ipynb"))
        return student

    with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
        return list(pool.map(one, names))


def _run_all(students: list[Student], path: str) -> tuple[float, list[float]]:
    began = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(len(students)) as pool:
        results = list(pool.map(lambda s: s.run_notebook(f"newslens/{path}", keep_kernel=False), students))
    for result in results:
        if result.errors:
            raise RuntimeError(f"{result.path}: {result.errors}")
    return time.monotonic() - began, [r.seconds for r in results]


def main_bench(argv: list[str] | None = None) -> int:
    import tempfile

    from .handouts.course import load_course

    parser = argparse.ArgumentParser(prog="python -m newslens.tools.hubbench", description="Measure a class hub.")
    parser.add_argument(
        "--lesson",
        default=None,
        help="the lesson to run at once (default: the slowest, found by running every lesson once)",
    )
    parser.add_argument("--students", default="1,4,8", help="how many students run it at once (default: 1,4,8)")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.students.split(",")]
    with tempfile.TemporaryDirectory(prefix="newslens-hubbench-") as tmp:
        folder = Path(tmp)
        (folder / "remote").mkdir()
        remote = bare_remote(folder / "remote")
        hub = ClassHub(folder / "hub").start()
        try:
            students = _ready(hub, remote, [f"student{i}" for i in range(max(counts))])
            time.sleep(5)
            first = students[0]
            idle = first.server_memory()
            print(f"cores: {os.cpu_count()}  load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            print(f"idle server (JupyterLab server, no kernel): PSS {idle['pss']:.0f} MiB, RSS {idle['rss']:.0f} MiB")
            # Every lesson once, by one student, its kernel kept until the server's memory is read.
            clone = hub.home(first.name) / "newslens"
            lessons = [
                h.source.relative_to(clone).as_posix() for h in load_course(clone / "course.toml").handouts["lessons"]
            ]
            timed: dict[str, float] = {}
            for lesson in [args.lesson] if args.lesson else lessons:
                result = first.run_notebook(f"newslens/{lesson}", keep_kernel=True)
                after = first.server_memory()
                first.close_kernels()
                status = f"; ERRORS {result.errors}" if result.errors else ""
                print(
                    f"server + kernel after {lesson} ({result.seconds:.1f} s): "
                    f"PSS {after['pss']:.0f} MiB, RSS {after['rss']:.0f} MiB{status}"
                )
                if not result.errors:
                    timed[lesson] = result.seconds
            heaviest = args.lesson or max(timed, key=timed.__getitem__)
            print(f"at once: {heaviest}")
            for count in counts:
                wall, each = _run_all(students[:count], heaviest)
                print(
                    f"{count} student(s) at once: wall {wall:.1f} s; per student min {min(each):.1f} s, "
                    f"max {max(each):.1f} s; load average {os.getloadavg()[0]:.2f}"
                )
        finally:
            survivors = hub.stop()
            if survivors:
                print(f"killed after the hub stopped: {survivors}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main_bench())
