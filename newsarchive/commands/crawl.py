"""``newsarchive crawl SPIDER_OR_SITE_TOML --out DIR``: one crawl job into one directory."""

from __future__ import annotations

import argparse
import os
import sys

from pathlib import Path

from newsarchive.commands import crawl_or_report
from newsarchive.crawl import ITEMS_FILE, parse_pairs, summary_lines

HELP = "crawl a site (spider name or site TOML) into DIR/items.jsonl and DIR/warc/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spider", metavar="SPIDER_OR_SITE_TOML", help="spider name (see `scrapy list`) or a site definition file")
    parser.add_argument("--out", "-o", required=True, metavar="DIR", help="output directory (created; reused across runs)")
    parser.add_argument("-a", dest="spider_args", action="append", metavar="NAME=VALUE", help="spider argument (repeatable)")
    parser.add_argument("-s", dest="settings", action="append", metavar="NAME=VALUE", help="Scrapy setting (repeatable)")
    parser.add_argument("--log-level", default=None, help="Scrapy LOG_LEVEL (default INFO)")


def run(args: argparse.Namespace) -> int:
    try:
        spider_args = parse_pairs(args.spider_args, "-a")
        settings = parse_pairs(args.settings, "-s")
    except ValueError as exc:
        print(f"newsarchive crawl: {exc}", file=sys.stderr)
        return 2
    if args.log_level:
        settings["LOG_LEVEL"] = args.log_level
    problem = unwritable_output(Path(args.out))
    if problem:
        print(f"newsarchive crawl: {problem}", file=sys.stderr)
        return 1
    result, status = crawl_or_report("newsarchive crawl", args.spider, args.out, spider_args, settings)
    if result is None:
        return status
    print("\n".join(summary_lines(result)))
    return result.status


def unwritable_output(out: Path) -> str | None:
    """Why the job directory cannot take this run's items, checked before anything is fetched."""
    if out.exists() and not out.is_dir():
        return f"--out {out}: not a directory"
    items = out / ITEMS_FILE
    if items.exists() and not items.is_file():
        return f"cannot write items to {items}: it is not a regular file"
    if items.exists() and not os.access(items, os.W_OK):
        return f"cannot write items to {items}: permission denied"
    return None
