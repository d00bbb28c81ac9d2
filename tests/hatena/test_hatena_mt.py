"""Movable Type export import/export (issue 8, steps 1–2)."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kirinuki.journal import Journal, import_paths, init_journal
from kirinuki.journal.hatena import export_mt
from kirinuki.journal.queries import get_entry
from kirinuki.model import Status
from kirinuki.text.cliptext import render
from kirinuki.text.hatena_html import entry_html, html_lines, lines_to_entry
from kirinuki.text.hatena_mt import MTEntry, MTProblem, read_mt
from tests.conftest import examples


def _export(j: Journal) -> str:
    buf = io.StringIO()
    export_mt(j, buf)
    return buf.getvalue()


def test_import_reads_permalink_date_status_categories_and_quotes(blog: Journal,
                                                                  export_path: Path) -> None:
    s = import_paths(blog, [str(export_path)])
    assert (s.entries_added, s.clips_added, s.tags_added) == (3, 8, 5)
    first = get_entry(blog, "/entry/2023/04/02/081500")
    assert first.status is Status.PUBLISHED and first.title == "港湾ストと物流の混乱"
    assert first.published is not None and first.published.isoformat() == "2023-04-02T08:15:00+09:00"
    assert first.key == "hatena:2023/04/02/081500"
    assert [h.url for h in first.header] == ["https://clip.hatenablog.example"]
    assert first.footer is not None and first.footer.text == "clip.hatenablog.example"
    assert [t.name for t in first.tags] == ["物流", "港湾スト"]
    src = first.clips[0].citation
    assert src is not None and src.url == "https://news.example.jp/articles/port-strike"
    assert src.title == "港湾スト 貨物船23隻が沖待ち" and src.site == "news.example.jp"
    second = get_entry(blog, "/entry/2023/04/03/213000")
    assert second.title == "\"対話\"と'制裁' & 首脳会談"
    # Keyword links keep their word only; link cards and images keep their address.
    texts = [c.text for c in second.clips]
    assert texts[0].startswith("ルスタニアの首相は3日") and "keyword" not in texts[0]
    assert "https://wire.example.com/2023/0403/summit" in texts
    assert "https://cdn.example.com/images/summit.jpg" in texts
    assert texts[-1].startswith("会談は来月")  # the EXTENDED BODY is kept
    assert [r.url for r in second.related_links] == [
        "https://clip.hatenablog.example/entry/2023/04/02/081500"]
    # Categories stay apart from the content, exactly as written.
    assert [t.name for t in second.tags] == ["外交"]
    assert second.categories == ["外交", "制裁"] and first.categories == ["物流"]
    draft = get_entry(blog, "/entry/2023/04/05/070000")
    assert draft.status is Status.DRAFT
    assert not any("comment" in p for p in s.problems)  # kept with the entry, for export


def test_reimport_adds_nothing(blog: Journal, export_path: Path) -> None:
    import_paths(blog, [str(export_path)])
    again = import_paths(blog, [str(export_path)])
    assert (again.entries_added, again.entries_present, again.clips_added) == (0, 3, 0)


def test_export_import_export_is_identical(blog: Journal, export_path: Path,
                                           tmp_path: Path) -> None:
    import_paths(blog, [str(export_path)])
    first = _export(blog)
    assert first.count("\n--------\n") == 3 and "STATUS: Draft" in first
    assert '<cite><a href="https://news.example.jp/articles/port-strike">' in first
    path = tmp_path / "round.export.txt"
    path.write_text(first, encoding="utf-8")
    other = init_journal(str(tmp_path / "other.db"), "別", ["clip.hatenablog.example"])
    try:
        s = import_paths(other, [str(path)])
        assert s.entries_added == 3 and s.problems == []
        assert _export(other) == first
    finally:
        other.close()
    # The journal's own export comes back as present, not as copies.
    assert import_paths(blog, [str(path)]).entries_added == 0


BROKEN = """\
AUTHOR: a
TITLE: 一つ目 &amp; 二つ目
BASENAME: 2024/01/01/000000
DATE: 01/01/2024 00:00:00
FAVOURITE: yes
-----
BODY:
<p>本文一</p>
-----
AUTHOR: a
TITLE: 区切りなし
DATE: 01/02/2024 09:00:00
-----
BODY:
<p>本文二</p>
-----
--------
TITLE: 日付が壊れている
DATE: 13/45/2024 99:00:00
-----
BODY:
<p>本文三</p>
-----
--------
TITLE: 途中で切れた
DATE: 01/04/2024 10:00:00
-----
BODY:
<p>本文
"""


def test_broken_export_imports_what_it_can_and_reports_lines(blog: Journal,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "broken.export.txt"
    path.write_text(BROKEN, encoding="utf-8")
    s = import_paths(blog, [str(path)])
    assert s.entries_added == 2
    assert get_entry(blog, "/entry/2024/01/01/000000").title == "一つ目 & 二つ目"
    # No BASENAME: the permalink comes from the date.
    assert get_entry(blog, "/entry/2024/01/02/090000").clips[0].text == "本文二"
    report = "\n".join(s.problems)
    assert "FAVOURITE" not in report  # an unknown field is kept as written, for export
    assert "line 10: missing -------- before this line" in report
    assert "line 19: unreadable DATE" in report
    assert "line 25: entry '途中で切れた' is cut off at line 29" in report


def test_reader_yields_problems_in_line_order() -> None:
    items = list(read_mt(BROKEN.splitlines()))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["MTProblem", "MTEntry", "MTEntry", "MTEntry", "MTProblem"]
    assert isinstance(items[1], MTEntry) and items[1].line == 1
    assert isinstance(items[-1], MTProblem) and items[-1].line == 25


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=6))
def test_html_body_reads_back_the_same_lines(texts: list[str]) -> None:
    # Whatever the text (markup characters, URLs, entities), rendering then reading is stable.
    entry = lines_to_entry([(t, None) for t in texts])
    again = lines_to_entry(html_lines(entry_html(entry)))
    assert render(again) == render(entry)


def test_cli_import_reports_problems_and_exports_hatena(cli, tmp_path: Path) -> None:  # noqa: ANN001
    assert cli("init", "--host", "clip.hatenablog.example").exit_code == 0
    path = tmp_path / "broken.export.txt"
    path.write_text(BROKEN, encoding="utf-8")
    r = cli("import", str(path))
    assert r.exit_code == 0 and "entries 2 added" in r.stdout
    assert "line 19: unreadable DATE" in r.output
    r = cli("export", "--format", "hatena")
    assert r.exit_code == 0 and r.stdout.count("\n--------\n") == 2
    assert "TITLE: 一つ目 &amp; 二つ目" in r.stdout
    out = tmp_path / "out.export.txt"
    assert cli("export", "--format", "mt", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == r.stdout
    assert cli("export", "--format", "nope").exit_code != 0
