"""Reading a C2SP tlog-tiles v1.0.0 log from a directory or over HTTP(S).

A source answers ``fetch(path)`` for paths below the log prefix
(``checkpoint``, ``tile/...``).  ``fetch_tile`` implements the client rule of
the specification for partial tiles: if the partial tile is gone, fetch the
full tile and keep its first W hashes (a log MAY delete a partial tile once
the full one exists).  HTTP uses only the standard library, keeps
connections alive per thread, and accepts gzip.
"""

from __future__ import annotations

import gzip
import http.client
import os
import threading
import urllib.parse
from typing import Protocol

from .merkle import HASH_SIZE
from .tiles import ENTRIES_LEVEL, TILE_WIDTH, Tile, decode_bundle


class FetchError(OSError):
    """A resource could not be fetched."""


class MissingFileError(FetchError):
    """The resource does not exist (404 or no such file)."""


class LogSource(Protocol):
    """Anything that returns the bytes at a path of a log."""

    parallel: bool

    def fetch(self, path: str) -> bytes: ...


class DirectorySource:
    """A log in a local directory."""

    parallel = False

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = os.fspath(root)

    def fetch(self, path: str) -> bytes:
        if path.startswith("/") or ".." in path.split("/"):
            raise FetchError(f"bad path {path!r}")
        try:
            with open(os.path.join(self.root, *path.split("/")), "rb") as f:
                return f.read()
        except FileNotFoundError:
            raise MissingFileError(f"{path}: no such file") from None
        except OSError as exc:
            raise FetchError(f"{path}: {exc}") from exc

    def __repr__(self) -> str:
        return f"DirectorySource({self.root!r})"


class HttpSource:
    """A log served over http(s) at a URL prefix."""

    parallel = True

    def __init__(self, prefix: str, timeout: float = 30.0) -> None:
        parsed = urllib.parse.urlsplit(prefix)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"not an http(s) URL: {prefix!r}")
        self.prefix = prefix.rstrip("/")
        self._scheme = parsed.scheme
        self._netloc = parsed.netloc
        self._base_path = parsed.path.rstrip("/")
        self._timeout = timeout
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = (
                http.client.HTTPSConnection
                if self._scheme == "https"
                else http.client.HTTPConnection
            )
            conn = cls(self._netloc, timeout=self._timeout)
            self._local.conn = conn
        return conn

    def fetch(self, path: str) -> bytes:
        headers = {"Accept-Encoding": "gzip, identity", "User-Agent": "tuidang-ledger-verifier"}
        url_path = f"{self._base_path}/{path}"
        for attempt in range(2):
            conn = self._connection()
            try:
                conn.request("GET", url_path, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (http.client.HTTPException, OSError) as exc:
                conn.close()
                self._local.conn = None
                if attempt:
                    raise FetchError(f"{self.prefix}/{path}: {exc}") from exc
                continue
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                self._local.conn = None
            if response.status == 404:
                raise MissingFileError(f"{self.prefix}/{path}: 404 Not Found")
            if response.status != 200:
                raise FetchError(f"{self.prefix}/{path}: HTTP {response.status}")
            if response.getheader("Content-Encoding", "").lower() == "gzip":
                body = gzip.decompress(body)
            return body
        raise FetchError(f"{self.prefix}/{path}: unreachable")

    def __repr__(self) -> str:
        return f"HttpSource({self.prefix!r})"


def open_source(location: str | os.PathLike) -> LogSource:
    """Return an HttpSource for an http(s) URL, else a DirectorySource."""
    text = os.fspath(location)
    if text.startswith(("http://", "https://")):
        return HttpSource(text)
    return DirectorySource(text)


def fetch_tile(source: LogSource, tile: Tile) -> bytes:
    """Fetch a hash tile or bundle, falling back from a deleted partial tile
    to the prefix of the full one.  Returns the raw bytes (unchecked)."""
    try:
        return source.fetch(tile.path())
    except MissingFileError:
        if not tile.is_partial:
            raise
        data = source.fetch(Tile(tile.level, tile.index, TILE_WIDTH).path())
    if tile.level == ENTRIES_LEVEL:
        return _bundle_prefix(data, tile.width)
    return data[: tile.width * HASH_SIZE]


def _bundle_prefix(data: bytes, width: int) -> bytes:
    entries = decode_bundle(data, TILE_WIDTH)[:width]
    return b"".join(len(e).to_bytes(2, "big") + e for e in entries)
