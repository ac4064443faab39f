"""Polite to real sites (AutoThrottle), never to your own machine, never in replay."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_twisted
import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerRunner

from newsarchive.runner.crawl_job import crawl_settings
from newsarchive.politeness import MAX_DELAY_STAT, AutoThrottle, is_loopback
from newsarchive.spiders.timesca import TimescaSpider


@pytest.mark.parametrize("host, expected", [
    ("localhost", True), ("LOCALHOST", True), ("app.localhost", True), ("127.0.0.1", True),
    ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("timesca.com", False),
    ("10.0.0.1", False), ("", False), (None, False), ("localhost.example.com", False),
])
def test_is_loopback(host: str | None, expected: bool) -> None:
    assert is_loopback(host) is expected


async def crawl_recording_delays(spidercls: type, settings: dict[str, Any], **spider_args: Any) -> tuple[dict[str, Any], list[float], Any]:
    """One crawl with the project settings (plus ``settings``); the slot delay seen at each response."""
    runner = CrawlerRunner(crawl_settings(None, {"LOG_LEVEL": "WARNING", **settings}))
    crawler = runner.create_crawler(spidercls)
    delays: list[float] = []

    def received(response: Any, request: Any, spider: Any) -> None:
        delays.append(crawler.engine.downloader.slots[request.meta["download_slot"]].delay)

    crawler.signals.connect(received, signal=signals.response_received)
    await runner.crawl(crawler, **spider_args)
    return crawler.stats.get_stats(), delays, crawler


async def crawl_sample_site(site_url: str, tmp_path: Any, **settings: Any) -> tuple[dict[str, Any], list[float], Any]:
    """A short live timesca crawl of the sample site."""
    return await crawl_recording_delays(
        TimescaSpider, {"NEWSARCHIVE_WARC_DIR": str(tmp_path / "warc"), **settings},
        base_url=site_url, max_pages=2, follow=False,
    )


@pytest_twisted.ensureDeferred
async def test_project_throttles_remote_sites_but_not_loopback(sample_site: Any, tmp_path: Any) -> None:
    stats, delays, crawler = await crawl_sample_site(sample_site.url, tmp_path)
    assert crawler.settings.getbool("AUTOTHROTTLE_ENABLED")  # the project default
    assert any(isinstance(ext, AutoThrottle) for ext in crawler.extensions.middlewares)
    assert len(delays) >= 3 and set(delays) == {0.0}  # not even the start delay
    assert MAX_DELAY_STAT not in stats
    # and no control port: the project switches off Scrapy's remote control (and telnet)
    assert not {"RemoteControl", "TelnetConsole"} & {type(ext).__name__ for ext in crawler.extensions.middlewares}


@pytest_twisted.ensureDeferred
async def test_a_site_treated_as_remote_is_throttled(sample_site: Any, tmp_path: Any) -> None:
    stats, delays, _ = await crawl_sample_site(
        sample_site.url, tmp_path, NEWSARCHIVE_THROTTLE_LOOPBACK=True, AUTOTHROTTLE_START_DELAY=0.05,
    )
    assert len(delays) >= 3 and all(d > 0 for d in delays)
    assert delays[0] < 0.05  # adapted to how fast the server answered, from the start delay
    assert 0 < stats[MAX_DELAY_STAT] <= 0.05


def test_the_crawl_summary_says_how_hard_the_crawl_held_back() -> None:
    from newsarchive.runner.crawl_job import CrawlResult, summary_lines

    polite = summary_lines(CrawlResult(None, {MAX_DELAY_STAT: 1.234}, 2.0))
    assert "politeness:     AutoThrottle, delays up to 1.23 s between requests to a site" in polite
    assert not any(line.startswith("politeness:") for line in summary_lines(CrawlResult(None, {}, 2.0)))


@pytest.mark.parametrize("value, expected", [
    (b"120", 120.0), ("  7 ", 7.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 60.0),
    ("Wed, 21 Oct 2015 07:00:00 GMT", 0.0), (b"soon", None), ("", None), (None, None),
])
def test_retry_after(value: Any, expected: float | None) -> None:
    from datetime import datetime, timezone

    from newsarchive.politeness import retry_after

    assert retry_after(value, now=datetime(2015, 10, 21, 7, 27, tzinfo=timezone.utc)) == expected


class OnePageSpider(scrapy.Spider):
    name = "one_page"

    def __init__(self, url: str = "", **kw: Any) -> None:
        super().__init__(**kw)
        self.url = url

    async def start(self) -> Any:
        yield scrapy.Request(self.url)

    def parse(self, response: Any) -> Any:
        return None


@pytest.mark.parametrize("headers, expected_delay", [({"Retry-After": "2"}, 2.0), ({}, 0.2)])
@pytest_twisted.ensureDeferred
async def test_an_overloaded_server_is_given_time(static_site: Any, headers: dict[str, str], expected_delay: float) -> None:
    from newsarchive.politeness import BACKOFF_STAT

    static_site.pages["/busy"] = (429, headers, b"slow down")
    stats, delays, _ = await crawl_recording_delays(OnePageSpider, {
        "NEWSARCHIVE_WARC_ENABLED": False, "RETRY_ENABLED": False,
        "NEWSARCHIVE_THROTTLE_LOOPBACK": True, "AUTOTHROTTLE_START_DELAY": 0.1,
    }, url=static_site.url + "/busy")
    assert stats["downloader/response_status_count/429"] == 1
    assert stats[BACKOFF_STAT] == 1
    assert delays[-1] == pytest.approx(expected_delay)  # Retry-After, else twice the start delay
    assert stats[MAX_DELAY_STAT] == pytest.approx(expected_delay)


@pytest_twisted.ensureDeferred
async def test_robots_crawl_delay_is_the_least_delay(static_site: Any) -> None:
    from newsarchive.politeness import CRAWL_DELAY_STAT

    static_site.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"},
                                        b"User-agent: *\nCrawl-delay: 0.7\nDisallow: /private/\n")
    static_site.pages["/page"] = (200, {"Content-Type": "text/html"}, b"<p>hello</p>")
    stats, delays, _ = await crawl_recording_delays(OnePageSpider, {
        "NEWSARCHIVE_WARC_ENABLED": False,
        "NEWSARCHIVE_THROTTLE_LOOPBACK": True, "AUTOTHROTTLE_START_DELAY": 0.05,
    }, url=static_site.url + "/page")
    assert stats["downloader/response_status_count/200"] == 2  # robots.txt, then the page
    assert delays == [pytest.approx(0.7), pytest.approx(0.7)]  # fast answers do not lower it
    assert stats[CRAWL_DELAY_STAT] == pytest.approx(0.7)


def test_a_remote_crawl_with_the_placeholder_contact_is_warned_about() -> None:
    from scrapy.settings import Settings

    from newsarchive.runner.crawl_job import crawl_settings
    from newsarchive.politeness import contact_warning

    defaults = crawl_settings()
    assert "placeholder contact" in (contact_warning(defaults, ["https://timesca.com/latest/"]) or "")
    assert contact_warning(defaults, ["http://127.0.0.1:8000/latest/", "http://localhost/x"]) is None
    own = Settings({"USER_AGENT": "researchbot/1.0 (+mailto:me@example.org)"})
    assert contact_warning(own, ["https://timesca.com/latest/"]) is None
    operator = Settings({"USER_AGENT": defaults.get("USER_AGENT"), "NEWSARCHIVE_WARC_OPERATOR": "Jane Doe"})
    assert contact_warning(operator, ["https://timesca.com/latest/"]) is None
