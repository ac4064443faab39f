"""A crawl's progress while it runs: a live line on a terminal, a log line now and then elsewhere.

Scrapy's own ``LogStats`` says "Crawled N pages" once a minute, from the first second
(so a 42 s crawl says "Crawled 0 pages" and nothing more). :class:`CrawlProgress` says
what a person watching wants: pages, items, failures, the rate and, for a replay, how
much of the archive is done and when it will be. On a terminal (stderr a TTY) it keeps one
line up to date, cleared before any log line so the two never run together; in a log or
a pipe it logs a line every ``NEWSARCHIVE_PROGRESS_INTERVAL`` seconds (30).

Settings: ``NEWSARCHIVE_PROGRESS`` ``auto`` (default: live on a terminal, else log
lines), ``log`` (log lines even on a terminal) or ``off``.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)

LIVE_INTERVAL = 0.5  # seconds between updates of the live line
_CLEAR = "\r\033[K"


class CrawlProgress:
    """Scrapy extension: see the module docstring."""

    def __init__(self, crawler: Crawler, *, live: bool, interval: float, stream: Any) -> None:
        self.crawler = crawler
        self.live = live
        self.interval = LIVE_INTERVAL if live else interval
        self.stream = stream
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self._filter = _ClearLine(stream) if live else None
        self._handlers: list[logging.Handler] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        settings = crawler.settings
        mode = str(settings.get("NEWSARCHIVE_PROGRESS", "auto")).strip().lower()
        if mode == "off":
            raise NotConfigured("NEWSARCHIVE_PROGRESS is off")
        interval = settings.getfloat("NEWSARCHIVE_PROGRESS_INTERVAL", 30.0)
        stream = sys.stderr
        live = mode == "auto" and bool(getattr(stream, "isatty", lambda: False)())
        if not live and interval <= 0:
            raise NotConfigured("NEWSARCHIVE_PROGRESS_INTERVAL is 0")
        ext = cls(crawler, live=live, interval=interval, stream=stream)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any = None) -> None:
        self.started = time.monotonic()
        if self._filter is not None:  # log lines first clear the live line
            self._handlers = [h for h in logging.getLogger().handlers
                              if getattr(h, "stream", None) is self.stream]
            for handler in self._handlers:
                handler.addFilter(self._filter)
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Any = None, reason: str | None = None) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self._filter is not None:
            for handler in self._handlers:
                handler.removeFilter(self._filter)
        if self.live:
            self.stream.write(_CLEAR)
            self.stream.flush()

    def show(self) -> None:
        line = self.line()
        if self.live:
            self.stream.write(_CLEAR + line[: _width() - 1])
            self.stream.flush()
        else:
            logger.info("progress: %s", line)

    def line(self) -> str:
        """``120 pages (8.1/s), 95 items, 2 failed, 14 s`` (a replay: ``, 40% of 300, ETA 20 s``)."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        elapsed = max(time.monotonic() - self.started, 1e-6)
        pages = int(stats.get("downloader/response_count", 0))
        items = int(stats.get("item_scraped_count", 0))
        failed = sum(int(v) for k, v in stats.items() if k.startswith("newsarchive/article/failed/"))
        failed += sum(int(v) for k, v in stats.items() if k.startswith("newsarchive/listing/failed/"))
        parts = [f"{pages} pages ({pages / elapsed:.1f}/s)", f"{items} items"]
        if failed:
            parts.append(f"{failed} failed")
        captures = int(stats.get("newsarchive/replay/captures", 0))
        if captures:
            done = int(stats.get("newsarchive/replay/hits", 0))
            share = min(done / captures, 1.0)
            eta = (captures - done) / (done / elapsed) if done else None
            parts.append(f"{share:.0%} of {captures} captures" + (f", ETA {eta:.0f} s" if eta else ""))
        parts.append(f"{elapsed:.0f} s")
        return ", ".join(parts)


class _ClearLine(logging.Filter):
    """Clears the live progress line before a log record is written to the same stream."""

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self.stream = stream

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self.stream.write(_CLEAR)
        except (OSError, ValueError):
            pass
        return True


def _width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 20)).columns


__all__ = ["CrawlProgress"]
