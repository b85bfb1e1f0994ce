"""newslens.grading_form: lesson 5's grading form hides the course's grade until the student has graded the claim,
saves the grade, shows the course's grade and reasons on a grid, and answers each press in well under 100 ms.

The form is built in a real kernel (an Output widget only captures what is displayed inside a kernel), on two
made-up claims, with the real save_grade writing to a temporary folder and a stand-in for the lesson's
compare_grades. The tests use it as a student does: set the toggles and the reason, press the button.
"""

from __future__ import annotations

import base64
import io

import nbformat
import numpy as np
import pytest
from PIL import Image

from newslens.my_grades import read_grades
from newslens.tools.runner import NotebookRun, RunOptions

pytestmark = pytest.mark.slow  # runs a kernel

SETUP = """
import ipywidgets as widgets
import pandas as pd
import newslens.style as style
from newslens.grading_form import GradingForm

style.apply()
CLAIMS = pd.DataFrame(
    {"quote_it": ["Kim ha visitato la fabbrica", "Il missile è nuovo"], "gloss_en": ["Kim visited", "A new missile"]},
    index=pd.Index(["c01", "c02"], name="claim_id"),
)
COURSE = {"c01": "C2", "c02": "F1"}


def compare(claim_id, letter, number):
    course = COURSE[claim_id]
    return {
        "claim_id": claim_id,
        "your_grade": f"{letter}{number}",
        "course_grade": course,
        "letter_steps_off": "ABCDEF".index(letter) - "ABCDEF".index(course[0]),
        "number_steps_off": number - int(course[1:]),
        "source": "KCNA",
        "reliability_reason": "The regime's own voice.",
        "credibility_reason": "Nobody else saw it happen.",
    }


def grade(letter, number, reason):
    form.reliability_picker.value, form.credibility_picker.value, form.reason_box.value = letter, number, reason
    form.reveal_button.click()
"""


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("form")
    notebook = folder / "form.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP)]), notebook)
    work = folder / "my-work"
    with NotebookRun(notebook, RunOptions(timeout=120, keep_kernel=True, env={"NEWSLENS_WORK_DIR": str(work)})) as run:
        yield run, work


@pytest.fixture
def form(kernel):
    """A new form on claim c01, with an empty work folder."""
    run, work = kernel
    run.run(
        "import shutil, os\nshutil.rmtree(os.environ['NEWSLENS_WORK_DIR'], ignore_errors=True)\n"
        "form = GradingForm(widgets.Dropdown(options=list(CLAIMS.index)), CLAIMS, compare)"
    )
    return run, work


def shown(run) -> str:
    return str(run.value("str(form.view.outputs)"))


def test_a_claim_is_shown_with_the_course_grade_hidden(form):
    run, _ = form
    text = run.value("form.claim_text.value")
    assert "Kim ha visitato la fabbrica" in text and "Kim visited" in text
    assert run.value("form.result") == {} and "press the button" in shown(run)
    run.run("form.claim_picker.value = 'c02'")
    assert "Il missile è nuovo" in run.value("form.claim_text.value") and run.value("form.result") == {}


@pytest.mark.parametrize(
    ("letter", "number", "reason", "says"),
    [
        ("C", 2, "KCNA", "reason"),
        (None, 2, "The regime's own voice.", "letter"),
        ("C", None, "Nobody else saw it.", "number"),
    ],
)
def test_an_incomplete_grade_is_refused_saves_nothing_and_reveals_nothing(form, letter, number, reason, says):
    run, work = form
    run.run(f"grade({letter!r}, {number!r}, {reason!r})")
    result = run.value("form.result")
    assert says in result["refused"] and "course_grade" not in result
    assert "Not yet." in shown(run) and "Nobody else saw it happen." not in shown(run)
    assert not (work / "admiralty_grades.csv").exists()


