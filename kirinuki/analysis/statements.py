"""Statements: who said what, quoted or reported.

A statement is a span of a paragraph with its speaker, the verb of saying (cue) and its mode:

* **direct**: a quote 「…」, 『…』 or “…” attributed in its sentence (`Xは「…」と述べ`);
* **headline**: a quote with its speaker written right before it (`岸田首相「…」`);
* **reported**: reported speech, the commonest way Japanese news attributes a statement:
  `ペスコフ報道官は、7日、プーチン大統領が…会談したと明らかにし` (the span runs from after the
  speaker and the preamble to the `と` before the cue: `明らかにし`, `述べ`, `発表し`, `指摘し`,
  `強調し`, `伝え`, `主張し`, `非難し`, `表明し`, `説明し`, `語っ`, `報じ`, `…との考えを示し`,
  `…としています`).

The speaker of reported speech is the topic of its sentence (`Xは`; one right after it is
part of what was said), else the informant (`Xによりますと`), else the speaker of the statement
before it in the same clips (a statement continued: `そのうえで…と強調しました`). Quotes come from `quotes.extract_quotes`. Pure; never
raises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from kirinuki.analysis.naming import titles_named
from kirinuki.analysis.quotes import PREAMBLE, Quote, extract_quotes
from kirinuki.analysis.speakers import (
    NOUN,
    Speaker,
    classify_phrase,
    name_like,
    subjects,
)
from kirinuki.text.lazyre import lazy_re
from kirinuki.text.normalize import fold

DIRECT, HEADLINE, REPORTED = "direct", "headline", "reported"
MODES = (DIRECT, HEADLINE, REPORTED)

# The cue of reported speech, after `と` (`…と明らかにしました`) or `ことを` / `との…を`.
# A few words between `と` and the verb: `と改めて強調しました`, `と不安そうに語りました`.
_ADVERB = r"(?:[^、。「」と]{1,8}?(?:そうに|ように|く|に|て|で))?"
_REPORTED = lazy_re(
    rf"(?:など)?と、?{_ADVERB}(?P<verb>明らかにし|述べ|発表し|指摘し|強調し|伝え|主張し|非難し|"
    r"表明し|説明し|語っ|語り|報じ"
    # A headline or a wire item stops at the noun: `…を制圧したと発表。`, `…と明らかに`.
    r"|(?P<stop>明らかに|発表|指摘|強調|主張|非難|表明|説明)(?=[。．\s　]|$))"
    r"|(?P<view>(?:との|(?<=[うくぐすつぬぶむるいただ]))考えを(?:示し|明らかにし|表明し|強調し))"
    r"|(?P<fact>ことを(?:明らかにし|発表し|伝え|報じ|表明し))"
    # (not an attempt: `離陸しようとした旅客機`)
    r"|(?<=[うくぐすつぬぶむるいただず])(?<!よう)(?P<take>と(?:して(?:います|いる|おり)|した|し、))"
    # The speaker after the statement: `…あふれていると、カルドニアの赤十字社は明らかにしました`.
    r"|と、(?P<after>[^、。「」]{2,30}?(?:は|が))(?P<late>明らかにし|述べ|発表し|指摘し|強調し|"
    r"伝え|主張し|非難し|表明し|説明し|語っ|語り|報じ)"
)
# A headline or an item opening with its subject and a comma: `【速報】国防省、`, `2. Xの首相、`.
_HEAD_NAME = lazy_re(r"\s*(?:【[^】]{1,12}】|[0-9０-９]{1,3}[.．)）]\s*)?(?P<np>[^、。「」\s]{2,30}?)、")
# An informant: `内務省によりますと`, `関係者によると`.
_INFORMANT = lazy_re(r"(?P<np>[^、。「」\s]{2,30}?)(?:によりますと|によると|によれば)")
_CLOSERS = "」』”"
# Dates and adverbs before reported speech: `7日、`, `これまでに`, `そのうえで`.
# A day is a lead only when what follows is not its own (`14日までの1週間に…` is what was said).
_LEAD = lazy_re(r"(?:[0-9０-９]+日(?:夜|朝|未明|午前|午後|夕方?|深夜|早朝|昼(?:前|過ぎ)?)?(?:に)?"
                r"(?!まで|から|より)|これまでに|改めて|さらに|"
                r"そのうえで|一方で?|また|これに対し(?:て)?|これを受けて|"
                r"[^、。「」]{2,40}?(?:について|に関して|をめぐって|をめぐり)、|"
                r"[^、。「」]{2,20}?の話として、|"
                # Another deed of the speaker first: `…感謝の意を表明したうえで、…と述べた`
                # (not one with its own subject: `飼育員がおりを掃除したあと、` is what was said).
                r"[^、。「」が]{2,40}?(?:たうえで|た上で|たあとで?|た後で?)、|"
                r"[、，])[、，]?")
_DAY_AFTER = lazy_re(r"、?[0-9０-９]{1,2}日(?:夜|朝|未明|午前|午後|夕方?|深夜|早朝)?、")
_COMMA = lazy_re(r"[、，]")
_MIN_SPAN = 6  # characters: shorter reported spans are phrases, not statements
_MIN_VIEW = 4  # before `考えを示し`, a deed is a stance (`拒否する考えを示しました`)


@dataclass(frozen=True)
class Statement:
    """A statement of paragraph `paragraph`: text = paragraph[start:end]."""

    text: str
    speaker: str
    speaker_key: str
    paragraph: int
    start: int
    end: int
    mode: str  # direct, headline or reported
    cue: str  # the verb of saying, polite past (`述べました`, `考えを示しました`, `としています`)
    inferred: bool = False  # the speaker comes from an earlier statement
    broken: bool = False  # a bracket was missing in the source


def _from_quote(q: Quote) -> Statement:
    headline = q.mode == "headline"
    return Statement(q.text, q.speaker, q.speaker_key, q.paragraph, q.start, q.end,
                     HEADLINE if headline else DIRECT, "" if headline else polite(q.cue),
                     q.inferred, q.broken)


def _cue(m: re.Match[str]) -> tuple[int, str]:
    """(offset where the cue starts, the cue as written) of a reported-speech match."""
    if m.group("stop"):
        return m.start(), m.group("stop") + "し"
    for name in ("verb", "view", "fact", "take", "late"):
        if m.group(name):
            cue = m.group(name)
            if name == "view":
                return m.start(), cue.removeprefix("との")
            if name == "fact":
                return m.start(), cue[3:]
            if name == "take":
                return m.start(), "し"
            return m.start(), cue
    return m.start(), ""


_POLITE = {"し": "としています", "語っ": "語りました", "語り": "語りました", "話し": "話しました",
           "書き込ん": "書き込みました", "書き込み": "書き込みました", "誓っ": "誓いました",
           "考えを示し": "考えを示しました", "嘆い": "嘆きました"}


def polite(cue: str) -> str:
    """The cue in its polite past form, as statements are listed (`述べ` → `述べました`,
    `考えを表明し` → `表明しました`, `し` → `としています`)."""
    if not cue:
        return ""
    cue = cue.removeprefix("考えを") if cue != "考えを示し" else cue
    return _POLITE.get(cue) or cue + "ました"


def _speaker(text: str, start: int, end: int) -> Speaker | None:
    """The speaker of reported speech in text[start:end]: the last topic (`Xは`) naming a
    person, else an organisation (`政府は…進め、内務省は…としています`), else a topic that
    opens the sentence or looks like a name (`大洋乳業は、…と明らかに`, `ロシアは、…軍が…と主張`),
    else the first subject naming one (`大統領府が、大統領が…と会談したと発表`), else the
    informant (`Xによりますと`). A topic right after another (`内務省は、報道官は辞任したと発表`)
    is part of what was said; names joined by と before the topic speak with it."""
    found = _outer(text, subjects(text, start, end))
    first = _opening(text, start, end)
    people = [s for s in found if s.topic and s.person]
    if people:
        return people[-1]
    bodies = [s for s in found if s.topic and s.named]
    if bodies:
        return _joint(text, bodies[-1], first)
    named = [s for s in found if s.named]
    # A topic of unknown kind right before a day (`東栄化成は7日、…と発表`) acts on that day, and
    # one opening the sentence is the subject of its verb of saying (`大洋乳業は、…と明らかに`).
    opening = [s for s in found if s.topic and not s.named
               and (name_like(s.display) or _DAY_AFTER.match(text, s.pos) or _opens(text, s, first))]
    if opening and (not named or opening[0].pos < named[0].pos):
        return _joint(text, opening[0], first)
    if named:  # no topic: the first subject; later ones head embedded clauses
        return named[0]
    if m := _HEAD_NAME.match(text, start, end):  # `3. 国防省、…と発表`: a headline's subject
        head = classify_phrase(m.group("np"))
        if head is not None:
            return Speaker(head[0], head[1], head[2], m.end())
    m = _INFORMANT.search(text, start, end)
    if m is not None:
        informant = classify_phrase(m.group("np").split("、")[-1])
        if informant is not None:
            return Speaker(informant[0], informant[1], informant[2], m.end())
    return None


def _joint(text: str, topic: Speaker, first: int) -> Speaker:
    """`topic` with the names joined to it by と when they open the sentence with it
    (`東和電機と北斗精工は`, `あおば銀行とみどり信用金庫は`: both speak)."""
    if topic.begin <= first or not _opens(text, topic, first):
        return topic
    m = _JOINT.fullmatch(text, first, topic.begin)
    # What each is (`電機大手の`) is no part of the names: `東和電機と北斗精工`.
    joint = m.group("name") + "と" + topic.display if m else text[first:topic.pos - len(topic.particle)]
    return replace(topic, display=joint, key=fold(joint), begin=first)


def _outer(text: str, found: list[Speaker]) -> list[Speaker]:
    """`found` without the topics that follow another topic with only the occasion between
    (`ベルカ政府は8日、ハルモ外相は…と発表`: the minister is what the government said)."""
    out: list[Speaker] = []
    topic: Speaker | None = None
    for s in found:
        if (topic is not None and s.topic and s.begin >= topic.pos
                and not re.search("[、。]", text[_skip_preamble(text, topic.pos, s.begin):s.begin])):
            continue
        out.append(s)
        if s.topic and topic is None:
            topic = s
    return out


# A list item's number or a headline's mark before a sentence (`5. `, `【速報】`).
_ITEM_MARK = lazy_re(r"\s*(?:【[^】]{1,12}】|[0-9０-９]{1,3}[.．)）]|[▽▼・■◆●○◇□★])?\s*")
# Names joined by と before a topic: `東和電機と`, `あおば銀行と`, each name perhaps after what it
# is (`電機大手の東和電機と精密機器メーカーの`).
_JOINT = lazy_re(rf"(?:{NOUN}{{1,12}}の)?(?P<name>(?:[\u3041-\u309f]{{2,6}}(?={NOUN}))?{NOUN}{{1,20}})と"
                 rf"(?:{NOUN}{{1,10}}の)?")
# What a topic names when it is a thing told about, not a body (`調査結果は、…としています`).
_THING = lazy_re(r"(?:結果|原因|計画|方針|対策|時期|期間|内容|措置|予定|目標|見通し|理由|背景|問題|"
                 r"事故|事件|被害|判断|決定|合意|規制|制度|法案|予算|価格|値段|料金|数|量|額|率)$")
_KANA_OR_LATIN = lazy_re(r"[\u30a1-\u30faA-Za-zＡ-Ｚａ-ｚ]")
# A lead that goes on with the speaker of the sentence before.
_GOING_ON = lazy_re(r"(?:そのうえで|その上で)、?$")
# An opening bracket not closed before a point: the point is inside a quote.
_QUOTED_BEFORE = lazy_re(r"[「『“][^」』”]*$")


def _opening(text: str, start: int, end: int) -> int:
    """The offset of the sentence's first phrase, past an item mark and the leads (`5. `,
    `一方、`, `7日、`)."""
    mark = _ITEM_MARK.match(text, start, end)
    return _skip_preamble(text, mark.end() if mark else start, end)


def _opens(text: str, s: Speaker, first: int) -> bool:
    """True when topic `s` opens its sentence (alone or after names joined by と), the
    sentence not starting inside a quote (`…。検証は必ず行う」と述べ、…`)."""
    if s.begin != first and not _JOINT.fullmatch(text, first, max(first, s.begin)):
        return False
    if _GOING_ON.search(text, 0, first):  # `そのうえで、宣言の期間は…と説明`: the same speaker
        return False
    if _THING.search(s.display) or (len(s.display) < 3 and not _KANA_OR_LATIN.search(s.display)
                                    and not s.named and not name_like(s.display)):
        return False  # `今回の措置は、…と説明`: a thing, not who speaks (names are longer)
    before = text[first:s.begin]
    return sum(map(before.count, "」』”")) <= sum(map(before.count, "「『“")) and not _QUOTED_BEFORE.search(
        text, 0, first)


# What a statement is about, named by a noun (`事故の原因について、`, `8日の空爆について、`): part
# of what was said, where a clause made a noun (`…を閉鎖したことについて、`) is what it answers.
_ABOUT = lazy_re(r"[^、。「」]{1,40}?(?<!こと)(?<![たるう])(?:について|に関して|をめぐって|をめぐり)、")


def _skip_preamble(text: str, start: int, end: int, about: bool = False) -> int:
    """Past the date and the occasion before reported speech (`7日、`, `記者会見で、`): only
    what ends in a comma, so that `電話で会談した` stays part of what was said; with `about`,
    not past what the statement is about (`事故の原因について、`)."""
    while start < end:
        if about and _ABOUT.match(text, start, end):
            break
        lead = _LEAD.match(text, start, end)
        m = lead or PREAMBLE.match(text, start, end)
        if not m or m.end() == start or (m is not lead and (
                text[m.end() - 1] != "、" or "が" in m.group())):
            break  # `電話で会談し` or `大統領が…会談し、` is what was said
        start = m.end()
    return start


# What follows a quote up to the cue of reported speech when the quote's own cue is all of it.
_QUOTE_CUE = lazy_re(r"[」』”](?:など)?と、?(?:述べ|語っ|話し|強調し|訴え|指摘し|主張し|説明し|明らかにし|"
                     r"証言し|供述し|発言し|批判し|非難し|認め|明かし|漏らし|書き込ん|投稿し)(?:た|ている|ていた)")


_PERIOD = lazy_re(r"。|．(?![0-9０-９])")  # a full-width period, not a decimal point (`０．５％`)


def _sentence_start(text: str, at: int) -> int:
    """The start of the sentence holding offset `at`."""
    start = text.rfind("。", 0, at) + 1
    if "．" in text:
        for m in _PERIOD.finditer(text, start, at):
            start = m.end()
    return start


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _reported(text: str, index: int, quotes: Sequence[Statement]) -> list[Statement]:
    """Reported speech in one paragraph (not inside quotes nor the cue of one)."""
    quoted = [(q.start, q.end) for q in quotes]
    ends = sorted(q.end for q in quotes)
    out: list[Statement] = []
    sentence = 0
    for m in _REPORTED.finditer(text):
        at, cue = _cue(m)
        if _inside(at, quoted) or (at > 0 and text[at - 1] in _CLOSERS):
            continue  # a quote's own cue, or a cue quoted
        sentence = _sentence_start(text, at)
        # A quote whose own cue is all that stands before this one is part of what is reported
        # (`国営通信は、大統領が…「…」と述べたと伝えました`).
        floor = max([sentence, *(e for e in ends if e <= at and not _QUOTE_CUE.fullmatch(text, e, at))])
        floor = max([floor, *(o.end + 1 for o in out if o.end <= at)])
        if floor > sentence:  # after an earlier statement: past its cue and comma
            comma = _COMMA.search(text, floor, at)  # `、` or a full-width comma `，`
            floor = comma.end() if comma else floor
        speaker = _speaker(text, sentence, at)
        if m.group("after"):  # named after what was said
            speaker = _speaker(text, m.start("after"), m.end("after")) or speaker
        held = [q for q in quotes if sentence <= q.start and q.end <= at
                and _QUOTE_CUE.fullmatch(text, q.end, at)]
        if held and (speaker is None or any(q.speaker_key == speaker.key for q in held)):
            continue  # `首相は「…」と述べたと伝えました`: the quote's own words, no report of them
        start = max(floor, speaker.pos) if speaker and speaker.pos <= at else floor
        start = _skip_preamble(text, start, at, about=True)
        if at - start < (_MIN_VIEW if m.group("view") else _MIN_SPAN) or text[start] in _CLOSERS:
            continue  # too short, or a quote's cue (`」と供述している`)
        out.append(Statement(text[start:at], speaker.display if speaker else "",
                             speaker.key if speaker else "", index, start, at, REPORTED,
                             polite(cue)))
    return out


def extract_statements(paragraphs: Sequence[str]) -> list[Statement]:
    """Every statement in `paragraphs` (the clips of a group, in order), quoted or reported,
    with its speaker; a statement with no speaker of its own takes the one before it."""
    quotes = [_from_quote(q) for q in extract_quotes(paragraphs) if q.kind == "speech"]
    out: list[Statement] = []
    for i, text in enumerate(paragraphs):
        mine = [q for q in quotes if q.paragraph == i]
        out.extend(mine)
        out.extend(_reported(text, i, mine))
    out.sort(key=lambda s: (s.paragraph, s.start))
    out = titles_named(paragraphs, out)
    last: Statement | None = None
    named: list[tuple[int, int, Speaker]] | None = None
    for k, s in enumerate(out):
        if not s.speaker:
            if named is None:
                named = [(i, p.pos, p) for i, text in enumerate(paragraphs)
                         for p in subjects(text)
                         if p.topic and (p.named or name_like(p.display))]
            # The person named last before it, when named after the statement before
            # (`ミルザ経済相は4日、記者会見しました。この中で、…と表明し`).
            person = [p for i, pos, p in named if (i, pos) <= (s.paragraph, s.start)
                      and (last is None or (i, pos) > (last.paragraph, last.end))]
            if person:
                out[k] = replace(s, speaker=person[-1].display, speaker_key=person[-1].key,
                                 inferred=True)
            elif last is not None:
                out[k] = replace(s, speaker=last.speaker, speaker_key=last.speaker_key,
                                 inferred=True)
        if out[k].speaker:
            last = out[k]
    return out
