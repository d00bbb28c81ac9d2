"""Session 22's background rules (studied on the development parts; see docs/analysis.md)."""

from __future__ import annotations

from kirinuki.analysis.duplicates import BACKGROUND, compare, prepare

# Two reports of one story, each with content of its own, sharing a short closing sentence
# (15-19 characters) that one outlet ends `です` and the other `となります`.
ONE = ("ロブレス首相は「犯罪組織に国の港を渡すことは決してない」と強調しました。"
       "非常事態の宣言は、この2年で3回目です。")
TWO = ("議会では野党から、軍の派遣が長引けば人権侵害が起きかねないという批判も出ています。"
       "非常事態の宣言は、この2年で3回目となります。")


def kind(a: str, b: str) -> str:
    m = compare(prepare(a), prepare(b))
    return m.kind if m else "unrelated"


def test_a_short_sentence_reused_in_another_ending_is_background() -> None:
    assert kind(ONE, TWO) == BACKGROUND
    assert kind(TWO, ONE) == BACKGROUND


def test_a_short_sentence_with_other_facts_or_negated_is_not() -> None:
    # The same words with another count: a template filled with other facts.
    assert kind(ONE, TWO.replace("3回目", "4回目")) != BACKGROUND
    # Hiragana carry a negation: `…ではありません` says the opposite.
    negated = ("議会では野党から、軍の派遣が長引けば人権侵害が起きかねないという批判も出ています。"
               "非常事態の宣言は、この2年で3回目ではありません。")
    assert kind(ONE, negated) != BACKGROUND
