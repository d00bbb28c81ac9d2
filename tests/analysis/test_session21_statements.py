"""Statement rules added in session 21 (issue 22), each on invented sentences that fail without
its rule, and sentences the rules must leave alone."""

from __future__ import annotations

import pytest

from kirinuki.analysis.statements import REPORTED, extract_statements


@pytest.mark.parametrize(("text", "speaker"), [
    # A topic of unknown kind opening the sentence is who speaks (a company, a fund, a board).
    ("浜島乳業は、値上げによって年間でおよそ80億円の増収を見込んでいると明らかにしました。", "浜島乳業"),
    ("丘陵観光開発は原因が分かるまでリフトの運行を休止するとしています。", "丘陵観光開発"),
    ("国連人口基金は、避難民に医薬品を届けると発表しました。", "国連人口基金"),
    # After a list item's number, and with も.
    ("3. ナルヴァ沿岸警備隊は、乗客のうち150人を救助したと発表した。", "ナルヴァ沿岸警備隊"),
    ("同業の南星ミルクも、来月から一部の商品を値上げすると発表しました。", "南星ミルク"),
    # Names joined by と opening the sentence speak together, a company named in hiragana too.
    ("西和電機と東斗精工は、来年4月に経営統合することで合意したと発表しました。", "西和電機と東斗精工"),
    ("わかば銀行とひかり信用金庫は12日、経営統合で合意したと発表しました。", "わかば銀行とひかり信用金庫"),
])
def test_an_opening_topic_speaks(text: str, speaker: str) -> None:
    got = extract_statements([text])
    assert [(s.mode, s.speaker) for s in got] == [(REPORTED, speaker)]


@pytest.mark.parametrize("paragraphs", [
    # A thing told about, not a body: the speaker is the one before.
    ["ロハス報道官は「苦渋の決断だ」と述べました。", "今回の措置は、感染の拡大を防ぐためだと説明しました。"],
    ["ロハス報道官は「苦渋の決断だ」と述べました。", "調査結果は、来月までにまとめるとしています。"],
    # `そのうえで` goes on with the speaker of the sentence before.
    ["ロハス報道官は「苦渋の決断だ」と述べました。", "そのうえで、宣言の期間は少なくとも2週間になると説明しました。"],
    # A topic inside the quote the sentence opens with is no speaker.
    ["ロハス報道官は「いまは命を救うときだ。検証は必ず行う」と述べ、救助に全力を挙げる考えを示しました。"],
])
def test_no_opening_topic_of_a_thing(paragraphs: list[str]) -> None:
    got = extract_statements(paragraphs)
    assert got[-1].mode == REPORTED
    assert got[-1].speaker == "ロハス報道官"


@pytest.mark.parametrize(("text", "speaker"), [
    # Military and police ranks, the law, crowns are titles; trades and the public are people.
    ("【速報】ガルバ大佐「国民のために立ち上がった」", "ガルバ大佐"),
    ("反乱部隊の指揮官「政権は崩壊した」", "反乱部隊の指揮官"),
    ("北浦市の消防長は「乾燥と強風で延焼が速かった」と説明しました。", "北浦市の消防長"),
    ("原告の男性が訴えた裁判で、ミレナ判事は「証拠は十分だ」と述べました。", "ミレナ判事"),
    ("地元の観光客は「こんな景色は初めてだ」と話しました。", "地元の観光客"),
    ("避難所にいる祖母は「家に帰りたい」と話しました。", "避難所にいる祖母"),
    # One of them speaks: `乗客の1人`.
    ("乗客の1人は“風で大きく揺れて怖かった”と話しました。", "乗客の1人"),
    # A company named in hiragana before a katakana word heads a headline.
    ("【速報】かもめモバイル社長「深くおわび」 通信障害で会見", "かもめモバイル社長"),
])
def test_more_titles_and_people(text: str, speaker: str) -> None:
    assert [s.speaker for s in extract_statements([text])] == [speaker]


def test_no_company_named_by_a_word_of_time() -> None:
    assert [s.speaker for s in extract_statements(["【速報】きょうアメリカ大統領「深くおわび」"])] == []


@pytest.mark.parametrize(("paragraphs", "speaker"), [
    # The age newspapers write after a person.
    (["避難所に身を寄せる田中花子さん（72）は「家が流されてしまった」と話しました。"], "田中花子さん"),
    # A quote standing as a sentence, said by the next one with `そう` or no word before the verb.
    (["ロハス報道官は会見を開きました。", "「家が流されてしまった」。市長は記者会見でそう語った。"], "市長"),
    (["ロハス報道官は会見を開きました。", "「家が流されてしまった」。女性（72）は不安そうに話した。"], "女性"),
    # A person's words as newspapers give them, and the speaker in brackets after the quote.
    (["田中太郎さんの話「まさかこんなことになるとは」"], "田中太郎さん"),
    (["同社のコメント：「多大なご迷惑をおかけし、深くおわびします」"], "同社"),
    (["「国民の命を守り抜く」（岸田首相）"], "岸田首相"),
])
def test_newspaper_forms(paragraphs: list[str], speaker: str) -> None:
    assert [s.speaker for s in extract_statements(paragraphs)] == [speaker]


@pytest.mark.parametrize("text", [
    "「国民の命を守る」（10日）",  # a date in brackets names nobody
    "「安全」（国土交通省）とされた地域",  # a term
])
def test_no_speaker_in_brackets(text: str) -> None:
    assert [s for s in extract_statements([text]) if s.speaker] == []


@pytest.mark.parametrize(("paragraphs", "speaker"), [
    # Studied on dev10: a broadcast transcript's speaker in brackets before the words.
    (["（北嶺ロケット　緒方彰吾社長）「ご期待に応えられず、心からおわび申し上げます」"], "緒方彰吾社長"),
    # A numbered item's headline (`5）`, as translator items are numbered).
    (["5）ツアー会社の社長「残る6人全員が無事に戻るまで全力を尽くす」"], "ツアー会社の社長"),
    # An English quote's speaker after it.
    (["“We will find the cause and fly again,” said CEO Shogo Ogata at a news conference."],
     "CEO Shogo Ogata"),
    (["“This is not a trade war,” Trade Minister Osorio said in Vesca on Wednesday."],
     "Trade Minister Osorio"),
    # A company named in brackets after its trade is the subject, not a quote.
    (["部品メーカー「北浜精機」は「関税の対象が広がれば、計画を見直さざるをえない」としています。"],
     "北浜精機"),
])
def test_dev10_forms(paragraphs: list[str], speaker: str) -> None:
    assert [s.speaker for s in extract_statements(paragraphs)] == [speaker]


def test_the_defence_at_a_trial() -> None:
    got = extract_statements(["公判で弁護側は、現金は政治献金として受け取ったもので、賄賂にはあたらないと主張していた。"])
    assert [(s.speaker, s.text[:4]) for s in got] == [("弁護側", "現金は政")]


def test_reported_speech_after_the_person_named_before() -> None:
    # No statement before it: the person the sentence before is about speaks (`この中で、`).
    got = extract_statements(["ミルザ経済相は4日、首都で記者会見しました。",
                              "この中で、ワインに25%の報復関税を課すと表明しました。"])
    assert [(s.mode, s.speaker, s.inferred) for s in got] == [(REPORTED, "ミルザ経済相", True)]

