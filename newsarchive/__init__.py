"""newsarchive: crawl paginated news listings into clean items and a faithful WARC archive.

The public API is small; everything here is documented in the README with examples.
Names are imported on first use, so tools that need one part (the WARC writer process,
``newsarchive index``) do not pay for the rest (dateparser alone takes a tenth of a second).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_PUBLIC = {
    "Archive": "newsarchive.access",
    "ArchiveError": "newsarchive.access",
    "ArchivedResponse": "newsarchive.access",
    "Article": "newsarchive.items",
    "CrawlFailed": "newsarchive.runner",
    "RunResult": "newsarchive.runner",
    "crawl": "newsarchive.runner",
    "replay": "newsarchive.runner",
    "FoundDate": "newsarchive.extraction.date_extraction",
    "ListingSpider": "newsarchive.sources.listing_spider",
    "SiteDefinition": "newsarchive.sites.definition",
    "SiteDefinitionError": "newsarchive.sites.definition",
    "canonical_url": "newsarchive.job.dedupe",
    "clean_text": "newsarchive.extraction.cleaning",
    "extract_article_fields": "newsarchive.extraction.article_fields",
    "extract_published": "newsarchive.extraction.date_extraction",
    "format_iso": "newsarchive.extraction.dates",
    "load_site": "newsarchive.sites.definition",
    "normalize_date": "newsarchive.extraction.dates",
    "split_truncation": "newsarchive.extraction.cleaning",
    "strip_boilerplate": "newsarchive.extraction.boilerplate",
}

__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'newsarchive' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and editors: the same names, eagerly
    from newsarchive.access import Archive, ArchivedResponse, ArchiveError
    from newsarchive.runner import CrawlFailed, RunResult, crawl, replay
    from newsarchive.extraction.article_fields import extract_article_fields
    from newsarchive.extraction.boilerplate import strip_boilerplate
    from newsarchive.extraction.cleaning import clean_text, split_truncation
    from newsarchive.extraction.date_extraction import FoundDate, extract_published
    from newsarchive.extraction.dates import format_iso, normalize_date
    from newsarchive.job.dedupe import canonical_url
    from newsarchive.items import Article
    from newsarchive.sources.listing_spider import ListingSpider
    from newsarchive.sites.definition import SiteDefinition, SiteDefinitionError, load_site
