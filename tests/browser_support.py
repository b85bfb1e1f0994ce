"""Driving the course in a real browser: Debian's Chromium through Playwright, and a real JupyterLab.

Shared by tests/test_browser_lab.py (notebooks run through the JupyterLab UI), tests/test_browser_handouts.py
(the HTML handouts opened from disk) and tests/test_print.py. Playwright drives the system's Chromium
(never a downloaded browser) with an empty profile and the flags that keep it off the network.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from newslens import paths

SCREENS_DIR = paths.BUILD_DIR / "screens"

# No background traffic (updates, sync, field trials, QUIC probes): on a closed network each of these
# would be a refused connection, and on an open one a request nobody asked for.
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
]


def require_tool(*names: str) -> list[str]:
    """The full paths of ``names``; skip the test if one is missing, or fail under ``CI`` (.ci/run installs them)."""
    found = [shutil.which(name) for name in names]
    missing = [name for name, path in zip(names, found, strict=True) if path is None]
    if missing:
        message = f"{', '.join(missing)} not found; install Debian's packages: apt install chromium poppler-utils"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; .ci/run installs them, so under CI this is a failure, not a skip")
        pytest.skip(message)
    return found  # type: ignore[return-value]


def playwright_api() -> Any:
    """``playwright.sync_api``; skipped where it is not installed, a failure under ``CI``."""
    try:
        import playwright.sync_api as sync_api
    except ImportError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Playwright is not installed ({error}); it is pinned in requirements.txt")
        pytest.skip(f"Playwright is not installed ({error})")
    return sync_api


def launch_chromium(playwright: Any) -> Any:
    """Debian's headless Chromium under Playwright, with an empty profile and no background networking."""
    (chromium,) = require_tool("chromium")
    return playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)


def built_handouts() -> Path:
    """build/handouts/ brought up to date (a no-op when `make handouts` has just run: the build caches by content).

    Every browser test module that reads the real handouts calls this; a lock file makes a second caller (another
    pytest-xdist worker) wait for the first build and then find it up to date, instead of building the same pages
    at the same time.
    """
    import fcntl

    from newslens.tools.handouts.build import build_handouts

    paths.BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with open(paths.BUILD_DIR / ".handouts.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            report = build_handouts(paths.REPO_ROOT / "course.toml", jobs=2, log=lambda _: None)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    assert report.out_dir is not None
    return report.out_dir


def free_port() -> int:
    """A loopback TCP port nobody is listening on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# JupyterLab settings for the test server, in a settings folder of its own so a user's settings
# cannot change what the tests see. Every cell stays in the page (no windowing), so the tests can
# read each cell's outputs; nothing is saved behind the tests' back; no news or update checks.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}


@dataclass
class LabServer:
    """A ``jupyter lab`` on a free loopback port with a token, serving a copy of the course's notebooks.

    The notebooks are copied into ``workdir/course`` first: running them must not write outputs,
    checkpoints or otter logs into the repository.
    """

    workdir: Path
    folders: tuple[str, ...] = ("notebooks", "exercises")
    token: str = field(default_factory=lambda: os.urandom(16).hex())
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def root(self) -> Path:
        return self.workdir / "course"

    @property
    def log_path(self) -> Path:
        return self.workdir / "jupyter-lab.log"

    def start(self, timeout: float = 90, attempts: int = 3) -> LabServer:
        """Copy the notebooks, write the settings, start the server; wait until its API answers."""
        for folder in self.folders:
            shutil.copytree(paths.REPO_ROOT / folder, self.root / folder)
        for relpath, values in LAB_SETTINGS.items():
            target = self.workdir / "settings" / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values), encoding="utf-8")
        for attempt in range(1, attempts + 1):
            # The free port can be taken between our probe and the server's bind; then try another.
            self.port = free_port()
            if self._launch(timeout):
                return self
            if "already in use" not in self.log_tail() or attempt == attempts:
                break
        raise RuntimeError(f"jupyter lab did not start (see {self.log_path}):\n{self.log_tail()}")

    def _launch(self, timeout: float) -> bool:
        env = {
            **os.environ,
            "JUPYTER_RUNTIME_DIR": str(self.workdir / "runtime"),
            # No user-level config, kernels or IPython startup files: a "python3" kernel in the user's
            # folders could point at another Python, without the course's packages.
            "JUPYTER_CONFIG_DIR": str(self.workdir / "config"),
            "JUPYTER_DATA_DIR": str(self.workdir / "data"),
            "IPYTHONDIR": str(self.workdir / "ipython"),
            "NEWSLENS_ROOT": str(paths.REPO_ROOT),  # the copies read the course's own data/
            # Lesson 5's grading form saves grades to the work folder: a private one, never the student's my-work/.
            "NEWSLENS_WORK_DIR": str(self.workdir / "my-work"),
        }
        command = [
            str(Path(sys.executable).with_name("jupyter-lab")),
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: the tests read kernel and cell state
            f"--LabApp.user_settings_dir={self.workdir / 'settings'}",
            f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # CI runs as root, and JupyterLab refuses root without it
        with self.log_path.open("w", encoding="utf-8") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.root)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)  # the server is still starting
        self.stop()
        return False

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path}{separator}token={self.token}"

    def notebook_url(self, relpath: str, workspace: str) -> str:
        # A workspace of its own, reset: the page opens this notebook alone, not the ones opened before it.
        return self.url(f"lab/workspaces/{workspace}/tree/{relpath}?reset")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# --- A notebook open in JupyterLab ------------------------------------------------------------------

# Each snippet takes the notebook's path and finds its panel among the main area's widgets.
_PANEL = """
const panelOf = (path) => {
  for (const widget of window.jupyterapp.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.content && widget.content.model) return widget;
  }
  return null;
};
"""

# Opened: the notebook's kernel is up and idle, or JupyterLab shows a dialog (an error, a kernel picker).
# A kernel name JupyterLab does not know raises no dialog: LabNotebook.open compares it with the file.
_OPENED = (
    _PANEL
    + """
