"""The inputs on which the sandbox calls a student's function answer (``function_answers.toml``).

A function cannot leave the sandbox as plain data, but its results can: the kernel calls it on every input the
instructor listed and exports ``{"t": "calls", ...}``, one result per input; the trusted evaluator turns that back
into a stand-in function that answers from the results (:func:`stand_in`). The inputs are computed here, outside
the sandbox, and the evaluator pairs each result with its own copy of them, so a student's code cannot change
which input a result belongs to.
"""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: The instructor's list, beside the exercise sources (hidden from the sandbox like them).
FILE_NAME = "function_answers.toml"


@functools.cache
def _inputs(sources_dir: str, assignment: str) -> dict[str, tuple[Any, ...]]:
    import pandas as pd

    from ... import data

    path = Path(sources_dir) / FILE_NAME
    if not path.is_file():
        return {}
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8")).get(assignment, {})
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: {exc}", f"fix the TOML syntax of {FILE_NAME}") from None
    out: dict[str, tuple[Any, ...]] = {}
    for name, expression in spec.items():
        try:
            out[name] = tuple(eval(expression, {"pd": pd, "data": data}))  # noqa: S307 - the instructor's file
        except Exception as exc:
            raise UserError(
                f"{path}, [{assignment}] {name}: the inputs could not be computed ({type(exc).__name__}: {exc})",
                "give a Python expression that evaluates to a list of inputs",
            ) from None
    return out


def inputs(sources_dir: Path, assignment: str) -> dict[str, tuple[Any, ...]]:
    """Answer name -> the inputs its function is called on, for ``assignment`` (empty if none are listed)."""
    return dict(_inputs(str(sources_dir), assignment))


def encoded(sources_dir: Path, assignment: str) -> dict[str, list[Any]]:
    """The same inputs as tagged JSON, as the kernel and the evaluator read them."""
    from .kernel_side import _nl_encoder

    encode = _nl_encoder(cap=1_000_000)
    return {name: [encode(arg) for arg in args] for name, args in inputs(sources_dir, assignment).items()}


class NotPrepared(LookupError):
    """The checks called a function answer on an input the grader did not call it on."""


def stand_in(name: str, pairs: list[tuple[Any, Any]], failed: type) -> Callable[..., Any]:
    """A function that answers ``name(arg)`` from the (input, result) ``pairs`` the sandbox exported.

    ``failed`` is the type of a result that is not plain data or an exception the student's function raised
    (:class:`.plain.NotPlain`): calling with that input raises, with its reason.
    """

    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != 1:
            raise TypeError(f"`{name}` is called with one argument in these checks")
        for arg, result in pairs:
            same = arg == args[0]
            if same is True or (hasattr(same, "all") and bool(same.all())):
                if isinstance(result, failed):
                    raise ValueError(f"`{name}({arg!r})`: {getattr(result, 'why', result)}")
                return copy.deepcopy(result)
        raise NotPrepared(
            f"`{name}` was called on {args[0]!r}, an input the grader did not prepare: the instructor should add "
            f"it to instructors/exercise_sources/{FILE_NAME}"
        )

    call.__name__ = call.__qualname__ = name
    return call
