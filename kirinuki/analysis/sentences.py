"""Sentences of a clip and the words that differ between two: what the passage rules compare.

A clip is split into sentences (`split`, outside quotes; a page line reflowed into the clip is
no sentence end), each normalised, masked and reduced to content bigrams (`Sentence`), with its
names, days, numbers, counts and running counts. Two sentences are compared by `similarity`, and
`changes` / `word_put_for_another` / `is_template` tell what an alignment puts for what: one word
put for another is another fact, not an update. Pure.
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
from kirinuki.analysis.textnorm import arabic_counts, mask_digits, normalise
from kirinuki.text.fastfold import fast_fold
from kirinuki.text.lazyre import lazy_re

# A line break ends a sentence unless it follows a particle or a comma (a page's line reflowed
# into the clip: `1時間に50ミリ以上の\n非常に激しい雨`).
# A full stop after an English abbreviation (`Typhoon No. 15`, `Mr. Smith`) ends no sentence.
# A full-width point before a digit (`６．８`) is a decimal point.
_SENTENCE_END = lazy_re(r"(?<=[。！？!?])|(?<=．)(?![0-9０-９])|(?<=\.)(?<![Nn]o\.)(?<!Mr\.)(?<!Ms\.)(?<!Dr\.)(?<!St\.)"
                        r"(?<!Mt\.)(?<!vs\.)(?=\s|$)|(?<![のにをはがでとへも、,])\n")


_CUT = lazy_re(r"[「『]|[」』]|" + _SENTENCE_END.pattern)  # brackets, then sentence ends


_BIGRAM = lazy_re(r"(?=([^\u3041-\u309f]{2}))")  # every two characters with no hiragana


_DAY = lazy_re(r"(?=[0-9])(?<![0-9])([0-9]{1,2})日(?!間|目|連続)")


_NUMBER = lazy_re(r"[0-9]+(?:\.[0-9]+)?")


_QUOTED = lazy_re(r"「([^「」]*)」?")


WORD = lazy_re(r"[\u4e00-\u9fff\u30a1-\u30faー]{2,}")  # a content word (kanji, katakana)


# Names whose swap makes a template about something else: katakana names, and kanji places.
# (The lookahead lets the engine skip the positions no name can start at: faster, the same.)
_NAME = lazy_re(r"(?=[\u30a1-\u30faー・\u4e00-\u9fffA-Z])(?:[\u30a1-\u30faー・]{3,}|[\u4e00-\u9fff]{1,4}(?:県|市|町|村|州|郡|区|線|川|湖|湾|島|港|駅)"
                r"|(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z]))")


# Loanwords of news that name nothing in particular (a name in common must be a proper name).
_LOANWORDS_TEXT = """
ポイント パーセント テレビ ニュース システム エネルギー パイプライン ミサイル ガソリン インフレ
テロ ロケット ドローン サイバー インターネット オンライン メディア コメント スーパー ホテル
トラック タンカー コンテナ ワクチン ウイルス データ センター グループ チーム メンバー リーダー
トップ レベル ペース ケース リスク コスト サービス プラン プロジェクト イベント マーケット
スポーツ オリンピック カード メートル キロ センチ グラム リットル トン ドル ユーロ ルーブル
ウォン ポンド バレル ヘクタール ミリ パトカー ヘリコプター ボランティア インタビュー ツイッター
デモ ストライキ ダム トンネル エンジン ブレーキ コンピューター ソフト アプリ スマートフォン
トラブル タブレット ルール プラス マイナス フェリー ボート タクシー マンション アパート スタジアム
レストラン ジェット ロボット ネット メール ウェブ サイト ページ ブログ ゲーム チケット コンビニ
スマホ パソコン カメラ ビデオ ラジオ ホームページ ユーザー アカウント マスク シェルター ツアー
クルーズ フライト バッテリー クラスター アルコール メタノール エタノール プラスチック セメント
ワイン ビール ウイスキー
"""


_LOANWORDS = frozenset(_LOANWORDS_TEXT.split())


# Labels opening a tweet or a headline (`BREAKING:`, `【速報】`): no name, no common opening.
_LABEL_WORDS = frozenset(("BREAKING", "UPDATE", "UPDATED", "URGENT", "DEVELOPING", "ALERT", "FLASH",
                         "LIVE", "NEWS"))


# Words ending in `川`, `島`, `港`, `駅`… that name no river, island, port or station (`河川`,
# `列島`, `空港`, `出港`, `同駅`).
_NOT_PLACES = lazy_re(r"^[同各全本]|^(?:河|小|列|離|半|諸|出|入|帰|寄|漁|空|母|開|主要|始発|終着|無人)"
                      r"[川島港駅]$")


# Words ending in `線` that name no railway line (`脱線`, `梅雨前線`, `国際線`).
_NOT_LINES = lazy_re(r"(?:脱|路|沿|前|戦|幹|全|車|視|曲|直|電|回|無|光|支|単|複|内|際|外|架|配"
                     r"|断|廃|一|本)線$")


_PREDICATE_WORD = lazy_re("|".join(sorted(map(re.escape, PREDICATE_KEYWORDS), key=len,
                                             reverse=True)))


OPENING = 8  # characters of a common opening (`市立みなと病院は、`): one subject


# Serial markers: a running count or the day of a live blog is another occurrence, not an update.
SERIAL = lazy_re(r"[0-9]+(?:件目|例目|回目|度目|人目|番目|日の動き|会合連続|日連続|回連続|期連続"
                 r"|年連続|か月連続|週連続)|第[0-9]+(?:回|次|期)")


REWRITTEN_LEAD = 0.70  # an updated lead is rewritten: dated first sentences aligning better are


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
        """(predicate, counter, value, subject) of its figures with a counter (`31万人分` of
        data counts people: `人`)."""
        return frozenset((_counted(f.predicate, f.subject),
                          "人" if f.counter == "人分" else f.counter, float(f.value), f.subject)
                         for f in extract_figures(self.raw) if f.counter)

    @cached_property
    def predicates(self) -> frozenset[str]:
        """What its figures count (`死亡`, `拘束`)."""
        return frozenset(c[0] for c in self.counts if c[0])

    @cached_property
    def topic(self) -> str:
        """What the sentence is about when it opens with one (`首相は…` → `首相`), else ""."""
        m = TOPIC.match(self.folded)
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
            if depth == 0 and m.start() > start and text[m.start() - 1] in "。！？!?":
                # `…検討しています。「黒い錨」は…`: the bracket opens the next sentence (its match
                # took the place of the sentence end's).
                parts.append(text[start:m.start()])
                start = m.start()
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
            for k, (part, m) in enumerate(zip(parts, masked, strict=True))
            if len(m) >= 4 and not (m.endswith("です") and _HOST_LINE.fullmatch(m))]


# An account naming itself (`波戸市水道局です。`, `こちらは北浜町役場です。`): no news of its own.
_HOST_LINE = lazy_re(r"(?:こちらは)?[^\u3041-\u309f]{2,15}です")


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


# A wire's dateline (`【リンポ=ロイター】`, `【ベレンガ共同】`): where and by whom it was filed,
# not what it is about.
_DATELINE = lazy_re(r"^\s*【[^】]{1,20}(?:共同|時事|ロイター|AFP|AP|新華社|聯合|タス|ブルームバーグ)[^】]{0,6}】")


def names_in(text: str) -> frozenset[str]:
    """Katakana names (not common loanwords), kanji places and acronyms named in `text`, a
    wire's dateline left out."""
    if text[:1] == "【" or text[:2].strip()[:1] == "【":
        text = _DATELINE.sub("", text)
    return frozenset(n for n in _NAME.findall(unicodedata.normalize("NFKC", text))
                     if n not in _LOANWORDS and n not in _LABEL_WORDS and not (n[-1] == "線" and _NOT_LINES.search(n))
                     and not (n[-1] in "川湖湾島港駅" and _NOT_PLACES.search(n)))


