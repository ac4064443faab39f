"""The job's archived-article URLs in Redis, shared by all workers (``JOB:seen``).

What ``seen-urls.txt`` is for one machine: a canonical URL enters once its item is in a
feed, so a second worker skips the teaser, and an article a dead worker had exported is
not exported again by the worker that takes its request over. Known URLs are cached in
the worker (the set only grows during a run), unknown ones asked again each time.

A worker whose ``--out`` holds a ``seen-urls.txt`` from single-machine runs adds it to
the shared set at start, so a job can move onto Redis without fetching its past again.

Each item is marked in Redis before its feed write and recorded after it
(:mod:`~newsarchive.distributed.exports`), so a worker killed in between doubles nothing.
When Redis goes away the store answers "known" (the spider requests nothing more) and the
pipeline drops what is still in flight: this worker is stopping, and those items' requests
stay leased in Redis for the next worker (:mod:`~newsarchive.distributed.health`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from redis.exceptions import RedisError
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy_redis import connection

from newsarchive.distributed.exports import ExportMarkers
from newsarchive.distributed.health import RedisHealth
from newsarchive.distributed.keys import JobKeys, crawler_worker
from newsarchive.job.dedupe import SeenUrls, canonical_url
from newsarchive.job.item_feed import feed_failed
from newsarchive.pipelines import DedupePipeline, _drop

logger = logging.getLogger(__name__)

_IMPORT_BATCH = 10_000


class RedisSeenUrls(SeenUrls):
    """:class:`~newsarchive.job.dedupe.SeenUrls` over a Redis set."""

    def __init__(self, server: Any, key: str, health: RedisHealth | None = None) -> None:
        super().__init__(None)
        self.server = server
        self.key = key
        self.health = health or RedisHealth()
        self.seconds = 0.0
        self.loaded = int(self.server.scard(key))

    def _ask(self, key: str) -> bool:
        """Whether ``key`` is in the set; with Redis gone, "yes" (nothing more is requested)."""
        started = time.perf_counter()
        try:
            return self.health.call(lambda: bool(self.server.sismember(self.key, key)), default=True)
        finally:
            self.seconds += time.perf_counter() - started

    def __contains__(self, url: object) -> bool:
        if not isinstance(url, str):
            return False
        key = canonical_url(url)
        if key in self._urls:
            return True
        if key and self._ask(key):
            self._urls.add(key)
            return True
        return False

    def add(self, url: str, *, persist: bool = True) -> bool:
        key = canonical_url(url)
        if not key or key in self._urls:
            return False
        if persist:
            self._urls.add(key)
            return self._write(key)
        if self._ask(key):
            self._urls.add(key)
            return False
        self._urls.add(key)  # claimed in this worker; shared once persisted
        return True

    def persist(self, url: str) -> None:
        key = canonical_url(url)
        if key:
            self._urls.add(key)
            self._write(key)

    def _write(self, key: str) -> bool:  # type: ignore[override]
        started = time.perf_counter()
        try:
            return self.health.call(lambda: bool(self.server.sadd(self.key, key)), default=False)
        finally:
            self.seconds += time.perf_counter() - started

    def import_file(self, path: Path) -> int:
        """Add the URLs of a ``seen-urls.txt`` (single-machine runs); returns how many were new."""
        added = 0
        batch: list[str] = []
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if not line.endswith("\n"):
                    break  # a torn last line is not trusted (as in SeenUrls)
                key = canonical_url(line)
                if key:
                    batch.append(key)
                if len(batch) >= _IMPORT_BATCH:
                    added += int(self.server.sadd(self.key, *batch))
                    batch.clear()
        if batch:
            added += int(self.server.sadd(self.key, *batch))
        self.loaded = int(self.server.scard(self.key))
        return added

    def __len__(self) -> int:
        return int(self.server.scard(self.key))

    def __iter__(self) -> Iterator[str]:
        for value in self.server.sscan_iter(self.key, count=1000):
            yield value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

    def __repr__(self) -> str:
        return f"<RedisSeenUrls {self.key}>"


class RedisDedupePipeline(DedupePipeline):
    """:class:`~newsarchive.pipelines.DedupePipeline` on the job's shared seen store, with
    each item marked in Redis while it is written (:mod:`~newsarchive.distributed.exports`)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.health = RedisHealth.of(crawler)
        self.markers: ExportMarkers | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisDedupePipeline:
        pipeline = super().from_crawler(crawler)
        assert isinstance(pipeline, RedisDedupePipeline)
        crawler.signals.connect(pipeline.item_left, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.item_left, signal=signals.item_error)
        return pipeline

    def _open_store(self, spider_name: str) -> RedisSeenUrls:
        settings = self.crawler.settings
        keys = JobKeys.from_settings(settings, spider_name)
        server = connection.from_settings(settings)
        self.markers = ExportMarkers(server, keys, crawler_worker(self.crawler), settings.getdict("FEEDS"))
        return RedisSeenUrls(server, keys.seen, self.health)

    def spider_opened(self, spider: Any) -> None:
        try:
            self._open(spider)
        except RedisError as exc:
            self.health.failed(exc)

    def _open(self, spider: Any) -> None:
        self.seen = store = self._open_store(spider.name)
        spider.known_urls = store
        local = Path(self.path) if self.path else None
        if local is not None and local.is_file():
            added = store.import_file(local)
            if added:
                self.stats.inc_value("newsarchive/redis/seen_imported", added)
                logger.info("%d archived URL(s) from %s added to the job's shared seen store %s",
                            added, local, store.key)
        if store.loaded:
            self._catch_up_with_feeds()
        self.stats.set_value("newsarchive/dedupe/known_at_start", store.loaded)
        logger.info("%d article URLs already archived (Redis set %s)", store.loaded, store.key)

    def spider_closed(self, spider: Any) -> None:
        if isinstance(self.seen, RedisSeenUrls):
            self.stats.inc_value("newsarchive/redis/seconds", round(self.seen.seconds, 3))  # type: ignore[arg-type]

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if self.health.down:  # stopping: its request stays leased, the next worker exports it
            self.stats.inc_value("newsarchive/redis/items_left_leased")
            raise _drop("Redis unavailable: left to the worker that takes its request over")
        if self.seen is None:
            self.seen = self._open_store(getattr(spider, "name", "") or getattr(self.crawler.spidercls, "name", ""))
        item = super().process_item(item, spider)
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        if self.markers is not None and isinstance(url, str) and url.strip():
            failed = bool(adapter.get("fetch_error"))
            self.health.call(lambda: self.markers.mark(url, failed=failed), default=None)  # type: ignore[union-attr]
            if self.health.down:
                self.stats.inc_value("newsarchive/redis/items_left_leased")
                raise _drop("Redis unavailable: left to the worker that takes its request over")
        return item

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        """The item is in the feed: its URL (and the teaser links that redirected to it) enter
        the seen store and its marker goes, in one script. A failed article's teaser is in
        ``JOB:failed`` already (the job state's handler runs first): only its marker goes."""
        if self.seen is None or self.markers is None or feed_failed(self.crawler):
            return
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        if not isinstance(url, str) or not url.strip():
            return
        seen: list[str] = []
        if not adapter.get("fetch_error"):
            meta = getattr(response, "meta", None) or {}  # no meta: response without request
            seen = [k for k in (canonical_url(u) for u in (url, *meta.get("redirect_urls", ()))) if k]
            self.seen._urls.update(seen)
        markers = self.markers
        started = time.perf_counter()
        try:
            self.health.call(lambda: markers.commit(url, seen), default=None)
        finally:
            assert isinstance(self.seen, RedisSeenUrls)
            self.seen.seconds += time.perf_counter() - started

    def item_left(self, item: Any, response: Any = None, spider: Any = None, **kwargs: Any) -> None:
        """Dropped (or failed) after it was marked: it never reaches the feed."""
        url = ItemAdapter(item).get("url") if item is not None else None
        if self.markers is not None and isinstance(url, str) and not self.health.down:
            markers = self.markers
            self.health.call(lambda: markers.forget(url), default=None)
