"""Listing walks shared by the workers of a job (``JOB:walks``, one JSON value per walk).

A listing walk is a chain of requests (page 1, page 2, ...) carrying its
:class:`~newsarchive.job.Walk` along; with a shared queue each page may be read by a
different worker, holding its own copy of the walk. So the walk's record lives in Redis,
written by whichever worker read its latest page, and the worker that reads its last
page marks it complete when the run ends cleanly (every worker of a run ends only once
the whole queue is done, so a clean end of one is a clean end of the run's work).
The failed-article ledger is shared the same way (``JOB:failed``, canonical URL -> entry):
a teaser that failed in one worker's hands is "pending a retry" for all of them, and the
retry, when due, is made once (the shared fingerprints) by whichever worker takes it. A
worker asks Redis about a URL its copy does not hold (another worker may have recorded
it during this run), so a failed article whose request is requeued from a dead worker
is not exported twice. A worker whose ``--out`` holds a ``failed-articles.jsonl`` from
single-machine runs adds its entries at start (those Redis knows, or whose article is
archived, excepted), with a log line and the ``newsarchive/redis/failed_imported`` stat.
With Redis gone, both stores keep what they have and write nothing
(:mod:`~newsarchive.distributed.health`).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from dataclasses import asdict
from pathlib import Path

from redis.exceptions import RedisError
from scrapy.crawler import Crawler
from scrapy_redis import connection

from newsarchive.distributed.health import RedisHealth
from newsarchive.distributed.keys import JobKeys
from newsarchive.job.extension import JobState, job_paths, retry_limits
from newsarchive.job.item_feed import feed_failed
from newsarchive.job.dedupe import canonical_url
from newsarchive.job.retries import _FIELDS, FailedArticle, RetryLedger
from newsarchive.job.walks import ListingWalks, Walk

logger = logging.getLogger(__name__)


class RedisListingWalks(ListingWalks):
    """:class:`~newsarchive.job.ListingWalks` kept in a Redis hash."""

    def __init__(self, server: Any, key: str, run_key: str, health: RedisHealth | None = None) -> None:
        super().__init__(None)
        self.server = server
        self.key = key
        self.run_key = run_key
        self.health = health or RedisHealth()
        self._quiet = False
        self._saved = {}
        for name, value in (server.hgetall(key) or {}).items():
            try:
                data = json.loads(value)
            except ValueError:
                self.damaged = f"{key}: walk {name!r} is not JSON"
                continue
            if isinstance(data, dict):
                self._saved[name.decode() if isinstance(name, bytes) else str(name)] = data

    def begin(self, start_url: str) -> Walk:
        from newsarchive.job.dedupe import canonical_url

        key = canonical_url(start_url)
        if key in self.walks:  # this worker read pages of it already (another worker began it)
            return self.walks[key]
        fresh = self.health.call(self.server.hget, self.key, key, default=None)
        if fresh is not None:
            try:
                self._saved[key] = json.loads(fresh)
            except ValueError:
                pass
        under_way = self._saved.get(key, {}).get("run") == self._run()
        self._quiet = under_way  # its record is another worker's to write
        try:
            walk = super().begin(start_url)
        finally:
            self._quiet = False
        if under_way:  # begun by another worker in this run, not left unfinished by the last
            walk.resumed = False
        return walk

    def _run(self) -> str:
        run = self.health.call(self.server.get, self.run_key, default=b"")
        return run.decode() if isinstance(run, bytes) else str(run)

    def adopt(self, walk: Walk) -> None:
        """This worker took a request of ``walk`` from the queue: it holds the walk's latest
        copy now, the one whose end (a last page, or a guessed next page that is a 404 in
        an errback) this worker will see and record."""
        self.walks[walk.key] = walk

    def page_done(self, walk: Walk, teasers: int, unknown: int) -> None:
        self.adopt(walk)
        super().page_done(walk, teasers, unknown)

    def _record(self, walk: Walk, *, save: bool = True) -> None:
        if self._quiet:
            return
        super()._record(walk, save=False)
        record = dict(self._saved[walk.key])
        if record.get("need") is not None:
            record["run"] = self._run()  # under way in this run
        self.health.call(self.server.hset, self.key, walk.key, json.dumps(record), default=None)

    def _save(self) -> None:
        return None  # every record is written as it is made

    def unfinished(self) -> list[str]:
        """Walk keys whose shared record says a run is still under way or was interrupted."""
        out = []
        for key in self.walks:
            raw = self.server.hget(self.key, key)
            try:
                data = json.loads(raw) if raw is not None else {}
            except ValueError:
                data = {}
            if not data.get("complete") or data.get("need") is not None:
                out.append(key)
        return out


# KEYS: failed, seen. ARGV: canonical URL, entry JSON, ... Add the entries Redis lacks,
# unless their article is archived. Returns how many were added.
_IMPORT = """
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 and redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    n = n + 1
  end
