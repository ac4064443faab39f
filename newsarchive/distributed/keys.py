"""Key names of one distributed job in Redis, scrapy-redis's layout plus ours.

Every key of a job starts with the job name, so several jobs share one Redis::

    JOB:requests       the request queue (sorted set, scrapy-redis's PriorityQueue)
    JOB:dupefilter     request fingerprints of the current run (set, scrapy-redis's)
    JOB:seen           canonical URLs of archived articles, across runs (set)
    JOB:walks          listing walk state, across runs (hash: walk key -> JSON)
    JOB:failed         failed articles and their retries, across runs (hash: URL -> JSON)
    JOB:workers        live workers (sorted set: worker id -> heartbeat deadline)
    JOB:leases:WORKER  requests a worker has taken and not finished (hash)
    JOB:exporting:WORKER  items a worker is writing to its feed and has not yet
                       recorded (hash: canonical URL -> JSON naming the feed)
    JOB:doubtful       items a dead worker may or may not have written, whose feed no
                       live worker could read (hash: canonical URL -> JSON)
    JOB:lease-seq      lease id counter
    JOB:run            the number of the current run (a run ends when its queue is done)
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from weakref import WeakKeyDictionary


@dataclass(frozen=True)
class JobKeys:
    """The Redis keys of job ``job``; queue and fingerprint keys follow the scrapy-redis
    templates (``%(spider)s`` stands for the job name)."""

    job: str
    queue_template: str = "%(spider)s:requests"
    dupefilter_template: str = "%(spider)s:dupefilter"

    @property
    def queue(self) -> str:
        return self.queue_template % {"spider": self.job}

    @property
    def dupefilter(self) -> str:
        return self.dupefilter_template % {"spider": self.job}

    @property
    def seen(self) -> str:
        return f"{self.job}:seen"

    @property
    def walks(self) -> str:
        return f"{self.job}:walks"

    @property
    def failed(self) -> str:
        return f"{self.job}:failed"

    @property
    def workers(self) -> str:
        return f"{self.job}:workers"

    @property
    def lease_prefix(self) -> str:
        return f"{self.job}:leases:"

    def leases(self, worker: str) -> str:
        return self.lease_prefix + worker

    @property
    def exporting_prefix(self) -> str:
        return f"{self.job}:exporting:"

    def exporting(self, worker: str) -> str:
        return self.exporting_prefix + worker

    @property
    def doubtful(self) -> str:
        return f"{self.job}:doubtful"

    @property
    def run(self) -> str:
        return f"{self.job}:run"

    @property
    def lease_seq(self) -> str:
        return f"{self.job}:lease-seq"

    @classmethod
    def from_settings(cls, settings: object, spider_name: str) -> JobKeys:
        get = getattr(settings, "get")
        return cls(
            job=get("NEWSARCHIVE_REDIS_JOB") or spider_name,
            queue_template=get("SCHEDULER_QUEUE_KEY") or cls.queue_template,
            dupefilter_template=get("SCHEDULER_DUPEFILTER_KEY") or cls.dupefilter_template,
        )


def job_name(spider: str, spider_args: Mapping[str, str]) -> str:
    """The job a ``newsarchive crawl`` command joins: the same on every machine.

    The spider name, plus a digest of its arguments when it has any (a site file counts by
    its file name, not its path, which differs between machines).
    """
    if not spider_args:
        return spider
    args = {k: (PurePath(v).name if k == "site" else v) for k, v in sorted(spider_args.items())}
    digest = hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()[:10]
    return f"{spider}-{digest}"


def worker_id() -> str:
    """This process as a worker: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


_WORKERS: WeakKeyDictionary[Any, str] = WeakKeyDictionary()


def crawler_worker(crawler: Any) -> str:
    """The worker id of ``crawler``'s process in its job, the same for every part of it
    (scheduler, pipeline): made once per crawler."""
    worker = _WORKERS.get(crawler)
    if worker is None:
        worker = _WORKERS[crawler] = worker_id()
    return worker
