"""The instructor guide: one page per lesson of ``course.toml`` plus an overview, generated at build time.

The hand-written parts are Markdown under ``instructors/guide/`` (the overview, each lesson's discussion prompts and
what to cut, the written questions' leveled rubrics in ``rubrics.toml``). Everything that another file of the course
already says is read from that file when the guide is built, never copied into the guide:

- the timed plan, from the lesson notebook's sections and Try-it challenges, scaled to course.toml's ``minutes``;
- the misconceptions, from the assert messages of the exercise checks (the ``# BEGIN TESTS`` cells of
  ``instructors/exercise_sources/<set>.ipynb``) and from :func:`newslens.tryit.misconceptions`;
- each written question's prompt, point criteria and full-marks answer, from the exercise source;
- the pre/post forms' and the capstone's rubrics, from ``instructors/assessments/``.

:func:`write_guide` turns these into Markdown-only notebooks in ``build/guide/``, which the handout build renders as
its fourth set (``build/handouts/instructors/``). The notebooks there are build products, never committed.

Honest times (:func:`lesson_minutes`, :func:`exercise_minutes`) apply the rule in course.toml's header comment;
``python -m newslens.tools.guide --times`` prints the rule's minutes beside the recorded ones.
"""

from __future__ import annotations

import ast
import html
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: Where the hand-written parts live, relative to the course root.
GUIDE_DIR = Path("instructors") / "guide"
#: Where the generated notebooks go, relative to the course root (two folders deep, like instructors/guide/, so a
#: relative link written in a hand-written page resolves to the same course file from either folder).
OUT_DIR = Path("build") / "guide"

# --- the time rule (course.toml's header comment states the same numbers) -------------------------------------------
WORDS_PER_MINUTE = 180  # instructional prose, read with attention (general reading runs at 200-250)
CODE_CELL_MINUTES = 0.75  # to run a cell and look at what it shows (a table, a figure, a printed value)
CODE_LINE_MINUTES = 0.12  # to read one line of code with understanding (about 8 lines a minute)
TRYIT_MINUTES = 6  # a Try-it: read the task, write a few lines, run the check, fix once
DISCUSSION_MINUTES = 5  # the closing summary and key points, talked through
AUTO_QUESTION_MINUTES = 5  # an auto-graded exercise question: write the code, run the check, fix once
WRITTEN_QUESTION_MINUTES = 12  # a written answer of a few sentences

#: Check messages that say nothing about the idea (an untouched answer, a misspelt name): left out of the guide.
GENERIC_MESSAGES = ("Not answered yet", "is not defined")
#: How a value interpolated into a check message (an f-string's ``{...}``) is shown in the guide.
PLACEHOLDER = "…"

