"""The store's SQL, written once in SQLite's dialect, said in PostgreSQL's.

The entity modules of `store/sqlite` hold every query; rather than a second copy of each, the
PostgreSQL store translates the few SQLite-only forms they use (placeholders, `INSERT OR ...`,
`json_each`, `group_concat`, `total`, NULL ordering, the FTS5 search tables) when a statement is
first seen. Search index rows and `MATCH` expressions are turned into `tsvector` and `tsquery`
values (`fts`): the PostgreSQL search tables hold the same pre-split tokens (docs/search.md).
Raises nothing: a statement this does not know passes through unchanged (tests run every store
module against both backends).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import cast

from kirinuki.store.postgres.fts import lexemes, match_condition, text_form
from kirinuki.store.sqlite.search_query import WINDOW

# The SQLite tables written with INSERT OR REPLACE, and the key that decides what "replace" means.
# A replaced row is a new row: columns the statement leaves out go back to their defaults.
REPLACE_DEFAULTS = {"clip_sketches": ("versions_checked",)}
REPLACE_KEYS = {
    "sign_in_codes": ("code_hash",),
    "clip_sketches": ("clip_id",),
    "clip_versions": ("clip_id", "earlier_clip_id"),
}
SEARCH_TABLES = ("search_bi", "search_uni")

# SQLite's pragmas that mean something on PostgreSQL too; any other one is a no-op.
PRAGMAS = {
    "integrity_check": "SELECT 'ok'",
    "quick_check": "SELECT 'ok'",  # PostgreSQL keeps its own files consistent
    "foreign_key_check": "SELECT 1, 2, 3, 4 WHERE false",  # enforced on every write
    "data_version": "SELECT n FROM kirinuki_changes",  # see PgStore.data_version
}

Convert = Callable[[object], object]


@dataclass(frozen=True)
class Statement:
    """A translated statement: PostgreSQL text with `%s` placeholders, and for each of them
    the index of the original parameter it takes and a conversion of its value (None: as it
    is); a MATCH becomes a marker that `render` fills in from its parameter."""

    sql: str
    converts: tuple[tuple[int, Convert | None], ...]
    noop: bool = False
    matches: tuple[tuple[int, str], ...] = ()  # (parameter, table) of each MATCH marker

    @cached_property
    def in_order(self) -> bool:
        """Whether each parameter is taken as it is, in its own place."""
        return self.converts == tuple((i, None) for i in range(len(self.converts)))


def render(st: Statement, params: Sequence[object]) -> str:
    """The statement's text with each MATCH marker replaced by its condition."""
    sql = st.sql
    for k, (index, table) in enumerate(st.matches):
        sql = sql.replace(f"\x00{k}\x00", match_condition(str(params[index]), table,
                                                           WINDOW in sql))
    return sql


def json_list(value: object) -> list[object]:
    """A JSON array bound for `json_each(?)` as a list bound for `= ANY(%s)`."""
    return list(json.loads(value) if isinstance(value, str | bytes) else cast(Iterable[object], value))


_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?\d*|%")


