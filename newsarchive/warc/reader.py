"""Robust reading of WARC/ARC files written by any tool, every byte accounted for.

warcio parses record headers well, but its reader hides what goes wrong underneath: a
gzip member that fails to decompress reads as a short one, a failed CRC as no data at
all, bytes between records are stepped over, and a file cut inside a record looks like
a file that ended. A checker built on it passes damaged archives as sound.

``RecordReader`` reads a file as a sequence of spans that cover it from its first byte to
its last: records (with the blank lines that end them) and damage. Gzip members are
decompressed here, one at a time, by zlib itself (deflate stream, CRC-32 and length
checked); warcio only parses the headers (taken whole from the buffer when they are in
it: ``newsarchive.warc.fast_headers``, the same result with less Python per line). Whatever is not part of a readable record is
reported as ``file:offset: what`` with its length, and reading resumes at the next record
boundary found, so one bad record costs that record and no more. Memory stays bounded
(blocks of 16 or 64 KiB, headers capped at 8 MiB) whatever the file holds. ``load_record`` fetches one
record by offset for replay.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import tempfile
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from warcio.bufferedreaders import ChunkedDataException, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

from newsarchive.warc.fast_headers import header_lines, parse_header

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b\x08"
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_SCAN_BLOCK = 1 << 20
_BLOCK = 1 << 16  # raw bytes read at a time
_GZIP_BLOCK = 1 << 14  # the same in a gzip file (a record's member is a few KiB)
_OUT = 1 << 20  # most decompressed bytes one zlib call may produce
_LINE = 1 << 16  # longest line read while looking for a record start
_HEADER_BUDGET = 8 << 20  # most bytes the WARC and HTTP headers of one record may take
# A WARC record starts with its version line; an ARC record with "URL IP DATE MIME LEN".
_RECORD_START = re.compile(
    rb"(?:^|\n)(WARC/\d\.\d+\r?\n|[a-z][a-z0-9+.-]*:\S* \S+ \d{14} \S+ \d+\r?\n)"
)
_WARC_RECORD_START = re.compile(rb"(?:^|\n)(WARC/\d\.\d+\r?\n)")
_RECORD_HEAD = re.compile(rb"[\r\n]*(?:WARC/\d\.\d+\r?\n|[a-z][a-z0-9+.-]*:\S* \S+ \d{14} \S+ \d+\r?\n)")


class NoArchives(ValueError):
    """Nothing to read: the paths given hold no WARC/ARC files."""


@dataclass(frozen=True)
class ZipMember:
    """A WARC stored inside a ZIP (WACZ) file."""

    zip_path: str
    name: str

    def __str__(self) -> str:
        return f"{self.zip_path}#{self.name}"


class _Window:
    """Read-only file view of ``size`` bytes at ``start`` of ``fh`` (a stored ZIP member)."""

    def __init__(self, fh: IO[bytes], start: int, size: int) -> None:
        self._fh, self._start, self._size, self._pos = fh, start, size, 0

    def read(self, n: int | None = -1) -> bytes:
        left = self._size - self._pos
        n = left if n is None or n < 0 else min(n, left)
        if n <= 0:
            return b""
        self._fh.seek(self._start + self._pos)
        data = self._fh.read(n)
        self._pos += len(data)
        return data

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._size}[whence]
        self._pos = max(0, min(self._size, base + pos))
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> _Window:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(source: Any) -> IO[bytes]:
    """Open a WARC file, or a WARC inside a ZIP: stored members are read in place."""
    if not isinstance(source, ZipMember):
        return open(source, "rb")  # noqa: SIM115 - the caller closes it
    with zipfile.ZipFile(source.zip_path) as zf:
        info = zf.getinfo(source.name)
        if info.compress_type != zipfile.ZIP_STORED:
            spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
            with zf.open(info) as member:
                while block := member.read(1 << 20):
                    spool.write(block)
            spool.seek(0)
            return spool  # type: ignore[return-value]
    fh = open(source.zip_path, "rb")  # noqa: SIM115 - closed with the window
    fh.seek(info.header_offset)
    local = fh.read(30)
    if local[:4] != b"PK\x03\x04":
        fh.close()
        raise zipfile.BadZipFile(f"{source}: bad local file header")
    start = info.header_offset + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(
        local[28:30], "little"
    )
    return _Window(fh, start, info.file_size)  # type: ignore[return-value]


@dataclass(frozen=True)
class Damage:
    """One problem found in an archive file.

    ``offset`` is where it starts (the record concerned, or the first byte that could not
    be read); ``length`` how many bytes from there could not be read as part of any
    record and were skipped (0 for damage inside a record that was read: a truncated
    block, a bad digest, a missing header field); ``kind`` names the cause, so that one
    cause repeated many times can be reported once with a count.
    """

    path: str
    offset: int
    message: str
    length: int = 0
    kind: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.offset}: {self.message}"


DamageHandler = Callable[[Damage], None]


def iter_archive_paths(paths: Any) -> Iterator[Path]:
    """Expand files and directories into WARC/ARC files (sorted, recursive for directories)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = [
                p for p in path.rglob("*") if p.is_file() and p.name.endswith(ARCHIVE_SUFFIXES)
            ]
            yield from sorted(found)
        else:
            yield path


def directories_without_archives(paths: Iterable[str | os.PathLike[str]],
                                 suffixes: tuple[str, ...] = ARCHIVE_SUFFIXES) -> list[Path]:
    """The directories among ``paths`` that hold no file ending in ``suffixes``."""
    empty = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and not any(p.is_file() and p.name.endswith(suffixes) for p in path.rglob("*")):
            empty.append(path)
    return empty


def unfinished_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """``.open`` WARC/ARC files in the directories among ``paths``: left out by
    :func:`iter_archive_paths`, since their writer may still be adding to them (or was
    killed: ``newsarchive index`` and the next crawl finish them)."""
    suffixes = tuple(suffix + ".open" for suffix in ARCHIVE_SUFFIXES)
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(suffixes)))
    return found


# ---------------------------------------------------------------------------------
# The bytes of a file, plain or one gzip member at a time


class _HeaderTooLong(ValueError):
    pass


