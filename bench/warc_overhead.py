"""What WARC archiving costs: crawl speed with and without it, against scrapy-webarchive,
and peak memory on a large response. Prints figures; asserts nothing.

    .venv/bin/python bench/warc_overhead.py [--articles 600] [--rounds 5] [--skip-webarchive]

Every crawl runs in its own process against the sample site, itself in another process;
modes alternate round by round and the median is reported, so a busy machine hits all
modes alike. Figures:

1. the project spider (``timesca``) on the sample site, archiving off vs on (records are
   written by a writer process on the other core: its CPU is reported apart);
2. one small generic spider (below; also runs on old Scrapy) with: no archive, our
   archive (with and without the ``index.cdxj`` rebuilt at the end), and
   scrapy-webarchive's WARC/WACZ export. scrapy-webarchive pins
   Scrapy < 2.12, so it runs in its own virtualenv (created here, ``--bench-venv``) and
   is compared with that same old Scrapy without any archive;
3. peak RSS of a crawl fetching one 50 MiB response, archiving off vs on.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import scrapy

ROOT = Path(__file__).resolve().parent.parent
HANDLER = "newsarchive.warc.handler.WireRecordingDownloadHandler"
STOCK_HANDLER = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"
ARCHIVE_SETTINGS = {
    "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
    "DOWNLOADER_MIDDLEWARES": {"newsarchive.warc.capture.WarcCaptureMiddleware": 950},
    "ITEM_PIPELINES": {"newsarchive.warc.provenance.WarcPointerPipeline": 500},
    "NEWSARCHIVE_WARC_ENABLED": True,
}
NO_ARCHIVE_SETTINGS = {
    "DOWNLOAD_HANDLERS": {"http": STOCK_HANDLER, "https": STOCK_HANDLER},
    "NEWSARCHIVE_WARC_ENABLED": False,
}
COMMON = {"LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": True}


class SiteSpider(scrapy.Spider):
    """Listing pages and the articles they link to; plain Scrapy API, old and new."""

    name = "sitebench"

    def __init__(self, url: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start_urls = [url]

    def parse(self, response):  # noqa: ANN001, ANN201 - runs on old Scrapy too
        if not isinstance(response, scrapy.http.TextResponse):
            return
        for href in response.css("h2.teaser-title a::attr(href)").getall():
            yield response.follow(href, self.parse_article)
        for href in response.css("a.next::attr(href)").getall():
            yield response.follow(href, self.parse)

    def parse_article(self, response):  # noqa: ANN001, ANN201
        yield {"url": response.url, "title": response.css("h1.entry-title::text").get()}


# -- children (one crawl per process) -----------------------------------------------------


def child(mode: str, out: str, url: str, spider: str) -> None:
    """Run one crawl; print ``{"pages", "items", "seconds", "maxrss_mb"}`` as JSON."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    out_dir = Path(out)
    settings: dict[str, object] = {**COMMON, "FEEDS": {str(out_dir / "items.jsonl"): {"format": "jsonlines"}}}
    if mode in ("off", "on", "on-noindex"):
        archive = NO_ARCHIVE_SETTINGS if mode == "off" else ARCHIVE_SETTINGS
        settings.update({**archive, "NEWSARCHIVE_WARC_DIR": str(out_dir / "warc")})
        if mode == "on-noindex":  # the index rebuilt when the file closes, measured apart
            settings["NEWSARCHIVE_WARC_INDEX"] = False
    elif mode == "webarchive":
        settings.update({"EXTENSIONS": {"scrapy_webarchive.extensions.WaczExporter": 543},
                         "SW_EXPORT_URI": str(out_dir / "wacz") + "/"})  # fmt: skip
    if spider == "timesca":  # the project spider runs with the project's settings
        settings.pop("ITEM_PIPELINES", None)  # they include the pointer pipeline
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newsarchive.settings")
        from scrapy.utils.project import get_project_settings

        base = get_project_settings()
        base.update(settings)
    else:
        base = Settings(settings)
    process = CrawlerProcess(base)
    if spider == "timesca":
        crawler = process.create_crawler("timesca")
        process.crawl(crawler, base_url=url)
    else:
        crawler = process.create_crawler(SiteSpider)
        process.crawl(crawler, url=url)
    started, cpu_started, writer_started = time.perf_counter(), _cpu(), _cpu(resource.RUSAGE_CHILDREN)
    process.start()
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu_started
    writer_cpu = _cpu(resource.RUSAGE_CHILDREN) - writer_started  # the WARC writer process
    stats = crawler.stats.get_stats()
    print(json.dumps({
        "pages": stats.get("downloader/response_count", 0),
        "items": stats.get("item_scraped_count", 0),
        "seconds": seconds,
        "cpu": cpu,
        "writer_cpu": writer_cpu,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "finish": stats.get("finish_reason"),
    }))  # fmt: skip


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)  # all threads of the crawl process, or its children
    return usage.ru_utime + usage.ru_stime


def run_child(python: str, mode: str, url: str, spider: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix=f"warcbench-{mode}-") as out:
        done = subprocess.run(
            [python, str(Path(__file__).resolve()), "_child", mode, out, url, spider],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{mode} crawl failed:\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["bytes"] = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file() and "items" not in p.name)
        return result


# -- scrapy-webarchive's own environment ----------------------------------------------------


