"""How fast the sample site serves, relative to the fastest stdlib server of the same bytes.

Run: ``python bench/sample_site_throughput.py [--requests N]``. Starts the site with
100,000 articles in a child process (so it does not share this process's GIL) and, as
the baseline, a child process whose ``http.server`` handler answers every request with
one fixed, pre-rendered article page: the same transport (HTTP/1.1 keep-alive,
``ThreadingHTTPServer``) without routing or rendering. One keep-alive client per server,
sequential requests, bounded count. A ratio near 1 means the site's own work is cheap;
a crawl benchmark is only meaningful while the site is not its bottleneck.
"""

from __future__ import annotations

import argparse
import http.client
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from newsarchive.sample_site import SiteContent, run_sample_site_process

ARTICLES = 100_000

# The baseline server: prints its URL like the sample site, then serves one file forever.
_FIXED_SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
body = open(sys.argv[1], "rb").read()
class Fixed(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Fixed)
print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
"""


def requests_per_second(base: str, paths: list[str], count: int) -> float:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    started = time.perf_counter()
    for n in range(count):
        conn.request("GET", paths[n % len(paths)])
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{paths[n % len(paths)]} answered {response.status}")
    conn.close()
    return count / (time.perf_counter() - started)


def baseline(page: bytes, count: int) -> float:
    """Requests/s of a stdlib server that answers every request with ``page``."""
    with tempfile.TemporaryDirectory() as root:
        path = Path(root, "page.html")
        path.write_bytes(page)
        server = subprocess.Popen(
            [sys.executable, "-c", _FIXED_SERVER, str(path)], stdout=subprocess.PIPE, text=True
        )
        try:
            url = server.stdout.readline().strip()  # type: ignore[union-attr]
            return requests_per_second(url, ["/"], count)
        finally:
            server.terminate()
            server.wait()
            server.stdout.close()  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    count = parser.parse_args().requests
    content = SiteContent(ARTICLES)
    hot = [content.article(i).path for i in range(20, 60)]
    cold = [f"/latest/page/{p}/" for p in range(3, 3 + count)]
    with run_sample_site_process(articles=ARTICLES) as url:
        requests_per_second(url, hot, len(hot))  # warm the article cache
        hot_rps = requests_per_second(url, hot, count)
        cold_rps = requests_per_second(url, cold, count)
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port)
        conn.request("GET", hot[0])
        page = conn.getresponse().read()
        conn.close()
    floor = baseline(page, count)
    print(f"stdlib server, one fixed page:         {floor:7.0f} req/s  (baseline)")
    print(f"sample site, article pages (memoised): {hot_rps:7.0f} req/s  x{hot_rps / floor:.2f}")
    print(f"sample site, listing pages never seen: {cold_rps:7.0f} req/s  x{cold_rps / floor:.2f}")


if __name__ == "__main__":
    main()
