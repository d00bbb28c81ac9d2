"""Quotes: 「…」 and 『…』 passages with their speaker (`ストルテンベルグ事務総長`).

The speaker is the subject of the sentence holding the quote (`Xは「…」と述べ`), else the
subject named after it (`「…」と、Xは述べ`), else, for speech continued in a later sentence or
paragraph (`そのうえで「…」と述べ`), the last speaker named before it. Real pages lose brackets:
a closing 」 with no opening 「 is a quote that starts after its speaker's `は` (and after a
preamble such as `7日の記者会見で`); an opening 「 that is never closed runs to its `と述べ`.

Speakers are normalised to a key: a titled person by name (`ブリンケン国務長官` and
`ブリンケン長官` are `ブリンケン`), anyone else by the phrase itself. Pure; never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kirinuki.text.normalize import fold

_TITLES = sorted((
    "国家主席", "国務長官", "官房長官", "事務総長", "事務局長", "国連大使", "報道官", "副大統領",
    "前大統領", "元大統領", "大統領", "副首相", "前首相", "元首相", "首相", "総理大臣", "総理",
    "外務大臣", "防衛大臣", "財務大臣", "農林水産大臣", "経済産業大臣", "厚生労働大臣",
    "文部科学大臣", "国土交通大臣", "環境大臣", "法務大臣", "総務大臣", "復興大臣",
    "デジタル大臣", "経済再生担当大臣", "総理大臣", "大臣", "長官", "次官", "大使", "議長", "委員長", "代表", "総裁",
    "知事", "市長", "幹事長", "書記長", "主席", "国王", "司令官", "参謀総長", "高等弁務官",
    "特使", "補佐官", "局長", "部長", "所長", "社長", "会長", "教授", "上院議員", "下院議員",
    "議員", "氏", "さん", "候補", "最高指導者", "指導者", "理事長", "団長", "報道局長",
    "外相", "国防相", "財務相", "経済相", "運輸相", "内相", "法相", "農相", "蔵相", "国務相",
), key=len, reverse=True)
_GENERIC_MINISTER = re.compile(r"[\u4e00-\u9fff]{1,3}相$")
_PERSON_NOUNS = (
    "男性", "女性", "住民", "市民", "関係者", "専門家", "研究者", "担当者", "幹部", "高官",
    "当局者", "弁護士", "弁護団", "妻", "夫", "家族", "母親", "父親", "一人", "学生", "支持者",
    "有権者", "医師", "代表団", "陣営", "農家", "アナリスト", "エコノミスト", "子ども", "職員",
    "兵士", "被害者", "遺族", "社員", "従業員", "労働者", "議員団",
)
_ORG_SUFFIXES = (
    "政府", "当局", "省", "府", "庁", "局", "軍", "機構", "機関", "委員会", "連合", "同盟", "党",
    "組合", "団体", "協会", "メディア", "通信", "新聞", "放送", "テレビ", "会議所", "警察",
    "検察", "裁判所", "議会", "銀行", "企業", "社", "大学", "研究所", "事務所", "監視団",
    "代表部", "国連", "連盟", "センター", "財団", "グループ", "政権", "首脳", "各国", "メーカー",
)
_NOUN = r"[\u4e00-\u9fff\u30a0-\u30ffー々〆A-Za-z0-9０-９Ａ-Ｚａ-ｚ・＝=]"
# A subject: a noun phrase (up to three segments joined by の) before は/が/も (or からは).
_SUBJECT = re.compile(
    rf"(?P<np>{_NOUN}+(?:の{_NOUN}+){{0,2}}(?:ら|たち)?)(?P<p>からは|からも|は|が|も)"
)
_SAYING = re.compile(
    r"[」』]?(?:など)?と(?:、)?(?:.{0,30}?)(?:述べ|語|話|強調|訴え|指摘|主張|批判|明らかに|報じ|投稿|"
    r"発表|応じ|呼びかけ|警告|反発|表明|説明|記者団|答え|書き込|ツイート|コメント|強調|否定|"
    r"声を|涙|明言|宣言|約束|求め|けん制|非難|抗議|警戒|歓迎|評価|示|伝え)"
)
_PREAMBLE = re.compile(
    r"(?:、|\d+日(?:夜|朝|午前|午後)?(?:の|に|、)?|(?:これまでに|改めて|さらに|そのうえで|"
    r"一方で?|また)、?|[^、。「」]{0,25}?(?:記者団|国民|記者|支持者|参加者)(?:ら)?に"
    r"(?:対し(?:て)?|向けて)、?|"
    r"[^、。「」]{0,25}?(?:記者会見|会見|演説|声明|インタビュー|会合|会談|ツイッター|SNS|議会|"
    r"テレビ|番組|談話|取材|会議|集会|式典|法廷)(?:で|の中で|に|を行い|し)、?)"
)
_NOT_SPEAKER = re.compile(r"^[0-9０-９]|^(?:今回|今年|去年|昨年|先月|今月|来月|先週|今週|来週|当時|"
                          r"現在|今後|これ|それ|一方|背景|理由|目的|結果|問題|状況|影響|情勢)")
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


@dataclass(frozen=True)
class Speaker:
    """A subject phrase and what it names."""

    display: str
    key: str
    person: bool
    pos: int  # offset just past the particle after it
    named: bool = True  # False for a subject of unknown kind (`ロシアは`)


def _split_title(segment: str) -> tuple[str, str]:
    """(name, title) of a titled segment, or ("", "") when it has no title."""
    for title in _TITLES:
        if segment.endswith(title):
            return segment[: -len(title)], title
    m = _GENERIC_MINISTER.search(segment)
    if m and len(segment) > 2:
        return segment[: m.start()], m.group()
    return "", ""


def classify_phrase(phrase: str) -> tuple[str, str, bool] | None:
    """(display, key, is_person) for a subject noun phrase, or None when it names no speaker.

    A titled person is keyed by name; a bare title or a common noun keeps its owner
    (`ナザルバーエフ氏の報道官`, `ソロヴェイ氏の妻`); an organisation is the last segment.
    """
    for tail in ("の間", "の中", "の側", "ら", "たち"):
        if phrase.endswith(tail) and len(phrase) > len(tail):
            phrase = phrase[: -len(tail)]
    segments = phrase.split("の")
    last = segments[-1]
    owner = segments[-2] + "の" if len(segments) > 1 and segments[-2] else ""
    name, title = _split_title(last)
    if title and name:
        return last, fold(name) if len(name) > 1 else fold(last), True
    if title:
        return owner + last, fold(owner + last), True
    if last.endswith(_PERSON_NOUNS):
        return owner + last, fold(owner + last), True
    if last.endswith(_ORG_SUFFIXES) or re.fullmatch(r"[A-Z][A-Z0-9]{1,6}", last):
        return last, fold(last), False
    return None


def _other(phrase: str) -> tuple[str, str] | None:
    """A subject that is neither a known title nor an organisation (`ロシア`), or None."""
    last = phrase.split("の")[-1]
    if len(last) < 2 or _NOT_SPEAKER.search(last):
        return None
    return last, fold(last)


def subjects(text: str, start: int = 0, end: int | None = None) -> list[Speaker]:
    """Subject phrases naming a speaker in text[start:end], in order."""
    out: list[Speaker] = []
    for m in _SUBJECT.finditer(text, start, len(text) if end is None else end):
        found = classify_phrase(m.group("np"))
        if found is not None:
            out.append(Speaker(found[0], found[1], found[2], m.end()))
        elif m.group("p") in ("は", "が") and (other := _other(m.group("np"))):
            out.append(Speaker(other[0], other[1], False, m.end(), named=False))
    return out


def _pick(candidates: list[Speaker], first: bool = False) -> Speaker | None:
    """The last (or first) person among `candidates`, else organisation, else other subject."""
    for tier in ([c for c in candidates if c.person],
                 [c for c in candidates if c.named and not c.person], candidates):
        if tier:
            return tier[0] if first else tier[-1]
    return None


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
    pairs = {"」": "「", "』": "『"}
    for i, ch in enumerate(text):
        if ch in "「『":
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


def _sentence_start(text: str, pos: int, floor: int) -> int:
    return max(text.rfind(_CONTEXT_STOP, floor, pos) + 1, floor)


def _lost_opening(text: str, span: _Span, floor: int) -> Speaker | None:
    """Place the start of a quote whose 「 was lost; returns its speaker (or None)."""
    first_stop = text.find("。", floor, span.end)
    found = subjects(text, floor, span.end)
    early = [s for s in found if first_stop < 0 or s.pos <= first_stop]
    speaker = _pick(early, first=True) or _pick(found, first=True)
    start = speaker.pos if speaker else _sentence_start(text, span.end, floor)
    while True:
        m = _PREAMBLE.match(text, start, span.end)
        if not m or m.end() == start:
            break
        start = m.end()
    span.start = span.open_at = start
    return speaker


def _after_speaker(text: str, span: _Span) -> Speaker | None:
    """A subject named after the quote: `「…」と、ペスコフ報道官は述べ`."""
    stop = text.find("。", span.close_at)
    tail_end = stop if stop >= 0 else len(text)
    m = re.match(r"(?:など)?と、?", text[span.close_at:tail_end])
    if not m:
        return None
    found = subjects(text, span.close_at + m.end(), min(tail_end, span.close_at + m.end() + 40))
    return found[0] if found and found[0].person else None


def _bare_title(speaker: Speaker, last: Speaker) -> bool:
    """True when `speaker` is a title alone (`報道官`) that `last` carries."""
    return (speaker.display in _TITLES and last.display != speaker.display
            and last.display.endswith(speaker.display))


def _is_term(text: str, span: _Span) -> bool:
    quoted = text[span.start:span.end]
    if len(quoted) > _TERM_MAX or "。" in quoted:
        return False
    return _SAYING.match(text, span.end) is None


def _paragraph_quotes(text: str, index: int, last: Speaker | None,
                      ) -> tuple[list[Quote], Speaker | None]:
    out: list[Quote] = []
    floor = 0
    for span in _spans(text):
        inferred = False
        if span.start < 0:
            speaker = _lost_opening(text, span, floor)
        else:
            begin = _sentence_start(text, span.open_at, floor)
            before = subjects(text, begin, span.open_at)
            speaker = _pick(before) or _after_speaker(text, span)
            for s in subjects(text, floor, begin):
                if s.person:
                    last = s
        term = _is_term(text, span)
        if term and speaker is not None and not speaker.named:
            speaker = None
        if speaker is not None and last is not None and _bare_title(speaker, last):
            speaker, inferred = last, True  # `総裁は` after `バレンシア中央銀行総裁は`
        if speaker is None and not term and last is not None:
            speaker, inferred = last, True
        if speaker is not None and speaker.person and not term:
            last = speaker
        out.append(Quote(
            text=text[span.start:span.end], speaker=speaker.display if speaker else "",
            speaker_key=speaker.key if speaker else "", paragraph=index, start=span.start,
            end=span.end, kind="term" if term else "speech", broken=span.broken,
            inferred=inferred,
        ))
        floor = span.close_at
    for s in subjects(text, floor):
        if s.person:
            last = s
    return out, last


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


_RUN = re.compile(rf"{_NOUN}+")


def people_named(text: str) -> dict[str, str]:
    """Titled people named anywhere in `text` (`プーチン大統領`), key → display."""
    out: dict[str, str] = {}
    for m in _RUN.finditer(text):
        name, title = _split_title(m.group())
        if name and title:
            found = classify_phrase(m.group())
            if found is not None:
                out.setdefault(found[1], found[0])
    return out


def speaker_key(name: str) -> str:
    """The key of a speaker written as `name` (`ブリンケン長官` → `ブリンケン`)."""
    found = classify_phrase(name.strip())
    return found[1] if found else fold(name.strip())
