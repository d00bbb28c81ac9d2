"""Deterministic synthetic Japanese news-like corpus for kirinuki's benchmarks.

The benchmarks (import speed, search at 1M clips, duplicate detection) need a lot of text that
looks like the journal's real clips without copying any news text. Everything here is built from
small vocabularies written for the project: invented countries and cities (ルスタニア, ヴァレンツ),
invented officials with titles (ミハイロフ首相, ベルガー国務長官), organisations, events and
quotes, plus the features that make Japanese search and de-duplication hard:

* figures with counters (3800人, 12件, 450億円, 75ドル, 2.5%, 14か国, 1万2000人), sometimes in
  full-width digits (３８００人);
* upper-case ASCII acronyms (NATO, G7, IMF, CSTO) inside Japanese text;
* quotes 「…」 after titled speakers;
* 1- and 2-character words that matter in search (露, 米, 核, 円, 首相, 米国, 中国) and words hidden
  inside longer words (京都 in 東京都, シア in ロシア, 円 in 円安 and 億円).

`generate_entries` yields whole pages in the clip text format of docs/formats.md (header, paragraph
groups closed by hashtag lines, footer), dated evenly over 2016-01-01 .. 2025-12-31 in Asia/Tokyo;
entries before 2021 put a blank line after every paragraph, newer ones do not. About 5% of the
entries re-clip a paragraph of a recent entry with exactly one figure changed (3800人 → 4400人),
recorded in `near_duplicate_of`, which gives duplicate detection a known answer. Tags come from a
fixed list of 200 names drawn with a Zipf-like distribution.

`generate_paragraphs` is the fast path for the search benchmark: paragraphs only, same
distribution. The same seed always gives the same output (only `random.Random` methods whose
results are stable across Python versions are used, and no set or hash order is involved).

CLI::

    python bench/corpus.py --entries 100000 --seed 1 --out /tmp/entries   # YYYY-MM-DD_HHMMSS.txt
    python bench/corpus.py --paragraphs 1000000 --out /tmp/paragraphs.txt  # one per line
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from itertools import accumulate
from pathlib import Path

__all__ = [
    "FOOTER",
    "HEADER",
    "MAX_PARAGRAPH",
    "MIN_PARAGRAPH",
    "TAGS",
    "SyntheticEntry",
    "generate_entries",
    "generate_paragraphs",
    "main",
]


def _tokyo() -> tzinfo:
    """Asia/Tokyo from zoneinfo; a fixed +09:00 (Japan has no DST) when tzdata is missing."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Tokyo")
    except Exception:  # ZoneInfoNotFoundError or no tz database at all
        return timezone(timedelta(hours=9), "JST")


TOKYO = _tokyo()
START = datetime(2016, 1, 1, tzinfo=TOKYO)
END = datetime(2025, 12, 31, 23, 59, 59, tzinfo=TOKYO)
_SPAN = int((END - START).total_seconds()) + 1  # seconds available for entry times
_NEW_FORMAT_FROM = 2021  # entries from this year on have no blank line between paragraphs

HEADER = ("https://bench.kirinuki.example", "http://bench.kirinuki.example.org")
FOOTER = "bench.kirinuki.example.org"
MIN_PARAGRAPH = 60
MAX_PARAGRAPH = 220
# Paragraphs are built to at most this length so that a changed figure (one more digit at most)
# still fits in MAX_PARAGRAPH.
_BUILD_MAX = MAX_PARAGRAPH - 1
_NEAR_DUP_RATE = 0.05
_NEAR_DUP_WINDOW = 200  # a re-clip refers to one of the last entries, as real updates do

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_FW_RATE = 0.04  # share of figures written in full-width digits

# ---------------------------------------------------------------------------------------------
# Vocabularies (all invented for this project)