(path) => {
  const dialog = document.querySelector('.jp-Dialog');
  if (dialog) return {dialog: dialog.innerText.trim()};
  if (!window.jupyterapp) return false;
  const panel = panelOf(path);
  const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  return {kernel: kernel.name};
}
"""
)

# Finished: the kernel is idle, no cell is queued or running, and either every code cell has run or
# one raised (JupyterLab stops a run-all at the first error).
_FINISHED = (
    _PANEL
    + """
(path) => {
  const panel = panelOf(path);
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status === 'dead') return {dead: true};
  if (kernel.status !== 'idle') return false;
  const cells = panel.content.model.cells;
  let notRun = 0, raised = false;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    if (cell.executionState === 'running') return false;
    if (!cell.executionCount) notRun++;
    if (cell.outputs.toJSON().some((o) => o.output_type === 'error')) raised = true;
  }
  return (notRun === 0 || raised) ? {dead: false} : false;
}
"""
)

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# What ipywidgets shows instead of a widget it could not render.
UNRENDERED_TEXTS = ("Loading widget", "Error displaying widget", "model not found", "Failed to load model")

# One entry per code cell: its index in the notebook, source, execution count, errors, and for each
# widget-view output in the model whether the page shows a rendered widget for it.
_REPORT_FN = """
([path, widgetMime, badTexts]) => {
  const panel = panelOf(path);
  const report = [];
  panel.content.widgets.forEach((cellWidget, index) => {
    cellWidget.node.dataset.nlCell = String(index);  // lets a test find the cell's node by its index
    const model = cellWidget.model;
    if (model.type !== 'code') return;
    const outputs = model.outputs.toJSON();
    const children = cellWidget.outputArea.widgets;
    const widgets = [];
    outputs.forEach((output, j) => {
      if (!(output.data && output.data[widgetMime])) return;
      const node = children[j] ? children[j].node : null;
      const text = node ? node.innerText : '';
      widgets.push({
        rendered: Boolean(node && node.querySelector('.jupyter-widgets')) && !badTexts.some((t) => text.includes(t)),
        text: text.slice(0, 200),
      });
    });
    report.push({  // the keys of CellReport
      index,
      source: model.sharedModel.getSource(),
      execution_count: model.executionCount,
      errors: outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`),
      stderr: outputs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => o.text).join(''),
      widgets,
      text: outputs.map((o) => (o.text || (o.data && o.data['text/plain']) || '')).join(''),
    });
  });
  return report;
}
"""
_REPORT = _PANEL + _REPORT_FN
_ALL_RENDERED = (
    _PANEL
    + f"const reportOf = {_REPORT_FN};\n"
    + "(args) => reportOf(args).every((cell) => cell.widgets.every((widget) => widget.rendered))"
)


@dataclass
class CellReport:
    """One code cell after a run through the JupyterLab UI, as the page holds it."""

    index: int
    source: str
    execution_count: int | None
    errors: list[str]
    stderr: str  # warnings and the like: JupyterLab shows them in a red box, which reads as an error
    widgets: list[dict[str, Any]]
    text: str

    def where(self, notebook: str) -> str:
        first_line = self.source.strip().splitlines()[0][:70] if self.source.strip() else "(empty)"
        return f"{notebook}, cell {self.index} ({first_line!r})"


class LabNotebook:
    """A notebook opened in a JupyterLab page; every wait is on the page's own state, with a timeout."""

    def __init__(self, page: Any, server: LabServer, relpath: str, timeout_ms: int = 120_000):
        self.page = page
        self.server = server
        self.relpath = relpath
        self.timeout_ms = timeout_ms

    def open(self) -> None:
        workspace = self.relpath.replace("/", "-").removesuffix(".ipynb")
        self.page.goto(self.server.notebook_url(self.relpath, workspace))
        state = self.page.wait_for_function(_OPENED, arg=self.relpath, timeout=self.timeout_ms).json_value()
        if "dialog" in state:
            raise AssertionError(
                f"{self.relpath}: JupyterLab opened a dialog instead of the notebook: {state['dialog']!r}"
            )
        # Compared with the file, not the page: JupyterLab quietly falls back to its default kernel for a
        # name it does not know, and rewrites the notebook's metadata to match.
        saved = json.loads((self.server.root / self.relpath).read_text(encoding="utf-8"))
        wanted = saved.get("metadata", {}).get("kernelspec", {}).get("name")
        assert state["kernel"] == wanted, (
            f"{self.relpath}: the notebook asks for kernel {wanted!r}, which JupyterLab does not have; "
            f"it started {state['kernel']!r} instead"
        )

    def run_all(self) -> None:
        """Run every cell from the menu bar, as a student does, and wait until the kernel is done."""
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        state = self.page.wait_for_function(_FINISHED, arg=self.relpath, timeout=self.timeout_ms).json_value()
        assert not state["dead"], f"{self.relpath}: the kernel died during Run All Cells\n{self.server.log_tail()}"

    @property
    def _report_arg(self) -> list:
        return [self.relpath, WIDGET_MIME, list(UNRENDERED_TEXTS)]

    def report(self) -> list[CellReport]:
        return [CellReport(**cell) for cell in self.page.evaluate(_REPORT, self._report_arg)]

    def wait_for_widgets(self, timeout: float | None = None) -> list[CellReport]:
        """The report once every widget output is rendered, or as it stands when the timeout (s) runs out."""
        with contextlib.suppress(playwright_api().TimeoutError):  # the report then says which are missing
            self.page.wait_for_function(
                _ALL_RENDERED,
                arg=self._report_arg,
                timeout=self.timeout_ms if timeout is None else timeout * 1000,
            )
        return self.report()

    def cell_index(self, marker: str) -> int:
        """The index of the one code cell whose source contains ``marker``."""
        matches = [c.index for c in self.report() if marker in c.source]
        assert len(matches) == 1, f"{self.relpath}: expected one cell containing {marker!r}, found {len(matches)}"
        return matches[0]

    def cell(self, marker: str) -> Any:
        """The locator of the one code cell whose source contains ``marker``."""
        return self.page.locator(f'.jp-Cell[data-nl-cell="{self.cell_index(marker)}"]')

    def shutdown(self) -> None:
        self.page.evaluate(_PANEL + "(path) => panelOf(path).sessionContext.shutdown()", self.relpath)


def assert_ran_cleanly(notebook: str, cells: list[CellReport]) -> None:
    """Every code cell ran, none raised or warned, each widget it showed rendered; one message lists all problems."""
    problems = []
    for cell in cells:
        for error in cell.errors:
            problems.append(f"{cell.where(notebook)} raised {error}")
        if cell.stderr.strip():
            first = cell.stderr.strip().splitlines()[0][:200]
            problems.append(f"{cell.where(notebook)} printed to stderr (a red box to a student): {first!r}")
        if cell.execution_count is None and not cell.errors and cell.source.strip():
            problems.append(f"{cell.where(notebook)} never ran")
        for widget in cell.widgets:
            if not widget["rendered"]:
                shown = repr(widget["text"]) if widget["text"].strip() else "nothing"
                problems.append(
                    f"{cell.where(notebook)}: a widget is not rendered; in its place the page shows {shown}"
                )
    assert not problems, "\n".join(problems)


def eventually(check: Callable[[], None], timeout: float = 30) -> None:
    """Call ``check`` until it stops raising AssertionError; after ``timeout`` seconds, let its last error out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def brief(error: BaseException, lines: int = 8, width: int = 300) -> str:
    """The head of an error message: Playwright's own carry a long call log and page snapshot."""
    head = str(error).split("Call log:")[0].strip().splitlines()[:lines]
    return "\n".join(line if len(line) <= width else line[:width] + " ..." for line in head)


def screenshot(target: Any, name: str, **options: Any) -> Path:
    """Save a screenshot of a page or a locator under build/screens/ for a reviewer to look at."""
    path = SCREENS_DIR / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(path), **options)
    return path
