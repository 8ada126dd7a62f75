"""Dating the database's own files no finer than the publication slot.

An SQLite database file and its write-ahead log take the time of every write
as their modification time, so a server seized just after a hotline call would
show the call's second on `tuidang.sqlite3-wal`. The sequencer, which runs
every second, sets their access and modification times back to the start of
the current slot after each pass; their inode change time then says only when
the sequencer last ran. A PostgreSQL server's own files are outside the data
folder and outside our reach (THREAT_MODEL.md, known gaps).
"""

import datetime
import os
from pathlib import Path

from django.db import connection

SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def database_files() -> list[Path]:
    """The SQLite files of the default database (none on PostgreSQL)."""
    if connection.vendor != "sqlite":
        return []
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return []
    return [Path(name + suffix) for suffix in SQLITE_SUFFIXES]


def redate_database_files(slot: datetime.datetime) -> None:
    stamp = slot.timestamp()
    for path in database_files():
        try:
            os.utime(path, (stamp, stamp))
        except FileNotFoundError:
            pass
