"""The downloader middleware that archives every HTTP exchange of a crawl as WARC records.

It sits next to the download handler (before decompression, redirects and retries), so
it sees every response as received: redirect hops, 4xx/5xx, retried attempts,
``robots.txt``. Each exchange goes to the :class:`~newsarchive.warc.archiver.Archiver`,
which writes a ``response`` (or ``revisit``) record and a ``request`` record, and
``response.meta[WARC_META]`` points at the response record (see
:mod:`newsarchive.warc.provenance`).
Responses that did not come off the wire now (HTTP cache hits, other schemes) are not
archived and carry no pointer. Request records are redacted by the archiver
(:mod:`newsarchive.warc.redaction`: ``Proxy-Authorization`` always, the
``NEWSARCHIVE_WARC_REDACT_HEADERS`` besides); ``newsarchive/warc/redacted/NAME`` counts them.

The archiver runs in a writer process by default (:mod:`newsarchive.warc.writer_process`),
so hashing, gzip and indexing use another core instead of the crawl's one thread;
the response goes on to the spider at once with a
:class:`~newsarchive.warc.provenance.PendingPointer`, and
:class:`~newsarchive.warc.provenance.WarcPointerPipeline` holds items until their records
are written. If the writer falls more than ``NEWSARCHIVE_WARC_BACKLOG`` bytes behind,
responses wait for their records, so memory stays bounded.
``NEWSARCHIVE_WARC_WRITER_PROCESS = False`` runs the archiver in the crawl process.
"""

from __future__ import annotations

import logging
import platform
import socket
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object

from newsarchive.warc.fetch_time import FETCHED_AT_META
from newsarchive.warc.provenance import WARC_META, PendingPointer, WarcPointerPipeline
from newsarchive.warc.archiver import HANDLER_PATH, WIRE_META, Archiver, Outcome, WarcSettings, WireExchange
from newsarchive.warc.redaction import policy
from newsarchive.warc.writer_process import WriterProcess, WriterProcessError, log_settings

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

MIDDLEWARE_PATH = "newsarchive.warc.capture.WarcCaptureMiddleware"
MIDDLEWARE_PRIORITY = 950  # after HttpCacheMiddleware (900): nearest the download handler

