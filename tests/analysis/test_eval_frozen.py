"""The held-out parts of the labelled set, and the development parts frozen as first written,
stay as frozen (FROZEN.sha256 lists every file)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

EVAL = Path(__file__).parent / "data" / "eval"
PARTS = ["heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8",
         "heldout9", "heldout10", "heldout11", "heldout12",
         "heldout13", "dev11"]


def test_every_heldout_folder_is_checked() -> None:
    held_out = {p for p in PARTS if p.startswith("heldout")}
    assert {p.name for p in EVAL.iterdir() if p.name.startswith("heldout")} == held_out


@pytest.mark.parametrize("part", PARTS)
def test_heldout_part_is_unchanged(part: str) -> None:
    folder = EVAL / part
    listed = {}
    for line in (folder / "FROZEN.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    present = {str(p.relative_to(folder)) for p in folder.rglob("*")
               if p.is_file() and p.name != "FROZEN.sha256"}
    assert present == set(listed), "files added to or removed from a frozen part"
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
