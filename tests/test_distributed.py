"""Many workers on one crawl (newsarchive.distributed): real redis-server, real worker processes.

Two workers crawl the sample site together and give what one process gives, each article
once and each article page fetched once; the merged output indexes, verifies and replays
to the same items; the job's next run stops at the first page of each walk. A worker killed with SIGKILL mid-crawl loses nothing: its requests go
back to the queue after the lease timeout and the other worker finishes the job.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, run_cli
from job_runs import count_lines, run_crawl_cli
from redis_server import redis_url  # noqa: F401 - the fixture

pytest.importorskip("scrapy_redis", reason="the redis extra: pip install -e '.[redis]'")

import redis  # noqa: E402

from newsarchive.distributed.keys import JobKeys, job_name  # noqa: E402
from newsarchive.distributed.leases import LeaseBoard, Reaped  # noqa: E402

ARTICLES = 30


@pytest.fixture
def site() -> Any:
    from newsarchive.sample_site import SampleSite

    with SampleSite(articles=ARTICLES, latency=0.05) as running:
        yield running


def crawl_cmd(out: Path, base_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "newsarchive", "crawl", "timesca", "--out", str(out), "-a", f"base_url={base_url}",
            *extra]


def read_items(*dirs: Path) -> list[dict[str, Any]]:
    items = []
    for d in dirs:
        path = d / "items.jsonl"
        if path.is_file():
            items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return items


def comparable(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items less what differs between any two crawls (fetch time, where the records are)."""
    return sorted(({k: v for k, v in item.items() if k not in ("crawled_at", "warc")} for item in items),
                  key=lambda item: (item["url"], json.dumps(item, sort_keys=True)))


def single_process(tmp_path: Path, base_url: str) -> list[dict[str, Any]]:
    done = run_cli("crawl", "timesca", "--out", str(tmp_path / "single"), "-a", f"base_url={base_url}")
    assert done.returncode == 0, done.stderr[-2000:]
    return read_items(tmp_path / "single")


def start_worker(out: Path, base_url: str, url: str, *extra: str,
                 env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """A worker of the Redis job at ``url`` (``env``: variables added to this one's)."""
    return subprocess.Popen(crawl_cmd(out, base_url, "--redis", url, *extra), cwd=REPO_ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, **(env or {})})


def finish(proc: subprocess.Popen[str], timeout: float = 300) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError("worker did not exit by itself:\n" + err[-3000:]) from None
    return proc.returncode, out, err


