"""``newsarchive index ARCHIVE...``: rebuild the sorted CDXJ index beside WARC files.

Directories first get their killed crawls' ``.open`` files finished (see
:mod:`newsarchive.warc.recovery`), so the rebuilt index covers those records too. Each
index gets its manifest, ``INDEX.files`` (:mod:`newsarchive.warc.coverage`): replay
trusts an index only for the files it lists at their current size.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive.progress import line_start, progress_line
from newsarchive.warc.index import INDEX_NAME, index_archives, write_index
from newsarchive.warc.reader import Damage
from newsarchive.warc.recovery import finish_unfinished

HELP = (
    f"rebuild sorted CDXJ indexes (pywb format): DIR/{INDEX_NAME} for a directory, "
    "FILE.cdxj for a WARC/ARC file, each with a .files manifest of what it covers"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("archives", nargs="+", metavar="ARCHIVE", help="WARC/ARC files or directories")
    parser.add_argument(
        "-o", "--output", metavar="INDEX",
        help="write one index covering all ARCHIVEs to this file instead",
    )


def run(args: argparse.Namespace) -> int:
    missing = [a for a in args.archives if not Path(a).exists()]
    if missing:
        print(f"newsarchive index: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    for archive in args.archives:
        for done in finish_unfinished(Path(archive)):  # directories only; files are left as given
            print(f"finished {done.path} (left unfinished by a killed crawl)")
    damage: list[Damage] = []

    def report(problem: Damage) -> None:
        damage.append(problem)
        print(f"{line_start(sys.stderr)}damaged: {problem}", file=sys.stderr)

    with progress_line(sys.stderr) as progress:
        if args.output:
            written = [(Path(args.output), write_index(args.archives, args.output, on_damage=report,
                                                       progress=progress))]
        else:
            written = index_archives(args.archives, on_damage=report, progress=progress)
    for path, lines in written:
        print(f"{path}: {lines} line{'s' if lines != 1 else ''}")
    if damage:
        print(f"{len(damage)} problem(s) found; undamaged records were indexed", file=sys.stderr)
        return 1
    return 0