def swapped(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when each side names something the other does not (a template about another
    place, bank or event)."""
    return bool(a - b) and bool(b - a)


def days(text: str) -> frozenset[str]:
    """Days of the month named (`3日`, not `3日間`, `8日目`)."""
    return frozenset(_DAY.findall(text))


def numbers(text: str) -> tuple[str, ...]:
    """The numbers written in `text`, days left out (`十二戸`: `12`, `textnorm.arabic_counts`)."""
    return tuple(_NUMBER.findall(_DAY.sub(" ", arabic_counts(text))))


def serials(text: str) -> frozenset[str]:
    """The running counts of `text` (`6件目`, `13日の動き`)."""
    return frozenset(SERIAL.findall(text)) if ("目" in text or "連続" in text or "動き" in text
                                               or "第" in text) else frozenset()


def serial_differs(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when both texts carry running counts (`serials`) and they differ (`6件目` /
    `8件目`, `第1回` / `第2回`); a count in one only is a sentence the update added
    (`利下げは2会合連続です`)."""
    return bool(a) and bool(b) and a != b


def same_facts(a: Sentence, b: Sentence) -> bool:
    """True when two similar sentences state the same numbers and days, and quote the same
    words if any: a sentence reused, not a template filled with other facts."""
    if (a.quoted or b.quoted) and _jaccard(a.quoted, b.quoted) < 0.6:
        return False  # two people's words
    # (A translator's item number, `2.` / `4)`, is no number of the sentence.)
    return (sorted(numbers(_ITEM_MARK.sub("", a.folded))) == sorted(numbers(_ITEM_MARK.sub("", b.folded)))
            and days(a.folded) == days(b.folded))


_ITEM_MARK = lazy_re(r"^\s*[0-9]{1,3}\s?[.)]\s*(?![0-9])")


def is_template(a: Sentence, b: Sentence, dated: bool = True) -> bool:
    """True when two sentences are one template filled with other words: both dated and
    aligned closely (another day's event told the same way; not checked when `dated` is False),
    or aligned closely with two content words or more put for others (`ヴァルナ湖の周辺` /
    `セラ川の流域`)."""
    ratio = fuzz.ratio(a.masked, b.masked) / 100
    da, db = days(a.folded), days(b.folded)
    if dated and ratio >= REWRITTEN_LEAD and da and db and da != db:
        return True  # the same day told twice is one report rewritten, not a template
    if ratio < REWRITTEN_LEAD:
        return False
    words = _words_put_for_others(a.masked, b.masked)
    # One word put for another is a template only when nothing else but numbers changed
    # (`出荷を制限…0品目` / `出荷を停止…0品目`); an update rewrites more around it.
    return words >= 2 or (words == 1 and all(
        "0" in x or "0" in y for x, y in aligned_changes(a.masked, b.masked) if not _is_word_for_word(x, y)))


def word_put_for_another(a: str, b: str) -> bool:
    """True when aligning masked texts `a` and `b` puts a content word for another, numbers
    aside (`出荷を制限している…0品目` / `出荷を停止している…0品目`: another count, not one
    updated)."""
    return _words_put_for_others(a, b) > 0


_CONTENT_RUN = lazy_re(r"[\u4e00-\u9fff\u30a1-\u30faー]+")  # kanji or katakana, any length


def content_swapped(a: str, b: str) -> bool:
    """True when all that differs between masked texts `a` and `b` is kanji or katakana put
    for others, even one character (`東部` / `西部`, `値上がり` / `値下がり`, `男性` / `女性`):
    re-clips of one passage never do that (they vary in width, spacing, links, punctuation), and an
    update changes more than a word."""
    changes = aligned_changes(a, b)
    return bool(changes) and all(content_for_content(x, y) for x, y in changes)


# What a time of day or a date is written with: `正午` / `午後0時`, `先月末` / `今月0日` are the
# same count later.
_TIME_ONLY = lazy_re(r"[午前後正朝夜昼夕未明現在時分日月年先今昨本末上中下旬週]+")
def _time_only(x: str) -> bool:
    """True when `x` is written only with time and date words; `上` / `下` alone are directions
    (`値上がり` / `値下がり`), not `上旬` / `下旬`."""
    return bool(_TIME_ONLY.fullmatch(x)) and x not in ("上", "下", "中")


# A word written in kana (`はしか`), or a name opening with one (`いずみ精機`).
_KANA_WORD = lazy_re(r"[\u3041-\u309f]{3,}(?:[\u4e00-\u9fff\u30a1-\u30faー]{2,})?")


# Nouns joined by の (`北部の村`): a place or a thing named in more words.
_NOUN_PHRASE = lazy_re(r"[\u4e00-\u9fff\u30a1-\u30faー]+(?:の[\u4e00-\u9fff\u30a1-\u30faー]+)+"
                       r"|[\u4e00-\u9fff\u30a1-\u30faー]+")


def other_subject(a: str, b: str) -> bool:
    """True when all that aligning masked texts `a` and `b` changes besides numbers is words
    put for others, none of them a time (`南部の州でコレラの…80人` / `北部の州ではしかの…12人`,
    `台風0号による死者は` / `大雪による…`): one template told of another thing, not one report
    updated, which rewrites more than words."""
    words = 0
    for x, y in aligned_changes(a, b):
        digits = "0" in x or "0" in y
        x, y = x.replace("0", ""), y.replace("0", "")
        if (not x and not y) or (digits and min(len(x), len(y)) < 2):
            continue  # a number changed (`0割` / `半分`)
        if not (x and y) or _time_only(x) or _time_only(y):
            return False
        if not (content_for_content(x, y) or (_KANA_WORD.fullmatch(x) and _CONTENT_RUN.fullmatch(y))
                or (_KANA_WORD.fullmatch(y) and _CONTENT_RUN.fullmatch(x))
                or (bool(_NOUN_PHRASE.fullmatch(x)) and bool(_NOUN_PHRASE.fullmatch(y)))):
            return False
        words += 1
    return words > 0


def content_for_content(x: str, y: str) -> bool:
    return bool(x and y and _CONTENT_RUN.fullmatch(x) and _CONTENT_RUN.fullmatch(y))


def _words_put_for_others(a: str, b: str) -> int:
    """How many content words (kanji, katakana; no number) aligning `a` and `b` puts for
    others."""
    # Indel aligns by insertions and deletions: a word put for another is the text each side
    # has between two equal stretches.
    return sum(1 for x, y in aligned_changes(a, b) if _is_word_for_word(x, y))


def _is_word_for_word(x: str, y: str) -> bool:
    """True when `x` and `y` (what two texts have in place of each other) are two content
    words, neither a number nor a headline label."""
    return ("0" not in x and "0" not in y and bool(WORD.fullmatch(x)) and bool(WORD.fullmatch(y))
            and not (x in _HEADLINE_LABELS and y in _HEADLINE_LABELS))


def aligned_changes(a: str, b: str) -> list[tuple[str, str]]:
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


_HEADLINE_LABELS = frozenset(("速報", "更新", "続報", "詳報", "追記"))  # headline labels, not content


# (Two actors joined, `警察と消防は`, are one topic.)
TOPIC = lazy_re(r"([\u4e00-\u9fff\u30a1-\u30faー]{2,10}(?:と[\u4e00-\u9fff\u30a1-\u30faー]{2,10})?)は")


_ANY_TOPIC = lazy_re(r"(?:^|[、,\s])([\u4e00-\u9fff\u30a1-\u30faー]{2,10}"
                     r"(?:と[\u4e00-\u9fff\u30a1-\u30faー]{2,10})?)は[、,]")

