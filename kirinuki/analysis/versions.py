"""Versions of one passage: what changed from one to the next, in figures and in words.

`describe_change(old, new)` aligns the figures of two versions (by predicate, counter and the
noun before the number) and lists the ones that changed, `拘束: 3800人以上 → 4400人以上 (+600)`,
then the changed wording that is not a figure or punctuation (`によりますと → はこれまでに`).
Pure; never raises.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from kirinuki.analysis.figures import Figure, extract_figures, format_delta
from kirinuki.text.lazyre import lazy_re

_TRIVIAL = lazy_re(r"[\s\W_]*")  # punctuation and spacing only
_PUNCT = "、。，．,. 　「」"
_MAX_WORDS = 4
_WIDEN = 8
_MAX_WORD_LEN = 40


@dataclass(frozen=True)
class FigureChange:
    """One figure in two versions; `old` or `new` is None when it was added or removed."""

    old: Figure | None
    new: Figure | None

    @property
    def label(self) -> str:
        """What the figure counts (`拘束`)."""
        f = self.new or self.old
        assert f is not None
        return f.label

    def describe(self) -> str:
        """`拘束: 3800人以上 → 4400人以上 (+600)`; `行方不明: + 90人` when added."""
        if self.old is None:
            return f"{self.label}: + {self.new.surface if self.new else ''}"
        if self.new is None:
            return f"{self.label}: - {self.old.surface}"
        text = f"{self.label}: {self.old.surface} → {self.new.surface}"
        if self.old.value != self.new.value and self.old.counter == self.new.counter:
            text += f" ({format_delta(self.old, self.new)})"
        return text


@dataclass(frozen=True)
class Change:
    """What changed between two versions of a passage."""

    figures: list[FigureChange] = field(default_factory=list)
    words: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        """Figures first, then wording: `拘束: 3800人以上 → 4400人以上 (+600); …`."""
        parts = [f.describe() for f in self.figures]
        if self.words:
            parts.append("wording: " + ", ".join(f"{a or '∅'} → {b or '∅'}"
                                                 for a, b in self.words))
        return "; ".join(parts) if parts else "no change"

    @property
    def empty(self) -> bool:
        return not self.figures and not self.words


def _signature(f: Figure) -> tuple[str, str, str]:
    return (f.predicate, f.counter, f.subject)


def figure_changes(old: Sequence[Figure], new: Sequence[Figure]) -> list[FigureChange]:
    """Changed, added and removed figures between two versions, in text order."""
    matcher = difflib.SequenceMatcher(None, [_signature(f) for f in old],
                                      [_signature(f) for f in new], autojunk=False)
    out: list[FigureChange] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        if op in ("equal", "replace"):
            pairs = list(zip(olds, news, strict=False))
            out.extend(FigureChange(a, b) for a, b in pairs
                       if a.value != b.value or a.surface != b.surface)
            olds, news = olds[len(pairs):], news[len(pairs):]
        out.extend(FigureChange(a, None) for a in olds)
        out.extend(FigureChange(None, b) for b in news)
    return out


def _covered(start: int, end: int, figures: Sequence[Figure]) -> bool:
    return any(f.start < end and start < f.end for f in figures)


def _script(ch: str) -> str:
    if ch.isdigit():
        return "digit"
    if "\u3041" <= ch <= "\u309f":
        return "hiragana"
    if "\u30a0" <= ch <= "\u30ff":
        return "katakana"
    if "\u4e00" <= ch <= "\u9fff" or ch == "々":
        return "kanji"
    return "latin" if ch.isalpha() else "other"


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a changed span to whole runs of its script (a word, a number), within limits."""
    if end <= start:
        return start, end
    left, right = _script(text[start]), _script(text[end - 1])
    if left != "other":
        limit = max(0, start - _WIDEN)
        while start > limit and _script(text[start - 1]) == left:
            start -= 1
    if right != "other":
        limit = min(len(text), end + _WIDEN)
        while end < limit and _script(text[end]) == right:
            end += 1
    if right == "digit" and end < len(text) and _script(text[end]) not in ("other", "digit"):
        unit, limit = _script(text[end]), min(len(text), end + 4)
        while end < limit and _script(text[end]) == unit:
            end += 1  # keep the counter with its number: 12日, 98ルスタ
    return start, end


def word_changes(old: str, new: str, old_figs: Sequence[Figure] = (),
                 new_figs: Sequence[Figure] = ()) -> list[tuple[str, str]]:
    """Changed wording (old, new), leaving out figure changes and punctuation-only edits."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    merged: list[list[int]] = []
    for _, i1, i2, j1, j2 in ops:  # join edits separated by a single unchanged character
        if merged and i1 - merged[-1][1] <= 1 and j1 - merged[-1][3] <= 1:
            merged[-1][1], merged[-1][3] = i2, j2
        else:
            merged.append([i1, i2, j1, j2])
    out: list[tuple[str, str]] = []
    for i1, i2, j1, j2 in merged:
        i1, i2 = _widen(old, i1, i2)
        j1, j2 = _widen(new, j1, j2)
        a, b = old[i1:i2], new[j1:j2]
        if _TRIVIAL.fullmatch(a) and _TRIVIAL.fullmatch(b):
            continue
        if _covered(i1, i2, old_figs) or _covered(j1, j2, new_figs):
            continue
        out.append((a.strip(_PUNCT)[:_MAX_WORD_LEN], b.strip(_PUNCT)[:_MAX_WORD_LEN]))
        if len(out) == _MAX_WORDS:
            break
    return out


def describe_change(old: str, new: str) -> Change:
    """What changed from `old` to `new` (two versions of one passage)."""
    old_figs, new_figs = extract_figures(old), extract_figures(new)
    return Change(figure_changes(old_figs, new_figs),
                  word_changes(old, new, old_figs, new_figs))