class _Stream:
    """The data of an archive file from ``start`` on, as the record parser reads it.

    Plain files are handed out as they are. Gzip files are decompressed one member at a
    time: at a member's end the data ends (``begin_member`` starts the next one), unless
    ``follow`` says the record being read goes on in the next member. Nothing is hidden:
    a member that does not decompress ends its data and says why in ``error``; a file that
    ends inside a member sets ``cut``. File offsets stay known: ``offset()`` for plain
    data, ``member_start`` and ``member_end()`` for gzip members.
    """

    def __init__(self, fh: IO[bytes], start: int, gzipped: bool, block: int | None = None) -> None:
        fh.seek(start)
        self.fh = fh
        # gzip: small reads, since what is read past a member is copied at its end
        self.block = block or (_GZIP_BLOCK if gzipped else _BLOCK)
        self.gzipped = gzipped
        self.raw_pos = start  # file offset of the next byte fh.read() returns
        self.buf = BytesIO()  # data not handed out yet (readline and read in C)
        self.data = b""  # what ``buf`` holds
        self.size = 0  # bytes in ``buf``
        self.handed = 0  # bytes handed out (tell)
        self.eofs = 0  # reads that found no more data
        self.budget: int | None = None  # bytes the header parser may still read
        self.capture: list[bytes] | None = None  # lines read, while a header is parsed
        # gzip members
        self.tail = b""  # raw bytes read past the current member
        self.decomp: Any = None
        self.member_start = start
        self.members = 0  # members begun
        self.error: str | None = None  # why the current member does not decompress
        self.cut = False  # the file ends inside the current member
        self.follow: Callable[[], bool] | None = None  # data goes on into the next member?

    # -- raw position ---------------------------------------------------------------
    def offset(self) -> int:
        """File offset of the next byte handed out (plain files)."""
        return self.raw_pos - (self.size - self.buf.tell())

    def member_end(self) -> int:
        """File offset just after the current member (once its data has ended)."""
        return self.raw_pos - len(self.tail)

    def raw_head(self, n: int) -> bytes:
        """The next ``n`` raw bytes after the current member (fewer at the end of the file)."""
        while len(self.tail) < n:
            more = self.fh.read(max(self.block, n))
            if not more:
                break
            self.raw_pos += len(more)
            self.tail += more
        return self.tail[:n]

    def begin_member(self) -> bool:
        """Start decompressing the member after the current one; False if none starts there."""
        if self.raw_head(3) != GZIP_MAGIC:
            return False
        self.member_start = self.member_end()
        self.members += 1
        self.decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.error, self.cut = None, False
        return True

    def next_member_head(self, n: int = 64) -> bytes | None:
        """The first ``n`` decompressed bytes of the next member, or None if it is not gzip."""
        raw = self.raw_head(4096)
        if not raw.startswith(GZIP_MAGIC):
            return None
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw, n)
        except zlib.error:
            return None

    # -- data -----------------------------------------------------------------------
    def _more(self) -> bool:
        """Replace the (read) buffer with more data; False at the end of the data (of the
        file, or of the gzip member)."""
        if not self.gzipped:
            data = self.fh.read(self.block)
            if not data:
                return False
            self.raw_pos += len(data)
            self._fill(data)
            return True
        while True:
            decomp = self.decomp
            if decomp is None:
                return False
            if decomp.eof:
                if self.follow is None or not self.follow() or not self.begin_member():
                    return False
                continue
            data = decomp.unconsumed_tail
            if not data:
                data, self.tail = self.tail, b""
            if not data:
                data = self.fh.read(self.block)
                if not data:
                    self.cut = True
                    return False
                self.raw_pos += len(data)
            try:
                out = decomp.decompress(data, _OUT)
            except zlib.error as exc:
                self.error = _zlib_message(exc)
                self.decomp = None  # the data ends here
                return False
            if decomp.eof:
                self.tail = decomp.unused_data
            if out:
                self._fill(out)
                return True

    def _fill(self, data: bytes) -> None:
        rest = self.buf.read()  # nothing, as a rule: the buffer is refilled once read
        self.data = rest + data if rest else data
        self.buf = BytesIO(self.data)
        self.size = len(self.data)

    def take_header(self, first_line: bool, limit: int | None) -> list[bytes] | None:
        """The lines of a header that is whole in the buffer (see
        :func:`~newsarchive.warc.fast_headers.header_lines`), not consumed yet."""
        return header_lines(self.data, self.buf.tell(), first_line, limit)

    def consume(self, lines: list[bytes]) -> None:
        """Hand out ``lines`` (taken by :meth:`take_header`) as ``readline`` would."""
        n = sum(map(len, lines))
        self.buf.seek(self.buf.tell() + n)
        self.handed += n
        if self.capture is not None:
            self.capture.extend(lines)
        if self.budget is not None:
            self._spend(n)

    def readline(self, length: int | None = None) -> bytes:
        budget = self.budget
        if budget is not None and (length is None or length > budget + 1):
            length = budget + 1
        if length is None:
            line = self.buf.readline()
            if line[-1:] != b"\n":
                line = self._rest_of_line(line, None)
        elif length <= 0:
            return b""
        else:
            line = self.buf.readline(length)
            if line[-1:] != b"\n" and len(line) < length:
                line = self._rest_of_line(line, length)
        n = len(line)
        self.handed += n
        if budget is not None:
            self._spend(n)
        if self.capture is not None:
            self.capture.append(line)
        return line

    def _rest_of_line(self, start: bytes, length: int | None) -> bytes:
        parts = [start]
        got = len(start)
        while True:
            if not self._more():
                self.eofs += 1
                break
            part = self.buf.readline(-1 if length is None else length - got)
            parts.append(part)
            got += len(part)
            if part[-1:] == b"\n" or (length is not None and got >= length):
                break
        return b"".join(parts)

    def _spend(self, n: int) -> None:
        self.budget = (self.budget or 0) - n
        if self.budget < 0:
            raise _HeaderTooLong(f"record header longer than {_HEADER_BUDGET} bytes")

    def read(self, length: int | None = None) -> bytes:
        if length is None or length < 0:
            parts = []
            while True:
                part = self.read(self.block)
                if not part:
                    return b"".join(parts)
                parts.append(part)
        data = self.buf.read(length)
        if len(data) < length:
            parts = [data]
            got = len(data)
            while got < length:
                if not self._more():
                    self.eofs += 1
                    break
                part = self.buf.read(length - got)
                parts.append(part)
                got += len(part)
            data = b"".join(parts)
        self.handed += len(data)
        if self.budget is not None:
            self._spend(len(data))
        return data

    def skip_to_end(self) -> tuple[int, bytes]:
        """Read what is left of the data (of the member, or the file): (bytes, the first
        up to 256 of them that are not blank; empty when all are blank)."""
        count, sample = 0, b""
        while True:
            part = self.read(self.block)
            if not part:
                return count, sample
            count += len(part)
            if len(sample) < 256:
                sample = (sample + part if sample else part.lstrip())[:256]

    def tell(self) -> int:
        return self.handed

    def close(self) -> None:  # the file belongs to whoever opened it
        pass


