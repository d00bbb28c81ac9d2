"""`prepare` builds the clip's forms from its sentences' when it can: the result must be the
one the whole text gives (normalised, masked, content bigrams, sentences)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kirinuki.analysis.duplicates import prepare
from kirinuki.analysis.sentences import content_bigrams, names_in, sentences
from kirinuki.analysis.textnorm import (
    MIN_SUBSTANCE,
    enough_substance,
    mask_digits,
    normalise,
    substance,
)

DATA = Path(__file__).parent / "data"
EDGE = [
    "気温は3。5度下がりました。",  # a digit run across a sentence end once punctuation goes
    "3. 政府は発表しました。2) 次の項目です。5） 最後に確認しました。",
    "政府は発表しました。2) 次の項目です。3) 最後に確認しました。",
    "詳しくは https://example.com/a?b=1 を。記事です。続報を待ちます！",
    "見出しです。本文が続きます - 架空ニュース",
    "物価は−0.1%でした。前月は-0.3%。▲1.2%の月もありました。",
    "１２３人が避難しました。ＡＢＣ社は「安全だ。問題ない」と述べました。",
    "— 架空ニュース (@kakuu_news) January 12, 2024",
    "速報。 2024年1月12日",
    "   ",
    "物価は6.8%上昇しました。次は-0.2%です。F-35の配備は3機。www.example.com/a を参照。",
    "気温は-3度でした。@kakuu_news の投稿です。#nhk_news",
    "見出しです - 架空ニュース。次の文",
    "",
    "日本語の文章です\n改行で区切られた次の文です\n",
    "「引用の中。文が二つ」と話しました。「次の引用」",
]


def _texts() -> list[str]:
    out = list(EDGE)
    for name in ("pairs.jsonl", "eval/dev/pairs.jsonl", "eval/dev/statements.jsonl"):
        with (DATA / name).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                out += [row[k] for k in ("a", "b") if k in row] + row.get("paragraphs", [])
    return out


def test_prepare_equals_whole_text_forms() -> None:
    for text in _texts():
        p = prepare(text)
        norm = normalise(text)
        masked = mask_digits(norm)
        assert p.norm == norm, text
        assert p.masked == masked, text
        assert p.bigrams == content_bigrams(masked), text
        assert [(s.raw, s.masked, s.bigrams) for s in p.sentences] == [
            (s.raw, s.masked, s.bigrams) for s in sentences(text)], text
        assert (p.substance >= MIN_SUBSTANCE) == (substance(norm) >= MIN_SUBSTANCE), text


@pytest.mark.parametrize("norm", ["", "0", "https", "2024年1月12日", "january122024",
                                  "午後315", "ロシア外務省は声明を発表", "3番目の記事"])
def test_enough_substance(norm: str) -> None:
    got, exact = enough_substance(norm), substance(norm)
    assert got == exact if exact < MIN_SUBSTANCE else got >= MIN_SUBSTANCE


def test_numbers_days_and_names_found_at_each_kind_of_start() -> None:
    # The patterns open with a lookahead of the characters a match can start with: a digit,
    # `マイナス`, a kanji numeral, the `半` after a period; katakana, kanji and capitals.
    # (Kanji numerals counting something are compared in digits: `三千人` is `3000人`.)
    p = prepare("ルスタニアの首相は1年半ぶりにNATOの会合に出席し、マイナス5度の中、"
                "三千人と二人が集まった。二〇二四年の春、コルサ州でも6日に。4月の統計。")
    assert p.numbers == ("1", "半", "マイナス5", "3000", "2", "二〇二四", "6", "4")
    assert p.days == frozenset({"6日"})
    assert p.months == frozenset({"4月"})
    assert names_in(p.text) == frozenset({"NATO", "ルスタニア", "コルサ"})
    assert p.places == frozenset({"NATO", "ルスタニア", "コルサ"})
