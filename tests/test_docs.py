"""docs/architecture.md names every module of the package, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "kirinuki"


def _listed() -> set[str]:
    """The modules of the "Modules" section: `name.py` bullets under a `kirinuki/…/` heading."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("\n## Modules\n", 1)[1].split("\n## ", 1)[0]
    found: set[str] = set()
    folder = None
    for line in section.splitlines():
        heading = re.fullmatch(r"### `(kirinuki/(?:[\w/]+/)?)`", line)
        if heading:
            folder = heading.group(1)
            continue
        bullet = re.match(r"- `(\w+\.py)`", line)
        if bullet:
            assert folder is not None, line
            found.add(folder + bullet.group(1))
    return found


def test_architecture_lists_every_module() -> None:
    modules = {str(p.relative_to(ROOT)) for p in PKG.rglob("*.py") if p.name != "__init__.py"}
    listed = _listed()
    assert sorted(modules - listed) == [], "modules missing from docs/architecture.md"
    assert sorted(listed - modules) == [], "docs/architecture.md names modules that do not exist"


def test_docs_stand_alone() -> None:
    """Nothing a reader gets sends them to a design file outside the repository."""
    pages = [ROOT / "README.md", ROOT / "demo" / "README.md", *(ROOT / "docs").glob("*.md")]
    for page in pages:
        assert "DESIGN.md" not in page.read_text(encoding="utf-8"), page
