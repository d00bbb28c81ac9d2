"""ETags and If-Match for entries: `"ID.REVISION"` (an entry's id and stored revision).

A client sends back the ETag it read in `If-Match`; the write is then made only while the
entry is still at that revision (`journal.revisions.at_revision`), else 412. Without the
header a write goes ahead as before (last writer wins), so old clients keep working.
"""

from __future__ import annotations

import re

from fastapi import Request, Response

from kirinuki.model import Entry

_TAG = re.compile(r'\s*(?:W/)?"(\d{1,18})\.(\d{1,18})"\s*')


def etag(entry: Entry) -> str:
    """The ETag of an entry as stored."""
    return f'"{entry.id}.{entry.revision}"'


def with_etag(response: Response, entry: Entry) -> None:
    """Give `response` the entry's ETag."""
    response.headers["ETag"] = etag(entry)


def if_match(request: Request, entry_id: int) -> set[int] | None:
    """The revisions of entry `entry_id` the request's If-Match accepts; None when there is no
    header or it is `*` (any). Tags of other entries, or malformed ones, accept nothing (the
    write is then refused: it was meant for something else)."""
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return None
    found = set()
    for part in header.split(","):
        m = _TAG.fullmatch(part)
        if m is not None and int(m.group(1)) == entry_id:
            found.add(int(m.group(2)))
    return found
