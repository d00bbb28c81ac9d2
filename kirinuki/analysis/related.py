"""Related earlier entries: which earlier entries are on the same story, and why.

An entry is described by its tags, the speakers of its statements (and titled people it
names), the organisations and places it names, and the clips it shares with other entries
(duplicates, versions, background). Links, handles and tweet sign-offs are not read. Earlier
entries are scored by what they share, each feature weighted by how rare it is in the journal
(IDF: a tag or a place on every entry says nothing), and the best few are suggested with
their reasons and a one-line reason in Japanese. The user's decisions win: a pinned entry is
always listed first, a rejected one never. Pure; never raises.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kirinuki.analysis.speakers import classify_phrase, organisations, people_named
from kirinuki.analysis.statements import extract_statements
from kirinuki.analysis.textnorm import strip_noise
from kirinuki.text.lazyre import lazy_re

PINNED, REJECTED = "pinned", "rejected"
WEIGHTS = {"tags": 1.0, "speakers": 0.8, "orgs": 0.6, "places": 0.6}
TEXT_WEIGHTS = {"version": 4.0, "duplicate": 4.0, "background": 2.5}
MIN_SCORE = 1.0
_KIND_JA = {"version": "版の更新", "duplicate": "同じ段落", "background": "共通の背景"}
_FEATURE_JA = {"tags": "タグ", "speakers": "人物", "orgs": "組織", "places": "地名"}

# Countries and regions that news names without a suffix; invented or rarer places are found
# by their suffix (州, 共和国, 港 …).
_GAZETTEER_TEXT = """
アメリカ 米国 中国 ロシア ウクライナ 日本 韓国 北朝鮮 台湾 インド イラン イラク イスラエル
パレスチナ ガザ シリア トルコ サウジアラビア エジプト イギリス 英国 フランス ドイツ イタリア
スペイン ポーランド ベラルーシ カザフスタン ウズベキスタン キルギス タジキスタン アフガニスタン
パキスタン バングラデシュ ミャンマー タイ ベトナム フィリピン インドネシア マレーシア
シンガポール オーストラリア ニュージーランド カナダ メキシコ ブラジル アルゼンチン チリ
ベネズエラ キューバ 南アフリカ ナイジェリア エチオピア ケニア スーダン リビア モロッコ
アルジェリア ジョージア アルメニア アゼルバイジャン モルドバ バルト リトアニア ラトビア
エストニア フィンランド スウェーデン ノルウェー デンマーク オランダ ベルギー スイス
オーストリア ハンガリー チェコ スロバキア ルーマニア ブルガリア セルビア ギリシャ
ヨーロッパ 欧州 アジア 中東 アフリカ 東京 大阪 北京 上海 香港 ソウル モスクワ キーウ
ワシントン ニューヨーク ロンドン パリ ベルリン ブリュッセル ジュネーブ テヘラン クリミア
"""
_GAZETTEER = frozenset(_GAZETTEER_TEXT.split())
_PLACE = lazy_re(
    r"(?:[\u30a0-\u30ffー]{2,}|[\u4e00-\u9fff]{1,3})"
    r"(?:共和国|連邦|王国|自治区|州|県|市|港|渓谷|半島|諸島|島|海峡|海|湾|川|地方|地域)"
)
# Words with a place suffix that name no place.
_NOT_PLACES_TEXT = """
空港 漁港 出港 入港 寄港 帰港 母港 軍港 開港 同市 同州 同県 各県 各州 他県 全県 全州 近海 領海
公海 各地域 同地域 全地域 周辺地域 被災地域 沿岸地域 山間地域 一部地域 地方 各地方 同地方 本州 離島
全島 同島 各国 海 湾 川 島 市 県 州 都市 大都市 河川 上流 下流 支流 本流
"""
_NOT_PLACES = frozenset(_NOT_PLACES_TEXT.split())
_KATAKANA = lazy_re(r"[\u30a0-\u30ffー]{2,}")
# A katakana name that owns a government, an army, regions or an office holder is a country.
_COUNTRY = lazy_re(
    r"(?<![\u30a0-\u30ffー])([\u30a1-\u30faー]{3,})(?=(?:政府|軍|国内|北部|南部|東部|西部|中部|全土|各地"
    r"|中央銀行|中銀|国民|議会|国営|当局)"
    r"|の[^、。「」]{0,12}?(?:大統領|首相|外相|国防相|報道官|政府|首都|統計局|中央銀行|議会|選挙|国民|通貨))"
)
_KANJI_PLACES = frozenset(p for p in _GAZETTEER if re.fullmatch(r"[\u4e00-\u9fff]+", p))


def places(text: str) -> set[str]:
    """Place names in `text`: known countries and cities, and names with a place suffix."""
    found = {m.group() for m in _PLACE.finditer(text)} - _NOT_PLACES
    found |= {w for w in _KATAKANA.findall(text) if w in _GAZETTEER}
    found |= set(_COUNTRY.findall(text))
    found |= {w for w in _KANJI_PLACES if w in text}
    # A suffixed name also counts under its bare form (ベルカ共和国 → ベルカ) when that
    # bare form is written too, so `ベルカ` and `ベルカ共和国` meet.
    bare = {re.sub(r"(共和国|連邦|王国)$", "", p) for p in found}
    found |= {b for b in bare if b and b in text}
    return found


def known_places(all_features: Iterable[EntryFeatures]) -> frozenset[str]:
    """Katakana places recognised anywhere in the journal (`ソルディア` named as a country in
    one entry is a place in every entry naming it)."""
    return frozenset(p for f in all_features for p in f.places
                     if _KATAKANA.fullmatch(p) and len(p) >= 3)


def add_known_places(f: EntryFeatures, texts: Iterable[str], known: frozenset[str]) -> None:
    """Add to `f` the known places its texts name."""
    joined = "\n".join(texts)
    f.places |= {p for p in known if p in joined}
    f.orgs -= f.places


def people(paragraphs: Sequence[str], said: Iterable[tuple[str, str]] | None = None,
           ) -> dict[str, str]:
    """Speakers of the statements and titled people named in `paragraphs`: key → display
    (people only: organisations that speak are among `organisations`); `said`: the
    (speaker key, speaker) of `extract_statements(paragraphs)` in order, when known."""
    out: dict[str, str] = {}
    if said is None:
        said = ((s.speaker_key, s.speaker) for s in extract_statements(paragraphs))
    for key, speaker in said:
        kind = classify_phrase(speaker) if key else None
        if kind is not None and kind[2]:
            out.setdefault(key, speaker)
    for text in paragraphs:
        for key, name in people_named(text).items():
            out.setdefault(key, name)
    return out


@dataclass
class EntryFeatures:
    """What an entry is about, for finding related entries."""

    entry_id: int
    published: datetime | None
    tags: set[str] = field(default_factory=set)
    speakers: dict[str, str] = field(default_factory=dict)  # key → display
    places: set[str] = field(default_factory=set)
    orgs: set[str] = field(default_factory=set)


def features(entry_id: int, published: datetime | None, tags: Iterable[str],
             groups: Sequence[Sequence[str]],
             said: Sequence[Sequence[tuple[str, str]] | None] = ()) -> EntryFeatures:
    """Features of an entry from its tag keys and its clip texts, group by group; `said`:
    per group, the (speaker key, speaker) of its statements as found on its texts, when
    known (None or missing: found here)."""
    f = EntryFeatures(entry_id, published, set(tags))
    for k, paragraphs in enumerate(groups):
        clean = [strip_noise(t) for t in paragraphs]
        known = said[k] if k < len(said) else None
        # The stored statements were found on the texts as written: they are the cleaned
        # texts' only when cleaning changed nothing.
        if known is not None and clean != list(paragraphs):
            known = None
        for key, name in people(clean, known).items():
            f.speakers.setdefault(key, name)
        for text in clean:
            f.places |= places(text)
            f.orgs |= organisations(text)
    f.orgs -= f.places
    return f


@dataclass
class Suggestion:
    """An earlier entry suggested as related, with its score and reasons."""

    entry_id: int
    score: float
    reasons: list[str]
    decision: str = ""
    reason: str = ""  # the reasons in one line of Japanese


@dataclass
class Rarity:
    """How many entries carry each feature, for weighting shared features."""

    entries: int = 0
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def of(cls, all_features: Iterable[EntryFeatures]) -> Rarity:
        r = cls()
        for f in all_features:
            r.entries += 1
            for kind, values in (("tags", f.tags), ("speakers", f.speakers),
                                 ("places", f.places), ("orgs", f.orgs)):
                for v in values:
                    r.counts[(kind, v)] = r.counts.get((kind, v), 0) + 1
        return r

    def weight(self, kind: str, value: str) -> float:
        n = self.counts.get((kind, value), 1)
        return WEIGHTS[kind] * math.log(1 + max(self.entries, 1) / n)


def _earlier(a: EntryFeatures, b: EntryFeatures) -> bool:
    """True when `b` comes before `a` (by date, then id; undated entries by id)."""
    if a.published is not None and b.published is not None:
        return (b.published, b.entry_id) < (a.published, a.entry_id)
    if a.published is None and b.published is not None:
        return True
    return a.published is None and b.entry_id < a.entry_id


def _shared(target: EntryFeatures, other: EntryFeatures, rarity: Rarity,
            ) -> tuple[float, list[str], list[str]]:
    """Score, reasons and the same in Japanese, rarest evidence first."""
    score, reasons, found = 0.0, [], []
    tags = sorted(target.tags & other.tags)
    if tags:
        score += sum(rarity.weight("tags", t) for t in tags)
        reasons.append("tags " + " ".join("#" + t for t in tags))
        found.append(("tags", " ".join("#" + t for t in tags),
                      max(rarity.weight("tags", t) for t in tags)))
    speakers = sorted(set(target.speakers) & set(other.speakers))
    if speakers:
        score += sum(rarity.weight("speakers", s) for s in speakers)
        reasons.append("speakers " + ", ".join(target.speakers[s] for s in speakers))
        found.append(("speakers", "、".join(target.speakers[s] for s in speakers),
                      max(rarity.weight("speakers", s) for s in speakers)))
    for kind, mine, theirs in (("orgs", target.orgs, other.orgs),
                               ("places", target.places, other.places)):
        both = mine & theirs
        # `ベルカ` and `ベルカ共和国` are one place: count and show the longer form.
        shared = sorted(p for p in both if not any(q != p and q.startswith(p) for q in both))
        if shared:
            score += sum(rarity.weight(kind, p) for p in shared)
            reasons.append(f"{kind} " + ", ".join(shared))
            found.append((kind, "、".join(shared), max(rarity.weight(kind, p) for p in shared)))
    found.sort(key=lambda x: -x[2])
    return score, reasons, [f"{_FEATURE_JA[k]} {v}" for k, v, _ in found]


def _text_reason_ja(kind: str, reason: str) -> str:
    """`版の更新（拘束: 3800人以上 → 4400人以上 (+600)）`: a shared clip in Japanese."""
    label = _KIND_JA.get(kind, kind)
    if kind != "version" or not reason or reason == "no change":
        return label
    figures = reason.split("; wording: ")[0]
    return f"{label}（{figures}）" if not figures.startswith("wording: ") else label


def suggest(target: EntryFeatures, others: Sequence[EntryFeatures], *,
            similar: Mapping[int, Sequence[tuple[str, str]]] | None = None,
            decisions: Mapping[int, str] | None = None, rarity: Rarity | None = None,
            limit: int = 5) -> list[Suggestion]:
    """The best earlier entries for `target`, best first.

    `similar` maps an entry id to (kind, reason) of clips it shares with the target;
    `decisions` maps entry ids to PINNED or REJECTED.
    """
    similar, decisions = similar or {}, decisions or {}
    rarity = rarity or Rarity.of([target, *others])
    out: list[Suggestion] = []
    for other in others:
        if other.entry_id == target.entry_id or decisions.get(other.entry_id) == REJECTED:
            continue
        pinned = decisions.get(other.entry_id) == PINNED
        if not pinned and not _earlier(target, other):
            continue
        score, reasons, ja = _shared(target, other, rarity)
        texts: list[str] = []
        for kind, reason in similar.get(other.entry_id, ()):
            score += TEXT_WEIGHTS.get(kind, 1.0)
            reasons.insert(0, f"{kind}: {reason}")
            texts.append(_text_reason_ja(kind, reason))
        if pinned or score >= MIN_SCORE:
            line = "、".join(dict.fromkeys(texts[:2] + ja[:3]))
            out.append(Suggestion(other.entry_id, round(score, 2), reasons,
                                  PINNED if pinned else "",
                                  ("固定" + ("：" + line if line else "")) if pinned else line))
    out.sort(key=lambda s: (s.decision != PINNED, -s.score, -s.entry_id))
    out = _latest_first(out, {o.entry_id: o for o in others}, target)
    pinned_count = sum(1 for s in out if s.decision == PINNED)
    return out[:max(limit, pinned_count)]


NEAR_BEST = 0.75  # a score within a quarter of the best is as strong evidence


def _latest_first(found: list[Suggestion], by_id: Mapping[int, EntryFeatures],
                  target: EntryFeatures) -> list[Suggestion]:
    """`found` (pinned first, then best first) with the entries scoring near the best put
    latest first: of several entries on one story, the last development comes first."""
    ranked = [s for s in found if s.decision != PINNED]
    if len(ranked) < 2:
        return found
    near = [s for s in ranked if s.score >= NEAR_BEST * ranked[0].score]
    if len(near) < 2:
        return found

    def later(a: Suggestion, b: Suggestion) -> bool:  # True when `a` comes after `b`
        return _earlier(by_id.get(a.entry_id, target), by_id.get(b.entry_id, target))

    latest: list[Suggestion] = []
    for s in near:  # insertion by date: a handful of entries
        at = next((k for k, t in enumerate(latest) if later(s, t)), len(latest))
        latest.insert(at, s)
    return [s for s in found if s.decision == PINNED] + latest + ranked[len(near):]

