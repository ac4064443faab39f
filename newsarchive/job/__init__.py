"""A crawl job's own state, kept in its directory so that a plain re-run continues it.

A job directory is crawled again and again (a daily cron line); runs get interrupted
(Ctrl-C, SIGTERM, SIGKILL, a reboot) and pages fail. What a later run needs to know:

- :mod:`~newsarchive.job.walks`: how far each listing walk got, so the cheap "stop at the
  first page of known teasers" rule applies only once a walk reached its end;
- :mod:`~newsarchive.job.retries`: which articles failed, so they are fetched again later
  (a bounded number of times, at growing intervals) instead of being remembered as seen;
- :mod:`~newsarchive.job.failures`: one name per cause of failure, for stats and items;
- :mod:`~newsarchive.job.extension`: the Scrapy extension tying them to a crawl.

Every file is written so that a torn write is detected and ignored, never trusted
(:mod:`~newsarchive.job.state_file`).
"""

from newsarchive.job.extension import JobState
from newsarchive.job.retries import FailedArticle, RetryLedger
from newsarchive.job.walks import ListingWalks, Walk

__all__ = ["FailedArticle", "JobState", "ListingWalks", "RetryLedger", "Walk"]
