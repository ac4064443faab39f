"""Listing walks shared by the workers of a job (``JOB:walks``, one JSON value per walk).

A listing walk is a chain of requests (page 1, page 2, ...) carrying its
:class:`~newsarchive.job.Walk` along; with a shared queue each page may be read by a
different worker, holding its own copy of the walk. So the walk's record lives in Redis,
written by whichever worker read its latest page, and the worker that reads its last
page marks it complete when the run ends cleanly (every worker of a run ends only once
the whole queue is done, so a clean end of one is a clean end of the run's work).
The failed-article ledger is shared the same way (``JOB:failed``, canonical URL -> entry):
a teaser that failed in one worker's hands is "pending a retry" for all of them, and the
retry, when due, is made once (the shared fingerprints) by whichever worker takes it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy_redis import connection

from newsarchive.distributed.keys import JobKeys
from newsarchive.job.extension import JobState, job_paths, retry_limits
from newsarchive.job.item_feed import feed_failed
from newsarchive.job.dedupe import canonical_url
from newsarchive.job.retries import _FIELDS, FailedArticle, RetryLedger
from newsarchive.job.walks import ListingWalks, Walk

logger = logging.getLogger(__name__)


class RedisListingWalks(ListingWalks):
    """:class:`~newsarchive.job.ListingWalks` kept in a Redis hash."""

    def __init__(self, server: Any, key: str, run_key: str) -> None:
        super().__init__(None)
        self.server = server
        self.key = key
        self.run_key = run_key
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
        fresh = self.server.hget(self.key, key)
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
        run = self.server.get(self.run_key)
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
        self.server.hset(self.key, walk.key, json.dumps(record))

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


class RedisRetryLedger(RetryLedger):
    """:class:`~newsarchive.job.RetryLedger` kept in a Redis hash (read at start, written
    as it changes). ``path`` is the worker's own ledger file, never written: it only says
    that this crawl has a job (the feed catch-up of :class:`JobState` runs then)."""

    def __init__(self, server: Any, key: str, path: Any, **kwargs: Any) -> None:
        self.server = server
        self.key = key
        super().__init__(path, **kwargs)
        if path is None:
            self._load(None)

    def _load(self, path: Any) -> None:
        for value in (self.server.hgetall(self.key) or {}).values():
            try:
                record = json.loads(value)
                entry = FailedArticle(**{k: v for k, v in record.items() if k in _FIELDS})
            except (ValueError, TypeError):
                self.damaged_lines += 1
                continue
            self.entries[canonical_url(entry.url)] = entry

    def _append(self, record: dict[str, Any]) -> None:
        key = canonical_url(str(record["url"]))
        if record.get("done"):
            self.server.hdel(self.key, key)
        else:
            self.server.hset(self.key, key, json.dumps(record, ensure_ascii=False, sort_keys=True))

    def close(self) -> None:
        return None


class RedisJobState(JobState):
    """:class:`~newsarchive.job.JobState` with the walks and the failed articles in Redis."""

    @classmethod
    def stores(cls, crawler: Crawler) -> tuple[ListingWalks, RetryLedger]:
        settings = crawler.settings
        _, retry_path = job_paths(settings)
        spider_name = getattr(crawler.spidercls, "name", None) or "spider"
        keys = JobKeys.from_settings(settings, spider_name)
        walks = RedisListingWalks(connection.from_settings(settings), keys.walks, keys.run)
        return walks, RedisRetryLedger(walks.server, keys.failed, retry_path, **retry_limits(settings))

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
