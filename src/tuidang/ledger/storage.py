"""A directory laid out as a C2SP tlog-tiles v1.0.0 log
(``checkpoint``, ``tile/<L>/<N>[.p/<W>]``, ``tile/entries/<N>[.p/<W>]``),
so that any static web server can serve it as is.

Contract (what is durable when a call returns):

* Every file is written atomically (temporary file in the same directory,
  then rename): a reader sees the old content or the new one, never a mix,
  and never an empty or half-written tile (full tiles are served as
  immutable, so one torn read could be cached for good).
* ``write_files(files)`` (or ``batch()``, ``put`` ..., ``commit()``): when
  it returns, all the files and their directory entries are on stable
  storage (fsync per file for small batches, one ``syncfs`` of the file
  system for big ones).
* ``write_checkpoint(data)`` does the same for ``checkpoint`` alone and
  returns only once it is durable: this is the commit point of the log.
* ``remove_partials(...)`` is best effort and may be lost in a crash (the
  specification allows stale partial tiles to be kept or deleted).
* One writer at a time: ``lock()`` takes an exclusive ``flock`` on
  ``.lock`` inside the directory.  Readers need no lock.
* ``file_time``: when set (seconds since the epoch), every file written and
  every directory whose entries change get that access and modification
  time, so a file's times say no more than the writer wants known (a log that
  publishes in batches dates them to the batch).  The inode change time is
  the kernel's and cannot be set: it is the time of the write itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
from collections.abc import Iterable

CHECKPOINT_PATH = "checkpoint"
LOCK_PATH = ".lock"
SMALL_BATCH = 16
"""Up to this many files are fsynced one by one; more use one syncfs."""


class StoreLockedError(RuntimeError):
    """Another writer holds the log directory."""


def _syncfs_function():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return libc.syncfs
    except (OSError, AttributeError):
        return None


_SYNCFS = _syncfs_function()


class DirectoryStore:
    """Files of one log below ``root`` (paths use ``/``, relative to root)."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = os.path.abspath(os.fspath(root))
        self._lock_fd: int | None = None
        self._known_dirs: set[str] = set()  # exist (made by _ensure_dir)
        self._synced_dirs: set[str] = set()  # their entries in their parents are durable
        self.file_time: float | None = None

    # -- reading ---------------------------------------------------------
    def full_path(self, path: str) -> str:
        if path.startswith("/") or ".." in path.split("/"):
            raise ValueError(f"bad path {path!r}")
        return os.path.join(self.root, *path.split("/"))

    def read(self, path: str) -> bytes:
        """Return a file's bytes; raise FileNotFoundError if absent."""
        with open(self.full_path(path), "rb") as f:
            return f.read()

    def exists(self, path: str) -> bool:
        return os.path.exists(self.full_path(path))

    def list_files(self) -> list[str]:
        """Return every log file (not lock or temporary files), sorted."""
        found = []
        for dirpath, _dirs, files in os.walk(self.root):
            rel = os.path.relpath(dirpath, self.root)
            for name in files:
                if name.startswith("."):
                    continue
                found.append(name if rel == "." else f"{rel.replace(os.sep, '/')}/{name}")
        return sorted(found)

    # -- locking ---------------------------------------------------------
    def lock(self) -> None:
        """Take the single-writer lock, or raise StoreLockedError."""
        os.makedirs(self.root, exist_ok=True)
        fd = os.open(self.full_path(LOCK_PATH), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreLockedError(f"another writer holds {self.root}") from None
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None

    # -- writing ---------------------------------------------------------
    def _ensure_dir(self, directory: str) -> None:
        if directory not in self._known_dirs:
            os.makedirs(directory, exist_ok=True)
            self._known_dirs.add(directory)

    def _put(self, path: str, data: bytes, fsync: bool) -> str:
        """Write ``data`` to a temporary file, fsync it if asked, and rename
        it to ``path``; return the file's directory."""
        target = self.full_path(path)
        directory = os.path.dirname(target)
        self._ensure_dir(directory)
        tmp = os.path.join(directory, f".tmp-{os.path.basename(target)}-{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if self.file_time is not None:
                os.utime(fd, (self.file_time, self.file_time))
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        return directory

    def stamp_directories(self, directories: Iterable[str]) -> None:
        """Give these directories (absolute paths) and their parents up to the
        root the ``file_time``, if one is set: adding, renaming or removing a
        file sets its directory's modification time to now."""
        if self.file_time is None:
            return
        stamped: set[str] = set()
        for directory in directories:
            while directory not in stamped:
                if os.path.isdir(directory):
                    os.utime(directory, (self.file_time, self.file_time))
                stamped.add(directory)
                if directory == self.root or not directory.startswith(self.root + os.sep):
                    break
                directory = os.path.dirname(directory)

    @staticmethod
    def _fsync_dir(directory: str) -> None:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _sync_all(self) -> None:
        """Make every file of the file system holding the log durable."""
        if _SYNCFS is not None:
            fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
            try:
                if _SYNCFS(fd) == 0:
                    return
            finally:
                os.close(fd)
        os.sync()

    def write_files(self, files: Iterable[tuple[str, bytes]]) -> list[str]:
        """Atomically write (path, data) pairs; durable on return."""
        batch = self.batch()
        for path, data in files:
            batch.put(path, data)
        return batch.commit()

    def batch(self) -> WriteBatch:
        """Return a WriteBatch: ``put`` files as they are produced, then
        ``commit`` to make them all durable."""
        return WriteBatch(self)

    def _sync_directories(self, directories: set[str]) -> None:
        """fsync the given directories, and the ancestors of those never
        synced before by this store (they may be new)."""
        to_sync: set[str] = set()
        for directory in directories:
            to_sync.add(directory)
            while directory not in self._synced_dirs and directory.startswith(self.root + os.sep):
                directory = os.path.dirname(directory)
                to_sync.add(directory)
        for directory in to_sync:
            self._fsync_dir(directory)
        self._synced_dirs |= to_sync

    def write_checkpoint(self, data: bytes) -> None:
        """Atomically replace ``checkpoint``; durable on return (commit point)."""
        directory = self._put(CHECKPOINT_PATH, data, fsync=True)
        self.stamp_directories([directory])
        self._fsync_dir(directory)

    def remove_partials(self, tile_path_without_suffix: str) -> list[str]:
        """Delete ``<tile>.p/`` (all partial versions of a now full tile);
        return the paths removed.  Best effort."""
        directory = self.full_path(tile_path_without_suffix + ".p")
        removed = []
        try:
            names = os.listdir(directory)
        except FileNotFoundError:
            return removed
        removed = [
            f"{tile_path_without_suffix}.p/{n}" for n in sorted(names) if not n.startswith(".")
        ]
        self._known_dirs.discard(directory)
        self._synced_dirs.discard(directory)
        shutil.rmtree(directory, ignore_errors=True)
        self.stamp_directories([os.path.dirname(directory)])
        return removed


class WriteBatch:
    """Files written together, durable once ``commit`` returns.

    ``put`` writes each file at once, in the calling thread: its bytes are
    freed straight away (so the writer reuses the same memory instead of
    touching hundreds of fresh megabytes), and writer threads would only
    queue for the GIL behind the hashing.  The first SMALL_BATCH files are
    fsynced as they are written; ``commit`` then fsyncs their directories,
    or, if more were put, syncs the whole file system once (far cheaper
    than thousands of fsyncs that each wait for the device).
    """

    def __init__(self, store: DirectoryStore) -> None:
        self._store = store
        self._paths: list[str] = []
        self._directories: set[str] = set()

    def put(self, path: str, data: bytes) -> None:
        fsync = len(self._paths) < SMALL_BATCH
        self._directories.add(self._store._put(path, data, fsync))
        self._paths.append(path)

    def commit(self) -> list[str]:
        """Make every file put durable; return their paths."""
        store = self._store
        store.stamp_directories(self._directories)
        if len(self._paths) <= SMALL_BATCH:
            store._sync_directories(self._directories)
        else:
            store._sync_all()
            store._synced_dirs |= self._directories
        return list(self._paths)
