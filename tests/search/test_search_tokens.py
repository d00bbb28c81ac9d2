"""The token strings the index stores and the FTS5 queries that look them up."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from kirinuki.store.sqlite import search_tokens as tok
from kirinuki.text.fastfold import fast_search_fold


def test_rows_hold_bigrams_characters_and_filters() -> None:
    f = tok.filters(7, True, [3, 1], 2)
    bi, uni, crc = tok.rows("東京都", f)
    assert bi.split() == ["東京", "京都", "都", tok.ALL, f"{tok.ENTRY}7", tok.PUBLIC,
                          f"{tok.TAG}1", f"{tok.TAG}3", f"{tok.SOURCE}2"]
    assert uni.split()[:3] == ["東", "京", "都"] and crc == tok.crc("東京都")
    assert tok.rows("", f)[0].split() == f.split()


def test_ascii_signs_become_token_characters() -> None:
    assert tok.index_form("g7の外相 1ドル=1.5%") == (
        "g7の外相\U000f0020" "1ドル\U000f003d" "1\U000f002e5\U000f0025")
    assert tok.index_form("\U000f0041x\U00100000") == tok.LOSSY + "x" + tok.LOSSY


@given(st.text())
def test_the_folded_text_comes_back_from_its_index_form(text: str) -> None:
    """PostgreSQL ranks on the text forms it keeps (`folded_of`), instead of folding each
    clip's text again: the form gives back exactly that folded text, or None when it cannot."""
    folded = fast_search_fold(text)
    lossy = any(ord(c) >= 0xF0000 for c in folded)
    forms = [tok.index_form(folded), "", tok.index_form(folded + "x\n"), tok.LOSSY]
    assert tok.folded_of(forms) == [None if lossy else folded, "",
                                    None if lossy else folded + "x\n", None]
    assert tok.folded_of(["a\U000f0020b\U000f003d", "\U000f007f"]) == ["a b=", "\x7f"]
    assert tok.folded_of([]) == []


def test_word_queries_match_exactly_where_the_word_is() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE b USING fts5(body, content='', tokenize='ascii')")
    texts = {1: "東京都内", 2: "京都市", 3: "都京", 4: "ロシアとアシ"}
    for rowid, text in texts.items():
        conn.execute("INSERT INTO b(rowid, body) VALUES (?, ?)",
                     (rowid, tok.rows(tok.index_form(text), tok.ALL)[0]))
    for word in ["京都", "東京都", "都", "京", "シア", "アシ", "ロシアと", "都京都"]:
        got = {r[0] for r in conn.execute("SELECT rowid FROM b WHERE b MATCH ?",
                                          (tok.word_match(word, True),))}
        assert got == {k for k, t in texts.items() if word in t}, word
