"""Analysis through the journal: the sketch index kept in step, the demo data, decisions."""

from __future__ import annotations

import pytest

from kirinuki.journal import Journal, get_entry, import_paths
from kirinuki.journal.analysis import (
    SKETCH_VERSION,
    catch_up_analysis,
    catch_up_versions,
    duplicate_groups,
    figures,
    quotes,
)
from kirinuki.journal.editing import delete_entry, edit_clip
from kirinuki.journal.related import decide_related, related_entries, related_urls


def _sketched(j: Journal) -> tuple[int, int]:
    row = j.store.conn.execute(
        "SELECT (SELECT count(*) FROM clips), (SELECT count(*) FROM clip_sketches)").fetchone()
    return int(row[0]), int(row[1])


def _entry_of(j: Journal, stamp: str) -> int:
    """The id of the demo entry from file `stamp` (YYYY-MM-DD_HHMMSS)."""
    d, t = stamp.split("_")
    link = "/entry/" + d.replace("-", "/") + "/" + t
    return int(j.store.conn.execute("SELECT id FROM entries WHERE permalink = ?",
                                    (link,)).fetchone()[0])


def test_sketches_follow_writes(journal: Journal, tmp_path, seed_text: str) -> None:
    page = tmp_path / "2022-01-08_120000.txt"
    page.write_text(seed_text, encoding="utf-8")
    import_paths(journal, [str(page)])
    # A bulk import leaves sketching to the first query, which catches up.
    assert _sketched(journal)[1] == 0
    assert sorted(g.group.kind for g in duplicate_groups(journal)) == ["background", "version"]
    clips, sketched = _sketched(journal)
    assert clips == sketched > 0
    entry = get_entry(journal, "1")
    first = entry.clips[0]
    before = journal.store.conn.execute("SELECT sketch FROM clip_sketches WHERE clip_id = ?",
                                        (first.id,)).fetchone()[0]
    edit_clip(journal, first.id or 0, "まったく別の内容に書き換えた段落です。")
    after = journal.store.conn.execute("SELECT sketch FROM clip_sketches WHERE clip_id = ?",
                                       (first.id,)).fetchone()[0]
    assert before != after
    assert [g.group.kind for g in duplicate_groups(journal)] == ["background"]
    delete_entry(journal, "1")
    assert _sketched(journal) == (0, 0)


def test_missing_sketches_are_caught_up(journal: Journal, tmp_path, seed_text: str) -> None:
    page = tmp_path / "2022-01-08_120000.txt"
    page.write_text(seed_text, encoding="utf-8")
    import_paths(journal, [str(page)])
    with journal.store.transaction():
        journal.store.conn.execute("DELETE FROM clip_sketches")
    groups = duplicate_groups(journal, "1")
    assert sorted(g.group.kind for g in groups) == ["background", "version"]
    version = next(g for g in groups if g.group.kind == "version")
    assert "拘束: 3800人以上 → 4400人以上 (+600)" in version.changes[0]
    assert _sketched(journal)[0] == _sketched(journal)[1]


