"""Exercise sets: generated copies up to date, solutions pass, no leaks, checks that teach.

Covers the sets owned here (01 and 05) plus any other source for the generic checks (up to date, no
leak). Executing notebooks is the slow part, so each set is generated once per session.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import exercise_checks
import nbformat
import pytest

from newslens import paths
from newslens.tools import exercises, workspace

SOURCES = exercises.source_notebooks()
OWN_SETS = ["01_reading_the_article", "05_putting_it_together"]

#: For every auto-graded question of the sets owned here: a real student mistake (code run after the
#: correct notebook) and words its check's message must contain.
WRONG_ANSWERS: dict[str, dict[str, tuple[str, str]]] = {
    "01_reading_the_article": {
        "q1_structure": ("n_paragraphs = len(text.splitlines())\nn_headings = 5", "counted every line"),
        "q2_cue_counts": ("cue_counts = pd.Series({c: text.count(c) for c in CUES})", "case-sensitive"),
        "q3_cue_signals": ("cue_signals = {**cue_signals, 'potrebbero': 'attribution'}", "conditional verb"),
        "q4_entities": (
            "entities = load_places()[['name_it']].rename(columns={'name_it': 'entity'}).assign(kind='place')",
            "never appear in the article",
        ),
        "q5_figures": ("troops_figure = float('10.000')", "ten thousand"),
        "q6_not_stated": ("stated = {**stated, 'publication_date': True}", "date earlier events"),
        "q7_lead_5w1h": ("lead_5w1h = {**lead_5w1h, 'where': 'Pyongyang'}", "metonym"),
    },
    "05_putting_it_together": {
        "q1_claims_per_event": (
            "claims_per_event = load_claims()['event_id'].value_counts()",
            "left out the claims",
        ),
        "q2_weak_claims": (
            "weak_claims = sorted(load_claims().query('credibility <= 3')['claim_id'])",
            "the other way round",
        ),
        "q3_claims_by_place": ("claims_by_place = load_events()['place_id'].value_counts()", "counted events"),
        "q4_brief": (
            "brief = 'North Korea sends weapons to Russia. Kim visited factories. Putin wrote to Kim.'",
            "No sentence cites a claim",
        ),
    },
}


def _by_stem(stem: str) -> Path:
    return next(p for p in SOURCES if p.stem == stem)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | Exception]:
    """Every source assigned once (two at a time) into a temporary exercises/ and solutions/.

    otter assign runs each solution notebook against all its public and hidden tests and fails if one
    does not pass, so this fixture is also the "solutions pass every check" test. A set that fails is
    recorded, not raised, so that it fails only its own tests.
    """
    root = tmp_path_factory.mktemp("generated")

    def one(source: Path) -> Path | Exception:
        try:
            exercises.generate(
                [source.stem],
                exercises_dir=root / "exercises",
                solutions_dir=root / "solutions",
                build_dir=root / "build",
            )
            return root
        except Exception as exc:  # reported by the set's own test
            return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([s.stem for s in SOURCES], pool.map(one, SOURCES), strict=True))


def test_own_sets_exist_with_5_to_10_questions_and_a_manual_one() -> None:
    for stem in OWN_SETS:
        questions = exercises.questions(_by_stem(stem))
        assert 5 <= len(questions) <= 10, f"{stem} has {len(questions)} questions"
        assert any(q.manual for q in questions), f"{stem} has no written (manual) question"
        auto = {q.name for q in questions if not q.manual}
        assert auto == set(WRONG_ANSWERS[stem]), f"every auto-graded question of {stem} needs a wrong answer"


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_solutions_pass_and_committed_copies_are_up_to_date(source: Path, generated: dict) -> None:
    result = generated[source.stem]
    if isinstance(result, Exception):
        pytest.fail(f"{source.name} does not assign cleanly (a solution fails its tests?):\n{result}")
    for folder, committed in (("exercises", paths.EXERCISES_DIR), ("solutions", paths.SOLUTIONS_DIR)):
        fresh = result / folder / source.name
        assert fresh.exists(), f"{source.name} produced no {folder} copy"
        assert (committed / source.name).exists(), f"{folder}/{source.name} is missing: run make exercises"
        assert (committed / source.name).read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
            f"{folder}/{source.name} is out of date with its source: run make exercises"
        )


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_solution_leaks_into_the_student_copy(source: Path) -> None:
    fragments = exercises.solution_fragments(source)
    assert fragments, f"{source.name}: no solution fragments found, so the leak test would prove nothing"
    student = paths.EXERCISES_DIR / source.name
    assert exercises.leaks(source, student) == []
    # The detector does detect: the complete version contains the fragments.
    assert exercises.leaks(source, paths.SOLUTIONS_DIR / source.name)


def test_leak_detector_catches_a_pasted_solution_line(tmp_path: Path) -> None:
    source = _by_stem("01_reading_the_article")
    nb = nbformat.read(paths.EXERCISES_DIR / source.name, as_version=4)
    fragment = exercises.solution_fragments(source)[0]
    nb.cells.append(nbformat.v4.new_code_cell(fragment))
    leaked = tmp_path / source.name
    nbformat.write(nb, leaked)
    assert fragment in exercises.leaks(source, leaked)


@pytest.fixture(scope="module", params=OWN_SETS)
def unanswered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The student copy of a set, executed top to bottom in a fresh folder (raises if a cell fails)."""
    stem = request.param
    work = tmp_path_factory.mktemp(f"unanswered-{stem}")
    with exercise_checks.executed_copy(paths.EXERCISES_DIR / f"{stem}.ipynb", work) as session:
        yield stem, session


@pytest.mark.slow
def test_unanswered_notebook_runs_and_every_check_says_not_answered(unanswered) -> None:
    stem, session = unanswered
    for question in (q for q in exercises.questions(_by_stem(stem)) if not q.manual):
        exercise_checks.assert_not_answered(session, stem, question.name)


@pytest.fixture(scope="module", params=OWN_SETS)
def answered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The complete (solution) copy of a set, executed in a fresh folder."""
    stem = request.param
    work = tmp_path_factory.mktemp(f"answered-{stem}")
    with exercise_checks.executed_copy(paths.SOLUTIONS_DIR / f"{stem}.ipynb", work) as session:
        yield stem, session


@pytest.mark.slow
def test_solution_passes_and_each_wrong_answer_gets_its_own_message(answered) -> None:
    stem, session = answered
    for question, (wrong, words) in WRONG_ANSWERS[stem].items():
        exercise_checks.assert_solution_passes(session, stem, question)
        exercise_checks.assert_mistake_rejected(session, stem, question, wrong, words)


def test_start_copies_and_never_overwrites(tmp_path: Path) -> None:
    work = tmp_path / "my-work"
    first = workspace.start(work_dir=work)
    assert sorted(p.name for p in first.copied) == sorted(p.name for p in paths.EXERCISES_DIR.glob("*.ipynb"))
    mine = first.copied[0]
    mine.write_text("my answers", encoding="utf-8")
    second = workspace.start(work_dir=work)
    assert second.copied == [] and mine in second.kept
    assert mine.read_text(encoding="utf-8") == "my answers"


def test_start_is_told_which_copy_it_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setattr(workspace, "WORK_DIR", tmp_path / "my-work")
    workspace.main([])
    workspace.main([])
    out = capsys.readouterr().out
    assert "NOT overwritten" in out and "01_reading_the_article.ipynb" in out


def test_my_work_is_ignored_by_git() -> None:
    ignored = (paths.REPO_ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert any(line.strip("/") == "my-work" for line in ignored)
