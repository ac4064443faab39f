"""Items on their way from a worker's feed into Redis: where a SIGKILL could double one.

An item is in the job once two things happened: its line is in the worker's feed, and its
URL is in ``JOB:seen`` (a failed article's teaser: its entry in ``JOB:failed``). Those are
two stores; a worker killed between them leaves an item in its feed that Redis does not
know of, and the worker that takes its request over would export it again. So:

1. before the feed write, the worker marks the item in ``JOB:exporting:WORKER``: its URL
   and where its feed is (host, path, device and inode) (:meth:`ExportMarkers.mark`);
2. the feed write (unbuffered: on the OS once written, see ``DurableFileFeedStorage``);
3. the URL enters ``JOB:seen`` and the marker goes, in one script (:meth:`ExportMarkers.commit`;
   a failed teaser's ``JOB:failed`` entry is written first, by the job state).

A worker found dead with markers left has its leases taken over by the reaper instead of
requeued (:mod:`~newsarchive.distributed.leases`), and the reaper settles each marker
before requeueing them (:func:`settle`):

- recorded already (killed after step 3's script): nothing to do;
- the feed is on this machine (same host name, same file): its tail says. The item is
  there: it is recorded now, and the requeued request's item is dropped as a duplicate.
  It is not (killed before the write): the requeued request exports it;
- the feed is on another machine: the item may be in it or not. Nothing is lost: the
  request is requeued and the item exported again; its URL goes in ``JOB:doubtful`` with a
  warning naming the dead worker's feed, and ``python -m newsarchive.distributed.merge``
  keeps one copy when the feeds are put together.

``NEWSARCHIVE_TEST_REDIS_DIE=exported:N`` (or ``committed:N``) makes a worker SIGKILL
itself right after its Nth item is in the feed, before anything else hears of it (or
right after it is recorded, its lease not yet ended): the tests' way of dying at exactly
that moment (:func:`install_test_hook`). Nothing else reads it.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsarchive.distributed.keys import JobKeys
from newsarchive.job.dedupe import canonical_url
from newsarchive.job.item_feed import feed_tail_items, local_jsonl_feeds

logger = logging.getLogger(__name__)

DIE_ENV = "NEWSARCHIVE_TEST_REDIS_DIE"
STAT = "newsarchive/redis/"

# KEYS: seen, my markers. ARGV: marker field, URLs to record as seen.
_COMMIT = """
for i = 2, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end
return redis.call('HDEL', KEYS[2], ARGV[1])
"""


def feed_identities(feeds: dict[Any, Any]) -> list[list[Any]]:
    """``[absolute path, device, inode]`` of each local JSON Lines feed (``None`` for a
    file not created yet): enough for a worker on the same machine to find the same file."""
    found: list[list[Any]] = []
    for path, _ in local_jsonl_feeds(feeds):
        path = path.absolute()
        try:
            st = path.stat()
            found.append([str(path), st.st_dev, st.st_ino])
        except OSError:
            found.append([str(path), None, None])
    return found


class ExportMarkers:
    """One worker's markers: set before an item's feed write, removed once it is recorded."""

    def __init__(self, server: Any, keys: JobKeys, worker: str, feeds: dict[Any, Any]) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.key = keys.exporting(worker)
        self.feeds = feeds
        self.host = socket.gethostname()
        self._where: list[list[Any]] | None = None
        self._marked: set[str] = set()
        self._commit = server.register_script(_COMMIT)
        self.committed = 0
        self._die = _die_point()

    def mark(self, url: str, *, failed: bool) -> None:
        """The item of ``url`` is about to be written to the feed."""
        key = canonical_url(url)
        if self._where is None or any(ino is None for _, _, ino in self._where):
            self._where = feed_identities(self.feeds)  # (the feed file appears with the first item)
        marker = {"url": url, "worker": self.worker, "host": self.host, "feeds": self._where, "failed": failed}
        self.server.hset(self.key, key, json.dumps(marker, ensure_ascii=False))
        self._marked.add(key)

    def commit(self, url: str, seen: list[str]) -> None:
        """The item of ``url`` is in the feed: record ``seen`` (canonical URLs; none for a
        failed teaser, whose ledger entry is written already) and drop the marker, at once."""
        key = canonical_url(url)
        self._commit(keys=[self.keys.seen, self.key], args=[key, *seen])
        self._marked.discard(key)
        self.committed += 1
        if self._die == ("committed", self.committed):
            die()

    def forget(self, url: str) -> None:
        """The item was dropped or failed after it was marked: it never reaches the feed."""
        key = canonical_url(url)
        if key in self._marked:
            self._marked.discard(key)
            self.server.hdel(self.key, key)


def _die_point() -> tuple[str, int] | None:
    value = os.environ.get(DIE_ENV, "")
    point, _, count = value.partition(":")
    if point in ("exported", "committed") and count.isdigit():
        return point, int(count)
    return None


def install_test_hook(crawler: Any) -> None:
    """``NEWSARCHIVE_TEST_REDIS_DIE=exported:N``: an ``item_scraped`` handler, connected
    right after the feed exporter's (before the job state's and the pipeline's), that
    SIGKILLs this worker once its Nth item is in the feed."""
    point = _die_point()
    if point is None or point[0] != "exported":
        return
    count = [0]

    def item_scraped(item: Any, **kwargs: Any) -> None:
        count[0] += 1
        if count[0] == point[1]:
            die()

    from scrapy import signals

    crawler.signals.connect(item_scraped, signal=signals.item_scraped, weak=False)


def die() -> None:
    """SIGKILL this worker (with its process group when it leads one: its WARC writer)."""
    logger.warning("%s: killing this worker now", DIE_ENV)
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Settled:
    recorded: int = 0  # found in the dead worker's feed: recorded now, not exported again
    not_written: int = 0  # not in its feed: the requeued request exports it
    doubtful: int = 0  # its feed is on another machine: exported again, listed in JOB:doubtful


def _readable(marker: dict[str, Any], host: str) -> list[Path] | None:
    """The dead worker's feed files, if this machine has them (``None``: elsewhere)."""
    if marker.get("host") != host:
        return None
    paths = []
    for path, dev, ino in marker.get("feeds") or []:
        p = Path(path)
        try:
            st = p.stat()
        except OSError:
            if ino is None:
                continue  # never created: nothing was written to it
            return None
        if ino is not None and (st.st_dev, st.st_ino) != (dev, ino):
            return None  # another file by that name: not the dead worker's
        paths.append(p)
    return paths


