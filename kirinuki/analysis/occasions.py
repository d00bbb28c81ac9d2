"""Other occasions: two clips about other days or periods told the same way (another month's
statistic, another day's closing figures, report or event), which are never versions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kirinuki.analysis.duplicates import Prepared

_EARLIER_WORD = re.compile(r"去年|昨年|おととし")
# The day and hour an event happened, opening a clip (`北部で6日午後2時すぎ、`).
_EVENT_TIME = re.compile(r"[^、。]{0,15}?(?<![0-9])([0-9]{1,2})日(?:午前|午後|未明|朝|夜|夕方|昼)?"
                         r"[0-9]{1,2}時(?:[0-9]{1,2}分)?(?:ごろ|すぎ|過ぎ)")
_DAY_CLOSED = re.compile(r"(?<!午前の)(?<!午前)終値|取引を終え|一日の出来高|大引け")
_REPORT_DAY = re.compile(r"[0-9]{1,2}日の")  # `19日の東京株式市場は`: the day reported on


def other_period(a: Prepared, b: Prepared) -> bool:
    """True when the clips are about other periods: other months (`4月の失業率` / `3月の`),
    or one names an earlier year and the other does not, with other numbers (`去年の経済対策の
    規模は…17兆円`)."""
    # Cheap tests first: this runs for every candidate pair.
    if "月" in a.norm and "月" in b.norm and a.months and b.months and not a.months & b.months:
        return True
    if not (_EARLIER_WORD.search(a.norm) or _EARLIER_WORD.search(b.norm)):
        return False
    return (bool(a.earlier) != bool(b.earlier) and bool(a.numbers) and bool(b.numbers)
            and a.numbers != b.numbers)


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
    return (("終値" in norm or "取引を終え" in norm or "出来高" in norm or "大引け" in norm)
            and bool(_DAY_CLOSED.search(norm)))


def other_day_event(a: Prepared, b: Prepared) -> bool:
    """True when both open with the hour something happened at (`6日午後2時すぎ、`) and the
    days differ: another event told the same way (a count at an hour, `…時現在`, is not)."""
    if "時" not in a.norm[:30] or "時" not in b.norm[:30]:
        return False  # cheap test first: this runs for every candidate pair
    ma, mb = _EVENT_TIME.match(a.norm), _EVENT_TIME.match(b.norm)
    return bool(ma and mb and ma.group(1) != mb.group(1))
