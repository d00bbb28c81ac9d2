"""The one date rule: which dates an entry may carry.

Years 1000 to 9000. Python's datetime stops at year 9999 (and starts at year 1), so a date near
either end overflows when it is moved into another time zone or a day is added to it, which
every page, feed and sitemap does; a four-digit year also keeps archive addresses
(`/archive/YYYY/`) and sorted ISO text in step. No real entry is dated outside these years.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from kirinuki.errors import InputError

MIN_YEAR = 1000
MAX_YEAR = 9000


def date_problem(when: datetime) -> str | None:
    """Why `when` cannot date an entry, else None."""
    if not MIN_YEAR <= when.year <= MAX_YEAR:
        return f"the year {when.year} is outside {MIN_YEAR}-{MAX_YEAR}"
    return None


def check_date(when: datetime, what: str = "date") -> datetime:
    """`when` itself when it follows the rule. Raises InputError naming `what`."""
    why = date_problem(when)
    if why is not None:
        raise InputError(f"{what} {when.isoformat()} cannot be used: {why}")
    return when


def usable_date(text: str) -> bool:
    """True when the stored ISO text `text` is a date that follows the rule (checked on the
    text: a year near 1 or 9999 must not reach a time zone conversion)."""
    return _MIN_TEXT <= text[:5] <= _MAX_TEXT and text[:4].isdigit()


_MIN_TEXT = f"{MIN_YEAR:04d}-"
_MAX_TEXT = f"{MAX_YEAR:04d}-"


def in_zone(when: datetime, tz: tzinfo) -> datetime:
    """`when` in the time zone `tz`, or `when` as it is when moving it would leave the years
    datetime can hold (a date stored before the rule, read for display or export)."""
    try:
        return when.astimezone(tz)
    except (OverflowError, ValueError):
        return when
