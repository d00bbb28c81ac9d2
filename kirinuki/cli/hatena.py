"""`kirinuki hatena …` and the Hatena (Movable Type) export format of `kirinuki export`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape

from kirinuki.cli.common import err, open_from, out
from kirinuki.journal import Journal
from kirinuki.journal.hatena import export_mt, export_mt_file
from kirinuki.journal.hatena_atompub import create_api_key
from kirinuki.journal.hatena_client import check_remote, pull, push
from kirinuki.journal.hatena_oauth import add_oauth_client, list_oauth_clients, revoke_oauth_client

app = typer.Typer(help="Hatena Blog: move a blog in and out, speak its AtomPub API.",
                  no_args_is_help=True)


def write_mt(journal: Journal, output: Path | None) -> None:
    """`kirinuki export --format hatena`: the MT export to stdout or (atomically) a file."""
    if output is None:
        export_mt(journal, sys.stdout)
        sys.stdout.flush()
    else:
        n = export_mt_file(journal, output)
        out.print(f"wrote {n} entries to {output} (Movable Type format, Hatena Blog imports it)")


@app.command("key")
def key_cmd(ctx: typer.Context,
            name: str = typer.Option("atompub", "--name", help="A label for the key."),
            user: str = typer.Option(None, "--user", help="The account the key writes as, "
                                     "with its role (default: the owner).")) -> None:
    """Create an AtomPub API key (WSSE and Basic), printed once: give it to your client."""
    with open_from(ctx) as j:
        secret = create_api_key(j, name, user)
    err.print("AtomPub key created (revoke with `kirinuki token revoke`); use it as api_key:")
    typer.echo(secret)


oauth_app = typer.Typer(help="OAuth 1.0a clients of the AtomPub API.", no_args_is_help=True)
app.add_typer(oauth_app, name="oauth")


@oauth_app.command("add")
def oauth_add_cmd(ctx: typer.Context,
                  name: str = typer.Option("oauth", "--name", help="A label for the client."),
                  user: str = typer.Option(None, "--user", help="The account the client acts "
                                           "as, with its role (default: the first owner)."),
                  ) -> None:
    """Create a consumer key and an access token, secrets printed once: give all four to
    the client. It writes as `--user` (entries record that account as author)."""
    with open_from(ctx) as j:
        c = add_oauth_client(j, name, user)
    err.print(f"OAuth client {c.id} created (revoke with `kirinuki hatena oauth revoke "
              f"{c.id}`); the secrets are not shown again:")
    typer.echo(f"consumer_key={c.consumer_key}\nconsumer_secret={c.consumer_secret}\n"
               f"access_token={c.token}\naccess_token_secret={c.token_secret}")


@oauth_app.command("list")
def oauth_list_cmd(ctx: typer.Context) -> None:
    """OAuth clients: id, name, consumer key, created, revoked (no secrets)."""
    with open_from(ctx) as j:
        clients = list_oauth_clients(j)
    for c in clients:
        state = f"revoked {c.revoked:%Y-%m-%d %H:%M}" if c.revoked else "live"
        out.print(f"{c.id}\t{escape(c.name)}\t{c.consumer_key}\t"
                  f"{c.created:%Y-%m-%d %H:%M}\t{state}", highlight=False)
    if not clients:
        err.print("no OAuth clients (create one with `kirinuki hatena oauth add`)")


@oauth_app.command("revoke")
def oauth_revoke_cmd(ctx: typer.Context,
                     client_id: int = typer.Argument(..., help="The client's id.")) -> None:
    """Revoke an OAuth client: its requests are refused from now on."""
    with open_from(ctx) as j:
        revoke_oauth_client(j, client_id)
    out.print(f"revoked OAuth client {client_id}")


_USER = typer.Option(..., "--user", "-u", help="Hatena id (the blog owner).")
_BLOG = typer.Option(..., "--blog", "-b", help="Blog id, e.g. d1021.hatenadiary.jp.")
_KEY = typer.Option(..., "--key", envvar="HATENA_API_KEY", help="The blog's API key.")
_ENDPOINT = typer.Option(None, "--endpoint", help="API origin (default Hatena's).")


@app.command("pull")
def pull_cmd(ctx: typer.Context, user: str = _USER, blog: str = _BLOG, key: str = _KEY,
             endpoint: str = _ENDPOINT,
             restart: bool = typer.Option(False, "--restart", help="Ignore an interrupted pull."),
             ) -> None:
    """Bring a Hatena blog's entries in over AtomPub (resumes an interrupted pull)."""
    remote = check_remote(user, blog, key, endpoint)
    with open_from(ctx) as j:
        s = pull(j, remote, restart=restart)
    out.print(f"pulled {s.pages} page(s): entries {s.added} added, {s.updated} updated, "
              f"{s.unchanged} unchanged")
    for problem in s.problems:
        err.print(f"[yellow]not brought in:[/] {escape(problem)}")
    for change in s.changed:
        err.print(f"[yellow]changed:[/] {escape(change)}")


@app.command("push")
def push_cmd(ctx: typer.Context, user: str = _USER, blog: str = _BLOG, key: str = _KEY,
             endpoint: str = _ENDPOINT,
             entry: str = typer.Option(None, "--entry", "-e", help="Only this entry (id or "
                                       "permalink)."),
             ) -> None:
    """Publish entries to a Hatena blog over AtomPub: new ones are created, others updated."""
    remote = check_remote(user, blog, key, endpoint)
    with open_from(ctx) as j:
        s = push(j, remote, entry)
    out.print(f"pushed: entries {s.added} created, {s.updated} updated")


def register(root: typer.Typer) -> None:
    """Add the `hatena` command group to `root`."""
    root.add_typer(app, name="hatena")
