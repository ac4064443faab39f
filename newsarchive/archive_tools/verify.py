"""Check an archive end to end: every byte, digests, unfinished files, and item pointers.

Every byte of every file is accounted for (:class:`~newsarchive.warc.reader.RecordReader`):
it belongs to a readable record or is reported as damage, with its offset and length, so
a file that reads only half its records cannot pass.

Digests are recomputed from the bytes, not trusted from headers. A payload digest is
accepted over the payload as stored *or*, for chunked responses, over the de-chunked
entity body: writers disagree on which one the WARC standard means, and a checker that
calls half the world's archives corrupt is no use.

Each file is tried on the fast path first (:mod:`newsarchive.warc.fast_reader`): a sound
gzip WARC is checked there in memory, record by record; at the first thing that is not
plainly sound (damage, a digest that does not match, a layout only the careful reader
reads) the file is verified again by the careful reader, which says what it is. The
summary says how many files each read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from newsarchive.archive_tools.progress import Progress
from newsarchive.replay.index_lookup import request_key
from newsarchive.warc import fast_reader
from newsarchive.warc import parallel_scan
from newsarchive.warc.fast_reader import Unusual, _members, _record, fast_records
from newsarchive.warc.parallel_scan import SPLIT_AT, Chunk, Linked
from newsarchive.warc.reader import (
    ARCHIVE_SUFFIXES,
    ArchiveFiles,
    Damage,
    RecordReader,
    ZipMember,
    dechunk,
    digest_key,
    directories_without_archives,
    open_source,
)
from newsarchive.warc.reader import _from_base32
from newsarchive.warc.writer import OPEN_SUFFIX

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CHUNKED = re.compile(rb"(?im)^transfer-encoding:[ \t]*chunked[ \t]*\r?$")
_BLOCK = 1 << 16
_HASHES = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512, "md5": hashlib.md5}


@dataclass
class VerifyReport:
    """What ``verify`` found; ``ok`` when no problem at all."""

    files: int = 0
    records: int = 0
    block_digests: int = 0
    payload_digests: int = 0
    unchecked_digests: int = 0  # in an algorithm this checker does not know
    items: int = 0
    bytes: int = 0  # bytes of the files read, every one accounted for
    unreadable_bytes: int = 0  # of which not part of any readable record
    problems: list[Damage] = field(default_factory=list)
    fast_files: int = 0  # read whole on the fast path (newsarchive.warc.fast_reader)
    careful_files: int = 0  # read by the careful reader: damage, or a layout the fast path leaves to it

    @property
    def ok(self) -> bool:
        return not self.problems and self.files > 0

    @property
    def status(self) -> int:
        """Exit status: 0 sound, 1 a problem found, 3 no archive file to verify."""
        if not self.files:
            return 3
        return 0 if self.ok else 1

    def summary(self) -> list[str]:
        unreadable = f" ({self.unreadable_bytes} unreadable)" if self.unreadable_bytes else ""
        unchecked = f", {self.unchecked_digests} in unknown algorithms not checked" if self.unchecked_digests else ""
        lines = [
            f"files:            {self.files}",
            f"bytes:            {self.bytes}{unreadable}",
            f"records:          {self.records}",
            f"digests checked:  {self.block_digests} block, {self.payload_digests} payload{unchecked}",
        ]
        if self.items:
            lines.append(f"items checked:    {self.items}")
        if self.files:
            lines.append(f"read:             {self.fast_files} file(s) on the fast path, {self.careful_files} "
                         "by the careful reader")
        lines.append(f"problems:         {len(self.problems)}")
        lines.append("OK" if self.ok else ("NO ARCHIVE FILES FOUND" if not self.files else "FAILED"))
        return lines


SUFFIXES = ARCHIVE_SUFFIXES + tuple(s + OPEN_SUFFIX for s in ARCHIVE_SUFFIXES)
"""What ``verify`` reads in a directory: WARC/ARC files, unfinished ones included."""


def archive_sources(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | ZipMember]:
    """WARC/ARC files (``.open`` leftovers included) and WARCs inside WACZ files."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
        elif path.is_file() and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if n.startswith("archive/")]
            yield from (ZipMember(str(path), n) for n in sorted(names))
        else:
            yield path