def _zlib_message(exc: zlib.error) -> str:
    text = str(exc)
    if "incorrect data check" in text:
        return "CRC-32 mismatch: its data is not what was compressed"
    if "incorrect length check" in text:
        return "length mismatch: its data is not what was compressed"
    return f"deflate stream broken ({text.replace('Error -3 while decompressing data: ', '')})"


class _FastParser(StatusAndHeadersParser):
    """warcio's header parser, taking a header whole from the reader's buffer when it is
    there (:mod:`newsarchive.warc.fast_headers`: the same result, without a ``readline``
    through each stream layer per line); any other case is warcio's own."""

    def parse(self, stream: Any, full_statusline: Any = None) -> StatusAndHeaders:
        base, limiter = stream, None
        if type(stream) is LimitReader:
            base, limiter = stream.stream, stream
        if type(base) is _Stream:
            limit = limiter.limit if limiter is not None else None
            lines = base.take_header(full_statusline is None, limit)
            if lines is not None:
                parsed = parse_header(lines, full_statusline, self.statuslist, self.verify)
                if parsed is not None:
                    headers, used = parsed
                    del lines[used:]
                    base.consume(lines)
                    if limiter is not None:
                        limiter.limit -= sum(map(len, lines))
                    return headers
        return super().parse(stream, full_statusline)


class _Loader(ArcWarcRecordLoader):
    """warcio's loader, noting what it would pass over in silence.

    warcio reads a record without Content-Length to the end of the file and one with a
    bad Content-Length as empty, drops HTTP parsing with an ``AttributeError`` when a
    response has no ``WARC-Target-URI``, and returns a header cut by the end of the data
    as if it were whole. Here a missing or bad length makes the block empty (the bytes
    that follow are then read as what they are), and the rest is noted for the reader.
    """

    def __init__(self) -> None:
        super().__init__(verify_http=False, arc2warc=True)
        self.warc_parser = _FastParser(self.WARC_TYPES)
        self.http_parser = _FastParser(self.HTTP_TYPES, False)
        self.http_req_parser = _FastParser(self.HTTP_VERBS, False)
        self.parsed_format: str | None = None
        self.header_cut = False
        self.bad_length: tuple[str | None] | None = None
        self.header_lines: list[bytes] = []
        self.target_uri: str | None = None

    def _ensure_target_uri_format(self, rec_headers: Any) -> Any:
        self.target_uri = uri = super()._ensure_target_uri_format(rec_headers)
        return uri

    def _detect_type_load_headers(self, stream: Any, statusline: Any = None,
                                  known_format: Any = None) -> tuple[str, Any]:
        eofs = getattr(stream, "eofs", 0)
        self.bad_length = self.target_uri = None
        capture = self.header_lines = []
        deep = type(stream) is _Stream and not stream.gzipped  # see RecordReader._check_header
        if deep:
            stream.capture = capture
        try:
            the_format, headers = super()._detect_type_load_headers(stream, statusline, known_format)
        finally:
            if deep:
                stream.capture = None
        self.parsed_format = the_format
        self.header_cut = getattr(stream, "eofs", 0) != eofs
        value = headers.get_header("Content-Length")
        if value is None or not _DIGITS.fullmatch(value):
            self.bad_length = (value,)
            headers.replace_header("Content-Length", "0")
        return the_format, headers

    def load_http_headers(self, rec_type: Any, uri: Any, stream: Any, length: Any) -> Any:
        if uri is None:
            return None
        return super().load_http_headers(rec_type, uri, stream, length)

    def restore(self, record: ArcWarcRecord) -> None:
        """Put back the Content-Length the record really has (or has not)."""
        if self.bad_length is not None:
            original = self.bad_length[0]
            if original is None:
                record.rec_headers.remove_header("Content-Length")
            else:
                record.rec_headers.replace_header("Content-Length", original)


def _limit(record: ArcWarcRecord) -> int:
    """Bytes of the record's block not read yet (its stream is a LimitReader)."""
    return int(getattr(record.raw_stream, "limit", 0) or 0)


def _drain(record: ArcWarcRecord) -> None:
    stream = record.raw_stream
    while stream.read(_BLOCK):
        pass


def _describe(record: ArcWarcRecord) -> str:
    uri = record.rec_headers.get_header("WARC-Target-URI")
    kind = record.rec_type or "untyped"
    return f"{kind} record {uri}" if uri else f"{kind} record"


# ---------------------------------------------------------------------------------
# WARC header checks. In a gzip member the CRC-32 proves a header is as written; the
# headers of an uncompressed file no checksum covers, so they are looked at for damage.


