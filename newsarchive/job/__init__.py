"""A crawl job's own state, kept in its directory so that a plain re-run continues it.

A job directory is crawled again and again (a daily cron line); runs get interrupted
(Ctrl-C, SIGTERM, SIGKILL, a reboot) and pages fail. What a later run needs to know:

- :mod:`~newsarchive.job.walks`: how far each listing walk got, so the cheap "stop at the
  first page of known teasers" rule applies only once a walk reached its end;
- :mod:`~newsarchive.job.retries`: which articles failed, so they are fetched again later
  (a bounded number of times, at growing intervals) instead of being remembered as seen;
- :mod:`~newsarchive.job.failures`: one name per cause of failure, for stats and items;
- :mod:`~newsarchive.job.dedupe`: which articles are archived already (the seen-URL file);
- :mod:`~newsarchive.job.item_feed`: ``items.jsonl``, durable and in a stable order;
- :mod:`~newsarchive.job.outcome`: how a run ended, in one word and one exit status;
- :mod:`~newsarchive.job.extension`: the Scrapy extension tying them to a crawl.

Every file is written so that a torn write is detected and ignored, never trusted
(:mod:`~newsarchive.job.state_file`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_NAMES = {
    "JobState": "newsarchive.job.extension",
    "FailedArticle": "newsarchive.job.retries",
    "RetryLedger": "newsarchive.job.retries",
    "ListingWalks": "newsarchive.job.walks",
    "Walk": "newsarchive.job.walks",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    """Import on first use: ``newsarchive.job.dedupe`` alone must not load Scrapy."""
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'newsarchive.job' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


if TYPE_CHECKING:
    from newsarchive.job.extension import JobState
    from newsarchive.job.retries import FailedArticle, RetryLedger
    from newsarchive.job.walks import ListingWalks, Walk
