"""Themes of the sample site: the same articles, URLs, feeds and sitemaps in other markup.

A redesign is what breaks a site's selectors, so the site can serve a second theme and
tests can prove that crawls still find every article. ``classic`` (the default) is the
markup of ``pages.Renderer``, which the ``timesca`` spider's selectors are written
against. ``block`` is a WordPress block theme (the markup core blocks render, as in
Twenty Twenty-Four): ``<li class="wp-block-post">`` cards in a ``wp-block-post-template``
list, ``h2.wp-block-post-title``, ``<time datetime>`` in ``wp-block-post-date``, a
``wp-block-query-pagination`` with "Next Page" and numbered links (no ``<link rel=next>``:
core WordPress prints none), article ``h1.wp-block-post-title``, ``wp-block-post-content``
and ``wp-block-post-author-name``; other header, sidebars ("Most read", "Latest") and
footer. Only HTML pages differ: robots.txt, feeds and sitemaps are the same bytes in
every theme, and so are the ``<head>`` metadata of article pages (SEO plugins write it,
not themes). The deliberate deviation from core: the post-content block's wrapper lacks
core's extra ``entry-content`` class, so the classic body selector really stops matching.
"""

from __future__ import annotations

from newsarchive.sample_site.content import (
    COUNTRIES,
    DATE_TIME,
    SECTIONS,
    ArticleSpec,
    ListingPage,
)
from newsarchive.sample_site.generator import slugify
from newsarchive.sample_site.pages import (
    _MOST_READ,
    SITE_NAME,
    Renderer,
    _e,
    _share_links,
)

DEFAULT_THEME = "classic"
_LATEST_WIDGET = 5  # newest articles in the "Latest" sidebar block
_VIEWS = (18_412, 9_903, 7_250, 5_118, 3_064)  # the "Most read" counts, most read first
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0}.wp-site-blocks{max-width:1200px;margin:0 auto}"
    ".wp-block-columns{display:flex;gap:2rem}.wp-block-post-template{list-style:none;padding:0;"
    "display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}.wp-block-post-date{color:#666}"
)


