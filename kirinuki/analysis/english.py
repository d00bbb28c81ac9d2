"""English tweets: one updating another (`UPDATE: Death toll … rises to 19`, `… now …`, a deed
told ahead then reported: `talks to begin Monday` / `… begin ceasefire talks`), judged on their
first sentences by the names and words they share. `duplicates` and `updates` call them. Pure."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kirinuki.analysis.sentences import numbers, swapped
from kirinuki.analysis.textnorm import strip_noise
from kirinuki.text.lazyre import lazy_re

if TYPE_CHECKING:
    from kirinuki.analysis.sentences import Sentence

# The same in English tweets: `Death toll … rises to 14` / `… at least 6 dead`.
_RAISED_EN = lazy_re(r"\b(?:rises?|rose|risen|climbs?|climbed|jumps?|jumped|reach(?:es)?|reached"
                     r"|hits|increases|increased|falls?|fell|drops?|dropped)\s+to\s+(?:at\s+least\s+)?"
                     r"[0-9][0-9,]*", re.IGNORECASE)


_COUNT_EN = lazy_re(r"[0-9][0-9,]*\s+(?:[a-z]+\s+)?(?:were\s+|are\s+)?(?:dead|killed"
                    r"|deaths|died|injured|wounded|missing|rescued|evacuated|displaced|trapped"
                    r"|stranded|detained|arrested)\b"
                    r"|\bevacuation\s+of\s+(?:at\s+least\s+|about\s+|more\s+than\s+)?[0-9][0-9,]*"
                    r"|[0-9][0-9,]*\s+(?:homes|households|customers)\s+without\s+power",
                    re.IGNORECASE)


_WORD_EN = lazy_re(r"[A-Za-z]{3,}")


# English words that name no event: headline labels, sourcing, counting.
_STOP_EN_TEXT = """breaking update updated urgent developing alert flash says said according
police officials official reports reported report least still more than with from after have
been that this were their they says people dead killed deaths died injured wounded missing
rescued evacuated evacuation displaced trapped stranded detained arrested residents number homes households customers death toll rises rose risen climbs climbed jumps jumped reaches reached
increases increased falls fell drops dropped the and say for off was are not but its new now
via per out who all one two has had near into over says january february march april may june
july august september october november december monday tuesday wednesday thursday friday
saturday sunday former one three four five six seven eight nine ten eleven twelve"""


_STOP_EN = frozenset(_STOP_EN_TEXT.split())


def count_raised_en(a: Sentence, b: Sentence) -> bool:
    """True when two English sentences (tweets) tell one event's count, one saying it rose or
    fell to another value (`Death toll in Salmina Island ferry sinking rises to 14` / `Ferry
    sinks off Salmina Island; at least 6 dead`): two or more words of the event in common, one
    of them a name, no name swapped."""
    if "to" not in a.folded and "to" not in b.folded:
        return False  # no `rises to N` (cheaper than the pattern)
    for x, y in ((a, b), (b, a)):
        m, c = _RAISED_EN.search(x.folded), _COUNT_EN.search(y.folded)
        if not m or not c:
            continue
        if numbers(m.group()) == numbers(c.group()):
            return False  # the same count
        wx, wy = _words_en(x.raw), _words_en(y.raw)
        nx, ny = (frozenset(w for w in ws if w[0].isupper()) for ws in (wx, wy))
        common = {w.lower() for w in wx} & {w.lower() for w in wy}
        # A name in common, and a word of the event that is no name (`ferry`): the same place
        # names another event too (`Bus crash on Salmina Island`).
        # Three names or more in common (`Cyclone Teva`, `Marisa Islands`) are one event already.
        return (bool(nx & ny) and (bool(common - {w.lower() for w in nx & ny}) or len(nx & ny) >= 3)
                and not swapped(nx, ny))
    return False


# An English tweet saying it updates (`UPDATE: …`, `… now urges …`).
_UPDATE_EN = lazy_re(r"^\W*(?:update|updated|latest)\b|\bnow\b", re.IGNORECASE)
_LATIN = lazy_re(r"[A-Za-z]")
# Told ahead (`talks to begin Monday`, `will hold`, `set to`, `expected to`): the other tweet,
# not told so, reports it done or going on.
# The deed told ahead is the verb after `to` / `will`; the other tweet must tell it (`begin`).
_AHEAD_EN = lazy_re(r"\b(?:to|will)\s+(?:be\s+)?(?P<verb>[a-z]+)\s+(?:again\s+)?(?:on\s+)?(?:Monday|Tuesday|Wednesday"
                    r"|Thursday|Friday|Saturday|Sunday|tomorrow|next\s+week|next\s+month|later)\b"
                    r"|\b(?:set|expected|scheduled|due|plans?)\s+to\s+(?:be\s+)?(?P<verb2>[a-z]+)")


# Irregular past forms of verbs told ahead (`to meet again Thursday` / `met in Lumen`).
_PAST_EN = {"meet": ("met",), "hold": ("held",), "begin": ("began", "begun"), "give": ("gave",),
            "take": ("took",), "make": ("made",), "leave": ("left",), "fly": ("flew",),
            "sign": ("signed",), "vote": ("voted",), "rule": ("ruled",)}


def _told_ahead_en(a: str, b: str) -> bool:
    """True when one tweet's first sentence tells a deed ahead (`talks to begin Monday`) and
    the other's, not told ahead, has its verb (`begin ceasefire talks`)."""
    fa, fb = _first_en(a), _first_en(b)
    for x, y in ((fa, fb), (fb, fa)):
        m = _AHEAD_EN.search(x)
        if m and not _AHEAD_EN.search(y):
            verb = m.group("verb") or m.group("verb2")
            told = (verb[:4], *_PAST_EN.get(verb, ()))
            return any(w.lower().startswith(told) for w in _WORD_EN.findall(y))
    return False


