"""Other occasions: two clips about other days or periods told the same way (another month's
statistic, another day's closing figures, report or event), which are never versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from kirinuki.analysis.counts import LEVEL
from kirinuki.analysis.sentences import REWRITTEN_LEAD, days
from kirinuki.text.fastfold import fast_fold
from kirinuki.text.lazyre import lazy_re

if TYPE_CHECKING:
    from kirinuki.analysis.duplicates import Prepared

_EARLIER_WORD = lazy_re(r"去年|昨年|おととし")
# The day and hour an event happened, opening a clip (`北部で6日午後2時すぎ、`).
_EVENT_TIME = lazy_re(r"[^、。]{0,15}?(?<![0-9])([0-9]{1,2})日(?:午前|午後|未明|朝|夜|夕方|昼)?"
                      r"[0-9]{1,2}時(?:[0-9]{1,2}分)?(?:ごろ|すぎ|過ぎ)")
# (`前日の終値より180円安い`, `3日の終値より`: the day before's close, a move measured from it.)
_DAY_CLOSED = lazy_re(r"(?<!午前の)(?<!午前)(?<!前日の)(?<!前の日の)終値(?!より|と比べ|に比べ)|取引を終え|取り引きを終え|一日の出来高|大引け")
_REPORT_DAY = lazy_re(r"[0-9]{1,2}日の")  # `19日の東京株式市場は`: the day reported on
# A figure changed from one value to another (`120億円から85億円に`), the unit after both.
_FROM_TO = lazy_re(r"(?<![0-9.])([0-9][0-9.]*(?:[万億兆][0-9]*)?)([^0-9、。]{0,3}?)から"
                   r"([0-9][0-9.]*(?:[万億兆][0-9]*)?)\2に")


def other_period(a: Prepared, b: Prepared) -> bool:
    """True when the clips are about other periods: other months (`4月の失業率` / `3月の`),
    or one names an earlier year and the other does not, with other numbers (`去年の経済対策の
    規模は…17兆円`)."""
    # Cheap tests first: this runs for every candidate pair.
    if "月" in a.norm and "月" in b.norm and a.months and b.months and not a.months & b.months:
        return True
    if not (_EARLIER_WORD.search(a.norm) or _EARLIER_WORD.search(b.norm)):
        return False
    if a.numbers != b.numbers and (_earlier_month(a, b) or _earlier_month(b, a)):
        return True  # `去年4月から9月までの中間決算` / `4月から9月までの…`: last year's half
    return (bool(a.earlier) != bool(b.earlier) and bool(a.numbers) and bool(b.numbers)
            and a.numbers != b.numbers)


# It happened before as well (`5年前にも…`, `去年11月にも…`): the clip tells of that earlier time.
_BEFORE_TOO = lazy_re(r"[0-9]+年前にも|(?:去年|昨年|おととし|前回)[^、。]{0,8}?にも")


def earlier_time_too(a: Prepared, b: Prepared) -> bool:
    """True when one clip's first sentence tells of an earlier time it happened (`青凪湾では5年前にも赤潮が
    発生し…9万匹`) and the other does not (`今月発生した赤潮では…38万匹`): another occurrence,
    no update (background they may still share)."""
    # In the first sentence only: a later one (`…3年前にも障害が起き、…`) is background.
    return (bool(_BEFORE_TOO.search(a.sentences[0].folded))
            != bool(_BEFORE_TOO.search(b.sentences[0].folded)))


# A month of an earlier year (`去年4月`, `昨年の4月`).
_EARLIER_MONTH = lazy_re(r"(?:去年|昨年|おととし)の?([0-9]{1,2}月)")


def _earlier_month(a: Prepared, b: Prepared) -> bool:
    """True when `a` names a month of an earlier year that `b` names with no year (`去年4月` /
    `4月`)."""
    return (not _EARLIER_WORD.search(b.norm)
            and any(m in b.months for m in _EARLIER_MONTH.findall(a.norm)))


# The date a first sentence opens with (`…銀行は4日、`, `…は3月6日、`), its month when named.
_OPENING_DATE = lazy_re(r"[^、。0-9]{0,20}(?:([0-9]{1,2})月)?([0-9]{1,2})日")


def other_month_day(a: Prepared, b: Prepared) -> bool:
    """True when both first sentences open with a date, one with its month (`3月6日`: news
    names the month of another month's day) and the other a bare day (`4日`: this month's),
    the days differing: another month's decision or event told alike, not one updated."""
    if "月" not in a.norm and "月" not in b.norm:
        return False  # cheap test first
    if not a.sentences or not b.sentences:
        return False
    ma = _OPENING_DATE.match(a.sentences[0].folded)
    mb = _OPENING_DATE.match(b.sentences[0].folded)
    return bool(ma and mb and bool(ma.group(1)) != bool(mb.group(1))
                and ma.group(2) != mb.group(2))


def other_day_report(a: Prepared, b: Prepared) -> bool:
    """True when both open with the day they report on and the days differ (`19日の東京株式
    市場は…` / `20日の…`): another day's report told the same way."""
    ma, mb = _REPORT_DAY.match(a.norm), _REPORT_DAY.match(b.norm)
    return bool(ma and mb and ma.group() != mb.group())


def other_day_close(a: Prepared, b: Prepared) -> bool:
    """True when both clips give a day's closing figures (`終値`, `取引を終え`, `一日の出来高`;
    not `午前の終値`) with other numbers and no day in common: two days' reports."""
    # Cheapest first: this runs for every candidate pair.
    return (_day_closed(a.norm) and _day_closed(b.norm) and a.numbers != b.numbers
            and not a.days & b.days)


def _day_closed(norm: str) -> bool:
    return (("終値" in norm or "引きを終え" in norm or "取引を終え" in norm or "出来高" in norm
             or "大引け" in norm)
            and bool(_DAY_CLOSED.search(norm)))


def other_day_event(a: Prepared, b: Prepared) -> bool:
    """True when both open with the hour something happened at (`6日午後2時すぎ、`) and the
    days differ: another event told the same way (a count at an hour, `…時現在`, is not)."""
    if "時" not in a.norm[:30] or "時" not in b.norm[:30]:
        return False  # cheap test first: this runs for every candidate pair
    ma, mb = _EVENT_TIME.match(a.norm), _EVENT_TIME.match(b.norm)
    return bool(ma and mb and ma.group(1) != mb.group(1))


def successive_changes(a: Prepared, b: Prepared) -> bool:
    """True when one clip changes a figure to the value the other changes it from (`120億円から
    85億円に下方修正` / `85億円から40億円にさらに下方修正`): two changes one after the other,
    the second another development, not the first updated."""
    if "から" not in a.norm or "から" not in b.norm:
        return False  # cheap test first: this runs for every candidate pair
    fa = {(m.group(1) + m.group(2), m.group(3) + m.group(2)) for m in _FROM_TO.finditer(a.norm)}
    fb = {(m.group(1) + m.group(2), m.group(3) + m.group(2)) for m in _FROM_TO.finditer(b.norm)}
    return any(x != y and (x[1] == y[0] or y[1] == x[0]) for x in fa for y in fb)


# A count of that day's own: `8日も…欠航が決まっています` (that day too), `8日は…運休した` (the
# day as topic), `新たに2017人が…確認された` (newly, that day).
# (Also people counted by what they did on a day: `21日に給水所を訪れた人は`.)
_OWN_DAY = lazy_re(r"(?<![0-9])[0-9]{1,2}日[もは]|新たに"
                   r"|(?<![0-9])[0-9]{1,2}日に(?![^、。]{0,8}(?:発表|明らか))[^、。]{1,20}?た人[はが]")
_ALSO_DAY = lazy_re(r"(?<![0-9])[0-9]{1,2}日も")
# A count reported (announced, estimated, hearsay): its day may be the report's, not the count's.
_REPORTED = lazy_re(r"発表|明らかに|によりますと|によると|ということ|としています|推計|試算")


def other_day_count(a: Prepared, b: Prepared) -> bool:
    """True when both first sentences, told alike (aligned at `REWRITTEN_LEAD`), count a day's
    own events on other days (`5日、…310便が欠航しました` / `6日、…160便が欠航`, `8日も…51便` /
    `7日は…142便`): neither a level reached nor a report (`LEVEL`, `_REPORTED`), or one saying
    "that day too" (`8日も`), or both telling a day's own count (`8日は…`, `新たに…`). Another
    day's count, not one count updated."""
    if "日" not in a.norm or "日" not in b.norm or not a.days or not b.days or a.days == b.days:
        return False  # cheap tests first: this runs for every candidate pair
    if not a.sentences or not b.sentences:
        return False
    x, y = a.sentences[0], b.sentences[0]
    dx, dy = days(x.folded), days(y.folded)
    if not dx or not dy or dx & dy:
        return False
    own = bool(_OWN_DAY.search(x.folded) and _OWN_DAY.search(y.folded))
    if not own and (_ALSO_DAY.search(x.folded) or _ALSO_DAY.search(y.folded)):
        own = True
    if not own and any(LEVEL.search(s.folded) or _REPORTED.search(s.folded) for s in (x, y)):
        return False
    if fuzz.ratio(x.masked, y.masked) < REWRITTEN_LEAD * 100:
        return False
    return any(c[1] == d[1] and c[2] != d[2] for c in x.counts for d in y.counts)


# A market's move told by its direction (`円安が進み…値下がり` / `円高が進み…値上がり`).
_UP = lazy_re(r"値上がり|上昇|円高|高騰|急騰|反発")
_DOWN = lazy_re(r"値下がり|下落|円安|急落|続落|反落")
_MARKET = lazy_re(r"相場|株価|市場")


def opposite_moves(a: Prepared, b: Prepared) -> bool:
    """True when one clip tells only of a market going up and the other only of it going down
    (`円安が進み…152円台前半まで値下がり` / `円高が進み…149円台後半まで値上がり`): two moves,
    not one updated (a price said to have turned, `15週ぶりに値下がり`, is no market's move)."""
    if not (_MARKET.search(a.norm) and _MARKET.search(b.norm)):
        return False
    ua, da = bool(_UP.search(a.norm)), bool(_DOWN.search(a.norm))
    ub, db = bool(_UP.search(b.norm)), bool(_DOWN.search(b.norm))
    return ua != da and ub != db and ua != ub


_ROUND = lazy_re(r"(?<![0-9])[0-9]{1,2}回目|第[0-9]{1,2}回")  # `3回目の協議`, `第2回の会合`


def other_round(a: Prepared, b: Prepared) -> bool:
    """True when one clip names a round (`3回目の協議を行い`) and the other none, both first
    sentences dated on other days: another round of talks or meetings, not one updated."""
    ra, rb = bool(_ROUND.search(a.norm)), bool(_ROUND.search(b.norm))
    if ra == rb or not a.sentences or not b.sentences:
        return False
    da, db = days(a.sentences[0].folded), days(b.sentences[0].folded)
    return bool(da and db and not da & db)


# A unit numbered in its name (`あまつ2号機`, `台風15号`, `国道17号`, `原発3号炉`).
_NUMBERED = lazy_re(r"(?<![0-9.])[0-9]+号(?:機|車|炉|館|棟)?")


def other_numbered(a: Prepared, b: Prepared) -> bool:
    """True when both clips name units by number (`あまつ2号機` / `あまつ3号機`) and none in
    common: another rocket, typhoon or reactor told alike, not one updated (background they
    may still share)."""
    if "号" not in a.norm or "号" not in b.norm:
        return False  # cheap test first
    na, nb = set(_NUMBERED.findall(a.norm)), set(_NUMBERED.findall(b.norm))
    return bool(na and nb and not na & nb)


# A rate quoted for one unit of a currency (`1ドル=158円`, `1ユーロ=171円`; NFKC folds `＝`).
_QUOTED_RATE = lazy_re(r"1(ドル|ユーロ|ポンド|元|人民元|ウォン|ルーブル|円|スイスフラン)=")


def other_currency(a: Prepared, b: Prepared) -> bool:
    """True when both clips quote a rate for one unit of a currency and for no currency in
    common (`1ドル=158円40銭` / `1ユーロ=171円20銭`): another currency's rate told alike."""
    if not ("=" in a.text or "＝" in a.text) or not ("=" in b.text or "＝" in b.text):
        return False  # cheap test first
    ca = set(_QUOTED_RATE.findall(fast_fold(a.text)))
    cb = set(_QUOTED_RATE.findall(fast_fold(b.text)))
    return bool(ca and cb and not ca & cb)


# A reading of the day (`最高気温が41度に達しました`): each day has its own.
_DAILY_READING = lazy_re(r"最高気温|最低気温|降水量|雨量|降雪量|積雪|日照時間|最大瞬間風速")
_RECORD = lazy_re(r"記録|更新|上回")


def other_day_reading(a: Prepared, b: Prepared) -> bool:
    """True when both clips give a reading of the day (`最高気温`, `雨量`) dated on other days
    only (`3日、最高気温が41度` / `5日、最高気温が38度`), no record said to be broken again:
    another day's reading, not one updated."""
    return (bool(a.days) and bool(b.days) and not a.days & b.days
            and bool(_DAILY_READING.search(a.norm)) and bool(_DAILY_READING.search(b.norm))
            # (A record broken again says so: `2日前に記録した観測史上最高の気温を上回りました`.)
            and not _RECORD.search(a.norm) and not _RECORD.search(b.norm))
