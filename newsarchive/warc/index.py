"""CDXJ indexes in the pywb format, exactly as ``cdxj-indexer --post-append --sort`` writes.

Each line is ``SURT TIMESTAMP14 {json}`` with url, mime, status, digest, length, offset,
filename (POST/PUT responses get method/requestBody and a ``__wb_method`` key, revisits
the mime ``warc/revisit``). The field logic, pairing and sorting are cdxj-indexer's, in
:mod:`newsarchive.warc.cdxj` (cdxj-indexer brings AGPL code, so it is only a test tool);
the record loop is ours: it reports damaged records (file and offset) and keeps going
where ``cdxj-indexer`` stops, survives brotli bodies, and computes missing payload
digests from the payload (``cdxj-indexer --post-append`` hashes an already-read stream).
A file is read on the fast path first (:mod:`newsarchive.warc.fast_reader`, about twice
the speed), its lines held until it has read whole; at anything unusual they are dropped
and the careful reader reads the file again, so the lines are always the careful ones.

Every index written here gets a manifest beside it, ``INDEX.files``, saying which files
it covers at which size (:mod:`newsarchive.warc.coverage`); both are replaced together
under a lock on their directory (:func:`~newsarchive.warc.locks.directory_lock`), so two
processes updating one index never lose each other's lines.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import logging
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from warcio.timeutils import iso_date_to_timestamp

from newsarchive.atomic import AtomicFile
from newsarchive.archive_tools.progress import Progress, counted
from newsarchive.warc.cdxj import (
    BUFF_SIZE,
    LineMaker,
    SortingWriter,
    is_indexed,
    join_request_response,
    request_response,
    url_key,
)
from newsarchive.warc.coverage import (
    Coverage,
    Covered,
    carried_over,
    filename_of,
    read_coverage,
    size_in,
    start_coverage,
)
from newsarchive.warc import fast_reader
from newsarchive.warc import parallel_scan
from newsarchive.warc.fast_reader import FastRecord, Unusual, _members, _record, fast_records
from newsarchive.warc.parallel_scan import SPLIT_AT, Chunk, Linked
from newsarchive.warc.line_spool import LineBuffer
from newsarchive.warc.locks import directory_lock
from newsarchive.warc.reader import (
    Damage,
    DamageHandler,
    RecordReader,
    ZipMember,
    directories_without_archives,
    iter_archive_paths,
    open_source,
)

if TYPE_CHECKING:
    from newsarchive.warc.line_spool import SortedLineSpool

logger = logging.getLogger(__name__)

INDEX_NAME = "index.cdxj"
"""Name of the directory-wide index that replay and ``newsarchive index`` use."""


def cdxj_lines(
    path: str | os.PathLike[str] | ZipMember,
    *,
    filename: str | None = None,
    on_damage: DamageHandler | None = None,
) -> Iterator[str]:
    """Unsorted CDXJ lines (with newline) for one WARC/ARC file, streamed record by record.

    ``filename`` is what the ``filename`` field says (default: the file's name). Damage is
    passed to ``on_damage`` (default: logged) and the rest of the file is still indexed:
    every readable record, truncated ones included (what they hold is what there is), but
    no record that lacks the URL or date an index line is made of, nor one whose gzip
    member is corrupt (none of its bytes can be trusted); those are reported as damage.
    """
    source = path if isinstance(path, ZipMember) else Path(path)
    name = filename or (source.name.rsplit("/", 1)[-1] if isinstance(source, ZipMember) else source.name)
    if fast_reader.enabled():
        fast = _fast_lines(source, name)
        if fast is not None:
            yield from fast
            return
    yield from _careful_lines(source, name, on_damage)


class FileLines:
    """For each ``(path, filename)`` of ``files`` in order, its lines as :func:`cdxj_lines`
    gives them (each to be read before the next is asked for), read ahead in ``jobs``
    processes, a big file split among them (:mod:`newsarchive.warc.parallel_scan`): the
    same lines in the same order, and the same damage reported, as with ``jobs=1``.
    :meth:`start` sets the other processes to work early; :meth:`close` ends them."""

    def __init__(self, files: Sequence[tuple[Path | ZipMember, str]], *, on_damage: DamageHandler | None = None,
                 jobs: int = 1, split_at: int = SPLIT_AT) -> None:
        self.files, self.on_damage = list(files), on_damage
        self._scan: parallel_scan.Scan | None = None
        self._scratch: str | None = None
        if jobs > 1 and fast_reader.enabled() and self.files:
            self._scratch = tempfile.mkdtemp(prefix="newsarchive-index-")
            paths = [path if isinstance(path, Path) else None for path, _ in self.files]
            self._scan = parallel_scan.Scan(paths, _index_chunk, [(name, self._scratch) for _, name in self.files],
                                            jobs, split_at=split_at)

    def start(self) -> None:
        if self._scan is not None:
            self._scan.start()

    def __iter__(self) -> Iterator[Iterator[str]]:
        if self._scan is None:
            for path, name in self.files:
                yield cdxj_lines(path, filename=name, on_damage=self.on_damage)
            return
        try:
            for (path, name), outcome in zip(self.files, self._scan):
                yield _scanned_lines(path, name, outcome, self.on_damage)
        finally:
            self.close()

    def close(self) -> None:
        if self._scan is not None:
            self._scan.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> FileLines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _scanned_lines(source: Path | ZipMember, name: str, outcome: Linked | Unusual | None,
                   on_damage: DamageHandler | None) -> Iterator[str]:
    """:func:`cdxj_lines` for a file that :class:`~newsarchive.warc.parallel_scan.Scan` read."""
    if outcome is None:
        yield from cdxj_lines(source, filename=name, on_damage=on_damage)
        return
    if isinstance(outcome, Unusual):
        fast_reader.STATS.fell_back(source, outcome)
        yield from _careful_lines(source, name, on_damage)
        return
    chunks = [(cast(_IndexChunk, chunk), drop) for chunk, drop in outcome]
    fast_reader.STATS.fast_files += 1
    fast_reader.STATS.fast_records += sum(chunk.lines - (chunk.first_lines if drop else 0) for chunk, drop in chunks)
    try:
        for chunk, drop in chunks:
            skip = chunk.first_lines if drop else 0
            with open(chunk.spool, encoding="utf-8", errors="surrogatepass", newline="\n") as fh:
                for line in fh:
                    if skip:
                        skip -= 1
                        continue
                    yield line
    finally:
        for chunk, _drop in chunks:
            with contextlib.suppress(OSError):
                os.unlink(chunk.spool)


@dataclass
class _IndexChunk(Chunk):
    spool: str = ""  # the chunk's lines, in order
    lines: int = 0
    first_lines: int = 0  # how many of them its first record gave, when read on its own


def _index_chunk(path: str, start: int, stop: int | None, arg: tuple[str, str]) -> _IndexChunk:
    """The lines of the records of one chunk of a file (a :data:`~newsarchive.warc.parallel_scan.ChunkFn`):
    :func:`_fast_paired` from ``start``; a record left waiting at the bound is paired with
    the record after the bound when they are one exchange (``consumed``)."""
    name, directory = arg
    pairer = _FastPairer(LineMaker(name))
    fd, spool = tempfile.mkstemp(dir=directory, suffix=".cdxj")
    chunk = _IndexChunk(start, start, 0, spool=spool)

    def add(record: FastRecord, out: Any) -> None:
        lines = pairer.feed(record)
        chunk.records += 1
        if chunk.records == 2:  # the first record was read alone, or paired with this one
            chunk.first_alone = pairer.prev is record
            chunk.first_lines = len(lines)
        out.writelines(lines)
        chunk.lines += len(lines)
        chunk.end = record.file_offset + record.file_length

    with open(fd, "w", encoding="utf-8", errors="surrogatepass", newline="\n") as out, open(path, "rb") as fh:
        fh.seek(start)
        for begin, end, data in _members(fh, start, stop):
            add(_record(data, begin, end, True), out)
        if stop is not None and pairer.prev is not None and chunk.end < os.fstat(fh.fileno()).st_size:
            fh.seek(chunk.end)
            for begin, end, data in _members(fh, chunk.end):
                record = _record(data, begin, end, True)
                if request_response(pairer.prev, record)[0] is not None:
                    add(record, out)
                    chunk.consumed = (begin, end)
                break
        lines = pairer.finish()
        if chunk.records == 1:
            chunk.first_alone = True
            chunk.first_lines = len(lines)
        out.writelines(lines)
        chunk.lines += len(lines)
    return chunk


def _careful_lines(source: Path | ZipMember, name: str, on_damage: DamageHandler | None) -> Iterator[str]:
    """:func:`cdxj_lines` by the careful reader."""
    maker = LineMaker(name)
    reader = RecordReader(source, on_damage=on_damage)
    records = _paired_records(reader, maker)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - a reader bug must not end in a traceback
            logger.debug("reading %s stopped", source, exc_info=True)
            reader._damage(reader.bytes_read, f"reading stopped: {type(exc).__name__}: {exc}",
                           reader.size - reader.bytes_read, kind="unreadable")
            return
        missing = getattr(record, "missing_fields", ())
        if "WARC-Target-URI" in missing or "WARC-Date" in missing or getattr(record, "corrupt", False):
            continue  # no index line without them, nor for a corrupt gzip member: reported already
        try:
            if not is_indexed(record):
                continue
            line = maker.line(record)
        except Exception as exc:  # one odd record must not cost the whole index
            reader._damage(record.file_offset, f"cannot index record: {type(exc).__name__}: {exc}",
                           kind="unindexable")
            continue
        yield line


def _fast_lines(source: Path | ZipMember, name: str) -> LineBuffer | None:
    """The lines of a file that reads whole on the fast path (:mod:`newsarchive.warc.fast_reader`),
    or None: the careful reader is to read it (it reports what made the fast path stop)."""
    lines = LineBuffer()
    try:
        with open_source(source) as fh:
            for line in _fast_paired(fast_records(fh), LineMaker(name)):
                lines.add(line)
    except Unusual as exc:
        lines.close()
        fast_reader.STATS.fell_back(source, exc)
        return None
    except Exception as exc:  # noqa: BLE001 - whatever it is, the careful reader says it right
        lines.close()
        fast_reader.STATS.fell_back(source, Unusual(0, f"{type(exc).__name__}: {exc}"))
        return None
    fast_reader.STATS.fast_files += 1
    fast_reader.STATS.fast_records += len(lines)
    return lines


def _fast_paired(records: Iterator[FastRecord], maker: LineMaker) -> Iterator[str]:
    """:func:`_paired_records` and the line loop of :func:`cdxj_lines` over fast records:
    the same lines, or :class:`Unusual` where the careful path would report damage."""
    pairer = _FastPairer(maker)
    for record in records:
        yield from pairer.feed(record)
    yield from pairer.finish()


class _FastPairer:
    """The state of :func:`_fast_paired`: the record that may yet pair with the next."""

    def __init__(self, maker: LineMaker) -> None:
        self.maker = maker
        self.prev: Any = None

    def feed(self, record: FastRecord) -> list[str]:
        """The lines that ``record`` completes (none, its predecessor's, or both of a pair)."""
        maker = self.maker
        record.buffered_stream = None
        if record.rec_type == "request":
            http = record.http_headers  # only a POST/PUT body is ever read for its key
            if http is not None and http.protocol.upper() in ("POST", "PUT"):
                record.buffered_stream = _buffer_request_body(record)
        elif record.rec_type != "warcinfo":
            try:
                maker.payload_digest(record)
            except Exception as exc:
                logger.debug("no payload digest for record at %s: %s", record.file_offset, exc)
        prev = self.prev
        req, resp = request_response(prev, record)
        lines: list[str] = []
        if not req or not resp:
            self.prev = record
            if prev is not None:
                line = _fast_line(prev, maker)
                if line is not None:
                    lines.append(line)
                _close(prev)
            return lines
        join_request_response(req, resp)
        self.prev = None
        for done in (prev, record):
            line = _fast_line(done, maker)
            if line is not None:
                lines.append(line)
            _close(done)
        return lines

    def finish(self) -> list[str]:
        """The line of the record left waiting, if any."""
        prev, self.prev = self.prev, None
        if prev is None:
            return []
        line = _fast_line(prev, self.maker)
        _close(prev)
        return [] if line is None else [line]


def _fast_line(record: FastRecord, maker: LineMaker) -> str | None:
    try:
        return maker.line(record) if is_indexed(record) else None
    except Exception as exc:  # the careful path reports it as damage
        raise Unusual(record.file_offset, f"cannot index record: {type(exc).__name__}") from exc


def _paired_records(reader: RecordReader, maker: LineMaker) -> Iterator[Any]:
    """``cdxj_indexer.bufferiter.buffering_record_iter`` without reading response bodies twice.

    Only request bodies are buffered (for the POST query key); payload digests that the
    record lacks are computed from the record itself before it is read to its end.
    """
    prev = None
    for record in reader:
        record.buffered_stream = None
        if record.rec_type == "request":
            record.buffered_stream = _buffer_request_body(record)
        elif record.rec_type != "warcinfo":
            try:
                maker.payload_digest(record)
            except Exception as exc:
                logger.debug("no payload digest for record at %s: %s", record, exc)
        record.file_offset = reader.get_record_offset()
        record.file_length = reader.get_record_length()

        req, resp = request_response(prev, record)
        if not req or not resp:
            if prev is not None:
                yield prev
                _close(prev)
            prev = record
            continue
        join_request_response(req, resp)
        yield prev
        _close(prev)
        yield record
        _close(record)
        prev = None
    if prev is not None:
        yield prev
        _close(prev)


def _buffer_request_body(record: Any) -> Any:
    spool = tempfile.SpooledTemporaryFile(BUFF_SIZE)
    try:
        shutil.copyfileobj(record.content_stream(), spool)
    except Exception:  # undecodable request body: keep what the archive holds
        spool.seek(0)
        spool.truncate()
        shutil.copyfileobj(record.raw_stream, spool)
    spool.seek(0)
    return spool


def _close(record: Any) -> None:
    if record.buffered_stream is not None:
        record.buffered_stream.close()
        record.buffered_stream = None


class _CountingWriter:
    def __init__(self, out: Any) -> None:
        self.out = out
        self.lines = 0

    def write(self, line: str) -> None:
        self.lines += 1
        self.out.write(line)

    def flush(self) -> None:
        self.out.flush()


def index_filename(warc_path: Path, index_dir: Path) -> str:
    """The ``filename`` value for a WARC: its path relative to the index, with ``/``."""
    try:
        rel = os.path.relpath(warc_path.resolve(), index_dir.resolve())
    except ValueError:  # another drive on Windows
        return str(warc_path.resolve())
    return rel.replace(os.sep, "/")


def write_index(
    warc_paths: Sequence[str | os.PathLike[str]] | Iterable[str | os.PathLike[str]],
    index_path: str | os.PathLike[str],
    *,
    on_damage: DamageHandler | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    split_at: int = SPLIT_AT,
) -> int:
    """Write the sorted CDXJ index of ``warc_paths`` (files or directories) to ``index_path``.

    Sorting spills to temporary files past 32 MB, so memory stays flat; the index and
    its manifest are written beside and renamed into place, so readers never see half
    an index. Returns the number of lines written. ``progress`` is told each file and
    line as it goes. ``jobs`` processes read the files, big ones split from ``split_at``
    bytes (:class:`FileLines`): the same index.
    """
    index_path = Path(index_path)
    with _build_index(warc_paths, index_path, on_damage, progress, jobs, split_at) as (out, coverage, lines):
        with directory_lock(index_path.parent):  # only for the renames: a rebuild takes long
            _commit(out, coverage, index_path)
    return lines


@contextlib.contextmanager
def _build_index(
    warc_paths: Iterable[str | os.PathLike[str]],
    index_path: Path,
    on_damage: DamageHandler | None,
    progress: Progress | None,
    jobs: int = 1,
    split_at: int = SPLIT_AT,
) -> Iterator[tuple[AtomicFile, Coverage, int]]:
    """The sorted index of ``warc_paths``, written and fsynced beside ``index_path`` but
    not yet in place, with its manifest and line count. Discarded unless committed."""
    index_dir = index_path.parent
    with AtomicFile(index_path) as out, contextlib.ExitStack() as stack:
        counter = _CountingWriter(out.file)
        sorter = SortingWriter(counter)
        files: dict[str, Covered] = {}
        warcs = [(warc, index_filename(warc, index_dir)) for warc in iter_archive_paths(warc_paths)]
        per_file = stack.enter_context(FileLines(warcs, on_damage=on_damage, jobs=jobs, split_at=split_at))
        for number, ((warc, name), lines) in enumerate(zip(warcs, per_file), 1):
            try:
                size = warc.stat().st_size  # before reading: what the lines describe
            except OSError as exc:  # gone, or not readable: not covered, and said so
                _report(on_damage, Damage(str(warc), 0, f"cannot read the file: {exc}", kind="unreadable-file"))
                continue
            written = files[name].lines if name in files else 0  # (a file given twice)
            for line in counted(lines, progress, f"indexing file {number}, {name}"):
                sorter.write(line)
                written += 1
            files[name] = Covered(size, written)
        sorter.flush()
        yield out, Coverage(files, out.finish()), counter.lines


def _report(on_damage: DamageHandler | None, damage: Damage) -> None:
    if on_damage is not None:
        on_damage(damage)
    else:
        logger.warning("%s", damage)


def _commit(out: AtomicFile, coverage: Coverage, index_path: Path) -> None:
    """Put an index and its manifest in place: both fsynced first, the index renamed
    first. A crash between the two renames leaves a manifest that no longer matches
    the index, which readers detect (see :mod:`newsarchive.warc.coverage`)."""
    with start_coverage(index_path, coverage) as manifest:
        out.commit(sync_directory=False)  # the manifest's rename syncs both
        manifest.commit()


def add_to_index(
    warc_paths: Sequence[str | os.PathLike[str]],
    index_path: str | os.PathLike[str],
    *,
    on_damage: DamageHandler | None = None,
) -> int:
    """Merge the records of newly closed ``warc_paths`` into the sorted ``index_path``.

    The cost is one pass over the existing index, not a re-read of every WARC beside
    it, so closing a file stays cheap as an archive grows over many crawls. Lines for
    the same file names are replaced. Returns the number of lines in the index.
    """
    index_path = Path(index_path)
    index_dir = index_path.parent
    lines: dict[str, list[str]] = {}
    for warc in iter_archive_paths(warc_paths):
        name = index_filename(warc, index_dir)
        lines[name] = list(cdxj_lines(warc, filename=name, on_damage=on_damage))
    return merge_into_index(lines, index_path, on_damage=on_damage)


def merge_into_index(
    lines_by_file: Mapping[str, Sequence[str] | SortedLineSpool],
    index_path: str | os.PathLike[str],
    *,
    on_damage: DamageHandler | None = None,
) -> int:
    """Merge ready-made CDXJ lines (``filename -> lines``) into ``index_path``.

    The WARC writer knows every line when it writes a record, so closing a file costs no
    re-read. Without an index yet, the other WARC files of the directory are indexed
    first, so the result always covers the whole directory. The manifest is updated in
    the same step: the merged files at their current size, the others as the manifest
    had them (checked line by line on the way through when the manifest was not written
    with this very index, or there was none).
    """
    index_path = Path(index_path)
    index_dir = index_path.parent
    # sorted spools (the writer's, newsarchive.warc.line_spool) are merged as they are
    new_lines = heapq.merge(*(lines if getattr(lines, "is_sorted", False) else sorted(lines)
                              for lines in lines_by_file.values()))
    with directory_lock(index_dir):
        if not index_path.exists():
            others = [
                p for p in iter_archive_paths([index_dir])
                if index_filename(p, index_dir) not in lines_by_file
            ]
            if others:
                with _build_index(others, index_path, on_damage, None) as (built, coverage, _):
                    _commit(built, coverage, index_path)
        previous = read_coverage(index_path) if index_path.exists() else None
        # A manifest written with this very index is taken at its word (replay checks
        # line counts anyway); any other, or none, is checked line by line on the way.
        trusted = previous is not None and previous.index_size == index_path.stat().st_size
        kept: Counter[str] = Counter()
        with contextlib.ExitStack() as stack:
            old: Iterable[str] = ()
            if index_path.exists():
                old_file = stack.enter_context(open(index_path, encoding="utf-8", newline="\n"))
                old = _other_files(old_file, lines_by_file) if trusted else _kept_lines(old_file, lines_by_file, kept)
            out = stack.enter_context(AtomicFile(index_path))
            counter = _CountingWriter(out.file)
            for line in heapq.merge(old, new_lines):
                counter.write(line)
            size_of = size_in(index_dir)
            if trusted and previous is not None:
                files = {name: entry for name, entry in previous.files.items() if name not in lines_by_file}
            else:
                files = carried_over(kept, previous, size_of)
            for name, lines in lines_by_file.items():
                size = size_of(name)
                if size is not None:
                    files[name] = Covered(size, len(lines))
            _commit(out, Coverage(files, out.finish()), index_path)
    return counter.lines


def _other_files(lines: Iterable[str], replaced: dict[str, list[str]]) -> Iterator[str]:
    """The lines of files not being replaced (a substring test: the fast way)."""
    markers = tuple(f'"filename": {json.dumps(name)}' for name in replaced)
    return (line for line in lines if not any(m in line for m in markers))


def _kept_lines(lines: Iterable[str], replaced: dict[str, list[str]], counts: Counter[str]) -> Iterator[str]:
    """The lines of files not being replaced, counted per file on the way."""
    for line in lines:
        name = filename_of(line)
        if name in replaced:
            continue
        if name is not None:
            counts[name] += 1
        yield line


def cdxj_line(
    *,
    url: str,
    warc_date: str,
    rec_type: str,
    status_line: bytes,
    header_lines: Sequence[bytes],
    payload_digest: str,
    offset: int,
    length: int,
    filename: str,
) -> str:
    """The line ``cdxj-indexer`` would write for a GET response or revisit we just wrote."""
    entry: dict[str, str] = {"url": url}
    if rec_type == "revisit":
        entry["mime"] = "warc/revisit"
    else:
        mime = _header(header_lines, b"content-type")
        if mime is not None:
            entry["mime"] = _MIME_CUT.split(mime, 1)[0].strip()
    parts = status_line.split(None, 2)
    if len(parts) >= 2:
        entry["status"] = parts[1].decode("latin-1")
    entry.update(digest=payload_digest, length=str(length), offset=str(offset), filename=filename)
    return f"{url_key(url)} {iso_date_to_timestamp(warc_date)} {json.dumps(entry)}\n"


_MIME_CUT = re.compile(r"[;\s]")


def _header(lines: Sequence[bytes], name: bytes) -> str | None:
    for line in lines:
        key, sep, value = line.partition(b":")
        if sep and key.strip().lower() == name:
            return value.strip().decode("latin-1")
    return None


def index_archives(
    paths: Sequence[str | os.PathLike[str]],
    *,
    on_damage: DamageHandler | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
) -> list[tuple[Path, int]]:
    """Rebuild indexes beside the archives: ``DIR/index.cdxj`` per directory, ``FILE.cdxj``
    per WARC file given directly, each with its manifest. Returns (index path, lines)
    for each index written. A directory without WARC/ARC files gets none: there is
    nothing to index (``newsarchive index`` says so and exits 3)."""
    written: list[tuple[Path, int]] = []
    empty = set(directories_without_archives(paths))
    for raw in paths:
        path = Path(raw)
        if path in empty:
            continue
        target = path / INDEX_NAME if path.is_dir() else path.with_name(path.name + ".cdxj")
        written.append((target, write_index([path], target, on_damage=on_damage, progress=progress, jobs=jobs)))
    return written


__all__ = [
    "INDEX_NAME",
    "add_to_index",
    "cdxj_line",
    "merge_into_index",
    "Damage",
    "cdxj_lines",
    "FileLines",
    "index_archives",
    "index_filename",
    "write_index",
]
