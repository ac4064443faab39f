"""What ``check`` checks: the spider a crawl of SITE_OR_URL would run, built but not started.

The spider is made exactly as ``newsarchive crawl`` makes it (the same name, site-file and
URL resolution, the same ``-a`` checks, the project settings plus ``-s`` and the site's
own settings), attached to a crawler that is never started: no engine, no extensions, so
no archive, no job state and no items file. Its callbacks then run on pages that
:mod:`newsarchive.site_check.fetch` fetched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapy.crawler import Crawler
from scrapy.spiderloader import get_spider_loader
from scrapy.statscollectors import MemoryStatsCollector

from newsarchive.runner.crawl_job import UnknownSpider, crawl_settings, resolve_spider
from newsarchive.job import JobState
from newsarchive.sources.listing_spider import ListingSpider, SpiderArgumentError
from newsarchive.sites.definition import SiteDefinitionError

__all__ = ["CheckUsageError", "load_spider"]


class CheckUsageError(ValueError):
    """SITE_OR_URL, ``-a`` or ``-s`` is unusable (exit status 2); the message is one line."""


def load_spider(target: str, spider_args: Mapping[str, str], settings: Mapping[str, Any]) -> ListingSpider:
    """The listing spider for a spider name, a site TOML file or a listing URL, not started."""
    try:
        name, args = resolve_spider(target)
    except (SiteDefinitionError, UnknownSpider) as exc:
        raise CheckUsageError(str(exc)) from None
    args.update(spider_args)
    project = crawl_settings(None, settings)
    try:
        spidercls = get_spider_loader(project).load(name)
    except KeyError:
        raise CheckUsageError(f"unknown spider {name!r} (see `scrapy list`, or pass a .toml file "
                              "or an http(s) listing URL)") from None
    if not (isinstance(spidercls, type) and issubclass(spidercls, ListingSpider)):
        raise CheckUsageError(f"spider {name!r} is not a listing spider; check reads ListingSpider sites only")
    crawler = Crawler(spidercls, project)
    crawler.stats = MemoryStatsCollector(crawler)
    try:
        spider = spidercls.from_crawler(crawler, **args)
    except (SpiderArgumentError, SiteDefinitionError) as exc:
        raise CheckUsageError(str(exc)) from None
    except TypeError as exc:  # a spider of the project taking other arguments
        raise CheckUsageError(f"spider {name!r}: {exc}") from None
    assert isinstance(spider, ListingSpider)
    # Memory only: the check never reads or writes a job directory (walks, retries).
    spider._job_state = JobState.in_memory(crawler)
    return spider
