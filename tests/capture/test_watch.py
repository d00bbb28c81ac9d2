"""Watching clipped articles against local servers on 127.0.0.1: conditional requests (304),
429/503 with Retry-After, 404/410, redirects, a changed text becoming a version that
`changes` reports, per-host politeness, the SSRF guard, the schedule and the lock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kirinuki.errors import ConflictError, InputError, NotFoundError
from kirinuki.journal import Journal, open_journal, stats
from kirinuki.journal.capture import clip
from kirinuki.journal.changes import find_changes, parse_since
from kirinuki.journal.watch import (
    add_watch,
    list_watches,
    next_check,
    remove_watch,
    run_watch,
    watch_forever,
    watch_lock,
)
from tests.capture.conftest import data
from tests.conftest import undo_later_migrations, undo_v21

V1, V2 = data("article_v1.html"), data("article_v2.html")


class Answer:
    """One scripted answer: status, headers, body."""

    def __init__(self, status: int = 200, body: bytes = b"", **headers: str) -> None:
        self.status, self.body = status, body
        self.headers = {k.replace("_", "-"): v for k, v in headers.items()}


class WatchServer:
    """A local server answering each path from a script of answers (the last one repeats),
    honouring If-None-Match against an `ETag` header of the answer, recording every request
    and the most requests it served at once per Host header."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[Answer]] = {}
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        self.inflight: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.hooks: dict[str, threading.Barrier] = {}
        self.lock = threading.Lock()
        srv = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                host = self.headers.get("Host", "").split(":")[0]
                headers = {k.lower(): v for k, v in self.headers.items()}
                with srv.lock:
                    srv.seen.append((host, self.path, headers))
                    srv.inflight[host] = srv.inflight.get(host, 0) + 1
                    srv.most[host] = max(srv.most.get(host, 0), srv.inflight[host])
                    script = srv.scripts.get(self.path, [Answer(404, b"not found")])
                    answer = script.pop(0) if len(script) > 1 else script[0]
                try:
                    barrier = srv.hooks.get(self.path)
                    if barrier is not None:
                        barrier.wait()
                    self._send(answer, headers)
                finally:
                    with srv.lock:
                        srv.inflight[host] -= 1

            def _send(self, a: Answer, headers: dict[str, str]) -> None:
                etag = a.headers.get("ETag")
                modified = a.headers.get("Last-Modified")
                if a.status == 200 and ((etag and headers.get("if-none-match") == etag) or (
                        modified and headers.get("if-modified-since") == modified)):
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(a.status)
                if a.status == 200:
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                for k, v in a.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(a.body)))
                self.end_headers()
                self.wfile.write(a.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def script(self, path: str, *answers: Answer) -> str:
        self.scripts[path] = list(answers)
        return self.url(path)

    def requests(self, path: str) -> list[dict[str, str]]:
        return [h for _, p, h in self.seen if p == path]


@pytest.fixture
def site() -> Iterator[WatchServer]:
    srv = WatchServer()
    thread = threading.Thread(target=srv.httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


def _clip(journal: Journal, url: str, match: str = "拘束") -> None:
    clip(journal, url, match=match, tags=["ルスタニア"])


def _run(journal: Journal, **kw: object):  # noqa: ANN202
    sleeps: list[float] = []
    kw.setdefault("everything", True)
    summary = run_watch(journal, sleep=sleeps.append, **kw)  # type: ignore[arg-type]
    return summary, sleeps


def _versions(journal: Journal) -> int:
    return stats(journal).versions


# --- the schedule -----------------------------------------------------------------------------


def test_schedule_is_often_at_first_then_monthly() -> None:
    t0 = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    steps = []
    at = t0
    for _ in range(8):
        at = next_check(t0, at)
        steps.append(at - t0)
    assert steps == [timedelta(hours=1), timedelta(hours=6), timedelta(days=1),
                     timedelta(days=3), timedelta(days=7), timedelta(days=37),
                     timedelta(days=67), timedelta(days=97)]
    # A run that comes late skips the checks it missed instead of catching up on each.
    assert next_check(t0, t0 + timedelta(days=2)) == t0 + timedelta(days=3)
    # A publication date in the future counts from now.
    assert next_check(t0 + timedelta(days=400), t0) == t0 + timedelta(hours=1)


# --- outcomes ----------------------------------------------------------------------------------


def test_clipped_article_is_watched_and_an_etag_304_stores_nothing(
        journal: Journal, site: WatchServer, allow_private: None) -> None:
    url = site.script("/a", Answer(200, V1, ETag='"v1"'))
    _clip(journal, url)
    watched = list_watches(journal)
    assert [w.url for w in watched] == [url] and watched[0].how == "clip"
    summary, _ = _run(journal)
    assert [(r.outcome, r.status) for r in summary.results] == [("unchanged", 304)]
    assert site.requests("/a")[-1]["if-none-match"] == '"v1"'
    assert _versions(journal) == 1
    w = list_watches(journal)[0]
    assert w.last_outcome == "unchanged" and w.checks == 1 and w.next_check is not None
    assert w.next_check > datetime.now(UTC)


def test_last_modified_is_sent_back(journal: Journal, site: WatchServer,
                                    allow_private: None) -> None:
    stamp = "Sat, 08 Jan 2022 05:12:00 GMT"
    url = site.script("/lm", Answer(200, V1, Last_Modified=stamp))
    _clip(journal, url)
    summary, _ = _run(journal)
    assert summary.results[0].outcome == "unchanged" and summary.results[0].status == 304
    assert site.requests("/lm")[-1]["if-modified-since"] == stamp


def test_changed_text_is_a_new_version_and_appears_in_changes(
        journal: Journal, site: WatchServer, allow_private: None) -> None:
    url = site.script("/c", Answer(200, V1, ETag='"v1"'))
    _clip(journal, url)
    _clip(journal, url, match="ミハイロフ首相")  # a paragraph that stays the same
    site.script("/c", Answer(200, V2, ETag='"v2"'))
    summary, _ = _run(journal)
    r = summary.results[0]
    assert r.outcome == "changed" and r.version_id is not None
    assert r.figures == [("3800人以上", "4400人以上")]
    assert _versions(journal) == 2
    again, _ = _run(journal)  # the new ETag is kept: nothing new the second time
    assert again.results[0].outcome == "unchanged" and _versions(journal) == 2
    ch = find_changes(journal)
    assert len(ch.passages) == 1  # the unchanged clipped paragraph is not listed
    p = ch.passages[0]
    assert "3800人以上" in p.old and p.new is not None and "4400人以上" in p.new
    assert p.url == url and p.clipped_version != p.new_version
    assert any(f.startswith("拘束: 3800人以上 → 4400人以上") for f in p.figures), p.figures
    assert ch.entry_ids == {p.clip.entry_id}
    later = find_changes(journal, since=datetime.now(UTC) + timedelta(minutes=5))
    assert later.passages == []


@pytest.mark.parametrize("status", [404, 410])
def test_gone_pages_are_recorded_and_listed_with_their_clips(
        journal: Journal, site: WatchServer, allow_private: None, status: int) -> None:
    url = site.script("/g", Answer(200, V1))
    _clip(journal, url)
    site.script("/g", Answer(status, b"gone"))
    summary, _ = _run(journal)
    r = summary.results[0]
    assert (r.outcome, r.status) == ("gone", status)
    assert r.next_check is not None and r.next_check - datetime.now(UTC) > timedelta(days=29)
    ch = find_changes(journal)
    assert [(g.url, g.status) for g in ch.gone] == [(url, status)]
    assert len(ch.gone[0].clips) == 1 and "3800人以上" in ch.gone[0].clips[0].text
    site.script("/g", Answer(200, V1))  # back again: no longer listed as gone
    _run(journal)
    assert find_changes(journal).gone == []


def test_a_redirect_is_recorded_as_moved(journal: Journal, site: WatchServer,
                                         allow_private: None) -> None:
    url = site.script("/old", Answer(200, V1))
    _clip(journal, url)
    site.script("/old", Answer(301, b"", Location="/new"))
    new = site.script("/new", Answer(200, V1))
    summary, _ = _run(journal)
    r = summary.results[0]
    assert (r.outcome, r.url) == ("moved", new)
    assert _versions(journal) == 1  # same text: no version


def test_429_with_a_short_retry_after_is_waited_for(journal: Journal, site: WatchServer,
                                                    allow_private: None) -> None:
    url = site.script("/busy", Answer(200, V1))
    _clip(journal, url)
    site.script("/busy", Answer(429, b"slow down", Retry_After="3"), Answer(200, V1))
    summary, sleeps = _run(journal)
    assert sleeps == [3.0]
    assert summary.results[0].outcome == "unchanged"
    assert len(site.requests("/busy")) == 3  # the clip, the 429, the retry


def test_a_long_retry_after_pauses_the_host(journal: Journal, site: WatchServer,
                                            allow_private: None) -> None:
    first = site.script("/p1", Answer(200, V1))
    second = site.script("/p2", Answer(200, V1))
    _clip(journal, first)
    _clip(journal, second)
    site.script("/p1", Answer(503, b"maintenance", Retry_After="7200"))
    site.script("/p2", Answer(503, b"maintenance", Retry_After="7200"))
    before = len(site.seen)
    summary, sleeps = _run(journal, jobs=4)
    assert sleeps == []
    assert len(site.seen) == before + 1  # one request, then the host is left alone
    assert [r.outcome for r in summary.results] == ["error"] and summary.postponed == 1
    r = summary.results[0]
    assert r.status == 503 and r.next_check is not None
    assert r.next_check - datetime.now(UTC) > timedelta(minutes=115)
    later, _ = _run(journal)  # even --all leaves a paused host alone
    assert later.results == [] and later.postponed == 2 and len(site.seen) == before + 1


def test_503_without_retry_after_backs_off(journal: Journal, site: WatchServer,
                                           allow_private: None) -> None:
    url = site.script("/b", Answer(200, V1))
    _clip(journal, url)
    site.script("/b", Answer(503, b"busy"))
    summary, sleeps = _run(journal)
    assert sleeps == [1.0, 2.0]  # then the host is paused for 10 minutes
    r = summary.results[0]
    assert r.outcome == "error" and r.next_check is not None
    assert timedelta(minutes=9) < r.next_check - datetime.now(UTC) <= timedelta(minutes=10)


def test_server_errors_back_off_and_do_not_stop_the_others(journal: Journal, site: WatchServer,
                                                           allow_private: None) -> None:
    bad = site.script("/e", Answer(200, V1))
    good = site.script("/ok", Answer(200, V1, ETag='"x"'))
    _clip(journal, bad)
    _clip(journal, good)
    site.script("/e", Answer(500, b"oops"))
    summary, _ = _run(journal)
    by = {r.watch.url: r for r in summary.results}
    assert by[good].outcome == "unchanged"
    assert (by[bad].outcome, by[bad].status) == ("error", 500)
    gap = by[bad].next_check - datetime.now(UTC)  # type: ignore[operator]
    assert timedelta(minutes=55) < gap <= timedelta(hours=1)
    second, _ = _run(journal)
    gap2 = next(r for r in second.results if r.watch.url == bad).next_check - datetime.now(UTC)  # type: ignore[operator]
    assert timedelta(hours=1, minutes=55) < gap2 <= timedelta(hours=2)  # doubled


def test_a_page_with_no_article_text_now_is_an_error_not_a_version(
        journal: Journal, site: WatchServer, allow_private: None) -> None:
    url = site.script("/n", Answer(200, V1))
    _clip(journal, url)
    site.script("/n", Answer(200, data("no_article.html")))
    summary, _ = _run(journal)
    assert summary.results[0].outcome == "error" and _versions(journal) == 1


def test_only_due_articles_are_fetched(journal: Journal, site: WatchServer,
                                       allow_private: None) -> None:
    url = site.script("/d", Answer(200, V1))
    _clip(journal, url)
    before = len(site.seen)
    summary, _ = _run(journal, everything=False)  # next check is in the future
    assert summary.results == [] and len(site.seen) == before
    journal.store.conn.execute("UPDATE watches SET next_check = '2000-01-01T00:00:00+00:00'")
    stop = threading.Event()
    summary, _ = _run(journal, everything=False, stop=stop)
    assert [r.outcome for r in summary.results] == ["unchanged"]
    assert not stop.is_set()  # the caller's event is the caller's (serve --watch goes on)


# --- politeness, guard, lock -------------------------------------------------------------------


def test_one_request_at_a_time_per_host_and_hosts_in_parallel(
        journal: Journal, site: WatchServer, allow_private: None) -> None:
    for i in range(4):
        _clip(journal, site.script(f"/h{i}", Answer(200, V1)))
        _clip(journal, site.script(f"/l{i}", Answer(200, V1)).replace("127.0.0.1", "localhost"))
    # The first request to each host waits for one to the other host: with the hosts fetched
    # one after the other, the barrier would break.
    meet = threading.Barrier(2, timeout=10)
    site.hooks["/h0"] = site.hooks["/l0"] = meet
    site.most.clear()
    summary, _ = _run(journal, jobs=4)
    assert sorted(r.outcome for r in summary.results) == ["unchanged"] * 8
    assert not meet.broken
    assert site.most == {"127.0.0.1": 1, "localhost": 1}


def test_the_ssrf_guard_stays_in_force(journal: Journal, site: WatchServer,
                                       allow_private: None, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    url = site.script("/s", Answer(200, V1))
    _clip(journal, url)
    monkeypatch.delenv("KIRINUKI_ALLOW_PRIVATE")
    before = len(site.seen)
    summary, _ = _run(journal)
    r = summary.results[0]
    assert r.outcome == "error" and "private address" in (r.detail or "")
    assert len(site.seen) == before


def test_one_watcher_per_journal(journal: Journal) -> None:
    # Another process's watcher: another connection to the same journal holds the lock.
    with open_journal(journal.store.path) as other, watch_lock(other), \
            pytest.raises(ConflictError, match="another watcher"):
        run_watch(journal)
    run_watch(journal)  # released with the other watcher


def test_watch_add_and_remove(journal: Journal, site: WatchServer, allow_private: None) -> None:
    url = site.script("/m", Answer(200, V1))
    w = add_watch(journal, url)
    assert (w.url, w.how, w.active) == (url, "manual", True) and _versions(journal) == 1
    assert [x.url for x in list_watches(journal)] == [url]
    remove_watch(journal, url)
    assert list_watches(journal) == []
    with pytest.raises(NotFoundError, match="not watched"):
        remove_watch(journal, url)
    with pytest.raises(NotFoundError, match="no captured article"):
        remove_watch(journal, site.url("/never"))
    # A removed clipped article is not brought back by its clips.
    clipped = site.script("/k", Answer(200, V1))
    _clip(journal, clipped)
    remove_watch(journal, clipped)
    assert list_watches(journal) == []
    with pytest.raises(InputError):
        add_watch(journal, "ftp://example.jp/x")


def test_parse_since(journal: Journal) -> None:
    now = journal.now()
    assert abs((now - parse_since("7d", journal)) - timedelta(days=7)) < timedelta(seconds=5)
    assert parse_since("2026-12-01", journal).day == 1
    for bad in ("yesterday", "7x", "", "-1d"):
        with pytest.raises(InputError, match="--since"):
            parse_since(bad, journal)


def test_background_watcher_runs_and_stops(journal_path: str, journal: Journal,
                                           site: WatchServer, allow_private: None) -> None:
    from kirinuki.journal import open_journal

    url = site.script("/bg", Answer(200, V1, ETag='"1"'))
    _clip(journal, url)
    list_watches(journal)
    journal.store.conn.execute("UPDATE watches SET next_check = '2000-01-01T00:00:00+00:00'")
    stop = threading.Event()
    logs: list[str] = []

    def log(message: str) -> None:
        logs.append(message)
        stop.set()  # one run is enough

    thread = threading.Thread(target=watch_forever, args=(lambda: open_journal(journal_path),
                                                          stop), kwargs={"log": log})
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert logs == ["watch: checked 1 article(s): 1 unchanged"]


def test_serve_watch_runs_the_watcher_in_a_thread(journal_path: str, journal: Journal,
                                                  site: WatchServer, allow_private: None) -> None:
    import time

    from kirinuki.cli.web import _watcher

    url = site.script("/sw", Answer(200, V1, ETag='"1"'))
    _clip(journal, url)
    list_watches(journal)
    journal.store.conn.execute("UPDATE watches SET next_check = '2000-01-01T00:00:00+00:00'")
    before = len(site.requests("/sw"))
    with _watcher(journal_path, True):
        for _ in range(600):  # until the background run has recorded its check
            if list_watches(journal)[0].last_outcome is not None:
                break
            time.sleep(0.05)
    assert list_watches(journal)[0].last_outcome == "unchanged"
    assert len(site.requests("/sw")) == before + 1
    threads = [t.name for t in threading.enumerate()]
    assert "watcher" not in threads  # stopped with the server


@pytest.mark.sqlite_only  # writes the SQLite file directly
def test_a_journal_from_before_v15_keeps_its_tokens(journal_path: str) -> None:
    import sqlite3

    from kirinuki.journal import init_journal, open_journal
    from kirinuki.journal.accounts import check_token, create_token

    with init_journal(journal_path) as j:
        api = create_token(j, "phone", "api")
        pub = create_token(j, "blog", "atompub")
    conn = sqlite3.connect(journal_path, isolation_level=None)
    undo_v21(conn)
    conn.executescript("""
        DROP TABLE watches; DROP TABLE watch_events; DROP TABLE watch_hosts;
        CREATE TABLE t(id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL, scope TEXT NOT NULL CHECK (scope IN ('api', 'atompub')),
            created TEXT NOT NULL, last_used TEXT, revoked INTEGER NOT NULL DEFAULT 0);
        INSERT INTO t SELECT * FROM api_tokens; DROP TABLE api_tokens;
        ALTER TABLE t RENAME TO api_tokens;
    """)
    undo_later_migrations(conn, "V15_WATCH")
    conn.close()
    with open_journal(journal_path) as j:
        assert check_token(j, api.secret).name == "owner"
        assert check_token(j, pub.secret, "atompub").name == "owner"
        feed = create_token(j, "reader", "feed")
        assert feed.id > pub.id and check_token(j, feed.secret, "feed", only=True).id == 1
        assert list_watches(j) == []


def test_an_article_whose_clips_are_in_the_trash_is_not_fetched(
        journal: Journal, site: WatchServer, allow_private: None) -> None:
    from kirinuki.journal.editing import delete_entry
    from kirinuki.journal.trash import restore

    url = site.script("/t", Answer(200, V1))
    res = clip(journal, url, match="拘束", tags=["ルスタニア"])
    assert [w.url for w in list_watches(journal)] == [url]
    delete_entry(journal, str(res.entry.id))
    assert list_watches(journal) == []
    before = len(site.seen)
    summary, _ = _run(journal)
    assert summary.results == [] and len(site.seen) == before
    restore(journal, res.entry.id or 0)
    assert [w.url for w in list_watches(journal)] == [url]
    assert [r.outcome for r in _run(journal)[0].results] == ["unchanged"]
