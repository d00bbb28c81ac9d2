"""The snapshot of the last build (publish/snapshot.py, publish/append.py): new entries after
the newest are published without looking at the other entries, anything else (an edit, an
entry dated earlier, a damaged or stale snapshot) takes the ordinary path, and every result
equals a fresh full build byte for byte."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kirinuki.journal import Journal, import_paths
from kirinuki.publish import append, build, publish, snapshot, writer
from tests.publish.conftest import _clip, _entry, _tags, make_journal
from tests.publish.test_publish_writer import _tree


def _add(j: Journal, folder: Path, n: int, published: str, text: str, *tags: str,
         permalink: str | None = None, related: str | None = None) -> None:
    items: list[dict[str, Any]] = [_clip(text)]
    if related:
        items.append({"related": {"url": related, "quote": "", "blank_after": 1}})
    rec = _entry(f"k-new{n}", published, [{"items": items, "tag_lines": [_tags(*tags)]}],
                 permalink=permalink or f"/entry/{published[:10].replace('-', '/')}/"
                                         f"{published[11:19].replace(':', '')}")
    src = folder / f"new{n}.jsonl"
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    import_paths(j, [str(src)])


@pytest.fixture
def followed(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each publish took the short path."""
    seen: list[bool] = []
    real = build.follow

    def counted(*args: Any, **kw: Any) -> Any:
        out = real(*args, **kw)
        seen.append(out is not None)
        return out

    monkeypatch.setattr(build, "follow", counted)
    return seen


def _check(j: Journal, live: Path, tmp: Path, n: int) -> None:
    fresh = tmp / f"fresh{n}"
    publish(j, fresh, full=True, jobs=1)
    assert _tree(live) == _tree(fresh), n
    assert publish(j, live, jobs=1).written == 0, n


def test_new_entries_after_the_newest_take_the_short_path(tmp_path: Path,
                                                          followed: list[bool]) -> None:
    from kirinuki.journal.editing import edit_clip
    from kirinuki.journal.queries import get_entry

    j = make_journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    blobs = snapshot.state_blobs(live)
    assert blobs.get("snap.head") is not None and blobs.get("snap.base") is not None
    later = "https://kirinuki.test/entry/2024/03/01/100000"
    steps = [  # (change, whether the short path serves it)
        (lambda: _add(j, tmp_path, 1, "2024-02-01T08:00:00+09:00", "新しい段落です。", "米国"),
         True),
        # A related link to a page that does not exist yet, then the entry that takes it:
        # the earlier entry's page must now link to it (its links key moves).
        (lambda: _add(j, tmp_path, 2, "2024-02-02T08:00:00+09:00", "次の段落です。", "新タグ",
                      related=later), True),
        (lambda: _add(j, tmp_path, 6, "2024-02-15T08:00:00+09:00", "間の段落です。", "米国"),
         True),
        (lambda: _add(j, tmp_path, 3, "2024-03-01T10:00:00+09:00", "三月の段落です。", "新タグ"),
         True),
        (lambda: edit_clip(j, get_entry(j, "/entry/2024/01/06/230000").clips[0].id or 0,
                           "米国の国務長官は協議の再開を改めて呼びかけました。"), False),
        (lambda: _add(j, tmp_path, 4, "2024-01-10T08:00:00+09:00", "途中の日付です。", "米国"),
         False),
        (lambda: _add(j, tmp_path, 5, "2024-03-02T08:00:00+09:00", "四つ目の段落です。", "米国"),
         True),
    ]
    for n, (step, short) in enumerate(steps):
        followed.clear()
        step()
        assert publish(j, live, jobs=1).written > 0, n
        assert followed == [short], n
        _check(j, live, tmp_path, n)
        if n == 3:  # not a neighbour of the new entry: planned again for its links key
            page = (live / "entry/2024/02/02/080000/index.html").read_text(encoding="utf-8")
            assert 'href="/entry/2024/03/01/100000/"' in page
    j.close()


def test_a_version_mark_moved_without_an_edit_takes_the_ordinary_path(
        tmp_path: Path, followed: list[bool]) -> None:
    """A version link of an older entry removed by the analysis (its stamp unchanged), then
    a new entry: the older entry's page must lose its mark."""
    from tests.publish.test_publish_versions import _journal, _page

    j = _journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    assert 'class="update"' in _page(live, "2024/09/11/074500")
    with j.store.transaction():
        j.store.conn.execute("DELETE FROM clip_versions")
    _add(j, tmp_path, 1, "2024-09-20T08:00:00+09:00", "無関係の段落です。", "洪水")
    assert publish(j, live, jobs=1).written > 0
    assert followed == [False]
    assert 'class="update"' not in _page(live, "2024/09/11/074500")
    _check(j, live, tmp_path, 0)
    j.close()


