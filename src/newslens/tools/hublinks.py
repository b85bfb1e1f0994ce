"""nbgitpuller links: one URL per lesson and exercise that opens it on a JupyterHub.

A link ``<hub>/hub/user-redirect/git-pull?repo=...&branch=...&urlpath=lab/tree/<folder>/<path>`` logs the
student in (if needed), starts their server, makes nbgitpuller clone the course into ``<folder>`` of their
home (or merge the newest commit into the copy they already have) and opens the notebook in JupyterLab.
``<folder>`` is what nbgitpuller names the clone by default: the last part of the repository URL (it
keeps a ``.git`` suffix, so a URL with one gives a folder with one). The links are built here, the pulling
is nbgitpuller's; see deploy/README.md for what it does with a student's changes.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from .errors import UserError
from .handouts.course import Handout, load_course


@dataclass(frozen=True)
class Link:
    """The link that opens one notebook of the course on a hub."""

    kind: str  # lesson | exercise
    lesson_id: str
    title: str
    path: str  # the notebook, relative to the course's root, e.g. notebooks/01_reading_the_article.ipynb
    url: str


def hub_base(hub: str) -> str:
    """The hub's public URL, ending in ``/`` and without a trailing ``hub/``; a UserError if it is not one."""
    parts = urlsplit(hub.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(
            f"--hub {hub!r}: not a hub URL",
            "give the address students open, e.g. --hub https://hub.example.edu",
        )
    if parts.query or parts.fragment:
        raise UserError(f"--hub {hub!r}: a hub URL has no ?query or #fragment", "give only the hub's address")
    path = parts.path.rstrip("/")
    if path.endswith("/hub") or path == "hub":
        path = path[: -len("hub")].rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}/"


def clone_folder(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into by default (its ``targetpath``): the URL's last part."""
    return repo.rstrip("/").split("/")[-1]


def origin_url(root: Path) -> str | None:
    """The course's ``git remote get-url origin``, or None where it has none."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", "origin"], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    url = done.stdout.strip()
    return url if done.returncode == 0 and url else None


def check_repo(repo: str) -> str:
    """``repo`` without a trailing ``/``; a UserError unless it is a URL a server can clone from."""
    repo = repo.strip().rstrip("/")
    parts = urlsplit(repo)
    if parts.scheme not in ("https", "http", "file", "git", "ssh") or not clone_folder(repo):
        raise UserError(
            f"--repo {repo!r}: not a git URL the hub's servers can clone",
            "give the course repository's https URL, e.g. --repo https://github.com/<owner>/newslens",
        )
    return repo


def pull_link(hub: str, repo: str, branch: str, path: str) -> str:
    """The nbgitpuller link that clones or updates ``repo`` at ``branch`` and opens ``path`` in JupyterLab."""
    urlpath = f"lab/tree/{clone_folder(repo)}/{path}"
    query = "&".join(
        f"{key}={quote(value, safe='')}" for key, value in (("repo", repo), ("branch", branch), ("urlpath", urlpath))
    )
    return f"{hub_base(hub)}hub/user-redirect/git-pull?{query}"


def course_links(course_file: Path, hub: str, repo: str, branch: str = "main") -> list[Link]:
    """One link per lesson and per exercise set, in the order of ``course.toml``.

    Each lesson is followed by its exercise set; sets that belong to no lesson (e.g. assessments) come last.
    """
    hub_base(hub)
    repo = check_repo(repo)
    if not branch.strip() or any(c.isspace() for c in branch):
        raise UserError(f"--branch {branch!r}: not a branch name", "give the branch the course is on, e.g. main")
    course = load_course(course_file, sets=("lessons", "exercises"))
    lesson_ids = {h.lesson_id for h in course.handouts["lessons"]}
    exercises = {h.lesson_id: h for h in course.handouts["exercises"] if h.lesson_id in lesson_ids}
    ordered: list[tuple[str, Handout]] = []
    for lesson in course.handouts["lessons"]:
        ordered.append(("lesson", lesson))
        if lesson.lesson_id in exercises:
            ordered.append(("exercise", exercises[lesson.lesson_id]))
    ordered += [("exercise", h) for h in course.handouts["exercises"] if h.lesson_id not in lesson_ids]
    links = []
    for kind, handout in ordered:
        path = handout.source.relative_to(course.root).as_posix()
        links.append(Link(kind, handout.lesson_id, handout.title, path, pull_link(hub, repo, branch, path)))
    return links
