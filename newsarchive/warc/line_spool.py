"""The index lines of the WARC file being written, kept sorted in bounded memory.

The writer knows every CDXJ line when it writes a record, and merges them into
``index.cdxj`` when the file closes. Held in a list, they grew with the file (about
0.44 KiB per record: bounded only by the 1 GB rollover). Past ``buffer`` bytes, the lines
are sorted and spilled to a temporary file beside the archive; reading merges the runs.
"""

from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Bytes of lines kept in memory before a sorted run is spilled to disk.
DEFAULT_BUFFER = 8 << 20


class SortedLineSpool:
    """Lines added in any order, read back once in sorted order (``is_sorted``)."""

    is_sorted = True

    def __init__(self, directory: str | os.PathLike[str] | None = None, buffer: int = DEFAULT_BUFFER) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.buffer = buffer
        self._lines: list[str] = []
        self._size = 0
        self._count = 0
        self._runs: list[str] = []

    def add(self, line: str) -> None:
        self._lines.append(line)
        self._size += len(line)
        self._count += 1
        if self._size >= self.buffer:
            self._spill()

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        """Every line, sorted; the spilled runs are removed once read."""
        self._lines.sort()
        files = [open(name, encoding="utf-8", newline="\n") for name in self._runs]
        try:
            yield from heapq.merge(*files, self._lines)
        finally:
            for fh in files:
                fh.close()
            self.close()

    def close(self) -> None:
        """Remove the spilled runs (also when the lines were never read)."""
        for name in self._runs:
            try:
                os.remove(name)
            except OSError:
                pass
        self._runs = []

    def _spill(self) -> None:
        self._lines.sort()
        fd, name = tempfile.mkstemp(prefix=".index-spool-", suffix=".tmp", dir=self.directory)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as run:
            run.writelines(self._lines)
        self._runs.append(name)
        self._lines = []
        self._size = 0


__all__ = ["DEFAULT_BUFFER", "SortedLineSpool"]
