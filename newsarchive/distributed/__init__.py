"""Many workers on one crawl: a shared request queue, fingerprints and seen store in Redis.

``newsarchive crawl ... --redis redis://HOST:PORT/DB`` (or ``-s REDIS_URL=...`` with
``scrapy crawl``) turns a crawl into a worker of a shared job, on scrapy-redis's
scheduler, queue and duplicate filter. What newsarchive adds on top:

- :mod:`~newsarchive.distributed.leases`: a request taken from the queue is *leased* to
  its worker until its response is archived and its items written; a worker that stops
  heart-beating (SIGKILL, a lost machine) has its leases put back in the queue after
  ``NEWSARCHIVE_REDIS_LEASE_TIMEOUT`` seconds, a worker stopped cleanly hands them back;
- :mod:`~newsarchive.distributed.scheduler`: the lease bookkeeping, and the end of the
  crawl: a worker exits once the queue is empty and no live worker holds a lease;
- :mod:`~newsarchive.distributed.seen`: the job's archived-article URLs (what
  ``seen-urls.txt`` holds for one machine), shared by every worker;
- :mod:`~newsarchive.distributed.walks`: the listing walks, shared, so "stop at a page of
  known teasers" works whichever worker read the end of a listing;
- :mod:`~newsarchive.distributed.exports`: each item is marked in Redis while it is
  written to the feed, so a worker killed between the write and Redis doubles nothing;
- :mod:`~newsarchive.distributed.health`: a worker whose Redis goes away stops with one
  line (``redis_unavailable``), leaving what it held leased for the next worker;
- :mod:`~newsarchive.distributed.merge`: the workers' feeds put together, each article once;
- :mod:`~newsarchive.distributed.addon`: the Scrapy add-on switching all of it on.

Each worker writes its own items, WARC files and ``runs.jsonl`` in its own ``--out``.
"""

from __future__ import annotations

from newsarchive.distributed.keys import JobKeys, job_name

__all__ = ["JobKeys", "job_name"]
