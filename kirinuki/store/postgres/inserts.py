"""Many rows of one INSERT in few round trips: a multi-row statement, or COPY when the rows are
plain values. Raises nothing: a statement of another shape gets None (sent row by row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class MultiRow:
    """An INSERT whose rows can go in one statement: `head` VALUES, one `template` per row, then
    `tail` (an ON CONFLICT clause or nothing); `keys`: the positions of the conflict target's
    columns in a row when a later row replaces an earlier one (only the last one of each key
    may go in: PostgreSQL refuses to update a row twice in one statement)."""

    head: str
    template: str
    tail: str = ""
    keys: tuple[int, ...] = ()


@dataclass(frozen=True)
class Copy:
    """A plain INSERT (no ON CONFLICT) whose rows go in by COPY into `table`: each value is
    stored as sent, or read by its column's type from its text (`%s::tsvector`)."""

    table: str
    columns: str


def copy_shape(sql: str) -> Copy | None:
    """For `INSERT INTO t(...) VALUES (...)` with nothing after and no value computed (a cast
    to the column's type aside): how to send its rows by COPY; None for any other statement."""
    m = re.fullmatch(r"INSERT INTO (\w+)\s*\(([^)]*)\)\s*VALUES\s*\((.*)\)\s*", sql,
                     re.IGNORECASE | re.DOTALL)
    if not m or "ON CONFLICT" in sql.upper():
        return None
    cols = [c.strip() for c in m.group(2).split(",")]
    value = r"\s*%s(::\w+)?\s*"
    if not re.fullmatch(rf"{value}(,{value})*", m.group(3)) or m.group(3).count("%s") != len(cols):
        return None
    return Copy(m.group(1), ", ".join(cols))


_REPLACING = re.compile(r"ON CONFLICT \(([^)]*)\) DO UPDATE SET (.*)$", re.IGNORECASE | re.DOTALL)


def multi_row(sql: str) -> MultiRow | None:
    """For `INSERT INTO t(...) VALUES (...)` with nothing after, or an ON CONFLICT that does
    nothing or replaces the row (`INSERT OR IGNORE/REPLACE`): how to send many rows in one
    statement; None for any other statement (an update that adds to the stored row must see
    the rows one by one)."""
    head_sql, _, conflict = sql.partition(" ON CONFLICT ")
    m = re.match(r"(INSERT INTO \w+\s*\(([^)]*)\)\s*VALUES)\s*(\(.*\))\s*$", head_sql,
                 re.IGNORECASE | re.DOTALL)
    if not m or "SELECT" in m.group(3).upper():
        return None
    if not conflict:
        return MultiRow(m.group(1), m.group(3))
    tail = "ON CONFLICT " + conflict
    if re.fullmatch(r"ON CONFLICT DO NOTHING\s*", tail, re.IGNORECASE):
        return MultiRow(m.group(1), m.group(3), tail)
    rep = _REPLACING.fullmatch(tail.strip())
    cols = [c.strip() for c in m.group(2).split(",")]
    plain = re.fullmatch(r"\(\s*%s(\s*,\s*%s)*\s*\)", m.group(3)) is not None
    if rep is None or not plain or len(cols) != m.group(3).count("%s"):
        return None
    for item in rep.group(2).split(","):
        name, _, value = (x.strip() for x in item.partition("="))
        if value.upper() not in (f"EXCLUDED.{name}".upper(), "DEFAULT"):
            return None
    keys = [c.strip() for c in rep.group(1).split(",")]
    if not set(keys) <= set(cols):
        return None
    return MultiRow(m.group(1), m.group(3), tail, tuple(cols.index(k) for k in keys))
