"""A clip prepared for comparison (`Prepared`): its text normalised, digit runs masked, content
bigrams and sentences, and the facts `duplicates.compare` reads of it (numbers, figures, days,
months, running counts, names, quoted words), each worked out once when first asked for. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from sys import intern

from kirinuki.analysis.figures import extract_figures
from kirinuki.analysis.quotes import extract_quotes
from kirinuki.analysis.sentences import (
    Sentence,
    content_bigrams,
    names_in,
    sentences,
    sentences_of,
    serials,
    split,
)
from kirinuki.analysis.textnorm import (
    MIN_SUBSTANCE,
    arabic_counts,
    enough_substance,
    mask_digits,
    normalise,
    normalise_parts,
)
from kirinuki.text.lazyre import lazy_re

# Each pattern opens with a lookahead of the characters a match can start with: the engine
# then skips the other positions at once (several times faster, the same matches).
_NUMBERS = lazy_re(r"(?=[マ0-9〇一二三四五六七八九十百千万億兆半])(?:"
                   r"(?:マイナス)?[0-9]+|[〇一二三四五六七八九十百千万億兆]{2,}"
                   r"|[二三四五六七八九十百千](?=[人件棟戸隻機台社か万億回歳つ匹頭羽枚冊軒基両便倍割])"
                   # A half after a period (`1年半`, `2時間半`) is part of its number.
                   r"|(?:(?<=[0-9]年)|(?<=[0-9]か月)|(?<=[0-9]カ月)|(?<=[0-9]ヶ月)|(?<=[0-9]時間)"
                   r"|(?<=[0-9]週間))半(?!ば))")
_KATAKANA = lazy_re(r"[\u30a1-\u30faー]{3,}")
_DAY = lazy_re(r"(?=[0-9])(?<![0-9])[0-9]{1,2}日(?!間)")
_MONTH = lazy_re(r"(?=[0-9])(?<![0-9])[0-9]{1,2}月")
_EARLIER = lazy_re(r"(?:^|[。\n])\s*(?:去年|昨年|おととし)の")


@dataclass(frozen=True)
class Prepared:
    """A clip's text in the forms comparisons need."""

    text: str
    norm: str
    masked: str
    bigrams: frozenset[str]
    substance: int = MIN_SUBSTANCE  # characters of content (see `textnorm.substance`)
    known_sentences: list[Sentence] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def numbers(self) -> tuple[str, ...]:
        """The numbers of the text as written: digit runs and kanji numerals (`三千`; in
        digits when they count something: `十二戸` is `12戸`)."""
        return tuple(_NUMBERS.findall(arabic_counts(self.norm)))

    @cached_property
    def figures(self) -> frozenset[tuple[str, float]]:
        """(counter, value) of every figure with a counter."""
        return frozenset((f.counter, float(f.value)) for f in extract_figures(self.text)
                         if f.counter)

    @cached_property
    def days(self) -> frozenset[str]:
        """Day-of-month references (`7日`): the date of the event reported."""
        return frozenset(_DAY.findall(self.norm))

    @cached_property
    def months(self) -> frozenset[str]:
        """Months named (`4月`)."""
        return frozenset(_MONTH.findall(self.norm))

    @cached_property
    def earlier(self) -> bool:
        """True when the text is about an earlier year or round (`去年の規模`, `前回の選挙`)."""
        return bool(_EARLIER.search(self.text))

    @cached_property
    def serials(self) -> frozenset[str]:
        """Running counts (`6件目`, `13日の動き`): differing ones make another occurrence."""
        return serials(self.norm)

    @cached_property
    def sentences(self) -> list[Sentence]:
        """The sentences of the text, for sentence-level comparison (`passages`)."""
        if self.known_sentences is not None:
            return self.known_sentences
        return sentences(self.text)

    @cached_property
    def places(self) -> frozenset[str]:
        """Katakana names and kanji places (`コルサ州`): a swap makes another event's template."""
        return names_in(self.text)

    @cached_property
    def names(self) -> frozenset[str]:
        """Katakana words of three or more characters (places, people, organisations)."""
        return frozenset(_KATAKANA.findall(self.norm))

    @cached_property
    def quoted(self) -> frozenset[str]:
        """Character bigrams of the quoted passages (speech is mostly kana: all characters)."""
        inner = "".join(q.text for q in extract_quotes([self.text]) if q.kind == "speech")
        if len(inner) < 10:
            return frozenset()
        norm = mask_digits(normalise(inner))
        return frozenset(norm[i:i + 2] for i in range(len(norm) - 1))


def prepare(text: str) -> Prepared:
    """`text` ready for `compare`."""
    parts = split(text)
    norm, part_norms = normalise_parts(text, parts)
    # The sentences are normalised once: when their forms put together are the clip's (no
    # link, sign-off or digit run across a sentence end), the clip's masked text and content
    # bigrams are made from theirs (the bigrams across each sentence end added).
    if len(parts) > 1 and "".join(part_norms) == norm and not _digits_across(part_norms):
        part_masked = [mask_digits(n) for n in part_norms]
        part_bigrams = [content_bigrams(m) for m in part_masked]
        bigrams = frozenset().union(*part_bigrams, _across(part_masked))
        return Prepared(text, norm, "".join(part_masked), bigrams, enough_substance(norm),
                        sentences_of(parts, part_masked, part_bigrams))
    masked = mask_digits(norm)
    bigrams = content_bigrams(masked)
    one = None
    if len(parts) == 1 and part_norms[0] == norm:  # one sentence: the clip's forms are its own
        one = sentences_of(parts, [masked], [bigrams])
    return Prepared(text, norm, masked, bigrams, enough_substance(norm), one)


def _digits_across(parts: list[str]) -> bool:
    """True when a digit run of `"".join(parts)` spans two parts (masked as one)."""
    prev = ""
    for part in parts:
        if part:
            if prev and prev[-1].isdecimal() and part[0].isdecimal():
                return True
            prev = part
    return False


def _across(parts: list[str]) -> list[str]:
    """The content bigrams of `"".join(parts)` that span two parts."""
    out, prev = [], ""
    for part in parts:
        if part:
            if prev and not ("\u3041" <= prev[-1] <= "\u309f" or "\u3041" <= part[0] <= "\u309f"):
                out.append(intern(prev[-1] + part[0]))
            prev = part
    return out