_DIGITS = re.compile(r"\s*\d+\s*")  # a Content-Length
_NEEDS_URI = ("response", "request", "revisit", "resource", "conversion", "continuation")
_VERSION_LINE = re.compile(rb"WARC/\d\.\d+\r*\n?")
# A header line is "Name: value" (a token, a colon) or goes on with the one before (starts
# with a space or tab), without control characters; "\r\r\n" line ends are seen too.
_FIELD_LINE = re.compile(rb"(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+[ \t]*:|[ \t])[^\x00-\x08\x0a-\x1f\x7f]*\r*\n?")
_CONTROL_TABLE = bytes(  # control characters (tab, CR, LF aside) to 0, all else to 1
    0 if (b < 0x20 and b not in (9, 10, 13)) or b == 0x7F else 1 for b in range(256)
)
_FIELDS = {name.lower(): name for name in (  # the fields of WARC 1.1
    "WARC-Record-ID", "Content-Length", "WARC-Date", "WARC-Type", "Content-Type",
    "WARC-Concurrent-To", "WARC-Block-Digest", "WARC-Payload-Digest", "WARC-IP-Address",
    "WARC-Refers-To", "WARC-Refers-To-Target-URI", "WARC-Refers-To-Date", "WARC-Target-URI",
    "WARC-Truncated", "WARC-Warcinfo-ID", "WARC-Filename", "WARC-Profile",
    "WARC-Identified-Payload-Type", "WARC-Segment-Number", "WARC-Segment-Origin-ID",
    "WARC-Segment-Total-Length",
)}
_TYPES = {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation"}
_ID_FIELDS = ("warc-record-id", "warc-concurrent-to", "warc-refers-to", "warc-warcinfo-id")
_ID_VALUE = re.compile(r"<[^\s<>]+>")
_UUID_PATTERN = r"<(?:urn:uuid:)+[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}>"
_UUID_VALUE = re.compile(_UUID_PATTERN)  # (some tools repeat the urn:uuid: prefix)
_DATE_PATTERN = r"\d{4}(?:-\d\d(?:-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?)?)?"
_DATE = re.compile(_DATE_PATTERN)  # W3C date, any precision
_DIGEST_ALGORITHMS = {"sha1", "sha256", "sha512", "sha384", "sha224", "md5"}
_DIGEST_NAMES = {spelling for algo in ("sha1", "sha256", "sha512", "md5") for spelling in
                 (algo, algo.upper(), algo.replace("sha", "sha-"), algo.upper().replace("SHA", "SHA-"))}
_DIGEST_PATTERN = f"(?:{'|'.join(sorted(re.escape(name) for name in _DIGEST_NAMES))}):[^\n]*"
# The fields whose values are checked: a quick test each, and the same as a pattern, so
# that all of a header's checked values are tested by one regular expression.
_VALID: dict[str, Callable[[str], Any]] = {
    **{key: _UUID_VALUE.fullmatch for key in _ID_FIELDS},
    "warc-date": _DATE.fullmatch, "warc-refers-to-date": _DATE.fullmatch,
    "warc-type": _TYPES.__contains__,
    "warc-block-digest": lambda value: value.partition(":")[0] in _DIGEST_NAMES,
    "warc-payload-digest": lambda value: value.partition(":")[0] in _DIGEST_NAMES,
}
_PATTERNS = {
    **{key: _UUID_PATTERN for key in _ID_FIELDS},
    "warc-date": _DATE_PATTERN, "warc-refers-to-date": _DATE_PATTERN,
    "warc-type": f"(?:{'|'.join(sorted(_TYPES))})",
    "warc-block-digest": _DIGEST_PATTERN, "warc-payload-digest": _DIGEST_PATTERN,
}
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _check_fields(lines: list[bytes], block: bytes, headers: StatusAndHeaders,
                  plans: dict[Any, Any]) -> str | None:
    """What is wrong with a WARC header's fields, beyond the lines themselves (None:
    nothing found). ``lines``: the header as read, its version line left out, and
    ``block`` the same joined; ``plans``: how to check a header with a given list of
    field names (a writer repeats its lists).

    Only what no tool writes on purpose: control characters, a record ID that is no
    ``<URI>`` or a broken UUID, a date that is no date, a field name or record type one
    character away from a standard one (a flipped bit). Other tools' own fields and
    values are fine. A sound header costs one regular expression over its checked values.
    """
    if b"\x00" in block.translate(_CONTROL_TABLE) or block.count(b"\r") != block.count(b"\r\n"):
        bad = _bad_header_line(lines)  # "\r\r\n" line ends are fine
        if bad:
            return bad
    fields = headers.headers
    names = tuple(map(_FIRST, fields))
    plan = plans.get(names)
    if plan is None:
        if len(plans) > 64:  # not one writer after all: keep it small
            plans.clear()
        plan = plans[names] = _plan(names)
    if isinstance(plan, str):
        return plan  # a damaged field name
    pick, valid = plan
    if valid.fullmatch("\n".join(map(_SECOND, pick(fields)))):
        return None
    for name, value in pick(fields):  # which one, and is it really wrong?
        key = name.lower()
        if not _VALID[key](value):
            bad = _bad_field(name, key, value.strip())
            if bad:
                return bad
    return None


def _plan(names: tuple[str, ...]) -> tuple[Callable[[Any], Any], re.Pattern[str]] | str:
    """How to check a header with these field names: what picks the checked fields, and
    the pattern their values, joined by newlines, match when sound (or what is wrong
    with a field name)."""
    picked = []
    for index, name in enumerate(names):
        key = name.lower()
        if key in _VALID:
            picked.append((index, _PATTERNS[key]))
        elif key not in _FIELDS:
            near = _one_off(key, _FIELDS)  # other tools' fields are fine: only typos of ours are not
            if near:
                return f"field name {name[:60]!r} looks damaged ({_FIELDS[near]}?)"
    indexes = [index for index, _ in picked]
    picker = itemgetter(*indexes) if len(indexes) > 1 else (lambda row: [row[i] for i in indexes])
    return picker, re.compile("\n".join(pattern for _, pattern in picked))


def _bad_header_line(lines: list[bytes]) -> str | None:
    """What is wrong with the first bad line of a WARC header (None: all fine)."""
    for number, line in enumerate(lines, 2):
        if not line.strip():
            return None  # the blank line that ends the header
        problem = None
        if not _FIELD_LINE.fullmatch(line):
            problem = "not a 'Name: value' field" if b":" not in line else "a name or value with control characters"
        else:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                problem = "not UTF-8"
        if problem:
            text = line[:60].decode("utf-8", "backslashreplace").rstrip()
            return f"line {number} is {problem}: {text!r}"
    return None


def _bad_field(name: str, key: str, value: str) -> str | None:
    """What is wrong with the value of one of the fields in ``_VALID``, or None."""
    if key in _ID_FIELDS:
        if _UUID_VALUE.fullmatch(value):
            return None
        lower = value.lower()
        nid = lower[5:].split(":", 1)[0] if lower.startswith("<urn:") else ""
        if not _ID_VALUE.fullmatch(value) or lower.startswith("<urn:uuid") or _one_off(nid, ("uuid",)):
            return f"{name} {value[:60]!r} is not a record ID (<urn:uuid:...> or another <URI>)"
    elif key in ("warc-block-digest", "warc-payload-digest"):
        algo = value.split(":", 1)[0].strip().lower().replace("-", "")
        near = _one_off(algo, _DIGEST_ALGORITHMS) if ":" in value else "ALGORITHM:VALUE"
        if near:
            return f"{name} {value[:60]!r} looks damaged ({near}?)"
    elif key in ("warc-date", "warc-refers-to-date"):
        if not _DATE.fullmatch(value):
            return f"{name} {value[:60]!r} is not a date"
    elif key == "warc-type":
        near = _one_off(value.lower(), _TYPES)
        if near:
            return f"WARC-Type {value[:60]!r} looks damaged ({near}?)"
    return None


def _one_off(word: str, known: Iterable[str]) -> str | None:
    """The known word that ``word`` (not itself known) differs from in one character."""
    if word in known:
        return None
    for candidate in known:
        if len(candidate) == len(word) and sum(a != b for a, b in zip(candidate, word)) == 1:
            return candidate
    return None


# ---------------------------------------------------------------------------------
# Sequential reading with every byte accounted for


class RecordReader:
    """Iterate the records of one WARC/ARC file, reporting damage and resuming after it.

    Quacks like warcio's ``ArchiveIterator`` (``get_record_offset``/``get_record_length``)
    so the CDXJ indexer (``newsarchive.warc.cdxj``) can use it. Every byte of the file ends up in a record
    (with its trailing blank lines) or in a reported damage, and ``bytes_read``,
    ``unreadable_bytes`` say how many. ``check_headers`` looks closer at the WARC headers
    of uncompressed files, which no checksum covers (``verify`` does). A file that is one gzip member holding several
    records cannot be read by offset; it is read through a decompressed copy and offsets
    then refer to the decompressed data (reported once as damage).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | ZipMember,
        *,
        parse_http: bool = True,
        check_digests: bool = False,
        check_headers: bool = False,
        on_damage: DamageHandler | None = None,
        name: str | None = None,
    ) -> None:
        self.path = path if isinstance(path, ZipMember) else Path(path)
        self.name = name or str(path)
        self.parse_http = parse_http
        self.check_digests = check_digests
        self.on_damage = on_damage
        self.damages: list[Damage] = []
        self.records = 0
        self.size = 0  # bytes in the file (the decompressed copy for a one-member file)
        self.bytes_read = 0  # bytes accounted for: records, blank lines, damage
        self.unreadable_bytes = 0  # of which not part of any readable record
        self.record_damaged = False  # the current record is truncated or corrupt
        self.record_members = 1  # gzip members the current record spans
        self.check_headers = check_headers
        self._plans: dict[Any, Any] = {}
        self._loader = _Loader()
        self._format: str | None = None  # "warc" once a record was WARC
        self._stream: _Stream | None = None
        self._fh: IO[bytes] | None = None
        self._record: ArcWarcRecord | None = None
        self._start = 0
        self._info: tuple[int, int] | None = None
        self._next = 0  # where reading goes on after the current record
        self._members = 0
        self._first_line = b""

    # -- ArchiveIterator-compatible surface ---------------------------------------
    def get_record_offset(self) -> int:
        return self._finish()[0]

    def get_record_length(self) -> int:
        return self._finish()[1]

    def __iter__(self) -> Iterator[ArcWarcRecord]:
        try:
            raw = open_source(self.path)
        except (OSError, zipfile.BadZipFile, KeyError) as exc:
            self._damage(0, f"cannot read the file: {_one_line(exc)}", kind="unreadable-file")
            return
        with raw:
            try:
                yield from self._read(raw)
            except OSError as exc:  # an I/O error in the middle of the file
                self._damage(self.bytes_read, f"cannot read the file: {_one_line(exc)}",
                             self.size - self.bytes_read, kind="unreadable-file")
                self._account(self.bytes_read, self.size, unreadable=True)

    # -- damage and accounting ------------------------------------------------------
    def _damage(self, offset: int, message: str, length: int = 0, kind: str = "") -> None:
        damage = Damage(self.name, offset, message, length, kind)
        self.damages.append(damage)
        if self.on_damage is not None:
            self.on_damage(damage)
        else:
            logger.warning("%s", damage)

    def _account(self, start: int, end: int, unreadable: bool = False) -> None:
        """Bytes ``start:end`` are accounted for; any gap before them is reported."""
        if start > self.bytes_read:  # cannot happen unless a case was missed: say so
            gap = start - self.bytes_read
            self.unreadable_bytes += gap
            self._damage(self.bytes_read, f"{gap} bytes were not read as part of any record",
                         gap, kind="unaccounted")
            self.bytes_read = start
        if end > self.bytes_read:
            if unreadable:
                self.unreadable_bytes += end - self.bytes_read
            self.bytes_read = end

    def _skip(self, start: int, resume: int | None, why: str, kind: str = "unreadable") -> None:
        """Report bytes ``start:resume`` (to the end of the file if None) as unreadable."""
        end = self.size if resume is None else resume
        count = end - start
        where = (f"skipped {count} bytes to the next record at {resume}" if resume is not None
                 else f"no further record: {count} bytes to the end of the file skipped")
        self._damage(start, f"{why}; {where}", count, kind=kind)
        self._account(start, end, unreadable=True)

    def _resync(self, fh: IO[bytes], pos: int, gzipped: bool) -> int | None:
        return _next_record_start(fh, pos, gzipped, warc_only=self._format == "warc")

    # -- reading --------------------------------------------------------------------
    def _read(self, raw: IO[bytes]) -> Iterator[ArcWarcRecord]:
        self.size = raw.seek(0, 2)
        raw.seek(0)
        if self.size == 0:
            self._damage(0, "empty file (0 bytes): no records", kind="empty")
            return
        gzipped = raw.read(3) == GZIP_MAGIC
        raw.seek(0)
        view = _single_member_view(raw) if gzipped else None
        if view is None:
            yield from (self._gzip_records(raw) if gzipped else self._plain_records(raw))
            self._account(self.size, self.size)
            if self.records == 0 and not self.damages:
                self._damage(0, "no records in this file", kind="empty")
            return
        spool, size, problem = view
        compressed = self.size
        with spool:  # read in decompressed bytes; accounted in the file's own below
            self.size = size
            yield from self._plain_records(spool)
            self._account(self.size, self.size)
        self.size = self.bytes_read = compressed
        self._damage(0, "whole file is one gzip member, so records cannot be read by offset; "
                        "offsets refer to the decompressed data (fix: warcio recompress)",
                     kind="single-member")
        if problem:
            self._damage(0, f"its only gzip member {problem}", kind="gzip")

    def _parse(self, stream: _Stream, line: bytes) -> ArcWarcRecord | str:
        """The record whose first line is ``line``, or why there is none."""
        loader = self._loader
        self._first_line = line
        stream.budget = _HEADER_BUDGET - len(line)
        try:
            record = loader.parse_record_stream(
                stream, line, self._format, no_record_parse=not self.parse_http,
                ensure_http_headers=False, check_digests=self.check_digests,
            )
        except Exception as exc:  # noqa: BLE001 - untrusted bytes: any parser failure is damage
            return f"unreadable record: {_one_line(exc)}"
        finally:
            stream.budget = None
        loader.restore(record)
        if loader.header_cut:
            return "record header cut short: the data ends before the blank line that ends it"
        if self._format is None and loader.parsed_format == "warc":
            self._format = "warc"  # so later records must be WARC too
        return record

    def _check_header(self, record: ArcWarcRecord, offset: int) -> None:
        """Report what the record's header lacks, and (uncompressed files) damage in it."""
        loader = self._loader
        if loader.bad_length is not None:
            value = loader.bad_length[0]
            said = "has no Content-Length" if value is None else f"has a bad Content-Length {value.strip()!r}"
            self._damage(offset, f"{_describe(record)} {said}: its block cannot be delimited (read as empty)",
                         kind="header")
        if loader.parsed_format != "warc":
            return  # ARC headers converted by warcio: their fields are made up
        headers = record.rec_headers
        missing = []
        if not record.rec_type:
            missing.append("WARC-Type")
        if not headers.get_header("WARC-Record-ID"):
            missing.append("WARC-Record-ID")
        if not headers.get_header("WARC-Date"):
            missing.append("WARC-Date")
        if record.rec_type in _NEEDS_URI and not loader.target_uri:
            missing.append("WARC-Target-URI")
        if missing:  # kept on the record: the index makes no line without URI and date
            record.missing_fields = missing  # type: ignore[attr-defined]
            self._damage(offset, f"{_describe(record)} lacks {', '.join(missing)}, which every such "
                         "record must have", kind="header")
        # In a gzip member the CRC-32 proves the header is as written; an uncompressed
        # file's headers no checksum covers, so they are looked at for damage: lines that
        # are no field (warcio drops them in silence), bytes that are not UTF-8, and with
        # check_headers (verify) control characters and values no writer writes.
        if self._stream is None or self._stream.gzipped:
            return
        lines = loader.header_lines
        block = b"".join(lines)
        bad = None
        if not _VERSION_LINE.fullmatch(self._first_line):
            text = self._first_line[:30].decode("utf-8", "backslashreplace").rstrip()
            bad = f"version line {text!r}"
        elif len(lines) - 1 != len(headers.headers) or not block.isascii():
            bad = _bad_header_line(lines)  # or only continuation lines, UTF-8 values...
        if bad is None and self.check_headers:
            bad = _check_fields(lines, block, headers, self._plans)
        if bad:
            self._damage(offset, f"{_describe(record)}: damaged WARC header: {bad}", kind="header")

    def _begin(self, record: ArcWarcRecord, start: int, stream: _Stream) -> None:
        record.parsed_format = self._loader.parsed_format  # type: ignore[attr-defined]
        self._record, self._start, self._stream = record, start, stream
        self._info = None
        self._members = stream.members
        self.record_damaged = False
        self.record_members = 1
        self.records += 1
        self._check_header(record, start)

    def _plain_records(self, fh: IO[bytes]) -> Iterator[ArcWarcRecord]:
        """Records of an uncompressed file; blank lines between them are fine, nothing else."""
        self._fh = fh
        stream = _Stream(fh, 0, gzipped=False)
        after: ArcWarcRecord | None = None  # the record before, while only blank lines follow it
        after_start = 0
        after_damaged = False
        line_ends = 0  # in the blank lines after it
        blank = b""  # the last of them
        while True:
            start = stream.offset()
            line = stream.readline(_LINE)
            if line and not line.strip():
                self._account(start, stream.offset())
                line_ends += line.count(b"\n")
                blank = line
                continue
            if not line:
                if (after is not None and not after_damaged and self._loader_format(after) == "warc"
                        and (not line_ends or not blank.endswith(b"\n"))):
                    # a writer killed between a block and the blank lines after it, or a cut
                    self._damage(after_start, f"{_describe(after)}: the file ends right after its block, "
                                 "without the blank lines (CRLF CRLF) that end a record: cut short?",
                                 kind="truncated")
                return
            parsed = self._parse(stream, line)
            if isinstance(parsed, str):
                resume = self._resync(fh, start + 1, gzipped=False)
                if after is not None and not line_ends:
                    length = after.rec_headers.get_header("Content-Length")
                    why = (f"unexpected data right after the {_describe(after)} at {after_start}: "
                           f"the record does not end where its Content-Length ({length}) says")
                    self._skip(start, resume, why, kind="length")
                else:
                    self._skip(start, resume, parsed)
                if resume is None:
                    return
                stream = _Stream(fh, resume, gzipped=False)
                after = None
                continue
            self._begin(parsed, start, stream)
            yield parsed
            self._finish()
            after, after_start, line_ends, after_damaged = parsed, start, 0, self.record_damaged
            self._record = None

    @staticmethod
    def _loader_format(record: ArcWarcRecord) -> str:
        return getattr(record, "parsed_format", "")

    def _gzip_records(self, fh: IO[bytes]) -> Iterator[ArcWarcRecord]:
        """Records of a gzip file, each its own member (or several, for a long record)."""
        self._fh = fh
        stream = _Stream(fh, 0, gzipped=True)
        pos = 0
        while pos < self.size:
            if not stream.begin_member():
                resume = self._resync(fh, pos + 1, gzipped=True)
                self._skip(pos, resume, "not a gzip member (garbage between records?)", kind="garbage")
                if resume is None:
                    return
                pos, stream = resume, _Stream(fh, resume, gzipped=True)
                continue
            start = pos
            line = b""
            while not line.strip():
                line = stream.readline(_LINE)
                if not line:
                    break
            if not line.strip():  # the member ended (or broke) before any record
                clean = stream.error is None and not stream.cut
                pos = self._member_without_record(fh, stream, start)
                if pos is None:
                    return
                if not clean:  # resynchronised: the file was read elsewhere
                    stream = _Stream(fh, pos, gzipped=True)
                continue
            parsed = self._parse(stream, line)
            if isinstance(parsed, str):
                if stream.error is not None:
                    parsed = f"gzip member at {stream.member_start} is corrupt: {stream.error}"
                elif stream.cut:
                    parsed = "the file ends inside this record's header"
                resume = self._resync(fh, start + 1, gzipped=True)
                kind = "gzip" if stream.error else "truncated" if stream.cut else "unreadable"
                self._skip(start, resume, parsed, kind=kind)
                if resume is None:
                    return
                pos, stream = resume, _Stream(fh, resume, gzipped=True)
                continue
            self._begin(parsed, start, stream)
            stream.follow = self._continues
            yield parsed
            self._finish()
            self._record = None
            pos = self._next
            if stream.decomp is None or stream.cut or pos != stream.member_end():
                stream = _Stream(fh, pos, gzipped=True)  # resynchronised after damage

    def _member_without_record(self, fh: IO[bytes], stream: _Stream, start: int) -> int | None:
        """Account for a member that holds no record; where reading goes on (None: EOF)."""
        if stream.error is not None:
            resume = self._resync(fh, start + 1, gzipped=True)
            self._skip(start, resume, f"gzip member at {start} is corrupt: {stream.error}", kind="gzip")
            return resume
        if stream.cut:
            self._skip(start, None, "the file ends inside a gzip member", kind="truncated")
            return None
        end = stream.member_end()
        self._damage(start, f"gzip member of {end - start} bytes holds no record", end - start, kind="empty")
        self._account(start, end, unreadable=True)
        return end

    def _continues(self) -> bool:
        """At the end of a member: does the current record go on in the next one?"""
        record, stream = self._record, self._stream
        if record is None or stream is None or _limit(record) <= 0:
            return False
        head = stream.next_member_head()
        return head is not None and not _RECORD_HEAD.match(head)

    def _finish(self) -> tuple[int, int]:
        """Read the current record to its end; check it was whole; account for its bytes."""
        if self._info is not None:
            return self._info
        record, stream = self._record, self._stream
        assert record is not None and stream is not None, "no current record"
        start = self._start
        _drain(record)
        missing = _limit(record)
        if stream.gzipped:
            stream.follow = None
            self.record_members = stream.members - self._members + 1
            extra, head = (0, b"") if stream.error or stream.cut else stream.skip_to_end()
            if stream.error is not None:
                bad = stream.member_start
                resume = self._resync(self._fh, bad + 1, gzipped=True)  # type: ignore[arg-type]
                self._account(start, bad)
                read = f"{record.length - missing} of {record.length} bytes of its block read; " if missing else ""
                self._skip(bad, resume, f"{_describe(record)} at {start}: its gzip member at {bad} is corrupt "
                           f"({stream.error}); {read}".rstrip("; "), kind="gzip")
                end = self.size if resume is None else resume
                self.record_damaged = True
                record.corrupt = True  # type: ignore[attr-defined]  # none of its bytes can be trusted
            elif stream.cut:
                end = self.size
                said = (f"{missing} of {record.length} bytes missing" if missing
                        else "its gzip member has no end (the gzip trailer is missing)")
                self._damage(start, f"truncated {_describe(record)}: {said}: the file ends inside it",
                             kind="truncated")
                self.record_damaged = True
            else:
                end = stream.member_end()
                if missing:
                    self._damage(start, f"truncated {_describe(record)}: {missing} of {record.length} bytes missing: "
                                 "its gzip member ends before its Content-Length says", kind="truncated")
                    self.record_damaged = True
                if head:
                    if _RECORD_HEAD.match(head):
                        message = (f"gzip member at {start} holds more records after this {_describe(record)}; "
                                   f"{extra} bytes of them cannot be read by offset (fix: warcio recompress)")
                    else:
                        message = (f"{_describe(record)}: {extra} bytes left in its gzip member after the "
                                   f"{record.length} bytes its Content-Length says")
                    self._damage(start, message, kind="length")
        else:
            end = stream.offset()
            if missing:
                self._damage(start, f"truncated {_describe(record)}: {missing} of {record.length} bytes missing: "
                             "the file ends inside it", kind="truncated")
                self.record_damaged = True
        self._account(start, end)
        self._next = end
        self._info = (start, end - start)
        checker = getattr(record, "digest_checker", None)
        if self.check_digests and checker is not None:
            for problem in checker.problems:
                self._damage(start, problem, kind="digest")
        return self._info


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}"