_LANDS = (
    "ルスタニア", "ヴェルデニア", "ノルドヴァル", "ザラフスタン", "オストラヴィア", "メリディア",
    "カストリア", "ボルスク", "アルマニア", "トラキスタン", "セヴェリア", "イストリア",
    "コルヴィア", "ドナウリア", "サルヴィナ", "パルミラ連邦",
)
_POWERS = (
    "ロシア", "アメリカ", "米国", "中国", "日本", "インド", "ドイツ", "フランス", "イギリス",
    "インドネシア", "マレーシア", "トルコ", "ブラジル",
)
_COUNTRIES = _LANDS + _POWERS
_CITIES = (
    "ヴァレンツ", "カルメロ", "ストラヴィク", "イルザ", "ポルタヴェル", "ミレーナ", "ノヴォルスク",
    "ベルカ", "東京都内", "京都", "大阪", "北京", "ワシントン", "モスクワ", "ブリュッセル", "ジュネーブ",
)
_SURNAMES = (
    "ミハイロフ", "ベルガー", "ハルトマン", "ロドリゲス", "カザロフ", "ヴォルコワ", "シュタイナー",
    "オコンコ", "レイノルズ", "マルティネス", "ノヴァク", "ペトレンコ", "アンデション", "ザハロワ",
    "ケスラー", "モレッティ", "ドラグノフ", "アルバレス", "高峰", "真鍋", "桐生", "李", "王",
)
_TITLES = (
    "首相", "大統領", "国務長官", "外相", "国防相", "報道官", "事務総長", "財務相",
    "中央銀行総裁", "官房長官", "大使", "議長", "外務次官", "副首相",
)
_ACRONYMS = (
    "NATO", "G7", "IMF", "CSTO", "EU", "OPEC", "IAEA", "WHO", "ASEAN", "G20", "OSCE", "WTO",
)
_ACRONYM_LONG = (
    "NATO=北大西洋条約機構", "CSTO=集団安全保障条約機構", "IMF=国際通貨基金",
    "IAEA=国際原子力機関", "OPEC=石油輸出国機構", "WTO=世界貿易機関",
)
_MINISTRIES = (
    "内務省", "国防省", "外務省", "財務省", "統計局", "非常事態省", "保健省", "中央銀行",
    "国営通信", "人権団体", "赤十字国際委員会", "国連難民高等弁務官事務所",
)
_EVENTS = (
    "抗議活動", "大規模な停電", "洪水", "軍事演習", "ストライキ", "サイバー攻撃", "地震",
    "国境での衝突", "難民の流入", "通貨の急落", "燃料価格の高騰", "暴動", "森林火災",
)
_SPREAD = ("各地に広がった", "続いている", "激しさを増した", "長期化している", "首都に及んだ")
_HARM = (
    "死亡した", "けがをした", "避難した", "拘束された", "行方不明になっている", "救助された",
)
_VENUES = (
    "記者会見", "議会での演説", "閣議", "国営テレビのインタビュー", "オンライン会合",
    "首脳会談のあとの会見", "声明",
)
_STANCES = (
    "対話による解決を呼びかけました", "強い懸念を示しました", "制裁の強化を示唆しました",
    "改めて支援を約束しました", "相手側をけん制しました", "疑問視しました",
    "協議の継続に意欲を示しました", "即時の停戦を求めました", "非難しました",
)
_QUOTES = (
    "対話の扉は閉ざしていない", "いかなる圧力にも屈しない", "国際社会は結束して対応すべきだ",
    "われわれは平和的な解決を求める", "主権を侵すことは決して認められない",
    "これ以上の拡大は容認できない", "核の脅しは断じて受け入れられない",
    "市民の安全が何よりも優先だ", "誤った情報を意図的に広めないでほしい",
    "交渉の余地はまだ残されている", "あらゆる選択肢を排除しない", "約束は必ず守られるべきだ",
    "経済の安定に全力を尽くす", "円安の影響を注視している", "同盟国との連携を一層強める",
    "責任は相手側にある", "われわれはどちらの道を選ぶのか見ることになる",
    "エネルギーの供給を武器にすべきではない",
)
_TOPICS = (
    "停戦交渉", "エネルギー供給", "核開発", "難民支援", "国境の画定", "穀物輸出", "経済制裁",
    "軍の撤退", "捕虜の交換", "ガスパイプライン", "安全保障の枠組み", "サイバー攻撃への対応",
    "原発の安全", "半導体の輸出規制", "通貨の安定", "対露制裁", "米中対立", "核軍縮",
)
_OUTCOMES = (
    "協議を続けることで一致した", "意見を交わした", "溝は埋まらなかった",
    "連携を強めることを確認した", "具体的な成果はなかった", "作業部会を設けることで合意した",
)
_SECTORS = (
    "輸出額", "国防費", "原油の輸入量", "観光収入", "国内総生産", "財政赤字", "対外債務",
    "食料品の価格", "小麦の生産量",
)
_UPDOWN = ("増加", "減少", "上昇", "下落")
_MEETINGS = ("外相会合", "首脳会議", "国防相会合", "財務相・中央銀行総裁会議", "緊急会合")
_DOCS = ("共同声明", "行動計画", "決議案", "首脳宣言", "合意文書")
_AID = ("人道支援", "財政支援", "軍事支援", "復興支援", "食料支援")
_BILATERAL = ("米露", "米中", "日米", "中露", "日中", "米欧", "露中", "日露")
_BLOCS = ("EU", "G7", "米国", "日本政府", "イギリス政府", "カナダ", "オーストラリア", "スイス")
_SHORT = ("露", "米", "中", *_LANDS)
_NUCLEAR = ("施設", "燃料", "ミサイル", "実験", "弾頭")
_NUCLEAR_ACT = ("建設", "増強", "準備", "再開", "移送")
_DEMANDS = (
    "部隊の撤退を求めている", "国境周辺での演習の中止を求めている",
    "制裁の解除を求めている", "これ以上拡大しないよう保証を求めている",
)
_COUNTERS = (
    "応じられないとしていて", "内政干渉だと反発していて", "条件付きで協議に応じる姿勢を示していて",
    "軍の配備を続けていて",
)
_HEADLINES = ("【速報】", "【解説】", "【詳報】", "【独自】")
# Openers for the second and later sentences of a paragraph ("" most often).
_OPENERS = (
    "", "", "", "", "また、", "一方、", "これに対し、", "こうした中、", "さらに、", "そのうえで、",
    "これを受けて、", "その後、",
)
_REACHED = ("に達したということです", "となりました", "にとどまりました", "を記録しました")
_FX_REASONS = (
    "米国の利上げ観測から", "中央銀行の会合を前に", "原油価格の高騰を受けて",
    "地政学的なリスクが意識され", "貿易赤字の拡大を背景に", "株価の急落を受けて",
)
_MARKETS = ("東京外国為替市場", "ニューヨーク外国為替市場", "ロンドン外国為替市場")
_DISCUSSED = ("協議しました", "意見を交わしました", "対応を話し合いました", "議論しました")
_WATCHDOGS = ("IAEA", "国連安全保障理事会の専門家パネル", "査察団", "G7の外相")
_ISSUES = ("問題点", "違反", "懸念事項", "未申告の活動")
_REPORTS = ("報告書", "声明", "調査結果", "書簡")
_REACTIONS = (
    "強く反発しています", "懸念を表明しました", "追加の制裁を検討しています",
    "事実無根だと主張しています", "説明を求めています", "査察の受け入れを促しました",
)
_PURPOSES = (
    "発電所の復旧", "避難民の住宅", "食料の購入", "医療体制の強化", "地雷の除去", "学校の再建",
    "防空システムの整備", "送電網の修理",
)
_ANNOUNCED = ("明らかにしました", "発表しました", "表明しました", "示しました")
_SOURCES = (
    "関係者によりますと", "地元メディアによりますと", "複数の外交筋によりますと",
    "国営通信によりますと", "現地の報道によりますと", "政府高官によりますと",
    "国連の推計によりますと",
)
_APPEALS = (
    "国際社会に支援を求めています", "受け入れ態勢の強化を急いでいます",
    "冬を前に懸念を強めています", "食料や医薬品の不足を訴えています",
    "仮設住宅の建設を始めました", "国境の検問所を増やしました",
)
_SCHEDULED = ("開かれる予定で", "開かれる方向で調整が進められていて", "開かれることが決まり")
_REASONS = (
    "", "人権侵害を理由に", "軍事侵攻を受けて", "核開発への関与を理由に",
    "サイバー攻撃への関与を理由に", "選挙への介入を理由に",
)
_TARGETS = ("銀行", "軍需企業", "エネルギー企業", "政府高官", "新興財閥", "海運会社", "IT企業")
_SANCTION_KINDS = ("資産凍結", "渡航禁止", "輸出禁止", "取引停止")
_RALLY_PLACES = ("東京都内", "東京都心", "東京都庁の前", "京都市内", "大阪市内", "国会の前")
_PROTEST = ("抗議", "反対", "連帯")
_ORGANIZERS = ("主催者", "警察", "市民団体", "労働組合", "学生団体")
_SLOGANS = (
    "戦争反対", "平和を守れ", "核兵器をなくせ", "市民を守れ", "制裁をやめろ", "難民を受け入れよ",
    "対話で解決を", "物価を下げろ",
)
_CONFERENCES = (
    "国際会議", "気候変動の会議", "軍縮会議", "エネルギー閣僚会合", "人権フォーラム",
    "宗教者会議",
)
_DELEGATES = ("閣僚", "代表", "専門家", "外相", "首脳")
_DRAFTING = ("採択を目指していて", "取りまとめを急いでいて", "議論が難航していて", "調整が続いていて")
_WHERE = ("", "議会で", "国連総会の演説で", "SNSで", "記者団に", "国営テレビで")
_INSISTED = ("繰り返し主張しています", "述べています", "強調してきました", "訴えています")
_POLLSTERS = ("統計局", "地元の調査会社", "国営テレビ", "大学の研究所", "人権団体", "国営通信")
_EFFECT = ("影響した", "評価された", "批判された", "支持を広げた")
_ENERGY_SOURCES = ("OPEC", "IEA", "統計局", "エネルギー省", "国営石油会社")
_FUELS = (
    ("原油", "万バレル"), ("天然ガス", "億立方メートル"), ("石炭", "万トン"), ("小麦", "万トン"),
    ("銅", "万トン"), ("ウラン", "トン"),
)
_TRENDS = (
    "前の月を下回りました", "過去最高を更新しました", "減産の影響が続いています",
    "輸出の停滞が響いています", "市場の予想を上回りました", "価格の上昇が続いています",
)

