"""The pre/post assessment: its single source (prepost.toml), the rubric rendered from it, and `make grade` on a
fixture class that took both forms, counterbalanced (half A first, half B first).

The class is generated at test time from the committed student copies and solutions (a correct submission by
``newslens.tools.grading.bench.answered``, known mistakes written into answer cells), with a roster that gives
each student's ``first_form`` and a ``rubric_scores.csv`` with the instructor's scores of the written questions.
The expected pre, post and gain are computed here from the TOML and the fixture's known answers, not by the
module under test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from newslens import paths
from newslens.tools import exercises
from newslens.tools.grading import prepost
from newslens.tools.grading.bench import answered
from newslens.tools.grading.prepost import tomllib  # the standard library's, or tomli on Python 3.10

SPEC = tomllib.loads((paths.REPO_ROOT / "instructors" / "assessments" / "prepost.toml").read_text(encoding="utf-8"))
FORMS = {letter: form["set"] for letter, form in SPEC["assessment"]["forms"].items()}
QUESTIONS = {q["name"]: q for q in SPEC["question"]}
SKILLS = list(SPEC["skill"])

#: A wrong answer per auto-graded question (the check fails on it in both forms).
WRONG = {
    "q2_event_dates": "event_dates = ('2024-01-01', '2024-01-01')",
    "q3_place": "place_name = 'Atlantis'",
    "q4_origin": "origin_source = 'article'",
    "q5_map": "key_places = pd.DataFrame(places)\noff_by_km = 0.0",
    "q6_timeline": "timeline = events\nreport_dated_event = 'none'",
}

#: student -> first form, and per form (pre, then post) the auto-graded questions answered wrong, or "blank".
CLASS: dict[str, tuple[str, dict[str, str | list[str]]]] = {
    "ada": ("A", {"A": "blank", "B": []}),
    "ben": ("B", {"B": ["q2_event_dates", "q5_map", "q4_origin"], "A": ["q4_origin"]}),
    "cleo": ("A", {"A": ["q6_timeline", "q3_place"], "B": []}),
    "dan": ("B", {"B": [], "A": ["q2_event_dates"]}),
    "eli": ("B", {"B": []}),  # took only the pre-test: unpaired
}
#: The instructor's rubric scores (0-3): student -> form -> written question -> points.
RUBRIC: dict[str, dict[str, dict[str, int]]] = {
    "ada": {
        "A": {"q1_behind": 0, "q7_map_reading": 1, "q8_timeline_reading": 1},
        "B": {"q1_behind": 3, "q7_map_reading": 2, "q8_timeline_reading": 3},
    },
    "ben": {
        "B": {"q1_behind": 1, "q7_map_reading": 2, "q8_timeline_reading": 1},
        "A": {"q1_behind": 2, "q7_map_reading": 3, "q8_timeline_reading": 2},
    },
    "cleo": {
        "A": {"q1_behind": 2, "q7_map_reading": 2, "q8_timeline_reading": 2},
        "B": {"q1_behind": 2, "q7_map_reading": 3, "q8_timeline_reading": 3},
    },
    "dan": {
        "B": {"q1_behind": 2, "q7_map_reading": 1, "q8_timeline_reading": 2},
        "A": {"q1_behind": 3, "q7_map_reading": 3, "q8_timeline_reading": 3},
    },
    "eli": {"B": {"q1_behind": 1, "q7_map_reading": 1, "q8_timeline_reading": 1}},
}


def _answer_cell(nb: nbformat.NotebookNode, question: str) -> nbformat.NotebookNode:
    idx = next(i for i, c in enumerate(nb.cells) if c.source.strip() == f'grader.check("{question}")')
    return next(c for c in reversed(nb.cells[:idx]) if "otter_answer_cell" in c.metadata.get("tags", []))


def _submission(letter: str, answers: str | list[str]) -> nbformat.NotebookNode:
    stem = FORMS[letter]
    student = nbformat.read(paths.EXERCISES_DIR / f"{stem}.ipynb", as_version=4)
    if answers == "blank":
        return student
    nb = answered(student, nbformat.read(paths.SOLUTIONS_DIR / f"{stem}.ipynb", as_version=4))
    for question in answers:
        cell = _answer_cell(nb, question)
        # Keep the solution's lines (the plot code needs its variables), then overwrite with the wrong answer.
        cell.source = cell.source + "\n" + WRONG[question]
    return nb


def _expected_percent(answers: str | list[str], rubric: dict[str, int], skill: str) -> float:
    """A skill's score from the TOML's points, the questions answered right, and the rubric scores."""
    earned = top = 0.0
    for name, q in QUESTIONS.items():
        if q["skill"] != skill:
            continue
        top += q["points"]
        if q.get("manual"):
            earned += rubric[name]
        elif answers != "blank" and name not in answers:
            earned += q["points"]
    return round(100 * earned / top, 1)


def expected() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per student and skill, pre, post and gain; and the class's means per skill (paired students only)."""
    rows = []
    for student, (first, forms) in CLASS.items():
        if len(forms) < 2:
            continue
        second = "B" if first == "A" else "A"
        for skill in SKILLS:
            pre = _expected_percent(forms[first], RUBRIC[student][first], skill)
            post = _expected_percent(forms[second], RUBRIC[student][second], skill)
            rows.append({"student": student, "skill": skill, "pre": pre, "post": post, "gain": round(post - pre, 1)})
    table = pd.DataFrame(rows)
    means = table.groupby("skill", sort=False)[["pre", "post", "gain"]].mean().reset_index()  # not rounded
    return table, means


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The fixture class graded by `python -m newslens grade` (sandboxed when bubblewrap is there)."""
    root = tmp_path_factory.mktemp("prepost")
    folder, out = root / "submissions", root / "grades"
    folder.mkdir()
    out.mkdir()
    for student, (_, forms) in CLASS.items():
        for letter, answers in forms.items():
            nbformat.write(_submission(letter, answers), folder / f"{student}_{FORMS[letter]}.ipynb")
    roster = ["id,name,login,email,aliases,first_form"]
    roster += [f"{i + 1:03d},{s},{s},{s}@example.edu,,{first}" for i, (s, (first, _)) in enumerate(CLASS.items())]
    (folder / "roster.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    lines = ["student,assignment,question,points,comment"]
    for student, forms in RUBRIC.items():
        for letter, scores in forms.items():
            lines += [f"{student},{FORMS[letter]},{q},{p},level {p}" for q, p in scores.items()]
    (out / "rubric_scores.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "newslens", "grade", str(folder), "--out", str(out), "--jobs", "2"]
    if not Path("/usr/bin/bwrap").exists() and not any(
        (Path(p) / "bwrap").exists() for p in os.environ.get("PATH", "").split(os.pathsep)
    ):
        command.append("--no-sandbox")
    run = subprocess.run(command, capture_output=True, text=True, cwd=paths.REPO_ROOT, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    return run, out


def test_make_grade_prints_the_class_gain_per_skill(graded) -> None:
    run, _ = graded
    _, means = expected()
    assert "Pre/post: 4 student(s) paired (2 took A first, 2 took B first)" in run.stdout, run.stdout
    printed = {
        m.group(1): (int(m.group(2)), *map(float, m.groups()[2:]))
        for m in re.finditer(r"^\s+(\w+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([+-][\d.]+)$", run.stdout, re.M)
    }
    for r in means.itertuples():
        assert r.skill in printed, f"no line for {r.skill} in:\n{run.stdout}"
        n, pre, post, gain = printed[r.skill]
        assert n == 4, run.stdout
        # The printed means are rounded to 0.1: compare within rounding.
        assert abs(pre - r.pre) < 0.051 and abs(post - r.post) < 0.051 and abs(gain - r.gain) < 0.051, (
            f"{r.skill}: printed {pre}, {post}, {gain:+}; expected {r.pre}, {r.post}, {r.gain:+}"
        )
    assert "eli: needs both forms graded (has B)" in run.stdout


def test_per_student_pre_post_and_gain_are_right(graded) -> None:
    _, out = graded
    table, means = expected()
    got = pd.read_csv(out / "prepost.csv")
    merged = table.merge(got, on=["student", "skill"], suffixes=("", "_got"), validate="one_to_one")
    assert len(merged) == len(table) == 4 * len(SKILLS)
    for col in ("pre", "post", "gain"):
        assert (merged[col] - merged[f"{col}_got"]).abs().max() < 0.051, merged[["student", "skill", col, f"{col}_got"]]
    assert set(got.loc[got["student"] == "ben", "first_form"]) == {"B"}
    klass = pd.read_csv(out / "prepost_class.csv").set_index("skill")
    for r in means.itertuples():
        assert abs(klass.loc[r.skill, "gain"] - r.gain) < 0.051
        assert klass.loc[r.skill, "n"] == 4


def test_the_report_has_the_table_and_a_figure_with_alt_text(graded) -> None:
    _, out = graded
    page = (out / "prepost.html").read_text(encoding="utf-8")
    assert "The class&#x27;s gain per skill" in page or "The class's gain per skill" in page
    alt = re.search(r"<img src='prepost.png' alt='([^']+)'", page)
    assert alt and "mean score per skill" in alt.group(1) and "mapping from" in alt.group(1)
    assert (out / "prepost.png").stat().st_size > 5_000
    assert "eli" in page.split("Not paired", 1)[1]


def test_forms_are_parallel_and_every_question_has_a_skill() -> None:
    names = {
        letter: [q.name for q in exercises.questions(exercises.SOURCES_DIR / f"{s}.ipynb")]
        for letter, s in FORMS.items()
    }
    assert names["A"] == names["B"] == list(QUESTIONS), "the forms and prepost.toml list different questions"
    for letter, stem in FORMS.items():
        for q in exercises.questions(exercises.SOURCES_DIR / f"{stem}.ipynb"):
            spec = QUESTIONS[q.name]
            assert (q.points, q.manual) == (spec["points"], bool(spec.get("manual"))), f"{stem}/{q.name}"
            if q.manual:
                for level in prepost.LEVELS:
                    assert spec[level] in q.prompt, f"{stem}/{q.name}: the prompt's rubric differs from prepost.toml"
                assert set(SPEC["sample"][letter][q.name]) == set(prepost.LEVELS), f"samples of {letter}/{q.name}"
    assert {q["skill"] for q in QUESTIONS.values()} == set(SKILLS)


def test_rubric_md_is_rendered_from_the_toml() -> None:
    spec = prepost.load_spec()
    assert spec is not None
    committed = (paths.REPO_ROOT / prepost.RUBRIC_PATH).read_text(encoding="utf-8")
    assert committed == prepost.render_rubric(spec), "rubric.md is stale: python -m newslens.tools.grading.prepost"


def test_a_course_without_forms_in_the_gradebook_prints_nothing(tmp_path: Path) -> None:
    book = pd.DataFrame(
        [{"student": "x", "assignment": "01_reading_the_article", "question": "q1", "points": 1.0, "flag": ""}]
    )
    assert prepost.write_prepost(book, tmp_path) == []
