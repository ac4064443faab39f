"""A fast path for reading well-formed gzip WARC files; anything else is the careful reader's.

Why: ``newsarchive index``, ``verify`` and ``wacz`` spent most of their time in
:class:`~newsarchive.warc.reader.RecordReader`, which takes a file apart through several
Python stream layers so that it can account for every byte of a damaged one. Most files
are not damaged: one gzip member per record, each a WARC/1.0 or WARC/1.1 record that ends
where its Content-Length says. For those, :func:`fast_records` decompresses each member
whole in one call (ISA-L where it gives zlib's verdicts, else zlib itself), cuts the
headers out of it with the parser the careful reader uses
(:mod:`newsarchive.warc.fast_headers`) and hands out the block as bytes.

It never reports damage: at the first thing the careful reader would report, or that it
cannot be sure to read the same way (a gzip error, a cut member, leading blank lines, a
header warcio would parse differently, a missing field, a block shorter or longer than its
Content-Length, a record over several members, ARC, WARC/0.17, an uncompressed file...)
it raises :class:`Unusual`. Callers keep what the fast path gave them until the file's
end and, on :class:`Unusual`, throw it away and read the whole file again with the
careful reader, so the result is always the careful reader's (``tests/test_fast_reader.py``
compares both on the corpus and on damaged copies). :data:`STATS` counts both outcomes.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import IO, Any

from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders

from newsarchive.warc.fast_headers import (
    header_lines,
    parse_crlf_header,
    parse_header,
    parse_lazy_header,
)
from newsarchive.warc.reader import _NEEDS_URI, GZIP_MAGIC

try:  # ISA-L inflate: a third less CPU than zlib's (an optional dependency: see pyproject.toml)
    from isal import isal_zlib as _isal_zlib
except ImportError:  # pragma: no cover - platforms without isal wheels
    _isal_zlib = None

logger = logging.getLogger(__name__)

_VERSION_LINES = (b"WARC/1.0\r\n", b"WARC/1.1\r\n")
_READ = 1 << 20  # raw bytes read at a time
# Members are decompressed whole; a record past this size leaves its file to the careful
# reader, which streams it (memory stays bounded whatever a file holds).
MAX_MEMBER = 4 << 20
_FIRST_FEED = 1 << 14  # compressed bytes given to a member's first inflate call
_MAX_HEADER = 1 << 20  # longer WARC headers go the careful way (it allows 8 MiB)
_WARC_TYPES = ArcWarcRecordLoader.WARC_TYPES
_HTTP_TYPES = ArcWarcRecordLoader.HTTP_TYPES
_HTTP_VERBS = ArcWarcRecordLoader.HTTP_VERBS
_HTTP_RECORDS = ArcWarcRecordLoader.HTTP_RECORDS
_HTTP_SCHEMES = ArcWarcRecordLoader.HTTP_SCHEMES


class Unusual(Exception):
    """The fast path met something only the careful reader reads right."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"at offset {offset}: {reason}")
        self.offset = offset
        self.reason = reason


@dataclass
class FastPathStats:
    """How files were read: whole on the fast path, or again by the careful reader."""

    fast_files: int = 0
    careful_files: int = 0  # the fast path gave up on them (the reasons below)
    fast_records: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def fell_back(self, source: Any, exc: Unusual) -> None:
        """Count (and log) a file handed to the careful reader."""
        self.careful_files += 1
        self.reasons[exc.reason] += 1
        logger.info("%s: fast reader stopped %s; reading it with the careful reader", source, exc)


STATS = FastPathStats()
"""Counters for this process; each fall back is also logged (INFO), and ``verify`` says in
its summary how many files each reader read."""

_ENABLED = os.environ.get("NEWSARCHIVE_FAST_READER", "1") != "0"


def enabled() -> bool:
    """Whether callers try the fast path first (``NEWSARCHIVE_FAST_READER=0``: never)."""
    return _ENABLED


def set_enabled(value: bool) -> None:
    """Turn the fast path on or off for this process (tests compare both ways)."""
    global _ENABLED
    _ENABLED = value


