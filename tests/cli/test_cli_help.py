"""Help text: plain placeholders, the order of the day, an example for every command."""

from __future__ import annotations

import re

import typer
from typer.testing import CliRunner

from kirinuki.cli import help as cli_help
from kirinuki.cli import main


def _commands() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []

    def walk(cmd: object, path: str) -> None:
        if path:
            found.append((path, cmd))
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, f"{path} {name}".strip())
    walk(typer.main.get_command(main.app), "")
    return found


def test_every_command_has_an_example_and_plain_placeholders() -> None:
    runner = CliRunner()
    commands = _commands()
    assert len(commands) > 40
    for path, _cmd in commands:
        assert path in cli_help.EXAMPLES, f"no example for `kirinuki {path}`"
        r = runner.invoke(main.app, [*path.split(), "--help"], env={"COLUMNS": "200"})
        assert r.exit_code == 0, (path, r.output)
        assert "Example: kirinuki " in r.output or "Example: EDITOR=" in r.output, path
        # Typer's own labels (<str>, <bool>, <int range>, <path>) never show.
        assert re.search(r"<(str|bool|int|float|path|int range|datetime)>", r.output) is None, \
            (path, r.output)
    assert set(cli_help.EXAMPLES) == {p for p, _ in commands}, "an example for a lost command"


def test_commands_are_listed_in_the_order_of_the_day() -> None:
    r = CliRunner().invoke(main.app, ["--help"], env={"COLUMNS": "200"})
    listed = re.findall(r"^│ (\w[\w-]*) ", r.output, flags=re.M)
    listed = [n for n in listed if n in main.COMMANDS]
    assert listed == [n for n in cli_help.ORDER if n in main.COMMANDS]
    assert listed.index("clip") < listed.index("entries") < listed.index("publish") \
        < listed.index("search")
    assert set(cli_help.ORDER) == set(main.COMMANDS)
