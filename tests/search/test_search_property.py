"""Exact recall: on random journals, every query shape returns exactly what a plain substring
scan over the folded clip text returns, before and after edits, deletions and tag renames."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kirinuki.journal import Journal, get_entry, init_journal
from kirinuki.journal import search as search_module
from kirinuki.journal.editing import delete_clip, delete_entry, edit_clip, rename_tag
from kirinuki.journal.search import SearchResult, count_matches, search
from kirinuki.store.sqlite.entries import entry_ids
from kirinuki.store.sqlite.search_postings import Postings
from kirinuki.text.normalize import fold, kana_fold, nfkc, search_fold, tag_key
from tests.conftest import examples
from tests.search.conftest import JST, add_entries, entry

# Sub-words, 1-2 character words, width and case variants, characters whose folding changes
# length (ß, ﬁ, half-width ｶﾞ), ASCII punctuation and a private-use character of plane 15,
# which the index folds together with its neighbours (the verified path); digits with grouping
# commas (full-width, thin space) and hiragana/katakana pairs for `~` (long kana words take the
# verified path too).
ALPHABET = ("東京都ロシア円億米国露核のaAＡｎN1１ 「」#-.%ｶﾞガßﬁée\u0301\U000f0041\U000f0042"
            "0008,，\u2009~きキしシだダー")
TAGS = ["露", "核", "NATO", "ｎａｔｏ", "円安"]
DATES = [None, datetime(2021, 12, 31, 23, 59, 59, tzinfo=JST),
         datetime(2022, 1, 1, 0, 0, tzinfo=JST), datetime(2022, 1, 15, 12, 0, tzinfo=JST),
         datetime(2022, 2, 1, 9, 30, tzinfo=JST)]
BOUNDS = [date(2021, 12, 31), date(2022, 1, 1), date(2022, 1, 15), date(2022, 2, 1)]

texts_st = st.text(alphabet=ALPHABET, min_size=1, max_size=24)
group_st = st.tuples(st.lists(texts_st, min_size=1, max_size=3),
                     st.lists(st.sampled_from(TAGS), max_size=2, unique=True))
entry_st = st.tuples(st.lists(group_st, min_size=1, max_size=3), st.sampled_from(DATES))
corpus_st = st.lists(entry_st, min_size=1, max_size=5)


@dataclass
class Doc:
    clip_id: int
    folded: str
    tags: set[str]
    day: date | None


def build(corpus: list[tuple[list[tuple[list[str], list[str]]], datetime | None]]) -> Journal:
    j = init_journal(":memory:")
    add_entries(j, [entry(groups, when, f"k{i}") for i, (groups, when) in enumerate(corpus)])
    return j


def docs_of(j: Journal) -> list[Doc]:
    out = []
    for eid in entry_ids(j.store):
        e = get_entry(j, eid)
        day = e.published.date() if e.published else None
        for g in e.groups:
            tags = {tag_key(t.name) for t in g.tags}
            out.extend(Doc(c.id or 0, search_fold(c.text), tags, day) for c in g.clips)
    return out


def _render_word(s: str, kana: bool = False) -> str | None:
    """The query syntax for the literal text `s`, quoted when it would read as an operator
    (`~` before it: kana-insensitive)."""
    if not fold(s).strip() or '"' in nfkc(s):
        return None
    n = nfkc(s)
    if any(c.isspace() for c in n) or n[0] in "-#~" or n == "OR" or ":" in n:
        return ("~" if kana else "") + f'"{s}"'
    return ("~" if kana else "") + s


@st.composite
def queries(draw: st.DrawFn, texts: list[str], resolve: Callable[[str], str],
            ) -> tuple[str, object]:
    """(query string, reference predicate over Doc) of a random shape."""

    def atom() -> tuple[str, object] | None:
        if draw(st.integers(0, 4)) == 0:
            tag = draw(st.sampled_from(TAGS + ["未使用"]))
            return "#" + tag, ("tag", resolve(tag_key(tag)))
        if draw(st.booleans()) and texts:
            t = draw(st.sampled_from(texts))
            i = draw(st.integers(0, len(t) - 1))
            s = t[i:i + draw(st.integers(1, 8))]
        else:
            s = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=3))
        kana = draw(st.integers(0, 3)) == 0
        word = _render_word(s, kana)
        if word is None:
            return None
        return word, ("kana", kana_fold(search_fold(s))) if kana else ("word", search_fold(s))

    parts: list[str] = []
    clauses: list[list[object]] = []
    excluded: list[object] = []
    for _ in range(draw(st.integers(1, 3))):
        first = atom()
        if first is None:
            continue
        kind = draw(st.sampled_from(["and", "and", "or", "not"]))
        if kind == "not":
            parts.append("-" + first[0])
            excluded.append(first[1])
        elif kind == "or" and (second := atom()) is not None:
            parts.append(f"{first[0]} OR {second[0]}")
            clauses.append([first[1], second[1]])
        else:
            parts.append(first[0])
            clauses.append([first[1]])
    since = draw(st.sampled_from([None, *BOUNDS]))
    until = draw(st.sampled_from([None, *[b for b in BOUNDS if since is None or b >= since]]))
    if since:
        parts.append(f"since:{since}")
    if until:
        parts.append(f"until:{until}")
    if not parts:
        parts, clauses = ["の"], [[("word", "の")]]

    def holds(a: object, d: Doc) -> bool:
        kind, value = a  # type: ignore[misc]
        if kind == "kana":
            return value in kana_fold(d.folded)
        return value in d.folded if kind == "word" else value in d.tags

    def pred(d: Doc) -> bool:
        if (since or until) and d.day is None:
            return False
        if (since and d.day < since) or (until and d.day > until):  # type: ignore[operator]
            return False
        return (all(any(holds(a, d) for a in c) for c in clauses)
                and not any(holds(a, d) for a in excluded))

    return " ".join(parts), pred


def canonical(j: Journal, key: str) -> str:
    """A tag key as search resolves it: a renamed tag's old key is an alias of the new one."""
    row = j.store.conn.execute("SELECT t.key FROM tag_aliases a JOIN tags t ON t.id = a.tag_id"
                               " WHERE a.key = ?", (key,)).fetchone()
    return str(row[0]) if row else key


