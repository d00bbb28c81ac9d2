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
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from sys import intern

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from kirinuki.analysis.figures import PREDICATE_KEYWORDS, extract_figures
from kirinuki.analysis.speakers import organisations
from kirinuki.analysis.textnorm import mask_digits, normalise, strip_noise
from kirinuki.text.fastfold import fast_fold

# A line break ends a sentence unless it follows a particle or a comma (a page's line reflowed
# into the clip: `1時間に50ミリ以上の\n非常に激しい雨`).
_SENTENCE_END = re.compile(r"(?<=[。．！？!?])|(?<=\.)(?=\s|$)|(?<![のにをはがでとへも、,])\n")
_CUT = re.compile(r"[「『]|[」』]|" + _SENTENCE_END.pattern)  # brackets, then sentence ends
_BIGRAM = re.compile(r"(?=([^\u3041-\u309f]{2}))")  # every two characters with no hiragana
_DAY = re.compile(r"(?<![0-9])([0-9]{1,2})日(?!間|目|連続)")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_QUOTED = re.compile(r"「([^「」]*)」?")
_WORD = re.compile(r"[\u4e00-\u9fff\u30a1-\u30faー]{2,}")  # a content word (kanji, katakana)
# Names whose swap makes a template about something else: katakana names, and kanji places.
_NAME = re.compile(r"[\u30a1-\u30faー・]{3,}|[\u4e00-\u9fff]{1,4}(?:県|市|町|村|州|郡|区|線)"
                   r"|(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z])")
# Loanwords of news that name nothing in particular (a name in common must be a proper name).
_LOANWORDS_TEXT = """
ポイント パーセント テレビ ニュース システム エネルギー パイプライン ミサイル ガソリン インフレ
テロ ロケット ドローン サイバー インターネット オンライン メディア コメント スーパー ホテル
トラック タンカー コンテナ ワクチン ウイルス データ センター グループ チーム メンバー リーダー
トップ レベル ペース ケース リスク コスト サービス プラン プロジェクト イベント マーケット
スポーツ オリンピック カード メートル キロ センチ グラム リットル トン ドル ユーロ ルーブル
ウォン ポンド バレル ヘクタール ミリ パトカー ヘリコプター ボランティア インタビュー ツイッター
デモ ストライキ ダム トンネル エンジン ブレーキ コンピューター ソフト アプリ スマートフォン
トラブル タブレット ルール プラス マイナス
"""
_LOANWORDS = frozenset(_LOANWORDS_TEXT.split())
# Marks opening a tweet or a headline (`BREAKING:`, `【速報】`): no name, no common opening.
_MARK_WORDS = frozenset(("BREAKING", "UPDATE", "UPDATED", "URGENT", "DEVELOPING", "ALERT", "FLASH",
                         "LIVE", "NEWS"))
_OPENING_MARK = re.compile(r"^(?:breaking|updated?|urgent|developing|alert|flash|justin|速報|更新"
                           r"|続報|詳報|随時更新)+")
# Words ending in `線` that name no railway line (`脱線`, `梅雨前線`, `国際線`).
_NOT_LINES = re.compile(r"(?:脱|路|沿|前|戦|幹|全|車|視|曲|直|電|回|無|光|支|単|複|内|際|外|架|配"
                        r"|断|廃|一|本)線$")
_MONTH = re.compile(r"(?<![0-9])([0-9]{1,2})月")
_PREDICATE_WORD = re.compile("|".join(sorted(map(re.escape, PREDICATE_KEYWORDS), key=len,
                                             reverse=True)))
OPENING = 8  # characters of a common opening (`市立みなと病院は、`): one subject
# Serial markers: a running count or the day of a live blog is another occurrence, not an update.
SERIAL = re.compile(r"[0-9]+(?:件目|例目|回目|度目|人目|番目|日の動き|会合連続|日連続|回連続|期連続"
                    r"|年連続|か月連続|週連続)|第[0-9]+(?:回|次|期)")

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
RAISED_LEAD = 0.30  # similarity of a lead rewritten around a count said to have risen
REWRITTEN_LEAD = 0.70  # an updated lead is rewritten: dated first sentences aligning better are
# one template told of two days


def content_bigrams(masked: str) -> frozenset[str]:
    """Bigrams of `masked` text with no hiragana (particles and endings carry no content)."""
    # Interned: the clips of a journal share most bigrams, so a prepared clip takes half the
    # memory for a little time (docs/analysis.md, Measurements).
    return frozenset(map(intern, _BIGRAM.findall(masked)))


