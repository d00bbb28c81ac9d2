"""Decoding fetched bytes into text: UTF-8, Shift_JIS (cp932), EUC-JP, ISO-2022-JP and others.

Declarations are often wrong (a server's default `charset=UTF-8` header on a Shift_JIS page, a
copied `<meta>` that disagrees with the header), so a declaration is a hint, not a verdict;
and pages hold the odd invalid byte, which must not turn the whole page into mojibake:

1. a byte order mark decides;
2. ISO-2022-JP is 7-bit with escape sequences, so `ESC $` decides;
3. text that is valid UTF-8 but for a stray few bytes (one per 20 other non-ASCII characters
   at most) and not plain ASCII is UTF-8 (Japanese legacy encodings are almost never valid
   UTF-8 over more than a few bytes);
4. otherwise every declared encoding (the HTTP header's, then the page's `<meta>`) and the
   Japanese legacy encodings are tried, each allowed the same stray few bad bytes, and the
   decoding that reads most like Japanese text wins, the earlier candidate breaking ties;
5. charset-normalizer is the last resort, then the declared charset with replacement.

Bad bytes are replaced by U+FFFD one by one; the rest of the page keeps its reading.
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
# A decoding may replace at most one byte per this many well-decoded non-ASCII characters:
# a stray bad byte in a page, not a page read in the wrong charset.
MIN_GOOD_PER_BAD = 20
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


def _decode(data: bytes, codec: str) -> tuple[str, int] | None:
    """`data` decoded by `codec` with each undecodable byte replaced, and how many were."""
    try:
        return data.decode(codec), 0
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        return text, text.count("\ufffd") - _count_fffd(data, codec)
    except LookupError:
        return None


def _count_fffd(data: bytes, codec: str) -> int:
    """How many U+FFFD the page itself holds (so that only replacements are counted)."""
    mark = "\ufffd".encode(codec, errors="ignore")
    return data.count(mark) if mark else 0


def _few(errors: int, text: str) -> bool:
    """True when the replaced bytes are a stray few: at most one per MIN_GOOD_PER_BAD of the
    text's other non-ASCII characters."""
    if errors == 0:
        return True
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - errors
    return non_ascii >= errors * MIN_GOOD_PER_BAD


def _candidates(header: str | None, declared: str | None) -> list[str]:
    """Codecs to try, declared ones first (the header before the page's own), weak
    single-byte declarations last."""
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

    A few undecodable bytes in a page become U+FFFD where they stand; they never make the
    whole page be read in another charset. Never raises.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if b"\x1b$" in data or b"\x1b(" in data:
        for codec in ("iso2022_jp_ext", "iso2022_jp_2004"):
            found = _decode(data, codec)
            if found is not None and _few(found[1], found[0]):
                return found[0]
    if data.isascii():
        return data.decode("ascii")
    utf8 = _decode(data, "utf-8")
    # UTF-8 checks itself: legacy Japanese bytes are almost never valid UTF-8 for more than a
    # character or two, so text that is valid but for a stray byte is UTF-8.
    if utf8 is not None and _few(utf8[1], utf8[0]):
        return utf8[0]
    best: tuple[float, int, str] | None = None
    order = _candidates(header_charset, declared_charset(data))
    for rank, codec in enumerate(order):
        found = _decode(data, codec)
        if found is None or not _few(found[1], found[0]):
            continue
        text = found[0]
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
    if best is not None:
        return best[2]
    first = codec_name(header_charset) or codec_name(declared_charset(data)) or "utf-8"
    return data.decode(first, errors="replace")
