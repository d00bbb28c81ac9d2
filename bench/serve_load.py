"""Load generators for bench/serve_bench.py: wrk when installed, else asyncio in this process.

Both keep `clients` keep-alive connections busy for `seconds` (closed loop: each client sends
its next request when the previous answer is in) and return a `Stats`. `cold=True` hands out
the paths in order without ever repeating one (each is requested once in the whole run), so a
cache keyed by the address can never answer; a warm run picks paths at random from the list.

wrk (Debian's `wrk`, C, one thread) costs the 2 cores far less than the asyncio generator, which
on this machine capped the static baseline at ~750 requests/s.
"""

from __future__ import annotations

import asyncio
import random
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Stats:
    """The outcome of one load run (latencies in seconds, or percentiles from wrk)."""

    count: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    percentiles: dict[float, float] = field(default_factory=dict)  # q -> ms (wrk)
    wrapped: bool = False  # a cold run ran out of distinct paths and repeated some
    generator: str = "python"

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if q in self.percentiles:
            return self.percentiles[q]
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def warm(port: int, paths: list[str], connections: int = 1) -> None:
    """Request each path once on each of `connections` keep-alive connections (in threads):
    with several server processes, each connection is served by one of them, so several
    connections warm every process's caches (with 8 connections over 2 processes, a process
    misses a connection with probability 1/256)."""
    import threading

    import httpx

    def one() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
            for path in dict.fromkeys(paths):
                c.get(path)

    threads = [threading.Thread(target=one) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def load(port: int, paths: list[str], clients: int, seconds: float, *, cold: bool = False,
         generator: str = "auto") -> Stats:
    """Drive `paths` on 127.0.0.1:`port`; `generator` is "wrk", "python" or "auto"."""
    if generator == "wrk" or (generator == "auto" and have_wrk()):
        return _wrk(port, paths, clients, seconds, cold)
    return _python(port, paths, clients, seconds, cold)


# --- wrk -------------------------------------------------------------------------------------

_LUA = """
local paths = {%s}
local n = #paths
local cold = %s
local threads = {}
i = 0
math.randomseed(7)
setup = function(thread) table.insert(threads, thread) end
request = function()
  i = i + 1
  if cold then
    return wrk.format("GET", paths[(i - 1) %% n + 1])
  end
  return wrk.format("GET", paths[math.random(n)])
end
done = function(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("KIRINUKI %%d %%d\\n", t:get("i"), n))
  end
end
"""
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _lua_string(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrk(port: int, paths: list[str], clients: int, seconds: float, cold: bool) -> Stats:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_LUA % (",".join(_lua_string(p) for p in paths), "true" if cold else "false"))
        script = f.name
    try:
        r = subprocess.run(
            ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--latency",
             "--timeout", "60s", "-s", script, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True)
    finally:
        Path(script).unlink()
    s = parse_wrk(r.stdout)
    s.wrapped = s.wrapped and cold
    return s


def parse_wrk(text: str) -> Stats:
    """Requests, errors, duration and percentiles from wrk's `--latency` report."""
    s = Stats(generator="wrk")
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
    if m is None:
        raise RuntimeError(f"unexpected wrk output:\n{text}")
    s.count = int(m.group(1))
    s.seconds = float(m.group(2)) * _UNITS[m.group(3)] / 1000
    for q, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M):
        s.percentiles[int(q) / 100] = float(value) * _UNITS[unit]
    if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", text)):
        s.errors += int(m.group(1))
    if (m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       text)):
        s.errors += sum(int(g) for g in m.groups())
    if (m := re.search(r"KIRINUKI (\d+) (\d+)", text)):
        s.wrapped = int(m.group(1)) > int(m.group(2))
    return s


# --- asyncio ---------------------------------------------------------------------------------

async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive GET; the status (the body is read and dropped)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
    if m is None:
        raise ValueError("no content-length")
    await reader.readexactly(int(m.group(1)))
    return status


def _python(port: int, paths: list[str], clients: int, seconds: float, cold: bool) -> Stats:
    stats = Stats()
    queue = list(reversed(paths))

    def pick(rng: random.Random) -> str:
        if not cold:
            return paths[rng.randrange(len(paths))]
        if not queue:
            stats.wrapped = True
            queue.extend(reversed(paths))
        return queue.pop()

    async def client(until: float, seed: int) -> None:
        rng = random.Random(seed)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < until:
                path = pick(rng)
                t = time.perf_counter()
                try:
                    status = await _get(reader, writer, path)
                except (OSError, ValueError, asyncio.IncompleteReadError):
                    stats.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                stats.latencies.append(time.perf_counter() - t)
                stats.count += 1
                if status != 200:
                    stats.errors += 1
        finally:
            writer.close()

    async def run() -> None:
        start_at = time.perf_counter()
        until = start_at + seconds
        await asyncio.gather(*(client(until, i) for i in range(clients)))
        stats.seconds = time.perf_counter() - start_at

    asyncio.run(run())
    return stats
