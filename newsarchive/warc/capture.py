"""The downloader middleware that archives every HTTP exchange of a crawl as WARC records.

It sits next to the download handler (before decompression, redirects and retries), so
it sees every response as received: redirect hops, 4xx/5xx, retried attempts,
``robots.txt``. Each exchange becomes a ``response`` (or ``revisit``) record and a
``request`` record tied by ``WARC-Concurrent-To``, written before the spider sees the
response, and ``response.meta[WARC_META]`` then points at the response record (see
:mod:`newsarchive.provenance`). Responses that did not come off the wire now (HTTP cache
hits, other schemes) are not archived and carry no pointer.

Small responses (most pages) are written right away on the reactor thread: measured on
the sample site, handing them to a thread costs more (GIL hand-offs, wake-ups) than the
hashing and gzip. Large ones go to one writer thread so the crawl keeps going meanwhile;
records queue behind them, so files still fill in order. Either way a response waits for
its own record only. Closed files are indexed (``index.cdxj`` beside them) on another
thread.
"""

from __future__ import annotations

import logging
import platform
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urldefrag

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredList, succeed
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from newsarchive.fetch_time import FETCHED_AT_META
from newsarchive.provenance import WARC_META
from newsarchive.warc.handler import HANDLER_PATH, WIRE_META, WireExchange, check_internals
from newsarchive.warc.index import cdxj_line
from newsarchive.warc.records import (
    check_algorithm,
    digest,
    request_record,
    response_head,
    response_record,
    revisit_record,
    warc_date,
)
from newsarchive.warc.revisits import Original, RevisitIndex
from newsarchive.warc.writer import DEFAULT_MAX_SIZE, RecordLocation, WarcWriter

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

MIDDLEWARE_PATH = "newsarchive.warc.capture.WarcCaptureMiddleware"
MIDDLEWARE_PRIORITY = 950  # after HttpCacheMiddleware (900): nearest the download handler
INLINE_MAX = 256 * 1024
"""Bodies up to this size are archived on the reactor thread; larger ones on the writer thread."""

# Settings recorded in every warcinfo record: what shaped the crawl.
_WARCINFO_SETTINGS = (
    "ROBOTSTXT_OBEY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "RETRY_TIMES",
    "REDIRECT_ENABLED",
    "COOKIES_ENABLED",
    "DEPTH_LIMIT",
    "NEWSARCHIVE_WARC_MAX_SIZE",
    "NEWSARCHIVE_WARC_DIGEST",
    "NEWSARCHIVE_WARC_REVISITS",
)


@dataclass(frozen=True)
class WarcSettings:
    """The ``NEWSARCHIVE_WARC_*`` settings, read once and checked."""

    enabled: bool = True
    directory: Path = Path("archive")
    prefix: str | None = None
    max_size: int = DEFAULT_MAX_SIZE
    digest: str = "sha1"
    revisits: bool = True
    revisit_min_size: int = 1
    crawl_name: str | None = None
    gzip_level: int = 6
    index: bool = True
    operator: str = ""

    def __post_init__(self) -> None:
        if self.max_size <= 0:
            raise ValueError(f"NEWSARCHIVE_WARC_MAX_SIZE must be positive, got {self.max_size}")
        if not 0 <= self.gzip_level <= 9:
            raise ValueError(f"NEWSARCHIVE_WARC_GZIP_LEVEL must be 0-9, got {self.gzip_level}")
        check_algorithm(self.digest)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> WarcSettings:
        """Read the settings; a bad value stops the crawl before it starts."""
        return cls(
            enabled=settings.getbool("NEWSARCHIVE_WARC_ENABLED", True),
            directory=Path(settings.get("NEWSARCHIVE_WARC_DIR") or "archive"),
            prefix=settings.get("NEWSARCHIVE_WARC_PREFIX") or None,
            max_size=settings.getint("NEWSARCHIVE_WARC_MAX_SIZE", DEFAULT_MAX_SIZE),
            digest=check_algorithm(settings.get("NEWSARCHIVE_WARC_DIGEST") or "sha1"),
            revisits=settings.getbool("NEWSARCHIVE_WARC_REVISITS", True),
            revisit_min_size=settings.getint("NEWSARCHIVE_WARC_REVISIT_MIN_SIZE", 1),
            crawl_name=settings.get("NEWSARCHIVE_WARC_CRAWL_NAME") or None,
            gzip_level=settings.getint("NEWSARCHIVE_WARC_GZIP_LEVEL", 6),
            index=settings.getbool("NEWSARCHIVE_WARC_INDEX", True),
            operator=settings.get("NEWSARCHIVE_WARC_OPERATOR") or "",
        )


