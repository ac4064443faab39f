"""The sample site's second theme (a WordPress block theme), and crawls surviving the redesign.

Real servers on 127.0.0.1 and real crawls through the command line. The block theme shares
no markup with the classic one the ``timesca`` selectors are written for; the ground truth
(``site.visible_articles()``) is the same, so every crawl is held to every article.
"""

from __future__ import annotations

import collections
import http.client
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from conftest import run_cli
from job_runs import read_jsonl
from newsarchive.sample_site import THEMES, SampleSite, run_sample_site_process
from newsarchive.sample_site.__main__ import main

ARTICLES = 40  # 4 listing pages: pagination, the duplicate teaser and every edge case
CLASSIC_SELECTORS = ("article.teaser", "h2.teaser-title", "p.teaser-summary", ".teaser-date", "a.next",
                     "link[rel=next]", "h1.entry-title", ".entry-content", ".byline", ".posted-on", ".tags-links")
LISTINGS = ("/", "/latest/", "/latest/page/2/", "/latest/page/4/", "/category/politics/", "/tag/kazakhstan/",
            "/?s=kazakhstan")
SAME_BYTES = ("/robots.txt", "/feed/", "/feed/?paged=2", "/feed/atom/", "/feed/rdf/", "/category/economy/feed/",
              "/?s=kazakhstan&feed=rss2", "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/news-sitemap.xml")


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, SampleSite]]:
    """One running site per theme, same content."""
    running = {theme: SampleSite(articles=ARTICLES, theme=theme) for theme in THEMES}
    for site in running.values():
        site.start()
    try:
        yield running
    finally:
        for site in running.values():
            site.stop()


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """One GET, no redirect followed, nothing decoded."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def page(site: SampleSite, path: str) -> Selector:
    status, headers, body = fetch(site.url_for(path))
    assert status == 200, path
    charset = re.search(r"charset=([\w-]+)", headers["Content-Type"])
    return Selector(text=body.decode(charset[1] if charset else "utf-8"))


def relative(site: SampleSite, data: bytes) -> bytes:
    """A response with the site's own address written as BASE (two sites, two ports)."""
    return data.replace(site.url.encode(), b"BASE")


def clean(text: str) -> str:
    """Ground truth as items carry it: no-break spaces become plain spaces."""
    return text.replace("\xa0", " ")


# -- the theme itself ---------------------------------------------------------------


def test_block_theme_lists_the_same_articles_in_other_markup(sites: dict[str, SampleSite]) -> None:
    classic, block = sites["classic"], sites["block"]
    for path in LISTINGS:
        old, new = page(classic, path), page(block, path)
        assert old.css("article.teaser"), path
        assert not [s for s in CLASSIC_SELECTORS if new.css(s)], path
        links = [relative(block, h.encode()) for h in new.css("li.wp-block-post h2.wp-block-post-title a::attr(href)").getall()]
        assert links == [relative(classic, h.encode()) for h in old.css("h2.teaser-title a::attr(href)").getall()], path
        assert len(new.css("li.wp-block-post .wp-block-post-excerpt__excerpt")) == len(links)
    second = page(block, "/latest/page/2/")
    assert second.css("a.wp-block-query-pagination-next::attr(href)").get() == block.url_for("/latest/page/3/")
    assert second.css(".wp-block-query-pagination-numbers .current::text").get() == "2"
    assert page(block, "/latest/page/4/").css("a.wp-block-query-pagination-next") == []
    assert "Most read" in page(block, "/").css("aside h2::text").getall()


def test_block_theme_article_pages_carry_the_same_article(sites: dict[str, SampleSite]) -> None:
    block = sites["block"]
    for spec in block.visible_articles():
        if spec.status != 200:
            continue
        html = page(block, spec.path)
        assert not [s for s in CLASSIC_SELECTORS if html.css(s)], spec.index
        assert html.css("h1.wp-block-post-title::text").get() == spec.title
        paragraphs = [" ".join(p.css("::text").getall()).strip() for p in html.css(".wp-block-post-content p")]
        assert paragraphs == list(spec.paragraphs), spec.index
        assert html.css(".wp-block-post-author-name a::text").getall() == list(spec.authors)
        assert html.css(".taxonomy-post_tag a[rel=tag]::text").getall() == list(spec.tags)
        assert html.css(".wp-block-post-date time::attr(datetime)").get() == (
            spec.published_iso if "time" in spec.date_forms else None
        )
        assert bool(html.css(".wp-block-post-date")) == spec.dated


