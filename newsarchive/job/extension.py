"""The Scrapy extension that gives a crawl its job state: listing walks and failed articles.

Settings (all optional; ``newsarchive crawl --out DIR`` keeps both files in DIR):

``NEWSARCHIVE_STATE_FILE``          listing walk state (default: ``listing-state.json``
                                    beside ``NEWSARCHIVE_SEEN_FILE``; none: memory only)
``NEWSARCHIVE_RETRY_FILE``          failed articles (default: ``failed-articles.jsonl``
                                    beside ``NEWSARCHIVE_SEEN_FILE``)
``NEWSARCHIVE_RETRY_FAILED_TIMES``  later runs that try a failed article again (5)
``NEWSARCHIVE_RETRY_FAILED_DELAY``  seconds before the first retry, doubled each time (3600)

A replay never reads or writes them: it re-extracts an archive, it is not a run of the job.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler

from newsarchive.job.item_feed import feed_failed, feed_tail_items, local_jsonl_feeds
from newsarchive.job.failures import PERMANENT
from newsarchive.job.retries import DEFAULT_DELAY, DEFAULT_MAX_RETRIES, RetryLedger
from newsarchive.job.walks import ListingWalks

logger = logging.getLogger(__name__)

STATE_FILE = "listing-state.json"
RETRY_FILE = "failed-articles.jsonl"


def job_paths(settings: Any) -> tuple[Path | None, Path | None]:
    """Where the walk state and the failed-article ledger live for these settings."""
    if settings.get("NEWSARCHIVE_REPLAY"):
        return None, None
    seen = settings.get("NEWSARCHIVE_SEEN_FILE")
    beside = Path(seen).parent if seen else None
    state = settings.get("NEWSARCHIVE_STATE_FILE") or (beside / STATE_FILE if beside else None)
    retry = settings.get("NEWSARCHIVE_RETRY_FILE") or (beside / RETRY_FILE if beside else None)
    return (Path(state) if state else None), (Path(retry) if retry else None)


def retry_limits(settings: Any) -> dict[str, Any]:
    """How often and how soon failed articles are tried again (``RetryLedger`` keywords)."""
    return {
        "max_retries": settings.getint("NEWSARCHIVE_RETRY_FAILED_TIMES", DEFAULT_MAX_RETRIES),
        "delay": settings.getfloat("NEWSARCHIVE_RETRY_FAILED_DELAY", DEFAULT_DELAY),
    }


class JobState:
    """Listing walks and failed articles of one crawl; a spider finds it with :meth:`of`."""

    def __init__(self, crawler: Crawler, walks: ListingWalks, retries: RetryLedger) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.walks = walks
        self.retries = retries

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobState:
        walks, retries = cls.stores(crawler)
        job = cls(crawler, walks, retries)
        crawler.signals.connect(job.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(job.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(job.spider_closed, signal=signals.spider_closed)
        return job

    @classmethod
    def stores(cls, crawler: Crawler) -> tuple[ListingWalks, RetryLedger]:
        """Where the job keeps its walks and failed articles: files in the job directory
        (a worker of a shared crawl keeps them in Redis, see ``newsarchive.distributed``)."""
        state_path, retry_path = job_paths(crawler.settings)
        return ListingWalks(state_path), RetryLedger(retry_path, **retry_limits(crawler.settings))

    @classmethod
    def of(cls, crawler: Crawler) -> JobState:
        """The crawl's job state: the enabled extension, else a memory-only one.

        Looked up through the crawler rather than set on the spider at ``spider_opened``,
        since a spider's ``start()`` may be iterated before that signal is sent.
        """
        extensions = getattr(getattr(crawler, "extensions", None), "middlewares", ())
        for extension in extensions:
            if isinstance(extension, cls):
                return extension
        return cls.in_memory(crawler)

    @classmethod
    def in_memory(cls, crawler: Crawler) -> JobState:
        """State for a spider run without the extension: nothing persisted."""
        return cls(crawler, ListingWalks(), RetryLedger())

    def spider_opened(self, spider: Any) -> None:
        if self.retries.path is not None:
            self._catch_up_with_feeds(spider)
        if self.walks.damaged:
            self.stats.inc_value("newsarchive/job/state_damaged")
        if self.retries.damaged_lines:
            self.stats.inc_value("newsarchive/job/retry_lines_damaged", self.retries.damaged_lines)
        pending = sum(1 for _ in self.retries.pending())
        if pending:
            self.stats.set_value("newsarchive/job/failed_pending_at_start", pending)

    def _catch_up_with_feeds(self, spider: Any) -> None:
        """Bring the ledger in step with the end of the feed, where a killed run may have
        exported items it had no time to record: a failed article's teaser (recorded now,
        so it is retried rather than exported again as new) or the full item of a retried
        one (its entry closed now, so it is not fetched and exported once more)."""
        for path, _ in local_jsonl_feeds(self.crawler.settings.getdict("FEEDS")):
            if not path.is_file():
                continue
            last: dict[str, dict[str, Any]] = {}
            for item in feed_tail_items(path):
                last[item["url"]] = item
            missed = closed = 0
            for url, item in last.items():
                reason = item.get("fetch_error")
                if not reason and self.retries.succeeded(url):
                    closed += 1
                elif reason and url not in self.retries:
                    teaser = {k: v for k, v in item.items() if k != "fetch_error"}
                    self.retries.failed(url, str(reason), teaser=teaser, listing_url=item.get("listing_url"),
                                        retryable=reason not in PERMANENT)
                    missed += 1
            if missed or closed:
                self.stats.inc_value("newsarchive/job/caught_up_from_feed", missed + closed)
                logger.warning("%d item(s) at the end of %s were not recorded in %s (crawl killed?); "
                               "recorded now", missed + closed, path, self.retries.path)

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        """An item is in the feed: a teaser of a failed article enters the ledger, a full
        article leaves it. Nothing is recorded once the feed has failed."""
        if feed_failed(self.crawler):
            return
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        if not isinstance(url, str) or not url:
            return
        reason = adapter.get("fetch_error")
        if reason:
            teaser = {k: v for k, v in adapter.asdict().items() if k != "fetch_error"}
            self.retries.failed(url, reason, teaser=teaser, listing_url=adapter.get("listing_url"),
                                retryable=reason not in PERMANENT)
            return
        meta = getattr(response, "meta", None) or {}
        for archived in (url, *meta.get("redirect_urls", ())):
            if self.retries.succeeded(archived):
                self.stats.inc_value("newsarchive/article/recovered")
                logger.info("Article %s archived at last (it had failed before)", archived)

    def spider_closed(self, spider: Any, reason: str = "") -> None:
        clean = reason == "finished" and not feed_failed(self.crawler)
        try:
            completed = self.walks.finish(clean)
        except OSError as exc:
            logger.error("Could not save the listing state %s: %s", self.walks.path, exc)
            completed = []
        finally:
            self.retries.close()
        if completed:
            self.stats.set_value("newsarchive/job/walks_completed", len(completed))
        unfinished = [w.key for w in self.walks.walks.values() if not (clean and w.reached_end)]
        if unfinished and self.walks.path is not None:  # (a replay or a memory-only crawl has no next run)
            self.stats.set_value("newsarchive/job/walks_unfinished", len(unfinished))
            logger.warning("Listing walk(s) not finished (%s): the next run of the same command "
                           "continues them", ", ".join(unfinished[:3]) + (" ..." if len(unfinished) > 3 else ""))
