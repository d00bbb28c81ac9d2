"""Another process (say `serve`) writes the journal while `publish` runs: the site put in place
shows one state of the journal, the one the build read; a build that read an entry as it
changed starts again, and the next publish catches up."""

from __future__ import annotations

import multiprocessing
import re
from pathlib import Path
from typing import Any

import pytest

from kirinuki.errors import ConflictError
from kirinuki.journal import Journal, open_journal
from kirinuki.journal.editing import delete_entry, edit_clip
from kirinuki.journal.queries import get_entry
from kirinuki.publish import build, publish, units
from tests.publish.test_publish_faults import _agrees
from tests.publish.test_publish_writer import _tree, snapshot

ENTRY = "/entry/2024/01/06/230000"


def _same_as_full(j: Journal, site: Path, tmp: Path, name: str) -> None:
    fresh = tmp / name
    publish(j, fresh, jobs=1, full=True)
    assert _tree(site) == _tree(fresh)
    _agrees(site)


def _other_writer(j: Journal) -> Journal:
    return open_journal(str(j.store.path))  # its own connection, as `serve` has


def _keep_editing(path: str, clip_id: int, stop: Any) -> None:
    """Edit the clip every 50 ms until `stop` is set (run in another process, as `serve`)."""
    k = 0
    with open_journal(path) as other:
        while not stop.wait(0.05):
            k += 1
            edit_clip(other, clip_id, f"版{k % 10}: 米国の国務長官は会見しました。")


