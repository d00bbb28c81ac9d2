"""Quotes: 「…」 and 『…』 passages with their speaker (`ストルテンベルグ事務総長`).

The speaker is the subject of the sentence holding the quote (`Xは「…」と述べ`), else the
subject named after it (`「…」と、Xは述べ`), else, for speech continued in a later sentence or
paragraph (`そのうえで「…」と述べ`), the last speaker named before it. Real pages lose brackets:
a closing 」 with no opening 「 is a quote that starts after its speaker's `は` (and after a
preamble such as `7日の記者会見で`); an opening 「 that is never closed runs to its `と述べ`.

Who a subject names, and speaker keys, are `speakers`'s. Pure; never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kirinuki.analysis.headline_quotes import speaker_after, speaker_before
from kirinuki.analysis.speakers import (
    BRACKETED,
    BRACKETED_OWNER,
    NOUN,
    TITLES,
    Speaker,
    bracket_owner,
    bracketed_name,
    classify_phrase,
    name_like,
    people_named,
    pick,
    speaker_key,
    subjects,
)
from kirinuki.text.lazyre import lazy_re
from kirinuki.text.normalize import fold

__all__ = ["Quote", "classify_phrase", "extract_quotes", "people_named", "speaker_key",
           "speaker_names"]
_SAYING = lazy_re(
    r"[」』”]?(?:など)?と(?:、)?(?:(?P<direct>し(?:て|た|、|ています|ている|ており))|"
    r"(?:.{0,30}?)(?P<cue>述べ|語|話|強調|訴え|指摘|主張|批判|明らかに|報じ|投稿|"
    r"発表|応じ|呼びかけ|警告|反発|表明|説明|記者団|答え|書き込|ツイート|コメント|否定|"
    r"声を|涙|明言|宣言|約束|求め|けん制|非難|抗議|警戒|歓迎|評価|示|伝え|反論|一蹴|繰り返|"
    r"呼ん|認め|断言|疑問視|懸念|念を押|誓|供述|証言|釈明|謝罪|陳謝))"
)
# The verb of saying closing a quote, after `と` and a few words (`と涙ながらに語りました`).
_CUE_AFTER = lazy_re(
    r"[」』”]\s?(?:など)?と、?(?:(?P<take>し(?:て|た|、|ています|ている|ており))|"
    r"(?:[^、。「」]{0,12}?|[^。「」]{1,40}?[はがも](?:[^、。「」]{1,8}?[にで])?)"
    r"(?P<verb>述べ|語っ|語り|話し|強調し|訴え|指摘し|主張し|批判し|明らかにし|報じ|投稿し|"
    r"発表し|応じ|呼びかけ|警告し|反発し|表明し|説明し|答え|書き込み|書き込ん|ツイートし|"
    r"コメントし|否定し|明言し|宣言し|約束し|求め|けん制し|非難し|抗議し|歓迎し|評価し|伝え|"
    r"反論し|一蹴し|繰り返し|認め|断言し|誓っ|念を押し|明かし|発言し|振り返り|付け加え|"
    r"供述し|証言し|釈明し|謝罪し|陳謝し|漏らし|嘆い|嘆き|打ち明け"
    r"|(?P<stop>強調|指摘|主張|批判|非難|表明|説明|反論|否定|明言|発表|謝罪|陳謝)(?=[。．\s　]|$)))"
)
# What names an organisation written in brackets after it: `有力紙「ノヴァ・ガゼタ」は`.
_KIND_BEFORE = lazy_re(r"(?:紙|誌|社|局|団体|組織|研究所|シンクタンク|企業|グループ|党|番組|新聞|通信|"
                       r"機関|財団|協会|政党|ネットワーク|チャンネル|メーカー|会社|大手|業者)$")
PREAMBLE = lazy_re(
    r"(?:、|\d+日(?:夜|朝|午前|午後)?(?:の|に|、)?|(?:これまでに|改めて|さらに|そのうえで|"
    r"一方で?|また)、?|[^、。「」]{0,25}?(?:記者団|国民|記者|支持者|参加者)(?:ら)?に"
    r"(?:対し(?:て)?|向けて)、?|"
    r"[^、。「」]{0,25}?(?:記者会見|会見|演説|声明|インタビュー|会合|会談|ツイッター|SNS|議会|"
    r"テレビ|番組|談話|取材|会議|集会|式典|法廷|公判|裁判|審理|紙面|電子版|ウェブサイト|社説|報告書|リポート|レポート|"
    r"論文|文書|書簡)(?:では|で|の中で|に|を行い|し)、?)"
)
# A quote as a sentence of its own, said by the next one: `「…」。大統領は8日、こう述べました`.
# (An English quote may run into its sentence: `“We have nothing to hide,” 長官はこう述べた`.)
_SO_SAID = lazy_re(r"[」』”](?:。|(?<=”)\s+)(?P<before>[^。「」]{2,40}?(?=こう|そう)|[^。「」と]{2,40}?)(?:こう|そう)?(?P<verb>述べ|語っ|語り|話し|"
                   r"強調し|訴え|説明し|明かし|振り返り|切り出し|嘆き|嘆い|漏らし|打ち明け|"
                   r"投稿し|書き込ん|書き込み|反論し|答え|指摘し|批判し|非難し|明らかにし)")
# A quote said by the one named after `…と話すのは`: `「…」と話すのは、…80代の女性だ`.
_CLEFT = lazy_re(r"(?:など)?と(?:話す|語る|言う|いう|訴える|述べる|明かす|嘆く|笑う)のは、?"
                 r"(?P<np>[^。「」]{1,50}?)(?:だ|です|でした)(?:[。]|$)")
_TO_AFTER = lazy_re(r"(?<=”)\s?(?:など)?と、?|(?:など)?と、?")  # `“…,” と、` too
# An English quote's speaker: `“…,” said CEO Shogo Ogata at…`, `“…,” Trade Minister Osorio said`.
_EN_NAME = r"(?:(?:[A-Z][\w.'-]*|of|the)\s){0,5}[A-Z][\w.'-]*"
_SAID_EN = lazy_re(rf"\s*(?:(?:said|says|told)\s(?P<after>{_EN_NAME})(?![\w.'-])"
                   rf"|(?P<before>{_EN_NAME}|the\s[a-z]+(?:\s[a-z]+)?)\s(?:said|says|told))")
_PAREN_SPEAKER = lazy_re(rf"\s?[（(](?P<np>{NOUN}+(?:の{NOUN}+)?)[）)]")
_CLEFT_NP = lazy_re(rf"{NOUN}+(?:の{NOUN}+){{0,2}}$")
# A subject heading a relative clause before the quote (`大統領が示した和平案について「…」`).
_RELATIVE = lazy_re(r"[たるいだ](?:[\u4e00-\u9fff\u30a0-\u30ffー]+|こと)"
                    r"(?:について|に関して|をめぐ|を受け)")
# A quote whose verb of saying heads what the sentence is about: `…が「…」と批判したことについて`.
_TOLD_ABOUT = lazy_re(r"[」』”](?:など)?と(?:述べ|語っ|話し|言っ|批判し|主張し|指摘し|発言し|訴え|非難し|"
                      r"強調し|表明し|説明し|明らかにし|発表し)た(?:こと|の)?(?:について|に関して|に対し|"
                      r"を受け|をめぐ)")
# A subject inside what a question or a point is about, before the quote (`工場が再開できるか
# どうかについて「…」`, `避難が遅れたという指摘に対しては「…」`, `…のではないかと問われると「…」`).
_FRAMED = lazy_re(r"(?:[たるいだうく]|ない)(?:かどうか|のではないか|のか|か|こと|の)?(?:と|という|との)?"
                  r"(?:指摘|批判|質問|声|懸念|問い|意見)?(?:について|に関して|をめぐ|に対し|と問われ|と聞かれ)")
# After a bracket, what makes it a title or a name rather than words said.
_NAMED_AS = lazy_re(r"と(?:題|名付け|銘打|書かれ|記され|呼ばれ)")
# `Xを「…」として` and what is done to it (`捕虜を「戦犯」として再び拘束`): not a comma or `しています`
# of words said (`「…」として、`, `「…」としています`).
_AS_TERM = lazy_re(r"として(?![、，いおま]|[^。、]{0,12}(?:考え|方針|意向|姿勢))")
_TERM_MAX = 15  # a short quote not followed by a saying verb is a term (「テロ行為」だと)
_CONTEXT_STOP = "。"


@dataclass(frozen=True)
class Quote:
    """A quoted passage of paragraph `paragraph`, text = paragraph[start:end]."""

    text: str
    speaker: str
    speaker_key: str
    paragraph: int
    start: int
    end: int
    kind: str = "speech"  # or "term": a short quoted expression, not a statement
    broken: bool = False  # a bracket was missing in the source
    inferred: bool = False  # the speaker comes from an earlier sentence
    mode: str = "direct"  # or "headline": `岸田首相「…」`
    cue: str = ""  # the verb of saying after the quote (`述べ`, `強調`, `し`)


@dataclass
class _Span:
    start: int  # offset of the quoted text
    end: int
    open_at: int  # offset of the opening bracket (start when it was lost)
    close_at: int  # offset just past the closing bracket (end when it was lost)
    broken: bool


def _spans(text: str) -> list[_Span]:
    """Outermost bracketed spans; an unmatched 」 makes a span with a lost opening."""
    spans: list[_Span] = []
    stack: list[tuple[str, int]] = []
    pairs = {"」": "「", "』": "『", "”": "“"}
    skip = -1
    for i, ch in enumerate(text):
        if i <= skip:
            continue
        if ch in "「『" and not stack and (name_end := _name_end(text, i)) > 0:
            skip = name_end  # `シンクタンク「国際問題研究所」も`: a name, not a quote
            continue
        if ch in "「『“":
            stack.append((ch, i))
        elif ch in pairs:
            if stack and stack[-1][0] == pairs[ch]:
                _, at = stack.pop()
                if not stack:
                    spans.append(_Span(at + 1, i, at, i + 1, False))
            elif not stack and ch == "」":
                spans.append(_Span(-1, i, -1, i + 1, True))
    if stack:  # an opening bracket never closed: the quote runs to its saying verb
        _, at = stack[0]
        m = re.search(r"と(?:述べ|語|話|強調|訴え|指摘|主張)", text[at + 1:])
        end = at + 1 + m.start() if m else len(text)
        spans.append(_Span(at + 1, end, at, end, True))
    return spans


def _name_end(text: str, at: int) -> int:
    """The offset of the closing bracket when the bracket at `at` holds a name that is the
    subject of its sentence (`「国際問題研究所」も`), else -1."""
    m = BRACKETED.match(text, at)
    if m is None:
        owned = BRACKETED_OWNER.match(text, at)
        return _name_close(owned) if owned is not None and bracket_owner(owned) else -1
    np = bracketed_name(m)
    kind = classify_phrase(np)
    named = kind is not None or _KIND_BEFORE.search(text, max(0, at - 8), at) is not None
    # A sentence never opens with a quote as its topic: `「川辺町PTA」は声明を出し`.
    opening = (at == 0 or text[at - 1] in "。 　") and not re.search(r"[\u3041-\u309f]", np)
    return _name_close(m) if named or opening else -1


def _name_close(m: re.Match[str]) -> int:
    """The offset of the closing bracket of a bracketed name (「…」 or 『…』)."""
    return m.end("np") if m.group("np") else m.end("np2")


def _sentence_start(text: str, pos: int, floor: int) -> int:
    return max(text.rfind(_CONTEXT_STOP, floor, pos) + 1, floor)


def _lost_opening(text: str, span: _Span, floor: int) -> Speaker | None:
    """Place the start of a quote whose 「 was lost; returns its speaker (or None)."""
    first_stop = text.find("。", floor, span.end)
    found = subjects(text, floor, span.end)
    early = [s for s in found if first_stop < 0 or s.pos <= first_stop]
    speaker = pick(early, first=True) or pick(found, first=True)
    start = speaker.pos if speaker else _sentence_start(text, span.end, floor)
    while True:
        m = PREAMBLE.match(text, start, span.end)
        if not m or m.end() == start:
            break
        start = m.end()
    span.start = span.open_at = start
    return speaker


def _after_speaker(text: str, span: _Span) -> Speaker | None:
    """A subject named after the quote: `「…」と、ペスコフ報道官は述べ`, or in the next sentence
    that says so (`「…」。大統領は8日、こう述べました`)."""
    if so := _SO_SAID.match(text, span.close_at - 1):
        found = [s for s in subjects(text, so.start("before"), so.end("before")) if s.named]
        return pick(found, first=True)
    if paren := _paren_speaker(text, span):
        return paren
    if text[span.close_at - 1] == "”" and (en := _SAID_EN.match(text, span.close_at)):
        # `“…,” said CEO Shogo Ogata at…`, `“…,” Trade Minister Osorio said`
        np = en.group("after") or en.group("before")
        return Speaker(np, fold(np), not np[0].islower(), en.start())
    stop = text.find("。", span.close_at)
    tail_end = stop if stop >= 0 else len(text)
    if (cleft := _CLEFT.match(text, span.close_at)) and (
            np := _CLEFT_NP.search(cleft.group("np"))) and (who := classify_phrase(np.group())):
        return Speaker(who[0], who[1], who[2], cleft.start("np") + np.start())
    m = _TO_AFTER.match(text, span.close_at, tail_end)
    if not m:
        return None
    found = subjects(text, m.end(), min(tail_end, m.end() + 40))
    return found[0] if found and found[0].named else None


def _paren_speaker(text: str, span: _Span) -> Speaker | None:
    """The speaker written in brackets right after the quote (`「…」（岸田首相）`), or None."""
    m = _PAREN_SPEAKER.match(text, span.close_at)
    said = re.search(r"[\u3041-\u309f]", text[span.start:span.end]) is not None  # not a term
    who = classify_phrase(m.group("np")) if m and said else None
    return Speaker(who[0], who[1], who[2], m.start("np")) if m and who else None


def _bare_title(speaker: Speaker, last: Speaker) -> bool:
    """True when `speaker` is a title alone (`報道官`) that `last` carries."""
    return (speaker.display in TITLES and last.display != speaker.display
            and last.display.endswith(speaker.display))


def _is_term(text: str, span: _Span) -> bool:
    quoted = text[span.start:span.end]
    if _NAMED_AS.match(text, span.close_at) is not None:
        return True  # `「…」と題した報告書`, whatever its length
    if _SO_SAID.match(text, span.close_at - 1) is not None or _paren_speaker(text, span):
        return False
    if len(quoted) > _TERM_MAX or "。" in quoted:
        return False
    if span.open_at > 0 and text[span.open_at - 1] == "を" and _AS_TERM.match(text, span.close_at):
        return True  # `捕虜の一部を「戦犯」として拘束した`: what they are called, not words said
    return _SAYING.match(text, span.end) is None


def _cue(text: str, span: _Span) -> str:
    """The verb of saying after a quote as written (`述べ`, `語っ`), `し` for `…」としています`,
    or "" (`と肩を落としていました`)."""
    if span.close_at <= 0:
        return ""
    if so := _SO_SAID.match(text, span.close_at - 1):
        return so.group("verb")
    m = _CUE_AFTER.match(text, span.close_at - 1)
    if m is None:
        return ""
    return "し" if m.group("take") else m.group("stop") + "し" if m.group("stop") else m.group("verb")


def _paragraph_quotes(text: str, index: int, last: Speaker | None,
                      ) -> tuple[list[Quote], Speaker | None]:
    out: list[Quote] = []
    floor = 0
    headline: Speaker | None = None  # the speaker of the headline quote just before
    for span in _spans(text):
        inferred, mode, told_about = False, "direct", False
        if span.start < 0:
            speaker = _lost_opening(text, span, floor)
        elif headline is not None and not text[floor:span.open_at].strip(" 　、"):
            speaker, mode = headline, "headline"  # `Name「…」「…」`: both are the name's
        elif not span.broken and (speaker := speaker_before(text, span.open_at, text[span.start:span.end], floor)
                                  or speaker_after(text, span.open_at, span.close_at, floor)) is not None:
            mode = "headline"
        else:
            begin = _sentence_start(text, span.open_at, floor)
            before = [s for s in subjects(text, begin, span.open_at)
                      if s.topic or not (_RELATIVE.search(text, s.pos, span.open_at)
                                         or _FRAMED.search(text, s.pos, span.open_at))]
            speaker = pick(before) or _after_speaker(text, span)
            for s in subjects(text, floor, begin):
                if _carried(s):
                    last = s
            # Words told about (`首相は、野党党首が「…」と批判したことについて`) are said by the
            # subject of that clause; the topic goes on speaking after them.
            inner = [s for s in before if not s.topic and s.named and s.pos > (speaker.pos if speaker else -1)]
            if speaker is not None and inner and _TOLD_ABOUT.match(text, span.close_at - 1):
                if _carried(speaker):
                    last = speaker
                speaker, told_about = inner[-1], True
        # A person's short words closed by と are speech (`「怖い」と肩を落としていました`), not
        # a title or a name (`「…」と題した報告書`, `「…」と名付けた作戦`).
        said = (speaker is not None and speaker.person
                and re.match(r"(?:など)?と", text[span.close_at:]) is not None
                and _NAMED_AS.match(text, span.close_at) is None)
        term = mode != "headline" and not said and _is_term(text, span)
        if term and speaker is not None and not speaker.named:
            speaker = None
        if speaker is not None and last is not None and _bare_title(speaker, last):
            speaker, inferred = last, True  # `総裁は` after `バレンシア中央銀行総裁は`
        if speaker is None and not term and last is not None:
            speaker, inferred = last, True
        if speaker is not None and _carried(speaker) and not term and not told_about:
            last = speaker
        out.append(Quote(
            text=text[span.start:span.end], speaker=speaker.display if speaker else "",
            speaker_key=speaker.key if speaker else "", paragraph=index, start=span.start,
            end=span.end, kind="term" if term else "speech", broken=span.broken,
            inferred=inferred, mode=mode, cue=_cue(text, span),
        ))
        floor = span.close_at
        headline = speaker if mode == "headline" else None
    for s in subjects(text, floor):
        if _carried(s):
            last = s
    return out, last


def _carried(s: Speaker) -> bool:
    """True when `s` goes on speaking in later sentences: a person, or an organisation as the
    topic (`外務省は声明を発表しました。この中で「…」と非難`), also one that looks like a name
    (`東和電機は`)."""
    return s.person or (s.topic and (s.named or name_like(s.display)))


def extract_quotes(paragraphs: Sequence[str]) -> list[Quote]:
    """Every quote in `paragraphs` (the clips of a group or entry, in order), with speakers.

    A speaker named in one paragraph carries over to unattributed speech in the next ones.
    """
    out: list[Quote] = []
    last: Speaker | None = None
    for i, text in enumerate(paragraphs):
        found, last = _paragraph_quotes(text, i, last)
        out.extend(found)
    return out


def speaker_names(quotes: Iterable[Quote]) -> dict[str, str]:
    """For each speaker key, the fullest form it was written in (`ブリンケン国務長官`)."""
    best: dict[str, str] = {}
    for q in quotes:
        if q.speaker_key and len(q.speaker) > len(best.get(q.speaker_key, "")):
            best[q.speaker_key] = q.speaker
    return best


