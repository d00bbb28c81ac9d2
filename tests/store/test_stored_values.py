"""Readers of stored values: a damaged value of any type is a JournalError, never a crash."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kirinuki.errors import JournalError
from kirinuki.store.sqlite.db import stored_json, stored_time


def test_stored_time_reads_iso_text() -> None:
    assert stored_time("2024-09-10T08:15:00+09:00") == datetime(
        2024, 9, 10, 8, 15, tzinfo=timezone(timedelta(hours=9)))


@pytest.mark.parametrize("value", ["2024-09-1\u2035T08:15:00", "", 20240910, None, b"2024-09-10"])
def test_a_damaged_time_is_a_journal_error(value: object) -> None:
    with pytest.raises(JournalError, match="damaged date"):
        stored_time(value)


def test_stored_json_reads_text_and_bytes() -> None:
    assert stored_json('["a", 1]') == ["a", 1]
    assert stored_json(b'{"k": null}') == {"k": None}


@pytest.mark.parametrize("value", ["[1, 2", 7, None, 1.5])
def test_a_damaged_json_value_is_a_journal_error(value: object) -> None:
    with pytest.raises(JournalError, match="damaged value"):
        stored_json(value)
