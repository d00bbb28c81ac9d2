"""Extraction on the structures of real Japanese news pages: one clip per paragraph as a reader
sees it, whatever the article's length, and none of the page's furniture."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kirinuki.capture import boilerplate
from kirinuki.capture.extract import extract_article
from kirinuki.capture.meta import dateline, strip_site

JST = timezone(timedelta(hours=9))
URL = "https://www.kaigan-shimpo.example/articles/20240705-1"
_HEAD = """<meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{og}"><meta property="og:site_name" content="{site}">"""
_NAV = """<header><a href="/">海岸新報</a> <a href="/login">ログイン</a>
<nav><ul><li><a href="/n">ニュース</a></li><li><a href="/p">政治</a></li>
<li><a href="/e">経済</a></li></ul></nav></header>
<div class="breadcrumb"><a href="/">トップ</a> &gt; 社会</div>"""
_FOOT = """<section class="related"><h2>関連記事</h2><ul><li><a href="/a/1">港の防災訓練、今年も実施へ</a>
</li><li><a href="/a/2">市議会が補正予算案を可決</a></li></ul></section>
<footer><a href="/co">海岸新報社</a><p>Copyright The Kaigan Shimpo. All rights reserved.</p></footer>"""


def page(body: str, h1: str = "港の倉庫で火災、けが人なし", *, title: str | None = None,
         og: str | None = None, site: str = "海岸新報") -> str:
    """A page of the invented daily 海岸新報 with `body` inside its article."""
    title = title if title is not None else f"{h1}｜{site}"
    og = og if og is not None else title
    return (f"<html lang=ja><head>{_HEAD.format(title=title, og=og, site=site)}</head><body>"
            f"{_NAV}<main><article><h1>{h1}</h1>{body}</article>{_FOOT}</main></body></html>")


def test_short_article_is_its_one_paragraph() -> None:
    # Far below trafilatura's 250-character minimum: its fallback joined the whole page.
    para = "5日午前、海岸市の港にある倉庫から火が出て、約300平方メートルが焼けた。けが人はいなかった。"
    ex = extract_article(page(f'<p class="date">2024年7月5日 11時20分</p>'
                              f'<div class="body"><p>{para}</p></div>'), URL)
    assert ex.paragraphs == [para]
    assert ex.published == datetime(2024, 7, 5, 11, 20, tzinfo=JST)


def test_ruby_with_line_breaks_stays_one_paragraph() -> None:
    body = ("<div class=body><p>漁船が外国の警備艇に\n<ruby>\n拿捕\n<rp>(</rp><rt>だほ</rt><rp>)</rp>\n"
            "</ruby>\nされた事件で、政府は乗組員の早期解放を求めた。</p>"
            "<p>外務省は<ruby>遺憾<rt>いかん</rt></ruby>の意を伝えた。</p>"
            "<p>支援するNPO\n<ruby>\n法人\n<rp>(</rp><rt>ほうじん</rt><rp>)</rp>\n</ruby>\nが会見した。</p></div>")
    ex = extract_article(page(body), URL)
    assert ex.paragraphs == ["漁船が外国の警備艇に拿捕された事件で、政府は乗組員の早期解放を求めた。",
                             "外務省は遺憾の意を伝えた。", "支援するNPO法人が会見した。"]


def test_br_br_segments_are_paragraphs() -> None:
    lines = ["海岸市は5日、港の倉庫の防火設備を一斉に点検すると発表した。",
             "対象は市が管理する倉庫23棟で、8月末までに終える。",
             "市長は「二度と起こさない」と述べた。"]
    body = '<div class="txt">' + "<br>\n<br>\n".join(lines) + "</div>"
    assert extract_article(page(body), URL).paragraphs == lines
    body = '<span itemprop="articleBody">' + "<br /><br />".join(lines) + "</span>"
    assert extract_article(page(body), URL).paragraphs == lines


@pytest.mark.parametrize(("title", "og", "site"), [
    ("港の倉庫で火災、けが人なし｜海岸新報", None, "海岸新報"),
    ("港の倉庫で火災、けが人なし - 海岸新報ニュース", None, "海岸新報"),
    ("港の倉庫で火災、けが人なし：海岸新報デジタル", None, "海岸新報デジタル"),
    ("港の倉庫で火災、けが人なし | 社会 | 海岸新報", "港の倉庫で火災、けが人なし", "海岸新報"),
])
def test_site_name_is_not_part_of_the_title(title: str, og: str | None, site: str) -> None:
    body = "<div class=body><p>5日午前、海岸市の港にある倉庫から火が出た。けが人はいなかった。</p></div>"
    ex = extract_article(page(body, title=title, og=og, site=site), URL)
    assert ex.title == "港の倉庫で火災、けが人なし"


