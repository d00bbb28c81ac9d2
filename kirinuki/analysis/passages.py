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

from kirinuki.analysis.figures import extract_figures
from kirinuki.analysis.speakers import organisations
from kirinuki.analysis.textnorm import mask_digits, normalise
from kirinuki.text.fastfold import fast_fold

_SENTENCE_END = re.compile(r"(?<=[。．！？!?])|(?<=\.)(?=\s|$)|\n")
_CUT = re.compile(r"[「『]|[」』]|" + _SENTENCE_END.pattern)  # brackets, then sentence ends
_BIGRAM = re.compile(r"(?=([^\u3041-\u309f]{2}))")  # every two characters with no hiragana
_DAY = re.compile(r"(?<![0-9])([0-9]{1,2})日(?!間|目|連続)")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_QUOTED = re.compile(r"「([^「」]*)」?")
_WORD = re.compile(r"[\u4e00-\u9fff\u30a1-\u30faー]{2,}")  # a content word (kanji, katakana)
# Names whose swap makes a template about something else: katakana names, and kanji places.
_NAME = re.compile(r"[\u30a1-\u30faー・]{3,}|[\u4e00-\u9fff]{1,4}(?:県|市|町|村|州|郡|区)"
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
"""
_LOANWORDS = frozenset(_LOANWORDS_TEXT.split())
_MONTH = re.compile(r"(?<![0-9])([0-9]{1,2})月")
# Serial markers: a running count or the day of a live blog is another occurrence, not an update.
SERIAL = re.compile(r"[0-9]+(?:件目|例目|回目|度目|人目|番目|日の動き|会合連続|日連続|回連続|期連続"
                    r"|年連続|か月連続|週連続)")

MIN_SENTENCE = 20  # characters of a shared sentence
CONTAINED = 0.9  # sentence similarity of a sentence found again in an extended paragraph
REWRITTEN = 0.6  # of a one-sentence lead rewritten when the update added a sentence
TEMPLATE_RATIO = 0.75  # whole-text alignment from which dated paragraphs are templates
REWRITTEN_LEAD = 0.70  # an updated lead is rewritten: dated first sentences aligning better are
# one template told of two days


def content_bigrams(masked: str) -> frozenset[str]:
    """Bigrams of `masked` text with no hiragana (particles and endings carry no content)."""
    # Interned: the clips of a journal share most bigrams, so a prepared clip takes ~3.3 KB
    # instead of ~7 KB (measured on 20k synthetic clips), for ~3 us more.
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
    def predicates(self) -> frozenset[str]:
        """What its figures count (`死亡`, `拘束`)."""
        return frozenset(f.predicate for f in extract_figures(self.raw) if f.predicate)

    @cached_property
    def orgs(self) -> frozenset[str]:
        return frozenset(organisations(self.folded))


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
                     if n not in _LOANWORDS)


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
    return frozenset(SERIAL.findall(text)) if "目" in text or "連続" in text or "動き" in text \
        else frozenset()


def serial_differs(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when texts carry running counts (`serials`) and they differ (`6件目` / `8件目`)."""
    return bool(a or b) and a != b


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
    matrix = [[similarity(x, y, 0.0 if i == j == 0 else shared) for j, y in enumerate(sb)]
              for i, x in enumerate(sa)]
    best = max(max(row) for row in matrix)
    long_rows = matrix if len(sa) <= len(sb) else _transpose(matrix)
    if len(sa) != len(sb) and all(max(row) >= CONTAINED for row in long_rows):
        return Relation("extended", best)  # every sentence of one is in the other
    first = matrix[0][0]
    if (min(len(sa), len(sb)) == 1 and len(sa) != len(sb) and first >= max(REWRITTEN, lead)
            and not _template(sa[0], sb[0]) and not _other_slots(sa[0], sb[0])):
        return Relation("extended", first)  # a one-sentence lead rewritten, a sentence added
    # Paragraphs that align this well, dated, yet are no version: a template about another day.
    template = ratio >= TEMPLATE_RATIO and bool(days(sa[0].folded) or days(sb[0].folded))
    if first >= lead and not template and _lead_updated(sa[0], sb[0]):
        return Relation("lead", first)
    for i, row in enumerate(matrix):
        for j, score in enumerate(row):
            x, y = sa[i], sb[j]
            if (score >= shared and min(len(x.masked), len(y.masked)) >= MIN_SENTENCE
                    and not swapped(x.names, y.names) and _same_facts(x, y)):
                return Relation("shared", score)
    return Relation("", best)


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
    """True when two sentences are one template filled with other words: aligned closely, with
    a content word (not a number) put for another (`森林火災` / `通貨の急落`)."""
    ratio = fuzz.ratio(a.masked, b.masked) / 100
    if ratio >= REWRITTEN_LEAD and (days(a.folded) or days(b.folded)):
        return True  # dated and aligned this well: another day's event told the same way
    if ratio < TEMPLATE_RATIO:
        return False
    for op in Indel.opcodes(a.masked, b.masked):
        if (op.tag == "replace" and _WORD.search(a.masked[op.src_start:op.src_end])
                and _WORD.search(b.masked[op.dest_start:op.dest_end])):
            return True
    return False


def _other_slots(a: Sentence, b: Sentence) -> bool:
    """True when both sentences count something and nothing in common (`4300人が死亡` /
    `6900人が救助`): other facts, not one figure updated."""
    return bool(a.predicates) and bool(b.predicates) and not a.predicates & b.predicates


def _lead_updated(a: Sentence, b: Sentence) -> bool:
    """True when `b` is `a` updated: about the same named thing (a name in common, none
    swapped), not the same day's other news (both dated the same day), with a date or numbers
    changed."""
    # Cheapest checks first: most candidate pairs fail on dates or numbers.
    da, db = days(a.folded), days(b.folded)
    if da and da == db:
        return False  # one report's paragraphs of one day: other facts
    if da == db:  # neither dated: the numbers must have changed
        na, nb = numbers(a.folded), numbers(b.folded)
        if not (na and nb and na != nb):
            return False
    ma, mb = set(_MONTH.findall(a.folded)), set(_MONTH.findall(b.folded))
    if ma and mb and not ma & mb:
        return False  # another month's event
    if swapped(a.names, b.names) or not a.names & b.names or swapped(a.orgs, b.orgs):
        return False  # about something else: another place, another source
    return not (_other_slots(a, b) or _template(a, b))