def verify(
    paths: Iterable[str | os.PathLike[str]],
    *,
    items: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    split_at: int = SPLIT_AT,
) -> VerifyReport:
    """Verify every record of every archive in ``paths``, then the items' ``warc`` pointers.

    ``jobs`` processes read the files, big ones split from ``split_at`` bytes
    (:mod:`newsarchive.warc.parallel_scan`): the same report."""
    paths = list(paths)
    report = VerifyReport()
    sources = list(archive_sources(paths))
    scanned = _scanned(sources, jobs, split_at)
    for directory in directories_without_archives(paths, SUFFIXES) if sources else ():
        # (with nothing at all to verify, that is what the report says: status 3)
        report.problems.append(Damage(str(directory), 0, "no WARC/ARC files in this directory",
                                      kind="no-archives"))
    try:
        for number, source in enumerate(sources, 1):
            outcome = next(scanned)
            name = str(source)
            if not isinstance(source, ZipMember) and not source.exists():
                report.problems.append(Damage(name, 0, "no such file", kind="missing"))
                continue
            report.files += 1
            if name.endswith(OPEN_SUFFIX):
                report.problems.append(
                    Damage(name, 0, "unfinished file: its writer did not close it (crawl killed?); "
                           "the next crawl into this directory finishes it", kind="unfinished")
                )
            label = f"[{number}/{len(sources)}] {name}"
            _verify_file(source, report, lambda n, label=label: progress and progress(f"{label}: {n} records"),
                         outcome)
    finally:
        scanned.close()  # (its processes stopped)
    if items is not None:
        _verify_items(Path(items), paths, report, progress)
    return report


def _scanned(sources: list[Path | ZipMember], jobs: int,
             split_at: int) -> Generator[Linked | Unusual | None, None, None]:
    """What the fast path found in each source, read in ``jobs`` processes (None: the
    source is to be read here, as with one process)."""
    if jobs <= 1 or not fast_reader.enabled():
        yield from (None for _ in sources)
        return
    # (sources that are missing are not read: verify says so instead)
    paths = [source if isinstance(source, Path) and source.exists() else None for source in sources]
    yield from parallel_scan.Scan(paths, _verify_chunk, [str(source) for source in sources], jobs,
                                  split_at=split_at, parse_http=False)


def _verify_file(source: Path | ZipMember, report: VerifyReport, tick: Callable[[int], Any],
                 scanned: Linked | Unusual | None = None) -> None:
    if isinstance(scanned, Unusual):  # the fast path would stop there, as it did in a worker
        fast_reader.STATS.fell_back(source, scanned)
    elif fast_reader.enabled():
        found = _verify_fast(source, tick) if scanned is None else _joined(str(source), scanned, tick)
        if found is not None:
            found.add_to(report)
            report.fast_files += 1
            fast_reader.STATS.fast_files += 1
            fast_reader.STATS.fast_records += found.records
            return
    report.careful_files += 1
    reader = RecordReader(source, parse_http=False, check_headers=True, on_damage=report.problems.append)
    links = _Links(reader.name, report.problems)
    count = 0
    for record in reader:
        count += 1
        report.records += 1
        if count % 200 == 0:
            tick(count)
        _check_record(reader, record, report)
        links.add(record, reader.get_record_offset())
    tick(count)
    links.close()
    report.bytes += reader.bytes_read
    report.unreadable_bytes += reader.unreadable_bytes


@dataclass
class _FileCounts:
    """What the fast path found in one file, added to the report once the file read whole."""

    records: int = 0
    block_digests: int = 0
    payload_digests: int = 0
    unchecked_digests: int = 0
    bytes: int = 0
    problems: list[Damage] = field(default_factory=list)

    def add_to(self, report: VerifyReport) -> None:
        report.records += self.records
        report.block_digests += self.block_digests
        report.payload_digests += self.payload_digests
        report.unchecked_digests += self.unchecked_digests
        report.bytes += self.bytes
        report.problems.extend(self.problems)


