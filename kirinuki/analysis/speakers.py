"""Speakers: who a subject phrase names (`ブリンケン国務長官`, `外務省`, `地元の住民`).

A titled person is keyed by name (`ブリンケン国務長官` and `ブリンケン長官` are `ブリンケン`),
anyone else by the phrase itself. `subjects` finds the subject phrases of a text (a noun phrase
before は, が or も). Pure; never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kirinuki.text.lazyre import lazy_re
from kirinuki.text.normalize import fold

TITLES = sorted((
    "国家主席", "国務長官", "官房長官", "事務総長", "事務局長", "国連大使", "報道官", "副大統領",
    "前大統領", "元大統領", "大統領", "副首相", "前首相", "元首相", "首相", "総理大臣", "総理",
    "外務大臣", "防衛大臣", "財務大臣", "農林水産大臣", "経済産業大臣", "厚生労働大臣",
    "文部科学大臣", "国土交通大臣", "環境大臣", "法務大臣", "総務大臣", "復興大臣",
    "デジタル大臣", "経済再生担当大臣", "総理大臣", "大臣", "長官", "次官", "大使", "議長", "委員長", "代表", "総裁",
    "知事", "市長", "幹事長", "書記長", "主席", "国王", "司令官", "参謀総長", "高等弁務官",
    "特使", "補佐官", "局長", "部長", "所長", "社長", "会長", "教授", "上院議員", "下院議員",
    "議員", "氏", "さん", "候補", "最高指導者", "指導者", "理事長", "団長", "報道局長",
    "外相", "国防相", "財務相", "経済相", "運輸相", "内相", "法相", "農相", "蔵相", "国務相",
    "顧問", "広報官", "報道担当者", "研究員", "委員", "党首", "裁判長", "外交官", "総長",
    "最高経営責任者", "CEO", "頭取", "副頭取", "常務", "専務", "取締役", "副社長", "理事",
    "支店長", "院長", "校長", "署長", "町長", "村長", "区長", "副知事", "副市長", "審議官",
    "参事官", "総領事", "領事", "公使", "広報担当者", "担当相", "担当大臣", "事務次長", "次長",
    "副長官", "事務次官", "組合長", "調査官", "室長", "課長", "館長", "園長", "学長", "本部長",
    "隊長", "機長", "船長", "駅長", "工場長",
    # Session 19: local assembly members, captains, heads of chambers and shops, royals, clergy.
    "市議", "県議", "都議", "府議", "町議", "村議", "区議", "主将", "会頭", "店長", "支配人",
    "編集長", "座長", "首長", "教皇", "法王", "司教", "皇太子", "王子", "王女", "横綱", "親方",
    # Session 20: clergy of temples and shrines.
    "住職", "宮司", "神父", "牧師",
    # Session 21: military and police ranks, the law, schools, offices and crowns.
    "大佐", "中佐", "少佐", "大尉", "中尉", "少尉", "大将", "中将", "少将", "准将", "元帥", "軍曹",
    "艦長", "提督", "参謀長", "指揮官", "消防長", "警部", "警部補", "警視", "警視総監", "警視正",
    "巡査部長", "検事", "検事正", "判事", "講師", "准教授", "助教", "教諭", "教頭", "係長", "主任",
    "執行役員", "政務官", "次官補", "書記官", "枢機卿", "女王", "元首", "博士",
), key=len, reverse=True)
_TITLE_AT_END = lazy_re("(?:" + "|".join(map(re.escape, TITLES)) + ")$")
# A minister by portfolio (`運輸相`), a loanword in it too (`青年スポーツ相`, `エネルギー相`).
_GENERIC_MINISTER = lazy_re(r"(?:[\u4e00-\u9fff]{1,3}|[\u4e00-\u9fff]{0,3}[\u30a1-\u30faー]{2,6})相$")
_PERSON_NOUNS = (
    "男性", "女性", "住民", "市民", "関係者", "専門家", "研究者", "担当者", "幹部", "高官",
    "当局者", "弁護士", "弁護団", "妻", "夫", "家族", "母親", "父親", "一人", "学生", "支持者",
    "有権者", "医師", "代表団", "陣営", "農家", "アナリスト", "エコノミスト", "子ども", "職員",
    "兵士", "被害者", "遺族", "社員", "従業員", "労働者", "議員団", "記者", "特派員", "隊員",
    "選手", "監督", "目撃者", "関係筋", "外交筋", "消息筋", "情報筋",
    # People a story is about, who speak in quotes and headlines (`被災者「…」`, `容疑者の男は`).
    "被災者", "避難者", "乗客", "乗員", "容疑者", "被告", "原告", "患者", "住人", "参加者",
    "利用者", "消費者", "若者", "高齢者", "保護者", "当事者", "経営者", "責任者", "識者", "店主",
    "漁師", "生徒", "児童", "作業員", "男", "女", "漁業者", "生産者", "事業者", "農業者",
    # Session 21: more people who speak in news: trades, officers, the public, families.
    "警察官", "検察官", "裁判官", "弁護人", "看護師", "保育士", "作家", "俳優", "歌手",
    "アナウンサー", "店員", "主婦", "公務員", "猟師", "ガイド", "運転手", "パイロット", "乗務員",
    "駅員", "消防士", "自衛官", "戦闘員", "生存者", "避難民", "難民", "移民", "負傷者", "観光客",
    "通行人", "買い物客", "来場者", "ファン", "投資家", "トレーダー", "高校生", "中学生",
    "小学生", "息子", "娘", "祖母", "祖父", "女児", "男児", "少年", "少女", "夫婦", "親族", "同僚",
    "友人", "知人", "隣人", "オーナー", "創業者",
)
_ORG_SUFFIXES = (
    "政府", "当局", "省", "府", "庁", "局", "軍", "機構", "機関", "委員会", "連合", "同盟", "党",
    "組合", "団体", "協会", "メディア", "通信", "新聞", "放送", "テレビ", "会議所", "警察",
    "検察", "裁判所", "議会", "銀行", "企業", "社", "大学", "研究所", "事務所", "監視団",
    "代表部", "国連", "連盟", "センター", "財団", "グループ", "政権", "首脳", "各国", "メーカー",
    "シンクタンク", "司令部", "本部", "部隊", "紙", "誌", "戦線", "勢力", "組織", "赤十字社",
    "赤十字",
    # Session 20: councils and associations (`PTA連合会`, `被害者家族会`).
    "連合会", "協議会", "連絡会", "審議会", "評議会", "家族会", "保護者会", "自治会", "町内会", "PTA",
    "寺", "神社", "寺院", "教会", "通信社", "ニュース", "タイムズ",
)
# An organisation or person named in brackets: `シンクタンク「国際問題研究所」も`, and in double
# brackets as some pages write companies (`交換業者『ミナモ』は`).
BRACKETED = lazy_re(r"(?:「(?P<np>[^「」『』、。\s]{2,20})」|『(?P<np2>[^「」『』、。\s]{2,20})』)"
                    r"(?P<p>からは|からも|は|が|も)")
# A person of an organisation named in brackets: `援助団体「緑の大地」の代表は`.
BRACKETED_OWNER = lazy_re(r"(?:「(?P<np>[^「」『』、。\s]{2,20})」|『(?P<np2>[^「」『』、。\s]{2,20})』)の"
                          r"(?P<title>[^「」『』、。\sのはがも]{1,8}?)(?P<p>は|が|も)")


def bracketed_name(m: re.Match[str]) -> str:
    """The name of a `BRACKETED` or `BRACKETED_OWNER` match, in 「」 or 『』."""
    return m.group("np") or m.group("np2")
NOUN = r"[\u4e00-\u9fff\u30a0-\u30ffー々〆A-Za-z0-9０-９Ａ-Ｚａ-ｚ・＝=]"
# A subject: a noun phrase (up to three segments joined by の) before は/が/も (or からは).
_SUBJECT = lazy_re(
    rf"(?P<np>{NOUN}+(?:の{NOUN}+){{0,2}}(?:さん|ら|たち)?)(?:[（(][0-9０-９]{{1,3}}歳?[）)])?"
    r"(?P<p>からは|からも|は|が|も)"
)  # (the age newspapers write after a person: `田中花子さん（72）は`)
_NOT_SPEAKER = lazy_re(r"^[0-9０-９]|^(?:今回|今年|去年|昨年|先月|今月|来月|先週|今週|来週|当時|"
                       r"現在|今後|これ|それ|一方|背景|理由|目的|結果|問題|状況|影響|情勢|"
                       r"声明|談話|コメント|報告書|書簡|文書|発表|見解)")

@dataclass(frozen=True)
class Speaker:
    """A subject phrase and what it names."""

    display: str
    key: str
    person: bool
    pos: int  # offset just past the particle after it
    named: bool = True  # False for a subject of unknown kind (`ロシアは`)
    particle: str = "は"  # は, が, も, からは …: a topic (は, も) is the speaker of its sentence
    begin: int = -1  # offset of the phrase (-1 when not known)

    @property
    def topic(self) -> bool:
        """True for the topic of a sentence (`Xは`, `Xも`), not the subject of a clause."""
        return self.particle != "が"


def split_title(segment: str) -> tuple[str, str]:
    """(name, title) of a titled segment, or ("", "") when it has no title."""
    m = _TITLE_AT_END.search(segment)
    if m:  # the longest title (alternatives are longest first)
        return segment[: m.start()], m.group()
    m = _GENERIC_MINISTER.search(segment)
    if m and len(segment) > 2:
        return segment[: m.start()], m.group()
    return "", ""


# Pure, and news repeats its subjects (titles, ministries, the same people): a journal's
# analysis asks about the same phrases again and again (entry features, statements).
@lru_cache(maxsize=1 << 16)
def classify_phrase(phrase: str) -> tuple[str, str, bool] | None:
    """(display, key, is_person) for a subject noun phrase, or None when it names no speaker.

    A titled person is keyed by name; a bare title or a common noun keeps its owner
    (`ナザルバーエフ氏の報道官`, `ソロヴェイ氏の妻`); an organisation is the last segment.
    """
    if phrase.endswith("弁護側"):  # the defence in a trial (`検察側` is the prosecution's office)
        return phrase, fold(phrase), True
    for tail in ("の間", "の中", "の側", "側", "ら", "たち"):
        if phrase.endswith(tail) and len(phrase) > len(tail):
            phrase = phrase[: -len(tail)]
    segments = phrase.split("の")
    if len(segments) > 1 and segments[-1] in _DOCUMENTS and segments[-2]:
        return classify_phrase("の".join(segments[:-1]))  # `外務省の声明は「…」`: the ministry
    last = segments[-1]
    owner = segments[-2] + "の" if len(segments) > 1 and segments[-2] else ""
    name, title = split_title(last)
    if title and name:
        return last, fold(name) if len(name) > 1 else fold(last), True
    if title:
        return owner + last, fold(owner + last), True
    if last.endswith(_PERSON_NOUNS) or (owner and _ONE_OF.fullmatch(last)):
        return owner + last, fold(owner + last), True  # `乗客の1人`: one of them speaks
    if last in ("ニュース", "タイムズ"):
        return None  # a news item, not the agency (`聯合ニュース`)
    if last.endswith(_ORG_SUFFIXES) or re.fullmatch(r"[A-Z][A-Z0-9]{1,6}", last):
        return last, fold(last), False
    return None


_ONE_OF = lazy_re(r"[1１]人")
# What a body or a person issues, standing for it as a subject (`外務省の声明は`, `社長の談話は`).
_DOCUMENTS = frozenset(("声明", "談話", "声明文", "コメント", "報告書", "書簡", "文書", "発表", "見解"))


def _other(phrase: str) -> tuple[str, str] | None:
    """A subject that is neither a known title nor an organisation (`ロシア`, `県`), or None."""
    last = phrase.split("の")[-1].lstrip("・")
    if (len(last) < 2 and last not in _BARE_PLACES) or _NOT_SPEAKER.search(last):
        return None
    return last, fold(last)


_BARE_PLACES = frozenset("県市町村区州都府国")  # `県は…と発表しました`: the prefecture's office
# What names a speaker though `classify_phrase` does not know it: a country or a place with its
# suffix (`ロシア`, `北原市`, `グランサ州`), a paper (`米紙ポスト・ベルカ`), a court, police,
# an embassy or a company by its trade (`東坂地裁`, `県警`, `東和電機`).
# A company named in hiragana before its trade (`みどり製薬`): the subject pattern sees the trade.
TRADE = (r"(?:電機|電力|自動車|製薬|航空|鉄道|証券|商事|物産|工業|重工|建設|製鉄|化学|食品|"
         r"信金|ガス|電鉄|運輸|海運|製菓|酒造|生命|保険|化成|化工|電子|電工|精機|製作所|産業|興業|"
         r"商会|物流|不動産|百貨店|製紙|紡績|信用金庫|信用組合)")
_TRADE = lazy_re(TRADE + r"(?:$|の)")  # the trade ends the name (not `電子部品メーカー`)
_KANA_NAME = lazy_re(r"(?:^|(?<=[、。「」\s・の])|(?<=[\u4e00-\u9fff\u30a0-\u30ffー々A-Za-z]と))[\u3041-\u309f]{2,6}$")
# Hiragana that open a sentence before a katakana word without naming anything (`このウイルスは`,
# `きょうロシアは`, `さらにロシアは`): no company name in hiragana (`みらいカードは`).
_KANA_NOT_NAME = lazy_re(r"(?:これ|それ|あれ|どれ|ここ|そこ).*|.*(?:[にはがもをでとのへやか]|して|って|いて|えて)"
                         r"|この|その|あの|どの|ある|また|なお|ただ|まず"
                         r"|いずれ|いま|きょう|あす|きのう|ことし|けさ|こうした|そうした|いわゆる|および")


def kana_named(kana: str) -> bool:
    """True when hiragana before a trade or a katakana word may name a company (`つばさ`
    of `つばさモバイル`; not `この`, `きょう`)."""
    return _KANA_NOT_NAME.fullmatch(kana) is None


_KATAKANA_START = lazy_re(r"[\u30a1-\u30fa]")
_NAME_LIKE = lazy_re(
    r"(?:[\u3041-\u309f]{2,6})?[\u30a1-\u30faー・]{2,}|(?:[米英仏独露中韓]|地元|有力)?[紙誌][^\s、。]{2,}|北海道|日本"
    r"|[^\s、。]{0,10}?(?:[県市町村区州都府国]|日銀|地裁|高裁|最高裁|地検|高検|県警|府警|道警|"
    r"消防|大使館|領事館|官邸|大統領室|試験場|観測所|気象台|保健所|病院|役場|役所|警察署|漁協|農協)"
    rf"|[^\s、。]{{1,10}}?(?:{TRADE}|ホールディングス)"
)


@lru_cache(maxsize=1 << 14)  # pure; asked again for each topic carried over
def name_like(display: str) -> bool:
    """True when an unknown subject (`Speaker.named` False) looks like a name that speaks:
    `ロシア`, `北原市`, `県`, `東坂地裁`, `東和電機` (not `準備`, `影響`)."""
    return _NAME_LIKE.fullmatch(display.removesuffix("側")) is not None  # `ロシア側`


_MODIFIER = lazy_re(r"(?:^|(?<=[、。のはがも\s」]))([^、。「」のはがも\s]{2,8})$")


# Titles that name members rather than one office holder, told apart by a clause like common
# nouns (`首相に近い議員`, `政権に批判的な議員`).
_CLAUSE_TITLES = frozenset(("議員", "委員", "研究員", "外交官", "顧問", "市議", "県議"))


def _with_modifier(text: str, start: int, found: tuple[str, str, bool],
                   ) -> tuple[str, str, bool]:
    """A common noun with the short clause before it (`市場で働く女性`, not `女性`); a titled
    person or a long clause is left as it is."""
    if found[0] not in _PERSON_NOUNS and found[0] not in _CLAUSE_TITLES and not any(
            found[0].endswith(n) and len(found[0]) <= 4 for n in _PERSON_NOUNS):
        return found
    m = _MODIFIER.search(text, max(0, start - 9), start)
    chunk = m.group(1) if m else ""
    if (not re.search(r"[\u3041-\u309f]", chunk) or not re.search(r"[\u4e00-\u9fff\u30a1-\u30fa]", chunk)
            or chunk.endswith("ある")):
        return found  # no clause (`地元`), no content word in it or only `ある` (`…応じたある男性`)
    display = chunk + found[0]
    return display, fold(display), True


def subjects(text: str, start: int = 0, end: int | None = None) -> list[Speaker]:
    """Subject phrases naming a speaker in text[start:end], in order."""
    out: list[Speaker] = []
    stop = len(text) if end is None else end
    for m in _SUBJECT.finditer(text, start, stop):
        np, begin = m.group("np"), m.start("np")
        if ((_TRADE.match(np) or _KATAKANA_START.match(np))
                and (kana := _KANA_NAME.search(text, 0, begin))
                and kana_named(kana.group())):
            # `みどり製薬は`, `みらいカードは`: a company named in hiragana, then its trade or
            # a katakana word.
            np, begin = kana.group() + np, kana.start()
        found = classify_phrase(np)
        if found is not None and found[2] and "の" not in found[0]:
            found = _with_modifier(text, begin, found)
        if found is not None:
            out.append(Speaker(found[0], found[1], found[2], m.end(), particle=m.group("p"),
                               begin=begin))
        elif m.group("p") in ("は", "が", "も") and (other := _other(np)):
            out.append(Speaker(other[0], other[1], False, m.end(), named=False,
                               particle=m.group("p"), begin=begin))
    if "「" in text[start:stop] or "『" in text[start:stop]:
        for m in BRACKETED.finditer(text, start, stop):
            np = bracketed_name(m)
            found = classify_phrase(np) or (np, fold(np), False)
            out.append(Speaker(found[0], found[1], found[2], m.end(), particle=m.group("p"),
                               begin=m.start()))
        for m in BRACKETED_OWNER.finditer(text, start, stop):
            if bracket_owner(m):
                display = bracketed_name(m) + "の" + m.group("title")
                role = classify_phrase(m.group("title"))
                # A person named with the title (`「東部戦線」のカリム報道官は`) keeps the name as key.
                display, key = ((role[0], role[1]) if role is not None and role[1] != fold(role[0])
                                else (display, fold(display)))
                out.append(Speaker(display, key, True, m.end(), particle=m.group("p"),
                                   begin=m.start()))
        out.sort(key=lambda s: s.pos)
    return out


def bracket_owner(m: re.Match[str]) -> bool:
    """True when a `BRACKETED_OWNER` match names a person of the bracketed organisation: a
    title or a person noun after `の` (`「緑の大地」の代表は`)."""
    title = m.group("title")
    if title in TITLES or title in _PERSON_NOUNS:
        return True
    role = classify_phrase(title)  # a person named with the title: `カリム報道官`
    return role is not None and role[2] and role[1] != fold(role[0])


def pick(candidates: list[Speaker], first: bool = False) -> Speaker | None:
    """The last (or first) person among `candidates`, else organisation, else other subject;
    within each, a topic (`Xは`) before the subject of a clause (`前政権が…ことについて`)."""
    for tier in ([c for c in candidates if c.person],
                 [c for c in candidates if c.named and not c.person], candidates):
        topics = [c for c in tier if c.topic] or tier
        if topics:
            return topics[0] if first else topics[-1]
    return None


_RUN = lazy_re(rf"{NOUN}+")


def people_named(text: str) -> dict[str, str]:
    """Titled people named anywhere in `text` (`プーチン大統領`), key → display."""
    out: dict[str, str] = {}
    for m in _RUN.finditer(text):
        name, title = split_title(m.group())
        if name and title:
            found = classify_phrase(m.group())
            if found is not None:
                out.setdefault(found[1], found[0])
    return out


def organisations(text: str) -> set[str]:
    """Organisations named anywhere in `text` (`国際問題研究所`, `NATO`, `ロシア外務省`)."""
    out: set[str] = set()
    for m in _RUN.finditer(text):
        found = classify_phrase(m.group())
        if found is not None and not found[2] and found[0] not in _ORG_SUFFIXES:
            out.add(found[0])
    return out


def speaker_key(name: str) -> str:
    """The key of a speaker written as `name` (`ブリンケン長官` → `ブリンケン`)."""
    found = classify_phrase(name.strip())
    return found[1] if found else fold(name.strip())