class IndexedHeaders(StatusAndHeaders):
    """warcio's headers with ``get_header`` by dict: the same first match, case-insensitive,
    without a scan of every header per lookup (an index line looks up seven)."""

    _index: dict[str, str] | None = None

    def get_header(self, name: str, default_value: Any = None) -> Any:
        index = self._index
        if index is None:
            index = {}
            for key, value in reversed(self.headers):
                index[key.lower()] = value
            self._index = index
        return index.get(name.lower(), default_value)

    def add_header(self, name: str, value: str) -> None:
        self._index = None
        super().add_header(name, value)

    def replace_header(self, name: str, value: str) -> Any:
        self._index = None
        return super().replace_header(name, value)

    def remove_header(self, name: str) -> Any:
        self._index = None
        return super().remove_header(name)


class FastRecord(ArcWarcRecord):
    """A warcio record whose block is in memory: ``block`` (the Content-Length bytes after
    the WARC header, ``data[body:]``), ``payload_start`` (after the HTTP header, when
    parsed), ``file_offset`` and ``file_length`` (its gzip member)."""

    def __init__(self, rec_type: str, rec_headers: StatusAndHeaders, http_headers: StatusAndHeaders | None,
                 block: memoryview, payload_start: int, offset: int, file_length: int, data: bytes,
                 body: int) -> None:
        self.format = "warc"
        self.rec_type = rec_type
        self.rec_headers = rec_headers
        self.http_headers = http_headers
        self.length = len(block)
        self.payload_length = len(block) - payload_start if http_headers else -1
        self.digest_checker = None
        self.block = block
        self.payload_start = payload_start
        self.file_offset = offset
        self.file_length = file_length
        self.data, self.body = data, body  # the member's bytes; the block starts at body
        self._raw: Any = None

    @property
    def content_type(self) -> str | None:
        """The record's Content-Type (looked up when asked: verify and the index rarely do)."""
        return self.rec_headers.get_header("Content-Type")

    @property  # type: ignore[override]
    def raw_stream(self) -> Any:
        """The payload as a stream (made when asked: the index rarely needs it)."""
        if self._raw is None:
            self._raw = BytesIO(self.block[self.payload_start:])
        return self._raw

    @raw_stream.setter
    def raw_stream(self, value: Any) -> None:
        self._raw = value


def _members(fh: IO[bytes], origin: int = 0, stop: int | None = None) -> Iterator[tuple[int, int, bytes]]:
    """(offset, end offset, decompressed data) of each gzip member, in file order: from
    ``fh``'s position, which is file offset ``origin``, to the file's end or to the first
    member that starts at ``stop`` or after (:mod:`newsarchive.warc.parallel_scan`)."""
    buf = fh.read(_READ)
    if not buf:
        raise Unusual(origin, "empty file")
    view = memoryview(buf)
    base = origin  # file offset of buf[0]
    pos = 0
    isal = _isal_zlib
    while True:
        if len(buf) - pos < 10:
            more = fh.read(_READ)
            if not more and pos == len(buf):
                return
            buf = buf[pos:] + more
            base += pos
            pos = 0
            view = memoryview(buf)
        start = base + pos
        if stop is not None and start >= stop:
            return
        if not buf.startswith(GZIP_MAGIC, pos):
            raise Unusual(start, "not a gzip member")
        # ISA-L for a plain 10-byte member header: it rejects what zlib rejects but for
        # reserved flag bits, which it ignores; zlib itself for the rest
        decomp = isal.decompressobj(31) if isal is not None and buf[pos + 3] == 0 else zlib.decompressobj(31)
        chunk = view[pos:pos + _FIRST_FEED]
        try:
            out = decomp.decompress(chunk, MAX_MEMBER + 1)
        except Exception as exc:  # noqa: BLE001 - zlib.error, isal_zlib.error
            raise Unusual(start, f"gzip member does not decompress ({exc})") from None
        if decomp.eof and len(out) <= MAX_MEMBER:  # the usual: a member in one call
            pos += len(chunk) - len(decomp.unused_data)
            yield start, base + pos, out
            continue
        parts = [out]
        room = MAX_MEMBER + 1 - len(out)
        pos += len(chunk)
        feed = _FIRST_FEED * 4
        while True:
            if room <= 0:
                raise Unusual(start, f"a record of more than {MAX_MEMBER} bytes (read by the careful reader)")
            if decomp.eof:
                pos -= len(decomp.unused_data)
                break
            if pos >= len(buf):
                more = fh.read(_READ)
                if not more:
                    raise Unusual(start, "the file ends inside a gzip member")
                base += len(buf)
                buf, pos = more, 0
                view = memoryview(buf)
            chunk = view[pos:pos + feed]
            try:
                out = decomp.decompress(chunk, room)
            except Exception as exc:  # noqa: BLE001 - zlib.error, isal_zlib.error
                raise Unusual(start, f"gzip member does not decompress ({exc})") from None
            room -= len(out)
            parts.append(out)
            pos += len(chunk)
            feed = min(feed * 4, _READ)
        yield start, base + pos, b"".join(parts)


