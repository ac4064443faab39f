"""``newsarchive verify PATH... [--items items.jsonl]``: every byte, digests, item pointers."""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from newsarchive.archive_tools.progress import ProblemPrinter, progress_line
from newsarchive.archive_tools.verify import verify
from newsarchive.archive_tools.wacz_check import check_package
from newsarchive.cores import default_jobs, parse_jobs

HELP = (
    "account for every byte of every WARC/ARC file (damage reported with offset and length), "
    "recompute every block and payload digest, find truncated records and unfinished files, "
    "check items' warc pointers and, for a WACZ, its datapackage hashes and signature; exits 1 when anything is wrong, 3 when there is nothing to verify"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = 'example:\n  newsarchive verify runs/timesca/warc --items runs/timesca/items.jsonl'
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("paths", nargs="+", metavar="PATH", help="WARC/ARC files, directories or WACZ files")
    parser.add_argument("--items", metavar="ITEMS", help="items JSON Lines whose warc pointers to check")
    parser.add_argument("-q", "--quiet", action="store_true", help="print the summary only")
    parser.add_argument(
        "-j", "--jobs", metavar="N", default=None,
        help="processes to read with (default: one per core); a big gzip WARC is split among them, "
             "with the same result as --jobs 1",
    )


def run(args: argparse.Namespace) -> int:
    try:
        jobs = parse_jobs(args.jobs) or default_jobs()
    except ValueError as exc:
        print(f"newsarchive verify: {exc}", file=sys.stderr)
        return 2
    missing = [p for p in [*args.paths, *([args.items] if args.items else [])] if not Path(p).exists()]
    if missing:
        print(f"newsarchive verify: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        with progress_line(sys.stderr) as progress:
            report = verify(args.paths, items=args.items, progress=progress, jobs=jobs)
    except OSError as exc:  # a directory that cannot be listed, say
        print(f"newsarchive verify: {exc}", file=sys.stderr)
        return 1
    if report.status == 3:
        print(f"newsarchive verify: nothing to verify: no WARC/ARC files in {', '.join(args.paths)}",
              file=sys.stderr)
    elif not args.quiet:
        printer = ProblemPrinter(sys.stdout, prefix="problem: ")
        for problem in report.problems:
            printer(problem)
        printer.close()
    print("\n".join(report.summary()))
    status = report.status
    for package in wacz_files(args.paths):  # the package itself: listed files, digest, signature
        check = check_package(package)
        if not args.quiet:
            for problem in check.problems:
                print(f"problem: {package}: {problem}")
        print(check.summary())
        if not check.ok and status in (0, 3):
            status = 1
    return status


def wacz_files(paths: list[str]) -> list[Path]:
    return [Path(p) for p in paths if Path(p).is_file() and zipfile.is_zipfile(p)]
