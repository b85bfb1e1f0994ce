"""The suite must notice an accidental download: outbound connections fail inside tests."""

from __future__ import annotations

import socket

import pytest

from newslens.setup_check import check_offline


def test_outbound_connections_are_blocked_during_tests():
    with pytest.raises(Exception, match="(?i)block|not allowed|tried to use socket"):
        socket.create_connection(("93.184.215.14", 80), timeout=2)


def test_setup_check_reports_code_that_tries_to_download():
    def downloads() -> None:
        socket.create_connection(("93.184.215.14", 80), timeout=2)

    result = check_offline(downloads)
    assert not result.ok
    assert "93.184.215.14" in result.found
