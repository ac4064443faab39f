"""Listings without selectors: ``newsarchive crawl URL`` and site files whose selectors are
missing or stopped matching, crawled for real on the sample site."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from conftest import run_cli
from job_runs import read_jsonl
from newsarchive.sample_site import SampleSite

pytestmark = pytest.mark.slow


def check_every_article_once(out: Path, site: SampleSite) -> list[dict]:
    items = read_jsonl(out / "items.jsonl")
    urls = collections.Counter(item["url"] for item in items)
    assert not [u for u, n in urls.items() if n > 1]
    expected = {spec.url(site.url) for spec in site.visible_articles()}
    assert set(urls) == expected, (sorted(expected - set(urls))[:5], sorted(set(urls) - expected)[:5])
    titles = {spec.url(site.url): spec.title for spec in site.visible_articles()}
    assert all(item["title"] == titles[item["url"]] for item in items if not item["fetch_error"])
    return items


def test_crawl_url_finds_every_article_and_replays_the_same(tmp_path: Path) -> None:
    out = tmp_path / "job"
    with SampleSite(articles=45) as site:
        listing = site.url + "/latest/"
        result = run_cli("crawl", listing, "--out", str(out), "-a", "languages=en", "--log-level", "INFO")
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        check_every_article_once(out, site)
        assert "'newsarchive/listing/rule/repeated_blocks'" in result.stderr
        assert "'newsarchive/listing/rule/next/" in result.stderr
    replayed = tmp_path / "replayed.jsonl"
    again = run_cli("replay", str(out), "--spider", listing, "-a", "languages=en", "-o", str(replayed))
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert replayed.read_bytes() == (out / "items.jsonl").read_bytes()


def test_selectors_that_stopped_matching_fall_back_with_a_warning(tmp_path: Path) -> None:
    with SampleSite(articles=30) as site:
        path = tmp_path / "redesigned.toml"
        path.write_text(
            f'name = "old-theme"\nstart_urls = ["{site.url}/latest/"]\n'
            '[listing]\nitem = "div.teaser-card"\nurl = "a::attr(href)"\ntitle = "h3"\n',
            encoding="utf-8",
        )
        no_selectors = tmp_path / "bare.toml"
        no_selectors.write_text(f'name = "bare"\nstart_urls = ["{site.url}/latest/"]\n', encoding="utf-8")
        for site_file, out in ((path, tmp_path / "a"), (no_selectors, tmp_path / "b")):
            result = run_cli("crawl", str(site_file), "--out", str(out), "--log-level", "INFO")
            assert result.returncode == 0, result.stdout + result.stderr[-3000:]
            check_every_article_once(out, site)
        assert "Listing selector 'div.teaser-card' matched nothing on" in \
            run_cli("crawl", str(path), "--out", str(tmp_path / "c"), "--log-level", "INFO").stderr
