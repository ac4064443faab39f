"""Scrapy download handler that answers every http(s) request from WARC archives.

Installed for ``http``/``https`` in ``DOWNLOAD_HANDLERS``; it only replays when the
``NEWSARCHIVE_REPLAY`` setting names archives, and otherwise hands requests to Scrapy's
normal HTTP handler. Replaying at the handler level means every downloader middleware
(robots.txt, redirects, HTTP compression, retries, stats) sees the archived response
exactly as it saw the live one. No request ever reaches the network while replaying.
"""

from __future__ import annotations

import ipaddress
import logging
import time
import weakref
import zlib
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import build_from_crawler, load_object
from warcio.timeutils import iso_date_to_datetime

from newsarchive.warc.fetch_time import FETCHED_AT_META
from newsarchive.warc.provenance import WARC_META
from newsarchive.replay.index_lookup import Capture, CaptureIndex, CaptureResolver, DamagedCapture, Resolved
from newsarchive.replay.runs import ArchiveCache, ReplayArchive, ReplayScope, RunSelectionError
from newsarchive.warc.reader import Damage, StoredRecord, dechunk

logger = logging.getLogger(__name__)

FALLBACK_HANDLER = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"
_DROP_HEADERS = ("transfer-encoding",)  # the body is handed over de-chunked
STOPPED_REASON = "replay_run_not_found"
"""``finish_reason`` of a crawl whose ``NEWSARCHIVE_REPLAY_RUN``/``_AT`` names no run."""


class CaptureMissing(IgnoreRequest):
    """The archive holds no capture for this request (it is never fetched live instead)."""