def _is_gzip(fh: IO[bytes]) -> bool:
    fh.seek(0)
    head = fh.read(3)
    fh.seek(0)
    return head == GZIP_MAGIC


def _first_member_is_whole_file(fh: IO[bytes]) -> bool:
    """Whether the file's first gzip member ends only at the end of the file (or breaks)."""
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    fh.seek(0)
    try:
        while not decomp.eof:
            block = decomp.unconsumed_tail or fh.read(_BLOCK)
            if not block:
                return True  # cut inside its first member
            decomp.decompress(block, _OUT)
        return not (decomp.unused_data or fh.read(1))
    except zlib.error:
        return False  # corrupt first member: the record reader reports it
    finally:
        fh.seek(0)


def _single_member_view(fh: IO[bytes]) -> tuple[IO[bytes], int, str | None] | None:
    """(decompressed copy, its size, what is wrong with the member) of a gzip file that is
    one member holding several records, else None.

    Per-record gzip files end their first member after one record, so the check stops
    early; only single-member files are decompressed in full. A member cut short, or whose
    CRC fails, still gives what decompressed.
    """
    if not _is_gzip(fh) or not _first_member_is_whole_file(fh):
        return None
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
    problem = None
    try:
        while not decomp.eof:
            block = decomp.unconsumed_tail or fh.read(_BLOCK)
            if not block:
                problem = "is cut short: the file ends inside it"
                break
            spool.write(decomp.decompress(block, _OUT))
    except zlib.error as exc:
        problem = f"is corrupt ({_zlib_message(exc)}); what decompressed before the damage is read"
    finally:
        fh.seek(0)
    size = spool.tell()
    if _count_records(spool, 2) <= 1:
        spool.close()
        return None  # a one-record file reads fine as is (and keeps the usual offsets)
    spool.seek(0)
    return spool, size, problem  # type: ignore[return-value]


