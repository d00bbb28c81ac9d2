"""One new entry: the incremental publish writes exactly the files whose bytes change, and the
site equals a full build; the new clip's earlier version is found without building the index."""

from __future__ import annotations

from pathlib import Path

import pytest

from kirinuki.journal import analysis, import_paths
from kirinuki.publish import publish
from tests.publish.test_publish_versions import NEW, _journal, _page
from tests.publish.test_publish_writer import _tree, snapshot

NEWER = NEW.replace("185人", "230人").replace("5200人", "6100人")


def test_one_new_entry_rewrites_only_changed_files(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    j = _journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    before = snapshot(live)
    src = tmp_path / "new" / "2024-09-12_080000.txt"
    src.parent.mkdir()
    src.write_text(f"{NEWER}\n\n#洪水#新規\n", encoding="utf-8")
    import_paths(j, [str(src.parent)])  # a bulk import: sketched by the next catch-up

    def no_index(*_a: object, **_k: object) -> None:
        raise AssertionError("the LSH index was built for one new clip")

    monkeypatch.setattr(analysis, "_load_index", no_index)
    report = publish(j, live, jobs=1)
    after = snapshot(live)
    assert not report.staged
    touched = {p for p in after if p not in before or after[p][:2] != before[p][:2]}
    differ = {p for p in after if p not in before or after[p][2] != before[p][2]}
    assert touched == differ  # nothing rewritten with the same bytes
    assert set(before) - set(after) == set()  # nothing removed
    for expected in ("entry/2024/09/12/080000/index.html", "entry/2024/09/12/080000/entry.txt",
                     "entry/2024/09/11/074500/index.html",  # its "newer" link
                     "index.html", "feed.xml", "archive/category/洪水/index.html",
                     "archive/category/新規/index.html", "archive/2024/09/12/index.html",
                     "search/2024-09.json"):
        assert expected in differ, expected
    for untouched in ("entry/2024/09/10/213000/index.html", "entry/2024/09/10/213000/entry.txt",
                      "entry/2024/09/11/074500/entry.txt", "archive/2024/09/10/index.html",
                      "style.css", "404.html"):
        assert untouched not in touched, untouched
    fresh = tmp_path / "fresh"
    publish(j, fresh, full=True, jobs=1)
    assert _tree(live) == _tree(fresh)
    page = _page(live, "2024/09/12/080000")
    assert "死亡: 少なくとも185人 → 少なくとも230人 (+45)" in page
    assert 'rel="predecessor-version" href="/entry/2024/09/11/074500/"' in page
    assert publish(j, live, jobs=1).written == 0
    j.close()


def test_later_publishes_read_only_the_changed_entries(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """After a publish, the next one takes the published entries from the snapshot beside
    the output and the rows of what changed (never all of them), falling back to a full read
    when tags were renamed or the snapshot is damaged; each result equals a fresh full
    build."""
    from kirinuki.journal.editing import edit_clip, rename_tag
    from kirinuki.journal.queries import get_entry
    from kirinuki.publish import build, snapshot

    j = _journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    state = snapshot.state_blobs(live)
    assert state.get("snap.head") is not None and state.path.parent == live.parent
    # The full build left every clip's sketch in the state: the next new entry reads its own.
    assert state.get("sketch.base") is not None
    full_reads: list[int] = []
    real = build.published_entries_and_flag

    def counted(journal: object, problems: object = None, versions: object = None) -> object:
        full_reads.append(1)
        return real(journal, problems, versions)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "published_entries_and_flag", counted)
    from kirinuki.journal.sketch_cache import SketchCache

    # Whether each scan of the live site's sketch file wrote its base anew (a rebuild from
    # every sketch writes the base with a fresh token; a followed scan leaves it as it was),
    # and of the fresh sites' (each full build writes one).
    scans: list[bool] = []
    fresh_scans: list[bool] = []
    real_scan = SketchCache.scan

    def scan(self: SketchCache, *args: object, **kw: object) -> object:
        before = self.store.get("sketch.base")
        out = real_scan(self, *args, **kw)  # type: ignore[arg-type]
        live_site = getattr(self.store, "path", None) == state.path
        (scans if live_site else fresh_scans).append(self.store.get("sketch.base") != before)
        return out

    monkeypatch.setattr(SketchCache, "scan", scan)

    def add(name: str, text: str) -> None:
        src = tmp_path / "in" / f"{name}.txt"
        src.parent.mkdir(exist_ok=True)
        src.write_text(text, encoding="utf-8")
        import_paths(j, [str(src)])

    steps = [  # (edit, whether the cache can serve it)
        (lambda: add("2024-09-12_080000", f"{NEWER}\n\n#洪水#新規\n"), True),  # new tag
        (lambda: add("2024-09-10_080000", "朝の会見で首相は支援を表明しました。\n\n#洪水\n"), True),
        (lambda: edit_clip(j, get_entry(j, "/entry/2024/09/10/213000").clips[0].id or 0,
                           "ルスタニア政府によりますと、ヴェルナ州の洪水で少なくとも150人が死亡し、"
                           "3400人が避難したということです。"), True),  # moves a later mark
        (lambda: rename_tag(j, "新規", "新着"), False),
        (lambda: edit_clip(j, get_entry(j, "/entry/2024/09/10/213000").clips[0].id or 0,
                           "天気は晴れで、気温は平年並みとなる見込みです。"), True),  # a mark goes
        (lambda: add("2024-09-13_080000", "夜の会見で首相は復興計画を示しました。\n\n#新着\n"), True),
        # Dated before the newest entry: not for the snapshot's short path (publish/append).
        (lambda: (state.put({"snap.head": b"\x05\x00"}),
                  add("2024-09-12_090000", "首相は視察しました。\n\n#洪水\n")), False),
    ]
    for n, (step, cached) in enumerate(steps):
        full_reads.clear()
        step()
        assert publish(j, live, jobs=1).written > 0, n
        assert full_reads == ([] if cached else [1]), n
        fresh = tmp_path / f"fresh{n}"
        publish(j, fresh, full=True, jobs=1)
        assert _tree(live) == _tree(fresh), n
        assert publish(j, live, jobs=1).written == 0, n
    assert 'class="update"' not in _page(live, "2024/09/11/074500")
    # New and edited clips were checked through the sketch file the first build wrote, then
    # followed (the two builds on the ordinary path scanned it too); each fresh site's full
    # build wrote its own.
    assert scans == [False] * 7
    assert fresh_scans == [True] * len(steps)
    assert state.get("sketch.base") is not None
    j.close()


def test_a_cached_publish_still_checks_new_permalinks(tmp_path: Path) -> None:
    import json

    from tests.publish.conftest import make_journal, records

    j = make_journal(tmp_path)
    site = tmp_path / "site"
    publish(j, site, jobs=1)
    rec = records()[4]
    rec.update(key="k-bad", permalink="/entry/../escape", published="2024-02-01T10:00:00+09:00")
    src = tmp_path / "bad.jsonl"
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(j, [str(src)]).changed
    assert not publish(j, site, jobs=1).warnings
    assert (site / "entry/escape/index.html").is_file() and not (tmp_path / "escape").exists()
    j.close()
