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

Each start URL is one *listing walk*. The job state (:mod:`newsarchive.job`) says whether
an earlier run walked it to its end; only then does a page of already archived teasers
end the walk early. Articles whose page failed are exported as their teaser with
``fetch_error`` set and tried again by later runs (:class:`~newsarchive.job.RetryLedger`).
A teaser is never dropped without a ``newsarchive/teasers/...`` stat and a log line
naming its listing page.
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
from twisted.python.failure import Failure

from newsarchive.article_fields import extract_article_fields, page_language
from newsarchive.date_extraction import extract_published
from newsarchive.dates import format_iso, normalize_date
from newsarchive.extract import first_text, select
from newsarchive.fetch_time import fetched_at
from newsarchive.dedupe import canonical_url
from newsarchive.items import ARTICLE_FIELDS, Article
from newsarchive.job import JobState, Walk
from newsarchive.job.failures import failure_reason
from newsarchive.job.redirects import ON_SITE_META, on_site
from newsarchive.provenance import attach_warc_pointer
from newsarchive.sitedef import SiteDefinition

logger = logging.getLogger(__name__)

_FOLLOWABLE_SCHEMES = ("http", "https")


class SpiderArgumentError(ValueError):
    """A bad ``-a NAME=VALUE``: the command line is wrong, not the crawl (exit status 2)."""


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
        check_arguments(type(self), kwargs)
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

    @property
    def job_state(self) -> JobState:
        """The job's walks and failed articles (set by the extension; else memory only)."""
        job: JobState | None = getattr(self, "_job_state", None)
        if job is None:
            job = self._job_state = JobState.of(self.crawler)
        return job

    async def start(self) -> AsyncIterator[Any]:
        from newsarchive.politeness import contact_warning

        warning = contact_warning(self.crawler.settings, self.start_urls)
        if warning and not self.crawler.settings.get("NEWSARCHIVE_REPLAY"):
            self.crawler.stats.set_value("newsarchive/config/placeholder_contact", 1)
            logger.warning(warning)
        job = self.job_state
        self._requested: set[str] = set()
        for entry in job.retries.due() if self.follow else ():
            teaser = Article(**{k: v for k, v in entry.teaser.items() if k in ARTICLE_FIELDS})
            teaser.fetch_error = None
            teaser.url = teaser.url or entry.url
            self.crawler.stats.inc_value("newsarchive/article/retried")
            logger.info("Retrying %s (failed %d time(s), last: %s)", entry.url, entry.attempts, entry.reason)
            request = self.article_request(teaser, entry.url)
            if request is not None:
                yield request
        for url in self.start_urls:
            walk = job.walks.begin(url)
            if walk.resumed:
                self.crawler.stats.inc_value("newsarchive/job/walks_resumed")
                logger.info("Resuming the unfinished listing walk from %s (the last run did not finish it)", url)
            yield self.listing_request(url, page=1, walk=walk)

    def listing_request(self, url: str, page: int, walk: Walk) -> Request:
        return Request(url, callback=self.parse_listing, errback=self.listing_failed,
                       cb_kwargs={"page": page, "walk": walk}, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        return self.parse_listing(response, page=1)

    # -- listings -------------------------------------------------------------------

    def parse_listing(self, response: Response, page: int, walk: Walk | None = None) -> Iterator[Any]:
        """Yield one item or article request per teaser, then the next listing page."""
        stats = self.crawler.stats
        job = self.job_state
        if walk is None:  # called directly (parse, tests): a walk of its own
            walk = job.walks.begin(response.url)
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
            if page == 1:
                stats.inc_value("newsarchive/listing/empty_first_page")
            logger.warning("No teasers on listing page %s (selector %r)", response.url, rules.item)
        known = new = 0
        last_is_older = False  # listings run newest first: past the cutoff, stop paginating
        for teaser in teasers:
            item = self.teaser_item(teaser, response, fetched)
            if item is None:
                continue
            if self.since and item.published:
                last_is_older = datetime.fromisoformat(item.published).date() < self.since
                if last_is_older:
                    stats.inc_value("newsarchive/teasers/older_than_since")
                    logger.debug("Teaser %s on %s is older than since=%s; skipped", item.url, response.url, self.since)
                    continue
            why_known = self.known_reason(item.url)
            if why_known:
                known += 1
                stats.inc_value(f"newsarchive/teasers/{why_known}")
                logger.debug("Teaser %s on %s skipped: %s", item.url, response.url, why_known.replace("_", " "))
                continue
            new += 1
            yield from self.emit(item, response)
        total = len(teasers)
        logger.info("Listing page %d %s: %d teasers, %d new, %d already archived or pending a retry",
                    page, response.url, total, new, known)
        job.walks.page_done(walk, total, new)
        if known and not new and walk.resumed:
            stats.inc_value("newsarchive/job/listing_pages_again")

        next_url = first_text(response, rules.next_page) if rules.next_page else None
        if not next_url:
            walk.reached_end = True
            return
        if self.max_pages is not None and page >= self.max_pages:
            logger.info("Stopping at %s: max_pages=%d reached", response.url, self.max_pages)
            walk.reached_end = True
            return
        if last_is_older:
            logger.info("Stopping at %s: teasers are older than since=%s", response.url, self.since)
            walk.reached_end = True
            return
        if teasers and known == total:
            if walk.may_stop_at_known_page():
                logger.info("Stopping at %s: every teaser is already archived", response.url)
                walk.reached_end = True
                return
            stats.inc_value("newsarchive/job/known_pages_walked")
            logger.debug("Every teaser on %s is archived, but the listing was never walked to its end "
                         "(or its last walk was interrupted): going on", response.url)
        next_request = response.follow(next_url, callback=self.parse_listing, errback=self.listing_failed,
                                       cb_kwargs={"page": page + 1, "walk": walk}, dont_filter=True)
        key = canonical_url(next_request.url)
        if key in walk.visited or key == walk.key:
            stats.inc_value("newsarchive/listing/pagination_loop")
            logger.warning("Pagination of %s leads back to %s; the listing ends here", response.url, next_request.url)
            walk.reached_end = True
            return
        walk.visited.add(key)
        yield next_request

    def known_reason(self, url: str | None) -> str | None:
        """Why a teaser needs no request now (a stat name), or ``None`` when it does."""
        if not url:
            return None
        if url in getattr(self, "known_urls", ()):
            return "known"
        entry = self.job_state.retries.get(url)
        if entry is not None:
            return "gave_up" if entry.gave_up else "retry_pending"
        return None

    def listing_failed(self, failure: Failure) -> None:
        """A listing page failed: count it; its walk stays unfinished, so the next run resumes it."""
        from newsarchive.replay.handler import CaptureMissing

        request = failure.request
        if failure.check(CaptureMissing):
            self.crawler.stats.inc_value("newsarchive/replay/listing_missing")
            logger.info("Listing %s is not in the archive (the run stopped before it); walk ends", request.url)
            return
        reason = failure_reason(failure)
        self.crawler.stats.inc_value(f"newsarchive/listing/failed/{reason}")
        logger.error("Listing page %s failed (%s); its walk is unfinished and the next run continues it",
                     request.url, reason)

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
        url = response.urljoin(href)
        scheme = urlsplit(url).scheme.lower()
        if scheme not in _FOLLOWABLE_SCHEMES:
            self.crawler.stats.inc_value("newsarchive/teasers/bad_url")
            logger.warning("Teaser %r on %s skipped: its link is not http(s): %.100r", title[:80], response.url, url)
            return None
        published_raw = first_text(teaser, rules.date)
        item = Article(
            url=url,
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
        assert item.url is not None
        request = self.article_request(item, item.url)
        if request is not None:
            yield request
        elif item.fetch_error:
            yield item

    def article_request(self, teaser: Article, url: str) -> Request | None:
        """The request for an article page, or ``None`` (counted) when it cannot be made.

        Article requests skip Scrapy's duplicate filter (this spider skips teasers it
        requested already), so that a redirect loop ends in an error that reaches
        :meth:`article_failed` instead of vanishing; offsite redirects are refused by
        :class:`~newsarchive.job.redirects.OffsiteRedirectMiddleware` for the same reason.
        """
        stats = self.crawler.stats
        key = canonical_url(url)
        requested = getattr(self, "_requested", None)
        if requested is None:
            requested = self._requested = set()
        if key in requested:
            stats.inc_value("newsarchive/teasers/duplicate")
            logger.debug("Teaser %s on %s skipped: already requested in this run", url, teaser.listing_url)
            return None
        domains = [d for d in self.allowed_domains or () if d]
        if domains and not on_site(url, domains):
            stats.inc_value("newsarchive/teasers/offsite")
            logger.warning("Teaser %s on %s skipped: its host is outside allowed_domains %s",
                           url, teaser.listing_url, domains)
            return None
        limit = self.crawler.settings.getint("URLLENGTH_LIMIT", 2083)
        if limit and len(url) > limit:
            stats.inc_value("newsarchive/article/failed/url_too_long")
            logger.warning("Article %.100s... from %s has a URL longer than URLLENGTH_LIMIT=%d; keeping its teaser",
                           url, teaser.listing_url, limit)
            if self.job_state.retries.get(url) is None:
                teaser.fetch_error = "url_too_long"
            return None
        requested.add(key)
        return Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"teaser": teaser},
            meta={ON_SITE_META: True},
            dont_filter=True,
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
        """An article page failed (404, timeout...): keep the teaser, count the failure.

        The first failure exports the teaser, marked with ``fetch_error``; the job
        records it for a later retry instead of as archived. A retry that fails again
        only updates that record. In a replay, an article with no capture yields nothing:
        the live run had it archived already, or never got to it.
        """
        from newsarchive.replay.handler import CaptureMissing

        request = failure.request
        teaser: Article = request.cb_kwargs["teaser"]
        stats = self.crawler.stats
        if failure.check(CaptureMissing):
            stats.inc_value("newsarchive/replay/article_missing")
            logger.debug("Article %s has no capture in the archive; no item", request.url)
            return
        reason = failure_reason(failure)
        retries = self.job_state.retries
        if teaser.url is not None and teaser.url in retries:
            entry = retries.failed(teaser.url, reason, listing_url=teaser.listing_url)
            stats.inc_value(f"newsarchive/article/retry_failed/{reason}")
            if entry.gave_up:
                stats.inc_value("newsarchive/article/gave_up")
                logger.warning("Article %s failed again (%s), %d attempts: giving up", request.url, reason, entry.attempts)
            else:
                logger.warning("Article %s failed again (%s); next try after %s", request.url, reason, entry.retry_after)
            return
        stats.inc_value(f"newsarchive/article/failed/{reason}")
        logger.warning("Article %s failed (%s); keeping its teaser from %s, to be retried by a later run",
                       request.url, reason, teaser.listing_url)
        item = copy.copy(teaser)
        item.fetch_error = reason
        yield item

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


def spider_arguments(spidercls: type) -> list[str]:
    """The ``-a`` arguments a spider class takes: keyword parameters of its ``__init__``
    and ``load_site`` methods, along its class hierarchy."""
    import inspect

    names: list[str] = []
    for klass in spidercls.__mro__:
        for method in ("__init__", "load_site"):
            func = klass.__dict__.get(method)
            if func is None:
                continue
            for param in inspect.signature(func).parameters.values():
                if param.kind in (param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD) and param.name != "self":
                    if param.name not in names:
                        names.append(param.name)
        if klass is ListingSpider:
            break
    return names


def check_arguments(spidercls: type, given: dict[str, Any]) -> None:
    """Refuse a misspelt ``-a`` (``max_page=2`` would otherwise crawl the whole site)."""
    import difflib

    known = spider_arguments(spidercls)
    for name in given:
        if name in known or name == "name":
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}?" if close else f"{getattr(spidercls, 'name', 'this spider')} takes {', '.join(known)}"
        raise SpiderArgumentError(f"unknown spider argument {name!r} ({hint})")


def rebase_url(url: str, base_url: str | None) -> str:
    """Move ``url`` to the scheme and host of ``base_url``, keeping path and query."""
    if not base_url:
        return url
    base = urlsplit(base_url if "://" in base_url else f"http://{base_url}")
    if base.scheme not in ("http", "https") or not base.netloc:
        raise SpiderArgumentError(f"base_url: expected http(s)://host[:port], got {base_url!r}")
    parts = urlsplit(url)
    prefix = base.path.rstrip("/")
    return urlunsplit((base.scheme, base.netloc, prefix + parts.path, parts.query, parts.fragment))


def _positive_int(name: str, value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SpiderArgumentError(f"{name}: expected a positive integer, got {value!r}") from None
    if number < 1:
        raise SpiderArgumentError(f"{name}: expected a positive integer, got {value!r}")
    return number


def _since_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SpiderArgumentError(f"since: expected a date as YYYY-MM-DD, got {value!r}") from None


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
    raise SpiderArgumentError(f"{name}: expected true or false, got {value!r}")
