"""Plan and state rules: an event told ahead then reported as done, a plan carried out, a
state going on then ended, a call lifted, a preliminary statistic revised, and the openings
that let a rewritten lead be compared. `updates` and `passages` call them. Pure.
"""

from rapidfuzz import fuzz

from kirinuki.analysis.counts import other_slots
from kirinuki.analysis.sentences import (
    OPENING,
    WORD,
    Sentence,
    days,
    swapped,
    word_put_for_another,
)
from kirinuki.analysis.textnorm import normalise
from kirinuki.text.lazyre import lazy_re

OPENING_LABEL = lazy_re(r"^(?:breaking|updated?|urgent|developing|alert|flash|justin|速報|更新"
                        r"|続報|詳報|随時更新)+")
MONTH = lazy_re(r"(?<![0-9])([0-9]{1,2})月")


# An announced plan (`…する予定です`, `…する方向で最終調整に入りました`), reported later as done.
# The other sentence ends in the past, also as hearsay (`…到着したということです`).
_DONE = lazy_re(r"(?:ました|した|た)(?:ということです|とのことです|としています|という)?[。.]?\s*$"
                # A headline or an item stops at the deed's noun (`メレク首相がソルム港を視察。`).
                r"|(?<=[をがで])(?:視察|訪問|会談|到着|出発|着陸|開始|再開|合意|署名|調印|成立|可決|"
                r"逮捕|起訴|辞任|就任|開通|完了|実施|開催)[。.]?\s*$")


# (A plan told as past, `予定していた外国訪問を取りやめる`, is no plan announced; nor is a
# schedule overrun, `予定の日を過ぎても下山せず`, `予定より遅れて`.)
# (Wire style too, ending the sentence: `…する見通しだ。`, `…する方針。`)
PLAN = lazy_re(r"予定(?!して(?:い)?た|だった|していました|(?:の[日時刻間]{1,2})?を過ぎ|より遅れ)|方向で|ことになります|ことにしています|ことにしている|めどに|見通しです|見込みです"
                   r"|方針です|方針を|意向です|意向を|検討|(?:見通し|見込み|方針)だ?(?:ということです|とのことです|という)?"
                   r"[。.]?\s*$")


# A deed still ahead, said in the past (`…燃料税の引き下げを年末まで続けると述べた`): a plan told,
# not one done (`…4.75%にすると発表しました` is a decision made).
_SAID_AHEAD = lazy_re(r"[るう]と(?:述べ|語|話し|強調し|約束し|主張し)[^。、]*[。.]?\s*$")


# A time ahead in one sentence only (`対話を来週、首都で始めると発表` / `対話が25日、始まった`).
_FUTURE = lazy_re(r"来週|来月|来年")


# Told ahead: a polite non-past end (`…準決勝で…と対戦します`), or a deed ahead announced
# (`…8日から48時間のストライキに入ると発表した`).
_AHEAD = lazy_re(r"(?<!てい)(?<!てお)(?<!てい)ます[。.]?\s*$|[るう]と(?:発表|明らかに)し(?:まし)?た[。.]?\s*$")


AHEAD_LEAD = 0.45  # first-sentence similarity of an event told before and after
MOST = 0.7  # share of a plan's deed words (four or more) its report has


def told_ahead_then_done(sa: list[Sentence], sb: list[Sentence]) -> bool:
    """True when the first sentence of one clip tells of something ahead (a plan, `…対戦します`,
    `…に入ると発表した`) and the other's reports something done (past tense), naming no other
    day for it: one event before and after."""
    if not sa or not sb:
        return False
    a, b = sa[0], sb[0]
    inter = len(a.bigrams & b.bigrams)
    overlap = inter / max(1, len(a.bigrams) + len(b.bigrams) - inter)
    if (fuzz.ratio(a.masked, b.masked) / 100 + overlap) / 2 < AHEAD_LEAD:
        return False  # first sentences about other things (`空港は…再開した` / `国連は…発表`)
    for x, y in ((a, b), (b, a)):
        ahead = bool(PLAN.search(x.folded) or _AHEAD.search(x.folded))
        if (ahead and _DONE.search(y.folded) and not PLAN.search(y.folded)
                and not _AHEAD.search(y.folded) and not _SAID_AHEAD.search(y.folded)):
            dx, dy = days(x.folded), days(y.folded)
            return not (dx and dy and not dx & dy) or len(dx) > 1
    return False