# 200 tag names, most frequent first; ASCII and Japanese names, never spaces, '#' or brackets.
_TAG_CORE = (
    "反ロシア", "対中露戦", "NATOexpansion", "EnergyCrisis", "円安", "核問題", "米中対立",
    "経済制裁", "難民", "中東", "G7", "IMF", "対露制裁", "CSTO", "エネルギー", "米国", "中国",
    "露", "核", "停戦交渉", "Sanctions", "NuclearTalks", "BorderCrisis", "RefugeeCrisis",
    "CurrencyWar", "Oil", "Election", "CyberAttack", "東京都", "京都", "首相", "外交",
    "安全保障", "国際会議", "世論調査", "為替", "原油", "穀物", "人道支援", "軍事演習",
)
_TAG_SUFFIXES = ("情勢", "問題", "選挙", "制裁", "経済", "危機", "外交", "軍")


def _build_tags() -> tuple[str, ...]:
    """The fixed list of 200 distinct tags, in Zipf rank order."""
    tags = list(_TAG_CORE)
    for suffix in _TAG_SUFFIXES:
        for land in _LANDS + _POWERS[:4]:
            name = land + suffix
            if name not in tags:
                tags.append(name)
    return tuple(tags[:200])


TAGS = _build_tags()
_TAG_CUM = tuple(accumulate(1.0 / (rank + 1) for rank in range(len(TAGS))))

