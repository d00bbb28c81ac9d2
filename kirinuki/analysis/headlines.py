"""Headlines: one line of words set apart by spaces, with no sentence end, and when two of them
are one headline updated (`compare` in `duplicates.py` reads them)."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from kirinuki.analysis.figures import extract_figures
from kirinuki.analysis.sentences import aligned_changes, swapped
from kirinuki.analysis.textnorm import mask_digits, normalise, strip_noise
from kirinuki.text.lazyre import lazy_re

if TYPE_CHECKING:
    import re

    from kirinuki.analysis.duplicates import Prepared

# Headlines: a short line with no sentence end, its words apart (`ポルタ国民投票 賛成多数で…`).
_SENTENCE_END = lazy_re(r"[。!?！？]|[.．](?![0-9０-９])")  # not a decimal point (`0.5%`)
_HEADLINE_LABEL = lazy_re(r"^(?:速報|随時更新|更新|続報|詳報|詳しく|独自|中継|live|ライブ)+")
# A headline's common opening that names only a topic, not an event (`エステラ情勢`).
_TOPIC_END = lazy_re(r"(?:情勢|問題|関連|まとめ|特集|ニュース|最新情報|速報|選挙|動き)$")
_LEADING_BRACKETS = lazy_re(r"^(?:【[^】]*】)+")
_DAY_BLOG = lazy_re(r"0日の動き$")
# A live blog's words for the state of things (`被害の状況`, `現地の様子`, `各地の情報`).
_STATUS_TAIL = lazy_re(r"(?:被害|現地|各地|交通|生活|影響)?の?(?:状況|様子|情報)$")
# A qualifier before a figure (`約2800万円`): a follow-up headline adds it to the same figure.
_QUALIFIER = lazy_re(r"(?:約|およそ)(?=0)")
_HIRAGANA = lazy_re(r"[\u3041-\u309f]")
HEADLINE = 40  # normalised characters up to which such a line is a headline
HEADLINE_OPENING = 8  # normalised characters two updates of a headline open with alike


def headline_updated(a: Prepared, b: Prepared) -> bool:
    """True when both clips are headlines that open with the same words naming an event, not
    only a topic, and go on differently (`【速報】ベルガ州でダム決壊 下流の村に濁流` / `…ダム
    決壊 6人死亡 9人不明`): one headline updated."""
    if len(a.masked) > HEADLINE or len(b.masked) > HEADLINE:
        return False
    if not (_is_headline(a.text) and _is_headline(b.text)):
        # (`日経平均株価、一時600円以上値下がり`: a headline's words set apart by a comma.)
        return (_is_headline(a.text, comma=True) and _is_headline(b.text, comma=True)
                and _then_closed(a, b))
    ma = _QUALIFIER.sub("", _HEADLINE_LABEL.sub("", a.masked))
    mb = _QUALIFIER.sub("", _HEADLINE_LABEL.sub("", b.masked))
    n = 0
    for x, y in zip(ma, mb, strict=False):
        if x != y:
            break
        n += 1
    # A first group of words that is only a subject (`ネリア中央銀行総裁`) must be passed.
    first = _HEADLINE_LABEL.sub("", mask_digits(normalise(
        _LEADING_BRACKETS.sub("", a.text.strip()).split()[0])))
    if swapped(a.places, b.places) or _event_put_for_another(ma, mb):
        return False
    if (a.places & b.places or first == _first_group(b.text)) and toll_updated(a.norm, b.norm):
        return True  # `大雨 4人死亡12人行方不明` / `大雨 死者9人 行方不明は8人に`
    if n >= 3 and ((_first_groups_share(a.text, b.text, n) and (
            toll_updated(a.norm, b.norm) or _figure_updated(a.text, b.text)))
            or _counted_alike(a.text, b.text)):
        # `北嶺道で三十台超の玉突き事故 十二人けが` / `北嶺道の玉突き事故 47台が絡み19人けが`,
        # `汐見海峡で…衝突 重油流出、油の帯3キロ` / `汐見海峡の衝突事故 油の帯8キロに拡大`
        return True
    if _then_closed(a, b):
        return True  # `日経平均株価 一時600円以上値下がり` / `日経平均株価 終値は420円安`
    if a.serials == b.serials and any(s.endswith("日の動き") for s in a.serials):
        # One day's live blog titled by its topic alone, or with a word of the state of things,
        # then with the day's news (`…情勢（9日の動き）`, `…地震 被害の状況（9日の動き）` / `…地震
        # 死者11人に（9日の動き）`); two items are other news.
        short = _DAY_BLOG.sub("", min(ma, mb, key=len))
        topic = _STATUS_TAIL.sub("", short)
        if ((_TOPIC_END.search(short) and n >= len(short))
                or (topic != short and len(topic) >= 3 and n >= len(topic))):
            return True
    if _TOPIC_END.search(ma[:n]):
        return False
    if n >= len(first) >= 3 and _state_ended(ma[n:], mb[n:]):
        return True  # `北海線 全線で運転見合わせ` / `北海線 午後3時すぎに運転再開`
    if a.places & b.places and _named_state_ended(ma, mb):
        return True  # `大曽根市で水道管破損 8200戸断水` / `大曽根市の断水 8200戸すべて解消`
    if n >= 3 and _ahead_then_held(a.text, b.text, ma[n:], mb[n:]):
        return True  # `ルミナ中銀、4日に金融政策決定 利上げ幅に注目` / `ルミナ中銀、0.5%の大幅利上げ …`
    if n >= len(first) >= 3 and _groups_counted(a.text, b.text):
        return True  # `…大橋が崩落 車が川に転落 複数人と…` / `…大橋が崩落 車5台が川に転落 3人死亡…`
    if n < HEADLINE_OPENING or n < 0.4 * min(len(ma), len(mb)):
        return False
    if _other_things_counted(a, b):
        return False  # `北浦町 竜巻…突風 停電 約1200戸` / `… けが人3人`: two items of one story
    return n > len(first) or bool(_HIRAGANA.search(first))


# A live blog's headline with its day and the news of the moment after it (`【随時更新】オルメリア
# クーデター未遂（8日の動き）　首都で銃声…`; NFKC: `（）` → `()`).
_LIVE_BLOG = lazy_re(r"^\s*(?:【[^】]{0,12}】\s*)+(.{2,40}?)\(\s*([0-9]{1,2})日の動き\s*\)\s*(\S.{1,40})$")


def live_blog_updated(a: Prepared, b: Prepared) -> bool:
    """True when both clips are one live blog's headline of one day, its title and day the same,
    each with the news of its moment after the day (`【随時更新】…首脳会談（8日の動き）会談始まる` /
    `…（8日の動き）関税撤廃で合意`): the page's headline updated."""
    if "動き" not in a.norm or "動き" not in b.norm:
        return False  # cheap test first
    ma = _LIVE_BLOG.match(strip_noise(unicodedata.normalize("NFKC", a.text)).strip())
    mb = _LIVE_BLOG.match(strip_noise(unicodedata.normalize("NFKC", b.text)).strip())
    if not (ma and mb and _is_headline(a.text) and _is_headline(b.text)):
        return False
    ra, rb = normalise(ma.group(3)), normalise(mb.group(3))
    # (Other days' pages have other running counts: `compare` lets them go before.)
    return normalise(ma.group(1)) == normalise(mb.group(1)) and bool(ra) and bool(rb) and ra != rb


