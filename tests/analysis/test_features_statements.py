"""Entry features read the statements `catch_up_statements` stored instead of extracting
them again, with the same features; groups still to read, or whose texts lose noise before
the features are found, are extracted as before."""

from __future__ import annotations

from kirinuki.journal import story, suggestions


def _features(journal: object) -> list[tuple[object, ...]]:
    conn = journal.store.conn  # type: ignore[attr-defined]
    with journal.store.transaction():  # type: ignore[attr-defined]
        for table in ("entry_features", "entry_suggestions", "suggestion_state"):
            conn.execute(f"DELETE FROM {table}")
    assert suggestions.catch_up_suggestions(journal) >= 50  # type: ignore[arg-type]
    return sorted(conn.execute("SELECT * FROM entry_features"))


def _one_statement(conn: object, noisy: bool) -> tuple[int, int]:
    """(clip, entry) of a stored statement with a speaker, in a group whose texts carry a
    link or hashtag (`noisy`) or none."""
    rows = conn.execute(  # type: ignore[attr-defined]
        "SELECT s.clip_id, g.entry_id, g.id FROM clip_statements s JOIN clips c ON c.id ="
        " s.clip_id JOIN groups g ON g.id = c.group_id WHERE s.speaker_key != ''"
        " ORDER BY s.clip_id").fetchall()
    for clip, entry, group in rows:
        texts = [t for (t,) in conn.execute(  # type: ignore[attr-defined]
            "SELECT text FROM clips WHERE group_id = ?", (group,))]
        if any(("http" in t or "#" in t) for t in texts) == noisy:
            return int(clip), int(entry)
    raise AssertionError("no such statement in the demo journal")


def test_features_from_stored_statements_are_the_extracted_ones(demo_journal) -> None:
    conn = demo_journal.store.conn
    assert story.catch_up_statements(demo_journal) >= 100
    stored = _features(demo_journal)
    with demo_journal.store.transaction():  # every group to read again: extracted
        conn.execute("INSERT OR IGNORE INTO statements_todo(group_id) SELECT id FROM groups")
    assert _features(demo_journal) == stored
    assert len(stored) >= 500


def test_stored_statements_are_read_only_when_up_to_date_and_clean(demo_journal) -> None:
    """A stored speaker changed by hand shows in the features of a clean group (so they are
    read), not once its group is to be read again, and never for a group with noise."""
    conn = demo_journal.store.conn
    story.catch_up_statements(demo_journal)
    clean, clean_entry = _one_statement(conn, noisy=False)
    noisy, noisy_entry = _one_statement(conn, noisy=True)
    with demo_journal.store.transaction():
        for clip, name in ((clean, "カキクケコ大臣"), (noisy, "サシスセソ大臣")):
            conn.execute("UPDATE clip_statements SET speaker_key = ?, speaker = ?"
                         " WHERE clip_id = ? AND n = 1", (name[:5], name, clip))
    speakers = {(e, v) for e, k, v, _ in _features(demo_journal) if k == "speakers"}
    assert (clean_entry, "カキクケコ") in speakers
    assert (noisy_entry, "サシスセソ") not in speakers
    with demo_journal.store.transaction():
        conn.execute("INSERT INTO statements_todo(group_id) SELECT group_id FROM clips"
                     " WHERE id = ?", (clean,))
    speakers = {(e, v) for e, k, v, _ in _features(demo_journal) if k == "speakers"}
    assert (clean_entry, "カキクケコ") not in speakers
