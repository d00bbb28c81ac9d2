"""Update rules: when two first sentences are one lead updated by a later report.

A count said to have changed (`…に増え`, `rises to`), a plan reported as done, a state going on
then ended, a statistic revised, a lead rewritten with a date or figures changed
(`lead_updated`), or a sentence found again with one of its counts changed
(`sentence_updated`). `passages.relate_sentences` tries them, cheapest first. Pure.
"""

from __future__ import annotations

from kirinuki.analysis.counts import (
    LEVEL,
    count_changed,
    count_updated,
    other_slots,
    running_count_updated,
)
from kirinuki.analysis.english import count_raised_en, other_places_en
from kirinuki.analysis.figures import PREDICATE_KEYWORDS
from kirinuki.analysis.plans import (
    MONTH,
    PLAN,
    deed_done,
    deed_words,
    for_now_ended,
    opens_alike,
    other_plans,
    other_stage,
    plan_done,
    same_opening,
    state_ended,
)
from kirinuki.analysis.sentences import (
    Sentence,
    aligned_changes,
    content_for_content,
    days,
    is_template,
    numbers,
    other_subject,
    swapped,
)
from kirinuki.text.lazyre import lazy_re


def lead_rewritten_more(a: Sentence, b: Sentence) -> bool:
    """True when first sentences alike at `RAISED_LEAD` only are one lead updated: a count said
    to have changed (also in English), a plan reported done with every word of its deed, or a
    state said to have ended, about one topic with two more words in common."""
    return (_count_raised(a, b) or count_raised_en(a, b) or _running_counts(a, b)
            or _measure_updated(a, b)
            or (plan_done(a, b) and deed_done(a, b)) or for_now_ended(a, b)
            or (state_ended(a, b) and not PLAN.search(a.folded + b.folded)
                and len((deed_words(a) & deed_words(b)) - {a.any_topic}) >= 2))


# A measure as the topic, its value in the same clause (`病床使用率は14日の時点で61.4%`, `油は、
# 26日の時点で…12キロ`, `深さは10キロ`), and what makes it a value at a time or a value changed.
_MEASURE = lazy_re(r"([\u4e00-\u9fff\u30a1-\u30faー]{1,10}さ?)は([^。は]{0,30}?[0-9][0-9.,]*[^0-9。は]{0,12})")
_AS_OF = lazy_re(r"時点|現在|に上が|に下が|に増え|に減|に達|に上昇|に低下|[にと]なります")


def _measure_updated(a: Sentence, b: Sentence) -> bool:
    """True when both sentences give one measure, the topic of each (`病床使用率は`, `油は`: three
    characters or more, or the noun counted), its value in the topic's clause, in one counter
    with no value in common, one as of a time or changed (`14日の時点で61.4%` / `15日に64.8%に
    上がりました`), nothing swapped and no template: the measure updated."""
    # Cheapest tests first: this runs for many candidate pairs, most of which have no counts
    # worked out yet (`counts` reads the figures).
    if not ("は" in a.folded and "は" in b.folded
            and (_AS_OF.search(a.folded) or _AS_OF.search(b.folded))):
        return False
    ma = {m.group(1): m.group(2) for m in _MEASURE.finditer(a.folded)}
    mb = {m.group(1): m.group(2) for m in _MEASURE.finditer(b.folded)}
    if not ma.keys() & mb.keys():
        return False
    if not any(not ({c[2] for c in a.counts if c[1] == k} & {c[2] for c in b.counts if c[1] == k})
               for k in {c[1] for c in a.counts} & {c[1] for c in b.counts}):
        return False  # no counter with other values only
    nouns = {c[3] for c in a.counts} | {c[3] for c in b.counts}
    topics = [t for t in ma.keys() & mb.keys() if (len(t) >= 3 or t in nouns)
              and t not in a.orgs | b.orgs and (_AS_OF.search(ma[t]) or _AS_OF.search(mb[t]))]
    if not topics:
        return False
    return not (swapped(a.names, b.names) or other_subject(a.masked, b.masked)
                or is_template(a, b, dated=False))


def _other_measure(a: Sentence, b: Sentence) -> bool:
    """True when each sentence gives one measure as its topic with its value (`マグニチュードは
    6.8と推定` / `震源の深さは10キロと推定`), the measures differ and so do their counters:
    another measure told alike, not one updated."""
    ma = {m.group(1) for m in _MEASURE.finditer(a.folded)}
    mb = {m.group(1) for m in _MEASURE.finditer(b.folded)}
    if len(ma) != 1 or len(mb) != 1 or ma == mb:
        return False
    return not ({c[1] for c in a.counts} & {c[1] for c in b.counts})