def _other_things_counted(a: Prepared, b: Prepared) -> bool:
    """True when both headlines give counts and none in one counter with a word in common
    beside it (`事故 46人取り残され` / `幹部2人拘束`): each tells its own figure, not one figure
    updated."""
    ca, cb = _beside(a.text), _beside(b.text)
    return bool(ca and cb) and not any(
        x[0] == y[0] and (x[1] == y[1] or x[2] == y[2]) for x in ca for y in cb)


def _beside(text: str) -> list[tuple[str, str, str]]:
    """(counter, two characters before, two after) of each figure with a counter, normalised."""
    out = []
    for f in extract_figures(text):
        if f.counter:
            out.append((f.counter, normalise(text[max(0, f.start - 4):f.start])[-2:],
                        normalise(text[f.end:f.end + 4])[:2]))
    return out


_COMMA_GROUPS = lazy_re(r"[\s、,]+")
_CONTENT_BIGRAM = lazy_re(r"(?=([\u4e00-\u9fff\u30a1-\u30faー]{2}))")


# A count with its counter inside a headline's group (`車5台が`: `車が`), once digits are masked.
_GROUP_COUNT = lazy_re(r"0(?:[万億]0?)?(?:人|台|棟|戸|件|隻|機|頭|便|か所|カ所|キロ|ヘクタール)")


