"""The Scrapy add-on that makes a crawl a worker of a shared job when ``REDIS_URL`` is set.

Enabled in the project's ``ADDONS``; it does nothing without ``REDIS_URL`` (scrapy-redis's
setting name) or during a replay. With it: scrapy-redis's scheduler as newsarchive's
:class:`~newsarchive.distributed.scheduler.RedisScheduler`, its duplicate filter, and
newsarchive's seen store and listing walks in Redis instead of files in the job directory.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings


ADDON_PRIORITY = 30  # over the project's settings (20); a -s on the command line still wins

_SWAPS = {
    "ITEM_PIPELINES": ("newsarchive.pipelines.DedupePipeline", "newsarchive.distributed.seen.RedisDedupePipeline"),
    "EXTENSIONS": ("newsarchive.job.JobState", "newsarchive.distributed.walks.RedisJobState"),
}
# Requests carrying teasers are pickled into Redis, and a WARC pointer still being written
# cannot be: the WARC capture sees REDIS_URL and, as with JOBDIR, makes responses wait for
# their records before the spider sees them.


class RedisAddon:
    def update_settings(self, settings: Settings) -> None:
        if not settings.get("REDIS_URL") or settings.get("NEWSARCHIVE_REPLAY"):
            return
        try:
            import scrapy_redis  # noqa: F401
        except ImportError:
            raise RuntimeError("REDIS_URL is set but scrapy-redis is not installed: "
                                "pip install 'newsarchive[redis]'") from None
        for name, value in (
            ("SCHEDULER", "newsarchive.distributed.scheduler.RedisScheduler"),
            ("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter"),
            ("SCHEDULER_PERSIST", True),
        ):
            settings.set(name, value, priority=max(settings.getpriority(name) or 0, ADDON_PRIORITY))
        for name, (old, new) in _SWAPS.items():
            components: dict[str, Any] = dict(settings.getdict(name))
            order = components.pop(old, None)
            if order is not None and new not in components:
                components[new] = order
                components[old] = None
            settings.set(name, components, priority=max(settings.getpriority(name) or 0, ADDON_PRIORITY))
