"""``newsarchive demo``: crawl the bundled offline sample site end to end."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from newsarchive.commands import crawl_or_report, log_level
from newsarchive.runner.crawl_job import ITEMS_FILE, RUNS_FILE, SEEN_FILE, WARC_SUBDIR, summary_lines
from newsarchive.job.extension import RETRY_FILE, STATE_FILE
from newsarchive.sample_site import SampleSite

HELP = "start the offline sample site, crawl it with the timesca spider, print a summary"
MARKER = ".newsarchive-demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = 'example:\n  newsarchive demo --out runs/demo'
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--out", "-o", default="demo-out", metavar="DIR", help="output directory (default: demo-out)")
    parser.add_argument("--articles", type=int, default=60, metavar="N", help="articles on the sample site (default: 60)")
    parser.add_argument("--seed", type=int, default=2025, help="content seed of the sample site")
    parser.add_argument("--log-level", default="ERROR", type=log_level, help="Scrapy LOG_LEVEL (default ERROR; the summary lists failures)")


def run(args: argparse.Namespace) -> int:
    if args.articles < 1:
        print("newsarchive demo: --articles must be at least 1", file=sys.stderr)
        return 2
    out = Path(args.out)
    if not prepare_out_dir(out):
        print(f"newsarchive demo: {out} exists and was not made by the demo; pick another --out", file=sys.stderr)
        return 2
    with SampleSite(articles=args.articles, seed=args.seed) as site:
        print(f"sample site:    {site.url} ({args.articles} articles)")
        result, status = crawl_or_report("newsarchive demo", "timesca", out, {"base_url": site.url}, {"LOG_LEVEL": args.log_level})
    if result is None:
        return status
    print("\n".join(summary_lines(result)))
    return result.status


def prepare_out_dir(out: Path) -> bool:
    """Start each demo from scratch, but never delete a directory the demo did not make."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            return False
        for name in (ITEMS_FILE, SEEN_FILE, RUNS_FILE, STATE_FILE, RETRY_FILE):
            (out / name).unlink(missing_ok=True)
        shutil.rmtree(out / WARC_SUBDIR, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("created by `newsarchive demo`; its contents are replaced on each run\n")
    return True
