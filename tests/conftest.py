"""Shared fixtures: fresh journals, the CLI runner, the seed sample."""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import gc
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import types
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from kirinuki.journal import Journal, init_journal, open_journal
from kirinuki.store import is_url

# Rich fixes a console's width from COLUMNS when the console is made (at the CLI's import);
# made without it, the consoles read COLUMNS at each print, as the tests set it per command.
os.environ.pop("COLUMNS", None)
import kirinuki.cli.common  # noqa: E402, F401

# The share of each property test's examples that a run tries: a quarter by default (the
# default suite stays quick), all of them in CI (.ci/run sets KIRINUKI_EXAMPLES=1), more for a
# deeper hunt (KIRINUKI_EXAMPLES=4).
EXAMPLE_SHARE = float(os.environ.get("KIRINUKI_EXAMPLES", "0.25"))


def examples(full: int) -> int:
    """How many examples a property test written for `full` of them tries in this run."""
    return max(1, round(full * EXAMPLE_SHARE))


# No wall-clock limit on any property test: under load a 200 ms example deadline failed a
# correct test (the standards forbid wall-clock limits in unit tests). A test that names no
# count gets the share of Hypothesis's own default (100).
settings.register_profile("kirinuki", deadline=None, max_examples=examples(100))
settings.load_profile("kirinuki")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def _seed_path(root: Path) -> Path:
    """The sample: KIRINUKI_SEED, else ../shared beside the checkout, else ../shared beside
    the main checkout of a git worktree (its `.git` file names the main `.git`)."""
    if os.environ.get("KIRINUKI_SEED"):
        return Path(os.environ["KIRINUKI_SEED"])
    name = Path("shared") / "seed" / "000_4638226074035248.txt"
    here = root.parent / name
    git = root / ".git"
    if here.exists() or not git.is_file():
        return here
    line = git.read_text(encoding="utf-8").strip()  # gitdir: <main>/.git/worktrees/<name>
    if not line.startswith("gitdir:"):
        return here
    main_git = Path(line.split(":", 1)[1].strip()).parent.parent
    other = main_git.parent.parent / name
    return other if other.exists() else here

SEED = _seed_path(ROOT)

_templates: dict[str, Path] = {}


@functools.cache
def _template_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kirinuki-templates-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def journal_copy(name: str, build: Callable[[str], object], path: str | Path) -> None:
    """Put at `path` a copy of the journal file that `build(file)` makes and closes, built
    once per test process under `name`: a copy costs a millisecond, where a new journal's
    schema costs tens of them and an import more."""
    template = _templates.get(name)
    if template is None:
        template = _template_folder() / f"{name}.db"
        build(str(template))  # a journal closed is one file: the WAL is checkpointed
        _templates[name] = template
    shutil.copyfile(template, path)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """argon2id at its lowest cost: the cost is the library's (tuned to be slow on purpose),
    and at ~0.4 s of CPU a hash it made every sign-in of the suite slow. Hashing, verifying
    and refusing go through the same code; the hashes stored name their own parameters."""
    from argon2 import PasswordHasher

    from kirinuki.journal import accounts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                          parallelism=1))
        yield


@pytest.fixture(scope="session", autouse=True)
def _commands_built_once() -> Iterator[None]:
    """Typer's test runner turns the app into Click commands at every invocation (a whole
    command tree, tens of milliseconds); a process running `kirinuki` builds them once, and
    so do the tests now, per Typer app."""
    import typer.testing

    built: dict[int, tuple[object, object]] = {}
    real = typer.testing._get_command

    def get_command(app):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
        if id(app) not in built:
            built[id(app)] = (app, real(app))  # the app is kept: its id is not reused
        return built[id(app)][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", get_command)
        yield


@pytest.fixture(scope="session", autouse=True)
def _routes_prepared_once() -> Iterator[None]:
    """FastAPI prepares each route of an app (its parameters' pydantic fields, the dependency
    tree) at the app's first request: ~80 ms of CPU that a serve process spends once and a
    test process at every test that makes an app. Prepared here once per route and inclusion
    for every app of the process, without overrides of dependencies (no test sets any)."""
    try:
        from fastapi.routing import _EffectiveRouteContext
    except ImportError:  # another FastAPI: each app prepares its own routes
        yield
        return
    real = _EffectiveRouteContext.from_api_route
    prepared: dict[tuple[int, str], tuple[object, object]] = {}
    no_overrides = types.SimpleNamespace(dependency_overrides={})

    def from_api_route(cls, *, original_route, include_context):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
        shared = dataclasses.replace(include_context, dependency_overrides_provider=no_overrides)
        key = (id(original_route), repr(shared))
        if key not in prepared:  # the route is kept: its id is not reused
            prepared[key] = (original_route, real(original_route=original_route,
                                                  include_context=shared))
        return prepared[key][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_EffectiveRouteContext, "from_api_route", classmethod(from_api_route))
        yield


@pytest.fixture(scope="session", autouse=True)
def _new_journals_from_a_template() -> Iterator[None]:
    """A new SQLite journal gets its content copied from one that the migrations made once per
    process: SQLite reads the whole schema again at each ALTER TABLE of the migrations, and
    the suite makes hundreds of journals. The copy is the same file (schema, rows, page size,
    encoding, version: `tests/test_test_folders.py` compares them); a journal of an older
    version still goes through the migrations after its own."""
    from kirinuki.store.sqlite import db

    real = db.migrate
    template = _template_folder() / "new-journal.db"
    making = threading.Lock()  # web tests make journals in server threads too

    @functools.wraps(real)
    def migrate(conn: sqlite3.Connection, version: int) -> None:
        if version != 0:
            real(conn, version)
            return
        with making:
            if not template.exists():
                made = db._connect(str(template))
                real(made, 0)
                made.close()
        with contextlib.closing(sqlite3.connect(template)) as source:
            source.backup(conn)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db, "migrate", migrate)
        yield


