"""Where the course's files are, found from the package itself.

Notebooks never use relative paths to reach ``data/``: otter-grader and nbclient run them in
other folders. The package lives in ``src/newslens`` of the repository (installed in editable
mode), so the repository root is two levels above this file. ``NEWSLENS_ROOT`` overrides it,
for a course copied elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    override = os.environ.get("NEWSLENS_ROOT")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parents[2]


REPO_ROOT: Path = _find_root()
DATA_DIR: Path = REPO_ROOT / "data"
DATAPACKAGE: Path = DATA_DIR / "datapackage.json"
ARTICLE_DIR: Path = DATA_DIR / "article"
ARTICLE_IT: Path = ARTICLE_DIR / "it.txt"
ARTICLE_EN: Path = ARTICLE_DIR / "en.md"
TABLES_DIR: Path = DATA_DIR / "tables"
GEO_DIR: Path = DATA_DIR / "geo"
NOTEBOOKS_DIR: Path = REPO_ROOT / "notebooks"
EXERCISES_DIR: Path = REPO_ROOT / "exercises"
SOLUTIONS_DIR: Path = REPO_ROOT / "solutions"
BUILD_DIR: Path = REPO_ROOT / "build"
