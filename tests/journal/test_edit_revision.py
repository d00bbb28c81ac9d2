"""An entry rewritten from its edited text (`kirinuki entries edit`) is checked against the
revision it was read at, not its `updated` time: another write landing in the same second is
refused, never overwritten (issue 24)."""

from __future__ import annotations

from datetime import datetime

import pytest

from kirinuki.errors import StaleRevisionError
from kirinuki.journal import Journal, get_entry
from kirinuki.journal.composing import apply_text, entry_clip_text
from kirinuki.journal.core import Journal as JournalClass
from kirinuki.journal.editing import add_group
from kirinuki.model import Clip, Group, TagLine, TagRef


def test_a_write_in_the_same_second_is_not_overwritten(journal: Journal,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    still = datetime(2025, 7, 1, 8, 0, 0, tzinfo=journal.tz)
    monkeypatch.setattr(JournalClass, "now", lambda self: still)  # every write, one second
    eid = add_group(journal, None, Group([Clip(text="最初の段落。")],
                                         [TagLine([TagRef("一")])])).id or 0
    read = get_entry(journal, eid)
    text = entry_clip_text(read)
    other = add_group(journal, eid, Group([Clip(text="ほかの人の段落。")], [TagLine([TagRef("二")])]))
    assert other.updated == read.updated  # the old check could not tell them apart
    with pytest.raises(StaleRevisionError, match="changed by someone else.*nothing saved"):
        apply_text(journal, str(eid), text.replace("最初", "直した"), expected=read.revision)
    assert [c.text for c in get_entry(journal, eid).clips] == ["最初の段落。", "ほかの人の段落。"]
    # Read again, the same edit goes through.
    again = get_entry(journal, eid)
    edit = apply_text(journal, str(eid), entry_clip_text(again).replace("最初", "直した"),
                      expected=again.revision)
    assert [c.text for c in edit.entry.clips] == ["直したの段落。", "ほかの人の段落。"]
    assert edit.entry.revision == again.revision + 1
