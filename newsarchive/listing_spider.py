"""``ListingSpider``: the base of every site spider.

It walks a paginated listing (latest news, a category, a tag, search results), turns each
teaser into an :class:`~newsarchive.items.Article` and, unless told not to, follows the
teaser to its article page and merges what it finds there. What differs between sites is
data (a :class:`~newsarchive.sitedef.SiteDefinition`), not code.

Spider arguments (``-a name=value``):

``base_url``   crawl another host with the same URL shapes (the offline sample site).
``max_pages``  stop after this many listing pages per start URL.
``since``      stop once teasers are older than this date (``YYYY-MM-DD``, site time zone).
``follow``     ``true``/``false``: follow teasers to article pages (default from the site).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsarchive.article_fields import extract_article_fields, page_language
from newsarchive.date_extraction import extract_published
from newsarchive.dates import format_iso, normalize_date
from newsarchive.extract import first_text, select
from newsarchive.fetch_time import fetched_at
from newsarchive.items import Article
from newsarchive.provenance import attach_warc_pointer
from newsarchive.sitedef import SiteDefinition

logger = logging.getLogger(__name__)

class ListingSpider(scrapy.Spider):
    """Crawl a site's paginated listings into articles, driven by a :class:`SiteDefinition`."""

    #: The site this spider crawls; subclasses set it, or override :meth:`load_site`.
    site: SiteDefinition

    def __init__(
        self,
        *args: Any,
        base_url: str | None = None,
        max_pages: str | int | None = None,
        since: str | None = None,
        follow: str | bool | None = None,
        **kwargs: Any,
    ) -> None:
        site = self.load_site(**kwargs)
        kwargs.pop("site", None)
        super().__init__(*args, name=kwargs.pop("name", None) or getattr(self, "name", None) or site.name, **kwargs)
        self.site = site
        self.tz = ZoneInfo(site.timezone)
        self.languages = list(site.languages) or None
        self.boilerplate_patterns = list(site.boilerplate_patterns)
        self.max_pages = _positive_int("max_pages", max_pages)
        self.since = _since_date(since)
        self.follow = _boolean("follow", follow, default=site.listing.follow)
        self.start_urls = [rebase_url(u, base_url) for u in self.listing_start_urls()]
        if base_url:
            self.allowed_domains = [urlsplit(self.start_urls[0]).hostname or ""]
        else:
            self.allowed_domains = list(site.allowed_domains)

    # -- hooks for subclasses -------------------------------------------------------

    def load_site(self, **kwargs: Any) -> SiteDefinition:
        """Return the site definition; the default is the class attribute ``site``."""
        try:
            return type(self).site
        except AttributeError:
            raise TypeError(f"{type(self).__name__} needs a class attribute 'site' or a load_site() method") from None

    def listing_start_urls(self) -> list[str]:
        """Listing URLs to start from (before ``base_url`` rebasing)."""
        return list(self.site.start_urls)

    # -- Scrapy plumbing ------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ListingSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.site.settings and not crawler.settings.frozen:
            crawler.settings.setdict(dict(spider.site.settings), priority="spider")
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield Request(url, callback=self.parse_listing, cb_kwargs={"page": 1}, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        return self.parse_listing(response, page=1)

    # -- listings -------------------------------------------------------------------

    def parse_listing(self, response: Response, page: int) -> Iterator[Any]:
        """Yield one item or article request per teaser, then the next listing page."""
        stats = self.crawler.stats
        if not isinstance(response, TextResponse):
            stats.inc_value("newsarchive/listing/not_html")
            logger.warning("Listing %s is not an HTML page (%s); skipped", response.url, response.headers.get("Content-Type"))
            return
        stats.inc_value("newsarchive/listing/pages")
        rules = self.site.listing
        fetched = fetched_at(response)
        teasers = select(response, rules.item)
        if not teasers:
            stats.inc_value("newsarchive/listing/empty")
            logger.warning("No teasers on listing page %s (selector %r)", response.url, rules.item)
        known = 0
        last_is_older = False  # listings run newest first: past the cutoff, stop paginating
        for teaser in teasers:
            item = self.teaser_item(teaser, response, fetched)
            if item is None:
                continue
            if self.since and item.published:
                last_is_older = datetime.fromisoformat(item.published).date() < self.since
                if last_is_older:
                    stats.inc_value("newsarchive/teasers/older_than_since")
                    continue
            if item.url in getattr(self, "known_urls", ()):
                known += 1
                stats.inc_value("newsarchive/teasers/known")
                continue
            yield from self.emit(item, response)

        next_url = first_text(response, rules.next_page) if rules.next_page else None
        if not next_url:
            return
        if self.max_pages is not None and page >= self.max_pages:
            logger.info("Stopping at %s: max_pages=%d reached", response.url, self.max_pages)
            return
        if last_is_older:
            logger.info("Stopping at %s: teasers are older than since=%s", response.url, self.since)
            return
        if teasers and known == len(teasers):
            logger.info("Stopping at %s: every teaser is already archived", response.url)
            return
        yield response.follow(next_url, callback=self.parse_listing, cb_kwargs={"page": page + 1})

    def teaser_item(self, teaser: scrapy.Selector, response: Response, fetched: datetime) -> Article | None:
        """Build an item from one teaser, or count and log why it cannot be one."""
        rules = self.site.listing
        href = first_text(teaser, rules.url)
        title = first_text(teaser, rules.title)
        if not href or not title:
            missing = "url" if not href else "title"
            self.crawler.stats.inc_value(f"newsarchive/teasers/missing_{missing}")
            logger.warning("Teaser without %s on %s skipped: %r", missing, response.url, (title or href or "")[:80])
            return None
        published_raw = first_text(teaser, rules.date)
        item = Article(
            url=response.urljoin(href),
            title=title,
            summary=first_text(teaser, rules.summary),
            published_raw=published_raw,
            published=self.parse_date(published_raw, fetched, response.url),
            section=first_text(teaser, rules.section),
            language=self.languages[0] if self.languages else page_language(response),
            site=self.site.name,
            listing_url=response.url,
            crawled_at=format_iso(fetched),
        )
        attach_warc_pointer(item, response, role="listing")
        self.crawler.stats.inc_value("newsarchive/teasers/found")
        return item

    def emit(self, item: Article, response: Response) -> Iterator[Any]:
        """Yield the teaser as an item, or a request for its article page."""
        if not self.follow:
            yield item
            return
        yield response.follow(
            item.url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"teaser": item},
        )

    # -- articles -------------------------------------------------------------------

    def parse_article(self, response: Response, teaser: Article) -> Iterator[Article]:
        """Merge the article page into its teaser: the article wins for body and date."""
        stats = self.crawler.stats
        # A new record; the teaser's fields are replaced below, never changed in place.
        item = copy.copy(teaser)
        item.url = response.url
        if not isinstance(response, TextResponse):
            stats.inc_value("newsarchive/article/not_html")
            logger.warning("Article %s is not an HTML page; keeping the teaser only", response.url)
            yield item
            return
        rules = self.site.article
        fetched = fetched_at(response)
        item.crawled_at = format_iso(fetched)
        fields = extract_article_fields(response, rules)
        item.title = fields.title or teaser.title
        item.body = fields.body_text
        found = extract_published(
            response.selector,
            selector=rules.date,
            url=response.url,
            languages=self.languages,
            timezone=self.site.timezone,
            relative_base=fetched,
        )
        if found.value is not None:
            item.published = format_iso(found.value.astimezone(self.tz))
            item.published_raw = found.raw
        elif found.raw:
            self.date_unparsed(found.raw, response.url)
        item.authors = fields.authors
        item.tags = fields.tags
        item.section = fields.section or teaser.section
        item.language = fields.language or teaser.language
        attach_warc_pointer(item, response, role="response")
        stats.inc_value("newsarchive/articles/parsed")
        yield item

    def article_failed(self, failure: Failure) -> Iterator[Article]:
        """An article page failed (404, timeout...): keep the teaser, count the failure."""
        request = failure.request
        teaser: Article = request.cb_kwargs["teaser"]
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"http_{status}"
        else:
            reason = failure.type.__name__ if failure.type else "error"
        self.crawler.stats.inc_value(f"newsarchive/article/failed/{reason}")
        logger.warning("Article %s failed (%s); keeping its teaser from %s", request.url, reason, teaser.listing_url)
        yield teaser

    # -- dates ----------------------------------------------------------------------

    def parse_date(self, raw: str | None, fetched: datetime, url: str) -> str | None:
        """ISO 8601 in the site's time zone, or ``None`` (warned and counted when unparseable)."""
        if not raw:
            return None
        value = normalize_date(raw, languages=self.languages, timezone=self.site.timezone, relative_base=fetched)
        if value is None:
            self.date_unparsed(raw, url)
            return None
        return format_iso(value.astimezone(self.tz))

    def date_unparsed(self, raw: str, url: str) -> None:
        self.crawler.stats.inc_value("newsarchive/dates/unparsed")
        logger.warning("Unparseable date %r on %s; published left empty", raw[:100], url)


def rebase_url(url: str, base_url: str | None) -> str:
    """Move ``url`` to the scheme and host of ``base_url``, keeping path and query."""
    if not base_url:
        return url
    base = urlsplit(base_url if "://" in base_url else f"http://{base_url}")
    if base.scheme not in ("http", "https") or not base.netloc:
        raise ValueError(f"base_url: expected http(s)://host[:port], got {base_url!r}")
    parts = urlsplit(url)
    prefix = base.path.rstrip("/")
    return urlunsplit((base.scheme, base.netloc, prefix + parts.path, parts.query, parts.fragment))


def _positive_int(name: str, value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a positive integer, got {value!r}") from None
    if number < 1:
        raise ValueError(f"{name}: expected a positive integer, got {value!r}")
    return number


def _since_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"since: expected a date as YYYY-MM-DD, got {value!r}") from None


def _boolean(name: str, value: str | bool | None, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}: expected true or false, got {value!r}")