def opens_alike(a: Sentence, b: Sentence) -> bool:
    """True when both sentences open with the same words (`same_opening`) or one opens with
    the other's topic (`乗客は、…` / `乗客およそ210人は、…`) and no content word is put for
    another (`政府は…コメのうち` / `小麦のうち`)."""
    if same_opening(a, b):
        return True
    return (((len(a.topic) >= 2 and b.masked.startswith(a.topic))
             or (len(b.topic) >= 2 and a.masked.startswith(b.topic)))
            and not word_put_for_another(a.masked, b.masked))


def same_opening(a: Sentence, b: Sentence) -> bool:
    """True when both sentences open with the same words (`赤岳の噴火で、気象台は`) and no
    content word is put for another: one subject, even when it is no name."""
    ma, mb = OPENING_LABEL.sub("", a.masked), OPENING_LABEL.sub("", b.masked)
    n = min(len(ma), len(mb), OPENING)
    return (n == OPENING and ma[:n] == mb[:n]
            # A number in the opening must be the same one (`台風15号の影響で`: a name), not a
            # day or a count told alike (`14日の…` / `15日の…`).
            and ("0" not in ma[:n] or _numbers_opening(a, n) == _numbers_opening(b, n))
            # `政府は、…備蓄しているコメのうち` / `小麦のうち`: the same opening, another thing
            and not word_put_for_another(a.masked, b.masked))


_DIGIT_RUN = lazy_re(r"[0-9]+")


def _numbers_opening(s: Sentence, n: int) -> list[str]:
    """The numbers written in the first `n` masked characters of `s` (opening labels aside)."""
    norm = OPENING_LABEL.sub("", normalise(s.raw))
    out: list[str] = []
    for m in _DIGIT_RUN.finditer(norm):
        masked_at = m.start() - sum(len(x) - 1 for x in out)
        if masked_at >= n:
            break
        out.append(m.group())
    return out


def plan_done(a: Sentence, b: Sentence) -> bool:
    """True when one sentence announces a plan and the other, about the same named things,
    reports it done (`…に出発する予定です` / `…に到着しました`)."""
    fa, fb = bool(_FUTURE.search(a.folded)), bool(_FUTURE.search(b.folded))
    pa = bool(PLAN.search(a.folded)) or (fa and not fb)
    pb = bool(PLAN.search(b.folded)) or (fb and not fa)
    done = b.folded if pa else a.folded
    if pa == pb or not _DONE.search(done) or _SAID_AHEAD.search(done):
        return False  # no plan, or nothing reported done (`…を求めています` goes on)
    if swapped(a.names, b.names) or swapped(a.orgs, b.orgs):
        return False
    if not (a.subjects & b.subjects or (a.topic and a.topic == b.topic) or opens_alike(a, b)
            or _same_office(a, b) or topic_named_in(a, b)):
        return False
    if other_stage(a, b):
        return False
    ma, mb = set(MONTH.findall(a.folded)), set(MONTH.findall(b.folded))
    return not (ma and mb and not ma & mb) and not other_slots(a, b)


# The steps of a criminal case, each its own news (`…を捜索する方針` / `…を逮捕しました`).
_STAGE = lazy_re(r"家宅捜索|捜索|事情聴取|事情を聴|書類送検|送検|再逮捕|逮捕|起訴|判決|控訴|上告")


def other_stage(a: Sentence, b: Sentence) -> bool:
    """True when both sentences name steps of a criminal case and none in common: a plan to
    search (`…工場を捜索する方針`) is not carried out by an arrest (`…元課長を逮捕しました`)."""
    sa, sb = set(_STAGE.findall(a.folded)), set(_STAGE.findall(b.folded))
    return bool(sa and sb and not sa & sb)


