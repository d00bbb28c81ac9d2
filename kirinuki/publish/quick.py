"""The first question of every publish: has anything the site shows changed since the last
publish into the folder? Answered with few imports (no templates, no analysis), so that
`kirinuki publish` with nothing to do costs little more than starting Python.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from kirinuki.journal.core import Journal
from kirinuki.journal.published import published_mark
from kirinuki.model import Settings
from kirinuki.publish import context as context_mod
from kirinuki.publish.writer import Output

# The publisher's folder: its templates, static files and code (read as files: through
# `importlib.resources` a publish would import zipfile and tempfile too; docs/publish.md).
PACKAGE = Path(__file__).parent


@dataclass
class PublishReport:
    """What a publish did."""

    out: str
    pages: int
    written: int
    removed: int
    entries: int
    tags: int
    staged: bool
    seconds: float
    # Entries placed at their date's address or left out, one line each (see
    # `journal.published.published_entries`): the site is published without them.
    warnings: list[str] = field(default_factory=list)


def sig(*parts: object) -> str:
    """A short stable hash of `parts` (their str forms)."""
    text = "\x1f".join(p if isinstance(p, str) else str(p) for p in parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def asset_version() -> str:
    """A hash of the templates, the static files and the code that renders them."""
    h = hashlib.blake2b(digest_size=8)
    pkg = PACKAGE
    for folder in ("templates", "static"):
        for item in sorted((pkg / folder).iterdir(), key=lambda p: p.name):
            h.update(item.name.encode() + item.read_bytes())
    for module in ("views.py", "pages.py", "feeds.py", "searchindex.py", "plan.py", "keys.py", "urls.py",
                   "story.py", "quick.py", "templating.py"):
        h.update((pkg / module).read_bytes())
    return h.hexdigest()


def per_page() -> int:
    """The page size builds use now (a module setting tests may change)."""
    return context_mod.PER_PAGE


def global_sig(settings: Settings, version: str, size: int) -> str:
    """What every page depends on: the templates and code, the settings, the page sizes."""
    s = settings
    return sig(version, s.title, s.hosts, s.timezone, size, context_mod.FEED_SIZE,
               s.version_notes)


def unchanged(journal: Journal, output: Output, version: str,
              mark: str | None = None) -> tuple[str, str, bool]:
    """(the journal's mark, the global signature, whether the site in `output` shows the
    journal as it is: same mark and signature, and no interrupted patch to repair); `mark`:
    read already (an older mark only makes the next publish look again)."""
    mark = mark or published_mark(journal)
    meta = output.manifest.meta
    g = global_sig(journal.settings, version, per_page())
    same = bool(output.old) and meta.get("mark") == mark and meta.get("g") == g \
        and "pending" not in meta
    return mark, g, same


def nothing_to_do(journal: Journal, out_dir: str | Path,
                  ) -> tuple[PublishReport | None, str, str]:
    """The report of a publish into `out_dir` that would change nothing, or None when it
    would (then `publish` does the work, given the journal's mark and the asset version read
    here: reading the mark is a pass over every entry, the version one over the templates and
    code); that mark and version. Raises what `Output` raises for an unusable folder."""
    start = time.perf_counter()
    version = asset_version()
    with Output(Path(out_dir)) as output:
        mark, _g, same = unchanged(journal, output, version)
        if not same:
            return None, mark, version
        return PublishReport(str(out_dir), len(output.old), 0, 0, int(mark.split("|")[0]),
                             -1, False, time.perf_counter() - start), mark, version
