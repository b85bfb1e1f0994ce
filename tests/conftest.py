"""Shared fixtures: the course's own data, and throwaway copies of it to corrupt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newslens import paths


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ (descriptor and tables) that a test may damage freely."""
    target = tmp_path / "data"
    (target / "tables").mkdir(parents=True)
    shutil.copy2(paths.DATAPACKAGE, target / "datapackage.json")
    for csv_file in paths.TABLES_DIR.glob("*.csv"):
        shutil.copy2(csv_file, target / "tables" / csv_file.name)
    return target