# A figure worth changing for a near-duplicate: digits before a counter, not part of "G7".
_FIGURE = re.compile(r"(?<![A-Za-z])[0-9０-９]+(?=[人件億万兆円%％か回ポ]|ドル(?!＝))")
_ANY_NUMBER = re.compile(r"(?<![A-Za-z0-9０-９])[0-9０-９]+")


# ---------------------------------------------------------------------------------------------
# Paragraphs


class _Writer:
    """Builds paragraphs from the vocabularies with one `random.Random`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.c = rng.choice
        self.r = rng.random
        self.sentences: tuple[Callable[[], str], ...] = (
            self.s_event, self.s_event, self.s_quote, self.s_quote, self.s_quote, self.s_call,
            self.s_econ, self.s_fx, self.s_meeting, self.s_nuclear, self.s_aid, self.s_refugee,
            self.s_bilateral, self.s_sanction, self.s_rally, self.s_kyoto, self.s_follow,
            self.s_context, self.s_poll, self.s_oil,
        )
        self.country = ""
        self.person = ""

    # figures -----------------------------------------------------------------------------

    def fig(self, value: int) -> str:
        """`value` in ASCII digits, now and then in full-width digits."""
        s = str(value)
        return s.translate(_FULL_WIDTH) if self.r() < _FW_RATE else s

    def num(self, lo: int, hi: int, step: int = 1) -> str:
        """A figure between lo and hi (inclusive), a multiple of `step`."""
        return self.fig(lo + int(self.r() * ((hi - lo) // step + 1)) * step)

    def people(self) -> str:
        """A head count: 18人, 3800人, 1万2000人, 5万人."""
        x = self.r()
        if x < 0.4:
            return self.num(2, 99) + "人"
        if x < 0.8:
            return self.num(100, 9900, 100) + "人"
        man = self.num(1, 40)
        rest = int(self.r() * 10) * 1000
        return f"{man}万{self.fig(rest)}人" if rest else man + "万人"

    def money(self) -> str:
        """An amount: 450億円, 2兆円, 120億ドル."""
        x = self.r()
        if x < 0.5:
            return self.num(10, 9900, 10) + "億円"
        if x < 0.7:
            return self.num(1, 30) + "兆円"
        return self.num(5, 900, 5) + "億ドル"

    def pct(self) -> str:
        """A percentage: 12%, 2.5%."""
        if self.r() < 0.5:
            return self.num(1, 60) + "%"
        return f"{self.num(0, 19)}.{self.num(1, 9)}%"

    def day(self) -> str:
        """A day of the month: 7日."""
        return self.num(1, 28) + "日"

    # subjects ----------------------------------------------------------------------------

    def new_subject(self) -> None:
        """Pick the country and official a paragraph is about."""
        self.country = self.c(_COUNTRIES)
        self.person = self.c(_SURNAMES) + self.c(_TITLES)

    def official(self) -> str:
        """The paragraph's official, or now and then another one."""
        if self.r() < 0.7:
            return self.person
        return self.c(_SURNAMES) + self.c(_TITLES)

    def acronym(self) -> str:
        """An organisation acronym, sometimes spelled out as in the news."""
        return self.c(_ACRONYM_LONG) if self.r() < 0.15 else self.c(_ACRONYMS)

    def topics(self) -> str:
        """One topic, or two joined by や."""
        first = self.c(_TOPICS)
        if self.r() < 0.5:
            return first
        second = self.c(_TOPICS)
        while second == first:
            second = self.c(_TOPICS)
        return f"{first}や{second}"

    # sentences (each 28-115 characters) ---------------------------------------------

    def s_event(self) -> str:
        c = self.c
        return (
            f"{self.country}で{c(_EVENTS)}が{c(_SPREAD)}ことを受けて、{c(_MINISTRIES)}は"
            f"{self.day()}、{self.people()}が{c(_HARM)}と発表しました。"
        )

    def s_quote(self) -> str:
        c = self.c
        quote = c(_QUOTES)
        if self.r() < 0.3:
            quote = f"{quote}。{c(_QUOTES)}"
        return (
            f"{self.country}の{self.official()}は{self.day()}の{c(_VENUES)}で「{quote}」と述べ、"
            f"{c(_STANCES)}。"
        )

    def s_call(self) -> str:
        c = self.c
        return (
            f"{self.country}の{self.person}と{c(_COUNTRIES)}の{c(_SURNAMES)}{c(_TITLES)}は"
            f"{self.day()}、電話で会談し、{c(_TOPICS)}をめぐって{c(_OUTCOMES)}ということです。"
        )

    def s_econ(self) -> str:
        c = self.c
        return (
            f"{c(_MINISTRIES)}によりますと、{self.country}の{c(_SECTORS)}は前の年に比べて"
            f"{self.pct()}{c(_UPDOWN)}し、{self.money()}{c(_REACHED)}。"
        )

    def s_fx(self) -> str:
        c = self.c
        fx = "円安" if self.r() < 0.6 else "円高"
        return (
            f"{c(_FX_REASONS)}、{self.day()}の{c(_MARKETS)}では{fx}が進み、"
            f"1ドル＝{self.num(98, 161)}円台で取り引きされ、{self.official()}は"
            f"「{c(_QUOTES)}」と述べました。"
        )

    def s_meeting(self) -> str:
        c = self.c
        return (
            f"{self.acronym()}は{self.day()}、{c(_CITIES)}で臨時の{c(_MEETINGS)}を開き、"
            f"{self.num(3, 45)}か国の代表が{self.topics()}について{c(_DISCUSSED)}。"
        )

    def s_nuclear(self) -> str:
        c = self.c
        return (
            f"{self.country}が核{c(_NUCLEAR)}の{c(_NUCLEAR_ACT)}を進めているとして、"
            f"{c(_WATCHDOGS)}は{self.day()}、{self.num(2, 60)}件の{c(_ISSUES)}を指摘する"
            f"{c(_REPORTS)}をまとめ、{c(_COUNTRIES)}は{c(_REACTIONS)}。"
        )

    def s_aid(self) -> str:
        c = self.c
        return (
            f"{c(_POWERS)}の{c(_SURNAMES)}{c(_TITLES)}は{self.day()}、訪問先の{c(_CITIES)}で、"
            f"{self.country}に総額{self.money()}の{c(_AID)}を行い、{c(_PURPOSES)}に充てる方針を"
            f"{c(_ANNOUNCED)}。"
        )

    def s_refugee(self) -> str:
        c = self.c
        return (
            f"{c(_SOURCES)}、{c(_EVENTS)}が続く{self.country}から周辺{self.num(2, 12)}か国に"
            f"逃れた人は{self.num(1, 90)}万人を超え、{c(_MINISTRIES)}は{c(_APPEALS)}。"
        )

    def s_bilateral(self) -> str:
        c = self.c
        return (
            f"{c(_BILATERAL)}首脳会談は{self.num(1, 12)}月{self.day()}に{c(_CITIES)}で"
            f"{c(_SCHEDULED)}、{self.topics()}が主な議題となる見通しです。"
        )

    def s_sanction(self) -> str:
        c = self.c
        return (
            f"{c(_BLOCS)}は{self.day()}、{c(_REASONS)}{c(_SHORT)}に対する{self.num(2, 14)}回目の"
            f"制裁措置を決め、{c(_TARGETS)}や{c(_TARGETS)}など{self.num(10, 400)}の個人や団体を"
            f"新たに{c(_SANCTION_KINDS)}の対象に加えました。"
        )

    def s_rally(self) -> str:
        c = self.c
        return (
            f"{c(_RALLY_PLACES)}では{self.day()}、{self.topics()}に{c(_PROTEST)}する集会が開かれ、"
            f"{c(_ORGANIZERS)}の発表でおよそ{self.num(100, 9000, 100)}人が参加し、"
            f"「{c(_SLOGANS)}」などと声を上げました。"
        )

    def s_kyoto(self) -> str:
        c = self.c
        return (
            f"京都市で開かれている{c(_CONFERENCES)}には{self.num(5, 60)}か国の{c(_DELEGATES)}が"
            f"出席し、{c(_TOPICS)}をめぐる{c(_DOCS)}の{c(_DRAFTING)}、議長を務める"
            f"{self.official()}は「{c(_QUOTES)}」と話しています。"
        )

    def s_follow(self) -> str:
        c = self.c
        return f"{self.person}はこれまでに{c(_WHERE)}「{c(_QUOTES)}」と{c(_INSISTED)}。"

    def s_context(self) -> str:
        c = self.c
        return (
            f"{c(_TOPICS)}をめぐっては、{self.country}が{c(_DEMANDS)}一方、{c(_COUNTRIES)}は"
            f"{c(_COUNTERS)}、緊張が続いています。"
        )

    def s_poll(self) -> str:
        c = self.c
        return (
            f"{c(_POLLSTERS)}が{self.day()}に発表した世論調査では、{self.person}の支持率は"
            f"{self.num(12, 71)}%で、前回から{self.num(1, 9)}ポイント{c(_UPDOWN)}し、"
            f"{c(_TOPICS)}への対応が{c(_EFFECT)}とみられます。"
        )

    def s_oil(self) -> str:
        c = self.c
        fuel, unit = c(_FUELS)
        return (
            f"{c(_ENERGY_SOURCES)}の発表によりますと、{self.num(1, 12)}月の{self.country}の"
            f"{fuel}の生産量は{self.num(10, 990, 10)}{unit}で、{c(_COUNTRIES)}向けの輸出は"
            f"{self.pct()}{c(_UPDOWN)}し、{c(_TRENDS)}。"
        )

    # paragraphs --------------------------------------------------------------------------

    def paragraph(self, new_subject: bool = True) -> str:
        """One paragraph of MIN_PARAGRAPH.._BUILD_MAX characters."""
        if new_subject:
            self.new_subject()
        c = self.c
        sentences = self.sentences
        target = MIN_PARAGRAPH + int(self.r() * (_BUILD_MAX - MIN_PARAGRAPH + 40))
        text = c(_HEADLINES) if self.r() < 0.02 else ""
        last = c(sentences)
        text += last()
        count = 1
        # Two sentences at least: one-sentence paragraphs would collide by chance at 1M.
        while count < 2 or len(text) < target:
            make = c(sentences)
            if make is last:  # the same kind of sentence twice in a row reads badly
                continue
            s = c(_OPENERS) + make()
            if len(text) + len(s) > _BUILD_MAX:
                if count >= 2:
                    break
                continue
            text += s
            last = make
            count += 1
        return text


