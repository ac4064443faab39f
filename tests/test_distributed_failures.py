"""Workers of a Redis job at the worst moments: real redis-server, real processes, real SIGKILL.

- a worker SIGKILLed right after writing an item to its feed, before Redis knows of it
  (and right after Redis knows, before its lease ends): the union of the workers' items is
  still the single-process crawl's, each article once;
- the export markers a dead worker leaves are settled by the reaper: recorded when its feed
  (on this machine) holds the item, left to the requeued request when it does not, listed
  as doubtful when its feed is on another machine;
- Redis SIGKILLed mid-crawl: the worker stops with one ERROR line and exit status 1, no
  traceback; Redis restarted from its append-only file, the same command completes the
  job with nothing lost and nothing doubled;
- failed articles: one that failed in one worker's run is retried by another worker's
  later run; a single-machine ``failed-articles.jsonl`` is imported when the job moves to
  Redis, with a log line and a count.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, run_cli
from job_runs import run_crawl_cli
from redis_server import redis_server, redis_url  # noqa: F401 - the fixture
from test_distributed import (ARTICLES, comparable, crawl_cmd, finish, last_run, read_items, single_process,
                              start_worker)

pytest.importorskip("scrapy_redis", reason="the redis extra: pip install -e '.[redis]'")

import redis  # noqa: E402

from newsarchive.distributed.exports import DIE_ENV, ExportMarkers, settle  # noqa: E402
from newsarchive.distributed.keys import JobKeys  # noqa: E402
from newsarchive.distributed.leases import LeaseBoard  # noqa: E402
from newsarchive.job.retries import RetryLedger  # noqa: E402

SHARE = ("-s", "CONCURRENT_REQUESTS=4", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
LEASE = ("-s", "NEWSARCHIVE_REDIS_LEASE_TIMEOUT=3", *SHARE)
WAIT = 300  # seconds a worker may take on a loaded 2-core machine before it counts as hung


@pytest.fixture
def slow_site() -> Any:
    """Slow enough for a worker to die holding requests."""
    from newsarchive.sample_site import SampleSite

    with SampleSite(articles=ARTICLES, latency=0.2) as running:
        yield running


def job_of(out: Path) -> JobKeys:
    return JobKeys(last_run(out)["stats"]["newsarchive/redis/job"])


def assert_once_and_complete(single: list[dict[str, Any]], *outs: Path) -> None:
    union = read_items(*outs)
    urls = Counter(item["url"] for item in union)
    assert max(urls.values()) == 1, urls.most_common(3)  # nothing doubled
    assert comparable(union) == comparable(single)  # nothing lost


# -- the reaper settles what a dead worker was writing -------------------------------------

def test_a_dead_workers_export_markers_are_settled_before_its_requests_go_back(redis_url: str, tmp_path: Path) -> None:
    server = redis.Redis.from_url(redis_url)
    keys = JobKeys("settle-test")
    server.delete(keys.queue, keys.workers, keys.seen, keys.failed, keys.doubtful, keys.leases("a"),
                  keys.leases("b"), keys.exporting("a"), keys.exporting("b"))
    feed = tmp_path / "a" / "items.jsonl"
    feed.parent.mkdir()
    feeds = {str(feed): {"format": "jsonlines"}}
    a = LeaseBoard(server, keys, "a", timeout=0.3)
    a.join()
    for n in range(3):
        server.zadd(keys.queue, {f"request-{n}".encode(): -n})
    taken = [a.pop() for _ in range(3)]
    assert all(taken)
    written, unwritten, recorded = "https://a.example/written", "https://a.example/unwritten", "https://a.example/done"
    markers = ExportMarkers(server, keys, "a", feeds)
    feed.write_text(json.dumps({"url": "https://a.example/older", "title": "x"}) + "\n", encoding="utf-8")
    for url in (written, unwritten, recorded):
        markers.mark(url, failed=False)
    with feed.open("a", encoding="utf-8") as fh:  # killed after this write, before recording it
        fh.write(json.dumps({"url": written, "title": "Written"}) + "\n")
    markers.commit(recorded, [recorded])  # (this one was recorded: its marker is gone)
    markers.mark(recorded, failed=False)  # ... and a second marker for it, as if killed after the commit
    elsewhere = "https://a.example/elsewhere"
    server.hset(keys.exporting("a"), elsewhere, json.dumps(
        {"url": elsewhere, "worker": "a", "host": "not-" + socket.gethostname(), "feeds": [[str(feed), 1, 2]],
         "failed": False}))
    b = LeaseBoard(server, keys, "b", timeout=30)
    b.join()
    deadline = time.monotonic() + 30
    while not (reaped := b.reap()).workers:  # a's heartbeat expires (0.3 s)
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert reaped.workers == ["a"] and reaped.requeued == 0 and len(reaped.adopted) == 3
    assert server.zcard(keys.queue) == 0  # held by b until settled
    done = settle(server, keys, "b", record_failed=lambda item: None)
    assert (done.recorded, done.not_written, done.doubtful) == (1, 1, 1)
    assert server.sismember(keys.seen, written)  # in a's feed: its requeued request's item is a duplicate
    assert not server.sismember(keys.seen, unwritten)  # not in it: the requeued request exports it
    assert server.hexists(keys.doubtful, elsewhere)  # cannot tell: exported again, listed
    assert not server.exists(keys.exporting("b"))
    assert b.requeue(reaped.adopted) == 3 and server.zcard(keys.queue) == 3
    assert b.leave() == (0, False)


# -- SIGKILL at the moment an item is in the feed ------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("moment", ["exported", "committed"])
def test_a_worker_killed_right_after_writing_an_item_doubles_nothing_and_loses_nothing(
        tmp_path: Path, slow_site: Any, redis_url: str, moment: str) -> None:
    """``exported``: the item is in the victim's feed, Redis does not know it yet;
    ``committed``: Redis knows it, the victim still holds its request's lease."""
    site = slow_site
    single = single_process(tmp_path, site.url)
    victim = start_worker(tmp_path / "a", site.url, redis_url, *LEASE, env={DIE_ENV: f"{moment}:3"})
    survivor = start_worker(tmp_path / "b", site.url, redis_url, *LEASE)
    status, _, err = finish(victim, WAIT)
    assert status == -signal.SIGKILL, err[-3000:]
    assert f"{DIE_ENV}: killing this worker now" in err
    status, _, err = finish(survivor, WAIT)
    assert status == 0, err[-3000:]
    stats = last_run(tmp_path / "b")["stats"]
    assert stats.get("newsarchive/redis/requeued", 0) > 0, "the victim died holding no request: test proves nothing"
    if moment == "exported":
        assert stats.get("newsarchive/redis/export_recorded") == 1, {k: v for k, v in stats.items() if "redis" in k}
    assert "newsarchive/redis/export_doubtful" not in stats
    assert len(read_items(tmp_path / "a")) == 3  # the victim's three items, the last one unrecorded
    assert_once_and_complete(single, tmp_path / "a", tmp_path / "b")
    server = redis.Redis.from_url(redis_url)
    keys = job_of(tmp_path / "b")
    assert not server.exists(keys.doubtful) and not list(server.scan_iter(keys.exporting_prefix + "*"))


