"""Clip text as analysis compares it: folded, without links, hashtags, tweet sign-offs,
spacing or punctuation; digit runs masked; and how much of it is content at all.

Clipping journals hold many lines that are not passages: bare URLs, separator lines
(`・ ・ ・`, `↓`, `====`), tweet sign-off and timestamp lines
(`— 架空ニュース (@kakuu_news) January 12, 2024`, `午後3:15 · 2024年1月12日`), counters
(`3番目の記事`) and archive month lists (`2023年10月 (12)`). `substance` measures what is left
of a line once those are taken out; lines with too little are never compared. Pure.
"""

from __future__ import annotations

import re
from unicodedata import is_normalized

from kirinuki.text.fastfold import fast_fold
from kirinuki.text.lazyre import lazy_re

_NON_WORD = lazy_re(r"[\W_]+")
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november"
           r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec")
# Noise inside a clip, matched on folded text: links (with or without a scheme), hashtags
# (`#nhk_news`, `#カディル`), a tweet's sign-off (`— name (@handle) january 12, 2024`) and @handles.
_NOISE = lazy_re(
    r"https?://[\x21-\x7e]*"
    r"|(?<![\w.@])(?:www\.|pic\.twitter\.com/|t\.co/)[\x21-\x7e]*"
    r"|(?<![\w.@/])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|jp|net|org|io|co|uk|ru|cn|kr|tv|me|info|biz|blog|news|app|dev|site|de|fr|eu|us|tw|hk|example|test)"
    r"(?:/[\x21-\x7e]*|(?![\w.-]))"
    r"|[#＃]\w+"
    r"|(?:[—―–]|(?<![a-z0-9])[‐-])[—―–‐-]*\s*[^()\n]{0,60}?\(@\w{1,30}\)\s*"  # not `long-distance`
    rf"(?:(?:{_MONTHS})\.?\s*\d{{1,2}},?\s*\d{{4}}|\d{{4}}年\d{{1,2}}月\d{{1,2}}日)?"
    r"|@\w{1,30}"
    # A tweet's timestamp line glued to it (`午後3:12 · 2025年8月14日`, `3:12 pm · aug 14, 2025`).
    r"|(?:午前|午後)\d{1,2}:\d{2}\s*·\s*\d{4}年\d{1,2}月\d{1,2}日"
    rf"|\d{{1,2}}:\d{{2}}\s*(?:am|pm)\s*·\s*(?:{_MONTHS})\.?\s*\d{{1,2}},?\s*\d{{4}}"
)
_NOISE_ANY_CASE = lazy_re(_NOISE.pattern, re.IGNORECASE)
_NOISY = ("http", "#", "@", ".", "/", "·")
# What every `_NOISE` match holds (a link has `/`, `www.` or a host name, a hashtag `#`, a
# sign-off `@`): without it the noise pattern, slow on long lines, is not tried.
_NOISY_RE = lazy_re(r"[/#＃@·]|www\.|\.(?:com|jp|net|org|io|co|uk|ru|cn|kr|tv|me|info|biz|blog|news|app|dev|site|de|fr|eu|us|tw|hk|example|test)(?![a-z])")
_ITEM = lazy_re(r"^\s*[0-9]{1,3}\s?[.)]\s*(?![0-9])")  # `3. `, `5) ` (NFKC: `5）` → `5)`)
# `見出し | 架空ニュース`, also with the agency before it (`見出し(AP通信) - 〇〇ニュース`) or one
# or two categories after it (`見出し | 架空放送 | 災害`, `… | 国際 | 選挙`).
_SITE = lazy_re(r"(?:\([^()]{1,12}\))?(?:\s(?:-|\|)\s[^-|。、]{1,30}){1,3}$")
# A wire service's dateline and closing credit (`【ローマ共同】…`, `【ソルタ=ロイター】…`, `…（共同）`):
# re-clips keep or drop them (NFKC: `（共同）` → `(共同)`, `＝` → `=`).
_WIRE = lazy_re(r"^\s*【[^】]{0,12}(?:共同|時事|ロイター)】|[(（](?:共同|時事|ロイター|afp|ap)(?:=(?:共同|時事))?[)）]\s*$")
# A tweet clipped with its page's title around it (`名前 on X: "…" / X`, the older
# `名前 (@handle) さんはTwitterを使っています: 「…」 / Twitter`).
_TWEET_TITLE = lazy_re(r'^[^"“「]{1,60}? on (?:x|twitter)\s*:\s*["“]|["”]\s*/\s*(?:x|twitter)\s*$'
                       r"|^[^「]{1,80}?さんは(?:twitter|x)を使っています\s*:\s*「|」\s*/\s*(?:twitter|x)\s*$")