def toll_rewritten(a: Sentence, b: Sentence) -> bool:
    """True when two first sentences, however reworded (`北浦県の発表によりますと、…3人が死亡し、
    20人がけがを` / `…災害対策本部は、…死者が7人に増え、けが人は58人に`), give one running toll of
    two counts or more, every one changed (`_running_counts`)."""
    return _running_counts(a, b)


def _running_counts(a: Sentence, b: Sentence) -> bool:
    """True when two sentences give two counts or more of other predicates (`死亡`, `行方不明`)
    each with other values, one as a running total (`LEVEL`: `これまでに4人が死亡し` / `死者は…
    合わせて9人、行方不明者は8人となっています`), on no other days and with no name swapped: the
    toll updated, however reworded."""
    if not (LEVEL.search(a.folded) or LEVEL.search(b.folded)):
        return False
    da, db = days(a.folded), days(b.folded)
    if (da and db and not da & db) or swapped(a.names, b.names):
        return False
    if other_subject(a.masked, b.masked) or is_template(a, b, dated=False):
        return False  # `台風9号による死者は` / `大雪による死者は`: two events' tolls
    changed = set()
    for p in {c[0] for c in a.counts} & {c[0] for c in b.counts}:
        if not p or p in _CHANGE_PREDICATES:
            continue
        va = {c[1:3] for c in a.counts if c[0] == p}
        vb = {c[1:3] for c in b.counts if c[0] == p}
        if va & vb:
            return False  # a count of the same value: not all updated
        if {c for c, _ in va} & {c for c, _ in vb}:
            changed.add(p)
    return len(changed) >= 2


def count_updated_after(sa: list[Sentence], sb: list[Sentence]) -> bool:
    """True when two clips open with one event retold (first sentences dated the same day, a
    name in common, none swapped, no other subject, no count in either) and their later
    sentences give one count (predicate and counter) other values only (`…橋が崩れ落ち…。…少な
    くとも9人が死亡した` / `【…時事】…橋が崩落し…。…これまでに12人が死亡した。`): the report updated,
    its lead rewritten by another outlet."""
    a, b = sa[0], sb[0]
    if len(sa) < 2 or len(sb) < 2:
        return False
    # Cheapest tests first: the counts read every figure of both clips.
    da = days(a.folded)
    if not da or da != days(b.folded) or not a.names & b.names or swapped(a.names, b.names):
        return False
    if other_subject(a.masked, b.masked) or a.counts or b.counts:
        return False
    ca = {c[:2]: c[2] for s in sa[1:] for c in s.counts if c[0] and c[0] not in _CHANGE_PREDICATES}
    cb = {c[:2]: c[2] for s in sb[1:] for c in s.counts if c[0] and c[0] not in _CHANGE_PREDICATES}
    common = ca.keys() & cb.keys()
    return bool(common) and all(ca[k] != cb[k] for k in common)


# Deeds that are words said, not the event (`…と発表しました`): many reports of one day end so.
_SAYING_DEEDS = frozenset(("発表", "表明", "説明", "強調", "指摘", "主張", "明言", "言及", "報告"))


def same_deed_retold(sa: list[Sentence], sb: list[Sentence]) -> bool:
    """True when two clips open with one deed on one day (first sentences dated the same day,
    ending in the same deed that is no saying: `…弾劾決議案を賛成98、反対41で可決した` / `…弾劾決議案を
    可決した。賛成は98票で…`), a number of each first sentence that has some in the other clip, no
    name swapped: one event told by two outlets."""
    a, b = sa[0], sb[0]
    da = days(a.folded)
    if not da or da != days(b.folded):
        return False
    ea, eb = _DEED_END.search(a.folded), _DEED_END.search(b.folded)
    if not (ea and eb and ea.group(1) == eb.group(1)) or ea.group(1) in _SAYING_DEEDS:
        return False
    in_a = {n for s in sa for n in numbers(s.folded)}
    in_b = {n for s in sb for n in numbers(s.folded)}
    na, nb = set(numbers(a.folded)), set(numbers(b.folded))
    return ((not na or bool(na & in_b)) and (not nb or bool(nb & in_a))
            and bool(a.names & b.names) and not swapped(a.names, b.names)
            and not other_subject(a.masked, b.masked))


