"""The one permalink rule: which addresses an entry may have.

A permalink is `/entry/` and one or more segments separated by `/` (`/entry/2024/01/08/120000`,
`/entry/ウクライナ情勢`). It becomes a folder of the published site (`…/index.html`,
`…/entry.txt`) and an address of the web app, so:

- no empty segment, no `.` or `..`, no segment that starts with `.` (a hidden file);
- no control or format characters, no space, and none of `\\ % ? # " < > | * :` (path
  separators, URL syntax, names Windows refuses);
- no segment named like a file the site writes beside it (`index.html`, `entry.txt`,
  `feed.xml`, `sitemap.xml`, in any case);
- at most 240 bytes (UTF-8) per segment, so a `-N` suffix still fits the 255 bytes a file name
  may have, and at most 1,024 bytes in all.

Typed input breaking the rule is refused (`check_permalink`); imports rename instead
(`safe_permalink`) and say so.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from kirinuki.errors import InputError
from kirinuki.text.lazyre import lazy_re

PREFIX = "/entry/"
MAX_SEGMENT_BYTES = 240
MAX_BYTES = 1024
RESERVED = frozenset({"index.html", "entry.txt", "feed.xml", "sitemap.xml"})
FORBIDDEN = frozenset('\\%?#"<>|*:')
# The usual permalink (`/entry/2024/01/08/120000`, `/entry/my-post`) passes this quick test:
# reading a large journal checks each one (docs/formats.md, "Permalinks and dates").
_BAD_CHAR = lazy_re(r'[ \\%?#"<>|*:]')
_PLAIN = lazy_re(r"/entry(?:/[A-Za-z0-9_-]{1,240})+")


def shown(text: str, limit: int = 80) -> str:
    """`text` quoted for a message: as written, but invisible characters as `\\uXXXX` (repr
    would double every backslash of `a\\b`)."""
    return "'" + "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}"
                         for ch in text[:limit]) + "'"


def _char_problem(ch: str) -> str | None:
    if ch in FORBIDDEN:
        return f"the character {shown(ch)}"
    kind = unicodedata.category(ch)
    if kind[0] in "CZ":  # control, format, unassigned, private use; every kind of space
        return f"the character U+{ord(ch):04X}"
    return None


def permalink_problem(permalink: object) -> str | None:
    """Why `permalink` cannot be an entry's permalink (one short phrase), else None."""
    if not isinstance(permalink, str):
        return "it is not text"
    if len(permalink) <= MAX_BYTES and _PLAIN.fullmatch(permalink):
        return None
    if not permalink.startswith(PREFIX):
        return f"it must start with {PREFIX}"
    if len(permalink.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return f"it is longer than {MAX_BYTES:,} bytes"
    for seg in permalink[len(PREFIX):].split("/"):
        if not seg:
            return "it has an empty segment (// or a / at the end)"
        if seg.startswith("."):
            return f"the segment {shown(seg, 40)} starts with a dot"
        if seg.casefold() in RESERVED:
            return f"the segment {shown(seg)} is the name of a file the site writes"
        if len(seg.encode("utf-8", "surrogatepass")) > MAX_SEGMENT_BYTES:
            return f"a segment is longer than {MAX_SEGMENT_BYTES} bytes"
        if not seg.isprintable() or _BAD_CHAR.search(seg):  # quick; then find which one
            why = next(w for w in map(_char_problem, seg) if w is not None)
            return f"it contains {why}"
    return None


def is_permalink(permalink: object) -> bool:
    """True when `permalink` follows the rule."""
    return permalink_problem(permalink) is None


def check_permalink(permalink: str) -> str:
    """`permalink` itself when it follows the rule. Raises InputError saying what is wrong."""
    why = permalink_problem(permalink)
    if why is not None:
        raise InputError(f"permalink {shown(str(permalink))} cannot be used: {why}")
    return permalink


def permalink_of_path(path: str) -> str:
    """The permalink of a custom URL (`2024/ukraine`, `/entry/2024/ukraine/`): `/entry/` added
    when missing, the slashes around it dropped; the rule is not checked here."""
    path = path.strip().strip("/")
    path = path.removeprefix(PREFIX.strip("/") + "/")
    return PREFIX + path


def _trim(seg: str, limit: int) -> str:
    while len(seg.encode("utf-8", "surrogatepass")) > limit:
        seg = seg[:-1]
    return seg


def with_suffix(permalink: str, suffix: str) -> str:
    """`permalink` + `suffix` (`-2`), the last segment shortened when the result would break
    the length limits."""
    head, _, last = permalink.rpartition("/")
    spare = min(MAX_SEGMENT_BYTES, MAX_BYTES - len((head + "/").encode("utf-8", "surrogatepass")))
    return f"{head}/{_trim(last, spare - len(suffix.encode('utf-8')))}{suffix}"


def _clean_segment(seg: str) -> str:
    seg = "".join("-" if _char_problem(ch) else ch for ch in seg).strip("-")
    seg = seg.lstrip(".")
    if seg.casefold() in RESERVED:
        seg = seg.replace(".", "-")
    return _trim(seg, MAX_SEGMENT_BYTES)


def _decoded(permalink: str) -> str:
    if "%" not in permalink:
        return permalink
    try:
        return unquote(permalink, errors="strict")
    except UnicodeDecodeError:
        return permalink


def safe_permalink(permalink: str, fallback: str | None) -> tuple[str | None, str | None]:
    """A permalink that follows the rule, made from `permalink` as an import met it, and why it
    was renamed (None when it was not). Kept as it is when it follows the rule, else
    percent-decoded (the same address: not a rename), else with each unusable character made
    `-` and unusable segments dropped; `fallback` (the date's permalink, or None: no
    permalink) when nothing is left."""
    why = permalink_problem(permalink)
    if why is None:
        return permalink, None
    decoded = _decoded(permalink)
    if decoded != permalink and is_permalink(decoded):
        return decoded, None
    candidate = permalink_of_path(decoded)
    segments = [s for s in map(_clean_segment, candidate[len(PREFIX):].split("/")) if s]
    out = PREFIX.rstrip("/")
    for seg in segments:
        if len((out + "/" + seg).encode("utf-8", "surrogatepass")) > MAX_BYTES:
            break
        out += "/" + seg
    return (out if out != PREFIX.rstrip("/") and is_permalink(out) else fallback), why
