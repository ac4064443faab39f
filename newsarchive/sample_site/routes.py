"""URL routing of the sample site: request target in, complete ``Response`` out.

Kept free of sockets so the site's behaviour (status codes, redirects, which edge case
applies where) is decided in one place; ``server.py`` only does transport: content
negotiation for gzip, chunked framing, headers. Responses are deterministic, so they are
memoised per request target.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

from newsarchive.sample_site.content import ListingKind, SiteContent, listing_path
from newsarchive.sample_site.pages import Renderer

HTML_UTF8 = "text/html; charset=UTF-8"

_LISTING = re.compile(r"/(?:(latest)|(category|tag|author)/([a-z0-9-]+))/(?:page/([0-9]+)/)?")
_LEGACY = re.compile(r"/index\.php/news/([0-9]+)-[^/]*/?")
_ARTICLE = re.compile(r"/([a-z0-9-]+)/")
_SITEMAP_PAGE = re.compile(r"/wp-sitemap-posts-post-([0-9]+)\.xml")


@dataclass(frozen=True)
class Response:
    """Everything the server sends, except Date, Server and the framing headers."""

    status: int
    body: bytes = b""
    content_type: str = HTML_UTF8
    headers: tuple[tuple[str, str], ...] = ()
    gzip_body: bytes | None = None  # offered as Content-Encoding: gzip when accepted
    chunked: bool = False  # sent with Transfer-Encoding: chunked


class Router:
    """Maps request targets (path and query) of one site at one base URL to responses."""

    def __init__(self, content: SiteContent, base: str) -> None:
        self.content = content
        self.base = base.rstrip("/")
        self.pages = Renderer(content, self.base)
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
        if m := _LEGACY.fullmatch(path):
            spec = self.content.article_by_legacy_id(int(m[1]))
            return self._redirect(spec.path) if spec else self._not_found
        if m := _LISTING.fullmatch(path):
            kind: ListingKind = "latest" if m[1] else m[2]  # type: ignore[assignment]
            return self._listing(kind, m[3], m[4])
        if m := _ARTICLE.fullmatch(path):
            spec = self.content.article_by_slug(m[1])
            return self._article(spec.index) if spec else self._not_found
        if not path.endswith("/") and self.resolve(path + "/").status == 200:
            return self._redirect(path + "/")  # WordPress adds the trailing slash
        return self._not_found

    def _front(self, query: str) -> Response:
        """``/``: the home page, or search results when ``?s=`` is present."""
        params = parse_qs(query, keep_blank_values=True)
        if "s" not in params:
            listing = self.content.listing("latest")
            assert listing is not None
            return self._html(self.pages.listing(listing, home=True))
        paged = params.get("paged", ["1"])[0]
        page = int(paged) if paged.isdigit() else 1
        listing = self.content.listing("search", params["s"][0].strip(), page)
        return self._html(self.pages.listing(listing)) if listing else self._not_found

    def _listing(self, kind: ListingKind, key: str | None, page_text: str | None) -> Response:
        if page_text is None:
            page = 1
        elif page_text == "1":  # WordPress canonicalises page/1/ away
            return self._redirect(listing_path(kind, key))
        elif page_text.startswith("0"):
            return self._not_found
        else:
            page = int(page_text)
        listing = self.content.listing(kind, key, page)
        if listing is None:
            return self._not_found
        headers: tuple[tuple[str, str], ...] = ()
        if kind == "latest" and page == 1 and self.content.edges.cookies:
            headers = self._cookies()
        return self._html(self.pages.listing(listing), headers)

    def _article(self, index: int) -> Response:
        spec = self.content.article(index)
        if spec.status != 200:
            return self._not_found
        body = self.pages.article(spec).encode(spec.charset, errors="xmlcharrefreplace")
        content_type = f"text/html; charset={spec.charset}"
        if spec.edge == "gzip":
            return Response(
                200,
                body,
                content_type,
                headers=(("Vary", "Accept-Encoding"),),
                gzip_body=gzip.compress(body, mtime=0),
            )
        return Response(200, body, content_type, chunked=spec.edge == "chunked")

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
