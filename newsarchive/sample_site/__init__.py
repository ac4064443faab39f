"""An offline, deterministic replica of The Times of Central Asia (timesca.com).

``SiteContent`` is the ground truth (every article, listing page and URL, computed on
demand from a seed); ``SampleSite`` serves it over real HTTP on 127.0.0.1, with the
deliberate edge cases documented in EDGE_CASES.md next to this file, in the classic
theme or (``theme="block"``) a WordPress block theme (``themes.py``).
"""

from newsarchive.sample_site.content import (
    EDGE,
    ArticleSpec,
    EdgeCases,
    ListingPage,
    SiteContent,
    listing_path,
)
from newsarchive.sample_site.process import run_sample_site_process
from newsarchive.sample_site.server import SampleSite
from newsarchive.sample_site.themes import DEFAULT_THEME, THEMES

__all__ = [
    "DEFAULT_THEME",
    "EDGE",
    "THEMES",
    "ArticleSpec",
    "EdgeCases",
    "ListingPage",
    "SampleSite",
    "SiteContent",
    "listing_path",
    "run_sample_site_process",
]
