"""Feeds and the Google News sitemap of the sample site, shaped like WordPress's.

Every listing has feeds, as on a WordPress site: ``/feed/`` (the latest articles),
``/category/SLUG/feed/``, ``/tag/SLUG/feed/``, ``/author/SLUG/feed/`` and
``/?s=WORDS&feed=rss2``, each as RSS 2.0 (``/feed/``, ``/feed/rss2/``, ``feed=rss2``),
Atom (``/feed/atom/``, ``feed=atom``) and RSS 1.0 (``/feed/rdf/``, ``feed=rdf``), paged
with ``?paged=N`` (``per_page`` entries a page, the same articles as the listing's page
N, without the duplicate teaser); a page past the end answers 404. What each feed holds
is in EDGE_CASES.md ("Feeds and sitemaps"). Text is built by string joining, like the
pages; every value is escaped for XML, HTML inside CDATA sections as WordPress does.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from typing import Literal
from urllib.parse import quote_plus
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from newsarchive.sample_site.content import ArticleSpec, ListingPage, SiteContent

FeedType = Literal["rss2", "atom", "rdf"]
FEED_TYPES: tuple[str, ...] = ("rss2", "atom", "rdf")
CONTENT_TYPES = {
    "rss2": "application/rss+xml; charset=UTF-8",
    "atom": "application/atom+xml; charset=UTF-8",
    "rdf": "application/rdf+xml; charset=UTF-8",
}
GENERATOR = "https://wordpress.org/?v=6.4.2"
EXCERPT_WORDS = 55  # WordPress's excerpt length
NEWS_WINDOW = timedelta(days=2)  # Google News sitemaps list the last two days
NEWS_MAX = 1000  # ... and at most 1,000 articles
SITE_NAME = "The Times Of Central Asia"
TAGLINE = "Central Asian news and analysis"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def _x(text: str) -> str:
    return xml_escape(text)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc))


def _w3c(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_path(kind: str, key: str | None, feed_type: str = "rss2", page: int = 1) -> str:
    """Site-relative URL of a feed page (``kind`` as in ``listing_path``)."""
    if kind == "search":
        path = f"/?s={quote_plus(key or '')}&feed={feed_type}"
        return path if page == 1 else f"{path}&paged={page}"
    prefix = "/" if kind == "latest" else f"/{kind}/{key}/"
    path = prefix + "feed/" + ("" if feed_type == "rss2" else f"{feed_type}/")
    return path if page == 1 else f"{path}?paged={page}"


def excerpt(spec: ArticleSpec) -> str:
    """The feed excerpt: the article's first 55 words, ``[&#8230;]`` when cut (HTML)."""
    words = spec.body.split()
    text = escape(" ".join(words[:EXCERPT_WORDS]), quote=False)
    return text + " [&#8230;]" if len(words) > EXCERPT_WORDS else text


