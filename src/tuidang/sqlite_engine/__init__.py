"""Django's SQLite backend with a fair writers' queue.

SQLite lets one writer in at a time. When a second one finds the database
locked, SQLite's busy handler sleeps on a fixed schedule (1, 2, 5, 10 … 100 ms)
before trying again, so under concurrent intake most of a request's time was
spent asleep and the slowest requests waited hundreds of milliseconds.

This backend makes writers queue instead: before ``BEGIN IMMEDIATE`` a
connection takes a process-wide thread lock (threads wake the moment it is
free) and then an exclusive ``flock`` on ``<database>.write-lock`` (polled
every fraction of a millisecond, so other processes hand over quickly). Both
are released when the transaction commits or rolls back, or the connection
closes; the kernel drops the ``flock`` if the process dies, so a crash never
leaves the queue stuck. Waiting longer than the database ``timeout`` raises
the same "database is locked" error SQLite would.

Writes in autocommit mode (outside ``transaction.atomic``) do not queue; they
fall back to SQLite's own busy handler, as before.
"""
