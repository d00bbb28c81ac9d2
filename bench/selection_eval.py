"""Selection evaluation: does a passage selected in a real browser tick the right paragraphs?

For each page of the extraction evaluation (tests/capture/data/extract_eval/dev, then the
frozen .../heldout: pages in the shape of real Japanese news pages, with furigana, `<br><br>`
bodies, captions between paragraphs, full-width digits), Debian's Chromium (Playwright) loads
the page and selects, as a mouse drag would, for every expected paragraph that kirinuki's
extraction gives as one paragraph:

  - whole: the paragraph from its first to its last character;
  - part: from 30% to 70% of it (a phrase inside one paragraph);
  - pair: from the middle of it to the middle of the next expected paragraph.

Each selection is read the way the bookmarklet reads it (`String(getSelection())`, and up to
32 characters before and after it in the text nodes where it starts and ends), then placed by
`kirinuki.text.textquote.locate` among the extracted paragraphs. A selection scores when the
ticked paragraphs are exactly the selected ones. Prints the share per kind and set.

    .venv/bin/python bench/selection_eval.py [--set dev|heldout|both] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kirinuki.capture.decode import decode_html  # noqa: E402
from kirinuki.capture.extract import extract_article  # noqa: E402
from kirinuki.errors import InputError  # noqa: E402
from kirinuki.text.textquote import MIN_OVERLAP, locate  # noqa: E402

DATA = ROOT / "tests" / "capture" / "data" / "extract_eval"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Select from the `from`-th visible character of `start` to the `to`-th of `end` (characters
# counted without spaces; furigana skipped, as the expected text has none) and read the
# selection as the bookmarklet does.
SELECT_JS = """([start, from, end, to]) => {
  const squeeze = s => s.replace(/\\s+/g, "");
  const nodes = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest("rt, rp, script, style, noscript")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT });
  let text = "";
  const at = [];
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    for (let i = 0; i < n.data.length; i++) {
      if (!/\\s/.test(n.data[i])) { text += n.data[i]; at.push([n, i]); }
    }
  }
  const s = text.indexOf(squeeze(start));
  if (s < 0) return null;
  const e = text.indexOf(squeeze(end), s);
  if (e < 0) return null;
  const [sn, so] = at[s + from];
  const [en, eo] = at[e + to];
  const range = document.createRange();
  range.setStart(sn, so);
  range.setEnd(en, eo + 1);
  const sel = getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  const r = sel.getRangeAt(0), a = r.startContainer, b = r.endContainer;
  const prefix = a.nodeType == 3 ? a.data.slice(Math.max(0, r.startOffset - 32), r.startOffset) : "";
  const suffix = b.nodeType == 3 ? b.data.slice(r.endOffset, r.endOffset + 32) : "";
  return [String(sel), prefix, suffix];
}"""


def _visible(text: str) -> int:
    return len("".join(text.split()))


def _cases(expected: list[str], got: list[str]) -> list[tuple[str, str, int, str, int, list[int]]]:
    """(kind, start paragraph, from, end paragraph, to, paragraphs to tick) per selection."""
    index = {p: i for i, p in enumerate(got)}
    cases = []
    present = [p for p in expected if p in index]
    for k, p in enumerate(present):
        n = _visible(p)
        cases.append(("whole", p, 0, p, n - 1, [index[p]]))
        if n >= 3 * MIN_OVERLAP:
            cases.append(("part", p, int(n * 0.3), p, int(n * 0.7), [index[p]]))
        if k + 1 < len(present):
            q = present[k + 1]
            m = _visible(q)
            if n // 2 >= MIN_OVERLAP and m // 2 >= MIN_OVERLAP:
                cases.append(("pair", p, n // 2, q, m // 2 - 1, [index[p], index[q]]))
    return cases


def score_set(page: Any, name: str, verbose: bool) -> tuple[Counter[str], Counter[str]]:
    """(selections, correct) per kind over the pages of one set."""
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for path in sorted((DATA / name).glob("*.html")):
        want = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        raw = path.read_bytes()
        html = decode_html(raw, None)
        try:
            got = extract_article(html, want["url"]).paragraphs
        except InputError:
            continue
        page.set_content(html)
        for kind, start, a, end, b, tick in _cases(want["paragraphs"], got):
            total[kind] += 1
            read = page.evaluate(SELECT_JS, [start, a, end, b])
            ticked = locate(got, *read) if read else None
            if ticked == tick:
                right[kind] += 1
            elif verbose:
                print(f"  {name}/{path.name} {kind}: ticked {ticked}, want {tick}; "
                      f"selection {read[0][:60]!r}" if read else "  (not selectable)")
    return total, right


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=["dev", "heldout", "both"], default="both")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    sets = ["dev", "heldout"] if args.set == "both" else [args.set]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(java_script_enabled=True)
        for name in sets:
            total, right = score_set(page, name, args.verbose)
            parts = ", ".join(f"{k} {right[k]}/{total[k]} ({right[k] / total[k]:.3f})"
                              for k in ("whole", "part", "pair") if total[k])
            all_right, all_total = sum(right.values()), sum(total.values())
            print(f"{name}: {parts}; all {all_right}/{all_total} "
                  f"({all_right / all_total:.3f})")
        browser.close()


if __name__ == "__main__":
    main()
