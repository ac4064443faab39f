"""The job's archived-article URLs in Redis, shared by all workers (``JOB:seen``).

What ``seen-urls.txt`` is for one machine: a canonical URL enters once its item is in a
feed, so a second worker skips the teaser, and an article a dead worker had exported is
not exported again by the worker that takes its request over. Known URLs are cached in
the worker (the set only grows during a run), unknown ones asked again each time.

A worker whose ``--out`` holds a ``seen-urls.txt`` from single-machine runs adds it to
the shared set at start, so a job can move onto Redis without fetching its past again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scrapy_redis import connection

from newsarchive.distributed.keys import JobKeys
from newsarchive.job.dedupe import SeenUrls, canonical_url
from newsarchive.pipelines import DedupePipeline

logger = logging.getLogger(__name__)

_IMPORT_BATCH = 10_000


class RedisSeenUrls(SeenUrls):
    """:class:`~newsarchive.job.dedupe.SeenUrls` over a Redis set."""

    def __init__(self, server: Any, key: str) -> None:
        super().__init__(None)
        self.server = server
        self.key = key
        self.seconds = 0.0
        self.loaded = int(self.server.scard(key))

    def _ask(self, key: str) -> bool:
        started = time.perf_counter()
        try:
            return bool(self.server.sismember(self.key, key))
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
            return bool(self.server.sadd(self.key, key))
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
    """:class:`~newsarchive.pipelines.DedupePipeline` on the job's shared seen store."""

    def _open_store(self, spider_name: str) -> RedisSeenUrls:
        keys = JobKeys.from_settings(self.crawler.settings, spider_name)
        return RedisSeenUrls(connection.from_settings(self.crawler.settings), keys.seen)

    def spider_opened(self, spider: Any) -> None:
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
        if self.seen is None:
            self.seen = self._open_store(getattr(spider, "name", "") or getattr(self.crawler.spidercls, "name", ""))
        return super().process_item(item, spider)
