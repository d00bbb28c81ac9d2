"""Counts of two sentences compared: one thing counted again with another value (a count
updated, also with a word left out on one side, or as a level reached), or other things counted
(other facts). `updates`, `passages`, `plans` and `occasions` read them. Pure."""

from __future__ import annotations

from kirinuki.analysis.figures import PREDICATE_KEYWORDS
from kirinuki.analysis.sentences import Sentence
from kirinuki.text.lazyre import lazy_re


def other_slots(a: Sentence, b: Sentence) -> bool:
    """True when both sentences count something and nothing in common (`4300人が死亡` /
    `6900人が救助`, `860棟` / `2人`): other facts, not one figure updated."""
    if a.predicates and b.predicates and not a.predicates & b.predicates:
        return True
    ca, cb = {c[1] for c in a.counts}, {c[1] for c in b.counts}
    if ca and cb and not ca & cb:
        return True
    # One predicate and counter, other people counted (`デモの参加者120人を拘束` / `男5人を
    # 逮捕`): another fact.
    # (`死者`, `けが人` name the count itself, not the people counted; `拘束された人は300人` /
    # `拘束された記者は12人`: people, then some of them.)
    def people(s: Sentence) -> dict[tuple[str, str], set[str]]:
        out: dict[tuple[str, str], set[str]] = {}
        for c in s.counts:
            if c[0] and c[3] and c[0] not in (
                    PREDICATE_KEYWORDS.get(c[3]), PREDICATE_KEYWORDS.get(c[3][:-1])):
                out.setdefault(c[:2], set()).add(c[3])
        return out

    pa, pb = people(a), people(b)
    return any(not pa[k] & pb[k] for k in pa.keys() & pb.keys())


def count_updated(a: Sentence, b: Sentence) -> bool:
    """True when both count one thing (predicate, counter and the noun counted) with another
    value (`警備員2人がけが` / `けがをした警備員は4人`)."""
    return any(x[0] and x[3] and x[:2] == y[:2] and x[3] == y[3] and x[2] != y[2]
               for x in a.counts for y in b.counts)


def count_changed(a: Sentence, b: Sentence) -> bool:
    """True when both count one thing with other values only, told with what it counts on one
    side at least and nothing else on the other (`14世帯31人が身を寄せています` / `避難所には…
    9世帯18人が`: the noun `世帯` on both, the predicate on one; `およそ300人が…避難しています` /
    `避難した観光客などがおよそ480人`): `count_updated` where one sentence leaves a word out."""
    for x in a.counts:
        for y in b.counts:
            if (x[1] == y[1] and x[2] != y[2] and (x[0] or y[0] or x[3] or y[3])
                    and (not x[0] or not y[0] or x[0] == y[0])
                    and (not x[3] or not y[3] or x[3] == y[3])
                    and ((x[0] and x[0] == y[0]) or (x[3] and x[3] == y[3]))
                    and not {c[2] for c in a.counts if c[1] == x[1]}
                    & {c[2] for c in b.counts if c[1] == x[1]}):
                return True
    return False


# A count told as a level reached or a running total (`開票率が98%となり`, `被害額は…8億ドルに上る`,
# `これまでに142便`) or as of a time (`午後9時現在`, `26日の時点で`), not a day's own events.
LEVEL = lazy_re(r"に達|となり|となっ|になり|になっ|に上[るりっ]|にのぼ|に増え|に減|を超え|までに|累計|現在|時点")


def running_count_updated(a: Sentence, b: Sentence) -> bool:
    """True when both count one thing (`count_updated`) and one tells it as a level reached or a
    running total (`LEVEL`): the count updated, also when reported on another day."""
    return count_updated(a, b) and bool(LEVEL.search(a.folded) or LEVEL.search(b.folded))
