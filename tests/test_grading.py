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
from newslens.tools.grading.gradebook import NOT_GRADED

_spec = importlib.util.spec_from_file_location(
    "build_class", Path(__file__).parent / "fixtures" / "submissions" / "build_class.py"
)
build_class = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_class)


#: The limits the fixture classes are graded with: short enough for the suite, and the same for every
#: run, quiet or busy. dan's busy loop costs one ``cell_cpu``; sle's endless sleep one ``timeout``.
LIMITS = grading.Limits(timeout=150, cell_timeout=30, cell_cpu=5)


def _survivors() -> list[str]:
    """Processes this test started that are still alive (the grader's sandboxes, kernels, orphans)."""
    import psutil

    me = psutil.Process()
    # multiprocessing's own helpers (its resource tracker, its fork server) are children of this test process,
    # started by whichever earlier test first used a process pool, and live as long as it does: not the grader's.
    # A student's processes are never direct children of this process: they run under bwrap.
    helpers = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")
    alive = [
        p
        for p in me.children(recursive=True)
        if p.is_running()
        and p.status() != psutil.STATUS_ZOMBIE
        and not (p.ppid() == me.pid and any(h in " ".join(p.cmdline()) for h in helpers))
    ]
    for p in psutil.process_iter(["cmdline"]):
        if build_class.ORPHAN_MARKER in " ".join(p.info["cmdline"] or []) and p.pid != me.pid:
            alive.append(p)
    return [f"{p.pid}: {' '.join(p.cmdline())[:120]}" for p in alive if p.is_running()]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path, Path, Path]:
    """The fixture class (set 01's kinds of submission, a correct and a blank one of every other set),
    graded on whatever machine this is: (gradebook, outputs, submissions folder, autograder builds)."""
    root = tmp_path_factory.mktemp("class")
    folder = build_class.build(root / "submissions")
    build_class.build_sets(folder)
    build = build_class.reuse_course_zips(root / "build")
    copies = _course_copies()
    gradebook = grading.grade(folder, root / "grades", limits=LIMITS, jobs=2, build_dir=build)
    gradebook.attrs["copies"] = copies
    return gradebook, root / "grades", folder, build


def _course_copies() -> dict[str, str]:
    """SHA-256 of each set's student copy and source: what the structure checks and the tests come from."""
    import hashlib

    out = {}
    for name in build_class.every_set():
        files = [
            paths.EXERCISES_DIR / f"{name}.ipynb",
            paths.REPO_ROOT / "instructors" / "exercise_sources" / f"{name}.ipynb",
        ]
        out[name] = hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()
    return out


def _rows(gradebook: pd.DataFrame, student: str) -> pd.DataFrame:
    return gradebook[gradebook["student"] == student].set_index("question")


@pytest.mark.slow
def test_gradebook_has_a_row_per_student_and_question(graded) -> None:
    gradebook, out, *_ = graded
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
    gradebook, *_ = graded
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
def test_no_process_survives_the_batch(graded) -> None:
    assert not _survivors()


@pytest.mark.slow
def test_error_cells_are_numbered_as_the_student_sees_them(graded) -> None:
    gradebook, *_ = graded
    flag = " ".join(_rows(gradebook, "eve")["flag"])
    number = int(flag.split("error in cell ")[1].split(":")[0])
    assert number >= 1
    source = paths.EXERCISES_DIR / f"{build_class.SET}.ipynb"
    nb = build_class._read(source)
    # eve's notebook has the student version's cells; the broken answer is q3's answer cell.
    cell = build_class._answer_cell(nb, "q3_cue_signals")
    assert nb.cells.index(cell) + 1 == number


