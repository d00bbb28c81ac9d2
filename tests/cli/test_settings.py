"""Security settings never come in through an import; `kirinuki settings` shows and sets
them (issue 17, Medium: a JSON Lines backup turned the SSRF guard off)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kirinuki.errors import InputError
from kirinuki.journal import export_jsonl, import_paths, init_journal, open_journal
from kirinuki.journal.capture import make_fetcher
from tests.conftest import Cli

ENTRY = {"type": "entry", "key": "k1", "permalink": "/entry/2024/01/02/080000",
         "published": "2024-01-02T08:00:00+09:00", "status": "published", "title": None,
         "layout": {"bom": False, "newline": "\n", "lead_blank": 0}, "header": [],
         "footer": None, "groups": [{"items": [{"clip": {"text": "段落です。", "blank_after": 0}}],
                                     "tag_lines": []}]}


def _backup(tmp_path: Path, **journal: object) -> Path:
    record = {"type": "journal", "title": "取り込んだ帳", "hosts": ["example.org"],
              "header_links": ["https://example.org"], "footer": "example.org",
              "timezone": "Asia/Tokyo", **journal}
    path = tmp_path / "backup.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (record, ENTRY)) + "\n",
                    encoding="utf-8")
    return path


def test_an_import_never_turns_the_guard_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.delenv("KIRINUKI_ALLOW_PRIVATE", raising=False)
    path = str(tmp_path / "j.db")
    with init_journal(path) as j:
        summary = import_paths(j, [str(_backup(tmp_path, fetch_allow_private=True))])
        assert j.settings.fetch_allow_private is False
        assert j.settings.title == "取り込んだ帳"  # the other settings do come in
        assert any("fetch.allow_private=True" in p for p in summary.problems)
    with open_journal(path) as j:
        assert j.settings.fetch_allow_private is False
        assert make_fetcher(j).allow_private is False


def test_the_import_reports_the_ignored_setting(cli: Cli, tmp_path: Path) -> None:
    cli("init")
    r = cli("import", str(_backup(tmp_path, fetch_allow_private=True)))
    assert r.exit_code == 0
    assert "not imported:" in r.output and "security setting fetch.allow_private=True" in (
        r.output)
    assert json.loads(cli("settings", "--json").output)["fetch.allow_private"] is False


def test_an_export_does_not_carry_security_settings(journal_path: str, tmp_path: Path) -> None:
    with init_journal(journal_path) as j:
        from kirinuki.journal.settings import set_setting

        set_setting(j, "fetch.allow_private", ["true"])
        out = tmp_path / "x.jsonl"
        with out.open("wb") as fh:
            export_jsonl(j, fh)
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert record["type"] == "journal" and "fetch_allow_private" not in record


def test_imported_settings_are_checked(tmp_path: Path) -> None:
    with init_journal(str(tmp_path / "j.db")) as j:
        with pytest.raises(InputError, match=r"backup.jsonl:1: .*time zone"):
            import_paths(j, [str(_backup(tmp_path, timezone="Mars/Olympus"))])
        with pytest.raises(InputError, match=r"backup.jsonl:1: .*hosts"):
            import_paths(j, [str(_backup(tmp_path, hosts="example.org"))])
        assert j.settings.title == "kirinuki"


def test_settings_shows_every_setting(cli: Cli) -> None:
    cli("init", "--title", "帳", "--host", "a.example")
    shown = json.loads(cli("settings", "--json").output)
    assert shown == {"title": "帳", "hosts": ["a.example"], "header_links": ["https://a.example"],
                     "footer": "a.example", "timezone": "Asia/Tokyo",
                     "site.version_notes": True, "fetch.allow_private": False,
                     "capture.raw_copies": "all"}
    table = cli("settings").output
    for key in shown:
        assert key in table


def test_settings_set_turns_the_guard_off_and_on(cli: Cli, journal_path: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIRINUKI_ALLOW_PRIVATE", raising=False)
    cli("init")
    r = cli("settings", "set", "fetch.allow_private", "true")
    assert r.exit_code == 0 and "fetch.allow_private = true" in r.output
    with open_journal(journal_path) as j:
        assert make_fetcher(j).allow_private is True
    assert cli("settings", "set", "fetch.allow_private", "no").exit_code == 0
    with open_journal(journal_path) as j:
        assert make_fetcher(j).allow_private is False


@pytest.mark.parametrize(("args", "message"), [
    (["fetch.allow_private", "maybe"], "expected true or false"),
    (["fetch.allow_private", "on"], "expected true or false"),
    (["colour", "blue"], "unknown setting 'colour'"),
    (["timezone", "Mars/Olympus"], "unknown time zone"),
    (["hosts", "not a host"], "not a host name"),
    (["header_links", "javascript:alert(1)"], "not an http(s) URL"),
    (["title", "two", "values"], "title takes one value"),
    (["title", " "], "one non-empty line"),
])
def test_bad_values_are_refused_and_change_nothing(cli: Cli, args: list[str],
                                                   message: str) -> None:
    cli("init")
    before = cli("settings", "--json").output
    r = cli("settings", "set", *args)
    assert r.exit_code == 1 and "error:" in r.output and message in r.output
    assert cli("settings", "--json").output == before


def test_settings_set_lists_and_clears(cli: Cli) -> None:
    cli("init")
    assert cli("settings", "set", "hosts", "https://A.example/", "b.example").exit_code == 0
    assert cli("settings", "set", "footer", "").exit_code == 0
    shown = json.loads(cli("settings", "--json").output)
    assert shown["hosts"] == ["a.example", "b.example"] and shown["footer"] is None


def test_version_notes_setting_takes_true_or_false(cli: Cli, journal_path: str) -> None:
    cli("init")
    assert cli("settings", "set", "site.version_notes", "false").exit_code == 0
    with open_journal(journal_path) as j:
        assert j.settings.version_notes is False
    r = cli("settings", "set", "site.version_notes", "maybe")
    assert r.exit_code != 0 and "true or false" in r.output
    with open_journal(journal_path) as j:
        assert j.settings.version_notes is False
