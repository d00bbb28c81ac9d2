"""Journal settings, stored as one JSON document under the key `journal`."""

from __future__ import annotations

import json
from dataclasses import asdict

from kirinuki.model import Settings
from kirinuki.store.sqlite.db import Store


def load_settings(store: Store) -> Settings:
    """The journal's settings (defaults when none are stored yet)."""
    row = store.conn.execute("SELECT value FROM settings WHERE key = 'journal'").fetchone()
    if row is None:
        return Settings()
    data = json.loads(row[0])
    known = {k: v for k, v in data.items() if k in Settings.__dataclass_fields__}
    return Settings(**known)


def save_settings(store: Store, settings: Settings) -> None:
    """Replace the journal's settings (inside the caller's transaction, or its own)."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO settings(key, value) VALUES ('journal', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (json.dumps(asdict(settings), ensure_ascii=False),),
        )


def load_value(store: Store, key: str) -> object:
    """A JSON value kept under `key` in the settings table (None when absent)."""
    row = store.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None


def save_value(store: Store, key: str, value: object) -> None:
    """Keep a JSON value under `key` (in the caller's transaction, or its own)."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )
