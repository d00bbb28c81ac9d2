"""Journal-level scoring of bench/analysis_eval.py: labelled clipping journals (related top-1
accuracy, precision of the duplicate / version / background groups reported) and demo/entries.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kirinuki.journal import Journal, get_entry, import_paths, init_journal
from kirinuki.journal.analysis import duplicate_groups
from kirinuki.journal.related import related_entries

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "entries"


def _load(folder: Path, tmp: str) -> tuple[Journal, dict[int, str], dict[int, tuple[str, int]]]:
    """A journal of the folder's clip-text files: entry id → file name, clip id → (file name,
    line number counted from 1)."""
    j = init_journal(str(Path(tmp) / "eval.db"), "eval", ["eval.kirinuki.example"])
    files = sorted(folder.glob("*.txt"))
    import_paths(j, [str(f) for f in files])
    by_link = {"/entry/" + f.stem[:10].replace("-", "/") + "/" + f.stem[11:]: f.name
               for f in files}
    entries: dict[int, str] = {}
    clips: dict[int, tuple[str, int]] = {}
    for eid, link in j.store.conn.execute("SELECT id, permalink FROM entries"):
        name = by_link.get(link)
        if name is None:
            continue
        entries[int(eid)] = name
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        at = 0
        for clip in get_entry(j, str(eid)).clips:
            while at < len(lines) and lines[at] != clip.text:
                at += 1
            if at < len(lines) and clip.id is not None:
                clips[clip.id] = (name, at + 1)
                at += 1
    return j, entries, clips


def _duplicate_sets(groups: list[Any], clips: dict[int, tuple[str, int]],
                    ) -> list[tuple[set[tuple[str, int]], list[str]]]:
    """The groups of clips linked as duplicates (the labels group duplicates only, not
    versions or background): (clips as (file, line), their first characters)."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.setdefault(i, i) != i:
            i = parent[i]
        return i

    text: dict[int, str] = {}
    for gv in groups:
        text.update({c.clip_id: c.text[:40] for c in gv.clips})
        for link in gv.group.links:
            if link.match.kind == "duplicate":
                parent[root(link.a)] = root(link.b)
    sets: dict[int, set[int]] = {}
    for i in list(parent):
        sets.setdefault(root(i), set()).add(i)
    return [({clips[c] for c in ids if c in clips}, [text[c] for c in sorted(ids)])
            for ids in sets.values() if len(ids) > 1]


def journal_scores(folder: Path, miss: Callable[..., None]) -> dict[str, int]:
    """Counts for one labelled journal (folder with *.txt and labels.json)."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    gold = [{(f, int(n)) for f, n in g} for g in labels.get("duplicate_groups", [])]
    with tempfile.TemporaryDirectory() as tmp:
        j, entries, clips = _load(folder, tmp)
        try:
            ids = {name: eid for eid, name in entries.items()}
            out = {"related": 0, "related_right": 0, "groups": 0, "groups_right": 0,
                   "gold_groups": len(gold), "gold_found": 0, "starts": 0, "starts_suggested": 0}
            labelled = {lab["entry"] for lab in labels.get("related", [])}
            for eid, name in entries.items():  # story starts and link dumps: nothing expected
                if name not in labelled and name != min(entries.values()):
                    out["starts"] += 1
                    out["starts_suggested"] += bool(related_entries(j, str(eid), 1))
            for lab in labels.get("related", []):
                out["related"] += 1
                top = related_entries(j, str(ids[lab["entry"]]), 1)
                got = entries.get(top[0].entry_id) if top else None
                if got == lab["top"]:
                    out["related_right"] += 1
                else:
                    miss("related", folder.name, lab["entry"], "want", lab["top"], "got", got,
                         top[0].reasons if top else "")
            found = []
            for members, texts in _duplicate_sets(duplicate_groups(j), clips):
                found.append(members)
                out["groups"] += 1
                if any(members <= g for g in gold):
                    out["groups_right"] += 1
                else:
                    miss("group", folder.name, sorted(members), texts[:4])
            out["gold_found"] = sum(1 for g in gold if g in found)
            for g in gold:
                if g not in found:
                    miss("group not found", folder.name, sorted(g))
            return out
        finally:
            j.close()


def journals_report(folder: Path, miss: Callable[..., None]) -> None:
    if not folder.is_dir():
        return
    total: dict[str, int] = {}
    names = sorted(p for p in folder.iterdir() if (p / "labels.json").exists())
    for p in names:
        for k, v in journal_scores(p, miss).items():
            total[k] = total.get(k, 0) + v

    def ratio(a: str, b: str) -> str:
        return f"{total[a] / total[b]:.3f}" if total.get(b) else "  -  "

    print(f"  journals: {len(names)}; related top-1 accuracy {ratio('related_right', 'related')}"
          f" ({total.get('related', 0)} entries); duplicate groups reported"
          f" {total.get('groups', 0)}, precision {ratio('groups_right', 'groups')}; labelled"
          f" groups found exactly {ratio('gold_found', 'gold_groups')}"
          f" ({total.get('gold_groups', 0)}); entries with no labelled earlier entry given a"
          f" suggestion {total.get('starts_suggested', 0)} of {total.get('starts', 0)}")


def demo_report() -> None:
    """demo/entries, whose README lists the updated pairs and background paragraphs."""
    sys.path.insert(0, str(ROOT / "tests" / "analysis"))
    from test_journal_analysis import DEMO_BACKGROUND, DEMO_VERSIONS

    from kirinuki.analysis.groups import Item, find_groups
    from kirinuki.text.cliptext import parse

    if not DEMO.is_dir():
        return
    items: list[Item] = []
    entry = {f.stem: k for k, f in enumerate(sorted(DEMO.glob("*.txt")))}
    for f in sorted(DEMO.glob("*.txt")):
        when = datetime.strptime(f.stem, "%Y-%m-%d_%H%M%S")
        for c in parse(f.read_text(encoding="utf-8")).clips:
            items.append(Item(len(items), c.text, when=when, entry=entry[f.stem],
                              pos=len(items)))
    groups = find_groups(items)
    versions = [g for g in groups if g.kind == "version"]
    found = sum(1 for old, new, change in DEMO_VERSIONS if any(
        {entry[old], entry[new]} <= {i.entry for i in g.items}
        and any(change in c.describe() for _, _, c in g.changes) for g in versions))
    backgrounds = [{i.entry for i in g.items} for g in groups if g.kind == "background"]
    sets = [{entry[f] for f in files} for files in DEMO_BACKGROUND]
    exact = sum(1 for s in sets if s in backgrounds)
    extra = sum(1 for b in backgrounds if b not in sets)
    print(f"  demo: updated pairs found with their change {found}/{len(DEMO_VERSIONS)};"
          f" background sets found exactly {exact}/{len(sets)}; other background groups {extra};"
          f" version groups {len(versions)}")