@dataclass(frozen=True)
class Sentence:
    """One sentence of a clip: masked normalised text, its content bigrams, and what
    comparisons need."""

    raw: str
    masked: str
    bigrams: frozenset[str]

    @cached_property
    def folded(self) -> str:
        return fast_fold(self.raw)

    @cached_property
    def names(self) -> frozenset[str]:
        return names_in(self.raw)

    @cached_property
    def quoted(self) -> frozenset[str]:
        """Character bigrams of what it quotes (two people's words are not one sentence)."""
        inner = normalise("".join(_QUOTED.findall(self.folded)))
        return frozenset(inner[i:i + 2] for i in range(len(inner) - 1))

    @cached_property
    def counts(self) -> frozenset[tuple[str, str, float, str]]:
        """(predicate, counter, value, subject) of its figures with a counter."""
        return frozenset((_counted(f.predicate, f.subject), f.counter, float(f.value), f.subject)
                         for f in extract_figures(self.raw) if f.counter)

    @cached_property
    def predicates(self) -> frozenset[str]:
        """What its figures count (`死亡`, `拘束`)."""
        return frozenset(c[0] for c in self.counts if c[0])

    @cached_property
    def topic(self) -> str:
        """What the sentence is about when it opens with one (`首相は…` → `首相`), else ""."""
        m = _TOPIC.match(self.folded)
        return m.group(1) if m else ""

    @cached_property
    def any_topic(self) -> str:
        """The first topic of the sentence, after an opening clause too (`大雪の影響で、
        北陸自動車道は、…` → `北陸自動車道`), else ""."""
        m = _ANY_TOPIC.search(self.folded)
        return m.group(1) if m else ""

    @cached_property
    def subjects(self) -> frozenset[str]:
        """Names, places and organisations it is about."""
        return self.names | self.orgs

    @cached_property
    def orgs(self) -> frozenset[str]:
        return frozenset(organisations(self.folded))


def _counted(predicate: str, subject: str) -> str:
    """What a figure counts: `死者が19人に増え` counts the dead (`死亡`), not an increase."""
    if predicate in ("増加", "減少") and subject:
        m = _PREDICATE_WORD.search(subject)
        if m:
            return PREDICATE_KEYWORDS[m.group()]
    return predicate


def split(text: str) -> list[str]:
    """`text` cut after each sentence end outside quotes (`「…。…」と述べました。` is one)."""
    if "「" not in text and "『" not in text:
        return _SENTENCE_END.split(text)
    parts, start, depth = [], 0, 0
    for m in _CUT.finditer(text):
        ch = m.group()  # a bracket, or "" (the place after a sentence end) or a line break
        if ch and ch in "「『":
            depth += 1
        elif ch and ch in "」』":
            depth = max(0, depth - 1)
        elif depth == 0 and m.end() > start:
            parts.append(text[start:m.end()])
            start = m.end()
    parts.append(text[start:])
    return parts


def sentences(text: str) -> list[Sentence]:
    """The sentences of `text` that hold anything to compare (not decimal points: `M6.9`;
    not the ends of sentences quoted)."""
    parts = split(text)
    return sentences_of(parts, [mask_digits(normalise(part)) for part in parts])


def sentences_of(parts: list[str], masked: list[str],
                 bigrams: list[frozenset[str]] | None = None) -> list[Sentence]:
    """Sentences from the `split` parts of a text and their masked normalised forms (and
    content bigrams, when known); parts too short to compare are left out."""
    return [Sentence(part, m, bigrams[k] if bigrams is not None else content_bigrams(m))
            for k, (part, m) in enumerate(zip(parts, masked, strict=True)) if len(m) >= 4]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def similarity(a: Sentence, b: Sentence, floor: float = 0.0) -> float:
    """Mean of alignment ratio and content overlap of two sentences (0..1); 0.0 without
    aligning them when the overlap alone shows the mean is below `floor`."""
    overlap = _jaccard(a.bigrams, b.bigrams)
    if (1 + overlap) / 2 < floor:
        return 0.0
    return (fuzz.ratio(a.masked, b.masked) / 100 + overlap) / 2


