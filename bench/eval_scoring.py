"""Scoring helpers of bench/analysis_eval.py: statements matched to labels, figure keys, the
older sets' figures, the sample.

Works with older versions of kirinuki too (quotes only, figures without a sign), so a
baseline can be measured with the same scoring.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kirinuki.analysis.figures import extract_figures
from kirinuki.analysis.quotes import extract_quotes, speaker_key

ROOT = Path(__file__).resolve().parent.parent


def _seed_path(root: Path) -> Path:
    """The sample: KIRINUKI_SEED, else ../shared beside the checkout, else ../shared beside
    the main checkout of a git worktree (its `.git` file names the main `.git`)."""
    if os.environ.get("KIRINUKI_SEED"):
        return Path(os.environ["KIRINUKI_SEED"])
    name = Path("shared") / "seed" / "000_4638226074035248.txt"
    here = root.parent / name
    git = root / ".git"
    if here.exists() or not git.is_file():
        return here
    line = git.read_text(encoding="utf-8").strip()  # gitdir: <main>/.git/worktrees/<name>
    if not line.startswith("gitdir:"):
        return here
    main_git = Path(line.split(":", 1)[1].strip()).parent.parent
    other = main_git.parent.parent / name
    return other if other.exists() else here

SEED = _seed_path(ROOT)
_OPENERS = "「『“\"'（( 　"
_NEAR = 12  # characters a statement's start may be off its label's


@dataclass(frozen=True)
class Found:
    """A statement as found, whatever version of kirinuki found it."""

    paragraph: int
    start: int
    end: int
    text: str
    speaker: str
    mode: str
    cue: str


def statements_of(paragraphs: Sequence[str]) -> list[Found]:
    """Statements found in `paragraphs` (quotes only, as direct speech, before issue 22)."""
    try:
        from kirinuki.analysis.statements import extract_statements
    except ImportError:
        return [Found(q.paragraph, q.start, q.end, q.text, q.speaker, "direct", "")
                for q in extract_quotes(paragraphs) if q.kind == "speech"]
    return [Found(s.paragraph, s.start, s.end, s.text, s.speaker, s.mode, s.cue)
            for s in extract_statements(paragraphs)]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


# Hiragana that end a phrase without modifying the noun after it.
_PARTICLES = frozenset("はがをにでともへやか")


def same_speaker(found: str, wanted: str) -> bool:
    """True when `found` names the labelled speaker: the same normalised key (`ブリンケン長官`
    for `ブリンケン国務長官`), or the labelled name with or without its owner
    (`ロシア外務省` for `外務省`, `野党の党首` for `党首ら`)."""
    if not found:
        return False
    a, b = (_fold(x).removesuffix("たち").removesuffix("ら") for x in (found, wanted))
    if a == b or speaker_key(found) == speaker_key(wanted):
        return True
    short, long = sorted((a, b), key=len)
    from kirinuki.analysis.quotes import classify_phrase

    found_kind = classify_phrase(short)
    bare_title = found_kind is not None and found_kind[1] == short and found_kind[2]
    # A bare title matches only with its owner or a modifying clause written before it
    # (`野党の党首` or `集まった市民` for `党首`, `市民`): hands label either form. A name before it
    # (`ペスコフ報道官` for `報道官`) or a particle ending another phrase does not qualify it.
    owner = long[:-len(short)]
    owned = bool(owner) and "\u3041" <= owner[-1] <= "\u309f" and owner[-1] not in _PARTICLES
    return len(short) >= 2 and long.endswith(short) and (owned or not bare_title)


def _where(paragraphs: Sequence[str], starts: str) -> list[tuple[int, int]]:
    """Every (paragraph, offset) of a label's `starts`, in order (a label's first characters may
    also be written before it: `ルヴェニアのクレメント外相は…、ルヴェニアの外交政策に…`)."""
    want = starts.lstrip(_OPENERS)
    out = []
    for i, text in enumerate(paragraphs):
        at = text.find(want)
        while at >= 0:
            out.append((i, at))
            at = text.find(want, at + 1)
    return out


def match_statements(paragraphs: Sequence[str], gold: Sequence[dict[str, Any]],
                     got: Sequence[Found]) -> list[tuple[dict[str, Any], Found | None, bool]]:
    """Each labelled statement with the statement found for it (or None) and whether the
    speaker is right. A found statement matches when it starts near the label's `starts`
    (a few characters either way: where reported speech starts is a matter of taste) or
    holds it early in its span; each is used once."""
    used: set[int] = set()
    out: list[tuple[dict[str, Any], Found | None, bool]] = []
    for g in gold:
        best: int | None = None
        for para, at in _where(paragraphs, g["starts"]):
            for k, s in enumerate(got):
                if k in used or s.paragraph != para:
                    continue
                if abs(s.start - at) <= _NEAR or (s.start <= at < s.end and at - s.start <= 25):
                    best = k
                    break
            if best is not None:
                break
        if best is None:
            out.append((g, None, False))
            continue
        used.add(best)
        out.append((g, got[best], same_speaker(got[best].speaker, g["speaker"])))
    return out


# Unit spellings labels and kirinuki may use for one unit.
_UNITS = {"パーセント": "%", "キロメートル": "km", "キロ": "km", "キログラム": "kg",
          "センチ": "cm", "センチメートル": "cm", "ミリ": "mm", "ミリメートル": "mm",
          "メートル": "m", "ギガバイト": "gb", "メガバイト": "mb", "カ国": "か国", "ヵ国": "か国",
          "ヶ国": "か国", "カ所": "か所", "ヵ所": "か所", "ヶ所": "か所", "カ月": "か月",
          "ヵ月": "か月", "ヶ月": "か月"}


def unit_key(unit: str) -> str:
    u = _fold(unit)
    return _fold(_UNITS.get(u, _UNITS.get(unit, u)))


def _key(value: float, unit: str, sign: str) -> tuple[float, str, str]:
    return (round(float(value), 6), unit_key(unit), sign)


def gold_figure_keys(figures: Sequence[dict[str, Any]]) -> list[tuple[float, str, str]]:
    return [_key(f["value"], f["unit"], f["sign"]) for f in figures]


def figure_keys(text: str) -> list[tuple[float, str, str]]:
    """(value, unit, sign) of each figure found; a version without signs says `+`."""
    out = []
    for f in extract_figures(text):
        sign = getattr(f, "sign", "+")
        out.append(_key(f.value, getattr(f, "unit", f.counter), sign))
    return out


def legacy_figures(rows: Sequence[dict[str, Any]]) -> tuple[int, int, int]:
    """(tp, fp, fn) on tests/analysis/data/figures.jsonl: surface, |value| and counter."""
    tp = fp = fn = 0
    for row in rows:
        gold = {g[0]: g for g in row["figures"]}
        got = {f.surface: f for f in extract_figures(row["text"])}
        for surface, f in got.items():
            g = gold.get(surface)
            if g is not None and abs(abs(float(f.value)) - g[1]) < 1e-9 and f.counter == g[2]:
                tp += 1
            else:
                fp += 1
        fn += sum(1 for s in gold if s not in got)
    return tp, fp, fn


def sample_report() -> None:
    """The sample's groups and statements (../shared/seed), when present."""
    from kirinuki.analysis.groups import Item, find_groups
    from kirinuki.text.cliptext import parse

    if not SEED.exists():
        print("  sample: ../shared/seed not present, skipped")
        return
    entry = parse(SEED.read_text(encoding="utf-8"))
    groups = find_groups([Item(i, c.text, pos=i) for i, c in enumerate(entry.clips)])
    for g in groups:
        changes = "; ".join(c.describe() for _, _, c in g.changes)
        print(f"  sample: {g.kind} ({len(g.items)} clips) {changes}")
    found = [s for grp in entry.groups for s in statements_of([c.text for c in grp.clips])]
    modes = ", ".join(f"{m} {sum(1 for s in found if s.mode == m)}"
                      for m in ("direct", "headline", "reported"))
    print(f"  sample: {len(found)} statements ({modes}),"
          f" {sum(1 for s in found if s.speaker)} with a speaker;"
          f" reported by ペスコフ報道官: {any(s.speaker == 'ペスコフ報道官' and s.mode == 'reported' for s in found)}")