def _groups_counted(ta: str, tb: str) -> bool:
    """True when two headlines share their first group and another one, counts inside it aside
    (`乙瀬大橋が崩落 車が川に転落 …` / `乙瀬大橋が崩落 車5台が川に転落 …`), and one gives counts
    and the other none: the event's headline updated with what was counted."""
    def groups(text: str) -> list[str]:
        rest = _LEADING_BRACKETS.sub("", strip_noise(text).strip()).split()
        return [_GROUP_COUNT.sub("", _HEADLINE_LABEL.sub("", mask_digits(normalise(g)))) for g in rest]
    ga, gb = groups(ta), groups(tb)
    if len(ga) < 3 or len(gb) < 3 or ga[0] != gb[0] or ga == gb:
        return False
    shared = [g for g in ga[1:] if len(g) >= 4 and g in gb[1:]]
    counts_a = [f.value for f in extract_figures(ta) if f.counter]
    counts_b = [f.value for f in extract_figures(tb) if f.counter]
    return bool(shared) and bool(counts_a) != bool(counts_b)


def _first_groups_share(ta: str, tb: str, n: int) -> bool:
    """True when the first groups of words of two headlines share a word (a pair of kanji or
    katakana) past the `n` characters both open with (`…玉突き事故`, `…衝突`): one event."""
    ga, gb = _first_group(ta), _first_group(tb)
    return bool(set(_CONTENT_BIGRAM.findall(ga[n:])) & set(_CONTENT_BIGRAM.findall(gb[n:])))


COUNTED_WORDS = 2  # content bigrams two counts' surroundings share to count one thing


def _counted_alike(ta: str, tb: str) -> bool:
    """True when two headlines give a figure in one counter with no value in common, the words
    around each (six characters either side) sharing `COUNTED_WORDS` content bigrams or more
    (`児童52人が体調不良` / `体調不良の児童ら71人に`): one count updated, told in another order."""
    def around(text: str) -> dict[str, list[tuple[float, set[str]]]]:
        out: dict[str, list[tuple[float, set[str]]]] = {}
        for f in extract_figures(text):
            if f.counter:
                near = text[max(0, f.start - 6):f.start] + " " + text[f.end:f.end + 6]
                out.setdefault(f.counter, []).append(
                    (float(f.value), set(_CONTENT_BIGRAM.findall(near))))
        return out
    ka, kb = around(ta), around(tb)
    for counter in ka.keys() & kb.keys():
        if {v for v, _ in ka[counter]} & {v for v, _ in kb[counter]}:
            continue
        if any(len(x & y) >= COUNTED_WORDS for _, x in ka[counter] for _, y in kb[counter]):
            return True
    return False


def _figure_updated(ta: str, tb: str) -> bool:
    """True when two headlines give a figure in one counter after the same two characters
    (`油の帯3キロ` / `油の帯8キロ`) with no value in common: that figure updated."""
    def keyed(text: str) -> dict[tuple[str, str], set[float]]:
        out: dict[tuple[str, str], set[float]] = {}
        for f in extract_figures(text):
            before = normalise(text[max(0, f.start - 4):f.start])[-2:]
            if f.counter and len(before) == 2:
                out.setdefault((before, f.counter), set()).add(float(f.value))
        return out
    ka, kb = keyed(ta), keyed(tb)
    return any(not ka[k] & kb[k] for k in ka.keys() & kb.keys())


def _first_group(text: str, apart: re.Pattern[str] | None = None) -> str:
    """The first group of words of a headline (set apart by spaces, or by `apart`),
    normalised and masked, labels left out."""
    rest = _LEADING_BRACKETS.sub("", text.strip())
    groups = apart.split(rest) if apart else rest.split()
    return _HEADLINE_LABEL.sub("", mask_digits(normalise(groups[0]))) if groups else ""


