"""Headline quotes: the speaker written right before a quote (`岸田首相「…」`,
`【速報】Name「…」`, `首相、解散「考えていない」`, `官房長官が会見「…」`, `田中太郎さんの話「…」`) or
right after a quote that opens a headline (`「国民の命を守り抜く」 岸田首相`).

Part of `quotes`; who a phrase names is `speakers`'s. Pure; never raises.
"""

from __future__ import annotations

import re

from kirinuki.analysis.speakers import (
    NOUN,
    TRADE,
    Speaker,
    classify_phrase,
    kana_named,
    name_like,
    speaker_key,
)
from kirinuki.text.lazyre import lazy_re

# A speaker written right before the quote, as headlines do: `岸田首相「…」`, `岸田首相：「…」`.
# (A list item's mark before it, `▽`, `・`, `■`, `5）`, is no part of the name; a tweet's headline may
# follow a sentence: `…死者31人に。保健省「…」`.)
_HEADLINE = lazy_re(
    rf"(?:^|(?<=[】\]\s　、：:▽▼・■◆●○◇□★。＞>])|(?<=[0-9０-９][）)]))(?!・)(?P<np>(?P<kana>[\u3041-\u309f]{{2,6}}(?={TRADE}|[\u30a1-\u30fa]))?{NOUN}+"
    rf"(?:の{NOUN}+){{0,2}})(?:[:：]|(?P<comma>[、，,]))?\s?$")
# A headline's speaker, a comma, then what the quote is about or whom it is told to
# (`首相、解散「考えていない」`, `日銀総裁、追加利上げ「…」`, `米国務長官、中国に「…」伝える`).
_TOPIC_HEADLINE = lazy_re(
    rf"(?:^|(?<=[】\]\s　▽▼・■◆●○◇□★]))(?P<np>{NOUN}+(?:の{NOUN}+){{0,2}})[、，,]"
    rf"(?P<about>{NOUN}{{1,10}}(?:[\u3041-\u309f]{NOUN}{{0,4}})?(?:に対し|に)?)\s?$")
# A headline's speaker and the occasion of the words (`官房長官が会見「…」`, `国連総長が声明「…」`).
_OCCASION_HEADLINE = lazy_re(
    rf"(?:^|(?<=[】\]\s　▽▼・■◆●○◇□★＞>]))(?P<np>{NOUN}+?(?:の{NOUN}+){{0,2}})が?"
    r"(?:記者会見|会見|声明|談話|演説|投稿|コメント|所感|見解)\s?$")
# A person's words as newspapers give them: `田中太郎さんの話「…」`, `同社のコメント：「…」`.
_TALK = lazy_re(rf"(?:^|(?<=[】\]\s　、。▽▼・■◆●○◇□★＞>]))(?P<np>{NOUN}+(?:さん|氏)?(?:の{NOUN}+)?)の"
                r"(?:話|コメント|談話)[:：]?\s?$")
# A transcript's speaker in brackets before the words, the organisation first:
# `（星峰スペース　緒方彰吾社長）「…」`.
_TRANSCRIPT = lazy_re(rf"(?:^|(?<=[】\]\s　。▽▼・■◆●○◇□★＞>]))[（(](?:[^（）()「」\s　]{{1,20}}[\s　])?"
                      rf"(?P<np>{NOUN}+(?:の{NOUN}+)?)[）)][:：]?\s?$")
# Words that name a work or a campaign, not a speaker, before a bracket (`ドラマ「…」`).
_NOT_HEADLINE_SPEAKER = lazy_re(
    r"ドラマ|アニメ|シリーズ|キャンペーン|プロジェクト|イベント|ツアー|アプリ|サービス|ブランド|"
    r"ニュース|コラム|キャラクター|ゲーム|ソング|アルバム|ライブ|テーマ|タイトル|スローガン|"
    r"ハッシュタグ|コメント|メッセージ|コーナー|プラン|モデル|システム|ルール|マーク")


def speaker_before(text: str, open_at: int, quoted: str, floor: int = 0) -> Speaker | None:
    """The speaker written right before the opening bracket at `open_at` (`岸田首相「…」`), or
    None; `quoted`: the words in the brackets, `floor`: where the text to read starts."""
    if open_at <= floor:
        return None
    m = _HEADLINE.search(text, floor, open_at)
    if m is not None and m.group("comma") and m.start() > 0 and text[m.start() - 1] not in "】]▽▼・■◆●○◇□★":
        return None  # `Name、「…」` only where a headline starts
    found = None
    if m is not None and m.group("kana") and not kana_named(m.group("kana")):
        m = None  # `きょうアメリカ…「…」`: no company named in hiragana
    if m is not None:
        np = m.group("np")
        found = classify_phrase(np)
        if found is None and _speaks_in_headline(np, quoted):
            found = (np, speaker_key(np), False)
    if found is None and (t := (_TOPIC_HEADLINE.search(text, floor, open_at)
                                or _OCCASION_HEADLINE.search(text, floor, open_at)
                                or _TALK.search(text, floor, open_at)
                                or _TRANSCRIPT.search(text, floor, open_at))):
        # `大木知事、再稼働「認められない」`: the speaker before the comma, what it is about after;
        # `官房長官が会見「…」`: the speaker, then where the words were said.
        found = classify_phrase(t.group("np"))
    if found is None:
        return None
    return Speaker(found[0], found[1], found[2], open_at, particle="")


# A headline opening with the quote, its speaker after it (`「国民の命を守り抜く」 岸田首相`,
# `「断じて容認できない」と官房長官`).
_HEADLINE_OPENING = lazy_re(r"\s*(?:【[^】]{1,12}】\s*)?$")
# (The speaker may be followed by the occasion: `「戦争を終わらせる」トランプ氏が就任演説`.)
_SPEAKER_AFTER = lazy_re(rf"\s?と?\s?(?P<np>{NOUN}+(?:の{NOUN}+){{0,2}})(?:が[^\s　「」『』。、]{{1,8}})?(?=$|[\s　])")


def speaker_after(text: str, open_at: int, close_at: int, floor: int = 0) -> Speaker | None:
    """The speaker written right after a quote that opens a headline (brackets from `open_at`
    to just before `close_at`), or None."""
    # The quote opens the headline or a part of it after a space (`…を表明　「誠実に対応」と社長`).
    opens = _HEADLINE_OPENING.match(text, floor, open_at) or (
        open_at > floor and text[open_at - 1] in " 　")
    if not opens or "。" in text[close_at:]:
        return None
    m = _SPEAKER_AFTER.match(text, close_at)
    found = classify_phrase(m.group("np")) if m else None
    if m is None or found is None:
        return None
    return Speaker(found[0], found[1], found[2], m.start("np"), particle="")


def _speaks_in_headline(np: str, quoted: str) -> bool:
    """True when `np`, unknown to `classify_phrase`, names who speaks in a headline
    (`ロシア「…」`, `東坂地裁「…」`, `韓国大統領室「…」`): it looks like a name, is not a
    work or a campaign (`ドラマ「…」`), and the quote says something (it has kana)."""
    return (name_like(np) and not _NOT_HEADLINE_SPEAKER.fullmatch(np)
            and re.search(r"[\u3041-\u309f]", quoted) is not None)
