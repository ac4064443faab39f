"""``newsarchive replay PATH... --spider NAME -o items.jsonl``: re-extract items offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive.commands import crawl_or_report
from newsarchive.crawl import parse_pairs
from newsarchive.replay import REPLAY_DOWNLOAD_HANDLERS
from newsarchive.replay.index_lookup import normalize_timestamp

HELP = (
    "run a spider over archived WARC/WACZ files with no network: every request is "
    "answered from the archive"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="WARC/ARC files, directories, WACZ files or CDXJ indexes")
    parser.add_argument("--spider", required=True, metavar="NAME_OR_SITE_TOML",
                        help="spider name or site definition file")
    parser.add_argument("-o", "--output", required=True, metavar="ITEMS",
                        help="items file to write (JSON Lines, overwritten)")
    parser.add_argument("--at", metavar="TIMESTAMP",
                        help="prefer captures nearest this time (YYYY[MMDD[hhmmss]]); default: the latest")
    parser.add_argument("-a", dest="spider_args", action="append", metavar="NAME=VALUE",
                        help="spider argument (repeatable)")
    parser.add_argument("-s", dest="settings", action="append", metavar="NAME=VALUE",
                        help="Scrapy setting (repeatable)")
    parser.add_argument("--log-level", default=None, help="Scrapy LOG_LEVEL (default INFO)")


def replay_settings(paths: list[str], output: str, at: str | None) -> dict[str, object]:
    """Settings that turn a normal crawl into an offline replay (also used by the bench)."""
    settings: dict[str, object] = {
        "NEWSARCHIVE_REPLAY": ",".join(str(Path(p).resolve()) for p in paths),
        "DOWNLOAD_HANDLERS": dict(REPLAY_DOWNLOAD_HANDLERS),
        "NEWSARCHIVE_WARC_ENABLED": False,  # never archive the archive again
        "HTTPCACHE_ENABLED": False,
        "FEEDS": {str(Path(output)): {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
    }
    if at:
        settings["NEWSARCHIVE_REPLAY_AT"] = normalize_timestamp(at)
    return settings


def run(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"newsarchive replay: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        spider_args = parse_pairs(args.spider_args, "-a")
        settings = parse_pairs(args.settings, "-s")
        overrides = replay_settings(args.paths, args.output, args.at)
    except ValueError as exc:
        print(f"newsarchive replay: {exc}", file=sys.stderr)
        return 2
    overrides.update(settings)
    if args.log_level:
        overrides["LOG_LEVEL"] = args.log_level
    result, status = crawl_or_report("newsarchive replay", args.spider, None, spider_args, overrides)
    if result is None:
        return status
    stats = result.stats
    hits = int(stats.get("newsarchive/replay/hits", 0))
    missing_captures = int(stats.get("newsarchive/replay/missing", 0))
    print(f"items written:  {result.items} -> {args.output}")
    print(f"pages replayed: {hits} ({missing_captures} requests had no capture)")
    print(f"elapsed:        {result.elapsed:.1f} s")
    damaged = int(stats.get("newsarchive/replay/damaged_records", 0))
    if damaged:
        print(f"damaged records in the archive: {damaged} (see the log)")
    return 0 if result.ok else 1
