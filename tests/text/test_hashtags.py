"""The hashtag grammar: what is a tag line (with the tags its writer meant) and what is text."""

from __future__ import annotations

import pytest

from kirinuki.errors import InputError
from kirinuki.model import TagRef
from kirinuki.text.hashtags import (
    is_valid_tag_name,
    parse_tag_line,
    render_tag_line,
    split_tag_field,
    strip_marker,
    tag_line_text,
    tags_from_input,
)
from kirinuki.text.normalize import fold, tag_key


def _t(*names: str) -> list[TagRef]:
    return [TagRef(n) for n in names]


@pytest.mark.parametrize(
    ("line", "tags"),
    [
        ("#NATOexpansion", _t("NATOexpansion")),
        ("#反ロシア#対中露戦", _t("反ロシア", "対中露戦")),
        ("#タグ(要約・「発言」)", [TagRef("タグ", "(要約・「発言」)")]),
        ("#A(x (nested) y)#B", [TagRef("A", "(x (nested) y)"), TagRef("B")]),
        ("#円安（日銀総裁「急激な変動は望ましくない」）",
         [TagRef("円安", "（日銀総裁「急激な変動は望ましくない」）")]),
        ("#1", _t("1")),
        ("#COVID-19#C++#nhk_news#_x", _t("COVID-19", "C++", "nhk_news", "_x")),
    ],
)
def test_canonical_tag_lines_render_back(line: str, tags: list[TagRef]) -> None:
    assert parse_tag_line(line) == tags
    assert render_tag_line(tags) == line


# Tag lines as copy and paste leaves them: each reads as the tags its writer meant.
DAMAGED = [
    # spaces after or before the line
    ("#NATO ", _t("NATO")),
    ("#NATO\u00a0", _t("NATO")),
    ("#NATO\u3000", _t("NATO")),
    ("#NATO\t", _t("NATO")),
    ("#NATO \u00a0\u3000\t", _t("NATO")),
    ("#NATO\u200b", _t("NATO")),
    ("  #NATO", _t("NATO")),
    ("\t#NATO", _t("NATO")),
    ("\u3000#反ロシア#対中露戦\u3000", _t("反ロシア", "対中露戦")),
    ("\ufeff#NATO", _t("NATO")),
    # full-width markers, mixed
    ("＃ウクライナ＃ロシア", _t("ウクライナ", "ロシア")),
    ("#a＃b", _t("a", "b")),
    ("＃a#b", _t("a", "b")),
    # spaces between the tags
    ("#NATO #ロシア", _t("NATO", "ロシア")),
    ("＃ウクライナ　＃ロシア", _t("ウクライナ", "ロシア")),
    ("#NATO\u00a0#ロシア", _t("NATO", "ロシア")),
    ("#NATO\t#ロシア", _t("NATO", "ロシア")),
    ("#NATO  \u3000 #ロシア #EU", _t("NATO", "ロシア", "EU")),
    ("#円安(日銀総裁「…」) #ドル", [TagRef("円安", "(日銀総裁「…」)"), TagRef("ドル")]),
    ("#円安(総裁 「発言」 と)\u3000＃ドル ", [TagRef("円安", "(総裁 「発言」 と)"), TagRef("ドル")]),
    # a summary cut off by the page: it runs to the end of the line
    ("#円安(日銀総裁「急激な変動は", [TagRef("円安", "(日銀総裁「急激な変動は")]),
    ("#円安（日銀総裁「急激な…", [TagRef("円安", "（日銀総裁「急激な…")]),
    ("#ドル#円安(総裁は「今後も注視 ", [TagRef("ドル"), TagRef("円安", "(総裁は「今後も注視")]),
    ("#A(x (y) z", [TagRef("A", "(x (y) z")]),
]


@pytest.mark.parametrize(("line", "tags"), DAMAGED)
def test_damaged_tag_lines_read_as_meant(line: str, tags: list[TagRef]) -> None:
    assert parse_tag_line(line) == tags
    # Written back, the line is kept as it was; a canonical line reads the same.
    assert tag_line_text(tags, line) == line
    assert parse_tag_line(render_tag_line(tags)) == tags


