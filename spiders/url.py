"""Any listing page, no site file: ``newsarchive crawl https://example.org/news/ --out DIR``.

The automatic listing rules (:mod:`newsarchive.sources.auto_listing`) find the teasers and
the next page; the crawl stays on the URL's host. ``-a languages=ru,en`` and
``-a timezone=Asia/Almaty`` say what the pages do not (default: the page's ``lang``, UTC).

    scrapy crawl url -a url=https://example.org/news/ -O items.jsonl
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from newsarchive.listing_spider import ListingSpider, SpiderArgumentError
from newsarchive.sitedef import ListingRules, SiteDefinition, SiteDefinitionError, site_from_dict


class UrlSpider(ListingSpider):
    """Crawls the listing at ``-a url=`` with the automatic listing rules."""

    name = "url"

    def load_site(self, url: str | None = None, languages: str | None = None,
                  timezone: str | None = None, **kwargs: Any) -> SiteDefinition:
        if not url:
            raise SpiderArgumentError("url: pass the listing page with -a url=https://...")
        return site_for_url(url, languages=languages, timezone=timezone)


def site_for_url(url: str, *, languages: str | None = None, timezone: str | None = None) -> SiteDefinition:
    """The site definition ``newsarchive crawl URL`` uses: that listing, that host, no selectors."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpiderArgumentError(f"url: expected an http(s) URL, got {url!r}")
    data: dict[str, Any] = {
        "name": re.sub(r"[^A-Za-z0-9_.-]+", "-", parts.hostname).strip("-.") or "site",
        "start_urls": [url],
        "allowed_domains": [parts.hostname],
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