def test_headline_is_the_h1_the_title_starts_with() -> None:
    # Cutting the title at its separators would leave `米国`; the page's <h1> says it all.
    body = "<div class=body><p>5日午前、海岸市の港にある倉庫から火が出た。けが人はいなかった。</p></div>"
    html = page(body, "米国 - 中国　首脳会談へ", title="米国 - 中国　首脳会談へ | 海岸新報")
    html = html.replace("<body>", "<body><h1 class=logo>海岸新報</h1>")
    assert extract_article(html, URL).title == "米国 - 中国　首脳会談へ"


@pytest.mark.parametrize(("title", "names", "headline"), [
    ("見出しは十分に長い｜【海岸新報】", ["海岸新報"], "見出しは十分に長い"),
    ("停戦案への回答保留＝特使の提案に―ノルヴァス：海岸通信", ["海岸通信ニュース"],
     "停戦案への回答保留＝特使の提案に―ノルヴァス"),
    ("銀行の障害、背景に古いシステム | 企業 | 週刊海岸", ["週刊海岸"], "銀行の障害、背景に古いシステム"),
    ("港の倉庫で火災（海岸新報） - まとめポータル", ["まとめポータル"], "港の倉庫で火災"),
    ("国交省：港湾を防災拠点に指定へ", ["海岸新報"], "国交省：港湾を防災拠点に指定へ"),
])
def test_title_without_h1_has_the_site_stripped(title: str, names: list[str], headline: str
                                                 ) -> None:
    assert strip_site(title, names) == headline


def test_headline_repeated_as_first_paragraph_is_dropped() -> None:
    body = ("<div class=body><p>港の倉庫で火災、けが人なし</p>"
            "<p>5日午前、海岸市の港にある倉庫から火が出た。けが人はいなかった。</p></div>")
    ex = extract_article(page(body), URL)
    assert ex.paragraphs == ["5日午前、海岸市の港にある倉庫から火が出た。けが人はいなかった。"]


def test_paywall_blocks_are_dropped() -> None:
    body = ("<div class=body><p>5日午前、海岸市の港にある倉庫から火が出た。けが人はいなかった。</p>"
            "<p>この記事は有料会員限定です。</p><p>残り1200文字</p></div>"
            "<div class=kiji-end><p>無料会員に登録すると、月5本まで会員限定記事をお読みいただけます。</p>"
            "<a href=/join>会員登録</a> <a href=/login>ログイン</a></div>"
            "<div class=popup><p>完了しました</p></div>")
    ex = extract_article(page(body), URL)
    assert ex.paragraphs == ["5日午前、海岸市の港にある倉庫から火が出た。けが人はいなかった。"]


def test_link_only_list_lines_are_kept() -> None:
    body = ("<div class=body><p>市が指定した避難所の一部は次の通り。</p>"
            "<p>▽<a href=/t/1>海岸小学校</a></p><p><a href=/t/2>▽港町公民館（午前9時から）</a></p>"
            "<p><a href=/more>詳しくはこちら</a></p></div>")
    ex = extract_article(page(body), URL)
    assert ex.paragraphs == ["市が指定した避難所の一部は次の通り。", "▽海岸小学校", "▽港町公民館（午前9時から）"]


def test_dateline_byline_and_credit_are_metadata_not_paragraphs() -> None:
    body = ('<p class="kiji-date">2025年1月13日 12時00分（1月13日 15時30分更新）</p>'
            "<div class=body><p>海岸市の港で5日、倉庫が焼けた。けが人はいなかった。</p>"
            "<p>焼けた倉庫（写真＝海岸新報社）</p><p>（社会部 山田 花子）</p></div>")
    ex = extract_article(page(body), URL)
    assert ex.paragraphs == ["海岸市の港で5日、倉庫が焼けた。けが人はいなかった。"]
    assert ex.published == datetime(2025, 1, 13, 12, 0, tzinfo=JST)
    assert ex.modified == datetime(2025, 1, 13, 15, 30, tzinfo=JST)
    assert ex.byline == "（社会部 山田 花子）"


@pytest.mark.parametrize("line", [
    "同社はコメントを控えた。", "▽地元の特産品の販売会（午前10時から午後4時まで）",
    "型式証明の取得が次の関門", "第2部 まとめと展望", "円相場は一時1ドル＝157円台まで下落した。", "・アプリストアを開く",
])
def test_article_lines_are_kept(line: str) -> None:
    assert boilerplate.kind(line) == boilerplate.ARTICLE


@pytest.mark.parametrize("line", [
    "完了しました", "おすすめ情報", "【関連キーワード】", "この記事は会員限定記事です。", "残り980文字",
    "【関連記事】なりすまし口座開設、被害額が過去最多に", "初飛行に臨む新型機（写真：東亜航空提供）",
    "空爆を受けた市場周辺（18日）＝ロイター", "提供：東洋日報", "#大雨 #鹿児島", "ログイン", "1/2",
])
def test_furniture_lines_are_dropped(line: str) -> None:
    assert boilerplate.kind(line) != boilerplate.ARTICLE


