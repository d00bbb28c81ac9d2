"""An article's headline, dateline and byline from what the page shows around its body.

Pages put their name into `og:title` and `<title>` after a separator (`見出し｜サイト名`,
`見出し - サイト名`, `見出し：サイト名`, `見出し | 部門 | サイト名`); the headline a reader sees
is the page's `<h1>`. `headline` prefers the `<h1>` that the title starts with, else strips the
site's names from the title's end.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

_SPACES = re.compile(r"\s+")
# Separators between a headline and a site or section name: bars anywhere, dashes and colons
# only with spaces around them (a headline may hold `―` or `：`), a full-width colon anywhere.
_SEPARATOR = re.compile(r"\s*[|｜]\s*|\s+[-–—―:]\s+|\s*：\s*|\s+／\s+")
_LABEL_AHEAD = re.compile(r"^[【\[［][^】\]］]{1,8}[】\]］]")
_BRACKETS = str.maketrans("", "", "【】[]「」『』()（）")
# A portal's provider after its headline: `見出し（〇〇新聞）`.
_PROVIDER = re.compile(r"\s*[（(][^（）()]{1,20}[）)]\s*$")
# A dateline: a date, a time, an optional label, an optional `（…更新）` note, in brackets or not.
_DATE = (r"(?:(\d{4})\s*[年/.\-]\s*)?(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?"
         r"(?:\s*[（(][月火水木金土日][）)])?"
         r"(?:\s*(?:午前|午後)?\s*(\d{1,2})\s*[時:：]\s*(\d{1,2})\s*分?)?")
_LABEL = r"(?:公開|更新|配信|掲載|最終更新|投稿)(?:日時?|日)?\s*[:：]?"
DATELINE = re.compile(
    r"[（(]?\s*(?:" + _LABEL + r")?\s*" + _DATE + r"\s*(?:" + _LABEL + r")?\s*"
    r"(?:[（(]\s*(?:" + _LABEL + r")?\s*(?P<upd>" + _DATE.replace("(\\d", "(?:\\d") + r")\s*"
    r"(?:更新|修正|追記)?\s*[）)])?\s*[）)]?")
# A line that gives only the updated time: `更新：…`, `最終更新 …`, `… 更新`.
_UPDATE_ONLY = re.compile(r"^[（(]?\s*(?:最終)?更新|更新\s*[）)]?$")
_UPDATED_NOTE = re.compile(r"[（(][^（）()]*?(更新|修正)[）)]")


def _flat(text: str) -> str:
    return _SPACES.sub("", text)


def _site_like(part: str, names: list[str]) -> bool:
    """True when a title part names the site (spelled in full, or one name inside the other)."""
    flat = _flat(part).translate(_BRACKETS).lower()
    if not flat:
        return True
    for name in names:
        n = _flat(name).translate(_BRACKETS).lower()
        if n and (n == flat or (len(n) >= 2 and (n in flat or flat in n))):
            return True
    return False


def strip_site(title: str, names: list[str]) -> str:
    """`title` without the site's name and the section names between it and the headline.

    Cuts at the separator before the first part that names the site, and before the short
    section parts just ahead of it (`見出し | 企業 | サイト`); a portal's `（provider）` after the
    headline goes too. With no part naming the site, a short last part after a bar or a dash
    goes (`見出し | サイト` on a page that does not name itself).
    """
    title = title.strip()
    seps = list(_SEPARATOR.finditer(title))
    parts = _SEPARATOR.split(title)
    if not seps or not parts[0].strip():
        return title
    site = next((i for i in range(1, len(parts)) if _site_like(parts[i], names)), None)
    if site is None:
        last = seps[-1].group().strip()
        if len(parts) == 2 and last in "|｜-–—" and len(parts[1]) <= 15:
            return parts[0].strip()
        return title
    cut = site
    while cut > 1 and len(parts[cut - 1].strip()) <= 10:
        cut -= 1
    kept = title[:seps[cut - 1].start()].strip()
    if _PROVIDER.search(kept) and len(_PROVIDER.sub("", kept)) >= 4:
        kept = _PROVIDER.sub("", kept)
    return kept.strip()


def headline(titles: list[str], h1s: list[str], names: list[str]) -> str | None:
    """The article's headline: the longest `<h1>` that one of `titles` (og:title, JSON-LD
    headline, <title>) starts with and that is not a site name, else the first title with
    the site stripped."""
    flat_titles = [_flat(t) for t in titles if t]
    # `【速報】見出し` in the title, `見出し` in the <h1>.
    flat_titles += [_LABEL_AHEAD.sub("", t) for t in flat_titles if _LABEL_AHEAD.match(t)]
    best: str | None = None
    for h1 in h1s:
        flat = _flat(h1)
        if (len(flat) >= 4 and not _site_like(h1, names)
                and any(t.startswith(flat) for t in flat_titles)
                and (best is None or len(flat) > len(_flat(best)))):
            best = h1
    if best is not None:
        return best.strip()
    first = next((t for t in titles if t and t.strip()), None)
    if first is None:
        return h1s[0].strip() if h1s else None
    return strip_site(first, names) or first.strip()


def _datetime(groups: tuple[str | None, ...], year: int | None, tz: tzinfo) -> datetime | None:
    y, mo, d, h, mi = groups
    try:
        return datetime(int(y) if y else (year or 0), int(mo or 0), int(d or 0),
                        int(h or 0), int(mi or 0), tzinfo=tz)
    except ValueError:
        return None


def dateline(text: str, tz: tzinfo) -> tuple[datetime | None, datetime | None] | None:
    """(published, updated) of a line that is only a dateline, e.g.
    `2025年1月13日 12時00分（1月13日 15時30分更新）`; None when the line is something else.
    Either time is None when the line does not say it (a year-less date takes the year of the
    first one)."""
    flat = text.strip()
    m = DATELINE.fullmatch(flat)
    if m is None or not m.group(2):
        return None
    first = _datetime(m.groups()[:5], None, tz)
    updated = None
    if m.group("upd"):
        inner = re.search(_DATE, m.group("upd"))
        if inner is not None:
            updated = _datetime(inner.groups(), first.year if first else None, tz)
    elif _UPDATE_ONLY.search(flat) and not _UPDATED_NOTE.search(flat):
        updated, first = first, None
    return first, updated