@pytest.mark.slow
def test_timeout_cells_are_numbered_as_the_student_sees_them(graded) -> None:
    gradebook, *_ = graded
    flag = " ".join(_rows(gradebook, "dan")["flag"])
    number = int(flag.split("timeout (cell ")[1].split(" ")[0])
    # dan's endless loop is a cell of its own, inserted before q2's prompt.
    nb = build_class._read(paths.EXERCISES_DIR / f"{build_class.SET}.ipynb")
    start, _ = build_class._question_cells(nb, "q2_cue_counts")
    assert number == start + 1


@pytest.mark.slow
@pytest.mark.parametrize("student", list(build_class.set_students()))
def test_every_set_grades_a_correct_and_a_blank_submission(graded, student: str) -> None:
    gradebook, *_ = graded
    name, kind = build_class.set_students()[student]
    rows = _rows(gradebook, student)
    source = paths.REPO_ROOT / "instructors" / "exercise_sources" / f"{name}.ipynb"
    assert set(rows["assignment"]) == {name}
    assert sorted(rows.index) == sorted(q.name for q in exercises.questions(source))
    auto = rows[rows["points"].notna()]
    assert len(auto), f"{name} has no autograded question"
    flags = " ".join(rows["flag"].fillna(""))
    assert NOT_GRADED not in flags and not auto["feedback"].str.startswith("No result").any(), flags
    if kind == "correct":
        assert set(rows["flag"].fillna("")) <= {"", "manual"}, flags
        # Every question full marks, those whose answer is a function or a figure too (function_answers.toml).
        assert (auto["points"] == auto["max_points"]).all(), f"{student}:\n{auto[['points', 'feedback']]}"
    else:
        assert (auto["points"] == 0).all(), f"{student}:\n{auto[['points', 'feedback']]}"
        for word in ("timeout", "tampering", "deleted", "limit", "stopped early", "crashed"):
            assert word not in flags, flags


@pytest.mark.slow
def test_feedback_is_the_specific_message_not_a_traceback(graded) -> None:
    gradebook, *_ = graded
    ben = _rows(gradebook, "ben")
    assert "case-sensitive" in ben.loc["q2_cue_counts", "feedback"]
    assert "ten thousand" in ben.loc["q5_figures", "feedback"]
    cleo = _rows(gradebook, "cleo")
    assert cleo["feedback"].str.contains("Not answered yet").sum() >= 6
    assert not gradebook["feedback"].str.contains("Traceback").any()


@pytest.mark.slow
def test_tampered_tests_are_ignored(graded) -> None:
    gradebook, *_ = graded
    # finn replaced every stored test by one that always passes and answered q5 wrongly.
    assert _rows(gradebook, "finn").loc["q5_figures", "points"] == 0


@pytest.mark.slow
def test_manual_questions_are_left_to_the_instructor_with_the_answer_in_the_report(graded) -> None:
    gradebook, out, *_ = graded
    manual = gradebook[gradebook["flag"].fillna("").str.contains("manual")]
    assert manual["points"].isna().all()
    assert (manual["assignment"] == build_class.SET).sum() == len(build_class.EXPECTED)
    report = (out / "ada.html").read_text(encoding="utf-8")
    assert "Rubric" in report and "publication date" in report


@pytest.mark.slow
def test_a_question_without_a_result_is_flagged_never_a_silent_zero(graded) -> None:
    gradebook, *_ = graded
    auto = gradebook[gradebook["points"].notna() & (gradebook["student"] != "hana")]
    no_result = auto[auto["feedback"].str.startswith("No result")]
    assert no_result["flag"].str.contains("not graded: rerun").all()
    assert no_result.empty, f"every question should have a result on this class:\n{no_result}"


# ----------------------------------------------------------------------------------------------
# Grades do not depend on how busy the machine is.