class BlockRenderer(Renderer):
    """The ``block`` theme: WordPress block-theme markup for every HTML page."""

    def listing(self, page: ListingPage, *, home: bool = False) -> str:
        """A query loop; the home page is /latest/ page 1 under another title."""
        url = self.base + ("/" if home else page.path)
        parts = [
            '<main class="wp-block-group site-main" id="wp--skip-link--target">\n',
            f'<h1 class="wp-block-query-title">{_e(page.heading)}</h1>\n',
            '<div class="wp-block-query is-layout-flow">\n',
        ]
        if page.total:
            parts.append('<ul class="wp-block-post-template is-layout-grid columns-2">\n')
            parts.extend(self._teasers(i) for i in page.ids)
            parts.append("</ul>\n")
            parts.append(self._pagination(page))
        else:
            parts.append(
                '<div class="wp-block-query-no-results"><p>Sorry, but nothing matched your '
                "search terms. Please try again with some different keywords.</p></div>\n"
            )
        parts.append("</div>\n</main>\n")
        title = "Home" if home else page.heading
        if page.page > 1:
            title += f" - Page {page.page}"
        return self._document(
            title=f"{title} - {SITE_NAME}",
            head=f'<link rel="canonical" href="{_e(url)}">\n',
            body_class="home blog" if home else f"archive {page.kind}",
            main="".join(parts),
        )

    def not_found(self) -> str:
        return self._document(
            title=f"Page not found - {SITE_NAME}",
            head="",
            body_class="error404",
            main=(
                '<main class="wp-block-group site-main" id="wp--skip-link--target">\n'
                '<h1 class="wp-block-heading">Page not found</h1>\n<p>The page you are '
                "looking for does not exist, or it has been moved. Please try searching "
                "using the form below.</p>\n</main>\n"
            ),
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
            f'<title>{_e(title)}</title>\n{head}<style id="global-styles-inline-css">'
            f"{_STYLE}</style>\n</head>\n"
            f'<body class="{body_class} wp-embed-responsive">\n<div class="wp-site-blocks">\n'
            f"{self._chrome_top}"
            '<div class="wp-block-columns is-layout-flex">\n'
            f'<div class="wp-block-column" style="flex-basis:70%">\n{main}</div>\n'
            f"{self._sidebar}</div>\n{self._footer}</div>\n</body>\n</html>\n"
        )

    def _render_top(self) -> str:
        """Site title, primary navigation and search, then a row of trending tags."""
        b = self.base
        items = [("Latest", f"{b}/latest/")] + [(n, f"{b}/category/{s}/") for s, n in SECTIONS]
        nav = "".join(
            '<li class="wp-block-navigation-item"><a class="wp-block-navigation-item__content" '
            f'href="{href}"><span class="wp-block-navigation-item__label">{name}</span></a></li>'
            for name, href in items
        )
        return (
            '<header class="wp-block-template-part">\n'
            '<div class="wp-block-group site-header is-layout-flex">\n'
            f'<p class="wp-block-site-title"><a href="{b}/" rel="home">{SITE_NAME}</a></p>\n'
            '<p class="wp-block-site-tagline">Central Asian news and analysis</p>\n'
            '<nav class="wp-block-navigation" aria-label="Primary">'
            f'<ul class="wp-block-navigation__container">{nav}</ul></nav>\n'
            f'<form role="search" method="get" action="{b}/" class="wp-block-search">'
            '<label class="wp-block-search__label screen-reader-text" for="wp-block-search__input-1">'
            'Search</label><div class="wp-block-search__inside-wrapper"><input type="search" '
            'id="wp-block-search__input-1" class="wp-block-search__input" name="s" placeholder="Search">'
            '<button type="submit" class="wp-block-search__button">Search</button></div></form>\n'
            f"</div>\n{self._trending()}</header>\n"
        )

    def _trending(self) -> str:
        """A tag cloud of the five country tags (links to tag archives, not articles)."""
        links = " ".join(
            f'<a href="{self.base}/tag/{slug}/" class="tag-cloud-link tag-link-{n + 1}" '
            f'aria-label="{_e(name)}">{_e(name)}</a>'
            for n, (name, slug) in enumerate((c, slugify(c)) for c in COUNTRIES)
        )
        return f'<p class="wp-block-tag-cloud is-style-outline"><strong>Trending:</strong> {links}</p>\n'

    def _render_footer(self) -> str:
        b = self.base
        year = self.content.render_date.year
        sections = "".join(
            f'<li class="wp-block-page-list__item"><a href="{b}/category/{slug}/">{name}</a></li>'
            for slug, name in SECTIONS
        )
        social = "".join(
            f'<li class="wp-social-link wp-social-link-{name.lower()} wp-block-social-link">'
            f'<a href="{href}" class="wp-block-social-link-anchor"><span class="wp-block-social-link-label '
            f'screen-reader-text">{name}</span></a></li>'
            for name, href in (
                ("Facebook", "https://www.facebook.com/TimesofCentralAsia"),
                ("X", "https://x.com/TimesCA"),
                ("Telegram", "https://t.me/timesca"),
            )
        )
        return (
            '<footer class="wp-block-template-part">\n<div class="wp-block-group site-footer">\n'
            f'<ul class="wp-block-page-list">{sections}</ul>\n'
            f'<ul class="wp-block-social-links is-style-logos-only">{social}</ul>\n'
            '<div class="wp-block-group newsletter-signup"><h2 class="wp-block-heading">Get the '
            f'newsletter</h2><form class="newsletter-form" action="{b}/newsletter/" method="post">'
            '<input type="email" name="email" placeholder="Email address"><button>Sign up</button>'
            "</form></div>\n"
            f'<p class="has-small-font-size">© {year} {SITE_NAME}</p>\n</div>\n</footer>\n'
        )

    def _render_sidebar(self) -> str:
        """"Most read" (a popular-posts plugin's list) and core's "Latest Posts" block."""
        popular = "".join(
            f'<li><a href="{_e(self.content.article(i).url(self.base))}" class="wpp-post-title" '
            f'target="_self">{_e(self.content.article(i).title)}</a> <span class="wpp-meta post-stats">'
            f'<span class="wpp-views">{views:,} views</span></span></li>\n'
            for i, views in zip(_MOST_READ, _VIEWS, strict=True)
            if self.hidden <= i < len(self.content)
        )
        newest = range(self.hidden, min(self.hidden + _LATEST_WIDGET, len(self.content)))
        latest = "".join(self._latest_item(i) for i in newest)
        return (
            '<aside class="wp-block-column sidebar" style="flex-basis:30%">\n'
            '<div class="wp-block-group popular-posts"><h2 class="wp-block-heading">Most read</h2>\n'
            f'<ul class="wpp-list">\n{popular}</ul></div>\n'
            '<div class="wp-block-group"><h2 class="wp-block-heading">Latest</h2>\n'
            f'<ul class="wp-block-latest-posts__list wp-block-latest-posts">\n{latest}</ul>'
            "</div>\n</aside>\n"
        )

    def _latest_item(self, i: int) -> str:
        """One entry of core's Latest Posts block, without its (optional) date: the malformed
        article's unclosed wrapper pulls the sidebar into the story, and a date there would
        be taken for the article's."""
        spec = self.content.article(i)
        return (
            f'<li><a class="wp-block-latest-posts__post-title" href="{_e(spec.url(self.base))}">'
            f"{_e(spec.title)}</a></li>\n"
        )

    def _teaser(self, i: int) -> str:
        spec = self.content.article(i)
        href = _e(spec.teaser_url(self.base))
        lang = ' lang="ru"' if spec.language == "ru" else ""
        date = ""
        if spec.dated:
            date = (
                f'<div class="wp-block-post-date"><time datetime="{spec.published.isoformat()}">'
                f"{spec.listing_date}</time></div>\n"
            )
        return (
            f'<li class="wp-block-post post-{i} post type-post status-publish format-standard '
            f'has-post-thumbnail hentry category-{spec.section_slug}"{lang}>\n'
            f'<figure class="wp-block-post-featured-image"><a href="{href}" target="_self">'
            f'<img width="640" height="360" src="{self._image(spec)}" class="attachment-medium '
            'size-medium wp-post-image" alt="" decoding="async" loading="lazy"></a></figure>\n'
            f'<h2 class="wp-block-post-title has-large-font-size"><a href="{href}" target="_self">'
            f"{_e(spec.title)}</a></h2>\n{date}"
            f'<div class="taxonomy-category wp-block-post-terms"><a href="{self.base}/category/'
            f'{spec.section_slug}/" rel="tag">{spec.section}</a></div>\n'
            '<div class="wp-block-post-excerpt"><p class="wp-block-post-excerpt__excerpt">'
            f"{_e(spec.teaser_summary)} </p></div>\n"
            "</li>\n"
        )

    def _image(self, spec: ArticleSpec) -> str:
        """The featured image, in an uploads folder without year/month subfolders (a WordPress
        setting): a dated folder would give the undated article a date (htmldate reads it)."""
        return _e(f"{self.base}/wp-content/uploads/{spec.slug[:40]}-640x360.jpg")

    def _pagination(self, page: ListingPage) -> str:
        """Core's Query Pagination block: previous, numbers (end_size=1, mid_size=2), next."""
        if page.pages < 2:
            return ""

        def href(n: int) -> str:
            return _e(self.base + page.page_path(n))

        numbers = []
        around = range(max(1, page.page - 2), min(page.pages, page.page + 2) + 1)
        previous = 0
        for n in sorted({1, page.pages, *around}):
            if n > previous + 1:
                numbers.append('<span class="page-numbers dots">…</span>')
            if n == page.page:
                numbers.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
            else:
                numbers.append(f'<a class="page-numbers" href="{href(n)}">{n}</a>')
            previous = n
        parts = ['<nav class="wp-block-query-pagination is-layout-flex" aria-label="Pagination">\n']
        if page.page > 1:
            parts.append(
                f'<a href="{href(page.page - 1)}" class="wp-block-query-pagination-previous">'
                '<span class="wp-block-query-pagination-previous-arrow is-arrow-arrow" '
                'aria-hidden="true">←</span>Previous Page</a>\n'
            )
        parts.append(f'<div class="wp-block-query-pagination-numbers">{chr(10).join(numbers)}</div>\n')
        if page.has_next:
            parts.append(
                f'<a href="{href(page.page + 1)}" class="wp-block-query-pagination-next">Next Page'
                '<span class="wp-block-query-pagination-next-arrow is-arrow-arrow" '
                'aria-hidden="true">→</span></a>\n'
            )
        parts.append("</nav>\n")
        return "".join(parts)

    def _article_main(self, spec: ArticleSpec) -> str:
        b = self.base
        authors = " and ".join(
            f'<a href="{b}/author/{slug}/" target="_self" class="wp-block-post-author-name__link">'
            f"{_e(name)}</a>"
            for name, slug in zip(spec.authors, spec.author_slugs, strict=True)
        )
        date = ""
        if spec.dated:
            visible = _e(spec.visible_date or "")
            if DATE_TIME in spec.date_forms:
                visible = f'<time datetime="{spec.published.isoformat()}">{visible}</time>'
            date = f'<div class="wp-block-post-date">{visible}</div>\n'
        tags = '<span class="wp-block-post-terms__separator">, </span>'.join(
            f'<a href="{b}/tag/{slug}/" rel="tag">{_e(name)}</a>'
            for name, slug in zip(spec.tags, spec.tag_slugs, strict=True)
        )
        malformed = spec.edge == "malformed"
        # The malformed page also leaves this wrapper unclosed.
        footer_open = '<div class="wp-block-group post-footer">' if malformed else ""
        return (
            '<main class="wp-block-group site-main" id="wp--skip-link--target">\n'
            f'<div class="taxonomy-category wp-block-post-terms"><a href="{b}/category/'
            f'{spec.section_slug}/" rel="tag">{spec.section}</a></div>\n'
            f'<h1 class="wp-block-post-title">{_e(spec.title)}</h1>\n'
            '<div class="wp-block-group post-meta is-layout-flex">\n'
            f'<div class="wp-block-post-author-name">{authors}</div>\n{date}</div>\n'
            f'<figure class="wp-block-post-featured-image"><img width="1200" height="675" '
            f'src="{self._image(spec)}" class="wp-post-image" alt="" decoding="async"></figure>\n'
            f"{_content(spec, malformed=malformed)}{footer_open}"
            f'<div class="taxonomy-post_tag wp-block-post-terms">{tags}</div>\n'
            f'<div class="wp-block-group share-bar">{_share_links(spec.url(b))}</div>\n'
            "</main>\n"
        )


def _content(spec: ArticleSpec, *, malformed: bool) -> str:
    """The Post Content block; malformed: no ``</p>``, a stray ``</span>`` after the second."""
    if malformed:
        paragraphs = "".join(
            f"<p>{_e(p)}{'</span>' if n == 1 else ''}\n" for n, p in enumerate(spec.paragraphs)
        )
    else:
        paragraphs = "".join(f"<p>{_e(p)}</p>\n" for p in spec.paragraphs)
    return f'<div class="wp-block-post-content is-layout-constrained">\n{paragraphs}</div>\n'


THEMES: dict[str, type[Renderer]] = {"classic": Renderer, "block": BlockRenderer}


def check_theme(theme: str) -> str:
    """``theme`` if the site has it; else a ValueError naming the themes it has."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; the sample site has {', '.join(THEMES)}")
    return theme
