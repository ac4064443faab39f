"""Replay through Scrapy's downloader: archived responses, no network, middlewares as live."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerRunner
from scrapy.settings import Settings

from newsarchive.warc.fetch_time import FETCHED_AT_META
from newsarchive.replay import REPLAY_DOWNLOAD_HANDLERS, WARC_META
from newsarchive.replay.index_lookup import CaptureIndex, rank
from newsarchive.warc.reader import iter_archive_paths
from warc_builders import Capture, chunked, gzip_bytes, write_warc


class PagesSpider(scrapy.Spider):
    """Fetch the given URLs; report what the spider saw."""

    name = "pages"

    def __init__(self, urls: Iterable[str] = (), method: str = "GET", body: str = "", **kw: Any) -> None:
        super().__init__(**kw)
        self.urls, self.method, self.body = list(urls), method, body

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, method=self.method, body=self.body, dont_filter=True,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"}
                                 if self.body else None)

    def parse(self, response: scrapy.http.Response) -> Any:
        text = response.text if isinstance(response, scrapy.http.TextResponse) else None
        yield {
            "url": response.url,
            "requested": response.request.meta.get("redirect_urls", [response.url])[0],
            "status": response.status,
            "text": text,
            "body": response.body,
            "fetched_at": response.meta.get(FETCHED_AT_META),
            "warc": response.meta.get(WARC_META),
            "flags": response.flags,
            "headers": response.headers,
        }


async def replay(paths: list[Path], urls: list[str], **options: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    settings = {
        "LOG_LEVEL": "WARNING",
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_HANDLERS": REPLAY_DOWNLOAD_HANDLERS,
        "NEWSARCHIVE_REPLAY": ",".join(str(p) for p in paths),
        "HTTPERROR_ALLOW_ALL": True,
        "RETRY_ENABLED": False,
        **options.pop("settings", {}),
    }
    runner = CrawlerRunner(Settings(settings))
    crawler = runner.create_crawler(PagesSpider)
    items: list[dict[str, Any]] = []
    def collect(item: Any, **_: Any) -> None:  # held here: signals keep weak references
        items.append(item)

    crawler.signals.connect(collect, signal=signals.item_scraped)
    await runner.crawl(crawler, urls=urls, **options)
    return items, crawler.stats.get_stats()


HTML = b"<html><head><title>Archived page</title></head><body><p>archived text</p></body></html>"


@pytest_twisted.ensureDeferred
async def test_redirect_gzip_chunked_and_query_order(tmp_path: Path, static_site: Any) -> None:
    base = static_site.url  # a live server that must never be asked
    static_site.pages["/new"] = (200, {"Content-Type": "text/html"}, b"<title>LIVE</title>")
    caps = [
        Capture(f"{base}/old", body=b"", status="301 Moved Permanently",
                headers=(("Location", f"{base}/new"),)),
        Capture(f"{base}/new", body=chunked(gzip_bytes(HTML)),
                headers=(("Content-Type", "text/html; charset=utf-8"),
                         ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")),
                date="2024-03-01T10:00:05Z"),
        Capture(f"{base}/q?a=1&b=2", body=HTML),
    ]
    write_warc(tmp_path / "a.warc.gz", caps)
    items, stats = await replay([tmp_path], [f"{base}/old", f"{base}/q?b=2&a=1"])
    by_req = {i["requested"]: i for i in items}
    new = by_req[f"{base}/old"]
    assert new["url"] == f"{base}/new" and new["status"] == 200
    assert "archived text" in new["text"] and "LIVE" not in new["text"]
    assert new["fetched_at"] == datetime(2024, 3, 1, 10, 0, 5, tzinfo=timezone.utc)
    assert new["warc"]["filename"] == "a.warc.gz" and new["warc"]["offset"] > 0
    assert b"Transfer-Encoding" not in new["headers"]
    assert "replay" in new["flags"]
    assert "archived text" in by_req[f"{base}/q?b=2&a=1"]["text"]
    assert stats["newsarchive/replay/hits"] == 3  # 301, its target, the query page
    assert stats["newsarchive/replay/missing"] == 1  # robots.txt: counted, and not blocking
    assert stats.get("downloader/response_status_count/301") == 1


class PoliteSpider(PagesSpider):
    """A spider as polite as a real site needs: none of it may slow a replay down."""

    name = "polite"
    custom_settings = {
        "DOWNLOAD_DELAY": 30,
        "AUTOTHROTTLE_ENABLED": True,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_SLOTS": {"news.example.org": {"delay": 30, "concurrency": 1}},
    }


@pytest_twisted.ensureDeferred
async def test_replay_lifts_politeness_even_a_spiders_own(tmp_path: Path, caplog: Any) -> None:
    from scrapy.extensions.throttle import AutoThrottle

    from newsarchive.replay import ReplayAddon

    base = "http://news.example.org"
    write_warc(tmp_path / "a.warc.gz", [Capture(f"{base}/{i}", body=HTML) for i in range(3)])
    runner = CrawlerRunner(Settings({
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "ADDONS": {ReplayAddon: 0},
        "NEWSARCHIVE_REPLAY": str(tmp_path),
        "CONCURRENT_REQUESTS": 12,
        "LOG_LEVEL": "INFO",
    }))
    crawler = runner.create_crawler(PoliteSpider)
    slots: list[tuple[float, int]] = []

    def downloaded(response: Any, request: Any, spider: Any) -> None:
        slots.extend((s.delay, s.concurrency) for s in crawler.engine.downloader.slots.values())

    crawler.signals.connect(downloaded, signal=signals.response_received)
    caplog.set_level("INFO", logger="newsarchive.replay.addon")
    await runner.crawl(crawler, urls=[f"{base}/{i}" for i in range(3)])
    assert crawler.stats.get_value("item_scraped_count") == 3
    assert slots and set(slots) == {(0.0, 12)}
    assert not any(isinstance(ext, AutoThrottle) for ext in crawler.extensions.middlewares)
    assert "politeness settings lifted (DOWNLOAD_DELAY=30" in caplog.text


@pytest_twisted.ensureDeferred
async def test_brotli_and_bodies_stored_already_decoded(tmp_path: Path) -> None:
    import brotli

    base = "http://news.example.org"
    write_warc(tmp_path / "a.warc.gz", [
        Capture(f"{base}/br", body=brotli.compress(HTML),
                headers=(("Content-Type", "text/html"), ("Content-Encoding", "br"))),
        # what browser-based archivers write: decoded body, original header kept
        Capture(f"{base}/plain", body=HTML, headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip"))),
    ])
    items, stats = await replay([tmp_path], [f"{base}/br", f"{base}/plain"], settings={"ROBOTSTXT_OBEY": False})
    assert sorted(i["text"] for i in items) == [HTML.decode()] * 2
    assert stats["newsarchive/replay/already_decoded"] == 1
    assert stats["httpcompression/response_count"] == 1


@pytest_twisted.ensureDeferred
async def test_missing_capture_is_counted_never_fetched(tmp_path: Path, static_site: Any) -> None:
    static_site.pages["/live-only"] = (200, {"Content-Type": "text/html"}, HTML)
    write_warc(tmp_path / "a.warc", [Capture(f"{static_site.url}/other", body=HTML)], gzip_records=False)
    items, stats = await replay([tmp_path / "a.warc"], [f"{static_site.url}/live-only"])
    assert items == []
    assert stats["newsarchive/replay/missing"] == 2  # robots.txt and the page
    assert "downloader/response_count" not in stats


@pytest_twisted.ensureDeferred
async def test_latest_by_default_nearest_with_at_and_revisits(tmp_path: Path) -> None:
    url = "http://news.example.org/story"
    first = Capture(url, body=b"<title>v1</title>", date="2024-01-01T00:00:00Z")
    caps = [
        first,
        Capture(url, body=b"<title>v2</title>", date="2024-02-01T00:00:00Z"),
        Capture(url, body=b"", date="2024-03-01T00:00:00Z", revisit_of=first),
    ]
    write_warc(tmp_path / "a.warc.gz", caps)
    items, stats = await replay([tmp_path / "a.warc.gz"], [url])
    assert "v1" in items[0]["text"]  # latest capture is a revisit of v1's payload
    assert items[0]["fetched_at"].month == 3
    assert stats["newsarchive/replay/revisits"] == 1

    items, _ = await replay([tmp_path / "a.warc.gz"], [url],
                            settings={"NEWSARCHIVE_REPLAY_AT": "20240205"})
    assert "v2" in items[0]["text"] and items[0]["fetched_at"].month == 2
    items, _ = await replay([tmp_path / "a.warc.gz"], [url],
                            settings={"NEWSARCHIVE_REPLAY_AT": "2023-06-01"})
    assert "v1" in items[0]["text"] and items[0]["fetched_at"].month == 1


@pytest_twisted.ensureDeferred
async def test_post_requests_replay_by_form_data(tmp_path: Path) -> None:
    url = "http://api.example.org/search"
    write_warc(tmp_path / "p.warc.gz", [
        Capture(url, body=b'{"q": "a"}', method="POST", request_body=b"q=a",
                headers=(("Content-Type", "application/json"),)),
        Capture(url, body=b'{"q": "b"}', method="POST", request_body=b"q=b",
                headers=(("Content-Type", "application/json"),)),
    ])
    items, _ = await replay([tmp_path], [url], method="POST", body="q=b")
    assert json.loads(items[0]["body"]) == {"q": "b"}


@pytest_twisted.ensureDeferred
async def test_stale_index_is_not_trusted(tmp_path: Path) -> None:
    from newsarchive.warc.index import write_index
    url = "http://news.example.org/a"
    write_warc(tmp_path / "a.warc.gz", [Capture(url, body=b"<title>old</title>")])
    write_index([tmp_path], tmp_path / "index.cdxj")
    # the WARC is rewritten after its index: offsets in the index are now wrong
    import os
    import time
    write_warc(tmp_path / "a.warc.gz", [Capture("http://x.example/pad", body=b"x" * 3000),
                                        Capture(url, body=b"<title>new</title>")])
    later = time.time() + 5
    os.utime(tmp_path / "a.warc.gz", (later, later))
    items, _ = await replay([tmp_path], [url])
    assert "new" in items[0]["text"]


# -- the real-world corpus -----------------------------------------------------------

def html_urls(index: CaptureIndex, statuses: tuple[str, ...] = ("200",)) -> list[str]:
    return sorted({c.url for c in index if c.mime in ("text/html", "warc/revisit")
                   and c.status in statuses and c.url.startswith("http")})


ORIGINALS_ELSEWHERE = {"example-url-agnostic-revisit.warc.gz": "example-url-agnostic-orig.warc.gz"}


@pytest.mark.corpus
@pytest_twisted.ensureDeferred
async def test_corpus_html_responses_replay_into_a_spider(corpus_dir: Path) -> None:
    """Every corpus file's HTML captures, through Scrapy: gzip/br decoded, chunks removed,
    WARC 0.17/1.0/1.1 and ARC alike, damaged files included."""
    from newsarchive.replay.index_lookup import CaptureResolver

    checked, files_with_html = 0, 0
    for path in iter_archive_paths([corpus_dir / "warc"]):
        paths = [path]
        if path.name in ORIGINALS_ELSEWHERE:
            paths.append(path.with_name(ORIGINALS_ELSEWHERE[path.name]))
        index = CaptureIndex.open(paths, on_damage=lambda d: None)
        resolver = CaptureResolver(index)
        urls = [u for u in html_urls(index, ("200", "301", "302")) if resolve_even_damaged(resolver, index, u)]
        resolver.close()
        if not urls:
            continue
        files_with_html += 1
        items, stats = await replay(paths, urls, settings={"ROBOTSTXT_OBEY": False, "REDIRECT_ENABLED": False,
                                                          "NEWSARCHIVE_REPLAY_DAMAGED": "replay"})
        got = {i["requested"]: i for i in items}
        for url in urls:
            item = got.get(scrapy.Request(url).url)  # as Scrapy spells it (http://a.b?x -> http://a.b/?x)
            assert item is not None, (path.name, url, stats)
            captures = rank(index.lookup(url), None)
            # a revisit without HTTP headers replays with its original's status
            expected = captures[0].status or next(c.status for c in captures if c.status)
            assert str(item["status"]) == expected, (path.name, url)
            content_type = (item["headers"].get(b"Content-Type") or b"").lower()
            if item["status"] == 200 and b"html" in content_type:
                lowered = item["text"].lower()
                assert "<html" in lowered or "<!doctype" in lowered or "<body" in lowered, (path.name, url)
                assert item["fetched_at"] is not None and item["warc"]["offset"] >= 0
                checked += 1
        assert "newsarchive/replay/missing" not in stats, path.name
    assert files_with_html >= 35 and checked >= 60


def resolve_even_damaged(resolver: Any, index: CaptureIndex, url: str) -> Any:
    """The capture that answers ``url``, or when every one is damaged, the best of them."""
    from newsarchive.replay.index_lookup import DamagedCapture

    try:
        return resolver.resolve(index.lookup(url))
    except DamagedCapture as exc:
        return exc.resolved


@pytest.mark.corpus
def test_every_readable_corpus_file_has_replayable_html(corpus_dir: Path) -> None:
    """Index every corpus file; every HTML capture resolves to a record with a body."""
    from newsarchive.replay.index_lookup import CaptureResolver

    files = list(iter_archive_paths([corpus_dir / "warc"]))
    resolved = 0
    for path in files:
        index = CaptureIndex.open([path], on_damage=lambda d: None)
        resolver = CaptureResolver(index)
        for url in html_urls(index):
            hit = resolve_even_damaged(resolver, index, url)
            if hit is None:  # a revisit whose original is in another file
                assert all(c.is_revisit for c in index.lookup(url)), (path, url)
                continue
            assert hit.payload.payload or hit.headers.http_headers.get_statuscode() != "200", (path, url)
            resolved += 1
        resolver.close()
    assert resolved >= 70


def test_addon_switches_to_replay_only_when_asked() -> None:
    from newsarchive.replay import ReplayAddon

    live = Settings({"DOWNLOAD_HANDLERS": {"http": "some.Live"}, "NEWSARCHIVE_WARC_ENABLED": True})
    ReplayAddon().update_settings(live)
    assert live.getdict("DOWNLOAD_HANDLERS") == {"http": "some.Live"} and live.getbool("NEWSARCHIVE_WARC_ENABLED")

    replaying = Settings({"DOWNLOAD_HANDLERS": {"http": "some.Live"}, "NEWSARCHIVE_WARC_ENABLED": True})
    replaying.set("NEWSARCHIVE_REPLAY", "a.warc.gz,b/", priority="cmdline")
    replaying.set("NEWSARCHIVE_WARC_ENABLED", True, priority="cmdline")
    ReplayAddon().update_settings(replaying)
    assert replaying.getdict("DOWNLOAD_HANDLERS") == REPLAY_DOWNLOAD_HANDLERS
    assert not replaying.getbool("NEWSARCHIVE_WARC_ENABLED") and not replaying.getbool("HTTPCACHE_ENABLED")
