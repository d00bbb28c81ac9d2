"""The clip text format: the sample, the hard cases, and parse∘render identity."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kirinuki.model import Clip, RelatedLink, TagRef
from kirinuki.text.cliptext import parse, render
from kirinuki.text.hashtags import NOT_A_START
from kirinuki.text.spaces import SPACES, is_blank
from tests.conftest import DATA, examples


def test_sample_parses_into_two_groups_and_renders_back(seed_text: str) -> None:
    entry = parse(seed_text)
    assert [h.url for h in entry.header] == [
        "https://d1021.hatenadiary.com",
        "http://d1021.hatenablog.com",
    ]
    assert entry.footer is not None and entry.footer.text == "d1021.hatenadiary.jp"
    assert [len(g.clips) for g in entry.groups] == [15, 4]
    assert entry.groups[0].tags == [TagRef("NATOexpansion")]
    assert entry.groups[1].tags == [TagRef("反ロシア"), TagRef("対中露戦")]
    assert "3800人以上を拘束" in entry.groups[0].clips[0].text
    assert "4400人以上を拘束" in entry.groups[1].clips[0].text
    assert render(entry) == seed_text
    assert render(entry).encode("utf-8") == seed_text.encode("utf-8")


def test_hard_cases_keep_every_line_as_text() -> None:
    text = (DATA / "hard_cases.txt").read_text(encoding="utf-8")
    entry = parse(text)
    assert render(entry) == text
    assert len(entry.groups) == 2
    clips = [c.text for c in entry.groups[0].clips]
    assert clips[0].startswith("【速報】")
    assert any(c.startswith("— Demo Wire (@demowire)") for c in clips)
    assert any(c.startswith("#Blackout: ") for c in clips), "#word: prose is text"
    assert any("#kakuu_news" in c for c in clips), "inline hashtag is text"
    assert any(c.endswith("https://example.com/news/123?ref=top") for c in clips)
    assert [t.name for t in entry.groups[0].tags] == ["ルスタニア情勢", "EnergyCrisis", "停電"]
    assert entry.groups[0].tags[2].summary == "(送電会社「復旧に2日」・首都の地下鉄は全線運休)"
    links = entry.related_links
    assert [type(i) for i in entry.groups[1].items] == [RelatedLink, RelatedLink]
    assert links[0].url == "http://d.hatena.ne.jp/kirinuki_demo/20241101#1730419200"
    assert links[0].quote == "(「送電網の老朽化が課題」)"
    assert links[1].url == "https://kirinuki.test/entry/2024/10/30/081500"
    assert entry.footer is not None and entry.footer.blank_after == 1  # final newline kept


def test_blank_line_style_and_runs_of_blanks() -> None:
    text = "一つ目の段落です。\n\n\n二つ目の段落です。\n\n#タグ\n\n\n三つ目。\n#次\n"
    entry = parse(text)
    assert [[c.text for c in g.clips] for g in entry.groups] == [
        ["一つ目の段落です。", "二つ目の段落です。"], ["三つ目。"]]
    assert entry.groups[0].clips[0].blank_after == 2
    assert render(entry) == text


def test_several_tag_lines_close_one_group_even_with_blanks_between() -> None:
    entry = parse("本文。\n\n#一\n\n#二#三\n\n次の本文。")
    assert [t.name for t in entry.groups[0].tags] == ["一", "二", "三"]
    assert [c.text for c in entry.groups[1].clips] == ["次の本文。"]


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeffhttps://kirinuki.test\r\n\r\n本文です。\r\n#タグ\r\n\r\nkirinuki.test\r\n"
    entry = parse(text)
    assert entry.layout.bom and entry.layout.newline == "\r\n"
    assert entry.clips[0].text == "本文です。"
    assert render(entry) == text


def test_no_header_no_footer() -> None:
    entry = parse("段落だけ。\n#タグ")
    assert entry.header == [] and entry.footer is None
    assert isinstance(entry.groups[0].items[0], Clip)


def test_a_host_line_inside_the_body_is_not_a_footer() -> None:
    entry = parse("本文。\nexample.com\n#タグ")
    assert entry.footer is None
    assert [c.text for c in entry.clips] == ["本文。", "example.com"]


# Lines of generated pages: every kind of element, damaged tag lines, blank lines made of space
# (NBSP, U+3000, tabs, zero-width), lone CRs and BOMs inside the text.
_LINES = st.sampled_from([
    "", "", "https://kirinuki.test", "kirinuki.test", "#タグ", "#A#B(要約「発言」 と)",
    "#Putin: Decision to act", "本文です。", "「閉じ括弧だけ」」と述べました", "😀 emoji",
    "http://d.hatena.ne.jp/x/20200101#1577836800(引用)", "https://h.test/entry/2020/01/01/000000",
    "— 架空 (@x) 2022年3月1日", "\r", " ", "\ufeff", "#(", "#)x", "#タグ（全角）",
    "#NATO ", "＃ウクライナ＃ロシア", "#NATO #ロシア", "＃ウクライナ\u3000＃ロシア", "\t#a\u00a0",
    "#円安(総裁「急激な", "#1 の理由は。", "\u3000", "\u00a0", "\t", " \u3000\u200b", "\u200b",
    "\u3000本文の字下げ", "本文 ", "#a＃b",
])
_ENDS = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(_LINES, max_size=30), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_render_parse_is_identity_on_generated_pages(lines: list[str], nl: str, bom: bool) -> None:
    text = ("\ufeff" if bom else "") + nl.join(lines)
    assert render(parse(text)) == text


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.tuples(_LINES, _ENDS), max_size=30), st.booleans(), st.booleans())
def test_identity_with_any_mix_of_line_ends(lines: list[tuple[str, str]], bom: bool,
                                            final: bool) -> None:
    text = ("\ufeff" if bom else "") + "".join(line + end for line, end in lines)
    if not final and lines:
        text = text[: len(text) - len(lines[-1][1])]
    entry = parse(text)
    assert render(entry) == text
    assert all(not is_blank(c.text) for c in entry.clips), "a blank line never becomes a clip"


@settings(max_examples=examples(400), deadline=None)
@given(st.text())
def test_parser_never_raises_and_is_identity_on_arbitrary_text(text: str) -> None:
    assert render(parse(text)) == text


@settings(max_examples=examples(300), deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=40).map(
    lambda t: t.replace("\r", "\n")))
def test_identity_on_arbitrary_lines_with_any_line_ends(body: str) -> None:
    for end in ("\n", "\r\n", "\r"):
        text = body.replace("\n", end)
        assert render(parse(text)) == text


_NAME = st.text(
    st.characters(codec="utf-8", exclude_characters="#＃()（）",
                  exclude_categories=("Zs", "Zl", "Zp", "Cc", "Cs")),
    min_size=1, max_size=8,
).filter(lambda n: n[0] not in NOT_A_START and n[0] not in "\u200b\u2060\ufeff\u180e"
         and not any(c in SPACES for c in n) and "://" not in n)
_SUMMARY = st.sampled_from(["", "(要約)", "（総裁「急激な変動は望ましくない」）", "(a (b) c)"])
_GAP = st.sampled_from(["", " ", "\u3000", "\u00a0", "\t", "  \u3000", "\u200b"])
_EDGE = st.sampled_from(["", " ", "\u3000", "\u00a0", "\t", " \t\u3000"])


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.tuples(st.sampled_from("#＃"), _NAME, _SUMMARY, _GAP), min_size=1,
                max_size=5),
       _EDGE, _EDGE, st.booleans(), st.sampled_from(["\n", "\r\n"]), st.sampled_from(
           ["\n", "\r\n", "\r"]))
def test_damaged_tag_lines_close_their_group_with_the_meant_tags(
        tags: list[tuple[str, str, str, str]], lead: str, trail: str, cut: bool, nl: str,
        stray: str) -> None:
    meant = [TagRef(name, summary) for _, name, summary, _ in tags]
    line = lead + "".join(m + name + summary + gap for m, name, summary, gap in tags) + trail
    if cut and tags[-1][2]:  # the page cut the last summary short
        short = tags[-1][2][:-1].rstrip(SPACES)
        line = line[: line.rindex(tags[-1][2])] + short
        meant[-1] = TagRef(tags[-1][1], short)
    # One stray line end of another kind right before the tag line.
    text = f"本文です。{nl}二段落目。{stray}{line}{nl}{nl}次の本文。{nl}"
    entry = parse(text)
    assert render(entry) == text
    assert entry.groups[0].tags == meant, line
    assert [c.text for c in entry.groups[0].clips] == ["本文です。", "二段落目。"]
    assert [c.text for c in entry.groups[1].clips] == ["次の本文。"]