def sentence_updated(sa: list[Sentence], sb: list[Sentence], matrix: list[list[float]],
                     shared: float) -> float | None:
    """The similarity of a sentence found again in the other clip with one of its counts
    changed (`…これまでに212人が救助されました` / `…226人が救助され、14人の死亡が…`; the same
    predicate and counter, another value), no word put for another (`上流の集落では3人が死亡` /
    `下流の…5人`: another place counted), no name swapped and no template (`is_template`: other
    days), and either the first sentence of both or with another sentence found again: one
    paragraph updated, even when other sentences were dropped or added. None when there is
    none."""
    found = sum(score >= shared for row in matrix for score in row)
    for i, row in enumerate(matrix):
        for j, score in enumerate(row):
            x, y = sa[i], sb[j]
            if (score >= shared and (found >= 2 or i == j == 0)
                    and numbers(x.folded) != numbers(y.folded)
                    and any(c[0] and c[0] == d[0] and c[1] == d[1] and c[3] == d[3] and c[2] != d[2]
                            for c in x.counts for d in y.counts)
                    and not swapped(x.names, y.names) and not other_slots(x, y)
                    and not any(content_for_content(p, q) for p, q in aligned_changes(x.masked, y.masked))
                    and not other_subject(x.masked, y.masked)
                    and not is_template(x, y)):  # `国防省は13日、…` / `6日、…`: another day's
                return score
    return None


# A count said to have changed (`死者が19人に増え`, `けが人は9人に上り`).
# (`死者が23人となり`: the count has become N.)
_RAISED = lazy_re(r"[0-9]+[万億千]?(?:人分?|棟|世帯|戸|台|便|件|ミリ|センチ|ヘクタール|隻|機|か所|カ所|箇所|路線|回線|匹|頭|羽)"
                  r"(?:に増え|に増加|に上[っりる]|にのぼ[っりる]|に達し|に減っ|に減り|に減少|まで減っ|まで減り|まで減少|となり|となっ"
                  r"|になり|になっ|に広げ|に拡大|に縮小|に及[んびぶ])")


# Damage said to have spread to an extent (`被害が、6つの州のおよそ3万5000ヘクタールに広がった`).
_SPREAD = lazy_re(r"[0-9]+[万億千]?[^0-9。、]{0,6}に広が[っりる]")


def _spread(a: Sentence, b: Sentence) -> bool:
    """True when one sentence says something spread to a figure (`被害が…3万5000ヘクタールに
    広がった`) and the other names what spread (`…2万ヘクタールが被害を受けた`; not `殺虫剤の散布を…
    8000ヘクタールで終えた`: another thing measured)."""
    if "広が" not in a.folded and "広が" not in b.folded:
        return False  # cheap test first
    for x, y in ((a, b), (b, a)):
        m = _SPREAD.search(x.folded)
        if not m:
            continue
        # What spread is the last subject before the figure, not one reporting it on a day
        # (`農業省は4日、…被害が、…に広がった`: `被害`).
        whats = [s.group(1) for s in _SUBJECT.finditer(x.folded, 0, m.start())
                 if not _REPORTER_DAY.match(x.folded, s.end())]
        if whats and whats[-1] in y.folded:
            return True
    return False


# A count said to have changed by N to M (`これまでより5人減って13人になりました`).
_BY_TO = lazy_re(r"[0-9]+[万億千]?(?:人|棟|世帯|戸|台|便|件)(?:増えて|減って|増え、|減り、)[0-9]+[万億千]?"
                 r"(?:人|棟|世帯|戸|台|便|件)")
_KEYWORDS_OF: dict[str, tuple[str, ...]] = {}
for _keyword, _predicate in PREDICATE_KEYWORDS.items():
    _KEYWORDS_OF[_predicate] = (*_KEYWORDS_OF.get(_predicate, ()), _keyword)


