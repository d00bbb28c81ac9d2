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

from dataclasses import dataclass

from rapidfuzz import fuzz

from kirinuki.analysis.counts import other_slots, running_count_updated
from kirinuki.analysis.plans import (
    deed_carried_out,
    later_plan_done,
    news_of_going_on,
    opens_alike,
    plan_done,
    plan_reported,
    revised,
    state_ended,
    topic_named_in,
)
from kirinuki.analysis.sentences import (
    OPENING,
    TOPIC,
    Sentence,
    days,
    is_template,
    numbers,
    other_subject,
    same_facts,
    swapped,
    word_put_for_another,
)
from kirinuki.analysis.shared_keys import loose
from kirinuki.analysis.textnorm import normalise
from kirinuki.analysis.updates import (
    count_updated_after,
    later_that_day,
    lead_rewritten_more,
    lead_updated,
    same_deed_retold,
    sentence_updated,
    toll_rewritten,
)
from kirinuki.text.lazyre import lazy_re

MIN_SENTENCE = 20  # characters of a shared sentence


MIN_SAME_SENTENCE = 15  # characters of a shared sentence found verbatim


SHORT_FOUND = 8  # characters of a short sentence found at the start of a longer one


SENTENCE_CONTAINED = 0.92  # partial alignment of a sentence found in a longer one


CONTAINED_BIGRAMS = 0.75  # share of the shorter sentence's content bigrams found in the longer


CONTAINED = 0.9  # sentence similarity of a sentence found again in an extended paragraph


REWORDED_RATIO = 0.80  # alignment of a sentence lightly reworded (`建造された` / `造られた`)...


REWORDED_OVERLAP = 0.25  # ...with this much content overlap at least (synonyms cut the overlap)


REWRITTEN = 0.6  # of a one-sentence lead rewritten when the update added a sentence


TEMPLATE_RATIO = 0.75  # whole-text alignment from which dated paragraphs are templates


REORDERED_OVERLAP = 0.90  # content bigrams in common of a sentence with its clauses reordered
REORDERED_BIGRAMS = 8  # content bigrams each such sentence has at least
RAISED_LEAD = 0.30  # similarity of a lead rewritten around a count said to have risen
TOLL_LEAD = 0.25  # of a lead rewritten around a running toll of two counts or more, all changed
# Content overlap below which neither rewording nor reordering raises a similarity.
_RAISED_OVERLAP = min(REWORDED_OVERLAP, REORDERED_OVERLAP)


@dataclass(frozen=True)
class Relation:
    """What the sentences of two clips say about them: kind and similarity."""

    kind: str  # "extended", "lead", "shared" or ""
    similarity: float