# A state going on (`呼びかけています`, `停電が続いています`), and its end reported later.
_ONGOING = lazy_re(r"(?:ています|ている|ております|続いています|続いている|中です|中だ)"
                   r"(?:ということです|とのことです|という)?[。.]?\s*$")


_ENDED = lazy_re(r"解除|解消|復旧|再開|鎮火|消し止め|収束|終了|完了|取り下げ|通行できるよう"
                 r"|開通|撤回|釈放|解放|見つか|見つけ|発見"
                 r"|当選|再選|可決|否決|妥結|決着")  # a count or a vote going on, and its result


# Its end announced ahead (`…運転を再開する予定です`): the state's next news, too.
# (An account's notice says it in the polite present: `…から利用を再開します。`)
_END_PLANNED = lazy_re(rf"(?:{_ENDED.pattern})(?:(?:する|される)?(?:予定|見通し|見込み)"
                       r"|(?:します|いたします)[。.]?\s*$)")
# Its end not in sight (`復旧のめどは立っていない`, `まだ見つかっていない`): the state going on.
_NOT_YET = lazy_re(rf"(?:{_ENDED.pattern})(?:の(?:めど|見通し|見込み)(?:は|が|も)(?:立っ|つい)"
                   r"(?:てい)?|(?:し|され|でき|っ)?てい)ない")
# A stop announced (`…積み下ろしを当面、停止すると発表しました`): a state from then on.
_STOP_TOLD = lazy_re(r"(?:停止|中止|見合わせ|休止|閉鎖|運休)(?:(?:する|します)と(?:発表|明らかに)"
                     r"|(?:します|いたします)[。.]?\s*$)")  # `…から当面の間、利用を中止します。`
_STILL = lazy_re(r"(?:てい|立ってい|ついてい)ない(?:ということです|とのことです|という)?[。.]?\s*$")


# A state from now on, for the time being (`当面、休園することを決めました`, `当面の間、立ち入り
# 禁止です`), and the words of its deed after it (`休園`, `禁止`).
_FOR_NOW_DEED = lazy_re(r"当面(?:の間)?([^。]*)")
_KANJI_WORD = lazy_re(r"[\u4e00-\u9fff]{2,}")
# An end decided, still ahead (`…11月10日から…再開することを決めました`): another decision.
_DECIDED = lazy_re(r"ことを決め|ことに決め|ことにし")


def for_now_ended(a: Sentence, b: Sentence) -> bool:
    """True when one sentence tells of a state for the time being (`潮見台市立動物公園は、当面、
    休園することを決めました`) and the other, about one actor, reports it ended naming its deed
    (`…休園していましたが、28日、…営業を再開しました`): the state ended, however reworded."""
    for x, y in ((a, b), (b, a)):
        m = _FOR_NOW_DEED.search(x.folded)
        if (m and not _ENDED.search(x.folded) and _DONE.search(y.folded) and _ENDED.search(y.folded)
                and not _DECIDED.search(y.folded)
                and any(w in y.folded for w in _KANJI_WORD.findall(m.group(1)))
                and (opens_alike(x, y) or (len(x.any_topic) >= 3 and x.any_topic == y.any_topic))
                and not swapped(x.names, y.names)):
            return True
    return False


