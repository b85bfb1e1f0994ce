"""A handout printed from the browser: A4 pages, navigation hidden, web addresses spelled out.

Drives Debian's Chromium headless (never a downloaded browser) and reads the PDF back with
poppler's pdfinfo and pdftotext. CI installs both (.ci/run); elsewhere the test is skipped when
they are missing, since a student's machine does not need a browser to follow the course.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from browser_support import CHROMIUM_FLAGS, require_tool

from newslens.tools.handouts.build import build_handouts
from newslens.tools.handouts.sample import make_sample_course

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_a_handout_prints_on_a4_without_navigation_and_with_addresses(tmp_path: Path):
    chromium, pdfinfo, pdftotext = require_tool("chromium", "pdfinfo", "pdftotext")
    course_file = make_sample_course(tmp_path / "course")
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
