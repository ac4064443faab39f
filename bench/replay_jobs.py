"""``newsarchive replay --jobs N`` against ``--jobs 1`` on the same job archive, same run.

Run: ``python bench/replay_jobs.py [--pages 20000] [--runs 8] [--jobs 2] [--repeat 1]``.

The archive: the sample site (``newsarchive.sample_site``) is crawled once by the
``timesca`` spider, live, with WARC capture; the site is then stopped, and a job directory
is made of ``--runs`` copies of that crawl's WARC file under the names newsarchive's
writer gives successive runs (one writer process each), indexed once with
``newsarchive index``. So it holds ``--runs`` runs of the same size, about ``--pages``
pages in all: a job whose site was crawled in full that many times. Each run is a crawl of
its own in a replay, and those are what ``--jobs`` shares out; a single run (or
``--run``/``--at``) is always replayed in one process, so its ratio is 1.0 by design.

Both replays run the command a user runs, in a fresh process, timed from its start to its
end (interpreter start-up, index read and worker start-up included), alternately
``--repeat`` times; the medians are compared. Printed: pages replayed, seconds and pages
per second of each, the speed-up (``--jobs N`` pages/s over ``--jobs 1`` pages/s measured
in this run; target 1.7x on 2 cores), CPU seconds of each (the parallel one spends more:
each worker reads the index and starts Scrapy), the load average before measuring
(other work on the machine slows the parallel replay most), and whether the items files
are byte-identical (the bench fails if not).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIRE = "newsarchive.warc.handler.WireRecordingDownloadHandler"
CAPTURE = [
    "-s", f'DOWNLOAD_HANDLERS={{"http": "{WIRE}", "https": "{WIRE}"}}',
    "-s", 'DOWNLOADER_MIDDLEWARES={"newsarchive.warc.capture.WarcCaptureMiddleware": 950}',
    "-s", "NEWSARCHIVE_WARC_ENABLED=True", "-s", "AUTOTHROTTLE_ENABLED=False",
]
PAGES_PER_ARTICLE = 1.2  # an article page, plus a tenth of a listing page and of a feed page
_NAME = re.compile(r"^(?P<prefix>.+)-(?P<timestamp>\d{17})-(?P<serial>\d{5})-(?P<host>.+)-(?P<pid>\d+)\.warc\.gz$")


def cli(*args: str, timeout: float = 3600) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """``python -m newsarchive ARGS``: the result, wall seconds and CPU seconds (it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "newsarchive", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, wall, cpu


def build_job(scratch: Path, pages: int, runs: int) -> tuple[Path, str, int]:
    """A job directory of ``runs`` copies of one live crawl; its base URL and the articles crawled."""
    sys.path.insert(0, str(ROOT))
    from newsarchive.sample_site import run_sample_site_process

    articles = max(10, round(pages / runs / PAGES_PER_ARTICLE))
    crawl = scratch / "crawl"
    with run_sample_site_process(articles=articles) as base_url:
        done, wall, _ = cli("crawl", "timesca", "--out", str(crawl), "-a", f"base_url={base_url}",
                            "--log-level", "ERROR", *CAPTURE)
    if done.returncode != 0:
        raise SystemExit(f"the live crawl failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    print(f"crawled {articles} articles live in {wall:.0f} s", file=sys.stderr)
    warcs = sorted((crawl / "warc").glob("*.warc.gz"))
    job = scratch / "job"
    (job / "warc").mkdir(parents=True)
    for number in range(runs):
        for warc in warcs:
            found = _NAME.match(warc.name)
            assert found, warc.name
            stamp = str(int(found["timestamp"]) + number * 1000)  # one second apart
            name = f"{found['prefix']}-{stamp}-{found['serial']}-{found['host']}-{int(found['pid']) + number}.warc.gz"
            shutil.copyfile(warc, job / "warc" / name)
    done, _, _ = cli("index", str(job / "warc"))
    if done.returncode != 0:
        raise SystemExit(f"indexing failed:\n{done.stderr[-3000:]}")
    return job, base_url, articles


def replay(job: Path, base_url: str, out: Path, jobs: int) -> tuple[int, float, float]:
    done, wall, cpu = cli("replay", str(job), "--spider", "timesca", "-a", f"base_url={base_url}",
                          "-o", str(out), "--log-level", "ERROR", "--jobs", str(jobs))
    if done.returncode != 0:
        raise SystemExit(f"replay --jobs {jobs} failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    found = re.search(r"^pages replayed: (\d+)", done.stdout, re.M)
    if not found:
        raise SystemExit(f"replay --jobs {jobs} printed no page count:\n{done.stdout}")
    return int(found[1]), wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20000, help="pages in the archive, about (default 20000)")
    parser.add_argument("--runs", type=int, default=8, help="runs in the job directory (default 8)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="processes (default: the cores)")
    parser.add_argument("--repeat", type=int, default=1, help="alternate measurements of each (default 1)")
    args = parser.parse_args()
    if args.pages < 100 or args.runs < 2 or args.jobs < 2 or args.repeat < 1:
        parser.error("--pages >= 100, --runs >= 2, --jobs >= 2 and --repeat >= 1")

    with tempfile.TemporaryDirectory(prefix="replay-jobs-bench-") as raw:
        scratch = Path(raw)
        job, base_url, articles = build_job(scratch, args.pages, args.runs)
        load = os.getloadavg()[0]
        timings: dict[int, list[tuple[int, float, float]]] = {1: [], args.jobs: []}
        same = True
        for round_ in range(args.repeat):
            for jobs in (1, args.jobs):
                out = scratch / f"items-{jobs}-{round_}.jsonl"
                timings[jobs].append(replay(job, base_url, out, jobs))
            same &= (scratch / f"items-1-{round_}.jsonl").read_bytes() == \
                (scratch / f"items-{args.jobs}-{round_}.jsonl").read_bytes()

    def median(jobs: int, index: int) -> float:
        return statistics.median(t[index] for t in timings[jobs])

    pages = timings[1][0][0]
    print(f"archive: {args.runs} runs of one live crawl of the sample site ({articles} articles), "
          f"{pages} pages replayed in all; load average before measuring {load:.2f} on {os.cpu_count()} cores")
    print(f"{'replay':>12} {'pages':>7} {'wall s':>8} {'pages/s':>8} {'CPU s':>7}")
    for jobs in (1, args.jobs):
        wall = median(jobs, 1)
        print(f"{'--jobs ' + str(jobs):>12} {pages:>7} {wall:>8.1f} {pages / wall:>8.1f} {median(jobs, 2):>7.1f}")
    ratio = median(1, 1) / median(args.jobs, 1)
    print(f"speed-up: {ratio:.2f}x the single-process rate with --jobs {args.jobs} "
          f"(median of {args.repeat}; wall time of the whole command, start-up included); "
          f"target 1.7x on 2 cores: {'met' if ratio >= 1.7 else 'not met'}")
    print(f"CPU: --jobs {args.jobs} spent {median(args.jobs, 2) / median(1, 2):.2f}x the CPU seconds of --jobs 1 "
          "(its workers each start Scrapy and read the index); on a busy machine the wall-time ratio "
          "also reflects the larger share of the cores N processes get")
    print(f"items files byte-identical: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
