"""`kirinuki publish OUT_DIR`: one line of result, clear errors, no traceback."""

from __future__ import annotations

from pathlib import Path

from kirinuki.journal import Journal
from tests.conftest import Cli


def test_publish_command_writes_then_reports_nothing_changed(small: Journal,
                                                            tmp_path: Path) -> None:
    cli = Cli(small.store.path)
    first = cli("publish", str(tmp_path / "site"), "--jobs", "1")
    assert first.exit_code == 0
    assert "published 4 entries, 6 tags as" in first.stdout
    assert "(staged and swapped in)" in first.stdout
    assert (tmp_path / "site/index.html").is_file()
    again = cli("publish", str(tmp_path / "site"))
    assert again.exit_code == 0 and "nothing changed" in again.stdout


def test_publish_into_a_file_is_a_clear_error(small: Journal, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("メモ", encoding="utf-8")
    done = Cli(small.store.path)("publish", str(target))
    assert done.exit_code == 1
    assert "exists and is not a folder" in done.output
    assert "Traceback" not in done.output
    assert target.read_text(encoding="utf-8") == "メモ"


def test_plain_publish_lines_run_without_the_typer_app(small: Journal, tmp_path: Path) -> None:
    """`kirinuki publish` in its plain forms runs without Typer, Pydantic or Rich (cli/
    publish_quick.py) and prints, fails and exits as the Typer app does."""
    import re
    import subprocess
    import sys

    from kirinuki.cli.publish_quick import parse

    site = tmp_path / "site"
    assert parse(["--journal", "j.db", "publish", "out", "--full", "--jobs", "2"]) == (
        "j.db", Path("out"), True, 2, False)
    assert parse(["publish", "out/"]) == (None, Path("out"), False, None, False)
    assert parse(["--journal=j.db", "publish", "--jobs", "1", "-q", "out"]) == (
        "j.db", Path("out"), False, 1, True)
    assert parse(["publish", "out", "--quiet"]) == (None, Path("out"), False, None, True)
    for other in (["publish", "--help"], ["publish"], ["-jj.db", "publish", "out"],
                  ["publish", "out", "more"], ["publish", "out", "--jobs", "-1"],
                  ["publish", "[b]out"], ["publish", "out:x"], ["--verbose", "publish", "out"],
                  ["stats"]):
        assert parse(other) is None, other
    # A plain publish that succeeds ends the process at once (`os._exit`): what it loaded is
    # printed there; an error ends it with SystemExit.
    code = ("import os, sys\nfrom kirinuki.cli.main import main\n"
            "def loaded():\n"
            "    print(sorted(m for m in ('typer', 'pydantic', 'rich', 'numpy', 'jinja2')\n"
            "                 if m in sys.modules))\n"
            "real = os._exit\n"
            "def leave(status):\n    print('ended', status)\n    loaded()\n"
            "    sys.stdout.flush()\n    real(status)\n"
            "os._exit = leave\n"
            "try:\n    main()\nexcept SystemExit as e:\n    print('exit', e.code)\n"
            "loaded()")

    def quick(*args: str) -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                              text=True, check=True)
        return done.stdout, done.stderr

    cli = Cli(small.store.path)
    out, _ = quick("--journal", str(small.store.path), "publish", str(site), "--jobs", "1")
    lines = out.splitlines()
    # Ended at once, none of Typer's imported (the build renders and analyses).
    assert lines[-2:] == ["ended 0", "['jinja2', 'numpy']"]
    typer_out = cli("publish", str(tmp_path / "site2"), "--jobs", "1").stdout.strip()
    seconds = re.compile(r"in [\d.]+ s$")
    typer_lines = typer_out.splitlines()
    assert seconds.sub("", lines[0]) == seconds.sub("", typer_lines[0]).replace("site2", "site")
    assert lines[1:-2] == typer_lines[1:]  # the drafts left out, said the same way
    out, _ = quick("-j", str(small.store.path), "publish", str(site))
    # Nothing to do: answered without the renderer, the analysis or NumPy.
    assert out.splitlines()[-2:] == ["ended 0", "[]"]
    again = cli("publish", str(site)).stdout.strip()
    assert seconds.sub("", out.splitlines()[0]) == seconds.sub("", again.splitlines()[0])
    assert "nothing changed" in again
    target = tmp_path / "notes.txt"
    target.write_text("メモ", encoding="utf-8")
    out, err = quick("--journal", str(small.store.path), "publish", str(target))
    typer_err = cli("publish", str(target))
    assert out.splitlines()[0] == f"exit {typer_err.exit_code}" and typer_err.exit_code == 1
    assert err.strip() == typer_err.output.strip()


