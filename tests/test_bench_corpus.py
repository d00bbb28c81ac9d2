"""The synthetic benchmark corpus (bench/corpus.py): deterministic, well-formed, known answers."""

from __future__ import annotations

import importlib.util
import re
import statistics
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from kirinuki.model import Clip
from kirinuki.text.cliptext import parse, render

CORPUS_PY = Path(__file__).resolve().parent.parent / "bench" / "corpus.py"
TAG_LINE = re.compile(r"^(#[^\s#]+)+$")
DIGITS = re.compile(r"[0-9０-９]+")


def _load() -> ModuleType:
    """Import bench/corpus.py (bench is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_corpus", CORPUS_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building the class
    spec.loader.exec_module(module)
    return module


corpus = _load()


@pytest.fixture(scope="module")
def entries() -> list:
    return list(corpus.generate_entries(2000, seed=7))


def test_same_seed_same_output() -> None:
    assert list(corpus.generate_entries(60, seed=3)) == list(corpus.generate_entries(60, seed=3))
    assert list(corpus.generate_paragraphs(300, seed=3)) == list(
        corpus.generate_paragraphs(300, seed=3)
    )


def test_different_seed_different_output() -> None:
    a = [e.text for e in corpus.generate_entries(20, seed=1)]
    b = [e.text for e in corpus.generate_entries(20, seed=2)]
    assert a != b
    assert list(corpus.generate_paragraphs(20, seed=1)) != list(
        corpus.generate_paragraphs(20, seed=2)
    )


def test_page_format(entries: list) -> None:
    for e in entries:
        lines = e.text.split("\n")
        assert lines[:3] == [*corpus.HEADER, ""]
        assert lines[-2:] == ["", corpus.FOOTER]
        assert not e.text.endswith("\n")
        tag_lines = [line for line in lines if line.startswith("#")]
        assert all(TAG_LINE.match(line) for line in tag_lines), tag_lines
        assert [line[1:].split("#") for line in tag_lines] == e.tags
        body = [line for line in lines[3:-2] if line and not line.startswith("#")]
        assert body == e.clips
        old = e.published.year < 2021
        for i, line in enumerate(lines[3:-2], start=3):
            if line in e.clips:
                nxt = lines[i + 1]
                assert (nxt == "") if old else (nxt != "")


def test_pages_parse_as_the_project_reads_them(entries: list) -> None:
    for e in entries[:300]:
        parsed = parse(e.text)
        assert render(parsed) == e.text
        assert [h.url for h in parsed.header] == list(corpus.HEADER)
        assert parsed.footer is not None and parsed.footer.text == corpus.FOOTER
        clips = [item.text for g in parsed.groups for item in g.items if isinstance(item, Clip)]
        assert clips == e.clips
        tags = [[t.name for tl in g.tag_lines for t in tl.tags] for g in parsed.groups]
        assert tags == e.tags


def test_paragraph_shape(entries: list) -> None:
    paragraphs = list(corpus.generate_paragraphs(2000, seed=5))
    for p in paragraphs + [c for e in entries for c in e.clips]:
        assert corpus.MIN_PARAGRAPH <= len(p) <= corpus.MAX_PARAGRAPH
        assert "\n" not in p and not p.startswith("#") and p == p.strip()
    assert 120 <= statistics.mean(map(len, paragraphs)) <= 230


def test_clip_counts(entries: list) -> None:
    counts = [len(e.clips) for e in entries]
    assert min(counts) == 2 and max(counts) == 9
    assert 4.7 <= statistics.mean(counts) <= 5.3
    three = [len(e.clips) for e in corpus.generate_entries(500, seed=1, clips_per_entry=3)]
    assert 2.7 <= statistics.mean(three) <= 3.3


def test_near_duplicates_change_one_figure(entries: list) -> None:
    dups = [(i, e) for i, e in enumerate(entries) if e.near_duplicate_of is not None]
    assert 0.03 <= len(dups) / len(entries) <= 0.07
    for i, e in dups:
        assert e.near_duplicate_of < i
        assert e.near_duplicate_clip is not None
        dst, src = e.near_duplicate_clip
        copy, original = e.clips[dst], entries[e.near_duplicate_of].clips[src]
        assert copy != original
        assert DIGITS.sub("0", copy) == DIGITS.sub("0", original)  # only digits differ
        changed = [
            (a, b) for a, b in zip(DIGITS.findall(copy), DIGITS.findall(original), strict=True)
            if a != b
        ]
        assert len(changed) == 1, changed


def test_no_accidental_duplicates(entries: list) -> None:
    clips = [c for e in entries for c in e.clips]
    assert len(set(clips)) == len(clips)
    masked = Counter(DIGITS.sub("0", c) for c in clips)
    extra = sum(n - 1 for n in masked.values())
    assert extra == sum(e.near_duplicate_of is not None for e in entries)


def test_dates(entries: list) -> None:
    times = [e.published for e in entries]
    assert all(a < b for a, b in zip(times, times[1:], strict=False))
    assert times[0] >= datetime(2016, 1, 1, tzinfo=corpus.TOKYO)
    assert times[-1] <= datetime(2025, 12, 31, 23, 59, 59, tzinfo=corpus.TOKYO)
    assert times[-1] - times[0] > timedelta(days=3600)  # spread over the ten years
    assert all(t.utcoffset() == timedelta(hours=9) for t in times)
    assert len({e.file_name for e in entries}) == len(entries)
    years = Counter(t.year for t in times)
    assert sorted(years) == list(range(2016, 2026))


def test_tags_zipf_like(entries: list) -> None:
    assert len(corpus.TAGS) == len(set(corpus.TAGS)) == 200
    freq = Counter(t for e in entries for group in e.tags for t in group)
    assert 150 <= len(freq) <= 200
    ranked = [n for _, n in freq.most_common()]
    assert ranked[0] > 5 * ranked[49]
    for e in entries:
        for group in e.tags:
            assert 1 <= len(group) == len(set(group)) <= 3


def test_search_traps_present(entries: list) -> None:
    text = "\n".join(c for e in entries for c in e.clips)
    for word in ("露", "米", "核", "円", "首相", "米国", "中国", "東京都", "円安", "億円",
                 "NATO", "G7", "IMF", "CSTO", "「"):
        assert word in text, word
    assert re.search(r"(?<!東)京都", text)  # 京都 also on its own, not only inside 東京都
    assert re.search(r"(?<!ロ)シア", text)  # シア inside words other than ロシア
    assert re.search(r"[０-９]+", text)  # some full-width figures
    assert re.search(r"[0-9]+(人|件|億円|ドル|%|か国|万人)", text)


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        list(corpus.generate_entries(-1))
    with pytest.raises(ValueError):
        list(corpus.generate_entries(3, clips_per_entry=0))
    assert list(corpus.generate_entries(0)) == []


def test_cli_writes_entries_and_paragraphs(tmp_path: Path) -> None:
    out = tmp_path / "entries"
    assert corpus.main(["--entries", "12", "--seed", "4", "--out", str(out)]) == 0
    expected = {e.file_name: e.text for e in corpus.generate_entries(12, seed=4)}
    files = sorted(out.iterdir())
    assert [f.name for f in files] == sorted(expected)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}_\d{6}\.txt", f.name) for f in files)
    for f in files:
        assert f.read_bytes().decode("utf-8") == expected[f.name]

    para = tmp_path / "p.txt"
    assert corpus.main(["--paragraphs", "50", "--seed", "4", "--out", str(para)]) == 0
    lines = para.read_bytes().decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert lines[:-1] == list(corpus.generate_paragraphs(50, seed=4))
