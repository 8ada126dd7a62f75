"""Writers queue for SQLite's write lock instead of sleeping in its busy
handler (tuidang/sqlite_engine): they all get in, in turn, a rollback or an
error frees the queue, and waiting past the timeout fails as SQLite would."""

import fcntl
import os
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    """These tests open their own SQLite files, not the suite's test database."""
    with django_db_blocker.unblock():
        yield


def _connections(path, timeout=20.0):
    settings = {
        "ENGINE": "tuidang.sqlite_engine",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
    }
    return ConnectionHandler({"default": settings})


@contextmanager
def write_transaction(connection):
    """What `transaction.atomic` does with the outermost block, on this connection."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield
    except BaseException:
        connection.rollback()
        raise
    else:
        connection.commit()
    finally:
        connection.set_autocommit(True)


def _table(handler):
    with handler["default"].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE IF NOT EXISTS entries (writer INTEGER, step INTEGER)")


def test_concurrent_writers_all_commit_one_after_another(tmp_path):
    path = tmp_path / "queue.sqlite3"
    _table(_connections(path))
    spans = []
    errors = []

    def writer(number):
        handler = _connections(path)  # each thread its own connection, as in gunicorn
        connection = handler["default"]
        try:
            for step in range(5):
                with write_transaction(connection):
                    started = time.monotonic()
                    with connection.cursor() as cursor:
                        cursor.execute("INSERT INTO entries VALUES (%s, %s)", [number, step])
                    time.sleep(0.005)  # hold the lock a while: the others must wait
                    spans.append((started, time.monotonic()))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    spans.sort()
    assert all(earlier[1] <= later[0] for earlier, later in zip(spans, spans[1:])), (
        "two write transactions overlapped"
    )
    with _connections(path)["default"].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM entries")
        assert cursor.fetchone()[0] == 30
    assert (tmp_path / "queue.sqlite3.write-lock").exists()


def test_a_rollback_frees_the_queue(tmp_path):
    path = tmp_path / "queue.sqlite3"
    handler = _connections(path, timeout=0.5)
    _table(handler)
    with pytest.raises(RuntimeError), write_transaction(handler["default"]):
        with handler["default"].cursor() as cursor:
            cursor.execute("INSERT INTO entries VALUES (1, 1)")
        raise RuntimeError("the request failed")
    other = _connections(path, timeout=0.5)
    with write_transaction(other["default"]):  # would time out if the lock were kept
        with other["default"].cursor() as cursor:
            cursor.execute("INSERT INTO entries VALUES (2, 1)")
    with other["default"].cursor() as cursor:
        cursor.execute("SELECT writer FROM entries")
        assert cursor.fetchall() == [(2,)]


def test_another_process_holding_the_queue_makes_writers_wait_then_time_out(tmp_path):
    path = tmp_path / "queue.sqlite3"
    handler = _connections(path, timeout=0.3)
    _table(handler)
    # Another process's turn: an exclusive flock on the queue file held elsewhere.
    holder = os.open(f"{path}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            with write_transaction(handler["default"]):
                pass
        assert time.monotonic() - started >= 0.3
        # Released by the other process: the next writer gets in at once.
        threading.Timer(0.1, fcntl.flock, args=(holder, fcntl.LOCK_UN)).start()
        started = time.monotonic()
        with write_transaction(handler["default"]):
            with handler["default"].cursor() as cursor:
                cursor.execute("INSERT INTO entries VALUES (3, 1)")
        assert time.monotonic() - started < 0.25
    finally:
        os.close(holder)