def _count_raised(a: Sentence, b: Sentence) -> bool:
    """True when one sentence says a count rose or fell (`死者が19人に増え`) and the other
    gives that count (predicate and counter) another value, about the same place, whoever
    the source (`地元の鉄道当局によりますと…6人が死亡` → `運輸省は21日、死者が19人に増え`)."""
    by_to = _BY_TO.search(a.folded) or _BY_TO.search(b.folded)
    if not (by_to or _RAISED.search(a.folded) or _RAISED.search(b.folded) or _spread(a, b)):
        return False
    if not (a.names & b.names or opens_alike(a, b) or _alike_unnamed(a, b)) or swapped(a.names, b.names):
        return False
    # Other facts or people counted (`死亡` / `救助`), unless one only says a count changed.
    if other_slots(a, b) and not (a.predicates <= _CHANGE_PREDICATES
                                   or b.predicates <= _CHANGE_PREDICATES):
        return False
    if any(x[0] and x[:2] == y[:2] and x[2] != y[2] for x in a.counts for y in b.counts):
        return True
    # One noun counted in one counter (`橋が少なくとも12か所で流され` / `流された橋は14か所に上り`).
    if any(x[3] and x[3] == y[3] and x[1] == y[1] and x[2] != y[2] for x in a.counts for y in b.counts):
        return True
    # An amount with no predicate (`雨の量が300ミリを超え` / `450ミリに達し`): one measure.
    if any(x[1] == y[1] and x[1] in _MEASURES and x[2] != y[2] for x in a.counts for y in b.counts):
        return True
    if by_to and _changed_by(a, b):
        return True
    if len(a.counts) == 1 == len(b.counts):
        # One count each, of nothing named (`観光客ら少なくとも14人が…取り残された` / `…中にいるのは
        # 23人にのぼる`), one said to have risen: that count updated.
        (x,), (y,) = a.counts, b.counts
        if not x[0] and not y[0] and x[1] == y[1] and x[2] != y[2]:
            return True
    # The risen count's predicate is only the change (`停電は…1万2000戸に減っています`): what
    # changed, named before it, must be what the other sentence counts (`3万戸が停電`).
    return any(x[1] == y[1] and x[2] != y[2] and (x[0] or y[0]) and x[0] != y[0]
               and (x[0] in _CHANGE_PREDICATES or y[0] in _CHANGE_PREDICATES)
               and _changed_named_in(a, b) for x in a.counts for y in b.counts)


UNNAMED_ALIKE = 0.5  # content overlap of two sentences naming nothing, about one thing


def _alike_unnamed(a: Sentence, b: Sentence) -> bool:
    """True when neither sentence names anything and they share most content words (a local
    follow-up: `下流の町では、…3800人が…避難しています` / `下流の町で避難を続ける人は、…1200人に減り`)."""
    if a.names or b.names:
        return False
    inter = len(a.bigrams & b.bigrams)
    return inter >= UNNAMED_ALIKE * (len(a.bigrams) + len(b.bigrams) - inter)


def _changed_by(a: Sentence, b: Sentence) -> bool:
    """True when one sentence says a count changed by N to M (`行方が分からなくなっている人は…
    5人減って13人`) and the other gives that count, with its predicate named in the first
    (`18人の行方が分からなくなっています`: `行方が分から` is a word of `行方不明`), another value."""
    for x, y in ((a, b), (b, a)):  # y says the count changed by N to M
        if not _BY_TO.search(y.folded):
            continue
        for cx in x.counts:
            if cx[0] in _CHANGE_PREDICATES or not any(
                    k in y.folded for k in _KEYWORDS_OF.get(cx[0], ())):
                continue
            if any(cy[0] in _CHANGE_PREDICATES and cy[1] == cx[1] and cy[2] != cx[2]
                   for cy in y.counts):
                return True
    return False


_MEASURES = frozenset(("mm", "cm", "ヘクタール"))  # rain, snow, a burnt area: one amount told


# (`避難している人は…140人に減りました`: what changed is `避難`; `避難所に身を寄せている人は…
# 870人に減りました`: `避難所`; `避難を続ける人は`: `避難`.)
_CHANGED = lazy_re(r"([\u4e00-\u9fff\u30a1-\u30faー]{2,})(?:している人|した人|[にを][^。、はが]{1,8}?[るた]人)?"
                   r"[はが][^。]*?"
                   r"(?P<raised>" + _RAISED.pattern + ")")
_RAISED_AT = "raised"


def _changed_named_in(a: Sentence, b: Sentence) -> bool:
    """True when what one sentence says rose or fell (`停電は…減っています`) is named in the
    other."""
    for x, y in ((a, b), (b, a)):
        m = _CHANGED.search(x.folded)
        if not m:
            continue
        # What changed is a subject before the count, not one reporting it on a day
        # (`東岬県は14日、重症の患者が…27人になった` / `…3人が死亡`: `患者`, not `東岬県`).
        whats = {s.group(1) for s in _SUBJECT.finditer(x.folded, m.start(), m.start(_RAISED_AT))
                 if not _REPORTER_DAY.match(x.folded, s.end())} or {m.group(1)}
        for what in whats:
            if what in y.folded or (  # `死者は…19人に増えた` / `6人が死亡した`
                    (p := PREDICATE_KEYWORDS.get(what)) and any(c[0] == p for c in y.counts)):
                return True
    return False


