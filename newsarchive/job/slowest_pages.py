"""The slowest fetches of a run, kept for its line in ``runs.jsonl`` and the report.

A WARC record says when a page was fetched, not how long it took (Heritrix keeps that in
its crawl log), and a job's people ask "which pages are slow?" when a daily run starts to
take longer. Scrapy measures each download (``download_latency`` in the request's meta:
from sending the request to the response headers); :class:`SlowestPages` keeps the
``NEWSARCHIVE_SLOWEST_PAGES`` slowest (20; 0 turns it off) in a bounded heap, so memory
does not grow with the crawl. :func:`slowest_pages` reads them once the crawl ended.

Replays fetch nothing, so they keep nothing.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import asdict, dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

DEFAULT_KEPT = 20


@dataclass(frozen=True)
class SlowPage:
    """One fetch: its URL, seconds to the response headers, HTTP status and body bytes."""

    url: str
    seconds: float
    status: int
    bytes: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class SlowestPages:
    """Scrapy extension: see the module docstring."""

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self._heap: list[tuple[float, int, SlowPage]] = []  # min-heap: the fastest kept page on top
        self._order = itertools.count()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SlowestPages:
        if crawler.settings.get("NEWSARCHIVE_REPLAY"):
            raise NotConfigured("a replay fetches nothing")
        kept = crawler.settings.getint("NEWSARCHIVE_SLOWEST_PAGES", DEFAULT_KEPT)
        if kept <= 0:
            raise NotConfigured("NEWSARCHIVE_SLOWEST_PAGES is 0")
        ext = cls(kept)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def response_received(self, response: Any, request: Any, spider: Any = None) -> None:
        latency = request.meta.get("download_latency")
        if not isinstance(latency, (int, float)):
            return  # a response Scrapy did not download (a cached or synthetic one)
        key = (float(latency), -next(self._order))  # ties: the earlier fetch stays
        if len(self._heap) >= self.kept and key <= self._heap[0][:2]:
            return
        page = SlowPage(response.url, round(float(latency), 3), int(response.status), len(response.body))
        if len(self._heap) < self.kept:
            heapq.heappush(self._heap, (*key, page))
        else:
            heapq.heapreplace(self._heap, (*key, page))

    def pages(self) -> list[SlowPage]:
        """The kept pages, slowest first."""
        return [entry[2] for entry in sorted(self._heap, reverse=True)]


def slowest_pages(crawler: Crawler) -> list[SlowPage]:
    """The slowest fetches of ``crawler``'s run, slowest first ([] when the extension is off)."""
    try:
        manager = crawler.extensions
    except (AttributeError, RuntimeError):  # the crawl failed before it started
        return []
    for extension in getattr(manager, "middlewares", ()):
        if isinstance(extension, SlowestPages):
            return extension.pages()
    return []