end
return n
"""
_IMPORT_BATCH = 500


class RedisRetryLedger(RetryLedger):
    """:class:`~newsarchive.job.RetryLedger` kept in a Redis hash (read at start, written
    as it changes, asked about URLs it does not hold). ``path`` is the worker's own ledger
    file, never written: its entries from single-machine runs are imported
    (:meth:`import_file`), and it says that this crawl has a job (the feed catch-up of
    :class:`JobState` runs then)."""

    def __init__(self, server: Any, key: str, path: Any, *, health: RedisHealth | None = None, **kwargs: Any) -> None:
        self.server = server
        self.key = key
        self.health = health or RedisHealth()
        super().__init__(path, **kwargs)
        if path is None:
            self._load(None)

    def _load(self, path: Any) -> None:
        for value in (self.server.hgetall(self.key) or {}).values():
            entry = self._parse(value)
            if entry is None:
                self.damaged_lines += 1
                continue
            self.entries[canonical_url(entry.url)] = entry

    @staticmethod
    def _parse(value: Any) -> FailedArticle | None:
        try:
            record = json.loads(value)
            return FailedArticle(**{k: v for k, v in record.items() if k in _FIELDS})
        except (ValueError, TypeError, AttributeError):
            return None

    def get(self, url: str) -> FailedArticle | None:
        key = canonical_url(url)
        entry = self.entries.get(key)
        if entry is None and key:
            raw = self.health.call(self.server.hget, self.key, key, default=None)
            entry = self._parse(raw) if raw is not None else None
            if entry is not None:  # recorded by another worker during this run
                self.entries[key] = entry
        return entry

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and self.get(url) is not None

    def succeeded(self, url: str) -> bool:
        """Close the entry of ``url``, this worker's or one another worker made (one HDEL)."""
        key = canonical_url(url)
        mine = self.entries.pop(key, None) is not None
        return bool(self.health.call(self.server.hdel, self.key, key, default=0)) or mine

    def import_file(self, path: Path, seen_key: str) -> tuple[int, int]:
        """Add the entries of a single-machine ``failed-articles.jsonl``; ``(added, read)``.
        Idempotent: an entry Redis has, or whose article is in ``seen_key``, is left out."""
        local = RetryLedger(path, max_retries=self.max_retries, delay=self.delay)
        local.close()
        script = self.server.register_script(_IMPORT)
        entries = list(local.entries.items())
        added = 0
        for start in range(0, len(entries), _IMPORT_BATCH):
            args: list[str] = []
            for key, entry in entries[start:start + _IMPORT_BATCH]:
                args += [key, json.dumps(asdict(entry), ensure_ascii=False, sort_keys=True)]
            added += int(script(keys=[self.key, seen_key], args=args))
        if added:
            self.entries.clear()
            self._load(None)
        return added, len(entries)

    def _append(self, record: dict[str, Any]) -> None:
        key = canonical_url(str(record["url"]))
        if record.get("done"):
            self.health.call(self.server.hdel, self.key, key, default=None)
        else:
            value = json.dumps(record, ensure_ascii=False, sort_keys=True)
            self.health.call(self.server.hset, self.key, key, value, default=None)

    def close(self) -> None:
        return None


class RedisJobState(JobState):
    """:class:`~newsarchive.job.JobState` with the walks and the failed articles in Redis."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobState:
        from newsarchive.distributed.exports import install_test_hook

        install_test_hook(crawler)  # (tests only) before this extension's item_scraped handler
        return super().from_crawler(crawler)

    @classmethod
    def stores(cls, crawler: Crawler) -> tuple[ListingWalks, RetryLedger]:
        settings = crawler.settings
        _, retry_path = job_paths(settings)
        spider_name = getattr(crawler.spidercls, "name", None) or "spider"
        keys = JobKeys.from_settings(settings, spider_name)
        health = RedisHealth.of(crawler)
        walks = RedisListingWalks(connection.from_settings(settings), keys.walks, keys.run, health)
        ledger = RedisRetryLedger(walks.server, keys.failed, retry_path, health=health, **retry_limits(settings))
        return walks, ledger

    def spider_opened(self, spider: Any) -> None:
        try:
            self._import_local_ledger(spider)
            super().spider_opened(spider)
        except RedisError as exc:
            RedisHealth.of(self.crawler).failed(exc)

    def _import_local_ledger(self, spider: Any) -> None:
        """A ``failed-articles.jsonl`` in ``--out`` from single-machine runs: its articles are
        the job's to retry, whichever worker does it; said with a count, never ignored."""
        ledger = self.retries
        assert isinstance(ledger, RedisRetryLedger)
        path = ledger.path
        if path is None or not Path(path).is_file():
            return
        keys = JobKeys.from_settings(self.crawler.settings, spider.name)
        added, read = ledger.import_file(Path(path), keys.seen)
        if added:
            self.stats.inc_value("newsarchive/redis/failed_imported", added)
        if read:
            logger.info("%d failed article(s) from %s added to the job's shared failed articles %s "
                        "(%d known there already or archived); this file is not written while on Redis",
                        added, path, ledger.key, read - added)

    def spider_closed(self, spider: Any, reason: str = "") -> None:
        clean = reason == "finished" and not feed_failed(self.crawler)
        walks = self.walks
        assert isinstance(walks, RedisListingWalks)
        try:
            completed = walks.finish(clean)
        except Exception as exc:  # Redis gone: the next run walks these listings to their end
            logger.error("Could not save the listing walks in Redis %s: %s", walks.key, exc)
            completed = []
        finally:
            self.retries.close()
        if completed:
            self.stats.set_value("newsarchive/job/walks_completed", len(completed))
        if not clean:
            try:
                unfinished = walks.unfinished()
            except Exception:
                unfinished = list(walks.walks)
            if unfinished:
                self.stats.set_value("newsarchive/job/walks_unfinished", len(unfinished))
                logger.warning("Listing walk(s) not finished (%s): the next run of the job continues them",
                               ", ".join(unfinished[:3]) + (" ..." if len(unfinished) > 3 else ""))