def _record(data: bytes, start: int, end: int, parse_http: bool) -> FastRecord:
    """The record that is all of one member's ``data``, as the careful reader reads it."""
    version = data[:10]
    if version not in _VERSION_LINES:
        raise Unusual(start, "member does not start with a WARC/1.0 or WARC/1.1 line")
    parsed = (parse_lazy_header(data, 10, _MAX_HEADER, version, _WARC_TYPES, True)
              or parse_crlf_header(data, 10, _MAX_HEADER, version, _WARC_TYPES, True, IndexedHeaders))
    if parsed is None:
        lines = header_lines(data, 10, False, _MAX_HEADER)
        if lines is None:
            raise Unusual(start, "WARC header without its end, or too long")
        general = parse_header(lines, version, _WARC_TYPES, True, IndexedHeaders)
        if general is None:
            raise Unusual(start, "WARC header warcio parses its own way")
        headers, used = general
        body = 10 + sum(map(len, lines[:used]))
    else:
        headers, body = parsed
    get = headers.get_header
    rec_type = get("WARC-Type")
    value = get("Content-Length")
    if value is None or not (value.isascii() and value.isdigit()):
        raise Unusual(start, "no or a bad Content-Length")
    uri = get("WARC-Target-URI")
    if uri is not None and (" " in uri or (uri.startswith("<") and uri.endswith(">"))):
        raise Unusual(start, "WARC-Target-URI that warcio rewrites")
    if not rec_type or not get("WARC-Record-ID") or not get("WARC-Date") or (
            rec_type in _NEEDS_URI and not uri):
        raise Unusual(start, "a required WARC header field is missing")
    length = int(value)
    if len(data) - body < length:
        raise Unusual(start, "block shorter than its Content-Length (truncated, or over several members)")
    if data[body + length:].strip():
        raise Unusual(start, "bytes after the block in its gzip member")
    view = memoryview(data)
    block = view[body:body + length] if body or length != len(data) else view
    http_headers = None
    payload_start = 0
    if parse_http and length and rec_type in _HTTP_RECORDS and uri is not None and uri.startswith(_HTTP_SCHEMES):
        verbs = _HTTP_VERBS if rec_type == "request" else _HTTP_TYPES
        parsed = (parse_lazy_header(data, body, length, None, verbs, False)
                  or parse_crlf_header(data, body, length, None, verbs, False))
        if parsed is not None:
            http_headers, payload_start = parsed[0], parsed[1] - body
        else:
            http_lines = header_lines(data, body, True, length)
            if http_lines is None:
                raise Unusual(start, "HTTP header without its end in the block")
            general = parse_header(http_lines, None, verbs, False)
            if general is None:
                raise Unusual(start, "HTTP header warcio parses its own way")
            http_headers, used = general
            payload_start = sum(map(len, http_lines[:used]))
    return FastRecord(rec_type, headers, http_headers, block, payload_start, start, end - start, data, body)


def fast_records(fh: IO[bytes], *, parse_http: bool = True) -> Iterator[FastRecord]:
    """The records of a gzip WARC file open in ``fh`` (from its start), or :class:`Unusual`
    at the first thing the careful reader would read differently or report. Only what
    was handed out before the whole file was read is not to be trusted until the end."""
    count = 0
    for start, end, data in _members(fh):
        yield _record(data, start, end, parse_http)
        count += 1
    if not count:
        raise Unusual(0, "no records")


__all__ = ["STATS", "FastPathStats", "FastRecord", "IndexedHeaders", "Unusual", "enabled", "fast_records",
           "set_enabled"]
