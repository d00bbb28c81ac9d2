"""The layering of docs/architecture.md: walk every import of the package and fail on a wrong arrow."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "kirinuki"

# What each layer may import from kirinuki (besides itself).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "config": set(),
    "model": {"config"},
    "text": {"errors", "config", "model"},
    "analysis": {"errors", "config", "model", "text"},
    "store": {"errors", "config", "model", "text"},
    "capture": {"errors", "config", "model", "text"},
    "journal": {"errors", "config", "model", "text", "analysis", "store", "capture"},
    "cli": {"errors", "config", "model", "text", "journal", "publish", "web"},
    "web": {"errors", "config", "model", "text", "journal", "publish"},
    "publish": {"errors", "config", "model", "text", "journal"},
    "__main__": {"cli"},
    "__init__": set(),
}
# Third-party packages only adapters may use.
ADAPTER_ONLY = {"typer", "rich", "fastapi", "jinja2", "uvicorn", "starlette"}
STDLIB_ONLY = {"errors", "config", "model"}
# Network and page-reading libraries belong to capture (behind its SSRF guard and timeouts).
CAPTURE_ONLY = {"httpx", "trafilatura", "feedparser", "charset_normalizer", "warcio"}


def _layer(path: Path, pkg: Path) -> str:
    rel = path.relative_to(pkg).parts
    return rel[0].removesuffix(".py")


# Where a statement holds statements; an import is a statement, so expressions (most of a
# module's nodes) need no visit.
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    todo: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        for block in _BLOCKS:
            todo += getattr(node, block, ())
    return sorted(found)


def _violations(pkg: Path = PKG) -> list[str]:
    bad: list[str] = []
    for path in sorted(pkg.rglob("*.py")):
        layer = _layer(path, pkg)
        allowed = ALLOWED.get(layer)
        assert allowed is not None, f"{path}: module outside the known layers"
        for lineno, name in _imports(path):
            top = name.split(".")[0]
            where = f"{path.relative_to(pkg.parent)}:{lineno} imports {name}"
            if top == "kirinuki":
                parts = name.split(".")
                target = parts[1] if len(parts) > 1 else "__init__"
                # The package root only holds __version__: anyone may read it.
                if target not in (layer, "__init__") and target not in allowed:
                    bad.append(f"{where} ({layer} may not depend on {target})")
            elif top in ADAPTER_ONLY and layer not in {"cli", "web", "publish"}:
                bad.append(f"{where} (only adapters may use {top})")
            elif top in CAPTURE_ONLY and layer != "capture":
                bad.append(f"{where} (only capture may use {top})")
            elif layer in STDLIB_ONLY and top not in _stdlib():
                bad.append(f"{where} ({layer} is stdlib only)")
    return bad


def _stdlib() -> set[str]:
    import sys

    return set(sys.stdlib_module_names) | {"__future__"}


def test_no_import_points_the_wrong_way() -> None:
    assert _violations() == []


def test_the_checker_catches_a_wrong_arrow(tmp_path: Path) -> None:
    # A store module importing the CLI must be reported: proves the walk is not vacuous.
    probe = tmp_path / "kirinuki" / "store" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from kirinuki.cli import main\nimport typer\n", encoding="utf-8")
    (tmp_path / "kirinuki" / "journal").mkdir()
    (tmp_path / "kirinuki" / "journal" / "x.py").write_text("import httpx\n", encoding="utf-8")
    (tmp_path / "kirinuki" / "model.py").write_text("import nh3\n", encoding="utf-8")
    found = _violations(tmp_path / "kirinuki")
    assert any("store may not depend on cli" in v for v in found)
    assert any("only adapters may use typer" in v for v in found)
    assert any("model is stdlib only" in v for v in found)
    assert any("only capture may use httpx" in v for v in found)


def test_imports_inside_any_block_are_seen(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import a\n"
        "def f():\n    import b\n"
        "class C:\n    def m(self):\n        from c import x\n"
        "if x:\n    pass\nelse:\n    import d\n"
        "try:\n    import e\nexcept ImportError:\n    import f\nelse:\n    import g\n"
        "finally:\n    import h\n"
        "for i in x:\n    import i\n"
        "while x:\n    import j\n"
        "with x:\n    import k\n"
        "match x:\n    case 1:\n        import l\n"
        "lambda: __import__('m')\n",
        encoding="utf-8")
    assert [name for _, name in _imports(probe)] == list("abcdefghijkl")
