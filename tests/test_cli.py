"""The command line as a user meets it: each mistake is one ``ERROR:`` line with the fix, exit status 1,
and no traceback; commands work on the course they are run in; ``--only`` narrows the work, not the course."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from newslens import paths
from newslens.tools.cli import main
from newslens.tools.handouts.sample import make_sample_course


def newslens(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command line in this process (starting Python each time costs seconds), from folder ``cwd``."""
    out, err, here = StringIO(), StringIO(), Path.cwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = main(list(args))
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(["newslens", *args], status, out.getvalue(), err.getvalue())


def test_python_m_newslens_prints_one_error_line_and_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newslens", "start", "nosuchset"],
        cwd=paths.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert_one_error_line(proc, "nosuchset")


def assert_one_error_line(proc: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit status 1, no traceback, and exactly one line on stderr, starting ERROR: and holding ``words``."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ERROR: "), proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return make_sample_course(tmp_path / "course").parent


def test_grade_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    line = assert_one_error_line(newslens("grade", str(missing), cwd=paths.REPO_ROOT), str(missing))
    assert "SUBMISSIONS" in line or "folder" in line  # the fix says what to give


def test_start_an_exercise_set_that_does_not_exist() -> None:
    line = assert_one_error_line(newslens("start", "nosuchset", cwd=paths.REPO_ROOT), "nosuchset")
    assert "01_reading_the_article" in line  # the fix lists the sets there are
    assert not (paths.REPO_ROOT / "my-work" / "nosuchset.ipynb").exists()


def test_regenerate_an_exercise_set_that_does_not_exist() -> None:
    line = assert_one_error_line(newslens("exercises", "nosuchset", cwd=paths.REPO_ROOT), "nosuchset")
    assert "01_reading_the_article" in line


def test_a_truncated_notebook_is_named(sample: Path) -> None:
    notebook = sample / "notebooks" / "02_beta.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8")[:200], encoding="utf-8")
    assert_one_error_line(newslens("handouts", cwd=sample), "02_beta.ipynb", "not a valid notebook")


def test_debug_shows_the_traceback(sample: Path) -> None:
    proc = newslens("--debug", "start", "nosuchset", cwd=sample)
    assert proc.returncode == 1 and "Traceback" in proc.stderr and "ERROR: " in proc.stderr
    assert not (sample / "my-work").exists() or not list((sample / "my-work").iterdir())


def test_outside_any_course_the_error_says_where_to_run(tmp_path: Path) -> None:
    assert_one_error_line(newslens("handouts", cwd=tmp_path), "no course.toml", "--root")


def test_commands_work_on_the_course_they_are_run_in(sample: Path) -> None:
    proc = newslens("handouts", "--sets", "lessons", cwd=sample / "notebooks")  # a folder inside the course
    assert proc.returncode == 0, proc.stderr
    assert (sample / "build" / "handouts" / "lessons" / "01_alpha.html").is_file()
    assert (sample / "build" / "handouts" / "index.html").is_file()


def test_root_points_at_another_course(sample: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = newslens("--root", str(sample), "handouts", "--sets", "lessons", cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert (sample / "build" / "handouts" / "lessons" / "02_beta.html").is_file()
    assert not (elsewhere / "build").exists()


def test_only_with_no_match_fails_and_leaves_the_index_alone(sample: Path) -> None:
    assert newslens("handouts", cwd=sample).returncode == 0
    index = sample / "build" / "handouts" / "index.html"
    before = index.read_bytes()
    assert_one_error_line(newslens("handouts", "--only", "nomatch", cwd=sample), "nomatch")
    assert index.read_bytes() == before


def _index_links(index: Path) -> set[str]:
    return set(re.findall(r'href="((?:lessons|exercises|solutions)/[^"]+\.html)"', index.read_text(encoding="utf-8")))


def test_only_builds_one_page_but_keeps_the_whole_index_and_the_links(sample: Path) -> None:
    proc = newslens("handouts", "--only", "lessons/01*", cwd=sample)
    assert proc.returncode == 0, proc.stderr
    out = sample / "build" / "handouts"
    assert (out / "lessons" / "01_alpha.html").is_file()
    assert not (out / "lessons" / "02_beta.html").exists()  # not asked for, so not built
    # The index still lists every page of the course, and the page keeps its "next" link.
    assert _index_links(out / "index.html") == {
        "lessons/01_alpha.html",
        "lessons/02_beta.html",
        "exercises/01_alpha.html",
        "solutions/01_alpha.html",
    }
    assert 'href="02_beta.html"' in (out / "lessons" / "01_alpha.html").read_text(encoding="utf-8")


def test_handouts_builds_every_set_by_default():
    """`make handouts` (no --sets) builds the instructor guide too, as its help says."""
    from newslens.tools.cli import build_parser
    from newslens.tools.handouts.course import SETS

    args = build_parser(["handouts"]).parse_args(["handouts"])
    assert tuple(args.sets.split(",")) == SETS
