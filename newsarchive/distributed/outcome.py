"""A worker's outcome: its share of the job, not the whole job.

One process that reads no listing page found nothing (exit status 3). A worker of a
shared job may read only article pages while the others read the listings: that is a
finished run. A worker whose own listing requests failed still says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsarchive.job.outcome import EXIT_OK, Outcome

JOB_STAT = "newsarchive/redis/job"


def worker_outcome(stats: Mapping[str, Any], outcome: Outcome) -> Outcome:
    """``outcome`` as judged for one process, corrected for a worker of a Redis job."""
    job = stats.get(JOB_STAT)
    if not job or outcome.name != "nothing" or int(stats.get("newsarchive/listing/pages", 0)):
        return outcome
    if any(k.startswith("newsarchive/listing/failed/") for k in stats) or stats.get("newsarchive/teasers/found"):
        return outcome
    return Outcome("finished", EXIT_OK, f"finished (this worker read no listing page; other workers of job {job} did)")
