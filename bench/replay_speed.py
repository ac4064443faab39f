"""Offline replay speed against the live crawl of the same sample site, at two sizes.

Run: ``python bench/replay_speed.py [--articles 60] [--factor 10] [--latency-ms 0,100,200]
[--polite-latency-ms 100]``.
For each size (N and N x factor articles) the sample site runs in its own process; the
``timesca`` spider crawls it live (WARC capture on, project settings), then the site is
stopped and the same spider replays the archive. Each crawl runs in a fresh child
process and is timed from the crawl's start to its end (interpreter start-up excluded).

The live crawl is repeated for each ``--latency-ms``: the sample site then waits that
long before every response, as a remote server does (a round trip plus page
generation). At 0 ms, on loopback, live and replay both spend nearly all their time in
the same spider code, so the ratio shows what replay saves in CPU alone; with latency it
shows what users see against a real site. Those live crawls run at full speed
(AutoThrottle off, 8 requests at a time). The ``--polite-latency-ms`` rows crawl as the
project does by default against a remote site: AutoThrottle on, the sample site treated
like a remote host (``NEWSARCHIVE_THROTTLE_LOOPBACK``). Each live crawl's items are
compared with the replayed ones.

Prints pages per second for both, the speed-up (target: 5x), the share of replay time
spent reading WARC records (index loading, lookups, decompression) versus everything
else (the spider and Scrapy), and whether replay time grows linearly: pages/s should
hold steady across the two sizes.

For scale, scrapy-webarchive's replay is reported at 13.6 s for 525 pages and 184 s for
2,100 pages (39 and 11 pages/s); those figures were not measured here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WIRE = "newsarchive.warc.handler.WireRecordingDownloadHandler"


def child(mode: str, out: Path, base_url: str, polite: bool) -> None:
    """One crawl in this process; prints a JSON line with its figures."""
    sys.path.insert(0, str(ROOT))
    from newsarchive.commands.replay import replay_settings
    from newsarchive.runner.crawl_job import run_crawl

    settings: dict[str, Any] = {"LOG_LEVEL": "ERROR"}
    if mode == "live":
        settings.update({
            "DOWNLOAD_HANDLERS": {"http": WIRE, "https": WIRE},
            "DOWNLOADER_MIDDLEWARES": {"newsarchive.warc.capture.WarcCaptureMiddleware": 950},
            "NEWSARCHIVE_WARC_ENABLED": True,
            "AUTOTHROTTLE_ENABLED": polite,
            "NEWSARCHIVE_THROTTLE_LOOPBACK": polite,
        })
        result = run_crawl("timesca", out, {"base_url": base_url}, settings)
    else:
        settings.update(replay_settings([str(out / "warc")], str(out / "replayed.jsonl"), None))
        result = run_crawl("timesca", None, {"base_url": base_url}, settings)
    stats = result.stats
    print(json.dumps({
        "error": result.error,
        "elapsed": result.elapsed,
        "pages": int(stats.get("downloader/response_count", 0)),
        "items": int(stats.get("item_scraped_count", 0)),
        "read_seconds": float(stats.get("newsarchive/replay/read_seconds", 0.0)),
        "missing": int(stats.get("newsarchive/replay/missing", 0)),
    }))


def run_child(mode: str, out: Path, base_url: str, polite: bool = False) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--out", str(out), "--base-url", base_url]
        + (["--polite"] if polite else []),
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{mode} crawl failed:\n{done.stderr[-3000:]}")
    figures = json.loads(lines[-1])
    if figures["error"]:
        raise SystemExit(f"{mode} crawl failed: {figures['error']}")
    return figures


def measure(articles: int, scratch: Path, runs: list[tuple[float, bool]]) -> list[dict[str, Any]]:
    """Live crawls of one size, one per (latency, polite), each replayed from its own archive."""
    from newsarchive.sample_site import run_sample_site_process

    rows = []
    for latency, polite in runs:
        out = scratch / f"crawl-{articles}-{latency:g}ms{'-polite' if polite else ''}"
        with run_sample_site_process(articles=articles, latency_ms=latency) as base_url:
            live = run_child("live", out, base_url, polite)
        replay = run_child("replay", out, base_url)  # the site is stopped: nothing to fetch
        live_items = sorted((out / "items.jsonl").read_text().splitlines())
        same = sorted((out / "replayed.jsonl").read_text().splitlines()) == live_items
        rows.append({"articles": articles, "latency": latency, "polite": polite, "live": live,
                     "replay": replay, "same_items": same})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60, help="articles in the smaller site (default 60)")
    parser.add_argument("--factor", type=int, default=10, help="size ratio of the larger site (default 10)")
    parser.add_argument("--latency-ms", default="0,100,200",
                        help="comma-separated server latencies for the live crawls (default 0,100,200)")  # fmt: skip
    parser.add_argument("--polite-latency-ms", default="100",
                        help="latencies for live crawls with the project's AutoThrottle (default 100; '' for none)")  # fmt: skip
    parser.add_argument("--child", choices=["live", "replay"], help=argparse.SUPPRESS)
    parser.add_argument("--polite", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.out, args.base_url, args.polite)
        return 0

    sys.path.insert(0, str(ROOT))
    runs = [(float(x), False) for x in args.latency_ms.split(",") if x]
    runs += [(float(x), True) for x in args.polite_latency_ms.split(",") if x]
    rows = []
    with tempfile.TemporaryDirectory(prefix="replay-bench-") as scratch:
        for articles in (args.articles, args.articles * args.factor):
            rows.extend(measure(articles, Path(scratch), runs))

    print(f"{'articles':>8} {'pages':>6} {'latency':>8} {'live crawl':>10} {'live s':>7} {'live p/s':>9} "
          f"{'replay s':>9} {'replay p/s':>10} {'speed-up':>8} {'reading':>8} {'spider+scrapy':>13}  same items")
    for row in rows:
        live, replay = row["live"], row["replay"]
        live_rate = live["pages"] / live["elapsed"]
        replay_rate = replay["pages"] / replay["elapsed"]
        reading = replay["read_seconds"] / replay["elapsed"]
        mode = "polite" if row["polite"] else "full speed"
        print(f"{row['articles']:>8} {replay['pages']:>6} {row['latency']:>6g}ms {mode:>10} {live['elapsed']:>7.2f} "
              f"{live_rate:>9.1f} {replay['elapsed']:>9.2f} {replay_rate:>10.1f} "
              f"{live['elapsed'] / replay['elapsed']:>7.1f}x {reading:>8.1%} {1 - reading:>13.1%}  "
              f"{'yes' if row['same_items'] else 'NO'}")
    small, large = rows[0], rows[len(runs)]
    ratio = (large["replay"]["pages"] / large["replay"]["elapsed"]) / (
        small["replay"]["pages"] / small["replay"]["elapsed"])
    print(f"replay rate at {args.factor}x the size: {ratio:.2f} of the small rate "
          "(1.0 = time grows linearly with the archive)")
    met = [row for row in rows if row["live"]["elapsed"] >= 5 * row["replay"]["elapsed"]]
    print(f"target, replay at least 5x faster than the live crawl: met in {len(met)} of {len(rows)} rows"
          + (" (" + ", ".join(sorted({f"{r['latency']:g} ms {'polite' if r['polite'] else 'full speed'}"
                                      for r in met})) + ")" if met else ""))
    return 0 if all(row["same_items"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
