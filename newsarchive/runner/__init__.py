"""Crawls and replays called from Python (``newsarchive.crawl``, ``newsarchive.replay``)."""

from newsarchive.runner.calls import CrawlFailed, RunResult, crawl, replay

__all__ = ["CrawlFailed", "RunResult", "crawl", "replay"]
