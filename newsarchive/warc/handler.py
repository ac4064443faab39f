"""Scrapy's HTTP/1.1 download handler, plus a record of what actually crossed the wire.

Why: Scrapy's ``Response`` cannot be archived faithfully. It drops the reason phrase,
the raw header bytes, their case and their interleaved order, and Twisted keeps
``Transfer-Encoding``/``Content-Length`` out of it; ``Request`` is not what was sent
(Twisted adds ``Host``, ``Content-Length``...). So this handler taps Twisted's client
where the bytes are: the request as written to the socket and the status and header
lines as parsed, and leaves them in ``request.meta[WIRE_META]`` as a
:class:`WireExchange` for :mod:`newsarchive.warc.capture` to write. The body is not
copied here: Scrapy already holds it, de-chunked and still content-encoded. The
exchange holds credentials as sent (``Proxy-Authorization``, ``Authorization``, ``Cookie``);
they are redacted by the archiver, before any record is built
(:mod:`newsarchive.warc.redaction`).

How the tap finds its Scrapy request: Twisted fires the response and Scrapy's
``headers_received`` signal in one synchronous call chain, so the handler holds the tap
for that instant and the signal receiver claims it (checked against the URL).

This subclasses private client classes (Scrapy's lenient ones since 2.14, Twisted's
before; tested with Scrapy 2.13 and 2.19). :func:`check_internals` fails at start-up,
with a clear message, if they move.
"""

from __future__ import annotations

import inspect
import logging
from datetime import datetime, timezone
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from scrapy import signals
from scrapy.core.downloader.handlers import http11 as _http11
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from newsarchive.warc.archiver import HANDLER_PATH, WIRE_META, WireExchange

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

__all__ = ["HANDLER_PATH", "WIRE_META", "WireCaptureUnavailable", "WireRecordingDownloadHandler",
           "check_internals"]


class WireCaptureUnavailable(RuntimeError):
    """This Scrapy/Twisted version does not expose what the wire capture needs."""


class _Tap:
    """Collects one request's wire facts; shared by the tee transport and the parser."""

    __slots__ = ("header_lines", "peer_ip", "sent", "sent_at", "status_line")

    def __init__(self, peer_ip: str | None) -> None:
        self.sent = bytearray()
        self.sent_at: datetime | None = None
        self.status_line = b""
        self.header_lines: list[bytes] = []
        self.peer_ip = peer_ip

    def record(self, data: bytes) -> None:
        if self.sent_at is None:
            self.sent_at = datetime.now(timezone.utc)
        self.sent += data

    def exchange(self) -> WireExchange:
        return WireExchange(
            sent=bytes(self.sent),
            sent_at=self.sent_at or datetime.now(timezone.utc),
            status_line=self.status_line,
            header_lines=list(self.header_lines),
            peer_ip=self.peer_ip,
        )


