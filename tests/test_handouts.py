"""The HTML handouts, built from a tiny sample course (not the real lessons, to stay fast).

What a reader would notice: a page missing, a page that phones home to a CDN, a page without
navigation, title, alt text or licence, a cell tag ignored, solution code in a student handout.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newslens.tools.handouts.build import BuildFailed, build_handouts
from newslens.tools.handouts.course import CourseError, load_course
from newslens.tools.handouts.sample import make_sample_course

pytestmark = pytest.mark.slow

REMOTE = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(?:src|href|data)\s*=\s*"
    r"[\"']?\s*(?:https?:)?//",
    re.I,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Build the sample course once; return its root and every page's HTML by relative path."""
    root = tmp_path_factory.mktemp("course")
    course_file = make_sample_course(root)
    build_handouts(course_file, jobs=2, log=lambda _: None)
    out = root / "build" / "handouts"
    pages = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    return root, pages


def test_every_listed_notebook_has_a_page_and_the_index_exists(built):
    root, pages = built
    course = load_course(root / "course.toml")
    expected = {h.html_relpath for h in course.all()} | {"index.html"}
    assert expected <= set(pages)
    assert {"lessons/01_alpha.html", "exercises/01_alpha.html", "solutions/01_alpha.html"} <= set(pages)


def test_no_page_requests_a_remote_resource(built):
    _, pages = built
    for name, page in pages.items():
        assert not REMOTE.search(page), f"{name} loads a remote resource"
        assert not re.search(r"@import\s+(url\()?\s*[\"']?https?:", page, re.I), name
        assert not re.search(r"url\(\s*[\"']?https?:", page, re.I), name
        for cdn in ("cdnjs", "unpkg", "jsdelivr", "mathjax", "require.js", "fonts.googleapis"):
            assert cdn not in page.lower(), f"{name} mentions {cdn}"


def test_each_page_has_title_navigation_footer_and_alt_text(built):
    root, pages = built
    course = load_course(root / "course.toml")
    for h in course.all():
        page = pages[h.html_relpath]
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        assert title and title.group(1).strip(), h.key
        assert 'href="../index.html"' in page, f"{h.key}: no link to the index"
        for other, rel in ((h.prev, "prev"), (h.next, "next")):
            links = [a for a in re.findall(r"<a\b[^>]*>", page) if f'rel="{rel}"' in a]
            if other is not None:
                assert any(f'href="{other.name}.html"' in a for a in links), f"{h.key}: no {rel} link"
            else:
                assert not links, f"{h.key}: a {rel} link where there is no {rel} page"
        assert "MIT" in page and "CC BY 4.0" in page, f"{h.key}: licence footer missing"
        assert "Natural Earth" in page and "Built " in page
        for img in re.findall(r"<img\b[^>]*>", page):
            alt = re.search(r'\balt="([^"]+)"', img)
            assert alt and alt.group(1).strip(), f"{h.key}: figure without alt text: {img[:80]}"
    lesson = pages["lessons/01_alpha.html"]
    assert lesson.count("<img") == 2
    assert 'alt="Figure: Mentions by place"' in lesson  # from the figure's title
    assert 'alt="A rising line, for the test."' in lesson  # from the cell's metadata


def test_cell_tags_are_honoured(built):
    _, pages = built
    page = pages["lessons/01_alpha.html"]
    assert "VISIBLE_OUTPUT_RI" in page and "SECRET_INPUT_RI" not in page  # remove-input
    assert "SHOWN_SOURCE_RO" in page and "HIDDEN_OUTPUT_RO" not in page  # remove-output
    assert "GONE_CELL_RC" not in page and "GONE_OUTPUT_RC" not in page  # remove-cell
    details = re.search(r"<details class=\"nl-hide-input\">(.*?)</details>", page, re.S)  # hide-input
    assert details and "TOGGLED_SOURCE_HI" in details.group(1)
    assert "SHOWN_OUTPUT_HI" in page.replace(details.group(0), "")
    assert "NEVER_RUN_SKIPPED" not in page and "NEVER_" not in page  # skip-execution cells never run nor show


