"""CLI commands for publish (not written yet)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the publish commands to `app`."""
