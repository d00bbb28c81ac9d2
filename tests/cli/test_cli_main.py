"""The root command: lazy loading of command modules keeps every command reachable."""

from __future__ import annotations

import subprocess
import sys

import typer

from kirinuki.cli import main


def _names(app: typer.Typer) -> set[str]:
    return set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_command_map_matches_what_the_modules_register() -> None:
    for module in main.MODULES:
        names = _names(main.build_app((module,)))
        assert names == {c for c, m in main.COMMANDS.items() if m == module}, module
    assert isinstance(main.app, typer.Typer)
    assert _names(main.app) == set(main.COMMANDS)


def test_command_of_skips_root_options() -> None:
    assert main.command_of(["--journal", "x.db", "publish", "site"]) == "publish"
    assert main.command_of(["-j", "x.db", "search", "露"]) == "search"
    assert main.command_of(["--journal=x.db", "stats"]) == "stats"
    assert main.command_of(["--help"]) is None
    assert main.command_of([]) is None


def test_publish_and_add_do_not_load_the_web_app_or_the_page_reader(tmp_path) -> None:
    # `add` first, then `publish` in the same process: what each loaded is printed after it.
    code = ("import sys\n"
            "from kirinuki.cli.main import main\n"
            "for command in ('add', 'publish'):\n"
            "    sys.argv = ['kirinuki', command, '--help']\n"
            "    try:\n        main()\n    except SystemExit:\n        pass\n"
            "    print(command, sorted(m for m in ('fastapi', 'uvicorn', 'trafilatura',"
            " 'feedparser', 'httpx') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "Usage: kirinuki add" in out and "Usage: kirinuki publish" in out
    assert [line for line in out.splitlines() if line.startswith(("add [", "publish ["))] == \
        ["add []", "publish []"]
