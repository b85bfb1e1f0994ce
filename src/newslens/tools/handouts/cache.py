"""Content hashes and the build manifest (``build/cache/manifest.json``).

A notebook is re-executed only when one of these changed: its source (cells without outputs),
a data file it opened during its last run, a module of the helper package it imported during its
last run, or the version of Python or of a key package. Data files are re-hashed only when their size or
modification time changed, so a no-op build reads little more than the notebooks themselves.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

#: Packages whose version changes what a notebook computes or how a page looks.
KEY_PACKAGES: tuple[str, ...] = (
    "pandas",
    "numpy",
    "geopandas",
    "shapely",
    "pyproj",
    "pyogrio",
    "matplotlib",
    "ipywidgets",
    "ipykernel",
    "nbclient",
    "nbconvert",
)
MANIFEST_VERSION = 1
#: Executed copies kept per notebook, so undoing an edit finds the earlier run again.
RUNS_KEPT = 3


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def notebook_source_hash(nb: dict) -> str:
    """Hash of what execution depends on: cell types, sources and tags (never outputs), and the tests otter
    keeps in the notebook's metadata, which its ``grader.check`` cells run."""
    cells: list[object] = [nb.get("metadata", {}).get("otter", {})]
    for c in nb.get("cells", []):
        src = c.get("source", "")
        cells.append(
            [
                c.get("cell_type"),
                "".join(src) if isinstance(src, list) else src,
                sorted(c.get("metadata", {}).get("tags", [])),
            ]
        )
    return sha256_bytes(json.dumps(cells, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def notebook_render_hash(nb: dict) -> str:
    """Hash of a whole notebook's JSON minus volatile execution metadata (for unexecuted pages)."""
    cells = []
    for c in nb.get("cells", []):
        md = {k: v for k, v in c.get("metadata", {}).items() if k not in ("execution", "collapsed")}
        cells.append([c.get("cell_type"), c.get("source"), md, c.get("outputs", [])])
    return sha256_bytes(json.dumps(cells, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def package_dir() -> Path:
    """The installed ``newslens`` package folder."""
    return Path(__file__).resolve().parents[2]


#: Parts of the package that only shape pages, never what a kernel computes.
RENDER_ONLY = ("tools", "__main__.py")
#: Parts of the tools that do change what a kernel computes: the runner's own cells and its kernels.
EXECUTION_FILES = ("tools/runner.py", "tools/kernels.py")


def environment_hash(for_render: bool = False) -> str:
    """Hash of Python's and key packages' versions, plus the files that shape the result.

    For execution, those are the notebook runner and its kernels (:data:`EXECUTION_FILES`); the rest
    of the helper package is not in this hash: each run records the files of the ``newslens`` modules
    its notebook imported and is invalidated when one of them changes, like a data file. So editing the
    grader re-runs no lesson, and editing the template (``for_render``: the tools and the templates)
    re-renders pages without re-running any notebook.
    """
    h = hashlib.sha256()
    pkg = package_dir()
    if for_render:
        files = sorted(
            p
            for p in pkg.rglob("*")
            if p.is_file()
            and "__pycache__" not in p.parts
            and p.relative_to(pkg).parts[0] in RENDER_ONLY
            and p.relative_to(pkg).as_posix() not in EXECUTION_FILES
        )
    else:
        files = [pkg / name for name in EXECUTION_FILES]
    for p in files:
        h.update(str(p.relative_to(pkg)).encode())
        h.update(p.read_bytes())
    h.update(sys.version.encode())
    for name in KEY_PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        h.update(f"{name}={version};".encode())
    return h.hexdigest()


class Manifest:
    """What the last builds produced, stored as JSON next to the executed notebooks."""

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir
        self.path = cache_dir / "manifest.json"
        data: dict[str, Any] = {}
        if self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}  # a corrupt manifest only costs a rebuild
        if data.get("version") != MANIFEST_VERSION:
            data = {}
        self.notebooks: dict[str, dict[str, Any]] = data.get("notebooks", {})
        self.files: dict[str, list[Any]] = data.get("files", {})  # relpath -> [size, mtime_ns, sha]
        self.index_hash: str | None = data.get("index_hash")

    def file_hash(self, path: Path, root: Path) -> str:
        """SHA-256 of a data file, reusing the stored hash when size and mtime are unchanged."""
        rel = _rel(path, root)
        try:
            st = path.stat()
        except OSError:
            return "missing"
        known = self.files.get(rel)
        if known and known[0] == st.st_size and known[1] == st.st_mtime_ns:
            return known[2]
        digest = sha256_bytes(path.read_bytes())
        self.files[rel] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def find_run(self, key: str, source_hash: str, env_hash: str, root: Path) -> dict[str, Any] | None:
        """A cached execution of ``key`` whose inputs all still match, or ``None``."""
        for run in self.notebooks.get(key, {}).get("runs", []):
            if run["source_hash"] != source_hash or run["env_hash"] != env_hash:
                continue
            if not (self.cache_dir / run["executed"]).is_file():
                continue
            if all(self.file_hash(root / rel, root) == sha for rel, sha in run["data"].items()):
                return run
        return None

    def add_run(self, key: str, run: dict[str, Any]) -> None:
        """Remember a new execution, newest first; forget (and delete) the oldest beyond RUNS_KEPT."""
        entry = self.notebooks.setdefault(key, {})
        runs = [r for r in entry.get("runs", []) if r["executed"] != run["executed"]]
        runs.insert(0, run)
        for old in runs[RUNS_KEPT:]:
            (self.cache_dir / old["executed"]).unlink(missing_ok=True)
        entry["runs"] = runs[:RUNS_KEPT]

    def forget_page(self, key: str) -> None:
        """The page of ``key`` is gone (failed build): next time render it again."""
        self.notebooks.get(key, {}).pop("page", None)

    def save(self) -> None:
        """Write the manifest atomically (a crash never leaves half a file)."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "version": MANIFEST_VERSION,
                    "notebooks": self.notebooks,
                    "files": self.files,
                    "index_hash": self.index_hash,
                },
                indent=1,
                sort_keys=True,
            ),
            encoding="utf-8",
        )
        os.replace(tmp, self.path)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()