OPENING = ("Learning objectives", "Prerequisites", "Time needed", "Where this sits")
CLOSING = ("Summary", "Key points", "Practise and continue")


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _read_nb(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


# --- the exercise checks' known-mistake messages -------------------------------------------------------------------


def message_text(node: ast.expr | None) -> str | None:
    """An assert message as the student reads it, with each interpolated value shown as :data:`PLACEHOLDER`;
    None when the message is not written out in the check (a variable, a call)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                parts.append(PLACEHOLDER)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = message_text(node.left), message_text(node.right)
        return left + right if left is not None and right is not None else None
    return None


@dataclass
class CheckMessage:
    """A known-mistake message of an exercise check, and the questions whose checks give it."""

    text: str
    questions: list[str] = field(default_factory=list)


def _questions_and_tests(nb: dict[str, Any]) -> list[tuple[dict[str, Any], list[str], list[dict[str, Any]]]]:
    """(question config, test sources, the question's other cells) for every ``# BEGIN QUESTION`` of an otter source."""
    out: list[tuple[dict[str, Any], list[str], list[dict[str, Any]]]] = []
    config: dict[str, Any] | None = None
    tests: list[str] = []
    cells: list[dict[str, Any]] = []
    in_tests = False
    for cell in nb.get("cells", []):
        text = _source(cell)
        first = text.strip().splitlines()[0].strip().upper() if text.strip() else ""
        if cell.get("cell_type") == "raw" and first.startswith("# BEGIN QUESTION"):
            config, tests, cells = _question_config(text), [], []
            continue
        if cell.get("cell_type") == "raw" and first.startswith("# END QUESTION"):
            if config is not None:
                out.append((config, tests, cells))
            config = None
            continue
        if cell.get("cell_type") == "raw" and first.startswith("# BEGIN TESTS"):
            in_tests = True
            continue
        if cell.get("cell_type") == "raw" and first.startswith("# END TESTS"):
            in_tests = False
            continue
        if config is None:
            continue
        if in_tests and cell.get("cell_type") == "code":
            tests.append(text)
        else:
            cells.append(cell)
    return out


def _question_config(text: str) -> dict[str, Any]:
    """The YAML-ish ``key: value`` lines of a question's config cell (otter's are flat)."""
    config: dict[str, Any] = {}
    for line in text.splitlines()[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            value = value.strip()
            config[key.strip()] = {"true": True, "false": False}.get(value.lower(), value)
    return config


def check_messages(source: Path) -> list[CheckMessage]:
    """Every known-mistake message of a set's checks, visible and hidden, in order, without repeats and without the
    generic ones (:data:`GENERIC_MESSAGES`)."""
    found: dict[str, CheckMessage] = {}
    for config, tests, _ in _questions_and_tests(_read_nb(source)):
        for test in tests:
            try:
                tree = ast.parse(test)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if not isinstance(node, ast.Assert):
                    continue
                text = message_text(node.msg)
                if not text or any(g in text for g in GENERIC_MESSAGES):
                    continue
                entry = found.setdefault(text, CheckMessage(text))
                if config.get("name") not in entry.questions:
                    entry.questions.append(str(config.get("name")))
    return list(found.values())


@dataclass
class WrittenQuestion:
    """A manually graded question of an exercise set (``manual: true``)."""

    name: str
    points: int
    prompt: str  # the question's Markdown, without its rubric
    criteria: list[tuple[int, str]]  # (points, descriptor), from the question's "**Rubric (N points)**" list
    solution: str  # the full-marks answer (the solution cell's Markdown)
    rubric: str = ""  # the question's own rubric, as the student reads it


_CRITERION = re.compile(r"^- (\d+)(?: \([^)]*\))?: (.*)$")


def written_questions(source: Path) -> list[WrittenQuestion]:
    """The manually graded questions of an otter source, with their prompt, criteria and model answer."""
    out = []
    for config, _, cells in _questions_and_tests(_read_nb(source)):
        if config.get("manual") is not True:
            continue
        texts = [_source(c) for c in cells if c.get("cell_type") == "markdown"]
        prompt, _, rubric = (texts[0] if texts else "").partition("**Rubric")
        criteria: list[tuple[int, str]] = []
        for line in rubric.splitlines():
            m = _CRITERION.match(line)
            if m:
                criteria.append((int(m.group(1)), m.group(2).strip()))
            elif criteria and line.startswith("  "):
                points, text = criteria[-1]
                criteria[-1] = (points, f"{text} {line.strip()}")
        solution = "\n\n".join(texts[1:])
        name, points = str(config["name"]), int(config.get("points", 0))
        out.append(WrittenQuestion(name, points, prompt.strip(), criteria, solution, ("**Rubric" + rubric).strip()))
    return out


def question_count(source: Path) -> tuple[int, int]:
    """(auto-graded, written) questions of an otter source."""
    configs = [config for config, _, _ in _questions_and_tests(_read_nb(source))]
    written = sum(c.get("manual") is True for c in configs)
    return len(configs) - written, written


# --- the notebook's shape and the time rule ------------------------------------------------------------------------


def _prose_words(text: str) -> int:
    text = re.sub(r"<details>.*?</details>", " ", text, flags=re.S)  # hints and solutions stay folded
    text = re.sub(r"<[^>]+>|\(https?://[^)]*\)", " ", text)
    return len(re.findall(r"\w+", text))


def _code_minutes(text: str) -> float:
    lines = [line for line in text.splitlines() if line.strip()]
    return CODE_CELL_MINUTES + CODE_LINE_MINUTES * len(lines)


@dataclass
class Step:
    """One row of a lesson's timed plan."""

    kind: str  # introduction | live-coding | try-it | discussion
    title: str
    raw: float  # minutes by the time rule
    minutes: int = 0  # scaled so that the plan adds up to course.toml's minutes


def _headings(text: str) -> list[tuple[int, str]]:
    """(level, text) of every Markdown heading line of a cell, outside fenced code."""
    found, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        m = None if fenced else re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if m:
            found.append((len(m.group(1)), m.group(2)))
    return found


def lesson_steps(notebook: Path) -> list[Step]:
    """The lesson's plan by the time rule: its introduction, each numbered section as live-coding, each Try-it
    (the three cells from ``### Try it:``), and the closing discussion (from the first of the closing headings)."""
    steps: list[Step] = []
    cells = _read_nb(notebook).get("cells", [])
    i = 0
    while i < len(cells):
        cell = cells[i]
        text = _source(cell)
        heads = _headings(text) if cell.get("cell_type") == "markdown" else []
        first = heads[0] if heads and text.lstrip().startswith("#") else None
        sections = [h for h in heads if h[0] == 2 and not any(h[1].startswith(o) for o in OPENING)]
        if first and first[1].lower().startswith("try it"):
            title = first[1].split(":", 1)[-1].strip() if ":" in first[1] else first[1]
            steps.append(Step("try-it", title, TRYIT_MINUTES))
            i += 3  # the task, the student's cell, the check
            continue
        if steps and steps[-1].kind == "discussion":
            pass  # everything after the closing headings belongs to the discussion
        elif any(h[0] == 2 and any(h[1].startswith(c) for c in CLOSING) for h in heads):
            steps.append(Step("discussion", "Discussion: summary and key points", DISCUSSION_MINUTES))
        elif not steps:
            steps.append(Step("introduction", "Introduction: objectives, prerequisites, where this sits", 0.0))
        elif sections:
            steps.append(Step("live-coding", sections[0][1], 0.0))
        elif steps[-1].kind == "try-it":  # prose or code after a Try-it continues the section before it
            section = next((s for s in reversed(steps) if s.kind == "live-coding"), None)
            title = section.title.removesuffix(" (continued)") + " (continued)" if section else "Live coding"
            steps.append(Step("live-coding", title, 0.0))
        step = steps[-1]
        if cell.get("cell_type") == "markdown":
            step.raw += _prose_words(text) / WORDS_PER_MINUTE
        elif cell.get("cell_type") == "code":
            step.raw += _code_minutes(text)
        i += 1
    return steps


def round_up_5(minutes: float) -> int:
    """Minutes rounded up to a multiple of five (a plan is made in five-minute blocks)."""
    return max(5, 5 * math.ceil(minutes / 5 - 1e-9))


def lesson_minutes(notebook: Path) -> int:
    """The lesson's honest minutes by the time rule."""
    return round_up_5(sum(s.raw for s in lesson_steps(notebook)))


def exercise_minutes(student_notebook: Path, source: Path, outside: int = 0) -> int:
    """The exercise set's honest minutes by the time rule: its prose (hints folded), each question (auto-graded
    or written), and ``outside``: the minutes of work done outside the notebook, which course.toml states for the
    set with its reason (``exercise_outside_minutes``, e.g. the capstone's tables, written by hand as CSV files)."""
    nb = _read_nb(student_notebook)
    prose = sum(_prose_words(_source(c)) for c in nb.get("cells", []) if c.get("cell_type") == "markdown")
    auto, written = question_count(source)
    questions = AUTO_QUESTION_MINUTES * auto + WRITTEN_QUESTION_MINUTES * written
    return round_up_5(prose / WORDS_PER_MINUTE + questions + outside)


def scale(steps: list[Step], total: int) -> list[Step]:
    """Whole minutes for each step, at least one each, that add up to ``total`` (largest remainders first)."""
    raw = sum(s.raw for s in steps) or 1.0
    shares = [max(s.raw, 0.01) * total / raw for s in steps]
    whole = [max(1, math.floor(x)) for x in shares]
    order = sorted(range(len(steps)), key=lambda k: shares[k] - math.floor(shares[k]), reverse=True)
    k = 0
    while sum(whole) < total:
        whole[order[k % len(order)]] += 1
        k += 1
    while sum(whole) > total:  # the minimum of one minute each pushed it over: take from the largest
        j = max(range(len(whole)), key=lambda m: whole[m])
        whole[j] -= 1
    for step, minutes in zip(steps, whole, strict=True):
        step.minutes = minutes
    return steps


# --- the pages -----------------------------------------------------------------------------------------------------


def _inline(text: str) -> str:
    """Plain text as HTML, its `code spans` as <code>: check messages are shown exactly as the student reads them."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _html_list(items: list[str]) -> str:
    # An HTML block (no blank line inside), so Markdown leaves the messages' characters alone.
    return '<ul class="nl-misconceptions">\n' + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>"


def hand_written(root: Path, lesson_id: str) -> dict[str, str]:
    """The level-2 sections of ``instructors/guide/lessons/<id>.md`` by heading (empty if there is no file)."""
    path = root / GUIDE_DIR / "lessons" / f"{lesson_id}.md"
    if not path.is_file():
        return {}
    sections: dict[str, str] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = ""
        elif current is not None:
            sections[current] += line + "\n"
    return {k: v.strip() for k, v in sections.items()}


def rubrics(root: Path) -> dict[str, Any]:
    """The written questions' leveled rubrics (``instructors/guide/rubrics.toml``), by question name."""
    path = root / GUIDE_DIR / "rubrics.toml"
    if not path.is_file():
        return {}
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8")).get("question", {})
    return data


#: The rubric's levels, best first, unless rubrics.toml gives a question levels of its own.
LEVELS = ("exemplary", "proficient", "developing", "beginning")


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def rubric_levels(spec: dict[str, Any]) -> list[str]:
    """A question's levels, best first: rubrics.toml's ``levels``, else :data:`LEVELS`."""
    return list(spec.get("levels", LEVELS))


def rubric_markdown(question: WrittenQuestion, spec: dict[str, Any] | None) -> str:
    """The analytic rubric of one written question: criteria by levels (rubrics.toml), each level's points, and a
    sample answer at each level; the question, its own rubric and its model answer come from the exercise source
    (the model answer is the sample of the best level unless rubrics.toml gives one)."""
    out = [f"### `{question.name}` ({question.points} points)", "", question.prompt, ""]
    if question.rubric:
        out += ["The question's own rubric, as the student reads it:", "", question.rubric, ""]
    if not spec:
        out.append("*No leveled rubric in instructors/guide/rubrics.toml yet: the question's own rubric applies.*")
        return "\n".join(out)
    levels = rubric_levels(spec)
    points = spec.get("points", {})
    out += [
        "Analytic rubric: each column describes, criterion by criterion (rows), an answer at that level; a level's "
        "points are what such an answer earns under the question's own rubric. Place an answer in the column that "
        "matches it best, row by row.",
        "",
        "| criterion | " + " | ".join(f"{level} ({points.get(level, '?')} pt in all)" for level in levels) + " |",
        "|---" * (len(levels) + 1) + "|",
    ]
    for row in spec.get("criteria", []):
        cells = [row.get("criterion", ""), *[row.get(level, "") for level in levels]]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    out += ["", "Sample answers, one per level:", ""]
    samples = spec.get("samples", {})
    notes = spec.get("notes", {})
    for n, level in enumerate(levels):
        sample = samples.get(level) or (question.solution if n == 0 else "")
        note = notes.get(level) or ("the exercise's own model answer" if n == 0 and not samples.get(level) else "")
        out.append(
            f"**{level.capitalize()}** ({points.get(level, '?')} of {question.points} points"
            f"{'; ' + note if note else ''}):"
        )
        out.append("")
        out.append("\n".join("> " + line if line.strip() else ">" for line in sample.strip().splitlines()))
        out.append("")
    return "\n".join(out)


def _md_cell(text: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": text.strip() + "\n"}


def _notebook(cells: list[str]) -> dict[str, Any]:
    made = [_md_cell(c) for c in cells if c.strip()]
    for i, cell in enumerate(made):
        cell["id"] = f"guide-{i}"
    return {
        "cells": made,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _course(course_file: Path) -> dict[str, Any]:
    spec: dict[str, Any] = tomllib.loads(Path(course_file).read_text(encoding="utf-8"))
    return spec


def page_name(lesson_id: str) -> str:
    """The file stem of a lesson's guide page (``lesson_01``)."""
    return f"lesson_{lesson_id}"


def lesson_page(root: Path, entry: dict[str, Any], misconceptions: list[tuple[str, str]]) -> dict[str, Any]:
    """The guide page of one ``[[lesson]]`` of course.toml, as a Markdown-only notebook."""
    from .handouts.course import learning_objectives

    lid, title = str(entry["id"]), str(entry.get("title", entry["id"]))
    notebook = root / entry["notebook"]
    exercise = entry.get("exercise")
    minutes, ex_minutes = entry.get("minutes"), entry.get("exercise_minutes")
    notes = hand_written(root, lid)
    links = [f"the lesson: [{title}](../../{entry['notebook']})"]
    if exercise:
        links += [f"its exercises: [{exercise}](../../exercises/{exercise}.ipynb)"]
        links += [f"their solutions: [{exercise}](../../solutions/{exercise}.ipynb)"]
    times = f"Lesson: **{minutes} minutes**" if minutes else "Lesson: no time recorded in course.toml"
    if exercise:
        times += f"; exercises: **{ex_minutes or '?'} minutes**"
        if minutes and ex_minutes:
            times += f"; in all **{minutes + ex_minutes} minutes**"
    cells = [
        f"# Instructor guide, lesson {int(lid)}: {title}\n\n"
        + "Pages for this lesson: "
        + "; ".join(links)
        + ".\n\n"
        + times
        + " (course.toml; the rule that gives them is in its header comment)."
    ]
    objectives = learning_objectives(_read_nb(notebook)) if notebook.is_file() else []
    if objectives:
        cells.append("## Learning objectives\n\n" + "\n".join(f"- {o}" for o in objectives))
    # The timed plan.
    plan = ["## Timed plan", ""]
    if notebook.is_file() and minutes:
        steps = scale(lesson_steps(notebook), int(minutes))
        plan += [
            f"The lesson's {minutes} minutes, split by the lesson's own sections (the time rule applied to each, "
            "scaled to the recorded total). Live-coding means: type the section's code with the class, "
            "explaining as you go; the students follow in their own copy.",
            "",
            "| # | activity | minutes | from minute |",
            "|---|---|---|---|",
        ]
        start = 0
        for n, step in enumerate(steps, 1):
            label = {"try-it": "Try it", "live-coding": "Live coding"}.get(step.kind, "")
            shown = f"{label}: {step.title}" if label else step.title
            plan.append(f"| {n} | {_cell(shown)} | {step.minutes} | {start} |")
            start += step.minutes
        plan.append(f"| | **lesson total** | **{start}** | |")
        if exercise:
            plan += [
                "",
                f"Then the exercise set ({ex_minutes or '?'} minutes): in class as supervised practice, or as "
                "homework. Each check explains a wrong answer itself, so students can work alone; walk round and "
                "look for the misconceptions below.",
            ]
    else:
        plan.append("*The lesson notebook or its minutes are missing: no plan.*")
    cells.append("\n".join(plan))
    short = notes.get("When short of time")
    cells.append(
        "### When short of time\n\n"
        + (short or "Cut from the end of the longest live-coding block and show its result instead of typing it.")
    )
    if notes.get("Discussion prompts"):
        cells.append("## Discussion prompts\n\n" + notes["Discussion prompts"])
    extra = {k: v for k, v in notes.items() if k not in ("When short of time", "Discussion prompts")}
    for heading, text in extra.items():
        cells.append(f"## {heading}\n\n{text}")
    # Misconceptions: generated from the checks, never copied.
    mis = [
        "## Common misconceptions",
        "",
        "What students get wrong, in the words the course's checks use to tell them (read one aloud when you see "
        "it). Generated when the guide is built, from the exercise checks' known-mistake messages and from the "
        "lesson's Try-it challenges; values a check fills in are shown as …",
    ]
    if exercise and (root / "instructors" / "exercise_sources" / f"{exercise}.ipynb").is_file():
        mis += ["", f"### From the exercise checks ({exercise})", ""]
        by_question: dict[str, list[str]] = {}
        for message in check_messages(root / "instructors" / "exercise_sources" / f"{exercise}.ipynb"):
            by_question.setdefault(", ".join(message.questions), []).append(_inline(message.text))
        for names, items in by_question.items():
            mis += [f"Question `{names}`:", "", _html_list(items), ""]
    if misconceptions:
        mis += ["", "### From the Try-it challenges", ""]
        by_challenge: dict[str, list[str]] = {}
        for name, said in misconceptions:
            by_challenge.setdefault(name, []).append(_inline(said))
        for name, items in by_challenge.items():
            mis += [f"Challenge `{name}`:", "", _html_list(items), ""]
    cells.append("\n".join(mis))
    # Rubrics of the written questions.
    if exercise and (root / "instructors" / "exercise_sources" / f"{exercise}.ipynb").is_file():
        written = written_questions(root / "instructors" / "exercise_sources" / f"{exercise}.ipynb")
        if written:
            specs = rubrics(root)
            cells.append(
                "## Rubrics for the written questions\n\n"
                "Four levels per question, best first (no answer, or nothing that bears on the question, scores "
                "0), with a sample answer at each. The question, its own rubric and the best level's sample (the "
                "exercise's model answer) are read from the exercise source when the guide is built; the levels "
                "and the other samples are in `instructors/guide/rubrics.toml`."
            )
            for question in written:
                cells.append(rubric_markdown(question, specs.get(question.name)))
    return _notebook(cells)


def overview_page(root: Path, course: dict[str, Any]) -> dict[str, Any]:
    """The guide's first page: the hand-written overview, then the course at a glance (from course.toml)."""
    path = root / GUIDE_DIR / "overview.md"
    written = path.read_text(encoding="utf-8") if path.is_file() else "# Instructor guide\n"
    rows = [
        "## The course at a glance",
        "",
        "| lesson | guide page | lesson | exercises | in all |",
        "|---|---|---|---|---|",
    ]
    total_l = total_e = 0
    for entry in course.get("lesson", []):
        lm, em = int(entry.get("minutes") or 0), int(entry.get("exercise_minutes") or 0)
        total_l, total_e = total_l + lm, total_e + em
        link = f"[{_cell(str(entry.get('title')))}]({page_name(str(entry['id']))}.ipynb)"
        rows.append(f"| {int(entry['id'])} | {link} | {lm} min | {em or '–'} min | {lm + em} min |")
    rows.append(f"| | **all lessons** | **{total_l} min** | **{total_e} min** | **{total_l + total_e} min** |")
    rows += ["", "Assessments (outside the lesson sequence; see [the assessments page](assessments.ipynb)):", ""]
    for entry in course.get("assessment", []):
        rows.append(f"- {entry.get('title')}: {entry.get('exercise_minutes', '?')} minutes")
    parts = re.split(r"(?m)^(?=## )", written)
    return _notebook([parts[0], "\n".join(rows), *parts[1:]])


def assessments_page(root: Path, course: dict[str, Any]) -> dict[str, Any]:
    """The assessments' rubrics, read from instructors/assessments/ (rubric.md is itself generated from
    prepost.toml), after the list of course.toml's ``[[assessment]]`` sets."""
    listed = "\n".join(
        f"- {entry.get('title')} (`{entry.get('exercise')}`): {entry.get('exercise_minutes', '?')} minutes"
        for entry in course.get("assessment", [])
    )
    cells = [
        "# Instructor guide: assessments\n\n"
        "Exercise sets outside the lesson sequence (`[[assessment]]` in course.toml), built, graded and published "
        "like the lessons' sets:\n\n" + listed + "\n\n"
        "Their rubrics are kept in `instructors/assessments/` and shown here as they stand. The capstone is "
        "lesson 6's exercise set: its rubric is on lesson 6's page, its notes in `instructors/assessments/capstone.md`."
    ]
    rubric = root / "instructors" / "assessments" / "rubric.md"
    if rubric.is_file():
        text = re.sub(r"<!--.*?-->", "", rubric.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"(?m)^(#+) ", r"#\1 ", text)  # one level down: the page has its own title
        cells.append(text)
    return _notebook(cells)


@dataclass(frozen=True)
class GuidePage:
    """A page of the guide: its file stem, title and lesson id (empty for the overview and the assessments)."""

    name: str
    title: str
    lesson_id: str = ""
    minutes: int | None = None


def guide_pages(course_file: Path) -> list[GuidePage]:
    """The guide's pages in order: the overview, one per ``[[lesson]]`` of course.toml, the assessments."""
    course = _course(course_file)
    pages = [GuidePage("overview", "Instructor guide: overview")]
    for entry in course.get("lesson", []):
        lid = str(entry["id"])
        title = f"Instructor guide, lesson {int(lid)}: {entry.get('title', lid)}"
        pages.append(GuidePage(page_name(lid), title, lid, entry.get("minutes")))
    if course.get("assessment"):
        pages.append(GuidePage("assessments", "Instructor guide: assessments"))
    return pages


def _inputs(root: Path, course: dict[str, Any]) -> list[Path]:
    """Every file the guide is generated from (its pages change only when one of these does)."""
    from .. import tryit

    files = [
        root / "course.toml",
        *sorted((root / GUIDE_DIR).rglob("*.md")),
        *sorted((root / GUIDE_DIR).rglob("*.toml")),
    ]
    for entry in course.get("lesson", []):
        files.append(root / entry["notebook"])
        if entry.get("exercise"):
            files.append(root / "instructors" / "exercise_sources" / f"{entry['exercise']}.ipynb")
    files += sorted((root / "instructors" / "assessments").glob("*.md"))
    package = Path(tryit.__file__).parent  # the Try-it checks: tryit.py and challenges/*.py
    files += [package / "tryit.py", *sorted((package / "challenges").glob("*.py")), Path(__file__)]
    return files


def inputs_key(root: Path, course: dict[str, Any]) -> str:
    """A hash of the guide's inputs: an unchanged key means build/guide/ is up to date without importing the
    Try-it checks (which import pandas and geopandas, seconds a no-op handout build should not spend)."""
    import hashlib

    digest = hashlib.sha256()
    for path in _inputs(root, course):
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


def write_guide(course_file: Path) -> list[Path]:
    """Generate every page's notebook into ``build/guide/`` (a file is rewritten only when its text changes, so an
    unchanged guide stays up to date in the build's cache); returns the paths written."""
    course_file = Path(course_file).resolve()
    root = course_file.parent
    course = _course(course_file)
    out = root / OUT_DIR
    key_file = out / ".inputs"
    key = inputs_key(root, course)
    names = [page.name for page in guide_pages(course_file)]
    if key_file.is_file() and key_file.read_text() == key and all((out / f"{n}.ipynb").is_file() for n in names):
        return []
    from .. import tryit

    out.mkdir(parents=True, exist_ok=True)
    made: dict[str, dict[str, Any]] = {"overview": overview_page(root, course)}
    for entry in course.get("lesson", []):
        lid = str(entry["id"])
        made[page_name(lid)] = lesson_page(root, entry, tryit.misconceptions(lid))
    if course.get("assessment"):
        made["assessments"] = assessments_page(root, course)
    written = []
    for name, nb in made.items():
        path = out / f"{name}.ipynb"
        text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    key_file.write_text(key)
    return written


def times_table(course_file: Path) -> list[tuple[str, int | None, int, int | None, int | None]]:
    """(lesson id, recorded minutes, rule's minutes, recorded exercise minutes, rule's exercise minutes)."""
    course_file = Path(course_file).resolve()
    root = course_file.parent
    rows: list[tuple[str, int | None, int, int | None, int | None]] = []
    for entry in _course(course_file).get("lesson", []):
        nb = root / entry["notebook"]
        rule = lesson_minutes(nb) if nb.is_file() else 0
        ex, ex_rule = entry.get("exercise"), None
        if ex and (root / "exercises" / f"{ex}.ipynb").is_file():
            ex_rule = exercise_minutes(
                root / "exercises" / f"{ex}.ipynb",
                root / "instructors/exercise_sources" / f"{ex}.ipynb",
                int(entry.get("exercise_outside_minutes", 0)),
            )
        rows.append((str(entry["id"]), entry.get("minutes"), rule, entry.get("exercise_minutes"), ex_rule))
    return rows


def time_needed_text(minutes: int, exercise: int | None) -> str:
    """What a lesson's "## Time needed" section says, from course.toml's two numbers."""
    if exercise:
        return (
            f"About {minutes} minutes for the lesson and about {exercise} minutes for its exercises "
            f"({minutes + exercise} minutes in all), for a student with basic Python."
        )
    return f"About {minutes} minutes, for a student with basic Python."


_TIME_NEEDED = re.compile(r"(## Time needed[ \t]*\n)(\n?)(.*?)(\n*)(?=\n## |\Z)", re.S)


def set_time_needed(notebook: Path, text: str) -> bool:
    """Rewrite the body of the notebook's "## Time needed" section (one cell; the notebook is re-read here, just
    before writing, and written back in the repository's JSON format); True if it changed."""
    nb = _read_nb(notebook)
    for cell in nb["cells"]:
        source = _source(cell)
        if cell.get("cell_type") != "markdown" or "## Time needed" not in source:
            continue
        new = _TIME_NEEDED.sub(lambda m: m.group(1) + m.group(2) + text + m.group(4), source, count=1)
        if new == source:
            return False
        cell["source"] = new.splitlines(keepends=True) if isinstance(cell["source"], list) else new
        Path(notebook).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return True
    raise ValueError(f"{notebook}: no '## Time needed' section")


def set_course_minutes(course_file: Path, lesson_id: str, minutes: int, exercise: int | None) -> None:
    """Set ``minutes`` (and ``exercise_minutes``, after it) of one ``[[lesson]]`` of course.toml, editing only those
    lines so its comments and layout stay."""
    text = Path(course_file).read_text(encoding="utf-8")
    start = text.index(f'id = "{lesson_id}"')
    nxt = text.find("\n[", start)
    end = len(text) if nxt < 0 else nxt
    block = text[start:end]
    block = re.sub(r"(?m)^exercise_minutes = \d+\n", "", block)
    block, n = re.subn(r"(?m)^minutes = \d+$", f"minutes = {minutes}", block)
    if n == 0:
        block = block.rstrip("\n") + f"\nminutes = {minutes}\n"
    if exercise:
        block = re.sub(r"(?m)^(minutes = \d+)$", rf"\1\nexercise_minutes = {exercise}", block)
    Path(course_file).write_text(text[:start] + block + text[end:], encoding="utf-8")


def write_times(course_file: Path) -> list[str]:
    """Apply the time rule: course.toml's minutes and exercise_minutes, then each lesson's "## Time needed" cell;
    returns what changed."""
    course_file = Path(course_file).resolve()
    changed = []
    for lid, recorded, rule, ex_recorded, ex_rule in times_table(course_file):
        if (recorded, ex_recorded) != (rule, ex_rule):
            set_course_minutes(course_file, lid, rule, ex_rule)
            changed.append(f"course.toml lesson {lid}: {recorded}/{ex_recorded} -> {rule}/{ex_rule}")
    for entry in _course(course_file).get("lesson", []):
        notebook = course_file.parent / entry["notebook"]
        if notebook.is_file() and set_time_needed(
            notebook, time_needed_text(entry["minutes"], entry.get("exercise_minutes"))
        ):
            changed.append(f"{entry['notebook']}: Time needed")
    return changed


def readme_course_table(course_file: Path) -> str:
    """README's "The course" table, from course.toml: each lesson with its exercise set, both times and their sum,
    then the totals (``python -m newslens.tools.guide --readme-table`` prints it)."""
    rows = [
        "| # | Lesson | Exercise | Lesson time | Exercise time | Total |",
        "|---|--------|----------|-------------|---------------|-------|",
    ]
    total_l = total_e = 0
    for entry in _course(course_file).get("lesson", []):
        lm, em = int(entry.get("minutes") or 0), int(entry.get("exercise_minutes") or 0)
        total_l, total_e = total_l + lm, total_e + em
        ex = entry.get("exercise")
        link = f"[exercises](exercises/{ex}.ipynb)" if ex else "–"
        rows.append(
            f"| {int(entry['id'])} | [{entry['title']}]({entry['notebook']}) | {link} | {lm} min | "
            f"{f'{em} min' if em else '–'} | {lm + em} min |"
        )
    whole = total_l + total_e
    rows.append(
        f"| | **All lessons** | | **{total_l} min** | **{total_e} min** | **{whole} min** (about {whole / 60:.1f} h) |"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """``python -m newslens.tools.guide [--times]``: write build/guide/, or print the time rule's minutes."""
    import argparse

    from .. import paths

    parser = argparse.ArgumentParser(prog="python -m newslens.tools.guide", description=main.__doc__)
    parser.add_argument("--times", action="store_true", help="print each lesson's minutes by the time rule")
    parser.add_argument(
        "--write-times", action="store_true", help="write the rule's minutes into course.toml and the lessons"
    )
    parser.add_argument("--readme-table", action="store_true", help="print README's course table")
    parser.add_argument("--course", default=str(paths.REPO_ROOT / "course.toml"))
    args = parser.parse_args(argv)
    if args.readme_table:
        print(readme_course_table(Path(args.course)))
        return 0
    if args.write_times:
        for line in write_times(Path(args.course)):
            print(line)
        return 0
    if args.times:
        print("lesson  minutes (rule)  exercise_minutes (rule)")
        for lid, rec, rule, ex_rec, ex_rule in times_table(Path(args.course)):
            print(f"{lid:>6}  {rec!s:>7} ({rule:>3})  {ex_rec!s:>16} ({ex_rule!s:>4})")
        return 0
    for path in write_guide(Path(args.course)):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
