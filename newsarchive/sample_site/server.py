"""The sample site's HTTP server: stdlib ``ThreadingHTTPServer`` speaking HTTP/1.1.

Only transport lives here (keep-alive, gzip negotiation, chunked framing, the headers a
real nginx front end sends); what each URL answers is decided by ``routes.Router``.

Two things can change while the server runs, so that multi-day crawls and transient
failures are tested against one server and port (EDGE_CASES.md, "Changing the site"):

* ``hidden_newest=K`` leaves the newest K articles (indexes ``0 .. K-1``) unpublished:
  absent from every listing, count, pagination, sidebar, feed and sitemap; their pages 404.
  ``site.hidden_newest = 0`` or ``site.publish(k)`` reveals them, oldest first, at the
  top of ``/latest/``. ``visible_articles()`` is the ground truth, in listing order.
* ``flaky={index: times}`` makes article ``index`` answer ``flaky_status`` (503 unless
  set) to its first ``times`` GETs, then normally. Assigning ``site.flaky`` starts over.

``theme="block"`` serves every HTML page in a WordPress block theme instead of the
classic markup (``themes.py``): same articles, URLs, feeds and sitemaps; ``site.theme =``
redesigns the running site.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from newsarchive.sample_site.content import EDGE, ArticleSpec, EdgeCases, SiteContent
from newsarchive.sample_site.routes import LiveRouter, LiveState, Response
from newsarchive.sample_site.themes import DEFAULT_THEME

logger = logging.getLogger(__name__)

CHUNKS = 4  # how many chunks the chunked edge case is split into


class SampleSite:
    """A running replica of timesca.com on 127.0.0.1, for tests and benchmarks.

    Use as a context manager (``with SampleSite() as site: site.url``) or call
    ``start()``/``stop()``. ``hits`` counts every request target served (path plus
    query), so tests can assert that a crawl fetched each page exactly once.
    ``hidden_newest``, ``flaky``, ``flaky_status`` and ``theme`` may be changed while it
    runs (see the module docstring); the next request sees the change.
    """

    def __init__(
        self,
        articles: int = 60,
        seed: int = 2025,
        per_page: int = 10,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        edges: EdgeCases = EDGE,
        latency: float = 0.0,
        hidden_newest: int = 0,
        flaky: Mapping[int, int] | None = None,
        flaky_status: int = 503,
        theme: str = DEFAULT_THEME,
    ) -> None:
        if latency < 0:
            raise ValueError(f"latency must be >= 0 seconds, got {latency}")
        self.content = SiteContent(articles, seed, per_page, edges=edges)
        self._live = LiveState(articles, hidden_newest, flaky, flaky_status, theme)
        self.host = host
        self.port = port
        self.latency = latency  # seconds before each response, like a remote server's
        self.hits: collections.Counter[str] = collections.Counter()
        self._hits_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:41234``."""
        if self._server is None:
            raise RuntimeError("SampleSite is not running; call start() first")
        return self._server.router.base

    def url_for(self, path: str) -> str:
        """Absolute URL of a site-relative path such as ``/latest/page/2/``."""
        return self.url + (path if path.startswith("/") else "/" + path)

    def start(self) -> str:
        """Bind and serve from a daemon thread; returns the base URL. Idempotent."""
        if self._server is not None:
            return self.url
        server = _Server((self.host, self.port), _Handler)
        host = f"[{self.host}]" if ":" in self.host else self.host
        base = f"http://{host}:{server.server_address[1]}"
        server.router = LiveRouter(self.content, base, self._live)
        server.on_request = self._count
        server.latency = self.latency
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"sample-site:{server.server_address[1]}",
            daemon=True,
        )
        self._server = server
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving and drop open keep-alive connections. Idempotent."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- changing the site while it runs ----------------------------------------------

    @property
    def hidden_newest(self) -> int:
        """How many of the newest articles (indexes ``0 .. K-1``) are not published yet."""
        return self._live.hidden

    @hidden_newest.setter
    def hidden_newest(self, count: int) -> None:
        self._live.hidden = count

    def publish(self, count: int | None = None) -> list[ArticleSpec]:
        """Publish ``count`` more hidden articles (all when None), oldest first.

        Returns the newly published articles in listing order (newest first); they are
        at the top of ``/latest/`` from the next request on.
        """
        hidden = self._live.hidden
        count = hidden if count is None else count
        if not 0 <= count <= hidden:
            raise ValueError(f"can publish 0..{hidden} more articles, not {count}")
        self._live.hidden = hidden - count
        return [self.content.article(i) for i in range(hidden - count, hidden)]

    def visible_indexes(self) -> range:
        """Indexes of the published articles, in listing order (cheap at any size)."""
        return range(self._live.hidden, len(self.content))

    def visible_articles(self) -> list[ArticleSpec]:
        """The published articles, in listing order: the ground truth of a crawl now."""
        return [self.content.article(i) for i in self.visible_indexes()]

    @property
    def flaky(self) -> dict[int, int]:
        """Failures still to serve per article index (a copy; 0 once recovered).

        Assigning replaces the whole mapping, so counting starts over.
        """
        return self._live.flaky

    @flaky.setter
    def flaky(self, failures: Mapping[int, int]) -> None:
        self._live.flaky = failures

    @property
    def flaky_status(self) -> int:
        """The status a flaky article fails with (400..599; 404 shows the site's page)."""
        return self._live.flaky_status

    @flaky_status.setter
    def flaky_status(self, status: int) -> None:
        self._live.flaky_status = status

    @property
    def theme(self) -> str:
        """The markup HTML pages are served in (``themes.THEMES``); assigning redesigns the site."""
        return self._live.theme

    @theme.setter
    def theme(self, theme: str) -> None:
        self._live.theme = theme

    def reset_hits(self) -> None:
        with self._hits_lock:
            self.hits.clear()

    def _count(self, target: str) -> None:
        with self._hits_lock:
            self.hits[target] += 1

    def __enter__(self) -> SampleSite:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.url if self._server else "stopped"
        hidden = f" hidden_newest={self.hidden_newest}" if self.hidden_newest else ""
        theme = f" theme={self.theme}" if self.theme != DEFAULT_THEME else ""
        return f"<SampleSite {state} articles={len(self.content)}{hidden}{theme}>"