# -- Redis dies mid-crawl ------------------------------------------------------------------

@pytest.mark.slow
def test_a_worker_whose_redis_dies_stops_with_one_line_and_the_job_completes_after_a_restart(
        tmp_path: Path, slow_site: Any) -> None:
    site = slow_site
    single = single_process(tmp_path, site.url)
    out = tmp_path / "a"
    with redis_server(tmp_path / "redis", persist=True) as server:
        crawled = [0]
        killed_at: list[float] = []

        def kill_redis(line: str, _n: int) -> bool:
            if "Crawled (200)" in line:
                crawled[0] += 1
                if crawled[0] == 8:
                    server.kill()  # SIGKILL: no save, connections reset
                    killed_at.append(time.monotonic())
            return False

        first = run_crawl_cli(crawl_cmd(out, site.url, "--redis", server.url, "--log-level", "DEBUG", *LEASE),
                              stop_when=kill_redis, timeout=WAIT)
        assert killed_at, "the crawl ended before Redis was killed: test proves nothing"
        assert first.status == 1, first.stdout + first.stderr[-3000:]
        assert time.monotonic() - killed_at[0] < 120  # stopped, not hung on retries
        assert "Traceback" not in first.stderr, first.stderr[-5000:]
        errors = [line for line in first.log if "] ERROR:" in line or "] CRITICAL:" in line]
        assert len(errors) == 1, errors
        assert f"Redis at {server.url} is unavailable" in errors[0]
        assert "redis_unavailable" in first.stdout
        run = last_run(out)
        assert run["stats"]["finish_reason"] == "redis_unavailable"
        assert 0 < run["items"] < len(single)

        server.start()  # the same port, the same data directory: its append-only file
        second = run_crawl_cli(crawl_cmd(out, site.url, "--redis", server.url, *LEASE), timeout=WAIT)
        assert second.status == 0, second.stdout + second.stderr[-3000:]
    assert_once_and_complete(single, out)


