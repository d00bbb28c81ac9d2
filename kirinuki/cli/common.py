"""What every command shares: the journal option, consoles, JSON output."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress, TaskID

from kirinuki.config import journal_path
from kirinuki.errors import KirinukiError
from kirinuki.journal import Journal, open_journal

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def journal_arg(ctx: typer.Context) -> str:
    """The journal path chosen by --journal / $KIRINUKI_JOURNAL / default."""
    obj = ctx.find_root().obj or {}
    return journal_path(obj.get("journal"))


def open_from(ctx: typer.Context) -> Journal:
    """Open the journal chosen for this command, writing as the account named by --as (the
    owner by default). Raises NotFoundError for an unknown account, ForbiddenError for a
    reader."""
    from kirinuki.journal.accounts import get_user, require_writer

    j = open_journal(journal_arg(ctx))
    try:
        name = (ctx.find_root().obj or {}).get("as")
        user = get_user(j, name)
        if name is not None:
            require_writer(user)
    except KirinukiError:
        j.close()
        raise
    j.store.author = user.name
    return j


def print_json(data: Any) -> None:
    """Print `data` as JSON (UTF-8, not ASCII-escaped) on standard output."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fmt_date(dt: datetime | None) -> str:
    """A short local date-time, or 'undated'."""
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "undated"


class LazyProgress:
    """A progress callback that shows a Rich bar only once work has lasted half a second."""

    def __init__(self, label: str, delay: float = 0.5) -> None:
        self.label = label
        self.delay = delay
        self.start = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.start < self.delay:
                return
            self.bar = Progress(console=err, transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        assert self.task is not None
        self.bar.update(self.task, completed=done, total=total)

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
