"""Decoding: UTF-8, Shift_JIS, EUC-JP, ISO-2022-JP with the charset in the header, the page,
both (agreeing or not) or nowhere."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kirinuki.capture.decode import codec_name, declared_charset, decode_html
from tests.capture.conftest import data

SENTENCE = "円相場は一時1ドル=116円台まで値下がりしました"
FILES = {"utf-8": "market_utf8.html", "shift_jis": "market_sjis.html",
         "euc-jp": "market_eucjp.html", "iso-2022-jp": "market_iso2022jp.html"}
WRONG = {"utf-8": "shift_jis", "shift_jis": "euc-jp", "euc-jp": "shift_jis",
         "iso-2022-jp": "utf-8"}
_META = re.compile(rb"<meta http-equiv[^>]*>")


def _without_meta(raw: bytes) -> bytes:
    stripped = _META.sub(b"", raw)
    assert stripped != raw
    return stripped


def _with_meta(raw: bytes, label: str) -> bytes:
    return _META.sub(f'<meta charset="{label}">'.encode("ascii"), raw)


@pytest.mark.parametrize("charset", list(FILES))
def test_fixture_pages_really_are_in_their_encoding(charset: str) -> None:
    raw = data(FILES[charset])
    assert raw.decode(codec_name(charset) or "") .count(SENTENCE) == 1
    assert SENTENCE.encode("utf-8") not in raw or charset == "utf-8"


@pytest.mark.parametrize("charset", list(FILES))
@pytest.mark.parametrize("where", ["meta", "header", "both", "nowhere",
                                   "header-wrong", "meta-wrong", "header-latin1"])
def test_decoding(charset: str, where: str) -> None:
    raw = data(FILES[charset])
    header: str | None = None
    if where == "header":
        raw, header = _without_meta(raw), charset
    elif where == "both":
        header = charset
    elif where == "nowhere":
        raw = _without_meta(raw)
    elif where == "header-wrong":  # the page's <meta> is right, the server's header is not
        header = WRONG[charset]
    elif where == "meta-wrong":  # the header is right, a copied <meta> is not
        raw, header = _with_meta(raw, WRONG[charset]), charset
    elif where == "header-latin1":  # a server default that proves nothing
        header = "ISO-8859-1"
    text = decode_html(raw, header)
    assert SENTENCE in text
    assert "北浜経済新報" in text and "\ufffd" not in text


def test_byte_order_mark_decides() -> None:
    raw = "\ufeff<p>東京都内</p>".encode()
    assert decode_html(raw, "shift_jis") == "<p>東京都内</p>"


def test_declared_charset_forms() -> None:
    assert declared_charset(b'<meta charset="EUC-JP">') == "EUC-JP"
    assert declared_charset(b"<META HTTP-EQUIV='content-type' CONTENT='text/html; "
                            b"charset=x-sjis'>") == "x-sjis"
    assert declared_charset(b'<?xml version="1.0" encoding="Shift_JIS"?><rss/>') == "Shift_JIS"
    assert declared_charset(b"<html><p>none</p>") is None


def test_aliases_map_to_microsoft_variants() -> None:
    assert codec_name("Shift_JIS") == codec_name("windows-31j") == "cp932"
    assert codec_name("EUC-JP") == "euc_jp"
    assert codec_name("no-such-charset") is None


def test_cp932_only_characters_survive() -> None:
    text = "<p>①髙橋さんが㈱北浜を訪問しました。これは試験です。</p>"
    assert decode_html(text.encode("cp932"), None) == text
    assert decode_html(text.encode("cp932"), "Shift_JIS") == text


def test_undecodable_bytes_never_raise() -> None:
    out = decode_html(b"<p>\xff\xfe\xfd\x80\x81 abc</p>", "utf-8")
    assert "abc" in out


_ja = st.text(alphabet=st.sampled_from(list("あいうえおかきくけこ東京都円安首相会見。、「」ABC123 ")),
              min_size=1, max_size=200)


@given(_ja)
def test_japanese_text_round_trips_in_every_encoding(body: str) -> None:
    page = f"<html><body><p>{body}</p></body></html>"
    for codec in ("utf-8", "cp932", "euc_jp", "iso2022_jp"):
        assert decode_html(page.encode(codec), None) == page


# One bad byte must cost one character, never the page (issue 17: 12 of 12 variants of a UTF-8
# page with one invalid byte came out as mojibake). Each bad sequence is put just before the
# sentence, in the article text.
BAD = {
    "utf-8": {"ff": b"\xff", "lone-continuation": b"\x80", "truncated": "あ".encode()[:2],
              "overlong": b"\xc0\xaf", "surrogate": b"\xed\xa0\x80", "fe": b"\xfe"},
    "shift_jis": {"undefined-pair": b"\x85\x40", "lead-then-space": b"\x81 "},
    "euc-jp": {"ff": b"\xff", "lone-high": b"\x80", "lead-then-ascii": b"\xa4A"},
}
VARIANTS = [(cs, name) for cs, names in BAD.items() for name in names]


def _with_bad_bytes(charset: str, bad: bytes) -> bytes:
    raw = data(FILES[charset])
    at = raw.index(SENTENCE.encode(codec_name(charset) or ""))
    return raw[:at] + bad + raw[at:]


def _reads_right(text: str) -> None:
    assert SENTENCE in text and "北浜経済新報" in text
    assert 1 <= text.count("\ufffd") <= 3  # the bad bytes (one each at most), not the page


@pytest.mark.parametrize(("charset", "bad"), VARIANTS)
@pytest.mark.parametrize("where", ["header", "meta", "both", "nowhere", "header-latin1"])
def test_a_bad_byte_costs_one_character(charset: str, bad: str, where: str) -> None:
    raw = _with_bad_bytes(charset, BAD[charset][bad])
    header: str | None = None
    if where == "header":
        raw, header = _without_meta(raw), charset
    elif where == "both":
        header = charset
    elif where == "nowhere":
        raw = _without_meta(raw)
    elif where == "header-latin1":
        header = "ISO-8859-1"
    _reads_right(decode_html(raw, header))


@pytest.mark.parametrize(("charset", "bad"), VARIANTS)
def test_a_bad_byte_does_not_hand_the_page_to_a_wrong_header(charset: str, bad: str) -> None:
    """The page's <meta> is right, the server's header is not, and the page has a bad byte."""
    raw = _with_bad_bytes(charset, BAD[charset][bad])
    _reads_right(decode_html(raw, WRONG[charset]))


@pytest.mark.parametrize(("charset", "bad"), VARIANTS)
def test_a_bad_byte_does_not_hand_the_page_to_a_wrong_meta(charset: str, bad: str) -> None:
    """The header is right, a copied <meta> is not, and the page has a bad byte."""
    raw = _with_meta(_with_bad_bytes(charset, BAD[charset][bad]), WRONG[charset])
    _reads_right(decode_html(raw, charset))


def test_header_and_meta_disagree_the_header_is_tried_first() -> None:
    """Both declarations name Japanese charsets and the page is pure ASCII but for kana that
    both could read: the header wins (HTML's order: transport before <meta>)."""
    body = "<meta charset=Shift_JIS><p>" + "テスト" * 10 + "</p>"
    raw = body.encode("euc_jp")
    assert decode_html(raw, "EUC-JP") == body


def test_replacement_characters_the_page_holds_are_not_counted_as_errors() -> None:
    text = "<p>" + "\ufffd" * 30 + "東京" + "</p>"
    assert decode_html(text.encode() + b"\xff", "utf-8").count("\ufffd") == 31


def test_a_page_of_mostly_bad_bytes_is_not_called_utf8() -> None:
    """A Shift_JIS page with a wrong UTF-8 header: invalid UTF-8 everywhere, so not UTF-8."""
    page = "<p>円相場は一時1ドル=116円台まで値下がりしました。</p>"
    assert decode_html(page.encode("cp932"), "utf-8") == page
