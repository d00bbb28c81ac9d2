"""The gate for pairs weeks apart lets go only pairs in which `compare` finds no version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from analysis_data import load_jsonl
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from kirinuki.analysis import far_gate
from kirinuki.analysis.duplicates import DEFAULT_THRESHOLDS as DEFAULT
from kirinuki.analysis.duplicates import VERSION, Prepared, prepare
from kirinuki.analysis.far_gate import Features, _folded, _found, _may_extend, let_go
from kirinuki.analysis.groups import Item, relate, verify
from kirinuki.analysis.pairs import gate_pairs, verify_blocked
from kirinuki.analysis.passages import _short_found, _similar, may_extend

# Pairs weeks apart that compare's rules must still see: sentences reordered with a figure
# updated (found sentence by sentence), an aside added in brackets, a short sentence opening a
# longer one, a headline updated, and one article's clips reworded.
KEPT = [
    ("タラス島で7日朝に噴火が始まり、気象当局は噴火警戒レベルを4に引き上げました。"
     "島の住民およそ1200人のうち、800人が島の外に避難しました。",
     "島の住民およそ1200人のうち、これまでに1100人が島の外に避難しました。タラス島"
     "では7日朝に噴火が始まり、気象当局は噴火警戒レベルを4に引き上げています。"),
    ("【速報】ルスタニア北部で地震 ヴェルナ市内で建物の倒壊相次ぐ 住民多数が生き埋めか",
     "【速報】ルスタニア北部で地震 死者120人 けが人1000人超"),
    ("港湾局は、新しい岸壁の工事を来年3月までに終える計画です。",
     "港湾局は（県の補助を受けて）、新しい岸壁の工事を来年3月までに終える計画です。"
     "費用はおよそ40億円と見込まれています。"),
    ("利上げは3会合ぶりです。", "利上げは3会合ぶりで、物価の上昇が続いていることが理由です。"),
]


def _texts() -> list[str]:
    texts = {p[k] for p in load_jsonl("pairs.jsonl") for k in ("a", "b")}
    for part in ("dev", "dev2", "dev3", "dev4", "dev5"):
        texts |= {p[k] for p in load_jsonl(f"eval/{part}/pairs.jsonl") for k in ("a", "b")}
    texts |= {t for pair in KEPT for t in pair}
    return sorted(texts)


def _features(items: Sequence[Item]) -> tuple[Features, dict[int, Prepared]]:
    f = Features()
    prepared = {i.id: prepare(i.text) for i in items}
    f.add([(i.id, prepared[i.id], i) for i in items])
    return f, prepared


def _pairs(n: int, every: int) -> tuple[list[int], list[int]]:
    """Pairs (i < j) of clips of different parity (one dated early, one late), one in
    `every` of them."""
    xs = [i for i in range(n) for j in range(i + 1, n) if (i + j) % 2]
    ys = [j for i in range(n) for j in range(i + 1, n) if (i + j) % 2]
    return xs[::every], ys[::every]


@pytest.mark.parametrize(("days", "every"), [
    (30, 61), (400, 67), pytest.param(30, 1, marks=pytest.mark.slow),
    pytest.param(400, 1, marks=pytest.mark.slow)])
def test_pairs_let_go_are_pairs_compare_finds_no_version_in(days: int, every: int) -> None:
    """Pairs among the labelled texts of the development parts (every one of them: slow),
    weeks apart: a pair let go is one in which `compare(..., versions_only=True)` finds
    nothing; most pairs are let go, and no version is."""
    texts = _texts()
    start = datetime(2023, 4, 1, tzinfo=UTC)
    items = [Item(k, text, start + timedelta(days=days * (k % 2)), "a" if k % 7 == 0 else None)
             for k, text in enumerate(texts)]
    f, prepared = _features(items)
    xs, ys = _pairs(len(items), every)
    gone = let_go(f, xs, f, ys, DEFAULT)
    versions = 0
    for k, (i, j) in enumerate(zip(xs, ys, strict=True)):
        x, y = items[i], items[j]
        link = relate(x, prepared[i], y, prepared[j], DEFAULT, versions_only=True)
        if link is not None and link.match.kind == VERSION:
            versions += 1
            assert not gone[k], (x.text, y.text, link.match)
    assert gone.mean() > 0.5  # the gate does its work
    assert versions >= 10 // every + 3  # and had versions to keep


def test_labelled_pairs_weeks_apart_keep_their_versions(monkeypatch: pytest.MonkeyPatch,
                                                        ) -> None:
    """The labelled pairs of the development parts and these, weeks apart, both ways round,
    from one article or not: no pair in which `compare` finds a version is let go, also
    those it finds by the rules after its gate without `may_extend` (one article's clips,
    figures and wording changed, headlines updated)."""
    pairs = [(p["a"], p["b"]) for p in load_jsonl("pairs.jsonl")] + KEPT
    for part in ("dev", "dev2", "dev3", "dev4", "dev5"):
        pairs += [(p["a"], p["b"]) for p in load_jsonl(f"eval/{part}/pairs.jsonl")]
    start = datetime(2023, 4, 1)
    items: list[Item] = []
    for k, (a, b) in enumerate(pairs):
        for first, second in ((a, b), (b, a)):
            article = f"https://example.com/{k}" if len(items) % 4 < 2 else None
            items += [Item(len(items), first, start, article),
                      Item(len(items) + 1, second, start + timedelta(days=45), article)]
    f, prepared = _features(items)
    xs = list(range(0, len(items), 2))
    gone = let_go(f, xs, f, [x + 1 for x in xs], DEFAULT)
    # The same with the sentence bound saying "no extension" everywhere: right for the pairs
    # whose `may_extend` is False, which the checks of the alignment, the headlines and the
    # rules after the gate must keep on their own.
    monkeypatch.setattr(far_gate, "_may_extend", lambda fx, cx, *_: np.zeros(cx.size, bool))
    alone = let_go(f, xs, f, [x + 1 for x in xs], DEFAULT)
    reasons = []
    for k, x in enumerate(xs):
        link = relate(items[x], prepared[x], items[x + 1], prepared[x + 1], DEFAULT,
                      versions_only=True)
        if link is not None:
            assert not gone[k], (items[x].text, items[x + 1].text, link.match)
            px, py = prepared[x].sentences, prepared[x + 1].sentences
            if not (may_extend(px, py, DEFAULT.background)
                    or may_extend(py, px, DEFAULT.background)):
                assert not alone[k], (items[x].text, items[x + 1].text, link.match)
                reasons.append(link.match.reason)
    assert gone.mean() > 0.1  # labelled pairs are mostly alike: fewer let go
    assert {"same article, wording changed", "headline updated",
            "figures and wording changed"} <= set(reasons)


@pytest.mark.parametrize("bits", [far_gate.BITS, 64])
def test_the_sentence_bound_never_misses_a_sentence_found(monkeypatch: pytest.MonkeyPatch,
                                                          bits: int) -> None:
    """`_found` is True wherever `_similar` reaches `shared` or `_short_found` holds: on these
    (a short sentence of kana alone opening another, one thing put for another with less than
    half the bigrams in common, one reworded, one with an aside, one whose only rule is its
    aside, one whose only rule is the same words reordered among many more kana) and on the
    sentences of labelled pairs; also with 64 buckets, where most sentences put several
    bigrams in one bucket."""
    monkeypatch.setattr(far_gate, "BITS", bits)
    monkeypatch.setattr(far_gate, "_WORDS", bits // 64)
    pairs = [("それはもうすこしさきのはなしです", "それはもうすこしさきのはなしですが、まだです"),
             ("ザルベニアの10月の消費者物価指数は、前の年の同じ月と比べて2.1%上昇しました。",
              "ザルベニアの10月の鉱工業生産指数は、前の年の同じ月と比べて2.1%上昇しました。"),
             ("港は明治時代に建造された古い施設で、去年も改修された",
              "港は明治時代に造られた古い施設で、昨年も改修された"),
             ("新しい岸壁の工事を終える計画です",
              "新しい岸壁の工事を（県と市が費用の半分ずつを負担して）終える計画です"),
             ("（県と市が費用の半分ずつを負担して）新しい岸壁の工事を終える計画です",
              "新しい岸壁の工事を終える計画です"),
             ("東京都の新庁舎の建設の計画の承認を国に申請",
              "申請というのはとてもながいはなしですが承認をまつあいだに計画をねりなおしてから"
              "建設のための新庁舎のことを東京都は国にかんがえていたのでしょうかね")]
    pairs += [(p["a"], p["b"]) for p in load_jsonl("eval/dev/pairs.jsonl")[::3]]
    items = [Item(k, t) for k, t in enumerate(t for pair in pairs for t in pair)]
    f, prepared = _features(items)
    sx, sy, want = [], [], []
    for k in range(0, len(items), 2):
        for i, x in enumerate(prepared[k].sentences):
            for j, y in enumerate(prepared[k + 1].sentences):
                sx.append(int(f.first[k]) + i)
                sy.append(int(f.first[k + 1]) + j)
                want.append(_similar(x, y, DEFAULT.background, DEFAULT.background)
                            >= DEFAULT.background or _short_found(x, y))
    got = _found(f, np.array(sx), f, np.array(sy), DEFAULT)
    assert sum(want) > 20 and want[:6] == [True] * 6
    assert all(got[k] for k in range(len(want)) if want[k])
    assert got.sum() < 2 * sum(want)  # and most others are ruled out


def test_versions_weeks_apart_that_only_sentences_or_headlines_make_are_kept() -> None:
    start = datetime(2023, 4, 1)
    for a, b in KEPT:
        items = [Item(0, a, start), Item(1, b, start + timedelta(days=60))]
        f, _ = _features(items)
        assert not let_go(f, [0], f, [1], DEFAULT)[0], a
        assert not let_go(f, [1], f, [0], DEFAULT)[0], a
    # The first two are versions only through those rules (the others check the bound).
    for a, b in KEPT[:2]:
        x, y = Item(0, a, start), Item(1, b, start + timedelta(days=60))
        link = relate(x, prepare(a), y, prepare(b), DEFAULT, versions_only=True)
        assert link is not None and link.match.kind == VERSION


def test_a_passage_contained_weeks_apart_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clip that is a piece of another across its sentences (no sentence of it found in the
    other, too little overlap for the score rule) is a version only by `_contained`: the gate
    keeps it by the overlap and the lengths alone, with the sentence bound off too."""
    whole = ("ヴェルナ州政府は臨時閣議を開き北部山岳地帯の道路復旧工事に予算を充てる方針を正式決定した。"
             "州政府関係者によると復旧工事は来年春までに完了する見通しで総事業費は約四百億円規模になる。")
    piece = whole[34:46] + whole[46:76]
    start = datetime(2023, 4, 1)
    monkeypatch.setattr(far_gate, "_may_extend", lambda fx, cx, *_: np.zeros(cx.size, bool))
    for a, b in ((whole, piece), (piece, whole)):
        items = [Item(0, a, start), Item(1, b, start + timedelta(days=60))]
        f, prepared = _features(items)
        link = relate(items[0], prepared[0], items[1], prepared[1], DEFAULT, versions_only=True)
        assert link is not None and link.match.reason == "passage extended or shortened"
        assert not may_extend(prepared[0].sentences, prepared[1].sentences, DEFAULT.background)
        assert not let_go(f, [0], f, [1], DEFAULT)[0]