def state_ended(a: Sentence, b: Sentence) -> bool:
    """True when one sentence tells of a state going on and the other, opening alike, reports
    it ended (`…呼びかけています` / `…呼びかけを、午後7時に解除しました`) or announces its end
    (`…運転を取りやめています` / `…運転を再開する予定です`)."""
    for x, y in ((a, b), (b, a)):
        going = (_ONGOING.search(x.folded) or (_STILL.search(x.folded) and _NOT_YET.search(x.folded))
                 or _STOP_TOLD.search(x.folded))
        if (going and not _ENDED.search(_NOT_YET.sub("", x.folded))
                and ((_DONE.search(y.folded) and _ENDED.search(y.folded))
                     or _END_PLANNED.search(y.folded))):
            # Another organisation may report the end (`選挙管理委員会は…再選を果たしたと発表`)
            # when names are in common; with none, other organisations are another source.
            # About one thing: opening alike, with one topic, or naming a place in common
            # (`大沢川では、…作業を進めています` / `大沢川の…作業が完了しました`).
            return ((opens_alike(x, y) or (len(x.any_topic) >= 3 and x.any_topic == y.any_topic)
                     or bool(x.names & y.names) or _going_named(x, y))
                    and not swapped(x.names, y.names)
                    and (bool(x.names & y.names) or not swapped(x.orgs, y.orgs)))
    return _call_lifted(a, b)


# The deed a state going on is told with (`…給食の提供を取りやめています`: `取りやめ`).
_GOING_DEED = lazy_re(r"[をがにで]([\u4e00-\u9fff][\u4e00-\u9fff\u3041-\u309f]{1,5}?)(?:してい|てい)"
                      r"(?:ます|る)")


def _going_named(x: Sentence, y: Sentence) -> bool:
    """True when the sentences open with one topic (`市は`) and the deed `x` says goes on
    (`取りやめています`) is named in `y` (`取りやめていた…提供を、21日から再開しました`)."""
    going = _GOING_DEED.search(x.folded)
    tx, ty = _OPENING_TOPIC.match(x.masked), _OPENING_TOPIC.match(y.masked)
    return bool(going and len(going.group(1)) >= 2 and going.group(1) in y.folded
                and tx and ty and tx.group() == ty.group())


# A development counted as new (`新たに1人が救助され`, `新たに3棟の倒壊が確認され`).
_NEWLY = lazy_re(r"新たに[^。、]{0,12}?[0-9]")


def news_of_going_on(a: Sentence, b: Sentence) -> bool:
    """True when one sentence tells of something going on with no count (`…捜索が行われています`)
    and the other, opening the same way, reports it with a new count done (`…捜索が続けられ、
    午後、新たに1人が救助されました`): the lead updated."""
    for x, y in ((a, b), (b, a)):
        if (_ONGOING.search(x.folded) and not _NUMBER.search(x.folded)
                and _NEWLY.search(y.folded) and _DONE.search(y.folded)):
            return same_opening(x, y) and not swapped(x.names, y.names)
    return False


# A call issued (`住民9500人に避難を指示しました`), and the same call lifted later (`避難の指示を…
# 解除しました`).
_CALL_ISSUED = lazy_re(r"([\u4e00-\u9fff]{2})(?:を|の)?(指示|勧告|警報|注意報|禁止令|命令)"
                       r"(?:を出し|し|を発表し|を発令し|が出され)")
_LIFTED = lazy_re(r"([\u4e00-\u9fff]{2})(?:の)?(指示|勧告|警報|注意報|禁止令|命令)(?:を|が)[^。]*解除")
_OPENING_TOPIC = lazy_re(r"[^、。はが]{1,10}は")


def _call_lifted(a: Sentence, b: Sentence) -> bool:
    """True when one sentence issues a call (`州は3日、…住民9500人に避難を指示しました`) and the
    other, opening with the same topic (`州は`), reports the same call lifted (`避難の指示を…8日、
    すべて解除しました`), nothing swapped."""
    if "解除" not in a.folded and "解除" not in b.folded:
        return False  # cheap test first
    for x, y in ((a, b), (b, a)):
        issued, lifted = _CALL_ISSUED.search(x.folded), _LIFTED.search(y.folded)
        if not (issued and lifted and _DONE.search(y.folded)) or "解除" in x.folded:
            continue
        tx, ty = _OPENING_TOPIC.match(x.masked), _OPENING_TOPIC.match(y.masked)
        return (issued.groups() == lifted.groups() and bool(tx and ty and tx.group() == ty.group())
                and not swapped(x.names, y.names))
    return False


