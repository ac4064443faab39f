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
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FileFeedStorage
from w3lib.url import file_uri_to_path

logger = logging.getLogger(__name__)

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


def sort_jsonl_tail(path: Path, start: int) -> int:
    """Sort the lines of ``path`` after byte ``start``; returns how many were sorted.

    Only keys and offsets are held in memory, so large feeds sort in little space.
    """
    entries: list[tuple[SortKey, int, int]] = []
    with path.open("rb") as src:
        src.seek(start)
        offset = start
        for line in src:
            if line.strip():
                entries.append((item_sort_key(line), offset, len(line)))
            offset += len(line)
        ordered = sorted(entries)
        if [e[1] for e in ordered] == [e[1] for e in entries]:
            return len(entries)  # already in order: leave the file alone
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".sorting", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as dst:
                src.seek(0)
                _copy(src, dst, start)
                for _, line_offset, length in ordered:
                    src.seek(line_offset)
                    line = src.read(length)
                    dst.write(line if line.endswith(b"\n") else line + b"\n")
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    return len(entries)


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


def feed_tail_urls(path: str | os.PathLike[str], max_bytes: int = 1 << 20) -> list[str]:
    """The ``url`` of each whole JSON line in the last ``max_bytes`` of a JSON Lines feed.

    A crawl killed between exporting an item and remembering its URL leaves that item at
    the end of the feed only; this is where the next crawl finds it (see
    :class:`~newsarchive.pipelines.DedupePipeline`).
    """
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - max_bytes))
        tail = fh.read()
    lines = tail.split(b"\n")
    if size > max_bytes:
        lines = lines[1:]  # begins mid-line
    urls = []
    for line in lines:
        try:
            url = json.loads(line).get("url") if line.strip() else None
        except (ValueError, AttributeError):  # a torn last line, or not an object
            continue
        if isinstance(url, str) and url:
            urls.append(url)
    return urls


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
            self.starts[path] = 0 if overwrite or not path.exists() else path.stat().st_size

    def feeds_closed(self) -> None:
        for path, start in self.starts.items():
            if not path.exists():
                continue
            try:
                count = sort_jsonl_tail(path, start)
            except OSError as exc:
                logger.error("Could not sort %s (items are kept unsorted): %s", path, exc)
                continue
            self.crawler.stats.set_value("newsarchive/feed/sorted_items", count)
            logger.info("Sorted %d items of this run in %s (newest first)", count, path)


class DurableFileFeedStorage(FileFeedStorage):
    """``FileFeedStorage`` without user-space buffering."""

    def open(self, spider: Any) -> IO[bytes]:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open(self.write_mode, buffering=0)
