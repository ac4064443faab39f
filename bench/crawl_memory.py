"""Peak memory of a crawl as it grows: the crawl process and the WARC writer process.

Run: ``python bench/crawl_memory.py [--sizes 1000,10000] [--big]`` (``--big`` adds 100,000
articles: about ten minutes). For each size the sample site serves that many articles in
its own process and ``newsarchive crawl timesca --out DIR`` crawls all of them into a fresh
job directory. While it runs, this script reads the kernel's high-water mark of resident
memory (``VmHWM`` in ``/proc/PID/status``) of the crawl process and of each of its
children (the writer) several times a second, keeping the last value seen before each
exits: the true peak, not a sample of it.

Prints, per size: pages/s, peak RSS of each process, and the growth per page against the
smallest size; then the ratio of the largest size's peak to the smallest's (target: at
most 1.2x in each process, pages/s not falling with size).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsarchive.sample_site import run_sample_site_process  # noqa: E402


def high_water_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                found += [int(p) for p in fh.read().split()]
    except OSError:
        pass
    return found


def crawl(base: str, out: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "newsarchive", "crawl", "timesca", "-a", f"base_url={base}",
               "--out", str(out), "-s", "LOG_LEVEL=WARNING", "-s", "NEWSARCHIVE_PROGRESS=off"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    crawl_peak, writer_peak = 0, 0
    while child.poll() is None:
        crawl_peak = max(crawl_peak, high_water_kib(child.pid) or 0)
        for pid in children_of(child.pid):
            writer_peak = max(writer_peak, high_water_kib(pid) or 0)
        time.sleep(0.1)
    stderr = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"crawl failed ({child.returncode}):\n{stderr[-3000:]}")
    run = json.loads((out / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    stats = run["stats"]
    pages = stats.get("downloader/response_count", 0)
    return {"pages": pages, "items": run["items"], "pages/s": pages / stats["elapsed_time_seconds"],
            "crawl MiB": crawl_peak / 1024, "writer MiB": writer_peak / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="articles per crawl, comma-separated")
    parser.add_argument("--big", action="store_true", help="also crawl 100,000 articles (about ten minutes)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] + ([100_000] if args.big else [])
    rows: list[tuple[int, dict[str, float]]] = []
    with tempfile.TemporaryDirectory(prefix="newsarchive-memory-") as tmp:
        for size in sizes:
            with run_sample_site_process(articles=size, timeout=120) as base:
                figures = crawl(base, Path(tmp) / f"job-{size}")
            rows.append((size, figures))
            first_size, first = rows[0]
            growth = ""
            if size != first_size:
                pages = figures["pages"] - first["pages"]
                growth = "  growth per page: " + ", ".join(
                    f"{name} {1024 * (figures[name] - first[name]) / pages:+.2f} KiB"
                    for name in ("crawl MiB", "writer MiB"))
            print(f"{size:>7} articles  {figures['pages/s']:6.1f} pages/s  crawl {figures['crawl MiB']:6.1f} MiB  "
                  f"writer {figures['writer MiB']:6.1f} MiB  ({figures['items']:.0f} items, {figures['pages']:.0f} "
                  f"pages){growth}", flush=True)
    (small_size, small), (big_size, big) = rows[0], rows[-1]
    if big_size != small_size:
        print(f"\n{big_size:,} vs {small_size:,} articles: crawl process peak {big['crawl MiB'] / small['crawl MiB']:.2f}x, "
              f"writer {big['writer MiB'] / small['writer MiB']:.2f}x (target: at most 1.2x each); "
              f"pages/s {big['pages/s'] / small['pages/s']:.2f}x (target: not below 1)")


if __name__ == "__main__":
    main()