def test_a_few_new_clips_are_caught_up_with_one_count(journal: Journal, tmp_path, seed_text: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Sketching the few clips an import left (a publish's usual case) counts every clip and
    sketch once, not again afterwards: the new sketches are the unchecked ones."""
    from kirinuki.store.sqlite import analysis as rows

    page = tmp_path / "2022-01-08_120000.txt"
    page.write_text(seed_text, encoding="utf-8")
    import_paths(journal, [str(page)])
    counts: list[str] = []
    for name in ("sketch_state", "sketch_count"):
        real = getattr(rows, name)
        monkeypatch.setattr(rows, name, lambda *a, real=real, name=name: counts.append(name)
                            or real(*a))
    clips = _sketched(journal)[0]
    assert catch_up_versions(journal) == clips
    assert counts == ["sketch_state"] and _sketched(journal) == (clips, clips)
    changes = [r[0] for r in journal.store.conn.execute("SELECT change FROM clip_versions")]
    assert any(c.startswith("拘束: 3800人以上 → 4400人以上 (+600)") for c in changes)


# The updated pairs listed in demo/README.md: (earlier file, later file, change shown).
DEMO_VERSIONS = [
    ("2024-09-10_213000", "2024-09-11_074500", "死亡: 少なくとも120人 → 少なくとも185人 (+65)"),
    ("2024-09-11_074500", "2024-09-18_093000", "避難: 5200人 → 1万2000人 (+6800)"),
    ("2024-09-10_213000", "2024-09-11_074500", "派遣: あわせて三千人 → あわせて五千人 (+2000)"),
    ("2024-09-11_220000", "2024-09-18_093000", "少なくとも8億ドル → 少なくとも14億ドル (+6億)"),
    ("2025-06-24_080000", "2025-06-24_213000", "避難: 2万3000人 → 3万1000人 (+8000)"),
    ("2024-10-21_064500", "2024-10-21_231500", "開票率: 87% → 100% (+13ポイント)"),
    ("2024-10-21_231500", "2024-10-23_083000", "拘束: 820人以上 → 1900人以上 (+1080)"),
    ("2024-10-23_083000", "2024-10-30_210000", "28か国 → 41か国 (+13)"),
    ("2024-11-02_083000", "2024-11-05_074000", "少なくとも45隻 → 少なくとも112隻 (+67)"),
    ("2024-11-05_074000", "2024-11-12_200000", "3.5億ドル余り → 6億ドル余り"),
    ("2024-11-05_074000", "2024-11-12_200000", "少なくとも30社 → 少なくとも70社 (+40)"),
    ("2024-11-05_074000", "2024-11-12_200000", "約120億円 → 約190億円 (+70億)"),
    ("2024-09-27_190000", "2024-10-02_081000", "合わせて620団体 → 合わせて645団体 (+25)"),
    ("2024-12-12_193000", "2024-12-13_071500", "310件 → 352件 (+42)"),
    ("2025-03-11_073000", "2025-04-02_081500", "およそ2.8倍 → およそ3.4倍 (+0.6)"),
    ("2024-11-12_200000", "2024-11-20_090000", "およそ35% → およそ44% (+9ポイント)"),
    ("2025-02-05_081500", "2025-02-06_223000", "18万人 → 23万人 (+5万)"),
    ("2025-03-21_120000", "2025-03-22_090000", "あわせて240人 → あわせて390人 (+150)"),
    ("2025-04-14_080000", "2025-04-14_223000", "およそ600人 → およそ800人 (+200)"),
    ("2025-01-15_210000", "2025-01-16_074500", "38% → 52% (+14ポイント)"),
]
DEMO_BACKGROUND = [
    ["2024-09-10_213000", "2024-09-11_220000", "2024-09-24_081500", "2024-12-20_120000",
     "2025-06-24_213000"],
    ["2024-10-15_120000", "2024-10-30_210000", "2024-11-15_123000", "2025-04-24_200000"],
    ["2024-11-02_083000", "2024-11-12_200000", "2025-05-02_083000"],
    ["2024-09-03_081500", "2024-09-27_190000", "2024-12-13_071500", "2025-04-03_211500"],
    ["2024-11-12_200000", "2024-11-20_090000", "2025-03-10_193000", "2025-04-08_081500"],
    ["2025-01-22_081000", "2025-02-05_081500", "2025-02-06_223000", "2025-03-04_081000",
     "2025-04-14_080000", "2025-06-18_081500"],
    ["2025-01-15_210000", "2025-01-16_074500", "2025-03-21_120000", "2025-05-20_221500"],
]


def test_one_catch_up_brings_every_stored_result_up_to_date(demo_journal: Journal) -> None:
    """After an import, `catch_up_analysis` stores the version links of every clip, the
    statements of every group and the suggestions of every published entry; then nothing is
    left to do."""
    count = lambda sql: int(demo_journal.store.conn.execute(sql).fetchone()[0])  # noqa: E731
    clips, groups = count("SELECT count(*) FROM clips"), count("SELECT count(*) FROM groups")
    published = count("SELECT count(*) FROM entries WHERE status = 'published'")
    assert count("SELECT count(*) FROM statements_todo") == groups
    caught = catch_up_analysis(demo_journal)
    assert caught == (clips, groups, published) and published > 50
    assert count("SELECT count(*) FROM clip_versions") >= 20
    assert count("SELECT count(*) FROM clip_statements") >= 100
    assert count("SELECT count(*) FROM entry_suggestions") >= 100
    assert count("SELECT count(*) FROM statements_todo") == 0
    assert catch_up_analysis(demo_journal) == (0, 0, 0)
    # Related entries read the stored statements instead of finding them again, and take the
    # duplicate groups a caller already has: the suggestions stay the ones found afresh.
    eids = [int(r[0]) for r in demo_journal.store.conn.execute(  # entries quoting someone
        "SELECT DISTINCT g.entry_id FROM groups g JOIN clips c ON c.group_id = g.id"
        " JOIN clip_statements s ON s.clip_id = c.id ORDER BY g.entry_id")][::10]

    def related(groups: bool) -> list[list[tuple[int, float, list[str], str]]]:
        return [[(r.entry_id, r.score, r.reasons, r.reason) for r in related_entries(
            demo_journal, str(e), 8, duplicate_groups(demo_journal, str(e)) if groups else None)]
            for e in eids]

    from_store = related(groups=False)
    assert related(groups=True) == from_store and any(from_store)
    with demo_journal.store.transaction():
        demo_journal.store.conn.execute(
            "INSERT INTO statements_todo(group_id) SELECT id FROM groups")
    assert related(groups=False) == from_store


def test_demo_updated_pairs_and_background(demo_journal: Journal) -> None:
    groups = duplicate_groups(demo_journal)
    versions = [g for g in groups if g.group.kind == "version"]
    for old, new, change in DEMO_VERSIONS:
        a, b = _entry_of(demo_journal, old), _entry_of(demo_journal, new)
        assert any({a, b} <= {c.entry_id for c in g.clips} and any(change in x for x in g.changes)
                   for g in versions), (old, new, change)
    backgrounds = [{c.entry_id for c in g.clips} for g in groups if g.group.kind == "background"]
    for files in DEMO_BACKGROUND:
        wanted = {_entry_of(demo_journal, f) for f in files}
        assert wanted in backgrounds, files


def test_demo_speakers_under_two_titles(demo_journal: Journal) -> None:
    for query, name in (("ベルガー長官", "ベルガー国務長官"), ("ロッシ大臣", "ロッシ運輸相"),
                        ("エステル氏", "エステル特使")):
        found = quotes(demo_journal, speaker=query, limit=0)
        assert len(found) >= 2 and {q.speaker for q in found} == {name}
        assert {q.quote.speaker for q in found} <= {name, query}  # as written in the clips


def test_figures_of_a_tag(demo_journal: Journal) -> None:
    found = figures(demo_journal, tag="港湾スト", limit=0)
    surfaces = [f.figure.surface for f in found]
    assert "少なくとも45隻" in surfaces and "少なくとも112隻" in surfaces
    assert all(f.clip.permalink for f in found)


def test_related_earlier_entries_with_reasons(demo_journal: Journal) -> None:
    target = _entry_of(demo_journal, "2024-09-18_093000")
    found = related_entries(demo_journal, str(target))
    ids = [r.entry_id for r in found]
    assert _entry_of(demo_journal, "2024-09-11_074500") in ids
    assert all(r.published is not None and r.published.isoformat() < "2024-09-18T09:30"
               for r in found)
    top = found[0]
    assert any(reason.startswith("version: ") for reason in top.reasons)
    assert any(reason.startswith("tags ") and "#ルスタニア洪水" in reason for reason in top.reasons)


def test_pin_and_reject_are_kept(demo_journal: Journal) -> None:
    target = str(_entry_of(demo_journal, "2024-09-18_093000"))
    best = related_entries(demo_journal, target)[0].entry_id
    unrelated = str(_entry_of(demo_journal, "2025-02-27_200000"))
    decide_related(demo_journal, target, str(best), "rejected")
    decide_related(demo_journal, target, unrelated, "pinned")
    edit_clip(demo_journal, get_entry(demo_journal, target).clips[0].id or 0, "書き換えた段落です。")
    found = related_entries(demo_journal, target)
    assert best not in [r.entry_id for r in found]
    assert found[0].entry_id == int(unrelated) and found[0].decision == "pinned"
    assert related_urls(demo_journal, target)[0].startswith("https://demo.kirinuki.example/entry/")
    decide_related(demo_journal, target, str(best), None)
    assert best in [r.entry_id for r in related_entries(demo_journal, target)]


@pytest.mark.sqlite_only  # writes the SQLite file directly
def test_sketches_of_an_older_version_are_recomputed(journal: Journal, tmp_path,
                                                     seed_text: str) -> None:
    page = tmp_path / "2022-01-08_120000.txt"
    page.write_text(seed_text, encoding="utf-8")
    import_paths(journal, [str(page)])
    kinds = sorted(g.group.kind for g in duplicate_groups(journal))
    with journal.store.transaction():  # as a version-2 journal stored them: 32-bit values
        journal.store.conn.execute("UPDATE clip_sketches SET version = 2,"
                                   " sketch = zeroblob(16 + 4 * 72)")
    assert sorted(g.group.kind for g in duplicate_groups(journal)) == kinds
    sizes = journal.store.conn.execute(
        "SELECT DISTINCT version, length(sketch) FROM clip_sketches").fetchall()
    assert [tuple(r) for r in sizes] == [(SKETCH_VERSION, 16 + 8 * 4 + 72 + 4 * 4)]


def test_links_found_by_older_rules_go_when_clips_are_checked_again(journal: Journal,
                                                                     tmp_path) -> None:
    """A journal sketched by an older version keeps no version link the rules now reject."""
    page = tmp_path / "2024-01-12_090000.txt"
    page.write_text("https://kirinuki.test\n\n— 架空ニュース (@kakuu_news) October 4, 2023\n"
                    "— 架空ニュース (@kakuu_news) October 27, 2023\n\nkirinuki.test\n",
                    encoding="utf-8")
    import_paths(journal, [str(page)])
    assert catch_up_versions(journal) == 2
    a, b = (c.id for c in get_entry(journal, "1").clips)
    with journal.store.transaction():  # as the older rules stored it, under older sketches
        journal.store.conn.execute("INSERT INTO clip_versions VALUES (?, ?, 'x')", (b, a))
        journal.store.conn.execute("UPDATE clip_sketches SET version = 4")
    assert catch_up_versions(journal) == 2
    assert journal.store.conn.execute("SELECT count(*) FROM clip_versions").fetchone()[0] == 0


def test_sign_off_lines_do_not_relate_entries(journal: Journal, tmp_path) -> None:
    """Two entries sharing only tweet sign-offs (dated differently) are not related."""
    for stamp, day, body in (("2023-10-04_090000", 4, "ベルカ共和国の議会は新しい予算案を可決しました。"),
                             ("2023-10-27_090000", 27, "オルデン港の労働組合がストライキに入りました。")):
        (tmp_path / f"{stamp}.txt").write_text(
            f"https://kirinuki.test\n\n{body}\n— 架空ニュース (@kakuu_news) October {day}, 2023\n"
            "https://t.co/abcdef\n\nkirinuki.test\n", encoding="utf-8")
    import_paths(journal, [str(tmp_path)])
    assert duplicate_groups(journal) == []
    assert related_entries(journal, "2") == []
