"""Run a crawl in this process and report what it produced.

Used by ``newsarchive crawl`` and ``newsarchive demo``; ``scrapy crawl`` users get the
same spiders and settings through ``scrapy.cfg``. An output directory holds everything
one crawl job produces and grows across runs::

    DIR/items.jsonl      items, appended run after run (JSON Lines)
    DIR/seen-urls.txt    canonical URLs already archived (dedupe across runs)
    DIR/warc/            WARC files and their CDXJ index
    DIR/runs.jsonl       one line per run: when, what, how it ended, its stats
    DIR/listing-state.json     how far each listing walk got (resume after any stop)
    DIR/failed-articles.jsonl  articles whose page failed, retried by later runs
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from newsarchive.job.item_feed import WRITE_FAILED_STAT
from newsarchive.job.extension import RETRY_FILE, STATE_FILE
from newsarchive.job.outcome import EXIT_FAILED, EXIT_USAGE, Outcome, judge
from newsarchive.job.slowest_pages import slowest_pages
from newsarchive.politeness import MAX_DELAY_STAT
from newsarchive.sites.definition import load_site

logger = logging.getLogger(__name__)

ITEMS_FILE = "items.jsonl"
SEEN_FILE = "seen-urls.txt"
RUNS_FILE = "runs.jsonl"
WARC_SUBDIR = "warc"


@dataclass
class CrawlResult:
    """What a finished crawl left behind."""

    out_dir: Path | None
    stats: dict[str, Any]
    elapsed: float
    error: str | None = None
    files: list[Path] = field(default_factory=list)  # the files this run created or changed
    error_status: int = EXIT_FAILED
    """Exit status for ``error``: 2 when the spider refused its arguments."""
    replay: bool = False
    slowest: list[Any] = field(default_factory=list)
    """The run's slowest fetches (:class:`~newsarchive.job.slowest_pages.SlowPage`), slowest first."""

    @property
    def items(self) -> int:
        """Items in the feed: scraped, less those a failed feed could not take."""
        return max(0, int(self.stats.get("item_scraped_count", 0)) - int(self.stats.get(WRITE_FAILED_STAT, 0)))

    @property
    def pages(self) -> int:
        return int(self.stats.get("downloader/response_count", 0))

    @property
    def outcome(self) -> Outcome:
        """How the run ended (see :mod:`newsarchive.job.outcome`)."""
        if self.error is not None and self.error_status == EXIT_USAGE:
            return Outcome("usage", EXIT_USAGE, self.error)
        outcome = judge(self.stats, self.error, replay=self.replay)
        if "newsarchive/redis/job" in self.stats:  # a worker of a shared job judges its share
            from newsarchive.distributed.outcome import worker_outcome

            outcome = worker_outcome(self.stats, outcome)
        return outcome

    @property
    def status(self) -> int:
        """The exit status the command line gives this run."""
        return self.outcome.status

    @property
    def ok(self) -> bool:
        return self.outcome.ok


class UnknownSpider(ValueError):
    """A spider name no spider module defines (with a did-you-mean where one is close)."""


