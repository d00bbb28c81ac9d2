"""Adding pasted clip text, linking each pasted paragraph to the captured article it came from.

Pasted clips differ from the article in small ways: a lost 「, characters dropped next to an
auto-link, full-width digits. Matching therefore compares folded text (NFKC + case fold) with
RapidFuzz: a whole-paragraph ratio first, then, for a clip that is part of a paragraph, the best
partial alignment, whose span of the article text becomes the selector's exact quote.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kirinuki.errors import InputError
from kirinuki.journal.core import Journal
from kirinuki.journal.editing import add_group
from kirinuki.journal.importing import decode_clip_text
from kirinuki.model import Clip, Entry, Selector
from kirinuki.store.sqlite import articles as article_rows
from kirinuki.text.cliptext import parse
from kirinuki.text.normalize import fold

WHOLE_CUTOFF = 85.0
PARTIAL_CUTOFF = 90.0
MIN_CHARS = 12
CONTEXT = 32


@dataclass
class AddResult:
    """What `add_text` did: the entry, clips added, clips linked to an article version."""

    entry: Entry
    clips: int
    linked: int
    skipped_groups: int


class _Index:
    """Every captured paragraph, folded, with where it sits (version id, paragraph number)."""

    def __init__(self, journal: Journal) -> None:
        self.places: list[tuple[int, int]] = []
        self.folded: list[str] = []
        self.versions: dict[int, list[str]] = {}
        for vid, paragraphs in article_rows.iter_version_paragraphs(journal.store):
            self.versions[vid] = paragraphs
            for i, p in enumerate(paragraphs):
                self.places.append((vid, i))
                self.folded.append(fold(p))

    def link(self, text: str) -> tuple[int, Selector] | None:
        """(version id, selector) of the captured text `text` was clipped from, or None."""
        query = fold(text)
        if len(query) < MIN_CHARS or not self.folded:
            return None
        hit = process.extractOne(query, self.folded, scorer=fuzz.ratio,
                                 score_cutoff=WHOLE_CUTOFF)
        if hit is not None:
            vid, i = self.places[hit[2]]
            return vid, self._selector(vid, i, None)
        hit = process.extractOne(query, self.folded, scorer=fuzz.partial_ratio,
                                 score_cutoff=PARTIAL_CUTOFF)
        if hit is None:
            return None
        vid, i = self.places[hit[2]]
        align = fuzz.partial_ratio_alignment(query, self.folded[hit[2]])
        span = (align.dest_start, align.dest_end) if align is not None else None
        return vid, self._selector(vid, i, span)

    def _selector(self, vid: int, i: int, span: tuple[int, int] | None) -> Selector:
        paragraphs = self.versions[vid]
        text = "\n".join(paragraphs)
        start = sum(len(p) + 1 for p in paragraphs[:i])
        end = start + len(paragraphs[i])
        # Folding rarely changes lengths in news text; when it did, quote the whole paragraph.
        if span is not None and len(fold(paragraphs[i])) == len(paragraphs[i]):
            start, end = start + span[0], start + span[1]
        return Selector(exact=text[start:end], prefix=text[max(0, start - CONTEXT):start],
                        suffix=text[end:end + CONTEXT])


def add_text(journal: Journal, data: bytes, *, entry: str | None = None,
             name: str = "input") -> AddResult:
    """Add the groups of pasted clip text (the journal's page format) to `entry` (default:
    today's draft), linking clips to captured article versions. Header and footer lines of the
    paste are the journal's own and are not added.

    Raises InputError for empty, binary or non-UTF-8 input or input with no clips,
    NotFoundError for an unknown entry; nothing is stored then.
    """
    text = decode_clip_text(data, name)
    pasted = parse(text)
    groups = [g for g in pasted.groups if g.clips]
    if not groups:
        raise InputError(f"{name}: no clips found in the text")
    index = _Index(journal)
    linked = clips = 0
    updated: Entry | None = None
    with journal.store.transaction():
        for group in groups:
            for item in group.items:
                if isinstance(item, Clip):
                    clips += 1
                    hit = index.link(item.text)
                    if hit is not None:
                        item.article_version_id, item.selector = hit
                        linked += 1
            updated = add_group(journal, entry, group)
    assert updated is not None
    return AddResult(updated, clips, linked, len(pasted.groups) - len(groups))