def _count_records(fh: IO[bytes], most: int) -> int:
    """Records readable from ``fh`` (uncompressed), counting up to ``most``."""
    count = 0
    reader = RecordReader("(count)", parse_http=False, on_damage=lambda d: None)
    reader.size = fh.seek(0, 2)
    try:
        for _ in reader._plain_records(fh):
            count += 1
            if count >= most:
                break
    except Exception:  # noqa: BLE001 - only a count; the real read reports problems
        logger.debug("counting records stopped", exc_info=True)
    fh.seek(0)
    return count


def _next_record_start(fh: IO[bytes], pos: int, gzipped: bool,
                       warc_only: bool = False) -> int | None:
    """Offset of the next plausible record start at or after ``pos`` (None at EOF).

    ``warc_only``: the file is WARC, so ARC-looking header lines are not record starts.
    """
    pattern = _WARC_RECORD_START if warc_only else _RECORD_START
    while True:
        fh.seek(pos)
        block = fh.read(_SCAN_BLOCK + 64)
        if not block:
            return None
        if gzipped:
            idx = block.find(GZIP_MAGIC)
            while idx != -1 and idx < _SCAN_BLOCK:
                if _gzip_record_at(fh, pos + idx, pattern):
                    return pos + idx
                idx = block.find(GZIP_MAGIC, idx + 1)
        else:
            for match in pattern.finditer(block):
                start = match.start(1)
                if start == 0 and pos > 0:
                    fh.seek(pos - 1)
                    if fh.read(1) != b"\n":
                        continue
                if start < _SCAN_BLOCK:
                    return pos + start
        if len(block) <= _SCAN_BLOCK:
            return None
        pos += _SCAN_BLOCK


