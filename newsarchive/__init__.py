"""newsarchive: crawl paginated news listings into clean items and a faithful WARC archive.

The public API is small; everything here is documented in the README with examples.
"""

from newsarchive.boilerplate import strip_boilerplate
from newsarchive.cleaning import clean_text, split_truncation
from newsarchive.date_extraction import FoundDate, extract_published
from newsarchive.dates import format_iso, normalize_date
from newsarchive.dedupe import canonical_url
from newsarchive.items import Article
from newsarchive.sitedef import SiteDefinition, SiteDefinitionError, load_site

__version__ = "0.1.0"

__all__ = [
    "Article",
    "FoundDate",
    "SiteDefinition",
    "SiteDefinitionError",
    "__version__",
    "canonical_url",
    "clean_text",
    "extract_published",
    "format_iso",
    "load_site",
    "normalize_date",
    "split_truncation",
    "strip_boilerplate",
]