def test_pairs_close_in_time_or_undated_are_never_let_go() -> None:
    texts = _texts()[:80]
    start = datetime(2023, 4, 1)
    items = [Item(k, t, start + timedelta(days=k % 8) if k % 5 else None)
             for k, t in enumerate(texts)]
    f, _ = _features(items)
    xs, ys = zip(*[(i, j) for i in range(80) for j in range(i + 1, 80)], strict=True)
    assert not let_go(f, list(xs), f, list(ys), DEFAULT).any()


@pytest.mark.parametrize("every", [89, pytest.param(1, marks=pytest.mark.slow)])
def test_the_sentence_bound_never_misses_an_extension(every: int) -> None:
    """`_may_extend` is True wherever `passages.may_extend` is, either clip first (on every
    pair of labelled texts: slow)."""
    texts = _texts()
    items = [Item(k, t) for k, t in enumerate(texts)]
    f, prepared = _features(items)
    n = len(items)
    cx = np.repeat(np.arange(n), n)[::every]
    cy = np.tile(np.arange(n), n)[::every]
    bound = _may_extend(f, cx, f, cy, DEFAULT)
    held = 0
    for k in range(cx.size):
        px, py = prepared[int(cx[k])], prepared[int(cy[k])]
        if may_extend(px.sentences, py.sentences, DEFAULT.background) or \
                may_extend(py.sentences, px.sentences, DEFAULT.background):
            held += 1
            assert bound[k], (px.text, py.text)
    assert held > n // every + 10  # more than each clip with itself
    assert bound.mean() < 0.5  # and the bound rules out most pairs


