"""Environment switches (issue 16 item 7): exactly `1`, `true`, `yes` (any case) turn a
boolean switch on; every other value, unset and empty included, leaves it off."""

from __future__ import annotations

import pytest

from kirinuki.config import ALLOW_PRIVATE_ENV, allow_private_from_env, env_flag
from kirinuki.journal import Journal
from kirinuki.journal.capture import make_fetcher

ON = ["1", "true", "yes", "TRUE", "True", "YES", "Yes"]
OFF = ["0", "false", "no", "", "off", "on", "2", "-1", "00", "y", "n", "none", "null",
       " 1", "1 ", "true\n", "yes please", "ja", "はい", "１", "disabled"]


@pytest.mark.parametrize("value", ON)
def test_the_guard_is_lowered_only_by_the_words_for_on(monkeypatch: pytest.MonkeyPatch,
                                                       journal: Journal, value: str) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, value)
    assert allow_private_from_env() is True
    assert make_fetcher(journal).allow_private is True


@pytest.mark.parametrize("value", OFF)
def test_any_other_value_keeps_the_guard_on(monkeypatch: pytest.MonkeyPatch,
                                            journal: Journal, value: str) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, value)
    assert allow_private_from_env() is False
    assert make_fetcher(journal).allow_private is False


def test_unset_is_off(monkeypatch: pytest.MonkeyPatch, journal: Journal) -> None:
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)
    assert allow_private_from_env() is False
    assert env_flag("KIRINUKI_NO_SUCH_SWITCH") is False
    assert make_fetcher(journal).allow_private is False