def _verify_fast(source: Path | ZipMember, tick: Callable[[int], Any]) -> _FileCounts | None:
    """Verify a file on the fast path: the counts the careful path would give for a sound
    file, or None at anything else (damage, a digest that does not match, a layout the
    fast reader leaves to the careful one), which then reads the file and reports it."""
    name = str(source)
    found = _FileCounts()
    links = _Links(name, found.problems)
    try:
        with open_source(source) as fh:
            for record in fast_records(fh, parse_http=False):
                found.records += 1
                if found.records % 200 == 0:
                    tick(found.records)
                _check_fast_record(record, found)
                links.add(record, record.file_offset)
                found.bytes = record.file_offset + record.file_length
    except Unusual as exc:
        fast_reader.STATS.fell_back(source, exc)
        return None
    except Exception as exc:  # noqa: BLE001 - whatever it is, the careful reader says it right
        fast_reader.STATS.fell_back(source, Unusual(0, f"{type(exc).__name__}: {exc}"))
        return None
    tick(found.records)
    links.close()
    return found


@dataclass
class _VerifyChunk(Chunk):
    found: _FileCounts = field(default_factory=_FileCounts)
    warcinfos: set[str] = field(default_factory=set)
    infos: dict[str, int] = field(default_factory=dict)


def _verify_chunk(path: str, start: int, stop: int | None, name: str) -> _VerifyChunk:
    """:func:`_verify_fast` over one chunk of a file (a :data:`~newsarchive.warc.parallel_scan.ChunkFn`);
    the warcinfo links are checked once the chunks are joined."""
    chunk = _VerifyChunk(start, start, 0)
    links = _Links(name, chunk.found.problems)
    with open(path, "rb") as fh:
        fh.seek(start)
        for begin, end, data in _members(fh, start, stop):
            record = _record(data, begin, end, False)
            chunk.records += 1
            _check_fast_record(record, chunk.found)
            links.add(record, begin)
            chunk.end = end
    chunk.found.records = chunk.records
    chunk.found.bytes = chunk.end
    chunk.warcinfos, chunk.infos = links.warcinfos, links.infos
    return chunk


def _joined(name: str, linked: Linked, tick: Callable[[int], Any]) -> _FileCounts:
    """The counts of a file read in chunks, as :func:`_verify_fast` gives them."""
    found = _FileCounts()
    links = _Links(name, found.problems)
    for chunk, _drop in linked:  # (no verify chunk reads past its bound: none is dropped)
        part = cast(_VerifyChunk, chunk).found
        found.records += part.records
        found.block_digests += part.block_digests
        found.payload_digests += part.payload_digests
        found.unchecked_digests += part.unchecked_digests
        found.bytes = part.bytes
        links.warcinfos |= cast(_VerifyChunk, chunk).warcinfos
        for info, offset in cast(_VerifyChunk, chunk).infos.items():
            links.infos.setdefault(info, offset)
    tick(found.records)
    links.close()
    return found


def _check_fast_record(record: Any, found: _FileCounts) -> None:
    """:func:`_check_record` for a record whose block is in memory; :class:`Unusual` where
    that would report a problem (a digest mismatch: the careful path says it, and tries
    the de-chunked body first)."""
    headers = record.rec_headers
    data = record.block
    expected = headers.get_header("WARC-Block-Digest")
    if expected is not None:
        if not _digest_matches(expected, data, found):
            raise Unusual(record.file_offset, "block digest mismatch")
    if record.rec_type == "revisit":
        return  # a revisit's payload digest describes another record
    expected = headers.get_header("WARC-Payload-Digest")
    if expected is not None:
        if (record.rec_type in ("response", "request", "revisit")
                and headers.get_header("Content-Type", "").startswith("application/http")):
            data = data[_payload_start(record.data, record.body, len(data)):]
        if not _digest_matches(expected, data, found, payload=True):
            raise Unusual(record.file_offset, "payload digest mismatch")