class FeedRenderer:
    """Feeds and the news sitemap of one site at one base URL (``hidden``: unpublished)."""

    def __init__(self, content: SiteContent, base: str, hidden: int = 0) -> None:
        self.content = content
        self.base = base.rstrip("/")
        self.hidden = hidden

    # -- feeds ----------------------------------------------------------------------

    def feed(self, page: ListingPage, feed_type: str) -> str:
        """Page ``page.page`` of the feed of ``page``'s listing, as ``feed_type``."""
        specs = [self.content.article(i) for i in page.ids]
        if feed_type == "atom":
            return self._atom(page, specs)
        if feed_type == "rdf":
            return self._rdf(page, specs)
        return self._rss2(page, specs)

    def _self_url(self, page: ListingPage, feed_type: str) -> str:
        return self.base + feed_path(page.kind, page.key, feed_type, page.page)

    def _link(self, page: ListingPage) -> str:
        return self.base if page.kind == "latest" else self.base + page.page_path(1)

    def _title(self, page: ListingPage) -> str:
        if page.kind == "latest":
            return SITE_NAME
        if page.kind == "search":
            return f"{SITE_NAME} - Search Results for “{page.key}”"
        return f"{page.heading} - {SITE_NAME}"

    def _updated(self, specs: list[ArticleSpec]) -> datetime:
        dated = [s.published for s in specs if s.dated]
        if dated:
            return max(dated)
        return datetime.combine(self.content.render_date, datetime.min.time(), timezone.utc)

    def _rss2(self, page: ListingPage, specs: list[ArticleSpec]) -> str:
        items = []
        for spec in specs:
            url = spec.url(self.base)
            parts = [f"\t<item>\n\t\t<title>{_x(spec.title)}</title>\n\t\t<link>{_x(url)}</link>\n"]
            parts.extend(f"\t\t<dc:creator>{_cdata(a)}</dc:creator>\n" for a in spec.authors)
            if spec.dated:
                parts.append(f"\t\t<pubDate>{_rfc822(spec.published)}</pubDate>\n")
            parts.extend(f"\t\t<category>{_cdata(c)}</category>\n" for c in (spec.section, *spec.tags))
            parts.append(
                f'\t\t<guid isPermaLink="false">{self._guid(spec)}</guid>\n'
                f"\t\t<description>{_cdata(excerpt(spec))}</description>\n"
                f"\t\t<content:encoded>{_cdata(self._html(spec))}</content:encoded>\n\t</item>\n"
            )
            items.append("".join(parts))
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
            '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n\t>\n\n<channel>\n'
            f"\t<title>{_x(self._title(page))}</title>\n"
            f'\t<atom:link href={quoteattr(self._self_url(page, "rss2"))} rel="self" type="application/rss+xml" />\n'
            f"\t<link>{_x(self._link(page))}</link>\n\t<description>{TAGLINE}</description>\n"
            f"\t<lastBuildDate>{_rfc822(self._updated(specs))}</lastBuildDate>\n"
            "\t<language>en-US</language>\n\t<sy:updatePeriod>hourly</sy:updatePeriod>\n"
            f"\t<sy:updateFrequency>1</sy:updateFrequency>\n\t<generator>{GENERATOR}</generator>\n"
            f"{''.join(items)}</channel>\n</rss>\n"
        )

    def _atom(self, page: ListingPage, specs: list[ArticleSpec]) -> str:
        """Atom, with RFC 5005 ``rel="next"`` links (which WordPress itself leaves out)."""
        self_url = self._self_url(page, "atom")
        links = f'\t<link rel="self" type="application/atom+xml" href={quoteattr(self_url)} />\n'
        if page.has_next:
            next_url = self.base + feed_path(page.kind, page.key, "atom", page.page + 1)
            links += f'\t<link rel="next" type="application/atom+xml" href={quoteattr(next_url)} />\n'
        entries = []
        for spec in specs:
            url = spec.url(self.base)
            parts = ["\t<entry>\n"]
            parts.extend(f"\t\t<author>\n\t\t\t<name>{_x(a)}</name>\n\t\t</author>\n" for a in spec.authors)
            parts.append(
                f'\t\t<title type="html">{_cdata(escape(spec.title, quote=False))}</title>\n'
                f'\t\t<link rel="alternate" type="text/html" href={quoteattr(url)} />\n'
                f"\t\t<id>{self._guid(spec)}</id>\n"
            )
            if spec.dated:
                stamp = _w3c(spec.published)
                parts.append(f"\t\t<updated>{stamp}</updated>\n\t\t<published>{stamp}</published>\n")
            parts.extend(
                f"\t\t<category scheme={quoteattr(self.base)} term={quoteattr(c)} />\n"
                for c in (spec.section, *spec.tags)
            )
            parts.append(
                f'\t\t<summary type="html">{_cdata(excerpt(spec))}</summary>\n'
                f'\t\t<content type="html" xml:base={quoteattr(url)}>{_cdata(self._html(spec))}</content>\n'
                "\t</entry>\n"
            )
            entries.append("".join(parts))
        return (
            '<?xml version="1.0" encoding="UTF-8"?><feed\n  xmlns="http://www.w3.org/2005/Atom"\n'
            '  xml:lang="en-US"\n  >\n'
            f'\t<title type="text">{_x(self._title(page))}</title>\n'
            f'\t<subtitle type="text">{TAGLINE}</subtitle>\n\n'
            f"\t<updated>{_w3c(self._updated(specs))}</updated>\n\n"
            f'\t<link rel="alternate" type="text/html" href={quoteattr(self._link(page))} />\n'
            f"\t<id>{_x(self_url)}</id>\n{links}"
            '\t<generator uri="https://wordpress.org/" version="6.4.2">WordPress</generator>\n'
            f"{''.join(entries)}</feed>\n"
        )

    def _rdf(self, page: ListingPage, specs: list[ArticleSpec]) -> str:
        seq = "".join(f"\t\t<rdf:li rdf:resource={quoteattr(s.url(self.base))}/>\n" for s in specs)
        items = []
        for spec in specs:
            url = spec.url(self.base)
            parts = [f"<item rdf:about={quoteattr(url)}>\n\t<title>{_x(spec.title)}</title>\n\t<link>{_x(url)}</link>\n"]
            parts.extend(f"\t<dc:creator>{_cdata(a)}</dc:creator>\n" for a in spec.authors)
            if spec.dated:
                parts.append(f"\t<dc:date>{_w3c(spec.published)}</dc:date>\n")
            parts.extend(f"\t<dc:subject>{_cdata(c)}</dc:subject>\n" for c in (spec.section, *spec.tags))
            parts.append(
                f"\t<description>{_cdata(excerpt(spec))}</description>\n"
                f"\t<content:encoded>{_cdata(self._html(spec))}</content:encoded>\n</item>\n"
            )
            items.append("".join(parts))
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rdf:RDF\n'
            '\txmlns="http://purl.org/rss/1.0/"\n'
            '\txmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
            '\txmlns:admin="http://webns.net/mvcb/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n>\n'
            f"<channel rdf:about={quoteattr(self._self_url(page, 'rdf'))}>\n"
            f"\t<title>{_x(self._title(page))}</title>\n\t<link>{_x(self._link(page))}</link>\n"
            f"\t<description>{TAGLINE}</description>\n\t<dc:date>{_w3c(self._updated(specs))}</dc:date>\n"
            "\t<sy:updatePeriod>hourly</sy:updatePeriod>\n\t<sy:updateFrequency>1</sy:updateFrequency>\n"
            f"\t<admin:generatorAgent rdf:resource={quoteattr(GENERATOR)} />\n"
            f"\t<items>\n\t<rdf:Seq>\n{seq}\t</rdf:Seq>\n\t</items>\n</channel>\n"
            f"{''.join(items)}</rdf:RDF>\n"
        )

    def _guid(self, spec: ArticleSpec) -> str:
        return _x(f"{self.base}/?p={spec.index + 1}")

    @staticmethod
    def _html(spec: ArticleSpec) -> str:
        return "".join(f"<p>{escape(p, quote=False)}</p>\n" for p in spec.paragraphs)

    # -- Google News sitemap ----------------------------------------------------------

    def news_ids(self) -> list[int]:
        """Published, dated articles of the last two days (counted back from the newest
        published one), newest first, at most 1,000: what ``/news-sitemap.xml`` lists."""
        content = self.content
        if self.hidden >= len(content):
            return []
        cutoff = content.published(self.hidden) - NEWS_WINDOW
        ids = []
        for i in range(self.hidden, len(content)):
            if content.published(i) < cutoff or len(ids) >= NEWS_MAX:
                break
            if content.edge(i) != "undated":
                ids.append(i)
        return ids

    def news_sitemap(self) -> str:
        urls = []
        for i in self.news_ids():
            spec = self.content.article(i)
            keywords = ", ".join(spec.tags)
            urls.append(
                f"<url><loc>{_x(spec.url(self.base))}</loc><news:news><news:publication>"
                f"<news:name>{SITE_NAME}</news:name><news:language>{spec.language}</news:language>"
                f"</news:publication><news:publication_date>{spec.published.isoformat()}"
                f"</news:publication_date><news:title>{_x(spec.title)}</news:title>"
                f"<news:keywords>{_x(keywords)}</news:keywords></news:news></url>\n"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="{_NEWS_NS}">\n'
            f"{''.join(urls)}</urlset>\n"
        )
