"""Sentence keys: a second source of candidates, for clips sharing a sentence whose whole texts
LSH does not pair (a reused background sentence inside otherwise different paragraphs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kirinuki.analysis.duplicates import BACKGROUND, VERSION, compare, prepare
from kirinuki.analysis.groups import Item, find_links
from kirinuki.analysis.lsh import (
    SENTENCE_CAP,
    DuplicateIndex,
    Sketches,
    estimate,
    sentence_keys,
    shared_pairs,
    sketch_texts,
)
from kirinuki.journal import Journal, import_paths
from kirinuki.journal.analysis import duplicate_groups

SHARED = "ミナト港の旧灯台は、百二十年前に建てられた県内で最も古い石造りの灯台です。"
A = ("ミナト港の沖合で9日朝、漁船と貨物船が衝突し、漁船の乗組員2人が海に投げ出されました。"
     "海上保安部が巡視船を出して捜索し、2人は午前10時ごろ救助されました。"
     "貨物船の船長は、霧で前がよく見えなかったと説明しているということです。" + SHARED)
B = ("ミナト市は10日、老朽化した港の施設を点検する専門の部署を新たに設けると発表しました。"
     "市長は会見で、観光客の安全を第一に考えたいと話しました。"
     "部署には土木や建築に詳しい職員を集め、来年度から本格的に活動を始めます。" + SHARED)
# Unrelated: the same common words and phrasing (政府, 発表しました, 会見で), no sentence alike.
C = ("サクラ県は10日、県内の公園の遊具を一斉に点検すると発表しました。"
     "知事は会見で、子どもの安全を第一に考えたいと話しました。")
OTHERS = [f"第{k}回の会合では、{k}つの議題について意見が交わされ、結論は次回に持ち越されました。"
          f"議長を務めたカワセ氏は、地域ごとの事情を丁寧に聞きたいと述べました。" for k in range(3)]


def index_of(sk: Sketches) -> DuplicateIndex:
    index = DuplicateIndex()
    index.add_many(sk)
    return index


def _pairs(sk: Sketches) -> set[tuple[int, int]]:
    """The LSH candidates and the pairs sharing a sentence, as a journal verifies them."""
    index = index_of(sk)
    found, _ = index.candidate_pairs(min_estimate=0.25)
    return {(int(a), int(b)) for a, b in np.concatenate(
        [found, index.sentence_candidates(found)]).tolist()}


def test_a_shared_sentence_pairs_clips_lsh_does_not() -> None:
    texts = [A, B, C, *OTHERS]
    sk = sketch_texts(texts)
    assert float(estimate(sk.sigs[0], sk.sigs[1])) < 0.25  # LSH alone never verifies it
    assert (0, 1) not in _pairs(Sketches(sk.keys, sk.sigs))  # without sentence keys
    assert (0, 1) in {tuple(p) for p in index_of(sk).sentence_candidates(
        index_of(sk).candidate_pairs(min_estimate=0.25)[0]).tolist()}
    m = compare(prepare(A), prepare(B))
    assert m is not None and m.kind == BACKGROUND  # and the rules find what it is
    links = find_links([Item(k, t, None, None) for k, t in enumerate(texts)])
    assert [(x.a, x.b, x.match.kind) for x in links] == [(0, 1, BACKGROUND)]


def test_a_journal_finds_background_through_a_shared_sentence(journal: Journal,
                                                              tmp_path: Path) -> None:
    for stamp, body in (("2024-05-09_090000", A), ("2024-05-10_090000", B),
                        ("2024-05-11_090000", C)):
        (tmp_path / f"{stamp}.txt").write_text(f"https://kirinuki.test/{stamp}\n\n{body}\n",
                                                encoding="utf-8")
    import_paths(journal, [str(tmp_path)])
    for ref in (None, "1", "2"):  # the whole journal, and one entry at a time
        groups = duplicate_groups(journal, ref)
        assert [(g.group.kind, [c.text for c in g.clips]) for g in groups] == [
            (BACKGROUND, [B, A])] or [(g.group.kind, sorted(c.text for c in g.clips))
                                      for g in groups] == [(BACKGROUND, sorted([A, B]))], ref
    assert duplicate_groups(journal, "3") == []


def test_a_shared_sentence_never_makes_a_version() -> None:
    # Two template paragraphs (bench/corpus.py) about other events with one lead alike: the
    # rules call them a version when LSH proposes them; found by the sentence alone (no LSH
    # pair: `per_item=0`), they give nothing, as pairs found so give background only.
    x = ("外務省によりますと、インドネシアの国内総生産は前の年に比べて１５.2%減少し、20億ドルに"
         "とどまりました。また、現地の報道によりますと、難民の流入が続くインドネシアから周辺7か国"
         "に逃れた人は47万人を超え、人権団体は食料や医薬品の不足を訴えています。")
    y = ("外務省によりますと、インドネシアの国内総生産は前の年に比べて4.9%減少し、295億ドルに"
         "とどまりました。その後、国営通信によりますと、地震が続くインドネシアから周辺5か国に"
         "逃れた人は44万人を超え、内務省は冬を前に懸念を強めています。")
    items = [Item(0, x, None, None), Item(1, y, None, None)]
    assert [link.match.kind for link in find_links(items)] == [VERSION]
    assert sketch_texts([x, y]).sentences()[0].tolist().count(0) < 4
    assert find_links(items, per_item=0) == []


def test_common_words_alone_pair_nothing() -> None:
    sk = sketch_texts([B, C])
    assert not set(sentence_keys(B)) - {0} & set(sentence_keys(C))
    assert (0, 1) not in _pairs(sk)


def test_sentences_are_keyed_without_width_punctuation_or_figures() -> None:
    a = sentence_keys("ミナト港では9日、漁船2隻が岸壁に乗り上げる事故がありました。")
    b = sentence_keys("ミナト港では１０日 漁船３隻が岸壁に乗り上げる事故がありました！")
    assert a[0] != 0 and a[0] in b  # (b also keys its part after the space)
    assert sentence_keys("短い文です。はい。") == [0, 0, 0, 0]  # set phrases are no keys


def test_a_boilerplate_sentence_pairs_nothing() -> None:
    footer = "この記事の内容は配信時点の情報に基づいており、その後の状況は確認してください。"
    texts = [f"第{k}号の記事として、地区{k}の行事の様子を短く伝えました。{footer}"
             for k in range(SENTENCE_CAP + 1)]
    sents = sketch_texts(texts).sentences()
    assert shared_pairs(sents[:SENTENCE_CAP]).size == SENTENCE_CAP * (SENTENCE_CAP - 1) // 2
    assert shared_pairs(sents).size == 0  # one clip more: boilerplate


def test_sentence_keys_round_trip_through_bytes() -> None:
    sk = sketch_texts([A, B])
    back = Sketches.from_bytes([sk.row_bytes(0), sk.row_bytes(1)])
    assert np.array_equal(back.sentences(), sk.sentences()) and back.sentences()[0, 0] != 0


def test_a_sentence_glued_after_a_tweets_headline_is_keyed() -> None:
    # A tweet: headline groups, then a background sentence with no sentence end, then a link.
    tweet = ("カワセ市で大粒のひょう 住宅9棟被害 2人けが カワセ市では3年前の夏にもひょうが降っています"
             " https://t.co/Xy12AbCd")
    prose = ("カワセ市は8日、壊れた屋根の修理を手伝うボランティアの受け付けを始めました。"
             "カワセ市では3年前の夏にもひょうが降っています。")
    assert set(sentence_keys(tweet)) & set(sentence_keys(prose)) - {0}
    sk = sketch_texts([tweet, prose, C])
    assert (0, 1) in _pairs(sk)
    m = compare(prepare(tweet), prepare(prose))
    assert m is not None and m.kind == BACKGROUND


def test_wire_and_broadcast_endings_key_one_sentence() -> None:
    # The same sentence ending plainly (a wire) and politely (a broadcaster).
    wire = "原告の漁業者らは、埋め立てで干潟の貝が育たなくなると主張していた。判決は、影響は限られると指摘した。"
    broadcast = ("原告の漁業者らは、埋め立てで干潟の貝が育たなくなると主張していました。"
                 "漁業者らは22日夕方、市内で記者会見を開きました。")
    assert set(sentence_keys(wire)) & set(sentence_keys(broadcast)) - {0}
    assert (0, 1) in _pairs(sketch_texts([wire, broadcast, C]))


def test_english_sentences_are_not_cut_at_spaces() -> None:
    text = "Rescuers reached the flooded village of Tarno on Monday morning."
    assert sentence_keys(text)[0] != 0


def test_a_sentence_reused_in_other_spellings_is_keyed_alike() -> None:
    # One background sentence in two outlets' spellings (`去年` / `昨年`, `およそ` / `約`,
    # `4割あまり` / `4割余り`, particles and okurigana: `高い熱` / `高熱`, `解消も` / `解消を`)
    # and after a connective (`さらに、`): pairs found with no shared word key, so also weeks apart.
    first = ("カサギ港の倉庫で10日未明に火事があり、木造の3棟がほぼ全焼しました。消防によりますと、"
             "けが人はいませんでしたが、保管していた冷凍の食品が焼けたということです。"
             "カサギ港は去年、およそ80万トンの貨物を扱い、その4割あまりが冷凍の魚介類です。")
    second = ("倉庫を所有する運送会社の社長は11日に会見を開き、年内に新しい倉庫を建てる計画を"
              "明らかにしたうえで、取引先への影響は小さいと説明しました。さらに、カサギ港は昨年、約80万トンの"
              "貨物を扱い、その4割余りが冷凍の魚介類です。")
    fever = ["サルバ熱は蚊が媒介する感染症で、高い熱や頭痛、関節の痛みなどの症状が出ます。",
             "サルバ熱は蚊が媒介する感染症で、高熱や頭痛、関節の痛みなどの症状が出ています。"]
    assert set(sentence_keys(first)) & set(sentence_keys(second)) - {0}
    assert set(sentence_keys(fever[0])) & set(sentence_keys(fever[1])) - {0}
    sk = sketch_texts([first, second, C])
    assert (0, 1) in _pairs(sk) and (0, 1) not in {
        tuple(p) for p in index_of(sk).candidate_pairs(min_estimate=0.25)[0].tolist()}
    m = compare(prepare(first), prepare(second))
    assert m is not None and m.kind == BACKGROUND
    # Other facts in the same frame keep other keys (kanji and katakana are kept).
    assert not set(sentence_keys("カサギ港は昨年、約80万トンの貨物を扱い、その4割余りが自動車です。"))\
        & set(sentence_keys(second)) - {0}
