"""The journal's settings as a user sees and sets them (`kirinuki settings`).

Security settings (today `fetch.allow_private`, which turns the SSRF guard off) are set here
and nowhere else: an import never brings them in, an export never carries them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from kirinuki.config import TRUE_WORDS
from kirinuki.errors import InputError
from kirinuki.journal.core import Journal, clean_host, update_settings, zone
from kirinuki.model import Settings

FALSE_WORDS = frozenset({"0", "false", "no"})
RAW_COPY_CAPS = ("all", "first-last", "none")  # journal/rawcopies.py applies them


@dataclass(frozen=True)
class SettingInfo:
    """One setting: its name for users, its `Settings` field, how values are read."""

    key: str
    field: str
    help: str
    many: bool = False  # takes several values (a list)
    security: bool = False  # set only with `kirinuki settings set`


SETTINGS: dict[str, SettingInfo] = {s.key: s for s in (
    SettingInfo("title", "title", "the journal's title"),
    SettingInfo("hosts", "hosts", "host names the journal is published under; the first is "
                "canonical", many=True),
    SettingInfo("header_links", "header_links", "links at the head of new entries", many=True),
    SettingInfo("footer", "footer", "the footer line of new entries (empty: none)"),
    SettingInfo("timezone", "timezone", "time zone of dates and permalinks"),
    SettingInfo("site.version_notes", "version_notes",
                "say on published entry pages which clips update an earlier version (true/false)"),
    SettingInfo("fetch.allow_private", "fetch_allow_private",
                "let clip/feeds reach private and loopback addresses (turns the SSRF guard "
                "off)", security=True),
    SettingInfo("capture.raw_copies", "raw_copies", "which raw copies of fetched pages each "
                "article keeps: all, first-last or none (applied when a version is stored)"),
)}
SECURITY_FIELDS = frozenset(s.field for s in SETTINGS.values() if s.security)


def _flag(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InputError(f"expected true or false (1/0, yes/no), not {value!r}")


def _url(value: str) -> str:
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise InputError(f"not an http(s) URL: {value!r}")
    return value


def _text(value: str) -> str:
    if not value.strip() or "\n" in value or "\r" in value:
        raise InputError("expected one non-empty line of text")
    return value


def _footer(value: str) -> str | None:
    return _text(value) if value.strip() else None


def _raw_copies(value: str) -> str:
    word = value.strip().lower()
    if word not in RAW_COPY_CAPS:
        raise InputError(f"capture.raw_copies: use one of {', '.join(RAW_COPY_CAPS)}, "
                         f"not {value!r}")
    return word


def _zone(value: str) -> str:
    zone(value)
    return value


_READERS: dict[str, Callable[[str], Any]] = {
    "title": _text, "hosts": clean_host, "header_links": _url, "footer": _footer,
    "timezone": _zone, "fetch_allow_private": _flag, "raw_copies": _raw_copies,
    "version_notes": _flag,
}


def settings_view(journal: Journal) -> dict[str, object]:
    """Every setting by its key, with its current value."""
    return {s.key: getattr(journal.settings, s.field) for s in SETTINGS.values()}


def set_setting(journal: Journal, key: str, values: list[str]) -> object:
    """Set `key` to `values` (several for a list setting) and return the stored value.
    Raises InputError for an unknown key or a bad value; nothing changes then."""
    info = SETTINGS.get(key)
    if info is None:
        raise InputError(f"unknown setting {key!r} (known: {', '.join(SETTINGS)})")
    if not info.many and len(values) != 1:
        raise InputError(f"{key} takes one value")
    read = _READERS[info.field]
    value: Any = [read(v) for v in values] if info.many else read(values[0])
    changes: dict[str, Any] = {info.field: value}
    update_settings(journal, replace(journal.settings, **changes))
    return value


def _checked(field: str, value: object) -> object:
    """An imported value, checked as `set_setting` would; raises InputError."""
    read = _READERS[field]
    if field in ("hosts", "header_links"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{field} must be a list of strings")
        return [read(v) for v in value]
    if field == "footer" and value is None:
        return None
    if field == "version_notes" and isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise InputError(f"{field} must be a string")
    return read(value)


def ignored_security_settings(journal: Journal, record: dict[str, Any]) -> list[str]:
    """The security settings a JSON Lines `journal` record carries that differ from the
    journal's, as `key=value`: an import reports them as not imported."""
    return [f"{s.key}={record[s.field]!r}" for s in SETTINGS.values()
            if s.security and s.field in record
            and record[s.field] != getattr(journal.settings, s.field)]


def imported_settings(journal: Journal, record: dict[str, Any]) -> Settings:
    """The journal's settings with those a JSON Lines `journal` record sets, checked as
    `set_setting` checks them; security settings are left as they are.
    Raises InputError for a bad value."""
    fields: dict[str, Any] = {s.field: _checked(s.field, record[s.field])
                              for s in SETTINGS.values() if not s.security and s.field in record}
    return replace(journal.settings, **fields)