def test_first_publish_after_an_import_shows_the_analysis_progress(tmp_path: Path,
                                                                   monkeypatch) -> None:
    """A publish that starts with the one-off version analysis of every clip (forced here
    for the demo's 353 clips) says on stderr, in Japanese, what it is doing, with a share;
    `--quiet` says nothing; both store the version links."""
    import pytest

    from kirinuki.cli import analysis_progress
    from kirinuki.journal import analysis, import_paths, init_journal, open_journal
    from kirinuki.store.sqlite import analysis as rows

    demo = Path(__file__).resolve().parents[2] / "demo" / "entries"
    if not demo.is_dir():
        pytest.skip("demo/entries is not present")
    path = str(tmp_path / "j.db")
    with init_journal(path, "デモ", ["demo.kirinuki.test"]) as j:
        import_paths(j, [str(demo)])
    monkeypatch.setattr(analysis, "_PROBE_MAX", 0)  # the pass over every pair, as at 100k
    monkeypatch.setattr(analysis, "_SCAN_MAX", 0)
    monkeypatch.setattr(analysis_progress, "QUIET_FOR", 0.0)
    monkeypatch.setattr(analysis_progress, "EVERY", 0.0)
    cli = Cli(path)
    loud = cli("publish", str(tmp_path / "site"), "--jobs", "1")
    assert loud.exit_code == 0
    assert "版の解析: 切り抜きの特徴を計算中 (0 / 353 件)" in loud.stderr
    assert "版の解析: 似た切り抜きの組を探しています (353 件)" in loud.stderr
    assert "組 (100%)" in loud.stderr and "版の解析中: 0 / " in loud.stderr
    assert "版の解析: 発言を抽出中 (0 グループ済み)" in loud.stderr
    assert "版の解析: 記事の特徴を抽出中 (0 / 57 件)" in loud.stderr
    assert "版の解析: 関連する記事を探しています (0 / 57 件)" in loud.stderr
    said = [t for t in loud.stderr.splitlines() if t.startswith("版の解析")]
    assert said[-1].startswith("版の解析: 完了 (") and said[-1].endswith(" 秒)")
    assert sum(t.startswith("版の解析: 完了") for t in said) == 1
    with open_journal(path) as j:
        links = sorted(rows.version_rows(j.store))
        assert len(links) >= 20
        with j.store.transaction():
            j.store.conn.execute("DELETE FROM clip_versions")
            j.store.conn.execute("UPDATE clip_sketches SET versions_checked = 0")
    quiet = cli("publish", str(tmp_path / "site2"), "--jobs", "1", "-q")
    assert quiet.exit_code == 0 and "版の解析" not in quiet.stderr
    with open_journal(path) as j:
        assert sorted(rows.version_rows(j.store)) == links


def test_analysis_progress_lines() -> None:
    from kirinuki.cli.analysis_progress import line

    assert line("verifying", 120_000, 652_144, 60.0) == (
        "版の解析中: 120,000 / 652,144 組 (18%)、残り約 4 分")
    assert line("verifying", 500, 1_000, 20.0) == "版の解析中: 500 / 1,000 組 (50%)、残り約 20 秒"
    assert line("verifying", 1_000, 1_000, 20.0) == "版の解析中: 1,000 / 1,000 組 (100%)"
    assert line("gating", 20_000, 50_238, 5.0) == (
        "版の解析: 組を絞り込むため切り抜きを読んでいます (20,000 / 50,238 件)")
    assert line("narrowing", 300_000, 652_144, 5.0) == (
        "版の解析: 組を絞り込んでいます (300,000 / 652,144 組)")


