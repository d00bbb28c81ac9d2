"""The hashtag grammar of the clip text format (DESIGN.md §3).

A hashtag line holds one or more tags and nothing else: `#反ロシア#対中露戦`. A tag is `#`, a
name without spaces, `#` or brackets, and optionally a parenthesised summary that may contain
anything, spaces and 「」 included, with balanced (half- or full-width) parentheses. Any line that
does not parse entirely this way is text: `#Putin: Decision to …` (a space after the name) and
`… #nhk_news …` (does not start with `#`) are prose.
"""

from __future__ import annotations

from kirinuki.model import TagRef

_OPEN = "(（"
_CLOSE = ")）"
_NAME_STOP = set("#" + _OPEN + _CLOSE)


def _summary_end(line: str, start: int) -> int:
    """Index just past the bracket closing the one at `start`, or -1 when unbalanced."""
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


def parse_tag_line(line: str) -> list[TagRef] | None:
    """The tags of `line` if it is a hashtag line, else None. Never raises."""
    if not line.startswith("#"):
        return None
    tags: list[TagRef] = []
    i, n = 0, len(line)
    while i < n:
        if line[i] != "#":
            return None
        j = i + 1
        while j < n and line[j] not in _NAME_STOP and not line[j].isspace():
            j += 1
        name = line[i + 1 : j]
        if not name:
            return None
        summary = ""
        if j < n and line[j] in _OPEN:
            end = _summary_end(line, j)
            if end < 0:
                return None
            summary = line[j:end]
            j = end
        tags.append(TagRef(name, summary))
        i = j
    return tags


def render_tag_line(tags: list[TagRef]) -> str:
    """The hashtag line for `tags`; inverse of `parse_tag_line`."""
    return "".join(f"#{t.name}{t.summary}" for t in tags)


def is_valid_tag_name(name: str) -> bool:
    """True when `name` (without '#') can be written in a hashtag line."""
    return bool(name) and parse_tag_line("#" + name) == [TagRef(name)]
