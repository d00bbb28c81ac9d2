"""FTS5 search on PostgreSQL: the `MATCH` expressions the search code builds, said as a
`tsquery` over the positions-free token bodies of `search_bi`/`search_uni` plus substring checks
of phrases on the clip's text form (docs/search.md "PostgreSQL"), and that text form taken from
an index row. Raises nothing for the expressions `search_plan` builds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache


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
    """An FTS5 MATCH expression as built by `search_plan` (quoted phrases, `"x"*` prefixes,
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
def match_condition(match: str, table: str, window: bool = False) -> str:
    """The SQL condition for `table MATCH match`: in `search_bi` (tokens without positions and
    the clip's text form, docs/search.md "PostgreSQL") a `tsquery` the GIN index answers
    (phrases as all their tokens) and, for phrases, a substring check of the form on those
    candidates; in `search_uni` (no phrases) the `tsquery` alone. `window`: the statement
    is a search of a row id window (`search_query.WINDOW`)."""
    node = parse_fts(match)
    if table != "search_bi":
        query = f"{_literal(_tsquery(node, True))}::tsquery"
        # Seen, a frequent character's share of the rows made the planner take the whole
        # journal's GIN index for a window of the newest clips, not `search_uni_recent`.
        return f"{table}.body @@ " + (f"(SELECT {query})" if window else query)
    superset = _superset(node)
    query = f"{_literal(superset or '')}::tsquery"
    if window:
        # The planner multiplies the frequencies of a word's bigrams as if they were
        # independent, finds a handful of rows and then reads every candidate's page across
        # the journal to check the range; a `tsquery` it cannot see gets its default share of
        # the rows, and the candidates are ANDed with the range's bitmap first (at 100k
        # entries, a window of the newest 6,400 clips for `ミハイロフ`: docs/search.md).
        query = f"(SELECT {query})"
    conds = ([f"{table}.body @@ {query}"] if superset else [])
    conds += _checks(node, table)
    return "(" + " AND ".join(conds or ["TRUE"]) + ")"


def text_form(body: object) -> str:
    """The clip's text in index form, from a `search_bi` body (`search_tokens.rows`: each
    character followed by the next one and a space, the last one by two spaces, then the
    filters after a space)."""
    text = text_of(body)
    end = text.find("  ")
    if end < 0 or text.startswith(" "):
        return ""
    return text[0:end:3]


def text_of(body: object) -> str:
    """An index row's body (UTF-8 bytes, as SQLite's FTS5 takes it) as text."""
    return body.decode() if isinstance(body, bytes) else str(body)


def lexemes(body: object) -> str:
    """An index row's body as `tsvector` input: each token quoted (the server then sorts them
    and keeps each once, without positions). Quoted, a token is read as it is: unquoted, a
    character the server's locale counts as a space (U+2028, U+3000...) would split it."""
    quoted = "'" + text_of(body).replace(" ", "' '") + "'"
    # A run of spaces leaves empty tokens (''), which the server refuses; no token holds a
    # quote (`search_tokens.index_form`), so '' is only ever one of those.
    quoted = quoted.replace("'' ", "").removesuffix(" ''")
    return "" if quoted == "''" else quoted
