"""Pinning a related entry writes its related-link line; un-pinning takes it back."""

from __future__ import annotations

from pathlib import Path

import pytest

from kirinuki.errors import InputError
from kirinuki.journal import Journal, entry_text, import_paths
from kirinuki.journal.related import decide_related
from kirinuki.text.cliptext import parse


def test_pin_adds_the_line_before_the_footer_and_forget_removes_it(journal: Journal,
                                                                  tmp_path: Path) -> None:
    old = "https://kirinuki.test\n\nベルカで抗議デモ、3000人が参加。\n\n#ベルカ情勢\n\nkirinuki.test"
    new = "https://kirinuki.test\n\nベルカの抗議デモ、参加者は5000人に。\n\n#ベルカ情勢\n\nkirinuki.test"
    (tmp_path / "2024-10-01_080000.txt").write_text(old, encoding="utf-8")
    (tmp_path / "2024-10-02_080000.txt").write_text(new, encoding="utf-8")
    import_paths(journal, [str(tmp_path)])
    later, earlier = "/entry/2024/10/02/080000", "/entry/2024/10/01/080000"
    decide_related(journal, later, earlier, "pinned")
    text = entry_text(journal, later)
    assert text == new.replace(
        "#ベルカ情勢\n\n", "#ベルカ情勢\n\nhttps://kirinuki.test/entry/2024/10/01/080000\n\n")
    assert [r.url for r in parse(text).related_links] == [
        "https://kirinuki.test/entry/2024/10/01/080000"]
    decide_related(journal, later, earlier, "pinned")  # pinning twice writes one line
    assert entry_text(journal, later).count("/entry/2024/10/01/080000") == 1
    decide_related(journal, later, earlier, None)
    assert entry_text(journal, later) == new


def test_an_undated_draft_cannot_be_pinned(journal: Journal, tmp_path: Path) -> None:
    (tmp_path / "2024-10-01_080000.txt").write_text("本文。\n#タグ", encoding="utf-8")
    (tmp_path / "draft.txt").write_text("下書き。\n#タグ", encoding="utf-8")
    import_paths(journal, [str(tmp_path)])
    with pytest.raises(InputError, match="permalink"):
        decide_related(journal, "/entry/2024/10/01/080000", "2", "pinned")
