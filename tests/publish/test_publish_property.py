"""Property: after any sequence of changes to a journal (new entries, after the newest or
in between, edits, deletions, tag renames and merges, date changes, unpublishing), with
list pages of 1 to 3 entries, each incremental publish equals a `--full` build byte for byte,
whichever path it took (the short path of new entries, the entry cache, the manifest)."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from kirinuki.journal import Journal, import_paths
from kirinuki.journal.editing import delete_entry, edit_clip, rename_tag, replace_entry, set_status
from kirinuki.journal.queries import get_entry
from kirinuki.model import Status
from kirinuki.publish import context as context_mod
from kirinuki.publish import publish
from tests.conftest import examples
from tests.publish.conftest import _clip, _entry, _tags, make_journal
from tests.publish.test_publish_writer import _tree

TAGS = ["米国", "反ロシア", "対中露戦", "年頭演説", "新タグ", "経済"]
START = datetime.fromisoformat("2024-01-06T23:00:00+09:00")

add = st.tuples(st.just("add"), st.integers(1, 2), st.booleans(), st.integers(0, 400),
                st.lists(st.sampled_from(TAGS), min_size=1, max_size=2, unique=True),
                st.booleans())
edit = st.tuples(st.just("edit"), st.integers(0, 50))
delete = st.tuples(st.just("delete"), st.integers(0, 50))
rename = st.tuples(st.just("rename"), st.integers(0, 50), st.sampled_from(TAGS + ["改名", "index.html"]))
redate = st.tuples(st.just("date"), st.integers(0, 50), st.integers(-400, 400))
unpublish = st.tuples(st.just("draft"), st.integers(0, 50))
# New entries after the newest are the usual case (and the short path's): drawn most often.
step = st.one_of(add, add, add, edit, delete, rename, redate, unpublish)


class Story:
    """Applies the drawn changes to a journal."""

    def __init__(self, j: Journal, folder: Path) -> None:
        self.j, self.folder, self.n, self.newest = j, folder, 0, START

    def published(self) -> list[int]:
        rows = self.j.store.conn.execute(
            "SELECT id FROM entries WHERE status = 'published' ORDER BY id").fetchall()
        return [int(r[0]) for r in rows]

    def pick(self, k: int) -> int | None:
        ids = self.published()
        return ids[k % len(ids)] if ids else None

    def apply(self, change: tuple[Any, ...]) -> None:
        kind = change[0]
        if kind == "add":
            _kind, count, after, hours, tags, related = change
            recs = []
            for _ in range(count):
                self.n += 1
                if after:
                    self.newest += timedelta(hours=1 + hours % 5)
                    when = self.newest
                else:
                    when = START - timedelta(hours=hours)
                self.newest = max(self.newest, when)
                items: list[dict[str, Any]] = [_clip(f"新しい段落{self.n}です。")]
                if related:  # to the entry before, or an address a later entry may take
                    target = (START + timedelta(hours=self.n)).strftime("%Y/%m/%d/%H%M%S")
                    items.append({"related": {"url": f"https://kirinuki.test/entry/{target}",
                                              "quote": "", "blank_after": 1}})
                recs.append(_entry(f"k-p{self.n}", when.isoformat(),
                                   [{"items": items, "tag_lines": [_tags(*tags)]}],
                                   permalink=f"/entry/{when:%Y/%m/%d/%H%M%S}-{self.n}"))
            src = self.folder / f"add{self.n}.jsonl"
            src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs),
                           encoding="utf-8")
            import_paths(self.j, [str(src)])
            return
        eid = self.pick(change[1])
        if eid is None:
            return
        if kind == "edit":
            clip = get_entry(self.j, str(eid)).clips[0]
            edit_clip(self.j, clip.id or 0, f"書き換えた段落{self.n}です。")
            self.n += 1
        elif kind == "delete":
            delete_entry(self.j, str(eid))
        elif kind == "draft":
            set_status(self.j, str(eid), Status.DRAFT)
        elif kind == "date":
            entry = get_entry(self.j, str(eid))
            assert entry.published is not None
            entry.published += timedelta(hours=change[2])
            replace_entry(self.j, entry)
        elif kind == "rename":
            tags = [t for _k, t in self.j.store.conn.execute(
                "SELECT key, display FROM tags ORDER BY id").fetchall()]
            used = [t for t in tags if t != change[2]]
            if used:
                rename_tag(self.j, used[change[1] % len(used)], change[2])


def check_story(changes: list[tuple[Any, ...]], per_page: int) -> None:
    old = context_mod.PER_PAGE
    context_mod.PER_PAGE = per_page
    try:
        with tempfile.TemporaryDirectory(prefix="kirinuki-prop-") as tmp:
            folder = Path(tmp)
            j = make_journal(folder)
            try:
                live = folder / "live"
                publish(j, live, jobs=1)
                story = Story(j, folder)
                for n, change in enumerate(changes):
                    note(f"step {n}: {change}")
                    story.apply(change)
                    publish(j, live, jobs=1)
                    fresh = folder / f"fresh{n}"
                    publish(j, fresh, jobs=1, full=True)
                    assert _tree(live) == _tree(fresh), n
            finally:
                j.close()
    finally:
        context_mod.PER_PAGE = old


_quick = settings(max_examples=examples(4), deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow])


@_quick
@given(st.lists(step, min_size=1, max_size=4), st.integers(1, 3))
# Found by the property (each failed before its fix): a tag merged into the tag of a draft
# only adds an alias (the search index lists aliases); a version mark shows the date of the
# earlier entry, which moved; the last entry removed left page 1 listing it; a tag merged
# into the alias of another renamed that one in entries that were not rewritten.
@example([("rename", 17, "米国")], 1)
@example([("add", 1, False, 0, ["米国"], False), ("delete", 0),
          ("add", 1, False, 0, ["米国"], False), ("edit", 0), ("date", 0, 1)], 2)
@example([("delete", 0)] * 4, 2)
@example([("add", 1, False, 0, ["米国", "新タグ"], False), ("rename", 25, "反ロシア"),
          ("rename", 0, "米国")], 1)
def test_incremental_equals_full_quick(changes: list[tuple[Any, ...]], per_page: int) -> None:
    check_story(changes, per_page)


@pytest.mark.slow
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=8), st.integers(1, 3))
def test_incremental_equals_full(changes: list[tuple[Any, ...]], per_page: int) -> None:
    check_story(changes, per_page)
