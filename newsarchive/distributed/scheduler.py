"""scrapy-redis's scheduler with leases, a per-run duplicate filter and an end.

Differences from :class:`scrapy_redis.scheduler.Scheduler` (0.9), each for a thing its
users keep running into:

- requests are leased, not popped (:mod:`~newsarchive.distributed.leases`): nothing is
  lost when a worker dies, and what a dead worker was writing to its feed is settled
  before its requests go back (:mod:`~newsarchive.distributed.exports`); the queue and fingerprints always persist (``SCHEDULER_PERSIST``
  and ``SCHEDULER_FLUSH_ON_START`` are ignored: one worker stopping must not empty the
  queue of the others);
- the crawl ends: a worker waits while requests are queued or another live worker holds
  a lease (:meth:`RedisScheduler.has_pending_requests`), and closes (reason
  ``finished``) once neither is true;
- the fingerprints are those of one run: the first worker of a new run (nobody alive,
  nothing queued) drops the last run's, the last worker out drops its own, so the set
  never outgrows one run. The job's lasting memory is the seen store
  (:mod:`~newsarchive.distributed.seen`), which holds article URLs only;
- newsarchive's spiders mark their requests ``dont_filter`` (a redirect loop must reach
  the errback, see ``ListingSpider.article_request``); the first scheduling of such a
  request still goes through the shared fingerprints, so two workers never fetch the
  same page (a redirect to a page another worker fetched is dropped, counted as
  ``newsarchive/redis/filtered``: the single-process spider would drop its item as a
  duplicate); Scrapy's retries, and a redirect back into its own chain (a loop, which
  must end in Scrapy's "max redirections" error), are not filtered.

Settings: ``REDIS_URL`` (the switch), ``NEWSARCHIVE_REDIS_JOB`` (key namespace; default
the spider name), ``NEWSARCHIVE_REDIS_LEASE_TIMEOUT`` (seconds, default 30): how long a
silent worker keeps its leases; ``SCHEDULER_QUEUE_KEY``, ``SCHEDULER_DUPEFILTER_KEY``,
``SCHEDULER_SERIALIZER``, ``DUPEFILTER_DEBUG`` as in scrapy-redis.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from redis.exceptions import RedisError
from scrapy_redis import connection
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newsarchive.distributed import engine_hooks
from newsarchive.distributed.dupefilter import CanonicalDupeFilter
from newsarchive.distributed.exports import settle
from newsarchive.distributed.health import RedisHealth
from newsarchive.distributed.keys import JobKeys, crawler_worker
from newsarchive.distributed.leases import LeaseBoard, Reaped
from newsarchive.job.dedupe import canonical_url

logger = logging.getLogger(__name__)

DEFAULT_LEASE_TIMEOUT = 30.0
LEASE_META = "newsarchive_lease"
TICK = 0.05  # seconds between lease checks and looks at the queue (a listing page's next page waits no longer)
STAT = "newsarchive/redis/"
SOURCE_META = "newsarchive_source"  # (newsarchive.sources.listing_spider.SOURCE_META, not imported: no spider import here)


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue, popping into a lease instead of forgetting."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None, *, board: LeaseBoard) -> None:
        super().__init__(server, spider, key, serializer)
        self.key = key  # already the job's key: no second "% spider"
        self.board = board

    def push(self, request: Any, fingerprint: str | None = None) -> bool:
        """As scrapy-redis (score ``-priority``), with source pages (listing, feed, sitemap)
        half a step ahead of articles of the same priority: the next listing page is what
        keeps every worker busy, and a sorted set orders equal scores by their bytes.
        With ``fingerprint``, queued only if the run has not seen it (one round trip)."""
        score = -request.priority - (0.5 if request.meta.get(SOURCE_META) else 0.0)
        return self.board.push(score, self._encode_request(request), fingerprint)

    def pop(self, timeout: float = 0) -> Any:
        got = self.board.pop()
        if got is None:
            return None
        lease, data = got
        request = self._decode_request(data)
        request.meta[LEASE_META] = lease
        return request


class RedisScheduler(Scheduler):
    """A worker's scheduler: see the module docstring."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        settings = crawler.settings
        kwargs: dict[str, Any] = {"persist": True, "idle_before_close": 0}
        serializer = settings.get("SCHEDULER_SERIALIZER")
        if serializer:
            import importlib

            kwargs["serializer"] = importlib.import_module(serializer) if isinstance(serializer, str) else serializer
        server = connection.from_settings(settings)
        server.ping()
        scheduler = cls(server=server, **kwargs)
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.lease_timeout = settings.getfloat("NEWSARCHIVE_REDIS_LEASE_TIMEOUT", DEFAULT_LEASE_TIMEOUT)
        if not scheduler.lease_timeout > 0:
            raise ValueError(f"NEWSARCHIVE_REDIS_LEASE_TIMEOUT must be more than 0 seconds, "
                             f"got {settings.get('NEWSARCHIVE_REDIS_LEASE_TIMEOUT')!r}")
        scheduler.debug = settings.getbool("DUPEFILTER_DEBUG")
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # -- life cycle --------------------------------------------------------------

    def open(self, spider: Any) -> None:
        engine_hooks.check_engine(self.crawler)
        self.spider = spider
        self.keys = JobKeys.from_settings(self.crawler.settings, spider.name)
        self.worker = crawler_worker(self.crawler)
        self.health = RedisHealth.of(self.crawler)
        self.health.job = self.keys.job
        self.board = LeaseBoard(self.server, self.keys, self.worker, self.lease_timeout)
        self.queue = LeasedQueue(self.server, spider, self.keys.queue, self.serializer, board=self.board)
        self.df = CanonicalDupeFilter(self.server, key=self.keys.dupefilter, debug=self.debug)
        self.held: dict[str, Any] = {}
        self._job: Any = None  # the job's RedisJobState (walks, failed articles), found on first use
        self.redis_seconds = 0.0  # spent in queue and fingerprint calls (the bench reads it)
        self._last_beat = time.monotonic()
        self._waiting_since: float | None = None
        self.stats.set_value(STAT + "job", self.keys.job)
        self.stats.set_value(STAT + "worker", self.worker)
        try:
            fresh, reaped = self.board.join()
            self._settle(reaped)
            queued = len(self.queue)
        except RedisError as exc:
            self._redis_failed(exc)
            return
        logger.info("Worker %s joined job %r on Redis (%s; %d request(s) queued; lease timeout %.0f s)",
                    self.worker, self.keys.job, "a new run" if fresh else "joining the run under way",
                    queued, self.lease_timeout)
        self._ticker = task.LoopingCall(self._tick)
        self._ticker.start(TICK, now=False)

    def close(self, reason: str) -> None:
        if getattr(self, "_ticker", None) is not None and self._ticker.running:
            self._ticker.stop()
        self.stats.inc_value(STAT + "seconds", round(self.redis_seconds, 3))
        if self._failed:
            return  # said once already; what this worker held goes back after the lease timeout
        try:
            self._release_done()
            handed, over = self.board.leave()
        except RedisError as exc:
            logger.error("Could not leave job %r cleanly (Redis: %s): %d request(s) go back to the queue "
                         "after the lease timeout", self.keys.job, exc, len(self.held))
            return
        self.held.clear()
        if handed:
            self.stats.inc_value(STAT + "handed_back", handed)
            logger.info("Handed %d unfinished request(s) back to the queue of job %r", handed, self.keys.job)
        logger.info("Worker %s left job %r (%s)", self.worker, self.keys.job,
                    "the run is over" if over else f"{len(self.queue)} request(s) still queued")

    # -- requests ------------------------------------------------------------------

    def enqueue_request(self, request: Any) -> bool:
        first = not request.meta.get("retry_times") and not self._loops(request)
        fingerprint = self.df.request_fingerprint(request) if first or not request.dont_filter else None
        request.meta.pop(LEASE_META, None)  # (a retry copies its meta)
        started = time.perf_counter()
        try:
            queued = self.queue.push(request, fingerprint)
        except RedisError as exc:
            self.stats.inc_value(STAT + "lost_requests")
            logger.debug("Request %s not queued (Redis: %s)", request.url[:200], exc)
            self._redis_failed(exc)
            return False
        finally:
            self.redis_seconds += time.perf_counter() - started
        if not queued:
            self.df.log(request, self.spider)
            self.stats.inc_value(STAT + "filtered")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    @staticmethod
    def _loops(request: Any) -> bool:
        """A redirect back to a URL of its own chain: left to RedirectMiddleware's limit."""
        chain = request.meta.get("redirect_urls")
        if not chain:
            return False
        target = canonical_url(request.url)
        return any(canonical_url(url) == target for url in chain)

    def next_request(self) -> Any:
        if self._failed:
            return None
        started = time.perf_counter()
        try:
            self._release_done()
            request = self.queue.pop()
        except RedisError as exc:
            self._redis_failed(exc)
            return None
        finally:
            self.redis_seconds += time.perf_counter() - started
        if request is not None:
            self.held[request.meta[LEASE_META]] = request
            self._adopt_walk(request)
            self.stats.inc_value("scheduler/dequeued/redis")
            if self._waiting_since is not None:
                self._stop_waiting()
        return request

    def _adopt_walk(self, request: Any) -> None:
        """A listing, feed or sitemap request carries its walk: hand the copy to the job's
        shared walks (:meth:`~newsarchive.distributed.walks.RedisListingWalks.adopt`)."""
        walk = (request.cb_kwargs or {}).get("walk")
        if walk is None:
            return
        self._find_job_state()
        if self._job:
            self._job.walks.adopt(walk)

    def _find_job_state(self) -> None:
        if self._job is None:
            from newsarchive.distributed.walks import RedisJobState

            extensions = getattr(getattr(self.crawler, "extensions", None), "middlewares", ())
            self._job = next((e for e in extensions if isinstance(e, RedisJobState)), False)

    @property
    def _failed(self) -> bool:
        return self.health.down

    def _redis_failed(self, exc: Exception) -> None:
        """Redis is gone: stop this worker (``redis_unavailable``, exit 1), said once
        (:class:`~newsarchive.distributed.health.RedisHealth`). Its leases stay in Redis,
        so once Redis is back the next worker does that work."""
        self.health.failed(exc)

    def _stop_waiting(self) -> None:
        assert self._waiting_since is not None
        self.stats.inc_value(STAT + "idle_seconds", round(time.monotonic() - self._waiting_since, 3))
        self._waiting_since = None

    def has_pending_requests(self) -> bool:
        """Work anywhere in the job: queued, or in another live worker's hands.

        The engine asks only when this worker is idle; saying yes while others work keeps
        ``spider_idle`` from firing, so a spider's next phase (its feeds after its listings)
        starts when the whole job is idle, as in one process.
        """
        if self._failed:
            return False
        started = time.perf_counter()
        try:
            queued, held = self.board.status()
        except RedisError as exc:
            self._redis_failed(exc)
            return False
        finally:
            self.redis_seconds += time.perf_counter() - started
        if queued or held:
            if self._waiting_since is None and not queued:
                self._waiting_since = time.monotonic()
            return True
        return False

    def _release_done(self) -> None:
        """End the leases of requests the engine has finished with."""
        if not self.held:
            return
        busy = engine_hooks.in_progress(self.crawler)
        done = [lease for lease, request in self.held.items() if request not in busy]
        if done:
            self.board.release(done)
            for lease in done:
                del self.held[lease]

    # -- heartbeat and the end of the crawl -----------------------------------------

    def _tick(self) -> None:
        if self._failed:
            return
        try:
            self._release_done()
            if time.monotonic() - self._last_beat >= self.lease_timeout / 3:
                self._last_beat = time.monotonic()
                if self.board.beat():
                    self.stats.inc_value(STAT + "declared_dead")
                    logger.warning("Worker %s was silent for more than %.0f s and its leases were given to "
                                   "others; raise NEWSARCHIVE_REDIS_LEASE_TIMEOUT if this worker is just slow",
                                   self.worker, self.lease_timeout)
                self._reap()
            engine_hooks.wake(self.crawler)  # requests other workers queued: no 5 s wait
        except RedisError as exc:
            self._redis_failed(exc)
        except Exception as exc:  # (not Redis): the next tick tries again
            self.stats.inc_value(STAT + "errors")
            logger.warning("Error in the worker heartbeat of job %r: %s", self.keys.job, exc)

    def _reap(self) -> None:
        self._settle(self.board.reap())

    def _settle(self, reaped: Reaped) -> None:
        """Count what dead workers left; settle the items they were writing
        (:func:`~newsarchive.distributed.exports.settle`), then requeue their requests."""
        if not reaped.workers:
            return
        settle(self.server, self.keys, self.worker, self._record_failed, self.stats)
        requeued = reaped.requeued + self.board.requeue(reaped.adopted)
        if requeued:
            self._count_requeued(requeued, reaped.workers)

    def _record_failed(self, item: dict[str, Any]) -> None:
        """A failed article's teaser a dead worker wrote to its feed: into the job's ledger."""
        from newsarchive.job.failures import PERMANENT

        self._find_job_state()
        reason = str(item.get("fetch_error"))
        teaser = {k: v for k, v in item.items() if k != "fetch_error"}
        if self._job:
            self._job.retries.failed(item["url"], reason, teaser=teaser, listing_url=item.get("listing_url"),
                                     retryable=reason not in PERMANENT)

    def _count_requeued(self, requeued: int, workers: list[str]) -> None:
        self.stats.inc_value(STAT + "requeued", requeued)
        logger.warning("%d request(s) taken by worker(s) %s, silent for more than %.0f s, are back in the queue",
                       requeued, ", ".join(workers), self.lease_timeout)

    def spider_idle(self, spider: Any = None) -> None:
        """Wait while there is work anywhere in the job; else let the spider close."""
        if self._failed:
            return
        try:
            self._release_done()
            self._reap()
            queued, held = self.board.status()
        except RedisError as exc:
            self._redis_failed(exc)
            return
        if queued or held:
            if self._waiting_since is None:
                self._waiting_since = time.monotonic()
                logger.info("Waiting for other workers of job %r (%d request(s) queued, %d in their hands)",
                            self.keys.job, queued, held)
            raise DontCloseSpider
        if self._waiting_since is not None:
            self._stop_waiting()
        logger.info("Job %r: the queue is empty and no worker holds a request; this worker is done", self.keys.job)