def _digest_matches(expected: str, data: Any, found: _FileCounts, payload: bool = False) -> bool:
    """Whether ``data`` has the digest ``expected`` (counted as checked, or as unchecked in
    an unknown algorithm, as :class:`_Hasher` counts it); the usual ``sha1:BASE32`` without
    its general decoding."""
    raw = _from_base32(expected[5:].strip()) if expected.startswith("sha1:") and len(expected) >= 37 else None
    if raw is not None and len(expected[5:].strip()) == 32:
        ok = hashlib.sha1(data).digest() == raw  # what digest_key decodes it to (hex is 40 digits)
    else:
        hasher = _Hasher(expected)
        found.unchecked_digests += hasher.unknown
        if not hasher.expected:
            return True
        hasher.update(data)
        ok = hasher.matches()
    if ok:
        if payload:
            found.payload_digests += 1
        else:
            found.block_digests += 1
    return ok


def _payload_start(data: bytes, body: int, size: int) -> int:
    """Where :func:`_check_record` starts the payload of the HTTP block ``data[body:body +
    size]``, which it reads in ``_BLOCK`` pieces: after the first ``\\r?\\n\\r?\\n`` in
    the pieces read so far; after the piece that passes 1 MiB without one; at the end if
    there is none. (The first match in a prefix is the first in the block, if it fits.)"""
    reach = body + min(size, 17 * _BLOCK)  # the most it reads before giving up (> 1 MiB)
    crlf = data.find(b"\n\r\n", body, reach)
    lf = data.find(b"\n\n", body, reach if crlf < 0 else crlf + 2)
    match_end = None
    if lf >= 0:
        match_end = lf + 2 - body
    elif crlf >= 0:
        match_end = crlf + 3 - body
    end = 0
    while True:
        end = min(end + _BLOCK, size)
        if match_end is not None and match_end <= end:
            return match_end
        if end >= size or end > 1 << 20:
            return end


class _Links:
    """``WARC-Warcinfo-ID``: what the records of a file with its own warcinfo records name
    must be one of them. No digest covers a WARC header, so a damaged ID shows as a link
    to nowhere. (``WARC-Concurrent-To`` is not checked: files of single records cut out of
    bigger ones, Common Crawl's among them, name records that are elsewhere.)"""

    def __init__(self, name: str, problems: list[Damage]) -> None:
        self.name, self.problems = name, problems
        self.warcinfos: set[str] = set()
        self.infos: dict[str, int] = {}  # WARC-Warcinfo-ID -> offset of the first record naming it

    def add(self, record: Any, offset: int) -> None:
        headers = record.rec_headers
        if record.rec_type == "warcinfo":
            self.warcinfos.add(headers.get_header("WARC-Record-ID") or "")
        info = headers.get_header("WARC-Warcinfo-ID")
        if info and info not in self.infos:
            self.infos[info] = offset

    def close(self) -> None:
        if self.warcinfos:
            for info, offset in self.infos.items():
                if info not in self.warcinfos:
                    self.problems.append(Damage(self.name, offset, f"WARC-Warcinfo-ID {info} names no "
                                                "warcinfo record of this file (a damaged header?)", kind="link"))


