"""HTML (and robots/sitemap text) of the sample site, built by plain string joining.

Feeds and the Google News sitemap are in ``syndication.py``.

The markup follows the contract the spiders are written against (see EDGE_CASES.md for
the deliberate deviations). Links are absolute and built from the server's own base URL,
as WordPress does, never from the request's Host header. Chrome that is identical on
every page is rendered once per ``Renderer``; teasers are memoised per article, so a
listing page costs a few string joins.
"""

from __future__ import annotations

import functools
import json
from html import escape
from urllib.parse import quote

from newsarchive.sample_site.content import (
    DATE_JSONLD,
    DATE_META,
    DATE_TIME,
    SECTIONS,
    TEASER_WORDS,
    ArticleSpec,
    ListingPage,
    SiteContent,
    cut_words,
    format_day,
)

SITE_NAME = "The Times Of Central Asia"
# The currency ticker of the seed page, exactly: (pair, rate, change).
TICKER: tuple[tuple[str, str, str], ...] = (
    ("KGS/USD", "0.01143", "-0%"),
    ("KZT/USD", "0.00198", "-0%"),
    ("TJS/USD", "0.10899", "0.93%"),
    ("UZS/USD", "0.00008", "0%"),
    ("TMT/USD", "0.28490", "-0.28%"),
)
TICKER_REPEATS = 8
SITEMAP_PAGE_SIZE = 2000
_MOST_READ = (1, 4, 6, 8, 12)  # article indices in the sidebar widget
_STYLE = (
    "body{font-family:Georgia,serif;margin:0}.ticker-wrap{background:#111;color:#eee}"
    ".site-header,.site-content,.site-footer{max-width:1100px;margin:0 auto;padding:0 1em}"
    ".site-content{display:flex;gap:2em}.site-main{flex:3}.widget-area{flex:1}"
    ".teaser{border-bottom:1px solid #ddd;padding:1em 0}"
)


def _e(text: str) -> str:
    return escape(text, quote=True)


