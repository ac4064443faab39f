"""Which WARC files an index covers: the ``INDEX.files`` manifest written with each index.

Why: ``index.cdxj`` is updated after a WARC file is renamed into place, so a crawl
killed between the two leaves a finished file the index knows nothing about, for good;
and modification times cannot tell (copies rewrite them, a concurrent crawl's later
merge makes the index look newer than a file it lacks). The manifest states, for each
file the index holds, its size when it was indexed and how many index lines it has.
An index is trusted for a file only when both still agree: the file has that size
(WARC files are only ever appended to, so a changed size means changed records) and
the index has that many lines for it (so an index replaced without its manifest, or
the other way round, is caught). Everything else is indexed again: in memory by
replay, into the index by the next crawl (:mod:`newsarchive.warc.healing`).

Format, JSON (``"lines"`` may be 0: a file with no indexable record is still covered)::

    {"format": "newsarchive-index-files/1", "index_size": 5961,
     "files": {"crawl-20261125024352101-00000-host-23143.warc.gz": {"size": 94079, "lines": 66}}}

``index_size`` is the index's size in bytes when the manifest was written: the next
crawl compares it with the index to trust the manifest without reading the index.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.atomic import AtomicFile

logger = logging.getLogger(__name__)

MANIFEST_SUFFIX = ".files"
FORMAT = "newsarchive-index-files/1"
_KEY = '"filename": "'
_FILENAME = re.compile(r'"filename": ("(?:[^"\\]|\\.)*")')


@dataclass(frozen=True)
class Covered:
    """One file as its index knows it."""

    size: int
    lines: int


@dataclass
class Coverage:
    """The manifest of one index: ``filename`` value -> :class:`Covered`."""

    files: dict[str, Covered] = field(default_factory=dict)
    index_size: int | None = None

    def trusts(self, name: str, size: int, lines: int) -> bool:
        """Whether the index's ``lines`` lines for ``name`` (now ``size`` bytes) are whole."""
        entry = self.files.get(name)
        return entry is not None and entry.size == size and entry.lines == lines

    def to_json(self) -> str:
        """The manifest's text: one file a line (json's own indenting is ten times slower)."""
        files = ",\n".join(
            f' {json.dumps(name)}: {{"size": {c.size}, "lines": {c.lines}}}' for name, c in sorted(self.files.items())
        )
        head = json.dumps({"format": FORMAT, "index_size": self.index_size})[:-1]
        return f'{head}, "files": {{\n{files}\n}}}}\n'


def manifest_path(index_path: str | os.PathLike[str]) -> Path:
    """Where the manifest of ``index_path`` lives: beside it, ``.files`` appended."""
    index_path = Path(index_path)
    return index_path.with_name(index_path.name + MANIFEST_SUFFIX)


def read_coverage(index_path: str | os.PathLike[str]) -> Coverage | None:
    """The manifest of ``index_path``; None when there is none (an index written before
    manifests existed, or by another tool) or it cannot be read (logged)."""
    path = manifest_path(index_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown format {data.get('format')!r}")
        files = {str(name): Covered(int(e["size"]), int(e["lines"])) for name, e in data["files"].items()}
        size = data.get("index_size")
        return Coverage(files, int(size) if size is not None else None)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        logger.warning("Ignoring the index manifest %s: %s", path, exc)
        return None


def start_coverage(index_path: str | os.PathLike[str], coverage: Coverage) -> AtomicFile:
    """The manifest written beside the index, not yet in place: :meth:`AtomicFile.commit`
    it right after the index it describes."""
    out = AtomicFile(manifest_path(index_path))
    out.write(coverage.to_json())
    out.finish()
    return out


def filename_of(line: str) -> str | None:
    """The ``filename`` field of a CDXJ line, without parsing the whole JSON block.

    The key can only occur once as written (a quote inside a JSON string is escaped),
    so the last occurrence is it; names with escapes take the slower, exact way.
    """
    key = line.rfind(_KEY)
    if key < 0:
        return None
    start = key + len(_KEY)
    end = line.find('"', start)
    if end >= 0 and "\\" not in line[start:end]:
        return line[start:end]
    found = _FILENAME.match(line, key)
    if found is None:
        return None
    try:
        return str(json.loads(found.group(1)))
    except ValueError:
        return None


def lines_per_file(lines: Iterable[str]) -> Counter[str]:
    """How many CDXJ lines each file has (lines without a filename are not counted)."""
    counts: Counter[str] = Counter()
    for line in lines:
        name = filename_of(line)
        if name is not None:
            counts[name] += 1
    return counts


def count_index(index_path: str | os.PathLike[str]) -> Counter[str]:
    """:func:`lines_per_file` of an index on disk (one pass, no WARC file read)."""
    with open(index_path, encoding="utf-8", newline="\n") as fh:
        return lines_per_file(fh)


def carried_over(
    counts: Mapping[str, int], previous: Coverage | None, size_of: Callable[[str], int | None]
) -> dict[str, Covered]:
    """Entries for files whose index lines were kept as they were (``counts``).

    A file keeps its entry where the line count still matches it. Without a previous
    manifest (an index written before manifests), a file with lines in the index is
    taken as covered at its current size (``size_of(name)``, None if it is gone): a
    file is only ever merged whole, and finished files do not change. Files the
    previous manifest covered with no lines, and that are still there, stay covered.
    """
    covered: dict[str, Covered] = {}
    for name, lines in counts.items():
        entry = previous.files.get(name) if previous is not None else None
        if entry is not None and entry.lines == lines:
            covered[name] = entry
        elif previous is None and (size := size_of(name)) is not None:
            covered[name] = Covered(size, lines)
    if previous is not None:
        for name, entry in previous.files.items():
            if entry.lines == 0 and name not in counts and size_of(name) is not None:
                covered[name] = entry
    return covered


def size_in(directory: Path) -> Callable[[str], int | None]:
    """``size_of`` for :func:`carried_over`: the size of ``directory/name``, or None."""

    def size_of(name: str) -> int | None:
        try:
            return (directory / name).stat().st_size
        except OSError:
            return None

    return size_of


__all__ = [
    "FORMAT",
    "MANIFEST_SUFFIX",
    "Coverage",
    "Covered",
    "carried_over",
    "count_index",
    "filename_of",
    "lines_per_file",
    "manifest_path",
    "read_coverage",
    "size_in",
    "start_coverage",
]
