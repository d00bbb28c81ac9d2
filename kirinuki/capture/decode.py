"""Decoding fetched bytes into text: UTF-8, Shift_JIS (cp932), EUC-JP, ISO-2022-JP and others.

Declarations are often wrong (a server's default `charset=UTF-8` header on a Shift_JIS page, a
copied `<meta>` that disagrees with the header), so a declaration is a hint, not a verdict:

1. a byte order mark decides;
2. ISO-2022-JP is 7-bit with escape sequences, so `ESC $` decides;
3. text that is valid UTF-8 and not plain ASCII is UTF-8 (Japanese legacy encodings are almost
   never valid UTF-8 over more than a few bytes);
4. otherwise every declared encoding and the Japanese legacy encodings are tried strictly, and
   the decoding that reads most like Japanese text wins, declarations breaking ties;
5. charset-normalizer is the last resort, then cp932 with replacement characters.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Japanese Windows and web pages mean cp932 when they say Shift_JIS; the same for EUC-JP
# and its superset with NEC/IBM extensions.
_ALIASES = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "ms_kanji": "cp932", "windows-31j": "cp932", "csshiftjis": "cp932", "ms932": "cp932",
    "euc-jp": "euc_jp", "x-euc-jp": "euc_jp", "eucjp": "euc_jp", "cseucpkdfmtjapanese": "euc_jp",
    "iso-2022-jp": "iso2022_jp_ext", "csiso2022jp": "iso2022_jp_ext",
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
}
# Single-byte Western encodings decode any bytes, so a declaration of one proves nothing.
_WEAK = frozenset({"latin_1", "iso8859-1", "cp1252", "ascii"})
_JAPANESE = ("cp932", "euc_jp")
_META = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
# Characters that make up Japanese prose: kana, CJK ideographs, CJK punctuation, full-width
# forms. Half-width katakana (U+FF61..FF9F) are left out on purpose: EUC-JP read as cp932
# turns into long runs of them.
_GOOD = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e]")
# A decoding whose non-ASCII characters are at least this Japanese-looking is taken at once.
CONFIDENT = 0.9
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when unknown."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares in its first 4 KB (`<meta>` or XML declaration)."""
    head = data[:4096]
    m = _META.search(head) or _XML_DECL.search(head)
    return m.group(1).decode("ascii") if m else None


def japanese_score(text: str) -> float:
    """The share of non-ASCII characters that look like Japanese prose (1.0 when all ASCII).

    Only the first 16,000 characters are looked at: enough to tell, and cheap on long pages.
    """
    sample = text[:16000]
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    if non_ascii == 0:
        return 1.0
    return len(_GOOD.findall(sample)) / non_ascii


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _candidates(header: str | None, declared: str | None) -> list[str]:
    """Codecs to try, declared ones first, weak single-byte declarations last."""
    strong: list[str] = []
    weak: list[str] = []
    for label in (header, declared):
        codec = codec_name(label)
        if codec is None or codec in strong or codec in weak:
            continue
        (weak if codec in _WEAK else strong).append(codec)
    for codec in ("utf-8", *_JAPANESE):
        if codec not in strong:
            strong.append(codec)
    return strong + weak


def decode_html(data: bytes, header_charset: str | None = None) -> str:
    """The text of an HTML or XML document given its bytes and the HTTP header's charset.

    Never raises: undecodable bytes become U+FFFD in the last resort.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if b"\x1b$" in data or b"\x1b(" in data:
        text = _strict(data, "iso2022_jp_ext") or _strict(data, "iso2022_jp_2004")
        if text is not None:
            return text
    if data.isascii():
        return data.decode("ascii")
    utf8 = _strict(data, "utf-8")
    if utf8 is not None:
        return utf8
    best: tuple[float, int, str] | None = None
    order = _candidates(header_charset, declared_charset(data))
    for rank, codec in enumerate(order):
        text = _strict(data, codec)
        if text is None:
            continue
        key = (japanese_score(text), -rank, text)
        if key[0] >= CONFIDENT:
            return text  # reads as Japanese prose: no later candidate can do much better
        if best is None or key[:2] > best[:2]:
            best = key
    if best is not None and best[0] >= 0.5:
        return best[2]
    guess = from_bytes(data).best()
    if guess is not None:
        return str(guess)
    return best[2] if best is not None else data.decode("cp932", errors="replace")
