"""``python -m newsarchive.sample_site``: serve the replica in the foreground.

Prints exactly one line, ``SAMPLE_SITE_URL http://127.0.0.1:PORT``, once the server
accepts connections, and stops cleanly on SIGTERM or SIGINT. ``--hide-newest`` and
``--flaky`` set the state a multi-day or retry test starts from (EDGE_CASES.md);
``--theme block`` serves the same site in a WordPress block theme (``themes.py``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from newsarchive.sample_site.process import READY_PREFIX
from newsarchive.sample_site.server import SampleSite
from newsarchive.sample_site.themes import DEFAULT_THEME, THEMES


def _non_negative(text: str) -> int:
    """An int >= 0; argparse reports the error as one line after the usage."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an int >= 0, got {text!r}")
    return value


def _flaky(text: str) -> tuple[int, int]:
    """``INDEX:TIMES``: article INDEX fails its first TIMES GETs."""
    index, sep, times = text.partition(":")
    try:
        return _non_negative(index if sep else ""), _non_negative(times)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected INDEX:TIMES (two ints >= 0), got {text!r}"
        ) from None


def _error_status(text: str) -> int:
    """An HTTP error code a flaky article can fail with."""
    try:
        status = int(text)
    except ValueError:
        status = 0
    if not 400 <= status <= 599:
        raise argparse.ArgumentTypeError(f"expected an HTTP error code 400..599, got {text!r}")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsarchive.sample_site",
        description="Serve an offline replica of timesca.com on 127.0.0.1.",
    )
    parser.add_argument("--articles", type=int, default=60, help="number of articles (default 60)")
    parser.add_argument("--seed", type=int, default=2025, help="content seed (default 2025)")
    parser.add_argument("--per-page", type=int, default=10, help="teasers per listing page")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="wait this long before each response, like a remote server (default 0)")  # fmt: skip
    parser.add_argument("--hide-newest", type=_non_negative, default=0, metavar="K",
                        help="leave the newest K articles (indexes 0..K-1) unpublished (default 0)")  # fmt: skip
    parser.add_argument("--flaky", type=_flaky, action="append", default=[], metavar="INDEX:TIMES",
                        help="article INDEX fails its first TIMES GETs; repeatable")  # fmt: skip
    parser.add_argument("--flaky-status", type=_error_status, default=503, metavar="CODE",
                        help="status a flaky article fails with (default 503)")  # fmt: skip
    parser.add_argument("--theme", choices=list(THEMES), default=DEFAULT_THEME,
                        help=f"markup of the HTML pages (default {DEFAULT_THEME}); feeds and sitemaps are the same")  # fmt: skip
    args = parser.parse_args(argv)
    if args.articles < 1 or args.per_page < 1:
        parser.error("--articles and --per-page must be >= 1")
    if args.hide_newest > args.articles:
        parser.error(f"--hide-newest {args.hide_newest} is more than --articles {args.articles}")
    flaky = dict(args.flaky)
    if len(flaky) < len(args.flaky):
        parser.error("--flaky names the same article index twice")
    if any(index >= args.articles for index in flaky):
        parser.error(f"--flaky article index must be below --articles {args.articles}")

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if args.latency_ms < 0:
        parser.error("--latency-ms must be >= 0")
    site = SampleSite(
        args.articles,
        args.seed,
        args.per_page,
        args.host,
        args.port,
        latency=args.latency_ms / 1000,
        hidden_newest=args.hide_newest,
        flaky=flaky,
        flaky_status=args.flaky_status,
        theme=args.theme,
    )
    print(f"{READY_PREFIX}{site.start()}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
