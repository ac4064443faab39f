"""``newsarchive wacz PATH... -o crawl.wacz``: package WARCs, index and pages as WACZ 1.1.1.

Exit status: 0 packaged, every byte of every WARC read; 1 damage was found (the WACZ is
written all the same, the WARCs in it as they are), a directory held no WARC/ARC file or
an unfinished one, or the WACZ could not be written; 2 a path does not exist; 3 no
WARC/ARC file at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from newsarchive.archive_tools.progress import ProblemPrinter, progress_line
from newsarchive.archive_tools.wacz import write_wacz
from newsarchive.archive_tools.wacz_signing import SigningKeyError, load_signing_key
from newsarchive.cores import default_jobs, parse_jobs
from newsarchive.warc.reader import NoArchives, directories_without_archives, unfinished_files

HELP = "package WARC files as one WACZ 1.1.1 file (index, page list and datapackage included)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ('examples:\n  newsarchive wacz runs/timesca/warc --items runs/timesca/items.jsonl -o crawl.wacz\n'
                     '  newsarchive wacz runs/timesca/warc -o crawl.wacz --sign-key key.pem')
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("paths", nargs="+", metavar="PATH", help="WARC/ARC files or directories")
    parser.add_argument("-o", "--output", required=True, metavar="WACZ", help="file to write")
    parser.add_argument("--items", metavar="ITEMS",
                        help="items JSON Lines for pages/pages.jsonl (default: the archived HTML pages)")
    parser.add_argument("--title", help="title recorded in datapackage.json")
    parser.add_argument("--desc", help="description recorded in datapackage.json")
    parser.add_argument("--main-url", metavar="URL",
                        help="the page a viewer such as ReplayWeb.page opens first (mainPageURL)")
    parser.add_argument("--no-text", action="store_true",
                        help="leave the article text out of pages/pages.jsonl (kept by default for full-text search)")
    parser.add_argument("--sign-key", metavar="PEM",
                        help="sign the package with this ECDSA P-384 private key (WACZ anonymous signature, "
                             "checked by `newsarchive verify` and ReplayWeb.page; make one with `openssl ecparam "
                             "-name secp384r1 -genkey -noout -out key.pem`; an encrypted key reads its password "
                             "from NEWSARCHIVE_WACZ_KEY_PASSWORD)")
    parser.add_argument(
        "-j", "--jobs", metavar="N", default=None,
        help="processes to read with (default: one per core); a big gzip WARC is split among them, "
             "with the same result as --jobs 1",
    )


def run(args: argparse.Namespace) -> int:
    try:
        jobs = parse_jobs(args.jobs) or default_jobs()
    except ValueError as exc:
        print(f"newsarchive wacz: {exc}", file=sys.stderr)
        return 2
    missing = [p for p in [*args.paths, *([args.items] if args.items else [])] if not Path(p).exists()]
    if missing:
        print(f"newsarchive wacz: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    key = None
    if args.sign_key:
        password = os.environ.get("NEWSARCHIVE_WACZ_KEY_PASSWORD")
        try:
            key = load_signing_key(args.sign_key, password.encode() if password else None)
        except SigningKeyError as exc:
            print(f"newsarchive wacz: --sign-key {exc}", file=sys.stderr)
            return 2
    damage = ProblemPrinter(sys.stderr, prefix="damaged: ")
    try:
        with progress_line(sys.stderr) as progress:
            result = write_wacz(args.paths, args.output, items=args.items, title=args.title,
                                description=args.desc, main_url=args.main_url, text=not args.no_text,
                                signing_key=key, on_damage=damage, progress=progress, jobs=jobs)
    except NoArchives as exc:
        print(f"newsarchive wacz: nothing to package: {exc}{_only_unfinished(args.paths)}", file=sys.stderr)
        return 3
    except OSError as exc:  # a WARC that cannot be read, a WACZ that cannot be written
        damage.close()
        print(f"newsarchive wacz: {exc}", file=sys.stderr)
        return 1
    damage.close()
    print(f"{result.path}: {result.warcs} WARC file(s), {result.index_lines} index lines, "
          f"{result.pages} pages, {result.bytes / 1024:.0f} KiB")
    status = 0
    for directory in directories_without_archives(args.paths):
        print(f"newsarchive wacz: {directory}: no WARC/ARC files", file=sys.stderr)
        status = 1
    for path in unfinished_files(args.paths):
        print(f"newsarchive wacz: {path}: unfinished file (still being written, or its crawl was "
              f"killed: `newsarchive index {path.parent}` finishes it), not packaged", file=sys.stderr)
        status = 1
    if result.damage:
        print(f"{len(result.damage)} problem(s) in the input (packaged as they are)", file=sys.stderr)
        status = 1
    return status


def _only_unfinished(paths: list[str]) -> str:
    left = unfinished_files(paths)
    return f" (only unfinished ones: {', '.join(map(str, left[:3]))})" if left else ""