# Settings recorded in every warcinfo record: what shaped the crawl. Only these, never a
# dump of all settings or of the environment (proxy URLs, tokens); the archiver also
# removes userinfo from any URL in a warcinfo value.
_WARCINFO_SETTINGS = (
    "ROBOTSTXT_OBEY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "AUTOTHROTTLE_TARGET_CONCURRENCY",
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
    # imported here: loading this module (Scrapy does, even for a replay) stays cheap
    from newsarchive.warc.handler import check_internals

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
        self._archiver: Archiver | None = None  # in this process
        self._process: WriterProcess | None = None  # or in the writer process
        self._failed = False
        # Responses wait for their records (so pointers are written before the spider
        # sees them) when nothing else would hold items back, and where requests carrying
        # items are pickled (to disk with JOBDIR, into Redis with REDIS_URL): a pending
        # pointer cannot be.
        pipelines = crawler.settings.getwithbase("ITEM_PIPELINES")
        serialized = bool(crawler.settings.get("JOBDIR") or crawler.settings.get("REDIS_URL"))
        self._wait_for_records = serialized or not any(
            load_object(path) is WarcPointerPipeline for path, order in pipelines.items() if order is not None
        )
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        if settings.writer_process:
            # Started now, so the child's start-up overlaps Scrapy's own.
            self._process, opened = WriterProcess.start(
                _reactor(), settings, self._prefix(), self._warcinfo(), log_settings(crawler.settings)
            )
            opened.addCallbacks(self._count_recovered, self._writer_failed)

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
        if self._process is None:
            self._archiver = Archiver(self.settings, self._prefix(), self._warcinfo())
            self._count_recovered(self._archiver.recovered)
        where = f"writer process {self._process.pid}" if self._process else "in the crawl process"
        logger.info("Archiving every exchange into %s (%s); request headers redacted: %s", self.settings.directory,
                    where, ", ".join(policy(self.settings.redact_headers)))

    async def spider_closed(self, spider: Spider) -> None:
        """Close the current file after every record, with its index."""
        closed: list[str] = []
        try:
            if self._process is not None:
                closed = await maybe_deferred_to_future(self._process.close())
                await maybe_deferred_to_future(self._process.ended)
            elif self._archiver is not None:
                closed = self._archiver.close()
        except (OSError, WriterProcessError) as exc:  # a full disk: one line, not a traceback
            logger.error("WARC capture failed closing the WARC file (%s)", exc)
            self._writer_failed()
        except Exception:
            logger.exception("WARC capture failed closing the WARC file")
            self._writer_failed()
        self._count_files(closed)
        if self._failed:
            # The writer runs behind the crawl, so a failure can come in after the last
            # page: the crawl must still not be reported as a success (CoreStats, a
            # signal receiver before this one, has already set "finished").
            self.stats.set_value("finish_reason", "warc_write_failed")

    def _prefix(self) -> str:
        return self.settings.prefix or self._spider_name()

    def _spider_name(self) -> str:
        spider = getattr(self.crawler, "spider", None)
        return str(getattr(spider, "name", None) or self.crawler.spidercls.name)

    def _warcinfo(self) -> list[tuple[str, str]]:
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
            ("isPartOf", self.settings.crawl_name or self._spider_name()),
            ("operator", self.settings.operator),
            ("robots", "obey" if cs.getbool("ROBOTSTXT_OBEY") else "ignore"),
            ("http-header-user-agent", str(cs.get("USER_AGENT") or "")),
            ("spider", self._spider_name()),
        ]
        info.extend(("scrapy-setting", f"{name}={cs.get(name)}") for name in _WARCINFO_SETTINGS if name in cs)
        return info

    # -- middleware hooks -----------------------------------------------------------

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        wire = self._take(request)
        if wire is not None:
            await self._archive(request, wire, response.body, truncation_of(response))
        return response

    async def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        wire = self._take(request)
        if wire is None:
            return None  # failed before any response header: nothing was received
        partial = getattr(exception, "response", None)
        body = partial.body if partial is not None else b""
        await self._archive(request, wire, body, truncation_of_error(exception))
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

    async def _archive(self, request: Request, wire: WireExchange, body: bytes, truncated: str | None) -> None:
        """Archive one exchange and leave its pointer (or pending pointer) in the meta."""
        if self._failed:
            request.meta[WARC_META] = PendingPointer.unwritten()
            return
        uri = urldefrag(request.url)[0]
        if self._archiver is not None:
            try:
                outcome = self._archiver.archive(uri, wire, body, truncated)
            except Exception:
                self._writer_failed()
                request.meta[WARC_META] = PendingPointer.unwritten()  # items from it must not be exported
                return
            request.meta[WARC_META] = self._archived(outcome)
            return
        assert self._process is not None, "spider_opened sets up one of the two"
        pending = PendingPointer()
        request.meta[WARC_META] = pending
        written = self._process.archive(uri, wire, body, truncated)
        written.addCallback(self._archived)
        written.addErrback(self._writer_failed)
        written.addBoth(pending.resolve)
        if self._wait_for_records or self._process.backlog > self.settings.backlog:
            await maybe_deferred_to_future(pending.wait())

    def _archived(self, outcome: Outcome) -> dict[str, Any]:
        self.stats.inc_value(f"newsarchive/warc/records/{outcome.rec_type}")
        self.stats.inc_value("newsarchive/warc/records/request")
        self.stats.inc_value("newsarchive/warc/bytes", outcome.written)
        for name in outcome.redacted:
            self.stats.inc_value(f"newsarchive/warc/redacted/{name}")
        if outcome.truncated:
            self.stats.inc_value(f"newsarchive/warc/truncated/{outcome.truncated}")
        self._count_files(outcome.closed_files)
        return outcome.pointer

    def _count_recovered(self, names: list[str]) -> None:
        if names:
            self.stats.inc_value("newsarchive/warc/recovered_files", len(names))

    def _count_files(self, closed: list[str]) -> None:
        if closed:
            self.stats.inc_value("newsarchive/warc/files", len(closed))

    def _writer_failed(self, failure: Any = None) -> None:
        """Nothing more can be archived: stop the crawl rather than go on unrecorded."""
        if self._failed:
            return None
        self._failed = True
        self.stats.inc_value("newsarchive/warc/write_errors")
        if failure is not None:
            exc_info: Any = (failure.type, failure.value, failure.getTracebackObject())
            why = failure.getErrorMessage()
        else:
            exc_info = sys.exc_info()
            why = f"{exc_info[1]}" if exc_info[1] is not None else "unknown error"
        # One line for people (a full disk is not a bug); the traceback for developers.
        logger.critical("Cannot write the WARC archive (%s); stopping the crawl. Everything written "
                        "before is intact; the same command continues the job once fixed", why)
        logger.debug("WARC write failure", exc_info=exc_info)
        self._stop("warc_write_failed")
        return None

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
