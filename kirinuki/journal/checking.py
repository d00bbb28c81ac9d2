"""What to look at before saving or publishing: an entry's warnings, a paste read as the
journal would read it, and tags suggested from the nearest earlier clips.

Warnings are codes with values (`Notice`), not sentences: each adapter words them in its own
language (the web app's catalog, `web/messages.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kirinuki.errors import InputError
from kirinuki.journal.analysis import DUPLICATE_KIND, Neighbour, nearest_clips
from kirinuki.journal.core import Journal
from kirinuki.journal.importing import decode_clip_text
from kirinuki.journal.workbench import TagSuggestion, suggest_tags
from kirinuki.model import Clip, Entry
from kirinuki.text.cliptext import parse
from kirinuki.text.hashtags import MARKERS
from kirinuki.text.spaces import is_blank

NEIGHBOURS = 8  # nearest earlier clips looked at per clip
SUGGESTIONS = 12


@dataclass(frozen=True)
class Notice:
    """One warning: a code (`untagged`, `tag_like`, `duplicate`, `no_clips`, `future`) and the
    values its sentence needs."""

    code: str
    values: dict[str, object] = field(default_factory=dict)


def _tag_like(entry: Entry) -> list[Notice]:
    return [Notice("tag_like", {"line": c.text[:60]}) for c in entry.clips
            if c.text[:1] in MARKERS]


def _duplicates(journal: Journal, clips: Sequence[Clip], own: int | None) -> list[Notice]:
    texts = [c.text for c in clips]
    out = []
    for clip, near in zip(clips, nearest_clips(journal, texts, limit=4), strict=True):
        for n in near:
            if n.kind == DUPLICATE_KIND and n.entry_id != own and n.clip_id != clip.id:
                out.append(Notice("duplicate", {"text": clip.text[:40], "entry": n.entry_id,
                                                "published": n.published}))
                break
    return out


def entry_warnings(journal: Journal, entry: Entry) -> list[Notice]:
    """What the owner should see before `entry` is published: no clips, groups without tags,
    clips that look like tag lines, clips already in another entry, a date in the future."""
    out: list[Notice] = []
    if not entry.clips:
        out.append(Notice("no_clips"))
    untagged = sum(1 for g in entry.groups if g.clips and not g.tag_lines)
    if untagged:
        out.append(Notice("untagged", {"n": untagged}))
    out += _tag_like(entry)
    out += _duplicates(journal, entry.clips, entry.id)
    if entry.published is not None and entry.published > journal.now():
        out.append(Notice("future", {"when": entry.published}))
    return out


@dataclass
class PastePreview:
    """Pasted clip text as it would be added: the parsed entry (header and footer are shown
    but not added), blank lines that separate, and warnings."""

    entry: Entry
    blank_lines: int
    warnings: list[Notice]

    @property
    def clips(self) -> int:
        """Clips that would be added."""
        return sum(len(g.clips) for g in self.entry.groups)

    @property
    def tags(self) -> int:
        """Distinct tags the paste carries."""
        return len({t.name for t in self.entry.tags})


def preview_paste(journal: Journal, data: bytes) -> PastePreview:
    """Read pasted text as `pasting.add_text` would, without storing anything. Raises
    InputError for text that is not UTF-8 clip text or holds no clips."""
    text = decode_clip_text(data, "pasted text")
    entry = parse(text)
    if not any(g.clips for g in entry.groups):
        raise InputError("pasted text: no clips found in the text")
    blank = sum(1 for line in text.splitlines() if is_blank(line))
    warnings = _tag_like(entry) + _duplicates(journal, entry.clips, None)
    untagged = sum(1 for g in entry.groups if g.clips and not g.tag_lines)
    if untagged:
        warnings.insert(0, Notice("untagged", {"n": untagged}))
    return PastePreview(entry, blank, warnings)


def _group_tags(journal: Journal, clip_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for start in range(0, len(clip_ids), 500):
        chunk = clip_ids[start:start + 500]
        q = ",".join("?" * len(chunk))
        for cid, display in journal.store.conn.execute(
            "SELECT c.id, t.display FROM clips c JOIN tag_lines tl ON tl.group_id = c.group_id"
            " JOIN group_tags gt ON gt.tag_line_id = tl.id JOIN tags t ON t.id = gt.tag_id"
            f" WHERE c.id IN ({q}) ORDER BY tl.pos, gt.pos", chunk):
            out.setdefault(int(cid), []).append(str(display))
    return out


def _earlier(n: Neighbour, own: int | None, before: datetime | None) -> bool:
    if own is not None and n.entry_id == own:
        return False
    return before is None or n.published is None or n.published <= before


def suggest_for_clips(journal: Journal, texts: Sequence[str], *, site: str | None = None,
                      entry_id: int | None = None, before: datetime | None = None,
                      limit: int = SUGGESTIONS) -> list[TagSuggestion]:
    """Tags for a group of clips `texts`: the tags of the nearest earlier clips (other
    entries, dated up to `before`), each weighted by its clip's similarity, then the
    journal's tag names found in the text (`workbench.suggest_tags`). Only tags the journal
    has: a neighbour's tag line is stored, never made up."""
    near = [n for ns in nearest_clips(journal, list(texts), limit=NEIGHBOURS) for n in ns
            if _earlier(n, entry_id, before)]
    tags = _group_tags(journal, sorted({n.clip_id for n in near}))
    weight: dict[str, float] = {}
    for n in near:
        for name in dict.fromkeys(tags.get(n.clip_id, [])):
            weight[name] = weight.get(name, 0.0) + n.similarity
    out = [TagSuggestion(name, round(w * 1000), "似た切り抜きに付けた")
           for name, w in sorted(weight.items(), key=lambda kv: -kv[1])[:limit] if w > 0]
    seen = {s.name for s in out}
    out += [s for s in suggest_tags(journal, list(texts), site, limit) if s.name not in seen]
    return out[:limit]
