"""The one settings object: SOUSEI_* variables read at the edge by Config.load, overrides winning."""

from __future__ import annotations

import logging

import pytest

from chat.config import NOTICE_SECONDS, NOTICE_SECONDS_ENV, Config


def test_notice_seconds_come_from_the_environment_and_an_override_wins(monkeypatch):
    monkeypatch.delenv(NOTICE_SECONDS_ENV, raising=False)
    assert Config.load().notice_seconds == NOTICE_SECONDS == 20.0
    monkeypatch.setenv(NOTICE_SECONDS_ENV, " 1.5 ")
    assert Config.load().notice_seconds == 1.5
    assert Config.load(notice_seconds=3).notice_seconds == 3.0


@pytest.mark.parametrize("wrong", ["soon", "0", "-3", "nan", "inf", "1e999"])
def test_notice_seconds_that_are_no_positive_number_are_warned_of_and_not_used(monkeypatch, caplog, wrong):
    monkeypatch.setenv(NOTICE_SECONDS_ENV, wrong)
    with caplog.at_level(logging.WARNING, logger="sousei.config"):
        assert Config.load().notice_seconds == NOTICE_SECONDS
    assert f"{NOTICE_SECONDS_ENV}={wrong!r} is not a positive number of seconds" in caplog.text