@given(st.text(max_size=60), st.text(max_size=60))
def test_folded_texts_align_at_least_as_well(a: str, b: str) -> None:
    fa, fb = _folded([a, b])
    assert len(fa) == len(a) and len(fb) == len(b)
    assert fuzz.ratio(fa, fb) >= fuzz.ratio(a, b) - 1e-9


@pytest.mark.parametrize("held", [7, 10_000])
def test_blocked_versions_with_the_gate_are_those_of_verify(held: int) -> None:
    """`verify_blocked(..., versions_only=True)`, which lets pairs go at the gate, gives the
    version links `verify` gives, for clips spread over two years."""
    rng = np.random.default_rng(held)
    texts = _texts()[:120]
    start = datetime(2022, 1, 1)
    items = [Item(k, t, start + timedelta(days=int(rng.integers(0, 730))),
                  ["x", None][int(rng.integers(0, 2))], entry=k, pos=k) for k, t in enumerate(texts)]
    a, b = np.triu_indices(len(items), 1)
    want = [lk for lk in verify(items, list(zip(a.tolist(), b.tolist(), strict=True)))
            if lk.match.kind == VERSION]
    assert len(want) >= 5

    def items_of(rows: Sequence[int]) -> dict[int, Item]:
        return {r: items[r] for r in rows}

    got = verify_blocked(a.astype(np.uint32), b.astype(np.uint32), items_of, held,
                         versions_only=True)
    assert sorted((lk.a, lk.b, lk.match) for lk, _, _ in got) == sorted(
        (lk.a, lk.b, lk.match) for lk in want)



