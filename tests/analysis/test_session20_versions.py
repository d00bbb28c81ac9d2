"""Session 20's version rules, each on invented pairs (both orders): a case that fails without
its rule and a near negative it must leave alone."""

from __future__ import annotations

import pytest
from analysis_data import kind

from kirinuki.analysis.duplicates import BACKGROUND, VERSION
from kirinuki.analysis.figures import extract_figures


@pytest.mark.parametrize(("a", "b", "expected"), [
    # A count as of a time told with its noun on both sides and its predicate on one only
    # (`count_changed`): people in a shelter at two times of one day.
    ("町は集会所に避難所を開設し、20日朝の時点で8世帯15人が身を寄せています。",
     "町が集会所に開いた避難所には、20日夜の時点で5世帯11人が身を寄せているということです。", VERSION),
    # ... a damage estimate raised, one side undated, the level reached said on one side.
    ("県は、高潮による被害額がおよそ2億円に上るとみています。",
     "高潮による被害額について県は、当初の見込みを大きく上回る7億円余りに膨らむと試算しています。",
     VERSION),
    # ... but another actor's figure (a sentence asked for, then given) is no update.
    ("検察は、元社長に懲役8年を求刑しました。", "地方裁判所は、元社長に懲役6年の判決を言い渡しました。",
     None),
    # Another currency's rate told alike (`other_currency`).
    ("外国為替市場では円高が進み、一時1ドル＝141円10銭台をつけました。",
     "外国為替市場ではユーロに対しても円高が進み、一時1ユーロ＝152円30銭台をつけました。", None),
    # Two headlines of one story counting other things (`_other_things_counted`).
    ("南浜町 落雷による火災相次ぐ 停電 約800戸", "南浜町 落雷による火災相次ぐ けが人2人", None),
    # ... also in one counter, with no word beside the counts in common.
    ("北峠 観光バス転落事故 28人けが 救助続く", "北峠 観光バス転落事故 バス会社の社長ら2人逮捕", None),
    # A word of both first groups is the story's topic, not the event told ahead.
    ("霧島湾でフェリーと漁船衝突 漁船の2人けが", "霧島湾衝突 海保、両船の船長から事情聴取へ", None),
    # Kanji numerals before 代 are masked like digits: the injured counted again.
    ("この落雷で、六十代の男性を含む二人が軽いけがをしました。",
     "この落雷で、60代の男性を含む4人がけがをし、このうち1人は重いやけどだということです。", VERSION),
    # The other direction's ferries (`other_directions`).
    ("この事故の影響で、霧島湾を通る定期フェリーは上りの便の運航を取りやめています。",
     "この事故の影響で、霧島湾を通る定期フェリーは下りの便を2時間遅れで運航しています。", None),
    # English leads naming other places (`other_places_en`).
    ("Rescuers in Norvia reach 12 of 30 workers trapped at Kessel gold mine, officials say",
     "Rescuers in Ostra search for 6 workers missing after flood at Varo coal mine, officials say",
     None),
    # A state going on, ended, the other sentence naming its deed (`_going_named`).
    ("町は18日から、町内のすべての中学校で部活動を取りやめています。",
     "町は、18日から取りやめていた町内の中学校での部活動を、25日から再開しました。", VERSION),
    # A deed announced, then reported done on a day (`deed_carried_out`)...
    ("遺族側は、判決を不服として控訴する方針です。",
     "遺族の弁護団は28日、判決を不服として高等裁判所に控訴しました。", VERSION),
    # ... not another deed (an appeal planned, a further appeal filed).
    ("遺族側は、判決を不服として控訴する方針です。",
     "遺族の弁護団は28日、判決を不服として最高裁判所に上告しました。", None),
    # English names with another ending or a number word opening the update.
    ("BREAKING: Passenger ferry runs aground off Norvia's Kessel island; 5 passengers hurt, "
     "coast guard says",
     "UPDATE: Eleven passengers were injured when a Sora Line ferry ran aground off Kessel island "
     "in northern Norvia, the coast guard said", VERSION),
    # A deed told ahead `again`, reported in an irregular past (`meet` / `met`).
    ("Norvia and Ostra envoys to meet again Friday in Varo, mediator says",
     "Norvia and Ostra envoys met in Varo on Friday and agreed a truce, mediator says", VERSION),
    # Another day's reading of the day (`other_day_reading`)...
    ("南原市では8日、最高気温が39度に達しました。", "南原市では10日、最高気温が36度に達しました。", None),
    # ... unless the record is said to be broken again.
    ("南原市では8日、最高気温が39度に達し、観測史上最も高くなりました。",
     "南原市では10日、最高気温が40.2度に達し、2日前に記録した観測史上最高の気温を上回りました。",
     VERSION),
    # People counted by what they did on a day, on other days (`_OWN_DAY`).
    ("町によりますと、14日に臨時の診療所を訪れた人は延べ820人で、これまでで最も多くなりました。",
     "町によりますと、15日に臨時の診療所を訪れた人は延べ610人で、前の日より210人減りました。", None),
    # A meeting to be held (`…ことにしています`), then held: the plan carried out.
    ("北洋諸国会議は、20日に臨時の外相会合をオンラインで開き、対応を話し合うことにしています。",
     "北洋諸国会議は20日、臨時の外相会合をオンラインで開き、停戦の早期実現を求める声明をまとめました。",
     VERSION),
    # An account naming itself (`…です。`) opens no lead: the outage going on, then ended.
    ("北浜町役場です。18日夜に発生した停電は、現在も町内の広い範囲で続いています。復旧の見通しは立って"
     "いません。",
     "北浜町役場です。18日夜に発生した停電は、19日午後、すべての地区で解消しました。ご協力ありがとう"
     "ございました。", VERSION),
    # A notice stopping something (`…利用を中止します。`), then one resuming it.
    ("【お知らせ】町民プールについて、9日（月）から当面の間、利用を休止します。 #北浜町",
     "【お知らせ】町民プールについて、16日（月）から利用を再開します。ご協力に感謝します。 #北浜町",
     VERSION),
    # A share's move during the day, then its close, the figure named otherwise.
    ("あさひ精工の株価は、午前の取引で一時、前日より120円安い980円まで値下がりしました。",
     "あさひ精工の株価は、前日より155円安い945円で取引を終えました。", VERSION),
    # A sentence reused with `同国では` for the country's name and in the other register.
    ("【ルメン共同】ノルヴィア政府は8日、野党指導者の裁判を来月開くと発表した。同国では昨年の議会選で"
     "勝利した与党が司法への介入を強めたとして、国際的な批判が高まっていた。",
     "隣国の外務省は、ノルヴィアとの国境の検問所を一時閉鎖したと発表しました。ノルヴィアでは、去年の"
     "議会選挙で勝利した与党が司法への介入を強めたとして、国際的な批判が高まっていました。", BACKGROUND),
    # A sentence reused in two translator's items numbered otherwise.
    ("3. ケッセルは国内有数の温泉保養地だ。地元紙によると、この旅館では去年も火災が2回起きていた。",
     "5） ケッセルは国内有数の温泉保養地だ。観光客の増加を受けて、町は去年から消防の巡回を増やしていた。",
     BACKGROUND),
    # A wire lead retold in other words with what happened on a later day added.
    ("【ルメン共同】北部ノルヴィアの港町ケッセルで8日夜、武装した集団が港湾当局の庁舎を占拠し、港の閉鎖を"
     "宣言した。当局者の安否は分かっていない。",
     "北部ノルヴィアの港町ケッセルで8日夜、武装した集団が港湾当局の庁舎を占拠し、港の閉鎖を宣言しましたが、"
     "政府は9日、治安部隊が庁舎を奪い返したと発表しました。", VERSION),
    # A later report naming the earlier one's event by a clause, with its counts (`follows_up`).
    ("警察や消防によりますと、12日午後4時ごろ、北峰町の県道で、坂を下っていた観光バスの前に対向車が"
     "飛び出し、バスが急ハンドルを切ってガードレールを突き破りました。乗客のうち4人が軽いけがをしたという"
     "ことです。",
     "県警は13日、北峰町の県道で観光バスがガードレールを突き破った事故で、けがをした乗客は9人になったと"
     "発表しました。バスは対向車を避けようとして急ハンドルを切ったということです。", VERSION),
    ("港湾事務所によりますと、5日朝、南浦港の岸壁に大量の流木が流れ着いているのが見つかりました。港の"
     "水面のおよそ1ヘクタールが流木で覆われているということです。",
     "南浦港の岸壁に流れ着いた流木について、県は5日、上流の大雨で流されたものとみられると発表しました。"
     "港の水面を覆う範囲はおよそ2ヘクタールに広がっているということです。", VERSION),
    # ... the event said as it was suspected to be, the damage after it (`…突風で被害を受けた`).
    ("西灘県南浦町で8日夜、竜巻とみられる突風が吹き、町によりますと、住宅など14棟で窓ガラスが割れるなどの"
     "被害が出たということです。",
     "南浦町は9日、前日の夜に吹いた竜巻とみられる突風で被害を受けた建物が、住宅を中心に41棟に上ったと"
     "発表しました。", VERSION),
    # ... not when the clause names another occasion (another election on that day).
    ("カルナ共和国で5日に行われた大統領選挙は即日開票され、現職のソル大統領が優勢となっています。"
     "投票率は61%でした。",
     "カルナ共和国で5日に行われた議会選挙で、選挙管理委員会は6日、与党が過半数の議席を獲得したと発表し"
     "ました。投票率は58%でした。", None),
    # The same words in sentences reordered and merged, a figure changed.
    ("救助隊はおよそ90人の態勢で、重機を使って崩れた岩盤を取り除いています。作業は夜を徹して続けられました。",
     "作業は夜を徹して続けられ、救助隊は態勢をおよそ170人に増やして、重機で崩れた岩盤を取り除いています。",
     VERSION),
    # A total restated as what it comes to (`…になります` / `…となります`): the measure updated.
    ("町が北浜鉄道に出す支援金は、これまでの分と合わせて最大で12億円になります。",
     "今回の決定で、町が北浜鉄道に出す支援金は、去年決めた分と合わせて最大で19億円となります。", VERSION),
    # Headlines of one event counting one thing in another order (`_counted_alike`).
    ("南原市 温泉でガス発生か 客19人が体調不良", "南原市のガス事故 体調不良の客ら33人に 5人入院",
     VERSION),
    # Headlines of one event with a figure after the same words updated (`_figure_updated`).
    ("霧島湾で貨物船座礁 重油漏れ、油の帯2キロ", "霧島湾の座礁事故 油の帯6キロに拡大、浜に漂着", VERSION),
])
def test_session20_versions(a: str, b: str, expected: str | None) -> None:
    assert kind(a, b) == expected
    assert kind(b, a) == expected


def test_kilolitres_are_no_kilometres() -> None:
    """`キロリットル` is a volume: an oil slick's length and the oil recovered are two counters."""
    (fig,) = extract_figures("回収された重油はおよそ12キロリットルです。")
    assert (fig.value, fig.counter) == (12, "kL")
    a = ("海上保安部によりますと、タンカーから重油が流れ出ていて、油の帯は長さおよそ3キロに及んでいると"
         "いうことです。")
    b = ("海上保安部によりますと、14日までに回収された重油はおよそ12キロリットルで、回収作業は巡視船が"
         "続けているということです。")
    assert kind(a, b) is None