_SUBJECT = lazy_re(r"([\u4e00-\u9fff\u30a1-\u30faー]{2,})(?:している人|した人|[にを][^。、はが]{1,8}?[るた]人)?[はが]")
_REPORTER_DAY = lazy_re(r"[、,]?[0-9]{1,2}日")  # `東岬県は14日、…と発表`: who reports, when


_CHANGE_PREDICATES = frozenset(("増加", "減少", ""))


# Times of a day (`午後1時までに`, `午前の終値`): a later report of the same day names another.
_TIME_OF_DAY = lazy_re(r"(?:午前|午後)?[0-9]+時|午前|午後|正午|夕方|未明|前場|後場|一時、|取り?引き?開始直後")


def later_that_day(a: Sentence, b: Sentence) -> bool:
    """True when two sentences opening alike give one measure (counter and predicate) another
    value at other times of the same day (`午後1時までに…38.2度を観測` / `午後2時すぎに39.6度`,
    `午前の終値は…3万7840円` / `終値は…3万7547円`): the day's figure reported later."""
    ta, tb = set(_TIME_OF_DAY.findall(a.folded)), set(_TIME_OF_DAY.findall(b.folded))
    if ta == tb or not (ta or tb):
        return False
    if not (same_opening(a, b) or _one_share_price(a, b)):
        return False
    if any(x[:2] == y[:2] and x[2] != y[2] for x in a.counts for y in b.counts):
        return True
    # The morning close, then the day's close told in other words (`午前の終値は、…3万7960円でした`
    # / `…3万7744円で取り引きを終えました`): one counter, other values.
    # (The close may come after the day's opening told again: `取引開始直後から売り注文が殺到し、
    # 終値は…`.)
    return any((_MORNING_CLOSE.search(x.folded) and not _DAY_CLOSE.search(x.folded)
                and _DAY_CLOSE.search(y.folded)
                and any(c[1] == d[1] and c[2] != d[2] for c in x.counts for d in y.counts))
               for x, y in ((a, b), (b, a)))


_SHARE_PRICE = lazy_re(r"([\u4e00-\u9fff\u30a1-\u30faー]{2,20})の株価")


def _one_share_price(a: Sentence, b: Sentence) -> bool:
    """True when both sentences tell one company's share price (`星峰スペースの株価は…` / `12日の
    東京株式市場で、星峰スペースの株価は…`), however they open."""
    if "株価" not in a.folded or "株価" not in b.folded:
        return False
    return bool(set(_SHARE_PRICE.findall(a.folded)) & set(_SHARE_PRICE.findall(b.folded)))


# (A move during the day, `一時、…11%下落`, `取引開始直後から…`, then the close, too; not the day
# before's close a move is measured from, `前日の終値より…安い`.)
_MORNING_CLOSE = lazy_re(r"午前の終値|前場|一時、|取り?引き?開始直後")
_DAY_CLOSE = lazy_re(r"取引を終え|取り引きを終え|(?<!午前の)(?<!前日の)(?<!前の日の)終値(?!より|と比べ|に比べ)")


# The deed a sentence ends with (`…逮捕しました`, `…起訴されました`).
_DEED_END = lazy_re(r"([\u4e00-\u9fff]{2,})(?:しました|した|されました|された)(?:ということです)?[。.]?\s*$")


def _other_day_deed(a: Sentence, b: Sentence, da: frozenset[str], db: frozenset[str]) -> bool:
    """True when two sentences dated on other days tell other deeds with no count
    (`14日、…逮捕しました` / `17日、…起訴しました`), or a death toll lower on the later day
    (`8日、…14人が死亡` / `11日、…6人が死亡`): other events, not one lead updated."""
    if not numbers(a.folded) and not numbers(b.folded):
        ea, eb = _DEED_END.search(a.folded), _DEED_END.search(b.folded)
        return bool(ea and eb and ea.group(1) != eb.group(1))
    if len(da) != 1 or len(db) != 1 or "死" not in a.folded or "死" not in b.folded:
        return False  # (cheap tests first: the counts read every figure)
    early, late = (a, b) if int(next(iter(da))) < int(next(iter(db))) else (b, a)
    tolls_early = {c[2] for c in early.counts if c[0] == "死亡"}
    tolls_late = {c[2] for c in late.counts if c[0] == "死亡"}
    return bool(tolls_early and tolls_late) and max(tolls_late) < min(tolls_early)


