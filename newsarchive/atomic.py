"""Files replaced whole: written beside their final name, fsynced, then renamed into place.

Why: readers (replay, pywb, a second crawl) must never see half an index, and after a
crash or power cut a file must be either its old or its new self, never empty. The
temporary file is unique (``mkstemp``), so two writers never share one; its mode is the
replaced file's, or what a plain ``open()`` would give, so an index stays as readable as
the WARCs beside it (``mkstemp`` alone would make it private).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any


class AtomicFile:
    """A text file that replaces ``path`` only when :meth:`commit` is called.

    Use as a context manager: leaving the block without committing removes the
    temporary file and leaves ``path`` as it was.
    """

    def __init__(self, path: str | os.PathLike[str], *, binary: bool = False, suffix: str = ".tmp") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=suffix, dir=self.path.parent)
        self.tmp = Path(tmp)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode_for(self.path))
            else:  # pragma: no cover - Windows
                os.chmod(self.tmp, mode_for(self.path))
        except OSError:  # pragma: no cover - file systems without modes
            pass
        self.file: Any = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self._done = False

    def write(self, data: Any) -> int:
        """Write ``str`` (text mode) or ``bytes`` (``binary=True``)."""
        return int(self.file.write(data))

    def flush(self) -> None:
        self.file.flush()

    def finish(self) -> int:
        """Flush and fsync the temporary file; returns its size. Idempotent."""
        if not self.file.closed:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
        return self.tmp.stat().st_size

    def commit(self, *, sync_directory: bool = True) -> int:
        """Rename the finished file into place; returns its size. ``sync_directory``
        makes the rename durable now (skip it when another rename in the same
        directory follows and will sync both)."""
        size = self.finish()
        os.replace(self.tmp, self.path)
        self._done = True
        if sync_directory:
            fsync_directory(self.path.parent)
        return size

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
        if not self._done:
            self.tmp.unlink(missing_ok=True)
            self._done = True

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.discard()


def write_atomically(path: str | os.PathLike[str], text: str) -> int:
    """Replace ``path`` with ``text`` (see :class:`AtomicFile`); returns the bytes written."""
    with AtomicFile(path) as out:
        out.write(text)
        return out.commit()


def fsync_directory(directory: str | os.PathLike[str]) -> None:
    """Make a rename in ``directory`` durable (POSIX); a no-op where directories cannot be
    opened (Windows), since there the rename itself is what the file system keeps."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on directories; the data is synced
        pass
    finally:
        os.close(fd)


def mode_for(path: Path) -> int:
    """The mode a replacement of ``path`` gets: the file's own, or a plain ``open()``'s."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it (``os.umask`` would, for a moment,
    for every thread): from /proc where there is one, else the usual 022."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
