"""Duplicates, versions, background: the sample, the labelled set, the index."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_data import kind, load_jsonl
from hypothesis import given
from hypothesis import strategies as st

from kirinuki.analysis.duplicates import BACKGROUND, DUPLICATE, VERSION, compare, prepare
from kirinuki.analysis.groups import Item, find_groups
from kirinuki.analysis.lsh import EMPTY, DuplicateIndex, Sketches, estimate, normalise, sketch_texts
from kirinuki.analysis.versions import describe_change
from kirinuki.text.cliptext import parse

KZ_1 = ("カザフスタンで、政府に対する抗議活動が各地に広がったことに対し、内務省によりますと、"
        "デモの参加者26人と治安当局者18人が死亡し、3800人以上を拘束したということです。")
KZ_2 = ("カザフスタンで政府に対する抗議活動が各地に広がったことに対し、内務省はこれまでに"
        "デモの参加者26人と治安当局者18人が死亡し、4400人以上を拘束したとしています。")




def test_sample_versions_and_background(seed_text: str) -> None:
    entry = parse(seed_text)
    items = [Item(i, c.text, entry=1, pos=i) for i, c in enumerate(entry.clips)]
    groups = find_groups(items)
    kinds = sorted(g.kind for g in groups)
    assert kinds == [BACKGROUND, VERSION]
    version = next(g for g in groups if g.kind == VERSION)
    assert version.items[0].text.startswith("カザフスタンで、政府")
    [(_, _, change)] = version.changes
    assert change.figures[0].describe() == "拘束: 3800人以上 → 4400人以上 (+600)"
    background = next(g for g in groups if g.kind == BACKGROUND)
    starts = ("ウクライナ情勢をめぐっては、欧米は", "ウクライナ情勢をめぐって欧米とロシアは")
    assert [i.text.startswith(s) for i, s in zip(background.items, starts, strict=True)] == [
        True, True]


def test_change_in_words_and_figures() -> None:
    text = describe_change(KZ_1, KZ_2).describe()
    assert text.startswith("拘束: 3800人以上 → 4400人以上 (+600); wording: ")
    assert "によりますと → はこれまでに" in text


def test_duplicate_kinds() -> None:
    assert kind(KZ_1, KZ_1) == DUPLICATE
    assert kind(KZ_1, KZ_1.replace("3800", "３８００").replace("、", "")) == DUPLICATE
    assert kind(KZ_1, KZ_1 + "https://example.com/a/1") == DUPLICATE
    assert kind(KZ_1, KZ_1.replace("3800", "5000")) == VERSION
    assert kind(KZ_1, KZ_2) == VERSION
    assert kind("あわせて三千人を被災地に派遣しました。政府は救助を急いでいます。",
                "あわせて五千人を被災地に派遣しました。政府は救助を急いでいます。") == VERSION


def test_template_about_another_event_is_unrelated() -> None:
    other = KZ_1.replace("カザフスタン", "ベラルーシ").replace("26人", "3人")
    assert kind(KZ_1, other.replace("内務省", "警察当局").replace("3800", "120")) is None


def test_labelled_precision_and_recall() -> None:
    """Duplicates and versions at the default thresholds on tests/analysis/data/pairs.jsonl:
    precision and recall ≥ 0.95 each. Background: precision ≥ 0.95, recall ≥ 0.70 — this older
    set calls heavily reworded paraphrases (`日本とアメリカの金利差` / `日米の金利差`) background;
    issue 22 defines background as a shared passage (a sentence or more reused, verbatim or
    lightly reworded), which eval/dev holds to ≥ 0.95."""
    pairs = load_jsonl("pairs.jsonl")
    assert len(pairs) >= 200
    predicted = [(p["label"], kind(p["a"], p["b"]) or "unrelated") for p in pairs]
    for label, floor in ((DUPLICATE, 0.95), (VERSION, 0.95), (BACKGROUND, 0.70)):
        tp = sum(1 for g, p in predicted if g == p == label)
        precision = tp / max(1, sum(1 for _, p in predicted if p == label))
        recall = tp / max(1, sum(1 for g, _ in predicted if g == label))
        assert precision >= max(floor, 0.95) and recall >= floor, (label, precision, recall)


def test_index_finds_what_compare_accepts() -> None:
    """Every labelled related pair is a candidate of the LSH index (among all texts)."""
    pairs = [p for p in load_jsonl("pairs.jsonl") if p["label"] != "unrelated"]
    texts = sorted({t for p in pairs for t in (p["a"], p["b"])})
    row = {t: i for i, t in enumerate(texts)}
    index = DuplicateIndex()
    sk = sketch_texts(texts)
    index.add_many(sk)
    found, _ = index.candidate_pairs(min_estimate=0.25)
    got = {(int(a), int(b)) for a, b in found.tolist()}
    hits = sum(1 for p in pairs if tuple(sorted((row[p["a"]], row[p["b"]]))) in got)
    assert hits / len(pairs) >= 0.95


def test_incremental_add_matches_bulk() -> None:
    texts = [KZ_1, KZ_2, "全く別の話題の段落です。ノルデン海のパイプラインで損傷が見つかりました。"]
    sk = sketch_texts(texts)
    bulk = DuplicateIndex()
    bulk.add_many(sk)
    step = DuplicateIndex(merge_at=1)
    for i in range(len(texts)):
        step.add(sk, i)
    for index in (bulk, step):
        [cand] = index.candidates(sk, 1, exclude=1, min_estimate=0.3)
        assert cand.row == 0 and cand.estimate > 0.5


def test_sketches_round_trip_through_bytes() -> None:
    sk = sketch_texts([KZ_1, KZ_2])
    back = Sketches.from_bytes([sk.row_bytes(0), sk.row_bytes(1)])
    assert np.array_equal(back.keys, sk.keys) and np.array_equal(back.sigs, sk.sigs)
    assert np.array_equal(back.word_keys(), sk.word_keys()) and sk.word_keys().any()


def test_sketches_are_8_bit_and_stored_ones_index_like_fresh_ones() -> None:
    texts = [KZ_1, KZ_2, "全く別の話題の段落です。ノルデン海のパイプラインで損傷が見つかりました。", "。"]
    sk = sketch_texts(texts)
    assert sk.sigs.dtype == np.uint8 and len(sk.row_bytes(0)) == 16 + 8 * 4 + 72 + 4 * 4
    assert (sk.sigs[:3] != EMPTY).all() and (sk.sigs[3] == EMPTY).all()
    stored = Sketches.from_bytes([sk.row_bytes(i) for i in range(len(texts))])
    fresh, loaded = DuplicateIndex(), DuplicateIndex()
    fresh.add_many(sk)
    loaded.add_many(stored)
    # Band keys and estimates come from the same 8-bit values, stored or fresh.
    found = fresh.candidates(sk, 1, exclude=1)
    assert found == loaded.candidates(stored, 1, exclude=1) and found[0].row == 0
    f_pairs, f_est = fresh.candidate_pairs()
    l_pairs, l_est = loaded.candidate_pairs()
    assert np.array_equal(f_pairs, l_pairs) and np.array_equal(f_est, l_est)
    assert f_pairs.tolist() == [[0, 1]] and f_est[0] > 0.5
    # Chance agreement (1 in 255) is taken out of estimates: a signature against itself is 1.0,
    # against a disjoint text close to 0.
    assert estimate(sk.sigs[0], sk.sigs[0]) == 1.0
    assert estimate(sk.sigs[2], sk.sigs[0]) < 0.1


def test_normalise_ignores_width_case_space_punctuation_links() -> None:
    assert normalise("ＮＡＴＯ 加盟国、３０か国。 https://t.co/x #nhk_news") == "nato加盟国30か国"


@given(st.text(max_size=80), st.text(max_size=80))
def test_compare_never_raises(a: str, b: str) -> None:
    m = compare(prepare(a), prepare(b))
    assert m is None or 0.0 <= m.similarity <= 1.0


SIGN_OFF = "— 架空ニュース (@kakuu_news) {}"


@pytest.mark.parametrize(("a", "b"), [
    ("https://www3.nhk.or.jp/news/html/20240112/k10014318651000.html",
     "https://www3.nhk.or.jp/news/html/20240113/k10014319999000.html"),
    ("https://example.com/a/1", "https://example.com/a/1"),
    ("pic.twitter.com/abcDEF123", "pic.twitter.com/xyzUVW456"),
    ("www.example.co.jp/news/123", "www.example.co.jp/news/456"),
    ("・ ・ ・", "・　・　・"), ("↓", "↓"), ("====", "===="), (" ", "　"),
    (SIGN_OFF.format("October 4, 2023"), SIGN_OFF.format("October 27, 2023")),
    ("午後3:15 · 2024年1月12日", "午前9:02 · 2024年1月13日"),
    ("3番目の記事", "12番目の記事"),
    ("2023年10月 (12)", "2023年11月 (8)"),
])
def test_lines_without_content_are_never_related(a: str, b: str) -> None:
    assert kind(a, b) is None


def test_a_journal_of_separator_lines_has_no_group() -> None:
    lines = ["↓", "・ ・ ・", " ", "====", *(f"https://example.com/news/{i}" for i in range(40)),
             *(SIGN_OFF.format(f"October {d}, 2023") for d in range(1, 29))]
    assert find_groups([Item(i, t, pos=i) for i, t in enumerate(lines)]) == []


def test_a_tweet_is_compared_without_its_sign_off() -> None:
    body = "ベルカ共和国の中央選挙管理委員会は、開票率が100%の段階で現職が勝利したと発表しました。"
    assert kind(body + " pic.twitter.com/abc123 " + SIGN_OFF.format("January 12, 2024"),
                body) == DUPLICATE
    assert normalise(body + SIGN_OFF.format("January 12, 2024")) == normalise(body)


@pytest.mark.parametrize("lead", [True, False])
def test_versions_only_gives_the_versions_of_compare(lead: bool) -> None:
    """`compare(..., versions_only=True)` (the first publish after a bulk import) returns
    exactly compare's version matches, and None for everything else: on every pair among the
    labelled texts and on the labelled pairs of the development parts, both ways round, for
    clips days apart (`lead`) and weeks apart."""
    labelled = load_jsonl("pairs.jsonl")
    texts = sorted({p[k] for p in labelled for k in ("a", "b")})
    prepared = {t: prepare(t) for t in texts}
    pairs = [(a, b) for i, a in enumerate(texts) for b in texts[i + 1:]]
    pairs += [(p["a"], p["b"]) for p in load_jsonl("eval/dev/pairs.jsonl")]
    pairs += [(p["a"], p["b"]) for p in load_jsonl("eval/dev2/pairs.jsonl")]
    reasons: set[str] = set()
    for a, b in pairs:
        x = prepared.get(a) or prepared.setdefault(a, prepare(a))
        y = prepared.get(b) or prepared.setdefault(b, prepare(b))
        for p, q in ((x, y), (y, x)):
            full = compare(p, q, lead=lead)
            want = full if full is not None and full.kind == VERSION else None
            assert compare(p, q, lead=lead, versions_only=True) == want
            if want is not None:
                reasons.add(want.reason)
    assert "figures changed" in reasons
    assert ("lead updated (date or figures changed)" in reasons) == lead
    # Sentences reordered and one figure updated, weeks apart: found sentence by sentence
    # (`passages.may_extend` lets it through).
    first = prepare("タラス島で7日朝に噴火が始まり、気象当局は噴火警戒レベルを4に引き上げました。"
                    "島の住民およそ1200人のうち、800人が島の外に避難しました。")
    later = prepare("島の住民およそ1200人のうち、これまでに1100人が島の外に避難しました。タラス島"
                    "では7日朝に噴火が始まり、気象当局は噴火警戒レベルを4に引き上げています。")
    m = compare(first, later, lead=lead, versions_only=True)
    assert m is not None and m.reason == "passage extended or shortened"
    # A headline updated, aligned too poorly for any other clip-level rule (ratio 0.44).
    m = compare(prepare("【速報】ルスタニア北部で地震 ヴェルナ市内で建物の倒壊相次ぐ 住民多数が"
                        "生き埋めか"), prepare("【速報】ルスタニア北部で地震 死者120人 けが人"
                                               "1000人超"), lead=lead, versions_only=True)
    assert m is not None and m.reason == "headline updated"


def test_the_stored_permutations_are_the_seeds() -> None:
    """The default parameters' MinHash permutations kept in `lsh` are what NumPy's generator
    draws from their seed (as every stored sketch was made), and other parameters draw
    theirs; sketching with the default ones does not import numpy.random."""
    import subprocess
    import sys

    from kirinuki.analysis.lsh import DEFAULT_PARAMS, LshParams, _Hasher

    kept = _Hasher(DEFAULT_PARAMS)
    for got, drawn in zip((kept.a, kept.b, kept.band_mix), _Hasher.seeded(DEFAULT_PARAMS),
                          strict=True):
        assert got.dtype == drawn.dtype and got.shape == drawn.shape
        assert np.array_equal(got, drawn)
    other = LshParams(bands=4, rows=2, seed=7)
    assert np.array_equal(_Hasher(other).band_mix, _Hasher.seeded(other)[2])
    code = ("import sys; from kirinuki.analysis.lsh import sketch_texts; "
            "sketch_texts(['ルスタニアの首相は会見で述べました。']); "
            "print('numpy.random' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