def test_feeds_sitemaps_statuses_and_article_heads_do_not_change_with_the_theme(sites: dict[str, SampleSite]) -> None:
    classic, block = sites["classic"], sites["block"]
    for path in SAME_BYTES:
        old, new = fetch(classic.url_for(path)), fetch(block.url_for(path))
        assert old[0] == new[0] == 200, path
        assert relative(classic, old[2]) == relative(block, new[2]), path
    spec = classic.content.article(0)
    for path in ("/latest/page/1/", "/latest", spec.legacy_path, "/tag/nowhere/", "/latest/page/9/",
                 classic.content.article(7).path, "/no-such-article/"):
        old, new = fetch(classic.url_for(path)), fetch(block.url_for(path))
        assert old[0] == new[0], path
        assert relative(classic, old[1].get("Location", "").encode()) == relative(block, new[1].get("Location", "").encode())
    for index in range(8):  # every date form; the gzip, chunked and redirect articles
        spec = classic.content.article(index)
        if spec.status == 200:
            heads = [relative(s, fetch(s.url_for(spec.path))[2].split(b"<style")[0]) for s in (classic, block)]
            assert heads[0] == heads[1], index


def test_the_theme_changes_while_the_site_runs() -> None:
    with SampleSite(articles=12) as site:
        assert page(site, "/latest/").css("article.teaser")
        site.theme = "block"
        assert page(site, "/latest/").css("li.wp-block-post") and not page(site, "/latest/").css("article.teaser")
        assert "theme=block" in repr(site)
        with pytest.raises(ValueError, match="unknown theme 'dark'"):
            site.theme = "dark"
        assert site.theme == "block"
    with pytest.raises(ValueError, match="classic, block"):
        SampleSite(articles=3, theme="dark")


def test_command_line_serves_the_chosen_theme(capsys: pytest.CaptureFixture[str]) -> None:
    with run_sample_site_process(articles=12, theme="block") as url:
        listing = Selector(text=fetch(url + "/latest/")[2].decode())
        assert len(listing.css("li.wp-block-post")) == 10 and not listing.css("article.teaser")
    with pytest.raises(SystemExit) as refused:
        main(["--theme", "dark"])
    assert refused.value.code == 2
    assert "invalid choice: 'dark'" in capsys.readouterr().err


# -- crawls under each theme ----------------------------------------------------------


def every_article_once(out: Path, site: SampleSite) -> dict[str, dict[str, Any]]:
    """The job's items by URL, checked to be every published article exactly once, with
    the article's title and body (the broken article: its teaser, marked)."""
    items = read_jsonl(out / "items.jsonl")
    urls = collections.Counter(item["url"] for item in items)
    assert not [u for u, n in urls.items() if n > 1]
    expected = {spec.url(site.url) for spec in site.visible_articles()}
    assert set(urls) == expected, (sorted(expected - set(urls))[:5], sorted(set(urls) - expected)[:5])
    by_url = {item["url"]: item for item in items}
    for spec in site.visible_articles():
        item = by_url[spec.url(site.url)]
        assert item["title"] == spec.title, spec.index
        if spec.status == 200:
            assert not item["fetch_error"] and item["body"] == clean(spec.body), spec.index
        else:
            assert item["fetch_error"] == "http_404" and item["body"] is None
    return by_url


