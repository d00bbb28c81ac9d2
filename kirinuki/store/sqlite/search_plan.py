"""Planning a search: a parsed query becomes a `Plan`, one FTS5 MATCH string over one of the
search tables and a row id range, with its tag, source and entry filters resolved to ids.

See `search.py` for the index layout and why every plan over ordinary text is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kirinuki.store.sqlite.db import Store
from kirinuki.store.sqlite.search import bracket, date_key
from kirinuki.store.sqlite.search_tokens import (
    ALL,
    ENTRY,
    LOSSY,
    NOTHING,
    PUBLIC,
    SOURCE,
    TAG,
    index_form,
    word_match,
)
from kirinuki.text.normalize import fold, kana_variants
from kirinuki.text.query import Atom, EntryRef, Query, Source, Tag, Word


@dataclass(frozen=True)
class Plan:
    """How to answer one query: table, MATCH string, row id range and resolved filters.

    `exact` is False only when a word holds a plane 15-16 character (the index folds those
    together): the caller must then verify candidates against the text. `relaxed`, when set,
    is the same query without its one-character words (`dropped`), which `search_bi` can only
    answer with prefix queries that read whole doclists: intersecting its candidates, newest
    first, with `search_uni` over the same row id range finds the first hits much sooner.
    """

    table: str
    match: str
    lo: int
    hi: int
    exact: bool
    public_only: bool = False
    tags: dict[str, int] = field(default_factory=dict)
    sources: dict[str, frozenset[int]] = field(default_factory=dict)
    entries: dict[str, int] = field(default_factory=dict)
    relaxed: Plan | None = None
    dropped: tuple[str, ...] = ()
    drafts: tuple[int, ...] | None = None  # public_only: the draft entries to leave out



def _tag_id(store: Store, key: str) -> int:
    row = store.conn.execute("SELECT id FROM tags WHERE key = ?", (key,)).fetchone()
    if row is None:
        row = store.conn.execute("SELECT tag_id FROM tag_aliases WHERE key = ?",
                                 (key,)).fetchone()
    return int(row[0]) if row else 0


def _source_ids(store: Store, site: str) -> frozenset[int]:
    """Sources whose site is `site` or a subdomain of it (the sources table is small)."""
    return frozenset(
        int(sid) for sid, s in store.conn.execute("SELECT id, site FROM sources")
        if fold(s) == site or fold(s).endswith("." + site))


def _entry_id(store: Store, ref: str) -> int:
    ref = ref.strip()
    if ref.isdigit():
        row = store.conn.execute("SELECT id FROM entries WHERE id = ?", (int(ref),)).fetchone()
    else:
        link = "/" + ref.strip("/")
        row = store.conn.execute("SELECT id FROM entries WHERE permalink = ?",
                                 (link,)).fetchone()
    return int(row[0]) if row else 0


# A kana-insensitive word is the OR of its spellings up to this many (6 kana); a longer one
# asks for one of the spellings of each of its bigrams, a superset verified against the text.
MAX_KANA_VARIANTS = 64


def word_exact(word: Word) -> bool:
    """Whether the index answers `word` exactly (else its matches are a superset)."""
    if LOSSY in index_form(word.text):
        return False
    return not word.kana or len(kana_variants(word.text)) <= MAX_KANA_VARIANTS


def word_expr(word: Word, bi: bool) -> str:
    """The FTS5 expression of a word (see `word_match`; `bi`: in `search_bi`)."""
    if not word.kana:
        return word_match(index_form(word.text), bi)
    spellings = kana_variants(word.text)
    if len(spellings) <= MAX_KANA_VARIANTS:
        return "(" + " OR ".join(word_match(index_form(v), bi) for v in spellings) + ")"
    form = word.text
    return "(" + " AND ".join(
        "(" + " OR ".join(word_match(index_form(v), bi) for v in kana_variants(form[i:i + 2]))
        + ")" for i in range(len(form) - 1)) + ")"


def _expr(atom: Atom, bi: bool, plan: Plan) -> str:
    if isinstance(atom, Word):
        return word_expr(atom, bi)
    if isinstance(atom, Tag):
        tid = plan.tags[atom.key]
        return f'"{TAG}{tid}"' if tid else NOTHING
    if isinstance(atom, Source):
        ids = sorted(plan.sources[atom.site])
        return "(" + " OR ".join(f'"{SOURCE}{i}"' for i in ids) + ")" if ids else NOTHING
    eid = plan.entries[atom.ref]
    return f'"{ENTRY}{eid}"' if eid else NOTHING


MIN_ROWID, MAX_ROWID = -(1 << 63), (1 << 63) - 1
# Up to this many drafts, readers' queries leave them out by their entry tokens; beyond, they
# intersect with the token every published clip carries.
MAX_DRAFTS = 64


Bracket = Callable[[Store, tuple[int, int]], tuple[int | None, int | None]]
Drafts = Callable[[Store], tuple[int, ...] | None]


def draft_ids(store: Store) -> tuple[int, ...] | None:
    """The ids of the entries not published, or None when there are more than MAX_DRAFTS."""
    ids = [int(r[0]) for r in store.conn.execute(
        "SELECT id FROM entries WHERE status <> 'published' LIMIT ?", (MAX_DRAFTS + 1,))]
    return tuple(ids) if len(ids) <= MAX_DRAFTS else None


def _range(store: Store, query: Query, find: Bracket) -> tuple[int, int]:
    """The row id range of the query's dates (row ids follow the clips' date order)."""
    lo, hi = MIN_ROWID, MAX_ROWID
    if query.since is not None or query.until is not None:
        # Undated clips come first in that order and belong to no date range.
        since = date_key(query.since.isoformat() + "T00:00:00") if query.since else 1
        first = find(store, (since, MIN_ROWID))[1]
        lo = MAX_ROWID if first is None else first
    if query.until is not None:
        last = find(store, (date_key(query.until.isoformat() + "T23:59:59"), MAX_ROWID))[0]
        hi = MIN_ROWID if last is None else last
    return lo, hi


def make_plan(store: Store, query: Query, public_only: bool = False,
              find: Bracket = bracket, drafts_of: Drafts = draft_ids) -> Plan:
    """Resolve the query's filters and build its MATCH string (`public_only`: leave out clips
    of entries that are not published; `find`, `drafts_of`: `bracket` and `draft_ids`, or
    ones that remember answers)."""
    atoms = query.atoms()
    words = [index_form(a.text) for a in atoms if isinstance(a, Word)]
    bi = any(len(w) > 1 for w in words)
    lo, hi = _range(store, query, find)
    drafts = drafts_of(store) if public_only else None
    plan = Plan(
        table="search_bi" if bi else "search_uni", match="", lo=lo, hi=hi,
        exact=all(word_exact(a) for a in atoms if isinstance(a, Word)), public_only=public_only,
        tags={a.key: _tag_id(store, a.key) for a in atoms if isinstance(a, Tag)},
        sources={a.site: _source_ids(store, a.site) for a in atoms if isinstance(a, Source)},
        entries={a.ref: _entry_id(store, a.ref) for a in atoms if isinstance(a, EntryRef)},
        drafts=drafts,
    )
    match = _match(query.clauses, query.excluded, bi, plan)
    relaxed = None
    single = [c for c in query.clauses if len(c) == 1 and isinstance(c[0], Word)
              and len(index_form(c[0].text)) == 1 and not c[0].kana]
    if bi and single and len(single) < len(query.clauses):
        rest = tuple(c for c in query.clauses if c not in single)
        relaxed = Plan(plan.table, _match(rest, query.excluded, bi, plan), lo, hi, False,
                       public_only)
    return Plan(plan.table, match, lo, hi, plan.exact, public_only, plan.tags, plan.sources,
                plan.entries, relaxed, tuple(w.text for c in single if isinstance(w := c[0], Word)),
                drafts)


def _match(clauses: tuple[tuple[Atom, ...], ...], excluded: tuple[Atom, ...], bi: bool,
           plan: Plan) -> str:
    parts = ["(" + " OR ".join(_expr(a, bi, plan) for a in c) + ")" for c in clauses]
    many_drafts = plan.public_only and plan.drafts is None
    match = " AND ".join(parts + ([f'"{PUBLIC}"'] if many_drafts else [])) or f'"{ALL}"'
    # An inexact word stands for a superset of its matches: excluding that would drop clips
    # that do not contain the word, so such words are left to the caller's verification.
    kept = [a for a in excluded if not (isinstance(a, Word) and not word_exact(a))]
    out = [_expr(a, bi, plan) for a in kept]
    if plan.public_only and plan.drafts:
        out += [f'"{ENTRY}{eid}"' for eid in plan.drafts]
    if out:
        match = f"({match}) NOT (" + " OR ".join(out) + ")"
    return match



def word_plan(plan: Plan, word: Word) -> Plan:
    """A plan for `word` alone within `plan`'s range (for document frequencies)."""
    table = "search_bi" if len(index_form(word.text)) > 1 else "search_uni"
    return Plan(table, word_expr(word, False), plan.lo, plan.hi, plan.exact)

