"""Links through an MT import and export (issue 23 item 4), on an export written in the shape
of Hatena's: named links, links before 。/、/), non-ASCII paths, Japanese glued to URLs."""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from pathlib import Path

from kirinuki.journal import Journal, get_entry, import_paths
from kirinuki.journal.hatena import export_mt
from kirinuki.text.hatena_html import entry_html

DATA = Path(__file__).resolve().parent / "data"
_HREF = re.compile(r'<a(?: class="[^"]*")? href="([^"]*)"')
_TITLE = re.compile(r"TITLE: リンク (\w+)")


def _hrefs(text: str) -> dict[str, Counter[str]]:
    parts: dict[str, Counter[str]] = {}
    for block in text.split("--------\n"):
        m = _TITLE.search(block)
        if m:  # Hatena keyword links keep only their word (docs/hatena.md)
            parts.setdefault(m.group(1), Counter()).update(
                html.unescape(h) for h in _HREF.findall(block) if "/keyword/" not in h)
    return parts


def test_links_survive_import_and_export(blog: Journal) -> None:
    path = DATA / "links.export.txt"
    import_paths(blog, [str(path)])
    out = io.StringIO()
    export_mt(blog, out)
    want, got = _hrefs(path.read_text(encoding="utf-8")), _hrefs(out.getvalue())
    assert sum(want["dev"].values()) == 39 and sum(want["held"].values()) == 18
    # An entry not edited since its import is exported as it was read: every link intact.
    assert {part: sum((got[part] - want[part]).values()) for part in want} == \
        {"dev": 0, "held": 0}
    # A body kirinuki writes itself (after an edit) links the URLs of the clips' text.
    ids = [r[0] for r in blog.store.conn.execute("SELECT id FROM entries ORDER BY id")]
    written = "--------\n".join(
        f"TITLE: {e.title}\n{entry_html(e)}\n" for e in (get_entry(blog, i) for i in ids))
    got = _hrefs(written)
    broken = {part: sum((got[part] - want[part]).values()) for part in want}
    # Before autolink: dev 29 of 39, held-out 12 of 18. The 4 left in dev are Japanese text
    # glued after a Japanese path (`…/wiki/日本の港湾にも`), which plain text cannot settle.
    assert broken == {"dev": 4, "held": 0}
