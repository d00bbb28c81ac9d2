"""The search query language, parsed into a small tree (pure: no I/O, no index knowledge).

    ロシア 制裁            every word must occur (as a substring of the clip's folded text)
    "exact phrase"        a phrase, spaces included
    ~きしだ  ~"phrase"     hiragana and katakana alike (キシダ, きしだ, キしだ all match)
    -word  -"phrase"      the clip must not contain it (also -#tag, -source:x, -entry:N)
    a OR b                either (OR binds tighter than the implicit AND: `x a OR b` = x AND (a OR b))
    #tag                  the clip's group carries the tag (aliases resolved by the caller)
    source:nhk.or.jp      the clip's article comes from this site or a subdomain of it
    since:2022-01-01      the entry is dated on or after this day (YYYY, YYYY-MM also work)
    until:2022-01-31      the entry is dated on or before this day (a month/year means its end)
    entry:ID              the clip belongs to this entry (id or permalink)

The query is NFKC-normalised before it is split, so full-width quotes, `＃`, `－` and `ＯＲ` work;
words are then folded with `normalize.search_fold`, exactly as clip text is, so `ＮＡＴＯ`, `nato`
and `NATO` are one word, as are `3,800` and `3800`. A malformed query raises `InputError` with a
one-line reason.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from kirinuki.errors import InputError
from kirinuki.text.lazyre import lazy_re
from kirinuki.text.normalize import fold, kana_fold, nfkc, search_fold, tag_key


@dataclass(frozen=True)
class Word:
    """Text that must occur in the clip: `text` is search-folded; `phrase` when it was quoted;
    `kana` when hiragana and katakana match alike (`text` is then in hiragana)."""

    text: str
    phrase: bool = False
    kana: bool = False


@dataclass(frozen=True)
class Tag:
    """A tag filter, by folded tag key (without '#')."""

    key: str
    name: str


@dataclass(frozen=True)
class Source:
    """A source filter: a site (folded host name) matching itself and its subdomains."""

    site: str


@dataclass(frozen=True)
class EntryRef:
    """An entry filter: an entry id or permalink as written."""

    ref: str


Atom = Word | Tag | Source | EntryRef


@dataclass(frozen=True)
class Query:
    """A parsed query: every clause must hold (a clause holds when any of its atoms does),
    no excluded atom may hold, and the entry date must fall within [since, until]."""

    clauses: tuple[tuple[Atom, ...], ...] = ()
    excluded: tuple[Atom, ...] = ()
    since: date | None = None
    until: date | None = None
    source_text: str = field(default="", compare=False)

    def atoms(self) -> list[Atom]:
        """Every atom, included or excluded."""
        return [a for clause in self.clauses for a in clause] + list(self.excluded)

    def words(self) -> list[Word]:
        """The words a matching clip contains (for highlighting), longest first."""
        found = {(a.text, a.kana): a for c in self.clauses for a in c if isinstance(a, Word)}
        return sorted(found.values(), key=lambda w: -len(w.text))


@dataclass(frozen=True)
class _Tok:
    kind: str  # "atom", "or", "since", "until"
    atom: Atom | None = None
    negated: bool = False
    day: date | None = None
    text: str = ""


_FILTER = lazy_re(r"(?i)(source|since|until|entry):(.*)", re.S)
_DATE = lazy_re(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


def _day(value: str, key: str) -> date:
    """The first (since) or last (until) day meant by `value`; InputError when it is no date."""
    m = _DATE.fullmatch(value)
    if m is None:
        raise InputError(f"{key}: expects a date like 2022-01-31, 2022-01 or 2022, not {value!r}")
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    try:
        if key == "since":
            return date(year, month or 1, day or 1)
        month = month or 12
        return date(year, month, day or calendar.monthrange(year, month)[1])
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise InputError(f"{key}: {value!r} is not a valid date") from exc


def _site(value: str) -> str:
    """The host name in a `source:` value (a bare host or a URL)."""
    v = fold(value.strip())
    for prefix in ("https://", "http://"):
        if v.startswith(prefix):
            v = v[len(prefix):]
    v = v.split("/", 1)[0].strip(".")
    if not v:
        raise InputError(f"source: expects a site like nhk.or.jp, not {value!r}")
    return v


def _word(text: str, phrase: bool, raw: str, kana: bool = False) -> Word:
    folded = search_fold(text)
    if not folded:
        raise InputError(f"nothing to search for in {raw!r}")
    return Word(kana_fold(folded), phrase, True) if kana else Word(folded, phrase)


def _bare(word: str, negated: bool, kana: bool = False) -> _Tok:
    """A token from an unquoted word: OR, a filter, a tag or plain text (kana-insensitive
    text after `~`)."""
    if kana:
        return _Tok("atom", _word(word, False, "~" + word, True), negated, text="~" + word)
    if word == "OR" and not negated:
        return _Tok("or", text=word)
    m = _FILTER.fullmatch(word)
    if m is not None:
        key, value = m[1].lower(), m[2]
        if not value:
            raise InputError(f"{key}: needs a value (e.g. {key}:{_EXAMPLES[key]})")
        if key in ("since", "until"):
            if negated:
                raise InputError(f"-{key}: cannot be negated; use since:/until: for a range")
            return _Tok(key, day=_day(value, key), text=word)
        atom: Atom = Source(_site(value)) if key == "source" else EntryRef(value)
        return _Tok("atom", atom, negated, text=word)
    if len(word) > 1 and word[0] == "#":
        name = word[1:]
        key = tag_key(name)
        if not key:
            raise InputError(f"not a tag: {word!r}")
        return _Tok("atom", Tag(key, name), negated, text=word)
    return _Tok("atom", _word(word, False, word), negated, text=word)


_EXAMPLES = {"source": "nhk.or.jp", "since": "2022-01-01", "until": "2022-01-31",
             "entry": "12"}


def _tokens(query: str) -> list[_Tok]:
    """Split the NFKC-normalised query into tokens; InputError on an unclosed quote."""
    s = nfkc(query)
    out: list[_Tok] = []
    i, n = 0, len(s)
    while i < n:
        if s[i].isspace():
            i += 1
            continue
        negated = s[i] == "-" and i + 1 < n and not s[i + 1].isspace()
        if negated:
            i += 1
        # `~` before a word or a phrase: kana-insensitive (a lone `~` is the character).
        kana = s[i] == "~" and i + 1 < n and not s[i + 1].isspace()
        if kana:
            i += 1
        if s[i] == '"':
            end = s.find('"', i + 1)
            if end < 0:
                raise InputError(f"unclosed quote in {query!r}")
            inner = s[i + 1:end]
            if not inner.strip():
                raise InputError("an empty phrase \"\" searches for nothing")
            out.append(_Tok("atom", _word(inner, True, inner, kana), negated,
                            text=f'"{inner}"'))
            i = end + 1
            continue
        j = i
        while j < n and not s[j].isspace():
            j += 1
        out.append(_bare(s[i:j], negated, kana))
        i = j
    return out


def parse_query(query: str) -> Query:
    """Parse `query` (see the module docstring). Raises InputError with a one-line reason."""
    toks = _tokens(query)
    if not toks:
        raise InputError("empty query: give a word, a \"phrase\", a #tag or a filter")
    clauses: list[list[Atom]] = []
    excluded: list[Atom] = []
    since = until = None
    pending_or = False
    for k, tok in enumerate(toks):
        if tok.kind == "or":
            prev = toks[k - 1] if k else None
            if prev is None or prev.kind != "atom" or prev.negated or pending_or:
                raise InputError("OR must stand between two words, phrases or filters")
            pending_or = True
            continue
        if tok.kind in ("since", "until"):
            if pending_or:
                raise InputError(f"{tok.kind}: cannot be part of an OR")
            if (since if tok.kind == "since" else until) is not None:
                raise InputError(f"{tok.kind}: is given twice")
            if tok.kind == "since":
                since = tok.day
            else:
                until = tok.day
            continue
        assert tok.atom is not None
        if tok.negated:
            if pending_or:
                raise InputError("a negated term (-word) cannot be part of an OR")
            excluded.append(tok.atom)
        elif pending_or:
            clauses[-1].append(tok.atom)
            pending_or = False
        else:
            clauses.append([tok.atom])
    if pending_or:
        raise InputError("OR must stand between two words, phrases or filters")
    if since and until and since > until:
        raise InputError(f"since:{since} is after until:{until}")
    return Query(tuple(tuple(dict.fromkeys(c)) for c in clauses),
                 tuple(dict.fromkeys(excluded)), since, until, query)
