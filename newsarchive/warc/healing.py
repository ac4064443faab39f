"""Bring ``index.cdxj`` up to date with the finished WARC files beside it, cheaply.

Why: a crawl killed between renaming a finished WARC file and merging its lines into
the index (or a merge lost to a concurrent one, or a file copied in by hand) leaves the
index without that file's records for good. The next crawl into the directory finds
every finished file the index does not cover (see :mod:`newsarchive.warc.coverage`)
and merges it in. Only those files are read: a covered file is recognised by its size
alone, so start-up stays fast however large the archive grows. The index itself is
read only when its manifest is missing (an index written before manifests: read once,
then the manifest is written) or no longer matches it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from newsarchive.warc.coverage import carried_over, count_index, read_coverage, size_in
from newsarchive.warc.index import INDEX_NAME, cdxj_lines, index_filename, merge_into_index
from newsarchive.warc.reader import ARCHIVE_SUFFIXES, DamageHandler

logger = logging.getLogger(__name__)


def uncovered_files(directory: Path) -> tuple[dict[str, Path], bool]:
    """The finished WARC files of ``directory`` its index does not cover (by index
    ``filename``), and whether the manifest itself needs writing again."""
    index_path = directory / INDEX_NAME
    warcs = finished_files(directory)
    coverage = read_coverage(index_path)
    if coverage is not None and coverage.index_size == index_path.stat().st_size:
        covered, stale_manifest = coverage.files, False
    else:  # no manifest, or not this index's: count what the index holds (one pass)
        covered, stale_manifest = carried_over(count_index(index_path), coverage, size_in(directory)), True
    missing = {}
    for name, (path, size) in warcs.items():
        entry = covered.get(name)
        if entry is None or entry.size != size:
            missing[name] = Path(path)
    return missing, stale_manifest


def finished_files(directory: Path) -> dict[str, tuple[str, int]]:
    """The WARC/ARC files below ``directory``, as
    :func:`~newsarchive.warc.reader.iter_archive_paths` finds them, by their index
    ``filename``, with their path and size: one ``stat`` per file, where resolving each path
    for :func:`~newsarchive.warc.index.index_filename` costs a dozen (a hundred times the
    start-up time on a directory of thousands of files). Only symlinks, whose name in the
    index is their target's, take that way. ``.open`` files are not finished: not listed.
    """
    found: dict[str, tuple[str, int]] = {}
    folders: list[tuple[str | Path, str]] = [(directory, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    if not entry.is_symlink():  # as Path.rglob: symlinked directories are not entered
                        folders.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                if not entry.name.endswith(ARCHIVE_SUFFIXES) or not entry.is_file():
                    continue
                link = entry.is_symlink()
                name = index_filename(Path(entry.path), directory) if link else prefix + entry.name
                found[name] = (entry.path, entry.stat().st_size)
            except OSError:  # gone meanwhile, or unreadable: not there for the index either
                continue
    return found


def heal_index(directory: Path, *, on_damage: DamageHandler | None = None) -> list[str]:
    """Merge every finished WARC file of ``directory`` that ``index.cdxj`` does not cover
    into it; returns their names. Without an index nothing is done: the first file a
    crawl closes builds one covering the whole directory
    (:func:`~newsarchive.warc.index.merge_into_index`)."""
    index_path = directory / INDEX_NAME
    if not index_path.is_file():
        return []
    missing, stale_manifest = uncovered_files(directory)
    if not missing and not stale_manifest:
        return []
    lines: dict[str, list[str]] = {}
    for name, path in missing.items():
        try:
            lines[name] = list(cdxj_lines(path, filename=name, on_damage=on_damage))
        except OSError as exc:  # unreadable: replay will say so; the others still count
            logger.warning("Cannot index %s: %s", path, exc)
    merge_into_index(lines, index_path, on_damage=on_damage)
    if lines:
        logger.warning(
            "%s did not cover %d finished WARC file(s) (%s); merged them in",
            index_path, len(lines), ", ".join(sorted(lines)[:3]) + (", ..." if len(lines) > 3 else ""),
        )
    else:
        logger.info("Wrote the manifest of %s", index_path)
    return sorted(lines)


__all__ = ["finished_files", "heal_index", "uncovered_files"]