def english_update(a: str, b: str) -> bool:
    """True when two English tweets (`a`, `b`: clip texts), one saying it updates (`UPDATE:`,
    `now`) or told ahead when the other is not (`talks to begin Monday`), name something in
    common (a capitalised word, `Belsta`) and share two more words of the story (`rail`,
    `strike`), nothing swapped: the story updated."""
    if not (_UPDATE_EN.search(a) or _UPDATE_EN.search(b)
            or _told_ahead_en(a, b)):
        return False  # neither says it updates, nor is one told ahead and the other not
    if len(_LATIN.findall(a)) < 0.6 * len(a.strip()) or len(_LATIN.findall(b)) < 0.6 * len(b.strip()):
        return False  # not English text
    # The first sentences tell the news: a background sentence both repeat is no word of it.
    fa, fb = _first_en(a), _first_en(b)
    wa, wb = _words_en(fa), _words_en(fb)
    na, nb = (frozenset(w for w in ws if w[0].isupper()) for ws in (wa, wb))
    names = na & nb
    common = {w.lower() for w in wa} & {w.lower() for w in wb}
    # A name swapped: a capitalised word of each missing from the other in any case (`Rail`
    # opening a sentence is the other's `rail`) and with any ending (`Passenger` / `passengers`,
    # `Valdoran` / `Valdora's`).
    other_a = _other_names(na, wb)
    other_b = _other_names(nb, wa)
    return bool(names) and len(common - {w.lower() for w in names}) >= 2 and not (other_a and other_b)


def _other_names(names: frozenset[str], words: frozenset[str]) -> set[str]:
    """The names not among `words` in any case, nor with another ending (first five letters)."""
    lower = {w.lower() for w in words}
    stems = {w[:5] for w in lower if len(w) >= 5}
    return {n for n in names if n.lower() not in lower and not (len(n) >= 5 and n.lower()[:5] in stems)}


_SENTENCE_END_EN = lazy_re(r"(?<=[a-z0-9][.!?])\s+(?=[A-Z])")


def _first_en(text: str) -> str:
    """The first sentence of an English tweet (`UPDATE: … rises to 19.`)."""
    return _SENTENCE_END_EN.split(strip_noise(text).strip(), maxsplit=1)[0]


def _words_en(text: str) -> frozenset[str]:
    """Words of three letters or more of an English text, sign-off and links aside, with neither
    headline labels nor sourcing or counting words."""
    return frozenset(w for w in _WORD_EN.findall(strip_noise(text)) if w.lower() not in _STOP_EN)


# A place an English tweet names after a preposition (`in Gardia`, `at Belota copper mine`).
_PLACE_EN = lazy_re(r"\b(?:in|at|near|off)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)")


def other_places_en(a: str, b: str) -> bool:
    """True when two English texts each name a place (`in Gardia`, `at Belota copper mine` /
    `in Terna`, `at San Vito coal mine`) the other does not name at all: the like news of
    another place, not one updated."""
    pa, pb = set(_PLACE_EN.findall(a)), set(_PLACE_EN.findall(b))
    return (any(p not in b for p in pa) and any(p not in a for p in pb))