@pytest.mark.slow
def test_a_busy_machine_gives_the_same_gradebook(graded, tmp_path: Path) -> None:
    """The whole fixture class, graded again while two busy loops keep both cores busy: every row the same."""
    gradebook, _, folder, build = graded
    # Two busy loops keep both cores busy for the whole batch (and stop by themselves after 10 minutes).
    loop = "import time\nt = time.monotonic()\nwhile time.monotonic() - t < 600:\n    pass\n"
    hogs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(2)]
    try:
        busy = grading.grade(folder, tmp_path / "grades", limits=LIMITS, jobs=2, build_dir=build)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    columns = ["student", "assignment", "question", "points", "max_points", "feedback", "flag", "file"]

    def view(book: pd.DataFrame) -> pd.DataFrame:
        return book[columns].fillna({"feedback": "", "flag": ""}).sort_values(columns[:3], ignore_index=True)

    assert busy["file"].nunique() == len(list(folder.iterdir()))  # the whole class, every file
    # A set regenerated by someone else between the two runs is compared no further (its copies changed).
    before, now = gradebook.attrs.get("copies", {}), _course_copies()
    same = {name for name in before if now.get(name) == before[name]}
    if before and build_class.SET not in same:
        pytest.skip(f"{build_class.SET} was regenerated between the two runs: nothing left to compare")
    kept = gradebook["assignment"].isin(same) | ~gradebook["assignment"].isin(before)
    kept_busy = busy["assignment"].isin(same) | ~busy["assignment"].isin(before)
    pd.testing.assert_frame_equal(view(busy[kept_busy]), view(gradebook[kept]))
    assert not _survivors()


def test_answers_round_trip_as_plain_data_and_anything_else_is_refused() -> None:
    import json

    import numpy as np

    from newslens.tools.grading import plain

    ns: dict[str, object] = {}
    kernel_side = Path(grading.__file__).with_name("kernel_side.py")
    exec(kernel_side.read_text(encoding="utf-8"), ns)  # what the sandboxed kernel runs
    encode = ns["_nl_encoder"](10_000)
    values = [
        3,
        2.5,
        "x",
        None,
        ...,
        [1, (2, "a")],
        {"k": {1, 2}},
        np.int64(7),
        pd.Series({"a": 1, "b": 2}, name="n"),
        pd.DataFrame({"x": [1, 2], "y": ["a", None]}, index=["r", "s"]),
    ]
    for value in values:
        back = plain.decode(json.loads(json.dumps(encode(value))))
        if isinstance(value, pd.Series):
            pd.testing.assert_series_equal(back, value)
        elif isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(back, value)
        else:
            assert back == value and type(back) is type(value)

    class Always(int):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = int.__hash__

    for bad, why in [(Always(1), "Always"), (len, "a function"), (np, "a module"), (list(range(20_000)), "too large")]:
        decoded = plain.decode(json.loads(json.dumps(encode(bad))))
        assert isinstance(decoded, plain.NotPlain) and why in decoded.why


def test_geodataframes_round_trip_as_plain_data() -> None:
    import json

    import geopandas as gpd
    from shapely.geometry import Point

    from newslens.tools.grading import plain

    ns: dict[str, object] = {}
    exec(Path(grading.__file__).with_name("kernel_side.py").read_text(encoding="utf-8"), ns)
    encode = ns["_nl_encoder"](10_000)
    places = gpd.GeoDataFrame(
        {"name": ["Pyongyang", "Wonsan"], "n": [3, 1]},
        geometry=[Point(125.75, 39.02), Point(127.44, 39.15)],
        crs="EPSG:4326",
    )
    back = plain.decode(json.loads(json.dumps(encode(places))))
    assert isinstance(back, gpd.GeoDataFrame) and back.crs == places.crs
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(places.drop(columns="geometry"))
    )
    assert list(back.geometry.to_wkt()) == list(places.geometry.to_wkt())


