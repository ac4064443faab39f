"""One bounded GET for ``newsarchive check``: a page as a Scrapy response, or a one-line error.

``check`` must never write an archive or job state, so it does not start a crawl: it
fetches each page itself (urllib), as the crawl would ask for it (the project's
``USER_AGENT``, gzip/deflate, redirects followed), with the crawl's bounds
(``DOWNLOAD_MAXSIZE`` on the decoded body, so a compression bomb stops early) and a
total time limit. The body becomes the same kind of Scrapy response the spider callbacks
get, with the charset repair of :mod:`newsarchive.extraction.charset` applied, so the extraction
code sees exactly what it sees in a crawl. Every failure is a :class:`FetchError` whose
message is one line.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.http import (
    Headers,
    HtmlResponse,
    Request,
    Response,
    TextResponse,
    XmlResponse,
)
from scrapy.responsetypes import responsetypes

__all__ = ["FetchError", "FetchLimits", "fetch_html", "fetch_response"]

CHUNK = 64 * 1024
MAX_REDIRECTS = 10


class FetchError(Exception):
    """A page could not be fetched (or is no HTML page); the message is one line."""


@dataclass(frozen=True)
class FetchLimits:
    """How a check fetches: who it says it is and how much it accepts."""

    user_agent: str
    max_size: int  # bytes of the decoded body (the crawl's DOWNLOAD_MAXSIZE); 0: no limit
    timeout: float  # seconds for the whole fetch


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects to http(s) only, at most :data:`MAX_REDIRECTS` (urllib would follow ftp:)."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise FetchError(f"redirected to a non-http(s) URL: {newurl[:200]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_response(url: str, limits: FetchLimits, accept: str = "text/html,application/xhtml+xml,*/*;q=0.8") -> Response:
    """GET ``url`` and return it as the Scrapy response class its headers call for."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url[:200]!r}")
    deadline = time.monotonic() + limits.timeout
    request = urllib.request.Request(url, headers={
        "User-Agent": limits.user_agent,
        "Accept": accept,
        "Accept-Encoding": "gzip, deflate",
        "Accept-Language": "*",
    })
    opener = urllib.request.build_opener(_Redirects())
    try:
        with opener.open(request, timeout=limits.timeout) as reply:
            final_url = reply.geturl()
            status = reply.status
            header_pairs = list(reply.headers.items())
            raw = _read_bounded(reply, limits.max_size, deadline, limits.timeout)
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason or ''}".rstrip()) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"{url}: timed out after {limits.timeout:g} s") from None
        raise FetchError(f"{url}: {_reason(exc.reason)}") from None
    except TimeoutError:
        raise FetchError(f"{url}: timed out after {limits.timeout:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise FetchError(f"{url}: {_reason(exc)}") from None
    headers = Headers()
    for name, value in header_pairs:
        headers.appendlist(name, value)
    body = _decoded(raw, headers, limits.max_size, url)
    cls = responsetypes.from_args(headers=headers, url=final_url, body=body)
    return cls(url=final_url, status=status, headers=headers, body=body, request=Request(final_url))


def fetch_html(url: str, limits: FetchLimits) -> HtmlResponse:
    """GET an HTML page; anything else (a PDF, a feed, plain text) is a :class:`FetchError`."""
    response = fetch_response(url, limits)
    if not isinstance(response, HtmlResponse):
        kind = (response.headers.get(b"Content-Type") or b"no Content-Type").decode("latin-1")[:80]
        hint = ""
        if isinstance(response, (XmlResponse, TextResponse)) and _looks_like_feed(response.body):
            hint = " (it looks like a feed or sitemap: list it under feeds or sitemaps in a site file)"
        raise FetchError(f"{response.url}: not an HTML page ({kind}){hint}")
    return _charset_repaired(response)


def _read_bounded(reply: http.client.HTTPResponse, limit: int, deadline: float, timeout: float) -> bytes:
    length = reply.headers.get("Content-Length")
    if limit and length and length.strip().isdigit() and int(length) > limit:
        raise FetchError(f"{reply.geturl()}: the page is {int(length)} bytes, over DOWNLOAD_MAXSIZE ({limit})")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"{reply.geturl()}: timed out after {timeout:g} s")
        chunk = reply.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if limit and size > limit:
            raise FetchError(f"{reply.geturl()}: the page is over DOWNLOAD_MAXSIZE ({limit} bytes)")
        chunks.append(chunk)


def _decoded(raw: bytes, headers: Headers, limit: int, url: str) -> bytes:
    """The body with its Content-Encoding undone, never more than ``limit`` bytes."""
    codings = [c.strip().lower() for v in headers.getlist(b"Content-Encoding")
               for c in v.decode("latin-1").split(",") if c.strip()]
    body = raw
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip"):
            body = _inflate(body, limit, url, zlib.MAX_WBITS | 16)
        elif coding == "deflate":
            try:
                body = _inflate(body, limit, url, zlib.MAX_WBITS)
            except zlib.error:
                body = _inflate(body, limit, url, -zlib.MAX_WBITS)  # raw deflate, as some servers send
        elif coding == "br":
            body = _unbrotli(body, limit, url)
        else:
            raise FetchError(f"{url}: unsupported Content-Encoding {coding!r}")
    if codings:
        del headers[b"Content-Encoding"]
    return body


def _inflate(data: bytes, limit: int, url: str, wbits: int) -> bytes:
    out = bytearray()
    while data:
        decompressor = zlib.decompressobj(wbits)
        pending = data
        while pending:
            room = (limit + 1 - len(out)) if limit else 0
            out += decompressor.decompress(pending, room)
            _check_size(out, limit, url)
            pending = decompressor.unconsumed_tail
        out += decompressor.flush()
        _check_size(out, limit, url)
        data = decompressor.unused_data if wbits & 16 else b""  # gzip: more members may follow
    return bytes(out)


def _unbrotli(data: bytes, limit: int, url: str) -> bytes:
    try:
        import brotli
    except ImportError:
        raise FetchError(f"{url}: Content-Encoding br needs the brotli package") from None
    decompressor = brotli.Decompressor()
    process: Callable[..., bytes] = decompressor.process
    try:
        out = bytearray(process(data, output_buffer_limit=limit + 1) if limit else process(data))
        while limit and len(out) <= limit and not decompressor.can_accept_more_data():
            out += process(b"", output_buffer_limit=limit + 1 - len(out))
    except brotli.error as exc:
        raise FetchError(f"{url}: bad brotli body: {exc}") from None
    _check_size(out, limit, url)
    return bytes(out)


def _check_size(out: bytearray, limit: int, url: str) -> None:
    if limit and len(out) > limit:
        raise FetchError(f"{url}: the decoded page is over DOWNLOAD_MAXSIZE ({limit} bytes)")


def _charset_repaired(response: HtmlResponse) -> HtmlResponse:
    """The response decoded as the crawl's charset repair would decode it."""
    from newsarchive.extraction.charset import repaired_encoding

    try:
        found = repaired_encoding(response)
    except Exception:  # noqa: BLE001 - as in CharsetRepairMiddleware: a detector failure must not cost the page
        return response
    if found is None:
        return response
    return response.replace(encoding=found[0])


def _looks_like_feed(body: bytes) -> bool:
    head = body[:2048].lower()
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf", b"<urlset", b"<sitemapindex"))


def _reason(reason: object) -> str:
    """A one-line reason for a network error (refused, unknown host, timed out...)."""
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve the host ({reason.strerror or reason})"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower() if reason.strerror[:1].isupper() else reason.strerror
    text = " ".join(str(reason).split())
    return text[:200] or type(reason).__name__