@pytest.mark.parametrize("theme", list(THEMES))
def test_timesca_crawl_finds_every_article_in_each_theme(theme: str, sites: dict[str, SampleSite],
                                                         tmp_path: Path) -> None:
    site, out = sites[theme], tmp_path / "job"
    result = run_cli("crawl", "timesca", "-a", f"base_url={site.url}", "--out", str(out), "--log-level", "INFO")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    items = every_article_once(out, site)
    for spec in site.visible_articles():  # the article pages' other fields too, in both themes
        if spec.status == 200:
            item = items[spec.url(site.url)]
            got = (item["published"], item["authors"], item["tags"], item["section"], item["language"])
            assert got == (spec.published_iso, list(spec.authors), list(spec.tags), spec.section, spec.language), spec.index
    fallbacks = ("Listing selector 'article.teaser' matched nothing on",
                 "Article selector body = '.entry-content p' matched nothing on",
                 "'newsarchive/listing/selector_fallbacks': 1,",
                 "'newsarchive/article/selector_fallbacks': ")
    if theme == "classic":
        assert not [f for f in fallbacks if f in result.stderr]
        return
    assert [f for f in fallbacks if f in result.stderr] == list(fallbacks)
    assert f"'newsarchive/article/selector_fallbacks': {ARTICLES - 1}," in result.stderr  # all but the broken one
    assert "'newsarchive/listing/rule/repeated_blocks'" in result.stderr
    replayed = tmp_path / "replayed.jsonl"
    again = run_cli("replay", str(out), "--spider", "timesca", "-a", f"base_url={site.url}", "-o", str(replayed))
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert replayed.read_bytes() == (out / "items.jsonl").read_bytes()


@pytest.mark.parametrize("theme", list(THEMES))
def test_crawl_url_finds_every_article_in_each_theme(theme: str, sites: dict[str, SampleSite], tmp_path: Path) -> None:
    site, out = sites[theme], tmp_path / "job"
    result = run_cli("crawl", site.url_for("/latest/"), "-a", "languages=en", "--out", str(out), "--log-level", "INFO")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    every_article_once(out, site)
    pages = site.content.listing("latest").pages  # every page walked, each by the automatic rules
    assert f"'newsarchive/listing/rule/repeated_blocks': {pages}," in result.stderr
    next_rule = {"classic": "rel_next", "block": "next_label"}[theme]  # <link rel=next>; "Next Page"
    assert f"'newsarchive/listing/rule/next/{next_rule}': {pages - 1}," in result.stderr


def test_a_redesign_between_two_daily_runs_loses_no_article(tmp_path: Path) -> None:
    out = tmp_path / "job"
    with SampleSite(articles=ARTICLES, hidden_newest=10) as site:
        args = ("crawl", "timesca", "-a", f"base_url={site.url}", "--out", str(out), "--log-level", "INFO")
        first = run_cli(*args)
        assert first.returncode == 0, first.stdout + first.stderr[-3000:]
        site.theme = "block"  # overnight: a new theme, and ten new articles
        site.publish()
        site.reset_hits()
        second = run_cli(*args)
        assert second.returncode == 0, second.stdout + second.stderr[-3000:]
        every_article_once(out, site)
        assert "Listing selector 'article.teaser' matched nothing on" in second.stderr
        fetched = {spec.index for spec in site.visible_articles() if site.hits[spec.path]}
        assert fetched == set(range(10))  # only the new ones (the broken one, 7, among them)


def test_timesca_backfills_the_whole_archive_from_its_sitemap(sites: dict[str, SampleSite], tmp_path: Path) -> None:
    """``-a sitemaps=true``: WordPress's post sitemaps give every article, however few
    listing and feed pages are read; the next run skips the unchanged post sitemap."""
    site, out = sites["block"], tmp_path / "job"
    args = ("crawl", "timesca", "-a", f"base_url={site.url}", "-a", "sitemaps=true", "-a", "max_pages=1",
            "--out", str(out), "--log-level", "INFO")
    result = run_cli(*args)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    every_article_once(out, site)
    assert "sitemap: 2 page(s)" in result.stdout
    again = run_cli(*args)
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert "1 unchanged since an earlier run read them" in again.stderr
    refused = run_cli("crawl", "timesca", "-a", "sitemaps=true", "-a", "tag=gas", "--out", str(tmp_path / "x"))
    assert refused.returncode == 2 and "sitemaps=true reads the whole site" in refused.stderr
