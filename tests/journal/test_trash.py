"""The trash and dated entries (issue 19): deleted entries, groups and clips come back where
they were, with their ids; ids stay unused after a purge; permalinks follow dates."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kirinuki.errors import InputError, NotFoundError
from kirinuki.journal import Journal, entry_text, get_entry, import_paths
from kirinuki.journal.composing import (
    apply_text,
    moved_permalink,
    new_entry,
    parse_when,
    publish_entry,
    set_entry,
)
from kirinuki.journal.editing import delete_clip
from kirinuki.journal.trash import purge, restore, trash_entry, trash_list


def _import(journal: Journal, tmp_path: Path, name: str, text: str) -> int:
    (tmp_path / name).write_text(text, encoding="utf-8")
    import_paths(journal, [str(tmp_path / name)])
    return get_entry(journal, "/entry/" + name[:10].replace("-", "/") + "/" + name[11:17]).id or 0


def test_a_deleted_clip_comes_back_where_it_was(journal: Journal, tmp_path: Path) -> None:
    eid = _import(journal, tmp_path, "2024-09-03_081500.txt", "甲。\n乙。\n丙。\n#外交")
    before = entry_text(journal, str(eid))
    middle = get_entry(journal, eid).clips[1]
    delete_clip(journal, middle.id or 0)
    assert [c.text for c in get_entry(journal, eid).clips] == ["甲。", "丙。"]
    back, pieces = restore(journal, eid)
    assert pieces == 1 and entry_text(journal, str(eid)) == before
    assert back.clips[1].id == middle.id


def test_a_group_removed_by_an_edit_comes_back_in_its_place(journal: Journal,
                                                            tmp_path: Path) -> None:
    eid = _import(journal, tmp_path, "2024-09-03_081500.txt",
                  "甲。\n#一\n\n乙。\n乙の二。\n#二\n\n丙。\n#三")
    before = entry_text(journal, str(eid))
    ids = [c.id for c in get_entry(journal, eid).clips]
    edit = apply_text(journal, str(eid), "甲。\n#一\n\n丙。\n#三")
    assert edit.removed == 2 and edit.tags_removed == ["二"]
    restore(journal, eid)
    assert entry_text(journal, str(eid)) == before
    assert [c.id for c in get_entry(journal, eid).clips] == ids


def test_ids_stay_unused_after_a_purge(journal: Journal, tmp_path: Path) -> None:
    eid = _import(journal, tmp_path, "2024-09-03_081500.txt", "甲。\n#一")
    clip = get_entry(journal, eid).clips[0].id or 0
    trash_entry(journal, str(eid))
    assert purge(journal, 1) == 0, "deleted just now: younger than a day"
    assert purge(journal) == 1
    with pytest.raises(NotFoundError):
        restore(journal, eid)
    fresh = _import(journal, tmp_path, "2024-09-04_081500.txt", "甲。\n#一")
    assert fresh > eid and (get_entry(journal, fresh).clips[0].id or 0) > clip
    assert trash_list(journal) == []
    with pytest.raises(InputError):
        purge(journal, -1)


def test_purge_older_than_days_uses_the_deletion_time(journal: Journal, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    old = _import(journal, tmp_path, "2024-09-03_081500.txt", "古い。\n#一")
    trash_entry(journal, str(old))
    later = journal.now() + timedelta(days=10)
    monkeypatch.setattr(type(journal), "now", lambda self: later)
    young = _import(journal, tmp_path, "2024-09-04_081500.txt", "新しい。\n#一")
    trash_entry(journal, str(young))
    assert purge(journal, 5) == 1
    assert [t.entry_id for t in trash_list(journal)] == [young]


def test_permalinks_follow_the_date_and_old_ones_redirect(journal: Journal) -> None:
    e = new_entry(journal, at=parse_when("2024-09-03 08:15", journal))
    assert e.permalink is None and e.status == "draft"
    set_entry(journal, str(e.id), at=parse_when("2024-09-03 09:00", journal))
    e = publish_entry(journal, str(e.id))
    assert e.permalink == "/entry/2024/09/03/090000"
    e = set_entry(journal, str(e.id), at=parse_when("2024-09-04", journal))
    assert e.permalink == "/entry/2024/09/04/000000"
    assert moved_permalink(journal, "/entry/2024/09/03/090000") == e.permalink
    # An address not made from the date (a Hatena custom URL) stays as it is.
    custom = new_entry(journal, at=parse_when("2024-09-05 10:00", journal))
    custom.permalink = "/entry/my-own-words"
    from kirinuki.journal.editing import replace_entry
    replace_entry(journal, custom)
    moved = set_entry(journal, str(custom.id), at=parse_when("2024-09-06 10:00", journal))
    assert moved.permalink == "/entry/my-own-words"


@pytest.mark.parametrize("bad", ["2024-02-30", "2024-09-03 25:00", "yesterday", "", "2024/09/03",
                                 "2024-09-03T08:00"])
def test_parse_when_refuses_what_is_not_a_date(journal: Journal, bad: str) -> None:
    if bad == "2024-09-03T08:00":  # the ISO form without an offset is the journal's time
        assert parse_when(bad, journal).hour == 8
        return
    with pytest.raises(InputError):
        parse_when(bad, journal)
