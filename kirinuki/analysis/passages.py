"""Sentence-level comparison of two clips: a shared passage, a lead updated, one contained.

Clipping journals hold three kinds of related paragraphs that whole-text similarity confuses:

* **background**: a sentence or more reused inside two different paragraphs, each with content
  of its own (verbatim or lightly reworded, like the sample's Ukraine paragraphs);
* **an updated lead** (a version): the same report's first sentence rewritten by the update,
  with a date or figures changed (`…によりますと、これまでに14人が死亡し…ということです` →
  `…当局は17日、死者が31人に増え…と発表しました`);
* **an extended paragraph** (a version): every sentence of one found in the other.

Consecutive paragraphs of one report (same source, same day, other facts), templates about
another place, and running counts (`これで6件目`, `（13日の動き）`) are none of these. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from kirinuki.analysis.textnorm import mask_digits, normalise
from kirinuki.text.fastfold import fast_fold

_SENTENCE_END = re.compile(r"(?<=[。．！？!?])|(?<=\.)(?=\s|$)|\n")
_NO_HIRAGANA = re.compile(r"[^\u3041-\u309f]{2,}")
_DAY = re.compile(r"(?<![0-9])([0-9]{1,2})日(?!間|目|連続)")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# Names whose swap makes a template about something else: katakana names, and kanji places.
_NAME = re.compile(r"[\u30a1-\u30faー・]{3,}|[\u4e00-\u9fff]{1,4}(?:県|市|町|村|州|郡|区)")
# Serial markers: a running count or the day of a live blog is another occurrence, not an update.
SERIAL = re.compile(r"[0-9]+(?:件目|例目|回目|度目|人目|番目|日の動き|会合連続|日連続|回連続|期連続"
                    r"|年連続|か月連続|週連続)")

MIN_SENTENCE = 20  # characters of a shared sentence
CONTAINED = 0.9  # sentence similarity of a sentence found again in an extended paragraph
REWRITTEN = 0.6  # of a one-sentence lead rewritten when the update added a sentence
TEMPLATE_RATIO = 0.75  # whole-text alignment from which dated paragraphs are templates


@dataclass(frozen=True)
class Sentence:
    """One sentence of a clip: masked normalised text and what comparisons need."""

    raw: str
    masked: str

    @cached_property
    def folded(self) -> str:
        return fast_fold(self.raw)

    @cached_property
    def bigrams(self) -> frozenset[str]:
        return frozenset(run[i:i + 2] for run in _NO_HIRAGANA.findall(self.masked)
                         for i in range(len(run) - 1))

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(_NAME.findall(self.folded))


def sentences(text: str) -> list[Sentence]:
    """The sentences of `text` that hold anything to compare (not decimal points: `M6.9`)."""
    out = []
    for part in _SENTENCE_END.split(text):
        masked = mask_digits(normalise(part))
        if len(masked) >= 4:
            out.append(Sentence(part, masked))
    return out


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def similarity(a: Sentence, b: Sentence) -> float:
    """Mean of alignment ratio and content overlap of two sentences (0..1)."""
    return (fuzz.ratio(a.masked, b.masked) / 100 + _jaccard(a.bigrams, b.bigrams)) / 2


def names_in(text: str) -> frozenset[str]:
    """Katakana names and kanji places named in `text`."""
    return frozenset(_NAME.findall(fast_fold(text)))


def swapped(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when each side names something the other does not (a template about another
    place, bank or event)."""
    return bool(a - b) and bool(b - a)


def days(text: str) -> frozenset[str]:
    """Days of the month named (`3日`, not `3日間`, `8日目`)."""
    return frozenset(_DAY.findall(text))


def numbers(text: str) -> tuple[str, ...]:
    """The numbers written in `text`, days left out."""
    return tuple(_NUMBER.findall(_DAY.sub(" ", text)))


def serial_differs(a: str, b: str) -> bool:
    """True when both texts carry running counts and they differ (`6件目` / `8件目`)."""
    sa, sb = set(SERIAL.findall(a)), set(SERIAL.findall(b))
    return bool(sa or sb) and sa != sb


@dataclass(frozen=True)
class Relation:
    """What the sentences of two clips say about them: kind and similarity."""

    kind: str  # "extended", "lead", "shared" or ""
    similarity: float


def relate_sentences(a_text: str, b_text: str, ratio: float, shared: float = 0.75,
                     lead: float = 0.45) -> Relation:
    """How two clips relate sentence by sentence (`ratio`: their whole-text alignment;
    `shared`: the similarity of a reused sentence; `lead`: of an updated first sentence)."""
    sa, sb = sentences(a_text), sentences(b_text)
    if not sa or not sb:
        return Relation("", 0.0)
    matrix = [[similarity(x, y) for y in sb] for x in sa]
    best = max(max(row) for row in matrix)
    long_rows = matrix if len(sa) <= len(sb) else _transpose(matrix)
    if len(sa) != len(sb) and all(max(row) >= CONTAINED for row in long_rows):
        return Relation("extended", best)  # every sentence of one is in the other
    first = matrix[0][0]
    if min(len(sa), len(sb)) == 1 and len(sa) != len(sb) and first >= max(REWRITTEN, lead):
        return Relation("extended", first)  # a one-sentence lead rewritten, a sentence added
    # Paragraphs that align this well, dated, yet are no version: a template about another day.
    template = ratio >= TEMPLATE_RATIO and bool(days(sa[0].folded) or days(sb[0].folded))
    if first >= lead and not template and _lead_updated(sa[0], sb[0]):
        return Relation("lead", first)
    for i, row in enumerate(matrix):
        for j, score in enumerate(row):
            x, y = sa[i], sb[j]
            if (score >= shared and min(len(x.masked), len(y.masked)) >= MIN_SENTENCE
                    and not swapped(x.names, y.names)):
                return Relation("shared", score)
    return Relation("", best)


def _transpose(matrix: list[list[float]]) -> list[list[float]]:
    return [list(col) for col in zip(*matrix, strict=True)]


def _lead_updated(a: Sentence, b: Sentence) -> bool:
    """True when `b` is `a` updated: about the same thing (no name swapped), not the same
    day's other news (both dated the same day), with a date or numbers changed."""
    if swapped(a.names, b.names):
        return False
    da, db = days(a.folded), days(b.folded)
    if da and da == db:
        return False  # one report's paragraphs of one day: other facts
    if da != db:
        return True
    na, nb = numbers(a.folded), numbers(b.folded)
    return bool(na) and bool(nb) and na != nb
