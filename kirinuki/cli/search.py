"""CLI commands for search (not written yet)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the search commands to `app`."""
