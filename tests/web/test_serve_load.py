"""bench/serve_load.py: wrk's report is read right, and the asyncio fallback drives a server."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import serve_load  # noqa: E402

WRK = """Running 30s test @ http://127.0.0.1:41234
  1 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.51ms    2.10ms  40.12ms   90.00%
    Req/Sec    13.65k     1.20k   15.00k    70.00%
  Latency Distribution
     50%    6.80ms
     75%    7.90ms
     90%    9.10ms
     99%    1.44s
  407280 requests in 30.00s, 3.10GB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  13576.00
Transfer/sec:    105.80MB
KIRINUKI 407380 5000
"""


def test_wrk_report_is_parsed() -> None:
    s = serve_load.parse_wrk(WRK)
    assert s.count == 407280 and s.seconds == 30.0 and round(s.rps) == 13576
    assert s.pct(0.5) == 6.8 and s.pct(0.99) == 1440.0
    assert s.errors == 7  # 2 read + 1 timeout + 4 non-2xx
    assert s.wrapped  # 407,380 requests over 5,000 distinct paths: some repeated


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self.seen.append(self.path)
        body = b"missing" if self.path == "/missing" else b"ok"
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield int(httpd.server_address[1])
    httpd.shutdown()


def test_python_generator_cold_run_never_repeats_a_path_until_it_runs_out(server: int) -> None:
    _Handler.seen = []
    paths = [f"/p{i}" for i in range(4)]
    s = serve_load.load(server, paths, clients=2, seconds=0.3, cold=True, generator="python")
    assert s.count > 0 and s.errors == 0 and s.generator == "python"
    # Under load fewer than four requests may be answered in the time: none repeated before
    # every path ran, whatever the number answered.
    first = _Handler.seen[:len(paths)]
    assert first and len(set(first)) == len(first) and set(first) <= set(paths)
    assert s.wrapped == (len(_Handler.seen) > 4)
    s = serve_load.load(server, ["/missing"], clients=1, seconds=0.1, generator="python")
    assert s.errors == s.count > 0  # a non-200 answer counts as an error
