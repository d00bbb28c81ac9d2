"""CLI commands for analysis (not written yet)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the analysis commands to `app`."""
