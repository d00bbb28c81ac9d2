"""Duplicates, versions and shared background among clips.

Two clips are compared on their normalised text (NFKC, case-folded, without spacing,
punctuation, links or sign-offs; `textnorm`) and on that text with digit runs masked. Clips
with too little content (a separator, a bare link, a sign-off) are never related.

* **duplicate**: the same text, or wording near-identical (`ratio` ≥ `duplicate`) with the
  same numbers;
* **version**: the same passage with figures changed (masked texts equal), with wording changed
  (mean of `ratio` and content overlap ≥ `version`, no place name swapped), extended or
  shortened (one contained in the other, or a one-sentence lead rewritten with a sentence
  added), from one article (`ratio` ≥ `same_article`), or a lead updated by a later report (its
  first sentence rewritten with a date or figures changed, within `update_days`; `passages`);
* **background**: a sentence or more reused (verbatim or lightly reworded) inside two paragraphs
  that each have content of their own (`passages`), or two long paragraphs saying the same in
  other words (content overlap ≥ `reworded_background`) with no sign of different facts.

Running counts (`6件目`, `（13日の動き）`, `3会合連続`) differing make clips unrelated. `ratio` is
RapidFuzz's normalised Indel similarity of the masked texts. Candidates come from
`lsh.DuplicateIndex`, so finding groups scales to large journals. Pure; never raises.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from kirinuki.analysis.english import english_update
from kirinuki.analysis.followups import follows_up
from kirinuki.analysis.headlines import headline_of_lead, headline_updated, live_blog_updated
from kirinuki.analysis.occasions import (
    earlier_time_too,
    opposite_moves,
    other_currency,
    other_day_close,
    other_day_count,
    other_day_event,
    other_day_reading,
    other_day_report,
    other_month_day,
    other_numbered,
    other_period,
    other_round,
    successive_changes,
)
from kirinuki.analysis.others import (
    other_directions,
    other_sections,
    other_thing_counted,
    same_frame_other_facts,
)
from kirinuki.analysis.passages import lead_after_shared, may_extend, relate_sentences
from kirinuki.analysis.plans import told_ahead_then_done
from kirinuki.analysis.prepared import Prepared as Prepared
from kirinuki.analysis.prepared import prepare as prepare
from kirinuki.analysis.retold import (
    call_raised,
    corrected,
    figures_added,
    quote_reported,
    retold_within,
    same_lead_retold,
)
from kirinuki.analysis.sentences import (
    content_swapped,
    other_subject,
    serial_differs,
    swapped,
    word_put_for_another,
)
from kirinuki.analysis.textnorm import (
    MIN_SUBSTANCE,
)
from kirinuki.text.lazyre import lazy_re

DUPLICATE, VERSION, BACKGROUND = "duplicate", "version", "background"
LEAD_UPDATED = "lead updated (date or figures changed)"
# Each pattern opens with a lookahead of the characters a match can start with: the engine
# then skips the other positions at once (several times faster, the same matches).
_CJK = lazy_re(r"[\u3041-\u30ff\u4e00-\u9fff]{8}")  # Japanese text: bigram overlap means something
NEAR_IDENTICAL = 0.90  # alignment from which a word put for another is the only news
OTHER_THING = 0.75  # alignment from which one subject put for another is all that changed


@dataclass(frozen=True)
class Thresholds:
    """Similarity thresholds (0..1); the defaults are tuned on tests/analysis/data/pairs.jsonl."""

    duplicate: float = 0.97
    version: float = 0.77  # mean of ratio and overlap, when the numbers changed
    reworded: float = 0.85  # the same, when the numbers did not change
    same_article: float = 0.60
    contained: float = 0.95
    background: float = 0.75  # similarity of a sentence reused in two paragraphs
    lead: float = 0.45  # similarity of a first sentence rewritten by an update
    comparable: float = 0.12  # content overlap below which sentences are not compared
    reworded_background: float = 0.50  # content overlap of long paragraphs saying the same
    long: int = 40  # characters (normalised) from which a paragraph is long
    quote: float = 0.60  # content overlap below which two quotes are different statements
    update_days: float = 7.0  # an updated lead is clipped within this many days of the first
    candidate: float = 0.25  # MinHash estimate below which a candidate is not verified


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Match:
    """How two clips relate: kind, similarity (0..1) and the reason in words."""

    kind: str
    similarity: float
    reason: str


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


CONTAINED_OVERLAP = 0.40  # content overlap from which a passage may be contained in another
REORDERED_SAME = 0.9  # content overlap of the same words reordered (aligning below REORDERED_RATIO)
REORDERED_RATIO = 0.7


def containable(la: int, lb: int) -> bool:
    """Whether masked texts of these lengths may be one passage contained in the other
    (`_contained`): the shorter 40 characters or more, 0.4-0.9 times the longer (of similar
    lengths, containment is what the ratio already measured)."""
    short, long = min(la, lb), max(la, lb)
    return not (short < 0.4 * long or short > 0.9 * long or short < 40)


def _contained(a: Prepared, b: Prepared, t: Thresholds) -> bool:
    if not containable(len(a.masked), len(b.masked)):
        return False
    short, long = sorted((a.masked, b.masked), key=len)
    return fuzz.partial_ratio(short, long) >= t.contained * 100


def compare(a: Prepared, b: Prepared, *, same_article: bool = False,
            t: Thresholds = DEFAULT_THRESHOLDS, lead: bool = True,
            versions_only: bool = False) -> Match | None:
    """What `b` is to `a` (duplicate, version, background), or None when unrelated;
    `versions_only`: the same match when it is a version, None otherwise (cheaper: a pair
    that cannot be a version is let go early)."""
    m = _compare(a, b, same_article, t, lead, versions_only)
    # Checked for versions only (few pairs): a figure's next change (`120億円から85億円に` /
    # `85億円から40億円に`), another day's count (`5日、…310便が欠航` / `6日、…160便`), a move
    # the other way (`…値下がり` / `…値上がり`), another unit of a series (`2号機` / `3号機`).
    if m and m.kind == VERSION and (successive_changes(a, b) or other_day_count(a, b)
                                    or opposite_moves(a, b) or other_round(a, b)
                                    or other_month_day(a, b) or earlier_time_too(a, b)
                                    or other_numbered(a, b) or other_currency(a, b) or other_day_reading(a, b)
                                    or other_directions(a.norm, b.norm)):
        return None
    return m


def _compare(a: Prepared, b: Prepared, same_article: bool, t: Thresholds, lead: bool,
             versions_only: bool) -> Match | None:
    """`compare` but for the occasions checked on versions only.

    Versions are scored by the mean of the alignment ratio and the content overlap: template
    paragraphs about different events align well but share little content, reworded
    background shares content but aligns poorly. Clips with too little content (a bare URL,
    a separator line, a tweet's sign-off, an archive month) are never related.
    """
    if a.substance < MIN_SUBSTANCE or b.substance < MIN_SUBSTANCE:
        return None
    if a.norm == b.norm:
        if versions_only:
            return None
        if a.text == b.text:
            return Match(DUPLICATE, 1.0, "same text")
        return Match(DUPLICATE, 1.0, "same text (spacing, punctuation, width or links differ)")
    if serial_differs(a.serials, b.serials):
        return None  # `6件目` / `8件目`, `（13日の動き）` / `（14日の動き）`: another occurrence
    if other_period(a, b):
        return None  # another month's statistic, another year's budget
    if other_day_close(a, b):
        # Two days' closing figures (`一日の出来高は…`), not one day's updated; a sentence both
        # repeat (`市場では、…という見方が広がっています`) is background still.
        return None if versions_only else _shared_only(a, b, t)
    if other_day_event(a, b):
        return None  # `6日午後2時すぎ、…地震があり` / `8日午前5時すぎ、…`: another event
    if a.masked == b.masked:
        if other_day_report(a, b):
            return None  # `9日の東京株式市場…` / `10日の…`: another day's report, not updated
        return Match(VERSION, fuzz.ratio(a.norm, b.norm) / 100, "figures changed")
    ratio = fuzz.ratio(a.masked, b.masked) / 100
    if ratio >= NEAR_IDENTICAL and a.numbers == b.numbers and content_swapped(a.masked, b.masked):
        return None  # `東部の沿岸では` / `西部の沿岸では`, the rest the same: another place or fact
    # (A word put for another with the figures, `上流の集落では3人` / `下流の…5人`, is another
    # place counted: the sentences decide below.)
    if ratio >= OTHER_THING and a.numbers != b.numbers and other_thing_counted(a.masked, b.masked):
        return None  # `営業利益が…412億円` / `売り上げが…8640億円`: another measure told alike
    if ratio >= t.duplicate and not (a.numbers != b.numbers and other_subject(a.masked, b.masked)):
        if a.numbers != b.numbers:
            return None if other_day_report(a, b) else Match(VERSION, ratio, "figures changed")
        return None if versions_only else Match(DUPLICATE, ratio, "near-identical wording")
    if versions_only and not lead and ratio < _aligned(t) and not headline_updated(a, b) \
            and not may_extend(a.sentences, b.sentences, t.background):
        # Weeks apart and aligned this poorly, only a headline or the sentence rules could make
        # a version (see `_aligned`); both are cheaper and rarer than the overlap.
        return None
    overlap = _jaccard(a.bigrams, b.bigrams)
    score = (ratio + overlap) / 2
    if (score >= t.version and (score >= t.reworded or a.numbers != b.numbers)
            and not swapped(a.places, b.places) and not other_day_report(a, b)
            and not (a.numbers != b.numbers and (word_put_for_another(a.masked, b.masked)
                                                 or other_subject(a.masked, b.masked)))):
        changed = a.numbers != b.numbers
        return Match(VERSION, score, "figures and wording changed" if changed
                     else "wording changed")
    if headline_updated(a, b) or live_blog_updated(a, b):
        return Match(VERSION, ratio, "headline updated")
    if lead and headline_of_lead(a, b):
        return Match(VERSION, ratio, "headline told in a report, count updated")
    if lead and _english_hint(a.norm, b.norm) and english_update(a.text, b.text):
        return Match(VERSION, ratio, LEAD_UPDATED)  # `UPDATE: Belsta's rail strike …`
    if (lead and overlap >= REORDERED_SAME and ratio < REORDERED_RATIO and a.numbers != b.numbers
            and not (a.days or b.days) and max(len(a.sentences), len(b.sentences)) >= 2
            and not swapped(a.places, b.places)):
        # The same words in sentences reordered or merged, a figure changed (`救助隊はおよそ200人の
        # 態勢で、…。作業は…続けられました` / `作業は…続けられ、救助隊は態勢をおよそ350人に増やして…`).
        return Match(VERSION, overlap, "figures and wording changed")
    if same_article and ratio >= t.same_article:
        return Match(VERSION, ratio, "same article, wording changed")
    if overlap >= CONTAINED_OVERLAP and _contained(a, b, t):
        return Match(VERSION, ratio, "passage extended or shortened")
    if overlap < t.comparable:
        return None
    if versions_only and not (lead or may_extend(a.sentences, b.sentences, t.background)):
        return None  # weeks apart, only an extended passage is a version
    # Another day's report told the same way is no update of its lead.
    rel = relate_sentences(a.sentences, b.sentences, ratio, t.background,
                           t.lead if lead and not other_day_report(a, b) else 2.0)
    if rel.kind in ("extended", "lead", "updated") and _other_quotes(a, b, t):
        return None  # one speaker's two statements, not one updated
    if rel.kind == "extended":
        return Match(VERSION, rel.similarity, "passage extended or shortened")
    if rel.kind == "lead":
        return Match(VERSION, rel.similarity, LEAD_UPDATED)
    if rel.kind == "updated":
        return Match(VERSION, rel.similarity, "a sentence updated (figures changed)")
    if versions_only and not lead:
        return None
    if lead and rel.kind != "shared" and follows_up(a, b):
        # `…21日…滑走路をはみ出しました。乗客のうち3人が…` / `国土交通省は22日、…滑走路をはみ出した
        # 事故で、けがをした乗客は7人になった`: that event's report updated.
        return Match(VERSION, overlap, LEAD_UPDATED)
    if lead and same_lead_retold(a, b):
        return Match(VERSION, overlap, "one report retold (same subject, day and figures)")
    reworded = (overlap >= t.reworded_background and min(len(a.masked), len(b.masked)) >= t.long
                and bool(_CJK.search(a.masked)) and bool(_CJK.search(b.masked))
                and not _different_facts(a, b, t))
    added = reworded and rel.kind != "shared" and figures_added(a, b)
    if added and lead:
        # Background states the same numbers: one report retold with counts added
        # (`…欠航や遅れが出ている` / `…42便が欠航し、およそ6800人に影響`) is that report updated.
        return Match(VERSION, overlap, "reworded, figures added")
    if lead and reworded and rel.kind != "shared" and told_ahead_then_done(a.sentences, b.sentences):
        # One says it will happen (`…対戦します`, `…ストライキに入ると発表した`), the other that it
        # happened, in other words: the report of it, not background.
        return Match(VERSION, overlap, LEAD_UPDATED)
    if lead and rel.kind == "shared":
        if len(a.sentences) == 1 == len(b.sentences) and told_ahead_then_done(a.sentences, b.sentences):
            # The whole clip is the sentence both have, one telling it ahead (`…5日から…禁止すると
            # 発表`), the other done (`5日、…禁止する措置を始めました`): that news reported.
            return Match(VERSION, rel.similarity, LEAD_UPDATED)
        if len(a.sentences) == 1 == len(b.sentences) and call_raised(a.norm, b.norm):
            # The whole clip is the sentence both have, its call raised (`暴風警報` /
            # `暴風特別警報`): that sentence updated.
            return Match(VERSION, rel.similarity, "a call raised")
        if retold_within(a, b):
            # Every word and number of one paragraph of sentences is in the other, reordered:
            # nothing of its own, so the other is it extended, not a paragraph sharing background.
            return Match(VERSION, rel.similarity, "passage extended, sentences reordered")
        if corrected(a.text) != corrected(b.text):
            # `…低下した。（訂正：「上昇した」とあったのは…の誤りでした）`: the paragraph corrected.
            return Match(VERSION, rel.similarity, "corrected")
        if (moved := lead_after_shared(a.sentences, b.sentences, t.background, t.lead)) is not None:
            # `…3万人分が流出したおそれ。会社は警察に…` / `会社は警察に…。…5万8000人分に増えました`:
            # the background kept, moved ahead, and the lead updated after it.
            return Match(VERSION, moved, LEAD_UPDATED)
    if versions_only:
        return None
    if (rel.kind == "shared" and len(a.sentences) == 1 == len(b.sentences)
            and ((a.numbers == b.numbers and word_put_for_another(a.masked, b.masked))
                 or same_frame_other_facts(a.masked, b.masked))):
        # One sentence each, one word put for another, the same numbers kept
        # (`消費者物価指数は…2.1%上昇` / `鉱工業生産指数は…`), or the same opening with other
        # news after it (`検察は…取り調べを始める方針` / `…資産を凍結する方針`): other facts.
        return None
    if rel.kind == "shared":
        return Match(BACKGROUND, rel.similarity, "shared background (a sentence reused)")
    if lead and reworded and quote_reported(a, b):
        return Match(VERSION, overlap, "a quote reported, with more")
    if lead and reworded and not added and _later_day_added(a, b):
        # `…14日未明、…占拠し、政権の掌握を宣言した` / `…宣言しましたが、政府は15日、…失敗に
        # 終わったと発表しました`: the report retold with what happened on a later day.
        return Match(VERSION, overlap, LEAD_UPDATED)
    if reworded and not added and not (len(a.sentences) == 1 == len(b.sentences)
                                       and same_frame_other_facts(a.masked, b.masked)):
        return Match(BACKGROUND, overlap, "shared background, reworded")
    return None


def _later_day_added(a: Prepared, b: Prepared) -> bool:
    """True when both clips are dated, one names every day of the other and a later one too."""
    if not a.days or not b.days or a.days == b.days:
        return False
    few, many = (a.days, b.days) if len(a.days) < len(b.days) else (b.days, a.days)
    if not few < many:
        return False
    return max(int(d[:-1]) for d in many - few) > max(int(d[:-1]) for d in few)


def _shared_only(a: Prepared, b: Prepared, t: Thresholds) -> Match | None:
    """Background when the clips share a sentence (no lead compared), else None."""
    ratio = fuzz.ratio(a.masked, b.masked) / 100
    rel = relate_sentences(a.sentences, b.sentences, ratio, t.background, 2.0)
    return Match(BACKGROUND, rel.similarity, "shared background (a sentence reused)") \
        if rel.kind == "shared" else None


def _english_hint(a: str, b: str) -> bool:
    """True when a normalised text holds a word an English update opens with or says (cheap
    test before `english_update`)."""
    return (a[:1].isascii() and b[:1].isascii()
            and any(w in a or w in b for w in ("update", "now", "latest", "to", "will")))


def _aligned(t: Thresholds) -> float:
    """The alignment ratio below which no version rule of `compare` before the sentence
    rules but the headline one can hold: the mean with the overlap (at most 1) must reach `version`, one article's
    clips `same_article`, and a passage contained (`partial_ratio` >= `contained` in one at
    most 2.5 times as long) aligns at 2c / ((2 - c) * 3.5) at least (0.517 for 0.95)."""
    # Kept by identity: hashing the thresholds (13 fields) for each pair cost more than this.
    known = _ALIGNED.get(id(t))
    if known is None or known[0] is not t:
        if len(_ALIGNED) > 8:
            _ALIGNED.clear()
        c = t.contained
        known = _ALIGNED[id(t)] = (
            t, min(2 * t.version - 1, t.same_article, 2 * c / ((2 - c) * 3.5)) - 0.01)
    return known[1]


_ALIGNED: dict[int, tuple[Thresholds, float]] = {}


def _different_facts(a: Prepared, b: Prepared, t: Thresholds) -> bool:
    """True when two similar-looking clips report different things: different quotes,
    different figures for one counter, events on different days, or one name put for
    another (`カザフスタン` for `ベラルーシ`: the same template about another place)."""
    # Cheapest checks first: this runs for every candidate that looks like background.
    if a.names - b.names and b.names - a.names:
        return True
    if _opening_place_swapped(a, b):
        return True  # `緋沼市交通局は…` / `槙原市交通局も…`: another city's like decision
    if a.days and b.days and not a.days & b.days:
        return True
    if a.numbers and b.numbers and not set(a.numbers) & set(b.numbers):
        return True  # `噴火警戒レベル3は…` / `レベル4は…`: no number in common
    if other_sections(a.norm, b.norm):
        return True  # `上り線の…と…の間で通行止め` / `下り線の…と…の間で渋滞`
    counters = {c for c, _ in a.figures} & {c for c, _ in b.figures}
    for c in counters:
        va, vb = {v for c2, v in a.figures if c2 == c}, {v for c2, v in b.figures if c2 == c}
        # No value in common, or each a value the other lacks (`0.25%引き下げて3.5%に` /
        # `0.25%引き下げて3.75%に`: another decision told alike).
        if not va & vb or (va - vb and vb - va):
            return True
    return _other_quotes(a, b, t)


# A city, town or prefecture opening a clip as what it is about (`緋沼市交通局は`, `北原市は`).
_OPENING_PLACE = lazy_re(r"^([\u4e00-\u9fff]{1,4}[市町村県州区])(?=[\u4e00-\u9fff]{0,8}[はもが])")


def _opening_place_swapped(a: Prepared, b: Prepared) -> bool:
    """True when both clips open with a city, town or prefecture as their subject (`緋沼市交通局
    は` / `槙原市交通局も`) and the two differ: two places' like news."""
    pa, pb = _OPENING_PLACE.match(a.norm), _OPENING_PLACE.match(b.norm)
    return bool(pa and pb and pa.group(1) != pb.group(1))


def _other_quotes(a: Prepared, b: Prepared, t: Thresholds) -> bool:
    """True when both clips quote someone and the quotes differ."""
    return bool(a.quoted and b.quoted and _jaccard(a.quoted, b.quoted) < t.quote)