# ---------------------------------------------------------------------------------------------
# Entries


@dataclass(frozen=True)
class SyntheticEntry:
    """One generated journal entry: its date, its page of clip text and what went into it.

    `near_duplicate_of` is the index (in generation order) of the earlier entry one of whose
    clips this entry re-clips with exactly one figure changed; `near_duplicate_clip` is then
    (index of the clip here, index of the original clip there).
    """

    published: datetime
    text: str
    clips: list[str]
    tags: list[list[str]]
    near_duplicate_of: int | None
    near_duplicate_clip: tuple[int, int] | None = None

    @property
    def file_name(self) -> str:
        """The entry's file name, `YYYY-MM-DD_HHMMSS.txt` (unique: times are whole seconds)."""
        return self.published.strftime("%Y-%m-%d_%H%M%S") + ".txt"


def change_one_figure(text: str, rng: random.Random) -> str | None:
    """`text` with one figure changed by 5-40% (3800人 → 4400人), or None when it has none.

    A figure before a counter is preferred; the digit count and the digit width (ASCII or
    full-width) are kept when possible, so only digits differ from the original.
    """
    spans = [m.span() for m in _FIGURE.finditer(text)] or [
        m.span() for m in _ANY_NUMBER.finditer(text)
    ]
    if not spans:
        return None
    start, end = rng.choice(spans)
    digits = text[start:end]
    value = int(digits)  # int() reads full-width digits too
    grain = 1
    while value >= grain * 100 and value % (grain * 10) == 0:
        grain *= 10
    delta = grain * max(1, round(value / grain * (0.05 + 0.35 * rng.random())))
    candidates = [value + delta, value - delta]
    if rng.random() < 0.5:
        candidates.reverse()
    fitting = [v for v in candidates if v > 0 and len(str(v)) == len(digits)]
    new = fitting[0] if fitting else value + delta
    new_digits = str(new)
    if not digits.isascii():
        new_digits = new_digits.translate(_FULL_WIDTH)
    return text[:start] + new_digits + text[end:]