# A headline's toll: the dead, the missing, the injured, the evacuated, before or after the count.
# (A count right after a toll's noun is that toll's: `死者6人行方不明は3人`; kanji numerals too.)
_COUNT = r"([0-9]+(?:万[0-9]*)?|[一二三四五六七八九十百千]+)人"
_N = rf"(?<![者人はが]){_COUNT}(?:超|以上)?"
_AFTER = _COUNT
_TOLLS = (("死亡", lazy_re(rf"{_N}が?死亡|死者[はが]?{_AFTER}")),
          ("行方不明", lazy_re(rf"{_N}が?(?:行方不明|不明)|(?:行方不明|不明)者?[はが]?{_AFTER}")),
          ("けが", lazy_re(rf"{_N}が?(?:けが|負傷)|(?:けが人|負傷者)[はが]?{_AFTER}")),
          ("避難", lazy_re(rf"{_N}が?避難|避難者?[はが]?{_AFTER}")))


# A toll told with no count yet (`多数の死傷者`, `死者が出る`): counted in a later headline.
_UNCOUNTED = lazy_re(r"多数の死傷者|死傷者多数|多数死傷|多数の死者|死者多数|死者が出")
_MANY = "多数"


def tolls(norm: str) -> dict[str, frozenset[str]]:
    """The counts of a normalised headline's toll by what they count (`死者9人` → 死亡: 9;
    `多数の死傷者` → 死亡: 多数)."""
    out: dict[str, frozenset[str]] = {}
    for what, pattern in _TOLLS:
        found = frozenset(g for m in pattern.finditer(norm) for g in m.groups() if g)
        if found:
            out[what] = found
    if "死亡" not in out and _UNCOUNTED.search(norm):
        out["死亡"] = frozenset((_MANY,))
    return out


def toll_updated(a: str, b: str) -> bool:
    """True when two normalised headlines tell one toll (`死亡`, `行方不明`...) with other
    counts: the toll updated."""
    if not ("人" in a or "死" in a) or not ("人" in b or "死" in b):
        return False
    ta, tb = tolls(a), tolls(b)
    return any(not ta[k] & tb[k] for k in ta.keys() & tb.keys())


_KANJI_WORD = lazy_re(r"[\u4e00-\u9fff]{2,}")
# A toll's words (`けが人多数` / `9人死亡`, `洪水 死者30人`), left out of the words compared.
_TOLL_WORD = lazy_re(r"死者|死亡|行方不明|不明者?|負傷者?|けが人|避難者?|多数|被害")


def _event_put_for_another(a: str, b: str) -> bool:
    """True when aligning two masked headlines puts a kanji word for another, neither a state
    going on or ended nor a toll (`ネリアで地震` / `ネリアで洪水`; not `運転見合わせ` / `運転再開`,
    `多数` / `死亡`): another event at one place."""
    for x, y in aligned_changes(a, b):
        x, y = _TOLL_WORD.sub("", x), _TOLL_WORD.sub("", y)
        if (_KANJI_WORD.fullmatch(x) and _KANJI_WORD.fullmatch(y)
                and not (_HEADLINE_ONGOING.search(x + y) or _HEADLINE_ENDED.search(x + y))):
            return True
    return False


# A market's move during the day (`一時`, `午前`, `前場`), and the day's close.
_DURING_DAY = lazy_re(r"一時|午前|前場")
_CLOSED = lazy_re(r"(?<!午前の)終値|取引を終え|取り引きを終え|大引け")


def _then_closed(a: Prepared, b: Prepared) -> bool:
    """True when two headlines open with one group of words (three characters or more) and
    one tells a move during the day, the other, alone, the day's close: the day's figure
    reported later."""
    first = _first_group(a.text, _COMMA_GROUPS)
    return len(first) >= 3 and first == _first_group(b.text, _COMMA_GROUPS) and any(
        bool(_DURING_DAY.search(x)) and not _CLOSED.search(x) and bool(_CLOSED.search(y))
        and not _DURING_DAY.search(y) for x, y in ((a.norm, b.norm), (b.norm, a.norm)))


# What a headline says goes on (`運転見合わせ`), and its end (`運転再開`).
# A call issued (`避難指示`, `大雨警報`) goes on until it is lifted (`…解除`).
_HEADLINE_ONGOING = lazy_re(r"見合わせ|運休|停止|通行止め|発令|停電|断水|休校|欠航|中断|閉鎖"
                            r"|指示|勧告|警報|注意報|禁止令|規制")


