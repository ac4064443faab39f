"""Articles whose page failed, and when to try them again.

A page that answered 404 once, timed out or was cut off is not archived: its teaser is
exported (marked with ``fetch_error``) and the article is recorded here instead of in the
seen-URL file, so later runs fetch it again: at most ``max_retries`` more times, the
first after ``delay`` seconds and each later one after twice the previous wait. When a
retry succeeds, the full item is exported and the entry is closed; when the retries are
used up, the entry says so and the article is left alone (delete its lines, or the file,
to try again).

The file is JSON Lines, appended one line per change and read with the last line of
each URL winning; a torn or damaged line is skipped and counted, never trusted. It is
compacted when it holds far more lines than entries.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any

from newsarchive.atomic import AtomicFile
from newsarchive.job.dedupe import canonical_url

logger = logging.getLogger(__name__)

DEFAULT_MAX_RETRIES = 5
DEFAULT_DELAY = 3600.0  # seconds before the first retry; doubled for each later one


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="seconds")


@dataclass
class FailedArticle:
    """One article whose page failed, as recorded in the ledger."""

    url: str
    reason: str
    attempts: int = 1
    first_failed: str = ""
    last_failed: str = ""
    retry_after: str | None = None
    """ISO time from which the next run may fetch it again; ``None``: given up."""
    listing_url: str | None = None
    teaser: dict[str, Any] = field(default_factory=dict)
    """The teaser item's fields, so a retry can export the full item without the listing."""

    @property
    def gave_up(self) -> bool:
        return self.retry_after is None

    def due(self, now: datetime) -> bool:
        return self.retry_after is not None and datetime.fromisoformat(self.retry_after) <= now


class RetryLedger:
    """Failed articles of a job, persisted to ``path`` (``None``: memory only)."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        delay: float = DEFAULT_DELAY,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"NEWSARCHIVE_RETRY_FAILED_TIMES must be 0 or more, got {max_retries}")
        if delay < 0:
            raise ValueError(f"NEWSARCHIVE_RETRY_FAILED_DELAY must be 0 or more seconds, got {delay}")
        self.path = Path(path) if path is not None else None
        self.max_retries = max_retries
        self.delay = delay
        self.clock = clock
        self.entries: dict[str, FailedArticle] = {}
        self.damaged_lines = 0
        self._file: IO[str] | None = None
        if self.path is not None:
            self._load(self.path)

    # -- queries -----------------------------------------------------------------------

    def get(self, url: str) -> FailedArticle | None:
        return self.entries.get(canonical_url(url))

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and canonical_url(url) in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def due(self) -> list[FailedArticle]:
        """Entries whose next retry is due now, oldest failure first."""
        now = self.clock()
        return sorted((e for e in self.entries.values() if e.due(now)), key=lambda e: (e.first_failed, e.url))

    def pending(self) -> Iterator[FailedArticle]:
        return (e for e in self.entries.values() if not e.gave_up)

    # -- changes -----------------------------------------------------------------------

    def failed(self, url: str, reason: str, *, teaser: dict[str, Any] | None = None,
               listing_url: str | None = None, retryable: bool = True) -> FailedArticle:
        """Record one more failure of ``url``; returns its entry (``gave_up`` when done)."""
        key = canonical_url(url)
        now = self.clock()
        entry = self.entries.get(key)
        if entry is None:
            entry = FailedArticle(url=url, reason=reason, first_failed=_iso(now),
                                  listing_url=listing_url, teaser=dict(teaser or {}))
        else:
            entry.attempts += 1
            entry.reason = reason
            if teaser:
                entry.teaser = dict(teaser)
        entry.last_failed = _iso(now)
        retries_done = entry.attempts - 1
        if retryable and retries_done < self.max_retries:
            entry.retry_after = _iso(now + timedelta(seconds=self.delay * (2 ** retries_done)))
        else:
            entry.retry_after = None
        self.entries[key] = entry
        self._append(asdict(entry))
        return entry

    def succeeded(self, url: str) -> bool:
        """``url`` was archived at last: close its entry. Returns whether it had one."""
        key = canonical_url(url)
        if self.entries.pop(key, None) is None:
            return False
        self._append({"url": url, "done": True})
        return True

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    # -- file --------------------------------------------------------------------------

    def _load(self, path: Path) -> None:
        lines = 0
        try:
            fh = path.open("r", encoding="utf-8", errors="replace", newline="")
        except FileNotFoundError:
            return
        with fh:
            for line in fh:
                lines += 1
                record = _parse(line)
                if record is None:
                    self.damaged_lines += 1
                    continue
                key = canonical_url(record["url"])
                if record.get("done"):
                    self.entries.pop(key, None)
                    continue
                try:
                    self.entries[key] = FailedArticle(**{k: v for k, v in record.items() if k in _FIELDS})
                except TypeError:
                    self.damaged_lines += 1
        if self.damaged_lines:
            logger.warning("%s: %d torn or damaged line(s) ignored", path, self.damaged_lines)
        if lines > 2 * len(self.entries) + 100 or self.damaged_lines:
            self._compact(path)

    def _compact(self, path: Path) -> None:
        with AtomicFile(path) as out:
            for entry in self.entries.values():
                out.write(json.dumps(asdict(entry), ensure_ascii=False, sort_keys=True) + "\n")
            out.commit()

    def _append(self, record: dict[str, Any]) -> None:
        if self.path is None:
            return
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            needs_newline = self.path.exists() and self.path.stat().st_size > 0 and not _ends_with_newline(self.path)
            self._file = self.path.open("a", encoding="utf-8", newline="\n")
            if needs_newline:  # a torn last line: start ours on a line of its own
                self._file.write("\n")
        self._file.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self._file.flush()


_FIELDS = frozenset(FailedArticle.__dataclass_fields__)


def _parse(line: str) -> dict[str, Any] | None:
    if not line.endswith("\n"):
        return None  # torn: the write of this line never finished
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("url"), str) or not record["url"]:
        return None
    return record


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"
