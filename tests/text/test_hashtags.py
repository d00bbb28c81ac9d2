"""The hashtag grammar."""

from __future__ import annotations

import pytest

from kirinuki.model import TagRef
from kirinuki.text.hashtags import is_valid_tag_name, parse_tag_line, render_tag_line
from kirinuki.text.normalize import fold, tag_key


@pytest.mark.parametrize(
    ("line", "tags"),
    [
        ("#NATOexpansion", [TagRef("NATOexpansion")]),
        ("#反ロシア#対中露戦", [TagRef("反ロシア"), TagRef("対中露戦")]),
        ("#タグ(要約・「発言」)", [TagRef("タグ", "(要約・「発言」)")]),
        ("#A(x (nested) y)#B", [TagRef("A", "(x (nested) y)"), TagRef("B")]),
        ("#円安（日銀総裁「急激な変動は望ましくない」）", [TagRef("円安", "（日銀総裁「急激な変動は望ましくない」）")]),
    ],
)
def test_tag_lines(line: str, tags: list[TagRef]) -> None:
    assert parse_tag_line(line) == tags
    assert render_tag_line(tags) == line


@pytest.mark.parametrize(
    "line",
    [
        "#Putin: Decision to recognise",
        "停電について #kakuu_news が続報",
        "#タグ(閉じない",
        "#",
        "##",
        "#タグ #別",
        "#タグ ",
        "",
    ],
)
def test_text_lines_are_not_tag_lines(line: str) -> None:
    assert parse_tag_line(line) is None


def test_tag_keys_fold_width_and_case() -> None:
    assert tag_key("ＮＡＴＯ") == tag_key("nato") == tag_key("#NATO") == "nato"
    assert fold("ｶﾀｶﾅ") == "カタカナ"
    assert is_valid_tag_name("対中露戦") and not is_valid_tag_name("a b")


def test_as_id_accepts_only_ascii_digits_in_range() -> None:
    from kirinuki.text.normalize import as_id

    assert as_id(" 42 ") == 42
    assert as_id("¹") is None and as_id("٣") is None
    assert as_id("9" * 30) is None and as_id("-1") is None and as_id("") is None
