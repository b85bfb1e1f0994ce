"""The Try-it machinery: verdicts and messages for right, known-wrong, unknown-wrong, untried and broken answers."""

from __future__ import annotations

import pytest

from newslens import tryit

CHALLENGE = tryit.Challenge(
    name="99.sum",
    lesson="99",
    task="Add 2 and 3.",
    is_right=lambda a: a == 5,
    success="5 it is.",
    mistakes=(tryit.Mistake(lambda a: a == 23, "You joined the digits as text: add the numbers."),),
)


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    monkeypatch.setitem(tryit._REGISTRY, CHALLENGE.name, CHALLENGE)


def test_right_answer_gets_the_success_message(capsys):
    assert tryit.check("99.sum", 5) is True
    assert "5 it is." in capsys.readouterr().out


def test_known_mistake_gets_its_own_message(capsys):
    assert tryit.check("99.sum", 23) is False
    assert "joined the digits" in capsys.readouterr().out


def test_unknown_mistake_gets_the_fallback_and_a_broken_answer_no_traceback(capsys):
    assert tryit.feedback("99.sum", 4) == (False, CHALLENGE.fallback)

    # An answer the test cannot even compare (a == raises) is a wrong answer with a message, not an exception.
    class Awkward:
        def __eq__(self, other):
            raise TypeError("cannot compare")

    assert tryit.feedback("99.sum", Awkward())[0] is False


def test_untried_answer_is_not_a_failure(capsys):
    assert tryit.check("99.sum", ...) is None
    assert "Not tried yet" in capsys.readouterr().out


def test_unknown_challenge_names_the_known_ones():
    with pytest.raises(KeyError, match="99.sum"):
        tryit.feedback("99.nope", 1)


def test_registering_a_name_twice_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        tryit.register(CHALLENGE)


def test_misconceptions_list_every_known_mistake_of_a_lesson():
    assert ("99.sum", "You joined the digits as text: add the numbers.") in tryit.misconceptions("99")
