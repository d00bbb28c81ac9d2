"""Word keys: a third source of candidates, for reworded versions LSH does not pair (a
headline and its follow-up sharing a name and little else)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kirinuki.analysis.duplicates import BACKGROUND, VERSION, Match, compare, prepare
from kirinuki.analysis.groups import Item, find_links, word_match
from kirinuki.analysis.lsh import DuplicateIndex, Sketches, estimate, sketch_texts
from kirinuki.analysis.word_keys import WORD_CAP, WORD_SLOTS, word_key, word_keys
from kirinuki.journal import Journal, import_paths
from kirinuki.journal.analysis import duplicate_groups

FIRST = "【速報】ミズホ線 倒木で運転見合わせ"
LATER = "【続報】ミズホ線 午後5時すぎに全線再開 乗客2000人に影響"
# Unrelated, with common words only (運転, 午後, 影響): no word of three characters alike.
OTHER = "【速報】高速道路で事故 午後の運転に影響 渋滞は10キロ"


def index_of(sk: Sketches) -> DuplicateIndex:
    index = DuplicateIndex()
    index.add_many(sk)
    return index


def test_a_reworded_headline_is_paired_by_a_shared_name() -> None:
    sk = sketch_texts([FIRST, LATER, OTHER])
    assert float(estimate(sk.sigs[0], sk.sigs[1])) < 0.25  # LSH alone never verifies it
    index = index_of(sk)
    lsh, _ = index.candidate_pairs(min_estimate=0.25)
    assert [0, 1] not in lsh.tolist()
    assert index.word_candidates(lsh).tolist() == [[0, 1]]
    assert index.word_rows(sk, 1) == {0, 1}
    m = compare(prepare(FIRST), prepare(LATER))
    assert m is not None and m.kind == VERSION  # and the rules find what it is
    links = find_links([Item(k, t, None, None) for k, t in enumerate([FIRST, LATER, OTHER])])
    assert [(x.a, x.b, x.match.kind) for x in links] == [(0, 1, VERSION)]


def test_word_keys_are_the_longest_kanji_and_katakana_runs() -> None:
    keys = word_keys("ノルデン海のパイプラインで損傷が見つかり、首相は国家安全保障会議を開いた。")
    # Runs of 3+ characters, longest first: 国家安全保障会議, パイプライン, ノルデン海; not 損傷, 首相.
    assert keys == [word_key("国家安全保障会議"), word_key("パイプライン"), word_key("ノルデン海"), 0]
    assert word_keys("首相が会見で発表しました。") == [0] * WORD_SLOTS  # common words: no keys
    assert all(k & 1 for k in keys[:3])  # odd, never the empty slot


def test_a_common_word_pairs_nothing() -> None:
    texts = [f"ハマナス市の{k}丁目で、住宅{k}棟の屋根が強風で飛ばされました。" for k in range(1, 3)]
    texts += [f"ハマナス市の公園で{k}日、花火大会が開かれました。" for k in range(1, WORD_CAP)]
    words = sketch_texts(texts).word_keys()
    assert (words == word_key("ハマナス市")).any(axis=1).sum() == WORD_CAP + 1
    pairs = index_of(sketch_texts(texts)).word_candidates()
    assert not ((pairs[:, 0] == 0) & (pairs[:, 1] == 1)).any()  # shared by too many clips
    few = index_of(sketch_texts(texts[:WORD_CAP])).word_candidates()
    assert [0, 1] in few.tolist()


def test_an_extended_passage_found_by_a_word_alone_is_dropped() -> None:
    assert not word_match(Match(VERSION, 0.6, "passage extended or shortened"))
    assert not word_match(Match(VERSION, 0.6, "passage extended, sentences reordered"))
    assert not word_match(None)
    assert word_match(Match(VERSION, 0.3, "headline updated"))
    assert word_match(Match(BACKGROUND, 0.5, "shared background, reworded"))


def test_word_keys_round_trip_and_older_sketches_read_without_them() -> None:
    sk = sketch_texts([FIRST, LATER])
    blobs = [sk.row_bytes(0), sk.row_bytes(1)]
    back = Sketches.from_bytes(blobs)
    assert np.array_equal(back.word_keys(), sk.word_keys()) and back.word_keys()[0, 0] != 0
    older = Sketches.from_bytes([b[: -4 * WORD_SLOTS] for b in blobs])  # stored before them
    assert np.array_equal(older.sigs, sk.sigs) and not older.word_keys().any()
    mixed = Sketches.from_bytes([blobs[0][: -4 * WORD_SLOTS], blobs[1]])  # some of each
    assert np.array_equal(mixed.sigs, sk.sigs) and np.array_equal(mixed.keys, sk.keys)
    assert not mixed.word_keys()[0].any() and np.array_equal(mixed.word_keys()[1],
                                                            sk.word_keys()[1])
    with pytest.raises(ValueError):
        Sketches.from_bytes([blobs[0], blobs[1][:-1]])


def test_a_journal_finds_a_reworded_version_through_a_shared_word(journal: Journal,
                                                                 tmp_path: Path) -> None:
    for stamp, body in (("2024-05-09_090000", FIRST), ("2024-05-09_170000", LATER),
                        ("2024-05-10_090000", OTHER)):
        (tmp_path / f"{stamp}.txt").write_text(f"https://kirinuki.test/{stamp}\n\n{body}\n",
                                                encoding="utf-8")
    import_paths(journal, [str(tmp_path)])
    for ref in (None, "1", "2"):  # the whole journal, and one entry at a time
        groups = duplicate_groups(journal, ref)
        assert [(g.group.kind, [c.text for c in g.clips]) for g in groups] == [
            (VERSION, [FIRST, LATER])], ref
    assert duplicate_groups(journal, "3") == []


def _redo_links(journal: Journal, monkeypatch: pytest.MonkeyPatch, scan_max: int,
                probe_max: int) -> list[tuple[int, int]]:
    from kirinuki.journal import analysis
    from kirinuki.store.sqlite import analysis as rows

    with journal.store.transaction():
        journal.store.conn.execute("DELETE FROM clip_versions")
        journal.store.conn.execute("UPDATE clip_sketches SET versions_checked = 0")
    analysis._cache.clear()
    monkeypatch.setattr(analysis, "_SCAN_MAX", scan_max)
    monkeypatch.setattr(analysis, "_PROBE_MAX", probe_max)
    analysis.catch_up_versions(journal)
    return sorted((eid, earlier) for eid, _, earlier, _ in rows.version_rows(journal.store))


def test_stored_version_links_come_from_word_keys_too(journal: Journal, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for stamp, body in (("2024-05-09_090000", FIRST), ("2024-05-09_170000", LATER),
                        ("2024-05-10_090000", OTHER)):
        (tmp_path / f"{stamp}.txt").write_text(f"https://kirinuki.test/{stamp}\n\n{body}\n",
                                                encoding="utf-8")
    import_paths(journal, [str(tmp_path)])
    # A pass over the sketches, the index, and every pair at once (a bulk import) alike.
    for scan_max, probe_max in ((100, 2000), (0, 2000), (0, 0)):
        assert _redo_links(journal, monkeypatch, scan_max, probe_max) == [(2, 1)], scan_max


def test_only_pairs_proposed_by_word_keys_alone_are_told_apart() -> None:
    from kirinuki.journal.versions_bulk import _by_words, word_codes

    sk = sketch_texts([FIRST, OTHER, LATER])
    words = word_codes(sk, np.empty(0, dtype=np.int64))
    assert words.tolist() == [(0 << 32) | 2]
    assert word_codes(sk, words).size == 0  # an LSH pair already: not word keys' alone
    ids = [10, 11, 12]  # row -> clip id
    link = Match(VERSION, 0.3, "headline updated")
    from kirinuki.analysis.groups import Link

    assert _by_words(ids, words, Link(12, 10, link)) and _by_words(ids, words, Link(10, 12, link))
    assert not _by_words(ids, words, Link(10, 11, link))


def test_a_word_shared_weeks_apart_links_nothing(journal: Journal, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timedelta

    day = datetime(2024, 5, 9)
    for gap, want in ((timedelta(days=1), [VERSION]), (timedelta(days=12), [])):
        items = [Item(0, FIRST, day), Item(1, LATER, day + gap)]
        assert [x.match.kind for x in find_links(items)] == want, gap
    for stamp, body in (("2024-05-09_090000", FIRST), ("2024-05-21_090000", LATER)):
        (tmp_path / f"{stamp}.txt").write_text(f"https://kirinuki.test/{stamp}\n\n{body}\n",
                                                encoding="utf-8")
    import_paths(journal, [str(tmp_path)])
    for scan_max, probe_max in ((100, 2000), (0, 2000), (0, 0)):
        assert _redo_links(journal, monkeypatch, scan_max, probe_max) == [], scan_max
    assert duplicate_groups(journal) == []