# A preliminary figure (`速報値`) and the figure revised later (`改定値`, `確報値`).
_PRELIMINARY = lazy_re(r"速報値")


_REVISED = lazy_re(r"改定値|確報値|確定値|修正値")


def revised(a: Sentence, b: Sentence) -> bool:
    """True when one sentence gives a preliminary figure and the other, opening alike about
    the same months, its revision (`GDPの速報値は…0.4%のプラス` / `改定値は…0.2%のマイナスに
    下方修正`), or when one gives a figure the other says was corrected (`マグニチュードは6.8と推定`
    / `…を6.8から7.1に修正`)."""
    if _figure_corrected(a, b):
        return True
    if not ((_PRELIMINARY.search(a.folded) and _REVISED.search(b.folded))
            or (_PRELIMINARY.search(b.folded) and _REVISED.search(a.folded))):
        return False
    return (bool(a.names & b.names or opens_alike(a, b)) and not swapped(a.names, b.names)
            and set(MONTH.findall(a.folded)) == set(MONTH.findall(b.folded)))


# A figure corrected from one value to another (`6.8から7.1に修正`; not `引き上げ`: a decision).
_CORRECTED = lazy_re(r"([0-9][0-9.,]*)[^0-9。、]{0,6}?から([0-9][0-9.,]*)[^0-9。]{0,6}?に"
                     r"(?:上方|下方)?(?:修正|訂正|改め)")
_NUMBER = lazy_re(r"[0-9][0-9.,]*")


def _figure_corrected(a: Sentence, b: Sentence) -> bool:
    """True when one sentence says a figure was corrected from X to Y and the other, about the
    same subject, gives X and not Y."""
    for x, y in ((a, b), (b, a)):
        m = _CORRECTED.search(y.folded)
        if m is None:
            continue
        given = set(_NUMBER.findall(x.folded))
        return (m.group(1) in given and m.group(2) not in given
                and bool(x.subjects & y.subjects) and not swapped(x.names, y.names))
    return False


# Words of when and of planning: what a plan and its report differ in besides the deed.
_WHEN_WORDS = lazy_re(r"[0-9]+(?:日|月|年|時)(?:朝|夜|昼|夕方|未明|午前|午後|末|上旬|中旬|下旬|中|前半|後半)?")


_PLAN_WORDS = frozenset(("予定", "方向", "調整", "最終調整", "方針", "見通", "見込", "検討",
                         "計画", "意向", "来週", "来月", "来年", "今週", "今月", "今年", "年内"))


# A time ahead with its part (`来月中旬`, `年内`): one word of when, not of the deed.
_WHEN_AHEAD = lazy_re(r"(?:来週|来月|来年|今週|今月|今年|年内|年度内)(?:上旬|中旬|下旬|末|前半|後半)?")


def deed_words(s: Sentence) -> frozenset[str]:
    """The content words of a sentence, times and planning words left out."""
    text = _WHEN_AHEAD.sub(" ", _WHEN_WORDS.sub(" ", s.folded))
    return frozenset(w for w in WORD.findall(text) if w not in _PLAN_WORDS)


def later_plan_done(sa: list[Sentence], sb: list[Sentence]) -> bool:
    """True when a later sentence of `sa` announces a plan (`救助活動は21日朝、再開される予定
    です`) that the first sentence of `sb`, opening like `sa`'s, reports done with every word
    of the deed (`…21日朝、中断していた救助活動を再開しました`)."""
    done = sb[0]
    if len(sa) < 2 or not _DONE.search(done.folded) or PLAN.search(done.folded):
        return False
    n = min(len(sa[0].masked), len(done.masked), OPENING)
    if n < OPENING or sa[0].masked[:n] != done.masked[:n] or swapped(sa[0].names, done.names):
        return False
    words, when = deed_words(done), days(done.folded)
    # A plan for the day the other reports on (`10日に採決する見通し` / `議会は10日、…採決を
    # 行い`) needs one word of its deed only.
    return any(PLAN.search(p.folded) and not _DONE.search(p.folded)
               and len(deed_words(p)) >= (1 if days(p.folded) & when else 2)
               and deed_words(p) <= words for p in sa[1:])


