"""Exercise sets: generated copies up to date, solutions pass otter's assign, no leaks, ``make start``.

These checks cover every exercise source alike and are not about one set's questions: the per-set checks
(blank copy says "Not answered yet", solution passes, planted mistakes rejected) are table-driven in
tests/test_exercise_sets.py. Executing notebooks is the slow part, so each set is generated once per session.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from newslens import paths
from newslens.tools import cli, exercises, workspace

SOURCES = exercises.source_notebooks()


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


def test_start_copies_and_never_overwrites(tmp_path: Path) -> None:
    work = tmp_path / "my-work"
    first = workspace.start(work_dir=work)
    assert sorted(p.name for p in first.copied) == sorted(p.name for p in paths.EXERCISES_DIR.glob("*.ipynb"))
    mine = first.copied[0]
    mine.write_text("my answers", encoding="utf-8")
    second = workspace.start(work_dir=work)
    assert second.copied == [] and mine in second.kept
    assert mine.read_text(encoding="utf-8") == "my answers"


def test_start_is_told_which_copy_it_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `newslens start` on a copy of the course (its course.toml and exercises/), so my-work/ lands in tmp_path.
    shutil.copy2(paths.REPO_ROOT / "course.toml", tmp_path / "course.toml")
    shutil.copytree(paths.EXERCISES_DIR, tmp_path / "exercises")
    assert cli.main(["--root", str(tmp_path), "start"]) == 0
    assert cli.main(["--root", str(tmp_path), "start"]) == 0
    out = capsys.readouterr().out
    assert "NOT overwritten" in out and "01_reading_the_article.ipynb" in out


def test_my_work_is_ignored_by_git() -> None:
    ignored = (paths.REPO_ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert any(line.strip("/") == "my-work" for line in ignored)
