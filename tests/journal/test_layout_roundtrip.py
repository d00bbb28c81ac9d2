"""Damaged tag lines, mixed line ends and lines of space through the journal: stored, edited and
exported (clip text, JSON Lines, MT), everything comes back byte for byte with the meant tags;
and no route stores a clip without visible text (issue 16, items 4 and 5)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kirinuki.errors import InputError
from kirinuki.journal import (
    Journal,
    entry_text,
    export_jsonl,
    export_text_folder,
    get_entry,
    import_paths,
    init_journal,
)
from kirinuki.journal.editing import add_group, edit_clip, rename_tag
from kirinuki.journal.hatena import export_mt
from kirinuki.journal.pasting import add_text
from kirinuki.journal.queries import tag_counts
from kirinuki.model import Clip, Group, TagLine, TagRef
from kirinuki.text.spaces import is_blank

# File name -> clip text as copy and paste leaves it.
PAGES = {
    "2024-09-01_080000.txt": (
        "https://kirinuki.test\r\n\r\n一つ目の段落。\r\n#NATO \r\n\r\n二つ目の段落。\n"
        "＃ウクライナ＃ロシア\r\n\r\nkirinuki.test\r\n"),
    "2024-09-02_080000.txt": (
        "\u3000\n本文です。\n \n\u3000\n#NATO #ロシア\u00a0\n\u00a0\t\n次の段落。\n"
        "\u3000＃ウクライナ\u3000＃ロシア\n\n#1 の理由は加盟国の反対だ。\n"
        "#円安(日銀総裁「急激な変動は\n"),
    "2024-09-03_080000.txt": "古い改行の段落。\r#a＃b\r\r次。\r\n#c\n\u200b",
}
MEANT = {
    "2024-09-01_080000.txt": [["NATO"], ["ウクライナ", "ロシア"]],
    "2024-09-02_080000.txt": [["NATO", "ロシア"], ["ウクライナ", "ロシア"], ["円安"]],
    "2024-09-03_080000.txt": [["a", "b"], ["c"]],
}


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in PAGES.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    return folder


def _by_name(j: Journal) -> dict[str, int]:
    rows = j.store.conn.execute("SELECT id, published FROM entries ORDER BY published").fetchall()
    return {name: int(r[0]) for name, r in zip(sorted(PAGES), rows, strict=True)}


def _no_blank_clips(j: Journal) -> None:
    texts = [str(r[0]) for r in j.store.conn.execute("SELECT text FROM clips")]
    assert texts and not [t for t in texts if is_blank(t)]


def test_imported_pages_have_the_meant_tags_and_export_byte_for_byte(
        journal: Journal, pages: Path, tmp_path: Path) -> None:
    import_paths(journal, [str(pages)])
    for name, eid in _by_name(journal).items():
        entry = get_entry(journal, eid)
        assert [[t.name for t in g.tags] for g in entry.groups if g.tags] == MEANT[name], name
        assert entry_text(journal, str(eid)) == PAGES[name]
    _no_blank_clips(journal)
    out = tmp_path / "out"
    export_text_folder(journal, out)
    for name, text in PAGES.items():
        assert (out / name).read_bytes() == text.encode("utf-8")
    # Only entries with something odd carry raw layout.
    plain = import_paths(journal, [str(_one(tmp_path, "2024-09-04_080000.txt", "本文。\n#t\n"))])
    assert plain.entries_added == 1
    stored = journal.store.conn.execute(
        "SELECT raw_layout FROM entries ORDER BY published").fetchall()
    assert [r[0] is None for r in stored] == [False, False, False, True]


def _one(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def test_jsonl_and_mt_round_trips(journal: Journal, pages: Path, tmp_path: Path) -> None:
    import_paths(journal, [str(pages)])
    first = io.BytesIO()
    export_jsonl(journal, first)
    (tmp_path / "a.jsonl").write_bytes(first.getvalue())
    other = init_journal(str(tmp_path / "other.db"), "別", ["kirinuki.test"])
    try:
        import_paths(other, [str(tmp_path / "a.jsonl")])
        second = io.BytesIO()
        export_jsonl(other, second)
        assert second.getvalue() == first.getvalue()
        for eid in _by_name(other).values():
            assert entry_text(other, str(eid)) in PAGES.values()
    finally:
        other.close()
    mt = io.StringIO()
    export_mt(journal, mt)
    assert "<p>＃ウクライナ＃ロシア</p>" in mt.getvalue()  # the tag line as written
    (tmp_path / "a.export.txt").write_text(mt.getvalue(), encoding="utf-8")
    third = init_journal(str(tmp_path / "third.db"), "別", ["kirinuki.test"])
    try:
        import_paths(third, [str(tmp_path / "a.export.txt")])
        again = io.StringIO()
        export_mt(third, again)
        assert again.getvalue() == mt.getvalue()
        tags = [[t.name for t in g.tags] for eid in _by_name(third).values()
                for g in get_entry(third, eid).groups if g.tags]
        assert tags == [t for name in sorted(MEANT) for t in MEANT[name]]
    finally:
        third.close()


def test_edits_keep_how_other_lines_were_written(journal: Journal, pages: Path) -> None:
    import_paths(journal, [str(pages)])
    eid = _by_name(journal)["2024-09-01_080000.txt"]
    rename_tag(journal, "ウクライナ", "Ukraine")
    assert entry_text(journal, str(eid)) == PAGES["2024-09-01_080000.txt"].replace(
        "＃ウクライナ＃ロシア", "＃Ukraine＃ロシア")
    entry = get_entry(journal, eid)
    edit_clip(journal, entry.clips[0].id or 0, "直した段落。")
    entry = add_group(journal, str(eid), Group([Clip("足した段落。")], [TagLine([TagRef("新")])]))
    text = entry_text(journal, str(eid))
    assert text == ("https://kirinuki.test\r\n\r\n直した段落。\r\n#NATO \r\n\r\n二つ目の段落。\n"
                    "＃Ukraine＃ロシア\r\n\r\n足した段落。\r\n#新\r\n\r\nkirinuki.test\r\n")
    assert rename_tag(journal, "＃NATO", "＃北大西洋条約機構") == 2  # markers of either width
    assert "#北大西洋条約機構 \r\n" in entry_text(journal, str(eid))


def test_jsonl_clips_without_visible_text_become_blank_lines(journal: Journal,
                                                             tmp_path: Path) -> None:
    record = {"type": "entry", "key": "old:1", "layout": {"newline": "\r\n"}, "groups": [
        {"items": [{"clip": {"text": "本文。"}}, {"clip": {"text": "\u3000"}},
                   {"clip": {"text": " \u200b", "blank_after": 1}}],
         "tag_lines": [{"tags": [{"name": "タグ"}]}]}]}
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    import_paths(journal, [str(path)])
    entry = get_entry(journal, 1)
    assert [c.text for c in entry.clips] == ["本文。"]
    assert entry_text(journal, "1") == "本文。\r\n\u3000\r\n \u200b\r\n\r\n#タグ"


@pytest.mark.parametrize("text", ["", " ", "\u3000", "\u00a0\t", "\u200b", "\ufeff", "a\nb",
                                  "a\rb"])
def test_editing_routes_refuse_clips_without_visible_text(journal: Journal, text: str) -> None:
    with pytest.raises(InputError):
        add_group(journal, None, Group([Clip(text)], []))
    entry = add_group(journal, None, Group([Clip("本文。")], []))
    with pytest.raises(InputError):
        edit_clip(journal, entry.clips[0].id or 0, text)
    assert [c.text for c in get_entry(journal, entry.id or 0).clips] == ["本文。"]


def test_paste_keeps_lines_of_space_out_of_the_clips(journal: Journal) -> None:
    pasted = "一つ目。\r\n\u3000\r\n \r\n二つ目。\r\n\u00a0\r\n#タグ \r\n\u200b\r\n"
    result = add_text(journal, pasted.encode("utf-8"))
    assert [c.text for c in result.entry.clips] == ["一つ目。", "二つ目。"]
    assert [t.name for t in result.entry.tags] == ["タグ"]
    with pytest.raises(InputError, match="no clips"):
        add_text(journal, "\u3000\n \n\t\n".encode())
    # The pasted group takes the entry's line ends; only the tag line keeps its space.
    assert entry_text(journal, str(result.entry.id)).endswith("一つ目。\n二つ目。\n#タグ \n\nwww.kirinuki.test")
    # Also where the paste mixes line ends (its usual LF, one CRLF).
    result = add_text(journal, "三つ目。\r\n四つ目。\n五つ目。\n#次\n".encode())
    assert entry_text(journal, str(result.entry.id)).endswith(
        "三つ目。\n四つ目。\n五つ目。\n#次\n\nwww.kirinuki.test")


MT_SPACERS = """AUTHOR: a
TITLE: 空白の段落
BASENAME: 2024/01/01/000000
DATE: 01/01/2024 00:00:00
CATEGORY: 甲
CATEGORY: ＃ハッシュ
-----
BODY:
<p>本文一</p>
<p>&nbsp;</p>
<p>\u3000</p>
<p>\u200b</p>
<p>本文二</p>
<p>#NATO\u00a0#ロシア</p>
-----
--------
"""


def test_mt_import_makes_no_clip_of_a_spacer_paragraph(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "blog.export.txt"
    path.write_text(MT_SPACERS, encoding="utf-8")
    import_paths(journal, [str(path)])
    entry = get_entry(journal, 1)
    assert [c.text for c in entry.clips] == ["本文一", "本文二"]
    # Categories stay as written, apart from the content; a leading marker is no part of
    # their tag key (it used to drop the category).
    assert [t.name for t in entry.tags] == ["NATO", "ロシア"]
    assert entry.categories == ["甲", "＃ハッシュ"]
    assert {t.key for t in tag_counts(journal)} == {"nato", "ロシア", "甲", "ハッシュ"}
    _no_blank_clips(journal)


def test_cli_add_keeps_lines_of_space_out_of_the_clips(cli, tmp_path: Path) -> None:  # noqa: ANN001
    assert cli("init", "--host", "kirinuki.test").exit_code == 0
    r = cli("add", "-", input="本文。\n\u3000\n\u00a0\n#タグ\u3000\n".encode())
    assert r.exit_code == 0 and "added 1 clip(s)" in r.output, r.output
    r = cli("add", "-", input=" \n\u3000\n".encode())
    assert r.exit_code == 1 and "no clips" in r.output
    r = cli("entries", "show", "1", "--json")
    groups = json.loads(r.output)["groups"]
    assert [[c["text"] for c in g["clips"]] for g in groups] == [["本文。"]]
    assert [g["tags"] for g in groups] == [["タグ"]]


def test_a_file_with_cr_line_ends_is_read_line_by_line(journal: Journal, tmp_path: Path) -> None:
    # Long enough that read as one line (split at LF only) it would pass the line limit.
    text = "\r".join([f"{i}番目の段落、" + "あ" * 900 for i in range(1200)] + ["#タグ", ""])
    path = _one(tmp_path, "2024-09-05_080000.txt", text)
    assert import_paths(journal, [str(path)]).entries_added == 1
    entry = get_entry(journal, 1)
    assert len(entry.clips) == 1200 and [t.name for t in entry.tags] == ["タグ"]
    assert entry_text(journal, "1") == text


MT_QUOTE = """AUTHOR: a
TITLE: 引用
BASENAME: 2024/01/02/000000
DATE: 01/02/2024 00:00:00
-----
BODY:
<p>地の文です。</p>
<p>&nbsp;</p>
<p>\u3000</p>
<blockquote cite="https://news.example.jp/a"><p>引用した段落です。</p>
<cite><a href="https://news.example.jp/a">記事</a></cite></blockquote>
-----
--------
"""


def test_spacer_paragraphs_do_not_shift_quote_sources(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "quote.export.txt"
    path.write_text(MT_QUOTE, encoding="utf-8")
    import_paths(journal, [str(path)])
    clips = get_entry(journal, 1).clips
    assert [c.text for c in clips] == ["地の文です。", "引用した段落です。"]
    assert clips[0].citation is None
    assert clips[1].citation is not None and clips[1].citation.url == "https://news.example.jp/a"


def test_an_untagged_last_group_reads_back_without_the_footer_as_a_clip(
        journal: Journal, tmp_path: Path) -> None:
    """A group added without a tag line to an entry with a footer and no blank lines: its
    clip text, read back (as `entries edit` does), gives the same clips and the footer."""
    from kirinuki.journal.composing import apply_text, entry_clip_text

    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "2024-09-04_080000.txt").write_text("一つ目。\n#NATO\n\nkirinuki.test\n")
    import_paths(journal, [folder])
    (eid,) = [int(r[0]) for r in journal.store.conn.execute("SELECT id FROM entries")]
    entry = add_group(journal, str(eid), Group([Clip(text="タグのない段落。")], []))
    text = entry_clip_text(entry)
    after = apply_text(journal, str(entry.id), text, expected=entry.revision).entry
    assert [c.text for c in after.clips] == ["一つ目。", "タグのない段落。"]
    assert after.footer is not None and after.footer.text == "kirinuki.test"
    assert entry_clip_text(after) == text

