"""Rolling ``*.warc.gz`` files: one gzip member per record, ``.open`` until closed.

Why this layout: a gzip member per record lets indexes point at ``offset``/``length`` and
lets any reader start at any record; flushing each member whole means a killed crawl
leaves every completed record readable in the ``.open`` file; the rename on close tells
tools (and people) which files are complete. Names follow the Heritrix convention,
``{prefix}-{timestamp}-{serial:05d}-{hostname}-{pid}.warc.gz``, so files from several
crawls and machines can share a directory without colliding.

While a file is ``.open`` its writer holds an exclusive ``flock`` on it (see
:mod:`newsarchive.warc.locks`): the kernel drops it when the writer dies, however it
dies, so recovery can tell a dead writer's file from a live one's at once.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from newsarchive.atomic import fsync_directory
from newsarchive.warc.locks import lock_file
from newsarchive.warc.records import WarcRecord, warcinfo_record

try:  # ISA-L: the same gzip format, about five times less CPU than zlib at a similar size
    from isal import isal_zlib as _fast_zlib
except ImportError:  # pragma: no cover - platforms without isal wheels use zlib
    _fast_zlib = None

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"
DEFAULT_MAX_SIZE = 1_000_000_000
_WHOLE = 1 << 20  # records up to this size are compressed in one call, larger ones streamed
# POSIX renames an open file; the writer renames while it still holds the file's lock,
# so no recovery can take the file between the writer's last write and its rename.
_RENAME_WHILE_OPEN = os.name == "posix"
_being_written: set[tuple[int, int]] = set()  # (device, inode) of this process's .open files


def being_written_here(path: Path) -> bool:
    """Whether ``path`` is a ``.open`` file a writer of this process is writing.

    Locks already keep recovery off live files; this also covers file systems where
    ``flock`` is emulated with per-process POSIX locks (NFS): there a process's own
    second ``open()`` of its file would get the lock, and closing it would even drop
    the writer's, so recovery asks this before it opens a file at all.
    """
    try:
        st = path.stat()
    except OSError:
        return False
    return (st.st_dev, st.st_ino) in _being_written


def _file_key(fh: BinaryIO) -> tuple[int, int]:
    st = os.fstat(fh.fileno())
    return (st.st_dev, st.st_ino)


@dataclass(frozen=True)
class RecordLocation:
    """Where a record landed: enough to read it back with one seek."""

    filename: str
    offset: int
    length: int
    record_id: str

    def as_pointer(self) -> dict[str, str | int]:
        return {"filename": self.filename, "offset": self.offset, "length": self.length, "record_id": self.record_id}


def safe_name_part(text: str) -> str:
    """Keep file names portable: letters, digits, ``.``, ``_`` and ``-`` only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "warc"