def deed_done(a: Sentence, b: Sentence) -> bool:
    """True when every content word of the plan's deed (two or more) is in the sentence
    reporting it done (`首相は、来週にも被災地を訪れる方向で調整` / `首相は16日、被災地を
    訪れ、避難所で…`)."""
    plan, done = (a, b) if PLAN.search(a.folded) or _FUTURE.search(a.folded) else (b, a)
    # The deed is the plan's words but its topic, with verb stems (`訪れる`: `訪`): `首相` and
    # `被災地` alone are also in `首相は…被災地の復旧に予備費を充てる考え`.
    deed = (deed_words(plan) | _stems(plan)) - {plan.topic}
    found = deed & (deed_words(done) | _stems(done))
    # Most of a longer deed will do (`…チャーター機を手配する方向で調整を進めています` / `…を乗せた
    # チャーター機は…出発し`): the report says the deed done, not the arranging.
    return len(deed) >= 2 and (found == deed or (len(found) >= 4 and len(found) >= MOST * len(deed)))


_STEM = lazy_re(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])[\u3041-\u309f]")  # `訪れる`, `充てる`


def _stems(s: Sentence) -> frozenset[str]:
    """One-kanji verb stems of a sentence (`訪れ` → `訪`)."""
    return frozenset(_STEM.findall(_WHEN_WORDS.sub(" ", s.folded)))


# A time ahead that is near (`近く`, `週内にも`): the report of the deed follows within days.
_SOON = lazy_re(r"近く(?![のに])|近日|週内|今週|来週|月内|今月中")
_BARE_OFFICE = lazy_re(r"([県市町村国府都州])は")
_TOLD = lazy_re(r"[るうい]と(?:発表|明らかに|表明)|(?:考え|意向|方針|見通し)を示|と(?:述べ|語|話し|強調|指摘|説明)|としてい")
_SAYING = frozenset(("発表", "表明", "説明", "明らか", "強調", "指摘", "会見", "記者会見"))


# A deed decided for later (`…を22日、海鳴空港に派遣することを決めました`).
_DECIDED = lazy_re(r"ことを(?:決め|決定し)(?:ました|た)(?:ということです)?[。.]?\s*$")


def plan_reported(a: Sentence, b: Sentence) -> bool:
    """True when one sentence announces a plan (`plan_done`) and the other reports it done on a
    day, in other words: the plan for that day or for soon (`16日に審理を開き…判断する予定` /
    `16日、…勾留を認めました`; `週内にも青凪市を訪れ…視察する予定` / `26日、青凪市の漁港を訪れ`),
    by the plan's actor (its topic, `農林水産大臣` in `小田切農林水産大臣は`), with two words or verb
    stems of the deed in common, one of them no name. A deed decided for a day (`調査官3人を22日、
    …に派遣することを決めました`) is planned for that day (`調査官3人が22日午後、…に入り`)."""
    decided = _decided_for(a, b) or _decided_for(b, a)
    if decided is None and not plan_done(a, b):
        return False
    if decided is not None:
        plan, done = decided
    else:
        plan, done = (a, b) if PLAN.search(a.folded) or _FUTURE.search(a.folded) else (b, a)
    when, planned = days(done.folded), days(plan.folded)
    if not when or (planned and not planned & when) or (not planned and not _SOON.search(plan.folded)):
        return False
    actor = plan.topic or plan.any_topic
    if not actor and (bare := _BARE_OFFICE.match(plan.folded)):
        # `県は、近く…対策本部を設けて…方針です` / `東凪県は22日、…対策本部を設置し`: the office
        # named by its kind, then in full.
        actor = bare.group(1) if (done.any_topic or done.topic).endswith(bare.group(1)) else ""
    if not actor or actor not in done.folded:
        return False  # `会談は1日に…開かれる予定` / `ASEANは1日、…会合を開き`: another actor
    if _TOLD.search(done.folded):
        return False  # `…引き上げると発表しました`, `…考えを示しました`: words, not the deed done
    shared = ((deed_words(plan) | _stems(plan)) & (deed_words(done) | _stems(done))) - _SAYING
    return (len(shared) >= 2
            and bool(shared - plan.names - done.names - {plan.topic, done.topic}))


