"""Feeds as listing sources: real crawls of the sample site's WordPress feeds and of small
hand-made feeds on a loopback server, and an offline replay of a feed crawl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pytest_twisted
from conftest import run_cli

from newsarchive.sample_site import EDGE, SampleSite
from newsarchive.sample_site.syndication import EXCERPT_WORDS
from newsarchive.spiders.listing import SiteFileSpider

XML = {"Content-Type": "application/rss+xml; charset=UTF-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def clean(text: str) -> str:
    return text.replace("\xa0", " ")


def site_file(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\n{body}', encoding="utf-8")
    return str(path)


def feed_only(tmp_path: Path, feed: str = "/feed/", extra: str = "") -> str:
    """A site file with one timesca.com feed and no [listing] (crawled with base_url)."""
    return site_file(tmp_path, "feedonly", f'feeds = ["https://timesca.com{feed}"]\n'
                     'allowed_domains = ["timesca.com"]\ntimezone = "Asia/Almaty"\n' + extra)


def all_urls(site: SampleSite) -> set[str]:
    return {spec.url(site.url) for spec in site.visible_articles()}


@pytest_twisted.ensureDeferred
async def test_a_site_with_only_a_feed_needs_no_selectors(sample_site, crawl, tmp_path) -> None:
    before = dict(sample_site.hits)
    out = await crawl(SiteFileSpider, site=feed_only(tmp_path), base_url=sample_site.url)
    urls = [item["url"] for item in out.items]
    assert len(urls) == len(set(urls)) and set(urls) == all_urls(sample_site)
    pages = sample_site.content.listing("latest").pages
    assert out.stats["newsarchive/feed/pages"] == out.stats["newsarchive/listing/pages"] == pages
    # walked to its end: every ?paged=N once, and the 404 after the last page is the end
    for page in range(2, pages + 2):
        assert sample_site.hits[f"/feed/?paged={page}"] - before.get(f"/feed/?paged={page}", 0) == 1
    assert out.stats["newsarchive/feed/paging_end"] == 1
    assert not any(key.startswith("newsarchive/listing/failed/") for key in out.stats)
    assert out.stats["finish_reason"] == "finished"
    items = out.by_url()
    for index in range(len(sample_site.content)):
        spec = sample_site.content.article(index)
        item = items[spec.url(sample_site.url)]
        assert item["title"] == clean(spec.title)
        assert item["published"] == spec.published_iso, index
        assert item["listing_url"].startswith(f"{sample_site.url}/feed/")
        words = spec.body.split()  # the feed's excerpt, its [...] marker removed
        assert item["summary"] == clean(" ".join(words[:EXCERPT_WORDS]))
        assert item["summary_truncated"] is (len(words) > EXCERPT_WORDS)
        # the feed's <category> elements, or the page's rel~=tag links (WordPress marks its
        # category link rel="category tag"): the section, then the tags, either way
        assert item["tags"] == [spec.section, *spec.tags]
        assert item["authors"] == list(spec.authors)
        if spec.edge == "broken":  # the page fails: the feed's teaser is the item
            assert item["fetch_error"] == "http_404" and item["body"] is None
        else:
            assert item["body"] == clean(spec.body) and not item["fetch_error"]
    assert items[sample_site.content.article(EDGE.cp1251).url(sample_site.url)]["language"] == "ru"


@pytest_twisted.ensureDeferred
async def test_feed_entries_become_teasers_with_normalised_dates(sample_site, crawl, tmp_path) -> None:
    out = await crawl(SiteFileSpider, site=feed_only(tmp_path), base_url=sample_site.url, follow="false")
    items = out.by_url()
    assert set(items) == all_urls(sample_site)
    for spec in sample_site.visible_articles():
        item = items[spec.url(sample_site.url)]
        assert item["title"] == clean(spec.title) and item["body"] is None
        assert item["published"] == spec.published_iso  # RFC 2822 in GMT -> ISO in the site's zone
        if spec.dated:
            assert item["published_raw"].endswith("+0000")
        assert item["authors"] == list(spec.authors)
        assert item["tags"] == [spec.section, *spec.tags]  # every <category>
        assert item["language"] == "en"  # the feed's <language>en-US</language>
        assert item["site"] == "feedonly" and item["warc"]["listing"]["filename"]
    assert "newsarchive/articles/parsed" not in out.stats


@pytest.mark.parametrize("feed", ["/feed/atom/", "/feed/rdf/"])
@pytest_twisted.ensureDeferred
async def test_atom_and_rss1_feeds(sample_site, crawl, tmp_path, feed) -> None:
    before = dict(sample_site.hits)
    out = await crawl(SiteFileSpider, site=feed_only(tmp_path, feed), base_url=sample_site.url, follow="false")
    items = out.by_url()
    assert set(items) == all_urls(sample_site)
    pages = sample_site.content.listing("latest").pages
    assert out.stats["newsarchive/feed/pages"] == pages
    if feed == "/feed/atom/":  # RFC 5005 rel="next" links: no page after the last is tried
        assert "newsarchive/feed/paging_end" not in out.stats
        assert sample_site.hits[f"{feed}?paged={pages + 1}"] == before.get(f"{feed}?paged={pages + 1}", 0)
    else:  # RSS 1.0 links nothing: WordPress's ?paged=N, until the 404
        assert out.stats["newsarchive/feed/paging_end"] == 1
    for spec in sample_site.visible_articles():
        item = items[spec.url(sample_site.url)]
        assert item["title"] == clean(spec.title)
        assert item["published"] == spec.published_iso  # Atom <published>, RSS 1.0 <dc:date>
        assert item["authors"] == list(spec.authors)


@pytest_twisted.ensureDeferred
async def test_since_and_max_pages_apply_to_feeds(sample_site, crawl, tmp_path) -> None:
    content = sample_site.content
    cutoff = content.article(9).published.date()  # feed page 1 ends on it, page 2 ends older
    assert content.article(19).published.date() < cutoff
    out = await crawl(SiteFileSpider, site=feed_only(tmp_path), base_url=sample_site.url, follow="false",
                      since=cutoff.isoformat())
    assert out.stats["newsarchive/feed/pages"] == 2
    assert out.stats["newsarchive/teasers/older_than_since"] >= 1
    dated = [item for item in out.items if item["published"]]
    assert dated and all(item["published"][:10] >= cutoff.isoformat() for item in dated)
    assert {content.article(i).url(sample_site.url) for i in range(10)} <= set(out.by_url())

    out = await crawl(SiteFileSpider, site=feed_only(tmp_path), base_url=sample_site.url, follow="false",
                      max_pages="2")
    assert out.stats["newsarchive/feed/pages"] == 2
    assert set(out.by_url()) == {content.article(i).url(sample_site.url) for i in range(20)}


def rss(*items: str, next_link: str = "", generator: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel><title>T</title><link>/</link>{next_link}{generator}{''.join(items)}</channel></rss>"
    ).encode()


def item(path: str, title: str | None = None, date: str = "Sun, 07 Dec 2025 05:30:00 +0000") -> str:
    title_xml = f"<title>{title}</title>" if title is not None else ""
    return f"<item>{title_xml}<link>{path}</link><pubDate>{date}</pubDate><description>About {path}</description></item>"


def article(title: str) -> bytes:
    return f"<html><body><h1>{title}</h1><div class='entry-content'><p>Text of {title}.</p></div></body></html>".encode()


@pytest_twisted.ensureDeferred
async def test_rfc5005_next_links_and_feeds_that_ignore_paged(static_site, crawl, tmp_path) -> None:
    pages = static_site.pages
    # a generic feed paged by RFC 5005 <atom:link rel="next">
    pages["/news.rss"] = (200, XML, rss(item("/a/", "A"), item("/b/", "B"),
                                         next_link='<atom:link rel="next" href="/news.rss?page=2"/>'))
    pages["/news.rss?page=2"] = (200, XML, rss(item("/c/", "C")))
    # a WordPress-looking feed URL on a site that ignores ?paged=: page 2 repeats page 1
    same = rss(item("/d/", "D"), generator="<generator>https://wordpress.org/?v=6.4</generator>")
    pages["/blog/feed/"] = (200, XML, same)
    pages["/blog/feed/?paged=2"] = (200, XML, same)
    # a "feed" that is an HTML page
    pages["/html-feed/"] = (200, HTML, b"<html><body><p>Our news</p></body></html>")
    base = static_site.url
    site = site_file(tmp_path, "feeds", f'feeds = ["{base}/news.rss", "{base}/blog/feed/", "{base}/html-feed/"]\n'
                     "[listing]\nfollow = false\n")
    out = await crawl(SiteFileSpider, site=site)
    assert sorted(i["title"] for i in out.items) == ["A", "B", "C", "D"]
    assert out.stats["newsarchive/feed/pages"] == 4  # news.rss and blog/feed, twice each
    assert out.stats["newsarchive/feed/paging_end"] == 1  # blog/feed/?paged=2 repeats page 1: the end
    assert out.stats["newsarchive/feed/not_a_feed"] == 1
    assert {i["listing_url"] for i in out.items} == {f"{base}/news.rss", f"{base}/news.rss?page=2", f"{base}/blog/feed/"}
    assert all(i["published"] == "2025-12-07T05:30:00+00:00" for i in out.items)  # UTC: the site's zone


@pytest_twisted.ensureDeferred
async def test_a_feed_states_the_language_of_its_dates(static_site, crawl, tmp_path) -> None:
    """A site file naming no languages: the feed's <language> reads its dates. "listopad" is
    October in Croatian, November in Polish and Czech (what guessing among all languages gives)."""
    body = rss(item("/hr/", "Vijest", date="1 listopad 2025 14:35")).replace(
        b"<channel><title>T</title>", b"<channel><title>T</title><language>hr-HR</language>")
    static_site.pages["/hr.rss"] = (200, XML, body)
    site = site_file(tmp_path, "hronly", f'feeds = ["{static_site.url}/hr.rss"]\ntimezone = "Europe/Zagreb"\n'
                     "[listing]\nfollow = false\n")
    out = await crawl(SiteFileSpider, site=site)
    (news,) = out.items
    assert news["published"] == "2025-10-01T14:35:00+02:00"
    assert news["language"] == "hr"


@pytest_twisted.ensureDeferred
async def test_an_entry_without_a_title_takes_the_article_pages(static_site, crawl, tmp_path) -> None:
    pages = static_site.pages
    pages["/feed.xml"] = (200, XML, rss(item("/titled/", "Feed title"), item("/untitled/"), item("/gone/")))
    pages["/titled/"] = (200, HTML, article("Page title"))
    pages["/untitled/"] = (200, HTML, article("Title from the page"))
    site = site_file(tmp_path, "untitled", f'feeds = ["{static_site.url}/feed.xml"]\n')
    out = await crawl(SiteFileSpider, site=site, settings={"RETRY_TIMES": 0})
    titles = {i["url"].rsplit("/", 2)[1]: i["title"] for i in out.items}
    assert titles == {"titled": "Page title", "untitled": "Title from the page"}
    assert out.stats["newsarchive/feed/untitled"] == 2
    # /gone/ fails, and its teaser has no title: no item (every item has one), but counted,
    # logged and recorded for a later run to retry
    assert out.stats["newsarchive/article/failed/http_404"] == 1
    assert out.stats["newsarchive/article/failed_untitled"] == 1
    assert "newsarchive/dropped/missing_title" not in out.stats

    out = await crawl(SiteFileSpider, site=site, follow="false")
    assert [i["title"] for i in out.items] == ["Feed title"]
    assert out.stats["newsarchive/teasers/missing_title"] == 2


def test_a_feed_crawl_replays_byte_identical(tmp_path: Path) -> None:
    site = feed_only(tmp_path)
    with SampleSite(articles=25) as live:
        base = live.url
        crawled = run_cli("crawl", site, "--out", str(tmp_path / "job"), "-a", f"base_url={base}",
                          "--log-level", "WARNING")
        assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
    items = (tmp_path / "job" / "items.jsonl").read_bytes()
    assert len(items.splitlines()) == 25
    assert {json.loads(line)["listing_url"].split("?")[0] for line in items.splitlines()} == {f"{base}/feed/"}
    replayed = run_cli("replay", str(tmp_path / "job"), "--spider", site, "-a", f"base_url={base}",
                       "-o", str(tmp_path / "replayed.jsonl"), "--log-level", "WARNING")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr[-3000:]
    assert "(0 requests had no capture)" in replayed.stdout
    assert (tmp_path / "replayed.jsonl").read_bytes() == items