class WarcWriter:
    """Appends records to rolling WARC files in ``directory``. Use from one thread only.

    ``info`` is the warcinfo body (name, value pairs) written at the start of every file;
    ``on_close(path)`` is called with each file once it is complete and renamed.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        prefix: str,
        *,
        max_size: int = DEFAULT_MAX_SIZE,
        gzip_level: int = 6,
        digest: str = "sha1",
        info: Sequence[tuple[str, str]] = (),
        on_close: Callable[[Path], None] | None = None,
    ) -> None:
        if max_size <= 0:
            raise ValueError(f"WARC max size must be positive, got {max_size}")
        if not 0 <= gzip_level <= 9:
            raise ValueError(f"gzip level must be 0-9, got {gzip_level}")
        self.directory = Path(directory)
        self.prefix = safe_name_part(prefix)
        self.max_size = max_size
        self.gzip_level = gzip_level
        self.digest = digest
        self.info = list(info)
        self.on_close = on_close
        self.hostname = safe_name_part(socket.gethostname())
        self.pid = os.getpid()
        self._serial = 0
        self._fh: BinaryIO | None = None
        self._path: Path | None = None  # final name; the file is ``_path + .open`` meanwhile
        self._size = 0
        self._warcinfo_id = ""
        self._key = (0, 0)  # (device, inode) of the .open file
        self.closed_files: list[Path] = []

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` file being written, if any."""
        return self._path.with_name(self._path.name + OPEN_SUFFIX) if self._path else None

    def write(self, records: Sequence[WarcRecord]) -> list[RecordLocation]:
        """Append ``records`` (kept together in one file) and flush each as it is written.

        A file past ``max_size`` is closed when the next records come (or at
        :meth:`close`), never in the middle of this call: whoever wrote the records can
        finish its bookkeeping (index lines) before ``on_close`` announces the file.
        """
        if self._fh is not None and self._size >= self.max_size:
            self.close()
        if self._fh is None:
            self._open()
        locations = []
        for record in records:
            record.warcinfo_id = self._warcinfo_id
            locations.append(self._write_member(record))
        return locations

    def close(self) -> Path | None:
        """Finish the current file: flush, fsync, drop ``.open``. Returns the final path."""
        if self._fh is None or self._path is None:
            return None
        fh, path, self._fh, self._path = self._fh, self._path, None, None
        open_path = path.with_name(path.name + OPEN_SUFFIX)
        renamed = False
        try:
            os.fsync(fh.fileno())
            if path.exists():  # never clobber; keep the .open file for a human to sort out
                logger.error("Not renaming %s: %s already exists", open_path, path)
                return None
            if _RENAME_WHILE_OPEN:
                os.rename(open_path, path)
                renamed = True
        finally:
            _being_written.discard(self._key)
            fh.close()  # releases the lock
        if not renamed:
            os.rename(open_path, path)
        fsync_directory(self.directory)
        self.closed_files.append(path)
        logger.info("Closed WARC file %s (%d bytes)", path, self._size)
        if self.on_close is not None:
            self.on_close(path)
        return path

    def abandon(self) -> Path | None:
        """Stop without finishing, as a killed writer would: the file stays ``.open``
        (every record in it whole) and its lock is released, so the next crawl into the
        directory finishes it. Returns the ``.open`` file left, if any."""
        left = self.current_path
        fh, self._fh, self._path = self._fh, None, None
        if fh is not None:
            _being_written.discard(self._key)
            fh.close()
        return left

    # -- internals -------------------------------------------------------------------

    def _next_name(self) -> str:
        now = datetime.now(timezone.utc)
        stamp = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"
        name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self.hostname}-{self.pid}{WARC_SUFFIX}"
        self._serial += 1
        return name

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            name = self._next_name()
            path = self.directory / name
            if path.exists():
                continue
            try:
                # Unbuffered: each record goes to the OS whole, and can be cut back whole.
                fh = open(path.with_name(name + OPEN_SUFFIX), "xb", buffering=0)  # noqa: SIM115
            except FileExistsError:
                continue
            break
        # Locked before anything is written. Waiting is right: a recovery that opened the
        # new, empty file in the instant before holds the lock only to find it empty.
        if lock_file(fh.fileno(), wait=True) is None:
            logger.debug("No file locks here; recovery falls back to checking the writer's pid")
        self._key = _file_key(fh)
        _being_written.add(self._key)
        self._fh, self._path, self._size = fh, path, 0
        info = warcinfo_record(name, self.info, self.digest)
        self._warcinfo_id = info.record_id
        self._write_member(info)
        logger.info("Writing WARC file %s", self.current_path)

    def _write_member(self, record: WarcRecord) -> RecordLocation:
        assert self._fh is not None and self._path is not None
        fh, start = self._fh, self._size
        written = 0
        try:
            if record.length <= _WHOLE:
                written = _write_all(fh, gzip_member(record.to_bytes(), self.gzip_level))
            else:
                compressor = gzip_compressor(self.gzip_level)
                for chunk in record.chunks():
                    written += _write_all(fh, compressor.compress(chunk))
                written += _write_all(fh, compressor.flush())
        except BaseException:
            # Leave no half member behind: readers would stop there.
            try:
                fh.truncate(start)
                fh.seek(start)
            except OSError:  # pragma: no cover - the disk is gone; the error raised says so
                pass
            raise
        self._size = start + written
        return RecordLocation(self._path.name, start, written, record.record_id)


def gzip_member(data: bytes, level: int = 6) -> bytes:
    """``data`` as one gzip member; ``level`` as in zlib (0 stores, 1-9 compress)."""
    if _fast_zlib is not None and level > 0:
        return _fast_zlib.compress(data, _isal_level(level), 31)
    return zlib.compress(data, level, 31)


def gzip_compressor(level: int = 6) -> Any:
    """A streaming compressor (``compress``/``flush``) writing one gzip member."""
    if _fast_zlib is not None and level > 0:
        return _fast_zlib.compressobj(_isal_level(level), _fast_zlib.DEFLATED, 31)
    return zlib.compressobj(level, zlib.DEFLATED, 31)


def _isal_level(level: int) -> int:
    """ISA-L has levels 1-3: zlib's 1-2, 3-5 and 6-9 map onto them."""
    return 1 if level <= 2 else 2 if level <= 5 else 3


def _write_all(fh: BinaryIO, data: bytes) -> int:
    """Raw files may take fewer bytes than offered; loop until all are written."""
    view = memoryview(data)
    while view:
        count = fh.write(view)
        if count is None:  # pragma: no cover - only non-blocking files return None
            raise OSError("WARC file refused a write")
        view = view[count:]
    return len(data)
