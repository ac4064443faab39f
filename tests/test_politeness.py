"""Polite to real sites (AutoThrottle), never to your own machine, never in replay."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_twisted
from scrapy import signals
from scrapy.crawler import CrawlerRunner

from newsarchive.crawl import crawl_settings
from newsarchive.politeness import MAX_DELAY_STAT, AutoThrottle, is_loopback
from spiders.timesca import TimescaSpider


@pytest.mark.parametrize("host, expected", [
    ("localhost", True), ("LOCALHOST", True), ("app.localhost", True), ("127.0.0.1", True),
    ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("timesca.com", False),
    ("10.0.0.1", False), ("", False), (None, False), ("localhost.example.com", False),
])
def test_is_loopback(host: str | None, expected: bool) -> None:
    assert is_loopback(host) is expected


async def crawl_sample_site(site_url: str, tmp_path: Any, **settings: Any) -> tuple[dict[str, Any], list[float], Any]:
    """One live timesca crawl with the project settings; the slot delays seen on each response."""
    runner = CrawlerRunner(crawl_settings(None, {
        "LOG_LEVEL": "WARNING", "NEWSARCHIVE_WARC_DIR": str(tmp_path / "warc"), **settings,
    }))
    crawler = runner.create_crawler(TimescaSpider)
    delays: list[float] = []

    def received(response: Any, request: Any, spider: Any) -> None:
        delays.append(crawler.engine.downloader.slots[request.meta["download_slot"]].delay)

    crawler.signals.connect(received, signal=signals.response_received)
    await runner.crawl(crawler, base_url=site_url, max_pages=2, follow=False)
    return crawler.stats.get_stats(), delays, crawler


@pytest_twisted.ensureDeferred
async def test_project_throttles_remote_sites_but_not_loopback(sample_site: Any, tmp_path: Any) -> None:
    stats, delays, crawler = await crawl_sample_site(sample_site.url, tmp_path)
    assert crawler.settings.getbool("AUTOTHROTTLE_ENABLED")  # the project default
    assert any(isinstance(ext, AutoThrottle) for ext in crawler.extensions.middlewares)
    assert len(delays) >= 3 and set(delays) == {0.0}  # not even the start delay
    assert MAX_DELAY_STAT not in stats


@pytest_twisted.ensureDeferred
async def test_a_site_treated_as_remote_is_throttled(sample_site: Any, tmp_path: Any) -> None:
    stats, delays, _ = await crawl_sample_site(
        sample_site.url, tmp_path, NEWSARCHIVE_THROTTLE_LOOPBACK=True, AUTOTHROTTLE_START_DELAY=0.05,
    )
    assert len(delays) >= 3 and all(d > 0 for d in delays)
    assert delays[0] < 0.05  # adapted to how fast the server answered, from the start delay
    assert 0 < stats[MAX_DELAY_STAT] <= 0.05


def test_the_crawl_summary_says_how_hard_the_crawl_held_back() -> None:
    from newsarchive.crawl import CrawlResult, summary_lines

    polite = summary_lines(CrawlResult(None, {MAX_DELAY_STAT: 1.234}, 2.0))
    assert "politeness:     AutoThrottle, delays up to 1.23 s between requests to a site" in polite
    assert not any(line.startswith("politeness:") for line in summary_lines(CrawlResult(None, {}, 2.0)))
