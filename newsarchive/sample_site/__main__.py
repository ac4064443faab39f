"""``python -m newsarchive.sample_site``: serve the replica in the foreground.

Prints exactly one line, ``SAMPLE_SITE_URL http://127.0.0.1:PORT``, once the server
accepts connections, and stops cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from newsarchive.sample_site.process import READY_PREFIX
from newsarchive.sample_site.server import SampleSite


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
    args = parser.parse_args(argv)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if args.latency_ms < 0:
        parser.error("--latency-ms must be >= 0")
    site = SampleSite(args.articles, args.seed, args.per_page, args.host, args.port, latency=args.latency_ms / 1000)
    print(f"{READY_PREFIX}{site.start()}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