_TWEET_TITLED = lazy_re(r" on (?:x|twitter)\s*:|を使っています|/\s*(?:x|twitter)\s*$")
_WIRED = lazy_re(r"共同|時事|ロイター|\(afp|\(ap\)")  # what `_WIRE` needs
# A page's link label clipped at the end of a paragraph (`…を示しました。続きを読む`).
_TRAILING_LABEL = lazy_re(r"(?:続きを読む|もっと読む|全文を読む|記事全文はこちら|もっと見る)\s*$")
# A minus sign before a number is content (`−0.1%` is not `0.1%`): written one way for all.
_MINUS = lazy_re(r"(?:(?<![0-9a-z])-|[−▲])(?=\d)")
_DIGITS = lazy_re(r"\d+")
_KANJI_DIGIT = lazy_re(r"[〇一二三四五六七八九十百千]")
# Kanji numerals before a counter: a count written the vertical-text way (`三棟`, `二十人`).
# (`二百四十世帯`, `三校`, `五カ所` too.)
KANJI_COUNT = lazy_re(r"[〇一二三四五六七八九十百千]+(?=[人件棟戸隻機台社か万億回歳つ匹頭羽枚冊軒基両便倍割代校店階]"
                      r"|世帯|[カヵヶ箇]所)")
# A kanji numeral counting something (`十二戸`, `百二十八人`, `三万五千四百十二票`, `二十九の市町村`):
# one run of two characters or more, or one character after no kanji (`一人`, not `統一か`).
_COUNTERS = r"(?:[人件棟戸隻機台社か回歳つ匹頭羽枚冊軒基両便倍票校店階]|世帯|[カヵヶ箇]所)"
_KANJI_NUMERAL = lazy_re(
    r"(?=[〇一二三四五六七八九十百千])(?:"
    r"(?:[〇一二三四五六七八九十百千]+[万億兆])*[〇一二三四五六七八九十百千]{2,}"
    rf"(?=の|{_COUNTERS})"
    r"|(?:[〇一二三四五六七八九十百千]+[万億兆])+"
    rf"(?={_COUNTERS})"
    rf"|(?<![\u4e00-\u9fff])[二三四五六七八九十百千](?={_COUNTERS}))")
_KANJI_RUN = lazy_re(r"[〇一二三四五六七八九十百千]+")
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                "七": 7, "八": 8, "九": 9}
KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}


def _kanji_run_value(run: str) -> str:
    """`百二十八` → `128`, `二〇二二` → `2022`."""
    if not any(ch in KANJI_UNITS for ch in run):
        return "".join(str(_KANJI_DIGITS[ch]) for ch in run)
    return str(kanji_value(run))


def kanji_value(text: str) -> int:
    """The value of a kanji numeral without 万/億/兆 (`三千八百` → 3800, `二〇二二` → 2022, `` → 0);
    KeyError for a character that is not a kanji digit or 十/百/千."""
    if not any(ch in KANJI_UNITS for ch in text):
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in text) or 0)
    total = current = 0
    for ch in text:
        if ch in KANJI_UNITS:
            total += (current or 1) * KANJI_UNITS[ch]
            current = 0
        else:
            current = current * 10 + _KANJI_DIGITS[ch]
    return total + current


def arabic_counts(text: str) -> str:
    """`text` with kanji numerals that count something written in digits (`十二戸` → `12戸`,
    `三万五千四百十二票` → `3万5412票`), as most writers write them."""
    if not _KANJI_DIGIT.search(text):
        return text
    return _KANJI_NUMERAL.sub(
        lambda m: _KANJI_RUN.sub(lambda r: _kanji_run_value(r.group()), m.group()), text)


# What is not content in a normalised line: numbers with date, time and counter words,
# month names, and the time of day (`午後315`, `315pm`).
# The lookahead lets the engine skip the many positions no alternative can start at (faster:
# docs/analysis.md, Measurements).
_FILLER = lazy_re(
    rf"(?=[\da-z午])(?:(?:午前|午後)?\d+(?:年|月|日|時|分|秒|番目の記事|番目|件|am|pm)?|{_MONTHS}"
    r"|午前|午後)"
)
# Labels of blog pages clipped with the text (`このブログの人気記事`): no content.
_LABEL = lazy_re(r"このブログの|人気記事|関連記事|最新記事|注目記事|おすすめ記事|続きを読む"
                 r"|もっと読む|コメントを書く|読者になる|カテゴリー|アーカイブ|プロフィール"
                 r"|はてなブックマーク|ブックマーク|シェアする|ツイートする"
                 r"|この記事は|有料会員|会員限定|有料記事")  # a paywall notice
# A blog post's footer line (`Posted by kirinuki at 22:10`, `投稿者: きりぬき 時刻: 22:10`):
# whoever posted it and when, no content.
_FOOTER = lazy_re(r"(?:postedby|投稿者|投稿日)(?!.*(?:[がをはにで]|した|れた|った|される|ます|です|いる))"
                  r"(?=.*[0-9]{1,2}(?:時|日|[0-9]{2}(?:am|pm)?$))")
