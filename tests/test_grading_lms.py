"""Identity and the LMS: a roster, Canvas- and Moodle-named files, newest file wins, a due date, the
summary and both exports, the rubric-scores file, regrading one file, stale reports removed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest
from test_grading import LIMITS, build_class

from newslens import paths
from newslens.tools import exercises, grading

SET = build_class.SET
SOURCE = paths.REPO_ROOT / "instructors" / "exercise_sources" / f"{SET}.ipynb"
MANUAL = [q.name for q in exercises.questions(SOURCE) if q.manual]
AUTO_MAX = sum(q.points for q in exercises.questions(SOURCE) if not q.manual)
MANUAL_MAX = sum(q.points for q in exercises.questions(SOURCE) if q.manual)
ROSTER = (
    "id,name,login,email,aliases\n"
    "12345,Ada Lovelace,alovelace,ada@example.edu,\n"
    "23456,Ben Bitdiddle,bbit,ben@example.edu,\n"
    "34567,Cleo Patra,cleo,cleo@example.edu,cleopatra\n"
    "45678,Dora Marquez,dmarquez,dora@example.edu,\n"
)
DUE = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.timezone.utc)


def _touch(path: Path, when: dt.datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


@pytest.fixture(scope="module")
def lms_class(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("lms")
    made = build_class.build(root / "made")
    correct, blank = made / f"ada_{SET}.ipynb", made / f"cleo_{SET}.ipynb"
    folder = root / "submissions"
    folder.mkdir()
    files = {
        "ada": folder / f"lovelaceada_12345_678901_{SET}.ipynb",  # Canvas
        "ben": folder / f"Ben Bitdiddle_23456_assignsubmission_file_{SET}.ipynb",  # Moodle
        "cleo_old": folder / f"patracleo_34567_111_{SET}.ipynb",  # Canvas, first try
        "cleo_new": folder / f"patracleo_late_34567_222_{SET}.ipynb",  # Canvas, newer and late
        "mallory": folder / f"mallory_{SET}.ipynb",  # not in the roster
    }
    for name, path in files.items():
        path.write_bytes((correct if name in ("ada", "cleo_new", "mallory") else blank).read_bytes())
    _touch(files["ada"], DUE - dt.timedelta(hours=1))
    _touch(files["ben"], DUE - dt.timedelta(hours=2))
    _touch(files["cleo_old"], DUE - dt.timedelta(days=1))
    _touch(files["cleo_new"], DUE + dt.timedelta(hours=3, minutes=5))
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    out = root / "grades"
    out.mkdir()
    (out / "Zed_Former.html").write_text("a report of a student who left", encoding="utf-8")
    build_class.reuse_course_zips(root / "build")
    first = grading.grade(folder, out, limits=LIMITS, jobs=2, due=DUE, build_dir=root / "build")
    first_csv = (out / "gradebook.csv").read_text(encoding="utf-8")
    # The instructor grades ada's manual question by hand, then ben's file is regraded alone.
    rubric = pd.read_csv(out / "rubric_scores.csv", dtype=str)
    is_ada = (rubric["student"] == "Ada Lovelace") & (rubric["question"] == MANUAL[0])
    rubric.loc[is_ada, "points"] = str(MANUAL_MAX)
    rubric.loc[is_ada, "comment"] = "Clear and sourced."
    rubric.to_csv(out / "rubric_scores.csv", index=False)
    again = grading.grade(
        folder, out, limits=LIMITS, jobs=2, due=DUE, only=[files["ben"].name], build_dir=root / "build"
    )
    return {"first": first, "first_csv": first_csv, "again": again, "out": out, "files": files}


def _student(book: pd.DataFrame, name: str) -> pd.DataFrame:
    return book[book["student"] == name].set_index("question")


@pytest.mark.slow
def test_roster_lms_names_newest_file_and_unknown_files(lms_class) -> None:
    first, files = lms_class["first"], lms_class["files"]
    assert set(first["student"]) == {"Ada Lovelace", "Ben Bitdiddle", "Cleo Patra"}
    ids = first.groupby("student")["student_id"].first().to_dict()
    assert ids == {"Ada Lovelace": "12345", "Ben Bitdiddle": "23456", "Cleo Patra": "34567"}
    assert first.attrs["unknown"] == [files["mallory"]]
    assert first.attrs["superseded"] == [files["cleo_old"]]
    cleo = _student(first, "Cleo Patra")
    assert set(cleo["file"]) == {files["cleo_new"].name}
    flag = " ".join(cleo["flag"])
    assert "late by 3 h 5 min" in flag and "marked late by the LMS" in flag and files["cleo_old"].name in flag
    assert "late" not in " ".join(_student(first, "Ada Lovelace")["flag"])


@pytest.mark.slow
def test_summary_and_both_exports(lms_class) -> None:
    out = lms_class["out"]
    summary = pd.read_csv(out / "summary.csv", dtype={"student_id": str}).set_index("student")
    assert summary.loc["Ada Lovelace", SET] == AUTO_MAX + MANUAL_MAX  # the manual score merged in
    assert summary.loc["Cleo Patra", "total"] == AUTO_MAX
    assert summary.loc["Ben Bitdiddle", "total"] == 0
    assert pd.isna(summary.loc["Ada Lovelace", "manual_missing"])
    assert MANUAL[0] in summary.loc["Cleo Patra", "manual_missing"]
    canvas = pd.read_csv(out / "canvas.csv", dtype=str)
    assert list(canvas.columns) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", SET]
    assert canvas.iloc[0]["Student"] == "Points Possible"
    assert float(canvas.iloc[0][SET]) == AUTO_MAX + MANUAL_MAX
    ada = canvas[canvas["Student"] == "Ada Lovelace"].iloc[0]
    assert (ada["ID"], ada["SIS Login ID"], float(ada[SET])) == ("12345", "alovelace", AUTO_MAX + MANUAL_MAX)
    moodle = pd.read_csv(out / "moodle.csv", dtype=str)
    assert list(moodle.columns) == ["ID number", "Email address", "Full name", SET]
    row = moodle[moodle["ID number"] == "34567"].iloc[0]
    assert (row["Email address"], float(row[SET])) == ("cleo@example.edu", AUTO_MAX)


@pytest.mark.slow
def test_regrading_one_file_changes_only_that_students_rows(lms_class) -> None:
    first, again = lms_class["first"], lms_class["again"]
    for student in ("Ada Lovelace", "Cleo Patra"):
        cols = ["points", "feedback", "flag", "file"]
        pd.testing.assert_frame_equal(
            _student(again, student)[cols].fillna({"feedback": "", "flag": "", "file": ""}),
            _student(first, student)[cols].fillna({"feedback": "", "flag": "", "file": ""}),
            obj=student,
        )
    assert set(again["student"]) == set(first["student"])


@pytest.mark.slow
def test_reports_show_manual_points_and_stale_reports_are_removed(lms_class) -> None:
    out = lms_class["out"]
    assert not (out / "Zed_Former.html").exists()
    ada = (out / "Ada_Lovelace.html").read_text(encoding="utf-8")
    assert f"Manual score: {MANUAL_MAX:g} / {MANUAL_MAX:g}" in ada and "Clear and sourced." in ada
    cleo = (out / "Cleo_Patra.html").read_text(encoding="utf-8")
    assert "Manual scores still missing" in cleo and MANUAL[0] in cleo
    rubric = pd.read_csv(out / "rubric_scores.csv", dtype=str)
    assert len(rubric) == 3 * len(MANUAL)  # one row per student and manual question, kept across runs
