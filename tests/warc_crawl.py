"""Helpers for the WARC capture tests: a raw-socket HTTP server and in-process crawls."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerRunner
from scrapy.settings import Settings
from warcio.archiveiterator import ArchiveIterator

from newsarchive.warc.provenance import WARC_META, PendingPointer
from newsarchive.warc.capture import MIDDLEWARE_PATH, MIDDLEWARE_PRIORITY
from newsarchive.warc.handler import HANDLER_PATH

BIN = Path(sys.executable).parent

# What the project settings must contain for archiving (tests pass them explicitly).
WARC_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_HANDLERS": {"http": HANDLER_PATH, "https": HANDLER_PATH},
    "DOWNLOADER_MIDDLEWARES": {MIDDLEWARE_PATH: MIDDLEWARE_PRIORITY},
    "ITEM_PIPELINES": {"newsarchive.warc.provenance.WarcPointerPipeline": 500},
}

Responder = Callable[[socket.socket, bytes], bool]
"""Writes a response for one request; returns False to close the connection."""


def raw(response: bytes, *, close: bool = False) -> Responder:
    def respond(conn: socket.socket, request: bytes) -> bool:
        conn.sendall(response)
        return not close

    return respond


class RawServer:
    """HTTP on a bare socket: records each request byte for byte, answers with raw bytes.

    ``routes`` maps a request path (with query) to a :data:`Responder`; unknown paths get
    a 404. Keep-alive connections are served until the client or a responder closes.
    """

    def __init__(self, routes: dict[str, Responder] | None = None) -> None:
        self.routes: dict[str, Responder] = dict(routes or {})
        self.received: list[bytes] = []
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._stop = False
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._sock.close()
        for conn in self._conns:
            try:
                conn.close()
            except OSError:
                pass

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _connection(self, conn: socket.socket) -> None:
        buf = b""
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                head, _, rest = buf.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(rest) < length:
                    data = conn.recv(65536)
                    if not data:
                        return
                    rest += data
                request, buf = head + b"\r\n\r\n" + rest[:length], rest[length:]
                with self._lock:
                    self.received.append(request)
                path = request.split(b" ", 2)[1].decode()
                responder = self.routes.get(path) or raw(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"
                )
                if not responder(conn, request):
                    return
        except OSError:
            return
        finally:
            try:
                conn.close()
            except OSError:
                pass


@dataclass
class Fetched:
    """What the test spider saw (or its errback got) for one request."""

    url: str
    status: int | None
    body: bytes
    warc: dict[str, Any] | None
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    written_when_seen: bool = True  # the record was on disk when the callback ran


class FetchSpider(scrapy.Spider):
    """Fetch the given requests (URLs or ``scrapy.Request``s) and report every outcome."""

    name = "fetch"

    def __init__(self, requests: Iterable[Any] = (), results: list[Fetched] | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.requests = list(requests)
        self.results = results if results is not None else []

    async def start(self):
        for req in self.requests:
            if isinstance(req, str):
                req = scrapy.Request(req, dont_filter=True)
            yield req.replace(callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: scrapy.http.Response) -> None:
        pointer = response.meta.get(WARC_META)
        written = not isinstance(pointer, PendingPointer) or pointer.done
        self.results.append(
            Fetched(response.url, response.status, response.body, pointer, dict(response.meta), written_when_seen=written)
        )

    def failed(self, failure: Any) -> None:
        response = getattr(failure.value, "response", None)
        request = failure.request
        self.results.append(
            Fetched(
                request.url,
                response.status if response is not None else None,
                response.body if response is not None else b"",
                request.meta.get(WARC_META),
                dict(request.meta),
                error=type(failure.value).__name__,
            )
        )


async def crawl(warc_dir: Path, requests: Iterable[Any], **settings: Any) -> tuple[list[Fetched], dict[str, Any]]:
    """Crawl ``requests`` in-process with archiving into ``warc_dir``; return results, stats."""
    base = {
        "LOG_LEVEL": "WARNING",
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "ROBOTSTXT_OBEY": False,
        "HTTPERROR_ALLOW_ALL": True,
        "RETRY_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "NEWSARCHIVE_WARC_DIR": str(warc_dir),
        **WARC_SETTINGS,
    }
    base.update(settings)
    runner = CrawlerRunner(Settings(base))
    results: list[Fetched] = []
    crawler = runner.create_crawler(FetchSpider)
    await runner.crawl(crawler, requests=list(requests), results=results)
    for fetched in results:  # records are all written once the crawl has ended
        fetched.warc = written_pointer(fetched.warc)
        if WARC_META in fetched.meta:
            fetched.meta[WARC_META] = written_pointer(fetched.meta[WARC_META])
    return results, crawler.stats.get_stats()


def written_pointer(pointer: Any) -> Any:
    """A pointer as it is once its record is written (the writer process runs behind)."""
    if isinstance(pointer, PendingPointer):
        assert pointer.done, "the crawl ended before its records were written"
        return pointer.pointer
    return pointer


@dataclass
class Rec:
    """A record as warcio reads it back: type, headers, raw block, and where it was."""

    rec_type: str
    headers: Any
    block: bytes
    filename: str
    offset: int
    length: int

    def get(self, name: str) -> str | None:
        return self.headers.get_header(name)

    @property
    def uri(self) -> str | None:
        return self.get("WARC-Target-URI")

    @property
    def http_head(self) -> bytes:
        return self.block.partition(b"\r\n\r\n")[0] + b"\r\n\r\n"

    @property
    def payload(self) -> bytes:
        return self.block.partition(b"\r\n\r\n")[2]


def read_records(path: Path) -> list[Rec]:
    """Every record of a ``.warc.gz`` (or ``.open``) file; lengths from member boundaries."""
    out: list[Rec] = []
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh, no_record_parse=True)
        for rec in it:
            block = rec.raw_stream.read()
            out.append(Rec(rec.rec_type, rec.rec_headers, block, path.name, it.get_record_offset(), 0))
    ends = [rec.offset for rec in out[1:]] + [path.stat().st_size]
    for rec, end in zip(out, ends):
        rec.length = end - rec.offset
    return out


def warc_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.warc.gz"))


def all_records(directory: Path) -> list[Rec]:
    return [rec for path in warc_files(directory) for rec in read_records(path)]


def tool(name: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a console script installed next to this Python (warcio, cdxj-indexer)."""
    return subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=timeout)