# -- failed articles across workers and runs -----------------------------------------------

FLAKY = 4  # answers 503 three times: more than one run's own retries (RETRY_TIMES=2)
NOW = ("-s", "NEWSARCHIVE_RETRY_FAILED_DELAY=0")


def flaky_url(site: Any) -> str:
    return str(site.content.article(FLAKY).url(site.url))


def items_of(out: Path, url: str) -> list[dict[str, Any]]:
    return [item for item in read_items(out) if item["url"] == url]


@pytest.mark.slow
def test_an_article_that_failed_in_one_workers_run_is_retried_by_another_workers_next_run(
        tmp_path: Path, redis_url: str) -> None:
    from newsarchive.sample_site import SampleSite

    with SampleSite(articles=ARTICLES, latency=0.02, flaky={FLAKY: 3}) as site:
        url = flaky_url(site)
        status, out, err = finish(start_worker(tmp_path / "a", site.url, redis_url, "--redis-job", "failed-across", *NOW), WAIT)
        assert status == 0, err[-3000:]
        (teaser,) = items_of(tmp_path / "a", url)
        assert teaser["fetch_error"] == "http_503"
        server = redis.Redis.from_url(redis_url)
        keys = JobKeys("failed-across")
        assert server.hexists(keys.failed, url) and not server.sismember(keys.seen, url)
        status, out, err = finish(start_worker(tmp_path / "b", site.url, redis_url, "--redis-job", "failed-across", *NOW), WAIT)
        assert status == 0, err[-3000:]
        (item,) = items_of(tmp_path / "b", url)  # retried by the other worker, archived now
        assert not item.get("fetch_error") and item["body"]
        assert last_run(tmp_path / "b")["stats"].get("newsarchive/article/recovered") == 1
        assert not server.hexists(keys.failed, url) and server.sismember(keys.seen, url)


@pytest.mark.slow
def test_a_single_machine_failed_articles_ledger_is_imported_when_the_job_moves_to_redis(
        tmp_path: Path, redis_url: str) -> None:
    from newsarchive.sample_site import SampleSite

    out = tmp_path / "job"
    with SampleSite(articles=ARTICLES, latency=0.02, flaky={FLAKY: 3}) as site:
        url = flaky_url(site)
        done = run_cli("crawl", "timesca", "--out", str(out), "-a", f"base_url={site.url}", *NOW)
        assert done.returncode == 0, done.stderr[-2000:]
        assert url in (out / "failed-articles.jsonl").read_text(encoding="utf-8")
        ledger_before = (out / "failed-articles.jsonl").read_bytes()
        failed = len(RetryLedger(out / "failed-articles.jsonl"))  # the flaky article and the site's 404
        assert failed == 2
        status, _, err = finish(start_worker(out, site.url, redis_url, "--redis-job", "moved", *NOW), WAIT)
        assert status == 0, err[-3000:]
        assert f"{failed} failed article(s) from {out / 'failed-articles.jsonl'} added to the job's shared failed " \
               "articles moved:failed" in err, err[-3000:]
        stats = last_run(out)["stats"]
        assert stats.get("newsarchive/redis/failed_imported") == failed
        assert stats.get("newsarchive/article/recovered") == 1  # retried in this very run
        assert [bool(i.get("fetch_error")) for i in items_of(out, url)] == [True, False]
        assert (out / "failed-articles.jsonl").read_bytes() == ledger_before  # not written while on Redis
        # the next run: the file's entry is archived now, nothing imported, nothing retried
        status, _, err = finish(start_worker(out, site.url, redis_url, "--redis-job", "moved", *NOW), WAIT)
        assert status == 0, err[-3000:]
        assert "0 failed article(s) from" in err and f"({failed} known there already or archived)" in err
        assert "newsarchive/redis/failed_imported" not in last_run(out)["stats"]
        assert len(items_of(out, url)) == 2