def test_an_analysis_that_said_something_says_when_it_is_done(monkeypatch) -> None:
    """After the lines of a stage, the end of the analysis is one closing line with its
    seconds; an analysis over before its first line ends silently too."""
    import io

    from kirinuki.cli import analysis_progress

    clock = [100.0]
    monkeypatch.setattr(analysis_progress.time, "monotonic", lambda: clock[0])
    stream = io.StringIO()
    lines = analysis_progress.AnalysisLines(stream, tick=None)
    lines("sketching", 0, 10)
    clock[0] += 1.0
    lines("done", 0, 0)  # within QUIET_FOR: nothing printed, nothing closed
    assert stream.getvalue() == ""
    lines("sketching", 0, 10)
    clock[0] += 3.0
    lines("suggestions", 0, 10_000)
    clock[0] += 9.4
    lines("done", 0, 0)
    assert stream.getvalue().splitlines() == [
        "版の解析: 関連する記事を探しています (0 / 10,000 件)", "版の解析: 完了 (12 秒)"]


def test_a_stage_with_nothing_new_to_report_gets_its_line_again(monkeypatch) -> None:
    """A stage that reports nothing new (the pairing of every clip at 100k: minutes) has its
    last line printed again every `EVERY` seconds, with the seconds it has run, by the
    thread's look (`tick`); a report that printed a line puts the next look off."""
    import io

    from kirinuki.cli import analysis_progress

    clock = [100.0]
    monkeypatch.setattr(analysis_progress.time, "monotonic", lambda: clock[0])
    stream = io.StringIO()
    lines = analysis_progress.AnalysisLines(stream, tick=None)
    lines.tick()  # nothing reported yet
    lines("pairing", 0, 500_700)
    clock[0] += 1.0
    lines.tick()  # within QUIET_FOR
    assert stream.getvalue() == ""
    clock[0] += 2.0
    lines.tick()
    clock[0] += 9.0
    lines.tick()  # 9 s after the last line
    clock[0] += 1.0
    lines.tick()
    lines("gating", 5_000, 500_000)  # a new stage: its line at once
    clock[0] += 10.0
    lines("gating", 10_000, 500_000)
    lines.tick()
    clock[0] += 4.0
    lines("done", 0, 0)
    lines.tick()  # the analysis is over
    assert stream.getvalue().splitlines() == [
        "版の解析: 似た切り抜きの組を探しています (500,700 件)",
        "版の解析: 似た切り抜きの組を探しています (500,700 件) 経過 13 秒",
        "版の解析: 組を絞り込むため切り抜きを読んでいます (5,000 / 500,000 件)",
        "版の解析: 組を絞り込むため切り抜きを読んでいます (10,000 / 500,000 件)",
        "版の解析: 完了 (27 秒)"]


def test_the_thread_prints_the_lines_due_and_ends_with_the_analysis(monkeypatch) -> None:
    """With `tick`, a thread started by the first report prints the lines due without any
    further report, and ends when the analysis is done."""
    import io
    import time

    from kirinuki.cli import analysis_progress

    monkeypatch.setattr(analysis_progress, "QUIET_FOR", 0.0)
    monkeypatch.setattr(analysis_progress, "EVERY", 0.0)
    stream = io.StringIO()
    lines = analysis_progress.AnalysisLines(stream, tick=0.01)
    lines("pairing", 0, 10)
    ticking = lines.ticking
    assert ticking is not None
    while stream.getvalue().count("経過") < 2:
        time.sleep(0.01)
    lines("done", 0, 0)
    assert ticking.is_set() and lines.ticking is None
    assert stream.getvalue().splitlines()[-1].startswith("版の解析: 完了 (")


def test_a_plain_publish_reads_the_journals_mark_once(small: Journal, tmp_path: Path,
                                                      monkeypatch) -> None:
    """The mark the quick check read serves the publish too (each read is a pass over every
    entry: 0.1 s at 100k); a publish with nothing to do reads it once as well."""
    from kirinuki.cli import publish_quick
    from kirinuki.publish import quick

    reads: list[str] = []
    real = quick.published_mark

    def counted(journal: Journal) -> str:
        reads.append(real(journal))
        return reads[-1]

    monkeypatch.setattr(quick, "published_mark", counted)
    line = ["--journal", str(small.store.path), "publish", str(tmp_path / "site"), "-q"]
    assert publish_quick.run([*line, "--jobs", "1"]) == 0
    assert len(reads) == 1 and (tmp_path / "site/index.html").is_file()
    assert publish_quick.run(line) == 0
    assert len(reads) == 2