class _TeeTransport:
    """Passes writes to the real transport and keeps a copy (requests are small)."""

    def __init__(self, transport: Any, tap: _Tap) -> None:
        self._transport = transport
        self._tap = tap

    def write(self, data: bytes) -> None:
        self._tap.record(data)
        self._transport.write(data)

    def writeSequence(self, data: Any) -> None:  # noqa: N802 - Twisted's name
        data = list(data)
        for piece in data:
            self._tap.record(piece)
        self._transport.writeSequence(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _base_classes() -> tuple[type, type, type]:
    """The client factory, protocol and parser classes Scrapy uses.

    Scrapy >= 2.14 has lenient subclasses of Twisted's; older versions use Twisted's own.
    """
    from twisted.web import _newclient, client

    lenient = [getattr(_http11, name, None) for name in (
        "_LenientHTTP11ClientFactory", "_LenientHTTP11ClientProtocol", "_LenientHTTPClientParser")]  # fmt: skip
    if all(isinstance(cls, type) for cls in lenient):
        return lenient[0], lenient[1], lenient[2]
    return client._HTTP11ClientFactory, _newclient.HTTP11ClientProtocol, _newclient.HTTPClientParser


def check_internals() -> None:
    """Raise :class:`WireCaptureUnavailable` if the Scrapy/Twisted internals moved."""
    from twisted.web import _newclient, client

    missing = [f"twisted.web._newclient.{name}" for name in ("STATUS", "Request", "HTTPClientParser")
               if not hasattr(_newclient, name)]  # fmt: skip
    if not hasattr(client, "_HTTP11ClientFactory") or not hasattr(client.HTTPConnectionPool, "_factory"):
        missing.append("twisted.web.client._HTTP11ClientFactory/HTTPConnectionPool._factory")
    if not missing:
        factory, protocol, parser = _base_classes()
        if not (hasattr(parser, "lineReceived") and hasattr(protocol, "request") and hasattr(factory, "buildProtocol")):
            missing.append("HTTP client classes")
    if missing:
        raise WireCaptureUnavailable(
            "WARC capture needs Scrapy's HTTP/1.1 client internals, which this Scrapy or "
            f"Twisted version does not have ({', '.join(missing)}). Install a supported "
            "version or set NEWSARCHIVE_WARC_ENABLED=False."
        )


@lru_cache(maxsize=1)
def _build_classes() -> tuple[type, type, type]:
    """Subclasses of Scrapy's client classes that record the wire."""
    from twisted.web._newclient import STATUS

    base_factory, base_protocol, base_parser = _base_classes()

    class RecordingParser(base_parser):  # type: ignore[misc,valid-type]
        tap: _Tap | None = None

        def lineReceived(self, line: bytes) -> None:  # noqa: N802 - Twisted's name
            tap = self.tap
            if tap is not None:
                raw = line[:-1] if line.endswith(b"\r") else line
                if self.state == STATUS:  # also after an ignored 1xx response
                    tap.status_line = raw
                    tap.header_lines = []
                elif raw:
                    tap.header_lines.append(raw)
            super().lineReceived(line)

    class RecordingProtocol(base_protocol):  # type: ignore[misc,valid-type]
        def __init__(self, quiescentCallback: Any, on_response: Any) -> None:  # noqa: N803
            super().__init__(quiescentCallback)
            self._on_response = on_response

        def request(self, request: Any) -> Any:
            tap = _Tap(_peer_host(self.transport))
            write_to = type(request).writeTo
            request.writeTo = lambda transport: write_to(request, _TeeTransport(transport, tap))
            d = super().request(request)
            parser = self._parser
            if parser is not None and parser.request is request:
                if type(parser) is not base_parser:
                    raise WireCaptureUnavailable(f"unexpected HTTP parser {type(parser).__name__}")
                parser.__class__ = RecordingParser
                parser.tap = tap
            d.addCallback(self._response_arrived, tap)
            return d

        def _response_arrived(self, response: Any, tap: _Tap) -> Any:
            self._on_response(response, tap)
            return response

    class RecordingFactory(base_factory):  # type: ignore[misc,valid-type]
        def __init__(self, quiescentCallback: Any, metadata: Any, on_response: Any) -> None:  # noqa: N803
            super().__init__(quiescentCallback, metadata)
            self._on_response = on_response

        def buildProtocol(self, addr: Any) -> Any:  # noqa: N802
            return RecordingProtocol(self._quiescentCallback, self._on_response)

    return RecordingParser, RecordingProtocol, RecordingFactory


def _peer_host(transport: Any) -> str | None:
    try:
        return str(transport.getPeer().host)
    except Exception:  # noqa: BLE001 - an address is nice to have, never required
        return None


class WireRecordingDownloadHandler(HTTP11DownloadHandler):
    """``http``/``https`` handler: Scrapy's own, plus :class:`WireExchange` in meta.

    With ``NEWSARCHIVE_WARC_ENABLED = False`` it is exactly Scrapy's handler.
    """

    lazy = False  # build at start-up, so an unsupported Scrapy is reported at once

    def __init__(self, *args: Any) -> None:
        # Scrapy >= 2.14 passes (crawler); older versions (settings, crawler).
        super().__init__(*args)
        crawler: Crawler = args[-1]
        self._stats = crawler.stats
        self._recording = crawler.settings.getbool("NEWSARCHIVE_WARC_ENABLED", True)
        self._pending: tuple[Any, _Tap] | None = None
        if not self._recording:
            return
        check_internals()
        pool = self._pool
        if getattr(pool, "_factory", None) is not _base_classes()[0]:
            raise WireCaptureUnavailable("Scrapy's HTTP/1.1 connection pool is not set up as expected")
        factory = _build_classes()[2]
        pool._factory = partial(factory, on_response=self._response_arrived)
        crawler.signals.connect(self._claim, signal=signals.headers_received)

    if inspect.iscoroutinefunction(HTTP11DownloadHandler.download_request):  # Scrapy >= 2.14

        async def download_request(self, request: Request) -> Response:
            request.meta.pop(WIRE_META, None)  # never let a copied, stale exchange stand
            response = await super().download_request(request)
            return self._check_captured(request, response)

    else:  # pragma: no cover - older Scrapy: Deferred-based, with a spider argument

        def download_request(self, request: Request, spider: Any) -> Any:  # type: ignore[override]
            request.meta.pop(WIRE_META, None)
            d = super().download_request(request, spider)
            return d.addCallback(lambda response: self._check_captured(request, response))

    def _check_captured(self, request: Request, response: Response) -> Response:
        if self._recording and WIRE_META not in request.meta:
            self._stats.inc_value("newsarchive/warc/uncaptured")
            logger.error("WARC capture missed the exchange of %s; it is not archived", request)
        return response

    def _response_arrived(self, response: Any, tap: _Tap) -> None:
        if self._pending is not None:
            self._stats.inc_value("newsarchive/warc/unclaimed")
            logger.error("WARC capture: response headers for %r were never claimed", self._pending[0].request.uri)
        self._pending = (response, tap)

    def _claim(self, request: Request, **_: Any) -> None:
        pending, self._pending = self._pending, None
        if pending is None:  # another handler's response (http vs https)
            return
        txresponse, tap = pending
        sent_uri = getattr(txresponse.request, "absoluteURI", None)
        if sent_uri is not None and sent_uri != urldefrag(request.url)[0].encode("ascii", "replace"):
            self._stats.inc_value("newsarchive/warc/mismatched")
            logger.error("WARC capture: headers of %r arrived for %s; not archived", sent_uri, request)
            return
        request.meta[WIRE_META] = tap.exchange()