def _gzip_record_at(fh: IO[bytes], pos: int, pattern: re.Pattern[bytes] = _RECORD_START) -> bool:
    fh.seek(pos)
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(4096), 64)
    except zlib.error:
        return False
    return bool(pattern.match(head.lstrip(b"\r\n")))


# ---------------------------------------------------------------------------------
# Random access: one record by offset


@dataclass
class StoredRecord:
    """A record loaded by offset, its block read into memory (replay needs the bytes).

    ``truncated``: the block is shorter than its Content-Length says, or its gzip member
    is corrupt; ``damage`` then says what is wrong. ``unread``: bytes of the payload left
    unread because they exceed the ``max_payload`` the record was loaded with (the
    payload is then empty: a record too large to replay is never held in memory).
    """

    path: str
    offset: int
    rec_type: str
    rec_headers: StatusAndHeaders
    http_headers: StatusAndHeaders | None
    payload: bytes
    truncated: bool
    damage: str | None = None
    unread: int = 0

    @property
    def target_uri(self) -> str:
        return self.rec_headers.get_header("WARC-Target-URI") or ""

    @property
    def date(self) -> str:
        return self.rec_headers.get_header("WARC-Date") or ""

    def header(self, name: str) -> str | None:
        return self.http_headers.get_header(name) if self.http_headers else None


