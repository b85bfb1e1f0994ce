"""Grading a class that cheats: each attack of issue 13 gets the score its answers deserve and a flag.

Every attack class has its own submission in one batch (see ``build_attacks`` in
``tests/fixtures/submissions/build_class.py``), beside an honest notebook ('ada') whose rows must not
change; the files the attacks try to write must be unchanged afterwards, and no process may survive.
This module runs in its own xdist worker (``--dist loadfile``), beside tests/test_grading.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from test_grading import _rows, _survivors, build_class

from newslens import paths
from newslens.tools import grading


def _process_limit_reported() -> bool:
    """Whether this machine lets the grader make a pids cgroup (the process limit it can report)."""
    from newslens.tools.grading import sandbox

    group = sandbox.pids_cgroup(10)
    if group is None:
        return False
    group.rmdir()
    return True


#: dan's kind of busy loop costs one ``cell_cpu``; sle's endless sleep one ``timeout``.
ATTACK_LIMITS = grading.Limits(timeout=75, cell_timeout=20, cell_cpu=5)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path, dict[str, tuple[Path, bytes]]]:
    root = tmp_path_factory.mktemp("attacks")
    out = root / "grades"
    out.mkdir()
    (out / "gradebook.csv").write_text("student\n", encoding="utf-8")
    victim = root / "submissions" / f"ada_{build_class.SET}.ipynb"
    targets = {
        "gradebook": out / "gradebook.csv",
        "another student's submission": victim,
        "course data": paths.REPO_ROOT / "data" / "README.md",
        "venv": Path(sys.prefix) / "pyvenv.cfg",
        "autograder zip": next(
            (paths.REPO_ROOT / "build" / "otter" / build_class.SET).glob("autograder/*.zip"), victim
        ),
    }
    folder = build_class.build_attacks(root / "submissions", targets)
    before = {name: (path, path.read_bytes()) for name, path in targets.items()}
    gradebook = grading.grade(folder, out, limits=ATTACK_LIMITS, jobs=2)
    return gradebook, out, before


# ----------------------------------------------------------------------------------------------
# A class that cheats: each attack gets the score its answers deserve, a flag, and no effect elsewhere.


@pytest.mark.slow
@pytest.mark.parametrize("student", list(build_class.ATTACKS))
def test_each_attack_gets_its_score_and_flag(attacked, student: str) -> None:
    gradebook, _, _ = attacked
    kind, flags, zero = build_class.ATTACKS[student]
    if student == "frk" and not _process_limit_reported():
        flags = []  # no pids cgroup here: RLIMIT_NPROC refuses the forks (not for root), without a flag
    rows = _rows(gradebook, student)
    assert len(rows) == len(_rows(gradebook, "ada")), f"{student} ({kind}) has the wrong rows"
    flag_text = " ".join(rows["flag"].fillna(""))
    for flag in flags:
        assert flag in flag_text, f"{student} ({kind}) should be flagged {flag!r}; flags: {flag_text!r}"
    for question in zero:
        assert rows.loc[question, "points"] == 0, f"{student} ({kind}) should get 0 for {question}"
    auto = rows[rows["points"].notna()].drop(index=zero)
    assert (auto["points"] == auto["max_points"]).all(), (
        f"{student} ({kind}) lost points:\n{auto[['points', 'feedback']]}"
    )
    assert "not sandboxed" not in flag_text
    # The batch is over: nothing this submission started may still run (its sandbox's PID namespace ended
    # it), neither a descendant of this test nor a process in a new session carrying the orphan marker.
    assert not _survivors(), f"{student} ({kind}) left processes running"


@pytest.mark.slow
def test_attacks_change_no_other_row_and_no_file(attacked) -> None:
    gradebook, out, before = attacked
    ada = _rows(gradebook, "ada")
    auto = ada[ada["points"].notna()]
    assert (auto["points"] == auto["max_points"]).all() and set(ada["flag"]) <= {"", "manual"}
    assert not auto["feedback"].str.contains("not plain|could not|No result").any()
    for name, (path, content) in before.items():
        if name == "gradebook":
            continue  # the batch itself rewrites it
        if name == "autograder zip" and not path.exists():
            continue  # `make exercises` by someone else replaced it during the batch
        assert path.read_bytes() == content, f"the attack changed {name} ({path})"
    assert "HACKED" not in (out / "gradebook.csv").read_text(encoding="utf-8")
    assert not _survivors()


@pytest.mark.slow
def test_a_not_plain_answer_fails_saying_why(attacked) -> None:
    gradebook, _, _ = attacked
    feedback = _rows(gradebook, "mod").loc["q1_structure", "feedback"]
    assert "not plain data" in feedback and "Always" in feedback


@pytest.mark.slow
def test_a_formula_file_name_is_neutralised_in_the_csv(attacked) -> None:
    _, out, _ = attacked
    text = (out / "gradebook.csv").read_text(encoding="utf-8")
    assert "\n'=1+2," in text and "\n=1+2" not in text


@pytest.mark.slow
def test_a_whole_run_timeout_keeps_the_answers_before_it(attacked) -> None:
    gradebook, _, _ = attacked
    rows = _rows(gradebook, "sle")
    assert rows.loc["q6_not_stated", "points"] == rows.loc["q6_not_stated", "max_points"]
