"""The Times of Central Asia (timesca.com): latest news, a category, a tag, or a search.

Each run reads the listing pages with their selectors and then the same listing's
WordPress feed (``/feed/``, ``/category/SLUG/feed/``, ``/tag/SLUG/feed/``,
``/?s=WORDS&feed=rss2``), so articles are still found if a theme change breaks the
selectors. An article on both is requested once, from the listing. An article page
whose selectors match nothing (a redesign) is read with the generic article rules, as
with every site file, and its authors and tags from WordPress's author and tag links.

    scrapy crawl timesca -O items.jsonl
    scrapy crawl timesca -a query=drugs -a max_pages=3
    scrapy crawl timesca -a category=politics -a since=2025-11-01
    scrapy crawl timesca -a sitemaps=true                      # the whole archive, from wp-sitemap.xml
    scrapy crawl timesca -a base_url=http://127.0.0.1:8000     # the offline sample site
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

from scrapy.http import Response, TextResponse

from newsarchive.extraction.selectors import first_text, texts
from newsarchive.items import Article
from newsarchive.sources.listing_spider import ListingSpider, SpiderArgumentError, boolean_argument
from newsarchive.sites.definition import ArticleRules, ListingRules, SiteDefinition

# What stays when the theme changes: WordPress's URLs for author and tag archives, and
# the section that SEO plugins (Yoast...) state in <head>.
_AUTHOR_LINKS = "main a[href*='/author/']"
_TAG_LINKS = "a[rel~=tag][href*='/tag/']"
_META_SECTION = "meta[property='article:section']::attr(content)"

SITE = SiteDefinition(
    name="timesca",
    start_urls=("https://timesca.com/latest/",),
    feeds=("https://timesca.com/feed/",),
    sitemap_follow=(r"wp-sitemap-posts-post-\d+\.xml",),  # posts only: not pages, tags, users
    allowed_domains=("timesca.com",),
    timezone="Asia/Almaty",
    languages=("en", "ru"),
    listing=ListingRules(
        item="article.teaser",
        url="h2.teaser-title a::attr(href)",
        title="h2.teaser-title a",
        summary="p.teaser-summary",
        date=".teaser-date",
        section=".teaser-section",
        next_page="a.next::attr(href)",
        follow=True,
    ),
    article=ArticleRules(
        title="h1.entry-title",
        body=".entry-content p",
        authors=".byline a.author",
        tags=".tags-links a[rel~=tag]",
        section=".cat-links a",
    ),
)


class TimescaSpider(ListingSpider):
    """Listings of timesca.com; ``-a query=``, ``-a tag=`` or ``-a category=`` pick which."""

    name = "timesca"
    site = SITE

    def __init__(
        self,
        *args: Any,
        query: str | None = None,
        tag: str | None = None,
        category: str | None = None,
        sitemaps: str | bool | None = None,
        **kwargs: Any,
    ) -> None:
        chosen = [k for k, v in (("query", query), ("tag", tag), ("category", category)) if v]
        if len(chosen) > 1:
            raise SpiderArgumentError(f"timesca: give at most one of query, tag, category (got {', '.join(chosen)})")
        self.use_sitemaps = boolean_argument("sitemaps", sitemaps, default=False)
        if self.use_sitemaps and chosen:
            raise SpiderArgumentError(f"timesca: sitemaps=true reads the whole site, not one {chosen[0]}")
        self.query, self.tag, self.category = query, tag, category
        super().__init__(*args, **kwargs)

    def listing_start_urls(self) -> list[str]:
        root = "https://timesca.com"
        if self.query:
            return [f"{root}/?{urlencode({'s': self.query})}"]
        if self.tag:
            return [f"{root}/tag/{quote(self.tag.strip('/'))}/"]
        if self.category:
            return [f"{root}/category/{quote(self.category.strip('/'))}/"]
        return list(self.site.start_urls)

    def listing_sitemap_urls(self) -> list[str]:
        """With ``-a sitemaps=true``, WordPress's sitemap too: every post the site has (a
        backfill of its whole archive; child sitemaps read whole once are skipped later)."""
        return ["https://timesca.com/wp-sitemap.xml"] if self.use_sitemaps else []

    def listing_feed_urls(self) -> list[str]:
        """The WordPress feed of the same listing (paged with ``?paged=N``)."""
        root = "https://timesca.com"
        if self.query:
            return [f"{root}/?{urlencode({'s': self.query, 'feed': 'rss2'})}"]
        if self.tag:
            return [f"{root}/tag/{quote(self.tag.strip('/'))}/feed/"]
        if self.category:
            return [f"{root}/category/{quote(self.category.strip('/'))}/feed/"]
        return list(self.site.feeds)

    def parse_article(self, response: Response, teaser: Article) -> Iterator[Article]:
        """As every listing spider; where the body selector found nothing (a redesign: the
        generic rules stood in), WordPress's own URLs still say the authors and tags."""
        for item in super().parse_article(response, teaser):
            rules = self.site.article
            if isinstance(response, TextResponse) and rules is not None and not texts(response, rules.body):
                item.authors = item.authors or texts(response, _AUTHOR_LINKS)
                item.tags = item.tags or texts(response, _TAG_LINKS)
                item.section = item.section or first_text(response, _META_SECTION)
            yield item
