"""Other things told alike: two near-identical clips whose one change besides the numbers
names another thing counted (`営業利益が…412億円` / `売り上げが…8640億円`, `被告に懲役10年` /
`被告の元部下の男に懲役4年`): another measure or another person, never one report updated; and
two clips naming other sections of a road (`…と…の間`) or other directions (`上り` / `下り`),
which report other facts. Pure."""

from __future__ import annotations

from os.path import commonprefix

from rapidfuzz.distance import Indel

from kirinuki.analysis.sentences import content_bigrams
from kirinuki.text.lazyre import lazy_re

# A noun, kanji with kana between or after (`売り上げ`, `取り扱い`, `受け入れ`) or plain kanji
# and katakana; a verb's stem (`減っ`, `増え`) matches too, so the particle after decides.
_NOUN = lazy_re(r"[\u4e00-\u9fff\u30a1-\u30faー]+(?:[\u3041-\u309f][\u4e00-\u9fff]+)*"
                r"[\u3041-\u309f]?")
_SUBJECT_PARTICLES = "はが"
# An owner put before the thing counted (`被告の元部下の男に`): `の`, then words ending with one.
_OWNED = lazy_re(r"の[^、。0]{2,}[\u4e00-\u9fff\u30a1-\u30faー]")
_OWNED_PARTICLES = "にがはを"
_TIME = lazy_re(r"[午前後正朝夜昼夕未明現在時分日月年先今昨本末上中下旬週]+")


def _changes(a: str, b: str) -> list[tuple[str, str, str]]:
    """What masked texts `a` and `b` have in place of each other, with the character both have
    after it ("" at the end)."""
    out, x, y = [], "", ""
    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            if x or y:
                out.append((x, y, a[op.src_start]))
            x = y = ""
        else:
            x += a[op.src_start:op.src_end]
            y += b[op.dest_start:op.dest_end]
    if x or y:
        out.append((x, y, ""))
    return out


def other_thing_counted(a: str, b: str) -> bool:
    """True when all that aligning masked texts `a` and `b` changes besides numbers is one
    subject put for another (`営業利益が` / `売り上げが`; no time or date) or an owner put
    before what is counted (`被告に` / `被告の元部下の男に`)."""
    found = False
    for x, y, after in _changes(a, b):
        if not x.replace("0", "") and not y.replace("0", ""):
            continue  # a number changed
        if found or "0" in x or "0" in y:
            return False
        if not (_owner_put(x, y, after) or _subject_put(x, y, after)):
            return False
        found = True
    return found


def _owner_put(x: str, y: str, after: str) -> bool:
    """`` / `の元部下の男` before `に`: an owner put before what is counted."""
    short, long = sorted((x, y), key=len)
    return short == "" and bool(_OWNED.fullmatch(long)) and after != "" and after in _OWNED_PARTICLES


def _subject_put(x: str, y: str, after: str) -> bool:
    """`営業利益` / `売り上げ` before `が`: one subject put for another (no time word)."""
    return (bool(x and y) and after != "" and after in _SUBJECT_PARTICLES
            and bool(_NOUN.fullmatch(x)) and bool(_NOUN.fullmatch(y))
            and not _TIME.fullmatch(x) and not _TIME.fullmatch(y))


# A section of a road or a line between two points (`西嶺インターチェンジと嶺北ジャンクションの間`).
_SECTION = lazy_re(r"([\u4e00-\u9fff\u30a1-\u30faー]{2,})と([\u4e00-\u9fff\u30a1-\u30faー]{2,})の間")


def other_sections(a: str, b: str) -> bool:
    """True when normalised texts `a` and `b` each name a section between two points and none
    in common (`西嶺ICと嶺北JCTの間` / `嶺北JCTと東嶺ICの間`): other stretches of road or line."""
    if "の間" not in a or "の間" not in b:
        return False  # cheap test first
    sa = {frozenset(m.groups()) for m in _SECTION.finditer(a)}
    sb = {frozenset(m.groups()) for m in _SECTION.finditer(b)}
    return bool(sa and sb and not sa & sb)


# (Not an amount reached, `11億円に上りました`, nor a permit given, `許可が下りました`.)
_DIRECTION = lazy_re(r"(?<![にへ])上り(?![まし])|下り(?![まし])")


def other_directions(a: str, b: str) -> bool:
    """True when normalised texts `a` and `b` each name a direction of a line or a road and
    none in common (`上りの便の運航を取りやめ` / `下りの便を2時間遅れで運航`): the other
    direction's news, not one updated."""
    if "り" not in a or "り" not in b:
        return False  # cheap test first
    da, db = set(_DIRECTION.findall(a)), set(_DIRECTION.findall(b))
    return bool(da and db and not da & db)


FRAME = 15  # characters two one-sentence clips open or close with alike to share a frame
FRAME_REST = 4  # characters each has besides the frame, at least, to tell a fact of its own
FRAME_OVERLAP = 0.40  # content overlap of those rests below which they tell other facts


def same_frame_other_facts(a: str, b: str) -> bool:
    """True when two masked sentences open (or close) with the same words, `FRAME` characters
    or more, and what each says besides (`FRAME_REST` or more) shares little content
    (`…検察は、拘束された将校らの取り調べを始める方針です` / `…資産を凍結する方針です`, `症状を訴えた
    児童の学年別は…` / `水泳の授業を欠席した児童の…`), no compound in both: one actor's or one
    frame's other facts, not a sentence reused."""
    n = len(commonprefix((a, b)))
    if n < FRAME:
        n = len(commonprefix((a[::-1], b[::-1])))
        if n < FRAME:
            return False
        ra, rb = a[:-n], b[:-n]
    else:
        ra, rb = a[n:], b[n:]
    if min(len(ra), len(rb)) < FRAME_REST or _word_in_both(ra, rb):
        return False  # (`…区域に設定しました` / `…に設定していた…区域を…解除しました`: one thing)
    ba, bb = content_bigrams(ra), content_bigrams(rb)
    union = len(ba | bb)
    return union > 0 and len(ba & bb) < FRAME_OVERLAP * union


_LONG_WORD = lazy_re(r"[\u4e00-\u9fff\u30a1-\u30faー]{4,}")  # a compound (`移動制限区域`)


def _word_in_both(a: str, b: str) -> bool:
    """True when `a` and `b` share four kanji or katakana in a row."""
    return any(w[i:i + 4] in b for w in _LONG_WORD.findall(a) for i in range(len(w) - 3))
