"""The course as a student meets it: every lesson and exercise notebook run through JupyterLab in Chromium.

One JupyterLab server for the module, on a free loopback port with a token, serving a copy of the
notebooks. For each notebook the test opens it, runs it from the Run menu, waits for the kernel to be
idle, and checks that no cell raised and that every widget is rendered. Then it uses the lesson's main
widget as the lesson tells the student to, and checks that the page shows what the lesson says it
should: expected values come from the data files, not from the notebook. Screenshots go to
build/screens/lab/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from browser_support import (
    SCREENS_DIR,
    LabNotebook,
    LabServer,
    assert_ran_cleanly,
    brief,
    eventually,
    launch_chromium,
    playwright_api,
    require_tool,
    screenshot,
)

from newslens import paths
from newslens.data import load_article, load_claims, load_corpus, load_sources
from newslens.tools.handouts.course import load_course

pytestmark = [pytest.mark.slow, pytest.mark.browser]

COURSE = load_course(paths.REPO_ROOT / "course.toml")
NOTEBOOKS = [
    h.source.relative_to(paths.REPO_ROOT).as_posix() for h in COURSE.all() if h.set in ("lessons", "exercises")
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    require_tool("chromium")
    server = LabServer(tmp_path_factory.mktemp("lab")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser_context(lab: LabServer) -> Iterator[tuple]:
    sync_api = playwright_api()
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1400, "height": 2000})  # tall enough for a whole widget
        # A callback is a kernel round trip; on a loaded 2-core CI machine it can take seconds, not ms.
        sync_api.expect.set_options(timeout=20_000)
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        yield context, requests
        context.close()
        browser.close()


def _expect():
    return playwright_api().expect


def _read_table(table) -> pd.DataFrame:
    """A rendered HTML table (header row, then body rows) as a DataFrame of strings.

    Read in one go in the page, because the kernel may replace the table between two reads; and
    without waiting: a missing or half-replaced table is an AssertionError, which eventually() retries.
    """
    tables = table.evaluate_all(
        "(tables) => tables.map((t) => [...t.rows].map((r) => [...r.cells].map((c) => c.innerText.trim())))"
    )
    assert len(tables) == 1, f"expected one table, the page shows {len(tables)} (an output being replaced?)"
    cells = tables[0]
    assert cells, "the table is empty"
    assert all(len(row) == len(cells[0]) for row in cells), f"rows of unequal length (a table mid-update?): {cells}"
    return pd.DataFrame(cells[1:], columns=cells[0])


# --- The main widget of each lesson, used as the lesson says, with expectations from the data ---------


def use_setup_slider(nb: LabNotebook, cell) -> None:
    # Lesson 0: "Move the slider below: the sentence under it should change."
    label, readout = cell.locator("div.widget-label"), cell.locator(".widget-readout")
    before = label.inner_text()
    cell.locator(".noUi-handle").press("End")
    _expect()(label).not_to_have_text(before)
    _expect()(label).to_have_text(f"You plan to do {readout.inner_text().strip()} lesson(s) today.")


def use_cue_picker(nb: LabNotebook, cell) -> None:
    # Lesson 1: choosing a cue lists every block of the article that contains it, with the cue marked.
    cell.locator("select").select_option(label="secondo")
    lines = load_article("it").splitlines()
    hits = [line for line in lines if re.search(r"\bsecondo\b", line, re.I)]
    count = sum(len(re.findall(r"\bsecondo\b", line, re.I)) for line in lines)
    view = cell.locator(".widget-html-content")
    _expect()(view).to_contain_text(f"{count} occurrence(s) in {len(hits)} block(s)")
    table = _read_table(view.locator("table"))
    assert len(table) == len(hits), (
        f"{nb.relpath}: the cue table lists {len(table)} blocks, the article has {len(hits)}"
    )
    marks = {m.lower() for m in view.locator("mark").all_inner_texts()}
    assert "secondo" in marks, f"{nb.relpath}: the chosen cue is not highlighted; marks: {sorted(marks)}"


def use_projection_picker(nb: LabNotebook, cell) -> None:
    # Lesson 3: Web Mercator stretches the distances from Pyongyang by about half; an azimuthal equidistant
    # projection centred there keeps them true. The table under the map shows planar against geodesic km.
    projection, centre = cell.locator("select").nth(0), cell.locator("select").nth(1)
    output = cell.locator(".widget-output")
    image = output.locator("img")

    def errors_from_centre() -> pd.Series:
        table = _read_table(output.locator("table"))
        return table[table.iloc[:, 0].str.contains("Pyongyang")]["error_pct"].astype(float)

    def stretched() -> None:
        errors = errors_from_centre()
        assert errors.min() > 40, (
            f"{nb.relpath}: on Web Mercator the routes from Pyongyang should be ~50 % long: {errors}"
        )

    def true_lengths() -> None:
        errors = errors_from_centre().abs()
        assert errors.max() < 0.5, f"{nb.relpath}: azimuthal equidistant should keep them true: {errors}"

    centre.select_option(label="Pyongyang")
    projection.select_option(label="Web Mercator")
    eventually(stretched)  # the map and its table are re-displayed after each choice
    before = image.get_attribute("src")
    projection.select_option(label="Azimuthal equidistant")
    _expect()(image).not_to_have_attribute("src", before)
    eventually(true_lengths)


def use_timeline_widgets(nb: LabNotebook, explorer) -> None:
    # Lesson 4: every relative phrase fits its event when read on 26 Dec 2025; read on 5 Jan 2026,
    # "il prossimo anno" points to 2027 and no longer fits the 2026 plan.
    anchor = nb.cell("anchor_picker = widgets.SelectionSlider")
    handle, readout = anchor.locator(".noUi-handle"), anchor.locator(".widget-readout")
    handle.press("Home")  # Sat 20 Dec 2025, then one day per key press
    for _ in range(6):
        handle.press("ArrowRight")
    _expect()(readout).to_have_text("Fri 26 Dec 2025")

    def every_phrase_fits() -> None:
        fits = _read_table(anchor.locator("table"))["fits"]
        assert len(fits) and set(fits) == {"True"}, f"{nb.relpath}: on 26 Dec every phrase should fit: {list(fits)}"

    eventually(every_phrase_fits)
    handle.press("End")
    _expect()(readout).to_have_text("Mon 05 Jan 2026")
    _expect()(anchor.locator("table")).to_contain_text("False")
    # The date-range explorer: narrowing the range redraws the highlighted timeline.
    image, readout = explorer.locator(".widget-image"), explorer.locator(".widget-readout")
    before_src, before_range = image.get_attribute("src"), readout.inner_text()  # as Run All left them
    explorer.locator(".noUi-handle-lower").press("End")  # the lower handle up to the upper one: one day
    _expect()(readout).not_to_have_text(before_range)
    _expect()(image).not_to_have_attribute("src", before_src)
    first, last = (part.strip() for part in re.split(r"\s*[–—-]\s*", readout.inner_text().strip()))
    assert first == last, f"{nb.relpath}: the range should have shrunk to one day, readout {readout.inner_text()!r}"


def use_grading_form(nb: LabNotebook, cell) -> None:
    # Lesson 5: the form refuses to show the course's grade until the student has written a reason; then grading a
    # claim A1 tells the student how many steps each half is from the course's grade.
    select = cell.locator("select")
    values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    fresh = next(i for i, value in enumerate(values) if value != select.input_value())
    select.select_option(index=fresh)  # another claim than Run All left (its demo cell picked one): a fresh form
    claim_id = select.input_value().split(":")[0]  # options read "c08: gloss..."
    _expect()(cell.locator(".widget-output")).to_contain_text("press the button")
    claims = load_claims(judgements=True).set_index("claim_id")
    sources = load_sources(judgements=True).set_index("source_id")
    claim = claims.loc[claim_id]
    course_letter, course_number = sources.loc[claim["source_id"], "reliability"], int(claim["credibility"])
    output = cell.locator(".widget-output")
    button = cell.locator("button", has_text="Save my grade")
    cell.locator(".widget-toggle-button", has_text=re.compile(r"^A$")).click()
    cell.locator(".widget-toggle-button", has_text=re.compile(r"^1$")).click()
    button.click()
    _expect()(output).to_contain_text("Not yet.")
    _expect()(output).not_to_contain_text("step(s) off")
    cell.locator(".widget-text input").fill("Two different origins report it, so I call it confirmed.")
    button.click()
    _expect()(output).to_contain_text(
        f"Your letter is {abs('ABCDEF'.index('A') - 'ABCDEF'.index(course_letter))} step(s) off; "
        f"your number is {abs(1 - course_number)} step(s) off."
    )


def use_explorer(nb: LabNotebook, cell) -> None:
    # Lesson 6: narrowing the credibility range to 1-2 keeps exactly the listed claims the data grades 1 or 2.
    table = cell.locator(".widget-html-content table")
    credibility = load_claims(judgements=True).set_index("claim_id")["credibility"]

    def listed() -> set[str]:
        return set(_read_table(table)["claim_id"])

    def lists_low_credibility_claims() -> None:
        assert any(credibility[c] > 2 for c in listed()), f"{nb.relpath}: the full range lists no claim graded 3-6"

    slider = cell.locator(".widget-slider", has_text="Credibility")
    slider.locator(".noUi-handle-lower").press("Home")
    slider.locator(".noUi-handle-upper").press("End")
    _expect()(slider.locator(".widget-readout")).to_have_text(re.compile(r"1\s*[–-]\s*6"))
    eventually(lists_low_credibility_claims)  # the table follows once the kernel has run the callback
    before = listed()
    for _ in range(4):
        slider.locator(".noUi-handle-upper").press("ArrowLeft")
    _expect()(slider.locator(".widget-readout")).to_have_text(re.compile(r"1\s*[–-]\s*2"))
    want = {c for c in before if credibility[c] <= 2}
    assert want and want != before, "the data should make this filter keep some claims and drop others"

    def lists_exactly_the_data_selection() -> None:
        assert listed() == want, f"{nb.relpath}: listed {sorted(listed())}, the data says {sorted(want)}"

    eventually(lists_exactly_the_data_selection)  # the handle passes 5, 4 and 3 on its way to 2


def use_search_widget(nb: LabNotebook, cell) -> None:
    # Lesson 7: typing a query shows a results page (title, site, date, snippet with the match marked); opening a
    # result shows our summary of the page and its site's profile.
    results = load_corpus()["search_results"]
    want = results[results["title"].str.contains("Seoul spy agency", regex=False)]
    box = cell.locator(".widget-text input")
    box.fill("Seoul spy agency")
    box.press("Enter")
    view = cell.locator(".widget-html-content").first
    for title in want["title"]:
        _expect()(view).to_contain_text(title)
    marks = {m.lower() for m in view.locator("mark").all_inner_texts()}
    assert {"seoul", "spy", "agency"} & marks, f"{nb.relpath}: the matching words are not marked: {sorted(marks)}"
    cell.locator("select").select_option(index=1)
    _expect()(cell.locator(".widget-html-content table")).to_contain_text("Track record")


# Each lesson: the cell that displays its main widget (found by a line of its source), and how to use it.
MAIN_WIDGET: dict[str, tuple[str, Callable[[LabNotebook, Any], None]]] = {
    "notebooks/00_setup_check.ipynb": ("demo_slider = widgets.IntSlider", use_setup_slider),
    "notebooks/01_reading_the_article.ipynb": ("cue_picker = widgets.Dropdown", use_cue_picker),
    "notebooks/03_distances_and_projections.ipynb": ("projection_picker = picker.projection", use_projection_picker),
    "notebooks/04_charting_the_timeline.ipynb": (
        "date_range_slider = widgets.SelectionRangeSlider",
        use_timeline_widgets,
    ),
    "notebooks/05_evaluating_the_sources.ipynb": ("claim_picker = widgets.Dropdown", use_grading_form),
    "notebooks/06_putting_it_together.ipynb": ("credibility_range = widgets.IntRangeSlider", use_explorer),
    "notebooks/07_the_lateral_reading_lab.ipynb": ("lab = search_widget(value=", use_search_widget),
}


#: Lessons without a widget, and why.
NO_WIDGET: dict[str, str] = {
    "notebooks/02_mapping_the_places.ipynb": "its projection picker moved to lesson 3 with the projections",
}


def test_every_lesson_has_a_main_widget_check():
    lessons = {n for n in NOTEBOOKS if n.startswith("notebooks/")}
    assert lessons == set(MAIN_WIDGET) | set(NO_WIDGET), "add (or remove) the browser check of a lesson's main widget"
    # The widget the bench times (course.toml's [lesson.widget]) is the one the browser check uses.
    for h in COURSE.handouts["lessons"]:
        if h.widget:
            relpath = h.source.relative_to(paths.REPO_ROOT).as_posix()
            # The name may be an attribute of the widget the lesson defines (lesson 7 times lab.box, its search box).
            defined = h.widget["name"].split(".")[0]
            assert MAIN_WIDGET[relpath][0].startswith(defined + " = "), (relpath, h.widget["name"])


@pytest.mark.timeout(300)
@pytest.mark.parametrize("relpath", NOTEBOOKS, ids=[Path(n).parent.name + "/" + Path(n).stem for n in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(relpath: str, lab: LabServer, browser_context):
    context, requests = browser_context
    requests.clear()
    page = context.new_page()
    console_errors: list[str] = []
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    nb = LabNotebook(page, lab, relpath)
    name = relpath.removesuffix(".ipynb")
    failed_shot = SCREENS_DIR / "lab" / f"{name}-FAILED.png"
    failed_shot.unlink(missing_ok=True)  # from an earlier run: it would mislead a reviewer
    try:
        nb.open()
        nb.run_all()
        cells = nb.wait_for_widgets()
        assert_ran_cleanly(relpath, cells)
        if relpath in MAIN_WIDGET:
            assert any(c.widgets for c in cells), f"{relpath}: the lesson displays no widget"
            marker, use_widget = MAIN_WIDGET[relpath]
            cell = nb.cell(marker)
            try:
                use_widget(nb, cell)
            except Exception as error:  # Playwright's timeouts as well as failed expectations
                cell.scroll_into_view_if_needed()
                raise AssertionError(
                    f"{relpath}, cell {nb.cell_index(marker)} ({marker!r}...): the widget did not respond "
                    f"as the lesson says.\n{brief(error)}"
                ) from None
            cell.scroll_into_view_if_needed()
            screenshot(cell.locator(".jp-Cell-outputWrapper"), f"lab/{name}-widget")
        elif relpath not in NO_WIDGET:
            checks = [c for c in cells if "grader.check(" in c.source]
            assert checks, f"{relpath}: an exercise notebook without otter checks"
            unanswered = [c.index for c in checks if "Not answered yet" not in c.text]
            assert not unanswered, f"{relpath}: on an unanswered copy, the checks in cells {unanswered} should say so"
            nb.cell(checks[0].source).scroll_into_view_if_needed()
        screenshot(page, f"lab/{name}")
        assert not console_errors, f"{relpath}: uncaught errors in the page: {console_errors}"
        leaving = [u for u in requests if not re.match(rf"(https?|wss?)://127\.0\.0\.1:{lab.port}/|data:|blob:", u)]
        assert not leaving, f"{relpath}: the page requested addresses outside the local server: {leaving[:5]}"
    except BaseException:
        screenshot(page, f"lab/{name}-FAILED")
        raise
    finally:
        try:
            nb.shutdown()
        finally:
            page.close()


@pytest.mark.timeout(120)
def test_a_dead_widget_and_an_error_are_reported(lab: LabServer, browser_context):
    # The checks above must be able to fail: a widget closed before the page could draw it, then a raise.
    import nbformat

    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as widgets\ngone = widgets.IntSlider()\ndisplay(gone)\ngone.close()"
        ),
        nbformat.v4.new_code_cell("1 / 0"),
    ]
    relpath = "broken/dead_widget.ipynb"
    (lab.root / "broken").mkdir(exist_ok=True)
    nbformat.write(notebook, lab.root / relpath)
    context, _ = browser_context
    page = context.new_page()
    nb = LabNotebook(page, lab, relpath, timeout_ms=30_000)
    try:
        nb.open()
        nb.run_all()
        cells = nb.wait_for_widgets(timeout=5)
        with pytest.raises(AssertionError) as failure:
            assert_ran_cleanly(relpath, cells)
        message = str(failure.value)
        assert "cell 0 ('import ipywidgets as widgets'): a widget is not rendered" in message
        assert "cell 1 ('1 / 0') raised ZeroDivisionError: division by zero" in message
    finally:
        nb.shutdown()
        page.close()
