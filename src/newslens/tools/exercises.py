"""Exercise sets: one otter-grader master notebook in, a student and a solution notebook out.

Each set is written once, as an ``otter assign`` master notebook in
``instructors/exercise_sources/<set>.ipynb`` (questions, solutions, public and hidden tests together;
see ``instructors/README.md``). :func:`generate` runs ``otter assign`` on it into
``build/otter/<set>/`` and copies out

- ``exercises/<set>.ipynb``: the student version (public tests only, in the notebook's metadata);
- ``solutions/<set>.ipynb``: the complete version (solutions, public and hidden tests).

Both copies are normalised (outputs cleared, execution counts and cell ids made deterministic) so that
running ``make exercises`` twice gives byte-identical files, and a test can tell when a committed copy
is out of date with its source. The autograder zip with the hidden tests stays in ``build/`` and is what
:mod:`newslens.tools.grading` grades with.

Example
-------
>>> from newslens.tools.exercises import generate
>>> generate(["01_reading_the_article"])  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from .layout import CourseLayout, pick_sets

#: Where the instructors' master notebooks live (in this package's own course).
SOURCES_DIR: Path = CourseLayout.of().exercise_sources
#: Where ``otter assign`` writes its output (never committed).
OTTER_BUILD_DIR: Path = CourseLayout.of().otter_build

_NB_VERSION = 4
# Fragments shorter than this are too generic to prove a leak (e.g. "entities", "}").
_MIN_FRAGMENT = 12


@dataclass(frozen=True)
class Question:
    """One question of a master notebook, as declared in its ``# BEGIN QUESTION`` cell."""

    name: str
    points: float
    manual: bool
    prompt: str


@dataclass(frozen=True)
class AssignOutput:
    """What ``otter assign`` produced for one master notebook."""

    student: Path
    solution: Path
    autograder_zip: Path


def source_notebooks(sources_dir: Path | None = None) -> list[Path]:
    """All master notebooks, sorted by name (``01_...``, ``02_...``)."""
    return sorted((sources_dir or SOURCES_DIR).glob("[0-9]*.ipynb"))


def _raw_config(cell: dict[str, Any], marker: str) -> dict[str, Any] | None:
    """The YAML of a raw otter marker cell whose first line is ``# <marker>``, else None."""
    if cell.get("cell_type") != "raw":
        return None
    lines = cell.get("source", "").splitlines()
    if not lines or lines[0].strip().upper() != f"# {marker}":
        return None
    import yaml  # otter depends on PyYAML

    return yaml.safe_load("\n".join(lines[1:])) or {}


def questions(source_path: Path) -> list[Question]:
    """The questions of a master notebook in order, with points and manual flag."""
    nb = nbformat.read(source_path, as_version=_NB_VERSION)
    found: list[Question] = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        config = _raw_config(cell, "BEGIN QUESTION")
        if config is None:
            continue
        prompt = next((c.source for c in cells[i + 1 :] if c.cell_type == "markdown"), "")
        found.append(
            Question(
                name=str(config["name"]),
                points=float(config.get("points", 1) or 0),
                manual=bool(config.get("manual", False)),
                prompt=prompt,
            )
        )
    return found


def assignment_name(source_path: Path) -> str:
    """The ``name`` of the ``# ASSIGNMENT CONFIG`` cell (the set's stem by convention)."""
    nb = nbformat.read(source_path, as_version=_NB_VERSION)
    for cell in nb.cells:
        config = _raw_config(cell, "ASSIGNMENT CONFIG")
        if config is not None:
            return str(config.get("name") or source_path.stem)
    return source_path.stem


