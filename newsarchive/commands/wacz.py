"""``newsarchive wacz PATH... -o crawl.wacz``: package WARCs, index and pages as WACZ 1.1.1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive.progress import line_start, progress_line
from newsarchive.wacz import write_wacz
from newsarchive.warc.reader import Damage

HELP = "package WARC files as one WACZ 1.1.1 file (index, page list and datapackage included)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="WARC/ARC files or directories")
    parser.add_argument("-o", "--output", required=True, metavar="WACZ", help="file to write")
    parser.add_argument("--items", metavar="ITEMS",
                        help="items JSON Lines for pages/pages.jsonl (default: the archived HTML pages)")
    parser.add_argument("--title", help="title recorded in datapackage.json")


def run(args: argparse.Namespace) -> int:
    missing = [p for p in [*args.paths, *([args.items] if args.items else [])] if not Path(p).exists()]
    if missing:
        print(f"newsarchive wacz: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2

    def report(problem: Damage) -> None:
        print(f"{line_start(sys.stderr)}damaged: {problem}", file=sys.stderr)

    try:
        with progress_line(sys.stderr) as progress:
            result = write_wacz(args.paths, args.output, items=args.items, title=args.title,
                                on_damage=report, progress=progress)
    except ValueError as exc:
        print(f"newsarchive wacz: {exc}", file=sys.stderr)
        return 2
    print(f"{result.path}: {result.warcs} WARC file(s), {result.index_lines} index lines, "
          f"{result.pages} pages, {result.bytes / 1024:.0f} KiB")
    if result.damage:
        print(f"{len(result.damage)} damaged record(s) in the input (packaged as they are)", file=sys.stderr)
    return 0
