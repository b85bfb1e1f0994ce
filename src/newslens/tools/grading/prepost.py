"""The pre/post assessment in the gradebook: per student and per skill, pre, post and gain; the class's gain.

The two forms (``instructors/exercise_sources/90_prepost_form_a.ipynb`` and ``91_prepost_form_b.ipynb``) are
ordinary exercise sets, graded like every other. This module reads the single source of the assessment,
``instructors/assessments/prepost.toml`` (:func:`load_spec`): which set is which form, the skill of each
question (``sources``, ``mapping``, ``timeline``), the rubric of the written questions and its sample answers.

**Scores per skill.** A student's score on a skill in one form is the sum of the points of that skill's
questions: the auto-graded points of the gradebook plus the instructor's rubric points for the written
questions (the grader's ``rubric_scores.csv``, 0-3 each), as a percentage of the skill's maximum. While a
written question of the skill has no rubric score yet, the skill's score is missing (never a silent 0).

**Pairing.** Half the class takes form A first, half form B: the roster (``roster.csv``) says which with a
``first_form`` column (``A`` or ``B``; the form taken first is the pre-test, the other the post-test). A
student without ``first_form``, or with only one form graded, is listed as unpaired and has no gain.

:func:`write_prepost` writes ``prepost.csv`` (student, skill, pre, post, gain), ``prepost_class.csv`` (the
class's mean per skill, overall and per counterbalancing group), ``prepost.png`` and ``prepost.html`` (the
tables and the figure, with alt text) and returns the lines ``make grade`` prints.
``python -m newslens.tools.grading.prepost`` writes ``instructors/assessments/rubric.md`` from the TOML file.
"""

from __future__ import annotations

import csv
import html
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..layout import CourseLayout
from .gradebook import write_csv
from .lms import RUBRIC_FILE, merge_rubric

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: Where the assessment's single source lives, relative to the course root.
SPEC_PATH = Path("instructors") / "assessments" / "prepost.toml"
#: The rubric rendered from it, for instructors.
RUBRIC_PATH = Path("instructors") / "assessments" / "rubric.md"
#: The roster column that gives each student's counterbalancing group.
ORDER_COLUMN = "first_form"
LEVELS = ("beginning", "developing", "proficient")


@dataclass(frozen=True)
class Question:
    name: str
    skill: str
    part: str
    points: float
    manual: bool
    levels: dict[str, str]  # level -> descriptor (written questions only)


@dataclass(frozen=True)
class Spec:
    """The assessment as ``prepost.toml`` declares it."""

    title: str
    minutes: int
    forms: dict[str, dict[str, str]]  # letter -> {set, case, language, topic}
    skills: dict[str, str]  # skill -> title
    level_points: dict[str, int]
    questions: list[Question]
    samples: dict[str, dict[str, dict[str, str]]]  # form -> question -> level -> sample answer

    @property
    def sets(self) -> dict[str, str]:
        """Set name -> form letter."""
        return {form["set"]: letter for letter, form in self.forms.items()}

    def max_points(self, skill: str) -> float:
        return float(sum(q.points for q in self.questions if q.skill == skill))


def load_spec(root: Path | None = None) -> Spec | None:
    """The course's pre/post assessment, or None when it has none."""
    path = CourseLayout.of(root).root / SPEC_PATH
    if not path.is_file():
        return None
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    questions = [
        Question(
            str(q["name"]),
            str(q["skill"]),
            str(q.get("part", "")),
            float(q["points"]),
            bool(q.get("manual", False)),
            {level: str(q[level]) for level in LEVELS if level in q},
        )
        for q in raw["question"]
    ]
    return Spec(
        title=str(raw["assessment"]["title"]),
        minutes=int(raw["assessment"]["minutes"]),
        forms={str(k): {str(a): str(b) for a, b in v.items()} for k, v in raw["assessment"]["forms"].items()},
        skills={str(k): str(v["title"]) for k, v in raw["skill"].items()},
        level_points={str(k): int(v) for k, v in raw["levels"].items()},
        questions=questions,
        samples={f: {q: dict(levels) for q, levels in qs.items()} for f, qs in raw.get("sample", {}).items()},
    )