def _func_spans(sql: str, name: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, top-level arguments) of each call of `name(...)` in `sql`."""
    spans = []
    for m in re.finditer(rf"\b{name}\(", sql, re.IGNORECASE):
        depth, args, start = 1, [], m.end()
        j = start
        while depth:
            ch = sql[j]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif ch == "," and depth == 1:
                args.append(sql[start:j])
                start = j + 1
            j += 1
        args.append(sql[start:j - 1])
        spans.append((m.start(), j, [a.strip() for a in args]))
    return spans


def _replace_calls(sql: str, name: str, make: Callable[[list[str]], str]) -> str:
    for start, end, args in reversed(_func_spans(sql, name)):
        sql = sql[:start] + make(args) + sql[end:]
    return sql


_ORDER_STOP = re.compile(r"\s(LIMIT|OFFSET|UNION|INTERSECT|EXCEPT)\b", re.IGNORECASE)
# Sort keys that are never NULL keep PostgreSQL's order, so its indexes still serve them.
_NOT_NULL = re.compile(r"^(\w+\.)?(id|\w+_id|docid|rowid|pos|key|name|\d+)$", re.IGNORECASE)


def _null_order(sql: str) -> str:
    """SQLite sorts NULL first ascending and last descending; PostgreSQL the other way."""
    out, pos = [], 0
    for m in re.finditer(r"\bORDER BY\b", sql, re.IGNORECASE):
        if m.start() < pos:
            continue
        out.append(sql[pos:m.end()])
        j, depth, items, start = m.end(), 0, [], m.end()
        while j < len(sql):
            ch = sql[j]
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(sql[start:j])
                start = j + 1
            elif depth == 0 and _ORDER_STOP.match(sql, j):
                break
            j += 1
        items.append(sql[start:j])
        fixed = []
        for item in items:
            words = item.split()
            desc = bool(words) and words[-1].upper() == "DESC"
            bare = " ".join(w for w in words if w.upper() not in ("ASC", "DESC"))
            if "NULLS" in item.upper() or _NOT_NULL.match(bare):
                fixed.append(item)
            else:
                fixed.append(item.rstrip() + (" NULLS LAST" if desc else " NULLS FIRST"))
        out.append(",".join(fixed))
        pos = j
    out.append(sql[pos:])
    return "".join(out)


_FTS_COMMAND = re.compile(r"INSERT INTO (search_bi|search_uni)\(\1(, rank)?(, rowid, body)?\)"
                          r" VALUES \('([a-z-]+)'", re.IGNORECASE)


@lru_cache(maxsize=2048)
def translate(sql: str) -> Statement:
    """The PostgreSQL form of one SQLite statement (see the module docstring)."""
    text = sql.strip()
    if text.upper().startswith("PRAGMA"):
        name = re.sub(r"\W.*", "", text[6:].strip()).lower()
        return Statement(PRAGMAS.get(name, "SELECT 0"), (), noop=name not in PRAGMAS)
    cmd = _FTS_COMMAND.match(text)
    if cmd:
        table, _, with_row, what = cmd.groups()
        if what == "delete-all":
            return Statement(f"DELETE FROM {table}", ())
        if what == "delete" and with_row:
            return Statement(f"DELETE FROM {table} WHERE rowid = %s", ((0, None),))
        return Statement("SELECT 0", (), noop=True)  # FTS5 tuning: nothing to do here
    converts: list[tuple[int, Convert | None]] = []
    matches: list[tuple[int, str]] = []
    counter = 0

    # Placeholders first, deciding each one's conversion from the text before it.
    parts: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        tok = m.group()
        before = text[pos:m.start()]
        if tok.startswith("'"):
            parts.append(before + tok.replace("%", "%%"))
            pos = m.end()
            continue
        if tok == "%":
            parts.append(before + "%%")
        else:
            index = int(tok[1:]) - 1 if len(tok) > 1 else counter
            counter += 1
            head = text[:m.start()].rstrip()
            match = re.search(r"(\w+) MATCH\s*$", before, re.IGNORECASE)
            if match:
                # The condition depends on the expression (`match_condition`): a marker, filled
                # in when the statement runs (`render`).
                matches.append((index, match.group(1)))
                parts.append(before[:match.start()] + f"\x00{len(matches) - 1}\x00")
            elif re.search(r"json_each\($", head, re.IGNORECASE):
                parts.append(before + "%s")
                converts.append((index, json_list))
            else:
                parts.append(before + "%s")
                converts.append((index, None))
        pos = m.end()
    parts.append(text[pos:])
    out = "".join(parts)

    out = re.sub(r"IN \(SELECT value FROM json_each\((%s)\)\)", r"= ANY(\1)", out,
                 flags=re.IGNORECASE)
    body = re.match(r"INSERT INTO (search_bi|search_uni)\(rowid, body\)", out, re.IGNORECASE)
    if body and body.group(1) == "search_bi":
        out = re.sub(r"^INSERT INTO search_bi\(rowid, body\) VALUES \(%s, ?%s\)",
                     "INSERT INTO search_bi(rowid, body, form)"
                     " VALUES (%s, %s::tsvector, %s)", out)
        converts = [(0, None), (1, lexemes), (1, text_form)]
    elif body:
        out = re.sub(r"VALUES \(%s, ?%s\)", "VALUES (%s, %s::tsvector)", out)
        converts = [(0, None), (1, lexemes)]
    out = re.sub(r"CAST\((.*?) AS INTEGER\)", r"CAST(\1 AS BIGINT)", out, flags=re.IGNORECASE)
    out = _replace_calls(out, "group_concat", lambda a: (
        f"string_agg(({a[0]})::text, {a[1] if len(a) > 1 else repr(',')})"))
    out = _replace_calls(out, "total", lambda a: f"coalesce(sum({a[0]}), 0)::float8")
    if re.match(r"INSERT OR IGNORE INTO", out, re.IGNORECASE):
        out = "INSERT INTO" + out[len("INSERT OR IGNORE INTO"):] + " ON CONFLICT DO NOTHING"
    rep = re.match(r"INSERT OR REPLACE INTO (\w+)\(([^)]*)\)", out, re.IGNORECASE)
    if rep:
        table, cols = rep.group(1), [c.strip() for c in rep.group(2).split(",")]
        keys = REPLACE_KEYS[table]
        sets = ", ".join([f"{c} = EXCLUDED.{c}" for c in cols if c not in keys]
                         + [f"{c} = DEFAULT" for c in REPLACE_DEFAULTS.get(table, ())])
        out = (f"INSERT INTO {table}({', '.join(cols)})" + out[rep.end():]
               + f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}")
    out = re.sub(r"\bIN \(\s*\)", "IN (NULL)", out)  # SQLite takes an empty list
    out = _null_order(_alias_subqueries(out))
    return Statement(out, tuple(converts), matches=tuple(matches))


def _alias_subqueries(sql: str) -> str:
    """PostgreSQL 15 wants a name for every subquery in FROM; SQLite does not."""
    out, pos, n = [], 0, 0
    for m in re.finditer(r"\bFROM\s*\(\s*SELECT\b", sql, re.IGNORECASE):
        depth, j = 0, m.start() + sql[m.start():].index("(")
        while True:
            depth += {"(": 1, ")": -1}.get(sql[j], 0)
            j += 1
            if depth == 0:
                break
        rest = sql[j:]
        if not re.match(r"\s*(AS\s+)?(?!WHERE\b|GROUP\b|ORDER\b|LIMIT\b|JOIN\b|UNION\b|INTERSECT\b|"
                        r"EXCEPT\b|LEFT\b|ON\b)[A-Za-z_]\w*", rest, re.IGNORECASE):
            n += 1
            out.append(sql[pos:j] + f" AS _q{n}")
            pos = j
    out.append(sql[pos:])
    return "".join(out)
