"""CDXJ indexes in the pywb format, exactly as ``cdxj-indexer --post-append --sort`` writes.

Each line is ``SURT TIMESTAMP14 {json}`` with url, mime, status, digest, length, offset,
filename (POST/PUT responses get method/requestBody and a ``__wb_method`` key, revisits
the mime ``warc/revisit``). We reuse ``cdxj_indexer``'s field logic, pairing and sorting
and only replace the record loop: it reports damaged records (file and offset) and keeps
going where ``cdxj-indexer`` stops, survives brotli bodies, and computes missing payload
digests from the payload (``cdxj-indexer --post-append`` hashes an already-read stream).
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
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from warcio.timeutils import iso_date_to_timestamp

from newsarchive.progress import Progress, counted
from newsarchive.warc.reader import Damage, DamageHandler, RecordReader, iter_archive_paths

logger = logging.getLogger(__name__)

INDEX_NAME = "index.cdxj"
"""Name of the directory-wide index that replay and ``newsarchive index`` use."""


# cdxj_indexer (and the HTTP and AMF libraries it brings) is imported only when an
# archive is read back: a crawl builds its index lines itself (:func:`cdxj_line`).


@lru_cache(maxsize=1)
def _indexer_class() -> type:
    from cdxj_indexer.main import CDXJIndexer

    class _Indexer(CDXJIndexer):  # type: ignore[misc]
        """cdxj_indexer's field extraction, driven record by record from outside."""

        def __init__(self, filename: str) -> None:
            super().__init__(output=None, inputs=[], post_append=True)
            self.curr_filename = filename

    return _Indexer