# ----------------------------------------------------------------------------------------------
# Scores


def skill_scores(gradebook: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """One row per student, form and skill: ``points``, ``max_points``, ``percent`` (NaN while a written
    question of the skill has no rubric score) and ``missing`` (those questions). ``gradebook`` is the merged
    gradebook (:func:`.lms.merge_rubric`: its ``manual_points`` column holds the rubric scores)."""
    sets = spec.sets
    gb = gradebook[gradebook["assignment"].isin(list(sets))].copy()
    if "manual_points" not in gb.columns:
        gb["manual_points"] = float("nan")
    manual = {q.name for q in spec.questions if q.manual}
    rows = []
    for (student, student_id, assignment), g in gb.groupby(["student", "student_id", "assignment"], dropna=False):
        by_question = {str(r["question"]): r for _, r in g.iterrows()}
        for skill in spec.skills:
            points, missing = 0.0, []
            for q in [q for q in spec.questions if q.skill == skill]:
                row = by_question.get(q.name)
                if row is None:
                    continue  # not in the gradebook: scored 0
                if q.name in manual:
                    if pd.isna(row["manual_points"]):
                        missing.append(q.name)
                    else:
                        points += float(row["manual_points"])
                elif pd.notna(row["points"]):
                    points += float(row["points"])
            top = spec.max_points(skill)
            rows.append(
                {
                    "student": student,
                    "student_id": "" if pd.isna(student_id) else str(student_id),
                    "form": sets[str(assignment)],
                    "skill": skill,
                    "points": points,
                    "max_points": top,
                    "percent": float("nan") if missing else round(100 * points / top, 1),
                    "missing": "; ".join(missing),
                }
            )
    return pd.DataFrame(
        rows, columns=["student", "student_id", "form", "skill", "points", "max_points", "percent", "missing"]
    )


def read_order(roster: Path | None) -> dict[str, str]:
    """Roster id (and name) -> the form taken first (``A``/``B``), from the roster's ``first_form`` column."""
    if roster is None or not roster.is_file():
        return {}
    order: dict[str, str] = {}
    with roster.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            first = str(row.get(ORDER_COLUMN) or "").strip().upper()
            if first:
                for key in (row.get("id"), row.get("name")):
                    if key and str(key).strip():
                        order[str(key).strip()] = first
    return order


def pre_post(scores: pd.DataFrame, order: dict[str, str], spec: Spec) -> tuple[pd.DataFrame, list[str]]:
    """Per student and skill: ``first_form``, ``pre``, ``post``, ``gain`` (percentage points); and the students
    left unpaired, each with the reason."""
    letters = sorted(spec.forms)
    rows, unpaired = [], []
    for (student, student_id), g in scores.groupby(["student", "student_id"], sort=True):
        first = order.get(str(student_id)) or order.get(str(student))
        forms = set(g["form"])
        if first not in letters:
            unpaired.append(f"{student}: no {ORDER_COLUMN} (A or B) in the roster")
            continue
        second = next(letter for letter in letters if letter != first)
        if forms != {first, second}:
            have = ", ".join(sorted(forms)) or "none"
            unpaired.append(f"{student}: needs both forms graded (has {have})")
            continue
        for skill in spec.skills:
            pre = g[(g["form"] == first) & (g["skill"] == skill)]["percent"].iloc[0]
            post = g[(g["form"] == second) & (g["skill"] == skill)]["percent"].iloc[0]
            gain = post - pre if pd.notna(pre) and pd.notna(post) else float("nan")
            rows.append(
                {
                    "student": student,
                    "student_id": student_id,
                    "first_form": first,
                    "skill": skill,
                    "pre": pre,
                    "post": post,
                    "gain": round(gain, 1) if pd.notna(gain) else gain,
                }
            )
    table = pd.DataFrame(rows, columns=["student", "student_id", "first_form", "skill", "pre", "post", "gain"])
    return table, unpaired


def class_gains(table: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """Per skill: students with both scores, mean pre, mean post, mean gain, and the mean gain of each
    counterbalancing group (``gain_A_first``, ``gain_B_first``: a large difference between them means the forms
    are not equally hard)."""
    rows = []
    for skill in spec.skills:
        t = table[(table["skill"] == skill) & table["gain"].notna()]
        mean = {c: round(float(t[c].mean()), 1) if len(t) else float("nan") for c in ("pre", "post", "gain")}
        row: dict[str, object] = {"skill": skill, "n": len(t), **mean}
        for letter in sorted(spec.forms):
            g = t[t["first_form"] == letter]
            row[f"gain_{letter}_first"] = round(float(g["gain"].mean()), 1) if len(g) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------------
# Outputs


def _figure(gains: pd.DataFrame, spec: Spec, path: Path) -> str:
    """The class's mean pre and post score per skill as grouped bars; returns the figure's alt text."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    x = range(len(gains))
    for shift, column, label, color in (
        (-0.2, "pre", "pre (first form)", "#9ecae1"),
        (0.2, "post", "post (second form)", "#08519c"),
    ):
        ax.bar([i + shift for i in x], gains[column], width=0.4, label=label, color=color, edgecolor="#08306b")
    for i, (post, gain) in enumerate(zip(gains["post"], gains["gain"], strict=True)):
        if pd.notna(gain):
            ax.annotate(f"{gain:+.1f}", (i + 0.2, post), xytext=(0, 3), textcoords="offset points", ha="center")
    ax.set_xticks(list(x), list(gains["skill"]))
    ax.set_ylim(0, 110)
    ax.set_xlabel("skill")
    ax.set_ylabel("mean score (% of the skill's points)")
    n = int(gains["n"].max()) if len(gains) else 0
    ax.set_title(f"Pre/post assessment: the class's score per skill (n = {n})")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    parts = [
        f"{r['skill']} from {float(r['pre']):.1f} % to {float(r['post']):.1f} % (gain {float(r['gain']):+.1f} points)"
        for r in gains.to_dict(orient="records")
        if not pd.isna(r["gain"])
    ]
    return f"Bar chart of the class's mean score per skill before and after, {n} students: " + (
        "; ".join(parts) + "." if parts else "no student has both forms scored yet."
    )


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def format_gains(gains: pd.DataFrame) -> list[str]:
    """The class's gains as fixed-width lines (what ``make grade`` prints)."""
    lines = [f"{'skill':<10} {'n':>3} {'pre %':>7} {'post %':>7} {'gain':>7}"]
    for r in gains.itertuples():
        lines.append(f"{r.skill:<10} {r.n:>3} {r.pre:>7.1f} {r.post:>7.1f} {r.gain:>+7.1f}")
    return lines


def write_prepost(
    gradebook: pd.DataFrame, out: Path, roster: Path | None = None, root: Path | None = None
) -> list[str]:
    """Write the pre/post outputs into ``out`` when the gradebook holds a form; the lines to print (none when
    the course has no assessment or no form was graded). ``gradebook`` may be merged with the rubric scores
    already; if not, ``out``'s ``rubric_scores.csv`` is merged in (read only: the grader has written its rows)."""
    spec = load_spec(root)
    if spec is None or not gradebook["assignment"].isin(list(spec.sets)).any():
        return []
    if "manual_points" not in gradebook.columns:
        gradebook = merge_rubric(gradebook, out / RUBRIC_FILE)
    scores = skill_scores(gradebook, spec)
    table, unpaired = pre_post(scores, read_order(roster), spec)
    gains = class_gains(table, spec)
    write_csv(table, out / "prepost.csv")
    write_csv(gains, out / "prepost_class.csv")
    alt = _figure(gains, spec, out / "prepost.png")
    missing = scores[scores["missing"] != ""]
    page = [
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>Pre/post assessment</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}td,th{border:1px solid #999;"
        "padding:.3rem}table{border-collapse:collapse}</style>",
        f"<h1>{html.escape(spec.title)}</h1>",
        "<p>Scores are percentages of each skill's points (auto-graded checks plus the rubric scores of the "
        "written questions); the gain is post minus pre, in percentage points. Pre is the form in the roster's "
        f"<code>{ORDER_COLUMN}</code> column.</p>",
        "<h2>The class's gain per skill</h2>",
        _html_table(gains),
        f"<figure><img src='prepost.png' alt='{html.escape(alt, quote=True)}'>"
        f"<figcaption>{html.escape(alt)}</figcaption></figure>",
        "<h2>Per student and skill</h2>",
        _html_table(table),
    ]
    if unpaired:
        page += ["<h2>Not paired</h2><ul>", *(f"<li>{html.escape(u)}</li>" for u in unpaired), "</ul>"]
    if len(missing):
        page += ["<h2>Rubric scores still missing</h2>", _html_table(missing[["student", "form", "skill", "missing"]])]
    page.append("</html>")
    (out / "prepost.html").write_text("\n".join(page), encoding="utf-8")
    paired = table["student"].nunique()
    groups = table.drop_duplicates("student")["first_form"].value_counts()
    counts = ", ".join(f"{groups.get(letter, 0)} took {letter} first" for letter in sorted(spec.forms))
    lines = [f"Pre/post: {paired} student(s) paired ({counts}); gain = post - pre, % of each skill's points:"]
    lines += ["  " + line for line in format_gains(gains)]
    if unpaired:
        lines.append(f"  Not paired ({len(unpaired)}): {'; '.join(unpaired)}")
    if len(missing):
        lines.append(f"  Rubric scores missing for {missing['student'].nunique()} student(s): see prepost.html")
    lines.append(f"  Report: {out / 'prepost.html'} (prepost.csv, prepost_class.csv, prepost.png)")
    return lines


# ----------------------------------------------------------------------------------------------
# The rubric for instructors


def render_rubric(spec: Spec) -> str:
    """``instructors/assessments/rubric.md``: the skills, the questions, and the leveled rubric with samples."""
    points = ", ".join(f"{level} = {spec.level_points[level]}" for level in LEVELS)
    out = [
        f"# {spec.title}: rubric",
        "",
        "<!-- Generated from prepost.toml by `python -m newslens.tools.grading.prepost`: edit the TOML. -->",
        "",
        f"Two parallel forms, {spec.minutes} minutes each:",
        "",
        "| form | set | case | article | events |",
        "|---|---|---|---|---|",
        *(
            f"| {k} | `{v['set']}` | `cases/{v['case']}` | {v['language']} | {v['topic']} |"
            for k, v in sorted(spec.forms.items())
        ),
        "",
        "## Skills and questions",
        "",
        "Each skill is scored as a percentage of its points: the auto-graded checks plus the written questions'",
        f"rubric levels ({points}; 0 for no answer).",
        "",
        "| question | part | skill | points | scored by |",
        "|---|---|---|---|---|",
        *(
            f"| `{q.name}` | {q.part} | {q.skill} | {q.points:g} | {'rubric' if q.manual else 'auto-check'} |"
            for q in spec.questions
        ),
        "",
        *(f"- **{skill}**: {title}" for skill, title in spec.skills.items()),
        "",
    ]
    for q in spec.questions:
        if not q.manual:
            continue
        out += [f"## `{q.name}` ({q.skill}, {q.part})", "", "| level | points | the answer ... |", "|---|---|---|"]
        out += [f"| {level} | {spec.level_points[level]} | {q.levels[level]} |" for level in LEVELS]
        out.append("")
        for form in sorted(spec.forms):
            samples = spec.samples.get(form, {}).get(q.name)
            if not samples:
                continue
            out += [f"Sample answers, form {form}:", ""]
            out += [f"- *{level}*: {samples[level]}" for level in LEVELS if level in samples]
            out.append("")
    return "\n".join(out)


def main() -> int:
    spec = load_spec()
    if spec is None:
        print(f"no {SPEC_PATH} in this course")
        return 1
    path = CourseLayout.of().root / RUBRIC_PATH
    path.write_text(render_rubric(spec), encoding="utf-8")
    print(f"wrote {RUBRIC_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
