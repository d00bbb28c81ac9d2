"""Clip text layout: line ends decided per line, blank lines made of space, damaged tag lines
inside a page, and edits that move elements keeping what was written."""

from __future__ import annotations

from kirinuki.model import Clip, Entry, Group, Layout, TagLine, TagRef
from kirinuki.text.cliptext import drop_blank_clips, parse, render, split_lines, usual_newline


def _clips(entry: Entry) -> list[list[str]]:
    return [[c.text for c in g.clips] for g in entry.groups]


def _tags(entry: Entry) -> list[list[str]]:
    return [[t.name for t in g.tags] for g in entry.groups]


def test_a_crlf_file_with_one_stray_lf_reads_every_tag_line() -> None:
    text = ("https://kirinuki.test\r\n\r\n一つ目。\r\n#NATO\r\n\r\n二つ目。\n#ロシア\r\n\r\n"
            "三つ目。\r\n#EU\r\n\r\nkirinuki.test\r\n")
    entry = parse(text)
    assert entry.layout.newline == "\r\n"
    assert _clips(entry) == [["一つ目。"], ["二つ目。"], ["三つ目。"]]
    assert _tags(entry) == [["NATO"], ["ロシア"], ["EU"]]
    assert all("\r" not in c.text for c in entry.clips)
    assert entry.header[0].url == "https://kirinuki.test"
    assert entry.footer is not None and entry.footer.text == "kirinuki.test"
    assert render(entry) == text
    # Only the stray line end is kept apart; every other line follows the usual one.
    assert [c.after for c in entry.clips] == ["", "\n", ""]


def test_each_line_keeps_its_own_end() -> None:
    text = "一行目\r\n二行目\n三行目\r四行目\r\n#タグ\r"
    entry = parse(text)
    assert _clips(entry) == [["一行目", "二行目", "三行目", "四行目"]]
    assert _tags(entry) == [["タグ"]]
    assert render(entry) == text
    assert split_lines(text) == ["一行目", "二行目", "三行目", "四行目", "#タグ", ""]


def test_usual_newline_is_the_most_frequent_end() -> None:
    assert usual_newline("a\r\nb\r\nc\nd") == "\r\n"
    assert usual_newline("a\rb\rc\nd") == "\r"
    assert usual_newline("a\r\nb\nc") == "\n" and usual_newline("abc") == "\n"


def test_lines_of_space_are_blank_lines_not_clips() -> None:
    text = "本文です。\n \n\u3000\n\u00a0\t\n\u200b\n\ufeff\n#タグ\n\u3000\n次の段落。\n"
    entry = parse(text)
    assert _clips(entry) == [["本文です。"], ["次の段落。"]]
    assert _tags(entry) == [["タグ"], []]
    assert entry.groups[0].clips[0].blank_after == 5
    assert entry.groups[0].tag_lines[0].blank_after == 1
    assert render(entry) == text


def test_blank_lines_of_space_around_header_and_footer() -> None:
    text = "\u3000\nhttps://kirinuki.test\n \n本文。\n#タグ\n\u3000\nkirinuki.test\n\t"
    entry = parse(text)
    assert [h.url for h in entry.header] == ["https://kirinuki.test"]
    assert entry.footer is not None and entry.footer.text == "kirinuki.test"
    assert entry.layout.lead_blank == 1 and entry.layout.lead == "\u3000\n"
    assert _clips(entry) == [["本文。"]]
    assert render(entry) == text


def test_only_blank_lines() -> None:
    for text in ("", "\n", " ", " \r\n\u3000", "\n\n\t"):
        entry = parse(text)
        assert entry.groups == [] and render(entry) == text


def test_damaged_tag_lines_close_groups_inside_a_page() -> None:
    text = ("一つ目。\n#NATO \n二つ目。\n＃ウクライナ＃ロシア\n三つ目。\n#NATO #ロシア\u00a0\n"
            "四つ目。\n\u3000＃ウクライナ\u3000＃ロシア\n五つ目。\n#円安(日銀総裁「急激な変動は\n"
            "#1 の理由は加盟国の反対だ。\n#反ロシア#対中露戦\n")
    entry = parse(text)
    assert _clips(entry) == [["一つ目。"], ["二つ目。"], ["三つ目。"], ["四つ目。"], ["五つ目。"],
                             ["#1 の理由は加盟国の反対だ。"]]
    assert _tags(entry) == [["NATO"], ["ウクライナ", "ロシア"], ["NATO", "ロシア"],
                            ["ウクライナ", "ロシア"], ["円安"], ["反ロシア", "対中露戦"]]
    assert entry.groups[4].tags[0].summary == "(日銀総裁「急激な変動は"
    assert [tl.written for g in entry.groups for tl in g.tag_lines] == [
        "#NATO ", "＃ウクライナ＃ロシア", "#NATO #ロシア\u00a0", "\u3000＃ウクライナ\u3000＃ロシア",
        "", ""]
    assert render(entry) == text


def test_an_appended_group_after_a_last_line_without_end() -> None:
    entry = parse("本文。\r\n#タグ\n\u3000")  # the last element owns "\n\u3000"
    entry.groups.append(Group([Clip("追加。")], [TagLine([TagRef("新")])]))
    assert render(entry) == "本文。\r\n#タグ\n\u3000\n追加。\n#新"
    assert parse(render(entry)).groups[1].tags == [TagRef("新")]


def test_a_deleted_last_line_leaves_no_dangling_end() -> None:
    entry = parse("一つ目。\r\n二つ目。")
    entry.groups[0].items.pop()
    assert render(entry) == "一つ目。"


def test_changed_blank_counts_fall_back_to_the_usual_line_end() -> None:
    entry = parse("一つ目。\n\u3000\r\n二つ目。\n")  # usual: LF
    entry.groups[0].items[0].blank_after = 0
    assert render(entry) == "一つ目。\n二つ目。\n"


def test_blank_clips_from_older_versions_become_blank_lines() -> None:
    entry = Entry(groups=[Group([Clip("\u3000"), Clip("本文。"), Clip(" ", 1), Clip("\u200b")],
                                [TagLine([TagRef("タグ")])])], layout=Layout(newline="\r\n"))
    before = render(entry)
    assert drop_blank_clips(entry) == 3
    assert [c.text for c in entry.clips] == ["本文。"]
    assert render(entry) == before
    assert render(parse(before)) == before and _clips(parse(before)) == [["本文。"]]
    only = Entry(groups=[Group([Clip(" "), Clip("\t")])])
    text = render(only)
    assert drop_blank_clips(only) == 2 and only.groups == [] and render(only) == text
