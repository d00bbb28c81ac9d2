"""Editing use-cases: today's draft, adding groups, editing, deleting, publishing, tags."""

from __future__ import annotations

import pytest

from kirinuki.errors import InputError, NotFoundError
from kirinuki.journal import Journal, entry_text, import_paths, tag_counts
from kirinuki.journal.editing import (
    add_group,
    delete_clip,
    delete_entry,
    edit_clip,
    rename_tag,
    set_status,
    todays_draft,
)
from kirinuki.model import Clip, Group, Status, TagLine, TagRef
from kirinuki.text.cliptext import parse


def _group(*texts: str, tags: tuple[str, ...] = ("タグ",)) -> Group:
    return Group([Clip(t) for t in texts], [TagLine([TagRef(t) for t in tags])])


def test_todays_draft_is_created_once_with_the_journal_layout(journal: Journal) -> None:
    first = todays_draft(journal)
    assert first.status is Status.DRAFT and first.permalink is None
    assert first.published is not None and first.published.date() == journal.now().date()
    assert [h.url for h in first.header] == ["https://kirinuki.test", "https://www.kirinuki.test"]
    assert first.footer is not None and first.footer.text == "www.kirinuki.test"
    assert todays_draft(journal).id == first.id


def test_add_group_renders_as_clip_text(journal: Journal) -> None:
    entry = add_group(journal, None, _group("一つ目の段落。", "二つ目の段落。", tags=("速報", "経済")))
    entry = add_group(journal, "today", _group("三つ目。", tags=("続報",)))
    text = entry_text(journal, str(entry.id))
    assert text == (
        "https://kirinuki.test\nhttps://www.kirinuki.test\n\n"
        "一つ目の段落。\n二つ目の段落。\n#速報#経済\n\n三つ目。\n#続報\n\nwww.kirinuki.test"
    )
    assert parse(text).groups[1].clips[0].text == "三つ目。"
    assert all(c.id for c in entry.clips)


def test_add_group_refuses_bad_input(journal: Journal) -> None:
    with pytest.raises(InputError, match="at least one clip"):
        add_group(journal, None, Group([], [TagLine([TagRef("x")])]))
    with pytest.raises(InputError, match="not a valid tag"):
        add_group(journal, None, _group("本文。", tags=("二つの 語",)))
    with pytest.raises(NotFoundError):
        add_group(journal, "999", _group("本文。"))


def test_edit_and_delete_clip(journal: Journal) -> None:
    entry = add_group(journal, None, _group("残す。", "消す。"))
    keep, drop = entry.clips
    assert keep.id is not None and drop.id is not None
    entry = edit_clip(journal, keep.id, "直した。")
    assert [c.text for c in entry.clips] == ["直した。", "消す。"]
    assert entry.clips[0].id == keep.id, "clip ids survive a rewrite"
    entry = delete_clip(journal, drop.id)
    assert [c.text for c in entry.clips] == ["直した。"]
    with pytest.raises(NotFoundError):
        delete_clip(journal, drop.id)
    with pytest.raises(InputError):
        edit_clip(journal, keep.id, "二行\nある")


def test_publish_assigns_permalink_and_unpublish_keeps_it(journal: Journal) -> None:
    entry = add_group(journal, None, _group("本文。"))
    published = set_status(journal, str(entry.id), Status.PUBLISHED)
    assert published.permalink is not None and published.permalink.startswith("/entry/")
    assert published.status is Status.PUBLISHED
    again = set_status(journal, published.permalink, Status.DRAFT)
    assert again.status is Status.DRAFT and again.permalink == published.permalink
    delete_entry(journal, str(entry.id))
    with pytest.raises(NotFoundError):
        set_status(journal, str(entry.id), Status.PUBLISHED)


def test_rename_tag_merges_and_keeps_an_alias(journal: Journal, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "2024-01-01_000000.txt").write_text("甲。\n#ロシア情勢", encoding="utf-8")
    (tmp_path / "2024-01-02_000000.txt").write_text("乙。\n#露情勢#経済", encoding="utf-8")
    import_paths(journal, [str(tmp_path)])
    assert rename_tag(journal, "#露情勢", "ロシア情勢") == 1
    counts = {t.display: t.groups for t in tag_counts(journal)}
    assert counts == {"ロシア情勢": 2, "経済": 1}
    assert entry_text(journal, "/entry/2024/01/02/000000") == "乙。\n#ロシア情勢#経済"
    (tmp_path / "2024-01-03_000000.txt").write_text("丙。\n#露情勢", encoding="utf-8")
    import_paths(journal, [str(tmp_path / "2024-01-03_000000.txt")])
    counts = {t.display: t.groups for t in tag_counts(journal)}
    assert counts["ロシア情勢"] == 3, "the old name is an alias of the new tag"
    with pytest.raises(NotFoundError):
        rename_tag(journal, "存在しない", "x")


