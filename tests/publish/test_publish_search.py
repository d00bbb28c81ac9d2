"""The static search answers exactly what the CLI's query language defines.

The browser script runs here in the real node (`/usr/bin/node`): its folding must equal
`normalize.fold`, its parser must accept and refuse what `text.query.parse_query` does, and its
hits must be the clips a plain substring scan of the folded text finds, and what
`kirinuki search --json` returns.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from kirinuki.errors import InputError, KirinukiError
from kirinuki.journal import Journal
from kirinuki.journal.published import entry_batch, published_entries
from kirinuki.publish import publish
from kirinuki.publish.searchindex import fold_table
from kirinuki.text import query as q
from kirinuki.text.normalize import fold, kana_fold, search_fold, tag_key

NODE = shutil.which("node") or "/usr/bin/node"
pytestmark = pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")
SCRIPT = resources.files("kirinuki.publish") / "static" / "search.js"

# Runs queries against a published site's index the way the page does, one JSON per line.
HARNESS = r"""
const fs = require('fs'), path = require('path');
const s = require(process.argv[2]);
const site = process.argv[3];
const index = JSON.parse(fs.readFileSync(path.join(site, 'search/index.json'), 'utf8'));
s.setIndex(index);
const chunks = index.chunks.map(c => JSON.parse(fs.readFileSync(
  path.join(site, c.url.split('?')[0]), 'utf8')));
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = {fold: input.fold.map(s.fold), results: []};
for (const query of input.queries) {
  try {
    const parsed = s.parseQuery(query);
    const hits = [];
    for (const c of chunks) for (const h of s.searchChunk(parsed, c)) hits.push([h[0][0], h[1][0]]);
    out.results.push({hits});
  } catch (e) { out.results.push({error: e.message}); }
}
process.stdout.write(JSON.stringify(out));
"""


def run_node(site: Path, queries: list[str], folds: list[str], tmp: Path) -> dict[str, Any]:
    harness = tmp / "harness.js"
    harness.write_text(HARNESS, encoding="utf-8")
    done = subprocess.run([NODE, str(harness), str(SCRIPT), str(site)],
                          input=json.dumps({"queries": queries, "fold": folds}),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


class Reference:
    """The definition: a clip matches when the parsed query holds on its folded text."""

    def __init__(self, journal: Journal) -> None:
        metas = published_entries(journal)
        batch = entry_batch(journal, [m.id for m in metas])
        self.rows = []
        for m in metas:
            for g in batch[m.id].groups:
                keys = {tag_key(t.name) for t in g.tags}
                for c in g.clips:
                    site = fold(c.citation.site) if c.citation and c.citation.site else ""
                    self.rows.append((m, keys, c, search_fold(c.text), site))

    def hits(self, text: str) -> set[tuple[int, int]]:
        query = q.parse_query(text)
        return {(m.id, c.id or 0) for m, keys, c, folded, site in self.rows
                if self._holds(query, m, keys, folded, site)}

    @staticmethod
    def _atom(a: q.Atom, m: Any, keys: set[str], folded: str, site: str) -> bool:
        if isinstance(a, q.Word):
            return a.text in (kana_fold(folded) if a.kana else folded)
        if isinstance(a, q.Tag):
            return a.key in keys
        if isinstance(a, q.Source):
            return site == a.site or site.endswith("." + a.site)
        ref = a.ref.strip()
        return str(m.id) == ref if ref.isdigit() else m.permalink == "/" + ref.strip("/")

    def _holds(self, query: q.Query, m: Any, keys: set[str], folded: str, site: str) -> bool:
        day = m.published.date()
        if (query.since and day < query.since) or (query.until and day > query.until):
            return False
        return (all(any(self._atom(a, m, keys, folded, site) for a in c) for c in query.clauses)
                and not any(self._atom(a, m, keys, folded, site) for a in query.excluded))


QUERIES = [
    "露", "米国", "核", "3800", "ＮＡＴＯ", "nato", '"注視している"', "北方連合 -4400",
    "3800 OR 4400", "#反ロシア", "#ＮＡＴＯ拡大", "#反ロシア 北方", "since:2024-01-06",
    "until:2024-01", "since:2017 until:2017", "source:example.jp", "source:news.example.jp 3800",
    "-source:example.jp 北方", "entry:1", "entry:/entry/2024/01/06/213000", "<script>",
    '"引用" OR 首相', "-露 北方連合", "米国 OR #年頭演説 会見", "したい", "ミハイロフ首相は",
]
BAD = ['"unclosed', "OR 露", "露 OR", "-since:2024", "since:2024-13", '""', "since:", "-露 OR 米国"]


def test_static_search_finds_what_the_query_language_defines(small: Journal,
                                                             tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    ref = Reference(small)
    out = run_node(site, QUERIES + BAD, [], tmp_path)
    for text, result in zip(QUERIES, out["results"], strict=False):
        assert "error" not in result, (text, result)
        assert {tuple(h) for h in result["hits"]} == ref.hits(text), text
    assert sum(len(r["hits"]) for r in out["results"][: len(QUERIES)]) > 20
    for text, result in zip(BAD, out["results"][len(QUERIES):], strict=True):
        with pytest.raises(InputError):
            q.parse_query(text)
        assert "error" in result, text


GROUPED = [  # (clip, tag): the same count written four ways, names in either kana, a list
    ("拘束された人は3800人に上りました。", "数え方"),
    ("拘束された人は3,800人に上りました。", "数え方"),
    ("拘束された人は３，８００人に上りました。", "数え方"),
    ("拘束された人は3\u2009800人に上りました。", "数え方"),
    ("予算は1,234,567円、候補は1,2,3の三つです。", "数え方"),
    ("キシダ首相は会見で支援を表明しました。", "かな"),
    ("きしだ首相は会見で支援を表明しました。", "かな"),
    ("キしダ首相は視察しました。", "かな"),
]
GROUPED_QUERIES = ["3800人", "3,800人", "３，８００人", "1234567円", "1,234,567", "1,2,3", "123",
                   "3,8", "~きしだ", "~キシダ", '~"きしだ首相は会見"', "きしだ", "キシダ",
                   "~きしだ -会見", "~し 3800", "-~きしだ 首相", "~"]


def _grouped_journal(folder: Path) -> Journal:
    from kirinuki.journal import import_paths, init_journal

    j = init_journal(str(folder / "g.db"), "数", ["kirinuki.test"])
    files = []
    for k, (text, tag) in enumerate(GROUPED):
        f = folder / f"2024-03-{k + 1:02d}_090000.txt"
        f.write_text(f"{text}\n\n#{tag}\n", encoding="utf-8")
        files.append(str(f))
    import_paths(j, files)
    return j


def test_digit_grouping_and_kana_fold_as_the_served_search(tmp_path: Path) -> None:
    """`3,800人` finds `3800人`, `３，８００人` and a thin-space `3 800人`; `~` makes hiragana and
    katakana alike; the marks cover the characters as written."""
    from tests.conftest import Cli

    j = _grouped_journal(tmp_path)
    site = tmp_path / "site"
    publish(j, site, jobs=1)
    ref = Reference(j)
    out = run_node(site, GROUPED_QUERIES, [], tmp_path)
    cli = Cli(j.store.path)
    by_text = {c.id: c.text for _, _, c, _, _ in ref.rows}
    for text, result in zip(GROUPED_QUERIES, out["results"], strict=True):
        got = {tuple(h) for h in result["hits"]}
        assert got == ref.hits(text), text
        done = cli("search", "--json", "--limit", "1000", "--", text)
        assert done.exit_code == 0, (text, done.output)
        assert got == {(h["entry_id"], h["clip_id"]) for h in json.loads(done.stdout)["hits"]}, text
    found = {t: {by_text[c] for _, c in r["hits"]}
             for t, r in zip(GROUPED_QUERIES, out["results"], strict=True)}
    counts = {t for t, _ in GROUPED[:4]}
    assert found["3800人"] == found["3,800人"] == found["３，８００人"] == counts
    assert found["1,234,567"] == {GROUPED[4][0]} and found["1,2,3"] == {GROUPED[4][0]}
    assert found["123"] == {GROUPED[4][0]} and found["3,8"] == set()
    assert found["~きしだ"] == found["~キシダ"] == {t for t, _ in GROUPED[5:]}
    assert found["きしだ"] == {GROUPED[6][0]} and found["キシダ"] == {GROUPED[5][0]}
    assert found['~"きしだ首相は会見"'] == {GROUPED[5][0], GROUPED[6][0]}
    assert found["~きしだ -会見"] == {GROUPED[7][0]}
    # Marks: the words found, over the text as written (commas and full-width digits kept).
    marks = HIGHLIGHT.replace("QUERIES", json.dumps(
        [["3,800人", GROUPED[2][0]], ["3800", GROUPED[3][0]], ["~きしだ", GROUPED[7][0]]]))
    harness = tmp_path / "marks.js"
    harness.write_text(marks, encoding="utf-8")
    done = subprocess.run([NODE, str(harness), str(SCRIPT)], capture_output=True, text=True,
                          check=True)
    spans = [[text[a:b] for a, b in ranges] for (_, text), ranges in zip(
        [["", GROUPED[2][0]], ["", GROUPED[3][0]], ["", GROUPED[7][0]]],
        json.loads(done.stdout), strict=True)]
    assert spans == [["３，８００人"], ["3\u2009800"], ["キしダ"]]
    j.close()


HIGHLIGHT = r"""
const s = require(process.argv[2]);
process.stdout.write(JSON.stringify(QUERIES.map(([q, t]) => s.highlights(s.parseQuery(q), t))));
"""


def test_random_substring_queries_agree(small: Journal, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    ref = Reference(small)
    rnd = random.Random(6)
    texts = [c.text for _, _, c, _, _ in ref.rows]
    queries = []
    for _ in range(80):
        words = []
        for _ in range(rnd.randint(1, 3)):
            t = rnd.choice(texts)
            n = rnd.randint(1, 4)
            i = rnd.randrange(0, max(1, len(t) - n))
            w = t[i : i + n].replace('"', "").strip() or "露"
            words.append(("-" if rnd.random() < 0.15 else "") + f'"{w}"')
        queries.append(" OR ".join(words) if rnd.random() < 0.2 else " ".join(words))
    out = run_node(site, queries, [], tmp_path)
    for text, result in zip(queries, out["results"], strict=True):
        try:
            expected = ref.hits(text)
        except KirinukiError:
            assert "error" in result, text
            continue
        assert {tuple(h) for h in result["hits"]} == expected, text


def test_browser_folding_equals_python_folding(small: Journal, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    chars = [chr(c) for lo, hi in ((0, 0x3400), (0xA000, 0xD800), (0xF900, 0x20000))
             for c in range(lo, hi) if unicodedata.category(chr(c)) not in ("Cn", "Cs")]
    samples = ["".join(chars[i : i + 64]) for i in range(0, len(chars), 64)]
    samples += ["ＮＡＴＯ ß ﬁ ΣΑΣ İstanbul ｶﾀｶﾅ ①②", "Straße STRASSE ǅ ᾈ"]
    out = run_node(site, [], samples, tmp_path)
    bad = [(s, f, fold(s)) for s, f in zip(samples, out["fold"], strict=True) if f != fold(s)]
    assert bad == []
    assert fold_table()["ß"] == "ss"


def test_cli_search_agrees(small: Journal, tmp_path: Path) -> None:
    from tests.conftest import Cli

    site = tmp_path / "site"
    publish(small, site, jobs=1)
    out = run_node(site, QUERIES, [], tmp_path)
    published = {m.id for m in published_entries(small)}
    cli = Cli(small.store.path)
    for text, result in zip(QUERIES, out["results"], strict=True):
        done = cli("search", "--json", "--limit", "100000", "--", text)
        assert done.exit_code == 0, (text, done.output)
        data = json.loads(done.stdout)
        cli_hits = {(h["entry_id"], h["clip_id"]) for h in data["hits"]
                    if h["entry_id"] in published}
        assert {tuple(h) for h in result["hits"]} == cli_hits, text


def test_fold_table_is_every_character_whose_folding_differs_from_its_lower_case() -> None:
    """The table is computed run by run; it must equal the test of each code point."""
    from kirinuki.publish.searchindex import _CASED_RANGES, fold_table

    expected = {}
    for start, end in _CASED_RANGES:
        for cp in range(start, end):
            if not 0xD800 <= cp < 0xE000 and chr(cp).casefold() != chr(cp).lower():
                expected[chr(cp)] = chr(cp).casefold()
    assert list(fold_table().items()) == list(expected.items())
    assert fold_table()["ß"] == "ss" and "ς" in fold_table()
