"""Many workers on one crawl: pages/s with 1, 2 and 4 workers sharing a Redis job.

Usage: ``python bench/distributed_crawl.py [--articles N] [--latency-ms MS] [--concurrency C]
[--workers 1,2,4] [--memory-urls N]``

The sample site runs in its own process (``python -m newsarchive.sample_site``, default
200 articles, 100 teasers a listing page) with a simulated server latency
(``--latency-ms``, default 1000: a slow remote site); a ``redis-server`` runs on a
free loopback port (no persistence). For each worker count N, a fresh job is crawled by N
``newsarchive crawl timesca --out DIR_i --redis URL`` processes started together, each
allowed ``--concurrency`` requests in flight (default 4: the per-worker budget a polite
crawl of one site gives, so more workers mean more pages in flight, as when they crawl
from several machines). Printed per N:

* ``pages``: responses downloaded by all workers (``runs.jsonl``); ``items``: items written;
* ``s``: the job's span, first worker's crawl start to last worker's crawl end (from
  ``runs.jsonl``: Python start-up, the same for any N, is left out);
* ``pages/s`` and ``x``: the ratio to one worker, measured in the same run; the last row,
  ``plain``, is one process without ``--redis`` (what a worker costs over it);
* ``redis``: share of the workers' crawl time spent in Redis calls (queue, fingerprints,
  seen store: ``newsarchive/redis/seconds``); ``idle``: share spent waiting with nothing
  to do while other workers held the remaining requests (``newsarchive/redis/idle_seconds``).

Then the memory Redis needs per million URLs, measured: ``--memory-urls`` article URLs
(default 200,000) are added to a job's seen store and as many fingerprints to its
duplicate filter, and ``INFO memory``'s ``used_memory`` before and after is scaled to a
million. Benchmarks print; they never assert. About 4 minutes.

Measured 2026-12-02 on the 2-core machine, shared with other work (load average 7-9),
``python bench/distributed_crawl.py``::

    workers  pages  items      s  pages/s     x  redis   idle
          1    207    200   62.2      3.3  1.00   6.0%   0.0%
          2    208    200   35.9      5.8  1.74   6.4%  11.1%
          4    210    200   27.1      7.8  2.33  14.4%  30.7%
      plain    207    200   61.8      3.4  1.01   0.0%   0.0%
    Redis memory per million: 137 MiB of seen article URLs (JOB:seen, kept across runs),
    92 MiB of request fingerprints (JOB:dupefilter, one run's)

With a fast site the same machine is CPU-bound and workers do not pay:
``--latency-ms 400 --articles 300`` gave 7.8 pages/s, 1.40x, 1.77x (redis 8-22%);
``--latency-ms 100`` gave 20.7 pages/s, 1.09x, 1.12x. ``idle`` is the serial part of a
crawl (robots.txt, the first listing page, the feed walked after the listing, the last
requests), during which the other workers wait.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive.sample_site.process import run_sample_site_process  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server not found (install the redis-server OS package)")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            return proc, f"redis://127.0.0.1:{port}/0"
        except redis.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("redis-server did not start")


def last_run(out: Path) -> dict[str, Any]:
    return json.loads((out / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])


def crawl(n: int, base_url: str, redis_url: str | None, concurrency: int, workdir: Path) -> dict[str, Any]:
    """``n`` workers on a fresh job; ``redis_url`` ``None``: one plain process, no Redis."""
    import redis

    if redis_url:
        redis.Redis.from_url(redis_url).flushdb()
        redis.Redis.from_url(redis_url).config_resetstat()
    outs = [workdir / f"w{n}-{i}-{bool(redis_url)}" for i in range(n)]
    common = ["-a", f"base_url={base_url}", *(["--redis", redis_url] if redis_url else []), "--log-level", "WARNING",
              "-s", f"CONCURRENT_REQUESTS={concurrency}", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}"]
    procs = [subprocess.Popen([sys.executable, "-m", "newsarchive", "crawl", "timesca", "--out", str(out), *common],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for out in outs]
    for proc in procs:
        _, err = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            sys.exit(f"a worker failed ({proc.returncode}):\n{err[-2000:]}")
    runs = [last_run(out) for out in outs]
    started = min(datetime.fromisoformat(r["started"]) for r in runs)
    finished = max(datetime.fromisoformat(r["finished"]) for r in runs)
    span = (finished - started).total_seconds()
    busy = sum(r["elapsed"] for r in runs)
    calls: dict[str, int] = {}
    if redis_url:
        for name, info in redis.Redis.from_url(redis_url).info("commandstats").items():
            calls[name.removeprefix("cmdstat_")] = int(info["calls"])
    pages = sum(r["pages"] for r in runs)
    return {
        "calls": {k: v / pages for k, v in sorted(calls.items(), key=lambda kv: -kv[1])},
        "workers": str(n) if redis_url else "plain",
        "pages": sum(r["pages"] for r in runs),
        "items": sum(r["items"] for r in runs),
        "span": span,
        "redis": sum(float(r["stats"].get("newsarchive/redis/seconds", 0)) for r in runs) / busy,
        "idle": sum(float(r["stats"].get("newsarchive/redis/idle_seconds", 0)) for r in runs) / busy,
    }


def memory_per_million(redis_url: str, urls: int) -> tuple[float, float]:
    """MiB per million URLs in the seen store, and per million fingerprints."""
    import hashlib

    import redis

    from newsarchive.distributed.keys import JobKeys

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    keys = JobKeys("memory")

    def used() -> int:
        return int(client.info("memory")["used_memory"])

    def fill(key: str, make: Any) -> float:
        before = used()
        batch = []
        for i in range(urls):
            batch.append(make(i))
            if len(batch) == 10_000:
                client.sadd(key, *batch)
                batch.clear()
        if batch:
            client.sadd(key, *batch)
        return (used() - before) / urls * 1_000_000 / (1 << 20)

    seen = fill(keys.seen, lambda i: f"https://www.example-news.com/2026/03/{i % 28 + 1:02d}/"
                                     f"a-typical-article-headline-as-a-slug-number-{i}/")
    prints = fill(keys.dupefilter, lambda i: hashlib.sha1(str(i).encode()).hexdigest())
    client.flushdb()
    return seen, prints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--per-page", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=1000.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--memory-urls", type=int, default=200_000)
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="distributed-bench-") as tmp:
        workdir = Path(tmp)
        redis_proc, redis_url = start_redis(workdir)
        try:
            with run_sample_site_process(articles=args.articles, per_page=args.per_page,
                                         latency_ms=args.latency_ms) as base_url:
                print(f"sample site: {args.articles} articles, {args.per_page} a listing page, "
                      f"{args.latency_ms:.0f} ms latency; {args.concurrency} requests in flight per worker")
                rows = [crawl(n, base_url, redis_url, args.concurrency, workdir) for n in counts]
                rows.append(crawl(1, base_url, None, args.concurrency, workdir))
            base = rows[0]["pages"] / rows[0]["span"]
            print(f"{'workers':>7} {'pages':>6} {'items':>6} {'s':>6} {'pages/s':>8} {'x':>5} {'redis':>6} {'idle':>6}")
            for row in rows:
                rate = row["pages"] / row["span"]
                print(f"{row['workers']:>7} {row['pages']:>6} {row['items']:>6} {row['span']:>6.1f} {rate:>8.1f} "
                      f"{rate / base:>5.2f} {row['redis']:>6.1%} {row['idle']:>6.1%}")
            for row in rows[:-1]:
                print(f"Redis calls per page, {row['workers']} worker(s): "
                      + ", ".join(f"{name} {n:.1f}" for name, n in row["calls"].items() if n >= 0.05))
            seen, prints = memory_per_million(redis_url, args.memory_urls)
            print(f"Redis memory per million: {seen:.0f} MiB of seen article URLs (JOB:seen, kept across runs), "
                  f"{prints:.0f} MiB of request fingerprints (JOB:dupefilter, one run's)")
        finally:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)


if __name__ == "__main__":
    main()