def test_rename_tag_reaches_groups_written_with_an_alias(journal: Journal, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "2024-01-01_000000.txt").write_text("甲。\n#核", encoding="utf-8")
    import_paths(journal, [str(tmp_path)])
    rename_tag(journal, "核", "NATO")  # 核 becomes an alias of NATO
    rename_tag(journal, "nato", "核")  # the same tag, shown as 核 again (its key stays nato)
    # The group is written #核 (an alias key), and still belongs to the tag renamed next:
    assert rename_tag(journal, "nato", "露") == 1
    assert entry_text(journal, "/entry/2024/01/01/000000") == "甲。\n#露"
    assert {t.display: t.groups for t in tag_counts(journal)} == {"露": 1}
    assert rename_tag(journal, "核", "米") == 1, "an alias names the tag it points to"


def test_rename_onto_a_name_that_became_another_tags_alias(journal: Journal, tmp_path) -> None:  # noqa: ANN001
    # Issue 19: the steps that ended in a FOREIGN KEY traceback.
    (tmp_path / "2024-01-01_000000.txt").write_text("演説。\n#年頭演説", encoding="utf-8")
    import_paths(journal, [str(tmp_path / "2024-01-01_000000.txt")])
    delete_entry(journal, "/entry/2024/01/01/000000")
    rename_tag(journal, "年頭演説", "米国")  # 年頭演説 is now an alias of 米国
    (tmp_path / "2024-01-02_000000.txt").write_text("声明。\n#米国#反ロシア", encoding="utf-8")
    import_paths(journal, [str(tmp_path / "2024-01-02_000000.txt")])
    assert rename_tag(journal, "反ロシア", "年頭演説") == 1
    # The name is taken back for a tag of its own: 米国 keeps its name and its group.
    assert entry_text(journal, "/entry/2024/01/02/000000") == "声明。\n#米国#年頭演説"
    assert {t.display: t.groups for t in tag_counts(journal)} == {"米国": 1, "年頭演説": 1}
    # Later imports of #反ロシア land on the renamed tag; #年頭演説 names it too.
    (tmp_path / "2024-01-03_000000.txt").write_text("続報。\n#反ロシア", encoding="utf-8")
    import_paths(journal, [str(tmp_path / "2024-01-03_000000.txt")])
    assert {t.display: t.groups for t in tag_counts(journal)} == {"米国": 1, "年頭演説": 2}
    assert journal.store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_merge_tags_moves_every_group_and_keeps_aliases(journal: Journal, tmp_path) -> None:  # noqa: ANN001
    from kirinuki.journal.editing import merge_tags

    (tmp_path / "2024-01-01_000000.txt").write_text("甲。\n#露#ロシア\n\n乙。\n#露西亜", encoding="utf-8")
    import_paths(journal, [str(tmp_path)])
    assert merge_tags(journal, ["露", "#露西亜"], "ロシア") == 2
    assert entry_text(journal, "/entry/2024/01/01/000000") == "甲。\n#ロシア#ロシア\n\n乙。\n#ロシア"
    assert {t.display: t.groups for t in tag_counts(journal)} == {"ロシア": 2}
    with pytest.raises(NotFoundError):
        merge_tags(journal, ["ロシア"], "無い")
    with pytest.raises(InputError):
        merge_tags(journal, ["露"], "ロシア")  # 露 is an alias of ロシア now
    (tmp_path / "2024-01-02_000000.txt").write_text("丙。\n#米国#英国", encoding="utf-8")
    import_paths(journal, [str(tmp_path / "2024-01-02_000000.txt")])
    with pytest.raises(NotFoundError):  # all or nothing: the known source is not merged
        merge_tags(journal, ["英国", "無い"], "米国")
    assert {t.display for t in tag_counts(journal)} == {"ロシア", "米国", "英国"}