def resolve_spider(spider: str) -> tuple[str, dict[str, str]]:
    """Map ``NAME``, ``PATH.toml`` or a listing ``URL`` to a spider name and its arguments.

    A site file is loaded here once, so a bad one fails before Scrapy starts; so does an
    unknown spider name (``UnknownSpider``), before any output is created.
    """
    if spider.startswith(("http://", "https://")):
        return "url", {"url": spider}  # a listing page: the automatic listing rules
    if spider.endswith(".toml") or os.sep in spider or Path(spider).is_file():
        load_site(spider)  # raises SiteDefinitionError naming the file and key
        return "listing", {"site": str(Path(spider))}
    known = spider_names()
    if spider not in known:
        import difflib

        close = difflib.get_close_matches(spider, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
        raise UnknownSpider(f"unknown spider {spider!r} ({hint}; or pass a site .toml file or a listing URL)")
    return spider, {}


def spider_names() -> list[str]:
    """The names of the spiders the project's ``SPIDER_MODULES`` define."""
    from scrapy.spiderloader import get_spider_loader

    return sorted(get_spider_loader(crawl_settings()).list())


def crawl_settings(out_dir: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Settings:
    """Project settings, pointed at ``out_dir`` when given, then ``overrides`` (like ``-s``)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newsarchive.settings")
    settings = get_project_settings()
    if out_dir is not None:
        out_dir = Path(out_dir)
        settings.set(
            "FEEDS",
            {str(out_dir / ITEMS_FILE): {"format": "jsonlines", "encoding": "utf8", "overwrite": False}},
            priority="cmdline",
        )
        settings.set("NEWSARCHIVE_WARC_DIR", str(out_dir / WARC_SUBDIR), priority="cmdline")
        settings.set("NEWSARCHIVE_SEEN_FILE", str(out_dir / SEEN_FILE), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    spider: str,
    out_dir: str | Path | None = None,
    spider_args: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> CrawlResult:
    """Crawl with ``spider`` (a name or a site TOML) and block until it finishes.

    Twisted's reactor cannot be restarted, so call this at most once per process.
    """
    name, args = resolve_spider(spider)
    args.update(spider_args or {})
    out_path = Path(out_dir) if out_dir is not None else None
    if out_path is not None:
        out_path.mkdir(parents=True, exist_ok=True)
    process = CrawlerProcess(crawl_settings(out_path, settings))
    crawler = process.create_crawler(name)
    errors: list[str] = []
    usage: list[bool] = []

    def failed(failure: Any) -> None:
        from newsarchive.sources.listing_spider import SpiderArgumentError

        usage.append(bool(failure.check(SpiderArgumentError)))
        errors.append(failure.getErrorMessage())

    deferred = process.crawl(crawler, **args)
    deferred.addErrback(failed)
    before = file_states(output_files(out_path)) if out_path is not None else {}
    started = time.perf_counter()
    process.start()
    elapsed = time.perf_counter() - started
    try:
        stats = crawler.stats.get_stats()
    except RuntimeError:  # the spider failed before the crawl started
        stats = {}
    result = CrawlResult(out_dir=out_path, stats=stats, elapsed=elapsed, error=errors[0] if errors else None,
                         error_status=EXIT_USAGE if usage and usage[0] else EXIT_FAILED,
                         replay=bool(process.settings.get("NEWSARCHIVE_REPLAY")),
                         slowest=slowest_pages(crawler))
    if out_path is not None:
        try:
            record_run(out_path / RUNS_FILE, spider, args, result)
        except OSError as exc:  # the crawl's own output is written; only its history line is lost
            logger.error("Could not append to %s: %s", out_path / RUNS_FILE, exc)
        after = file_states(output_files(out_path))
        result.files = [path for path, state in after.items() if before.get(path) != state]
    return result


def record_run(path: Path, spider: str, spider_args: Mapping[str, Any], result: CrawlResult) -> None:
    """Append one JSON line describing a finished run: a job's history, for people and cron."""
    from newsarchive import __version__

    stats = result.stats
    outcome = result.outcome
    line = {
        "started": _jsonable(stats.get("start_time")),
        "finished": _jsonable(stats.get("finish_time")),
        "spider": spider,
        "arguments": dict(spider_args),
        "outcome": outcome.name,
        "status": outcome.status,
        "message": outcome.message,
        "finish_reason": stats.get("finish_reason"),
        "error": result.error,
        "items": result.items,
        "pages": result.pages,
        "elapsed": round(result.elapsed, 3),
        "slowest": [page.to_json() for page in result.slowest],
        "newsarchive": __version__,
        "stats": {key: _jsonable(value) for key, value in sorted(stats.items())},
    }
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def file_states(paths: list[Path]) -> dict[Path, tuple[int, int]]:
    """(size, mtime) of each file: what tells a file this run wrote from one it left alone."""
    states = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        states[path] = (stat.st_size, stat.st_mtime_ns)
    return states


def output_files(out_dir: Path) -> list[Path]:
    """Files a crawl job keeps in ``out_dir`` (items, seen URLs, WARCs and indexes)."""
    names = (ITEMS_FILE, SEEN_FILE, RUNS_FILE, STATE_FILE, RETRY_FILE)
    found = [p for p in (out_dir / name for name in names) if p.is_file()]
    warc_dir = out_dir / WARC_SUBDIR
    if warc_dir.is_dir():
        found.extend(sorted(p for p in warc_dir.iterdir() if p.is_file()))
    return found


def parse_pairs(pairs: list[str] | None, option: str) -> dict[str, str]:
    """``["k=v", ...]`` from ``-a``/``-s`` options into a dict, with a clear error."""
    result: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"{option} expects NAME=VALUE, got {pair!r}")
        result[key] = value
    return result


def summary_lines(result: CrawlResult) -> list[str]:
    """A short human summary of a crawl (used by the CLI); the first line is the outcome."""
    stats = result.stats
    outcome = result.outcome
    lines = [
        f"outcome:        {outcome.message}",
        f"items written:  {result.items}",
        f"pages fetched:  {result.pages} ({stats.get('downloader/response_status_count/200', 0)} OK)",
        f"elapsed:        {result.elapsed:.1f} s",
    ]
    sources = source_summary(stats)
    if sources:
        lines.append(f"sources:        {sources}")
    if MAX_DELAY_STAT in stats:
        lines.append(f"politeness:     AutoThrottle, delays up to {stats[MAX_DELAY_STAT]:.2f} s between requests to a site")
    resumed = int(stats.get("newsarchive/job/walks_resumed", 0))
    if resumed:
        again = int(stats.get("newsarchive/job/listing_pages_again", 0))
        lines.append(f"resumed:        {resumed} unfinished listing walk(s) continued; "
                     f"{again} listing page(s) of archived teasers fetched again to find the way back")
    revisits = int(stats.get("newsarchive/warc/records/revisit", 0))
    if revisits:
        lines.append(f"unchanged:      {revisits} page(s) identical to an archived capture (stored as revisit records)")
    skipped = _suffix_counts(stats, "newsarchive/teasers/", exclude=("found",))
    if skipped:
        lines.append("teasers skipped: " + ", ".join(f"{k}={v}" for k, v in sorted(skipped.items())))
    dropped = _suffix_counts(stats, "newsarchive/dropped/")
    if dropped:
        lines.append("dropped items:  " + ", ".join(f"{k}={v}" for k, v in sorted(dropped.items())))
    failed = _suffix_counts(stats, "newsarchive/article/failed/")
    if failed:
        lines.append("failed pages:   " + ", ".join(f"{k}={v}" for k, v in sorted(failed.items()))
                     + " (kept as teasers with fetch_error; later runs retry them)")
    retried = int(stats.get("newsarchive/article/retried", 0))
    if retried:
        recovered = int(stats.get("newsarchive/article/recovered", 0))
        gave_up = int(stats.get("newsarchive/article/gave_up", 0))
        lines.append(f"retries:        {retried} failed article(s) tried again, {recovered} archived now"
                     + (f", {gave_up} given up" if gave_up else ""))
    listing = _suffix_counts(stats, "newsarchive/listing/failed/")
    if listing:
        lines.append("failed listing pages: " + ", ".join(f"{k}={v}" for k, v in sorted(listing.items())))
    if result.files:
        total = sum(p.stat().st_size for p in result.files if p.exists())
        lines.append(f"files written:  {len(result.files)} by this run ({total / 1024:.0f} KiB in all) in {result.out_dir}")
        lines.extend(f"  {p}" for p in result.files)
    return lines


def source_summary(stats: Mapping[str, Any]) -> str:
    """Where the teasers came from: ``listing: 3 pages, 60 teasers; feed: 2 pages, ...``."""
    teasers = _suffix_counts(stats, "newsarchive/teasers/from/")
    feed_pages = int(stats.get("newsarchive/feed/pages", 0))
    sitemap_pages = int(stats.get("newsarchive/sitemap/pages", 0))
    pages = {
        "listing": int(stats.get("newsarchive/listing/pages", 0)) - feed_pages - sitemap_pages,
        "feed": feed_pages,
        "sitemap": sitemap_pages,
    }
    parts = []
    for kind in ("listing", "feed", "sitemap"):
        if pages[kind] or teasers.get(kind):
            parts.append(f"{kind}: {pages[kind]} page(s), {int(teasers.get(kind, 0))} teaser(s)")
    return "; ".join(parts)


def _suffix_counts(stats: Mapping[str, Any], prefix: str, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """``{last path part: value}`` of the stats directly under ``prefix``."""
    found = {}
    for key, value in stats.items():
        if key.startswith(prefix):
            name = key[len(prefix):]
            if "/" not in name and name not in exclude:
                found[name] = value
    return found
