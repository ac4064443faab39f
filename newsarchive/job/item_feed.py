"""The items feed (JSON Lines) as an archive needs it: durable and in a stable order.

- :class:`DurableFileFeedStorage`: Scrapy's file storage writes through Python's buffer,
  so a killed crawl loses the last items while the archive already holds their pages.
  Writing unbuffered (one ``write`` per JSON Lines item) keeps items and the seen-URL
  file in step: an item whose URL is recorded as seen is always in the feed.
- :class:`SortedFeeds`: Scrapy exports items in the order responses happen to arrive,
  which changes with concurrency. Sorting what one run appended (newest first, then URL)
  makes output diffable and a replay byte-identical to the live crawl that wrote it. The
  sort rewrites into a temporary file and renames it, so it never leaves a half-written
  file; a killed crawl keeps its items, unsorted.
- :func:`feed_tail_urls`: the URLs at the end of a feed, where the items a killed crawl
  exported but had no time to record as seen are.
- A feed that cannot be written (a directory in its place, a full disk, an I/O error)
  stops the crawl with finish reason ``feed_write_failed``; :func:`feed_failed` tells the
  dedupe pipeline to stop recording URLs as seen, so the lost items are fetched again.
  A write that fails part-way is cut back to the last whole line, and a torn last line
  left by a crash is cut off before the next run appends (:func:`repair_torn_tail`).
"""

from __future__ import annotations

import errno
import heapq
import io
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.utils.defer import deferred_from_coro
from w3lib.url import file_uri_to_path

from newsarchive.atomic import AtomicFile

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: Failed (or, after the first failure, refused) writes to a feed: one per lost item.
WRITE_FAILED_STAT = "newsarchive/feed/write_failed"
#: Feeds whose torn last line (a crash mid-write) was cut off at the start of a run.
TORN_TAIL_STAT = "newsarchive/feed/torn_tail_removed"
TORN_TAIL_BYTES_STAT = "newsarchive/feed/torn_tail_bytes"
#: The crawl's finish reason when a feed could not be written.
FEED_WRITE_FAILED = "feed_write_failed"

SortKey = tuple[int, float, str]


def item_sort_key(line: bytes) -> SortKey:
    """Newest ``published`` first, undated after dated, then by URL."""
    try:
        item = json.loads(line)
    except ValueError:
        return (2, 0.0, line.decode("utf-8", "replace"))
    url = str(item.get("url") or "")
    try:
        published = datetime.fromisoformat(str(item["published"])).timestamp()
    except (KeyError, TypeError, ValueError):
        return (1, 0.0, url)
    return (0, -published, url)


SORT_CHUNK = 10_000
"""Sort keys held in memory at once (about 300 bytes each: a few MiB); more are sorted in
runs spilled to nameless temporary files and merged, so a run of any size sorts in
bounded memory (100,000 items: ten runs)."""

_Entry = tuple[int, float, str, int, int]  # the sort key, then the line's offset and length


def sort_jsonl_tail(path: Path, start: int, chunk: int = SORT_CHUNK) -> int:
    """Sort the lines of ``path`` after byte ``start``; returns how many were sorted.

    Only keys and offsets are read into memory, ``chunk`` at a time: past that, sorted runs
    go to temporary files beside ``path`` (no name, so a killed crawl leaves none).
    """
    runs: list[IO[str]] = []
    entries: list[_Entry] = []
    count, in_order, previous = 0, True, None
    try:
        with path.open("rb") as src:
            src.seek(start)
            offset = start
            for line in src:
                if line.strip():
                    entry = (*item_sort_key(line), offset, len(line))
                    in_order = in_order and (previous is None or previous <= entry)
                    previous = entry
                    entries.append(entry)
                    count += 1
                    if len(entries) >= chunk:
                        runs.append(_spill(sorted(entries), path.parent))
                        entries = []
                offset += len(line)
            if in_order:
                return count  # already in order: leave the file alone
            entries.sort()
            with AtomicFile(path, binary=True, suffix=".sorting") as dst:
                src.seek(0)
                _copy(src, dst, start)
                for *_, line_offset, length in heapq.merge(*map(_read_run, runs), entries):
                    src.seek(line_offset)
                    line = src.read(length)
                    dst.write(line if line.endswith(b"\n") else line + b"\n")
                dst.commit()
    finally:
        for run in runs:
            run.close()
    return count


def _spill(entries: list[_Entry], directory: Path) -> IO[str]:
    run = tempfile.TemporaryFile("w+", encoding="utf-8", prefix=".items-sort-", dir=directory)
    run.writelines(json.dumps(entry) + "\n" for entry in entries)  # ASCII: lone surrogates too
    run.seek(0)
    return run


