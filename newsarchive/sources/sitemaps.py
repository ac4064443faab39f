"""Sitemaps as listing sources: indexes, url sets, gzipped files, Google News sitemaps.

:func:`sitemap_body` gets the XML out of a response (gunzipping a ``.xml.gz`` file with
Scrapy's ``gunzip``, bounded by ``DOWNLOAD_MAXSIZE`` like any body), and
:func:`parse_sitemap` reads it with Scrapy's :class:`~scrapy.utils.sitemap.Sitemap`
(lxml, no entity expansion, no network, recovering from broken markup), extended here to
keep the ``<news:news>`` block of Google News sitemaps: ``news:publication_date``,
``news:title``, ``news:keywords`` and ``news:publication/news:language``.

A sitemap is not ordered, so nothing here decides when to stop; what it gives is the
``lastmod`` of every child sitemap and entry, by which a crawl with ``since`` skips
whole child sitemaps (and entries) that have not changed since then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lxml.etree
from scrapy.http import Response, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

__all__ = [
    "SitemapDocument",
    "SitemapEntry",
    "SitemapTooLarge",
    "parse_sitemap",
    "sitemap_body",
    "sitemap_urls_from_robots",
]

NEWS_NAMESPACE = "http://www.google.com/schemas/sitemap-news/0.9"
INDEX = "sitemapindex"
URLSET = "urlset"


class SitemapTooLarge(ValueError):
    """A gzipped sitemap inflates past the size limit (a gzip bomb, or just too big)."""


@dataclass(frozen=True)
class SitemapEntry:
    """One ``<sitemap>`` of an index or one ``<url>`` of a url set."""

    loc: str
    lastmod: str | None = None
    """W3C datetime of the last change, as written (a child sitemap: of its newest entry)."""
    news_title: str | None = None
    publication_date: str | None = None
    """``news:publication_date`` of a Google News sitemap entry, as written."""
    language: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class SitemapDocument:
    """A parsed sitemap: ``kind`` is ``sitemapindex``, ``urlset`` or what the root was."""

    kind: str
    entries: tuple[SitemapEntry, ...]

    @property
    def is_index(self) -> bool:
        return self.kind == INDEX


def sitemap_body(response: Response, max_size: int = 0) -> bytes | None:
    """The XML of a sitemap response, gunzipped when it is a gzip file; ``None`` when the
    response is not a sitemap at all (an HTML page, a binary).

    Raises :class:`SitemapTooLarge` when the gzip file inflates past ``max_size`` bytes
    (0: no limit). A body sent with ``Content-Encoding: gzip`` was already decoded by
    Scrapy's compression middleware, under the same limit.
    """
    if gzip_magic_number(response):
        try:
            return gunzip(response.body, max_size=max_size)
        except ValueError as exc:  # scrapy's _DecompressionMaxSizeExceeded
            raise SitemapTooLarge(str(exc)) from None
        except (OSError, EOFError):
            return None  # not a whole gzip stream: nothing to read
    if isinstance(response, XmlResponse):
        return response.body
    head = response.body[:512].lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if head.startswith((b"<?xml", b"<urlset", b"<sitemapindex")):
        return response.body
    return None


def parse_sitemap(body: bytes) -> SitemapDocument | None:
    """The index or url set in ``body``; ``None`` when it is not XML with a root element."""
    try:
        sitemap = _NewsSitemap(body)
    except (lxml.etree.XMLSyntaxError, StopIteration):
        return None
    entries: list[SitemapEntry] = []
    try:
        for found in sitemap:
            entries.append(_entry(found))
    except lxml.etree.XMLSyntaxError:
        pass  # broken past this point: keep what came before, as browsers and Google do
    return SitemapDocument(kind=sitemap.type, entries=tuple(entries))


class _NewsSitemap(Sitemap):
    """Scrapy's sitemap reader, also keeping each entry's ``<news:news>`` block (Scrapy
    keeps the text of direct children only, and ``news:news`` has none of its own)."""

    __slots__ = ()

    def _process_sitemap_element(self, elem: lxml.etree._Element) -> dict[str, Any] | None:
        news = _news_fields(elem)  # before the base class clears the element
        found = super()._process_sitemap_element(elem)
        if found is not None and news:
            found["newsarchive:news"] = news
        return found


def _news_fields(elem: lxml.etree._Element) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for child in elem:
        if child.tag != f"{{{NEWS_NAMESPACE}}}news":
            continue
        for node in child.iter():
            if not isinstance(node.tag, str) or not node.tag.startswith(f"{{{NEWS_NAMESPACE}}}"):
                continue
            name = node.tag.partition("}")[2]
            text = (node.text or "").strip()
            if text and name in ("title", "publication_date", "keywords", "language"):
                fields.setdefault(name, text)
    return fields


def _entry(found: dict[str, Any]) -> SitemapEntry:
    news = found.get("newsarchive:news") or {}
    keywords = tuple(k.strip() for k in news.get("keywords", "").split(",") if k.strip())
    return SitemapEntry(
        loc=found["loc"].strip(),
        lastmod=found.get("lastmod") or None,
        news_title=" ".join(news["title"].split()) if news.get("title") else None,
        publication_date=news.get("publication_date"),
        language=(news.get("language") or "").split("-")[0].lower() or None,
        keywords=keywords,
    )
