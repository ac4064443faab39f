"""Sub-commands of the ``newsarchive`` CLI; each module exposes HELP, add_arguments and run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a crawl runs: `newsarchive index` does not load Scrapy
    from newsarchive.runner.crawl_job import CrawlResult


def crawl_or_report(
    prog: str,
    spider: str,
    out_dir: str | Path | None,
    spider_args: Mapping[str, str],
    settings: Mapping[str, Any],
) -> tuple[CrawlResult | None, int]:
    """Run a crawl for a command; on failure print why and return the exit status.

    Returns ``(result, 0)`` when the crawl ran, ``(None, 2)`` for a bad spider or site
    file or a bad spider argument, ``(None, 1)`` when the spider failed to start.
    """
    from newsarchive.runner.crawl_job import UnknownSpider, run_crawl
    from newsarchive.sites.definition import SiteDefinitionError

    try:
        result = run_crawl(spider, out_dir, spider_args, settings)
    except SiteDefinitionError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return None, 2
    except UnknownSpider as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return None, 2
    if result.error:
        print(f"{prog}: {result.error}", file=sys.stderr)
        return None, result.status
    return result, 0


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

#: Scrapy loggers whose INFO lines list what every crawl enables and overrides (some
#: sixty lines before the first page): kept for --log-level DEBUG only.
STARTUP_LOGGERS = ("scrapy.utils.log", "scrapy.middleware", "scrapy.addons", "scrapy.extensions.telnet")
#: The one start-up line of ``scrapy.crawler`` (its others, such as "shutting down
#: gracefully" on Ctrl-C, are kept).
_OVERRIDDEN = "Overridden settings"


def quiet_startup(level: str | None) -> None:
    """Below DEBUG, leave out Scrapy's start-up listings so that warnings stand out (the
    command's own process only). A filter on those loggers, not a level: Scrapy's logging
    set-up resets the levels of existing ``scrapy.*`` loggers, and keeps their filters."""
    import logging

    if (level or "INFO").upper() != "DEBUG":
        for name in STARTUP_LOGGERS:
            logging.getLogger(name).addFilter(_warnings_only)
        logging.getLogger("scrapy.crawler").addFilter(_not_overridden_settings)


def _warnings_only(record: object) -> bool:
    return getattr(record, "levelno", 0) >= 30  # logging.WARNING


def _not_overridden_settings(record: object) -> bool:
    return not str(getattr(record, "msg", "")).startswith(_OVERRIDDEN) or _warnings_only(record)


def log_level(value: str) -> str:
    """``--log-level`` values, case-insensitive, refused with a hint when unknown."""
    import difflib

    level = value.strip().upper()
    if level in LOG_LEVELS:
        return level
    close = difflib.get_close_matches(level, LOG_LEVELS, n=1)
    hint = f"did you mean {close[0]}?" if close else "one of " + ", ".join(LOG_LEVELS)
    raise argparse.ArgumentTypeError(f"unknown log level {value!r} ({hint})")


def checked_settings(pairs: list[str] | None) -> dict[str, str]:
    """``-s NAME=VALUE`` options as a dict; ``ValueError`` names the bad option."""
    from newsarchive.runner.crawl_job import parse_pairs
    from newsarchive.setting_names import SettingError, check_settings

    settings = parse_pairs(pairs, "-s")
    try:
        check_settings(settings)
    except SettingError as exc:
        raise ValueError(f"-s {exc}") from None
    return settings
