"""URL routing of the sample site: request target in, complete ``Response`` out.

Kept free of sockets so the site's behaviour (status codes, redirects, which edge case
applies where) is decided in one place; ``server.py`` only does transport: content
negotiation for gzip, chunked framing, headers. A ``Router`` serves one fixed set of
published articles, so its responses are deterministic and memoised per request target;
``LiveRouter`` adds what changes while the server runs (publishing, flaky articles) by
switching routers and by answering failures in front of the memo, never inside it.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, timezone
from email.utils import format_datetime
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from newsarchive.sample_site.content import (
    ArticleSpec,
    ListingKind,
    SiteContent,
    listing_path,
)
from newsarchive.sample_site.syndication import CONTENT_TYPES, FEED_TYPES, FeedRenderer
from newsarchive.sample_site.themes import DEFAULT_THEME, THEMES, check_theme

HTML_UTF8 = "text/html; charset=UTF-8"

_LISTING = re.compile(r"/(?:(latest)|(category|tag|author)/([a-z0-9-]+))/(?:page/([0-9]+)/)?")
_LEGACY = re.compile(r"/index\.php/news/([0-9]+)-[^/]*/?")
_ARTICLE = re.compile(r"/([a-z0-9-]+)/")
_SITEMAP_PAGE = re.compile(r"/wp-sitemap-posts-post-([0-9]+)\.xml")
_FEED = re.compile(r"/(?:(category|tag|author)/([a-z0-9-]+)/)?feed/(?:(rss2|atom|rdf)/)?")


@dataclass(frozen=True)
class Response:
    """Everything the server sends, except Date, Server and the framing headers."""

    status: int
    body: bytes = b""
    content_type: str = HTML_UTF8
    headers: tuple[tuple[str, str], ...] = ()
    gzip_body: bytes | None = None  # offered as Content-Encoding: gzip when accepted
    chunked: bool = False  # sent with Transfer-Encoding: chunked
    article: int | None = None  # index of the article this page is (not sent)


class Router:
    """Maps request targets (path and query) of one site at one base URL to responses.

    ``hidden`` newest articles (indexes below it) are unpublished: absent from every
    listing, and their pages (and legacy URLs) answer 404 like any unknown URL.
    ``theme`` names the markup of the HTML pages (``themes.THEMES``).
    """

    def __init__(self, content: SiteContent, base: str, hidden: int = 0, theme: str = DEFAULT_THEME) -> None:
        self.content = content
        self.base = base.rstrip("/")
        self.hidden = hidden
        self.theme = check_theme(theme)
        self.pages = THEMES[theme](content, self.base, hidden)
        self.feeds = FeedRenderer(content, self.base, hidden)
        self._cached = functools.lru_cache(maxsize=2048)(self._resolve)
        self._not_found = Response(404, self.pages.not_found().encode())

    def resolve(self, target: str) -> Response:
        """The response to a GET of ``target`` (path plus query), memoised."""
        return self._cached(target)

    def _resolve(self, target: str) -> Response:
        parts = urlsplit(target)
        path = parts.path or "/"
        if path == "/":
            return self._front(parts.query)
        if path == "/robots.txt":
            return Response(200, self.pages.robots().encode(), "text/plain; charset=UTF-8")
        if path == "/wp-sitemap.xml":
            return _xml(self.pages.sitemap_index())
        if m := _SITEMAP_PAGE.fullmatch(path):
            sitemap = self.pages.sitemap_page(int(m[1]))
            return _xml(sitemap) if sitemap else self._not_found
        if path == "/news-sitemap.xml":
            return _xml(self.feeds.news_sitemap())
        if m := _FEED.fullmatch(path):
            kind: ListingKind = m[1] or "latest"  # type: ignore[assignment]
            return self._feed(kind, m[2], m[3] or "rss2", parse_qs(parts.query))
        if m := _LEGACY.fullmatch(path):
            spec = self._published(self.content.article_by_legacy_id(int(m[1])))
            return self._redirect(spec.path) if spec else self._not_found
        if m := _LISTING.fullmatch(path):
            kind: ListingKind = "latest" if m[1] else m[2]  # type: ignore[assignment]
            return self._listing(kind, m[3], m[4])
        if m := _ARTICLE.fullmatch(path):
            spec = self._published(self.content.article_by_slug(m[1]))
            return self._article(spec.index) if spec else self._not_found
        if not path.endswith("/") and self.resolve(path + "/").status == 200:
            return self._redirect(path + "/")  # WordPress adds the trailing slash
        return self._not_found

    def _front(self, query: str) -> Response:
        """``/``: the home page, or search results when ``?s=`` is present."""
        params = parse_qs(query, keep_blank_values=True)
        if "feed" in params:  # /?feed=rss2, /?s=words&feed=atom
            key = params["s"][0].strip() if "s" in params else None
            return self._feed("search" if "s" in params else "latest", key, params["feed"][0], params)
        if "s" not in params:
            listing = self.content.listing("latest", hidden=self.hidden)
            assert listing is not None
            return self._html(self.pages.listing(listing, home=True))
        paged = params.get("paged", ["1"])[0]
        page = int(paged) if paged.isdigit() else 1
        listing = self.content.listing("search", params["s"][0].strip(), page, hidden=self.hidden)
        return self._html(self.pages.listing(listing)) if listing else self._not_found

    def _feed(self, kind: ListingKind, key: str | None, feed_type: str, params: dict[str, list[str]]) -> Response:
        """A listing's feed page (``?paged=N``); 404 past the end, as on WordPress."""
        if feed_type not in FEED_TYPES:
            feed_type = "rss2"  # WordPress serves its default feed for feed=rss, feed=anything
        paged = params.get("paged", ["1"])[0]
        page = int(paged) if paged.isdigit() and int(paged) >= 1 else 1
        listing = self.content.listing(kind, key, page, hidden=self.hidden, repeat_teaser=False)
        if listing is None:
            return self._not_found
        body = self.feeds.feed(listing, feed_type).encode()
        return Response(200, body, CONTENT_TYPES[feed_type])

    def _listing(self, kind: ListingKind, key: str | None, page_text: str | None) -> Response:
        if page_text is None:
            page = 1
        elif page_text == "1":  # WordPress canonicalises page/1/ away
            return self._redirect(listing_path(kind, key))
        elif page_text.startswith("0"):
            return self._not_found
        else:
            page = int(page_text)
        listing = self.content.listing(kind, key, page, hidden=self.hidden)
        if listing is None:
            return self._not_found
        headers: tuple[tuple[str, str], ...] = ()
        if kind == "latest" and page == 1 and self.content.edges.cookies:
            headers = self._cookies()
        return self._html(self.pages.listing(listing), headers)

    def _article(self, index: int) -> Response:
        spec = self.content.article(index)
        if spec.status != 200:
            return replace(self._not_found, article=index)
        body = self.pages.article(spec).encode(spec.charset, errors="xmlcharrefreplace")
        content_type = f"text/html; charset={spec.charset}"
        if spec.edge == "gzip":
            return Response(
                200,
                body,
                content_type,
                headers=(("Vary", "Accept-Encoding"),),
                gzip_body=gzip.compress(body, mtime=0),
                article=index,
            )
        return Response(200, body, content_type, chunked=spec.edge == "chunked", article=index)

    def _published(self, spec: ArticleSpec | None) -> ArticleSpec | None:
        """``spec`` unless it is not published yet (then it does not exist)."""
        return spec if spec is not None and spec.index >= self.hidden else None

    def error(self, status: int) -> Response:
        """An error page: the site's own for 404, nginx's for anything else."""
        if status == 404:
            return self._not_found
        return Response(status, nginx_error_page(status))

    def _redirect(self, path: str) -> Response:
        location = self.base + path
        body = f'<html><body>Moved to <a href="{location}">{location}</a></body></html>\n'
        return Response(301, body.encode(), headers=(("Location", location),))

    def _cookies(self) -> tuple[tuple[str, str], ...]:
        """The two cookies of /latest/ (deterministic, for header-fidelity tests)."""
        session = hashlib.sha1(f"{self.content.seed}:session".encode()).hexdigest()
        expires = datetime.combine(
            self.content.render_date + timedelta(days=365), time(), timezone.utc
        )
        return (
            ("Set-Cookie", f"wp_session={session}; Path=/; HttpOnly"),
            (
                "Set-Cookie",
                f"pll_language=en; expires={format_datetime(expires, usegmt=True)}; Path=/; "
                "SameSite=Lax",
            ),
        )

    @staticmethod
    def _html(text: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
        return Response(200, text.encode(), headers=headers)


def _xml(text: str) -> Response:
    return Response(200, text.encode(), "application/xml; charset=UTF-8")


def nginx_error_page(status: int) -> bytes:
    """The page nginx sends when the backend behind it fails (e.g. 503)."""
    try:
        title = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        title = f"{status} Error"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


class LiveState:
    """What a test may change while the site runs: thread-safe, read on every request.

    ``hidden``: how many of the newest articles (indexes ``0 .. hidden-1``) are not
    published yet. ``flaky``: failures still to serve per article index; each GET of
    that article's page uses one up and answers ``flaky_status`` instead. ``theme``:
    the markup of the HTML pages (a redesign while the site runs).
    """

    def __init__(
        self,
        articles: int,
        hidden: int = 0,
        flaky: Mapping[int, int] | None = None,
        flaky_status: int = 503,
        theme: str = DEFAULT_THEME,
    ) -> None:
        self.articles = articles
        self._lock = threading.Lock()
        self._hidden = 0
        self._flaky: dict[int, int] = {}
        self._flaky_status = 503
        self.hidden = hidden
        self.flaky = flaky or {}
        self.flaky_status = flaky_status
        self.theme = theme

    @property
    def hidden(self) -> int:
        return self._hidden

    @hidden.setter
    def hidden(self, count: int) -> None:
        if not _is_int(count) or not 0 <= count <= self.articles:
            raise ValueError(f"hidden_newest must be an int in 0..{self.articles}, got {count!r}")
        self._hidden = count

    @property
    def flaky(self) -> dict[int, int]:
        """A copy of the failures left per article index (0 once an article recovered)."""
        with self._lock:
            return dict(self._flaky)

    @flaky.setter
    def flaky(self, failures: Mapping[int, int]) -> None:
        for index, times in failures.items():
            if not _is_int(index) or not 0 <= index < self.articles:
                raise ValueError(
                    f"flaky article index must be in 0..{self.articles - 1}, got {index!r}"
                )
            if not _is_int(times) or times < 0:
                raise ValueError(f"flaky times must be an int >= 0, got {times!r} ({index})")
        with self._lock:
            self._flaky = dict(failures)

    @property
    def flaky_status(self) -> int:
        return self._flaky_status

    @flaky_status.setter
    def flaky_status(self, status: int) -> None:
        if not _is_int(status) or not 400 <= status <= 599:
            raise ValueError(f"flaky_status must be an error code in 400..599, got {status!r}")
        self._flaky_status = status

    @property
    def theme(self) -> str:
        return self._theme

    @theme.setter
    def theme(self, theme: str) -> None:
        self._theme = check_theme(theme)

    def failure(self, index: int, *, consume: bool) -> int | None:
        """The status article ``index`` fails with now, or None; ``consume`` uses one up."""
        with self._lock:
            left = self._flaky.get(index, 0)
            if not left:
                return None
            if consume:
                self._flaky[index] = left - 1
            return self._flaky_status


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class LiveRouter:
    """The router a running server asks: the ``Router`` of the current published set,
    with flaky failures decided per request in front of its memo (never cached).

    Only GETs use up a failure; a HEAD reports what the next GET would answer.
    """

    def __init__(self, content: SiteContent, base: str, state: LiveState) -> None:
        self.base = base.rstrip("/")
        self.state = state
        # One memoising Router per published set and theme: a change of ``hidden`` or
        # ``theme`` can never be answered from another memo. Few are live at once in any test.
        self._routers = functools.lru_cache(maxsize=4)(
            lambda hidden, theme: Router(content, self.base, hidden, theme)
        )

    def resolve(self, target: str, *, consume: bool = True) -> Response:
        """The response to a request of ``target``; ``consume`` is True for GET."""
        router: Router = self._routers(self.state.hidden, self.state.theme)
        response = router.resolve(target)
        if response.article is not None:
            status = self.state.failure(response.article, consume=consume)
            if status is not None:
                return router.error(status)
        return response