@pytest.fixture(autouse=True)
def _no_full_collection_at_app_start(request: pytest.FixtureRequest,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The web app runs a full collection before freezing each context it builds; in a test
    process holding every test module that costs more than most tests. Tests that check what
    is collected ask for `real_gc`. (The app's modules are loaded by the collection of the
    test modules that use them: nothing is imported here.)"""
    live = sys.modules.get("kirinuki.web.live")
    if live is None or "real_gc" in request.fixturenames:
        return
    monkeypatch.setattr(live, "gc", types.SimpleNamespace(
        collect=lambda *_a: 0, freeze=gc.freeze, unfreeze=gc.unfreeze))


@pytest.fixture
def real_gc() -> None:
    """The web app's full collection at each context build, as in production."""


@pytest.fixture
def seed_text() -> str:
    """The real sample entry; skips when ../shared is absent."""
    if not SEED.exists():
        pytest.skip(f"the real sample page is not here ({SEED}): it lives in ../shared beside "
                    "the checkout, or set KIRINUKI_SEED to its path")
    return SEED.read_text(encoding="utf-8")


# PostgreSQL for the `database` tests, and for the whole suite when KIRINUKI_TEST_BACKEND is
# `postgresql` (.ci/run runs the store, journal and search suites that way too).
PG_SERVER = os.environ.get("KIRINUKI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "kirinuki_test"


def _pg_admin():  # noqa: ANN202
    psycopg = pytest.importorskip("psycopg")
    try:
        conn = psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"no PostgreSQL server at {PG_SERVER} ({exc}); .ci/run starts one")
    return conn


@contextlib.contextmanager
def fresh_pg_journal() -> Iterator[str]:
    """The URL of an empty schema of its own in the test database; dropped afterwards."""
    admin = _pg_admin()
    try:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                         (PG_DATABASE,)).fetchone() is None:
            with contextlib.suppress(Exception):  # another test process made it meanwhile
                admin.execute(f"CREATE DATABASE {PG_DATABASE}")
    finally:
        admin.close()
    import psycopg

    base = PG_SERVER.rsplit("/", 1)[0] + "/" + PG_DATABASE
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = f"{base}?options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
        from kirinuki.store.postgres.db import close_pools

        close_pools(url)
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_journal_path() -> Iterator[str]:
    """A PostgreSQL journal URL (not yet initialised) in a schema of its own."""
    with fresh_pg_journal() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.database)])
def any_journal_path(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A journal path for each backend: a SQLite file, then a PostgreSQL URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "j.db")
    else:
        with fresh_pg_journal() as url:
            yield url


@pytest.fixture
def journal_path(tmp_path: Path) -> Iterator[str]:
    """Path of a journal file (not yet created) in a temporary folder; a PostgreSQL URL when
    KIRINUKI_TEST_BACKEND=postgresql."""
    if os.environ.get("KIRINUKI_TEST_BACKEND") == "postgresql":
        with fresh_pg_journal() as url:
            yield url
    else:
        yield str(tmp_path / "j.db")


TITLE, HOSTS = "テスト帳", ["kirinuki.test", "www.kirinuki.test"]


@pytest.fixture
def journal(journal_path: str) -> Iterator[Journal]:
    """A fresh, empty journal with two hosts (a SQLite one is a copy of one made once)."""
    if is_url(journal_path):
        j = init_journal(journal_path, TITLE, HOSTS)
    else:
        journal_copy("empty", lambda p: init_journal(p, TITLE, HOSTS).close(), journal_path)
        j = open_journal(journal_path)
    yield j
    j.close()


class Cli:
    """Runs `kirinuki` in-process against one journal file."""

    def __init__(self, journal: str) -> None:
        self.journal = journal
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None):  # noqa: ANN204
        from kirinuki.cli.main import app

        env = {"KIRINUKI_JOURNAL": self.journal, "COLUMNS": "200"}
        return self.runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)


@pytest.fixture
def cli(journal_path: str) -> Cli:
    """A CLI runner bound to a temporary journal path (run `init` first where needed)."""
    os.environ.pop("KIRINUKI_JOURNAL", None)
    return Cli(journal_path)


def undo_v23(conn: sqlite3.Connection) -> None:
    """Take V23_OAUTH_USER back out of a fresh journal (nothing happens when it is out)."""
    columns = [r[1] for r in conn.execute("PRAGMA table_info(oauth_clients)")]
    if "user_id" in columns:
        conn.execute("ALTER TABLE oauth_clients DROP COLUMN user_id")


