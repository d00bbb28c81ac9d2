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


def test_publish_does_not_load_the_web_app_or_the_page_reader(tmp_path) -> None:
    code = ("import sys; sys.argv = ['kirinuki', 'publish', '--help']\n"
            "from kirinuki.cli.main import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'trafilatura', 'feedparser', 'httpx')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert "Usage: kirinuki publish" in out
