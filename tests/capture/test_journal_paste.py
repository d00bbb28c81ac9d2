"""`add`: pasted clip text, linked by fuzzy matching to captured article versions."""

from __future__ import annotations

import pytest

from kirinuki.errors import InputError, NotFoundError
from kirinuki.journal import Journal, get_entry, stats
from kirinuki.journal.capture import capture
from kirinuki.journal.pasting import add_text
from tests.capture.conftest import MockWeb, data

URL = "https://news.minato-hodo.example/articles/2022/01/08/k100123.html"


@pytest.fixture
def captured(journal: Journal, web: MockWeb) -> list[str]:
    web.page(URL, data("article_v1.html"))
    with web.fetcher() as f:
        return capture(journal, URL, fetcher=f).version.paragraphs


def test_pasted_paragraphs_link_to_the_article(journal: Journal, captured: list[str]) -> None:
    exact = captured[1]
    lost_bracket = captured[3].replace("「", "", 1)  # the clipper's copy lost an opening 「
    lost_chars = captured[4][:20] + captured[4][23:]  # characters lost next to an auto-link
    wide = captured[5].replace("10", "１０")  # full-width digits
    unrelated = "これは取り込んだどの記事にも現れない、まったく別の内容の段落です。"
    text = (f"https://kirinuki.test\n\n{exact}\n{lost_bracket}\n{lost_chars}\n#ルスタニア\n"
            f"{wide}\n{unrelated}\n#反政府デモ#燃料\n\nkirinuki.test")
    res = add_text(journal, text.encode())
    assert (res.clips, res.linked, res.skipped_groups) == (5, 4, 0)
    entry = get_entry(journal, res.entry.id or 0)
    clips = entry.clips
    assert [c.text for c in clips] == [exact, lost_bracket, lost_chars, wide, unrelated]
    assert all(c.article_version_id is not None for c in clips[:4])
    assert clips[4].article_version_id is None and clips[4].selector is None
    sel = clips[1].selector
    assert sel is not None and sel.exact == captured[3]  # the article's text, 「 and all
    assert sel.prefix.endswith(captured[2][-10:] + "\n")
    assert clips[0].citation is not None and clips[0].citation.url == URL
    assert [[t.name for t in g.tags] for g in entry.groups] == [["ルスタニア"], ["反政府デモ", "燃料"]]


def test_part_of_a_paragraph_links_to_its_span(journal: Journal, captured: list[str]) -> None:
    part = captured[2][10:60]
    res = add_text(journal, f"{part}\n#x".encode())
    clip = get_entry(journal, res.entry.id or 0).clips[0]
    assert res.linked == 1 and clip.selector is not None
    assert clip.selector.exact == part
    assert clip.selector.prefix == ("\n".join(captured[:2]) + "\n" + captured[2][:10])[-32:]


def test_groups_go_to_the_given_entry(journal: Journal, captured: list[str]) -> None:
    first = add_text(journal, f"{captured[0]}\n#a".encode())
    second = add_text(journal, f"{captured[1]}\n#b".encode(), entry=str(first.entry.id))
    assert second.entry.id == first.entry.id
    assert len(get_entry(journal, first.entry.id or 0).groups) == 2


@pytest.mark.parametrize(("raw", "error"), [
    (b"", InputError), (b"\xff\xfe\x00\x00bin", InputError), (b"\x82\xa0\x82\xa2", InputError),
    (b"https://kirinuki.test\n\nkirinuki.test", InputError),
])
def test_bad_pastes_store_nothing(journal: Journal, raw: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        add_text(journal, raw)
    assert stats(journal).entries == 0


def test_unknown_entry(journal: Journal) -> None:
    with pytest.raises(NotFoundError):
        add_text(journal, "段落です。\n#x".encode(), entry="77")
    assert stats(journal).entries == 0