def run_otter_assign(source_path: Path, out_dir: Path, run_tests: bool = True) -> AssignOutput:
    """Run ``otter assign`` on one master notebook into ``out_dir`` (replaced if it exists).

    With ``run_tests`` otter executes the solution notebook and fails unless every public and hidden
    test passes, so a broken solution never reaches ``solutions/``.
    """
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "otter", "assign", "--no-pdfs"]
    if not run_tests:
        cmd.append("--no-run-tests")
    cmd += [str(source_path), str(out_dir)]
    # The source's own folder as cwd: otter resolves `files:` against it. Notebooks reach data only
    # through newslens, so the folder does not matter to them.
    proc = subprocess.run(cmd, cwd=source_path.parent, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(
            f"otter assign failed for {source_path.name} (exit {proc.returncode}):\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    name = source_path.name
    zips = sorted((out_dir / "autograder").glob(f"{source_path.stem}-autograder_*.zip"))
    if not zips:
        raise RuntimeError(f"otter assign wrote no autograder zip for {name} in {out_dir}")
    return AssignOutput(out_dir / "student" / name, out_dir / "autograder" / name, zips[-1])


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without outputs, with null execution counts and content-derived cell ids.

    otter gives the cells it creates random ids; ids derived from the cell's type and source (with a
    counter for repeats) make regeneration byte-for-byte reproducible while staying stable when an
    unrelated cell is edited.
    """
    nb = copy.deepcopy(nb)
    seen: dict[str, int] = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        digest = hashlib.sha1(f"{cell.cell_type}\0{cell.source}".encode()).hexdigest()[:10]
        seen[digest] = seen.get(digest, 0) + 1
        cell["id"] = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
    nb.metadata.pop("widgets", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """Serialise like ``nbformat.write`` does, so files compare byte for byte."""
    return nbformat.writes(nb) + "\n"


def render_set(source_path: Path, build_dir: Path | None = None, run_tests: bool = True) -> dict[str, str]:
    """Assign one set and return the normalised texts ``{"student": ..., "solution": ...}``."""
    out = run_otter_assign(source_path, (build_dir or OTTER_BUILD_DIR) / source_path.stem, run_tests)
    return {
        "student": notebook_text(normalise(nbformat.read(out.student, as_version=_NB_VERSION))),
        "solution": notebook_text(normalise(nbformat.read(out.solution, as_version=_NB_VERSION))),
    }


def generate(
    names: list[str] | None = None,
    *,
    root: Path | None = None,
    sources_dir: Path | None = None,
    exercises_dir: Path | None = None,
    solutions_dir: Path | None = None,
    build_dir: Path | None = None,
    run_tests: bool = True,
    check: bool = False,
) -> list[Path]:
    """Regenerate ``exercises/`` and ``solutions/`` from the master notebooks.

    ``names`` picks sets by stem (default: all). With ``check`` nothing is written and the return
    value lists the committed copies that differ from what the sources produce. Never touches
    students' working copies (``my-work/``).
    """
    course = CourseLayout.of(root)
    sources_dir = sources_dir or course.exercise_sources
    exercises_dir = exercises_dir or course.exercises
    solutions_dir = solutions_dir or course.solutions
    build_dir = build_dir or (course.otter_build if root else None)
    sources = pick_sets(source_notebooks(sources_dir), names, course.shown(sources_dir))
    touched: list[Path] = []
    for source in sources:
        texts = render_set(source, build_dir, run_tests)
        for kind, folder in (("student", exercises_dir), ("solution", solutions_dir)):
            target = folder / source.name
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current == texts[kind]:
                continue
            touched.append(target)
            if not check:
                folder.mkdir(parents=True, exist_ok=True)
                target.write_text(texts[kind], encoding="utf-8")
    return touched


def _code_of_solution_line(line: str) -> str:
    """The code of a line marked ``# SOLUTION`` (or ``# SOLUTION NO PROMPT``), marker removed."""
    return re.sub(r"#\s*SOLUTION( NO PROMPT)?\s*$", "", line).strip()


def solution_fragments(source_path: Path | str) -> list[str]:
    """Strings of a master notebook that must never appear in a student copy or handout.

    They are: every line of solution code (lines marked ``# SOLUTION``/``# SOLUTION NO PROMPT`` and
    lines inside ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` code blocks), every line of a markdown
    solution, every line of a hidden test, and any output stored in a solution cell. Lines too short
    or too generic to prove anything (fewer than 12 characters) and lines that the student version
    legitimately contains (they occur in a prompt, a public test or a non-solution cell of the source)
    are left out, so a hit is always a real leak.
    """
    nb = nbformat.read(Path(source_path), as_version=_NB_VERSION)
    fragments: list[str] = []
    public_text: list[str] = []
    state = {"solution": False, "tests": False}
    for cell in nb.cells:
        if cell.cell_type == "raw":
            first = (cell.source.splitlines() or [""])[0].strip().upper()
            for marker, key in (("SOLUTION", "solution"), ("TESTS", "tests")):
                if first == f"# BEGIN {marker}":
                    state[key] = True
                elif first == f"# END {marker}":
                    state[key] = False
            continue
        lines = cell.source.splitlines()
        if state["solution"]:
            if cell.cell_type == "markdown":
                fragments += [ln.strip() for ln in lines]
            else:
                in_block = False
                for ln in lines:
                    stripped = ln.strip()
                    if re.match(r"#\s*BEGIN SOLUTION", stripped):
                        in_block = True
                    elif re.match(r"#\s*END SOLUTION", stripped):
                        in_block = False
                    elif in_block or re.search(r"#\s*SOLUTION( NO PROMPT)?\s*$", ln):
                        fragments.append(_code_of_solution_line(ln))
                    else:
                        public_text.append(ln)
            for output in cell.get("outputs", []):
                text = output.get("text") or "".join(
                    str(v) for k, v in output.get("data", {}).items() if k.startswith("text/")
                )
                fragments += [ln.strip() for ln in str(text).splitlines()]
        elif state["tests"] and cell.cell_type == "code":
            hidden = bool(lines) and bool(re.search(r"\bhidden\b", lines[0], flags=re.IGNORECASE))
            hidden = hidden or bool(re.search(r"^\s*hidden:\s*true", cell.source, flags=re.M | re.I))
            body = [ln for ln in lines if not ln.lstrip().startswith("#")]
            if hidden:
                # The guard lines every test shares are public anyway; what is specific is hidden.
                fragments += [ln.strip() for ln in body]
            else:
                public_text += body
        else:
            public_text += lines
    public = "\n".join(public_text)
    unique: list[str] = []
    for frag in fragments:
        if len(frag) >= _MIN_FRAGMENT and frag not in public and frag not in unique:
            unique.append(frag)
    return unique


def student_visible_text(notebook_path: Path | str) -> str:
    """Everything a student can see in a notebook: cell sources, outputs and otter's metadata tests."""
    nb = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    parts: list[str] = []
    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        parts.append("".join(src) if isinstance(src, list) else src)
        for output in cell.get("outputs", []):
            parts.append(json.dumps(output, ensure_ascii=False))
    parts.append(json.dumps(nb.get("metadata", {}), ensure_ascii=False))
    tests = nb.get("metadata", {}).get("otter", {}).get("tests", {})
    parts += [t if isinstance(t, str) else json.dumps(t, ensure_ascii=False) for t in tests.values()]
    return "\n".join(parts)


def leaks(source_path: Path | str, student_path: Path | str) -> list[str]:
    """The solution fragments of ``source_path`` found in the student notebook ``student_path``."""
    visible = student_visible_text(student_path)
    return [frag for frag in solution_fragments(source_path) if frag in visible]
