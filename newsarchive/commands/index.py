"""``newsarchive index ARCHIVE...``: rebuild the sorted CDXJ index beside WARC files.

Directories first get their killed crawls' ``.open`` files finished (see
:mod:`newsarchive.warc.recovery`), so the rebuilt index covers those records too. Each
index gets its manifest, ``INDEX.files`` (:mod:`newsarchive.warc.coverage`): replay
trusts an index only for the files it lists at their current size.

Exit status: 0 every byte of every file was read into the index; 1 damage was found (the
readable records are indexed all the same), a directory held no WARC/ARC file, or an
index could not be written; 2 a path does not exist; 3 no WARC/ARC file at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive.archive_tools.progress import ProblemPrinter, progress_line
from newsarchive.cores import default_jobs, parse_jobs
from newsarchive.warc.index import INDEX_NAME, index_archives, write_index
from newsarchive.warc.reader import directories_without_archives, iter_archive_paths, unfinished_files
from newsarchive.warc.recovery import finish_unfinished

HELP = (
    f"rebuild sorted CDXJ indexes (pywb format): DIR/{INDEX_NAME} for a directory, "
    "FILE.cdxj for a WARC/ARC file, each with a .files manifest of what it covers"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = 'example:\n  newsarchive index runs/timesca/warc'
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("archives", nargs="+", metavar="ARCHIVE", help="WARC/ARC files or directories")
    parser.add_argument(
        "-o", "--output", metavar="INDEX",
        help="write one index covering all ARCHIVEs to this file instead",
    )
    parser.add_argument(
        "-j", "--jobs", metavar="N", default=None,
        help="processes to read with (default: one per core); a big gzip WARC is split among them, "
             "with the same result as --jobs 1",
    )


def run(args: argparse.Namespace) -> int:
    try:
        jobs = parse_jobs(args.jobs) or default_jobs()
    except ValueError as exc:
        print(f"newsarchive index: {exc}", file=sys.stderr)
        return 2
    missing = [a for a in args.archives if not Path(a).exists()]
    if missing:
        print(f"newsarchive index: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        for archive in args.archives:
            for done in finish_unfinished(Path(archive)):  # directories only; files are left as given
                print(f"finished {done.path} (left unfinished by a killed crawl)")
        empty = directories_without_archives(args.archives)
        anything = next(iter_archive_paths(args.archives), None) is not None
    except OSError as exc:
        print(f"newsarchive index: {exc}", file=sys.stderr)
        return 1
    if not anything:
        left = unfinished_files(args.archives)  # still being written: not indexed until closed
        still = f" (only unfinished ones, still being written: {', '.join(map(str, left[:3]))})" if left else ""
        print(f"newsarchive index: nothing to index: no WARC/ARC files in {', '.join(args.archives)}{still}",
              file=sys.stderr)
        return 3
    for directory in empty:
        print(f"newsarchive index: {directory}: no WARC/ARC files, no index written", file=sys.stderr)
    damage = ProblemPrinter(sys.stderr, prefix="damaged: ")
    try:
        with progress_line(sys.stderr) as progress:
            if args.output:
                written = [(Path(args.output), write_index(args.archives, args.output, on_damage=damage,
                                                           progress=progress, jobs=jobs))]
            else:
                written = index_archives(args.archives, on_damage=damage, progress=progress, jobs=jobs)
    except OSError as exc:  # the index cannot be written: a full disk, a read-only directory
        damage.close()
        print(f"newsarchive index: cannot write the index: {exc}", file=sys.stderr)
        return 1
    damage.close()
    for path, lines in written:
        print(f"{path}: {lines} line{'s' if lines != 1 else ''}")
    if damage.count:
        print(f"{damage.count} problem(s) found; the readable records were indexed", file=sys.stderr)
        return 1
    return 1 if empty else 0
