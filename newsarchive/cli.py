"""The ``newsarchive`` command line: one sub-command per module in ``newsarchive.commands``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from newsarchive import __version__

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a command its reader left

# name -> module under newsarchive.commands; each module has ``HELP``,
# ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, str] = {
    "demo": "demo",
    "crawl": "crawl",
    "index": "index",
    "replay": "replay",
    "verify": "verify",
    "wacz": "wacz",
    "merge": "merge",
    "list": "list_spiders",
    "check": "check",
    "report": "report",
}


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``selected``, only that sub-command's module is imported (the others
    are named, so a typo still gets the list): `newsarchive index` never loads Scrapy."""
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Crawl news listings into clean JSON Lines and a WARC archive; replay it offline.",
    )
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        if selected is not None and name != selected:
            sub.add_parser(name)
            continue
        try:
            module = importlib.import_module(f"newsarchive.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"newsarchive.commands.{module_name}":
                raise
            continue  # command not shipped in this build
        cmd = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    first = next((w for w in words if not w.startswith("-")), None)
    parser = build_parser(first if first in COMMANDS else None)
    args = parser.parse_args(words)
    try:
        status = int(args._run(args) or 0)
        sys.stdout.flush()
        return status
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`newsarchive list | head -1`): stop quietly, as the shell's
        # own tools do; stdout goes to /dev/null so that Python's exit flush stays silent
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
