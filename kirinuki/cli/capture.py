"""CLI commands for capture (not written yet)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the capture commands to `app`."""
