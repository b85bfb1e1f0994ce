"""A handout printed from the browser: A4 pages, navigation hidden, web addresses spelled out, bookmarks from
its headings, and a table wider than the page printed with every number whole.

Drives Debian's Chromium headless (never a downloaded browser) and reads the PDF back with
poppler's pdfinfo and pdftotext. CI installs both (.ci/run); elsewhere the test is skipped when
they are missing, since a student's machine does not need a browser to follow the course.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from browser_support import CHROMIUM_FLAGS, require_tool

from newslens.tools.handouts.build import build_handouts
from newslens.tools.handouts.sample import make_sample_course

pytestmark = [pytest.mark.slow, pytest.mark.browser]


#: A DataFrame wider than an A4 page: 14 columns of long numbers, pandas' default index.
WIDE_TABLE = (
    "import pandas as pd\n"
    "pd.DataFrame({f'longitude_{i}': [39.020013 + i, 127.504127 * (i + 1), -4521.75] for i in range(14)})"
)


def _add_wide_table(course_file: Path) -> None:
    nb_path = course_file.parent / "notebooks" / "01_alpha.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "id": "wide-md", "metadata": {}, "source": "## A wide table"})
    folded = "### Try it: fold\n\n<details><summary>Solution</summary>\n\nFOLDED-AWAY-SOLUTION\n\n</details>"
    nb["cells"].append({"cell_type": "markdown", "id": "folded", "metadata": {}, "source": folded})
    code = {"cell_type": "code", "id": "wide", "metadata": {}, "source": WIDE_TABLE, "outputs": []}
    nb["cells"].append({**code, "execution_count": None})
    nb_path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def test_a_handout_prints_on_a4_without_navigation_and_with_addresses(tmp_path: Path):
    chromium, pdfinfo, pdftotext = require_tool("chromium", "pdfinfo", "pdftotext")
    course_file = make_sample_course(tmp_path / "course")
    _add_wide_table(course_file)
    build_handouts(course_file, sets=("lessons",), jobs=1, log=lambda _: None)
    page = tmp_path / "course" / "build" / "handouts" / "lessons" / "01_alpha.html"
    pdf = tmp_path / "page.pdf"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                *CHROMIUM_FLAGS,
                "--no-pdf-header-footer",
                "--generate-pdf-document-outline",  # bookmarks from the page's headings
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info, info
    text = subprocess.run([pdftotext, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "Alpha" in text
    assert "(https://example.org/source)" in text, "a link's address must be printed after it"
    assert text.count("https://example.org/bare") == 1, "a bare address must not be printed twice"
    assert "Index" not in text.split("Alpha", 1)[0], "navigation must not be printed"
    assert "CC BY 4.0" in text, "the licence footer must be printed"
    assert "FOLDED-AWAY-SOLUTION" in text, "a folded Try-it solution must print open (paper cannot unfold)"
    raw = subprocess.run([pdftotext, "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    numbers = [f"{39.020013 + i:.6f}" for i in range(14)] + [f"{127.504127 * (i + 1):.6f}" for i in range(14)]
    split = [n for n in numbers + ["-4521.750000"] if n not in raw]
    assert not split, f"numbers of a wrapped table broken across lines on paper: {split}"
    titles = re.findall(rb"<</Title\s*\((.*?)\)\s*/Dest", pdf.read_bytes(), re.S)
    for heading in (b"Reading", b"A wide table"):
        assert any(heading in t for t in titles), f"no bookmark for the heading {heading!r}: {titles}"
