"""The state's named blobs: a big one read piece by piece is the blob as stored."""

from __future__ import annotations

import os
from pathlib import Path

from kirinuki.publish import state
from kirinuki.publish.state import Blobs


def test_a_view_of_a_blob_is_its_bytes(tmp_path: Path) -> None:
    blobs = Blobs(tmp_path / ".site.state")
    assert blobs.view("sketch.base") is None  # no file yet
    big = os.urandom(2 * state._PIECE + 12345)  # pieces, and a short last one
    assert blobs.put({"big": big, "small": b"abc", "empty": b""})
    for name, data in (("big", big), ("small", b"abc"), ("empty", b"")):
        view = blobs.view(name)
        assert view is not None and view.readonly and bytes(view) == data == blobs.get(name)
    assert blobs.view("missing") is None
    (tmp_path / ".site.state").write_bytes(b"not a database" * 100)
    assert Blobs(tmp_path / ".site.state").view("big") is None
