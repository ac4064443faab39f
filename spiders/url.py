"""Any listing page, no site file: ``newsarchive crawl https://example.org/news/ --out DIR``.

What it reads, in this order (each source once the previous one is done):

1. the listing itself: the automatic listing rules (:mod:`newsarchive.sources.auto_listing`)
   find the teasers and the next page;
2. the feeds the listing's first page advertises in its ``<head>`` that belong to that
   listing (:mod:`newsarchive.sources.discovery`; ``-a feeds=false`` to leave them out);
3. the sitemaps the host's robots.txt names (``-a sitemaps=false`` to leave them out),
   keeping only entries shaped like the article URLs the listing and feeds gave
   (:mod:`newsarchive.sources.url_shapes`), or every entry of a Google News sitemap.

The crawl stays on the URL's host. ``-a languages=ru,en`` and ``-a timezone=Asia/Almaty``
say what the pages do not (default: the page's ``lang``, UTC). A replay needs only the
archive and the same URL: the advertised feeds and robots.txt are archived too.

    scrapy crawl url -a url=https://example.org/news/ -O items.jsonl
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse

from newsarchive.items import Article
from newsarchive.job import Walk
from newsarchive.sources.listing_spider import SOURCE_META, ListingSpider, SpiderArgumentError, boolean_argument
from newsarchive.sites.definition import ListingRules, SiteDefinition, SiteDefinitionError, site_from_dict
from newsarchive.sources.discovery import advertised_feeds, feeds_of_listing
from newsarchive.sources.sitemaps import SitemapEntry
from newsarchive.sources.url_shapes import UrlShapes

logger = logging.getLogger(__name__)


class UrlSpider(ListingSpider):
    """Crawls the listing at ``-a url=`` with the automatic listing rules, its feeds and
    the site's sitemaps."""

    name = "url"

    def load_site(self, url: str | None = None, languages: str | None = None,
                  timezone: str | None = None, feeds: str | bool | None = None,
                  sitemaps: str | bool | None = None, **kwargs: Any) -> SiteDefinition:
        if not url:
            raise SpiderArgumentError("url: pass the listing page with -a url=https://...")
        self.discover_feeds = boolean_argument("feeds", feeds, default=True)
        use_sitemaps = boolean_argument("sitemaps", sitemaps, default=True)
        self.article_shapes = UrlShapes()
        self._feeds_looked_for = False
        return site_for_url(url, languages=languages, timezone=timezone, sitemaps=use_sitemaps)

    def parse_listing(self, response: Response, page: int, walk: Walk | None = None) -> Iterator[Any]:
        if page == 1 and not self._feeds_looked_for and isinstance(response, TextResponse):
            self._feeds_looked_for = True
            self._use_advertised_feeds(response)
        yield from super().parse_listing(response, page, walk)

    def _use_advertised_feeds(self, response: TextResponse) -> None:
        """Queue the listing's own feeds, found in its ``<head>``, after the listing."""
        stats = self.crawler.stats
        advertised = advertised_feeds(response.selector, response.url)
        mine = [f for f in feeds_of_listing(response.url, advertised) if f not in self.feed_urls]
        stats.set_value("newsarchive/discovery/feeds_advertised", len(advertised))
        if not self.discover_feeds:
            if mine:
                logger.info("Not reading the feed(s) %s advertises (feeds=false): %s", response.url, ", ".join(mine))
            return
        if not mine:
            logger.info("%s advertises %s", response.url,
                        f"no feed of this listing ({len(advertised)} other feed(s))" if advertised else "no feed")
            return
        stats.set_value("newsarchive/discovery/feeds_used", len(mine))
        logger.info("Reading the feed(s) %s advertises, after the listing: %s", response.url, ", ".join(mine))
        for url in reversed(mine):  # before any sitemap phase, in the order given
            self._phases.appendleft(functools.partial(self._start_feed, url))
        self.feed_urls.extend(mine)

    def listed_teaser(self, response: Response, fetched: Any, *, page_language: str | None,
                      **fields: Any) -> Article:
        item = super().listed_teaser(response, fetched, page_language=page_language, **fields)
        if response.meta.get(SOURCE_META) in ("listing", "feed") and item.url:
            self.article_shapes.learn(item.url)
        return item

    def sitemap_entries(self, entries: list[SitemapEntry], response: Response) -> list[SitemapEntry]:
        """Entries shaped like the listing's article URLs (all of a Google News sitemap's);
        the others are counted in ``newsarchive/sitemap/entries_not_articles`` and logged."""
        entries = super().sitemap_entries(entries, response)
        if not self.article_shapes:
            if entries:
                logger.warning("The listing gave no article URLs to compare sitemap entries with: reading all "
                               "%d entries of %s, which may include pages that are not articles",
                               len(entries), response.url)
            return entries
        kept, skipped = [], []
        for entry in entries:
            (kept if entry.news_title or self.article_shapes.matches(entry.loc) else skipped).append(entry)
        if skipped:
            self.crawler.stats.inc_value("newsarchive/sitemap/entries_not_articles", len(skipped))
            logger.info("%d of %d entries of sitemap %s are not shaped like the listing's article URLs: "
                        "skipped (the first: %s)", len(skipped), len(entries), response.url, skipped[0].loc)
        return kept


def site_for_url(url: str, *, languages: str | None = None, timezone: str | None = None,
                 sitemaps: bool = False) -> SiteDefinition:
    """The site definition ``newsarchive crawl URL`` uses: that listing, that host, no
    selectors; with ``sitemaps``, the sitemaps robots.txt names too."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpiderArgumentError(f"url: expected an http(s) URL, got {url!r}")
    data: dict[str, Any] = {
        "name": re.sub(r"[^A-Za-z0-9_.-]+", "-", parts.hostname).strip("-.") or "site",
        "start_urls": [url],
        "allowed_domains": [parts.hostname],
        "sitemaps_from_robots": sitemaps,
    }
    if languages:
        data["languages"] = [code.strip() for code in languages.split(",") if code.strip()]
    if timezone:
        data["timezone"] = timezone
    try:
        site = site_from_dict(data, source=url)
    except SiteDefinitionError as exc:
        raise SpiderArgumentError(f"{exc.key}: {exc.problem}") from None
    assert site.listing is None or site.listing == ListingRules(follow=site.listing.follow)
    return site