def _clip_count(rng: random.Random, mean: int) -> int:
    """A clip count around `mean`: uniform below or above it, weighted so the mean is `mean`."""
    lo, hi = min(2, mean), max(9, mean)
    if hi == lo:
        return mean
    if rng.random() < (hi - mean) / (hi - lo):
        return rng.randint(lo, mean)
    return rng.randint(mean, hi)


def _group_sizes(rng: random.Random, k: int) -> list[int]:
    """Split k clips into 1-3 non-empty groups."""
    x = rng.random()
    groups = min(k, 1 if x < 0.45 else 2 if x < 0.8 else 3)
    cuts = sorted(rng.sample(range(1, k), groups - 1))
    bounds = [0, *cuts, k]
    return [bounds[i + 1] - bounds[i] for i in range(groups)]


def _tag_line(rng: random.Random) -> list[str]:
    """1-3 distinct tags drawn with Zipf-like weights."""
    x = rng.random()
    want = 1 if x < 0.5 else 2 if x < 0.85 else 3
    tags: list[str] = []
    for tag in rng.choices(TAGS, cum_weights=_TAG_CUM, k=want):
        if tag not in tags:
            tags.append(tag)
    return tags


def render_page(clips: Sequence[str], tags: Sequence[Sequence[str]], sizes: Sequence[int],
                old_format: bool) -> str:
    """The clip text page: header, groups closed by hashtag lines, footer (no final newline)."""
    lines = [*HEADER, ""]
    i = 0
    for size, group_tags in zip(sizes, tags, strict=True):
        for clip in clips[i : i + size]:
            lines.append(clip)
            if old_format:
                lines.append("")
        i += size
        lines.append("".join("#" + t for t in group_tags))
        lines.append("")
    lines.append(FOOTER)
    return "\n".join(lines)