def last_run(out: Path) -> dict[str, Any]:
    lines = (out / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(lines[-1])


def article_hits(site: Any, items: list[dict[str, Any]]) -> Counter[str]:
    """GETs of the items' article pages the sample site served (listings, feeds aside)."""
    from urllib.parse import urlsplit

    articles = {urlsplit(item["url"]).path for item in items}
    return Counter({path: n for path, n in site.hits.items() if urlsplit(path).path in articles})


# -- the lease board alone ---------------------------------------------------------------

def test_a_dead_workers_leases_go_back_to_the_queue_and_a_clean_stop_hands_back(redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    keys = JobKeys("lease-test")
    server.delete(*[keys.queue, keys.workers, keys.dupefilter, keys.run, keys.lease_seq], keys.leases("a"),
                  keys.leases("b"))
    for n in range(3):
        server.zadd(keys.queue, {f"request-{n}".encode(): -n})
    a = LeaseBoard(server, keys, "a", timeout=0.3)
    b = LeaseBoard(server, keys, "b", timeout=30)
    assert a.join() == (False, Reaped(0, []))  # something queued: not a new run
    assert b.join() == (False, Reaped(0, []))
    taken = [a.pop(), a.pop()]
    assert [data for _, data in taken] == [b"request-2", b"request-1"]  # best priority first
    assert server.zcard(keys.queue) == 1 and server.hlen(keys.leases("a")) == 2
    assert b.status() == (1, 2)  # b waits: one queued, two in a's hands
    import time

    time.sleep(0.4)  # a is silent past its lease timeout (SIGKILL, a lost machine)
    reaped = b.reap()
    assert reaped.requeued == 2 and reaped.workers == ["a"]
    assert server.zcard(keys.queue) == 3 and not server.exists(keys.leases("a"))
    got = b.pop()
    assert got is not None and got[1] == b"request-2"  # with its priority
    handed, over = b.leave()  # stopped cleanly before starting it: handed back
    assert (handed, over) == (1, False)
    assert server.zcard(keys.queue) == 3 and server.zcard(keys.workers) == 0
    server.delete(keys.queue)
    c = LeaseBoard(server, keys, "c", timeout=30)
    server.sadd(keys.dupefilter, "stale")
    assert c.join() == (True, Reaped(0, []))  # nobody alive, nothing queued: a new run, old fingerprints gone
    assert not server.exists(keys.dupefilter)
    assert c.leave() == (0, True)


def test_job_names_are_the_same_on_every_machine() -> None:
    assert job_name("timesca", {}) == "timesca"
    elsewhere = str(Path("checkout", "sites", "news.toml").resolve())  # wherever this machine keeps it
    assert job_name("listing", {"site": elsewhere}) == job_name("listing", {"site": "news.toml"})
    assert job_name("url", {"url": "https://a.example/"}) != job_name("url", {"url": "https://b.example/"})


def test_the_engine_hooks_exist_on_this_scrapy() -> None:
    """Lease ends are read from the engine's slot (no public API): fail here, not mid-crawl."""
    from scrapy.core.engine import _Slot

    from newsarchive.distributed import engine_hooks

    slot = _Slot(True, nextcall=type("N", (), {"schedule": lambda self: None})(), scheduler=None)  # type: ignore[arg-type]
    crawler = type("C", (), {"engine": type("E", (), {"_slot": slot})()})()
    engine_hooks.check_engine(crawler)
    assert engine_hooks.in_progress(crawler) is slot.inprogress
    with pytest.raises(engine_hooks.UnsupportedScrapy):
        engine_hooks.check_engine(type("C", (), {"engine": None})())


def test_bad_redis_urls_get_one_line_errors(tmp_path: Path) -> None:
    for url, expected in (("http://127.0.0.1:1/", "expected redis://"),
                          ("redis://:secret@127.0.0.1:1/0", "cannot reach Redis")):
        done = run_cli("crawl", "timesca", "--out", str(tmp_path / "out"), "--redis", url)
        assert done.returncode == 2
        assert expected in done.stderr and "Traceback" not in done.stderr
        assert "secret" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


# -- workers --------------------------------------------------------------------------------

@pytest.mark.slow
def test_two_workers_give_the_single_process_items_once_and_fetch_each_article_once(
        tmp_path: Path, site: Any, redis_url: str) -> None:
    single = single_process(tmp_path, site.url)
    site.reset_hits()
    # each worker leases no more than it downloads at once, so both get a share
    share = ("-s", "CONCURRENT_REQUESTS=4", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
    workers = [start_worker(tmp_path / name, site.url, redis_url, *share) for name in ("a", "b")]
    results = [finish(proc) for proc in workers]
    for status, _, err in results:
        assert status == 0, err[-3000:]
    union = read_items(tmp_path / "a", tmp_path / "b")
    assert comparable(union) == comparable(single)
    assert len({item["url"] for item in union}) == len(union)  # each article once
    hits = article_hits(site, single)
    assert hits and max(hits.values()) == 1, hits.most_common(3)  # no article page fetched twice
    runs = [last_run(tmp_path / name) for name in ("a", "b")]
    assert all(run["stats"]["newsarchive/redis/job"] == runs[0]["stats"]["newsarchive/redis/job"] for run in runs)
    assert sum(run["items"] for run in runs) == len(single)
    # the merged archive: one index, verified together, replayed to the same items
    warcs = [str(tmp_path / name / "warc") for name in ("a", "b")]
    index = run_cli("index", "-o", str(tmp_path / "merged.cdxj"), *warcs)
    assert index.returncode == 0, index.stderr[-2000:]
    assert (tmp_path / "merged.cdxj").stat().st_size > 0
    merged_items = tmp_path / "merged-items.jsonl"
    merged_items.write_text("".join((tmp_path / n / "items.jsonl").read_text(encoding="utf-8") for n in ("a", "b")),
                            encoding="utf-8")
    verify = run_cli("verify", "-q", "--items", str(merged_items), *warcs)
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
    replay = run_cli("crawl", "timesca", "--out", str(tmp_path / "replay"), "-a", f"base_url={site.url}",
                     "-s", "NEWSARCHIVE_REPLAY=" + ",".join(warcs))
    assert replay.returncode == 0, replay.stderr[-2000:]
    assert comparable(read_items(tmp_path / "replay")) == comparable(single)
    # the next run of the job (cron): the shared walks are complete, the failed article is
    # pending a retry for every worker: each walk stops at its first page, nothing is new
    workers = [start_worker(tmp_path / name, site.url, redis_url, *share) for name in ("a", "b")]
    for status, _, err in [finish(proc) for proc in workers]:
        assert status == 0, err[-3000:]
    again = [last_run(tmp_path / name) for name in ("a", "b")]
    assert sum(run["items"] for run in again) == 0
    assert sum(int(run["stats"].get("newsarchive/listing/pages", 0)) for run in again) == 2  # listing and feed


@pytest.fixture
def slow_site() -> Any:
    """Slow enough for a worker to die holding requests."""
    from newsarchive.sample_site import SampleSite

    with SampleSite(articles=ARTICLES, latency=0.2) as running:
        yield running


@pytest.mark.slow
def test_a_worker_killed_mid_crawl_loses_nothing_and_doubles_nothing(
        tmp_path: Path, slow_site: Any, redis_url: str) -> None:
    site = slow_site
    single = single_process(tmp_path, site.url)
    lease = ("-s", "NEWSARCHIVE_REDIS_LEASE_TIMEOUT=3", "-s", "CONCURRENT_REQUESTS=4", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
    survivor: list[subprocess.Popen[str]] = []

    def start_survivor() -> None:
        survivor.append(start_worker(tmp_path / "b", site.url, redis_url, *lease))

    timer = threading.Timer(1.0, start_survivor)
    timer.start()
    victim = run_crawl_cli(crawl_cmd(tmp_path / "a", site.url, "--redis", redis_url, "--log-level", "DEBUG", *lease),
                           stop_when=count_lines("Crawled (200)", 8), sig=signal.SIGKILL)
    timer.join()
    assert victim.stopped and victim.status == -signal.SIGKILL
    status, _, err = finish(survivor[0])
    assert status == 0, err[-3000:]
    stats = last_run(tmp_path / "b")["stats"]
    assert stats.get("newsarchive/redis/requeued", 0) > 0, "the victim died holding no request: test proves nothing"
    union = read_items(tmp_path / "a", tmp_path / "b")
    urls = Counter(item["url"] for item in union)
    assert max(urls.values()) == 1, urls.most_common(3)  # nothing doubled
    assert comparable(union) == comparable(single)  # nothing lost


@pytest.mark.slow
def test_a_worker_stopped_cleanly_leaves_the_rest_queued_for_the_next(
        tmp_path: Path, slow_site: Any, redis_url: str) -> None:
    site = slow_site
    single = single_process(tmp_path, site.url)
    share = ("-s", "CONCURRENT_REQUESTS=4", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
    stopped = run_crawl_cli(crawl_cmd(tmp_path / "a", site.url, "--redis", redis_url, "--log-level", "DEBUG", *share),
                            stop_when=count_lines("Crawled (200)", 8), sig=signal.SIGTERM)
    assert stopped.stopped and stopped.status == 1  # interrupted: the same command continues
    job = last_run(tmp_path / "a")["stats"]["newsarchive/redis/job"]
    server = redis.Redis.from_url(redis_url)
    assert server.zcard(JobKeys(job).queue) > 0  # not started: still queued for any worker
    assert server.zcard(JobKeys(job).workers) == 0
    status, _, err = finish(start_worker(tmp_path / "b", site.url, redis_url, *share))
    assert status == 0, err[-3000:]
    union = read_items(tmp_path / "a", tmp_path / "b")
    assert max(Counter(item["url"] for item in union).values()) == 1
    assert comparable(union) == comparable(single)


def test_a_single_machine_seen_file_joins_the_shared_store_and_failures_are_shared(
        redis_url: str, tmp_path: Path) -> None:
    from newsarchive.distributed.seen import RedisSeenUrls
    from newsarchive.distributed.walks import RedisRetryLedger

    server = redis.Redis.from_url(redis_url)
    keys = JobKeys("store-test")
    server.delete(keys.seen, keys.failed)
    seen_file = tmp_path / "seen-urls.txt"
    seen_file.write_text("https://a.example/1\nhttps://a.example/2?utm_source=x\nhttps://a.example/tor", encoding="utf-8")
    store = RedisSeenUrls(server, keys.seen)
    assert store.import_file(seen_file) == 2  # the torn last line is not trusted
    other = RedisSeenUrls(server, keys.seen)  # another worker
    assert "https://a.example/2" in other and "https://a.example/tor" not in other
    assert other.add("https://a.example/3", persist=False)  # claimed here, not yet shared
    assert "https://a.example/3" not in store
    other.persist("https://a.example/3")
    assert "https://a.example/3" in store and len(store) == 3
    ledger = RedisRetryLedger(server, keys.failed, None, delay=0)
    ledger.failed("https://a.example/4", "http_503", teaser={"title": "Four"})
    again = RedisRetryLedger(server, keys.failed, None, delay=0)  # the next run, any worker
    assert again.get("https://a.example/4") is not None and again.due()
    again.succeeded("https://a.example/4")
    assert RedisRetryLedger(server, keys.failed, None).get("https://a.example/4") is None