def _read_run(run: IO[str]) -> Iterator[_Entry]:
    for line in run:
        rank, published, url, offset, length = json.loads(line)
        yield (rank, published, url, offset, length)


def _copy(src: Any, dst: Any, size: int, chunk: int = 1 << 20) -> None:
    while size > 0:
        data = src.read(min(chunk, size))
        if not data:
            break
        dst.write(data)
        size -= len(data)


def local_jsonl_feeds(feeds: dict[Any, Any]) -> list[tuple[Path, bool]]:
    """``(path, overwrite)`` of the local JSON Lines feeds in a ``FEEDS`` setting."""
    found = []
    for uri, options in feeds.items():
        uri = str(uri)
        options = options or {}
        if options.get("format") not in ("jsonlines", "jsonl") or "%(" in uri:
            continue
        if "://" in uri and not uri.startswith("file://"):
            continue
        found.append((Path(file_uri_to_path(uri) if uri.startswith("file:") else uri), bool(options.get("overwrite"))))
    return found


def read_json_lines(path: str | os.PathLike[str], start: int = 0) -> Iterator[dict[str, Any]]:
    """The objects of a JSON Lines file (items, runs, failed articles) from byte ``start``
    on, streamed; a torn line (a killed writer) or one that is not an object is skipped."""
    with open(path, "rb") as fh:
        fh.seek(start)
        for line in fh:
            try:
                value = json.loads(line)
            except ValueError:  # a torn line; also bytes that are not UTF-8
                continue
            if isinstance(value, dict):
                yield value


def feed_tail_items(path: str | os.PathLike[str], max_bytes: int = 1 << 20) -> list[dict[str, Any]]:
    """Each whole JSON object in the last ``max_bytes`` of a JSON Lines feed.

    A crawl killed between exporting an item and recording it (as seen, or as a failed
    article to retry) leaves that item at the end of the feed only; this is where the
    next crawl finds it (see :class:`~newsarchive.pipelines.DedupePipeline` and
    :class:`~newsarchive.job.JobState`).
    """
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - max_bytes))
        tail = fh.read()
    lines = tail.split(b"\n")
    if size > max_bytes:
        lines = lines[1:]  # begins mid-line
    items = []
    for line in lines:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:  # a torn last line
            continue
        if isinstance(item, dict) and isinstance(item.get("url"), str) and item["url"]:
            items.append(item)
    return items


def feed_tail_urls(path: str | os.PathLike[str], max_bytes: int = 1 << 20) -> list[str]:
    """The ``url`` of each archived item at the end of a feed (:func:`feed_tail_items`),
    leaving out teasers of articles whose page failed (``fetch_error``: nothing archived)."""
    return [item["url"] for item in feed_tail_items(path, max_bytes) if not item.get("fetch_error")]


def feed_failed(crawler: Crawler | None) -> bool:
    """Whether a feed of this crawl could not be written (see :class:`DurableFileFeedStorage`).

    Set synchronously when a write fails, so a handler of the same ``item_scraped`` signal
    that runs after the feed exporter's already knows the item is not in the feed.
    """
    stats = _crawler_attr(crawler, "stats")
    return bool(stats is not None and stats.get_value(WRITE_FAILED_STAT, 0))


def _crawler_attr(crawler: Crawler | None, name: str) -> Any:
    """``crawler.NAME`` or ``None``: Scrapy 2.19 raises RuntimeError for one not set yet."""
    try:
        return getattr(crawler, name, None)
    except RuntimeError:
        return None


def describe_os_error(exc: OSError) -> str:
    """``No space left on device (ENOSPC)``: the message and the errno's name."""
    name = errno.errorcode.get(exc.errno, str(exc.errno)) if exc.errno is not None else None
    message = exc.strerror or str(exc) or type(exc).__name__
    return f"{message} ({name})" if name else message


_CHUNK = 1 << 16
_MAX_CHECKED_LINE = 64 << 20  # a longer "last line" is not parsed: it is garbage anyway


def _last_line_start(fh: IO[bytes], end: int) -> int:
    """Offset just after the last ``\n`` before byte ``end`` (0 when there is none)."""
    pos = end
    while pos > 0:
        size = min(_CHUNK, pos)
        fh.seek(pos - size)
        found = fh.read(size).rfind(b"\n")
        if found >= 0:
            return pos - size + found + 1
        pos -= size
    return 0


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:  # includes UnicodeDecodeError
        return False
    return True