@pytest.mark.parametrize("step", ["after the first build", "after a short path"])
@pytest.mark.parametrize("link", ["none", "onto an older clip", "between older clips"])
def test_only_the_new_clips_version_notes_are_read(tmp_path: Path, followed: list[bool],
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   link: str, step: str) -> None:
    """The version links' mark recorded by a build (the first publish here, which found the
    links of every clip, then each short path) lets the next read the notes of the links of
    the new entries' clips alone; a link the analysis adds onto an older entry's clip, or
    between older clips, sends it the ordinary path."""
    from kirinuki.journal.queries import get_entry
    from tests.publish.test_publish_versions import OLD, _journal, _page

    j = _journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    if step == "after a short path":
        _add(j, tmp_path, 1, "2024-09-20T08:00:00+09:00", "無関係の段落です。", "洪水")
        publish(j, live, jobs=1)
        assert followed == [True]
    read_all: list[int] = []
    real_notes, real_catch_up = append.stored_version_notes, append.catch_up_analysis
    monkeypatch.setattr(append, "stored_version_notes",
                        lambda journal: read_all.append(1) or real_notes(journal))
    older = [c.id or 0 for c in get_entry(j, "/entry/2024/09/11/074500").clips]
    first = get_entry(j, "/entry/2024/09/10/213000").clips[0].id or 0

    def catch_up(journal: Journal, sketches: Any) -> Any:
        out = real_catch_up(journal, sketches)
        new = get_entry(journal, "/entry/2024/09/21/080000").clips[0].id or 0
        pair = {"onto an older clip": (older[1], new), "between older clips": (older[1], first)}
        if link in pair:
            with journal.store.transaction():
                journal.store.conn.execute("INSERT INTO clip_versions VALUES (?, ?, ?)",
                                           (*pair[link], "死者: 120人 → 300人 (+180)"))
        return out

    monkeypatch.setattr(append, "catch_up_analysis", catch_up)
    followed.clear()
    _add(j, tmp_path, 2, "2024-09-21T08:00:00+09:00", OLD.replace("120人", "230人"), "洪水")
    assert publish(j, live, jobs=1).written > 0
    assert 'class="update"' in _page(live, "2024/09/21/080000")
    if link == "none":
        assert followed == [True] and read_all == []
    else:
        assert followed == [False]
        assert "120人 → 300人" in _page(live, "2024/09/11/074500")
    _check(j, live, tmp_path, 0)
    j.close()


@pytest.mark.parametrize("damage", ["head", "base", "missing part", "head without a key",
                                    "stale head", "no base", "manifest"])
def test_a_damaged_or_stale_snapshot_takes_the_ordinary_path(
        tmp_path: Path, followed: list[bool], damage: str) -> None:
    j = make_journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    blobs = snapshot.state_blobs(live)
    old_head = blobs.get("snap.head")
    assert old_head is not None
    _add(j, tmp_path, 1, "2024-02-01T08:00:00+09:00", "新しい段落です。", "米国")
    publish(j, live, jobs=1)
    assert followed == [True]
    _add(j, tmp_path, 2, "2024-02-02T08:00:00+09:00", "次の段落です。", "米国")
    head = blobs.get("snap.head") or b""
    if damage == "head":
        blobs.put({"snap.head": head[:-7]})
    elif damage == "base":
        blobs.put({"snap.base": (blobs.get("snap.base") or b"")[:-3]})
    elif damage == "missing part":  # one chunk of rows gone: known before any is read
        blobs.put({f"snap.{snapshot.P_CHUNKS}": None})
    elif damage == "head without a key":
        import marshal

        h = marshal.loads(head)
        del h["rows"]
        blobs.put({"snap.head": marshal.dumps(h)})
    elif damage == "stale head":  # the head of an earlier build: its token is not the last
        blobs.put({"snap.head": old_head})
    elif damage == "no base":
        blobs.put({}, drop="snap.")
    else:  # the last build's manifest records another build's token
        import sqlite3

        conn = sqlite3.connect(writer.state_path(live))
        with conn:
            conn.execute("UPDATE meta SET value = 'other' WHERE key = 'snap'")
        conn.close()
    followed.clear()
    assert publish(j, live, jobs=1).written > 0
    assert followed == [False]
    _check(j, live, tmp_path, 0)
    # The ordinary path wrote a fresh snapshot: the next new entry follows it again.
    followed.clear()
    _add(j, tmp_path, 3, "2024-02-03T08:00:00+09:00", "三つ目の段落です。", "米国")
    assert publish(j, live, jobs=1).written > 0
    assert followed == [True]
    _check(j, live, tmp_path, 1)
    j.close()


