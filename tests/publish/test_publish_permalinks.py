"""A bad row already stored (written before the permalink and date rules, or by hand) never
takes the published site down: issue 17, item 1.

The rows are spoiled with raw SQL, as no way in lets them through any more.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kirinuki.cli.main import app
from kirinuki.journal import Journal
from kirinuki.journal.editing import set_permalink
from kirinuki.publish import publish
from tests.publish.conftest import make_journal, records

HOSTILE = ["a\\..\\..\\b", "/entry/" + "x" * 300, "/entry/../../escape", "/archive/2024",
           "/entry/2024/01/06/230000/entry.txt", "/entry/a\x00b"]
THIRD = "/entry/2024/01/06/230000"  # the entry spoiled below, at its date's address


def spoil(j: Journal, key: str, **columns: str) -> int:
    """Write `columns` into the stored row of the entry `key` as raw SQL; its id."""
    with j.store.transaction() as conn:
        (eid,) = conn.execute("SELECT id FROM entries WHERE key = ?", (key,)).fetchone()
        for name, value in columns.items():
            conn.execute(f"UPDATE entries SET {name} = ? WHERE id = ?", (value, eid))
    return int(eid)


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("bad", HOSTILE)
def test_a_bad_stored_permalink_is_published_at_its_date_with_a_warning(
        tmp_path: Path, bad: str) -> None:
    j = make_journal(tmp_path)
    eid = spoil(j, "k-third", permalink=bad)
    before = set(p.name for p in tmp_path.iterdir())
    site = tmp_path / "site"
    report = publish(j, site, jobs=1)
    j.close()
    assert report.entries == 4
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(f"entry {eid}: its permalink ")
    assert f"shown at {THIRD}" in report.warnings[0]
    assert f"kirinuki entries permalink {eid} NEW" in report.warnings[0]
    page = (site / THIRD.lstrip("/") / "index.html").read_text(encoding="utf-8")
    assert "核をめぐる協議" in page
    # Nothing was written beside the site, and the archive page is still the archive.
    assert all(n == "site" or n.startswith(".site.")
               for n in {p.name for p in tmp_path.iterdir()} - before)
    assert "2024" in (site / "archive" / "2024" / "index.html").read_text(encoding="utf-8")
    assert not any(".." in f or "\\" in f for f in files(site))


def test_a_bad_row_written_after_a_publish_is_met_by_the_short_paths(tmp_path: Path) -> None:
    """The context cache and the snapshot of the last build do not carry a bad row past the
    rule; repairing it moves the page and the warning goes."""
    j = make_journal(tmp_path)
    site = tmp_path / "site"
    assert not publish(j, site, jobs=1).warnings
    eid = spoil(j, "k-third", permalink="a\\..\\..\\b", updated="2025-01-01T00:00:00+09:00")
    report = publish(j, site, jobs=1)
    assert [w.split(":")[0] for w in report.warnings] == [f"entry {eid}"]
    assert (site / THIRD.lstrip("/") / "index.html").is_file()
    set_permalink(j, str(eid), "2024/talks")
    report = publish(j, site, jobs=1)
    assert not report.warnings
    assert "核をめぐる協議" in (site / "entry/2024/talks/index.html").read_text(encoding="utf-8")
    assert not (site / THIRD.lstrip("/")).exists()
    j.close()


def test_publish_from_the_command_line_warns_and_succeeds(tmp_path: Path) -> None:
    j = make_journal(tmp_path)
    eid = spoil(j, "k-third", permalink="/entry/" + "あ" * 100)
    j.close()
    site = tmp_path / "site"
    r = CliRunner().invoke(app, ["--journal", str(tmp_path / "site.db"), "publish", str(site)])
    assert r.exit_code == 0, r.output
    assert f"warning: entry {eid}: its permalink" in r.output
    assert (site / THIRD.lstrip("/") / "index.html").is_file()


@pytest.mark.parametrize("column", ["published", "updated"])
@pytest.mark.parametrize("when", ["9999-12-31T23:30:00+00:00", "0001-01-01T00:00:00+09:00",
                                  "not a date"])
def test_an_entry_dated_out_of_range_is_left_out_with_a_warning(
        tmp_path: Path, column: str, when: str) -> None:
    j = make_journal(tmp_path)
    eid = spoil(j, "k-third", **{column: when})
    site = tmp_path / "site"
    report = publish(j, site, jobs=1)
    j.close()
    assert report.entries == 3
    assert report.warnings == [
        f"entry {eid}: its date {when!r} is outside the years 1000-9000; left out of the site"]
    assert not (site / THIRD.lstrip("/")).exists()
    for name in ("feed.xml", "sitemap.xml", "index.html", "archive/2024/index.html"):
        assert (site / name).is_file(), name


def test_an_old_diary_link_with_an_absurd_time_is_not_followed(tmp_path: Path) -> None:
    """`http://d.hatena.ne.jp/ID/YYYYMMDD/EPOCH` names an entry by its time: one beyond any
    date is a link to nothing here, not a traceback."""
    recs = records()
    recs[4]["groups"][0]["items"].append({"related": {
        "url": "http://d.hatena.ne.jp/kirinuki/20240105/99999999999999999", "quote": "",
        "blank_after": 1}})
    j = make_journal(tmp_path, recs)
    report = publish(j, tmp_path / "site", jobs=1)
    j.close()
    assert report.entries == 4
    page = (tmp_path / "site" / THIRD.lstrip("/") / "index.html").read_text(encoding="utf-8")
    assert "99999999999999999" in page
