"""Feeds a listing page advertises in its ``<head>``, for ``newsarchive crawl URL``.

Sites say where their feeds are with ``<link rel="alternate" type="application/rss+xml"
href="...">`` (RSS, Atom, JSON Feed is not read). A WordPress category page advertises
the site's feed, its comments feed and the category's own feed; only feeds of the
listing are wanted: the listing's own (under its path, or its search with
``feed=``), else, for a site's front page or a top-level listing (``/``, ``/news/``),
the site-wide ones (see :func:`feeds_of_listing`). Comment feeds are never articles.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
              "text/xml")


def advertised_feeds(page: Selector, base_url: str) -> list[str]:
    """Absolute URLs of the feeds ``<link rel=alternate>`` elements name (document order,
    duplicates and comment feeds left out)."""
    found: list[str] = []
    for link in page.xpath("//link[@href]"):
        rel = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").lower().split(";")[0].strip()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = urljoin(base_url, link.attrib["href"].strip())
        if urlsplit(url).scheme not in ("http", "https") or _is_comments_feed(url, link.attrib.get("title")):
            continue
        if url not in found:
            found.append(url)
    return found


def feeds_of_listing(listing_url: str, feeds: Iterable[str]) -> list[str]:
    """The feeds among ``feeds`` that belong to the listing at ``listing_url``.

    Same host only. A feed under the listing's path (``/category/x/feed/`` for
    ``/category/x/``) or with the listing's query plus more (``/?s=q&feed=rss2`` for
    ``/?s=q``) is the listing's own. Without one: the feeds under the listing's first
    path segment (its language or section: ``/ar/rss.xml`` for ``/ar/news/``); else,
    for the site's front page or a listing one level below it, every feed of the site,
    and for a deeper listing the site's feed when it is the only one advertised.
    """
    listing = urlsplit(listing_url)
    host = (listing.hostname or "").lower()
    same_host = [f for f in feeds if (urlsplit(f).hostname or "").lower() == host]
    path = listing.path if listing.path.endswith("/") else listing.path + "/"
    query = set(parse_qsl(listing.query))
    own = []
    for feed in same_host:
        parts = urlsplit(feed)
        feed_path = parts.path if parts.path.endswith("/") else parts.path + "/"
        if query:
            if feed_path == path and query < set(parse_qsl(parts.query)):
                own.append(feed)
        elif feed_path.startswith(path) and feed_path != path:
            own.append(feed)
    if own:
        return own
    if query:
        return []  # a search or filter listing: the site's feed is not its feed
    first = path.split("/")[1] if path.count("/") > 2 else ""
    if first:  # "/ar/news/": the feeds of its language or section ("/ar/rss.xml")
        section = [f for f in same_host if urlsplit(f).path.startswith(f"/{first}/")]
        if section:
            return section
    top_level = path.count("/") <= 2  # "/" or "/news/"
    # one feed for the whole site, advertised on every page: the listing's articles are in it
    return same_host if top_level or len(same_host) == 1 else []


def _is_comments_feed(url: str, title: str | None) -> bool:
    path = urlsplit(url).path.lower()
    return "comments" in path or "comment" in (title or "").lower()


__all__ = ["FEED_TYPES", "advertised_feeds", "feeds_of_listing"]
