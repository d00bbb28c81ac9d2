"""Helpers for search tests: journals filled with entries written here, in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from kirinuki.journal import Journal, init_journal
from kirinuki.model import Clip, Entry, Group, Status, TagLine, TagRef
from kirinuki.store.sqlite import entries as entry_rows

JST = timezone(timedelta(hours=9))


def entry(groups: list[tuple[list[str], list[str]]], published: datetime | None = None,
          key: str | None = None) -> Entry:
    """An entry from (clip texts, tag names) pairs."""
    return Entry(
        groups=[Group([Clip(t) for t in texts], [TagLine([TagRef(n) for n in tags])] if tags
                      else []) for texts, tags in groups],
        published=published,
        status=Status.PUBLISHED if published else Status.DRAFT,
        key=key or f"test:{id(groups)}:{published}",
    )


def add_entries(journal: Journal, entries: list[Entry]) -> list[int]:
    """Store entries through the store's one write path (hooks included)."""
    with journal.store.transaction():
        return entry_rows.insert_entries(journal.store, entries, datetime.now(JST))


@pytest.fixture
def mem_journal() -> Iterator[Journal]:
    """A fresh in-memory journal."""
    j = init_journal(":memory:", "検索テスト")
    yield j
    j.close()


@pytest.fixture
def news(mem_journal: Journal) -> Journal:
    """A small journal of news-like clips written for these tests."""
    day = datetime(2022, 3, 1, 8, 15, tzinfo=JST)
    add_entries(mem_journal, [
        entry([(["東京都内で３８００人が参加する集会が開かれました。",
                 "ロシアの外相は「核の脅しは受け入れられない」と述べました。"], ["反ロシア", "核"]),
               (["京都市では米国の大使が記者会見を開きました。"], ["米国"])], day, "a"),
        entry([(["ＮＡＴＯの事務総長は加盟国に結束を求めました。",
                 "円安が進み、1ドル=150円台となりました。"], ["NATO", "円安"])],
              day + timedelta(days=40), "b"),
        entry([(["露中の首脳が会談し、対米で連携を確認しました。",
                 "首相は副首相とともに被災地を訪れました。"], ["露"])],
              day + timedelta(days=400), "c"),
        entry([(["下書きの段落で、まだ日付がありません。"], [])], None, "d"),
    ])
    return mem_journal