@dataclass
class _Outcome:
    """What one archive job wrote (counted into stats on the reactor thread)."""

    pointer: dict[str, Any]
    rec_type: str
    truncated: str | None
    written: int  # compressed bytes of both records


class WarcConfigurationError(RuntimeError):
    """Archiving is enabled but cannot work with these settings."""


def check_configuration(settings: BaseSettings) -> None:
    """Archiving is on: the wire-recording handler must serve http and https."""
    handlers = settings.getwithbase("DOWNLOAD_HANDLERS")
    wrong = [scheme for scheme in ("http", "https") if handlers.get(scheme) != HANDLER_PATH]
    if wrong:
        raise WarcConfigurationError(
            f"NEWSARCHIVE_WARC_ENABLED is on but DOWNLOAD_HANDLERS[{wrong[0]!r}] is not "
            f"{HANDLER_PATH!r}: responses could not be archived faithfully. Set "
            "DOWNLOAD_HANDLERS for http and https, or NEWSARCHIVE_WARC_ENABLED=False."
        )
    check_internals()


def truncation_of(response: Response) -> str | None:
    """``WARC-Truncated`` value for a response Scrapy flagged as incomplete."""
    if "dataloss" in response.flags:
        return "disconnect"
    if "download_stopped" in response.flags:
        return "length"
    return None


def truncation_of_error(exception: BaseException) -> str:
    """``WARC-Truncated`` value for a download that failed after its headers arrived."""
    name = type(exception).__name__
    if "Timeout" in name:
        return "time"
    # Scrapy cancels a download only when it outgrows DOWNLOAD_MAXSIZE (or a
    # StopDownload asks it to): both are size cuts.
    if name in ("StopDownload", "DownloadCancelledError", "CancelledError"):
        return "length"
    if "DataLoss" in name or "ResponseFailed" in name or "ConnectionLost" in name:
        return "disconnect"
    return "unspecified"


