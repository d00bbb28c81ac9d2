"""`serve`, `user add|list|role|remove|set-password|sign-in-code`, `token create|list|revoke`."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from kirinuki.cli.common import err, journal_arg, open_from, out
from kirinuki.errors import InputError
from kirinuki.journal.accounts import (
    CODE_MINUTES,
    ROLES,
    add_user,
    create_sign_in_code,
    create_token,
    list_tokens,
    list_users,
    remove_user,
    revoke_token,
    set_password,
    set_role,
)

user_app = typer.Typer(help="The accounts of the web app (owner, editors, readers).",
                       no_args_is_help=True)
_ROLE_HELP = "owner (everything), editor (writes entries) or reader (reads drafts, writes nothing)"
token_app = typer.Typer(help="API tokens for the web app's JSON API.", no_args_is_help=True)


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Server processes (each keeps its own page cache)."),
    watch: bool = typer.Option(False, "--watch", help="Also run the watcher in the background: "
                               "re-fetch watched articles when they are due."),
) -> None:
    """Serve the journal as a web app (reading, search, composer, JSON API)."""
    import os

    import uvicorn

    from kirinuki.web import create_app
    from kirinuki.web.app import JOURNAL_ENV

    path = journal_arg(ctx)
    app = create_app(path)  # opens the journal: a missing or broken one fails here, once
    shown = f"[{host}]" if ":" in host else host
    err.print(f"kirinuki: serving on http://{shown}:{port}/  (sign in at /signin; set the "
              "password with `kirinuki user set-password`)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print("[yellow]warning:[/] listening beyond this machine; put it behind https")
    with _watcher(path, watch):
        if workers == 1:
            uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)
            return
        app.state.web.close()
        os.environ[JOURNAL_ENV] = path  # each worker process opens the journal from here
        from kirinuki.web.serving import serve_workers

        try:
            status = serve_workers(workers, host, port)
        except OSError as e:
            raise InputError(f"cannot listen on {shown}:{port}: {e.strerror or e}") from e
    if status:
        raise typer.Exit(status)


@contextmanager
def _watcher(path: str, on: bool) -> Iterator[None]:
    """With `on`, the watcher runs in a thread of this process (the parent of --workers) for
    the block; its lock keeps it the only one on the journal."""
    if not on:
        yield
        return
    import threading

    from kirinuki.journal import open_journal
    from kirinuki.journal.watch import watch_forever

    stop = threading.Event()
    thread = threading.Thread(target=watch_forever, args=(lambda: open_journal(path), stop),
                              kwargs={"log": lambda m: err.print(m, markup=False)},
                              name="watcher", daemon=True)
    thread.start()
    err.print("kirinuki: watching clipped articles in the background (`kirinuki changes`)")
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The user name (ASCII letters, digits, . _ -)."),
    role: str = typer.Option("editor", "--role", help=_ROLE_HELP),
) -> None:
    """Add an account; give it a password with `user set-password NAME`."""
    with open_from(ctx) as j:
        user = add_user(j, name, role)
    out.print(f"user {user.name} added ({user.role}); set its password with "
              f"`kirinuki user set-password {user.name}`", markup=False)


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """List the accounts: name, role, whether a password is set."""
    with open_from(ctx) as j:
        users = list_users(j)
    for u in users:
        out.print(f"{u.name}\t{u.role}\t{'password set' if u.has_password else 'no password'}",
                  markup=False)


@user_app.command("role")
def user_role(ctx: typer.Context, name: str = typer.Argument(...),
              role: str = typer.Argument(..., help=_ROLE_HELP)) -> None:
    """Change an account's role (a journal keeps at least one owner)."""
    if role not in ROLES:
        raise InputError(f"unknown role {role!r} (use one of {', '.join(ROLES)})")
    with open_from(ctx) as j:
        set_role(j, name, role)
    out.print(f"user {name} is now {role}", markup=False)


@user_app.command("remove")
def user_remove(ctx: typer.Context, name: str = typer.Argument(...)) -> None:
    """Remove an account: its sessions end and its tokens are revoked; entries keep its name
    as their author."""
    with open_from(ctx) as j:
        remove_user(j, name)
    out.print(f"user {name} removed", markup=False)


@user_app.command("set-password")
def set_password_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(None, help="The account (default: the owner)."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the password from standard input."),
) -> None:
    """Set an account's password (signs its browsers out)."""
    if password_stdin:
        password = typer.get_text_stream("stdin").readline().rstrip("\r\n")
    else:
        password = getpass.getpass("new password: ")
        if getpass.getpass("again: ") != password:
            raise InputError("the passwords differ")
    with open_from(ctx) as j:
        set_password(j, password, name)
    out.print("password set")


@user_app.command("sign-in-code")
def sign_in_code_cmd(ctx: typer.Context) -> None:
    """Print a one-time sign-in code: with the password it signs in even where failed
    attempts have locked sign-in; it expires after a few minutes and works once."""
    with open_from(ctx) as j:
        code, expires = create_sign_in_code(j)
    err.print(f"one-time sign-in code, valid until {expires.astimezone():%H:%M} "
              f"({CODE_MINUTES} minutes), usable once; enter it with the password at /signin:")
    typer.echo(code)


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: str = typer.Option("token", "--name", help="A label to recognise the token by."),
    atompub: bool = typer.Option(False, "--atompub", help="Limit the token to AtomPub."),
    feed: bool = typer.Option(False, "--feed", help="Limit the token to reading the feed of "
                              "changes (/changes.atom?token=…)."),
    user: str = typer.Option(None, "--user", help="The account the token acts as, with its "
                             "role (default: the owner)."),
) -> None:
    """Create an API token; it is printed once and never stored."""
    if atompub and feed:
        raise InputError("give --atompub or --feed, not both")
    with open_from(ctx) as j:
        token = create_token(j, name, "atompub" if atompub else "feed" if feed else "api",
                             user)
    err.print(f"token {token.id} ({token.scope}) created; keep it secret, it is shown once:")
    typer.echo(token.secret)


@token_app.command("list")
def token_list(ctx: typer.Context) -> None:
    """List API tokens (never their secrets)."""
    with open_from(ctx) as j:
        rows = list_tokens(j)
    for t in rows:
        used = t.last_used.isoformat() if t.last_used else "never used"
        state = "revoked" if t.revoked else "live"
        out.print(f"{t.id}\t{t.scope}\t{state}\t{t.name}\t{used}", markup=False)


@token_app.command("revoke")
def token_revoke(ctx: typer.Context, token_id: int = typer.Argument(...)) -> None:
    """Revoke an API token."""
    with open_from(ctx) as j:
        revoke_token(j, token_id)
    out.print(f"token {token_id} revoked")


def register(app: typer.Typer) -> None:
    """Add the web commands to the root app."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