def repair_torn_tail(path: str | os.PathLike[str]) -> int:
    """Cut off a torn last line of a JSON Lines feed; returns how many bytes were cut.

    A crash (or a failed write) mid-line leaves a feed whose last line has no newline or
    is not valid JSON: appending to it would glue the next item onto the fragment and
    lose both. That line is removed, not completed. A last line that *is* a whole JSON
    object and only lacks its newline is a complete item (the dedupe catch-up already
    counts it as exported): it gets its newline instead. Logs a warning for each repair.
    """
    path = Path(path)
    with path.open("r+b", buffering=0) as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return 0
        fh.seek(size - 1)
        ends_with_newline = fh.read(1) == b"\n"
        end = size - 1 if ends_with_newline else size
        start = _last_line_start(fh, end)
        line = b""
        if end - start <= _MAX_CHECKED_LINE:
            fh.seek(start)
            line = fh.read(end - start)
            if ends_with_newline and (not line.strip() or _is_json(line)):
                return 0  # a whole line (or a blank one): nothing is torn
            if not ends_with_newline and line.lstrip().startswith(b"{") and _is_json(line):
                fh.seek(size)
                fh.write(b"\n")
                os.fsync(fh.fileno())
                logger.warning("The last item in %s lacked its newline (crash mid-write?); added it", path)
                return 0
        fh.truncate(start)
        os.fsync(fh.fileno())
    removed = size - start
    logger.warning(
        "Cut off a torn last line of %d bytes at the end of %s (a crash or a failed write "
        "mid-item); its item was not recorded as seen and is fetched again",
        removed, path,
    )
    return removed


def _repair_feed(path: Path, stats: StatsCollector | None) -> int:
    removed = repair_torn_tail(path)
    if removed and stats is not None:
        stats.inc_value(TORN_TAIL_STAT)
        stats.inc_value(TORN_TAIL_BYTES_STAT, removed)
    return removed


def _stop_crawl(crawler: Crawler, reason: str) -> None:
    """Ask the engine to close the spider with ``reason`` (Scrapy 2.13 and later)."""
    engine = _crawler_attr(crawler, "engine")
    spider = getattr(engine, "spider", None) or _crawler_attr(crawler, "spider")
    if engine is None or spider is None:
        return
    try:
        close_async = getattr(engine, "close_spider_async", None)  # Scrapy >= 2.14
        if close_async is not None:
            result = deferred_from_coro(close_async(reason=reason))
        else:
            result = engine.close_spider(spider, reason)
    except Exception as exc:  # e.g. the engine is already gone
        logger.warning("Could not stop the crawl after the feed failed: %s", exc)
        return
    if result is not None and hasattr(result, "addErrback"):
        result.addErrback(lambda failure: logger.warning(
            "Could not stop the crawl after the feed failed: %s", failure.getErrorMessage()))


