"""The three descriptions of the environment must agree: pyproject.toml, environment.yml, requirements.txt."""

from __future__ import annotations

import re
import sys

from newslens import paths

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _name(requirement: str) -> str:
    return re.split(r"[ <>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((paths.REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _environment_yml_packages() -> set[str]:
    names = set()
    text = (paths.REPO_ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("\ndependencies:", 1)[1].splitlines():
        match = re.match(r"\s+-\s+([A-Za-z0-9_.\-]+)", line)
        if match and not line.strip().startswith("- -e"):
            names.add(_name(match.group(1)))
    return names - {"python", "pip"}


def test_environment_yml_lists_exactly_the_course_dependencies():
    course = {_name(r) for r in _pyproject()["project"]["dependencies"]}
    conda = _environment_yml_packages()
    assert course - conda == set(), f"in pyproject.toml but not in environment.yml: {sorted(course - conda)}"
    assert conda - course == set(), f"in environment.yml but not in pyproject.toml: {sorted(conda - course)}"


def test_environment_yml_installs_the_course_package_and_uses_conda_forge():
    text = (paths.REPO_ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "conda-forge" in text
    assert re.search(r"^\s+- -e \.\s*$", text, re.M), "environment.yml must pip-install the local package (-e .)"


def test_requirements_txt_pins_every_declared_dependency():
    project = _pyproject()["project"]
    declared = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    pinned = {}
    for line in (paths.REPO_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert "==" in line, f"requirements.txt line not pinned with ==: {line}"
            pinned[_name(line)] = line
    missing = declared - set(pinned)
    assert not missing, f"declared in pyproject.toml but not pinned in requirements.txt (run make lock): {missing}"
