"""Row ids follow the clips' date order whatever order entries are written in, gaps that fill
up are relabelled, and the FTS5 structures stay intact."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kirinuki.journal import Journal, get_entry, init_journal
from kirinuki.journal.editing import delete_entry, replace_entry
from kirinuki.journal.search import count_matches, search
from kirinuki.model import Clip, Group
from kirinuki.store.sqlite import search as index
from tests.conftest import examples
from tests.search.conftest import JST, add_entries, entry

BASE = datetime(2023, 6, 1, 12, 0, tzinfo=JST)


def dated_order(j: Journal) -> list[tuple[int, int]]:
    """(date key, entry id) of every dated clip, as search lists them newest first."""
    hits = search(j, "since:2000", sort="date", limit=100_000, facets=False).hits
    return [(index.date_key(h.published.isoformat()), h.entry_id) for h in hits if h.published]


def check_order(j: Journal) -> None:
    order = dated_order(j)
    assert order == sorted(order, reverse=True)
    clips = j.store.conn.execute("SELECT count(*) FROM clips").fetchone()[0]
    assert count_matches(j, "-\U000f0000") == clips  # every clip is indexed once
    for table in ("search_bi", "search_uni"):
        j.store.conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    rows = j.store.conn.execute(
        "SELECT docid, stamp, entry_id FROM search_docs ORDER BY docid").fetchall()
    keys = [(st, eid) for _, st, eid in rows]
    assert keys == sorted(keys)


entries_st = st.lists(st.tuples(st.integers(0, 6), st.integers(1, 14)), min_size=1, max_size=12)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=entries_st, data=st.data())
def test_any_write_order_keeps_date_order(entries: list[tuple[int, int]],
                                          data: st.DataObject) -> None:
    with init_journal(":memory:") as j:
        for i, (day, n) in enumerate(entries):
            when = BASE + timedelta(days=day) if day else None
            add_entries(j, [entry([([f"段落{i}の{k}番。" for k in range(n)], ["順"])], when,
                                  f"e{i}")])
        check_order(j)
        ids = [int(r[0]) for r in j.store.conn.execute("SELECT id FROM entries")]
        for eid in data.draw(st.lists(st.sampled_from(ids), max_size=4, unique=True)):
            if data.draw(st.booleans()):
                delete_entry(j, str(eid))
            else:
                e = get_entry(j, eid)
                e.groups.append(Group([Clip(f"追加{x}。") for x in range(data.draw(
                    st.integers(1, 20)))], []))
                replace_entry(j, e)
        check_order(j)


def test_a_full_gap_is_relabelled(mem_journal: Journal) -> None:
    j = mem_journal
    add_entries(j, [entry([(["前。"], [])], BASE, "a"), entry([(["後。"], [])],
                                                               BASE + timedelta(hours=2), "b")])
    for i in range(12):  # each lands between the two, in an ever smaller gap
        add_entries(j, [entry([([f"間{i}の段落。"] * 5, [])],
                              BASE + timedelta(hours=1, seconds=i), f"m{i}")])
    check_order(j)
    assert search(j, "間11の段落", sort="date").total == 5
    assert [h.text for h in search(j, "の段落", sort="date", limit=1).hits] == ["間11の段落。"]


def test_bracket_is_a_scan_in_one_statement(any_journal_path: str) -> None:
    """`bracket` (the binary search over row ids that places a date) gives what a scan of the
    rows gives, for keys before, between, on and after the stored ones, and runs as one
    statement however many rows it searches (PostgreSQL paid a round trip per step)."""
    rng = random.Random(5)
    with init_journal(any_journal_path) as j:
        for i in rng.sample(range(60), 60):  # written out of date order
            when = BASE + timedelta(hours=i // 2, seconds=i % 2)
            add_entries(j, [entry([([f"段{i}の{k}。" for k in range(1 + i % 3)], [])], when,
                                  f"b{i}")])
        rows = [(int(d), int(s), int(e)) for d, s, e in j.store.conn.execute(
            "SELECT docid, stamp, entry_id FROM search_docs ORDER BY docid")]
        stamps = sorted({s for _, s, _ in rows})
        keys = [(s + ds, eid) for s in stamps for ds in (-1, 0, 1) for eid in (0, 30, 10**9)]
        for key in keys:
            before = [d for d, s, e in rows if (s, e) < key]
            after = [d for d, s, e in rows if (s, e) >= key]
            assert index.bracket(j.store, key) == (before[-1] if before else None,
                                                   after[0] if after else None), key
        if j.store.dialect == "sqlite":
            run: list[str] = []
            j.store.conn.set_trace_callback(run.append)  # type: ignore[attr-defined]
            index.bracket(j.store, (stamps[len(stamps) // 2], 0))
            j.store.conn.set_trace_callback(None)  # type: ignore[attr-defined]
            assert len(run) == 1
