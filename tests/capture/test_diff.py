"""Version diffs: paragraphs kept, added, removed, changed; changed figures as whole tokens."""

from __future__ import annotations

from kirinuki.capture.diff import changed_figures, diff_versions, tokens

OLD = "内務省によりますと、デモの参加者26人と治安当局者18人が死亡し、3800人以上を拘束したということです。"
NEW = "内務省はこれまでにデモの参加者26人と治安当局者18人が死亡し、4400人以上を拘束したとしています。"


def test_changed_figure_is_one_token() -> None:
    diffs = diff_versions(["前文です。", OLD, "結びです。"], ["前文です。", NEW, "結びです。", "追記です。"])
    assert [d.kind for d in diffs] == ["same", "changed", "same", "added"]
    assert changed_figures(diffs) == [("3800人以上", "4400人以上")]
    changed = diffs[1]
    assert "".join(s.text for s in changed.spans if s.kind != "added") == OLD
    assert "".join(s.text for s in changed.spans if s.kind != "removed") == NEW


def test_unrelated_paragraphs_are_removed_and_added() -> None:
    diffs = diff_versions(["同じ段落。", "まったく別の話題についての段落。"],
                          ["同じ段落。", "ここは全然違う内容で置き換えられた。新しい文章。"])
    assert [d.kind for d in diffs] == ["same", "removed", "added"]


def test_tokens_keep_counters_and_large_numbers_whole() -> None:
    assert tokens("1万2000人と2.5%、14か国、450億円") == [
        "1万2000人", "と", "2.5%", "、", "14か国", "、", "450億円"]


def test_identical_versions_have_no_changes() -> None:
    diffs = diff_versions(["a", "b"], ["a", "b"])
    assert all(d.kind == "same" for d in diffs) and changed_figures(diffs) == []
