"""Version marks on entry pages: a clip that updates an earlier clip shows what changed and
links to the earlier clip's entry; incremental builds keep them right."""

from __future__ import annotations

import re
from pathlib import Path

from kirinuki.journal import Journal, import_paths, init_journal
from kirinuki.journal.analysis import catch_up_versions
from kirinuki.journal.editing import edit_clip, set_status
from kirinuki.journal.queries import get_entry
from kirinuki.model import Status
from kirinuki.publish import publish
from tests.conftest import SEED
from tests.publish.test_publish_writer import _tree

OLD = ("ルスタニア政府によりますと、ヴェルナ州の洪水で少なくとも120人が死亡し、"
       "3400人が避難したということです。")
NEW = ("ルスタニア政府によりますと、ヴェルナ州の洪水で少なくとも185人が死亡し、"
       "5200人が避難したということです。")
OTHER = "首都では中央銀行が政策金利を据え置くと発表し、市場は落ち着いた動きを見せました。"


def _page(site: Path, stamp: str) -> str:
    return (site / "entry" / stamp / "index.html").read_text(encoding="utf-8")


def _journal(folder: Path) -> Journal:
    j = init_journal(str(folder / "v.db"), "版", ["kirinuki.test"])
    for name, text in (("2024-09-10_213000", OLD), ("2024-09-11_074500", NEW + "\n\n" + OTHER)):
        (folder / f"{name}.txt").write_text(f"{text}\n\n#洪水\n", encoding="utf-8")
    import_paths(j, [str(folder / "2024-09-10_213000.txt"), str(folder / "2024-09-11_074500.txt")])
    return j


def test_seed_marks_the_second_kazakhstan_clip(seed_text: str, tmp_path: Path) -> None:
    src = tmp_path / "2022-01-08_120000.txt"
    src.write_bytes(SEED.read_bytes())
    with init_journal(str(tmp_path / "s.db"), "d", ["d1021.hatenadiary.com"]) as j:
        import_paths(j, [str(src)])
        publish(j, tmp_path / "site", jobs=1)
    page = _page(tmp_path / "site", "2022/01/08/120000")
    figures = re.findall(r"<figure class=\"clip\">(.*?)</figure>", page, re.S)
    marked = [f for f in figures if 'class="update"' in f]
    assert len(marked) == 1
    assert "4400人以上" in marked[0].split('class="update"')[0]  # on the later clip
    assert "拘束: 3800人以上 → 4400人以上 (+600)" in marked[0]


def test_mark_links_to_the_earlier_entry_and_follows_incremental_builds(tmp_path: Path) -> None:
    j = _journal(tmp_path)
    live = tmp_path / "live"
    publish(j, live, jobs=1)
    page = _page(live, "2024/09/11/074500")
    assert "死亡: 少なくとも120人 → 少なくとも185人 (+65)" in page and "避難: 3400人 → 5200人 (+1800)" in page
    assert 'rel="predecessor-version" href="/entry/2024/09/10/213000/"' in page
    assert page.count('class="update"') == 1  # the unrelated clip is not marked
    assert 'class="update"' not in _page(live, "2024/09/10/213000")
    steps = [
        lambda: set_status(j, "/entry/2024/09/10/213000", Status.DRAFT),
        lambda: set_status(j, "/entry/2024/09/10/213000", Status.PUBLISHED),
        lambda: edit_clip(j, get_entry(j, "/entry/2024/09/10/213000").clips[0].id or 0,
                          OLD.replace("120人", "150人")),
    ]
    expected = [None, "少なくとも120人 → 少なくとも185人", "少なくとも150人 → 少なくとも185人"]
    for n, step in enumerate(steps):
        step()
        assert publish(j, live, jobs=1).written > 0, n
        fresh = tmp_path / f"fresh{n}"
        publish(j, fresh, jobs=1)
        assert _tree(live) == _tree(fresh), n
        page = _page(live, "2024/09/11/074500")
        assert (expected[n] in page) if expected[n] else 'class="update"' not in page, n
    j.close()


def test_change_text_is_escaped(tmp_path: Path) -> None:
    j = _journal(tmp_path)
    catch_up_versions(j)
    j.store.conn.execute("UPDATE clip_versions SET change = '<script>alert(1)</script>'")
    j.store.conn.commit()
    publish(j, tmp_path / "site", jobs=1)
    page = _page(tmp_path / "site", "2024/09/11/074500")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    j.close()
