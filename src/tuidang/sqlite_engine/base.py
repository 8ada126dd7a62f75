"""The database wrapper of tuidang's SQLite engine (see the package docstring)."""

import fcntl
import os
import threading
import time

from django.db.backends.sqlite3 import base as sqlite3_base
from django.db.utils import OperationalError

# Threads of one process queue here first, so only one of them at a time
# polls the file lock that orders processes.
_process_writer = threading.Lock()

# Polling the file lock starts fine and backs off to this interval.
_POLL_START = 0.0002
_POLL_MAX = 0.002


class DatabaseWrapper(sqlite3_base.DatabaseWrapper):
    _lock_file = None
    _holds_write_lock = False

    def _start_transaction_under_autocommit(self):
        if self.transaction_mode == "IMMEDIATE" and not self.is_in_memory_db():
            self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
            if self._lock_file is not None:
                os.close(self._lock_file)
                self._lock_file = None

    def _acquire_write_lock(self) -> None:
        if self._holds_write_lock:
            return
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        deadline = time.monotonic() + timeout
        if not _process_writer.acquire(timeout=timeout):
            raise self._locked()
        try:
            if self._lock_file is None:
                self._lock_file = os.open(
                    f"{self.settings_dict['NAME']}.write-lock", os.O_RDWR | os.O_CREAT, 0o600
                )
            pause = _POLL_START
            while True:
                try:
                    fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise self._locked() from None
                    time.sleep(pause)
                    pause = min(pause * 2, _POLL_MAX)
        except BaseException:
            _process_writer.release()
            raise
        self._holds_write_lock = True

    def _release_write_lock(self) -> None:
        if not self._holds_write_lock:
            return
        self._holds_write_lock = False
        fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        _process_writer.release()

    @staticmethod
    def _locked() -> Exception:
        # The error Django raises when SQLite itself gives up waiting.
        return OperationalError("database is locked (waited for other writers)")