_COMPASS = frozenset("東西南北")


def _other_place_or_thing(a: Sentence, b: Sentence) -> bool:
    """True when aligning two sentences puts a compass direction for another (`市内の北部` /
    `東部`) or two content words or more for others (`沈没事故の犠牲者` / `地震の被災者`)."""
    words = [(p, q) for p, q in aligned_changes(a.masked, b.masked) if content_for_content(p, q)]
    return len(words) >= 2 or any(set(p) <= _COMPASS and set(q) <= _COMPASS for p, q in words)


def _level_changed(a: Sentence, b: Sentence) -> bool:
    """True when both sentences count one thing with other values (`count_changed`), one as a
    level reached or as of a time (`LEVEL`: `およそ480人に上った`, `15日夜の時点で`), not a
    fixed property (`定員は500人` / `同じ型の…定員は600人`)."""
    return bool(LEVEL.search(a.folded) or LEVEL.search(b.folded)) and count_changed(a, b)


def lead_updated(a: Sentence, b: Sentence) -> bool:
    """True when `b` is `a` updated: about the same named thing (a name in common, none
    swapped), not the same day's other news (both dated the same day), with a date or numbers
    changed."""
    # Cheapest checks first: most candidate pairs fail on dates or numbers.
    da, db = days(a.folded), days(b.folded)
    # One report's paragraphs of one day tell other facts, unless a count of one is updated.
    same_day_update = bool(da) and da == db and (
        count_updated(a, b) or later_that_day(a, b)
        # A count as of a time (`15日朝の時点で…31人` / `15日夜の時点で…18人`), told the other way.
        or _level_changed(a, b))
    if da and da == db and not same_day_update:
        return False
    if da == db:  # neither dated: the numbers must have changed
        na, nb = numbers(a.folded), numbers(b.folded)
        if not (na and nb and na != nb):
            return False
    ma, mb = set(MONTH.findall(a.folded)), set(MONTH.findall(b.folded))
    if ma and mb and not ma & mb:
        return False  # another month's event
    if da and db and not da & db and (_other_day_deed(a, b, da, db) or other_stage(a, b)):
        return False  # (`4日、…から事情を聴き始めた` / `6日、…逮捕しました`: the case's next step)
    if swapped(a.names, b.names) or swapped(a.orgs, b.orgs):
        return False  # about something else: another place, another source
    if a.raw[:1].isascii() and b.raw[:1].isascii() and other_places_en(a.raw, b.raw):
        return False  # `Rescuers in Gardia reach…` / `Rescuers in Terna search…`
    if other_plans(a, b):
        return False
    if not (a.subjects & b.subjects or opens_alike(a, b) or count_updated(a, b)
            or (same_day_update and _one_share_price(a, b))  # one company's price that day
            # One side undated (`…およそ300人が…避難しています` / `10日朝、…480人に上った`) or
            # both the same day; not another actor's count (`検察は…懲役12年を求刑` /
            # `地方裁判所は…懲役10年`); other days' counts are templates (polls, rallies).
            or ((not (da and db) or same_day_update)
                and not (a.topic and b.topic and a.topic != b.topic) and _level_changed(a, b))):
        return False  # nothing in common to be about
    if other_subject(a.masked, b.masked):
        return False  # `南部の州でコレラ…` / `北部の州ではしか…`: a template of another thing
    if not (da or db) and _other_measure(a, b):
        return False
    if (not (da or db) or (da and db and not da & db)) and _other_place_or_thing(a, b):
        # `市内の北部を中心に…断水` / `東部を中心に…`, undated: another place; dated on other
        # days, `デング熱の患者が…首都圏に` / `大雨の被害が…南部の州に`: another event told alike.
        return False
    # A running count on another day (`開票率が50%に達し` / `98%となり`) is no template.
    # (A move during the day, then the close, names the figure otherwise: `値下がり` / `取引を終え`.)
    return not ((other_slots(a, b) and not later_that_day(a, b)) or (not same_day_update and is_template(
        a, b, dated=not running_count_updated(a, b))))