class WarcCaptureMiddleware:
    """Archive every exchange the download handler recorded; see the module docstring."""

    def __init__(self, crawler: Crawler, settings: WarcSettings) -> None:
        self.crawler = crawler
        self.settings = settings
        self.stats = crawler.stats
        self.writer: WarcWriter | None = None
        self.revisits: RevisitIndex | None = None
        self._pool = ThreadPool(1, 1, name="newsarchive-warc-writer")
        self._index_pool = ThreadPool(1, 1, name="newsarchive-warc-index")
        self._index_jobs: list[Deferred[Any]] = []
        self._queued = 0  # archive jobs handed to the writer thread and not finished
        self._index_waiting = False  # an index update is queued and has not started
        self._index_pending: list[Path] = []  # closed files not yet in index.cdxj
        self._index_lines: dict[str, list[str]] = {}  # CDXJ lines of each file, made as written
        self._index_reread: set[str] = set()  # files with records we leave to the indexer
        self._failed = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = WarcSettings.from_settings(crawler.settings)
        if not settings.enabled:
            raise NotConfigured("NEWSARCHIVE_WARC_ENABLED is off")
        if crawler.settings.get("NEWSARCHIVE_REPLAY"):
            raise NotConfigured("replaying an archive: nothing is fetched, nothing is archived")
        check_configuration(crawler.settings)
        return cls(crawler, settings)

    # -- lifecycle -------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        s = self.settings
        self.writer = WarcWriter(
            s.directory,
            s.prefix or spider.name,
            max_size=s.max_size,
            gzip_level=s.gzip_level,
            digest=s.digest,
            info=self._warcinfo(spider),
            on_close=self._file_closed,
        )
        if s.revisits:
            self.revisits = RevisitIndex(s.directory)
        self._pool.start()
        self._index_pool.start()
        logger.info("Archiving every exchange into %s", s.directory)

    async def spider_closed(self, spider: Spider) -> None:
        """Close the current file after every queued record, then wait for its index."""
        try:
            await maybe_deferred_to_future(self._in_thread(self._close_sync))
        except Exception:
            logger.exception("WARC capture failed closing the WARC file")
        finally:
            if self._pool.started:
                self._pool.stop()
        if self._index_jobs:
            await maybe_deferred_to_future(DeferredList(list(self._index_jobs), consumeErrors=True))
        if self._index_pool.started:
            self._index_pool.stop()

    def _close_sync(self) -> None:
        try:
            if self.writer is not None:
                self.writer.close()
        finally:
            if self.revisits is not None:
                self.revisits.close()

    def _file_closed(self, path: Path) -> None:
        """Called on the writer thread; the rest happens on the reactor thread."""
        _reactor().callFromThread(self._file_done, path)

    def _file_done(self, path: Path) -> None:
        self.stats.inc_value("newsarchive/warc/files")
        if not self.settings.index:
            return
        self._index_pending.append(path)
        if self._index_waiting:
            return  # an update that has not started yet will include this file
        self._index_waiting = True
        d = deferToThreadPool(_reactor(), self._index_pool, self._index_sync)
        d.addErrback(self._log_failure, "indexing the WARC directory")
        self._index_jobs.append(d)

    def _index_sync(self) -> int:
        """Merge the files closed since the last update into ``index.cdxj``.

        Lines made while writing are used as they are (no re-read of the WARC); a file
        holding exchanges the writer does not index itself (non-GET) is read back.
        """
        from newsarchive.warc.index import INDEX_NAME, cdxj_lines, merge_into_index

        self._index_waiting = False
        closed, self._index_pending = self._index_pending, []
        ready: dict[str, list[str]] = {}
        for path in closed:
            made = self._index_lines.pop(path.name, None)
            if made is None or path.name in self._index_reread:
                made = list(cdxj_lines(path, filename=path.name))
            ready[path.name] = made
        directory = self.settings.directory
        lines = merge_into_index(ready, directory / INDEX_NAME)
        logger.info("Indexed %d closed WARC file(s): %d lines in %s", len(closed), lines, directory / INDEX_NAME)
        return lines

    def _warcinfo(self, spider: Spider) -> list[tuple[str, str]]:
        import scrapy
        import twisted

        from newsarchive import __version__

        cs = self.crawler.settings
        info = [
            (
                "software",
                f"newsarchive/{__version__} (Scrapy/{scrapy.__version__}; Twisted/{twisted.__version__}; "
                f"warcio/{_dist_version('warcio')}; Python/{platform.python_version()})",
            ),
            ("format", "WARC File Format 1.1"),
            ("conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"),
            ("hostname", socket.gethostname()),
            ("isPartOf", self.settings.crawl_name or spider.name),
            ("operator", self.settings.operator),
            ("robots", "obey" if cs.getbool("ROBOTSTXT_OBEY") else "ignore"),
            ("http-header-user-agent", str(cs.get("USER_AGENT") or "")),
            ("spider", spider.name),
        ]
        info.extend(("scrapy-setting", f"{name}={cs.get(name)}") for name in _WARCINFO_SETTINGS if name in cs)
        return info

    # -- middleware hooks -----------------------------------------------------------

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        wire = self._take(request)
        if wire is not None:
            pointer = await self._archive(request, wire, response.body, truncation_of(response))
            if pointer is not None:
                request.meta[WARC_META] = pointer
        return response

    async def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        wire = self._take(request)
        if wire is None:
            return None  # failed before any response header: nothing was received
        partial = getattr(exception, "response", None)
        body = partial.body if partial is not None else b""
        pointer = await self._archive(request, wire, body, truncation_of_error(exception))
        if pointer is not None:
            request.meta[WARC_META] = pointer
        return None

    @staticmethod
    def _take(request: Request) -> WireExchange | None:
        """This download's wire record; drops what a redirect or retry copied over."""
        wire = request.meta.pop(WIRE_META, None)
        request.meta.pop(WARC_META, None)
        if not isinstance(wire, WireExchange):
            return None
        request.meta[FETCHED_AT_META] = wire.sent_at
        return wire

    # -- archiving ------------------------------------------------------------------

    async def _archive(self, request: Request, wire: WireExchange, body: bytes, truncated: str | None) -> dict[str, Any] | None:
        if self._failed or self.writer is None:
            return None
        uri = urldefrag(request.url)[0]
        try:
            if len(body) <= INLINE_MAX and not self._queued:
                # Small and nothing queued: a thread hop would cost more than the work.
                outcome = self._archive_sync(uri, wire, body, truncated)
            else:
                self._queued += 1  # later records queue behind this one, in order
                try:
                    outcome = await maybe_deferred_to_future(self._in_thread(self._archive_sync, uri, wire, body, truncated))
                finally:
                    self._queued -= 1
        except Exception:
            self._failed = True
            self.stats.inc_value("newsarchive/warc/write_errors")
            logger.critical("Cannot write the WARC archive; stopping the crawl", exc_info=True)
            self._stop("warc_write_failed")
            return None
        self.stats.inc_value(f"newsarchive/warc/records/{outcome.rec_type}")
        self.stats.inc_value("newsarchive/warc/records/request")
        self.stats.inc_value("newsarchive/warc/bytes", outcome.written)
        if outcome.truncated:
            self.stats.inc_value(f"newsarchive/warc/truncated/{outcome.truncated}")
        return outcome.pointer

    def _archive_sync(self, uri: str, wire: WireExchange, body: bytes, truncated: str | None) -> _Outcome:
        """On the writer thread: build the records, dedupe, write, remember the payload."""
        assert self.writer is not None
        s = self.settings
        date = warc_date(wire.sent_at)
        head = response_head(wire.status_line, wire.header_lines, len(body))
        payload_digest = digest([body], s.digest)
        dedupe = self.revisits is not None and truncated is None and len(body) >= s.revisit_min_size
        original = self._lookup(payload_digest) if dedupe else None
        if original is not None:
            response = revisit_record(
                target_uri=uri, date=date, head=head, payload_digest=payload_digest, algorithm=s.digest,
                refers_to=original.record_id, refers_to_uri=original.uri, refers_to_date=original.date,
                ip_address=wire.peer_ip,
            )  # fmt: skip
        else:
            response = response_record(
                target_uri=uri, date=date, head=head, body=body, algorithm=s.digest,
                ip_address=wire.peer_ip, truncated=truncated, payload_digest=payload_digest,
            )  # fmt: skip
        req = request_record(
            target_uri=uri, date=date, sent=wire.sent, algorithm=s.digest,
            concurrent_to=response.record_id, ip_address=wire.peer_ip,
        )  # fmt: skip
        locations = self.writer.write([response, req])
        where = locations[0]
        if s.index:
            self._index_record(uri, date, response.rec_type, wire, payload_digest, where)
        pointer: dict[str, Any] = where.as_pointer()
        if original is not None:
            pointer["revisit_of"] = original.as_pointer()
        elif dedupe:
            self._remember(payload_digest, Original(response.record_id, uri, date, where.filename, where.offset, where.length))
        return _Outcome(pointer, response.rec_type, truncated, sum(loc.length for loc in locations))

    def _index_record(
        self, uri: str, date: str, rec_type: str, wire: WireExchange, payload_digest: str, where: RecordLocation
    ) -> None:
        """Keep the CDXJ line of a record just written, for the index when its file closes."""
        if not wire.sent.startswith(b"GET "):
            self._index_reread.add(where.filename)  # POST keys need the request body
            return
        self._index_lines.setdefault(where.filename, []).append(cdxj_line(
            url=uri, warc_date=date, rec_type=rec_type, status_line=wire.status_line,
            header_lines=wire.header_lines, payload_digest=payload_digest,
            offset=where.offset, length=where.length, filename=where.filename,
        ))  # fmt: skip

    def _lookup(self, payload_digest: str) -> Original | None:
        assert self.revisits is not None
        try:
            return self.revisits.lookup(payload_digest)
        except Exception:  # a broken revisit index costs disk space, never records
            self._drop_revisits()
            return None

    def _remember(self, payload_digest: str, original: Original) -> None:
        assert self.revisits is not None
        try:
            self.revisits.add(payload_digest, original)
        except Exception:
            self._drop_revisits()

    def _drop_revisits(self) -> None:
        logger.error("Revisit index %s is unusable; storing full records from now on", self.revisits and self.revisits.db_path, exc_info=True)
        if self.revisits is not None:
            try:
                self.revisits.close()
            finally:
                self.revisits = None

    # -- plumbing --------------------------------------------------------------------

    def _in_thread(self, func: Callable[..., _T], *args: Any) -> Deferred[_T]:
        if not self._pool.started:
            return succeed(func(*args))
        return deferToThreadPool(_reactor(), self._pool, func, *args)

    def _log_failure(self, failure: Any, what: str) -> None:
        logger.error("WARC capture failed %s", what, exc_info=(failure.type, failure.value, failure.getTracebackObject()))

    def _stop(self, reason: str) -> None:
        engine = self.crawler.engine
        if engine is None:
            return
        if hasattr(engine, "close_spider_async"):
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason=reason))
        else:  # pragma: no cover - Scrapy < 2.14
            engine.close_spider(self.crawler.spider, reason)


def _reactor() -> Any:
    from twisted.internet import reactor

    return reactor


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
