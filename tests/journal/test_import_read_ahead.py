"""A folder import reads and parses its next files while a statement waits for the writes it
sent (PostgreSQL): the files come out in order, and a file's error is raised in its turn."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kirinuki.errors import InputError
from kirinuki.journal import import_paths, init_journal
from kirinuki.journal.importing import Batch, _ReadAhead
from kirinuki.store.postgres.sender import Sender

TEXT = "http://kirinuki.example.org\n\n{}の本文。\n#タグ\n"


def _folder(tmp_path: Path, bad: str | None = None) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for day in range(1, 8):
        name = f"2024-01-0{day}_120000.txt"
        data = b"\0binary" if name == bad else TEXT.format(f"第{day}段落").encode()
        (folder / name).write_bytes(data)
    return folder


def test_files_read_ahead_come_out_in_order_and_errors_in_their_turn(tmp_path: Path) -> None:
    folder = _folder(tmp_path, bad="2024-01-05_120000.txt")
    with init_journal(str(tmp_path / "j.db")) as j:
        ahead = _ReadAhead(j, iter(sorted(folder.iterdir())))
        ahead.LIMIT = 6
        while ahead.read_one():  # as a statement waiting for the server would
            pass
        assert len(ahead.ready) == 6  # no more than LIMIT wait parsed
        taken = []
        with pytest.raises(InputError, match="2024-01-05_120000.txt: binary file"):
            for path, entry in ahead:
                assert entry is not None and entry.published is not None
                assert entry.published.day == int(path.name[8:10])
                taken.append(path.name)
        assert taken == [f"2024-01-0{d}_120000.txt" for d in range(1, 5)]


def test_an_import_parsing_ahead_writes_what_it_read(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Files parsed while the store waits are imported as the others (SQLite never waits: the
    idle work is given and taken back, and called here by hand at each batch)."""
    monkeypatch.setattr(Batch, "SIZE", 2)
    given: list[object] = []
    real_flush = Batch.flush

    def flush(self: Batch) -> None:
        work = getattr(self.journal.store, "_idle_for_test", None)
        if work is not None:
            work()  # the first statement of the batch would wait for the writes sent
        real_flush(self)

    monkeypatch.setattr(Batch, "flush", flush)
    with init_journal(str(tmp_path / "j.db")) as j:
        store = j.store

        def set_idle(work: object) -> None:
            given.append(work)
            store._idle_for_test = work  # type: ignore[attr-defined]

        monkeypatch.setattr(store, "set_idle", set_idle)
        summary = import_paths(j, [str(_folder(tmp_path))])
        assert summary.entries_added == 7 and summary.clips_added == 7
        assert given[0] is not None and given[-1] is None  # taken back after the files


def test_a_wait_does_the_idle_work_until_the_writes_are_stored() -> None:
    release = threading.Event()
    done: list[str] = []
    calls = 0

    def work() -> bool:
        nonlocal calls
        calls += 1
        if calls == 3:
            release.set()  # the write may end now
        return True

    def write(what: str) -> None:
        release.wait()
        done.append(what)

    sender = Sender(4)
    sender.send(lambda: write("written"))
    sender.wait(work)
    assert done == ["written"] and calls >= 3 and not sender.busy

    release.clear()
    calls = 0

    def nothing_left() -> bool:
        nonlocal calls
        calls += 1
        release.set()
        return False  # then it waits as before

    sender.send(lambda: write("again"))
    sender.wait(nothing_left)
    assert done == ["written", "again"] and calls == 1
    sender.close()
