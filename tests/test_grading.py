"""Grading a fixture class: every kind of bad submission is graded on what can be, and flagged.

How long grading takes is measured by ``make bench``, not asserted here.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from newslens import paths
from newslens.tools import cli, exercises, grading
from newslens.tools.errors import UserError

_spec = importlib.util.spec_from_file_location(
    "build_class", Path(__file__).parent / "fixtures" / "submissions" / "build_class.py"
)
build_class = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_class)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    root = tmp_path_factory.mktemp("class")
    folder = build_class.build(root / "submissions")
    # The per-cell limit must leave otter's set-up cell (``import otter``) time to run when `pytest -n 2`
    # grades this class in both workers at once: 6 s was not enough on 2 cores. dan's loop costs one limit.
    gradebook = grading.grade(
        folder,
        root / "grades",
        cell_timeout=grading.DEFAULT_CELL_TIMEOUT,
        timeout=150,
        jobs=2,
        build_dir=root / "build",
    )
    return gradebook, root / "grades"


def _rows(gradebook: pd.DataFrame, student: str) -> pd.DataFrame:
    return gradebook[gradebook["student"] == student].set_index("question")


@pytest.mark.slow
def test_gradebook_has_a_row_per_student_and_question(graded) -> None:
    gradebook, out = graded
    on_disk = pd.read_csv(out / "gradebook.csv")
    assert list(on_disk.columns) == grading.GRADEBOOK_COLUMNS
    source = paths.REPO_ROOT / "instructors" / "exercise_sources" / f"{build_class.SET}.ipynb"
    questions = [q.name for q in exercises.questions(source)]
    for student in build_class.EXPECTED:
        assert sorted(_rows(on_disk, student).index) == sorted(questions), student
        assert (out / f"{student}.html").exists(), f"no feedback report for {student}"


@pytest.mark.slow
@pytest.mark.parametrize("student", list(build_class.EXPECTED))
def test_each_submission_gets_its_expected_flags_and_zeros(graded, student: str) -> None:
    gradebook, _ = graded
    kind, flags, zero = build_class.EXPECTED[student]
    rows = _rows(gradebook, student)
    flag_text = " ".join(rows["flag"].fillna(""))
    for flag in flags:
        assert flag in flag_text, f"{student} ({kind}) should be flagged {flag!r}; flags: {flag_text!r}"
    if not flags:
        unexpected = set(rows["flag"].fillna("").str.replace("manual", "").str.strip("; ")) - {""}
        assert not unexpected, f"{student} ({kind}) should not be flagged; got {unexpected}"
    for question in zero:
        assert rows.loc[question, "points"] == 0, f"{student} ({kind}) should get 0 for {question}"
    auto = rows[rows["points"].notna()]
    others = auto.drop(index=[q for q in zero if q in auto.index])
    if kind != "not a notebook":
        assert (others["points"] == others["max_points"]).all(), (
            f"{student} ({kind}) lost points on questions it answered correctly:\n{others[['points', 'feedback']]}"
        )


@pytest.mark.slow
def test_feedback_is_the_specific_message_not_a_traceback(graded) -> None:
    gradebook, _ = graded
    ben = _rows(gradebook, "ben")
    assert "case-sensitive" in ben.loc["q2_cue_counts", "feedback"]
    assert "ten thousand" in ben.loc["q5_figures", "feedback"]
    cleo = _rows(gradebook, "cleo")
    assert cleo["feedback"].str.contains("Not answered yet").sum() >= 6
    assert not gradebook["feedback"].str.contains("Traceback").any()


@pytest.mark.slow
def test_tampered_tests_are_ignored(graded) -> None:
    gradebook, _ = graded
    # finn replaced every stored test by one that always passes and answered q5 wrongly.
    assert _rows(gradebook, "finn").loc["q5_figures", "points"] == 0


@pytest.mark.slow
def test_manual_questions_are_left_to_the_instructor_with_the_answer_in_the_report(graded) -> None:
    gradebook, out = graded
    manual = gradebook[gradebook["flag"].fillna("").str.contains("manual")]
    assert manual["points"].isna().all() and len(manual) == len(build_class.EXPECTED)
    report = (out / "ada.html").read_text(encoding="utf-8")
    assert "Rubric" in report and "publication date" in report


# ----------------------------------------------------------------------------------------------
# A wrong submissions folder is the user's mistake: one ERROR line, exit 1, no traceback.


def _one_error_line(stderr: str, *names: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ERROR:"), f"expected one ERROR line, got:\n{stderr}"
    assert "Traceback" not in stderr
    for name in names:
        assert name in lines[0], f"the error should name {name!r}: {lines[0]}"
    return lines[0]


def test_grading_a_nonexistent_folder_prints_one_error_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newslens", "--root", str(paths.REPO_ROOT), "grade", "/nonexistent"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    line = _one_error_line(proc.stderr, "/nonexistent")
    assert "make grade SUBMISSIONS=" in line


@pytest.mark.parametrize("kind", ["missing", "a file"])
def test_grading_without_a_folder_prints_one_error_line(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if kind == "missing":
        argv, names = [], ["no submissions folder"]
    else:
        (tmp_path / "notes.txt").write_text("not a folder\n", encoding="utf-8")
        argv, names = [str(tmp_path / "notes.txt")], [str(tmp_path / "notes.txt"), "not a folder"]
    status = cli.main(["--root", str(paths.REPO_ROOT), "grade", *argv])
    assert status == 1
    _one_error_line(capsys.readouterr().err, *names)


def test_grade_of_a_missing_folder_raises_a_user_error_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(UserError) as err:
        grading.grade(tmp_path / "nowhere", tmp_path / "grades")
    assert err.value.fix and "make grade SUBMISSIONS=" in err.value.fix
    assert not (tmp_path / "grades").exists()
