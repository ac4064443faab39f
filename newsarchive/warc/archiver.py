"""Where a recorded exchange becomes WARC records: build, dedupe, write, index.

:class:`Archiver` is plain synchronous code, with no Scrapy or Twisted in it, so the same
class runs in the writer process (:mod:`newsarchive.warc.writer_process`, the default)
or in the crawl process itself. For each exchange it builds a ``response`` (or
``revisit``) record and a ``request`` record tied by ``WARC-Concurrent-To``, writes both
through :class:`~newsarchive.warc.writer.WarcWriter`, remembers the payload for later
revisits, and keeps the record's CDXJ line; when a file closes, its lines are merged
into ``index.cdxj`` beside it, without reading the file back. Opening a directory, it
first finishes the files a killed crawl left ``.open`` and merges into the index any
finished file the index does not cover (:mod:`newsarchive.warc.healing`).

Secrets stop here (:mod:`newsarchive.warc.redaction`): every request record is redacted
(``Proxy-Authorization`` always, ``NEWSARCHIVE_WARC_REDACT_HEADERS`` besides), userinfo
is removed from target URIs, and each file's warcinfo says what was redacted.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive.warc.healing import heal_index
from newsarchive.warc.index import INDEX_NAME, cdxj_line, cdxj_lines, merge_into_index
from newsarchive.warc.line_spool import DEFAULT_BUFFER, SortedLineSpool
from newsarchive.warc.redaction import DEFAULT_REDACTED, RequestRedactor, header_names, scrub_text, strip_userinfo
from newsarchive.warc.records import (
    check_algorithm,
    digest,
    request_record,
    response_head,
    response_record,
    revisit_record,
    warc_date,
)
from newsarchive.warc.recovery import finish_unfinished
from newsarchive.warc.revisits import Original, RevisitIndex
from newsarchive.warc.writer import DEFAULT_MAX_SIZE, RecordLocation, WarcWriter

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

WIRE_META = "_newsarchive_wire"
"""``request.meta`` key holding the :class:`WireExchange` of the last download."""

HANDLER_PATH = "newsarchive.warc.handler.WireRecordingDownloadHandler"
"""The download handler that records :class:`WireExchange` objects (http and https)."""


@dataclass
class WireExchange:
    """What crossed the wire for one request, minus the response body (recorded by
    :mod:`newsarchive.warc.handler`)."""

    sent: bytes
    """The request exactly as written to the socket: request line, headers, body
    (credentials included: the :class:`Archiver` redacts it before it is stored)."""
    sent_at: datetime
    """When its first byte was written (UTC)."""
    status_line: bytes
    """The response status line as received, e.g. ``HTTP/1.1 404 Not Found``."""
    header_lines: list[bytes]
    """Raw response header lines in order (continuation lines kept), without CRLF."""
    peer_ip: str | None

    def to_fields(self) -> tuple[Any, ...]:
        """Plain values for the pipe to the writer process (pickled ten times faster)."""
        return (self.sent, self.sent_at.isoformat(), self.status_line, self.header_lines, self.peer_ip)

    @classmethod
    def from_fields(cls, fields: tuple[Any, ...]) -> WireExchange:
        sent, sent_at, status_line, header_lines, peer_ip = fields
        return cls(sent, datetime.fromisoformat(sent_at), status_line, header_lines, peer_ip)


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
    index_buffer: int = DEFAULT_BUFFER
    """Bytes of the open file's index lines kept in memory; more spill to a sorted run on disk."""
    operator: str = ""
    writer_process: bool = True
    backlog: int = 32 * 1024 * 1024
    writer_timeout: float = 300.0  # seconds the writer process may leave a message unanswered
    redact_headers: tuple[str, ...] = DEFAULT_REDACTED
    """Request headers whose values are not archived, besides ``Proxy-Authorization``
    (always redacted, see :mod:`newsarchive.warc.redaction`)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "redact_headers", header_names(self.redact_headers))
        if self.max_size <= 0:
            raise ValueError(f"NEWSARCHIVE_WARC_MAX_SIZE must be positive, got {self.max_size}")
        if self.writer_timeout < 0:
            raise ValueError(f"NEWSARCHIVE_WARC_WRITER_TIMEOUT must be 0 (no limit) or more, got {self.writer_timeout}")
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
            index_buffer=settings.getint("NEWSARCHIVE_WARC_INDEX_BUFFER", DEFAULT_BUFFER),
            operator=settings.get("NEWSARCHIVE_WARC_OPERATOR") or "",
            # A child process that inherits pipes needs POSIX; elsewhere, work in-process.
            writer_process=settings.getbool("NEWSARCHIVE_WARC_WRITER_PROCESS", True) and os.name == "posix",
            backlog=settings.getint("NEWSARCHIVE_WARC_BACKLOG", 32 * 1024 * 1024),
            writer_timeout=settings.getfloat("NEWSARCHIVE_WARC_WRITER_TIMEOUT", 300.0),
            redact_headers=header_names(_default_if_none(settings.get("NEWSARCHIVE_WARC_REDACT_HEADERS"), DEFAULT_REDACTED)),
        )


def _default_if_none(value: Any, default: Any) -> Any:
    return default if value is None else value


@dataclass
class Outcome:
    """What archiving one exchange did: the pointer for items, and figures for stats."""

    pointer: dict[str, Any]
    rec_type: str
    truncated: str | None
    written: int  # compressed bytes of both records
    closed_files: list[str] = field(default_factory=list)  # files finished meanwhile
    redacted: list[str] = field(default_factory=list)  # request headers redacted (one per occurrence)

    def to_fields(self) -> tuple[Any, ...]:
        return (self.pointer, self.rec_type, self.truncated, self.written, self.closed_files, self.redacted)


class Archiver:
    """Turns exchanges into records in rolling WARC files; use from one thread only."""

    def __init__(self, settings: WarcSettings, prefix: str, info: list[tuple[str, str]]) -> None:
        self.settings = settings
        self._closed: list[str] = []
        # CDXJ lines of each file, made as written (sorted, spilled past index_buffer bytes)
        self._index_lines: dict[str, SortedLineSpool] = {}
        self._index_reread: set[str] = set()  # files with records the indexer must read back
        # files a killed crawl left .open: finished and indexed before anything is written
        self.recovered = [r.path.name for r in finish_unfinished(settings.directory, self._add_to_index)]
        self.healed: list[str] = self._heal_index()  # finished files the index lacked, now merged
        self.redactor = RequestRedactor(settings.redact_headers)
        # No URL credentials in any warcinfo value, and the redactions declared in every file.
        info = [(name, scrub_text(str(value))) for name, value in info] + self.redactor.info()
        self.writer = WarcWriter(
            settings.directory,
            prefix,
            max_size=settings.max_size,
            gzip_level=settings.gzip_level,
            digest=settings.digest,
            info=info,
            on_close=self._file_closed,
        )
        self.revisits = RevisitIndex(settings.directory) if settings.revisits else None

    def archive(self, uri: str, wire: WireExchange, body: bytes, truncated: str | None) -> Outcome:
        """Write the records of one exchange; the pointer names its response record."""
        s = self.settings
        uri = strip_userinfo(uri)
        sent, redacted = self.redactor.redact(wire.sent)
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
            target_uri=uri, date=date, sent=sent, algorithm=s.digest,
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
        closed, self._closed = self._closed, []
        return Outcome(pointer, response.rec_type, truncated, sum(loc.length for loc in locations), closed, redacted)

    def close(self) -> list[str]:
        """Finish the current file (renamed, indexed) and the revisit index.

        Returns the names of files finished since the last :meth:`archive`.
        """
        try:
            self.writer.close()
        finally:
            if self.revisits is not None:
                self.revisits.close()
        closed, self._closed = self._closed, []
        return closed

    def abandon(self) -> None:
        """The crawl died: keep what the revisit index learnt, leave the file ``.open``
        (closed and unlocked, as a dying process leaves it) for the next crawl to finish."""
        try:
            if self.revisits is not None:
                self.revisits.close()
        finally:
            self.writer.abandon()

    # -- index -------------------------------------------------------------------------

    def _index_record(
        self, uri: str, date: str, rec_type: str, wire: WireExchange, payload_digest: str, where: RecordLocation
    ) -> None:
        if not wire.sent.startswith(b"GET "):
            self._index_reread.add(where.filename)  # POST keys need the request body
            return
        spool = self._index_lines.get(where.filename)
        if spool is None:
            spool = self._index_lines[where.filename] = SortedLineSpool(self.settings.directory,
                                                                        self.settings.index_buffer)
        spool.add(cdxj_line(
            url=uri, warc_date=date, rec_type=rec_type, status_line=wire.status_line,
            header_lines=wire.header_lines, payload_digest=payload_digest,
            offset=where.offset, length=where.length, filename=where.filename,
        ))  # fmt: skip

    def _heal_index(self) -> list[str]:
        if not self.settings.index:
            return []
        try:
            return heal_index(self.settings.directory)
        except Exception as exc:  # the records are safe; an index can be rebuilt at any time
            _log_failure(exc, "Could not bring %s up to date; rebuild it with `newsarchive index`",
                         self.settings.directory / INDEX_NAME)
            return []

    def _file_closed(self, path: Path) -> None:
        self._closed.append(path.name)
        self._add_to_index(path)

    def _add_to_index(self, path: Path) -> None:
        """Merge the lines of a finished file into ``index.cdxj`` (read back only if needed)."""
        if not self.settings.index:
            return
        made = self._index_lines.pop(path.name, None)
        if made is None or path.name in self._index_reread:
            if made is not None:
                made.close()
            made = SortedLineSpool(self.settings.directory, self.settings.index_buffer)
            for line in cdxj_lines(path, filename=path.name):
                made.add(line)
        index_path = self.settings.directory / INDEX_NAME
        try:
            lines = merge_into_index({path.name: made}, index_path)
        except Exception as exc:  # the records are safe; an index can be rebuilt at any time
            _log_failure(exc, "Could not update %s; rebuild it with `newsarchive index`", index_path)
            return
        finally:
            made.close()
        logger.info("Indexed %s: %d lines in %s", path.name, lines, index_path)

    # -- revisits ------------------------------------------------------------------------

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


def _log_failure(exc: Exception, message: str, *args: Any) -> None:
    """An OS error (a full disk) in one line, with the traceback at DEBUG; anything else
    with its traceback, since that is a bug."""
    if isinstance(exc, OSError):
        logger.error(message + " (%s)", *args, exc)
        logger.debug("details", exc_info=exc)
    else:
        logger.exception(message, *args)
