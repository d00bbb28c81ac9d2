"""The store's SQL, written once in SQLite's dialect, said in PostgreSQL's.

The entity modules of `store/sqlite` hold every query; rather than a second copy of each, the
PostgreSQL store translates the few SQLite-only forms they use (placeholders, `INSERT OR ...`,
`json_each`, `group_concat`, `total`, NULL ordering, the FTS5 search tables) when a statement is
first seen. Search index rows and `MATCH` expressions are turned into `tsvector` and `tsquery`
values here too: the PostgreSQL search tables hold the same pre-split tokens (docs/search.md).
Raises nothing: a statement this does not know passes through unchanged (tests run every store
module against both backends).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

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


def render(st: Statement, params: Sequence[object]) -> str:
    """The statement's text with each MATCH marker replaced by its condition."""
    sql = st.sql
    for k, (index, table) in enumerate(st.matches):
        sql = sql.replace(f"\x00{k}\x00", match_condition(str(params[index]), table))
    return sql


@dataclass(frozen=True)
class Node:
    """An FTS5 expression as a tree: a token (`prefix`: `"x"*`), a phrase of `tokens`, or
    `and`/`or` of `parts`, or `not` (parts: what is kept, what is left out)."""

    kind: str
    token: str = ""
    prefix: bool = False
    tokens: tuple[str, ...] = ()
    parts: tuple[Node, ...] = ()


# Filter tokens start at U+F0100 (`search_tokens`): no text of a clip holds such a character.
_FILTER_START = "\U000f0100"


def parse_fts(match: object) -> Node:
    """An FTS5 MATCH expression as built by `search_query` (quoted phrases, `"x"*` prefixes,
    AND, OR, NOT, parentheses; NOT binds tighter than AND, AND than OR) as a tree."""
    text = str(match)
    items: list[str | Node] = []  # operators and parentheses as str, operands as nodes
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            end = text.index('"', i + 1)
            tokens = tuple(text[i + 1:end].split(" "))
            i = end + 1
            prefix = i < n and text[i] == "*"
            i += prefix
            items.append(Node("tok", tokens[0], prefix) if len(tokens) == 1
                         else Node("phrase", tokens=tokens))
        elif c in "()":
            items.append(c)
            i += 1
        elif c == " ":
            i += 1
        elif text.startswith(("AND", "NOT", "OR"), i):
            op = "OR" if text[i] == "O" else text[i:i + 3]
            items.append(op)
            i += len(op)
        else:  # a bare token (not produced today)
            j = i
            while j < n and text[j] not in ' ()"':
                j += 1
            items.append(Node("tok", text[i:j]))
            i = j
    pos = 0

    def primary() -> Node:
        nonlocal pos
        item = items[pos]
        pos += 1
        if isinstance(item, Node):
            return item
        node = alternatives()  # after "("
        pos += 1  # ")"
        return node

    def chain(op: str, kind: str, operand: Callable[[], Node]) -> Node:
        nonlocal pos
        parts = [operand()]
        while pos < len(items) and items[pos] == op:
            pos += 1
            parts.append(operand())
        if len(parts) == 1:
            return parts[0]
        if kind != "not":
            return Node(kind, parts=tuple(parts))
        node = parts[0]  # left to right: (a NOT b) NOT c
        for part in parts[1:]:
            node = Node("not", parts=(node, part))
        return node

    def alternatives() -> Node:
        return chain("OR", "or", lambda: chain("AND", "and", lambda: chain("NOT", "not",
                                                                           primary)))

    return alternatives()


def _lexeme(token: str, prefix: bool = False) -> str:
    return "'" + token.replace("'", "''") + "'" + (":*" if prefix else "")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def _exact(node: Node) -> bool:
    """Whether the positions-free `tsquery` of `node` is the node itself: no phrase in it."""
    if node.kind == "tok":
        return True
    return node.kind != "phrase" and all(_exact(p) for p in node.parts)


def _tsquery(node: Node, phrases: bool) -> str:
    """`node` as `tsquery` text; a phrase as its tokens in a row (`phrases`) or all present."""
    if node.kind == "tok":
        return _lexeme(node.token, node.prefix)
    if node.kind == "phrase":
        return "(" + (" <-> " if phrases else " & ").join(map(_lexeme, node.tokens)) + ")"
    if node.kind == "not":
        return f"({_tsquery(node.parts[0], phrases)} & !{_tsquery(node.parts[1], phrases)})"
    op = " & " if node.kind == "and" else " | "
    return "(" + op.join(_tsquery(p, phrases) for p in node.parts) + ")"


