"""The CLI end to end: init, import, export, entries, tags, stats, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA, Cli


@pytest.fixture
def ready(cli: Cli) -> Cli:
    r = cli("init", "--title", "テスト帳", "--host", "kirinuki.test")
    assert r.exit_code == 0, r.output
    return cli


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_bytes(text.encode("utf-8"))
    return p


def test_import_sample_show_json_and_export_identical(ready: Cli, seed_text: str,
                                                      tmp_path: Path) -> None:
    src = _write(tmp_path / "in", "000_4638226074035248.txt", seed_text)
    r = ready("import", str(src))
    assert r.exit_code == 0, r.output
    assert "entries 1 added" in r.output and "clips 19 added" in r.output
    assert "tags 3 added" in r.output
    r = ready("entries", "show", "1", "--json")
    data = json.loads(r.output)
    assert data["header"] == ["https://d1021.hatenadiary.com", "http://d1021.hatenablog.com"]
    assert data["footer"] == "d1021.hatenadiary.jp"
    assert [len(g["clips"]) for g in data["groups"]] == [15, 4]
    assert [g["tags"] for g in data["groups"]] == [["NATOexpansion"], ["反ロシア", "対中露戦"]]
    assert "permalink" in data
    out = tmp_path / "out.txt"
    assert ready("export", "--format", "text", "--entry", "1", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == src.read_bytes()
    r = ready("export", "--entry", "1")
    assert r.stdout_bytes == src.read_bytes()


def test_import_twice_adds_nothing(ready: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder, "2024-09-03_081500.txt", "本文その一。\n#タグ一")
    _write(folder, "2024-09-04_090000.txt", "本文その二。\n本文その三。\n#タグ一#タグ二")
    r = ready("import", str(folder))
    assert "entries 2 added" in r.output and "clips 3 added" in r.output
    r = ready("import", str(folder))
    assert "entries 0 added, 2 already present" in r.output
    assert "tags 0 added, 2 already present" in r.output
    listing = json.loads(ready("entries", "list", "--json").output)
    assert [e["published"][:10] for e in listing] == ["2024-09-04", "2024-09-03"]
    assert listing[0]["permalink"] == "/entry/2024/09/04/090000"
    assert listing[0]["status"] == "published"
    tags = json.loads(ready("tags", "--json").output)
    assert {t["display"]: t["groups"] for t in tags} == {"タグ一": 2, "タグ二": 1}
    stats = json.loads(ready("stats", "--json").output)
    assert (stats["entries"], stats["clips"], stats["tags"]) == (2, 3, 2)
    shown = json.loads(ready("entries", "show", "/entry/2024/09/03/081500", "--json").output)
    assert shown["groups"][0]["clips"][0]["text"] == "本文その一。"


def test_jsonl_export_import_export_is_identical(ready: Cli, tmp_path: Path) -> None:
    ready("import", str(DATA / "hard_cases.txt"))
    folder = tmp_path / "in"
    _write(folder, "2024-09-03_081500.txt", "\ufeff本文。\r\n\r\n#タグ\r\n")
    ready("import", str(folder))
    first = tmp_path / "a.jsonl"
    assert ready("export", "--format", "jsonl", "-o", str(first)).exit_code == 0
    other = Cli(str(tmp_path / "other.db"))
    assert other("init").exit_code == 0
    assert other("import", str(first)).exit_code == 0
    second = tmp_path / "b.jsonl"
    assert other("export", "--format", "jsonl", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    r = other("import", str(first))
    assert "entries 0 added, 2 already present" in r.output


def test_text_folder_export_reimports_identically(ready: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder, "2024-09-03_081500.txt", "本文。\n\n#タグ\n\nkirinuki.test")
    _write(folder, "2024-10-01_120000.txt", "https://kirinuki.test\n\n次。\n#別")
    ready("import", str(folder))
    out = tmp_path / "out"
    assert ready("export", "-o", str(out)).exit_code == 0
    for f in folder.iterdir():
        assert (out / f.name).read_bytes() == f.read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        ("latin.txt", "caf\u00e9".encode("latin-1"), "not UTF-8"),
        ("sjis.txt", "日本語の文章".encode("cp932"), "not UTF-8"),
        ("huge.txt", b"a" * (21 * 1024 * 1024), "too large"),
        ("long.txt", ("あ" * 1_100_000).encode("utf-8"), "characters is not clip text"),
        ("x.csv", b"a,b", "unknown file type"),
        ("bad.jsonl", b'{"type":"entry","key":"x","groups":[{"items":[{"clip":{}}]}]}\n',
         "bad.jsonl:1"),
        ("bad2.jsonl", b"not json\n", "not a JSON line"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(ready: Cli, tmp_path: Path, name: str,
                                                  content: bytes, message: str) -> None:
    good = _write(tmp_path / "in", "2024-01-01_000000.txt", "良い本文。\n#タグ")
    bad = tmp_path / "in" / name
    bad.write_bytes(content)
    r = ready("import", str(good), str(bad))
    assert r.exit_code == 1
    assert message in r.stderr
    assert "Traceback" not in r.output + r.stderr
    assert json.loads(ready("stats", "--json").output)["entries"] == 0


def test_folder_without_clip_text_and_missing_path(ready: Cli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    r = ready("import", str(tmp_path / "empty"))
    assert r.exit_code == 1 and "no .txt or .jsonl" in r.stderr
    r = ready("import", str(tmp_path / "nope.txt"))
    assert r.exit_code == 1 and "no such file" in r.stderr


def test_errors_are_one_line_with_status_1(cli: Cli, tmp_path: Path) -> None:
    r = cli("stats")
    assert r.exit_code == 1 and "no journal here" in r.stderr
    assert cli("init").exit_code == 0
    r = cli("init")
    assert r.exit_code == 1 and "already exists" in r.stderr
    r = cli("entries", "show", "42")
    assert r.exit_code == 1 and "no entry '42'" in r.stderr
    r = cli("export", "--format", "pdf")
    assert r.exit_code == 1 and "unknown format" in r.stderr
    newer = tmp_path / "newer.db"
    Cli(str(newer))("init")
    import sqlite3

    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    r = Cli(str(newer))("stats")
    assert r.exit_code == 1 and "newer kirinuki" in r.stderr
    assert "Traceback" not in r.stderr


def test_python_dash_m_and_console_script_work(tmp_path: Path) -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "kirinuki", "--journal", str(tmp_path / "x.db"),
                        "entries", "list"], capture_output=True, text=True)
    assert r.returncode == 1 and "no journal here" in r.stderr


def test_odd_entry_numbers_are_not_found_not_crashes(ready: Cli) -> None:
    for ref in ["¹", "9" * 30]:
        r = ready("entries", "show", ref)
        assert r.exit_code == 1 and "no entry" in r.stderr


def test_entries_show_carries_the_analysis(ready: Cli, seed_text: str, tmp_path: Path) -> None:
    src = _write(tmp_path / "in", "2022-01-08_120000.txt", seed_text)
    ready("import", str(src))
    data = json.loads(ready("entries", "show", "1", "--json").output)
    kinds = {g["kind"]: g for g in data["analysis"]["groups"]}
    assert "拘束: 3800人以上 → 4400人以上 (+600)" in kinds["version"]["changes"][0]["text"]
    assert "background" in kinds
    speakers = {q["speaker"] for q in data["analysis"]["quotes"]}
    assert {"トカエフ大統領", "ブリンケン国務長官", "ストルテンベルグ事務総長"} <= speakers
    text = ready("entries", "show", "1").output
    assert "3800人以上 → 4400人以上" in text and "— トカエフ大統領" in text
