"""Sitemaps as listing sources: real crawls of the sample site's sitemaps (robots.txt, the
sitemap index, the Google News sitemap), of a generated 500,000-URL gzipped sitemap index
on a loopback server, and an offline replay of a sitemap crawl."""

from __future__ import annotations

import collections
import gzip
import json
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
from conftest import run_cli

from newsarchive.sample_site import EDGE, SampleSite
from newsarchive.sample_site.syndication import FeedRenderer
from newsarchive.spiders.listing import SiteFileSpider

XML = {"Content-Type": "application/xml; charset=UTF-8"}
GZIP = {"Content-Type": "application/x-gzip"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"


def clean(text: str) -> str:
    return text.replace("\xa0", " ")


def site_file(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\n{body}', encoding="utf-8")
    return str(path)


def news_ids(site: SampleSite) -> list[int]:
    return FeedRenderer(site.content, site.url, site.hidden_newest).news_ids()


@pytest_twisted.ensureDeferred
async def test_google_news_sitemap_entries_are_teasers_with_titles_and_dates(sample_site, crawl, tmp_path) -> None:
    site = site_file(tmp_path, "news", 'sitemaps = ["https://timesca.com/news-sitemap.xml"]\n'
                     'timezone = "Asia/Almaty"\n')
    ids = news_ids(sample_site)
    assert len(ids) >= 3
    out = await crawl(SiteFileSpider, site=site, base_url=sample_site.url, follow="false")
    items = out.by_url()
    assert set(items) == {sample_site.content.article(i).url(sample_site.url) for i in ids}
    for i in ids:
        spec = sample_site.content.article(i)
        item = items[spec.url(sample_site.url)]
        assert item["title"] == clean(spec.title)  # news:title
        assert item["published"] == spec.published_iso  # news:publication_date
        assert item["tags"] == list(spec.tags)  # news:keywords
        assert item["language"] == spec.language
        assert item["listing_url"] == f"{sample_site.url}/news-sitemap.xml"
    assert out.stats["newsarchive/sitemap/pages"] == out.stats["newsarchive/listing/pages"] == 1

    out = await crawl(SiteFileSpider, site=site, base_url=sample_site.url)  # and their pages
    assert {i["url"]: i["body"] for i in out.items} == {
        sample_site.content.article(i).url(sample_site.url): clean(sample_site.content.article(i).body) for i in ids}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_sitemaps_named_by_robots_txt_then_replayed_byte_identical(tmp_path: Path) -> None:
    """``sitemaps_from_robots``: robots.txt -> the sitemap index -> its url set -> every
    article page, titles from the pages. Then a second run, and a replay of both."""
    site = site_file(tmp_path, "robots", 'sitemaps_from_robots = true\nallowed_domains = ["timesca.com"]\n'
                     'timezone = "Asia/Almaty"\n')
    out = tmp_path / "job"
    with SampleSite(articles=25) as live:
        base = live.url
        args = ["crawl", site, "--out", str(out), "-a", f"base_url={base}", "--log-level", "INFO"]
        first = run_cli(*args)
        assert first.returncode == 0, first.stdout + first.stderr[-3000:]
        items = read_jsonl(out / "items.jsonl")
        broken = live.content.article(EDGE.broken)
        expected = {spec.url(base) for spec in live.visible_articles()} - {broken.url(base)}
        assert len(items) == len(expected) and {i["url"] for i in items} == expected
        for item in items:
            spec = live.content.article_by_slug(item["url"][len(base):].strip("/"))
            assert item["title"] == clean(spec.title)  # from the article page: a sitemap has none
            assert item["published"] == spec.published_iso
            assert item["listing_url"] == f"{base}/wp-sitemap-posts-post-1.xml"
        stats = read_jsonl(out / "runs.jsonl")[-1]["stats"]
        assert stats["newsarchive/sitemap/from_robots"] == 1 and stats["newsarchive/sitemap/indexes"] == 1
        # the broken article's page fails and its entry has no title: no item, but counted,
        # logged, and recorded in the job for a later run to retry
        assert stats["newsarchive/article/failed_untitled"] == 1
        assert "has no title: no item until a later run archives the page" in first.stderr
        (failed,) = read_jsonl(out / "failed-articles.jsonl")
        assert failed["url"] == broken.url(base) and failed["reason"] == "http_404"
        assert failed["teaser"]["listing_url"] == f"{base}/wp-sitemap-posts-post-1.xml"
        # a sitemap has no known-page stop, but the next run skips the child sitemap the
        # first read whole (its lastmod is unchanged) and fetches no article
        live.reset_hits()
        second = run_cli(*args)
        assert second.returncode == 0, second.stdout + second.stderr[-3000:]
        assert "items written:  0" in second.stdout
        assert set(live.hits) == {"/robots.txt", "/wp-sitemap.xml"}
    replayed = run_cli("replay", str(out), "--spider", site, "-a", f"base_url={base}",
                       "-o", str(tmp_path / "replayed.jsonl"), "--log-level", "WARNING")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr[-3000:]
    assert (tmp_path / "replayed.jsonl").read_bytes() == (out / "items.jsonl").read_bytes()


class GeneratedSite:
    """A loopback server answering every GET from ``route(path)``, counting hits."""

    def __init__(self, route: Callable[[str], tuple[int, dict[str, str], bytes]]) -> None:
        self.hits: collections.Counter[str] = collections.Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                site.hits[self.path] += 1
                status, headers, body = route(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> GeneratedSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


CHILDREN = 250  # x 2,000 URLs = 500,000
PER_CHILD = 2000
TODAY = date(2025, 12, 7)
FRESH = 5  # the first FRESH entries of child 1 changed today; everything else is older


@pytest.fixture
def big_site() -> Iterator[GeneratedSite]:
    """A news site with a gzipped sitemap index of 250 gzipped sitemaps (500,000 URLs).
    Child k last changed k-1 days ago; in child 1 the first FRESH entries changed today,
    in child 2 (yesterday) the first one; all other entries are a month old."""

    def lastmod(child: int, n: int) -> date:
        if child == 1 and n < FRESH:
            return TODAY
        if child == 2 and n == 0:
            return TODAY - timedelta(days=1)
        return TODAY - timedelta(days=30 + child)

    def route(path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"
        if path == "/sitemap_index.xml.gz":
            children = "".join(f"<sitemap><loc>{site.url}/sitemaps/post-{k}.xml.gz</loc>"
                               f"<lastmod>{TODAY - timedelta(days=k - 1)}T08:00:00+00:00</lastmod></sitemap>"
                               for k in range(1, CHILDREN + 1))
            xml = f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{SM}">{children}</sitemapindex>'
            return 200, GZIP, gzip.compress(xml.encode(), mtime=0)
        if path.startswith("/sitemaps/post-") and path.endswith(".xml.gz"):
            child = int(path[len("/sitemaps/post-"):-len(".xml.gz")])
            urls = "".join(f"<url><loc>{site.url}/{child}/{n}/</loc><lastmod>{lastmod(child, n)}</lastmod></url>"
                           for n in range(PER_CHILD))
            xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SM}">{urls}</urlset>'
            return 200, GZIP, gzip.compress(xml.encode(), mtime=0)
        parts = path.strip("/").split("/")
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            body = f"<html><body><h1>Article {parts[0]}-{parts[1]}</h1><p>Text.</p></body></html>"
            return 200, HTML, body.encode()
        return 404, HTML, b"<html><body>not found</body></html>"

    with GeneratedSite(route) as site:
        yield site


@pytest_twisted.ensureDeferred
async def test_since_skips_unchanged_child_sitemaps_of_a_large_gzipped_index(big_site, crawl, tmp_path) -> None:
    site = site_file(tmp_path, "big", f'sitemaps = ["{big_site.url}/sitemap_index.xml.gz"]\n')
    since = (TODAY - timedelta(days=1)).isoformat()
    out = await crawl(SiteFileSpider, site=site, since=since)
    # only the two child sitemaps that changed since yesterday are fetched, of 250
    sitemaps = sorted(p for p in big_site.hits if p.startswith("/sitemap"))
    assert sitemaps == ["/sitemap_index.xml.gz", "/sitemaps/post-1.xml.gz", "/sitemaps/post-2.xml.gz"]
    assert out.stats["newsarchive/sitemap/children_older_than_since"] == CHILDREN - 2
    # and in them only the entries that changed since: their pages give the titles
    expected = {f"{big_site.url}/1/{n}/" for n in range(FRESH)} | {f"{big_site.url}/2/0/"}
    assert {i["url"] for i in out.items} == expected
    assert {i["title"] for i in out.items} == {"Article 1-0", "Article 1-1", "Article 1-2", "Article 1-3",
                                                "Article 1-4", "Article 2-0"}
    assert out.stats["newsarchive/teasers/older_than_since"] == 2 * PER_CHILD - len(expected)
    assert sum(1 for p in big_site.hits if p.count("/") == 3 and not p.startswith("/sitemap")) == len(expected)
    assert out.stats["newsarchive/sitemap/untitled"] == len(expected)
    assert out.stats["finish_reason"] == "finished"

    # max_pages bounds the child sitemaps, newest first
    big_site.hits.clear()
    out = await crawl(SiteFileSpider, site=site, max_pages="1", follow="false")
    assert sorted(p for p in big_site.hits if p.startswith("/sitemap")) == [
        "/sitemap_index.xml.gz", "/sitemaps/post-1.xml.gz"]
    assert out.stats["newsarchive/sitemap/children_over_max_pages"] == CHILDREN - 1
    assert out.items == [] and out.stats["newsarchive/teasers/missing_title"] == PER_CHILD  # no titles, no pages

    # a sitemap that inflates past DOWNLOAD_MAXSIZE is not read (a gzip bomb)
    out = await crawl(SiteFileSpider, site=site, max_pages="1", follow="false",
                      settings={"DOWNLOAD_MAXSIZE": 60_000})
    assert out.stats["newsarchive/sitemap/too_large"] == 1


@pytest_twisted.ensureDeferred
async def test_sitemap_follow_and_allow_choose_children_and_entries(static_site, crawl, tmp_path) -> None:
    base = static_site.url

    def urlset(*paths: str) -> bytes:
        entries = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
        return f'<?xml version="1.0"?><urlset xmlns="{SM}">{entries}</urlset>'.encode()

    index = "".join(f"<sitemap><loc>{base}/{name}.xml</loc></sitemap>" for name in ("post-sitemap", "page-sitemap"))
    static_site.pages["/sitemap_index.xml"] = (200, XML, f'<sitemapindex xmlns="{SM}">{index}</sitemapindex>'.encode())
    static_site.pages["/post-sitemap.xml"] = (200, XML, urlset("/news/a/", "/news/b/", "/tag/x/"))
    static_site.pages["/page-sitemap.xml"] = (200, XML, urlset("/about/"))
    static_site.pages["/not-a-sitemap.xml"] = (200, HTML, b"<html><body>hello</body></html>")
    for path, title in (("/news/a/", "A"), ("/news/b/", "B")):
        static_site.pages[path] = (200, HTML, f"<html><body><h1>{title}</h1><p>Text.</p></body></html>".encode())
    site = site_file(tmp_path, "filtered", f'sitemaps = ["{base}/sitemap_index.xml", "{base}/not-a-sitemap.xml"]\n'
                     "sitemap_follow = ['post-sitemap']\nsitemap_allow = ['/news/']\n")
    out = await crawl(SiteFileSpider, site=site)
    assert sorted(i["title"] for i in out.items) == ["A", "B"]
    assert out.stats["newsarchive/sitemap/children_unmatched"] == 1
    assert out.stats["newsarchive/sitemap/entries_unmatched"] == 1
    assert out.stats["newsarchive/sitemap/not_a_sitemap"] == 1
