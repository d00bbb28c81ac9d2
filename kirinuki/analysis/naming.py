"""Short names of speakers resolved: a bare title (`知事は`) is the person last named with it,
a family name (`三浦知事`, `ヴォイチク氏`) the person named in full before, `同庁` the organisation
last named with that suffix. Part of `statements`. Pure; never raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from kirinuki.analysis.speakers import TITLES, classify_phrase, split_title, subjects
from kirinuki.text.lazyre import lazy_re
from kirinuki.text.normalize import fold

if TYPE_CHECKING:
    from kirinuki.analysis.statements import Statement


def titles_named(paragraphs: Sequence[str], found: list[Statement]) -> list[Statement]:
    """A speaker written as a bare title (`知事は`) is the person last named with it
    (`ハワード知事は…`), in these paragraphs; one written by the family name only (`三浦知事は`)
    is the person named in full with the same title before (`三浦健司知事は…`)."""
    if not any(s.speaker in TITLES or _short_name(s) or _SAME_ORG.fullmatch(s.speaker)
               or split_title(s.speaker)[1] in _PLAIN for s in found):
        return found
    people = [(i, p.pos, p) for i, text in enumerate(paragraphs) for p in subjects(text)
              if p.person]
    out = []
    for s in found:
        if s.speaker in TITLES:
            earlier = [p for i, pos, p in people if (i, pos) <= (s.paragraph, s.start)
                       and p.display != s.speaker and p.display.endswith(s.speaker)]
            if earlier:
                s = replace(s, speaker=earlier[-1].display, speaker_key=earlier[-1].key)
        elif _short_name(s):
            title = split_title(s.speaker)[1]
            earlier = [p for i, pos, p in people if (i, pos) <= (s.paragraph, s.start)
                       and p.key != s.speaker_key and p.key.startswith(s.speaker_key)
                       and (split_title(p.display)[1] == title or title in _PLAIN)]
            if earlier:
                s = replace(s, speaker=earlier[-1].display, speaker_key=earlier[-1].key)
        elif split_title(s.speaker)[1] in _PLAIN and s.speaker_key:
            # `ヴォイチク氏` after `レナータ・ヴォイチク副長官`: the family name of a full name.
            earlier = [p for i, pos, p in people if (i, pos) <= (s.paragraph, s.start)
                       and p.key.endswith(("・" + s.speaker_key, "＝" + s.speaker_key))]
            if earlier:
                s = replace(s, speaker=earlier[-1].display, speaker_key=earlier[-1].key)
        elif (same := _SAME_ORG.fullmatch(s.speaker)) is not None:
            # `同庁は` after `運河庁の発表によると`: the organisation last named with that suffix.
            named = _orgs_before(paragraphs, s.paragraph, s.start, same.group(1))
            if named:
                s = replace(s, speaker=named, speaker_key=fold(named))
        out.append(s)
    return out


_PLAIN = ("氏", "さん")  # titles that say nothing of the office
_SAME_ORG = lazy_re(r"同(庁|省|社|局|党|紙|署|院|会|機構|委員会|政府|当局|銀行|大学|研究所|通信)")
_ORG_RUN = lazy_re(r"[\u4e00-\u9fff\u30a0-\u30ffー々A-Za-z]{2,20}")


def _orgs_before(paragraphs: Sequence[str], index: int, start: int, suffix: str) -> str:
    """The organisation ending in `suffix` named last before paragraph `index`, offset `start`."""
    last = ""
    for i in range(index + 1):
        text = paragraphs[i] if i < index else paragraphs[i][:start]
        for m in _ORG_RUN.finditer(text):
            run = m.group()
            if run.endswith(suffix) and not run.startswith("同") and (
                    (found := classify_phrase(run)) is not None and not found[2]):
                last = found[0]
    return last


_KANJI_NAME = lazy_re(r"[\u4e00-\u9fff]{1,3}")  # a family name (`三浦`), given names are longer


def _short_name(s: Statement) -> bool:
    """True when the speaker is a titled person written with a family name only, in kanji."""
    name, title = split_title(s.speaker)
    return bool(title and _KANJI_NAME.fullmatch(name)) and s.speaker_key == name