class SortedFeeds:
    """Scrapy extension: sort the items each local JSON Lines feed received in this run.

    ``NEWSARCHIVE_SORT_ITEMS`` (default ``True``) turns it off.
    """

    def __init__(self, crawler: Crawler, feeds: list[tuple[Path, bool]]) -> None:
        self.crawler = crawler
        self.feeds = feeds
        self.starts: dict[Path, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SortedFeeds:
        if not crawler.settings.getbool("NEWSARCHIVE_SORT_ITEMS", True):
            raise NotConfigured
        feeds = local_jsonl_feeds(crawler.settings.getdict("FEEDS"))
        if not feeds:
            raise NotConfigured
        ext = cls(crawler, feeds)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.feeds_closed, signal=signals.feed_exporter_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        for path, overwrite in self.feeds:
            if overwrite or not path.is_file():
                self.starts[path] = 0
                continue
            # Before the exporter appends (it opens the file at the first item; the storage
            # repairs there too, for crawls without this extension): this run's items must
            # start on a line of their own, and at the offset recorded here.
            try:
                _repair_feed(path, self.crawler.stats)
            except OSError as exc:
                logger.error("Could not check the end of %s for a torn line: %s", path, describe_os_error(exc))
            self.starts[path] = path.stat().st_size

    def feeds_closed(self) -> None:
        if feed_failed(self.crawler):
            logger.warning("Items of this run are left unsorted: a feed could not be written")
            return
        for path, start in self.starts.items():
            if not path.is_file():
                continue
            try:
                count = sort_jsonl_tail(path, start)
            except OSError as exc:
                logger.error("Could not sort %s (items are kept unsorted): %s", path, exc)
                continue
            self.crawler.stats.set_value("newsarchive/feed/sorted_items", count)
            logger.info("Sorted %d items of this run in %s (newest first)", count, path)


class FeedWriteFailed(OSError):
    """Raised by :meth:`DurableFileFeedStorage.store` for a feed that lost items."""


class DurableFileFeedStorage(FileFeedStorage):
    """``FileFeedStorage`` without user-space buffering, that fails loudly.

    One ``write`` per JSON Lines item reaches the OS at once, so a killed crawl loses no
    exported item. When the file cannot be opened or written (a directory in its place,
    no permission, a full disk, an I/O error, a short write), the first failure:

    - cuts the file back to where the failed item began, so no torn line is left;
    - logs one ERROR line naming the file and the OS error;
    - counts it in the ``newsarchive/feed/write_failed`` stat at once, before the
      exception propagates (:func:`feed_failed` reads it);
    - asks the engine to close the spider with finish reason ``feed_write_failed``.

    Later items (those already in flight while the crawl stops) are not written at all
    and counted in the same stat: the feed never has a gap. ``store`` then raises
    :class:`FeedWriteFailed`, so Scrapy reports the feed as failed, not "stored".

    Before appending, a torn last line left by an earlier crash is cut off
    (:func:`repair_torn_tail`).
    """

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None, crawler: Crawler | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.crawler = crawler
        self.failed: OSError | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None) -> DurableFileFeedStorage:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Any) -> IO[bytes]:
        if self.crawler is None:  # built as FileFeedStorage is, without the crawler
            self.crawler = _crawler_attr(spider, "crawler")
        if self.failed is not None:  # opened again after a failed open: refuse quietly
            return _FeedFile(self, None)
        path = Path(self.path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if "a" in self.write_mode and path.is_file():
                _repair_feed(path, self._stats)
            raw = path.open(self.write_mode, buffering=0)
        except OSError as exc:
            self._fail(exc, "open")
            raise
        return _FeedFile(self, raw)

    def store(self, file: IO[bytes]) -> None:
        try:
            file.close()
        except OSError as exc:
            if self.failed is None:
                self._fail(exc, "close")
            raise
        if self.failed is not None:
            raise FeedWriteFailed(
                f"{self.path}: items were lost after a failed write: {describe_os_error(self.failed)}"
            )

    @property
    def _stats(self) -> StatsCollector | None:
        return _crawler_attr(self.crawler, "stats")

    def _fail(self, exc: OSError, action: str, detail: str = "") -> None:
        """Record the first failure: count it, log it, stop the crawl."""
        self.failed = exc
        stats = self._stats
        if stats is not None:
            stats.inc_value(WRITE_FAILED_STAT)
        logger.error(
            "Cannot %s the items feed %s: %s%s. Stopping the crawl (finish reason %s); "
            "items from here on are neither written nor recorded as seen, the next run fetches them again",
            action, self.path, describe_os_error(exc), detail, FEED_WRITE_FAILED,
        )
        if self.crawler is not None:
            _stop_crawl(self.crawler, FEED_WRITE_FAILED)
        if stats is not None and stats.get_value("finish_reason") == "finished":
            # Failed while closing (the last write, or the close itself): CoreStats, a
            # spider_closed receiver before the feed exporter, already called it a success.
            stats.set_value("finish_reason", FEED_WRITE_FAILED)

    def _refuse(self, size: int) -> None:
        """An item arriving after the failure: not written, counted."""
        stats = self._stats
        if stats is not None:
            stats.inc_value(WRITE_FAILED_STAT)
        logger.debug("Not written to the failed feed %s: %d bytes", self.path, size)


class _FeedFile(io.RawIOBase):
    """The file the exporter writes to: whole writes, or none (see DurableFileFeedStorage)."""

    def __init__(self, storage: DurableFileFeedStorage, raw: io.FileIO | None) -> None:
        super().__init__()
        self._storage = storage
        self._raw = raw

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        if self._raw is None:
            raise io.UnsupportedOperation("the feed could not be opened")
        return self._raw.fileno()

    def write(self, data: ReadableBuffer) -> int:
        view = memoryview(data).cast("B")
        total = len(view)
        if self._storage.failed is not None or self._raw is None:
            self._storage._refuse(total)
            return 0
        if not total:
            return 0
        fd = self._raw.fileno()
        written = 0
        start: int | None = None
        try:
            start = os.fstat(fd).st_size  # appends (and overwrites, as sole writer) go here
            while written < total:
                n = self._raw.write(view[written:])
                if not n:  # 0 bytes and no error: do not loop forever
                    raise OSError(errno.EIO, f"short write, {written} of {total} bytes written")
                written += n  # a short write: the next try reports why (ENOSPC, EFBIG...)
        except OSError as exc:
            self._storage._fail(exc, "write to", self._cut_back(fd, start, written))
            raise
        return written

    def _cut_back(self, fd: int, start: int | None, written: int) -> str:
        """Remove what a failed write left of its line; returns a note for the error log."""
        if not written:
            return ""
        try:
            if start is None:
                raise OSError(errno.EIO, "offset unknown")
            os.ftruncate(fd, start)
        except OSError as exc:
            return (f" ({written} bytes of the item were written and could not be removed: "
                    f"{describe_os_error(exc)}; the next run cuts them off)")
        return f" (the {written} bytes of the item already written were removed)"

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self._raw is not None:
                self._raw.close()
        finally:
            super().close()