def generate_entries(n: int, seed: int = 0, clips_per_entry: int = 5) -> Iterator[SyntheticEntry]:
    """Yield `n` entries, oldest first, dated strictly increasing over 2016..2025 (Asia/Tokyo).

    Each entry has `clips_per_entry` clips on average (2..9 for the default). Raises ValueError
    for a negative `n`, `clips_per_entry` < 1, or more entries than seconds in ten years.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if clips_per_entry < 1:
        raise ValueError("clips_per_entry must be >= 1")
    if n > _SPAN:
        raise ValueError(f"at most {_SPAN} entries fit in ten years at one per second")
    rng = random.Random(seed)
    writer = _Writer(rng)
    # (index, clips, index of the clip that is itself a re-clip or -1) of the latest entries
    recent: deque[tuple[int, list[str], int]] = deque(maxlen=_NEAR_DUP_WINDOW)
    # Clips already re-clipped once: a second re-clip could pick the same new figure.
    used: set[tuple[int, int]] = set()
    for i in range(n):
        lo, hi = i * _SPAN // n, (i + 1) * _SPAN // n
        published = START + timedelta(seconds=lo + rng.randrange(hi - lo))
        k = _clip_count(rng, clips_per_entry)
        writer.new_subject()
        clips = [writer.paragraph(new_subject=rng.random() < 0.3) for _ in range(k)]
        near: int | None = None
        near_clip: tuple[int, int] | None = None
        if recent and rng.random() < _NEAR_DUP_RATE:
            for _ in range(4):  # an entry whose clips have no figure at all is rare
                j, earlier, reclip = rng.choice(recent)
                src = rng.randrange(len(earlier))
                if src == reclip or (j, src) in used:
                    # Re-clipping a re-clip could change the figure back to the first clip's.
                    continue
                changed = change_one_figure(earlier[src], rng)
                if changed is not None:
                    dst = rng.randrange(k)
                    clips[dst] = changed
                    near, near_clip = j, (dst, src)
                    used.add((j, src))
                    break
        recent.append((i, clips, near_clip[0] if near_clip else -1))
        sizes = _group_sizes(rng, k)
        tags = [_tag_line(rng) for _ in sizes]
        text = render_page(clips, tags, sizes, published.year < _NEW_FORMAT_FROM)
        yield SyntheticEntry(published, text, clips, tags, near, near_clip)


def generate_paragraphs(n: int, seed: int = 0) -> Iterator[str]:
    """Yield `n` paragraphs (no entries, dates or near-duplicates): the fast path for search."""
    writer = _Writer(random.Random(seed))
    paragraph = writer.paragraph
    for _ in range(n):
        yield paragraph()


# ---------------------------------------------------------------------------------------------
# CLI


def main(argv: Sequence[str] | None = None) -> int:
    """Write entries (one file each) or paragraphs (one per line); see the module docstring."""
    parser = argparse.ArgumentParser(description="Synthetic Japanese news-like corpus.")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--entries", type=int, metavar="N", help="write N entry files into --out")
    what.add_argument("--paragraphs", type=int, metavar="N", help="write N lines to --out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clips-per-entry", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True, help="directory or file")
    args = parser.parse_args(argv)
    out: Path = args.out
    if args.entries is not None:
        out.mkdir(parents=True, exist_ok=True)
        for entry in generate_entries(args.entries, args.seed, args.clips_per_entry):
            (out / entry.file_name).write_text(entry.text, encoding="utf-8", newline="")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="\n") as f:
            for p in generate_paragraphs(args.paragraphs, args.seed):
                f.write(p)
                f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
