"""A whole class on a server: a real JupyterHub with nbgitpuller, the deploy/ configurations, Binder's plan.

The hub test starts the ``jupyterhub`` package with ``configurable-http-proxy`` (from npm, installed by
``make setup`` into .venv/node), DummyAuthenticator and SimpleLocalProcessSpawner on free loopback ports
(harness: newslens.tools.hubbench). Three students log in, follow an nbgitpuller link that clones the
course from a local bare remote into their homes, and run the setup check and lesson 1 in their own
servers' kernels; each then edits a lesson, a copy in my-work/, adds a file and deletes one. A new commit
upstream touches the same places; pulling it again must keep every student's work exactly as
deploy/README.md says. Then the hub stops, and no process it started may be left.
"""

from __future__ import annotations

import concurrent.futures
import copy
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from newslens import paths
from newslens.tools.cli import main as cli_main
from newslens.tools.hublinks import course_links, hub_base, pull_link

DEPLOY = paths.REPO_ROOT / "deploy"
Z2JH = Path(__file__).parent / "fixtures" / "z2jh"
STUDENTS = ["ada", "grace", "katherine"]
LESSON = "notebooks/01_reading_the_article.ipynb"
EXERCISE = "01_reading_the_article.ipynb"


def _require_hub() -> None:
    try:
        import jupyterhub  # noqa: F401
        import nbgitpuller  # noqa: F401
    except ImportError as error:
        if os.environ.get("CI"):
            pytest.fail(f"{error}: jupyterhub and nbgitpuller are pinned in requirements.txt")
        pytest.skip(str(error))
    from newslens.tools.hubbench import proxy_command

    if proxy_command() is None:
        message = "configurable-http-proxy not found (make setup installs it: npm install --prefix .venv/node)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _write_nb(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "instructor", "GIT_AUTHOR_EMAIL": "i@example.edu"}
    env |= {"GIT_COMMITTER_NAME": "instructor", "GIT_COMMITTER_EMAIL": "i@example.edu"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


# --- The real hub ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_three_students_pull_run_and_keep_their_work_across_an_update(tmp_path: Path) -> None:
    _require_hub()
    from newslens.tools.hubbench import ClassHub, Student, bare_remote, course_link

    began = time.monotonic()
    (tmp_path / "remote").mkdir()
    remote = bare_remote(tmp_path / "remote")
    hub = ClassHub(tmp_path / "hub").start()
    print(f"hub up at {time.monotonic() - began:.1f} s")
    try:
        lesson_link = course_link(hub, remote, LESSON)

        def first_day(name: str) -> Student:
            student = Student(hub, name).login()
            student.start_server()
            progress = student.follow(course_link(hub, remote, "notebooks/00_setup_check.ipynb"))
            assert any("git clone" in line for line in progress), progress
            make_start = "import subprocess, sys\n" + (
                'subprocess.run([sys.executable, "-m", "newslens", "start"], cwd="..", check=True)'
            )
            # The setup check, `make start`'s command, then lesson 1, in one kernel (one start-up, not two).
            lesson_cells = student.contents(f"newslens/{LESSON}")["content"]["cells"]
            lesson_code = [cell["source"] for cell in lesson_cells if cell["cell_type"] == "code"]
            result = student.run_notebook("newslens/notebooks/00_setup_check.ipynb", extra=[make_start, *lesson_code])
            assert not result.errors, f"{name}: the setup check or lesson 1 raised {result.errors}"
            print(
                f"{name}: setup check and lesson 1 ran in {result.seconds:.1f} s (at {time.monotonic() - began:.1f} s)"
            )
            # The student's own work: an edited lesson (a changed line and a new cell), an answer in their
            # my-work/ copy, a file of their own, and a lesson deleted by mistake.
            lesson = student.contents(f"newslens/{LESSON}")["content"]
            lesson["cells"][0]["source"] = f"# Reading the article: {name}'s annotated copy"
            lesson["cells"].append({"cell_type": "markdown", "metadata": {}, "source": f"{name}: my own note"})
            student.save(f"newslens/{LESSON}", lesson)
            mine = student.contents(f"newslens/my-work/{EXERCISE}")["content"]
            mine["cells"].append({"cell_type": "markdown", "metadata": {}, "source": f"{name}'s answer"})
            student.save(f"newslens/my-work/{EXERCISE}", mine)
            student.save("newslens/notes.md", f"{name}'s notes\n", kind="file")
            student.session.delete(
                f"{student.server}/api/contents/newslens/notebooks/06_putting_it_together.ipynb", timeout=60
            ).raise_for_status()
            return student

        with concurrent.futures.ThreadPoolExecutor(len(STUDENTS)) as pool:
            students = list(pool.map(first_day, STUDENTS))
        print(f"first day done at {time.monotonic() - began:.1f} s")

        # The instructor pushes an update touching the same places.
        work = tmp_path / "instructor"
        _git("clone", "--quiet", remote, str(work), cwd=tmp_path)
        lesson_file = work / LESSON
        lesson = json.loads(lesson_file.read_text(encoding="utf-8"))
        lesson["cells"][0]["source"] = "# Reading the article (updated upstream)"
        middle = len(lesson["cells"]) // 2  # far from both students' edits (the first and the last cell)
        lesson["cells"].insert(middle, {"cell_type": "markdown", "metadata": {}, "source": "Added upstream."})
        _write_nb(lesson_file, lesson)
        exercise_file = work / "exercises" / EXERCISE
        exercise = json.loads(exercise_file.read_text(encoding="utf-8"))
        exercise["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "New question upstream."})
        _write_nb(exercise_file, exercise)
        (work / "notes.md").write_text("The instructor's notes\n", encoding="utf-8")
        _git("add", "-A", cwd=work)
        _git("commit", "--quiet", "-m", "Course update", cwd=work)
        _git("push", "--quiet", "origin", "HEAD:main", cwd=work)

        def second_day(student: Student) -> None:
            student.follow(lesson_link)
            home = hub.home(student.name) / "newslens"
            assert "Course update" in _git("log", "--format=%s", cwd=home), f"{student.name}: update not merged"
            merged = json.loads((home / LESSON).read_text(encoding="utf-8"))  # still a valid notebook
            sources = ["".join(cell["source"]) for cell in merged["cells"]]
            assert sources[0] == f"# Reading the article: {student.name}'s annotated copy", sources[0]
            assert f"{student.name}: my own note" in sources, "the student's new cell was lost"
            assert "Added upstream." in sources, "the upstream change that did not conflict was not merged"
            assert "# Reading the article (updated upstream)" not in sources, "a conflict: the student's side wins"
            mine = json.loads((home / "my-work" / EXERCISE).read_text(encoding="utf-8"))
            texts = ["".join(cell["source"]) for cell in mine["cells"]]
            assert f"{student.name}'s answer" in texts and "New question upstream." not in texts
            assert (home / "notes.md").read_text(encoding="utf-8") == "The instructor's notes\n"
            renamed = [p for p in home.glob("notes__*.md") if re.fullmatch(r"notes__\d{14}\.md", p.name)]
            assert len(renamed) == 1 and renamed[0].read_text(encoding="utf-8") == f"{student.name}'s notes\n"
            assert (home / "notebooks" / "06_putting_it_together.ipynb").is_file(), "a deleted lesson is restored"

        with concurrent.futures.ThreadPoolExecutor(len(students)) as pool:
            list(pool.map(second_day, students))
        print(f"second day done at {time.monotonic() - began:.1f} s")
        assert len(hub.processes()) > len(STUDENTS), "the hub, the proxy and the servers should be running"
    finally:
        survivors = hub.stop()
        print(f"hub stopped at {time.monotonic() - began:.1f} s")
    assert survivors == [], f"processes left after the hub stopped (now killed): {survivors}"
    assert hub.processes() == []


# --- The configurations in deploy/ ----------------------------------------------------------------------


def test_jupyterhub_config_loads_in_a_jupyterhub_process() -> None:
    """deploy/jupyterhub_config.py loads in JupyterHub, names importable classes, and sets only real traits."""
    _require_hub()
    check = r"""
import sys
from jupyterhub.app import JupyterHub
app = JupyterHub()
app.load_config_file(sys.argv[1])
config = app.config
auth, spawner = app.authenticator_class, app.spawner_class
from jupyterhub.auth import Authenticator
from jupyterhub.spawner import Spawner
assert issubclass(auth, Authenticator) and auth.__name__ == "NativeAuthenticator", auth
assert issubclass(spawner, Spawner) and spawner.__name__ == "SystemdSpawner", spawner
classes = {"JupyterHub": JupyterHub, "Authenticator": Authenticator, "Spawner": Spawner, auth.__name__: auth,
           spawner.__name__: spawner}
from jupyterhub.proxy import ConfigurableHTTPProxy
classes["ConfigurableHTTPProxy"] = ConfigurableHTTPProxy
unknown = [f"{section}.{name}" for section, values in config.items() for name in values
           if section not in classes or name not in classes[section].class_trait_names(config=True)]
assert not unknown, f"not configurable traits: {unknown}"
assert spawner.class_traits()["mem_limit"].validate(None, config.SystemdSpawner.mem_limit) >= 2**29
print("ok", sorted(config))
"""
    done = subprocess.run(
        [sys.executable, "-c", check, str(DEPLOY / "jupyterhub_config.py")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stdout + done.stderr


def _merge(base: dict, extra: dict) -> dict:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def test_helm_values_validate_against_the_z2jh_chart_schema() -> None:
    """As helm does: the chart's defaults merged with ours, validated against the chart's values schema."""
    import jsonschema

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    schema = yaml.load((Z2JH / "values.schema.yaml").read_text(encoding="utf-8"), Loader=loader)
    defaults = yaml.load((Z2JH / "values.yaml").read_text(encoding="utf-8"), Loader=loader)
    ours = yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)  # the schema's $schema
    validator.validate(_merge(copy.deepcopy(defaults), ours))
    with pytest.raises(jsonschema.ValidationError):  # the schema does catch a misspelt key
        validator.validate(_merge(copy.deepcopy(defaults), {"singleuser": {"memmory": {"limit": "1G"}}}))
    hook = ours["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert hook[0] == "gitpuller" and hook[3] == "/home/jovyan/newslens", hook
    assert ours["hub"]["config"]["KubeSpawner"]["working_dir"] == "/home/jovyan"  # where the links point
    assert "4.4.0" in (Z2JH / "README.md").read_text(encoding="utf-8")


def test_tljh_settings_are_a_valid_script_using_tljh_config() -> None:
    script = DEPLOY / "tljh-config.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text(encoding="utf-8")
    for setting in ("auth.type nativeauthenticator.NativeAuthenticator", "limits.memory", "limits.cpu"):
        assert f"tljh-config set {setting}" in text


# --- Binder / repo2docker -------------------------------------------------------------------------------


def test_repo2docker_plan_installs_environment_yml_and_the_package(tmp_path: Path) -> None:
    """``repo2docker --no-build --debug`` (no Docker needed) on a clone prints the Dockerfile it would build."""
    try:
        import repo2docker  # noqa: F401
    except ImportError as error:
        if os.environ.get("CI"):
            pytest.fail(f"{error}: jupyter-repo2docker is pinned in requirements.txt")
        pytest.skip(str(error))
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(paths.REPO_ROOT), str(clone)], check=True)
    # What the working tree has and HEAD may not yet (the files under test), so the plan is of this tree.
    for name in ("environment.yml", "postBuild"):
        (clone / name).write_bytes((paths.REPO_ROOT / name).read_bytes())
    (clone / "postBuild").chmod(0o755)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "repo2docker"), "--no-build", "--no-run", "--debug", str(clone)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    plan = done.stdout
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment.yml"', plan), plan
    assert "postBuild" in plan and re.search(r"RUN .*\./postBuild", plan), "postBuild is not run"
    assert "requirements.txt" not in plan.split("# Run assemble scripts!")[-1], "the dev pins must not go in"
    environment = (paths.REPO_ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+- -e \.\s*$", environment, re.M), "environment.yml installs the package (pip -e .)"
    post_build = (paths.REPO_ROOT / "postBuild").read_text(encoding="utf-8")
    assert "nbgitpuller" in post_build


# --- nbgitpuller links ----------------------------------------------------------------------------------


def test_links_follow_course_order_and_open_each_notebook(capsys: pytest.CaptureFixture) -> None:
    repo = "https://github.com/example/newslens"
    links = course_links(paths.REPO_ROOT / "course.toml", "https://hub.example.edu/", repo)
    assert [(link.kind, link.lesson_id) for link in links][:3] == [
        ("lesson", "00"),
        ("lesson", "01"),
        ("exercise", "01"),
    ]
    first = next(link for link in links if link.lesson_id == "01")
    assert first.url == (
        "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fexample%2Fnewslens"
        "&branch=main&urlpath=lab%2Ftree%2Fnewslens%2Fnotebooks%2F01_reading_the_article.ipynb"
    )
    assert all((paths.REPO_ROOT / link.path).is_file() for link in links)
    assert cli_main(["links", "--hub", "https://hub.example.edu", "--repo", repo, "--branch", "fall"]) == 0
    out = capsys.readouterr().out
    assert out.count("/hub/user-redirect/git-pull?") == len(links) and "branch=fall" in out


@pytest.mark.parametrize("hub", ["hub.example.edu", "ftp://hub.example.edu", "https://", "https://h.edu/?x=1"])
def test_a_bad_hub_url_is_one_error_line(hub: str, capsys: pytest.CaptureFixture) -> None:
    assert cli_main(["links", "--hub", hub, "--repo", "https://github.com/example/newslens"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ERROR: --hub"), err


def test_hub_base_keeps_a_path_prefix_and_drops_a_trailing_hub() -> None:
    assert hub_base("https://school.edu/jupyter/hub/") == "https://school.edu/jupyter/"
    assert pull_link("http://h.edu", "https://g.com/a/newslens.git", "main", "x.ipynb").endswith(
        "urlpath=lab%2Ftree%2Fnewslens.git%2Fx.ipynb"
    )