def bench_venv(path: Path) -> str:
    python = path / "bin" / "python"
    probe = [str(python), "-c", "import scrapy_webarchive, scrapy; print(scrapy.__version__)"]
    if not python.exists() or subprocess.run(probe, capture_output=True).returncode != 0:
        print(f"creating {path} with scrapy-webarchive (it pins its own, older Scrapy) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(path)], check=True)
        # Its Scrapy (< 2.12) imports names that w3lib 2.2 and Twisted 24 no longer have.
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "scrapy-webarchive", "w3lib<2.2", "Twisted<24"], check=True)  # fmt: skip
    version = subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()
    print(f"scrapy-webarchive runs on Scrapy {version} in {path}")
    return str(python)


# -- memory: one large response ------------------------------------------------------------------


def big_response_server(size: int) -> tuple[str, socket.socket]:
    body = bytes(range(256)) * (size // 256)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % len(body)
    page = b'<html><body><h2 class="teaser-title"></h2></body></html>'
    sock = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with conn:
                request = conn.recv(65536)
                if b" /big " in request:
                    conn.sendall(head)
                    conn.sendall(body)
                else:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(page) + page)

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}/big", sock


# -- report ------------------------------------------------------------------------------------


def rate(runs: list[dict[str, float]]) -> float:
    return statistics.median(r["pages"] / r["seconds"] for r in runs)


def cpu_ms(runs: list[dict[str, float]], key: str = "cpu") -> float:
    return statistics.median(r.get(key, 0.0) / r["pages"] * 1000 for r in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-webarchive", action="store_true", help="no scrapy-webarchive comparison")
    parser.add_argument("--bench-venv", type=Path, default=ROOT / ".bench-venv")
    parser.add_argument("--big-mib", type=int, default=50)
    args = parser.parse_args()

    from newsarchive.sample_site import run_sample_site_process

    old_python = None if args.skip_webarchive else bench_venv(args.bench_venv)
    me = sys.executable
    plans: dict[str, tuple[str, str, str]] = {  # label -> (python, mode, spider)
        "timesca, no archive": (me, "off", "timesca"),
        "timesca, newsarchive WARC": (me, "on", "timesca"),
        "generic, no archive": (me, "off", "generic"),
        "generic, newsarchive WARC": (me, "on", "generic"),
        "generic, newsarchive WARC, no index.cdxj": (me, "on-noindex", "generic"),
    }
    if old_python:
        plans["generic, old Scrapy, no archive"] = (old_python, "plain", "generic")
        plans["generic, old Scrapy, scrapy-webarchive"] = (old_python, "webarchive", "generic")
    runs: dict[str, list[dict[str, float]]] = {label: [] for label in plans}
    with run_sample_site_process(articles=args.articles) as url:
        start = url + "/latest/"
        for round_ in range(args.rounds):
            for label, (python, mode, spider) in plans.items():
                runs[label].append(run_child(python, mode, url if spider == "timesca" else start, spider))
            print(f"round {round_ + 1}/{args.rounds} done", flush=True)

    print(f"\nSample site: {args.articles} articles; {args.rounds} rounds; median pages/s "
          f"(pages = responses incl. robots.txt, redirects, 404s)\n")  # fmt: skip
    print(f"{'crawl':44} {'pages':>6} {'pages/s':>9} {'CPU ms/page':>12} {'writer CPU':>11} {'archive MiB':>12}")
    for label, results in runs.items():
        pages = results[0]["pages"]
        size = statistics.median(r["bytes"] for r in results) / 2**20
        print(f"{label:44} {pages:>6} {rate(results):>9.1f} {cpu_ms(results):>12.2f} "
              f"{cpu_ms(results, 'writer_cpu'):>11.2f} {size:>12.2f}")
    print("(CPU ms/page: the crawl process; writer CPU: its WARC writer process, on another core,"
          " start-up included)")

    def cost(base: str, archived: str) -> str:
        slower = (1 - rate(runs[archived]) / rate(runs[base])) * 100
        extra = cpu_ms(runs[archived]) - cpu_ms(runs[base])
        return f"{slower:+5.1f}% pages/s, {extra:+.2f} CPU ms per page"

    print("\nArchiving cost vs the same crawl without an archive (target: <= 5% pages/s):")
    print(f"  newsarchive, timesca spider:        {cost('timesca, no archive', 'timesca, newsarchive WARC')}")
    print(f"  newsarchive, generic spider:        {cost('generic, no archive', 'generic, newsarchive WARC')}")
    print(f"    the same, without index.cdxj:     "
          f"{cost('generic, no archive', 'generic, newsarchive WARC, no index.cdxj')}")
    if old_python:
        print(f"  scrapy-webarchive, generic spider:  "
              f"{cost('generic, old Scrapy, no archive', 'generic, old Scrapy, scrapy-webarchive')}")
        print("  (old Scrapy waits on the network most of the time here, so its pages/s hide CPU cost;"
              " compare CPU ms per page)")

    size = args.big_mib * 2**20
    big_url, sock = big_response_server(size)
    try:
        mem = {mode: run_child(me, mode, big_url, "generic")["maxrss_mb"] for mode in ("off", "on")}
    finally:
        sock.close()
    print(f"\nPeak RSS fetching one {args.big_mib} MiB response: no archive {mem['off']:.0f} MiB, "
          f"archived {mem['on']:.0f} MiB (+{mem['on'] - mem['off']:.0f} MiB, incl. indexing the file)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        child(*sys.argv[2:6])
        sys.exit(0)
    sys.exit(main())
