"""``newsarchive merge -o ALL.jsonl ITEMS...``: the workers' items of a shared crawl as one file.

Each worker of a ``--redis`` job writes its own ``items.jsonl``; their union holds each
article once except after the rare death described in :mod:`newsarchive.distributed.merge`.
This writes the union with each article once, the first copy met kept, and says how
many copies were left out. A directory stands for its ``items.jsonl``.

Exit status: 0 written; 2 an input is missing or is the output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive.atomic import AtomicFile
from newsarchive.distributed.merge import merge

HELP = "merge the items.jsonl of several workers (or runs) into one file, each article once"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "example:\n  newsarchive merge -o all-items.jsonl runs/worker-a runs/worker-b"
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("feeds", nargs="+", metavar="ITEMS", help="items.jsonl files, or job directories holding one")
    parser.add_argument("-o", "--output", required=True, metavar="ALL-ITEMS.jsonl", help="file to write (replaced atomically)")


def feed_paths(names: list[str]) -> tuple[list[Path], list[str]]:
    """The feeds named (a directory: its ``items.jsonl``), and the names that are none."""
    found, missing = [], []
    for name in names:
        path = Path(name)
        if path.is_dir():
            path = path / "items.jsonl"
        (found if path.is_file() else missing).append(path if path.is_file() else name)
    return found, [str(m) for m in missing]


def run(args: argparse.Namespace) -> int:
    feeds, missing = feed_paths(args.feeds)
    if missing:
        print(f"newsarchive merge: no items file: {', '.join(missing)}", file=sys.stderr)
        return 2
    output = Path(args.output)
    if output.exists() and output.resolve() in {p.resolve() for p in feeds}:
        print(f"newsarchive merge: {output} is one of the inputs", file=sys.stderr)
        return 2
    with AtomicFile(output, binary=True) as out:
        done = merge(feeds, out)
        out.commit()
    print(f"{done.items} items in {output}; {done.copies} duplicate(s) of an article left out"
          + (f"; {done.unreadable} unreadable line(s) skipped" if done.unreadable else ""))
    return 0