def _decided_for(plan: Sentence, done: Sentence) -> tuple[Sentence, Sentence] | None:
    """(plan, done) when `plan` decides a deed for a day and `done` reports a deed done on that
    day, no decision or plan itself, about the same named things; else None."""
    if not (_DECIDED.search(plan.folded) and days(plan.folded) and _DONE.search(done.folded)):
        return None
    if _DECIDED.search(done.folded) or PLAN.search(done.folded) or PLAN.search(plan.folded):
        return None
    if swapped(plan.names, done.names) or swapped(plan.orgs, done.orgs) or other_slots(plan, done):
        return None
    return plan, done


TOPIC_NAMED = 4  # characters of a topic found again in the other sentence (`岩城正道社長`)


def topic_named_in(a: Sentence, b: Sentence) -> bool:
    """True when one sentence's topic, a name of `TOPIC_NAMED` characters or more (`岩城正道社長は、
    …辞任する意向です`), is named in the other however it opens (`北洋精密は30日、…岩城正道社長が…
    辞任した`): one actor."""
    return any(len(x.topic) >= TOPIC_NAMED and x.topic in y.folded for x, y in ((a, b), (b, a)))


def _same_office(a: Sentence, b: Sentence) -> bool:
    """True when both sentences open with one office named by its kind (`市は、…運び、保管する予定`
    / `市は7日、…運び込みました`)."""
    ma, mb = _BARE_OFFICE.match(a.folded), _BARE_OFFICE.match(b.folded)
    return bool(ma and mb and ma.group(1) == mb.group(1))


def other_plans(a: Sentence, b: Sentence) -> bool:
    """True when both sentences announce plans and each has a word of the deed the other
    lacks (`22日から中国を訪問する予定` / `来月、インドを訪問する予定`): two plans."""
    if not (PLAN.search(a.folded) and PLAN.search(b.folded)):
        return False
    wa, wb = deed_words(a), deed_words(b)
    return bool(wa - wb) and bool(wb - wa)


# A deed announced (`控訴する方針です`, `…を閉鎖する予定だ`) and the deed reported done
# (`…控訴しました`).
_DEED_PLANNED = lazy_re(r"([\u4e00-\u9fff]{2,})(?:する|を行う)(?:方針|予定|見通し|方向|計画|考え)")
_DEED_DONE = lazy_re(r"([\u4e00-\u9fff]{2,})(?:しました|した|されました|された)"
                     r"(?:ということです|とのことです)?[。.]?\s*$")


def deed_carried_out(a: Sentence, b: Sentence) -> bool:
    """True when one sentence announces a deed (`原告側は、判決を不服として控訴する方針です`) and
    the other, dated, ends by reporting that deed done (`原告の住民側は27日、判決を不服として…
    控訴しました`), with a content word more in common, nothing swapped, no day of the plan
    missing from the report: the plan carried out."""
    for x, y in ((a, b), (b, a)):
        planned, done = _DEED_PLANNED.search(x.folded), _DEED_DONE.search(y.folded)
        if not (planned and done and done.group(1).endswith(planned.group(1))):
            continue
        if PLAN.search(y.folded) or _SAID_AHEAD.search(y.folded):
            return False
        when, told = days(y.folded), days(x.folded)
        if not when or (told and not told & when):
            return False
        if swapped(x.names, y.names) or swapped(x.orgs, y.orgs) or other_stage(x, y):
            return False
        deed = planned.group(1)
        return len((deed_words(x) & deed_words(y)) - {deed}) >= 1
    return False
