"""The index lines of the WARC file being written, kept sorted in bounded memory.

The writer knows every CDXJ line when it writes a record, and merges them into
``index.cdxj`` when the file closes. Held in a list, they grew with the file (about
0.44 KiB per record: bounded only by the 1 GB rollover). Past ``buffer`` bytes, the lines
are sorted and spilled to a temporary file beside the archive; reading merges the runs.
The temporary files have no name (``tempfile.TemporaryFile``: unlinked as soon as made),
so a writer killed mid-file leaves nothing behind.
"""

from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

#: Bytes of lines kept in memory before a sorted run is spilled to disk.
DEFAULT_BUFFER = 2 << 20


class SortedLineSpool:
    """Lines added in any order, read back once in sorted order (``is_sorted``)."""

    is_sorted = True

    def __init__(self, directory: str | os.PathLike[str] | None = None, buffer: int = DEFAULT_BUFFER) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.buffer = buffer
        self._lines: list[str] = []
        self._size = 0
        self._count = 0
        self._runs: list[IO[str]] = []

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
        for run in self._runs:
            run.seek(0)
        try:
            yield from heapq.merge(*self._runs, self._lines)
        finally:
            self.close()

    def close(self) -> None:
        """Remove the spilled runs (also when the lines were never read)."""
        for run in self._runs:
            run.close()
        self._runs = []

    def _spill(self) -> None:
        self._lines.sort()
        run = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n", prefix=".index-spool-",
                                     dir=self.directory)
        run.writelines(self._lines)
        run.flush()
        self._runs.append(run)
        self._lines = []
        self._size = 0



class LineBuffer:
    """Lines read back once in the order they were added, in bounded memory.

    The fast reader's index lines for one file are only good once the whole file has
    read cleanly, so they are held until then: past ``buffer`` bytes in an unnamed
    temporary file, so a large file costs no more memory than a small one.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, buffer: int = 4 * DEFAULT_BUFFER) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.buffer = buffer
        self._lines: list[str] = []
        self._size = 0
        self._count = 0
        self._spill: IO[str] | None = None

    def add(self, line: str) -> None:
        self._lines.append(line)
        self._size += len(line)
        self._count += 1
        if self._size >= self.buffer:
            if self._spill is None:
                self._spill = tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass", newline="\n",
                                                     prefix=".index-lines-",
                                                     dir=self.directory)
            self._spill.writelines(self._lines)
            self._lines = []
            self._size = 0

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        """Every line, in the order added; the temporary file is removed once read."""
        try:
            if self._spill is not None:
                self._spill.seek(0)
                yield from self._spill
            yield from self._lines
        finally:
            self.close()

    def close(self) -> None:
        """Drop the lines (and remove the temporary file)."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None
        self._lines = []


__all__ = ["DEFAULT_BUFFER", "LineBuffer", "SortedLineSpool"]
