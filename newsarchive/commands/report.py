"""``newsarchive report DIR [-o FILE]``: one self-contained HTML page about a crawl job.

Exit status: 0 written; 1 it could not be written; 2 bad arguments (no such directory,
or a directory that is no crawl job); 3 the job has nothing to report yet.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive.atomic import write_atomically
from newsarchive.report import compute, is_job, render

HELP = (
    "write one self-contained HTML report of a crawl job (articles per day, section and site, "
    "HTTP statuses and failures, run history, archive size, largest pages, missing dates and fields); "
    "opens offline, no scripts"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("example:\n  newsarchive report runs/timesca              # writes runs/timesca/report.html\n"
                     "  newsarchive report runs/timesca -o timesca.html")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("job", metavar="DIR", help="a crawl job directory (`newsarchive crawl --out DIR`)")
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write the report (default DIR/report.html)")


def run(args: argparse.Namespace) -> int:
    job = Path(args.job)
    if not job.exists():
        print(f"newsarchive report: no such directory: {job}", file=sys.stderr)
        return 2
    if not is_job(job):
        print(f"newsarchive report: {job}: not a crawl job directory "
              "(no items.jsonl, runs.jsonl or warc/; made by `newsarchive crawl --out DIR`)", file=sys.stderr)
        return 2
    output = Path(args.output) if args.output else job / "report.html"
    if output.is_dir():
        print(f"newsarchive report: {output} is a directory; give a file name with -o", file=sys.stderr)
        return 2
    try:
        figures = compute(job)
    except (OSError, UnicodeError) as exc:
        print(f"newsarchive report: cannot read {job}: {exc}", file=sys.stderr)
        return 1
    if figures.empty:
        print(f"newsarchive report: nothing to report: {job} has no items, runs or archive yet", file=sys.stderr)
        return 3
    try:
        write_atomically(output, render(figures))
    except OSError as exc:
        print(f"newsarchive report: cannot write {output}: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {output}: {figures.items:,} articles, {len(figures.runs):,} runs, "
          f"{figures.captures:,} captures")
    return 0