REPO_ROOT = Path(__file__).resolve().parent.parent


def scrapy_crawl_command(out_dir: Path, base_url: str, *settings: str, spider: str = "timesca") -> list[str]:
    """``scrapy crawl`` of the project spider into ``out_dir`` (items + warc/), as a child."""
    import json

    command = [
        sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"base_url={base_url}",
        "-O", str(out_dir / "items.jsonl"),
        "-s", f"NEWSARCHIVE_WARC_DIR={out_dir / 'warc'}",
        "-s", f"DOWNLOAD_HANDLERS={json.dumps(WARC_SETTINGS['DOWNLOAD_HANDLERS'])}",
        "-s", f"DOWNLOADER_MIDDLEWARES={json.dumps(WARC_SETTINGS['DOWNLOADER_MIDDLEWARES'])}",
        "-s", "LOG_LEVEL=WARNING",
        "-s", "TELNETCONSOLE_ENABLED=False",
    ]  # fmt: skip
    for setting in settings:
        command += ["-s", setting]
    return command


def main(argv: list[str]) -> int:
    """``python tests/warc_crawl.py URL WARC_DIR on|off [NAME=VALUE...]``: fetch one URL
    in a fresh process and print its peak memory (JSON), for tests that need their own."""
    import json
    import resource

    from scrapy.crawler import CrawlerProcess

    url, warc_dir, mode, *extra = argv
    settings = {
        "LOG_LEVEL": "WARNING",
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "DOWNLOAD_MAXSIZE": 0,
        "DOWNLOAD_WARNSIZE": 0,
        "NEWSARCHIVE_WARC_DIR": warc_dir,
        "NEWSARCHIVE_WARC_ENABLED": mode == "on",
        **WARC_SETTINGS,
    }
    settings.update(pair.split("=", 1) for pair in extra)
    results: list[Fetched] = []
    process = CrawlerProcess(Settings(settings), install_root_handler=False)
    process.crawl(FetchSpider, requests=[url], results=results)
    process.start()
    body = len(results[0].body) if results else -1
    print(json.dumps({"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "body": body}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
