"""Which blocks of a body are page furniture rather than the article's text.

Japanese news pages put into the body's box, or beside it, lines that are not the article:
paywall and membership notices, `完了しました` pop-ups, `おすすめ情報` / `関連キーワード`
headings, in-body related links, bylines, datelines, photo credits, share and login buttons,
copyright lines. `kind` names what a line is; the article keeps only `ARTICLE` lines. A list
line that is nothing but a link (`▽<a>…</a>`) is article text: only link-only lines without a
list mark are dropped.
"""

from __future__ import annotations

import re

from kirinuki.capture.meta import DATELINE

ARTICLE, FURNITURE, BYLINE, DATE = "article", "furniture", "byline", "dateline"

# Lines that are furniture whatever their length.
_ALWAYS = re.compile(
    r"(?:^[【\[［]\s*(?:関連[^】\]］]{0,6}|あわせて読みたい|写真特集|図解|動画|PR|広告)\s*[】\]］]|"
    r"^(?:関連記事|関連ニュース|提供|写真|画像|動画)\s*[:：]|Copyright|\(c\)|\(C\)|©|許可なく転載|無断転載|"
    r"All [Rr]ights [Rr]eserved)")
# Paywall and membership notices: furniture even as a sentence, when not long.
_NOTICE = re.compile(
    r"(?:会員限定|有料会員|無料会員|会員登録|会員の方は|読者会員|有料記事|続きを読む|この記事の続き|"
    r"続きが読め|続きは(?:会員|有料|ログイン|こちら)|残り\s*\d[\d,]*\s*文字|お読みいただけます|ログインすると|ログインして|"
    r"購読手続|購読者限定|購読のお申し込み|完了しました|フォローした著者|無断で転載)")
_NOTICE_LEN = 80
# Headings of furniture boxes and links out: furniture as a short line without a sentence.
_BUTTON = re.compile(
    r"(?:スクラップ|おすすめ|関連キーワード|関連記事|関連ニュース|あわせて読みたい|合わせて読みたい|"
    r"よく読まれている|ランキング|この記事を書いた人|この記事の筆者|著者フォロー|記事一覧|"
    r"写真特集|拡大画像|画像を拡大|写真を拡大|クリックで拡大|このニュースを見る|情報提供|"
    r"全文を読む|次ページ|前ページ|次のページ|スポンサーリンク|トップへ戻る|ページの先頭|"
    r"^\d+\s*/\s*\d+$)")
_BUTTON_LEN = 16
# Action buttons, as the whole line: `Xでシェア`, `この記事を印刷`, `コメント 12件`.
_ACTION = re.compile(
    r"(?:\S{0,14}で|この記事を)?(?:シェア|ポスト|共有|印刷|ツイート|ブックマーク|コメント|フォロー|"
    r"ログイン|購読|保存|送る)(?:する|を書く|を見る|はこちら)?(?:\s*\d+\s*件?)?")
_TAGS = re.compile(r"(?:[#＃][^\s#＃]+\s*)+")
# A photo credit or caption: `（写真＝…）`, `（写真：…提供）`, `…＝ロイター`, `…（…で）`.
_CREDIT = re.compile(
    r".*[（(]\s*(?:写真|画像|撮影|資料|図|提供)[^（）()]*[）)]\s*|.*＝\s*[^。、＝\s]{1,16}\s*|"
    r".*[（(][^（）()]{0,20}(?:(?<!ま)で|撮影|提供)[）)]")
# A byline in its own element: `［記者名，サイト名］`, `（〇〇部 記者名）`, `編集部：名前`,
# `名前 : 本誌記者`, `文・写真：名前`.
_BYLINE = re.compile(
    r"[［\[（(【][^。]{1,30}[］\]）)】]|"
    r"(?:文|写真|取材|編集部|記者|筆者|執筆|構成|聞き手|文・写真)\s*[:：／/・]\s*\S.{0,24}|"
    r"\S.{0,16}\s*[:：／/]\s*(?:本誌|編集部|記者|特派員|ジャーナリスト|ライター|解説委員|論説委員)"
    r".{0,10}|"
    r"\S{1,12}(?:支局|総局|部|編集局|報道部)\s+[一-龥々]{1,4}\s*[一-龥々ぁ-んァ-ヶ]{0,4}")
_BULLET = ("▽", "▼", "・", "●", "■", "◆", "◇", "○", "◎", "※", "→", "①", "②", "③", "-")
# Menu words that stand alone as a line (navigation inside the body's box).
_MENU = frozenset(
    ["トップ", "ホーム", "ニュース", "速報", "政治", "経済", "国際", "社会", "スポーツ", "文化", "科学", "地域", "天気", "動画", "写真",
     "特集", "連載", "社説", "コラム", "オピニオン", "ライフ", "エンタメ", "芸能", "検索", "ヘルプ", "利用規約", "お問い合わせ", "PR",
     "広告", "戻る", "次へ", "前へ"])


def kind(text: str, link_only: bool = False) -> str:
    """What a line of a body is: ARTICLE, FURNITURE, BYLINE or DATE."""
    flat = " ".join(text.split())
    if DATELINE.fullmatch(flat):
        return DATE
    if _ALWAYS.search(flat):
        return FURNITURE
    if link_only and not flat.startswith(_BULLET):
        return FURNITURE
    if _TAGS.fullmatch(flat) or flat in _MENU:
        return FURNITURE
    if len(flat) <= _NOTICE_LEN and _NOTICE.search(flat):
        return FURNITURE
    if len(flat) <= _BUTTON_LEN and "。" not in flat and _BUTTON.search(flat):
        return FURNITURE
    if _ACTION.fullmatch(flat):
        return FURNITURE
    # List lines are the article's own (a caption or a byline is never a ▽ item).
    short = len(flat) <= 60 and not flat.startswith(_BULLET)
    if short and "。" not in flat and _CREDIT.fullmatch(flat):
        return FURNITURE
    if short and "。" not in flat and _BYLINE.fullmatch(flat):
        return BYLINE
    return ARTICLE
