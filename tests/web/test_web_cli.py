"""`kirinuki user set-password`, `kirinuki token create|list|revoke`, `kirinuki serve --help`."""

from __future__ import annotations

from kirinuki.journal import open_journal
from kirinuki.journal.accounts import check_token, has_owner


def test_set_password_and_tokens(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "--title", "t").exit_code == 0
    r = cli("user", "set-password", "--password-stdin", input="short\n")
    assert r.exit_code != 0 and "at least" in r.output
    r = cli("user", "set-password", "--password-stdin", input="a long enough password\n")
    assert r.exit_code == 0
    r = cli("token", "create", "--name", "laptop")
    assert r.exit_code == 0
    secret = r.stdout.strip().splitlines()[-1]
    assert secret.startswith("knk_")
    with open_journal(cli.journal) as j:
        assert has_owner(j)
        assert check_token(j, secret).name == "owner"
    assert "laptop" in cli("token", "list").stdout
    assert cli("token", "revoke", "1").exit_code == 0
    assert "revoked" in cli("token", "list").stdout
    assert cli("token", "revoke", "1").exit_code != 0


def test_serve_defaults_to_loopback(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("serve", "--help")
    assert r.exit_code == 0 and "127.0.0.1" in r.stdout and "8000" in r.stdout
