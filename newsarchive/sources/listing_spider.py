"""``ListingSpider``: the base of every site spider.

It walks a site's *listing sources*: paginated HTML listings (latest news, a category, a
tag, search results), RSS/Atom feeds and sitemaps (:mod:`newsarchive.sources`). It turns
each teaser or entry into an :class:`~newsarchive.items.Article` and, unless told not
to, follows it to its article page and merges what it finds there. What differs between
sites is data (a :class:`~newsarchive.sites.definition.SiteDefinition`), not code.

Spider arguments (``-a name=value``):

``base_url``   crawl another host with the same URL shapes (the offline sample site).
``max_pages``  stop after this many listing pages per start URL.
``since``      stop once teasers are older than this date (``YYYY-MM-DD``, site time zone).
``follow``     ``true``/``false``: follow teasers to article pages (default from the site).

Each start URL, feed URL and sitemap URL is one *walk*. The job state
(:mod:`newsarchive.job`) says whether an earlier run walked it to its end; only then does
a page of already archived teasers end a listing or feed walk early (a sitemap is not
ordered: it is always read whole, less what ``since`` skips). Listing pages and feed
pages go through one teaser path (:meth:`ListingSpider.walk_page`): ``since``, archived
and failed teasers, ``max_pages``, the known-page stop and pagination loops are decided
there, once. Articles whose page failed are exported as their teaser with ``fetch_error``
set and tried again by later runs (:class:`~newsarchive.job.RetryLedger`). A teaser is
never dropped without a ``newsarchive/teasers/...`` stat and a log line naming its page.

Sources are read in phases, each once the previous one is done (the crawl is idle): the
listings (all at once), then each feed, then each sitemap, then the sitemaps robots.txt
names. So an article found by several sources keeps the teaser of the first, the same
one in every run and in a replay (which makes replayed items byte-identical).
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections import deque
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from newsarchive.extraction.article_fields import extract_article_fields, page_language
from newsarchive.extraction.date_extraction import extract_published
from newsarchive.extraction.date_warnings import DateWarnings
from newsarchive.extraction.dates import format_iso, normalize_date
from newsarchive.job.dedupe import canonical_url
from newsarchive.extraction.selectors import first_link, first_text, select
from newsarchive.warc.fetch_time import fetched_at
from newsarchive.items import ARTICLE_FIELDS, Article
from newsarchive.job import JobState, Walk
from newsarchive.job.fingerprints import FingerprintSet
from newsarchive.job.failures import PERMANENT, failure_reason
from newsarchive.job.redirects import ON_SITE_META, on_site
from newsarchive.warc.provenance import attach_warc_pointer
from newsarchive.sites.definition import ListingRules, SiteDefinition
from newsarchive.sources.auto_listing import AutoListing, find_teasers
from newsarchive.sources.auto_listing import Teaser as AutoTeaser
from newsarchive.sources.sitemaps import (
    SitemapDocument,
    SitemapEntry,
    SitemapTooLarge,
    parse_sitemap,
    sitemap_body,
    sitemap_urls_from_robots,
)
from newsarchive.sources.syndication import FeedEntry, FeedPage, next_page, parse_feed

logger = logging.getLogger(__name__)

_FOLLOWABLE_SCHEMES = ("http", "https")

#: ``request.meta`` key naming the kind of source page a request is for: ``listing``,
#: ``feed``, ``sitemap`` or ``robots``.
SOURCE_META = "newsarchive_source"
#: Sitemap indexes nested deeper than this are not followed (real ones nest once).
MAX_SITEMAP_DEPTH = 3
_LABELS = {"listing": "listing", "feed": "feed", "sitemap": "sitemap", "robots": "robots.txt"}


@dataclass
class SourceWalk:
    """What this run keeps about one feed or sitemap walk, beside its :class:`Walk`."""

    kind: str
    page_size: int | None = None
    """Entries on a feed's first page (WordPress pages are full up to the last)."""
    seen: FingerprintSet = field(default_factory=FingerprintSet, repr=False)
    """Canonical entry URLs of the feed pages read so far (a site ignoring ``paged``), 16
    bytes each: a WordPress feed can be paged through all of a site's articles."""
    linked: bool = False
    """A page of this feed linked the next one (RFC 5005): no ``paged`` guessing."""
    pending: int = 0
    """Sitemap documents of this walk requested and not yet handled."""
    failed: bool = False
    """A sitemap document of this walk failed or could not be read."""
    children: int = 0
    """Child sitemaps requested (``max_pages`` bounds them)."""


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
        self.follow = boolean_argument("follow", follow, default=site.follow)
        self.start_urls = [rebase_url(u, base_url) for u in self.listing_start_urls()]
        self.feed_urls = [rebase_url(u, base_url) for u in self.listing_feed_urls()]
        self.sitemap_urls = [rebase_url(u, base_url) for u in self.listing_sitemap_urls()]
        self.robots_urls = [rebase_url(u, base_url) for u in self.robots_txt_urls()]
        sources = self.source_urls
        if base_url and sources:
            self.allowed_domains = [urlsplit(sources[0]).hostname or ""]
        else:
            self.allowed_domains = list(site.allowed_domains)
        self._sitemap_follow = [re.compile(p) for p in site.sitemap_follow]
        self._sitemap_allow = [re.compile(p) for p in site.sitemap_allow]
        self._phases: deque[Callable[[], list[Request]]] = deque()
        self._source_walks: dict[str, SourceWalk] = {}
        self.date_warnings = DateWarnings(logger)
        self._sitemaps_begun: set[str] = set()

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

    def listing_feed_urls(self) -> list[str]:
        """Feed URLs to walk (before ``base_url`` rebasing)."""
        return list(self.site.feeds)

    def listing_sitemap_urls(self) -> list[str]:
        """Sitemap URLs to walk (before ``base_url`` rebasing)."""
        return list(self.site.sitemaps)

    def robots_txt_urls(self) -> list[str]:
        """robots.txt files whose ``Sitemap:`` lines name more sitemaps to walk
        (``sitemaps_from_robots``; before ``base_url`` rebasing)."""
        return list(self.site.robots_urls())

    @property
    def source_urls(self) -> list[str]:
        """Every listing, feed, sitemap and robots.txt URL this run starts from."""
        return [*self.start_urls, *self.feed_urls, *self.sitemap_urls, *self.robots_urls]

    # -- Scrapy plumbing ------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ListingSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.site.settings and not crawler.settings.frozen:
            crawler.settings.setdict(dict(spider.site.settings), priority="spider")
        crawler.signals.connect(spider.next_phase, signal=signals.spider_idle)
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

        warning = contact_warning(self.crawler.settings, self.source_urls)
        if warning and not self.crawler.settings.get("NEWSARCHIVE_REPLAY"):
            self.crawler.stats.set_value("newsarchive/config/placeholder_contact", 1)
            logger.warning(warning)
        job = self.job_state
        self._requested = FingerprintSet()  # this run's article URLs, 16 bytes each
        for entry in job.retries.due() if self.follow else ():
            teaser = Article(**{k: v for k, v in entry.teaser.items() if k in ARTICLE_FIELDS})
            teaser.fetch_error = None
            teaser.url = teaser.url or entry.url
            self.crawler.stats.inc_value("newsarchive/article/retried")
            logger.info("Retrying %s (failed %d time(s), last: %s)", entry.url, entry.attempts, entry.reason)
            request = self.article_request(teaser, entry.url)
            if request is not None:
                yield request
        phases: list[Callable[[], list[Request]]] = []
        if self.start_urls:
            phases.append(self._start_listings)
        phases += [functools.partial(self._start_feed, url) for url in self.feed_urls]
        phases += [functools.partial(self._start_sitemap, url) for url in self.sitemap_urls]
        phases += [functools.partial(self._start_robots, url) for url in self.robots_urls]
        self._phases = deque(phases)
        while self._phases:
            requests = self._phases.popleft()()
            for request in requests:
                yield request
            if requests:
                break

    def next_phase(self, spider: Any = None) -> None:
        """``spider_idle``: start the next source (feed, sitemap...) once the crawl is idle."""
        if spider is not None and spider is not self:
            return
        while self._phases:
            requests = self._phases.popleft()()
            if requests:
                try:
                    for request in requests:
                        self.crawler.engine.crawl(request)
                except RuntimeError as exc:  # the spider is closing (a failure stopped the run)
                    logger.info("Not starting %s: %s", requests[0].url, exc)
                    return
                raise DontCloseSpider

    def begin_walk(self, url: str, kind: str = "listing") -> Walk:
        """Start (or resume) the walk of a listing, feed or sitemap ``url``."""
        walk = self.job_state.walks.begin(url)
        if walk.resumed:
            self.crawler.stats.inc_value("newsarchive/job/walks_resumed")
            logger.info("Resuming the unfinished %s walk from %s (the last run did not finish it)",
                        _LABELS.get(kind, kind), url)
        return walk

    def _start_listings(self) -> list[Request]:
        return [self.listing_request(url, page=1, walk=self.begin_walk(url)) for url in self.start_urls]

    def _start_feed(self, url: str) -> list[Request]:
        return [self.feed_request(url, page=1, walk=self.begin_walk(url, "feed"))]

    def _start_sitemap(self, url: str) -> list[Request]:
        key = canonical_url(url)
        if key in self._sitemaps_begun:
            return []
        self._sitemaps_begun.add(key)
        return [self.sitemap_request(url, walk=self.begin_walk(url, "sitemap"))]

    def _start_robots(self, url: str) -> list[Request]:
        return [Request(url, callback=self.parse_robots, errback=self.listing_failed, dont_filter=True,
                        meta={SOURCE_META: "robots", "dont_obey_robotstxt": True})]

    def listing_request(self, url: str, page: int, walk: Walk) -> Request:
        return Request(url, callback=self.parse_listing, errback=self.listing_failed,
                       cb_kwargs={"page": page, "walk": walk}, meta={SOURCE_META: "listing"}, dont_filter=True)

    def feed_request(self, url: str, page: int, walk: Walk, guessed: bool = False) -> Request:
        """A feed page; ``guessed``: WordPress's ``?paged=N``, which may not exist (404)."""
        return Request(url, callback=self.parse_feed, errback=self.feed_failed,
                       cb_kwargs={"page": page, "walk": walk, "guessed": guessed},
                       meta={SOURCE_META: "feed"}, dont_filter=True)

    def sitemap_request(self, url: str, walk: Walk, depth: int = 0, lastmod: str | None = None) -> Request:
        """A sitemap of ``walk``; ``lastmod``: what its index said of it (remembered once read)."""
        self.source_walk(walk, "sitemap").pending += 1
        return Request(url, callback=self.parse_sitemap, errback=self.sitemap_failed,
                       cb_kwargs={"walk": walk, "depth": depth, "lastmod": lastmod},
                       meta={SOURCE_META: "sitemap"}, dont_filter=True)

    def source_walk(self, walk: Walk, kind: str) -> SourceWalk:
        state = self._source_walks.get(walk.key)
        if state is None:
            state = self._source_walks[walk.key] = SourceWalk(kind)
        return state

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        return self.parse_listing(response, page=1)

    # -- listings -------------------------------------------------------------------

    def parse_listing(self, response: Response, page: int, walk: Walk | None = None) -> Iterator[Any]:
        """Yield one item or article request per teaser, then the next listing page."""
        stats = self.crawler.stats
        if walk is None:  # called directly (parse, tests): a walk of its own
            walk = self.job_state.walks.begin(response.url)
        if not isinstance(response, TextResponse):
            stats.inc_value("newsarchive/listing/not_html")
            logger.warning("Listing %s is not an HTML page (%s); skipped", response.url, response.headers.get("Content-Type"))
            return
        stats.inc_value("newsarchive/listing/pages")
        rules = self.site.listing or ListingRules()
        fetched = fetched_at(response)
        teasers = select(response, rules.item) if rules.item else []
        next_url = first_link(response, rules.next_page) if rules.next_page else None
        items: Iterable[Article | None]
        if teasers:
            stats.inc_value("newsarchive/listing/rule/selectors")
            items = (self.teaser_item(teaser, response, fetched) for teaser in teasers)
            total = len(teasers)
            if not rules.next_page:  # teaser selectors alone: the automatic rules find the way on
                next_url = find_teasers(response, response.url, languages=self.page_languages(response) or (),
                                        hint=walk.auto_hint).next_page
                if next_url:
                    stats.inc_value("newsarchive/listing/rule/next/auto_for_selectors")
        else:
            found = self.auto_listing(response, walk, rules)
            items = [self.auto_teaser_item(t, response, fetched) for t in found.teasers]
            total = len(found.teasers)
            if not next_url:  # no next_page selector, or it stopped matching too
                next_url = found.next_page
                if next_url:
                    stats.inc_value(f"newsarchive/listing/rule/next/{found.next_rule}")
        if not total:
            stats.inc_value("newsarchive/listing/empty")
            if page == 1:
                stats.inc_value("newsarchive/listing/empty_first_page")
            logger.warning("No teasers on listing page %s (selector %r, automatic rules too)", response.url, rules.item)

        def next_request(url: str) -> Request:
            return response.follow(url, callback=self.parse_listing, errback=self.listing_failed,
                                   cb_kwargs={"page": page + 1, "walk": walk}, meta={SOURCE_META: "listing"},
                                   dont_filter=True)

        yield from self.walk_page(response, walk, page, items, total=total,
                                  next_url=next_url, next_request=next_request)

    def auto_listing(self, response: TextResponse, walk: Walk, rules: ListingRules) -> AutoListing:
        """Teasers found by the automatic rules: where the site gives no selectors, or its
        selectors match nothing (a redesign?), said once per walk with the selector named."""
        stats = self.crawler.stats
        found = find_teasers(response, response.url, languages=self.page_languages(response) or (),
                             hint=walk.auto_hint)
        if found.teasers:
            walk.auto_hint = walk.auto_hint or found.signature
            stats.inc_value(f"newsarchive/listing/rule/{found.teaser_rule}")
            if rules.item and not walk.auto_warned:
                walk.auto_warned = True
                stats.inc_value("newsarchive/listing/selector_fallbacks")
                logger.warning("Listing selector %r matched nothing on %s; the automatic rules found %d teasers "
                               "(%s): check the site file", rules.item, response.url, len(found.teasers),
                               found.teaser_rule)
        if found.truncated:
            stats.inc_value("newsarchive/listing/auto_truncated")
        return found

    def auto_teaser_item(self, teaser: AutoTeaser, response: Response, fetched: datetime) -> Article | None:
        """An item from a teaser the automatic rules found (see :meth:`teaser_item`)."""
        url = self._followable(teaser.url, teaser.title, response)
        if url is None:
            return None
        return self.listed_teaser(
            response, fetched,
            url=url,
            title=teaser.title,
            summary=teaser.summary,
            published_raw=teaser.date_text,
            published=self.parse_date(teaser.date_text, fetched, response.url, self.page_languages(response)),
            page_language=self.declared_language(response),
        )

    def walk_page(
        self,
        response: Response,
        walk: Walk,
        page: int,
        items: Iterable[Article | None],
        *,
        total: int,
        next_url: str | None,
        next_request: Callable[[str], Request] | None = None,
        paginated: bool = True,
        label: str = "Listing page",
    ) -> Iterator[Any]:
        """The one teaser path of every source page: listing pages, feed pages, sitemaps.

        ``items`` are the page's teasers in page order (``None`` for one that could not be
        an item, already counted); ``total`` counts them all. Each teaser older than
        ``since`` is skipped, each archived or pending one is skipped (and counted), the
        others are emitted. Then, for a ``paginated`` source (a listing or a feed, newest
        first), the next page is requested unless the walk ends here: no next page,
        ``max_pages``, a page ending past ``since``, a page of archived teasers once the
        walk was completed before (see :class:`~newsarchive.job.ListingWalks`), or a
        pagination loop. A sitemap is not paginated and not ordered: its walk ends when
        all of its documents are read.
        """
        stats = self.crawler.stats
        job = self.job_state
        known = new = 0
        last_is_older = False  # sources run newest first: past the cutoff, stop paginating
        for item in items:
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
        logger.info("%s %d %s: %d teasers, %d new, %d already archived or pending a retry",
                    label, page, response.url, total, new, known)
        job.walks.page_done(walk, total, new)
        if known and not new and walk.resumed:
            stats.inc_value("newsarchive/job/listing_pages_again")
        if not paginated:
            return

        if not next_url or next_request is None:
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
        if total and known == total:
            if walk.may_stop_at_known_page():
                logger.info("Stopping at %s: every teaser is already archived", response.url)
                walk.reached_end = True
                return
            stats.inc_value("newsarchive/job/known_pages_walked")
            logger.debug("Every teaser on %s is archived, but the walk was never completed "
                         "(or its last run was interrupted): going on", response.url)
        request = next_request(next_url)
        key = canonical_url(request.url)
        if key in walk.visited or key == walk.key:
            stats.inc_value("newsarchive/listing/pagination_loop")
            logger.warning("Pagination of %s leads back to %s; the walk ends here", response.url, request.url)
            walk.reached_end = True
            return
        walk.visited.add(key)
        yield request

    def known_reason(self, url: str | None) -> str | None:
        """Why a teaser needs no request now (a stat name), or ``None`` when it does."""
        if not url:
            return None
        if canonical_url(url) in getattr(self, "_requested", ()):
            return "duplicate"  # requested in this run already: from another page or source
        if url in getattr(self, "known_urls", ()):
            return "known"
        entry = self.job_state.retries.get(url)
        if entry is not None:
            return "gave_up" if entry.gave_up else "retry_pending"
        return None

    def listing_failed(self, failure: Failure) -> None:
        """A source page failed: count it; its walk stays unfinished, so the next run resumes it.

        Counted as ``newsarchive/listing/failed/REASON`` whatever the source (the run is
        then ``incomplete``), and also as ``newsarchive/feed|sitemap|robots/failed/REASON``.
        """
        from newsarchive.replay.handler import CaptureMissing

        request = failure.request
        kind = request.meta.get(SOURCE_META) or "listing"
        label = _LABELS.get(kind, kind)
        if failure.check(CaptureMissing):
            self.crawler.stats.inc_value("newsarchive/replay/listing_missing")
            logger.info("%s %s is not in the archive (the run stopped before it); walk ends",
                        label.capitalize(), request.url)
            return
        reason = failure_reason(failure)
        if kind == "robots" and reason in ("http_404", "http_410"):
            # a site without robots.txt is normal: it names no sitemaps, nothing failed
            self.crawler.stats.inc_value("newsarchive/sitemap/robots_missing")
            logger.info("%s does not exist (%s): no sitemaps from it", request.url, reason)
            return
        self.crawler.stats.inc_value(f"newsarchive/listing/failed/{reason}")
        if kind != "listing":
            self.crawler.stats.inc_value(f"newsarchive/{kind}/failed/{reason}")
        logger.error("%s page %s failed (%s); its walk is unfinished and the next run continues it",
                     label.capitalize(), request.url, reason)

    def teaser_item(self, teaser: scrapy.Selector, response: Response, fetched: datetime) -> Article | None:
        """Build an item from one teaser, or count and log why it cannot be one."""
        rules = self.site.listing
        assert rules is not None
        href = first_link(teaser, rules.url)
        title = first_text(teaser, rules.title)
        if not href or not title:
            missing = "url" if not href else "title"
            self.crawler.stats.inc_value(f"newsarchive/teasers/missing_{missing}")
            logger.warning("Teaser without %s on %s skipped: %r", missing, response.url, (title or href or "")[:80])
            return None
        url = self._followable(response.urljoin(href), title, response)
        if url is None:
            return None
        published_raw = first_text(teaser, rules.date)
        return self.listed_teaser(
            response, fetched,
            url=url,
            title=title,
            summary=first_text(teaser, rules.summary),
            published_raw=published_raw,
            published=self.parse_date(published_raw, fetched, response.url, self.page_languages(response)),
            section=first_text(teaser, rules.section),
            page_language=self.declared_language(response),
        )

    def listed_teaser(self, response: Response, fetched: datetime, *, page_language: str | None,
                      **fields: Any) -> Article:
        """A teaser item found on a listing source page (listing, feed, sitemap): the site,
        the page it was found on, when, the page's language unless the site names one,
        and its archived record; counted as ``newsarchive/teasers/found``."""
        item = Article(
            **fields,
            language=self.languages[0] if self.languages else page_language,
            site=self.site.name,
            listing_url=response.url,
            crawled_at=format_iso(fetched),
        )
        attach_warc_pointer(item, response, role="listing")
        self.crawler.stats.inc_value("newsarchive/teasers/found")
        self.crawler.stats.inc_value(f"newsarchive/teasers/from/{response.meta.get(SOURCE_META) or 'listing'}")
        return item

    def _followable(self, url: str, title: str | None, response: Response) -> str | None:
        """``url`` when it is http(s); else counted (``teasers/bad_url``), logged, ``None``."""
        if urlsplit(url).scheme.lower() in _FOLLOWABLE_SCHEMES:
            return url
        self.crawler.stats.inc_value("newsarchive/teasers/bad_url")
        logger.warning("Teaser %r on %s skipped: its link is not http(s): %.100r", (title or "")[:80], response.url, url)
        return None

    def _untitled(self, kind: str, url: str, response: Response) -> bool:
        """A feed or sitemap entry without a title: fine when following (the article page
        gives the title), else it cannot be an item (counted, logged). Returns whether to keep it."""
        if self.follow:
            self.crawler.stats.inc_value(f"newsarchive/{kind}/untitled")
            return True
        self.crawler.stats.inc_value("newsarchive/teasers/missing_title")
        warned = self.__dict__.setdefault("_untitled_warned", set())
        if response.url not in warned:  # once per page: a plain sitemap has thousands
            warned.add(response.url)
            logger.warning("Entries of %s %s have no title (the first: %s), and follow=false: skipped "
                           "(counted in newsarchive/teasers/missing_title)", kind, response.url, url)
        else:
            logger.debug("Entry %s of %s %s has no title, and follow=false: skipped", url, kind, response.url)
        return False

    # -- feeds ----------------------------------------------------------------------

    def parse_feed(self, response: Response, page: int = 1, walk: Walk | None = None,
                   guessed: bool = False) -> Iterator[Any]:
        """One feed page (RSS 2.0, RSS 1.0, Atom): its entries are teasers, handled by
        :meth:`walk_page` like a listing page's; then the feed's next page."""
        stats = self.crawler.stats
        if walk is None:  # called directly: a walk of its own
            walk = self.job_state.walks.begin(response.url)
        state = self.source_walk(walk, "feed")
        content_type = response.headers.get("Content-Type")
        feed = parse_feed(response.body, response.url, content_type.decode("latin-1") if content_type else None)
        if feed is None:
            if guessed:  # a guessed ?paged=N that is no feed: the feed ended before it
                self._feed_ended(response.url, walk, "is not a feed")
                return
            stats.inc_value("newsarchive/feed/not_a_feed")
            logger.warning("Feed %s is not an RSS or Atom feed (%s); skipped", response.url, content_type)
            return
        stats.inc_value("newsarchive/listing/pages")
        stats.inc_value("newsarchive/feed/pages")
        if feed.problem:
            stats.inc_value("newsarchive/feed/malformed")
            logger.info("Feed %s is malformed, read leniently: %s", response.url, feed.problem)
        entries = feed.entries
        keys = {canonical_url(e.url) for e in entries if e.url}
        if guessed and (not entries or all(key in state.seen for key in keys)):
            self._feed_ended(response.url, walk, "has no entries" if not entries else "repeats the earlier pages")
            return
        if not entries:
            stats.inc_value("newsarchive/listing/empty")
            if page == 1:
                stats.inc_value("newsarchive/listing/empty_first_page")
            logger.warning("No entries in feed page %s", response.url)
        if state.page_size is None:
            state.page_size = len(entries)
        state.seen.update(keys)
        next_url, next_guessed = next_page(feed, response.url, page, state.page_size, linked=state.linked)
        state.linked = state.linked or bool(feed.next_url)
        fetched = fetched_at(response)

        def next_request(url: str) -> Request:
            return self.feed_request(url, page + 1, walk, guessed=next_guessed)

        items = (self.feed_teaser(entry, feed, response, fetched) for entry in entries)
        yield from self.walk_page(response, walk, page, items, total=len(entries), next_url=next_url,
                                  next_request=next_request, label="Feed page")

    def _feed_ended(self, url: str, walk: Walk, why: str) -> None:
        self.crawler.stats.inc_value("newsarchive/feed/paging_end")
        logger.info("Feed page %s %s: the feed ends at the page before", url, why)
        walk.reached_end = True

    def feed_failed(self, failure: Failure) -> None:
        """A feed page failed. WordPress answers 404 past the last page of a feed, so a
        guessed ``?paged=N`` that is not found ends the walk; anything else is a failure."""
        from scrapy.spidermiddlewares.httperror import HttpError

        request = failure.request
        if request.cb_kwargs.get("guessed") and failure.check(HttpError):
            status = failure.value.response.status
            if status in (404, 410):
                self._feed_ended(request.url, request.cb_kwargs["walk"], f"answers {status}")
                return
        self.listing_failed(failure)

    def feed_teaser(self, entry: FeedEntry, feed: FeedPage, response: Response, fetched: datetime) -> Article | None:
        """Build a teaser item from one feed entry, or count and log why it cannot be one."""
        if not entry.url:
            self.crawler.stats.inc_value("newsarchive/teasers/missing_url")
            logger.warning("Feed entry without a link on %s skipped: %r", response.url, (entry.title or "")[:80])
            return None
        url = self._followable(entry.url, entry.title, response)
        if url is None or (not entry.title and not self._untitled("feed", url, response)):
            return None
        return self.listed_teaser(
            response, fetched,
            url=url,
            title=entry.title,
            summary=entry.summary,
            published_raw=entry.published_raw,
            published=self.parse_date(entry.published_raw, fetched, response.url,
                                      self.languages or ([feed.language] if feed.language else None)),
            authors=list(entry.authors),
            tags=list(entry.tags),
            page_language=feed.language,
        )

    # -- sitemaps -------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Any]:
        """robots.txt of a site with ``sitemaps_from_robots``: walk each sitemap it names
        (after those the site definition names), each in a phase of its own."""
        urls = list(dict.fromkeys(sitemap_urls_from_robots(response.body, base_url=response.url)))
        urls = [u for u in urls if urlsplit(u).scheme.lower() in _FOLLOWABLE_SCHEMES]
        if not urls:
            self.crawler.stats.inc_value("newsarchive/sitemap/robots_without_sitemaps")
            logger.warning("%s names no sitemap (no Sitemap: lines)", response.url)
        new = [u for u in urls if canonical_url(u) not in self._sitemaps_begun]
        self.crawler.stats.inc_value("newsarchive/sitemap/from_robots", len(new))
        logger.info("%s names %d sitemap(s): %s", response.url, len(urls), ", ".join(urls[:5]))
        for url in reversed(new):
            self._phases.appendleft(functools.partial(self._start_sitemap, url))
        return iter(())

    def parse_sitemap(self, response: Response, walk: Walk | None = None, depth: int = 0,
                      lastmod: str | None = None) -> Iterator[Any]:
        """A sitemap index (its child sitemaps are requested) or a url set (its entries
        are teasers, handled by :meth:`walk_page`). The walk ends when every document it
        led to is read; one that failed or was no sitemap leaves it unfinished. A child
        read whole is remembered with its ``lastmod``, so later runs skip it while unchanged."""
        if walk is None:  # called directly: a walk of its own
            walk = self.job_state.walks.begin(response.url)
            self.source_walk(walk, "sitemap").pending += 1
        state = self.source_walk(walk, "sitemap")
        done = False
        try:
            read = yield from self._read_sitemap(response, walk, state, depth)
            if read and lastmod and depth > 0 and self.since is None:  # since skips entries: not read whole
                requested = (response.meta.get("redirect_urls") or [response.url])[0]
                walk.children_read[canonical_url(requested)] = lastmod
            done = True
        finally:
            state.pending -= 1
            if not done:
                state.failed = True
            if state.pending <= 0 and not state.failed:
                walk.reached_end = True

    def sitemap_failed(self, failure: Failure) -> None:
        walk = failure.request.cb_kwargs.get("walk")
        if walk is not None:
            state = self.source_walk(walk, "sitemap")
            state.pending -= 1
            state.failed = True
        self.listing_failed(failure)

    def _read_sitemap(self, response: Response, walk: Walk, state: SourceWalk,
                      depth: int) -> Generator[Any, None, bool]:
        """Read one sitemap document; returns whether it was one (and was read whole)."""
        stats = self.crawler.stats
        max_size = response.meta.get("download_maxsize", self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        try:
            body = sitemap_body(response, max_size=max_size)
        except SitemapTooLarge as exc:
            stats.inc_value("newsarchive/sitemap/too_large")
            logger.warning("Sitemap %s skipped: %s", response.url, exc)
            state.failed = True
            return False
        document = parse_sitemap(body) if body else None
        if document is None or document.kind not in ("sitemapindex", "urlset"):
            stats.inc_value("newsarchive/sitemap/not_a_sitemap")
            logger.warning("Sitemap %s is not a sitemap (%s); skipped", response.url,
                           response.headers.get("Content-Type"))
            state.failed = True
            return False
        stats.inc_value("newsarchive/listing/pages")
        stats.inc_value("newsarchive/sitemap/pages")
        if document.is_index:
            stats.inc_value("newsarchive/sitemap/indexes")
            yield from self._sitemap_children(response, walk, state, document, depth)
            return True
        fetched = fetched_at(response)
        entries = self.sitemap_entries(document.entries, response)
        if not entries:
            stats.inc_value("newsarchive/listing/empty")
            logger.info("No entries in sitemap %s", response.url)
        items = (self.sitemap_teaser(e, response, fetched) for e in entries if not self._entry_older(e, fetched, response))
        yield from self.walk_page(response, walk, state.children or 1, items, total=len(entries),
                                  next_url=None, paginated=False, label="Sitemap")
        return True

    def _sitemap_children(self, response: Response, walk: Walk, state: SourceWalk,
                          index: SitemapDocument, depth: int) -> Iterator[Request]:
        """Request an index's child sitemaps: those ``sitemap_follow`` allows and that
        changed since ``since`` (by ``lastmod``), newest first, at most ``max_pages``."""
        stats = self.crawler.stats
        fetched = fetched_at(response)
        if depth >= MAX_SITEMAP_DEPTH:
            stats.inc_value("newsarchive/sitemap/too_deep")
            logger.warning("Sitemap index %s is nested %d deep; its children are not followed", response.url, depth)
            return
        dated: list[tuple[datetime | None, int, SitemapEntry]] = []
        old = unmatched = unchanged = 0
        for n, child in enumerate(index.entries):
            url = response.urljoin(child.loc)
            if self._sitemap_follow and not any(p.search(url) for p in self._sitemap_follow):
                unmatched += 1
                continue
            changed = self._date(child.lastmod, fetched)
            if self.since and changed is not None and changed.date() < self.since:
                old += 1
                logger.debug("Child sitemap %s last changed %s, before since=%s: skipped", url, child.lastmod, self.since)
                continue
            if walk.complete and child.lastmod and walk.children.get(canonical_url(url)) == child.lastmod:
                unchanged += 1  # read whole by an earlier run, and not changed since
                logger.debug("Child sitemap %s unchanged since an earlier run read it (%s): skipped", url, child.lastmod)
                continue
            dated.append((changed, n, child))
        # newest first (undated ones last, in index order), so max_pages keeps the news
        dated.sort(key=lambda d: (d[0] is None, -(d[0].timestamp()) if d[0] else 0, d[1]))
        requested = over = 0
        for _, _, child in dated:
            if self.max_pages is not None and state.children >= self.max_pages:
                over += 1
                continue
            url = response.urljoin(child.loc)
            key = canonical_url(url)
            if key in walk.visited or key == walk.key:
                stats.inc_value("newsarchive/listing/pagination_loop")
                logger.warning("Sitemap index %s names %s again; skipped", response.url, url)
                continue
            walk.visited.add(key)
            state.children += 1
            requested += 1
            yield self.sitemap_request(url, walk, depth + 1, lastmod=child.lastmod)
        for name, count in (("children_older_than_since", old), ("children_unmatched", unmatched),
                            ("children_over_max_pages", over), ("children_unchanged", unchanged)):
            if count:
                stats.inc_value(f"newsarchive/sitemap/{name}", count)
        logger.info("Sitemap index %s: %d child sitemaps, %d requested, %d unchanged since %s, "
                    "%d unchanged since an earlier run read them, %d not matching sitemap_follow, "
                    "%d over max_pages", response.url, len(index.entries), requested, old, self.since or "-",
                    unchanged, unmatched, over)

    def sitemap_entries(self, entries: list[SitemapEntry], response: Response) -> list[SitemapEntry]:
        """The entries of a url set to read: those ``sitemap_allow`` allows (the others are
        counted in ``newsarchive/sitemap/entries_unmatched`` and logged once per sitemap)."""
        if not self._sitemap_allow:
            return list(entries)
        kept, skipped = [], []
        for entry in entries:
            (kept if any(p.search(entry.loc) for p in self._sitemap_allow) else skipped).append(entry)
        if skipped:
            self.crawler.stats.inc_value("newsarchive/sitemap/entries_unmatched", len(skipped))
            logger.info("%d of %d entries of sitemap %s match no sitemap_allow pattern: skipped (the first: %s)",
                        len(skipped), len(entries), response.url, skipped[0].loc)
        return kept

    def _entry_older(self, entry: SitemapEntry, fetched: datetime, response: Response) -> bool:
        """An entry without a publication date but last changed before ``since``: skipped
        (one with a publication date is judged by it, in :meth:`walk_page`)."""
        if not self.since or entry.publication_date:
            return False
        changed = self._date(entry.lastmod, fetched)
        if changed is None or changed.date() >= self.since:
            return False
        self.crawler.stats.inc_value("newsarchive/teasers/older_than_since")
        logger.debug("Sitemap entry %s on %s last changed %s, before since=%s; skipped",
                     entry.loc, response.url, entry.lastmod, self.since)
        return True

    def _date(self, raw: str | None, fetched: datetime) -> datetime | None:
        """A sitemap ``lastmod`` in the site's time zone (``None``: absent or unreadable)."""
        if not raw:
            return None
        value = normalize_date(raw, languages=self.languages, timezone=self.site.timezone, relative_base=fetched)
        return value.astimezone(self.tz) if value is not None else None

    def sitemap_teaser(self, entry: SitemapEntry, response: Response, fetched: datetime) -> Article | None:
        """A teaser item from one sitemap entry: its URL, and for a Google News sitemap its
        title, publication date, keywords and language. Without a title (a plain sitemap),
        the article page gives it."""
        url = self._followable(response.urljoin(entry.loc), entry.news_title, response)
        if url is None or (not entry.news_title and not self._untitled("sitemap", url, response)):
            return None
        return self.listed_teaser(
            response, fetched,
            url=url,
            title=entry.news_title,
            published_raw=entry.publication_date,
            published=self.parse_date(entry.publication_date, fetched, response.url),
            tags=list(entry.keywords),
            page_language=entry.language,
        )

    # -- teasers to articles ----------------------------------------------------------

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
            yield from self._failed_teaser(item)

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
            requested = self._requested = FingerprintSet()
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
        requested = getattr(self, "_requested", None)
        if requested is not None:  # redirected: a teaser of another source may name the final URL
            requested.add(canonical_url(response.url))
        if not isinstance(response, TextResponse):
            stats.inc_value("newsarchive/article/not_html")
            logger.warning("Article %s is not an HTML page; keeping the teaser only", response.url)
            yield item
            return
        rules = self.site.article
        fetched = fetched_at(response)
        item.crawled_at = format_iso(fetched)
        fields = extract_article_fields(response, rules)
        if fields.fallbacks:
            self.article_selectors_missed(fields.fallbacks, response)
        item.title = fields.title or teaser.title
        item.body = fields.body_text
        found = extract_published(
            response.selector,
            selector=rules.date,
            url=response.url,
            languages=self.languages or ([fields.language] if fields.language else None),
            timezone=self.site.timezone,
            relative_base=fetched,
        )
        if found.value is not None:
            item.published = format_iso(self.in_site_zone(found.value))
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

    def article_selectors_missed(self, names: tuple[str, ...], response: Response) -> None:
        """The site's title/body selectors found nothing and the generic rules stood in:
        counted per field (``newsarchive/article/selector_fallbacks/FIELD``), said once per
        field and run, naming the selector."""
        rules = self.site.article
        warned = self.__dict__.setdefault("_article_fallbacks_warned", set())
        self.crawler.stats.inc_value("newsarchive/article/selector_fallbacks")
        for name in names:
            self.crawler.stats.inc_value(f"newsarchive/article/selector_fallbacks/{name}")
            if name not in warned:
                warned.add(name)
                logger.warning("Article selector %s = %r matched nothing on %s; the generic article rules "
                               "stand in (counted in newsarchive/article/selector_fallbacks): check the site "
                               "definition", name, getattr(rules, name, None), response.url)

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
        item = copy.copy(teaser)
        item.fetch_error = reason
        if item.title:
            logger.warning("Article %s failed (%s); keeping its teaser from %s, to be retried by a later run",
                           request.url, reason, teaser.listing_url)
        yield from self._failed_teaser(item)

    def _failed_teaser(self, item: Article) -> Iterator[Article]:
        """The teaser of an article whose page failed, as the item to export.

        A teaser without a title (a sitemap entry: the title was to come from the page)
        cannot be an item, since every item has a title. It is counted
        (``newsarchive/article/failed_untitled``), logged, and recorded for a retry
        here, as exporting it would have done; a later run that archives the page
        exports the whole article.
        """
        if item.title:
            yield item
            return
        assert item.url is not None and item.fetch_error is not None
        self.crawler.stats.inc_value("newsarchive/article/failed_untitled")
        logger.warning("Article %s failed (%s) and its teaser from %s has no title: no item until a later "
                       "run archives the page (recorded for a retry)", item.url, item.fetch_error, item.listing_url)
        teaser = {k: copy.copy(getattr(item, k)) for k in ARTICLE_FIELDS if k not in ("fetch_error", "warc")}
        self.job_state.retries.failed(item.url, item.fetch_error, teaser=teaser, listing_url=item.listing_url,
                                      retryable=item.fetch_error not in PERMANENT)

    # -- dates ----------------------------------------------------------------------

    def declared_language(self, response: Response) -> str | None:
        """The page's ``<html lang>`` (primary subtag), read once per page, not per teaser."""
        if getattr(self, "_language_of", None) is not response:
            lang = page_language(response) if isinstance(response, TextResponse) else None
            self._language_of, self._declared = response, lang
        return self._declared

    def page_languages(self, response: Response) -> list[str] | None:
        """The languages to read a page's dates and labels in: the site's, else the page's
        own ``<html lang>`` (without either, dateparser tries every language it knows,
        hundreds of times slower)."""
        if self.languages:
            return self.languages
        lang = self.declared_language(response)
        return [lang] if lang else None

    def parse_date(self, raw: str | None, fetched: datetime, url: str,
                   languages: list[str] | None = None) -> str | None:
        """ISO 8601 in the site's time zone, or ``None`` (warned and counted when unparseable).
        ``languages``: the page's (:meth:`page_languages`); default the site's."""
        if not raw:
            return None
        value = normalize_date(raw, languages=languages or self.languages, timezone=self.site.timezone,
                               relative_base=fetched)
        if value is None:
            self.date_unparsed(raw, url)
            return None
        return format_iso(self.in_site_zone(value))

    def in_site_zone(self, value: datetime) -> datetime:
        """``value`` in the site's time zone; for a site that names none, in the offset the
        page stated (converting it to UTC would move late stories to the next day)."""
        if self.site.timezone_given or value.utcoffset() is None:
            return value.astimezone(self.tz)
        return value

    def date_unparsed(self, raw: str, url: str) -> None:
        """Counted in ``newsarchive/dates/unparsed``; logged once per date shape (the
        first page at once, a count per shape when the crawl closes)."""
        self.crawler.stats.inc_value("newsarchive/dates/unparsed")
        self.date_warnings.unparsed(raw, url)

    def closed(self, reason: str) -> None:
        """Scrapy's close hook: the per-shape summary of unreadable dates."""
        self.date_warnings.flush()


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


def boolean_argument(name: str, value: str | bool | None, default: bool) -> bool:
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