# Lines that start like a tag line but are text (clips).
PROSE = [
    "#1 の理由は、加盟国の同意が得られなかったことだ。",  # a word after a space
    "#Putin: Decision to recognise",
    "#NATO #ロシア は加盟を巡り対立",  # tags, then prose
    "#ロシア 。",  # sentence punctuation after a space
    "#速報 — 続報は後で",
    "#円安(発言)について",  # text glued to a summary
    "#円安(発言)) ",  # a bracket closed twice
    "#円安 (発言)",  # a summary after a space is not a summary
    "#)x",
    "#(",
    "#",
    "##",
    "＃",
    "#NATO#",  # an empty name
    "# 見出し",  # Markdown heading
    "## 見出し",
    "#　見出し",
    "#!/usr/bin/env python",  # URL fragments and shell lines
    "#:~:text=ロシア",
    "#/news/123",
    "#%E3%83%AD%E3%82%B7%E3%82%A2",
    "#?page=2",
    "#https://example.com/a",
    "#NATO https://t.co/abc",
    "停電について #kakuu_news が続報",  # a hashtag inside text
    "本文 #NATO",
    "",
    "   ",
    "\u3000",
]


@pytest.mark.parametrize("line", PROSE)
def test_text_lines_are_not_tag_lines(line: str) -> None:
    assert parse_tag_line(line) is None


def test_names_end_at_markers_spaces_and_brackets() -> None:
    assert parse_tag_line("#NATOexpansion") == _t("NATOexpansion")
    assert parse_tag_line("#反ロシア#対中露戦") == _t("反ロシア", "対中露戦")
    assert parse_tag_line("#NATO #ロシア") == _t("NATO", "ロシア")
    assert parse_tag_line("＃ウクライナ　＃ロシア") == _t("ウクライナ", "ロシア")
    # Joiners are part of a name (emoji sequences), not space.
    assert parse_tag_line("#👨\u200d👩\u200d👧") == _t("👨\u200d👩\u200d👧")


def test_a_rename_keeps_how_the_line_was_written() -> None:
    written = "＃ウクライナ　＃ロシア(声明「…」) "
    renamed = [TagRef("Ukraine"), TagRef("露", "(声明「…」)")]
    assert tag_line_text(renamed, written) == "＃Ukraine　＃露(声明「…」) "
    # A line that no longer fits (a tag added) falls back to the canonical form.
    more = [*renamed, TagRef("EU")]
    assert tag_line_text(more, written) == "#Ukraine#露(声明「…」)#EU"
    assert tag_line_text(_t("a")) == "#a"


def test_tags_typed_in_a_field_use_the_same_grammar() -> None:
    assert tags_from_input("NATO") == _t("NATO")
    assert tags_from_input("＃NATO ") == _t("NATO")
    assert tags_from_input("#反ロシア#対中露戦") == _t("反ロシア", "対中露戦")
    assert tags_from_input("＃NATO　＃ロシア") == _t("NATO", "ロシア")
    assert tags_from_input("#円安(総裁 「発言」)") == [TagRef("円安", "(総裁 「発言」)")]
    assert tags_from_input(" \u3000") == []
    for bad in ("a b", "NATO #a)", "#!x", "#"):
        with pytest.raises(InputError, match="not a valid tag"):
            tags_from_input(bad)
    assert split_tag_field("NATO ロシア\u3000EU") == ["NATO", "ロシア", "EU"]
    assert split_tag_field("#円安(総裁 「発言」) #ドル") == ["#円安(総裁 「発言」) #ドル"]
    assert split_tag_field(" ") == []
    assert strip_marker("＃NATO") == "NATO" and strip_marker(" #NATO") == "NATO"


def test_a_name_stored_with_its_marker_still_writes_a_tag_line() -> None:
    line = render_tag_line([TagRef("＃ウクライナ"), TagRef("ロシア")])
    assert line == "#ウクライナ#ロシア"
    assert [tag_key(t.name) for t in parse_tag_line(line) or []] == ["ウクライナ", "ロシア"]


def test_tag_keys_fold_width_and_case() -> None:
    assert tag_key("ＮＡＴＯ") == tag_key("nato") == tag_key("#NATO") == "nato"
    assert fold("ｶﾀｶﾅ") == "カタカナ"
    assert is_valid_tag_name("対中露戦") and not is_valid_tag_name("a b")
    assert not is_valid_tag_name("＃NATO") and not is_valid_tag_name("!x")


def test_as_id_accepts_only_ascii_digits_in_range() -> None:
    from kirinuki.text.normalize import as_id

    assert as_id(" 42 ") == 42
    assert as_id("¹") is None and as_id("٣") is None
    assert as_id("9" * 30) is None and as_id("-1") is None and as_id("") is None