LABEL_LINE = 40  # normalised characters up to which a line may be only such labels
MIN_SUBSTANCE = 10  # characters of content below which a clip is not compared
# Characters no filler match can hold, MIN_SUBSTANCE of them in a row.
_CONTENT_RUN = lazy_re(rf"[^\da-z午前後年月日時分秒件番目の記事]{{{MIN_SUBSTANCE}}}")


def normalise(text: str) -> str:
    """Text as compared: NFKC, case-folded, without links, hashtags, tweet sign-offs,
    @handles, a translator's item number (`3.`, `5）`), a site name after a headline
    (`… | 〇〇ニュース`), a wire's dateline or closing credit (`【ローマ共同】`, `（共同）`), spaces,
    punctuation or symbols."""
    folded = fast_fold(text)
    if _NOISY_RE.search(folded):
        folded = _NOISE.sub(" ", folded)
    item = _ITEM.match(folded)
    if item:
        folded = folded[item.end():]
    if " - " in folded or "|" in folded:
        folded = _SITE.sub("", folded)
    if _WIRED.search(folded):
        folded = _WIRE.sub("", folded.strip())
    if _TWEET_TITLED.search(folded):
        folded = _TWEET_TITLE.sub("", folded.strip())
    if "読む" in folded or "こちら" in folded or "見る" in folded:
        folded = _TRAILING_LABEL.sub("", folded)
    if "-" in folded or "−" in folded or "▲" in folded:
        folded = _MINUS.sub("マイナス", folded)
    return _NON_WORD.sub("", folded)


def normalise_parts(text: str, parts: list[str]) -> tuple[str, list[str]]:
    """`normalise(text)` and each of `parts` (pieces of `text` in order, such as its
    sentences) normalised; the whole is normalised apart only when it may differ from the
    parts put together (a link, a sign-off, a site name or a minus across a cut, folding that
    joins across a cut, an item number starting a later part)."""
    if is_normalized("NFKC", text):
        folded, pieces = text.casefold(), [part.casefold() for part in parts]
    else:
        folded, pieces = fast_fold(text), [fast_fold(part) for part in parts]
    # A link, sign-off or minus in a part is one in the whole (parts are cut after a
    # sentence end, never inside a word), so searching the whole once is enough.
    if ("".join(pieces) != folded or " - " in folded or "|" in folded
            or _WIRED.search(folded) or _TWEET_TITLED.search(folded) or "読む" in folded or "こちら" in folded or "見る" in folded
            or (_NOISY_RE.search(folded) and _NOISE.search(folded))
            or (("-" in folded or "−" in folded or "▲" in folded) and _MINUS.search(folded))
            or any(_ITEM.match(piece) for piece in pieces[1:])):
        return normalise(text), [normalise(part) for part in parts]
    # Nothing here for `normalise` to take out but the first part's item number and symbols,
    # which go character by character: the whole is its parts put together.
    norms = [_NON_WORD.sub("", piece) for piece in pieces]
    if pieces and (item := _ITEM.match(pieces[0])):
        norms[0] = _NON_WORD.sub("", pieces[0][item.end():])
    return "".join(norms), norms


def strip_noise(text: str) -> str:
    """`text` without links, hashtags, tweet sign-offs and @handles (each becomes a
    space); nothing else changes."""
    if not any(cue in text for cue in _NOISY):
        return text
    return _NOISE_ANY_CASE.sub(" ", text)


def mask_digits(normalised: str) -> str:
    """`normalised` with every digit run replaced by one `0` (figures changed → same text), and
    kanji numerals before a counter (`三棟`, `二十人`) too."""
    masked = _DIGITS.sub("0", normalised)
    if _KANJI_DIGIT.search(masked):
        masked = KANJI_COUNT.sub("0", masked)
    return masked


def substance(normalised: str) -> int:
    """How many characters of `normalised` text are content: not numbers with their date,
    time or counter words, month names or times of day, nor a blog page's labels or footer."""
    if len(normalised) <= LABEL_LINE:
        if _FOOTER.match(normalised):
            return 0
        normalised = _LABEL.sub("", normalised)
    return len(_FILLER.sub("", normalised))


def enough_substance(normalised: str) -> int:
    """`substance(normalised)`, or `MIN_SUBSTANCE` when it is at least that (a run of
    characters no filler can hold shows it without counting, unless a short line holds a
    label)."""
    if _CONTENT_RUN.search(normalised) and not (len(normalised) <= LABEL_LINE and (
            _LABEL.search(normalised) or _FOOTER.match(normalised))):
        return MIN_SUBSTANCE
    return substance(normalised)
