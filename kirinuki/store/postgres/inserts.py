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
    """A plain INSERT (no ON CONFLICT) whose rows go in by COPY: into `table` itself when each
    value is stored as it is (`select` empty), else into `staging` (a temporary table of the
    values as sent) and from there by `INSERT INTO table(columns) SELECT select FROM staging`
    (the search rows: the server makes each `tsvector` from its token text)."""

    table: str
    columns: str
    staging: str = ""
    select: str = ""


# The types of the values sent for each table whose INSERT computes a column from them.
STAGED = {"search_bi": 'rowid BIGINT, body TEXT, form TEXT COLLATE "C"',
          "search_uni": "rowid BIGINT, body TEXT"}


def copy_shape(sql: str) -> Copy | None:
    """For `INSERT INTO t(...) VALUES (...)` with nothing after: how to send its rows by COPY;
    None for any other statement, or one computing a value of a table not in `STAGED`."""
    m = re.fullmatch(r"INSERT INTO (\w+)\s*\(([^)]*)\)\s*VALUES\s*\((.*)\)\s*", sql,
                     re.IGNORECASE | re.DOTALL)
    if not m or "SELECT" in m.group(3).upper() or "ON CONFLICT" in sql.upper():
        return None
    table, cols = m.group(1), [c.strip() for c in m.group(2).split(",")]
    if m.group(3).count("%s") != len(cols):
        return None
    if re.fullmatch(r"\s*%s(\s*,\s*%s)*\s*", m.group(3)):
        return Copy(table, ", ".join(cols))
    if table not in STAGED:
        return None
    names = iter(cols)
    select = re.sub("%s", lambda _: next(names), m.group(3)).strip()
    return Copy(table, ", ".join(cols), f"kirinuki_rows_{table}", select)


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
