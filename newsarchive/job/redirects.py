"""Requests a crawl must never make: other schemes than http(s), and article redirects
to hosts outside the spider's ``allowed_domains``.

Whatever a page or a site file says, only http and https are requested: a teaser or a
redirect naming ``file:///etc/passwd`` or ``ftp://`` is refused (an ``IgnoreRequest`` the
errback sees, counted as ``newsarchive/requests/refused_scheme``).

Scrapy's offsite filter drops such a redirect when it is scheduled, with no errback, so
the article's teaser would vanish without a count. Article requests bypass that filter
(``dont_filter``, so that a redirect loop ends in Scrapy's "max redirections" error
instead of being swallowed by the duplicate filter); this middleware refuses their
offsite redirects instead, with an ``IgnoreRequest`` that reaches the errback.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from urllib.parse import urlsplit

#: ``request.meta`` key of article requests whose redirects must stay on the site.
ON_SITE_META = "newsarchive_on_site"


class OffsiteRedirectMiddleware:
    """Downloader middleware; enabled in ``newsarchive.settings``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffsiteRedirectMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        scheme = urlsplit(request.url).scheme.lower()
        if scheme not in ("http", "https"):
            self.crawler.stats.inc_value("newsarchive/requests/refused_scheme")
            raise IgnoreRequest(f"refused a {scheme or 'scheme-less'} URL (only http and https are fetched): {request.url[:200]}")
        if not request.meta.get(ON_SITE_META) or not request.meta.get("redirect_urls"):
            return
        domains = [d for d in getattr(self.crawler.spider, "allowed_domains", None) or () if d]
        if not domains or on_site(request.url, domains):
            return
        self.crawler.stats.inc_value("newsarchive/article/refused_redirects")
        raise IgnoreRequest(f"refused offsite redirect to {request.url}")


def on_site(url: str, domains: list[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or a subdomain of one (ports ignored),
    the rule of Scrapy's offsite filter."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return any(host == d or host.endswith("." + d) for d in (d.lower().strip(".") for d in domains))