def undo_v21(conn: sqlite3.Connection) -> None:
    """Take V21_TEAM (and the later V23) back out of a fresh journal: the owner's row into
    `web_owner` again (nothing happens when it is out already)."""
    undo_v23(conn)
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'users'").fetchone():
        return
    conn.execute("CREATE TABLE web_owner(id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT "
                 "NULL, password_hash TEXT NOT NULL, updated TEXT NOT NULL)")
    conn.execute("INSERT INTO web_owner SELECT id, name, password_hash, created FROM users "
                 "WHERE id = 1 AND password_hash IS NOT NULL")
    conn.execute("DROP TABLE users")
    conn.execute("DELETE FROM id_marks WHERE name = 'users'")
    for table, column in (("entries", "revision"), ("entries", "author"),
                          ("web_sessions", "user_id"), ("api_tokens", "user_id")):
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def undo_later_migrations(conn: sqlite3.Connection, before: str) -> None:
    """Make a fresh journal look written before migration `before` (its name in
    `store.sqlite.migrations`): later migrations that cannot run twice are undone (the others
    create what is missing), then `user_version` is set just below it."""
    from kirinuki.store.sqlite import migrations

    target = migrations.MIGRATIONS.index(getattr(migrations, before))
    if target <= migrations.MIGRATIONS.index(migrations.V23_OAUTH_USER):
        undo_v23(conn)
    if target <= migrations.MIGRATIONS.index(migrations.V21_TEAM):
        undo_v21(conn)
    if target <= migrations.MIGRATIONS.index(migrations.V17_HATENA_MT):
        conn.execute("DROP TABLE entry_categories")
        conn.execute("ALTER TABLE entries DROP COLUMN categories")
        conn.execute("ALTER TABLE entries DROP COLUMN origin")
    conn.execute(f"PRAGMA user_version = {target}")
# Test files of few but long tests, run first: pytest-xdist hands out the files with the most
# tests first, and these, left for the end, kept one process busy while the other one idled.
RUN_FIRST = ("tests/publish/test_publish_property.py", "tests/search/test_search_property.py",
             "tests/test_glossary.py", "tests/publish/test_publish_increment.py",
             "tests/cli/test_cli_main.py", "tests/journal/test_copy.py",
             "tests/analysis/test_sketch_cache.py", "tests/test_readme.py")


def by_file(items: list[pytest.Item]) -> list[pytest.Item]:
    """`items` grouped by file: the RUN_FIRST files in that order, then files with more tests
    before files with fewer; each file's tests in their own order."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    first = {name: k for k, name in enumerate(RUN_FIRST)}
    order = sorted(files, key=lambda f: (first.get(f, len(first)), -len(files[f])))
    return [item for f in order for item in files[f]]


def pytest_configure(config: pytest.Config) -> None:
    # xdist's own reordering (by test count) would undo `by_file`.
    if getattr(config.option, "loadscopereorder", None):
        config.option.loadscopereorder = False
    if not hasattr(config, "workerinput"):  # a worker is handed its folder by the controller
        _test_folders_in_memory(config)


SHM, SHM_ROOM = Path("/dev/shm"), 4 << 30


def _test_folders_in_memory(config: pytest.Config) -> None:
    """Test folders (`tmp_path`) under /dev/shm when `memory_folder` allows: the suite writes
    ~17,000 files and its SQLite journals sync, which on disk cost half its system CPU.
    `--basetemp` or PYTEST_DEBUG_TEMPROOT chosen by the caller win."""
    if config.option.basetemp or "PYTEST_DEBUG_TEMPROOT" in os.environ:
        return
    folder = memory_folder(SHM)
    if folder is not None:  # pytest's own numbered folders there, kept and removed as in /tmp
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(folder)


def memory_folder(shm: Path, meminfo: Path = Path("/proc/meminfo")) -> Path | None:
    """`shm` if it is a folder that runs programs (the README test runs a shim from one) with
    SHM_ROOM free in it and in memory (MemAvailable), else None."""
    try:
        stat = os.statvfs(shm)
        lines = meminfo.read_text(encoding="ascii").splitlines()
    except OSError:
        return None
    available = [int(line.split()[1]) << 10 for line in lines if line.startswith("MemAvailable:")]
    if stat.f_flag & getattr(os, "ST_NOEXEC", 0) or not shm.is_dir():
        return None
    room = stat.f_bavail * stat.f_frsize >= SHM_ROOM and bool(available)
    return shm if room and available[0] >= SHM_ROOM else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files in `by_file` order (unless --ff or --nf asks for another); with
    KIRINUKI_TEST_BACKEND=postgresql, tests of the SQLite file itself are skipped."""
    if not (config.getoption("failedfirst", False) or config.getoption("newfirst", False)):
        items[:] = by_file(items)  # (--ff and --nf order the tests their own way)
    if os.environ.get("KIRINUKI_TEST_BACKEND") != "postgresql":
        return
    skip = pytest.mark.skip(reason="a test of the SQLite file itself")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)