def same(a: SearchResult, b: SearchResult) -> bool:
    """Two results show the same thing (hits, scores, total, facets)."""
    return ([(h.clip_id, h.score) for h in a.hits], a.total, a.tags, a.months, a.faceted) \
        == ([(h.clip_id, h.score) for h in b.hits], b.total, b.tags, b.months, b.faceted)


def check(j: Journal, data: st.DataObject, rounds: int) -> None:
    cache = Postings()
    docs = docs_of(j)
    for d in docs:
        d.tags = {canonical(j, t) for t in d.tags}
    texts = [c.text for eid in entry_ids(j.store) for c in get_entry(j, eid).clips]
    for _ in range(rounds):
        q, pred = data.draw(queries(texts, lambda k: canonical(j, k)))
        public = data.draw(st.booleans())  # drafts are the undated entries here
        want = {d.clip_id for d in docs if pred(d) and (d.day or not public)}  # type: ignore[operator]
        got = search(j, q, limit=10_000, sort="date", facets=False, published_only=public)
        assert {h.clip_id for h in got.hits} == want, q
        assert got.total == len(want) == count_matches(j, q, published_only=public), q
        # A small page takes the narrow first round of the mixed 1- and 2-character search,
        # and the later rounds that widen the range: same order as the full listing.
        page = search(j, q, limit=3, offset=1, sort="date", total=False, facets=False,
                      published_only=public)
        assert [h.clip_id for h in page.hits] == [h.clip_id for h in got.hits][1:4], q
        ranked = search(j, q, limit=10_000, facets=True, published_only=public)
        assert {h.clip_id for h in ranked.hits} == want, q
        # Facets over every match from facet columns (taken from 1,000 matches on) are the
        # ones SQLite groups.
        saved, search_module.COLUMNS_FROM = search_module.COLUMNS_FROM, 0
        try:
            columns = search(j, q, limit=10_000, facets=True, published_only=public)
        finally:
            search_module.COLUMNS_FROM = saved
        assert same(columns, ranked), q
        # Row ids kept in memory (the web app's path) give the same hits, scores and facets.
        for kept in (ranked, page):
            again = search(j, q, limit=len(kept.hits) or 1, offset=1 if kept is page else 0,
                           sort=kept.sort, total=kept.total is not None,
                           facets=kept is ranked, published_only=public, postings=(cache, 1))
            assert same(again, kept), q
        assert sum(f.count for f in ranked.months) == len(want), q
        # Facets over the newest 3 matches: the total stays exact, whether the window held
        # every match (and then gives the total) or not.
        windowed = search(j, q, limit=0, sort="date", facet_window=3, published_only=public)
        assert same(windowed, search(j, q, limit=0, sort="date", facet_window=3,
                                     published_only=public, postings=(cache, 1))), q
        assert windowed.total == len(want), q
        assert sum(f.count for f in windowed.months) == min(3, len(want)), q
        assert (windowed.faceted == 3) == (len(want) >= 3), q


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=corpus_st, data=st.data())
def test_search_equals_substring_scan(corpus: list, data: st.DataObject) -> None:  # type: ignore[type-arg]
    with build(corpus) as j:
        check(j, data, rounds=8)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=corpus_st, data=st.data())
def test_search_stays_exact_through_edits(corpus: list, data: st.DataObject) -> None:  # type: ignore[type-arg]
    with build(corpus) as j:
        for _ in range(data.draw(st.integers(1, 4))):
            clips = [c for eid in entry_ids(j.store) for c in get_entry(j, eid).clips]
            if not clips:
                break
            clip = data.draw(st.sampled_from(clips))
            action = data.draw(st.sampled_from(["edit", "delete", "entry", "rename"]))
            if action == "edit":
                edit_clip(j, clip.id or 0, data.draw(texts_st.filter(lambda t: t.strip())))
            elif action == "delete":
                delete_clip(j, clip.id or 0)
            elif action == "entry":
                delete_entry(j, str(data.draw(st.sampled_from(entry_ids(j.store)))))
            else:
                # Entries keep a tag as written; once renamed, that name is only an alias.
                used = {str(r[0]) for r in j.store.conn.execute("SELECT key FROM tags")}
                if used:
                    rename_tag(j, data.draw(st.sampled_from(sorted(used))),
                               data.draw(st.sampled_from(TAGS)))
        check(j, data, rounds=6)
