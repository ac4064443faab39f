"""One check: fetch a listing page and its first article, and report what the crawl gets.

Nothing is written: pages are fetched by :mod:`newsarchive.site_check.fetch`, read by the
spider's own callbacks (:mod:`newsarchive.site_check.report`), and the result is returned
for the command to print. A listing page that cannot be fetched raises
:class:`~newsarchive.site_check.fetch.FetchError` (exit status 3); an article page that
cannot is a finding, as the crawl would keep the teaser and retry it later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsarchive.items import Article
from newsarchive.sources.listing_spider import ListingSpider
from newsarchive.site_check.fetch import FetchError, FetchLimits, fetch_html
from newsarchive.site_check.report import (
    ERROR,
    ArticleReport,
    Finding,
    ListingReport,
    check_article,
    check_listing,
)
from newsarchive.site_check.robots import RobotsRules
from newsarchive.site_check.target import CheckUsageError

__all__ = ["CheckResult", "check_site", "fetch_limits"]

DEFAULT_TIMEOUT = 30.0  # seconds for one page (the crawl's DOWNLOAD_TIMEOUT is 180)


@dataclass
class CheckResult:
    """The listing page's report, the first article's, and every finding of both."""

    site: str
    spider: str
    listing: ListingReport
    article: ArticleReport | None = None
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> int:
        """1 when a finding means the crawl would get nothing (or nothing right), else 0."""
        return 1 if any(f.level == ERROR for f in self.findings) else 0


def fetch_limits(spider: ListingSpider, timeout: float = DEFAULT_TIMEOUT) -> FetchLimits:
    """The crawl's User-Agent and DOWNLOAD_MAXSIZE (project, site and ``-s`` settings)."""
    settings = spider.crawler.settings
    max_size = getattr(spider, "download_maxsize", None) or settings.getint("DOWNLOAD_MAXSIZE")
    return FetchLimits(user_agent=str(settings.get("USER_AGENT") or "newsarchive"), max_size=int(max_size),
                       timeout=timeout)


def check_site(spider: ListingSpider, page_url: str | None = None, article_url: str | None = None, *,
               timeout: float = DEFAULT_TIMEOUT, article: bool = True) -> CheckResult:
    """Check ``page_url`` (default: the spider's first start URL) and the first article on it."""
    url = page_url or (spider.start_urls[0] if spider.start_urls else None)
    if url is None:
        raise CheckUsageError(f"site {spider.site.name!r} has no start_urls (it is read from feeds or sitemaps); "
                              "pass the listing page to check as PAGE_URL")
    limits = fetch_limits(spider, timeout)
    response = fetch_html(url, limits)
    listing = check_listing(spider, response)
    result = CheckResult(site=spider.site.name, spider=spider.name, listing=listing)
    result.findings.extend(listing.findings)
    if len(spider.start_urls) > 1 and not page_url:
        result.notes.append(f"{len(spider.start_urls)} start URLs; checked the first (pass PAGE_URL for another)")
    other = [f"{len(urls)} {kind}{'s' if len(urls) > 1 else ''}" for kind, urls in (
        ("feed", spider.feed_urls), ("sitemap", spider.sitemap_urls), ("robots.txt", spider.robots_urls)) if urls]
    if other:
        result.notes.append(f"the crawl also reads {', '.join(other)} (not checked here)")
    robots = RobotsRules(limits, spider.crawler.settings.get("ROBOTSTXT_USER_AGENT"))
    obey = spider.crawler.settings.getbool("ROBOTSTXT_OBEY")
    if obey and not robots.allows(url):
        result.findings.append(Finding(ERROR, None, f"robots.txt disallows {url}: the crawl would not fetch it "
                                                    "(ROBOTSTXT_OBEY)"))
    if not article:
        return result
    teaser: Article | None = listing.first_teaser
    if article_url:
        teaser = teaser if teaser is not None and teaser.url == article_url else Article(url=article_url)
    elif not spider.follow:
        result.notes.append("follow = false: the crawl does not fetch article pages (pass --article URL to check one)")
        return result
    if teaser is None or not teaser.url:
        return result
    if obey and not robots.allows(teaser.url):
        result.findings.append(Finding(ERROR, None, f"robots.txt disallows {teaser.url}: the crawl would keep the "
                                                    "teaser only"))
    try:
        page = fetch_html(teaser.url, limits)
    except FetchError as exc:
        result.findings.append(Finding(ERROR, None, f"the article could not be fetched: {exc} (the crawl would "
                                                    "keep the teaser and retry the page later)"))
        return result
    result.article = check_article(spider, page, teaser)
    result.findings.extend(result.article.findings)
    return result
