"""Writing the site: one file per page, only what changed, never half a site.

The output folder records what it holds in a manifest (`manifest.py`). A publish either

* **stages** a new tree beside the output (unchanged files hard-linked from the old one, the rest
  written) and swaps it in with one atomic directory exchange: for a first build, large changes;
* **patches in place** when few pages changed: the changed files are written beside the output
  first (`.OUT.patch`, one flat folder), then renamed into place in one pass, leaf pages before
  the lists that link to them, removals last.

Every file counted as written is on disk (checked) before the swap or the patch; a write that
fails (a full disk) leaves the live site as it was and nothing of the attempt inside it. Two
pages for one path, and a second publish into a folder while one runs, are refused.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kirinuki.errors import ConflictError, InputError, OutputError
from kirinuki.publish.manifest import (
    EntryRow,
    Manifest,
    adopt_legacy,
    describes,
    load_manifest,
    mark_pending,
    read_meta,
    tree_id,
    write_manifest,
)
from kirinuki.publish.state import Blobs, migrate, state_path
from kirinuki.publish.swap import BACKGROUND_MIN, discard, exchange, leftovers, trash_name

if TYPE_CHECKING:
    import subprocess

__all__ = ["Output", "check_unique", "content_hash", "state_path"]
STAGE_MIN = 500  # above this many changes (or a twentieth of the site) a build is staged


def content_hash(data: bytes) -> str:
    """The hash recorded for a file's bytes: 128 bits of SHA-256, which CPUs run in their own
    instructions (faster here than BLAKE2b; a big build hashes gigabytes). A manifest of
    another hash only makes the next build rewrite the pages it renders anyway (same bytes)."""
    return hashlib.sha256(data).hexdigest()[:32]


def patch_name(path: str) -> str:
    """The file of the page `path` in the patch folder, which is flat: removing a tree of
    folders costs a synchronous write per folder on some file systems (docs/publish.md)."""
    return hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _write_file(target: str, data: bytes) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def write_error(what: str, exc: OSError) -> OutputError:
    """The error reported for a file that could not be written."""
    reason = exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))
    return OutputError(f"cannot write {what}: {reason}; the published site was left as it was")


def check_unique(paths: Iterable[str]) -> None:
    """Raise ConflictError when two pages would be written to one path, or one page where
    another needs a folder (`a/index.html` and `a/index.html/index.html`)."""
    seen: set[str] = set()
    folders: set[str] = set()
    for path in paths:
        if path in seen:
            raise ConflictError(f"two pages would be written to {path}; nothing was written")
        seen.add(path)
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:  # each folder is walked up once
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    clash = seen & folders
    if clash:
        raise ConflictError(f"a page would be written to {min(clash)}, which other pages need "
                            "as a folder; nothing was written")


def looks_published(out: Path) -> bool:
    """Whether the folder `out` holds a site `kirinuki publish` made (its front page links
    the publisher's stylesheet, which is there with its script): one whose state is missing
    or describes another tree is built again in full; any other folder is never written
    over."""
    try:
        front = (out / "index.html").read_bytes()[:65536]
    except OSError:
        return False
    return b'/static/style.css?v=' in front and (out / "static/style.css").is_file() \
        and (out / "static/search.js").is_file()


class Output:
    """The output folder of one publish run. Use as a context manager (it holds a lock)."""

    def __init__(self, out_dir: Path, *, full: bool = False) -> None:
        # A symlinked folder is written where it points: the swap keeps the link (it swapped it).
        self.out = Path(os.path.realpath(out_dir))
        self._named = out_dir
        self._full = full
        if self.out.exists() and not self.out.is_dir():
            raise InputError(f"{out_dir}: exists and is not a folder")
        self.manifest_file = state_path(self.out)
        self._new_manifest = self.manifest_file.with_name(self.manifest_file.name + ".new")
        self.manifest = Manifest()  # read once the folder is locked (`__enter__`)
        self.old = self.manifest.pages
        self.stage_dir = self.out.parent / f".{self.out.name}.staging"
        self.patch_dir = self.out.parent / f".{self.out.name}.patch"
        self.staged = True
        self.root = self.stage_dir
        self._lock: IO[bytes] | None = None
        self._dirs: set[str] = set()
        self._written: list[str] = []  # files this process wrote since the last `verify`
        self.parent = 0  # in a forked worker: the publishing process
        self.discarding: list[subprocess.Popen[bytes]] = []  # removing old trees

    def __enter__(self) -> Output:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._lock = (self.out.parent / f".{self.out.name}.lock").open("wb")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self._lock.close()
            raise ConflictError(f"{self.out}: another publish is writing this folder") from exc
        try:
            self._tidy()
            self._read_manifest()
        except BaseException:
            self._lock.close()
            raise
        return self

    def _tidy(self) -> None:
        """Remove what a killed publish left beside the output: set-aside trees, a staged
        tree (new, or the old site after the exchange), files of a patch."""
        for tree in leftovers(self.out):
            self.discarding += filter(None, [discard(tree, background=True)])
        if self.stage_dir.is_symlink() or self.stage_dir.is_file():
            self.stage_dir.unlink()
        elif self.stage_dir.exists():
            trash = trash_name(self.out)
            os.rename(self.stage_dir, trash)
            self.discarding += filter(None, [discard(trash, background=True)])
        shutil.rmtree(self.patch_dir, ignore_errors=True)
        migrate(self.out)  # the files earlier versions kept beside the site

    def _read_manifest(self) -> None:
        """The manifest of the tree in place (see `manifest.py`). Raises InputError for a
        folder that is not empty and was not written by a publish (or not as it is now)."""
        out, current = self.out, self.manifest_file
        here = out.is_dir()
        if here:
            adopt_legacy(out)
        if self._new_manifest.exists():
            # A killed staged build: its tree may have been swapped in (then this is its
            # manifest), or not.
            if here and read_meta(self._new_manifest).get("tree") == tree_id(out):
                os.replace(self._new_manifest, current)
            else:
                self._new_manifest.unlink()
        ours = here and current.exists() and describes(current, out, content_hash)
        if here and not ours and any(out.iterdir()) and not looks_published(out):
            raise InputError(f"{self._named}: folder is not empty and was not written by "
                             "`kirinuki publish` (or was moved or replaced since); choose a "
                             "new or empty folder")
        if ours and not self._full:
            self.manifest = load_manifest(current)
            self.old = self.manifest.pages

    def __exit__(self, *exc: object) -> None:
        self.old.close()
        if self.staged and self.stage_dir.exists():  # not swapped in
            shutil.rmtree(self.stage_dir, ignore_errors=True)
            self._new_manifest.unlink(missing_ok=True)
        shutil.rmtree(self.patch_dir, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()

    def old_sig(self, path: str) -> str | None:
        """The signature recorded for `path` by the previous build, if any."""
        return rec[0] if (rec := self.old.get(path)) else None

    def old_sha(self, path: str) -> str | None:
        """The content hash recorded for `path` by the previous build, if any."""
        return rec[1] if (rec := self.old.get(path)) else None

    def blobs(self) -> Blobs:
        """The state's blobs for this build: read from the state in place, written into the
        new state when the build is staged whatever it plans (no old tree to keep), so that
        the manifest need not carry them over."""
        return Blobs(self.manifest_file, None if self.old else self._new_manifest)

    def previous(self, path: str) -> bytes | None:
        """The bytes of the live file `path` when they are those the last build recorded for
        it (its content hash), else None."""
        sha = self.old_sha(path)
        if not sha:
            return None
        try:
            data = (self.out / path).read_bytes()
        except OSError:
            return None
        return data if content_hash(data) == sha else None

    def begin(self, changes: int, total: int) -> None:
        """Choose staging or patching in place for this many changed files out of `total`."""
        self.staged = not self.old or changes > max(STAGE_MIN, total // 20)
        self.root = self.stage_dir if self.staged else self.patch_dir
        for folder in (self.stage_dir, self.patch_dir):
            shutil.rmtree(folder, ignore_errors=True)
        try:
            self.root.mkdir()
        except OSError as exc:
            raise write_error(str(self.root), exc) from exc

    def _parent(self, target: str) -> None:
        parent = target.rpartition("/")[0]
        if parent not in self._dirs:
            # One mkdir for the usual case (the parent's parent exists already): makedirs
            # first checks every level (a stat and a mkdir per entry page's folder).
            try:
                os.mkdir(parent)
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)

    def put(self, path: str, data: bytes) -> tuple[str, bool]:
        """Write the page `path` unless its bytes are what the old build holds.

        Returns (content hash, whether bytes were written). Raises OutputError when the file
        cannot be written.
        """
        sha = content_hash(data)
        if sha == self.old_sha(path) and self.keep(path):
            return sha, False
        # Plain strings and file descriptors: a big site has hundreds of thousands of files,
        # and pathlib and buffered files cost per file.
        # Written here and now, by the process that rendered it (writer threads of their own
        # per process gained nothing measurable).
        self.check_parent()
        try:
            if self.staged:
                target = f"{self.root}/{path}"
                self._parent(target)
            else:
                target = f"{self.root}/{patch_name(path)}"
            _write_file(target, data)
        except OSError as exc:
            raise write_error(path, exc) from exc
        self._written.append(target)
        return sha, True

    def check_parent(self) -> None:
        """In a worker whose publish was killed: end here (see `units._worker_init`)."""
        if self.parent and os.getppid() != self.parent:
            os._exit(1)

    def verify(self) -> None:
        """Check that every file `put` since the last call is on disk: what is counted as
        written must be there before the site is swapped or patched. Raises OutputError."""
        written, self._written = self._written, []
        for target in written:
            if not os.path.isfile(target):
                raise OutputError(f"{target} was counted as written but is not on disk; "
                                  "the published site was left as it was")

    def keep(self, path: str) -> bool:
        """Carry the old build's file over unchanged; False when it is missing."""
        if not self.staged:
            return (self.out / path).exists()
        target = self.stage_dir / path
        try:
            self._parent(str(target))
            try:
                os.link(self.out / path, target)
            except FileNotFoundError:
                return False
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EROFS):
                    raise
                shutil.copy2(self.out / path, target)
        except OSError as exc:
            raise write_error(path, exc) from exc
        return True

    def finish(self, records: dict[str, tuple[str, str]], removed: Iterable[str],
               entries: list[EntryRow], gone_entries: Iterable[int], meta: dict[str, str],
               written: list[str]) -> None:
        """Record the manifest and put the new site in place (atomically when staged);
        `entries`: the entry records to store (all when staged, else those that changed),
        `gone_entries`: the ids to forget, `written`: the files written, in the order they
        may appear in the live site (when patching in place). Raises OutputError."""
        self.old.close()
        if self.staged:
            # Recorded beside the staged tree, naming it; renamed into place once the tree is.
            # It may hold this build's blobs already (`blobs`): a leftover of another was
            # removed when the folder was locked.
            count = write_manifest(self._new_manifest, records, (), entries, (),
                                   {**meta, "tree": tree_id(self.stage_dir)}, full=True,
                                   carry=self.manifest_file)
            if count != len(records):
                raise OutputError(f"the manifest of {self.out} lists {count} files instead "
                                  f"of {len(records)}; the published site was left as it was")
            self._swap(len(records))
            os.replace(self._new_manifest, self.manifest_file)
            return
        removed = list(removed)
        manifest = self.manifest_file
        mark_pending(manifest, written + removed)
        self._patch(written, removed)
        missing = [p for p in written if not (self.out / p).is_file()]
        missing += [p for p in removed if (self.out / p).exists()]
        if missing:  # the manifest still marks them pending: the next publish redoes them
            raise OutputError(f"{self.out}: {len(missing)} files are not as this publish left "
                              f"them ({missing[0]}, ...); publish again to repair")
        write_manifest(manifest, records, removed, entries, gone_entries, meta, full=False,
                       drop_meta=("pending",))

    def _patch(self, written: list[str], removed: list[str]) -> None:
        """Move the patch's files into the live site, then remove the files that went (and the
        folders they leave empty)."""
        made: set[str] = set()
        try:
            for path in written:
                target = self.out / path
                parent = str(target.parent)
                if parent not in made:
                    os.makedirs(parent, exist_ok=True)
                    made.add(parent)
                os.replace(self.patch_dir / patch_name(path), target)
            for path in removed:
                target = self.out / path
                target.unlink(missing_ok=True)
                folder = target.parent
                while folder != self.out and folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
                    folder = folder.parent
        except OSError as exc:
            raise OutputError(f"cannot update {self.out}: {exc}; publish again to repair"
                              ) from exc

    def _swap(self, files: int) -> None:
        """Put the staged tree in place; the old one (about `files` files) is discarded."""
        if not self.out.exists():
            os.rename(self.stage_dir, self.out)
            return
        if not exchange(self.stage_dir, self.out):
            # No atomic exchange on this system: two renames leave a moment without a site.
            old = self.out.parent / f".{self.out.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.rename(self.out, old)
            os.rename(self.stage_dir, self.out)
            self.stage_dir = old
        trash = trash_name(self.out)
        os.rename(self.stage_dir, trash)
        self.discarding += filter(None, [discard(trash, background=files >= BACKGROUND_MIN)])