class CapturedFailure(IgnoreRequest):
    """The capture records a download that failed live, so the replay fails it the same way.

    A ``WARC-Truncated`` response is what a crawl kept of a body it did not get whole: cut
    at the size limit (``length``: the live crawl abandoned it as too large), by a time
    limit (``time``) or by the server (``disconnect``: data loss). ``newsarchive_reason``
    is the :mod:`newsarchive.job.failures` name the live crawl counted.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.newsarchive_reason = reason


#: WARC-Truncated value -> the failure the live crawl saw.
_TRUNCATION_FAILURES = {"length": "too_large", "time": "timeout", "disconnect": "data_loss"}


def replay_paths(value: Any) -> list[str]:
    """``NEWSARCHIVE_REPLAY`` as a list of paths (comma-separated string or list)."""
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def replay_damaged(value: Any) -> bool:
    """``NEWSARCHIVE_REPLAY_DAMAGED``: ``"fail"`` (the default) or ``"replay"``."""
    choice = str(value or "fail").strip().lower()
    if choice not in ("fail", "replay"):  # the CLI refuses it first (newsarchive.setting_names)
        logger.error("NEWSARCHIVE_REPLAY_DAMAGED must be 'fail' or 'replay', got %r: failing damaged captures", value)
    return choice == "replay"


def replay_run(value: Any) -> int | None:
    """``NEWSARCHIVE_REPLAY_RUN`` as a run number (``None``: no run filter)."""
    if value in (None, "", 0, "0"):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise RunSelectionError(f"NEWSARCHIVE_REPLAY_RUN must be a run number, got {value!r}") from None
    if number < 1:
        raise RunSelectionError(f"NEWSARCHIVE_REPLAY_RUN must be 1 or more, got {number}")
    return number


class _Session:
    """What the http and https handlers of one crawler share: the archive and the scope.

    The archive comes from ``NEWSARCHIVE_REPLAY_CACHE`` (an :class:`ArchiveCache` that
    ``newsarchive replay`` shares between the crawls of one replay) or, without it, from
    a cache of this crawler's own, closed with it.
    """

    def __init__(self, crawler: Crawler, paths: list[str], on_damage: Any) -> None:
        settings = crawler.settings
        shared = settings.get("NEWSARCHIVE_REPLAY_CACHE")
        self.owned = not isinstance(shared, ArchiveCache)
        self.cache: ArchiveCache = ArchiveCache() if self.owned else shared
        fresh = not self.cache.loaded(paths)
        self.archive: ReplayArchive = self.cache.get(paths, on_damage=on_damage)
        self.load_seconds = self.archive.load_seconds if fresh else 0.0
        self.error: str | None = None
        self.scope: ReplayScope | None = None
        try:
            self.scope = self.archive.scope(run=replay_run(settings.get("NEWSARCHIVE_REPLAY_RUN")),
                                            at=settings.get("NEWSARCHIVE_REPLAY_AT") or None)
        except ValueError as exc:  # RunSelectionError, or a bad timestamp
            self.error = str(exc)
        self.closing = False
        self.handlers = 0

    @property
    def index(self) -> CaptureIndex:
        return self.scope.index if self.scope is not None else CaptureIndex([])


_SESSIONS: weakref.WeakKeyDictionary[Crawler, _Session] = weakref.WeakKeyDictionary()


class ReplayDownloadHandler(BaseDownloadHandler):
    """Answer requests from the archive when ``NEWSARCHIVE_REPLAY`` is set; else go live.

    Settings: ``NEWSARCHIVE_REPLAY`` (paths: WARC/ARC files, directories, WACZ, CDXJ),
    ``NEWSARCHIVE_REPLAY_RUN`` (replay one run of a job's archive: only captures in that
    run's files answer), ``NEWSARCHIVE_REPLAY_AT`` (timestamp: with several runs, the run
    in progress then; otherwise the nearest capture wins; default the latest),
    ``NEWSARCHIVE_REPLAY_DAMAGED`` (``fail``, the default: a request whose every capture is
    damaged fails as ``damaged_capture``; ``replay``: answer with what could be read),
    ``NEWSARCHIVE_REPLAY_CACHE`` (an :class:`~newsarchive.replay.runs.ArchiveCache` shared
    by several crawls, so the index is loaded once), ``NEWSARCHIVE_REPLAY_FALLBACK_HANDLER``
    (the live handler, Scrapy's HTTP/1.1 one).
    """

    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.paths = replay_paths(settings.get("NEWSARCHIVE_REPLAY"))
        self.replay_damaged = replay_damaged(settings.get("NEWSARCHIVE_REPLAY_DAMAGED"))
        self._fallback_path = settings.get("NEWSARCHIVE_REPLAY_FALLBACK_HANDLER", FALLBACK_HANDLER)
        self._fallback: Any = None
        self.session: _Session | None = None
        self.stats = crawler.stats
        self.read_seconds = 0.0
        self._hinted: set[str] = set()
        if self.paths:
            self.session = _SESSIONS.get(crawler)
            if self.session is None:
                self.session = _SESSIONS[crawler] = self._open_session(crawler)
            self.session.handlers += 1
            crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)

    def _open_session(self, crawler: Crawler) -> _Session:
        session = _Session(crawler, self.paths, self._damage)
        self.read_seconds += session.load_seconds
        archive, scope = session.archive, session.scope
        if archive.damaged and self.stats is not None:
            self.stats.set_value("newsarchive/replay/damaged_records", archive.damaged)
        if scope is None:
            logger.error("cannot replay %s: %s", ", ".join(self.paths), session.error)
            return session
        self._inc("newsarchive/replay/captures", len(scope.index))
        if scope.run is not None:
            if self.stats is not None:
                self.stats.set_value("newsarchive/replay/run", scope.run.number)
            logger.info("replaying %d captures of %s from %s", len(scope.index), scope.describe(),
                        ", ".join(self.paths))
        else:
            logger.info("replaying %d captures from %s", len(scope.index), ", ".join(self.paths))
            if scope.runs_in_archive >= 2:
                logger.warning(
                    "the archive holds %d runs, replayed here as one (the latest capture of each URL), "
                    "which can mix pages of different runs and miss items: `newsarchive replay` replays "
                    "each run in turn, or set NEWSARCHIVE_REPLAY_RUN=N for one run", scope.runs_in_archive)  # fmt: skip
        return session

    @property
    def replaying(self) -> bool:
        return self.session is not None

    @property
    def resolver(self) -> CaptureResolver | None:
        """Loads records, following revisits anywhere in the archive."""
        return self.session.archive.resolver if self.session is not None else None

    @property
    def index(self) -> CaptureIndex | None:
        """The captures requests are answered from (one run's, or the whole archive's)."""
        return self.session.index if self.session is not None else None

    async def download_request(self, request: Request) -> Response:
        session = self.session
        if session is None:
            return await self._live().download_request(request)
        if session.scope is None:
            self._stop(session)
            raise CaptureMissing(f"not replaying: {session.error}")
        started = time.perf_counter()
        try:
            candidates = session.scope.index.lookup(
                request.url,
                at=session.scope.at,
                method=request.method,
                body=request.body,
                content_type=_header(request.headers, b"Content-Type"),
            )
            try:
                resolved = session.archive.resolver.resolve(candidates, max_payload=self._max_payload(request))
            except DamagedCapture as exc:
                resolved = self._damaged(request, exc)
            if resolved is None:
                self._inc("newsarchive/replay/missing")
                level = logging.DEBUG if request.url.endswith("/robots.txt") else logging.WARNING
                if session.scope.run is not None and not _is_start(request):
                    level = logging.DEBUG  # pages the run did not fetch (known articles): expected
                where = f"in {session.scope.run.label()}" if session.scope.run is not None else "in the archive"
                logger.log(level, "no capture %s for %s (not fetched)", where, request)
                self._hint_other_hosts(request.url)
                raise CaptureMissing(f"no capture {where} for {request.url}")
            self._check_whole(request, resolved)
            return self._response(request, resolved)
        finally:
            self.read_seconds += time.perf_counter() - started

    def _damaged(self, request: Request, exc: DamagedCapture) -> Resolved:
        """No intact capture: fail the request (a cut or corrupt body must not pass for the
        page), or with ``NEWSARCHIVE_REPLAY_DAMAGED = "replay"`` answer with what is there."""
        if self.replay_damaged and exc.resolved is not None:
            self._inc("newsarchive/replay/damaged_replayed")
            logger.warning("%s: %s: the archived record is damaged and no other capture is intact; "
                           "replaying what is there (NEWSARCHIVE_REPLAY_DAMAGED)", request.url, exc)
            return exc.resolved
        self._inc("newsarchive/replay/damaged_failed")
        logger.warning("%s: %s: the archived record is damaged and no other capture is intact; "
                       "failed, not replayed", request.url, exc)
        raise CapturedFailure(f"{request.url}: archived record damaged: {exc.damage}", "damaged_capture") from None

    def _max_payload(self, request: Request) -> int | None:
        """Stored payloads larger than this are not even read: DOWNLOAD_MAXSIZE, plus room
        for chunked framing (the decoded size is bounded again by HttpCompressionMiddleware)."""
        maxsize = request.meta.get("download_maxsize", self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        return maxsize + maxsize // 8 + 65536 if maxsize else None

    def _check_whole(self, request: Request, resolved: Resolved) -> None:
        """Fail a capture the live crawl could not use: truncated, or over the size limit."""
        head, payload = resolved.headers, resolved.payload
        truncated = (head.rec_headers.get_header("WARC-Truncated") or "").strip().lower()
        if truncated and head.rec_type == "response":
            reason = _TRUNCATION_FAILURES.get(truncated, "data_loss")
            self._inc(f"newsarchive/replay/truncated_failed/{reason}")
            raise CapturedFailure(f"{request.url}: the archived response is truncated "
                                  f"(WARC-Truncated: {truncated}), as the live download failed", reason)
        maxsize = request.meta.get("download_maxsize", self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        size = len(payload.payload) + payload.unread
        if maxsize and size > maxsize:
            self._inc("newsarchive/replay/too_large")
            raise CapturedFailure(f"{request.url}: archived body of {size} bytes exceeds "
                                  f"DOWNLOAD_MAXSIZE ({maxsize} B)", "too_large")


    def _stop(self, session: _Session) -> None:
        """A replay that names no run of the archive stops at once (``replay_run_not_found``)."""
        if session.closing:
            return
        session.closing = True
        engine = getattr(self.crawler, "engine", None)
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=STOPPED_REASON))

    def _response(self, request: Request, resolved: Resolved) -> Response:
        head, body_record = resolved.headers, resolved.payload
        http = head.http_headers
        if http is None or http.get_statuscode() == "304":  # header-less or not-modified revisit
            http = body_record.http_headers
        body = body_record.payload
        if body_record.http_headers is None:  # resource record: the block is the body
            status, protocol = 200, "HTTP/1.1"
            headers = Headers({"Content-Type": body_record.rec_headers.get_header("Content-Type")
                               or "application/octet-stream"})
        else:
            status = int(http.get_statuscode() or 200)
            protocol = http.protocol or "HTTP/1.1"
            headers = Headers()
            for name, value in http.headers:
                if name.lower() not in _DROP_HEADERS:
                    headers.appendlist(name, value)
            # the body bytes are the payload record's: its own framing and coding apply
            chunked = (body_record.header("Transfer-Encoding") or "").lower() == "chunked"
            if chunked:
                body, ok = dechunk(body)
                if not ok:
                    self._inc("newsarchive/replay/bad_chunking")
                    logger.warning("%s:%s: bad chunked encoding, body used as stored",
                                   body_record.path, body_record.offset)
            if http is not body_record.http_headers:
                _copy_payload_headers(headers, body_record)
            encoding = _outer_encoding(headers)
            if encoding and not body_is_encoded(encoding, body):
                # browser-based archivers often store the decoded body and keep the header
                headers.pop(b"Content-Encoding", None)
                self._inc("newsarchive/replay/already_decoded")
        if head.rec_type == "revisit":
            self._inc("newsarchive/replay/revisits")
        self._inc("newsarchive/replay/hits")

        capture = resolved.capture
        request.meta[FETCHED_AT_META] = warc_datetime(head.date)
        pointer: dict[str, Any] = _pointer(capture, head)
        if resolved.original is not None:
            pointer["revisit_of"] = _pointer(resolved.original, body_record)
        request.meta[WARC_META] = pointer
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(
            url=request.url,
            status=status,
            headers=headers,
            body=body,
            flags=["replay"],
            ip_address=_ip(head.rec_headers.get_header("WARC-IP-Address")),
            protocol=protocol,
        )

    def _hint_other_hosts(self, url: str) -> None:
        """Once per host: say so when the archive holds nothing of it at all (a replay
        started from the site's real address over an archive of the sample site, say)."""
        assert self.session is not None
        index = self.session.archive.index
        host = urlsplit(url).netloc
        if host in self._hinted or index.has_host(url):
            return
        self._hinted.add(host)
        origins = index.origins()
        if origins:
            logger.warning("the archive holds no captures of %s at all, only of %s; was the live crawl "
                           "started elsewhere (spider argument base_url, say)?", host, ", ".join(origins))  # fmt: skip

    def _live(self) -> Any:
        if self._fallback is None:
            self._fallback = build_from_crawler(load_object(self._fallback_path), self.crawler)
        return self._fallback

    def _damage(self, damage: Damage) -> None:
        self._inc("newsarchive/replay/damaged_records")
        logger.warning("damaged archive: %s", damage)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)

    def _spider_closed(self, spider: Any = None) -> None:
        if self.stats is not None:
            total = self.stats.get_value("newsarchive/replay/read_seconds", 0.0) + self.read_seconds
            self.stats.set_value("newsarchive/replay/read_seconds", round(total, 3))

    async def close(self) -> None:
        session = self.session
        if session is not None:
            session.handlers -= 1
            if session.owned and session.handlers <= 0:  # a shared cache is closed by its owner
                session.cache.close()
        if self._fallback is not None:
            await self._fallback.close()


def _pointer(capture: Capture, record: StoredRecord) -> dict[str, Any]:
    """Where the record is, in the shape the live capture leaves (``newsarchive.warc.provenance``)."""
    return {
        "filename": capture.filename,
        "offset": capture.offset,
        "length": capture.length,
        "record_id": record.rec_headers.get_header("WARC-Record-ID"),
    }


def _copy_payload_headers(headers: Headers, payload: Any) -> None:
    """A revisit's headers describe the revisit; the body's coding comes from the original."""
    for name in (b"Content-Encoding", b"Content-Type"):
        value = payload.header(name.decode())
        if value is not None:
            headers[name] = value
        elif name == b"Content-Encoding":
            headers.pop(name, None)


def _outer_encoding(headers: Headers) -> str:
    value = headers.get(b"Content-Encoding") or b""
    codings = [c.strip().lower() for c in value.decode("latin-1").split(",") if c.strip()]
    return codings[-1] if codings else ""


def body_is_encoded(encoding: str, body: bytes) -> bool:
    """Does ``body`` start the way ``encoding`` (the outermost Content-Encoding) says?"""
    if not body or encoding in ("identity", "none"):
        return True
    head = body[:4096]
    if encoding in ("gzip", "x-gzip"):
        return head[:2] == b"\x1f\x8b"
    if encoding == "deflate":
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
            try:
                zlib.decompressobj(wbits).decompress(head, 1)
                return True
            except zlib.error:
                continue
        return False
    if encoding == "br":
        try:
            import brotli

            brotli.Decompressor().process(head, output_buffer_limit=1024)  # a bomb stays a sniff
            return True
        except Exception:
            return False
    return True  # unknown codings: let HttpCompressionMiddleware decide


def warc_datetime(value: str) -> datetime | None:
    """WARC-Date (any precision the writers use) as an aware UTC datetime."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = iso_date_to_datetime(value)
        except Exception:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def replayed_at(response: Response) -> datetime | None:
    """When the archived response was fetched (None for responses not from the archive)."""
    try:
        value = response.meta.get(FETCHED_AT_META)
    except AttributeError:
        return None
    return value if isinstance(value, datetime) and "replay" in response.flags else None


def _is_start(request: Request) -> bool:
    """A request the spider started with (or a redirect of one); not robots.txt."""
    return not request.meta.get("depth") and not request.meta.get("dont_obey_robotstxt") \
        and not urlsplit(request.url).path.endswith("/robots.txt")


def _header(headers: Headers, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


def _ip(value: str | None) -> Any:
    if not value:
        return None
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None