def test_merging_the_workers_feeds_keeps_each_article_once(tmp_path: Path) -> None:
    """The way out of ``JOB:doubtful``: a copy (same canonical URL, same kind) is left out;
    a failed article's teaser and its later archived item are both kept."""
    a, b, out = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "all.jsonl"
    a.write_text(json.dumps({"url": "https://a.example/1", "title": "One"}) + "\n"
                 + json.dumps({"url": "https://a.example/2", "title": "Two", "fetch_error": "http_503"}) + "\n"
                 + '{"url": "https://a.example/tor', encoding="utf-8")
    b.write_text(json.dumps({"url": "https://a.example/1?utm_source=x", "title": "One"}) + "\n"
                 + json.dumps({"url": "https://a.example/2", "title": "Two"}) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "newsarchive", "merge", "-o", str(out), str(a), str(b)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"3 items in {out}; 1 duplicate(s) of an article left out; 1 unreadable line(s) skipped"
    merged = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(i["url"], bool(i.get("fetch_error"))) for i in merged] == [
        ("https://a.example/1", False), ("https://a.example/2", True), ("https://a.example/2", False)]


def test_a_failure_another_worker_recorded_during_the_run_is_known_to_every_worker(redis_url: str) -> None:
    """A failed article's request requeued from a dead worker that had recorded the failure:
    the worker redoing it must see the entry (not export the teaser a second time)."""
    from newsarchive.distributed.walks import RedisRetryLedger

    server = redis.Redis.from_url(redis_url)
    keys = JobKeys("fresh-ledger")
    server.delete(keys.failed)
    mine = RedisRetryLedger(server, keys.failed, None, delay=0)  # loaded at start: empty
    theirs = RedisRetryLedger(server, keys.failed, None, delay=0)
    theirs.failed("https://a.example/5", "http_503", teaser={"title": "Five"})
    assert "https://a.example/5" in mine and mine.get("https://a.example/5").attempts == 1  # type: ignore[union-attr]
    theirs_now = RedisRetryLedger(server, keys.failed, None, delay=0)
    assert mine.succeeded("https://a.example/5")  # archived here: the shared entry is closed
    assert not server.hexists(keys.failed, "https://a.example/5")
    assert theirs_now.entries and not RedisRetryLedger(server, keys.failed, None).entries


def test_merge_takes_job_directories_and_refuses_bad_inputs(tmp_path: Path) -> None:
    """A directory stands for its items.jsonl; a missing input, or the output among the
    inputs, is a one-line error with exit status 2 and nothing written."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "items.jsonl").write_text(json.dumps({"url": "https://a.example/1"}) + "\n", encoding="utf-8")
    out = tmp_path / "all.jsonl"

    def merge(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "newsarchive", "merge", *args], cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=WAIT)

    done = merge("-o", str(out), str(tmp_path / "a"), str(tmp_path / "b"))
    assert done.returncode == 0 and done.stdout.startswith("1 items in "), done.stderr
    missing = merge("-o", str(tmp_path / "x.jsonl"), str(tmp_path / "a"), str(tmp_path / "nothing"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no items file" in missing.stderr
    same = merge("-o", str(tmp_path / "a" / "items.jsonl"), str(tmp_path / "a"))
    assert same.returncode == 2 and "one of the inputs" in same.stderr
    assert not (tmp_path / "x.jsonl").exists()
