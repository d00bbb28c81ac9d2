"""Content-Encoding decoding in bounded steps, so that a compression bomb stops at the size cap.

httpx inflates each network chunk in one call, and with `Content-Encoding: gzip, gzip` one 2 KB
chunk can become gigabytes before any size check runs. Here every stage hands on at most
`step` bytes per call (zlib's `max_length`) and is pulled lazily by the stage after it, so the
reader that counts decoded bytes can stop as soon as the cap is passed.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from kirinuki.errors import FetchError

# More than this many stacked codings has no honest use and multiplies a bomb's ratio.
MAX_STACKED = 2
STEP = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"
_GZIP = 16 + zlib.MAX_WBITS
SUPPORTED = frozenset({"gzip", "x-gzip", "deflate"})


def content_codings(header: str | None) -> list[str]:
    """The codings of a Content-Encoding header in the order they were applied (`identity`
    dropped). Raises FetchError for an unsupported coding or more than MAX_STACKED of them."""
    names = [n.strip().lower() for n in (header or "").split(",")]
    names = [n for n in names if n and n != "identity"]
    for name in names:
        if name not in SUPPORTED:
            raise FetchError(f"unsupported content encoding {name!r} (supported: gzip, deflate)")
    if len(names) > MAX_STACKED:
        raise FetchError(f"{len(names)} stacked content encodings ({header}); "
                         f"at most {MAX_STACKED} are accepted")
    return names


def decoded(chunks: Iterable[bytes], codings: list[str], step: int = STEP) -> Iterator[bytes]:
    """The body's bytes with `codings` undone, in pieces of at most `step` bytes.

    Lazy: a stage decompresses only when the next one asks for more. Raises FetchError for a
    body that is not valid in its coding.
    """
    stream: Iterator[bytes] = iter(chunks)
    for name in reversed(codings):  # the last coding applied is undone first
        stream = _inflate(stream, name, step)
    return stream


def _deflate_wbits(head: bytes) -> int:
    """`deflate` is meant to be zlib-wrapped (RFC 9110), but some servers send raw deflate."""
    cmf, flg = head[0], head[1]
    wrapped = cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0
    return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS


def _inflate(chunks: Iterator[bytes], name: str, step: int) -> Iterator[bytes]:
    d: zlib._Decompress | None = None
    pending = b""
    try:
        for chunk in chunks:
            if d is None:
                pending += chunk
                if name == "deflate" and len(pending) < 2:
                    continue
                d = zlib.decompressobj(_GZIP if name != "deflate" else _deflate_wbits(pending))
                chunk, pending = pending, b""
            data = chunk
            while True:
                out = d.decompress(data, step)
                data = d.unconsumed_tail
                if out:
                    yield out
                # Done with this chunk once its input is used up and no output is held back.
                if d.eof or (not data and len(out) < step):
                    break
            if d.eof:
                return  # what follows the end of the stream is ignored, not buffered
        if d is None:
            if pending:
                raise FetchError(f"the {name} body is truncated")
            return
        tail = d.flush(step)
        if tail:
            yield tail
    except zlib.error as exc:
        raise FetchError(f"the body is not valid {name} ({exc})") from exc