def relate_sentences(sa: list[Sentence], sb: list[Sentence], ratio: float,
                     shared: float = 0.75, lead: float = 0.45) -> Relation:
    """How two clips relate sentence by sentence (`sentences` of each; `ratio`: their
    whole-text alignment; `shared`: the similarity of a reused sentence; `lead`: of an updated
    first sentence)."""
    if not sa or not sb:
        return Relation("", 0.0)
    # Only the first sentences matter below `shared` (an updated or rewritten lead); other
    # pairs matter from `shared` (background) or `CONTAINED` up.
    matrix = [[_similar(x, y, 0.0 if i == j == 0 else shared, shared) for j, y in enumerate(sb)]
              for i, x in enumerate(sa)]
    best = max(max(row) for row in matrix)
    first = matrix[0][0]
    if best < shared and first < lead:
        # No sentence found again, no lead alike: of the rules below only a count said to have
        # changed or a short lead rewritten more can hold (`lead` above 1: weeks apart).
        if lead <= 1.0 and ((first >= RAISED_LEAD and lead_rewritten_more(sa[0], sb[0]))
                            or (first >= TOLL_LEAD and (toll_rewritten(sa[0], sb[0])
                                                        or plan_reported(sa[0], sb[0])
                                                        or deed_carried_out(sa[0], sb[0])))):
            return Relation("lead", first)
        return Relation("", best)
    long_rows = matrix if len(sa) <= len(sb) else _transpose(matrix)
    if len(sa) != len(sb) and all(max(row) >= CONTAINED for row in long_rows):
        return Relation("extended", best)  # every sentence of one is in the other
    if min(len(sa), len(sb)) > 1 and _covered(sa, sb, matrix, shared):
        return Relation("extended", best)  # the same sentences, reordered or updated
    if (min(len(sa), len(sb)) == 1 and len(sa) != len(sb) and first >= max(REWRITTEN, lead)
            and not is_template(sa[0], sb[0]) and not other_slots(sa[0], sb[0])):
        return Relation("extended", first)  # a one-sentence lead rewritten, a sentence added
    # Paragraphs that align this well, dated, yet are no version: a template about another day.
    # (Not the same day's figure reported later: `午前の終値は…` / `終値は…`.)
    template = (ratio >= TEMPLATE_RATIO and bool(days(sa[0].folded)) and bool(days(sb[0].folded))
                and not (days(sa[0].folded) == days(sb[0].folded)
                         and later_that_day(sa[0], sb[0]))
                and not running_count_updated(sa[0], sb[0]))
    if first >= lead and not template and lead_updated(sa[0], sb[0]):
        return Relation("lead", first)
    if first >= max(REWRITTEN, lead) and count_updated_after(sa, sb):
        return Relation("lead", first)  # one day's event retold, its count updated after it
    if lead <= 1.0 and first >= lead and same_deed_retold(sa, sb):
        return Relation("lead", first)  # one day's deed told by another outlet
    if first >= lead and plan_done(sa[0], sb[0]) and (first >= REWRITTEN or (
            (opens_alike(sa[0], sb[0]) or sa[0].subjects & sb[0].subjects
             or topic_named_in(sa[0], sb[0]))
            and not word_put_for_another(sa[0].masked, sb[0].masked))):
        return Relation("lead", first)
    if first >= lead and (state_ended(sa[0], sb[0]) or revised(sa[0], sb[0])
                          or plan_reported(sa[0], sb[0]) or deed_carried_out(sa[0], sb[0])
                          or news_of_going_on(sa[0], sb[0])
                          or later_plan_done(sa, sb) or later_plan_done(sb, sa)):
        return Relation("lead", first)
    if lead <= 1.0 and first >= RAISED_LEAD and lead_rewritten_more(sa[0], sb[0]):
        return Relation("lead", first)
    if lead <= 1.0 and best >= shared and (
            updated := sentence_updated(sa, sb, matrix, shared)) is not None:
        return Relation("updated", updated)
    for i, row in enumerate(matrix):
        for j, score in enumerate(row):
            x, y = sa[i], sb[j]
            if score < shared:
                continue
            aside = x.masked != y.masked and (_same_but_aside(x, y) or _glued(x, y))
            short = min(len(x.masked), len(y.masked))
            if (short >= (MIN_SAME_SENTENCE if x.masked == y.masked or aside
                          or (short < MIN_SENTENCE and _same_but_kana(x, y)) else MIN_SENTENCE)
                    and not swapped(x.names, y.names) and (aside or same_facts(x, y))):
                return Relation("shared", score)
    return Relation("", best)


_ASIDE = lazy_re(r"\([^()]{1,30}\)")  # `補強工事(総額およそ4億円)を` (NFKC: `（）` → `()`)


def _same_but_aside(a: Sentence, b: Sentence) -> bool:
    """True when two sentences are the same but for an aside in brackets in one or both
    (`村は、斜面の補強工事を進めていました` / `…補強工事（総額およそ4億円）を…`): a shared sentence,
    `MIN_SAME_SENTENCE` characters or more."""
    if "(" not in a.folded and "(" not in b.folded:
        return False
    na, nb = normalise(_ASIDE.sub("", a.folded)), normalise(_ASIDE.sub("", b.folded))
    return na == nb and len(na) >= MIN_SAME_SENTENCE


def _same_but_kana(a: Sentence, b: Sentence) -> bool:
    """True when two sentences differ only in hiragana (`…この2年で3回目です` / `…3回目と
    なります`; digits masked), neither negated: a shared sentence from `MIN_SAME_SENTENCE`
    characters, like one found verbatim, when it states the same facts."""
    return (loose(a.masked) == loose(b.masked)
            and not any(n in a.masked or n in b.masked for n in _NEGATED))


_NEGATED = ("ない", "ません", "なかっ", "ず")


def lead_after_shared(sa: list[Sentence], sb: list[Sentence], shared: float = 0.75,
                      lead: float = 0.45) -> float | None:
    """The similarity of the leads when one clip opens with a sentence both share (background
    moved ahead) and the sentences neither shares, compared as `relate_sentences` compares
    clips, are a lead updated; else None."""
    def own(xs: list[Sentence], ys: list[Sentence]) -> list[Sentence]:
        return [x for x in xs if all(_similar(x, y, shared, shared) < shared for y in ys)]

    ra, rb = own(sa, sb), own(sb, sa)
    if not ra or not rb or (ra[0] is sa[0] and rb[0] is sb[0]):
        return None  # nothing of their own, or their leads were compared already
    rel = relate_sentences(ra, rb, fuzz.ratio(ra[0].masked, rb[0].masked) / 100, shared, lead)
    return rel.similarity if rel.kind == "lead" else None


