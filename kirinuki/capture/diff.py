"""Comparing two versions of an article: which paragraphs changed, and which figures.

Paragraphs are aligned with difflib; a removed paragraph followed by an added one that reads
mostly alike is one changed paragraph, whose differences are found on tokens where a number
with its counter (`3800人以上`, `1万2000人`, `2.5%`) is one token, so a changed figure shows as
`3800人以上 → 4400人以上` rather than as scattered digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from rapidfuzz import fuzz

Kind = Literal["same", "added", "removed", "changed"]
SpanKind = Literal["same", "removed", "added"]

_NUMBER = (r"[0-9０-９][0-9０-９,，.．]*(?:[万億兆][0-9０-９,，.．]*)*"
           r"(?:[人件円ドル%％歳棟隻機台発回戸km]|か国|カ国|ヵ国|トン|キロ|メートル|万人|億円)?"
           r"(?:以上|以下|余り|あまり|超|近く|未満)?")
_TOKEN = re.compile(_NUMBER + r"|[A-Za-z]+|.", re.DOTALL)
_DIGIT = re.compile(r"[0-9０-９]")
# Below this similarity a removed and an added paragraph are two different paragraphs.
SIMILAR = 0.5


@dataclass
class Span:
    """A run of text in a changed paragraph: kept, removed or added."""

    kind: SpanKind
    text: str


@dataclass
class ParagraphDiff:
    """One step of a version diff: a paragraph kept, added, removed or changed."""

    kind: Kind
    old: str | None
    new: str | None
    spans: list[Span] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)


def tokens(text: str) -> list[str]:
    """Text split into figures (number + counter), Latin words and single characters."""
    return _TOKEN.findall(text)


def _spans(old: str, new: str) -> tuple[list[Span], list[tuple[str, str]]]:
    a, b = tokens(old), tokens(new)
    spans: list[Span] = []
    figures: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            spans.append(Span("same", left))
            continue
        if left:
            spans.append(Span("removed", left))
        if right:
            spans.append(Span("added", right))
        if op == "replace" and _DIGIT.search(left) and _DIGIT.search(right):
            figures.append((left, right))
    return spans, figures


def similarity(old: str, new: str) -> float:
    """How alike two paragraphs read, 0..1 (the Indel ratio on characters, as difflib's)."""
    return fuzz.ratio(old, new) / 100.0


def _replace_block(old: list[str], new: list[str]) -> list[ParagraphDiff]:
    """Pair removed and added paragraphs in order while they read alike."""
    out: list[ParagraphDiff] = []
    for k in range(max(len(old), len(new))):
        o = old[k] if k < len(old) else None
        n = new[k] if k < len(new) else None
        if o is not None and n is not None and similarity(o, n) >= SIMILAR:
            spans, figures = _spans(o, n)
            out.append(ParagraphDiff("changed", o, n, spans, figures))
            continue
        if o is not None:
            out.append(ParagraphDiff("removed", o, None))
        if n is not None:
            out.append(ParagraphDiff("added", None, n))
    return out


def diff_versions(old: list[str], new: list[str]) -> list[ParagraphDiff]:
    """The paragraph-level diff from `old` to `new`, in reading order."""
    out: list[ParagraphDiff] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(ParagraphDiff("same", p, p) for p in old[i1:i2])
        elif op == "delete":
            out.extend(ParagraphDiff("removed", p, None) for p in old[i1:i2])
        elif op == "insert":
            out.extend(ParagraphDiff("added", None, p) for p in new[j1:j2])
        else:
            out.extend(_replace_block(old[i1:i2], new[j1:j2]))
    return out


def changed_figures(diffs: list[ParagraphDiff]) -> list[tuple[str, str]]:
    """Every (old, new) figure pair of a diff, in reading order."""
    return [f for d in diffs for f in d.figures]
