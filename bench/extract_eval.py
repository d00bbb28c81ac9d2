"""Extraction evaluation: kirinuki's article extraction on pages written in the shape of real
Japanese news pages, against the paragraphs, title and boilerplate lines a reader would mark.

For each set (tests/capture/data/extract_eval/dev, then .../heldout; the held-out part is
frozen and only ever read by this script) it prints:

  - paragraph recall: expected paragraphs that come out exactly as one extracted paragraph;
  - boilerplate lines kept per 10 pages: extracted paragraphs that equal a labelled
    boilerplate line or contain one of >= 6 characters (whitespace collapsed on both sides);
  - title exactness: pages whose extracted title equals the expected headline;
  - other extra paragraphs per 10 pages (neither expected nor labelled), for information.

Targets (issue 21): recall >= 0.97, boilerplate <= 1 per 10 pages, titles >= 0.95.

    .venv/bin/python bench/extract_eval.py [--set dev|heldout|both] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kirinuki.capture.decode import decode_html  # noqa: E402
from kirinuki.capture.extract import extract_article  # noqa: E402
from kirinuki.errors import InputError  # noqa: E402

DATA = ROOT / "tests" / "capture" / "data" / "extract_eval"
TARGETS = {"recall": 0.97, "boilerplate": 1.0, "titles": 0.95}


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Score:
    """The figures of one set, and what went wrong on which page."""

    pages: int = 0
    expected: int = 0
    found: int = 0
    boilerplate: int = 0
    extra: int = 0
    titles: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def boilerplate_per_10(self) -> float:
        return 10 * self.boilerplate / self.pages if self.pages else 0.0

    @property
    def extra_per_10(self) -> float:
        return 10 * self.extra / self.pages if self.pages else 0.0

    @property
    def title_rate(self) -> float:
        return self.titles / self.pages if self.pages else 1.0

    def meets_targets(self) -> bool:
        return (self.recall >= TARGETS["recall"]
                and self.boilerplate_per_10 <= TARGETS["boilerplate"]
                and self.title_rate >= TARGETS["titles"])


def score_page(score: Score, name: str, html: bytes, truth: dict) -> None:
    """Add one page's figures to `score`, noting each miss in `score.failures`."""
    score.pages += 1
    expected: list[str] = truth["paragraphs"]
    score.expected += len(expected)
    try:
        ex = extract_article(decode_html(html, None), truth["url"])
    except InputError as exc:
        score.failures.append(f"{name}: no extraction ({exc})")
        return
    got = set(ex.paragraphs)
    for para in expected:
        if para in got:
            score.found += 1
        else:
            score.failures.append(f"{name}: missing paragraph {para[:60]!r}")
    boiler = {_norm(b) for b in truth["boilerplate"]}
    long_boiler = [b for b in boiler if len(b) >= 6]
    wanted = set(expected)
    for para in ex.paragraphs:
        flat = _norm(para)
        if flat in boiler or any(b in flat for b in long_boiler):
            score.boilerplate += 1
            score.failures.append(f"{name}: boilerplate kept {para[:60]!r}")
        elif para not in wanted:
            score.extra += 1
            score.failures.append(f"{name}: extra paragraph {para[:60]!r}")
    if ex.title == truth["title"]:
        score.titles += 1
    else:
        score.failures.append(f"{name}: title {ex.title!r} != {truth['title']!r}")


def evaluate(folder: Path) -> Score:
    """Score every NNN.html/NNN.json pair of `folder`."""
    score = Score()
    for truth_path in sorted(folder.glob("*.json")):
        html_path = truth_path.with_suffix(".html")
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        score_page(score, truth_path.stem, html_path.read_bytes(), truth)
    return score


def report(name: str, score: Score) -> str:
    return (f"{name:8} {score.pages:3} pages  paragraph recall {score.recall:.3f} "
            f"({score.found}/{score.expected})  boilerplate/10 pages "
            f"{score.boilerplate_per_10:.1f}  titles exact {score.title_rate:.3f}  "
            f"other extras/10 pages {score.extra_per_10:.1f}  "
            f"{'targets met' if score.meets_targets() else 'TARGETS MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=("dev", "heldout", "both"), default="both")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list the misses (dev only: the held-out part is never shown)")
    args = parser.parse_args()
    names = ["dev", "heldout"] if args.set == "both" else [args.set]
    print(f"targets: recall >= {TARGETS['recall']}, boilerplate <= {TARGETS['boilerplate']:g}"
          f" per 10 pages, titles exact >= {TARGETS['titles']}")
    for name in names:
        score = evaluate(DATA / name)
        print(report(name, score))
        if args.verbose and name == "dev":
            for line in score.failures:
                print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
