"""In-lesson "Try it" challenges: a few lines for the student to write, checked with a message.

A lesson poses a challenge right after the idea it practises, in three cells: a Markdown cell with the task and,
folded away in ``<details>`` elements, a hint and a solution; a code cell where the student writes the answer
(it starts as ``answer = ...``); and a check cell, ``tryit.check("02.points", answer)``.

The checks live here, not in the notebook, so that reading the check cell does not give the answer away. Each
challenge lists its known mistakes with the message that explains them: :func:`misconceptions` hands those to the
instructor guide, which is generated from them and from the exercise checks (one source of truth).

An answer still ``...`` (Ellipsis) is "not tried yet", never a failure: a lesson handout built from the notebook
shows the prompt, and a student's first run of the lesson does not stop on an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Challenge", "Mistake", "check", "challenges", "misconceptions", "register"]


@dataclass(frozen=True)
class Mistake:
    """A wrong answer the course has seen or expects, and what to tell the student who gives it."""

    matches: Callable[[Any], bool]
    message: str


@dataclass(frozen=True)
class Challenge:
    """One challenge: what a right answer satisfies, and the known mistakes to recognise first."""

    name: str
    lesson: str
    task: str
    is_right: Callable[[Any], bool]
    success: str
    mistakes: tuple[Mistake, ...] = field(default_factory=tuple)
    #: Said when the answer is wrong in a way no known mistake describes.
    fallback: str = "Not yet: compare your answer with the task, then open the hint."


_REGISTRY: dict[str, Challenge] = {}


def register(challenge: Challenge) -> Challenge:
    """Add a challenge to the registry (its name must be new); returns it, so it can be kept in a module."""
    if challenge.name in _REGISTRY:
        raise ValueError(f"a Try-it challenge named {challenge.name!r} is already registered")
    _REGISTRY[challenge.name] = challenge
    return challenge


def _load_all() -> None:
    # The lessons' challenges are defined in newslens.challenges; importing it registers them.
    from . import challenges as _challenges  # noqa: F401


def challenges(lesson: str | None = None) -> list[Challenge]:
    """Every registered challenge, in the order defined, or only one lesson's (by its course.toml id)."""
    _load_all()
    return [c for c in _REGISTRY.values() if lesson is None or c.lesson == lesson]


def misconceptions(lesson: str | None = None) -> list[tuple[str, str]]:
    """(challenge name, known-mistake message) pairs, for the instructor guide."""
    return [(c.name, m.message) for c in challenges(lesson) for m in c.mistakes]


def _safely(test: Callable[[Any], bool], answer: Any) -> bool:
    # A student's answer of the wrong type must get a message, not a traceback from inside the check.
    try:
        return bool(test(answer))
    except Exception:
        return False


def feedback(name: str, answer: Any) -> tuple[bool | None, str]:
    """The verdict on an answer (None: not tried yet) and the message for it."""
    _load_all()
    try:
        challenge = _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"no Try-it challenge named {name!r}; known: {known}") from None
    if answer is Ellipsis:
        return None, "Not tried yet: replace the ... in the cell above with your answer, run it, then run this cell."
    if _safely(challenge.is_right, answer):
        return True, challenge.success
    for mistake in challenge.mistakes:
        if _safely(mistake.matches, answer):
            return False, mistake.message
    return False, challenge.fallback


def check(name: str, answer: Any) -> bool | None:
    """Print the verdict on a student's answer to challenge ``name``; returns it (None: not tried yet)."""
    verdict, message = feedback(name, answer)
    mark = {True: "✔ Right.", False: "✘ Not yet.", None: "…"}[verdict]
    print(f"{mark} {message}" if verdict is not False else f"{mark} {message.removeprefix('Not yet: ')}")
    return verdict
