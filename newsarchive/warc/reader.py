"""Robust reading of WARC/ARC files written by any tool.

warcio parses records well but stops at the first damaged one (and cannot tell a
truncated record from a whole one). Archives are worth more than their worst record, so
``RecordReader`` reports every problem as ``file:offset: what`` and resumes at the next
record boundary it can find; ``load_record`` fetches one record by offset for replay.
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b\x08"
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_SCAN_BLOCK = 1 << 20
# A WARC record starts with its version line; an ARC record with "URL IP DATE MIME LEN".
_RECORD_START = re.compile(
    rb"(?:^|\n)(WARC/\d\.\d+\r?\n|[a-z][a-z0-9+.-]*:\S* \S+ \d{14} \S+ \d+\r?\n)"
)
_WARC_RECORD_START = re.compile(rb"(?:^|\n)(WARC/\d\.\d+\r?\n)")


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

    def read(self, n: int = -1) -> bytes:
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
    """One problem found in an archive file, at the offset of the record concerned."""

    path: str
    offset: int
    message: str

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


class _Loader(ArcWarcRecordLoader):
    """warcio's loader, remembering whether the last record was WARC or converted ARC.

    warcio reports ARC records converted to WARC as ``format == "warc"``, so the
    format actually parsed is only visible here.
    """

    parsed_format: str | None = None

    def _detect_type_load_headers(self, stream: Any, statusline: Any = None,
                                  known_format: Any = None) -> tuple[str, Any]:
        the_format, headers = super()._detect_type_load_headers(stream, statusline, known_format)
        self.parsed_format = the_format
        return the_format, headers


class _Iterator(ArchiveIterator):
    """warcio's iterator, with problems collected instead of printed or raised late.

    Given ``file_format="warc"`` it parses every record as WARC: in a WARC file, a line
    that merely looks like an ARC header (five fields) is damage, not a record.
    """

    def __init__(self, fileobj: IO[bytes], file_format: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(fileobj, arc2warc=True, **kwargs)
        self.loader = _Loader(verify_http=False, arc2warc=True)
        self.problems: list[tuple[int, str]] = []
        if file_format == "warc":
            self.known_format, self.mixed_arc_warc = "warc", False

    @property
    def parsed_format(self) -> str | None:
        """Format of the last record as found in the file: "warc" or "arc2warc"."""
        return self.loader.parsed_format

    def skip_blank_lines(self) -> None:
        """Start after blank lines (a resumed or damaged file may put them first)."""
        while True:
            line = self.reader.readline()
            if not line or line.strip():
                self.next_line = line or None
                return

    def _raise_invalid_gzip_err(self) -> None:  # the caller checks layouts up front
        raise ArchiveLoadFailed("gzip member continues beyond one record")

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        empty_size = 0
        first_line = True
        while True:
            line = self.reader.readline()
            if not line:
                return None, empty_size
            if not line.rstrip() or first_line:
                empty_size += len(line)
                if line.rstrip():
                    at = self.fh.tell() - self.reader.rem_length() - empty_size
                    self.problems.append(
                        (
                            self.offset,
                            f"record does not end where its Content-Length says: "
                            f"unexpected data at offset {at}",
                        )
                    )
                    self.err_count += 1
                first_line = False
                continue
            return line, empty_size


class RecordReader:
    """Iterate the records of one WARC/ARC file, reporting damage and resuming after it.

    Quacks like warcio's ``ArchiveIterator`` (``get_record_offset``/``get_record_length``)
    so ``cdxj_indexer`` machinery can use it. A file that is one gzip member holding
    several records cannot be read by offset; it is read through a decompressed copy and
    offsets then refer to the decompressed data (reported once as damage).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | ZipMember,
        *,
        parse_http: bool = True,
        check_digests: bool = False,
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
        self._it: _Iterator | None = None
        self._offset = 0
        self._record: ArcWarcRecord | None = None
        self._info: tuple[int, int] | None = None
        self._format: str | None = None  # "warc" once a record was WARC

    # -- ArchiveIterator-compatible surface ---------------------------------------
    def get_record_offset(self) -> int:
        return self._finish()[0]

    def get_record_length(self) -> int:
        return self._finish()[1]

    def __iter__(self) -> Iterator[ArcWarcRecord]:
        with open_source(self.path) as raw:
            view = _single_member_view(raw)
            try:
                yield from self._iterate(view or raw, gzipped=view is None and _is_gzip(raw))
            finally:
                if view is not None:
                    view.close()
            if view is not None and self.records > 1:
                self._damage(
                    0,
                    "whole file is one gzip member, so records cannot be read by offset; "
                    "offsets refer to the decompressed data (fix: warcio recompress)",
                )

    # -- internals ----------------------------------------------------------------
    def _damage(self, offset: int, message: str) -> None:
        damage = Damage(self.name, offset, message)
        self.damages.append(damage)
        if self.on_damage is not None:
            self.on_damage(damage)
        else:
            logger.warning("%s", damage)

    def _iterate(self, fh: IO[bytes], gzipped: bool) -> Iterator[ArcWarcRecord]:
        start: int | None = 0
        while start is not None:
            fh.seek(start)
            it = _Iterator(
                fh,
                file_format=self._format,
                no_record_parse=not self.parse_http,
                check_digests=self.check_digests,
            )
            self._it = it
            try:
                if start:
                    it.skip_blank_lines()
                for record in it:
                    if self._format is None and it.parsed_format == "warc":
                        self._format = "warc"  # so later records must be WARC too
                        it.known_format, it.mixed_arc_warc = "warc", False
                    self._offset = it.offset
                    self._record = record
                    self._info = None
                    self.records += 1
                    yield record
                    self._finish()
                start = None
            except (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error,
                    EOFError, ValueError, OSError) as exc:
                failed_at = self._failure_offset(it)
                start = _next_record_start(fh, failed_at + 1, gzipped,
                                           warc_only=self._format == "warc")
                resume = (
                    f"; skipped {start - failed_at} bytes to the next record at {start}"
                    if start is not None
                    else "; no further record found"
                )
                self._damage(failed_at, f"unreadable record: {_one_line(exc)}{resume}")
            finally:
                self._flush_problems(it)
                self._record = None

    def _failure_offset(self, it: _Iterator) -> int:
        # it.offset is the start of the record being parsed when parsing failed
        if self._record is not None and self._info is None:
            return self._offset
        return it.offset

    def _flush_problems(self, it: _Iterator) -> None:
        for offset, message in it.problems:
            self._damage(offset, message)
        it.problems.clear()

    def _finish(self) -> tuple[int, int]:
        """Read the current record to its end; check it was complete."""
        if self._info is not None:
            return self._info
        it, record = self._it, self._record
        assert it is not None and record is not None, "no current record"
        offset, length = it.get_record_offset(), it.get_record_length()
        self._info = (offset, length)
        missing = getattr(record.raw_stream, "limit", 0)
        if missing > 0 and record.length:
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            self._damage(
                offset,
                f"truncated {record.rec_type} record {uri}: {missing} of "
                f"{record.length} bytes missing",
            )
        checker = getattr(record, "digest_checker", None)
        if self.check_digests and checker is not None:
            for problem in checker.problems:
                self._damage(offset, problem)
        self._flush_problems(it)
        return self._info


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}"


