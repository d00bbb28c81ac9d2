"""The README's console examples run as written and print what the README shows.

Every ```console block of README.md carries a marker on the line before it:
`<!-- readme-test: fresh -->` runs it in an empty folder, `<!-- readme-test: demo -->` in a
folder holding the demo journal as `make demo` builds it (its `init` and `import` lines are read
from the Makefile), and `<!-- readme-test: no (reason) -->` leaves it out. Every folder sees the
repository's `demo/` and `tests/` as a fresh clone has them. A line `$ command` runs the
command; the lines after it, up to the next command, are its output (stdout and stderr). In
the shown output `…` stands for any text within a line and a line holding only `…` for any
number of lines; trailing spaces do not count.

A plain `kirinuki …` command runs in this process (fast), also with a here-string (`<<<`) as
its input; one with a pipe runs its `kirinuki` part here and the rest in bash; anything else
runs in bash with `kirinuki` on the PATH.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kirinuki.cli import analysis_progress

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
_MARK = re.compile(r"<!-- readme-test: (fresh|demo|no \(.+\)) -->")
_SHELL = {"|", "||", "&&", ";", "<", ">", ">>", "<<", "<<<", "&", "(", ")"}
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


@dataclass
class Block:
    line: int  # where it starts in README.md
    mode: str
    steps: list[tuple[str, list[str]]]  # (command, shown output lines)


def _blocks() -> list[Block]:
    lines = README.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    for n, line in enumerate(lines):
        if line != "```console":
            continue
        mark = _MARK.fullmatch(lines[n - 1])
        assert mark, f"README.md:{n + 1}: a console block without a readme-test marker"
        end = lines.index("```", n + 1)
        steps: list[tuple[str, list[str]]] = []
        for body in lines[n + 1 : end]:
            if body.startswith("$ "):
                steps.append((body[2:], []))
            elif body.strip():
                assert steps, f"README.md:{n + 2}: output before the first command"
                steps[-1][1].append(body)
        out.append(Block(n + 1, mark.group(1), steps))
    return out


def _matches(shown: list[str], got: list[str]) -> bool:
    """`got` fits `shown`, where `…` is any text and a `…` line any lines."""
    pattern = "".join(
        r"(?:.*\n)*?" if line.strip() == "…"
        else ".*".join(map(re.escape, line.rstrip().split("…"))) + r"\n"
        for line in shown)
    text = "".join(line.rstrip() + "\n" for line in got if line.strip())
    return re.fullmatch(pattern, text) is not None


class Shell:
    """Runs README commands in one folder, as a reader at a terminal would."""

    def __init__(self, folder: Path, bin_dir: Path) -> None:
        self.folder = folder
        self.env = {**os.environ, **ENV, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                    "PYTHONPATH": str(ROOT)}
        self.env.pop("KIRINUKI_JOURNAL", None)

    def run(self, command: str) -> str:
        tokens = list(shlex.shlex(command, posix=True, punctuation_chars=True))
        words = shlex.split(command, comments=True)
        if tokens[0] == "kirinuki" and not _SHELL & set(tokens):
            return self._here(words[1:])[0]
        left, sep, rest = command.partition(" | ")
        if sep and left.startswith("kirinuki ") and not _SHELL & set(shlex.split(left)):
            stdout = self._here(shlex.split(left)[1:])[1]
            return self._bash(rest, stdout)
        left, sep, rest = command.partition(" <<< ")
        if sep and left.startswith("kirinuki ") and len(shlex.split(rest, comments=True)) == 1:
            return self._here(shlex.split(left)[1:], shlex.split(rest, comments=True)[0] + "\n")[0]
        return self._bash(command, b"")

    def _here(self, args: list[str], stdin: str | None = None) -> tuple[str, bytes]:
        from kirinuki.cli.main import app

        cwd = os.getcwd()
        os.chdir(self.folder)
        try:
            env = {**ENV, "KIRINUKI_JOURNAL": None}
            done = CliRunner().invoke(app, args, input=stdin, env=env, catch_exceptions=False)
        finally:
            os.chdir(cwd)
        return done.output, done.stdout_bytes

    def _bash(self, command: str, stdin: bytes) -> str:
        done = subprocess.run(["bash", "-c", command], cwd=self.folder, env=self.env, input=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        return done.stdout.decode("utf-8")


def _clone(folder: Path) -> None:
    """What a fresh clone offers the examples: demo/ and tests/ (read only)."""
    folder.mkdir()
    for name in ("demo", "tests"):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)


def _demo_commands() -> list[list[str]]:
    """The `init` and `import` lines of the Makefile's demo target, without the journal option."""
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = make.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    found = []
    for line in recipe.splitlines():
        if not line.strip().startswith("$(BIN)/kirinuki --journal $(JOURNAL) "):
            continue
        words = shlex.split(line.strip())[3:]
        if words[0] in ("init", "import"):
            found.append(words)
    assert [w[0] for w in found] == ["init", "import"], recipe
    return found


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A folder with the `kirinuki` command, and the demo journal built once."""
    base = tmp_path_factory.mktemp("readme")
    bin_dir = base / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "kirinuki"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m kirinuki "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    demo = base / "demo-journal"
    _clone(demo)
    shell = Shell(demo, bin_dir)
    for args in _demo_commands():
        output, _ = shell._here(args)
        assert "error" not in output, output
    yield bin_dir, demo


BLOCKS = _blocks()


def test_the_readme_has_tested_examples() -> None:
    modes = [b.mode for b in BLOCKS]
    assert modes.count("fresh") >= 2 and modes.count("demo") >= 4, modes


@pytest.mark.parametrize("block", [b for b in BLOCKS if not b.mode.startswith("no")],
                         ids=lambda b: f"README.md:{b.line}")
def test_readme_block(block: Block, kit: tuple[Path, Path], tmp_path: Path,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir, demo = kit
    # The analysis's progress lines show only after QUIET_FOR seconds of work: on a loaded
    # machine the demo's first publish took that long and printed one the README cannot show.
    monkeypatch.setattr(analysis_progress, "QUIET_FOR", math.inf)
    folder = tmp_path / "clone"
    _clone(folder)
    if block.mode == "demo":
        for f in demo.glob("kirinuki.db*"):
            shutil.copy2(f, folder / f.name)
    shell = Shell(folder, bin_dir)
    for command, shown in block.steps:
        got = shell.run(command).splitlines()
        assert _matches(shown, got), (f"README.md:{block.line}: $ {command}\n--- shown:\n"
                                      + "\n".join(shown) + "\n--- printed:\n" + "\n".join(got))


def test_elisions() -> None:
    assert _matches(["a …", "…", "z"], ["a b c", "x", "y", "z"])
    assert _matches(["a", "…", "z"], ["a", "z"])
    assert not _matches(["a", "z"], ["a", "b", "z"])
    assert not _matches(["a …"], ["b a"])
    assert not _matches(["in … s"], ["in 3 s", "more"])
