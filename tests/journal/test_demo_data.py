"""The bundled demo journal: enough real-looking material, and every file round-trips."""

from __future__ import annotations

from pathlib import Path

from kirinuki.journal import Journal, entry_text, import_paths, stats, tag_counts

DEMO = Path(__file__).resolve().parents[2] / "demo" / "entries"


def test_demo_data_imports_with_the_promised_volume_and_round_trips(journal: Journal) -> None:
    files = sorted(DEMO.glob("*.txt"))
    summary = import_paths(journal, [str(DEMO)])
    s = stats(journal)
    assert summary.entries_added == len(files) == s.entries >= 40
    assert s.clips >= 300 and s.tags >= 25
    assert s.first is not None and s.last is not None and (s.last - s.first).days >= 120
    assert len([t for t in tag_counts(journal) if t.entries >= 3]) >= 5, "stories span entries"
    for f in files:
        link = "/entry/" + f.stem[:10].replace("-", "/") + "/" + f.stem[11:17]
        assert entry_text(journal, link).encode("utf-8") == f.read_bytes(), f.name
