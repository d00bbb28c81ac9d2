"""The words docs/architecture.md's glossary retired stay retired in the package's identifiers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "kirinuki"

# Identifier -> the word that replaced it (see the glossary in docs/architecture.md).
RETIRED = {
    "stamp_origin": "record_origin",
    "source_to_entry": "syntax_to_entry",
    "RelatedView": "RelatedEntry",
    "_marks": "db.placeholders",
    "_Source": "_Rows",
    "site_rows": "published_rows (store/sqlite/published.py)",
    "site_mod": "context_mod (publish/context.py)",
    "versions_digest": "versions_mark",
    "tags_digest": "tags_mark",
    "suggestions_digest": "suggestions_mark",
    "version_marks": "version_notes",
    "stored_version_marks": "stored_version_notes",
    "ClipSource": "Citation",
    "EntryDigest": "ListingSummary",
    "entry_digests": "listing_summaries",
    "want_digests": "want_summaries",
    "same_source": "same_citation",
    "published_related_rows": "published_link_rows",
    "related_rows_of": "related_link_rows_of",
    "ClipSources": "CitedArticles",
    "_SOURCE": "_INFORMANT",
    "old_marks": "old_notes",
    "marks_before": "notes_before",
    "_MARKS": "_HEADLINE_LABELS (analysis), _SYMBOLS (watch), _BULLETS (blocks)",
    "_MARK_WORDS": "_LABEL_WORDS",
    "_HEADLINE_MARK": "_HEADLINE_LABEL",
    "_OPENING_MARK": "OPENING_LABEL",
    "_SENTENCE_MARK": "_SENTENCE_END",
    "related_key": "links_key (publish/keys.py)",
}


def _identifiers(tree: ast.AST) -> set[str]:
    """Names defined or used: functions, classes, arguments, variables, attributes."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).rsplit(".", 1)[-1])
    return names


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def test_retired_words_stay_retired() -> None:
    found = {}
    for path in sorted(PKG.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        # Every identifier is one of the file's words: a file without a retired word among
        # them needs no parse (most of the test's time).
        if not RETIRED.keys() & set(_WORD.findall(text)):
            continue
        used = _identifiers(ast.parse(text))
        for name in used & RETIRED.keys():
            found.setdefault(name, []).append(str(path.relative_to(PKG.parent)))
    assert found == {}, f"retired names back (use the glossary's word): {found}"


def test_the_identifier_walk_sees_each_kind() -> None:
    """The walk finds a retired name wherever it is written, so the test above can fail."""
    code = "import x as stamp_origin\ndef f(_marks): return a.source_to_entry\nclass _Source: pass\n"
    assert {"stamp_origin", "_marks", "source_to_entry", "_Source"} <= _identifiers(ast.parse(code))
