"""Build pairs.jsonl (the labelled duplicate/version/background/unrelated pairs) from
stories.json and near_misses.json, which are hand-written. Run from the project root:

    .venv/bin/python tests/analysis/data/build_pairs.py

Duplicates are made by transformations that real re-clips show: full-width digits and letters,
a character lost next to an auto-link, a URL glued to the end, spaces after commas, commas lost.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
_FULL = str.maketrans({**{chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}})


def _fullwidth(t: str) -> str:
    return t.translate(_FULL)


def _lost_char(t: str) -> str:
    i = len(t) // 2
    while t[i].isdigit() or t[i] in "、。「」":
        i += 1
    return t[:i] + t[i + 1:]


def _url(t: str) -> str:
    return t + "https://news.example.jp/articles/" + str(100000 + len(t) * 37)


def _spaces(t: str) -> str:
    return t.replace("、", "、 ").rstrip("。")


def _commas(t: str) -> str:
    return t.replace("、", "")


TRANSFORMS = [("fullwidth", _fullwidth), ("lost_char", _lost_char), ("url", _url),
              ("spaces", _spaces), ("commas", _commas)]


def build() -> list[dict[str, str]]:
    stories = json.loads((HERE / "stories.json").read_text(encoding="utf-8"))
    pairs: list[dict[str, str]] = []

    def add(label: str, a: str, b: str, source: str) -> None:
        pairs.append({"id": f"p{len(pairs) + 1:03d}", "label": label, "a": a, "b": b,
                      "source": source})

    n = 0
    for s in stories:
        paras = s["paragraphs"]
        for k, p in enumerate(paras):
            where = f"{s['story']} #{k + 1}"
            chain = [p["text"], *p.get("versions", [])]
            for a, b in itertools.combinations(chain, 2):
                add("version", a, b, where)
            for a, b in itertools.combinations([p["text"], *p.get("backgrounds", [])], 2):
                add("background", a, b, where)
            for text in chain[:2]:
                name, fn = TRANSFORMS[n % len(TRANSFORMS)]
                n += 1
                if fn(text) == text:  # nothing to widen: lose a character instead
                    name, fn = "lost_char", _lost_char
                add("duplicate", text, fn(text), f"{where} ({name})")
        for (i, p), (j, q) in itertools.combinations(enumerate(paras), 2):
            add("unrelated", p["text"], q["text"], f"{s['story']} #{i + 1}/#{j + 1}")
            if q.get("versions"):
                add("unrelated", p["text"], q["versions"][-1],
                    f"{s['story']} #{i + 1}/#{j + 1} latest")
    for k, (a, b) in enumerate(json.loads((HERE / "near_misses.json").read_text("utf-8"))):
        add("unrelated", a, b, f"near miss {k + 1}")
    return pairs


def main() -> None:
    pairs = build()
    with (HERE / "pairs.jsonl").open("w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for p in pairs:
        counts[p["label"]] = counts.get(p["label"], 0) + 1
    print(len(pairs), counts)


if __name__ == "__main__":
    main()
