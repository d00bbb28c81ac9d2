"""URLs written in plain text (clip text, tag lines, MT bodies) and that text as HTML with them
as links.

Japanese text writes URLs without spaces around them (`記事はhttps://example.jp/aを参照`), in
parentheses (`名前 (URL)`, `（URL）`) and at the end of a sentence (`URL。`, `URL.`), while paths
may hold Japanese themselves (`https://ja.wikipedia.org/wiki/日本`). The rules:

* a URL starts at `http://` or `https://` (any case) not preceded by an ASCII letter or digit;
* it goes on over the ASCII characters URLs are written with, and over non-ASCII letters, digits
  and marks only where they follow a delimiter (`/ ? # & = _ - ( . : ~ +`) or other non-ASCII
  letters: `…/aを参照` ends after `a`, `…/wiki/日本を参照` keeps all of it (text glued to a
  Japanese path cannot be told from the path);
* non-ASCII punctuation, symbols and spaces (`、。「」（）【】` and the like) always end it;
* trailing `. , : ; ! ? ' " *` are left out, and so is a closing `)` or `]` without its opening
  one inside the URL (`text (URL)` links URL; `wiki/Foo_(bar)` keeps its parentheses);
* what remains must pass `links.http_url` (a host, no controls), else it is no URL.

Pure; never raises. linkify-it-py was measured and left aside: it needs a space or punctuation
before `https://` and runs on through Japanese text after a URL (docs/hatena.md, Links).
"""

from __future__ import annotations

import html
import re
import unicodedata

from kirinuki.text.lazyre import lazy_re
from kirinuki.text.links import http_url

_START = lazy_re(r"(?<![A-Za-z0-9])https?://", re.IGNORECASE)
_ASCII_RUN = lazy_re(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
# After these a non-ASCII word may start (a path segment, a query value, an IDN label).
_OPENS_WORD = frozenset("/?#&=_-(.:~+")
_TRAILING = frozenset(".,:;!?'\"*")
_PAIRS = {")": "(", "]": "["}


def _word_char(ch: str) -> bool:
    """A non-ASCII character that can be part of a URL: a letter, digit or mark."""
    return unicodedata.category(ch)[0] in "LNM"


def _scan(text: str, body: int) -> int:
    """The end of a URL whose part after `://` starts at `body`."""
    i, n = body, len(text)
    while i < n:
        i = _ASCII_RUN.match(text, i).end()  # type: ignore[union-attr]  # `*` always matches
        if i >= n or text[i].isascii() or not _word_char(text[i]):
            break
        prev = text[i - 1]
        if prev.isascii() and prev not in _OPENS_WORD:
            break
        while i < n and not text[i].isascii() and _word_char(text[i]):
            i += 1
    return i


def _trim(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING or last in _PAIRS and url.count(last) > url.count(_PAIRS[last]):
            url = url[:-1]
        else:
            break
    return url


def find_urls(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the http(s) URLs in `text`, in order."""
    if "://" not in text:
        return []
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _START.search(text, pos)) is not None:
        end = _scan(text, m.end())
        url = _trim(text[m.start():end])
        if len(url) > m.end() - m.start() and http_url(url):
            spans.append((m.start(), m.start() + len(url)))
            pos = m.start() + len(url)
        else:
            pos = m.end()
    return spans


def linked_html(text: str) -> str:
    """`text` escaped for HTML, its URLs as `<a href="URL">URL</a>`."""
    out: list[str] = []
    last = 0
    for start, end in find_urls(text):
        url = text[start:end]
        out.append(html.escape(text[last:start], quote=False))
        out.append(f'<a href="{html.escape(url)}">{html.escape(url, quote=False)}</a>')
        last = end
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)
