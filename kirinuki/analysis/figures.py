"""Figures: a number with its counter, qualifier and predicate (`4400人以上` / `拘束`).

Numbers may be written in ASCII or full-width digits, with thousands separators (`3,800`),
with the magnitudes 万/億/兆 (`1万2000`, `3.5億`, `2億5000万`) or in kanji numerals
(`三千八百`). Each figure gets a normalised value (`1万2000人` → 12000), a normalised counter
(`億円` → `円`, `カ国` → `か国`), a normalised qualifier (`およそ` → `約`) and, where the
sentence has one, a predicate from a fixed vocabulary (`死者` and `死亡し` → `死亡`).

Dates and times (`7日`, `2014年`, `1月`, `8時`) and ordinals (`第3`, `2回目`) are not figures.
Everything here is pure and never raises on any input string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kirinuki.analysis.textnorm import KANJI_UNITS, kanji_value
from kirinuki.text.lazyre import lazy_re

# Full-width digits and separators fold to ASCII one character for one, so offsets found in the
# folded text are offsets in the original.
_FOLD = str.maketrans("０１２３４５６７８９，．％－＋", "0123456789,.%-+")

_MAGNITUDES = {"万": Decimal(10) ** 4, "億": Decimal(10) ** 8, "兆": Decimal(10) ** 12}

_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_KANJI = r"[〇零一二三四五六七八九十百千]+"
_ARABIC_TIMES = r"\d+(?:\.\d+)?[千百]"  # 5千人, 3百万
_PART = rf"(?:{_ARABIC_TIMES}|{_ARABIC}|{_KANJI})"
_NUMBER = rf"(?:{_PART}[兆億万])+(?:{_PART})?|{_PART}"

# Counter spellings → normalised counter; longest spellings first in the pattern.
_COUNTERS: dict[str, str] = {
    "か国": "か国", "カ国": "か国", "ヵ国": "か国", "ヶ国": "か国", "ケ国": "か国",
    "か所": "か所", "カ所": "か所", "ヵ所": "か所", "ヶ所": "か所", "箇所": "か所",
    "か月": "か月", "カ月": "か月", "ヵ月": "か月", "ヶ月": "か月", "ケ月": "か月",
    # A span of months is counted like one of years or days (`年間`, `日間`): `3か月間`.
    "か月間": "か月間", "カ月間": "か月間", "ヵ月間": "か月間", "ヶ月間": "か月間", "ケ月間": "か月間",
    "床": "床",  # hospital beds (`病床数420床`)
    "人分": "人分", "人": "人", "件": "件", "円": "円", "ドル": "ドル", "ユーロ": "ユーロ",
    "ポンド": "ポンド", "人民元": "元", "元": "元", "ルーブル": "ルーブル", "ウォン": "ウォン",
    "ペソ": "ペソ", "ディナール": "ディナール", "ルピー": "ルピー", "レアル": "レアル", "バーツ": "バーツ",
    "リラ": "リラ", "ドン": "ドン", "リンギット": "リンギット",
    "ルピア": "ルピア", "クローナ": "クローナ", "クローネ": "クローネ", "ズウォティ": "ズウォティ",
    "シェケル": "シェケル", "リヤル": "リヤル", "ディルハム": "ディルハム", "フリブニャ": "フリブニャ",
    "フラン": "フラン", "ズロチ": "ズロチ", "フォリント": "フォリント", "テンゲ": "テンゲ",
    "グリブナ": "グリブナ", "ナイラ": "ナイラ", "シリング": "シリング", "丁": "丁",
    "%": "%", "パーセント": "%", "ポイント": "ポイント", "倍": "倍", "回": "回", "度": "度",
    "機": "機", "隻": "隻", "発": "発", "台": "台", "両": "両", "棟": "棟", "戸": "戸",
    "世帯": "世帯", "社": "社", "校": "校", "頭": "頭", "匹": "匹", "羽": "羽", "本": "本",
    "枚": "枚", "基": "基", "個": "個", "品目": "品目", "項目": "項目", "種類": "種類",
    "団体": "団体", "年間": "年間", "年": "年", "日間": "日間", "週間": "週間", "時間": "時間",
    "秒": "秒", "歳": "歳", "キロメートル": "km", "キロ": "km", "km": "km", "メートル": "m",
    "トン": "トン", "バレル": "バレル", "ヘクタール": "ヘクタール", "票": "票", "議席": "議席",
    "割": "割", "か国・地域": "か国", "店舗": "店舗", "施設": "施設", "拠点": "拠点",
    "キログラム": "kg", "kg": "kg", "グラム": "g", "センチメートル": "cm", "センチ": "cm",
    "cm": "cm", "ミリメートル": "mm", "ミリ": "mm", "mm": "mm", "ミリシーベルト": "mSv",
    "マイクロシーベルト": "μSv", "テラバイト": "TB", "ギガバイト": "GB", "メガバイト": "MB",
    "キロバイト": "KB", "TB": "TB", "GB": "GB", "MB": "MB", "リットル": "L", "ワット": "W",
    "キロリットル": "kL", "キロワット": "kW", "メガワット": "MW", "ギガワット": "GW", "つ": "つ", "便": "便",
    "平方キロメートル": "平方キロメートル", "平方キロ": "平方キロメートル", "平方メートル": "平方メートル",
    "立方メートル": "立方メートル", "体": "体",
    "組": "組", "ナノメートル": "nm", "機種": "機種", "路線": "路線",
    "点": "点", "分間": "分間", "回線": "回線",
}
# Counters that follow a currency or a measure can carry the range suffix 台 (`108円台`).
_COUNTER_RE = "|".join(sorted(map(re.escape, _COUNTERS), key=len, reverse=True))

_PREFIXES = {"約": "約", "およそ": "約", "少なくとも": "以上", "最大で": "最大", "最大": "最大",
             "最多で": "最大", "最低": "最低", "計": "計", "合わせて": "計", "あわせて": "計",
             "延べ": "延べ", "推定": "約", "ほぼ": "約"}
_SUFFIXES = {"以上": "以上", "以下": "以下", "未満": "未満", "超": "超", "余り": "余り",
             "あまり": "余り", "余": "余り", "近く": "近く", "前後": "約", "程度": "約",
             "ほど": "約", "強": "強", "弱": "弱", "台": "台"}
_PREFIX_RE = "|".join(sorted(map(re.escape, _PREFIXES), key=len, reverse=True))
_SUFFIX_RE = "|".join(sorted(map(re.escape, _SUFFIXES), key=len, reverse=True))

# A sign before the number: `マイナス0.1%`, `−0.3%`, `▲1.2%` (the minus of Japanese finance).
_SIGNS = {"マイナス": "-", "−": "-", "-": "-", "▲": "-", "氷点下": "-", "プラス": "+", "+": "+"}
_SIGN_RE = "|".join(sorted(map(re.escape, _SIGNS), key=len, reverse=True))
_FIGURE = lazy_re(
    rf"(?P<sign>{_SIGN_RE})?(?P<pre>{_PREFIX_RE})?(?P<num>{_NUMBER})(?P<unit>{_COUNTER_RE})?"
    rf"(?P<suf>{_SUFFIX_RE})?"
)
# The amount of a decrease, right after the figure: `2%減`, `730円安い`, `0.1ポイント低下`,
# `6%少ない` (not a level reached: `3万8000円まで下がった`).
_DECREASE = lazy_re(r"減(?!税|便|産)|安[いく]|低[いく]|下落|低下|下が|少な|縮小|値下が|目減り|引き下げ|削減"
                    # `3.2%のマイナス`, `2割の減収`, `120円安の3万8000円`
                    r"|のマイナス|の減(?:少|収|益)|安(?=[のでと、])")
_COUNTED = lazy_re(r"の([\u4e00-\u9fff\u30a1-\u30faー]{1,4})")  # `434の建物`, `12の旅団`
# Not counts: a measurement window (`1時間に110ミリ`), a streak (`2か月続けて`); nor is a
# per-unit denominator (`1人当たり`).
_PER = lazy_re(r"あたり|当たり|当り")
_NOT_A_COUNT = lazy_re(r"(?<=時間)に、?(?=[^、。]{0,10}?[0-9０-９]|降)"
                       r"|連続|続けて")
# What a bare キロ weighs rather than measures: `コメ10キロ`, `体重が200キロ`.
_WEIGHED = (r"(?:体重|重さ|重量|コメ|米|肉|野菜|魚|果物|小麦|砂糖|ごみ|荷物|麻薬|大麻|金塊|"
            r"[\u4e00-\u9fff]{1,4}剤|薬物|薬品|火薬|爆薬|爆発物|廃棄物|危険物|食料|食糧|肥料|飼料|茶葉|"
            r"コカイン|ヘロイン|粉)")
_WEIGHT = lazy_re(_WEIGHED + r"[^、。]{0,8}$")
# What a bare キロ weighs, named after it: `およそ45キロの消毒剤`, `2キロの大麻を押収`.
_WEIGHT_AFTER = lazy_re(r"(?:もの|分の|の)" + _WEIGHED + r"|を押収")
_ONE_OF = lazy_re(r"の(?:うち)?$")  # `女性の1人`, `乗組員のうち1人`, `村の1つ`: one of them
# A time before now (`10年前より`, `3か月前に`), not a count of years.
_AGO = lazy_re(r"前(?!後|半)")
_AGO_COUNTERS = frozenset(("年", "か月", "か月間", "週間", "日", "日間", "時間"))
# A window of time counted in (`この1週間で`, `過去1年間に`), not a count of weeks.
_WINDOW_BEFORE = lazy_re(r"(?:この|ここ|直近|今後|去年|昨年|今年|ことし)$")
# A window a later figure is counted in (`3日間で1億円を超え`, `離礁から2日間で…139隻`).
_WINDOW_THEN = lazy_re(r"で、?[^、。]{0,20}?[0-9０-９]")
_WINDOWS = frozenset(("年", "年間", "か月", "か月間", "週間", "日", "日間", "時間"))
# A price or an amount after one unit (`1本およそ2ドル`): the unit is a denominator.
_PRICE_AFTER = lazy_re(r"(?:あたり|当たり)?[=＝]?(?:およそ|約)?[0-9]")  # `1バレル＝78ドル`
# A flight's number (`アステル航空318便`, `318便は…`, `318便の機長`), not a count of flights.
_AIRLINE = lazy_re(r"(?:航空|エア|エアライン|[A-Za-z])$")
_FLIGHT_AFTER = lazy_re(r"[はの]")
# A fall told in English before the figure (`shares fell 11%`).
_FELL = lazy_re(r"\b(?:fell|fall|falls|dropped|drops|declined|declines|lost|slid|slumped|plunged"
                r"|sank|tumbled|down)\s+(?:by\s+)?(?:about\s+|nearly\s+|almost\s+)?$")
_FRACTION = lazy_re(rf"(?P<pre>{_PREFIX_RE})?(?P<den>{_PART})分の(?P<num>{_PART})")
_OVER = lazy_re(r"を(?:超え|超す|超し|上回)")
_ORDINAL_AFTER = lazy_re(r"目|番目|(?<=年)生(?![まきじ])")  # `2回目`, `3年生` (a school year)
# The low end of a range takes the counter of its high end: `200〜250人`.
_RANGE = lazy_re(rf"[〜～~]((?:{_PREFIX_RE})?(?:{_NUMBER}))({_COUNTER_RE})")
# A group named by an age bound (`10歳未満が3人`, `65歳以上の人`): a class, not a figure.
_AGE_CLASS = lazy_re(r"[はがので]")
_DATE_AFTER = lazy_re(r"[月日時分]|年(?!間)")
_ARABIC_ONLY = lazy_re(r"[\d,.]+")
_KANJI_CHAR = lazy_re(r"[\u4e00-\u9fff々]")

# Predicate keywords → normalised predicate. A keyword may be a noun (死者) or a verb stem.
_PREDICATES: dict[str, tuple[str, ...]] = {
    "死亡": ("死亡", "死者", "亡くな", "死去", "犠牲", "殺害", "殺さ", "遺体"),
    "死傷": ("死傷",),
    "負傷": ("負傷", "けが", "怪我", "重傷", "軽傷", "重体", "やけど", "火傷"),
    "拘束": ("拘束", "逮捕", "拘留", "身柄", "連行", "拘禁", "収監", "摘発"),
    "避難": ("避難",),
    "行方不明": ("行方不明", "安否不明", "行方が分から"),
    "救助": ("救助", "救出"),
    "感染": ("感染", "陽性"),
    "入院": ("入院",),
    "参加": ("参加", "集ま", "出席"),
    "派遣": ("派遣", "配備", "増派"),
    "動員": ("動員",),
    "解放": ("解放", "釈放", "帰還"),
    "被害": ("被害", "損害", "損失", "浸水", "倒壊", "全壊", "半壊", "焼失", "全焼", "半焼"),
    "支援": ("支援", "援助", "拠出", "供与", "寄付", "支給"),
    "獲得": ("獲得",),
    "発射": ("発射",),
    "投票": ("得票", "投票"),
    "上昇": ("上昇", "値上がり", "高騰", "上が"),
    "下落": ("下落", "値下がり", "急落", "下が"),
    "増加": ("増加", "増え", "増"),
    "減少": ("減少", "減っ", "減"),
    "輸出": ("輸出",),
    "輸入": ("輸入",),
    "停電": ("停電",),
    "撤退": ("撤退",),
    "難民": ("難民", "逃れ"),
    "停泊": ("停泊", "足止め", "滞留"),
    "取引": ("取り引き", "取引"),
}
_KEYWORD = {kw: label for label, kws in _PREDICATES.items() for kw in kws}
PREDICATE_KEYWORDS = _KEYWORD  # keyword → predicate (`死者` → `死亡`), for passages
_KEYWORD_RE = lazy_re("|".join(sorted(map(re.escape, _KEYWORD), key=len, reverse=True)))
_TOPIC = lazy_re(r"[\u4e00-\u9fff]{0,2}[はが]")  # 損失は, 輸出額は, 死者数が
_WINDOW = 24  # characters searched after or before a figure for its predicate
_SUBJECT = lazy_re(r"([\u4e00-\u9fff\u30a0-\u30ffー々A-Za-z]{1,8})[がは]?$")
# People named by what they did (`死亡した人が31人に増え`, `入院している人は21人に減り`).
_DID_SUBJECT = lazy_re(r"([\u4e00-\u9fff]{2,})(?:した|している|された|していた)人[がは]、?$")


@dataclass(frozen=True)
class Figure:
    """A number found in text: `surface` is text[start:end] as written."""

    surface: str
    start: int
    end: int
    value: int | float
    counter: str
    qualifier: str = ""
    predicate: str = ""
    subject: str = ""
    sign: str = "+"  # "-" for a negative figure or a decrease (value is negative then)

    @property
    def label(self) -> str:
        """What the figure counts, for display: the predicate, else the counter."""
        return self.predicate or self.subject or self.counter or "数"


def _kanji_value(text: str) -> Decimal:
    """The value of a kanji numeral without 万/億/兆 (`三千八百` → 3800, `二〇二二` → 2022)."""
    return Decimal(kanji_value(text))


def _part_value(part: str) -> Decimal:
    if not part:
        return Decimal(0)
    if _ARABIC_ONLY.fullmatch(part):
        return Decimal(part.replace(",", ""))
    if _ARABIC_ONLY.fullmatch(part[:-1]):
        return Decimal(part[:-1]) * KANJI_UNITS[part[-1]]
    return _kanji_value(part)


def number_value(text: str) -> Decimal | None:
    """The value of a number as written (`1万2000`, `3.5億`, `三千八百`), or None."""
    text = text.translate(_FOLD)
    total, part = Decimal(0), ""
    try:
        for ch in text:
            if ch in _MAGNITUDES:
                total += (_part_value(part) if part else Decimal(1)) * _MAGNITUDES[ch]
                part = ""
            else:
                part += ch
        return total + _part_value(part)
    except (InvalidOperation, KeyError, ValueError):
        return None


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _is_kanji_only(num: str) -> bool:
    return not any(ch.isdigit() for ch in num)


def _excluded(folded: str, m: re.Match[str]) -> bool:
    """True for numbers that are not figures: dates, ordinals, model names, bare kanji."""
    start, num, unit = m.start("num"), m.group("num"), m.group("unit")
    before = folded[start - 1] if start > 0 else ""
    if m.group("sign") in ("-", "+") and m.start("sign") == start - 1:
        lead = folded[start - 2] if start > 1 else ""
        before = before if lead.isascii() and lead.isalnum() else ""  # F-35, not −0.3
    after = folded[m.end("num"):]
    if before and before.isascii() and (before.isalpha() or before in "-_/."):
        return True  # G7, F-35, COVID-19, a URL
    if before == "第":
        return True
    if unit is None:
        if _DATE_AFTER.match(after):
            return True
        if (r := _RANGE.match(after)) and not _DATE_AFTER.match(r.group(2)):
            return False  # 200〜250人
        if _COUNTED.match(after) and not m.group("suf") and not re.match(
                r"[\u30a0-\u30ffA-Za-z]", before) and not folded.endswith("震度", 0, start):
            return False  # 434の建物 (not レベル5の, 震度4の揺れ)
        return not any(ch in _MAGNITUDES for ch in num)  # a bare number with no magnitude
    if unit in ("人", "つ") and m.group("pre") is None and _ONE_OF.search(folded, 0, start) and (
            number_value(num) == 1):
        return True  # 女性の1人: one of the women
    counter = _COUNTERS.get(unit, unit)
    if counter in _AGO_COUNTERS and _AGO.match(folded, m.end()):
        return True  # 10年前: a time, not ten years
    if counter in _WINDOWS and (_WINDOW_BEFORE.search(folded, max(0, start - 3), start)
                                or folded.startswith("平均", m.end())
                                or (not m.group("suf") and _WINDOW_THEN.match(folded, m.end()))):
        return True  # この1週間で, 7日間平均: the window counted in
    if counter == "歳" and m.group("suf") in ("以上", "未満", "以下") and _AGE_CLASS.match(
            folded, m.end()):
        return True  # 10歳未満が3人: the group of the children under ten
    if number_value(num) == 1 and m.group("pre") is None and _PRICE_AFTER.match(folded, m.end()):
        return True  # 1本およそ2ドル: per bottle
    if counter == "便" and not m.group("pre") and not m.group("suf") and (
            _AIRLINE.search(folded, max(0, start - 4), start)
            or ((start == 0 or folded[start - 1] in "。、 ") and _FLIGHT_AFTER.match(folded, m.end()))):
        return True  # 318便は: a flight
    if _ORDINAL_AFTER.match(folded, m.end("unit")) or _NOT_A_COUNT.match(folded, m.end()):
        return True
    if _PER.match(folded, m.end()) and number_value(num) == 1:
        return True  # 1人当たり (5キロあたり 4260円 is a figure)
    if unit == "年" and (_year_like(num) or re.match(r"\d+月", folded[m.end("unit"):])):
        return True
    if _is_kanji_only(num):
        if num == "一" or (_KANJI_CHAR.match(before) and m.group("pre") is None
                           and (len(num) < 2 or before in "数何")):
            return True  # 統一, 唯一, 数千人 (消防車両二十八台 counts)
        if len(unit) == 1 and _KANJI_CHAR.match(folded, m.end("unit")):
            return True  # 六本木, 三回忌

    return False


def _year_like(num: str) -> bool:
    value = number_value(num)
    return value is not None and value >= 1000 and value < 3000


def _clause_bounds(folded: str, start: int, end: int) -> tuple[int, int]:
    """Start of the clause holding [start, end) and the end of the clause after it; a comma
    right after a topic (`3人は、すでに釈放`) does not end the clause."""
    left = max(folded.rfind("、", 0, start), folded.rfind("。", 0, start)) + 1
    right = end
    while True:
        rights = [i for i in (folded.find("、", right), folded.find("。", right)) if i >= 0]
        if not rights:
            return left, len(folded)
        right = min(rights)
        if folded[right] == "。" or folded[right - 1] not in "はが" or right - end > _WINDOW:
            return left, right
        right += 1


def _predicate(folded: str, start: int, end: int) -> str:
    """The predicate of the figure at [start, end): first after it in its clause, else last
    before it in its clause, else the last topic or subject (`損失は`) before it in its
    sentence."""
    left, right = _clause_bounds(folded, start, end)
    m = _KEYWORD_RE.search(folded, end, min(right, end + _WINDOW))
    if m:
        return _KEYWORD[m.group()]
    before = list(_KEYWORD_RE.finditer(folded, max(left, start - _WINDOW), start))
    if before:
        return _KEYWORD[before[-1].group()]
    sentence = folded.rfind("。", 0, start) + 1
    topics = [m for m in _KEYWORD_RE.finditer(folded, sentence, start)
              if _TOPIC.match(folded, m.end())]
    if topics:
        return _KEYWORD[topics[-1].group()]
    topic = folded.find("は", sentence, start)  # `拘束された人は、…1万人を超えた`
    found = list(_KEYWORD_RE.finditer(folded, sentence, topic)) if topic > sentence else []
    return _KEYWORD[found[-1].group()] if found else ""


_HALF_COUNTERS = frozenset(("年", "年間", "か月", "か月間", "週間", "時間", "日間"))  # `1年半`, `2時間半`


def _figure(text: str, folded: str, m: re.Match[str]) -> Figure | None:
    value = number_value(m.group("num"))
    if value is None:
        return None
    unit = m.group("unit") or ""
    counter = _COUNTERS.get(unit, unit)
    if not unit and (ranged := _RANGE.match(folded, m.end("num"))):
        counter = _COUNTERS.get(ranged.group(2), ranged.group(2))  # 200〜250人 → 人
    elif not unit and (counted := _COUNTED.match(folded, m.end("num"))):
        counter = counted.group(1)  # 434の建物 → 建物
    elif unit == "キロ" and (_WEIGHT.search(folded, max(0, m.start() - 12), m.start())
                            or _WEIGHT_AFTER.match(folded, m.end())):
        counter = "kg"
    qualifier = _SUFFIXES.get(m.group("suf") or "", "")
    if not qualifier and _OVER.match(folded, m.end()):
        qualifier = "超"
    if not qualifier and m.group("pre"):
        qualifier = _PREFIXES[m.group("pre")]
    start, end = m.start(), m.end()
    if counter in _HALF_COUNTERS and end == m.end("unit") and folded.startswith("半", end) \
            and not folded.startswith("半ば", end):
        value, end = value + Decimal("0.5"), end + 1  # `1年半`: one and a half years
    sign = _SIGNS.get(m.group("sign") or "", "+")
    if _DECREASE.match(folded, end) or _FELL.search(folded, max(0, start - 24), start):
        sign = "-"
    predicate = _predicate(folded, start, end)
    # A count said to have changed names its people by what they did (`死亡した人が31人に増え`).
    subject = ((predicate in ("増加", "減少") and _DID_SUBJECT.search(folded, max(0, start - 12), start))
               or _SUBJECT.search(folded, max(0, start - 9), start))
    return Figure(
        surface=text[start:end], start=start, end=end,
        value=_plain(-value if sign == "-" else value), counter=counter, qualifier=qualifier,
        predicate=predicate, subject=subject.group(1) if subject else "",
        sign=sign,
    )


def _fractions(text: str, folded: str, taken: list[tuple[int, int]]) -> list[Figure]:
    out: list[Figure] = []
    for m in _FRACTION.finditer(folded):
        den, num = number_value(m.group("den")), number_value(m.group("num"))
        if not den or num is None or any(s < m.end() and m.start() < e for s, e in taken):
            continue
        out.append(Figure(text[m.start():m.end()], m.start(), m.end(), _plain(num / den), "",
                          qualifier=_PREFIXES.get(m.group("pre") or "", ""),
                          predicate=_predicate(folded, m.start(), m.end())))
    return out


def extract_figures(text: str) -> list[Figure]:
    """Every figure in `text`, in order of appearance. Never raises."""
    folded = text.translate(_FOLD)
    out: list[Figure] = []
    for m in _FIGURE.finditer(folded):
        if _FRACTION.match(folded, m.start()) or _excluded(folded, m):
            continue
        fig = _figure(text, folded, m)
        if fig is not None:
            out.append(fig)
    fractions = _fractions(text, folded, [(f.start, f.end) for f in out])
    return sorted(out + fractions, key=lambda f: f.start) if fractions else out


def japanese_number(value: int | float) -> str:
    """A value written the way Japanese news writes it: 12000 → `1万2000`, 2.5 → `2.5`."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.10g}"
    n = int(value)
    if abs(n) < 10000:
        return str(n)
    sign, n = ("-" if n < 0 else ""), abs(n)
    parts = []
    for unit, size in (("兆", 10**12), ("億", 10**8), ("万", 10**4)):
        if n >= size:
            parts.append(f"{n // size}{unit}")
            n %= size
    if n:
        parts.append(str(n))
    return sign + "".join(parts)


def format_delta(old: Figure, new: Figure) -> str:
    """The change between two readings of one figure: `+600`, `-1万2000`, `+9ポイント`."""
    delta = Decimal(str(new.value)) - Decimal(str(old.value))
    sign = "+" if delta >= 0 else "-"
    text = japanese_number(_plain(abs(delta)))
    return f"{sign}{text}ポイント" if new.counter == "%" else f"{sign}{text}"