def test_pages_have_no_prompts_widget_views_or_scripts_and_a_contents_list(built):
    _, pages = built
    page = pages["lessons/01_alpha.html"]
    assert "In&nbsp;[" not in page and "Out[" not in page
    assert "widget-view+json" not in page and "widget-state+json" not in page
    # No nbconvert script (require.js, MathJax, widget managers): the one script is the course's own, inline,
    # which opens folded hints and solutions for printing.
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S)
    assert len(scripts) == 1 and "beforeprint" in scripts[0] and "<script src" not in page, scripts
    toc = re.search(r'<nav class="nl-toc".*?</nav>', page, re.S)
    assert toc and 'href="#Reading"' in toc.group(0) and "A figure" in toc.group(0)
    assert "@media print" in page and "size: A4" in page


def test_student_exercise_page_is_not_executed(built):
    _, pages = built
    assert "n_rows" in pages["exercises/01_alpha.html"]
    output = re.compile(r'class="[^"]*jp-OutputArea-output')
    assert not output.search(pages["exercises/01_alpha.html"])
    assert output.search(pages["solutions/01_alpha.html"])


def test_index_lists_the_sets_in_course_order_with_times_and_objectives(built):
    _, pages = built
    index = pages["index.html"]
    links = re.findall(r'<h3><a href="([^"]+)"', index)
    assert links == [
        "lessons/01_alpha.html",
        "lessons/02_beta.html",
        "exercises/01_alpha.html",
        "solutions/01_alpha.html",
    ]
    assert "about 20 minutes" in index and "about 15 minutes" in index
    assert "<li>Read a table</li>" in index and "<li>Count days</li>" in index
    assert not REMOTE.search(index)


def test_index_shows_the_course_time_and_how_to_open_the_course_on_a_class_server(built):
    """Issue 16: the whole course's time (lessons plus exercises); issue 18: the nbgitpuller link form and the
    command an instructor runs for the class's links, pointing at deploy/README.md."""
    _, pages = built
    index = pages["index.html"]
    assert "The whole course: about 35 minutes" in index  # the sample course: 20 + 15 minutes of lessons
    block = index[index.index('id="class-server"') :]
    block = block[: block.index("</section>")]
    assert "<h2>On a class server</h2>" in block
    assert "/hub/user-redirect/git-pull?repo=" in block and "urlpath=lab/tree/" in block
    assert "python -m newslens links --hub" in block and "--repo" in block
    assert "deploy/README.md" in block


def test_pages_stay_under_two_megabytes(built):
    _, pages = built
    for name, page in pages.items():
        assert len(page.encode()) < 2 * 1024 * 1024, name


def test_a_missing_notebook_is_named(tmp_path):
    course_file = make_sample_course(tmp_path)
    (tmp_path / "notebooks" / "02_beta.ipynb").unlink()
    with pytest.raises(CourseError, match=r"notebooks/02_beta\.ipynb"):
        build_handouts(course_file, log=lambda _: None)


def test_solution_markers_in_a_student_notebook_fail_the_build(tmp_path):
    course_file = make_sample_course(tmp_path)
    path = tmp_path / "exercises" / "01_alpha.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"][1]["source"] = "n_rows = 2  # SOLUTION"
    path.write_text(json.dumps(nb))
    with pytest.raises(BuildFailed, match="01_alpha"):
        build_handouts(course_file, sets=("exercises",), log=lambda _: None)
    assert not (tmp_path / "build" / "handouts" / "exercises" / "01_alpha.html").exists()


def test_objectives_read_as_plain_text_but_code_keeps_its_characters():
    from newslens.tools.handouts.course import learning_objectives

    nb = {
        "cells": [
            {
                "cell_type": "markdown",
                "source": "# T\n\n## Learning objectives\n\n- use `points_from_xy` on **real** data, *twice*\n"
                "- read [the docs](https://example.org)\n\n## Next\n- not an objective",
            }
        ]
    }
    assert learning_objectives(nb) == ["use points_from_xy on real data, twice", "read the docs"]


def test_a_folded_try_it_solution_stays_folded_in_the_handout():
    """A Try-it's solution, folded in <details> in the notebook, is folded on the page too: it must not spill out
    (nbconvert's image embedding once parsed the opening tag alone and closed it at once)."""
    import nbformat

    from newslens.tools.handouts.render import _exporter

    source = "### Try it\n\n<details><summary>Solution</summary>\n\n```python\nanswer = 42\n```\n\n</details>\n\nAfter."
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(source)])
    body, _ = _exporter().from_notebook_node(nb, resources={"newslens": {}})
    folded = re.search(r"<details><summary>Solution</summary>(.*?)</details>", body, re.S)
    assert folded and "42" in folded.group(1), "the solution must be inside its <details> element"
    assert "42" not in body[folded.end() :]
