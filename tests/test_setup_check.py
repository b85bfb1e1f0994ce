"""The student's first notebook runs in a fresh kernel and reports every check passed."""

from __future__ import annotations

from newslens import paths
from newslens.setup_check import required_distributions
from newslens.tools.runner import NotebookRun, RunOptions


def test_setup_check_notebook_passes_in_a_fresh_kernel():
    with NotebookRun(
        paths.NOTEBOOKS_DIR / "00_setup_check.ipynb", RunOptions(timeout=120, keep_kernel=True)
    ) as session:
        failed = session.value("failed")
        checked = session.value("[r.name for r in all_results]")
        text = "".join(out.get("text", "") for out in session.outputs())
    assert failed == [], f"setup checks failed on a correct installation: {failed}\n{text}"
    for dist in required_distributions():
        assert f"package {dist}" in checked
    assert {"course tables", "map layers", "widgets respond", "works offline"} <= set(checked)
    assert "checks passed: you are ready for lesson 1" in text


def test_required_distributions_come_from_pyproject():
    names = required_distributions()
    assert {"pandas", "geopandas", "matplotlib", "ipywidgets"} <= set(names)
    assert "pytest" not in names  # test tools are not needed to follow the course