class Renderer:
    """Renders every page of one site served at one base URL.

    ``hidden`` newest articles (indexes below it) are not published yet: the sidebar and
    the sitemaps leave them out, as listings do.
    """

    def __init__(self, content: SiteContent, base: str, hidden: int = 0) -> None:
        self.content = content
        self.base = base.rstrip("/")
        self.hidden = hidden
        self._chrome_top = self._render_top()
        self._footer = self._render_footer()
        self._sidebar = self._render_sidebar()
        self._teasers = functools.lru_cache(maxsize=4096)(self._teaser)

    # -- whole pages ----------------------------------------------------------------

    def listing(self, page: ListingPage, *, home: bool = False) -> str:
        """A listing page; the home page is /latest/ page 1 under another title."""
        url = self.base + ("/" if home else page.path)
        head = f'<link rel="canonical" href="{_e(url)}">\n'
        if page.has_next:
            head += f'<link rel="next" href="{_e(self.base + page.page_path(page.page + 1))}">\n'
        parts = [
            '<main id="main" class="site-main listing">\n',
            f'<h1 class="page-title">{_e(page.heading)}</h1>\n',
        ]
        if page.total:
            parts.append(
                f'<p class="results-count">Viewing results {page.first} - {page.last} '
                f"of {page.total}</p>\n"
            )
            parts.extend(self._teasers(i) for i in page.ids)
            parts.append(self._pagination(page))
        else:
            parts.append(
                '<section class="no-results not-found"><h2>Nothing Found</h2><p>Sorry, but '
                "nothing matched your search terms. Please try again with some different "
                "keywords.</p></section>\n"
            )
        parts.append("</main>\n")
        title = "Home" if home else page.heading
        if page.page > 1:
            title += f" - Page {page.page}"
        return self._document(
            title=f"{title} - {SITE_NAME}",
            head=head,
            body_class="home blog" if home else f"archive {page.kind}",
            main="".join(parts),
        )

    def article(self, spec: ArticleSpec) -> str:
        """An article page, carrying exactly the date forms ``spec.date_forms`` lists."""
        url = spec.url(self.base)
        ru = spec.language == "ru"
        head = [
            f'<meta name="description" content="{_e(cut_words(spec.summary, TEASER_WORDS))}">\n',
            '<meta property="og:type" content="article">\n',
            f'<meta property="og:title" content="{_e(spec.title)}">\n',
            f'<meta property="og:url" content="{_e(url)}">\n',
            f'<meta property="og:site_name" content="{SITE_NAME}">\n',
            f'<meta property="og:locale" content="{"ru_RU" if ru else "en_US"}">\n',
            f'<meta property="article:section" content="{_e(spec.section)}">\n',
        ]
        iso = spec.published.isoformat()
        if DATE_META in spec.date_forms:
            head.append(f'<meta property="article:published_time" content="{iso}">\n')
        if DATE_JSONLD in spec.date_forms:
            head.append(self._json_ld(spec, url))
        head.append(f'<link rel="canonical" href="{_e(url)}">\n')
        return self._document(
            title=f"{spec.title} - {SITE_NAME}",
            head="".join(head),
            body_class=f"post-template-default single single-post postid-{spec.index}",
            main=self._article_main(spec),
            lang="ru-RU" if ru else "en-US",
            charset=spec.charset,
        )

    def not_found(self) -> str:
        return self._document(
            title=f"Page not found - {SITE_NAME}",
            head="",
            body_class="error404",
            main=(
                '<main id="main" class="site-main">\n<section class="error-404 not-found">'
                '<h1 class="page-title">Oops! That page can’t be found.</h1>'
                "<p>It looks like nothing was found at this location. Maybe try a search?"
                "</p></section>\n</main>\n"
            ),
        )

    def robots(self) -> str:
        return (
            "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
            f"Sitemap: {self.base}/wp-sitemap.xml\n"
        )

    def sitemap_index(self) -> str:
        pages = -(-(len(self.content) - self.hidden) // SITEMAP_PAGE_SIZE)
        # each child's lastmod is its newest article's (child 1 holds the newest)
        entries = "".join(
            f"<sitemap><loc>{self.base}/wp-sitemap-posts-post-{n}.xml</loc>"
            f"<lastmod>{self.content.published(self.hidden + (n - 1) * SITEMAP_PAGE_SIZE).isoformat()}"
            "</lastmod></sitemap>\n"
            for n in range(1, pages + 1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</sitemapindex>\n"
        )

    def sitemap_page(self, number: int) -> str | None:
        """Sitemap ``number`` (1-based) or None past the end."""
        start = self.hidden + (number - 1) * SITEMAP_PAGE_SIZE
        if number < 1 or start >= len(self.content):
            return None
        urls = []
        for i in range(start, min(start + SITEMAP_PAGE_SIZE, len(self.content))):
            slug = self.content.slug(i)
            lastmod = self.content.published(i).isoformat()
            urls.append(f"<url><loc>{self.base}/{slug}/</loc><lastmod>{lastmod}</lastmod></url>\n")
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{''.join(urls)}</urlset>\n"
        )

    # -- page parts -----------------------------------------------------------------

    def _document(
        self,
        *,
        title: str,
        head: str,
        body_class: str,
        main: str,
        lang: str = "en-US",
        charset: str = "UTF-8",
    ) -> str:
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="{charset}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n{head}<style>{_STYLE}</style>\n</head>\n"
            f'<body class="{body_class}">\n{self._chrome_top}'
            f'<div id="content" class="site-content">\n{main}{self._sidebar}</div>\n'
            f"{self._footer}</body>\n</html>\n"
        )

    def _render_top(self) -> str:
        """Chrome above the content: the currency ticker, then the header."""
        return self._ticker() + self._header()

    def _ticker(self) -> str:
        items = "".join(
            f'  <span class="ticker-item">• {pair} = {rate} '
            f'<span class="ticker-change">{change}</span></span>\n'
            for pair, rate, change in TICKER
        )
        return (
            f'<div class="ticker-wrap"><marquee class="ticker">\n{items * TICKER_REPEATS}'
            "</marquee></div>\n"
        )

    def _header(self) -> str:
        b = self.base
        nav = f'<li><a href="{b}/latest/">Latest</a></li>' + "".join(
            f'<li><a href="{b}/category/{slug}/">{name}</a></li>' for slug, name in SECTIONS
        )
        return (
            f'<header class="site-header"><div class="header-date">'
            f"{format_day(self.content.render_date)}</div>\n"
            f'  <a class="site-logo" href="{b}/">{SITE_NAME}</a>\n'
            f'  <nav class="main-navigation"><ul>{nav}</ul></nav>\n'
            f'  <form class="search-form" action="{b}/" method="get">'
            '<input type="search" name="s" placeholder="Search"></form></header>\n'
        )

    def _render_footer(self) -> str:
        b = self.base
        year = self.content.render_date.year
        return (
            '<footer class="site-footer">\n'
            f'<div class="footer-share">Share: {_share_links(b + "/")}</div>\n'
            '<div class="newsletter"><h3>Subscribe to our newsletter</h3>'
            f'<form class="newsletter-form" action="{b}/newsletter/" method="post">'
            '<input type="email" name="email" placeholder="Your email">'
            "<button>Subscribe</button></form></div>\n"
            f'<p class="copyright">© {year} {SITE_NAME}. All rights reserved.</p>\n'
            "</footer>\n"
        )

    def _render_sidebar(self) -> str:
        items = "".join(
            f'<li><a href="{_e(self.content.article(i).url(self.base))}">'
            f"{_e(self.content.article(i).title)}</a></li>"
            for i in _MOST_READ
            if self.hidden <= i < len(self.content)
        )
        return (
            '<aside id="secondary" class="widget-area"><section class="widget most-read">'
            f'<h2 class="widget-title">Most Read</h2><ul>{items}</ul></section></aside>\n'
        )

    def _teaser(self, i: int) -> str:
        spec = self.content.article(i)
        href = _e(spec.teaser_url(self.base))
        date = spec.listing_date
        date_html = f'<span class="teaser-date">{date}</span> ' if date else ""
        lang = ' lang="ru"' if spec.language == "ru" else ""
        return (
            f'<article class="teaser post-{i}"{lang}>\n'
            f'  <h2 class="teaser-title"><a href="{href}">{_e(spec.title)}</a></h2>\n'
            f'  <div class="teaser-meta">{date_html}'
            f'<span class="teaser-section">{spec.section}</span></div>\n'
            f'  <p class="teaser-summary">{_e(spec.teaser_summary)}</p>\n'
            f'  <a class="read-more" href="{href}">Read more</a>\n'
            "</article>\n"
        )

    def _pagination(self, page: ListingPage) -> str:
        """WordPress ``paginate_links`` (end_size=1, mid_size=2) markup."""
        if page.pages < 2:
            return ""

        def link(n: int, label: str | None = None, cls: str = "page-numbers") -> str:
            return f'<a class="{cls}" href="{_e(self.base + page.page_path(n))}">{label or n}</a>'

        parts = []
        if page.page > 1:
            parts.append(link(page.page - 1, "« Previous", "prev page-numbers"))
        around = range(max(1, page.page - 2), min(page.pages, page.page + 2) + 1)
        shown = sorted({1, page.pages, *around})
        previous = 0
        for n in shown:
            if n > previous + 1:
                parts.append('<span class="page-numbers dots">…</span>')
            if n == page.page:
                parts.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
            else:
                parts.append(link(n))
            previous = n
        if page.has_next:
            parts.append(link(page.page + 1, "Next »", "next page-numbers"))
        return f'<nav class="pagination">{" ".join(parts)}</nav>\n'

    def _article_main(self, spec: ArticleSpec) -> str:
        b = self.base
        authors = " and ".join(
            f'<a class="author" rel="author" href="{b}/author/{slug}/">{_e(name)}</a>'
            for name, slug in zip(spec.authors, spec.author_slugs, strict=True)
        )
        posted = ""
        if spec.dated:
            visible = _e(spec.visible_date or "")
            if DATE_TIME in spec.date_forms:
                visible = (
                    f'<time class="entry-date published" '
                    f'datetime="{spec.published.isoformat()}">{visible}</time>'
                )
            posted = f' <span class="posted-on">{visible}</span>'
        tags = " ".join(
            f'<a href="{b}/tag/{slug}/" rel="tag">{_e(name)}</a>'
            for name, slug in zip(spec.tags, spec.tag_slugs, strict=True)
        )
        malformed = spec.edge == "malformed"
        # The malformed page also leaves this wrapper unclosed.
        footer_open = '<div class="post-footer">' if malformed else ""
        return (
            '<main id="main" class="site-main"><article class="post single">\n'
            f'<h1 class="entry-title">{_e(spec.title)}</h1>\n'
            f'<div class="entry-meta"><span class="byline">By {authors}</span>{posted} '
            f'<span class="cat-links"><a href="{b}/category/{spec.section_slug}/" '
            f'rel="category tag">{spec.section}</a></span></div>\n'
            f"{_malformed_body(spec) if malformed else _body(spec)}{footer_open}"
            f'<div class="tags-links">{tags}</div>\n'
            f'<div class="share-buttons">Share: {_share_links(spec.url(b))}</div>\n'
            "</article></main>\n"
        )

    def _json_ld(self, spec: ArticleSpec, url: str) -> str:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": spec.title,
            "datePublished": spec.published.isoformat(),
            "author": [{"@type": "Person", "name": a} for a in spec.authors],
            "publisher": {"@type": "Organization", "name": SITE_NAME},
            "mainEntityOfPage": url,
        }
        text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        return f'<script type="application/ld+json">{text}</script>\n'


def _share_links(url: str) -> str:
    target = quote(url, safe="")
    return (
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={target}">Facebook</a> '
        f'<a href="https://x.com/intent/tweet?url={target}">X</a> '
        f'<a href="https://t.me/share/url?url={target}">Telegram</a>'
    )


def _body(spec: ArticleSpec) -> str:
    paragraphs = "".join(f"<p>{_e(p)}</p>\n" for p in spec.paragraphs)
    return f'<div class="entry-content">\n{paragraphs}</div>\n'


def _malformed_body(spec: ArticleSpec) -> str:
    """Paragraphs without ``</p>``, a stray ``</span>`` after the second one."""
    paragraphs = []
    for n, p in enumerate(spec.paragraphs):
        paragraphs.append(f"<p>{_e(p)}{'</span>' if n == 1 else ''}\n")
    return f'<div class="entry-content">\n{"".join(paragraphs)}</div>\n'