def _check_record(reader: RecordReader, record: Any, report: VerifyReport) -> None:
    headers = record.rec_headers
    block_expected = headers.get_header("WARC-Block-Digest")
    payload_expected = headers.get_header("WARC-Payload-Digest")
    if record.rec_type == "revisit" or record.format == "arc":
        payload_expected = None  # a revisit's payload digest describes another record
    block = _Hasher(block_expected)
    payload = _Hasher(payload_expected)
    spool: IO[bytes] | None = None
    head = b""
    in_payload = not (record.rec_type in ("response", "request", "revisit")
                      and headers.get_header("Content-Type", "").startswith("application/http"))
    while chunk := record.raw_stream.read(_BLOCK):
        block.update(chunk)
        if not in_payload:
            head += chunk
            match = _HEADER_END.search(head)
            if match is None:
                if len(head) > 1 << 20:
                    in_payload = True  # no header end in 1 MB: not HTTP after all
                continue
            in_payload = True
            chunk = head[match.end():]
            if payload_expected and _CHUNKED.search(head[: match.start()]):
                spool = tempfile.SpooledTemporaryFile(8 << 20)
        payload.update(chunk)
        if spool is not None:
            spool.write(chunk)
    offset = reader.get_record_offset()  # also reports truncation and corrupt gzip members
    where = headers.get_header("WARC-Target-URI") or record.rec_type
    if reader.record_members > 1:
        report.problems.append(Damage(
            reader.name, offset, f"{record.rec_type} record {where} spans {reader.record_members} gzip "
            "members: whole here, but tools that read one member per record (pywb, warcio) see it "
            "cut short (fix: warcio recompress)", kind="multi-member"))
    report.unchecked_digests += block.unknown + payload.unknown
    if reader.record_damaged:  # incomplete: its digests cannot match, and the cause is reported
        if spool is not None:
            spool.close()
        return
    if block.expected:
        report.block_digests += 1
        if not block.matches():
            report.problems.append(Damage(reader.name, offset, f"block digest mismatch ({where}): header "
                                          f"{block_expected}, data {block.actual()}", kind="digest"))
    if payload.expected:
        report.payload_digests += 1
        ok = payload.matches()
        if not ok and spool is not None:
            spool.seek(0)
            body, chunk_ok = dechunk(spool.read())
            ok = chunk_ok and _Hasher(payload_expected, body).matches()
            if not chunk_ok:
                report.problems.append(Damage(reader.name, offset, f"bad chunked encoding ({where})",
                                              kind="chunked"))
        if not ok:
            report.problems.append(Damage(reader.name, offset, f"payload digest mismatch ({where}): header "
                                          f"{payload_expected}, data {payload.actual()}", kind="digest"))
    if spool is not None:
        spool.close()


class _Hasher:
    """Incremental digest in the algorithm a WARC header names (unknown: not checked,
    and counted in ``unknown``)."""

    def __init__(self, expected: str | None, data: bytes = b"") -> None:
        self.expected = expected
        self.unknown = 0
        self._hash: Any = None
        if expected and ":" in expected:
            algo = expected.split(":", 1)[0].strip().lower().replace("-", "")
            if algo in _HASHES:
                self._hash = _HASHES[algo]()
        if self._hash is None:
            self.unknown = 1 if expected else 0
            self.expected = None
        elif data:
            self._hash.update(data)

    def update(self, data: bytes) -> None:
        if self._hash is not None:
            self._hash.update(data)

    def actual(self) -> str:
        return f"{self._hash.name}:{self._hash.hexdigest()}" if self._hash is not None else ""

    def matches(self) -> bool:
        if self.expected is None:
            return True
        value = self.expected.partition(":")[2].strip()
        if len(value) == 32 and self._hash.name == "sha1" and _from_base32(value) == self._hash.digest():
            return True  # the usual base32 SHA-1: what digest_key decodes it to (hex is 40 digits)
        return digest_key(self.expected) == f"{self._hash.name.replace('-', '')}:{self._hash.hexdigest()}"


# ---------------------------------------------------------------------------------
# Items: does each item's ``warc`` pointer lead to a response for its URL?


def _verify_items(items_path: Path, paths: list[Any], report: VerifyReport,
                  progress: Progress | None) -> None:
    name = str(items_path)
    try:
        fh = open(items_path, encoding="utf-8")
    except OSError as exc:
        report.problems.append(Damage(name, 0, f"cannot read items: {exc}", kind="items"))
        return
    locate = _Locator(paths)
    found = _Grouped(name)
    with fh, ArchiveFiles() as files:
        try:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                report.items += 1
                if progress and report.items % 200 == 0:
                    progress(f"items: {report.items}")
                try:
                    item = json.loads(line)
                except ValueError as exc:
                    found.add(("not-json",), lineno, f"not JSON: {exc}")
                    continue
                pointers = _pointers(item) if isinstance(item, dict) else []
                if not pointers:
                    url = item.get("url") if isinstance(item, dict) else None
                    found.add(("no-pointer",), lineno, f"item {url} has no warc pointer")
                    continue
                for role, pointer, expected_url in pointers:
                    problem = _check_pointer(pointer, expected_url, locate, files)
                    if problem:
                        kind, message = problem
                        found.add((kind, str(pointer["filename"])), lineno, f"{role} pointer {message}")
        except (OSError, UnicodeDecodeError) as exc:
            found.add(("unreadable-items",), report.items, f"cannot read items: {exc}")
    report.problems.extend(found.damages())


