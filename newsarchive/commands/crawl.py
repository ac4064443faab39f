"""``newsarchive crawl SPIDER_OR_SITE_TOML --out DIR``: one crawl job into one directory."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from pathlib import Path

from newsarchive.commands import checked_settings, crawl_or_report, log_level, quiet_startup
from newsarchive.runner.crawl_job import ITEMS_FILE, WARC_SUBDIR, parse_pairs, resolve_spider, summary_lines
from newsarchive.sites.definition import SiteDefinitionError

HELP = "crawl a site (spider name, site TOML or a listing URL) into DIR/items.jsonl and DIR/warc/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = 'examples:\n  newsarchive crawl timesca --out runs/timesca\n  newsarchive crawl timesca --out runs/politics -a category=politics -a since=2025-11-01\n  newsarchive crawl site.toml --out runs/site -a max_pages=2\n  newsarchive crawl https://example.org/news/ --out runs/example -a languages=en\nspiders and their -a arguments: newsarchive list'
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("spider", metavar="SPIDER_OR_SITE_TOML_OR_URL",
                        help="spider name (see `scrapy list`), a site definition file, or a listing page URL "
                             "(its teasers and pages found by the automatic listing rules)")
    parser.add_argument("--out", "-o", required=True, metavar="DIR", help="output directory (created; reused across runs)")
    parser.add_argument("-a", dest="spider_args", action="append", metavar="NAME=VALUE", help="spider argument (repeatable)")
    parser.add_argument("-s", dest="settings", action="append", metavar="NAME=VALUE", help="Scrapy setting (repeatable)")
    parser.add_argument("--log-level", default=None, type=log_level, help="Scrapy LOG_LEVEL (default INFO)")
    parser.add_argument("--redis", metavar="redis://HOST:PORT/DB", default=None,
                        help="be one worker of a crawl shared through Redis (scrapy-redis): run the same "
                             "command, each with its own --out, on as many machines as you like")
    parser.add_argument("--redis-job", metavar="NAME", default=None,
                        help="with --redis: the job's key prefix in Redis (default: the spider and its "
                             "arguments, the same on every machine)")


def run(args: argparse.Namespace) -> int:
    try:
        spider_args = parse_pairs(args.spider_args, "-a")
        settings = checked_settings(args.settings)
        resolve_spider(args.spider)  # a bad site file fails before the output is touched
    except SiteDefinitionError as exc:
        print(f"newsarchive crawl: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"newsarchive crawl: {exc}", file=sys.stderr)
        return 2
    if args.log_level:
        settings["LOG_LEVEL"] = args.log_level
    if args.redis or args.redis_job:
        from newsarchive.distributed.cli import redis_settings

        try:
            settings.update(redis_settings(args.redis, args.redis_job, args.spider, spider_args, settings))
        except ValueError as exc:
            print(f"newsarchive crawl: {exc}", file=sys.stderr)
            return 2
    problem = unwritable_output(Path(args.out))
    if problem:
        print(f"newsarchive crawl: {problem}", file=sys.stderr)
        return 2
    quiet_startup(settings.get("LOG_LEVEL"))
    result, status = crawl_or_report("newsarchive crawl", args.spider, args.out, spider_args, settings)
    if result is None:
        return status
    print("\n".join(summary_lines(result)))
    return result.status


def unwritable_output(out: Path) -> str | None:
    """Why the job directory cannot take this run's output, checked before any request."""
    if out.exists() and not out.is_dir():
        return f"--out {out}: not a directory"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"--out {out}: cannot create the directory: {exc.strerror or exc}"
    for name, kind in ((ITEMS_FILE, "file"), (WARC_SUBDIR, "directory")):
        path = out / name
        if path.exists() and not (path.is_file() if kind == "file" else path.is_dir()):
            return f"--out {out}: {path} is not a {kind}"
    try:
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        return f"--out {out}: cannot write there: {exc.strerror or exc}"
    items = out / ITEMS_FILE
    if items.exists() and not os.access(items, os.W_OK):
        return f"--out {out}: cannot write {items}: permission denied"
    return None
