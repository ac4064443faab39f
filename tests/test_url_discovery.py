"""``newsarchive crawl URL`` reads more than the listing: the feeds its ``<head>``
advertises for it and the sitemaps robots.txt names, keeping only sitemap entries shaped
like the listing's article URLs. Real crawls of a loopback site, and its replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parsel import Selector

from conftest import run_cli
from job_runs import read_jsonl
from newsarchive.sources.discovery import advertised_feeds, feeds_of_listing
from newsarchive.sources.url_shapes import UrlShapes, segment_class

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
XML = {"Content-Type": "application/xml"}
TEXT = {"Content-Type": "text/plain"}


def test_feeds_of_a_listing_are_its_own_or_the_sites_for_a_top_level_listing() -> None:
    head = Selector(text=(
        '<head><link rel="alternate" type="application/rss+xml" title="Site &raquo; Feed" href="/feed/">'
        '<link rel="alternate" type="application/rss+xml" title="Site &raquo; Comments Feed" href="/comments/feed/">'
        '<link rel="alternate" type="application/atom+xml" href="/category/world/feed/atom/">'
        '<link rel="alternate" type="text/html" hreflang="ru" href="/ru/">'
        '<link rel="stylesheet" href="/style.css"></head>'
    ))
    base = "https://news.example/category/world/"
    found = advertised_feeds(head, base)
    assert found == ["https://news.example/feed/", "https://news.example/category/world/feed/atom/"]
    assert feeds_of_listing(base, found) == ["https://news.example/category/world/feed/atom/"]
    assert feeds_of_listing("https://news.example/latest/", found) == found  # top level: the site's
    assert feeds_of_listing("https://news.example/a/b/c/", found) == []  # deep, and the site has several
    assert feeds_of_listing("https://news.example/a/b/c/", ["https://news.example/feed/"]) == \
        ["https://news.example/feed/"]  # the only feed there is
    assert feeds_of_listing("https://news.example/ar/news", ["https://news.example/ar/rss.xml",
                                                             "https://news.example/en/rss.xml"]) == \
        ["https://news.example/ar/rss.xml"]  # its language's
    assert feeds_of_listing("https://news.example/?s=gas", ["https://news.example/?s=gas&feed=rss2",
                                                             "https://news.example/feed/"]) == \
        ["https://news.example/?s=gas&feed=rss2"]
    assert feeds_of_listing(base, ["https://other.example/category/world/feed/"]) == []


def test_url_shapes_tell_articles_from_other_pages() -> None:
    assert [segment_class(s) for s in ("2025", "14", "some-slug", "news", "story-1.html", "a1b2")] == \
        ["Y", "N", "S", "W", "S.html", "S"]
    shapes = UrlShapes()
    for url in ("https://n.example/politics/gas-prices-rise/", "https://n.example/economy/new-bank-opens/",
                "https://n.example/world/summit-ends/", "https://n.example/2025/03/14/talks-resume/"):
        shapes.learn(url)
    assert shapes.matches("https://n.example/sport/cup-final-tonight/")  # sections: any word, learned
    assert shapes.matches("https://n.example/2024/11/02/old-story/")
    assert not shapes.matches("https://n.example/about/")
    assert not shapes.matches("https://n.example/tag/gas/")  # one word where a slug goes
    assert not shapes.matches("https://other.example/politics/gas-prices-rise/")
    category = UrlShapes()
    category.learn("https://n.example/news/123-first-story")
    category.learn("https://n.example/news/124-second-story")
    assert category.matches("https://n.example/news/999-later-story")
    assert not category.matches("https://n.example/tag/some-tag")  # the word is kept


def _doc(body: str, head: str = "") -> bytes:
    return f"<!doctype html><html lang='en'><head><title>Example News</title>{head}</head>" \
           f"<body><nav><a href='/'>Home</a> <a href='/about/'>About</a> <a href='/tag/gas/'>Gas</a></nav>" \
           f"{body}<footer><a href='/contact/'>Contact</a></footer></body></html>".encode()


WORDS = ("river", "market", "council", "harvest", "railway", "school", "museum", "bridge", "festival",
         "airport", "hospital", "factory")


def _article(n: int, title: str) -> tuple[int, dict[str, str], bytes]:
    a, b, c = (WORDS[(n * k) % len(WORDS)] for k in (1, 5, 7))
    body = (f"<article><h1>{title}</h1><time datetime='2026-11-{n:02d}T08:00:00+05:00'>{n} November 2026</time>"
            f"<p>The {a} near the {b} was in the news on day {n}, officials in the capital said.</p>"
            f"<p>Work on the {c} is to go on until the spring, when the {a} opens again.</p></article>")
    return 200, HTML, _doc(body)


def serve_site(static_site: Any, *, feeds: bool = True) -> dict[str, str]:
    """A news site: a two-page listing with 6 articles, a feed with 2 more, a sitemap with
    2 more beside tag, author and static pages. Returns {article URL: title}."""
    pages, url = static_site.pages, static_site.url
    titles = {f"story-number-{n}": f"Story number {n} in the news" for n in range(1, 11)}
    slugs = list(titles)
    head = ("<link rel='alternate' type='application/rss+xml' title='Example &raquo; Feed' href='/feed/'>"
            "<link rel='alternate' type='application/rss+xml' title='Example &raquo; Comments' "
            "href='/comments/feed/'>") if feeds else ""

    def teasers(chosen: list[str]) -> str:
        return "".join(f"<div class='card'><h2><a href='/world/{s}/'>{titles[s]}</a></h2>"
                       f"<p>A short summary of {titles[s].lower()}.</p></div>" for s in chosen)

    pages["/world/"] = (200, HTML, _doc(teasers(slugs[:3]) + "<a rel='next' href='/world/page/2/'>Next</a>", head))
    pages["/world/page/2/"] = (200, HTML, _doc(teasers(slugs[3:6])))
    items = "".join(f"<item><title>{titles[s]}</title><link>{url}/world/{s}/</link>"
                    f"<pubDate>Tue, 10 Nov 2026 08:00:00 +0000</pubDate></item>" for s in slugs[:8])
    pages["/feed/"] = (200, RSS, f"<?xml version='1.0'?><rss version='2.0'><channel><title>Example</title>"
                                 f"<link>{url}/</link>{items}</channel></rss>".encode())
    pages["/comments/feed/"] = (200, RSS, b"<?xml version='1.0'?><rss version='2.0'><channel>"
                                          b"<title>Comments</title><item><title>A comment</title>"
                                          b"<link>http://127.0.0.1/never/</link></item></channel></rss>")
    locs = [f"{url}/world/{s}/" for s in slugs] + [f"{url}/tag/gas/", f"{url}/author/ann/", f"{url}/about/"]
    pages["/sitemap.xml"] = (200, XML, ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/"
                                        "sitemap/0.9'>" + "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
                                        + "</urlset>").encode())
    pages["/robots.txt"] = (200, TEXT, f"User-agent: *\nDisallow:\n\nSitemap: {url}/sitemap.xml\n".encode())
    for path in ("/tag/gas/", "/author/ann/", "/about/", "/contact/", "/"):
        pages[path] = (200, HTML, _doc("<h1>Not an article</h1><p>Links and nothing else here.</p>"))
    for n, s in enumerate(slugs, 1):
        pages[f"/world/{s}/"] = _article(n, titles[s])
    return {f"{url}/world/{s}/": titles[s] for s in slugs}


def crawl_url(url: str, out: Path, *args: str) -> Any:
    return run_cli("crawl", url, "--out", str(out), "--log-level", "INFO", *args)


def test_crawl_url_reads_the_advertised_feed_and_the_sitemap(static_site: Any, tmp_path: Path) -> None:
    articles = serve_site(static_site)
    result = crawl_url(static_site.url + "/world/", tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    items = read_jsonl(tmp_path / "out" / "items.jsonl")
    assert {i["url"]: i["title"] for i in items} == articles  # every article, nothing else
    assert all(i["fetch_error"] is None and i["body"] for i in items)
    # no timezone given: the offset the page states is kept (not moved to UTC)
    assert all(i["published"].endswith("T08:00:00+05:00") for i in items), [i["published"] for i in items]
    assert "sources:        listing: 2 page(s), 6 teaser(s); feed: 1 page(s), 8 teaser(s); " \
           "sitemap: 1 page(s), 10 teaser(s)" in result.stdout
    assert "Reading the feed(s)" in result.stderr and "/comments/feed/" not in result.stderr.split("Reading")[1][:200]
    assert "3 of 13 entries of sitemap" in result.stderr  # tag, author, about: counted, logged
    stats = read_jsonl(tmp_path / "out" / "runs.jsonl")[-1]["stats"]
    assert stats["newsarchive/sitemap/entries_not_articles"] == 3
    assert stats["newsarchive/discovery/feeds_used"] == 1

    replayed = tmp_path / "replayed.jsonl"
    replay = run_cli("replay", str(tmp_path / "out"), "--spider", "url", "-a", f"url={static_site.url}/world/",
                     "-o", str(replayed))
    assert replay.returncode == 0, replay.stdout + replay.stderr[-3000:]
    assert replayed.read_bytes() == (tmp_path / "out" / "items.jsonl").read_bytes()


def test_feeds_and_sitemaps_can_be_left_out(static_site: Any, tmp_path: Path) -> None:
    articles = serve_site(static_site)
    result = crawl_url(static_site.url + "/world/", tmp_path / "out", "-a", "feeds=false", "-a", "sitemaps=false")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    items = read_jsonl(tmp_path / "out" / "items.jsonl")
    assert {i["url"] for i in items} == set(list(articles)[:6])
    assert "feed:" not in result.stdout and "sitemap:" not in result.stdout


def test_a_site_without_robots_txt_is_no_failure(static_site: Any, tmp_path: Path) -> None:
    articles = serve_site(static_site)
    del static_site.pages["/robots.txt"]  # 404
    result = crawl_url(static_site.url + "/world/", tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "outcome:        finished" in result.stdout
    assert {i["url"] for i in read_jsonl(tmp_path / "out" / "items.jsonl")} == set(list(articles)[:8])  # + feed
    assert "robots.txt does not exist (http_404): no sitemaps from it" in result.stderr
