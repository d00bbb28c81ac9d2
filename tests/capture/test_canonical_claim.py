"""A page naming another site as its canonical URL is kept under its own URL (issue 17)."""

from __future__ import annotations

import io
from pathlib import Path

from kirinuki.journal import Journal, import_paths
from kirinuki.journal.capture import article_history, capture
from kirinuki.journal.core import init_journal
from kirinuki.journal.exporting import export_jsonl
from tests.capture.conftest import MockWeb

NHK = "https://www3.nhk.or.jp/news/html/20220108/k10013420001000.html"
EVIL = "https://evil.example.com/copy.html"


def _page(canonical: str, text: str) -> bytes:
    return (f'<html><head><link rel="canonical" href="{canonical}"><title>見出し</title></head>'
            f"<body><article><p>{text}ということです。十分な長さのある文章を書いておきます。</p>"
            "</article></body></html>").encode()


def test_a_page_cannot_pass_itself_off_as_another_sites_article(journal: Journal,
                                                                web: MockWeb) -> None:
    web.page(EVIL, _page(NHK, "偽の記事"))
    web.page(NHK, _page(NHK, "本物の記事"))
    with web.fetcher() as f:
        fake = capture(journal, EVIL, fetcher=f)
        real = capture(journal, NHK, fetcher=f)
    assert fake.article.url == EVIL and fake.canonical_claim == NHK
    assert fake.version.canonical_claim == NHK
    assert real.article.url == NHK and real.canonical_claim is None
    assert real.article.id != fake.article.id and real.number == 1
    nhk = article_history(journal, NHK).article
    assert [v.paragraphs[0][:5] for v in nhk.versions] == ["本物の記事"]
    assert article_history(journal, EVIL).article.versions[0].canonical_claim == NHK


def test_the_claim_travels_in_a_backup(journal: Journal, web: MockWeb, tmp_path: Path) -> None:
    web.page(EVIL, _page(NHK, "偽の記事"))
    with web.fetcher() as f:
        capture(journal, EVIL, fetcher=f)
    buf = io.BytesIO()
    export_jsonl(journal, buf)
    backup = tmp_path / "backup.jsonl"
    backup.write_bytes(buf.getvalue())
    other = init_journal(str(tmp_path / "other.db"), "t", [])
    try:
        import_paths(other, [str(backup)])
        assert article_history(other, EVIL).article.versions[0].canonical_claim == NHK
    finally:
        other.close()
