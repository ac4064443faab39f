"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds as listing sources, read with feedparser.

:func:`parse_feed` reads one feed document (a response body the crawl archived) into a
:class:`FeedPage` of :class:`FeedEntry` teasers. feedparser never fetches anything here:
it is handed the body as a stream, never a URL or a string it could take for a file
name, and external entities are off (feedparser's own setting).

Pagination, in the order tried (:func:`next_page`):

1. RFC 5005 (and Atom) ``<link rel="next" href="...">`` on the feed;
2. WordPress's ``?paged=N`` when the feed was made by WordPress (its generator says so)
   or has a WordPress feed URL (``/feed/``, ``/feed/atom/``, ``?feed=rss2``...), as long
   as the page was full. WordPress answers 404 past the last page; the spider takes
   that, an empty page, or a page repeating the previous ones (a site that ignores
   ``paged``) as the end of the feed.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree, html
from w3lib.url import add_or_replace_parameter

from newsarchive.extraction.selectors import element_text, squeeze

#: Content types feedparser is told a body has when the response did not say.
DEFAULT_CONTENT_TYPE = "application/xml"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_WORDPRESS_FEED_TYPES = ("rss2", "rss", "atom", "rdf")


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, as a teaser: what the feed says about an article."""

    url: str | None
    title: str | None
    summary: str | None
    published_raw: str | None
    """The entry's date as the feed wrote it: ``published``, else ``updated``."""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedPage:
    """One feed document: its entries in feed order (newest first, as feeds are)."""

    version: str
    """feedparser's name of the format: ``rss20``, ``rss10``, ``atom10``..."""
    entries: tuple[FeedEntry, ...]
    language: str | None
    """The feed's language as a primary subtag (``en``), if it states one."""
    next_url: str | None
    """RFC 5005 ``rel="next"``: the next page of the feed, if the feed links it."""
    generator: str | None
    problem: str | None = None
    """What feedparser had to recover from (a malformed document), if anything."""

    @property
    def wordpress(self) -> bool:
        """The feed says WordPress generated it (``<generator>https://wordpress.org/...``)."""
        return "wordpress" in (self.generator or "").lower()


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> FeedPage | None:
    """The feed in ``body`` (fetched from ``url``), or ``None`` when it is not a feed.

    Relative links are resolved against ``url``; HTML in titles and summaries becomes
    plain text.
    """
    import feedparser

    headers = {"content-location": url, "content-type": content_type or DEFAULT_CONTENT_TYPE}
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers,
                              resolve_relative_uris=True, sanitize_html=True)
    version = parsed.get("version") or ""
    if not version:
        return None
    feed = dict(parsed.get("feed") or {})
    entries = tuple(_entry(entry, url) for entry in parsed.get("entries") or ())
    problem = None
    if parsed.get("bozo"):
        problem = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"[:200]
    return FeedPage(
        version=version,
        entries=entries,
        language=_primary_language(feed.get("language")),
        next_url=_link(feed.get("links") or (), "next", url),
        generator=_generator(feed),
        problem=problem,
    )


def next_page(page: FeedPage, url: str, number: int, first_page_size: int,
              linked: bool = False) -> tuple[str | None, bool]:
    """The URL of page ``number + 1`` after ``page`` (page ``number``, fetched from
    ``url``), and whether it is a guess (WordPress's ``paged``) rather than a link.

    ``linked``: an earlier page of this feed had a ``rel="next"`` link, so a page
    without one is the last (no guessing).
    """
    if page.next_url:
        return page.next_url, False
    if linked or not page.entries or len(page.entries) < first_page_size:
        return None, False  # WordPress pages are full up to the last one
    if page.wordpress or looks_like_wordpress_feed(url):
        return add_or_replace_parameter(url, "paged", str(number + 1)), True
    return None, False


def looks_like_wordpress_feed(url: str) -> bool:
    """``/feed/``, ``/category/x/feed/atom/``, ``/?s=q&feed=rss2``: WordPress's feed URLs."""
    parts = urlsplit(url)
    if any(name == "feed" and value in _WORDPRESS_FEED_TYPES for name, value in parse_qsl(parts.query)):
        return True
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] == "feed":
        return True
    return len(segments) >= 2 and segments[-2] == "feed" and segments[-1] in _WORDPRESS_FEED_TYPES


def _entry(entry: Mapping[str, Any], base: str) -> FeedEntry:
    # dict.get: the keys feedparser stored, without its deprecated aliases and their warnings
    get = functools.partial(dict.get, entry)
    link = get("link") or _link(get("links") or (), "alternate", base)
    return FeedEntry(
        url=urljoin(base, link.strip()) if isinstance(link, str) and link.strip() else None,
        title=_text(get("title"), get("title_detail")),
        summary=_text(get("summary"), get("summary_detail")),
        published_raw=_first_string(get("published"), get("updated"), get("created")),
        authors=_unique(a.get("name") for a in get("authors") or () if isinstance(a, Mapping))
        or _unique([get("author")]),
        tags=_unique((t.get("term") or t.get("label")) for t in get("tags") or () if isinstance(t, Mapping)),
    )


def _text(value: Any, detail: Mapping[str, Any] | None) -> str | None:
    """Plain text of a feed text construct (HTML ones are parsed, not regex-stripped)."""
    if not isinstance(value, str) or not value.strip():
        return None
    kind = (detail or {}).get("type") or "text/plain"
    if kind in _HTML_TYPES:
        return html_text(value)
    return squeeze(value) or None


def html_text(fragment: str) -> str | None:
    """The visible text of an HTML fragment (entities decoded, scripts left out)."""
    try:
        root = html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return squeeze(fragment) or None
    return element_text(root) or None


def _link(links: Iterable[Any], rel: str, base: str) -> str | None:
    for link in links:
        if isinstance(link, Mapping) and link.get("rel") == rel and isinstance(link.get("href"), str):
            href = link["href"].strip()
            if href:
                return urljoin(base, href)
    return None


def _generator(feed: Mapping[str, Any]) -> str | None:
    detail = feed.get("generator_detail") or {}
    parts = [feed.get("generator"), detail.get("href") if isinstance(detail, Mapping) else None]
    text = " ".join(p for p in parts if isinstance(p, str) and p)
    return text or None


def _primary_language(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _first_string(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _unique(values: Iterable[Any]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str):
            text = squeeze(value)
            if text:
                seen.setdefault(text, None)
    return tuple(seen)