def names_in(text: str) -> frozenset[str]:
    """Katakana names (not common loanwords), kanji places and acronyms named in `text`."""
    return frozenset(n for n in _NAME.findall(unicodedata.normalize("NFKC", text))
                     if n not in _LOANWORDS and n not in _MARK_WORDS and not (n[-1] == "線" and _NOT_LINES.search(n)))


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


def serials(text: str) -> frozenset[str]:
    """The running counts of `text` (`6件目`, `13日の動き`)."""
    return frozenset(SERIAL.findall(text)) if ("目" in text or "連続" in text or "動き" in text
                                               or "第" in text) else frozenset()


def serial_differs(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when both texts carry running counts (`serials`) and they differ (`6件目` /
    `8件目`, `第1回` / `第2回`); a count in one only is a sentence the update added
    (`利下げは2会合連続です`)."""
    return bool(a) and bool(b) and a != b


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
        if lead <= 1.0 and first >= RAISED_LEAD and _lead_rewritten_more(sa[0], sb[0]):
            return Relation("lead", first)
        return Relation("", best)
    long_rows = matrix if len(sa) <= len(sb) else _transpose(matrix)
    if len(sa) != len(sb) and all(max(row) >= CONTAINED for row in long_rows):
        return Relation("extended", best)  # every sentence of one is in the other
    if min(len(sa), len(sb)) > 1 and _covered(sa, sb, matrix, shared):
        return Relation("extended", best)  # the same sentences, reordered or updated
    if (min(len(sa), len(sb)) == 1 and len(sa) != len(sb) and first >= max(REWRITTEN, lead)
            and not _template(sa[0], sb[0]) and not _other_slots(sa[0], sb[0])):
        return Relation("extended", first)  # a one-sentence lead rewritten, a sentence added
    # Paragraphs that align this well, dated, yet are no version: a template about another day.
    template = ratio >= TEMPLATE_RATIO and bool(days(sa[0].folded)) and bool(days(sb[0].folded))
    if first >= lead and not template and _lead_updated(sa[0], sb[0]):
        return Relation("lead", first)
    if first >= lead and _plan_done(sa[0], sb[0]) and (first >= REWRITTEN or (
            (_opens_alike(sa[0], sb[0]) or sa[0].subjects & sb[0].subjects)
            and not word_put_for_another(sa[0].masked, sb[0].masked))):
        return Relation("lead", first)
    if first >= lead and (_state_ended(sa[0], sb[0]) or _revised(sa[0], sb[0])
                          or _later_plan_done(sa, sb) or _later_plan_done(sb, sa)):
        return Relation("lead", first)
    if lead <= 1.0 and first >= RAISED_LEAD and _lead_rewritten_more(sa[0], sb[0]):
        return Relation("lead", first)
    if lead <= 1.0 and best >= shared and (
            updated := _sentence_updated(sa, sb, matrix, shared)) is not None:
        return Relation("updated", updated)
    for i, row in enumerate(matrix):
        for j, score in enumerate(row):
            x, y = sa[i], sb[j]
            if (score >= shared and min(len(x.masked), len(y.masked)) >= (
                    MIN_SAME_SENTENCE if x.masked == y.masked else MIN_SENTENCE)
                    and not swapped(x.names, y.names) and _same_facts(x, y)):
                return Relation("shared", score)
    return Relation("", best)


def _lead_rewritten_more(a: Sentence, b: Sentence) -> bool:
    """True when first sentences alike at `RAISED_LEAD` only are one lead updated: a count said
    to have changed (also in English), a plan reported done with every word of its deed, or a
    state said to have ended, about one topic with two more words in common."""
    return (_count_raised(a, b) or _count_raised_en(a, b)
            or (_plan_done(a, b) and _deed_done(a, b))
            or (_state_ended(a, b) and not _PLAN.search(a.folded + b.folded)
                and len((_deed_words(a) & _deed_words(b)) - {a.any_topic}) >= 2))


def _sentence_updated(sa: list[Sentence], sb: list[Sentence], matrix: list[list[float]],
                      shared: float) -> float | None:
    """The similarity of a sentence found again in the other clip with one of its counts
    changed (`…これまでに212人が救助されました` / `…226人が救助され、14人の死亡が…`; the same
    predicate and counter, another value), no word put for another (`上流の集落では3人が死亡` /
    `下流の…5人`: another place counted), no name swapped and no template (`_template`: other
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
                    and not swapped(x.names, y.names) and not _other_slots(x, y)
                    and not any(_content_for_content(p, q) for p, q in _changes(x.masked, y.masked))
                    and not _template(x, y)):  # `国防省は13日、…` / `6日、…`: another day's
                return score
    return None


def may_extend(sa: list[Sentence], sb: list[Sentence], shared: float = 0.75) -> bool:
    """False when `relate_sentences` with leads left out (`lead` above 1) cannot call one
    clip an extension of the other: a sentence of the clip with fewer sentences is found
    nowhere in the other (similarity below `shared`, and not `_short_found`), which both of
    its "extended" rules need (keep in step with `_covered`). Stops at the first such
    sentence."""
    if not sa or not sb:
        return False
    short, long = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    return all(any(_similar(x, y, shared, shared) >= shared or _short_found(x, y) for y in long)
               for x in short)


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
    score = 0.0 if (1 + overlap) / 2 < floor else (fuzz.ratio(a.masked, b.masked) / 100
                                                   + overlap) / 2
    if (score < shared and overlap >= REWORDED_OVERLAP
            and (a.masked[:2] == b.masked[:2]) and _reworded(a, b, score, overlap)):
        return shared  # lightly reworded: aligns closely, a few words put for others
    # Containment needs most of the shorter sentence's bigrams in the longer one: checked
    # before aligning, as few candidate pairs pass.
    if score >= shared or inter < CONTAINED_BIGRAMS * min(len(ba), len(bb)):
        return score
    short, long = sorted((a.masked, b.masked), key=len)
    if len(short) < MIN_SENTENCE or len(short) < 0.5 * len(long):
        return score
    return shared if fuzz.partial_ratio(short, long) >= SENTENCE_CONTAINED * 100 else score


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
    if a.masked[:OPENING] != b.masked[:OPENING]:
        ta, tb = _TOPIC.match(a.masked), _TOPIC.match(b.masked)  # on the masked text: cheaper
        if not (ta and tb and ta.group(1) == tb.group(1)):
            return False
    # The same facts (a template sentence filled with other figures is no rewording).
    if numbers(a.folded) != numbers(b.folded):
        return False
    return fuzz.ratio(a.masked, b.masked) / 100 >= REWORDED_RATIO


def _covered(sa: list[Sentence], sb: list[Sentence], matrix: list[list[float]],
             shared: float) -> bool:
    """True when every sentence of the clip with fewer (of both, when as many) is found in
    the other (similarity `shared` or more, nothing swapped, or a short one at the start of
    the other: `_short_found`): neither has content of its own, so the sentences were
    reordered or updated, not reused in another paragraph."""
    def found(rows: list[list[float]], xs: list[Sentence], ys: list[Sentence]) -> bool:
        return all(any((score >= shared and not swapped(xs[i].names, ys[j].names)
                        and not _other_slots(xs[i], ys[j]))
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


def _transpose(matrix: list[list[float]]) -> list[list[float]]:
    return [list(col) for col in zip(*matrix, strict=True)]


def _same_facts(a: Sentence, b: Sentence) -> bool:
    """True when two similar sentences state the same numbers and days, and quote the same
    words if any: a sentence reused, not a template filled with other facts."""
    if (a.quoted or b.quoted) and _jaccard(a.quoted, b.quoted) < 0.6:
        return False  # two people's words
    return (sorted(numbers(a.folded)) == sorted(numbers(b.folded))
            and days(a.folded) == days(b.folded))


def _template(a: Sentence, b: Sentence) -> bool:
    """True when two sentences are one template filled with other words: both dated and
    aligned closely (another day's event told the same way), or aligned closely with two
    content words or more put for others (`ヴァルナ湖の周辺` / `セラ川の流域`)."""
    ratio = fuzz.ratio(a.masked, b.masked) / 100
    da, db = days(a.folded), days(b.folded)
    if ratio >= REWRITTEN_LEAD and da and db and da != db:
        return True  # the same day told twice is one report rewritten, not a template
    if ratio < REWRITTEN_LEAD:
        return False
    words = _words_put_for_others(a.masked, b.masked)
    # One word put for another is a template only when nothing else but numbers changed
    # (`出荷を制限…0品目` / `出荷を停止…0品目`); an update rewrites more around it.
    return words >= 2 or (words == 1 and all(
        "0" in x or "0" in y for x, y in _changes(a.masked, b.masked) if not _is_word_for_word(x, y)))


def word_put_for_another(a: str, b: str) -> bool:
    """True when aligning masked texts `a` and `b` puts a content word for another, numbers
    aside (`出荷を制限している…0品目` / `出荷を停止している…0品目`: another count, not one
    updated)."""
    return _words_put_for_others(a, b) > 0


_CONTENT_RUN = re.compile(r"[\u4e00-\u9fff\u30a1-\u30faー]+")  # kanji or katakana, any length


def content_swapped(a: str, b: str) -> bool:
    """True when all that differs between masked texts `a` and `b` is kanji or katakana put
    for others, even one character (`東部` / `西部`, `値上がり` / `値下がり`, `男性` / `女性`):
    re-clips of one passage never do that (they vary in width, spacing, links, marks), and an
    update changes more than a word."""
    changes = _changes(a, b)
    return bool(changes) and all(_content_for_content(x, y) for x, y in changes)


def _content_for_content(x: str, y: str) -> bool:
    return bool(x and y and _CONTENT_RUN.fullmatch(x) and _CONTENT_RUN.fullmatch(y))


def _words_put_for_others(a: str, b: str) -> int:
    """How many content words (kanji, katakana; no number) aligning `a` and `b` puts for
    others."""
    # Indel aligns by insertions and deletions: a word put for another is the text each side
    # has between two equal stretches.
    return sum(1 for x, y in _changes(a, b) if _is_word_for_word(x, y))


def _is_word_for_word(x: str, y: str) -> bool:
    """True when `x` and `y` (what two texts have in place of each other) are two content
    words, neither a number nor a headline mark."""
    return ("0" not in x and "0" not in y and bool(_WORD.fullmatch(x)) and bool(_WORD.fullmatch(y))
            and not (x in _MARKS and y in _MARKS))


def _changes(a: str, b: str) -> list[tuple[str, str]]:
    """What `a` and `b` have in place of each other between the stretches they share."""
    out, x, y = [], "", ""
    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            if x or y:
                out.append((x, y))
            x = y = ""
        else:
            x += a[op.src_start:op.src_end]
            y += b[op.dest_start:op.dest_end]
    if x or y:
        out.append((x, y))
    return out


def _other_slots(a: Sentence, b: Sentence) -> bool:
    """True when both sentences count something and nothing in common (`4300人が死亡` /
    `6900人が救助`, `860棟` / `2人`): other facts, not one figure updated."""
    if a.predicates and b.predicates and not a.predicates & b.predicates:
        return True
    ca, cb = {c[1] for c in a.counts}, {c[1] for c in b.counts}
    if ca and cb and not ca & cb:
        return True
    # One predicate and counter, other people counted (`デモの参加者120人を拘束` / `男5人を
    # 逮捕`): another fact.
    # (`死者`, `けが人` name the count itself, not the people counted.)
    def people(s: Sentence) -> dict[tuple[str, str], set[str]]:
        out: dict[tuple[str, str], set[str]] = {}
        for c in s.counts:
            if c[0] and c[3] and c[3] != "人" and c[0] not in (
                    PREDICATE_KEYWORDS.get(c[3]), PREDICATE_KEYWORDS.get(c[3][:-1])):
                out.setdefault(c[:2], set()).add(c[3])
        return out

    pa, pb = people(a), people(b)
    return any(not pa[k] & pb[k] for k in pa.keys() & pb.keys())


def _count_updated(a: Sentence, b: Sentence) -> bool:
    """True when both count one thing (predicate, counter and the noun counted) with another
    value (`警備員2人がけが` / `けがをした警備員は4人`)."""
    return any(x[0] and x[3] and x[:2] == y[:2] and x[3] == y[3] and x[2] != y[2]
               for x in a.counts for y in b.counts)


# An announced plan (`…する予定です`, `…する方向で最終調整に入りました`), reported later as done.
_MARKS = frozenset(("速報", "更新", "続報", "詳報", "追記"))  # headline marks, not content
_TOPIC = re.compile(r"([\u4e00-\u9fff\u30a1-\u30faー]{2,10})は")
_ANY_TOPIC = re.compile(r"(?:^|[、,\s])([\u4e00-\u9fff\u30a1-\u30faー]{2,10})は[、,]")
_DONE = re.compile(r"(?:ました|した|た)[。.]?\s*$")  # the other sentence ends in the past
_PLAN = re.compile(r"予定|方向で|めどに|見通しです|見込みです|方針です|検討")
# A time ahead in one sentence only (`対話を来週、首都で始めると発表` / `対話が25日、始まった`).
_FUTURE = re.compile(r"来週|来月|来年")


def _opens_alike(a: Sentence, b: Sentence) -> bool:
    """True when both sentences open with the same words (`_same_opening`) or one opens with
    the other's topic (`乗客は、…` / `乗客およそ210人は、…`) and no content word is put for
    another (`政府は…コメのうち` / `小麦のうち`)."""
    if _same_opening(a, b):
        return True
    return (((len(a.topic) >= 2 and b.masked.startswith(a.topic))
             or (len(b.topic) >= 2 and a.masked.startswith(b.topic)))
            and not word_put_for_another(a.masked, b.masked))


def _same_opening(a: Sentence, b: Sentence) -> bool:
    """True when both sentences open with the same words (`赤岳の噴火で、気象台は`) and no
    content word is put for another: one subject, even when it is no name."""
    ma, mb = _OPENING_MARK.sub("", a.masked), _OPENING_MARK.sub("", b.masked)
    n = min(len(ma), len(mb), OPENING)
    return (n == OPENING and ma[:n] == mb[:n] and "0" not in ma[:n]
            # `政府は、…備蓄しているコメのうち` / `小麦のうち`: the same opening, another thing
            and not word_put_for_another(a.masked, b.masked))


def _plan_done(a: Sentence, b: Sentence) -> bool:
    """True when one sentence announces a plan and the other, about the same named things,
    reports it done (`…に出発する予定です` / `…に到着しました`)."""
    fa, fb = bool(_FUTURE.search(a.folded)), bool(_FUTURE.search(b.folded))
    pa = bool(_PLAN.search(a.folded)) or (fa and not fb)
    pb = bool(_PLAN.search(b.folded)) or (fb and not fa)
    if pa == pb or not _DONE.search(b.folded if pa else a.folded):
        return False  # no plan, or nothing reported done (`…を求めています` goes on)
    if swapped(a.names, b.names) or swapped(a.orgs, b.orgs):
        return False
    if not (a.subjects & b.subjects or (a.topic and a.topic == b.topic) or _opens_alike(a, b)):
        return False
    ma, mb = set(_MONTH.findall(a.folded)), set(_MONTH.findall(b.folded))
    return not (ma and mb and not ma & mb) and not _other_slots(a, b)


# A state going on (`呼びかけています`, `停電が続いています`), and its end reported later.
_ONGOING = re.compile(r"(?:ています|ている|ております|続いています|続いている)[。.]?\s*$")
_ENDED = re.compile(r"解除|解消|復旧|再開|鎮火|消し止め|収束|終了|取り下げ|通行できるよう"
                    r"|当選|再選|可決|否決|妥結|決着")  # a count or a vote going on, and its result


def _state_ended(a: Sentence, b: Sentence) -> bool:
    """True when one sentence tells of a state going on and the other, opening alike, reports
    it ended (`…呼びかけています` / `…呼びかけを、午後7時に解除しました`)."""
    for x, y in ((a, b), (b, a)):
        if (_ONGOING.search(x.folded) and _DONE.search(y.folded) and _ENDED.search(y.folded)
                and not _ENDED.search(x.folded)):
            return ((_opens_alike(x, y) or (len(x.any_topic) >= 3 and x.any_topic == y.any_topic))
                    and not swapped(x.names, y.names) and not swapped(x.orgs, y.orgs))
    return False


# A preliminary figure (`速報値`) and the figure revised later (`改定値`, `確報値`).
_PRELIMINARY = re.compile(r"速報値")
_REVISED = re.compile(r"改定値|確報値|確定値|修正値")


def _revised(a: Sentence, b: Sentence) -> bool:
    """True when one sentence gives a preliminary figure and the other, opening alike about
    the same months, its revision (`GDPの速報値は…0.4%のプラス` / `改定値は…0.2%のマイナスに
    下方修正`)."""
    if not ((_PRELIMINARY.search(a.folded) and _REVISED.search(b.folded))
            or (_PRELIMINARY.search(b.folded) and _REVISED.search(a.folded))):
        return False
    return (bool(a.names & b.names or _opens_alike(a, b)) and not swapped(a.names, b.names)
            and set(_MONTH.findall(a.folded)) == set(_MONTH.findall(b.folded)))


# Words of when and of planning: what a plan and its report differ in besides the deed.
_WHEN_WORDS = re.compile(r"[0-9]+(?:日|月|年|時)(?:朝|夜|昼|夕方|未明|午前|午後)?")
_PLAN_WORDS = frozenset(("予定", "方向", "調整", "最終調整", "方針", "見通", "見込", "検討",
                         "計画", "来週", "来月", "来年", "今週", "今月", "今年", "年内"))


def _deed_words(s: Sentence) -> frozenset[str]:
    """The content words of a sentence, times and planning words left out."""
    text = _WHEN_WORDS.sub(" ", s.folded)
    return frozenset(w for w in _WORD.findall(text) if w not in _PLAN_WORDS)


def _later_plan_done(sa: list[Sentence], sb: list[Sentence]) -> bool:
    """True when a later sentence of `sa` announces a plan (`救助活動は21日朝、再開される予定
    です`) that the first sentence of `sb`, opening like `sa`'s, reports done with every word
    of the deed (`…21日朝、中断していた救助活動を再開しました`)."""
    done = sb[0]
    if len(sa) < 2 or not _DONE.search(done.folded) or _PLAN.search(done.folded):
        return False
    n = min(len(sa[0].masked), len(done.masked), OPENING)
    if n < OPENING or sa[0].masked[:n] != done.masked[:n] or swapped(sa[0].names, done.names):
        return False
    words = _deed_words(done)
    return any(_PLAN.search(p.folded) and not _DONE.search(p.folded)
               and len(_deed_words(p)) >= 2 and _deed_words(p) <= words for p in sa[1:])


def _deed_done(a: Sentence, b: Sentence) -> bool:
    """True when every content word of the plan's deed (two or more) is in the sentence
    reporting it done (`首相は、来週にも被災地を訪れる方向で調整` / `首相は16日、被災地を
    訪れ、避難所で…`)."""
    plan, done = (a, b) if _PLAN.search(a.folded) or _FUTURE.search(a.folded) else (b, a)
    # The deed is the plan's words but its topic, with verb stems (`訪れる`: `訪`): `首相` and
    # `被災地` alone are also in `首相は…被災地の復旧に予備費を充てる考え`.
    deed = (_deed_words(plan) | _stems(plan)) - {plan.topic}
    return len(deed) >= 2 and deed <= _deed_words(done) | _stems(done)


_STEM = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])[\u3041-\u309f]")  # `訪れる`, `充てる`


def _stems(s: Sentence) -> frozenset[str]:
    """One-kanji verb stems of a sentence (`訪れ` → `訪`)."""
    return frozenset(_STEM.findall(_WHEN_WORDS.sub(" ", s.folded)))


def _other_plans(a: Sentence, b: Sentence) -> bool:
    """True when both sentences announce plans and each has a word of the deed the other
    lacks (`22日から中国を訪問する予定` / `来月、インドを訪問する予定`): two plans."""
    if not (_PLAN.search(a.folded) and _PLAN.search(b.folded)):
        return False
    wa, wb = _deed_words(a), _deed_words(b)
    return bool(wa - wb) and bool(wb - wa)


# A count said to have changed (`死者が19人に増え`, `けが人は9人に上り`).
_RAISED = re.compile(r"[0-9]+(?:人|棟|世帯|戸|台|便|件|ミリ|センチ|ヘクタール)(?:に増え|に増加|に上っ|に上り|に達し|に減っ|に減少)")


def _count_raised(a: Sentence, b: Sentence) -> bool:
    """True when one sentence says a count rose or fell (`死者が19人に増え`) and the other
    gives that count (predicate and counter) another value, about the same place, whoever
    the source (`地元の鉄道当局によりますと…6人が死亡` → `運輸省は21日、死者が19人に増え`)."""
    if not (_RAISED.search(a.folded) or _RAISED.search(b.folded)):
        return False
    if not (a.names & b.names or _opens_alike(a, b)) or swapped(a.names, b.names):
        return False
    # Other facts or people counted (`死亡` / `救助`), unless one only says a count changed.
    if _other_slots(a, b) and not (a.predicates <= _CHANGE_PREDICATES
                                   or b.predicates <= _CHANGE_PREDICATES):
        return False
    if any(x[0] and x[:2] == y[:2] and x[2] != y[2] for x in a.counts for y in b.counts):
        return True
    # An amount with no predicate (`雨の量が300ミリを超え` / `450ミリに達し`): one measure.
    if any(x[1] == y[1] and x[1] in _MEASURES and x[2] != y[2] for x in a.counts for y in b.counts):
        return True
    # The risen count's predicate is only the change (`停電は…1万2000戸に減っています`): what
    # changed, named before it, must be what the other sentence counts (`3万戸が停電`).
    return any(x[1] == y[1] and x[2] != y[2] and (x[0] or y[0]) and x[0] != y[0]
               and (x[0] in _CHANGE_PREDICATES or y[0] in _CHANGE_PREDICATES)
               and _changed_named_in(a, b) for x in a.counts for y in b.counts)


# The same in English tweets: `Death toll … rises to 14` / `… at least 6 dead`.
_RAISED_EN = re.compile(r"\b(?:rises|rose|risen|climbs|climbed|jumps|jumped|reaches|reached|hits"
                        r"|increases|increased|falls|fell|drops|dropped)\s+to\s+(?:at\s+least\s+)?"
                        r"[0-9][0-9,]*", re.IGNORECASE)
_COUNT_EN = re.compile(r"[0-9][0-9,]*\s+(?:people\s+|were\s+|are\s+)?(?:dead|killed|deaths|died"
                       r"|injured|wounded|missing|rescued|evacuated)\b", re.IGNORECASE)
_WORD_EN = re.compile(r"[A-Za-z]{3,}")
# English words that name no event: marks, sourcing, counting.
_STOP_EN_TEXT = """breaking update updated urgent developing alert flash says said according
police officials official reports reported report least still more than with from after have
been that this were their they says people dead killed deaths died injured wounded missing
rescued evacuated death toll rises rose risen climbs climbed jumps jumped reaches reached
increases increased falls fell drops dropped the and say for off was are not but its new now
via per out who all one two has had near into over says january february march april may june
july august september october november december"""
_STOP_EN = frozenset(_STOP_EN_TEXT.split())


def _count_raised_en(a: Sentence, b: Sentence) -> bool:
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
        return bool(nx & ny) and bool(common - {w.lower() for w in nx & ny}) and not swapped(nx, ny)
    return False


def _words_en(text: str) -> frozenset[str]:
    """Words of three letters or more of an English text, sign-off and links aside, with neither
    marks nor sourcing or counting words."""
    return frozenset(w for w in _WORD_EN.findall(strip_noise(text)) if w.lower() not in _STOP_EN)


_MEASURES = frozenset(("mm", "cm", "ヘクタール"))  # rain, snow, a burnt area: one amount told


_CHANGED = re.compile(r"([\u4e00-\u9fff\u30a1-\u30faー]{2,})[はが][^。]*?" + _RAISED.pattern)


def _changed_named_in(a: Sentence, b: Sentence) -> bool:
    """True when what one sentence says rose or fell (`停電は…減っています`) is named in the
    other."""
    for x, y in ((a, b), (b, a)):
        m = _CHANGED.search(x.folded)
        if m and m.group(1) in y.folded:
            return True
    return False


_CHANGE_PREDICATES = frozenset(("増加", "減少", ""))


def _lead_updated(a: Sentence, b: Sentence) -> bool:
    """True when `b` is `a` updated: about the same named thing (a name in common, none
    swapped), not the same day's other news (both dated the same day), with a date or numbers
    changed."""
    # Cheapest checks first: most candidate pairs fail on dates or numbers.
    da, db = days(a.folded), days(b.folded)
    # One report's paragraphs of one day tell other facts, unless a count of one is updated.
    same_day_update = bool(da) and da == db and _count_updated(a, b)
    if da and da == db and not same_day_update:
        return False
    if da == db:  # neither dated: the numbers must have changed
        na, nb = numbers(a.folded), numbers(b.folded)
        if not (na and nb and na != nb):
            return False
    ma, mb = set(_MONTH.findall(a.folded)), set(_MONTH.findall(b.folded))
    if ma and mb and not ma & mb:
        return False  # another month's event
    if swapped(a.names, b.names) or swapped(a.orgs, b.orgs):
        return False  # about something else: another place, another source
    if _other_plans(a, b):
        return False
    if not (a.subjects & b.subjects or _opens_alike(a, b) or _count_updated(a, b)):
        return False  # nothing in common to be about
    return not (_other_slots(a, b) or (not same_day_update and _template(a, b)))
