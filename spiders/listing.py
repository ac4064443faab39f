"""Any site described by a TOML file, no Python needed: ``-a site=PATH.toml``.

    scrapy crawl listing -a site=sites/example.toml -O items.jsonl
"""

from __future__ import annotations

from typing import Any

from newsarchive.sources.listing_spider import ListingSpider, SpiderArgumentError
from newsarchive.sites.definition import SiteDefinition, load_site


class SiteFileSpider(ListingSpider):
    """Crawls the site defined by ``-a site=PATH.toml`` (keys documented in the README)."""

    name = "listing"

    def load_site(self, site: str | None = None, **kwargs: Any) -> SiteDefinition:
        if not site:
            raise SpiderArgumentError("listing: pass the site definition with -a site=PATH.toml")
        return load_site(site)
