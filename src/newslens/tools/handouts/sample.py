"""A tiny sample course (two lessons, one exercise, one solution) to try the build on.

The tests build it in a temporary folder; it exercises every feature of a handout (the four
cell tags, figures with and without explicit alt text, a widget, an external link, data reads)
while its kernels start and finish in a second or two.
"""

from __future__ import annotations

import json
from pathlib import Path

COURSE_TOML = """\
[[lesson]]
id = "01"
notebook = "notebooks/01_alpha.ipynb"
exercise = "01_alpha"
title = "Alpha"
minutes = 20

[[lesson]]
id = "02"
notebook = "notebooks/02_beta.ipynb"
title = "Beta"
minutes = 15
"""


def _md(text: str, **meta: object) -> dict:
    return {"cell_type": "markdown", "metadata": dict(meta), "source": text}


def _code(text: str, tags: list[str] | None = None, **meta: object) -> dict:
    md: dict = dict(meta)
    if tags:
        md["tags"] = tags
    return {"cell_type": "code", "metadata": md, "source": text, "outputs": [], "execution_count": None}


def notebook(cells: list[dict]) -> dict:
    """A valid nbformat 4.5 notebook made of ``cells`` (ids added)."""
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _write(path: Path, nb: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def make_sample_course(root: Path) -> Path:
    """Write the sample course under ``root``; return its course file."""
    root = Path(root)
    (root / "data" / "tables").mkdir(parents=True, exist_ok=True)
    (root / "data" / "tables" / "alpha.csv").write_text("place,n\nKursk,3\nPyongyang,5\n", encoding="utf-8")
    (root / "data" / "tables" / "beta.csv").write_text("day,n\n2024-10-01,1\n", encoding="utf-8")
    (root / "data" / "README.md").write_text("# Sample data\n", encoding="utf-8")
    (root / "course.toml").write_text(COURSE_TOML, encoding="utf-8")
    _write(
        root / "notebooks" / "01_alpha.ipynb",
        notebook(
            [
                _md("# Alpha lesson\n\nA tiny lesson.\n\n## Learning objectives\n\n- Read a table\n- Draw a figure\n"),
                _md(
                    "## Reading\n\nSee [the source](https://example.org/source) for details, or the bare address https://example.org/bare."
                ),
                _code(
                    "from newslens.paths import TABLES_DIR\n"
                    "rows = (TABLES_DIR / 'alpha.csv').read_text().splitlines()\nprint(len(rows), 'rows')"
                ),
                _code("print('VISIBLE_' + 'OUTPUT_RI')  # SECRET_INPUT_RI", tags=["remove-input"]),
                _code("print('HIDDEN_' + 'OUTPUT_RO')  # SHOWN_SOURCE_RO", tags=["remove-output"]),
                _code("print('GONE_' + 'OUTPUT_RC')  # GONE_CELL_RC", tags=["remove-cell"]),
                _code("print('SHOWN_' + 'OUTPUT_HI')  # TOGGLED_SOURCE_HI", tags=["hide-input"]),
                _md("### A figure"),
                _code(
                    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(3, 2))\n"
                    "ax.bar(['Kursk', 'Pyongyang'], [3, 5])\nax.set_title('Mentions by place')\nplt.show()"
                ),
                _code(
                    "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([1, 2, 3])\nplt.show()",
                    alt="A rising line, for the test.",
                ),
                _code("import ipywidgets as widgets\nwidgets.IntSlider(value=3)"),
                _code("print('NEVER_' + 'RUN_SKIPPED')", tags=["skip-execution"]),
            ]
        ),
    )
    _write(
        root / "notebooks" / "02_beta.ipynb",
        notebook(
            [
                _md("# Beta lesson\n\n## Learning objectives\n\n- Count days\n"),
                _code(
                    "from newslens.paths import TABLES_DIR\n"
                    "print(open(TABLES_DIR / 'beta.csv').read().count('\\n'), 'lines')"
                ),
                _md("## Summary\n\nDone."),
            ]
        ),
    )
    _write(
        root / "exercises" / "01_alpha.ipynb",
        notebook(
            [
                _md("# Alpha: exercises\n\n**Question 1.** How many rows has the table?"),
                _code("n_rows = ...\nn_rows"),
            ]
        ),
    )
    _write(
        root / "solutions" / "01_alpha.ipynb",
        notebook(
            [
                _md("# Alpha: solutions\n\n**Question 1.** How many rows has the table?"),
                _code("n_rows = 2\nn_rows"),
            ]
        ),
    )
    return root / "course.toml"
