"""Payload-digest deduplication: a payload already archived becomes a ``revisit`` record.

Why a small SQLite file in the WARC directory: deduplication has to work across crawls
that write into the same directory, and reading back every earlier WARC at start-up
would cost as much as the crawl. SQLite (standard library) is durable, shared safely by
concurrent crawls, and needs no service. Losing the file only costs disk space: later
crawls store full records again. An entry whose WARC file has gone is forgotten rather
than referred to, so a revisit never points at data that no longer exists.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "revisits.sqlite3"
_BATCH = 200
_SCHEMA = """
CREATE TABLE IF NOT EXISTS payloads (
    digest    TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    uri       TEXT NOT NULL,
    date      TEXT NOT NULL,
    filename  TEXT NOT NULL,
    offset    INTEGER NOT NULL,
    length    INTEGER NOT NULL
)
"""


@dataclass(frozen=True)
class Original:
    """The record that first stored a payload (what a revisit refers to)."""

    record_id: str
    uri: str
    date: str
    filename: str
    offset: int
    length: int

    def as_pointer(self) -> dict[str, str | int]:
        return {"filename": self.filename, "offset": self.offset, "length": self.length, "record_id": self.record_id}


class RevisitIndex:
    """``payload digest -> Original`` for the WARC files in ``directory``.

    Not thread-safe: callers must not use it from two threads at the same time.
    """

    def __init__(self, directory: str | os.PathLike[str], db_path: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory)
        self.db_path = Path(db_path) if db_path else self.directory / DB_NAME
        self._db: sqlite3.Connection | None = None
        self._present: set[str] = set()  # files known to exist, including ours still open
        # Entries not yet in the database: written in batches, one transaction each.
        self._pending: dict[str, Original] = {}

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            # Used by one thread at a time, though not always the same one (the capture
            # hands large records to a writer thread), hence check_same_thread=False.
            db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            self._db = db
        return self._db

    def lookup(self, digest: str) -> Original | None:
        """The original record for ``digest``, if its WARC file is still in the directory."""
        if digest in self._pending:
            return self._pending[digest]
        row = self._connect().execute(
            "SELECT record_id, uri, date, filename, offset, length FROM payloads WHERE digest = ?", (digest,)
        ).fetchone()
        if row is None:
            return None
        original = Original(*row)
        if not self._file_present(original.filename):
            self._connect().execute("DELETE FROM payloads WHERE digest = ?", (digest,))
            return None
        return original

    def add(self, digest: str, original: Original) -> None:
        """Remember ``original`` as the first copy of ``digest`` (an existing entry wins)."""
        self._pending.setdefault(digest, original)
        self._present.add(original.filename)
        if len(self._pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Store pending entries (a crash loses at most these: later crawls store them again)."""
        if not self._pending:
            return
        rows = [(d, o.record_id, o.uri, o.date, o.filename, o.offset, o.length) for d, o in self._pending.items()]
        db = self._connect()
        with db:
            db.execute("BEGIN")
            db.executemany("INSERT OR IGNORE INTO payloads VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        self._pending.clear()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _file_present(self, filename: str) -> bool:
        if filename in self._present:
            return True
        # Only complete files count: a ``.open`` file left by a killed crawl is never
        # renamed, so replay tools would not find a record that refers into it.
        if (self.directory / filename).is_file():
            self._present.add(filename)
            return True
        return False