class _Grouped:
    """Item problems, one cause repeated for many items reported once with a count.

    The cause is the kind of problem and the WARC file it is about: 660 pointers into an
    unfinished or missing file are one problem, not 660.
    """

    SHOWN = 5  # line numbers listed for a repeated cause

    def __init__(self, name: str) -> None:
        self.name = name
        self.causes: dict[tuple[str, ...], tuple[int, str, list[int]]] = {}

    def add(self, cause: tuple[str, ...], lineno: int, message: str) -> None:
        first = self.causes.setdefault(cause, (lineno, message, []))
        first[2].append(lineno)

    def damages(self) -> list[Damage]:
        found = []
        for cause, (lineno, message, lines) in self.causes.items():
            if len(lines) > 1:
                listed = ", ".join(str(n) for n in lines[: self.SHOWN]) + (", ..." if len(lines) > self.SHOWN else "")
                message = f"{message} (and {len(lines) - 1} more like it: {len(lines)} in all, lines {listed})"
            found.append(Damage(self.name, lineno, message, kind=cause[0]))
        return sorted(found, key=lambda d: d.offset)


def _pointers(item: dict[str, Any]) -> list[tuple[str, dict[str, Any], str | None]]:
    """(role, pointer, URL it must be for) from an item's ``warc`` field.

    The field is either one pointer or ``{role: pointer}`` (``response``: the item's page,
    ``listing``: the listing it was found on); a revisit's ``revisit_of`` is checked too.
    """
    warc = item.get("warc")
    if not isinstance(warc, dict):
        return []
    roles = {"response": warc} if "filename" in warc else warc
    found = []
    for role, pointer in roles.items():
        if not isinstance(pointer, dict) or "filename" not in pointer or "offset" not in pointer:
            continue
        url = item.get("listing_url") if role == "listing" else item.get("url") if role == "response" else None
        found.append((role, pointer, url))
        original = pointer.get("revisit_of")
        if isinstance(original, dict) and "filename" in original:
            found.append((f"{role} revisit_of", original, None))
    return found


def _check_pointer(pointer: dict[str, Any], url: str | None, locate: Any,
                   files: ArchiveFiles) -> tuple[str, str] | None:
    """(kind, message) of what is wrong with one pointer, or None."""
    where = f"{pointer['filename']}:{pointer['offset']}"
    source = locate(str(pointer["filename"]))
    if source is None:
        return "missing", f"{where}: WARC file not found among the given archives"
    try:
        record = files.load(source, int(pointer["offset"]))
    except Exception as exc:  # noqa: BLE001 - whatever is at that offset, it is no record
        return "unreadable", f"{where}: unreadable: {exc}"
    if record.rec_type not in ("response", "revisit"):
        return "not-response", f"{where}: is a {record.rec_type} record, not a response"
    if url and request_key(record.target_uri) != request_key(str(url)):
        return "wrong-url", f"{where}: is {record.target_uri}, not the item's URL {url}"
    if pointer.get("record_id") and pointer["record_id"] != record.rec_headers.get_header("WARC-Record-ID"):
        return "record-id", f"{where}: has another WARC-Record-ID"
    if record.damage:
        return "damaged", f"{where}: damaged record: {record.damage}"
    return None


class _Locator:
    """Find the file an item's ``filename`` names, among the paths given to verify."""

    def __init__(self, paths: list[Any]) -> None:
        self.dirs = [Path(p) for p in paths if Path(p).is_dir()]
        self.files: dict[str, Path | ZipMember] = {}
        for source in archive_sources(paths):
            base = source.name.rsplit("/", 1)[-1] if isinstance(source, ZipMember) else source.name
            self.files.setdefault(base, source)

    def __call__(self, filename: str) -> Path | ZipMember | None:
        """The file, or the unfinished file it still is (``NAME.open``: its records are
        there, and the file itself is reported as unfinished)."""
        for name in (filename, filename + OPEN_SUFFIX):
            for directory in self.dirs:
                candidate = directory / name
                if candidate.is_file():
                    return candidate
            found = self.files.get(name.rsplit("/", 1)[-1])
            if found is not None:
                return found
        return None
