"""WARC 1.1 records (warcio) for the article versions a journal keeps.

A version with a raw copy becomes a `request` and a `response` record (the response as it was
received, except that the body is the one the text was read from: a `Content-Encoding` the
fetcher undid is renamed `X-Archive-Orig-Content-Encoding`, as are `Transfer-Encoding` and
`Content-Length`, and `Content-Length` is set to the body kept), then a `metadata` record with
what kirinuki read from it. A version without one (stored before raw copies were kept, or
dropped by the journal's cap) becomes a `metadata` record alone, whose `raw-copy` field says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from io import BytesIO
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from kirinuki.model import RawCopy

WARC_VERSION = "1.1"
# Headers that describe the bytes on the wire, not the body kept.
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def _date(when: datetime) -> str:
    utc = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    return str(datetime_to_iso_date(utc, use_micros=True))


def _fields(pairs: Iterable[tuple[str, str]]) -> BytesIO:
    """`application/warc-fields`: one `name: value` line each (line breaks become spaces)."""
    text = "".join(f"{k}: {' '.join(v.splitlines())}\r\n" for k, v in pairs)
    return BytesIO(text.encode("utf-8"))


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def response_headers(raw: RawCopy, length: int) -> list[tuple[str, str]]:
    """The response's headers as archived: wire-only headers renamed, the length of the body."""
    out = [(f"X-Archive-Orig-{k}" if k.lower() in _WIRE_HEADERS else k, v)
           for k, v in raw.headers]
    return out + [("Content-Length", str(length))]


class WarcOut:
    """Writes WARC 1.1 records to a binary stream (gzip per record, as archives expect)."""

    def __init__(self, stream: BinaryIO, *, gzip: bool = True) -> None:
        self.writer = WARCWriter(stream, gzip=gzip, warc_version=WARC_VERSION)

    def info(self, filename: str, fields: dict[str, str]) -> None:
        """The `warcinfo` record that opens the file."""
        self.writer.write_record(self.writer.create_warcinfo_record(filename, fields))

    def version(self, url: str, fetched: datetime, raw: RawCopy | None,
                metadata: list[tuple[str, str]]) -> int:
        """The records of one version; returns how many were written."""
        date = _date(fetched)
        refers: dict[str, str] = {}
        written = 0
        if raw is not None and raw.body is not None:
            target = raw.url
            if raw.request_headers:
                req = StatusAndHeaders(f"GET {_path(target)} HTTP/1.1", raw.request_headers,
                                       is_http_request=True)
                self.writer.write_record(self.writer.create_warc_record(
                    target, "request", http_headers=req,
                    warc_headers_dict={"WARC-Date": date}))
                written += 1
            status = StatusAndHeaders(f"{raw.status} {raw.reason}".strip(),
                                      response_headers(raw, len(raw.body)),
                                      protocol=raw.http_version or "HTTP/1.1")
            rec = self.writer.create_warc_record(
                target, "response", payload=BytesIO(raw.body), length=len(raw.body),
                http_headers=status, warc_headers_dict={"WARC-Date": date})
            self.writer.write_record(rec)
            written += 1
            refers = {"WARC-Refers-To": str(rec.rec_headers.get_header("WARC-Record-ID"))}
        payload = _fields(metadata)
        size = len(payload.getvalue())
        self.writer.write_record(self.writer.create_warc_record(
            url, "metadata", payload=payload, length=size,
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": date, **refers}))
        return written + 1