def test_a_base_of_another_chunk_size_is_not_read(tmp_path: Path, followed: list[bool],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The chunk size is part of the base (another version may write other chunks): its rows
    would be read at the wrong positions."""
    j = make_journal(tmp_path)
    live = tmp_path / "live"
    with monkeypatch.context() as m:
        m.setattr(snapshot, "CHUNK", 3)
        publish(j, live, jobs=1)
    _add(j, tmp_path, 1, "2024-02-01T08:00:00+09:00", "新しい段落です。", "米国")
    assert publish(j, live, jobs=1).written > 0
    assert followed == [False]
    _check(j, live, tmp_path, 0)
    _add(j, tmp_path, 2, "2024-02-02T08:00:00+09:00", "次の段落です。", "米国")
    assert publish(j, live, jobs=1).written > 0
    assert followed == [False, True]
    _check(j, live, tmp_path, 1)
    j.close()


def test_the_base_is_written_again_when_the_tail_grows(tmp_path: Path, followed: list[bool],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(append, "TAIL_MAX", 1)
    monkeypatch.setattr(snapshot, "CHUNK", 2)  # several chunks, one of them partly kept
    monkeypatch.setattr(append, "CHUNK", 2)
    j = make_journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    def base() -> snapshot.Base | None:
        return snapshot.read_base(snapshot.state_blobs(live))

    bases = [base()]
    for n in range(1, 5):
        _add(j, tmp_path, n, f"2024-02-0{n}T08:00:00+09:00", f"段落{n}です。", "米国")
        assert publish(j, live, jobs=1).written > 0
        bases.append(base())
        _check(j, live, tmp_path, n)
    assert followed == [True] * 4
    ids = [b.id for b in bases if b is not None]
    counts = [b.count for b in bases if b is not None]
    assert len(ids) == 5 and len(set(ids)) == 3  # rewritten after every second new entry
    assert counts == [4, 4, 6, 6, 8]
    j.close()


def _sigs(site: Path) -> dict[str, str]:
    import sqlite3

    from kirinuki.publish.state import state_path

    conn = sqlite3.connect(state_path(site))
    try:
        return dict(conn.execute("SELECT path, sig FROM pages"))
    finally:
        conn.close()


def test_a_tags_story_key_on_the_short_path_is_made_from_its_stored_parts(
        tmp_path: Path, followed: list[bool], monkeypatch: pytest.MonkeyPatch) -> None:
    """The short path keys a tag's story from the parts stored for its older members and its
    new members alone (reading every member loaded most of the snapshot at 100k), to the
    same signature as a full build: every page's signature equals a fresh build's."""
    monkeypatch.setattr(snapshot, "CHUNK", 2)
    monkeypatch.setattr(append, "CHUNK", 2)
    known: list[dict[str, Any]] = []
    real = build.read_stories

    def seen(*args: Any) -> Any:
        out = real(*args)
        known.append(out)
        return out

    monkeypatch.setattr(build, "read_stories", seen)
    j = make_journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    for n in range(1, 4):
        _add(j, tmp_path, n, f"2024-02-0{n}T08:00:00+09:00", f"段落{n}です。", "米国")
        assert publish(j, live, jobs=1).written > 0
        fresh = tmp_path / f"fresh{n}"
        publish(j, fresh, full=True, jobs=1)
        assert _sigs(live) == _sigs(fresh), n
        assert _tree(live) == _tree(fresh), n
    assert followed == [True] * 3
    assert all("米国" in k for k in known), known
    j.close()


def test_deleting_the_state_beside_the_site_costs_only_a_full_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the snapshot and the sketches in the state, a publish reads every entry again
    and writes what a fresh full build writes; a context file an earlier version kept beside
    the site is removed."""
    from kirinuki.journal.editing import edit_clip
    from kirinuki.journal.queries import get_entry

    j = make_journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    _add(j, tmp_path, 1, "2024-02-01T08:00:00+09:00", "新しい段落です。", "米国")
    publish(j, live, jobs=1)  # writes the sketches too
    blobs = snapshot.state_blobs(live)
    assert all(blobs.get(k) is not None for k in ("snap.head", "snap.base", "sketch.base"))
    blobs.put({}, drop="snap.")
    blobs.put({}, drop="sketch.")
    old = live.parent / ".live.context"
    old.write_bytes(b"\x00")
    full_reads: list[int] = []
    real = build.published_entries_and_flag

    def counted(*args: Any, **kw: Any) -> Any:
        full_reads.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(build, "published_entries_and_flag", counted)
    entry = get_entry(j, "/entry/2024/02/01/080000")
    edit_clip(j, entry.clips[0].id or 0, "書き換えた段落です。")
    assert publish(j, live, jobs=1).written > 0
    assert full_reads == [1] and not old.exists()
    assert blobs.get("snap.head") is not None
    _check(j, live, tmp_path, 0)
    # The state written again serves the next publish (no full read).
    edit_clip(j, entry.clips[0].id or 0, "もう一度書き換えた段落です。")
    assert publish(j, live, jobs=1).written > 0
    assert full_reads == [1, 1]  # the fresh build of `_check` read them all, this one not
    _check(j, live, tmp_path, 1)
    j.close()


def test_lazy_entries_make_only_the_entries_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tag's story key reads a few members in most chunks: each entry is made from its row
    when first read, not its whole chunk (at 100k that made every entry of the journal)."""
    from datetime import UTC, datetime

    from kirinuki.journal.published import PublishedEntry

    monkeypatch.setattr(snapshot, "CHUNK", 4)
    changed = datetime(2024, 2, 1, tzinfo=UTC)
    entries = [PublishedEntry(i, f"k{i}", f"/entry/{i}/", datetime(2024, 1, 1, i, tzinfo=UTC),
                              changed, None, (("t", "T"),), (), "2024-01-01", changed.isoformat())
               for i in range(10)]
    rows = [snapshot.row_of(e) for e in entries]
    reads: list[int] = []

    def chunk(k: int) -> list[tuple[Any, ...]]:
        reads.append(k)
        return rows[k * 4:(k + 1) * 4]

    made: list[int] = []
    real = snapshot.entry_of
    monkeypatch.setattr(snapshot, "entry_of", lambda r, tz: made.append(r[0]) or real(r, tz))
    lazy = snapshot.LazyEntries(chunk, 10, [], UTC)
    assert lazy[5].id == 5 and lazy[9].permalink == "/entry/9/" and lazy[5] is lazy[5]
    assert made == [5, 9] and reads == [1, 2]
    assert [e.id for e in lazy] == list(range(10)) and reads == [1, 2, 0]


def test_stamps_are_compared_as_the_bytes_stored() -> None:
    """Equal stamps give equal bytes however their objects are shared (marshal's later
    versions mark objects shared when written); one moved stamp, one entry more or fewer
    does not."""
    stamp = "2024-02-01T08:00:00.123456+09:00"
    from kirinuki.journal.sketch_cache import pack_stamps, same_stamps

    stored = pack_stamps([(1, stamp, 1), (70000, stamp, 0), (2**40, "x", 1)])
    shared = (1, stamp, 1)
    same = [shared, (70000, stamp, 0), (2**40, "x", 1)]
    assert same_stamps(stored, same) and same_stamps(stored, [*same])
    assert not same_stamps(stored, [shared, (70000, stamp[:-1] + "1", 0),
                                             (2**40, "x", 1)])
    assert not same_stamps(stored, same[:2])
    assert not same_stamps(stored, [*same, shared])


@pytest.mark.parametrize("live_chunk", ["as written", "changed since", "gone"])
def test_a_new_entry_adds_its_rows_to_the_months_search_chunk(
        tmp_path: Path, followed: list[bool], monkeypatch: pytest.MonkeyPatch,
        live_chunk: str) -> None:
    """On the short path the month's search chunk is the new entry's rows before the older
    entries' rows of the file the last build wrote (not made again from every entry of the
    month), when that file is as the last build recorded it; the site equals a full build
    either way."""
    from kirinuki.publish import searchindex

    j = make_journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    _add(j, tmp_path, 1, "2024-02-01T08:00:00+09:00", "新しい段落です。", "米国")
    publish(j, live, jobs=1)  # February's first entry: a chunk of its own
    spliced: list[int] = []
    real = searchindex.chunk_before

    def counted(*args: Any) -> bytes:
        spliced.append(1)
        return real(*args)

    monkeypatch.setattr(searchindex, "chunk_before", counted)
    chunk = live / "search/2024-02.json"
    old = chunk.read_bytes()
    if live_chunk == "changed since":
        chunk.write_bytes(old.replace("新しい".encode(), "古かった".encode()))
    elif live_chunk == "gone":
        chunk.unlink()
    followed.clear()
    _add(j, tmp_path, 2, "2024-02-02T08:00:00+09:00", "次の段落です。", "米国")
    assert publish(j, live, jobs=1).written > 0
    assert followed == [True]
    assert spliced == ([1] if live_chunk == "as written" else [])
    data = chunk.read_bytes()
    assert data.index("次の段落です".encode()) < data.index("新しい段落です".encode())
    _check(j, live, tmp_path, 0)
    j.close()



@pytest.mark.parametrize("change", ["none", "a new entry", "an entry written",
                                    "a recent entry written", "an entry stamped earlier",
                                    "an entry removed"])
def test_the_entries_of_the_base_are_checked_by_their_summary(tmp_path: Path,
                                                              change: str) -> None:
    """`stamps_after` gives the stamps of the entries after the summarised ones while those
    are as they were, None once one of them is written (stamped after the newest, or before
    it by a clock set back) or removed; each fails when its part of the summary is left out."""
    from kirinuki.journal.sketch_cache import RECENT, entry_stamps, stamps_after, stamps_summary

    j = make_journal(tmp_path)
    conn = j.store.conn
    first = entry_stamps(j)[0][0]
    with j.store.transaction():  # written long before the others
        conn.execute("UPDATE entries SET updated = ? WHERE id = ?",
                     ("2020-01-01T00:00:00+09:00", first))
    every = entry_stamps(j)
    seen = stamps_summary(every)
    assert seen is not None and seen[:3] == (every[-1][0], len(every),
                                             float(sum(r[0] for r in every)))
    newest = datetime.fromisoformat(seen[3])
    with j.store.transaction():
        if change in ("an entry written", "a recent entry written"):
            conn.execute("UPDATE entries SET updated = ? WHERE id = ?",
                         ((newest + timedelta(seconds=1)).isoformat(),
                          first if change == "an entry written" else every[-1][0]))
        elif change == "an entry stamped earlier":
            conn.execute("UPDATE entries SET updated = ? WHERE id = ?",
                         ((newest - RECENT / 2).isoformat(), first))
        elif change == "an entry removed":
            conn.execute("DELETE FROM entries WHERE id = ?", (first,))
    if change == "a new entry":
        _add(j, tmp_path, 1, "2024-02-01T08:00:00+09:00", "新しい段落です。", "米国")
    after = stamps_after(j, seen)
    if change == "none":
        assert after == []
    elif change == "a new entry":
        assert after == entry_stamps(j)[len(every):] and len(after) == 1
    else:
        assert after is None
    j.close()


@pytest.mark.parametrize("bases", ["the same", "other"])
def test_the_short_path_reads_no_stamp_of_the_older_entries(
        tmp_path: Path, followed: list[bool], monkeypatch: pytest.MonkeyPatch,
        bases: str) -> None:
    """A new entry after the newest: the stamps of the entries after the base alone are read
    (the others are checked by their summary), for the snapshot and the version check, whose
    sketch base holds the snapshot's stamps as stored (neither made into rows nor packed
    again) or other ones (the snapshot's base written again since: checked by its own)."""
    import marshal

    from kirinuki.journal import sketch_cache
    from kirinuki.store.sqlite import analysis as stamp_rows

    j = make_journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    if bases == "other":
        monkeypatch.setattr(append, "TAIL_MAX", 1)
        for n in (2, 3):
            _add(j, tmp_path, n, f"2024-01-3{n - 2}T08:00:00+09:00", "前の段落です。", "米国")
            publish(j, live, jobs=1)
        blobs = snapshot.state_blobs(live)
        view = blobs.view("sketch.base")
        assert view is not None
        size = int.from_bytes(view[:8], "little")
        base = snapshot.read_base(blobs)
        assert base is not None and marshal.loads(view[8 : 8 + size])["count"] != base.stamps
    _add(j, tmp_path, 1, "2024-02-01T08:00:00+09:00", "新しい段落です。", "米国")
    followed.clear()
    read: list[int] = []
    real = stamp_rows.entry_stamps
    monkeypatch.setattr(stamp_rows, "entry_stamps",
                        lambda store: read.append(1) or real(store))
    packed: list[int] = []
    real_pack = sketch_cache.pack_stamps
    monkeypatch.setattr(sketch_cache, "pack_stamps",
                        lambda stamps: packed.append(1) or real_pack(stamps))
    assert publish(j, live, jobs=1).written > 0
    assert followed == [True] and read == [] and packed == []
    _check(j, live, tmp_path, 0)
    j.close()
