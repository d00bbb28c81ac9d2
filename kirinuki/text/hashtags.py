"""The hashtag grammar of the clip text format (docs/formats.md, "Hashtag lines").

A hashtag line holds one or more tags and nothing else: `#反ロシア#対中露戦`. What copy and paste
does to such a line is still read as the tags its writer meant:

- a tag starts with `#` or the full-width `＃`;
- tags may be separated by space (`#NATO #ロシア`, `＃ウクライナ　＃ロシア`), and space may
  lead or trail the line (space as in `text.spaces`: NBSP, U+3000, tabs, zero-width spaces);
- a name runs up to the next `#`/`＃`, space or bracket; it must not start with one of
  `! % & , . / : ; = ? ~` nor contain `://` (`#!/path`, `#:~:text=…`, `#?page=2`,
  `#https://…` are URL fragments and URLs);
- a parenthesised summary (half- or full-width, nested brackets balanced) may follow a name
  and may contain anything; one never closed runs to the end of the line (pages cut long
  summaries).

Anything else on the line makes it text: `#1 の理由は…` and `#Putin: Decision to …` (a word that
is not a tag after a space), `#円安(発言)について` (text glued to a tag), `… #nhk_news …` (does
not start with a tag). The canonical form of a tag line is `#name(summary)#name…`; the line as
written is kept by the caller (`TagLine.written`) so nothing changes byte for byte.
"""

from __future__ import annotations

import re

from kirinuki.errors import InputError
from kirinuki.model import TagRef
from kirinuki.text.lazyre import lazy_re
from kirinuki.text.spaces import SPACES

MARKERS = "#＃"
_OPEN = "(（"
_CLOSE = ")）"
# A marker and the name after it (up to a marker, space or bracket); a run of space.
_NAME = lazy_re(f"[{MARKERS}]([^{re.escape(MARKERS + _OPEN + _CLOSE + SPACES)}]*)")
_GAP = lazy_re(f"[{re.escape(SPACES)}]*")
# A name starting with these is a URL fragment (`#!/path`, `#:~:text=…`, `#%E3%83…`,
# `#?page=2`, `#/news`) or punctuation, not a tag.
NOT_A_START = "!%&,./:;=?~"
_SPACE_RUN = lazy_re(f"[{re.escape(SPACES)}]+")


def _summary_end(line: str, start: int) -> int:
    """Index just past the bracket closing the one at `start`, or -1 when never closed."""
    depth = 0
    for k in range(start, len(line)):
        ch = line[k]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return k + 1
    return -1


def _scan(line: str) -> list[tuple[int, int, TagRef]] | None:
    """(start, end of the name, tag) for each tag of a hashtag line, else None."""
    end_of_text = len(line.rstrip(SPACES))
    i = _GAP.match(line, 0, end_of_text).end()  # type: ignore[union-attr]  # `*` always matches
    if i >= end_of_text:
        return None
    found: list[tuple[int, int, TagRef]] = []
    while i < end_of_text:
        m = _NAME.match(line, i, end_of_text)
        if m is None:
            return None
        name, j = m.group(1), m.end()
        if not name or name[0] in NOT_A_START or "://" in name:
            return None
        summary, k = "", j
        if j < end_of_text and line[j] in _OPEN:
            close = _summary_end(line[:end_of_text], j)
            k = end_of_text if close < 0 else close
            summary = line[j:k]
        found.append((i + 1, j, TagRef(name, summary)))
        i = _GAP.match(line, k, end_of_text).end()  # type: ignore[union-attr]  # as above
    return found


def parse_tag_line(line: str) -> list[TagRef] | None:
    """The tags of `line` if it is a hashtag line, else None. Never raises."""
    if not line:
        return None
    # Fast refusal for the common case, a clip line: no marker after leading space.
    head = line.lstrip(SPACES)[:1]
    if not head or head not in MARKERS:
        return None
    found = _scan(line)
    return None if found is None else [t for _, _, t in found]


def render_tag_line(tags: list[TagRef]) -> str:
    """The canonical hashtag line for `tags` (`#a#b(summary)`); `parse_tag_line` reads it back
    when only the last summary may be left unclosed. A name stored with its own `＃` (older
    versions took `--tag ＃x` as the name `＃x`) is written without it: same tag key, and the
    line still reads as a tag line."""
    return "".join(f"#{t.name.lstrip(MARKERS)}{t.summary}" for t in tags)


def tag_line_text(tags: list[TagRef], written: str = "") -> str:
    """The line to write for `tags`: `written` (the line as it was written) when it still reads
    as these tags; the same line with the names swapped when only names changed (a rename keeps
    the writer's `＃` and spaces); else the canonical form."""
    if not written:
        return render_tag_line(tags)
    found = _scan(written)
    if found is None:
        return render_tag_line(tags)
    if [t for _, _, t in found] == tags:
        return written
    if len(found) == len(tags) and all(
        old.summary == new.summary for (_, _, old), new in zip(found, tags, strict=True)
    ):
        out, last = [], 0
        for (start, end, _), new in zip(found, tags, strict=True):
            out += [written[last:start], new.name]
            last = end
        text = "".join(out) + written[last:]
        if parse_tag_line(text) == tags:
            return text
    return render_tag_line(tags)


def is_valid_tag_name(name: str) -> bool:
    """True when `name` (without the marker) can be written in a hashtag line."""
    return bool(name) and parse_tag_line("#" + name) == [TagRef(name)]


def strip_marker(name: str) -> str:
    """`name` without leading space and `#`/`＃` markers (`＃NATO` → `NATO`)."""
    return name.strip(SPACES).lstrip(MARKERS)


def tags_from_input(value: str) -> list[TagRef]:
    """The tags of one `--tag` value or API tag: a name with or without its marker (`NATO`,
    `＃NATO`) or a whole hashtag line (`#反ロシア#対中露戦`, `＃NATO　＃ロシア`,
    `#円安(総裁「…」)`); space alone gives none. Raises InputError for anything else."""
    text = value.strip(SPACES)
    if not text:
        return []
    line = text if text[0] in MARKERS else "#" + text
    tags = parse_tag_line(line)
    if tags is None:
        raise InputError(f"not a valid tag: {line}")
    return tags


def split_tag_field(text: str) -> list[str]:
    """The values of a free tag field (the composer's): the whole field when it reads as one
    hashtag line (a summary may hold spaces), else its space-separated words (`NATO ロシア`)."""
    whole = text.strip(SPACES)
    if not whole:
        return []
    if parse_tag_line(whole if whole[0] in MARKERS else "#" + whole) is not None:
        return [whole]
    return [w for w in _SPACE_RUN.split(whole) if w]