@pytest.mark.parametrize("line", [
    "議論の続きは来週に持ち越された。", "ジムの会員の方から苦情が寄せられた。", "情報共有の仕組み",
    "データの提供：気象庁の観測による。", "世界大学ランキング、東大は29位に後退",
])
def test_sentences_with_furniture_words_are_kept(line: str) -> None:
    assert boilerplate.kind(line) == boilerplate.ARTICLE


FIRE = ("消防によりますと、火は倉庫の1階付近から出て、約2時間後に消し止められました。"
        "倉庫には漁具や段ボールが保管されていて、近くの住民が一時避難しました。")
CAUSE = ("警察と消防は6日、現場で実況見分を行い、火が出た原因を詳しく調べています。"
         "倉庫を管理する会社は「ご心配をおかけし、申し訳ありません」とコメントしています。")


def test_broadcaster_lead_above_the_body_box_is_the_first_paragraph() -> None:
    lead = "海岸市の港で5日、倉庫から火が出ました。けが人はいませんでした。"
    body = (f'<p class="summary">{lead}</p><div class="video"><a href="/v">動画を再生</a></div>'
            f'<div class="text"><section><p>{FIRE}</p></section>'
            f"<section><h2>原因を調査</h2><p>{CAUSE}</p></section></div>")
    ex = extract_article(page(body), URL)
    assert ex.paragraphs == [lead, FIRE, "原因を調査", CAUSE]


def test_body_box_named_also_for_furniture_is_read() -> None:
    body = ('<div class="kiji-body news-info"><p class="text-more">海岸市の港で5日、倉庫が焼けた。'
            "けが人はいなかった。</p></div>")
    ex = extract_article(page(body), URL)
    assert ex.paragraphs == ["海岸市の港で5日、倉庫が焼けた。けが人はいなかった。"]


@pytest.mark.parametrize(("line", "published", "updated"), [
    ("2025年1月13日 12時00分（1月13日 15時30分更新）", (2025, 1, 13, 12, 0), (2025, 1, 13, 15, 30)),
    ("（2024年08月20日07時12分）", (2024, 8, 20, 7, 12), None),
    ("2024/7/3 18:30", (2024, 7, 3, 18, 30), None),
    ("更新：2024年9月1日 10時05分", None, (2024, 9, 1, 10, 5)),
    ("2024年9月1日 10:05 更新", None, (2024, 9, 1, 10, 5)),
])
def test_dateline_times(line: str, published: tuple[int, ...] | None,
                        updated: tuple[int, ...] | None) -> None:
    def at(parts: tuple[int, ...] | None) -> datetime | None:
        return datetime(*parts, tzinfo=JST) if parts else None
    found = dateline(line, JST)
    assert found == (at(published), at(updated))


def test_a_sentence_is_no_dateline() -> None:
    assert dateline("2024年9月1日、海岸市で倉庫が焼けた。", JST) is None


def test_short_lead_box_and_an_h1_with_its_time_are_handled() -> None:
    lead = "海岸市の港で倉庫が焼けました。"
    body = f'<div class="lead">{lead}</div><div class="text"><p>{FIRE}</p></div>'
    html = page(body).replace("<h1>港の倉庫で火災、けが人なし</h1>",
                              "<h1><span>7月5日 11時20分</span> <span>港の倉庫で火災、けが人なし</span></h1>")
    ex = extract_article(html, URL)
    assert ex.paragraphs == [lead, FIRE]
    assert ex.title == "港の倉庫で火災、けが人なし"


def test_table_in_the_body_is_not_paragraphs_but_a_layout_table_is_read() -> None:
    body = (f"<div class=body><p>{FIRE}</p><table><tr><th>項目</th><td>焼けた面積</td></tr>"
            f"<tr><th>数値</th><td>約300平方メートル</td></tr></table><p>{CAUSE}</p></div>")
    assert extract_article(page(body), URL).paragraphs == [FIRE, CAUSE]
    layout = (f"<html><head><title>港の倉庫で火災｜海岸新報</title></head><body><table><tr>"
              f"<td><a href=/>トップ</a><br><a href=/p>政治</a></td><td><b>港の倉庫で火災</b><br><br>"
              f"{FIRE}<br><br>{CAUSE}</td></tr></table></body></html>")
    assert extract_article(layout, URL).paragraphs == [FIRE, CAUSE]  # the bold headline goes


def test_label_ahead_of_the_title_is_not_the_headline() -> None:
    body = f"<div class=body><p>{FIRE}</p></div>"
    html = page(body, title="【速報】港の倉庫で火災、けが人なし｜海岸新報")
    assert extract_article(html, URL).title == "港の倉庫で火災、けが人なし"