def may_extend(sa: list[Sentence], sb: list[Sentence], shared: float = 0.75) -> bool:
    """False when `relate_sentences` with leads left out (`lead` above 1) cannot call one
    clip an extension of the other: a sentence of the clip with fewer sentences is found
    nowhere in the other (similarity below `shared`, and not `_short_found`), which both of
    its "extended" rules need (keep in step with `_covered`). Stops at the first such
    sentence."""
    if not sa or not sb:
        return False
    short, long = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    # Loops rather than all(any(...)): this runs for most candidate pairs weeks apart.
    for x in short:
        for y in long:
            if _similar(x, y, shared, shared) >= shared or _short_found(x, y):
                break
        else:
            return False
    return True


def _similar(a: Sentence, b: Sentence, floor: float, shared: float) -> float:
    """`similarity`, raised to `shared` when the shorter sentence (`MIN_SENTENCE` or more) is
    found almost verbatim in the longer one, which adds a clause or a headline
    (`…鮮明になっています` / `…鮮明になっていて、中央銀行が…`), or is lightly reworded: it
    aligns at `REWORDED_RATIO` with `REWORDED_OVERLAP` of content in common (`…建造された古い船で、
    去年も…` / `…造られた古い船で、昨年も…`; each synonym takes several bigrams out of the
    overlap, not much out of the alignment)."""
    ba, bb = a.bigrams, b.bigrams
    if not ba or not bb:
        return 0.0
    inter = len(ba & bb)
    overlap = inter / (len(ba) + len(bb) - inter)
    if (1 + overlap) / 2 < floor:
        # Below the floor, too little overlap to be reworded or reordered, too few bigrams in
        # common to be contained, no aside: 0.0, which the rules below would also give.
        if (overlap < _RAISED_OVERLAP and inter < CONTAINED_BIGRAMS * min(len(ba), len(bb))
                and "(" not in a.folded and "(" not in b.folded):
            return 0.0
        score = 0.0
    else:
        score = (fuzz.ratio(a.masked, b.masked) / 100 + overlap) / 2
    if score < shared and _same_but_aside(a, b):
        return shared  # the same sentence, an aside in brackets added
    if (score < shared and overlap >= REWORDED_OVERLAP
            and (a.masked[:2] == b.masked[:2] or _topic_shortened(a, b) or _named_again(a, b))
            and _reworded(a, b, score, overlap)):
        return shared  # lightly reworded: aligns closely, a few words put for others
    if score < shared and overlap >= REORDERED_OVERLAP and _reordered(a, b):
        return shared  # the same words, clauses in another order
    # Containment needs most of the shorter sentence's bigrams in the longer one: checked
    # before aligning, as few candidate pairs pass.
    if score >= shared or inter < CONTAINED_BIGRAMS * min(len(ba), len(bb)):
        return score
    if _glued(a, b):
        return shared
    short, long = sorted((a.masked, b.masked), key=len)
    if len(short) < MIN_SENTENCE or len(short) < 0.5 * len(long):
        return score
    return shared if fuzz.partial_ratio(short, long) >= SENTENCE_CONTAINED * 100 else score


def _reordered(a: Sentence, b: Sentence) -> bool:
    """True when two sentences (20 characters or more, `REORDERED_BIGRAMS` content bigrams or
    more each) share their content words (`REORDERED_OVERLAP` of their bigrams) and state the
    same numbers: one sentence with its clauses in another order (`国内で増え続けている…被害は、
    …去年1年間に150件余り確認されました` / `…去年1年間に確認された…被害は150件余りで、国内で増え
    続けています`)."""
    return (min(len(a.masked), len(b.masked)) >= MIN_SENTENCE
            and min(len(a.bigrams), len(b.bigrams)) >= REORDERED_BIGRAMS
            and sorted(numbers(a.folded)) == sorted(numbers(b.folded)))