class _Lines:
    """Minimal text sink that hands each written line back to the generator."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        self.lines.append(line)

    def drain(self) -> list[str]:
        lines, self.lines = self.lines, []
        return lines


def cdxj_lines(
    path: str | os.PathLike[str],
    *,
    filename: str | None = None,
    on_damage: DamageHandler | None = None,
) -> Iterator[str]:
    """Unsorted CDXJ lines (with newline) for one WARC/ARC file, streamed record by record.

    ``filename`` is what the ``filename`` field says (default: the file's name). Damage is
    passed to ``on_damage`` (default: logged) and the rest of the file is still indexed.
    """
    path = Path(path)
    indexer = _indexer_class()(filename or path.name)
    reader = RecordReader(path, on_damage=on_damage)
    sink = _Lines()
    for record in _paired_records(reader, indexer):
        try:
            if indexer.filter_record(record):
                indexer.process_index_entry(reader, record, str(path), sink)
        except Exception as exc:  # one odd record must not cost the whole index
            reader._damage(record.file_offset, f"cannot index record: {type(exc).__name__}: {exc}")
            sink.drain()
            continue
        yield from sink.drain()


def _paired_records(reader: RecordReader, indexer: Any) -> Iterator[Any]:
    """``cdxj_indexer.bufferiter.buffering_record_iter`` without reading response bodies twice.

    Only request bodies are buffered (for the POST query key); payload digests that the
    record lacks are computed from the record itself before it is read to its end.
    """
    from cdxj_indexer.bufferiter import concur_req_resp, join_req_resp

    prev = None
    for record in reader:
        record.buffered_stream = None
        if record.rec_type == "request":
            record.buffered_stream = _buffer_request_body(record)
        elif record.rec_type != "warcinfo":
            try:
                indexer._get_digest(record, "WARC-Payload-Digest")
            except Exception as exc:
                logger.debug("no payload digest for record at %s: %s", record, exc)
        record.file_offset = reader.get_record_offset()
        record.file_length = reader.get_record_length()

        req, resp = concur_req_resp(prev, record)
        if not req or not resp:
            if prev is not None:
                yield prev
                _close(prev)
            prev = record
            continue
        join_req_resp(req, resp, True, indexer.get_url_key)
        yield prev
        _close(prev)
        yield record
        _close(record)
        prev = None
    if prev is not None:
        yield prev
        _close(prev)


def _buffer_request_body(record: Any) -> Any:
    from cdxj_indexer.bufferiter import BUFF_SIZE

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
) -> int:
    """Write the sorted CDXJ index of ``warc_paths`` (files or directories) to ``index_path``.

    Sorting spills to temporary files past 32 MB, so memory stays flat; the index is
    written beside and renamed into place, so readers never see half an index. Returns
    the number of lines written. ``progress`` is told each file and line as it goes.
    """
    from cdxj_indexer.main import SortingWriter

    index_path = Path(index_path)
    index_dir = index_path.parent
    with _replacing(index_path) as out:
        counter = _CountingWriter(out)
        sorter = SortingWriter(counter)
        for number, warc in enumerate(iter_archive_paths(warc_paths), 1):
            name = index_filename(warc, index_dir)
            lines = cdxj_lines(warc, filename=name, on_damage=on_damage)
            for line in counted(lines, progress, f"indexing file {number}, {name}"):
                sorter.write(line)
        sorter.flush()
    return counter.lines


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
    lines_by_file: dict[str, list[str]],
    index_path: str | os.PathLike[str],
    *,
    on_damage: DamageHandler | None = None,
) -> int:
    """Merge ready-made CDXJ lines (``filename -> lines``) into ``index_path``.

    The WARC writer knows every line when it writes a record, so closing a file costs no
    re-read. Without an index yet, the other WARC files of the directory are indexed
    first, so the result always covers the whole directory.
    """
    index_path = Path(index_path)
    new_lines = sorted(line for lines in lines_by_file.values() for line in lines)
    markers = tuple(f'"filename": {json.dumps(name)}' for name in lines_by_file)
    if not index_path.exists():
        others = [
            p for p in iter_archive_paths([index_path.parent])
            if index_filename(p, index_path.parent) not in lines_by_file
        ]
        if others:
            write_index(others, index_path, on_damage=on_damage)
    with contextlib.ExitStack() as stack:
        old: Iterable[str] = ()
        if index_path.exists():
            old_file = stack.enter_context(open(index_path, encoding="utf-8", newline="\n"))
            old = (line for line in old_file if not any(m in line for m in markers))
        out = stack.enter_context(_replacing(index_path))
        counter = _CountingWriter(out)
        for line in heapq.merge(old, new_lines):
            counter.write(line)
    return counter.lines


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
    import surt  # imported once, on the first line

    try:
        key = surt.surt(url)
    except Exception:  # noqa: BLE001 - cdxj-indexer falls back the same way
        key = url
    return f"{key} {iso_date_to_timestamp(warc_date)} {json.dumps(entry)}\n"


_MIME_CUT = re.compile(r"[;\s]")


def _header(lines: Sequence[bytes], name: bytes) -> str | None:
    for line in lines:
        key, sep, value = line.partition(b":")
        if sep and key.strip().lower() == name:
            return value.strip().decode("latin-1")
    return None


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[Any]:
    """Write a file beside ``path`` and rename it into place: readers never see half of it,
    and two writers never share a temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def index_archives(
    paths: Sequence[str | os.PathLike[str]],
    *,
    on_damage: DamageHandler | None = None,
    progress: Progress | None = None,
) -> list[tuple[Path, int]]:
    """Rebuild indexes beside the archives: ``DIR/index.cdxj`` per directory, ``FILE.cdxj``
    per WARC file given directly. Returns (index path, lines) for each index written."""
    written: list[tuple[Path, int]] = []
    for raw in paths:
        path = Path(raw)
        target = path / INDEX_NAME if path.is_dir() else path.with_name(path.name + ".cdxj")
        written.append((target, write_index([path], target, on_damage=on_damage, progress=progress)))
    return written


__all__ = [
    "INDEX_NAME",
    "add_to_index",
    "cdxj_line",
    "merge_into_index",
    "Damage",
    "cdxj_lines",
    "index_archives",
    "index_filename",
    "write_index",
]
