"""Placing a quoted passage (exact, prefix, suffix) among an article's paragraphs."""

from __future__ import annotations

from kirinuki.text.textquote import Quote, fragment_quotes, locate

PARAS = [
    "ルスタニアの首都で１８日、燃料価格の引き上げに抗議するデモがあり、警察は3,800人以上を拘束した。",
    "政府は声明で「秩序を乱す行為は許さない」と述べた。",
    "写真",
    "デモは各地に広がっている。政府は声明で「秩序を乱す行為は許さない」と述べた。",
    "隣国ヴェルデニアの首相は懸念を表明した。",
]


def test_a_selection_inside_one_paragraph_ticks_it() -> None:
    assert locate(PARAS, "燃料価格の引き上げに抗議するデモ") == [0]


def test_width_and_spaces_do_not_matter() -> None:
    # Half-width digits and commas, line breaks and ideographic spaces a browser adds.
    assert locate(PARAS, "首都で18日、燃料価格の\n引き上げに抗議する　デモがあり、警察は３，８００人以上") == [0]


def test_a_selection_across_paragraphs_ticks_each() -> None:
    sel = "警察は3,800人以上を拘束した。\n\n政府は声明で「秩序を乱す行為は許さない」と述べた。\n写真\nデモは各地に"
    # "写真" is covered whole, so it is ticked; only 6 characters of paragraph 4 are at the
    # edge of the selection (a drag that overshot), fewer than the 8 that make a choice.
    assert locate(PARAS, sel) == [0, 1, 2]
    assert locate(PARAS, sel + "広がっている。") == [0, 1, 2, 3]


def test_prefix_and_suffix_choose_among_repeats() -> None:
    quote = "政府は声明で「秩序を乱す行為は許さない」と述べた。"
    assert locate(PARAS, quote) == [1]  # first occurrence without context
    assert locate(PARAS, quote, prefix="デモは各地に広がっている。") == [3]
    assert locate(PARAS, quote, prefix="以上を拘束した。", suffix="写真") == [1]


def test_text_left_out_of_the_article_falls_back_to_lines() -> None:
    # A caption between two paragraphs on the page is not in the extracted text.
    sel = "警察は3,800人以上を拘束した。\n（写真＝ロイター）\n隣国ヴェルデニアの首相は懸念を表明した。"
    assert locate(PARAS, sel) == [0, 4]


def test_nothing_found() -> None:
    assert locate(PARAS, "まったく別の記事の文章です。") == []
    assert locate(PARAS, "   ") == []
    assert locate([], "デモ") == []


def test_a_range_runs_from_start_to_end() -> None:
    assert locate(PARAS, "警察は3,800人", end="と述べた。") == [0, 1]
    assert locate(PARAS, "デモは各地に", end="と述べた。") == [3]  # the end after the start
    assert locate(PARAS, "隣国ヴェルデニア", end="と述べた。") == []  # no end after it


def test_text_fragments_of_a_link_to_a_highlight() -> None:
    url = ("https://news.example.jp/a.html#:~:text=%E3%83%87%E3%83%A2%E3%81%AF-,"
           "%E5%90%84%E5%9C%B0%E3%81%AB,%E8%BF%B0%E3%81%B9%E3%81%9F,-%E3%80%82"
           "&text=%E9%9A%A3%E5%9B%BD&unknown=x")
    assert fragment_quotes(url) == [Quote("各地に", "デモは", "。", "述べた"), Quote("隣国")]
    assert fragment_quotes("https://news.example.jp/a.html#top") == []
    assert fragment_quotes("https://news.example.jp/a.html#:~:text=") == []
    q = fragment_quotes(url)[0]
    assert locate(PARAS, q.exact, q.prefix, q.suffix, q.end) == [3]


def test_furigana_a_browser_copies_with_the_selection_is_skipped() -> None:
    paras = ["名古屋市は、石垣で見つかった孕みや緩みについて調査を始めた。", "結果は2年後にまとまる。"]
    # Chromium's String(getSelection()) over <ruby>孕<rt>はら</rt></ruby>み: the reading comes along.
    assert locate(paras, "石垣で見つかった 孕 はら みや 緩 ゆる みについて") == [0]
    assert locate(paras, "見つかった孕（はら）みや緩（ゆる）み") == [0]
    assert locate(paras, "はらはらはらはら") == []  # kana alone never matches by skipping
