"""The words of the web app's owner pages, by key: one catalog so that a second language can
be a setting later. Templates call `t("key", n=3)`; routes pass keys, never sentences.

Only Japanese exists today. A key missing from the catalog raises KeyError at render time
(tests render every page), so a page never shows a bare key.
"""

from __future__ import annotations

JA: dict[str, str] = {
    # Owner navigation and the sign-out button
    "nav.compose": "切り抜く",
    "nav.manage": "管理",
    "nav.changes": "出典の変更",
    "nav.trash": "ごみ箱",
    "nav.signout": "サインアウト",
    "nav.signed_in": "サインイン中",
    "public.edit": "この記事を編集",
    # Messages after a form was saved (the `m` parameter of the page it leads to)
    "done.saved": "保存しました。",
    "done.created": "新しい下書きを作りました。",
    "done.published": "公開しました。",
    "done.unpublished": "下書きに戻しました（公開ページからは消えます）。",
    "done.trashed": "記事をごみ箱へ移しました。",
    "done.restored": "ごみ箱から元に戻しました。",
    "done.purged": "ごみ箱を空にしました（{n} 件）。",
    "done.pasted": "貼り付けた切り抜き {n} 件を追加しました。",
    "done.clipped": "切り抜きを追加しました。",
    "done.bulk": "{n} 件の記事を変更しました。",
    "done.tags": "タグの名前を変えました。",
    "done.moved": "グループを別の記事へ移しました。",
    "undo": "元に戻す",
    # Entry words
    "entry.draft": "下書き",
    "entry.published": "公開",
    "entry.trash": "ごみ箱",
    "entry.untitled": "（題名なし）",
    "entry.today": "今日の下書き",
    "entry.clips": "切り抜き {n} 件",
    "entry.preview": "プレビュー",
    "entry.public_page": "公開ページ",
    "entry.analysis": "分析",
    "entry.publish": "公開する",
    "entry.unpublish": "下書きに戻す",
    "entry.delete": "ごみ箱へ移す",
    "entry.title": "題名（空欄なら日付が題名になります）",
    "entry.when": "日時（例: 2025-07-01 08:00）",
    "entry.publish_at": "この日時で公開する",
    # Edit page
    "edit.heading": "記事の編集",
    "edit.group": "グループ {n}",
    "edit.tags": "タグ（#タグ#タグ、または空白で区切る）",
    "edit.suggest": "候補",
    "edit.delete_clip": "この切り抜きを削除",
    "edit.clip_up": "切り抜きを上へ",
    "edit.clip_down": "切り抜きを下へ",
    "edit.group_up": "グループを上へ",
    "edit.group_down": "グループを下へ",
    "edit.drag": "ドラッグして並べ替え",
    "edit.save": "この記事を保存",
    "edit.related": "関連",
    "edit.empty": "まだ切り抜きはありません。",
    "edit.more": "さらに切り抜く",
    "edit.move_to": "このグループを移す先",
    "edit.move_save": "保存して移す",
    "edit.move_hint": "並べ替えは ↑↓ のボタン、キーボード（Alt+↑/↓）、ドラッグでできます。"
                      "保存するまで記事は変わりません。",
    # Warnings (preview and publishing)
    "warn.heading": "公開の前に確かめてください",
    "warn.no_clips": "切り抜きがありません。",
    "warn.untagged": "タグのないグループが {n} つあります。",
    "warn.tag_like": "「{line}」は # で始まっていますが、タグの行ではなく本文になります"
                     "（タグは #名前#名前 と空白なしで書きます）。",
    "warn.duplicate": "「{text}」は、すでにある切り抜き（{where}）と同じ内容です。",
    "warn.future": "公開日時が未来です（{when}）。",
    "warn.confirm": "注意があることを確かめたうえで公開する",
    "warn.none": "注意することはありません。",
    # Preview
    "preview.banner": "プレビュー: 公開するとこのように表示されます。",
    "preview.draft_note": "この記事はまだ公開されていません。",
    "preview.back": "編集に戻る",
    # Composer and paste preview
    "compose.heading": "切り抜く",
    "compose.new_entry": "新しい記事を作る",
    "compose.drafts": "下書き",
    "compose.no_drafts": "下書きはありません。",
    "paste.heading": "貼り付けた内容の確認",
    "paste.check": "確認する",
    "paste.save": "この内容で追加",
    "paste.back": "貼り付けをやり直す",
    "paste.header": "見出しの行（記事の先頭の URL。追加されません）",
    "paste.footer": "末尾の行（追加されません）",
    "paste.clip": "切り抜き",
    "paste.related": "関連リンク",
    "paste.tags": "タグの行",
    "paste.summary": "グループ {groups} つ、切り抜き {clips} 件、タグ {tags} 個",
    "paste.blank_dropped": "空の行 {n} 行は切り抜きにならず、区切りとして扱われます。",
    "paste.no_clips": "貼り付けたテキストに切り抜きが見つかりませんでした。"
                      "一行に一段落、グループの最後にハッシュタグの行（#タグ#タグ）を書いてください。",
    "paste.bad_text": "貼り付けたテキストを読めませんでした（文字化けか、バイナリです）。",
    "paste.into": "追加先",
    # Manage
    "manage.heading": "管理",
    "manage.date": "日時",
    "manage.state": "状態",
    "manage.title": "題名・最初の切り抜き",
    "manage.tags": "タグ",
    "manage.count": "切り抜き",
    "manage.filter": "絞り込む",
    "manage.all": "すべて",
    "manage.status": "状態",
    "manage.month": "月（例: 2025-07）",
    "manage.tag": "タグ",
    "manage.search": "語句",
    "manage.none": "該当する記事はありません。",
    "manage.selected": "選んだ記事を",
    "manage.select": "選ぶ",
    "manage.bulk_publish": "公開する",
    "manage.bulk_unpublish": "下書きに戻す",
    "manage.bulk_delete": "ごみ箱へ移す",
    "manage.newer": "← 新しい",
    "manage.older": "古い →",
    "manage.tags_heading": "タグ",
    "manage.rename": "名前を変える（既存のタグ名にすると統合。元の名前は別名として残ります）",
    "manage.rename_old": "元のタグ",
    "manage.rename_new": "新しいタグ",
    "manage.rename_button": "変更",
    # Trash
    "trash.heading": "ごみ箱",
    "trash.empty": "ごみ箱は空です。",
    "trash.deleted": "削除: {when}",
    "trash.whole": "記事全体",
    "trash.parts": "記事の一部（グループ {groups} つ、切り抜き {clips} 件）",
    "trash.restore": "元に戻す",
    "trash.purge": "ごみ箱を空にする（元に戻せなくなります）",
    "trash.purge_old": "{days} 日より前に削除したものだけ消す",
    # Form errors (the field keeps what was typed)
    "error.date": "日時は「2025-07-01 08:00」のように書いてください（{tz}）。",
    "error.date_range": "その日時は使えません（1000年から9000年まで）。",
    "error.clip_break": "切り抜きは一段落です。改行を含められません。",
    "error.clip_blank": "切り抜きが空です。削除するときは「この切り抜きを削除」に印を付けてください。",
    "error.tag": "タグ「{tag}」は使えません。#名前#名前 の形で書いてください。",
    "error.conflict": "この記事は開いたあとで別の画面から変更されました。"
                      "ページを読み込み直してから、もう一度編集してください。",
    "error.form": "送られた内容が古い画面のものです。ページを読み込み直してください。",
    "error.permalink": "同じ日時の記事があるため、別の日時を選んでください。",
    "error.too_big": "記事が大きすぎます。",
    "error.title": "題名に改行は使えません。",
    "error.move_empty": "移すグループに切り抜きが残っていません。",
    "error.move_same": "グループはすでにその記事にあります。別の記事を選んでください。",
    "fix_below": "下の印の付いたところを直してください。",
    # The analysis page (what analysis says in English, for the CLI and the API, in words)
    "analysis.heading": "記事の分析",
    "analysis.version": "{n} つの版",
    "analysis.duplicate": "同じ段落を {n} 回切り抜き",
    "analysis.background": "{n} 件の記事に共通の背景",
    "analysis.draft": "下書き",
}

# Why analysis links two clips (`analysis.duplicates.Match.reason`), for readers.
REASONS_JA: dict[str, str] = {
    "same text": "同じ文",
    "same text (spacing, punctuation, width or links differ)": "同じ文（空白・句読点・文字幅・リンクの違いのみ）",
    "figures changed": "数字が変わった",
    "near-identical wording": "ほぼ同じ言い回し",
    "figures and wording changed": "数字と言い回しが変わった",
    "wording changed": "言い回しが変わった",
    "same article, wording changed": "同じ記事で言い回しが変わった",
    "passage extended or shortened": "段落が長く、または短くなった",
    "lead updated (date or figures changed)": "書き出しが更新された（日付か数字）",
    "shared background (a sentence reused)": "共通の背景（同じ文の再利用）",
    "shared background, reworded": "共通の背景（言い換え）",
}

CATALOGS = {"ja": JA}


def t(key: str, lang: str = "ja", **values: object) -> str:
    """The sentence `key` in `lang`, with `{name}` filled from `values`. Raises KeyError for
    an unknown key."""
    text = CATALOGS[lang][key]
    return text.format(**values) if values else text