class _Server(ThreadingHTTPServer):
    """Tracks open connections so that ``stop()`` can end idle keep-alive ones."""

    daemon_threads = True
    # socketserver's default backlog of 5 drops the SYNs of a crawler opening 8
    # connections at once, and each dropped one costs a 1 s retransmit (nginx uses 511).
    request_queue_size = 511
    router: LiveRouter
    on_request: Callable[[str], None]
    latency: float = 0.0

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def get_request(self) -> tuple[socket.socket, object]:
        sock, address = super().get_request()
        with self._open_lock:
            self._open.add(sock)
        return sock, address

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            open_sockets = list(self._open)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    timeout = 60  # idle keep-alive connections are closed after this
    server: _Server

    def version_string(self) -> str:
        return "nginx"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a crawl of 100,000 pages must not print 100,000 lines."""

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        self.server.on_request(self.path)
        if self.server.latency:  # a remote server's round trip and page generation
            time.sleep(self.server.latency)
        try:
            response = self.server.router.resolve(self.path, consume=send_body)
        except Exception:
            logger.exception("sample site failed to render %s", self.path)
            response = Response(500, b"<html><body>Internal Server Error</body></html>\n")
        body = response.body
        self.send_response(response.status)  # adds Server and Date
        self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.gzip_body is not None and _accepts_gzip(self.headers.get("Accept-Encoding")):
            body = response.gzip_body
            self.send_header("Content-Encoding", "gzip")
        # HTTP/1.0 clients cannot read chunked framing; they get a Content-Length.
        chunked = response.chunked and self.request_version == "HTTP/1.1"
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not send_body:
            return
        if chunked:
            size = max(1, -(-len(body) // CHUNKS))
            for start in range(0, len(body), size):
                piece = body[start : start + size]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)


def _accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header admits gzip (``gzip;q=0`` does not)."""
    if not header:
        return False
    qualities: dict[str, float] = {}
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        qualities[coding.strip().lower()] = quality
    return qualities.get("gzip", qualities.get("x-gzip", qualities.get("*", 0.0))) > 0
