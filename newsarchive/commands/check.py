"""``newsarchive check SITE_OR_URL [PAGE_URL]``: a dry run for writing and debugging site files.

Fetches one listing page (and the first article), shows what each selector or automatic
rule found there, warns about selectors that find nothing, and writes nothing. Exit
status: 0 ok, 1 the crawl would get nothing (or nothing right) from a rule, 2 bad
arguments, 3 the listing page could not be fetched or is not HTML.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from newsarchive.commands import checked_settings
from newsarchive.runner.crawl_job import parse_pairs
from newsarchive.job.outcome import EXIT_FAILED, EXIT_NOTHING, EXIT_USAGE

if TYPE_CHECKING:
    from newsarchive.sources.listing_spider import ListingSpider

HELP = "dry run: show what a crawl would find on one listing page and its first article; writes nothing"
PROG = "newsarchive check"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = 'examples:\n  newsarchive check timesca\n  newsarchive check site.toml https://example.org/news/page/2/\n  newsarchive check https://example.org/news/ --toml > site.toml'
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("target", metavar="SITE_OR_URL",
                        help="spider name, site definition file, or a listing page URL (automatic rules)")
    parser.add_argument("page_url", metavar="PAGE_URL", nargs="?", default=None,
                        help="the listing page to check with the site's rules (default: its first start URL)")
    parser.add_argument("-a", dest="spider_args", action="append", metavar="NAME=VALUE",
                        help="spider argument, as for crawl (repeatable), e.g. -a base_url=http://127.0.0.1:8000")
    parser.add_argument("-s", dest="settings", action="append", metavar="NAME=VALUE",
                        help="Scrapy setting (repeatable): USER_AGENT, DOWNLOAD_MAXSIZE, ROBOTSTXT_OBEY...")
    parser.add_argument("--article", metavar="URL", default=None,
                        help="check this article page instead of the first teaser's")
    parser.add_argument("--no-article", dest="fetch_article", action="store_false",
                        help="fetch the listing page only")
    parser.add_argument("--teasers", type=_count, default=5, metavar="N", help="teasers to show (default 5)")
    parser.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS",
                        help="time limit for each page (default 30)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--toml", action="store_true",
                        help="print the site definition inferred from the page, as TOML to start a site file from")
    output.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    from newsarchive.site_check.fetch import FetchError
    from newsarchive.site_check.target import CheckUsageError, load_spider

    try:
        spider_args = parse_pairs(args.spider_args, "-a")
        settings = checked_settings(args.settings)
        for name, url in (("PAGE_URL", args.page_url), ("--article", args.article)):
            if url is not None and not url.startswith(("http://", "https://")):
                raise ValueError(f"{name}: expected an http(s) URL, got {url!r}")
        spider = load_spider(args.target, spider_args, settings)
    except (CheckUsageError, ValueError) as exc:
        print(f"{PROG}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _check_and_print(spider, args)
    except CheckUsageError as exc:
        print(f"{PROG}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except FetchError as exc:
        print(f"{PROG}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_NOTHING
    except Exception as exc:  # noqa: BLE001 - a dry run reports, it never ends in a traceback
        print(f"{PROG}: the check failed: {type(exc).__name__}: {_one_line(exc)[:300]}", file=sys.stderr)
        return EXIT_FAILED


def _check_and_print(spider: ListingSpider, args: argparse.Namespace) -> int:
    """Check, print the report (text, JSON or the inferred TOML), return the exit status."""
    from newsarchive.site_check.render import as_json, as_text
    from newsarchive.site_check.run import check_site
    from newsarchive.site_check.toml_out import inferred_toml

    result = check_site(spider, args.page_url, args.article, timeout=args.timeout,
                        article=args.fetch_article and not args.toml)
    if args.toml:
        sys.stdout.write(inferred_toml(spider, result.listing))
        for finding in result.findings:
            key = f"{finding.key}: " if finding.key else ""
            print(f"{PROG}: {finding.level}: {key}{finding.message}", file=sys.stderr)
    elif args.json:
        sys.stdout.write(as_json(result))
    else:
        sys.stdout.write(as_text(result, teasers=args.teasers))
    return result.status


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"expected seconds (0 < SECONDS <= 3600), got {text!r}")
    return value
