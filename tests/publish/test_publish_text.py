"""The plain-text twin of every entry page: byte for byte the CLI's text export."""

from __future__ import annotations

from pathlib import Path

from kirinuki.journal import Journal, import_paths, init_journal, list_entries
from kirinuki.journal.editing import set_status
from kirinuki.model import Status
from kirinuki.publish import publish
from tests.conftest import SEED, Cli

SAMPLE_HOSTS = ["d1021.hatenadiary.com", "d1021.hatenablog.com", "d1021.hatenadiary.jp"]


def test_every_twin_equals_the_cli_export(small: Journal, tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish(small, out, jobs=1)
    cli = Cli(small.store.path)
    published = [e for e in list_entries(small) if e.status is Status.PUBLISHED]
    assert len(published) == 4
    for e in published:
        exported = cli("export", "--format", "text", "--entry", str(e.id))
        assert exported.exit_code == 0
        twin = out / (e.permalink or "").lstrip("/") / "entry.txt"
        assert twin.read_bytes() == exported.stdout_bytes


def _sample_journal(folder: Path) -> Journal:
    return init_journal(str(folder / "sample.db"), "d1021", SAMPLE_HOSTS)


def test_sample_twin_is_the_seed_file_when_imported_dated(seed_text: str, tmp_path: Path) -> None:
    src = tmp_path / "2022-01-08_120000.txt"
    src.write_bytes(SEED.read_bytes())
    with _sample_journal(tmp_path) as j:
        import_paths(j, [str(src)])
        publish(j, tmp_path / "site", jobs=1)
    twin = tmp_path / "site/entry/2022/01/08/120000/entry.txt"
    assert twin.read_bytes() == SEED.read_bytes()
    page = (tmp_path / "site/entry/2022/01/08/120000/index.html").read_text(encoding="utf-8")
    assert page.count("<blockquote") == 19
    assert 'href="https://d1021.hatenadiary.com">https://d1021.hatenadiary.com</a>' in page
    assert '<a href="https://d1021.hatenadiary.jp/">d1021.hatenadiary.jp</a>' in page
    assert '<link rel="canonical" href="https://d1021.hatenadiary.com/entry/2022/01/08/120000/">' in page


def test_undated_sample_is_published_once_given_a_date(seed_text: str, tmp_path: Path) -> None:
    src = tmp_path / "000_4638226074035248.txt"
    src.write_bytes(SEED.read_bytes())
    with _sample_journal(tmp_path) as j:
        import_paths(j, [str(src)])
        first = publish(j, tmp_path / "site", jobs=1)
        assert first.entries == 0  # a draft is not on the site
        entry = set_status(j, "1", Status.PUBLISHED)
        publish(j, tmp_path / "site", jobs=1)
    twin = tmp_path / "site" / (entry.permalink or "").lstrip("/") / "entry.txt"
    assert twin.read_bytes() == SEED.read_bytes()