class ArchiveFiles:
    """Open archive files for random access, kept in a small LRU of file handles."""

    def __init__(self, max_open: int = 32) -> None:
        self.max_open = max_open
        self._open: OrderedDict[Any, IO[bytes]] = OrderedDict()
        self._views: set[Any] = set()

    def load(self, source: str | os.PathLike[str] | ZipMember, offset: int,
             max_payload: int | None = None) -> StoredRecord:
        """Parse the record at ``offset``; raises ``ArchiveLoadFailed`` if none is there.

        ``max_payload``: a payload larger than this many bytes is not read (see
        ``StoredRecord.unread``).
        """
        key = source if isinstance(source, ZipMember) else str(source)
        fh = self._handle(key)
        fh.seek(offset)
        if key not in self._views and _is_gzip_file_not_member(fh, offset):
            view = _single_member_view(fh)
            if view is not None:
                fh.close()
                self._open[key] = fh = view[0]
                self._views.add(key)
        fh.seek(offset)
        gzipped = fh.read(3) == GZIP_MAGIC
        stream = _Stream(fh, offset, gzipped, block=1 << 14)
        if gzipped:
            stream.begin_member()
        line = b""
        while not line.strip():
            line = stream.readline(_LINE)
            if not line:
                raise ArchiveLoadFailed(f"{key}:{offset}: no record at this offset"
                                        + (f" (gzip member corrupt: {stream.error})" if stream.error else ""))
        loader = _Loader()
        stream.budget = _HEADER_BUDGET - len(line)
        try:
            record = loader.parse_record_stream(stream, line)
        except Exception as exc:  # noqa: BLE001 - untrusted bytes: any parser failure
            raise ArchiveLoadFailed(f"{key}:{offset}: {_one_line(exc)}") from exc
        finally:
            stream.budget = None
        loader.restore(record)
        if loader.header_cut:
            raise ArchiveLoadFailed(f"{key}:{offset}: record header cut short")

        def continues() -> bool:
            head = stream.next_member_head() if _limit(record) > 0 else None
            return head is not None and not _RECORD_HEAD.match(head)

        stream.follow = continues
        if max_payload is not None and _limit(record) > max_payload:
            return StoredRecord(path=str(key), offset=offset, rec_type=record.rec_type,
                                rec_headers=record.rec_headers, http_headers=record.http_headers,
                                payload=b"", truncated=False, unread=_limit(record))
        payload = record.raw_stream.read()
        missing = _limit(record)
        stream.follow = None
        if gzipped and not missing and stream.error is None:
            stream.skip_to_end()  # the rest of the member: its CRC is checked at its end
        damage = None
        if stream.error is not None:
            damage = f"gzip member at {stream.member_start} is corrupt: {stream.error}"
        elif missing:
            damage = f"{missing} of {record.length} bytes missing"
        return StoredRecord(
            path=str(key),
            offset=offset,
            rec_type=record.rec_type,
            rec_headers=record.rec_headers,
            http_headers=record.http_headers,
            payload=payload,
            truncated=damage is not None,
            damage=damage,
        )

    def _handle(self, key: Any) -> IO[bytes]:
        fh = self._open.get(key)
        if fh is not None:
            self._open.move_to_end(key)
            return fh
        fh = open_source(key)  # kept open in the LRU, closed in close()
        self._open[key] = fh
        while len(self._open) > self.max_open:
            old_key, old = self._open.popitem(last=False)
            self._views.discard(old_key)
            old.close()
        return fh

    def close(self) -> None:
        for fh in self._open.values():
            fh.close()
        self._open.clear()
        self._views.clear()

    def __enter__(self) -> ArchiveFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_gzip_file_not_member(fh: IO[bytes], offset: int) -> bool:
    """True when the file is gzip but ``offset`` is not a member start (single-member file)."""
    if offset == 0:
        return False
    here = fh.read(3)
    fh.seek(0)
    first = fh.read(3)
    fh.seek(offset)
    return first == GZIP_MAGIC and here != GZIP_MAGIC


def load_record(path: str | os.PathLike[str] | ZipMember, offset: int) -> StoredRecord:
    """Load one record by offset (opens and closes the file; see ``ArchiveFiles``)."""
    with ArchiveFiles(max_open=1) as files:
        return files.load(path, offset)


def dechunk(body: bytes) -> tuple[bytes, bool]:
    """Undo HTTP chunked transfer coding; returns (body, ok). Not chunked after all: as is."""
    reader = ChunkedDataReader(BytesIO(body), raise_exceptions=True)
    try:
        return reader.read(), True
    except ChunkedDataException:
        return body, False


_DIGEST_SIZES = {"md5": 16, "sha1": 20, "sha256": 32, "sha512": 64}


def digest_key(digest: str) -> str:
    """Comparable form of a WARC digest: ``sha-256:``/``sha256:``; base32, hex or base64."""
    algo, _, value = digest.partition(":")
    if not value:
        return digest.strip().lower()
    algo = algo.strip().lower().replace("-", "")
    value = value.strip()
    size = _DIGEST_SIZES.get(algo)
    for decode in (_from_hex, _from_base32, _from_base64):
        raw = decode(value)
        if raw is not None and (size is None or len(raw) == size):
            return f"{algo}:{raw.hex()}"
    return f"{algo}:{value.lower()}"


def _from_hex(value: str) -> bytes | None:
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


_BASE32_AS_INT = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789abcdefghijklmnopqrstuv")
_BASE32_PLAIN = re.compile(r"[A-Z2-7]+")


def _from_base32(value: str) -> bytes | None:
    upper = value.upper()
    if len(upper) % 8 == 0 and _BASE32_PLAIN.fullmatch(upper):  # no padding: the usual SHA-1
        # the same bytes as b32decode, without its Python loop (a lookup per record)
        return int(upper.translate(_BASE32_AS_INT), 32).to_bytes(len(upper) * 5 // 8, "big")
    try:
        return base64.b32decode(value.upper() + "=" * (-len(value) % 8))
    except (binascii.Error, ValueError):
        return None


def _from_base64(value: str) -> bytes | None:
    try:
        return base64.b64decode(value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4),
                                validate=True)
    except (binascii.Error, ValueError):
        return None
