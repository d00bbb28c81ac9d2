"""One report retold: counts added by a later report, a call raised, every word of a paragraph
found again reordered, the same lead told in other words, a correction note, a quote reported
with more. `compare` in `duplicates.py` reads them to tell a version from shared background.
Pure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kirinuki.text.lazyre import lazy_re

if TYPE_CHECKING:
    from kirinuki.analysis.duplicates import Prepared

_SUBJECT_DAY = lazy_re(r"[^はがで、。]{2,15}は[0-9]{1,2}日")  # `いずみ精機は10日`
RETOLD = 0.95  # share of a paragraph's content bigrams found in another that retells it all


def figures_added(a: Prepared, b: Prepared) -> bool:
    """True when one clip states every number of the other and more (`欠航や遅れ` /
    `42便が欠航`): counts added by a later report."""
    if a.numbers == b.numbers:
        return False
    fewer, more = sorted((a, b), key=lambda p: len(p.numbers))
    return set(fewer.numbers) < set(more.numbers) and bool(more.figures - fewer.figures)


# Calls by their level: an advisory, a warning, a special warning.
_CALL_LEVELS = (lazy_re(r"注意報"), lazy_re(r"(?<!特別)(?<!注意)警報(?!級)"),
                lazy_re(r"特別警報"))


def _call_level(text: str) -> int:
    return max((i for i, p in enumerate(_CALL_LEVELS) if p.search(text)), default=-1)


def call_raised(a: str, b: str) -> bool:
    """True when both texts issue calls and one's highest is above the other's (`大雨警報` /
    `大雨特別警報`)."""
    la, lb = _call_level(a), _call_level(b)
    return la >= 0 and lb >= 0 and la != lb


def retold_within(a: Prepared, b: Prepared) -> bool:
    """True when the clip of fewer content bigrams has two sentences or more and (nearly) all
    its bigrams and all its numbers are in the other's."""
    short, long = sorted((a, b), key=lambda p: len(p.bigrams))
    return (len(short.sentences) >= 2 and bool(short.bigrams)
            and len(short.bigrams & long.bigrams) >= RETOLD * len(short.bigrams)
            and set(short.numbers) <= set(long.numbers))


def same_lead_retold(a: Prepared, b: Prepared) -> bool:
    """True when both first sentences open with the same subject and day (`いずみ精機は10日、`)
    and state the same figures, two or more with counters: one report told in other words
    (`連結純利益予想を…下方修正した` / `利益の見通しを…下方修正すると発表しました`)."""
    if "日" not in a.norm[:20] or a.norm[:2] != b.norm[:2]:
        return False  # cheap test first
    ma, mb = _SUBJECT_DAY.match(a.norm), _SUBJECT_DAY.match(b.norm)
    if not (ma and mb and ma.group() == mb.group() and a.sentences and b.sentences):
        return False
    ka = {(c, v) for _, c, v, _ in a.sentences[0].counts}  # cached with the sentence
    kb = {(c, v) for _, c, v, _ in b.sentences[0].counts}
    return len(ka) >= 2 and ka == kb


def corrected(text: str) -> bool:
    """True when `text` carries a correction note (`訂正：…の誤りでした`)."""
    return "訂正" in text and "誤り" in text


_QUOTE_REPORTED = 0.6  # share of a quote's bigrams the report of it keeps
_MORE = 10  # characters the report adds at least


def quote_reported(a: Prepared, b: Prepared) -> bool:
    """True when one clip quotes someone (`…は「…」と述べました`) and the other, with no
    quote, tells the same words as reported speech and says more (`…と述べたうえで、各国に…
    求めました`): the statement's later report, not background."""
    for x, y in ((a, b), (b, a)):
        if x.quoted and not y.quoted and len(y.masked) >= len(x.masked) + _MORE:
            words = {q for q in x.quoted if _CONTENT_PAIR.fullmatch(q)}
            return len(words) >= 4 and len(words & y.bigrams) >= _QUOTE_REPORTED * len(words)
    return False


_CONTENT_PAIR = lazy_re(r"[\u4e00-\u9fff\u30a1-\u30faー]{2}")
