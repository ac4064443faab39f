"""Whether this worker still has its Redis: the first failed call stops the crawl, said once.

Every part of a worker talks to Redis: the scheduler, the seen store the spider asks about
each teaser, the walks, the failed articles, the pipeline. When Redis goes away (killed,
restarted, the network split) each of them would raise in its own corner of Scrapy and log
its own traceback. Instead each catches :class:`redis.exceptions.RedisError` and calls
:meth:`RedisHealth.failed`: one ERROR line, the ``newsarchive/redis/unavailable`` stat, the
spider closed with reason ``redis_unavailable`` (exit status 1). From then on
:attr:`RedisHealth.down` tells every part to leave Redis alone, so the worker stops at once
instead of waiting on each call's connection retries. What it held stays leased in Redis.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

REASON = "redis_unavailable"
STAT = "newsarchive/redis/unavailable"

T = TypeVar("T")

_OF: WeakKeyDictionary[Any, RedisHealth] = WeakKeyDictionary()


class RedisHealth:
    """The Redis state of one crawler's worker (one per crawler: :meth:`of`)."""

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler
        self.down = False
        self.job = ""

    @classmethod
    def of(cls, crawler: Any) -> RedisHealth:
        """The crawler's one instance (a fresh, crawler-less one for ``None``)."""
        if crawler is None:
            return cls()
        health = _OF.get(crawler)
        if health is None:
            health = _OF[crawler] = cls(crawler)
        return health

    def call(self, fn: Callable[..., T], *args: Any, default: T) -> T:
        """``fn(*args)``, or ``default`` when Redis is (or just went) down."""
        if self.down:
            return default
        try:
            return fn(*args)
        except RedisError as exc:
            self.failed(exc)
            return default

    def failed(self, exc: Exception) -> None:
        """Redis is gone: stop this worker (``redis_unavailable``, exit 1), said once."""
        if self.down:
            return
        self.down = True
        settings = getattr(self.crawler, "settings", None)
        from newsarchive.distributed.cli import redacted

        where = redacted(settings.get("REDIS_URL") or "") if settings is not None else "?"
        stats = getattr(self.crawler, "stats", None)
        if stats is not None:
            stats.inc_value(STAT)
            self.job = self.job or str(stats.get_value("newsarchive/redis/job") or "")
        logger.error("Redis at %s is unavailable (%s): stopping this worker of job %r; what it had taken stays "
                     "leased in Redis and goes back to the queue once Redis is back and the lease timeout has passed",
                     where, str(exc).splitlines()[0] if str(exc) else type(exc).__name__, self.job)
        self._stop()

    def _stop(self) -> None:
        engine = getattr(self.crawler, "engine", None)
        if engine is None:
            return
        from scrapy.utils.defer import deferred_from_coro
        from twisted.internet import reactor

        def stop() -> None:
            if getattr(engine, "_slot", None) is None or getattr(engine._slot, "closing", None) is not None:
                return  # closing already (or not open): nothing to do
            result = deferred_from_coro(engine.close_spider_async(reason=REASON))
            if hasattr(result, "addErrback"):
                result.addErrback(lambda failure: logger.debug("closing after Redis failed: %s", failure))

        reactor.callLater(0, stop)  # type: ignore[arg-type]  # (not from inside the engine's own call)