def test_a_question_the_checks_did_not_reach_is_flagged_for_a_rerun() -> None:
    from newslens.tools.grading.gradebook import submission_rows

    source = paths.REPO_ROOT / "instructors" / "exercise_sources" / f"{build_class.SET}.ipynb"
    questions = exercises.questions(source)
    auto = [q for q in questions if not q.manual]
    run = {"status": "ok", "questions": {auto[0].name: {"score": 2, "possible": 2, "cases": []}}}
    rows = {r.question: r for r in submission_rows("ada", build_class.SET, "ada.ipynb", questions, run, [])}
    assert rows[auto[0].name].flag == "" and rows[auto[0].name].points == 2
    for q in auto[1:]:
        assert NOT_GRADED in rows[q.name].flag and "grade it again" in rows[q.name].feedback


def test_the_sandbox_hides_the_grader_files_and_mounts_a_course_under_tmp(tmp_path: Path) -> None:
    from newslens.tools.grading import sandbox

    course = tmp_path / "course"
    for name in ("data", "solutions", "instructors", "build"):
        (course / name).mkdir(parents=True)
    cmd = sandbox.bwrap_command("bwrap", tmp_path / "work", course, [tmp_path / "grades"], {"HOME": "/home/student"})
    pairs = list(zip(cmd, cmd[1:], strict=False))
    for hidden in ("solutions", "instructors", "build"):
        assert ("--tmpfs", str(course / hidden)) in pairs, hidden
    # /tmp is mounted before the course, so a course that lives under /tmp stays visible.
    assert cmd.index("/tmp") < cmd.index(str(course))
    assert "--die-with-parent" in cmd and "--new-session" in cmd and "--unshare-all" in cmd


def test_changed_autograder_tests_stop_the_batch(tmp_path: Path) -> None:
    import zipfile

    from newslens.tools.grading.batch import Tests

    zip_path = tmp_path / "a-autograder.zip"
    with zipfile.ZipFile(zip_path, "w") as zf:
        zf.writestr("tests/q1.py", "from otter.test_files import test_case\n")
    tests = Tests.unpack(zip_path, tmp_path / "private")
    zip_path.unlink()  # a rebuild of build/otter/ during the batch changes nothing
    tests.verify()
    (tests.folder / "q1.py").write_text("# always passes\n", encoding="utf-8")
    with pytest.raises(UserError, match="changed while the class was being graded"):
        tests.verify()


def test_grading_without_bubblewrap_refuses_with_the_install_command(monkeypatch, tmp_path: Path) -> None:
    from newslens.tools.grading import sandbox

    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(UserError) as err:
        grading.grade(tmp_path, tmp_path / "grades")
    assert "sudo apt install bubblewrap" in str(err.value) and "--no-sandbox" in str(err.value)


@pytest.mark.slow
def test_no_sandbox_says_so_on_every_row(graded, tmp_path: Path) -> None:
    _, _, everyone, build = graded
    folder = tmp_path / "submissions"
    folder.mkdir()
    name = f"ada_{build_class.SET}.ipynb"
    (folder / name).write_bytes((everyone / name).read_bytes())
    gradebook = grading.grade(folder, tmp_path / "grades", limits=LIMITS, sandbox=False, build_dir=build)
    assert gradebook["flag"].str.contains("not sandboxed").all()
    auto = gradebook[gradebook["points"].notna()]
    assert (auto["points"] == auto["max_points"]).all()


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


def test_a_due_date_that_is_not_a_date_prints_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["--root", str(paths.REPO_ROOT), "grade", str(tmp_path), "--due", "next friday"])
    assert status == 1
    _one_error_line(capsys.readouterr().err, "next friday", "ISO 8601")


def test_an_only_file_that_is_no_submission_prints_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["--root", str(paths.REPO_ROOT), "grade", str(tmp_path), "--only", "nobody.ipynb"])
    assert status == 1
    _one_error_line(capsys.readouterr().err, "nobody.ipynb")


def test_grade_of_a_missing_folder_raises_a_user_error_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(UserError) as err:
        grading.grade(tmp_path / "nowhere", tmp_path / "grades")
    assert err.value.fix and "make grade SUBMISSIONS=" in err.value.fix
    assert not (tmp_path / "grades").exists()
