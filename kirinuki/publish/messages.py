"""The words of the published pages' templates, by key: one catalog, as the owner pages have
(`web/messages.py`), so that a second language can be added later. Templates call
`say("key", n=3)`.

A catalog text is trusted HTML (a few hold `<code>` or an entity); the values filled into it
are escaped. Only Japanese exists today. A missing key raises KeyError at render time.
"""

from __future__ import annotations

from markupsafe import Markup

JA: dict[str, str] = {
    # Every page (base.html)
    "skip": "本文へ移動",
    "nav.site": "サイト",
    "nav.aside": "案内",
    "nav.aside_frame": "最近の記事・月別アーカイブ・タグ",
    "search.box": "ブログ内を検索",
    "search.button": "検索",
    # The sidebar (nav_boxes) and its frame page (nav.html)
    "aside.recent": "最近の記事",
    "aside.months": "月別アーカイブ",
    "aside.tags": "タグ",
    "aside.all_tags": "すべてのタグ",
    "aside.title": "案内",
    "aside.heading": "{title}の案内",
    # Entries and lists
    "entry.text": "テキスト版",
    "entry.share": "共有: ",
    "entry.suggested": "関連する以前の記事",
    "entry.around": "前後の記事",
    "entry.next": "次の記事",
    "entry.prev": "前の記事",
    "entry.update": "更新: ",
    "entry.previous_version": "（前の版: ",
    "entry.previous_end": "）",
    "entry.related": "関連: ",
    "source.open": "「",  # around a clip's source title
    "source.close": "」",
    "summary.clips": "切り抜き{n}件",
    "pager": "ページ",
    "pager.newer": "← 新しい記事",
    "pager.older": "過去の記事 →",
    "list.feed": "この一覧のフィード（Atom）",
    "list.empty": "まだ記事はありません。",
    # A tag's story (tag_story)
    "story.heading": "このタグのまとめ",
    "story.figures": "数字の推移",
    "story.caption": "記事ごとの数字の変化（分析による）",
    "story.what": "項目",
    "story.course": "推移",
    "story.open": "（",  # around the day of a figure
    "story.close": "）",
    "story.speakers": "発言が引かれた人・組織",
    "story.count": "{n}件",
    # The page that is not there (404.html)
    "404.heading": "ページが見つかりません",
    "404.body": 'お探しのページはありません。<a href="/">トップページ</a>、'
                '<a href="{archive}">アーカイブ</a>、<a href="{search}">検索</a>からお探しください。',
    # An old address (moved.html)
    "moved.title": "移転しました",
    "moved.heading": "このページは移転しました",
    "moved.body": " に移りました。自動で移動しない場合はリンクをたどってください。",
    # About (about.html)
    "about.heading": "このブログについて",
    "about.body": "「{title}」はニュースの切り抜き帳です。記事は {count} 件、タグは {tags} 種類あります",
    "about.span": "（{first} 〜 {last}）",
    "about.end": "。",
    "about.hosts": "アドレス",
    "about.canonical": "（正式なアドレス）",
    "about.subscribe": "購読",
    "about.feeds": '<a href="{feed}">Atom フィード</a>。タグごとのフィードは各タグのページにあります。'
                   "各記事には切り抜きのテキスト版（entry.txt）があります。",
    # Static search (search.html)
    "search.heading": "検索",
    "search.words": "検索語",
    "search.placeholder": "語句 &quot;フレーズ&quot; -除外 OR #タグ",
    "search.help": '空白で区切った語をすべて含む切り抜きを探します。<code>"…"</code> で語句、'
                   "<code>-語</code> で除外、<code>OR</code> でどちらか、<code>#タグ</code> でタグ、"
                   "<code>since:2024-01-01</code> <code>until:2024-12-31</code> で期間、"
                   "<code>source:サイト</code> で出典を絞り込めます。<code>~きしだ</code> のように"
                   "<code>~</code> を付けるとひらがなとカタカナを区別しません。"
                   "<code>3800人</code> は <code>3,800人</code> も見つけます。",
    "search.noscript": "この検索はブラウザの JavaScript で動きます。JavaScript が使えないときは"
                       '<a href="{tags}">タグ</a>や<a href="{archive}">アーカイブ</a>からたどってください。',
}

CATALOGS = {"ja": JA}


def say(key: str, lang: str = "ja", **values: object) -> Markup:
    """The words `key` in `lang` as HTML, with `{name}` filled from `values` (escaped).
    Raises KeyError for an unknown key."""
    text = _SAID.get((key, lang))
    if text is None:  # the same few words on every page: each made once
        text = _SAID[(key, lang)] = Markup(CATALOGS[lang][key])  # noqa: S704 - the package's own text
    return text.format(**values) if values else text


_SAID: dict[tuple[str, str], Markup] = {}
