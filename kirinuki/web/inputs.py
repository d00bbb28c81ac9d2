"""Checks on form and API input that the journal layer does not make itself."""

from __future__ import annotations

from kirinuki.errors import InputError

MAX_INBOX_DIGITS = 18  # an inbox number must fit SQLite's 64-bit integers


def capture_target(target: str) -> str:
    """`target` (a URL or an inbox number) when it is usable. Raises InputError.

    Digits other than ASCII and full-width ones (`¹`, `①`) and numbers beyond SQLite's range
    are refused here: the journal would try to read them as inbox numbers and fail.
    """
    t = target.strip().lstrip("#")
    if t.isdigit() and (not t.isdecimal() or len(t) > MAX_INBOX_DIGITS):
        raise InputError(f"not a URL or an inbox number: {target.strip()[:40]!r}")
    return target


def count_param(name: str, text: str, maximum: int) -> int:
    """`text` as a number from 0 to `maximum`, written in ASCII digits. Raises InputError.

    Checked before `int()`: it takes other digits (`١`, `²` fails inside it) and refuses more
    than 4,300 of them with a ValueError, and SQLite refuses numbers beyond 64 bits.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)) \
            or int(text) > maximum:
        raise InputError(f"{name} must be a number from 0 to {maximum}")
    return int(text)
