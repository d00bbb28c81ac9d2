"""The story of a tag: figures that changed across its entries (a table and an inline SVG
chart) and the speakers quoted under it, from stored analysis results the owner did not hide;
hiding follows incremental builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kirinuki.errors import InputError, NotFoundError
from kirinuki.journal import Journal, import_paths
from kirinuki.journal.editing import edit_clip
from kirinuki.journal.queries import get_entry
from kirinuki.journal.story import catch_up_statements, hidden, set_hidden
from kirinuki.publish import publish
from tests.publish.test_publish_versions import NEW, _journal, _page
from tests.publish.test_publish_writer import _tree

NEWER = NEW.replace("185人", "230人").replace("5200人", "6100人")
SPOKEN = "ミハイロフ首相は会見で「被災者の生活再建を急ぐ」と述べました。"


def _tag(site: Path, name: str) -> str:
    return (site / "archive" / "category" / name / "index.html").read_text(encoding="utf-8")


def _story(html: str) -> str:
    m = re.search(r'<section class="story".*?</section>', html, re.S)
    return m.group(0) if m else ""


def _three(tmp_path: Path) -> Journal:
    """Three entries of #洪水 whose clip is updated twice, the last quoting the prime minister."""
    j = _journal(tmp_path)
    src = tmp_path / "2024-09-12_080000.txt"
    src.write_text(f"{NEWER}\n{SPOKEN}\n\n#洪水\n", encoding="utf-8")
    import_paths(j, [str(src)])
    return j


def test_tag_page_tells_the_figures_and_speakers(tmp_path: Path) -> None:
    j = _three(tmp_path)
    publish(j, tmp_path / "site", jobs=1)
    story = _story(_tag(tmp_path / "site", "洪水"))
    row = re.search(r'<th scope="row">死亡</th><td>(.*?)</td>', story, re.S)
    assert row is not None
    cells = re.findall(r'<span class="story-point">(.*?)（<a href="([^"]+)">(.*?)</a>）', row.group(1))
    assert cells == [("少なくとも120人", "/entry/2024/09/10/213000/", "2024年9月10日"),
                     ("少なくとも185人", "/entry/2024/09/11/074500/", "2024年9月11日"),
                     ("少なくとも230人", "/entry/2024/09/12/080000/", "2024年9月12日")]
    # One chart per series, described for screen readers, with its points rising.
    charts = re.findall(r"<svg .*?</svg>", story, re.S)
    assert len(charts) == 2
    death = next(c for c in charts if "死亡の推移" in c)
    assert 'role="img"' in death and 'aria-labelledby="story-0-t story-0-d"' in death
    assert "<desc id=\"story-0-d\">2024年9月10日 少なくとも120人、2024年9月11日 少なくとも185人、" \
           "2024年9月12日 少なくとも230人</desc>" in death
    line = re.search(r'<polyline class="line" points="([^"]+)"', death)
    assert line is not None
    ys = [float(p.split(",")[1]) for p in line.group(1).split()]
    assert ys[0] > ys[1] > ys[2]  # SVG y grows downwards: the count rose twice
    assert "<script" not in story
    assert re.search(r"<li>ミハイロフ首相 <span class=\"count\">1件</span></li>", story)
    # Only the tag's front page tells it; the entry pages do not.
    assert "story" not in _page(tmp_path / "site", "2024/09/12/080000").split("<main")[1] \
        .split("</main>")[0].replace("predecessor", "")
    j.close()


def test_a_tag_without_results_has_no_story(tmp_path: Path) -> None:
    j = _journal(tmp_path)
    src = tmp_path / "2024-09-13_080000.txt"
    src.write_text("首都では晴れの天気が続いています。\n\n#天気\n", encoding="utf-8")
    import_paths(j, [str(src)])
    publish(j, tmp_path / "site", jobs=1)
    assert _story(_tag(tmp_path / "site", "天気")) == ""
    j.close()