def test_a_grade_is_saved_then_the_course_grade_its_reasons_and_the_gap_are_shown(form):
    run, work = form
    run.run("grade('E', 5, 'Only the state media report it,\\n nobody else.')")
    result = run.value("form.result")
    assert result["course_grade"] == "C2" and result["your_grade"] == "E5"
    assert result["your_reason"] == "Only the state media report it, nobody else."
    text = shown(run)
    assert "Nobody else saw it happen." in text and "The regime's own voice." in text
    assert "Your letter is 2 step(s) off; your number is 3 step(s) off." in text
    saved = read_grades(work / "admiralty_grades.csv")
    assert saved[["claim_id", "reliability", "credibility"]].values.tolist() == [["c01", "E", 5]]


def test_the_grid_marks_both_grades_and_is_shown_as_a_picture_with_alt_text(form):
    run, _ = form
    run.run("grade('E', 5, 'Only the state media report it.')\nax = form.figure['fig'].axes[0]")
    assert run.value("[c.get_offsets().tolist() for c in ax.collections]") == [[[2, 3]], [[5, 5]]]
    assert run.value("ax.get_title()") == "Claim c01: yours E5, course C2"
    assert run.value("[t.get_text() for t in ax.get_legend().get_texts()]") == ["course: C2", "yours: E5"]
    pictures = run.value("[o['metadata']['image/png']['alt'] for o in form.view.outputs if 'image/png' in o['data']]")
    assert len(pictures) == 1 and "E5" in pictures[0] and "C2" in pictures[0]


def test_the_blitted_picture_is_the_picture_a_full_draw_gives(form):
    """Only the markers, title and legend are redrawn for each grade: the pixels must match a full drawing."""
    run, _ = form
    run.run("form.claim_picker.value = 'c02'\ngrade('B', 3, 'Two origins saw the launch.')")
    quick = base64.b64decode(
        run.value("[o['data']['image/png'] for o in form.view.outputs if 'image/png' in o['data']][0]")
    )
    run.run(
        "import base64, io\n"
        "for _a in form.figure['moving']:\n    _a.set_animated(False)\n"
        "_png = io.BytesIO()\nform.figure['fig'].savefig(_png, format='png')\n"
        "for _a in form.figure['moving']:\n    _a.set_animated(True)\n"
        "_full = base64.b64encode(_png.getvalue()).decode()"
    )
    full = base64.b64decode(run.value("_full"))
    first, second = Image.open(io.BytesIO(quick)).convert("RGB"), Image.open(io.BytesIO(full)).convert("RGB")
    assert first.size == second.size
    differing = int((np.asarray(first) != np.asarray(second)).any(axis=2).sum())
    assert differing <= 0.002 * first.size[0] * first.size[1], f"{differing} pixels differ"


def test_grading_again_replaces_the_row_and_says_so(form):
    run, work = form
    run.run("grade('C', 2, 'The regime own account, one origin.')\ngrade('C', 3, 'On second thought: KCNA alone.')")
    assert "replaces your earlier C2" in shown(run)
    assert read_grades(work / "admiralty_grades.csv")["credibility"].tolist() == [3]


def test_each_callback_takes_well_under_100_ms(form):
    """Process time in the kernel, so a busy machine does not make a quick callback look slow."""
    run, _ = form
    run.run(
        "import statistics, time\npicks, presses = [], []\n"
        "for claim in ['c02', 'c01'] * 4:\n"
        "    start = time.process_time()\n"
        "    form.claim_picker.value = claim\n"
        "    picks.append(time.process_time() - start)\n"
        "    form.reliability_picker.value, form.credibility_picker.value = 'C', 2\n"
        "    form.reason_box.value = 'One origin only here.'\n"
        "    start = time.process_time()\n"
        "    form.reveal_button.click()\n"
        "    presses.append(time.process_time() - start)"
    )
    pick, press = run.value("[statistics.median(picks), statistics.median(presses)]")
    assert pick < 0.1, f"picking a claim: {pick * 1000:.0f} ms"
    assert press < 0.1, f"saving and revealing: {press * 1000:.0f} ms"