def fts_to_tsquery(match: object) -> str:
    """An FTS5 MATCH expression as `tsquery` text, phrases as tokens in a row (`<->`)."""
    return _tsquery(parse_fts(match), True)


def _superset(node: Node) -> str | None:
    """A positions-free `tsquery` that every row matching `node` matches (None: any row)."""
    if node.kind in ("tok", "phrase"):
        return _tsquery(node, False)
    if node.kind == "not":
        kept, excluded = node.parts
        sup = _superset(kept)
        if not _exact(excluded):
            return sup  # leaving out a phrase's tokens would leave out too much: checked
        return f"({sup} & !{_tsquery(excluded, False)})" if sup else None
    parts = [_superset(p) for p in node.parts]
    if node.kind == "and":
        found = [p for p in parts if p]
        return "(" + " & ".join(found) + ")" if found else None
    return None if None in parts else "(" + " | ".join(p or "" for p in parts) + ")"


def _holds(node: Node, table: str) -> str:
    """A SQL condition true exactly for the rows of `table` matching `node`. Words are
    substrings of the clip's text form (`form`): a bigram token, a one-character prefix and a
    phrase of bigrams all are; filter tokens are looked up in `body`."""
    if node.kind == "tok":
        token = node.token
        if token[:1] >= _FILTER_START or (len(token) == 1 and not node.prefix):
            return f"{table}.body @@ {_literal(_lexeme(token, node.prefix))}::tsquery"
        return f"strpos({table}.form, {_literal(token)}) > 0"
    if node.kind == "phrase":
        word = node.tokens[0] + "".join(t[1:] for t in node.tokens[1:])
        return f"strpos({table}.form, {_literal(word)}) > 0"
    if node.kind == "not":
        return f"({_holds(node.parts[0], table)} AND NOT {_holds(node.parts[1], table)})"
    op = " AND " if node.kind == "and" else " OR "
    return "(" + op.join(_holds(p, table) for p in node.parts) + ")"


def _checks(node: Node, table: str) -> list[str]:
    """SQL conditions that, with `_superset(node)` true of a row, make it match `node` exactly."""
    if _exact(node):
        return []
    if node.kind == "phrase":
        return [_holds(node, table)]
    if node.kind == "and":
        return [c for p in node.parts for c in _checks(p, table)]
    if node.kind == "not":
        kept, excluded = node.parts
        out = _checks(kept, table)
        if not _exact(excluded) or _superset(kept) is None:
            out.append(f"NOT {_holds(excluded, table)}")
        return out
    return [_holds(node, table)]  # alternatives: which one held is not known


@lru_cache(maxsize=4096)
def match_condition(match: str, table: str) -> str:
    """The SQL condition for `table MATCH match`: in `search_bi` (tokens without positions and
    the clip's text form, docs/search.md "PostgreSQL") a `tsquery` the GIN index answers
    (phrases as all their tokens) and, for phrases, a substring check of the form on those
    candidates; in `search_uni` (no phrases) the `tsquery` alone."""
    node = parse_fts(match)
    if table != "search_bi":
        return f"{table}.body @@ {_literal(_tsquery(node, True))}::tsquery"
    superset = _superset(node)
    conds = ([f"{table}.body @@ {_literal(superset)}::tsquery"] if superset else [])
    conds += _checks(node, table)
    return "(" + " AND ".join(conds or ["TRUE"]) + ")"


def text_form(body: object) -> str:
    """The clip's text in index form, from a `search_bi` body (`search_tokens.rows`: each
    character followed by the next one and a space, the last one by two spaces, then the
    filters after a space)."""
    text = _text(body)
    end = text.find("  ")
    if end < 0 or text.startswith(" "):
        return ""
    return text[0:end:3]


def _text(body: object) -> str:
    return body.decode() if isinstance(body, bytes) else str(body)


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
                     " VALUES (%s, kirinuki_tsvector_np(%s), %s)", out)
        converts = [(0, None), (1, _text), (1, text_form)]
    elif body:
        out = re.sub(r"VALUES \(%s, ?%s\)", "VALUES (%s, kirinuki_tsvector_np(%s))", out)
        converts = [(0, None), (1, _text)]
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