def test_an_entry_deleted_after_the_plan_is_not_a_traceback(
        small: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    clip = get_entry(small, ENTRY).clips[0]
    edit_clip(small, clip.id or 0, "米国の国務長官は協議の再開を改めて呼びかけました。")
    real = build.Renderer
    calls: list[int] = []

    def renderer(*args: Any) -> Any:
        if not calls:  # between the plan and the rendering, once
            with _other_writer(small) as other:
                delete_entry(other, ENTRY)
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(build, "Renderer", renderer)
    publish(small, site, jobs=1)
    assert len(calls) == 2  # started again once
    assert not (site / ENTRY.strip("/") / "index.html").exists()
    _same_as_full(small, site, tmp_path, "fresh")


def test_a_page_never_mixes_two_states(small: Journal, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit between two units: the entry's page was rendered before it, a list after."""
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    clip = get_entry(small, ENTRY).clips[0]
    edit_clip(small, clip.id or 0, "版1: 米国の国務長官は会見しました。")
    real = units._unit_records
    done: list[int] = []

    def unit(index: int) -> Any:
        out = real(index)
        if not done:
            with _other_writer(small) as other:
                edit_clip(other, clip.id or 0, "版2: 米国の国務長官は会見しました。")
        done.append(index)
        return out

    monkeypatch.setattr(units, "_unit_records", unit)
    publish(small, site, jobs=1)
    versions = {m for p in site.rglob("*") if p.is_file()
                for m in re.findall(r"版(\d)", p.read_text(encoding="utf-8"))}
    assert versions == {"2"}  # started again after the edit: the second state throughout
    _same_as_full(small, site, tmp_path, "fresh")


def test_a_unit_reads_one_state(small: Journal, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit between two reads of one unit (the stamps, then the first clips of a list)."""
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    clip = get_entry(small, ENTRY).clips[0]
    edit_clip(small, clip.id or 0, "版1: 米国の国務長官は会見しました。")
    real = units.listing_summaries
    done: list[int] = []

    def summaries(*args: Any) -> Any:
        if not done:
            done.append(1)
            with _other_writer(small) as other:
                edit_clip(other, clip.id or 0, "版2: 米国の国務長官は会見しました。")
        return real(*args)

    monkeypatch.setattr(units, "listing_summaries", summaries)
    # The list units last, so that the edit comes during the last unit's reads: no later
    # unit would find the moved entry and start the build again.
    real_units = units.units_of
    monkeypatch.setattr(build, "units_of", lambda *a: sorted(
        real_units(*a), key=lambda unit: any(p.summaries for p in unit)))
    publish(small, site, jobs=1)
    assert done
    versions = {m for p in site.rglob("*") if p.is_file()
                for m in re.findall(r"版(\d)", p.read_text(encoding="utf-8"))}
    assert versions == {"1"}  # the state the build read, throughout
    monkeypatch.setattr(units, "listing_summaries", real)
    publish(small, site, jobs=1)  # and the next publish catches up
    _same_as_full(small, site, tmp_path, "fresh")


def test_a_journal_that_keeps_changing_is_a_clear_error(
        small: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    publish(small, site, jobs=1)
    before = snapshot(site)
    clip = get_entry(small, ENTRY).clips[0]
    edit_clip(small, clip.id or 0, "版0: 米国の国務長官は会見しました。")
    real = units._unit_records
    n = [0]

    def unit(index: int) -> Any:
        out = real(index)
        n[0] += 1
        with _other_writer(small) as other:
            edit_clip(other, clip.id or 0, f"版{n[0] % 10}: 米国の国務長官は会見しました。")
        return out

    monkeypatch.setattr(units, "_unit_records", unit)
    with pytest.raises(ConflictError, match="kept changing while publishing"):
        publish(small, site, jobs=1)
    assert snapshot(site) == before


@pytest.mark.slow
def test_serve_writing_while_publish_runs(small: Journal, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A thread edits an entry over and over through its own connection while parallel
    publishes run: each site put in place shows one version of it everywhere."""
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)
    monkeypatch.setattr(units, "UNIT_PAGES", 2)
    site = tmp_path / "site"
    clip = get_entry(small, ENTRY).clips[0]
    edit_clip(small, clip.id or 0, "版0: 米国の国務長官は会見しました。")
    publish(small, site, jobs=2)
    # Another process, as `serve` is: a writer thread here would be copied into the forked
    # workers while it holds SQLite's locks, and a worker opening the journal then hangs.
    spawn = multiprocessing.get_context("spawn")
    stop = spawn.Event()
    writer = spawn.Process(target=_keep_editing, args=(str(small.store.path), clip.id or 0, stop))
    writer.start()
    outcomes = []
    try:
        for _ in range(8):
            try:
                publish(small, site, jobs=2, full=len(outcomes) % 2 == 1)
                outcomes.append("published")
            except ConflictError:
                outcomes.append("kept changing")
            versions = {m for p in site.rglob("*") if p.is_file()
                        for m in re.findall(r"版(\d)", p.read_text(encoding="utf-8"))}
            assert len(versions) == 1, (outcomes, versions)
    finally:
        stop.set()
        writer.join(60)
    assert writer.exitcode == 0
    assert "published" in outcomes  # an edit every 50 ms leaves room for some
    publish(small, site, jobs=2)
    _same_as_full(small, site, tmp_path, "fresh")


def test_a_tag_page_of_an_entry_edited_since_the_plan_is_not_rendered(
        small: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit of tag pages alone reads its entries' groups, not their rows: their stamps are
    checked against the plan's all the same (no other page of the unit reads the entry)."""
    from kirinuki.publish.context import build_context
    from kirinuki.publish.pages import Renderer
    from kirinuki.publish.plan import Planner
    from kirinuki.publish.writer import Output

    ctx = build_context(small)
    pos = ctx.pos[get_entry(small, ENTRY).id or 0]
    tag_pages = [p for p in Planner(ctx, "v").plan() if p.kind == "tag" and pos in p.entries]
    assert tag_pages
    monkeypatch.setattr(units, "_RUN", units.Run(
        ctx, Renderer(ctx, "v"), Output(tmp_path / "site"), str(small.store.path), small,
        [tag_pages]))
    assert len(units._unit_records(0)) == len(tag_pages)  # as planned: rendered
    clip = get_entry(small, ENTRY).clips[0]
    with _other_writer(small) as other:
        edit_clip(other, clip.id or 0, "版2: 米国の国務長官は会見しました。")
    with pytest.raises(units.JournalMoved):
        units._unit_records(0)
