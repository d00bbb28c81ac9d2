"""Related earlier entries on published entry pages (関連する以前の記事): stored suggestions,
found once per entry state, with the owner's pins and rejections; publish only reads them."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kirinuki.analysis.related import Rarity
from kirinuki.journal import Journal, import_paths, init_journal
from kirinuki.journal import suggestions as sugg
from kirinuki.journal.analysis import catch_up_analysis
from kirinuki.journal.core import open_journal
from kirinuki.journal.published import published_entries
from kirinuki.journal.related import decide_related
from kirinuki.journal.suggestions import SHOWN, stored_suggestions
from kirinuki.publish import publish
from tests.conftest import ROOT
from tests.publish.test_publish_increment import _tree

DEMO = ROOT / "demo" / "entries"
SECTION = re.compile(r'<section class="suggested".*?</section>', re.S)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not DEMO.is_dir():
        pytest.skip("demo/entries is not present")
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    j = init_journal(str(path), "切り抜き帳（デモ）", ["demo.kirinuki.example"])
    import_paths(j, [str(DEMO)])
    # The suggestions of every entry, found once: each test's first publish would find them
    # again (the same catch-up a publish runs, checked in tests/analysis).
    catch_up_analysis(j)
    j.close()
    return path


@pytest.fixture
def demo(demo_db: Path, tmp_path: Path) -> Iterator[Journal]:
    path = tmp_path / "demo.db"
    shutil.copy(demo_db, path)
    j = open_journal(str(path))
    yield j
    j.close()


def _section(site: Path, permalink: str) -> str:
    page = (site / permalink.strip("/") / "index.html").read_text(encoding="utf-8")
    found = SECTION.search(page)
    return found.group() if found else ""


def _links(section: str) -> list[str]:
    return re.findall(r'<li><a href="([^"]+)">', section)


def test_entry_pages_list_strong_earlier_entries_with_reasons(demo: Journal,
                                                               tmp_path: Path) -> None:
    publish(demo, tmp_path / "site", jobs=1)
    entries = published_entries(demo)
    by_id = {e.id: e for e in entries}
    stored = stored_suggestions(demo)
    assert sum(1 for e in entries if stored.get(e.id)) >= len(entries) // 2
    for e in entries:
        section = _section(tmp_path / "site", e.permalink)
        found = stored.get(e.id, ())
        if not found:
            assert section == ""
            continue
        assert "<h2 id=\"suggested-heading\">関連する以前の記事</h2>" in section
        assert len(found) <= SHOWN
        assert _links(section) == [f"{by_id[o].permalink.rstrip('/')}/" for o, _r in found]
        for other, reason in found:
            assert (by_id[other].published, other) < (e.published, e.id)  # earlier only
            assert reason and reason in section
    # the version link between the demo's flood reports is among the reasons
    assert any("版の更新" in r for s in stored.values() for _o, r in s)


def test_rejected_and_pinned_entries_are_published_as_decided(demo: Journal,
                                                              tmp_path: Path) -> None:
    live = tmp_path / "live"
    publish(demo, live, jobs=1)
    stored = stored_suggestions(demo)
    entries = {e.id: e for e in published_entries(demo)}
    eid = next(i for i, s in stored.items() if len(s) >= 2)
    first, second = stored[eid][0][0], stored[eid][1][0]
    decide_related(demo, str(eid), str(first), "rejected")
    publish(demo, live, jobs=1)
    links = _links(_section(live, entries[eid].permalink))
    assert f"{entries[first].permalink.rstrip('/')}/" not in links
    assert links[0] == f"{entries[second].permalink.rstrip('/')}/"
    # an entry that was not suggested, pinned, comes first
    weak = next(i for i in sorted(entries) if i < eid and i not in {o for o, _ in stored[eid]})
    decide_related(demo, str(eid), str(weak), "pinned")
    publish(demo, live, jobs=1)
    assert _links(_section(live, entries[eid].permalink))[0] == \
        f"{entries[weak].permalink.rstrip('/')}/"
    fresh = tmp_path / "fresh"
    publish(demo, fresh, full=True, jobs=1)
    assert _tree(live) == _tree(fresh)


def test_publish_finds_suggestions_only_for_new_entries(demo: Journal, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    publish(demo, site, jobs=1)
    calls: list[int] = []
    real = sugg._suggestions

    def counting(eid: int, *args: object, **kw: object) -> list[tuple[int, str]]:
        calls.append(eid)
        return real(eid, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(sugg, "_suggestions", counting)
    assert publish(demo, site, jobs=1).written == 0
    assert calls == []  # a publish with no change reads what is stored
    text = (DEMO / "2025-06-24_213000.txt").read_text(encoding="utf-8")
    new = tmp_path / "new" / "2025-07-01_080000.txt"
    new.parent.mkdir()
    new.write_text(text.replace("ルスタニア", "ルスタニア北部", 1), encoding="utf-8")
    import_paths(demo, [str(new)])
    publish(demo, site, jobs=1)
    newest = published_entries(demo)[-1]
    assert calls == [newest.id]  # only the new entry is analysed
    assert "/entry/2025/06/24/213000/" in _links(_section(site, newest.permalink))


def test_every_feature_read_at_once_as_entry_by_entry(demo: Journal) -> None:
    from kirinuki.store.sqlite import suggestions as rows

    assert catch_up_analysis(demo).entries == 0  # found in the template
    ids = [e.id for e in published_entries(demo)]
    every = list(rows.every_feature(demo.store))
    assert sorted(every) == sorted(rows.features_of(demo.store, ids))
    # a name carried by several entries is one string, not one per row
    by_value: dict[str, list[int]] = {}
    for _e, _kind, value, _display in every:
        by_value.setdefault(value, []).append(id(value))
    assert max(len(v) for v in by_value.values()) > 1
    assert all(len(set(v)) == 1 for v in by_value.values())
    # the suggestions found from every feature at once are those found entry by entry
    loaded, few = sugg._Loaded(demo.store), sugg._Rows(demo.store)
    found = {eid: sugg._suggestions(eid, loaded, {}) for eid in ids}
    assert found == {eid: sugg._suggestions(eid, few, {}) for eid in ids}
    assert sum(1 for f in found.values() if f) >= len(ids) // 2
    # the quick score's candidates from the arrays the process beside holds are the same
    arrays = sugg._Postings(demo.store)
    quick = {eid: sugg._best(arrays.target(eid), arrays, Rarity(arrays.total)) for eid in ids}
    assert quick == {eid: sugg._best(loaded.features([eid])[eid], loaded, Rarity(loaded.total))
                     for eid in ids}
    assert sum(len(q) for q in quick.values()) >= 5 * len(ids)
    sent = sugg.Quick(np.asarray(ids[::-1]), np.asarray(
        [q + [-1] * (sugg._SCORED - len(q)) for q in quick.values()][::-1]))
    assert {eid: sent.of(eid) for eid in ids} == quick and sent.of(max(ids) + 1) is None
    assert {eid: sugg._suggestions(eid, loaded, {}, quick[eid]) for eid in ids} == found
