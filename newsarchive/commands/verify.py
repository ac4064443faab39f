"""``newsarchive verify PATH... [--items items.jsonl]``: digests, damage, item pointers."""

from __future__ import annotations

import argparse
import sys

from newsarchive.progress import progress_line
from newsarchive.verify import verify

HELP = (
    "recompute every block and payload digest, find truncated records and unfinished "
    "files, check items' warc pointers; exits 1 when anything is wrong"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="WARC/ARC files, directories or WACZ files")
    parser.add_argument("--items", metavar="ITEMS", help="items JSON Lines whose warc pointers to check")
    parser.add_argument("-q", "--quiet", action="store_true", help="print the summary only")


def run(args: argparse.Namespace) -> int:
    with progress_line(sys.stderr) as progress:
        report = verify(args.paths, items=args.items, progress=progress)
    if not args.quiet:
        for problem in report.problems:
            print(f"problem: {problem}")
    print("\n".join(report.summary()))
    return 0 if report.ok else 1