def _is_gzip(fh: IO[bytes]) -> bool:
    fh.seek(0)
    head = fh.read(3)
    fh.seek(0)
    return head == GZIP_MAGIC


def _single_member_view(fh: IO[bytes]) -> IO[bytes] | None:
    """Decompressed copy of a file whose first gzip member spans the whole file, else None.

    Per-record gzip files end their first member after one record, so the check stops
    early; only single-member files are decompressed in full (once).
    """
    if not _is_gzip(fh):
        return None
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
    try:
        while not decomp.eof:
            block = fh.read(1 << 16)
            if not block:
                break  # truncated single member: still use what decompressed
            spool.write(decomp.decompress(block))
        if decomp.eof and (decomp.unused_data or fh.read(1)):
            spool.close()
            return None  # more members follow: a normal per-record file
        spool.write(decomp.flush())
    except zlib.error:
        spool.close()
        return None  # corrupt first member: let the record reader report it
    finally:
        fh.seek(0)
    # a single-record single-member file reads fine as is (and keeps the usual offsets)
    spool.seek(0)
    count = sum(1 for _ in ArchiveIterator(spool, no_record_parse=True, arc2warc=True))
    if count <= 1:
        spool.close()
        return None
    spool.seek(0)
    return spool


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
    """A record loaded by offset, its block read into memory (replay needs the bytes)."""

    path: str
    offset: int
    rec_type: str
    rec_headers: StatusAndHeaders
    http_headers: StatusAndHeaders | None
    payload: bytes
    truncated: bool

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

    def load(self, source: str | os.PathLike[str] | ZipMember, offset: int) -> StoredRecord:
        """Parse the record at ``offset``; raises ``ArchiveLoadFailed`` if none is there."""
        key = source if isinstance(source, ZipMember) else str(source)
        fh = self._handle(key)
        fh.seek(offset)
        if key not in self._views and _is_gzip_file_not_member(fh, offset):
            view = _single_member_view(fh)
            if view is not None:
                fh.close()
                self._open[key] = fh = view
                self._views.add(key)
            fh.seek(offset)
        record, it = self._parse(fh, key, offset, across_members=False)
        payload = record.raw_stream.read()
        missing = getattr(record.raw_stream, "limit", 0)
        if missing and it.reader.decompressor is not None:
            # a record whose gzip member ends early may go on in the next member(s)
            after = fh.tell() - it.reader.rem_length()
            fh.seek(after)
            if fh.read(3) == GZIP_MAGIC and not _gzip_record_at(fh, after):
                fh.seek(offset)
                record, it = self._parse(fh, key, offset, across_members=True)
                payload = record.raw_stream.read()
                missing = getattr(record.raw_stream, "limit", 0)
        return StoredRecord(
            path=str(key),
            offset=offset,
            rec_type=record.rec_type,
            rec_headers=record.rec_headers,
            http_headers=record.http_headers,
            payload=payload,
            truncated=bool(missing and missing > 0),
        )

    @staticmethod
    def _parse(fh: IO[bytes], key: Any, offset: int,
               across_members: bool) -> tuple[ArcWarcRecord, _Iterator]:
        it = _Iterator(fh)
        it.reader.read_all_members = across_members
        try:
            it.skip_blank_lines()
            return next(iter(it)), it
        except StopIteration:
            raise ArchiveLoadFailed(f"{key}:{offset}: no record at this offset") from None
        except (StatusAndHeadersParserException, zlib.error, EOFError, ValueError) as exc:
            raise ArchiveLoadFailed(f"{key}:{offset}: {_one_line(exc)}") from exc

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


def _from_base32(value: str) -> bytes | None:
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