def test_hidden_results_leave_the_site_and_incremental_equals_full(tmp_path: Path) -> None:
    j = _three(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    last = get_entry(j, "/entry/2024/09/12/080000")
    clip = last.clips[0].id or 0
    assert set_hidden(j, clip, "version") is True
    assert set_hidden(j, clip, "version") is False  # already hidden
    assert publish(j, live, jobs=1).written > 0
    story = _story(_tag(live, "洪水"))
    assert "少なくとも230人" not in story and "少なくとも185人" in story
    # The entry page's version note goes too.
    assert 'class="update"' not in _page(live, "2024/09/12/080000")
    assert 'class="update"' in _page(live, "2024/09/11/074500")
    fresh = tmp_path / "fresh"
    publish(j, fresh, full=True, jobs=1)
    assert _tree(live) == _tree(fresh)
    # Statements: the speaker goes from the story.
    speaker = last.clips[1].id or 0
    set_hidden(j, speaker, "statements")
    publish(j, live, jobs=1)
    assert "ミハイロフ首相" not in _story(_tag(live, "洪水"))
    assert [(h.clip_id, h.kind) for h in hidden(j)] == [(clip, "version"),
                                                          (speaker, "statements")]
    # Shown again.
    set_hidden(j, clip, "version", False)
    set_hidden(j, speaker, "statements", False)
    publish(j, live, jobs=1)
    story = _story(_tag(live, "洪水"))
    assert "少なくとも230人" in story and "ミハイロフ首相" in story
    publish(j, fresh, full=True, jobs=1)
    assert _tree(live) == _tree(fresh)
    with pytest.raises(InputError):
        set_hidden(j, clip, "figures")
    with pytest.raises(NotFoundError):
        set_hidden(j, 10**9, "version")
    j.close()


def test_statements_follow_an_edited_clip(tmp_path: Path) -> None:
    j = _three(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    assert catch_up_statements(j) == 0  # the publish read every group
    speaker = get_entry(j, "/entry/2024/09/12/080000").clips[1].id or 0
    edit_clip(j, speaker, "ベルガー長官は「支援を続ける」と述べました。")
    assert publish(j, live, jobs=1).written > 0
    story = _story(_tag(live, "洪水"))
    assert "ベルガー長官" in story and "ミハイロフ首相" not in story
    fresh = tmp_path / "fresh"
    publish(j, fresh, full=True, jobs=1)
    assert _tree(live) == _tree(fresh)
    j.close()


def test_a_hide_in_an_older_entry_renews_the_story(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The story covers every entry of the tag, not only those on its front page: hiding the
    version note of an entry that is on an older page renders the front page again."""
    from kirinuki.publish import context as context_mod

    monkeypatch.setattr(context_mod, "PER_PAGE", 1)
    j = _three(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    assert "少なくとも185人" in _story(_tag(live, "洪水"))
    middle = get_entry(j, "/entry/2024/09/11/074500").clips[0].id or 0
    set_hidden(j, middle, "version")  # the front page shows 2024-09-12 only
    publish(j, live, jobs=1)
    story = _story(_tag(live, "洪水"))
    assert "少なくとも120人" not in story and "少なくとも185人" in story
    fresh = tmp_path / "fresh"
    publish(j, fresh, full=True, jobs=1)
    assert _tree(live) == _tree(fresh)
    j.close()


def test_story_and_hides_on_both_backends(any_journal_path: str, tmp_path: Path) -> None:
    """The stored statements, the story's rows and the hides say the same on SQLite and
    PostgreSQL (one copy of the SQL, translated)."""
    from kirinuki.journal import init_journal
    from kirinuki.journal.story import tag_story
    from tests.publish.test_publish_versions import OLD, OTHER

    j = init_journal(any_journal_path, "版", ["kirinuki.test"])
    texts = (("2024-09-10_213000", OLD), ("2024-09-11_074500", NEW + "\n\n" + OTHER),
             ("2024-09-12_080000", f"{NEWER}\n{SPOKEN}"))
    for name, text in texts:
        (tmp_path / f"{name}.txt").write_text(f"{text}\n\n#洪水\n", encoding="utf-8")
    import_paths(j, [str(tmp_path / f"{name}.txt") for name, _ in texts])
    publish(j, tmp_path / "site", jobs=1)  # runs the catch-ups
    ids = {e: n for n, e in enumerate(
        get_entry(j, f"/entry/2024/09/{d}").id or 0
        for d in ("10/213000", "11/074500", "12/080000"))}
    story = tag_story(j, "洪水", ids)
    death = next(s for s in story.series if s.label == "死亡")
    assert [p.surface for p in death.points] == ["少なくとも120人", "少なくとも185人", "少なくとも230人"]
    assert [(s.name, s.count) for s in story.speakers] == [("ミハイロフ首相", 1), ("中央銀行", 1)]
    last = get_entry(j, "/entry/2024/09/12/080000")
    assert set_hidden(j, last.clips[1].id or 0, "statements")
    assert [s.name for s in tag_story(j, "洪水", ids).speakers] == ["中央銀行"]
    assert [h.kind for h in hidden(j)] == ["statements"]
    j.close()


def test_a_speaker_s_name_does_not_depend_on_the_rows_order() -> None:
    # SQLite (UTF-16 text) and PostgreSQL sort the spellings of a speaker differently: the
    # name shown must come from the spellings, not from which row came first.
    from kirinuki.journal.story import _speakers

    rows = [("ケスラー", "ケスラー官房長官", 1), ("ケスラー", "ケスラー国務長官", 4),
            ("ケスラー", "ケスラー首相", 3)]
    shown = [_speakers(rows), _speakers(rows[::-1])]
    assert shown[0] == shown[1]
    assert [(s.name, s.count) for s in shown[0]] == [("ケスラー国務長官", 8)]