_HEADLINE_ENDED = lazy_re(r"再開|解除|復旧|解消|鎮火")


def _state_ended(a: str, b: str) -> bool:
    """True when one headline's rest says something goes on and the other's that it ended."""
    return any(bool(_HEADLINE_ONGOING.search(x)) and bool(_HEADLINE_ENDED.search(y))
               and not _HEADLINE_ENDED.search(x) for x, y in ((a, b), (b, a)))


# A headline of what is ahead: a group ending in `へ` (`…運休へ`), today or tomorrow, a plan.
_AHEAD_GROUP = lazy_re(r"へ$")
_AHEAD_WORD = lazy_re(r"きょう|あす|注目|予定|見通し|方針")
_GROUPS = lazy_re(r"[\s、,]+")
_BIGRAM = lazy_re(r"(?=([^\u3041-\u309f0]{2}))")


def _ahead(text: str) -> bool:
    groups = [g for g in _GROUPS.split(text.strip()) if g]
    return bool(_AHEAD_WORD.search(text)) or any(_AHEAD_GROUP.search(g) for g in groups)


def _ahead_then_held(ta: str, tb: str, ra: str, rb: str) -> bool:
    """True when one of two headlines opening with one subject tells what is ahead (`…運休へ`,
    `きょう判決`, `…に注目`) and the other not, and the other's rest (`rb` / `ra`, after the
    common opening) holds a word of the first's rest (`利上げ`): that event reported."""
    xa, xb = _ahead(ta), _ahead(tb)
    if xa == xb:
        return False
    ahead, other = (ra, rb) if xa else (rb, ra)
    # A word of both first groups is the story's topic (`汐見海峡で…衝突` / `汐見海峡衝突 海保、
    # …事情聴取へ`), not the event told ahead.
    topic = set(_BIGRAM.findall(_first_group(ta))) & set(_BIGRAM.findall(_first_group(tb)))
    words = set(_BIGRAM.findall(_AHEAD_WORD.sub("", ahead))) - topic
    return bool(words & set(_BIGRAM.findall(other)))


def _named_state_ended(a: str, b: str) -> bool:
    """True when what one headline says goes on (`断水`) is said in the other to have ended
    (`断水 …すべて解消`)."""
    for x, y in ((a, b), (b, a)):
        going = _HEADLINE_ONGOING.search(x)
        if going and not _HEADLINE_ENDED.search(x) and going.group() in y and _HEADLINE_ENDED.search(y):
            return True
    return False


def _is_headline(text: str, comma: bool = False) -> bool:
    """True when `text` is one line of words set apart by spaces (or commas, with `comma`)
    with no sentence end."""
    text = strip_noise(text).strip()  # a tweet's link and sign-off end no sentence
    return ("\n" not in text and not _SENTENCE_END.search(text)
            and (" " in text or "\u3000" in text or text.startswith("【")
                 or (comma and ("、" in text or "," in text))))


LEAD_COVERS = 0.7  # share of a headline's content bigrams its report's lead holds


def headline_of_lead(a: Prepared, b: Prepared) -> bool:
    """True when one clip is a headline (`【速報】…空港で旅客機が滑走路はみ出す 乗客3人けが`) and the
    other a report in sentences holding most of its words (`LEAD_COVERS` of its content bigrams)
    and every place it names, with a count in the headline's counter of other values only
    (`…乗客5人がけがをした`): the headline's news told later with the count updated."""
    if len(a.masked) > HEADLINE and len(b.masked) > HEADLINE:
        return False  # (cheap test first: most pairs hold no headline)
    for h, p in ((a, b), (b, a)):
        if (len(h.masked) <= HEADLINE and len(p.masked) > len(h.masked) and h.places
                and _is_headline(h.text) and _SENTENCE_END.search(strip_noise(p.text))):
            break
    else:
        return False
    if not h.places <= p.places or len(h.bigrams & p.bigrams) < LEAD_COVERS * len(h.bigrams):
        return False
    counters = {c for c, _ in h.figures} & {c for c, _ in p.figures}
    return bool(counters) and all(
        not {v for c2, v in h.figures if c2 == c} & {v for c2, v in p.figures if c2 == c}
        for c in counters)
