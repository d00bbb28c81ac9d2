"""The published pages' words come from one catalog (`publish/messages.py`): no Japanese left
in the templates, every key used, values escaped while the catalog's own markup is kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kirinuki.publish.messages import JA, say

TEMPLATES = Path(__file__).resolve().parents[2] / "kirinuki" / "publish" / "templates"
# Japanese script and full-width punctuation: none of it may be written in a template.
JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")


def _sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in TEMPLATES.iterdir() if p.is_file()}


def test_templates_hold_no_japanese_of_their_own() -> None:
    for name, text in _sources().items():
        found = JAPANESE.search(text)
        assert found is None, (name, text[max(0, found.start() - 40):found.end() + 40])


def test_every_catalog_key_is_used() -> None:
    text = "".join(_sources().values())
    unused = [k for k in JA if f'say("{k}"' not in text]
    assert not unused


def test_values_are_escaped_and_catalog_markup_kept() -> None:
    html = str(say("404.body", archive="/a?x=1&y=<2>", search="/s/"))
    assert 'href="/a?x=1&amp;y=&lt;2&gt;"' in html and '<a href="/">' in html
    assert str(say("search.placeholder")) == "語句 &quot;フレーズ&quot; -除外 OR #タグ"
    with pytest.raises(KeyError):
        say("no.such.key")