def _reworded(a: Sentence, b: Sentence, score: float, overlap: float) -> bool:
    """True when `a` and `b` (20 characters or more) align at `REWORDED_RATIO`, open with the
    same words or topic (`県は…` / `町は…`, `空港の運営会社は` / `港の管理事務所は` are other
    actors saying the like) and state the same numbers. Cheapest tests first: most pairs fail
    on length or alignment."""
    la, lb = len(a.masked), len(b.masked)
    if min(la, lb) < MIN_SENTENCE or 2 * min(la, lb) < REWORDED_RATIO * (la + lb):
        return False  # too short, or lengths too far apart to align at REWORDED_RATIO
    if score and 2 * score - overlap < REWORDED_RATIO - 1e-9:
        return False  # the alignment, known from the score, is below
    if a.masked[:OPENING] != b.masked[:OPENING] and not _topic_shortened(a, b) \
            and not _named_again(a, b):
        ta, tb = TOPIC.match(a.masked), TOPIC.match(b.masked)  # on the masked text: cheaper
        if not (ta and tb and ta.group(1) == tb.group(1)):
            return False
    # The same facts (a template sentence filled with other figures is no rewording).
    if numbers(a.folded) != numbers(b.folded):
        return False
    return fuzz.ratio(a.masked, b.masked) / 100 >= REWORDED_RATIO


# A sentence opening with a word standing for what was named before (`同国では`, `同社は`).
_ANAPHORA = lazy_re(r"同[国社市町村県省党庁行]+(では|は|で|が|の)")
_OPENING_NAME = lazy_re(r"[\u4e00-\u9fff\u30a1-\u30faー]{2,12}?(では|は|で|が|の)")


def _named_again(a: Sentence, b: Sentence) -> bool:
    """True when one sentence opens with `同国では` (`同社は`...) and the other with a name and
    the same particle (`エスタリカでは`): one thing, named once in full."""
    for x, y in ((a, b), (b, a)):
        ana = _ANAPHORA.match(x.masked)
        if ana and (name := _OPENING_NAME.match(y.masked)) and name.group(1) == ana.group(1):
            return True
    return False


def _topic_shortened(a: Sentence, b: Sentence) -> bool:
    """True when both sentences open with a topic and one is the other's name shortened
    (`中央銀行は` / `ラトヴァ中央銀行は`: the same bank named again)."""
    ta, tb = TOPIC.match(a.masked), TOPIC.match(b.masked)
    if not (ta and tb):
        return False
    short, long = sorted((ta.group(1), tb.group(1)), key=len)
    return len(short) >= 2 and short != long and long.endswith(short)


def _covered(sa: list[Sentence], sb: list[Sentence], matrix: list[list[float]],
             shared: float) -> bool:
    """True when every sentence of the clip with fewer (of both, when as many) is found in
    the other (similarity `shared` or more, nothing swapped, or a short one at the start of
    the other: `_short_found`): neither has content of its own, so the sentences were
    reordered or updated, not reused in another paragraph."""
    def found(rows: list[list[float]], xs: list[Sentence], ys: list[Sentence]) -> bool:
        return all(any((score >= shared and not swapped(xs[i].names, ys[j].names)
                        and not other_slots(xs[i], ys[j])
                        # `上流の集落では3人` / `下流の…5人`: another place counted
                        and not (numbers(xs[i].folded) != numbers(ys[j].folded)
                                 and other_subject(xs[i].masked, ys[j].masked)))
                       or _short_found(xs[i], ys[j])
                       for j, score in enumerate(row))
                   for i, row in enumerate(rows))

    cols = _transpose(matrix)
    if len(sa) == len(sb):
        return found(matrix, sa, sb) and found(cols, sb, sa)
    return found(matrix, sa, sb) if len(sa) < len(sb) else found(cols, sb, sa)


def _short_found(a: Sentence, b: Sentence) -> bool:
    """True when the shorter of two sentences, a short one (`利上げは3会合ぶりです`), is found
    almost verbatim at the start of the other, which goes on (`利上げは3会合ぶりで、物価の…`)."""
    short, long = sorted((a.masked, b.masked), key=len)
    return (SHORT_FOUND <= len(short) < MIN_SENTENCE and len(long) > len(short)
            and short[:SHORT_FOUND] == long[:SHORT_FOUND]
            and fuzz.partial_ratio(short, long) >= 90)


def _glued(a: Sentence, b: Sentence) -> bool:
    """True when the shorter sentence (`MIN_SENTENCE` or more) ends the longer one, glued after
    a tweet's headline with no sentence end (`…住宅12棟被害 3人けが 西浦市では去年6月にも…`),
    its numbers and days among the longer one's."""
    x, y = sorted((a, b), key=lambda s: len(s.masked))
    return (len(x.masked) >= MIN_SENTENCE and len(y.masked) > len(x.masked)
            and y.masked.endswith(x.masked) and set(numbers(x.folded)) <= set(numbers(y.folded))
            and days(x.folded) <= days(y.folded))


def _transpose(matrix: list[list[float]]) -> list[list[float]]:
    return [list(col) for col in zip(*matrix, strict=True)]