@pytest.mark.parametrize("hashed", [far_gate._GRAM_HASH, 0xF])
def test_the_bigrams_in_common_are_never_undercounted(monkeypatch: pytest.MonkeyPatch,
                                                      hashed: int) -> None:
    """`_common` (the hashed bigrams two clips share) is at least the bigrams they share, on
    the labelled pairs; also with 4-bit hashes, where most bigrams of a clip share a hash,
    and it is exact where no two bigrams of a clip hash alike."""
    monkeypatch.setattr(far_gate, "_GRAM_HASH", hashed)
    pairs = [(p["a"], p["b"]) for p in load_jsonl("eval/dev/pairs.jsonl")]
    items = [Item(k, t) for k, t in enumerate(t for pair in pairs for t in pair)]
    f, prepared = _features(items)
    xs = np.arange(0, len(items), 2)
    got = far_gate._common(f, xs, f, xs + 1)
    want = np.array([len(prepared[k].bigrams & prepared[k + 1].bigrams) for k in xs.tolist()])
    assert want.sum() > 1000 and (got >= want).all()
    if hashed > 0xF:
        assert (got == want).mean() > 0.99


def test_features_put_together_gate_as_one() -> None:
    """Features made in parts and put together (`Features.concat`, as the workers of a first
    publish make them) let go the same pairs as one made of every clip, numbered in turn."""
    texts = _texts()[:240]
    start = datetime(2023, 4, 1, tzinfo=UTC)
    items = [Item(k, text, start + timedelta(days=90 * (k % 3)), "a" if k % 5 == 0 else None)
             for k, text in enumerate(texts)]
    whole, _ = _features(items)
    parts = [_features(items[s:s + 50])[0] for s in range(0, len(items), 50)]
    joined = Features.concat(parts)
    assert len(joined) == len(items) and joined.masked[7] == whole.masked[7]
    xs, ys = _pairs(len(items), 7)
    cx, cy = np.array(xs), np.array(ys)
    want = let_go(whole, xs, whole, ys, DEFAULT)
    assert 0.2 < want.mean() < 1
    assert (far_gate.let_go_at(joined, cx, joined, cy, DEFAULT) == want).all()
    assert (far_gate._common(joined, cx, joined, cy) == far_gate._common(whole, cx, whole, cy)
            ).all()
    gated = gate_pairs(joined, np.r_[cx, -1], np.r_[cy, 3], DEFAULT)
    assert (gated[:-1] == ~want).all() and gated[-1]  # a clip not in it: compared
    # one part at a time, the sizes known beforehand (as the first publish reads them back)
    parts = [_features(items[s:s + 50])[0] for s in range(0, len(items), 50)]
    sizes = (len(items), sum(f.size.size for f in parts), sum(f.grams.size for f in parts))
    streamed = Features.concat(iter(parts), sizes)
    assert (far_gate.let_go_at(streamed, cx, streamed, cy, DEFAULT) == want).all()
    assert (far_gate._common(streamed, cx, streamed, cy) == far_gate._common(whole, cx, whole, cy)
            ).all()
    with pytest.raises(ValueError, match="sizes"):
        Features.concat([_features(items[:50])[0]], (51, 10**5, 10**6))