def _in_feeds(paths: list[Path], key: str, failed: bool) -> dict[str, Any] | None:
    for path in paths:
        for item in reversed(feed_tail_items(path)):
            if canonical_url(item["url"]) == key and bool(item.get("fetch_error")) == failed:
                return item
    return None


def settle(server: Any, keys: JobKeys, me: str, record_failed: Any, stats: Any = None) -> Settled:
    """Settle the export markers this worker took over from dead workers (module docstring).

    ``record_failed(item)`` records a failed article's teaser found in a dead worker's feed.
    Each marker is deleted once settled; if this worker dies meanwhile, the next reaper
    takes over what is left (markers and leases alike).
    """
    done = Settled()
    mine = keys.exporting(me)
    host = socket.gethostname()
    for field, raw in (server.hgetall(mine) or {}).items():
        try:
            marker = json.loads(raw)
        except ValueError:
            marker = {}
        if marker.get("worker") == me:
            continue  # one of my own items in flight
        key = field.decode("utf-8", "replace") if isinstance(field, bytes) else str(field)
        failed = bool(marker.get("failed"))
        url = str(marker.get("url") or key)
        recorded = server.hexists(keys.failed, key) if failed else server.sismember(keys.seen, key)
        if not recorded:
            paths = _readable(marker, host)
            if paths is None:
                server.hset(keys.doubtful, key, json.dumps(marker, ensure_ascii=False))
                done.doubtful += 1
                feeds = ", ".join(f"{marker.get('host')}:{p}" for p, *_ in marker.get("feeds") or [])
                logger.warning("Worker %s died writing the item of %s to its feed (%s), which this machine cannot "
                               "read: that item is exported again, and may be in both feeds; "
                               "python -m newsarchive.distributed.merge keeps one (listed in %s)",
                               marker.get("worker"), url, feeds or "no local feed", keys.doubtful)
            else:
                item = _in_feeds(paths, key, failed)
                if item is None:
                    done.not_written += 1
                elif failed:
                    record_failed(item)
                    done.recorded += 1
                else:
                    server.sadd(keys.seen, key)
                    done.recorded += 1
        server.hdel(mine, field)
    if stats is not None:
        for name, value in (("export_recorded", done.recorded), ("export_not_written", done.not_written),
                            ("export_doubtful", done.doubtful)):
            if value:
                stats.inc_value(STAT + name, value)
    if done.recorded or done.not_written:
        logger.info("Items a dead worker was writing: %d were in its feed (recorded now, not exported again), "
                    "%d were not (exported by whoever takes their request)", done.recorded, done.not_written)
    return done
