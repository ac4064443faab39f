"""The sample site itself, over real HTTP: pagination, determinism, edge cases, scale.

Expectations come from the documented contract (EDGE_CASES.md, the ``i % 4`` date forms,
the ``i % 6`` sections) or are recomputed independently (search by brute force, dates by
summing gaps), so a regression in ``SiteContent`` cannot silently agree with itself.
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from parsel import Selector

from newsarchive.sample_site import (
    EDGE,
    ArticleSpec,
    EdgeCases,
    SampleSite,
    SiteContent,
    generator,
    run_sample_site_process,
)
from newsarchive.sample_site.content import LEAKED_TICKER_PREFIX

ARTICLES = 60
TICKER = [
    "• KGS/USD = 0.01143 -0%",
    "• KZT/USD = 0.00198 -0%",
    "• TJS/USD = 0.10899 0.93%",
    "• UZS/USD = 0.00008 0%",
    "• TMT/USD = 0.28490 -0.28%",
]
SEED_TITLES = {
    "Kazakhstan Proposes Cash Rewards for Citizens Who Report Drug Crimes",
    "Twelve Years On, Tajikistan’s Police Reform Struggles to Deliver Real Change",
    "Kazakhstan Launches Sweeping Reform of Law Enforcement System",
    "Artificial Intelligence to Assist Criminal Investigations in Kazakhstan",
}
REPO_ROOT = Path(__file__).resolve().parent.parent


class Fetched:
    """One raw HTTP exchange: nothing followed, nothing decoded."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def html(self) -> Selector:
        charset = self.headers.get_content_charset() or "utf-8"
        return Selector(text=self.body.decode(charset))


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Fetched:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, target or "/", headers=headers or {})
        response = conn.getresponse()
        return Fetched(response.status, response.headers, response.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    with SampleSite(articles=ARTICLES) as running:
        yield running


def teaser_ids(page: Selector) -> list[int]:
    return [
        int(re.search(r"post-(\d+)", c)[1])
        for c in page.css("article.teaser::attr(class)").getall()
    ]


# -- chrome and headers ----------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/latest/", "/latest/page/3/", "/category/tech/", "ARTICLE", "/nowhere/"]
)
def test_every_page_carries_the_chrome(site: SampleSite, path: str) -> None:
    url = site.content.article(1).url(site.url) if path == "ARTICLE" else site.url_for(path)
    got = fetch(url)
    assert got.body.startswith(b"<!DOCTYPE html>")
    page = got.html
    assert page.css("html::attr(lang)").get() == "en-US"
    assert page.css("meta[charset]::attr(charset)").get() == "UTF-8"
    assert page.css("title::text").get()
    items = [
        " ".join(i.css("::text").getall()).replace("  ", " ").strip()
        for i in page.css(".ticker-item")
    ]
    assert items == TICKER * 8
    assert page.css(".site-header .header-date::text").get() == "07 December 2025"
    nav = page.css(".main-navigation a::attr(href)").getall()
    assert nav[0] == f"{site.url}/latest/" and len(nav) == 7
    assert all(link.startswith(site.url + "/category/") for link in nav[1:])
    assert page.css("form.search-form::attr(action)").get() == site.url + "/"
    assert page.css("form.search-form input[name=s]")
    footer = " ".join(page.css("footer ::text").getall())
    assert "Share" in footer and "Subscribe to our newsletter" in footer and "©" in footer


def test_response_headers(site: SampleSite) -> None:
    for url in (
        site.url_for("/latest/"),
        site.content.article(0).url(site.url),
        site.url_for("/x/"),
        site.url_for("/robots.txt"),
    ):
        got = fetch(url)
        assert got.headers["Server"] == "nginx"
        assert parsedate_to_datetime(got.headers["Date"]).tzinfo is not None
        assert "charset=" in got.headers["Content-Type"]
        assert int(got.headers["Content-Length"]) == len(got.body)


def test_links_come_from_the_server_not_the_host_header(site: SampleSite) -> None:
    got = fetch(site.url_for("/latest/"), headers={"Host": "www.timesca.com"})
    hrefs = got.html.css("h2.teaser-title a::attr(href)").getall()
    assert hrefs and all(h.startswith(site.url + "/") for h in hrefs)


def test_head_has_the_headers_without_a_body(site: SampleSite) -> None:
    url = site.content.article(0).url(site.url)
    get, head = fetch(url), fetch(url, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


def test_hits_count_every_request_target(site: SampleSite) -> None:
    before = site.hits["/category/economy/page/2/"]
    fetch(site.url_for("/category/economy/page/2/"))
    fetch(site.url_for("/category/economy/page/2/"))
    assert site.hits["/category/economy/page/2/"] == before + 2


# -- listings ----------------------------------------------------------------------


def walk(site: SampleSite, start: str) -> list[Selector]:
    """Follow ``a.next`` from ``start`` until the last page."""
    pages, url = [], site.url_for(start)
    while url:
        got = fetch(url)
        assert got.status == 200, url
        pages.append(got.html)
        url = got.html.css("a.next::attr(href)").get()
    return pages


def test_latest_pagination_covers_every_article_newest_first(site: SampleSite) -> None:
    pages = walk(site, "/latest/")
    assert len(pages) == 6
    for number, page in enumerate(pages, start=1):
        first, last = (number - 1) * 10 + 1, number * 10
        assert (
            page.css(".results-count::text").get()
            == f"Viewing results {first} - {last} of {ARTICLES}"
        )
        current = page.css(".pagination .current::text").get()
        assert current == str(number)
    ids = [i for page in pages for i in teaser_ids(page)]
    assert ids == sorted(ids) and set(ids) == set(range(ARTICLES))
    assert len(ids) == ARTICLES + 1  # the documented duplicate on page 2
    assert not pages[-1].css("a.next")
    assert fetch(site.url_for("/latest/page/7/")).status == 404


def test_teasers_follow_the_contract(site: SampleSite) -> None:
    page = fetch(site.url_for("/latest/")).html
    for teaser in page.css("article.teaser"):
        spec = site.content.article(int(re.search(r"post-(\d+)", teaser.attrib["class"])[1]))
        href = teaser.css("h2.teaser-title a::attr(href)").get()
        assert href == teaser.css("a.read-more::attr(href)").get() == spec.teaser_url(site.url)
        assert teaser.css("h2.teaser-title a::text").get() == spec.title
        assert teaser.css(".teaser-date::text").get() == spec.published.strftime(
            "%d "
        ) + spec.published.strftime("%B %Y")
        assert teaser.css(".teaser-section::text").get() == spec.section
        summary = teaser.css(".teaser-summary::text").get()
        words = spec.summary.split()
        if len(words) > 40:
            assert summary == " ".join(words[:40]) + "..."
        else:
            assert summary == spec.summary


def test_page_one_and_missing_slash_redirect(site: SampleSite) -> None:
    for path, target in (
        ("/latest/page/1/", "/latest/"),
        ("/tag/energy/page/1/", "/tag/energy/"),
        ("/latest", "/latest/"),
        ("/" + site.content.article(4).slug, site.content.article(4).path),
    ):
        got = fetch(site.url_for(path))
        assert (got.status, got.headers["Location"]) == (301, site.url_for(target)), path


def test_home_is_latest_page_one_without_cookies(site: SampleSite) -> None:
    home, latest = fetch(site.url_for("/")), fetch(site.url_for("/latest/"))
    assert teaser_ids(home.html) == teaser_ids(latest.html) == list(range(10))
    assert home.html.css("title::text").get().startswith("Home")
    assert home.headers.get_all("Set-Cookie") is None
    assert home.html.css("a.next::attr(href)").get() == site.url_for("/latest/page/2/")


def test_category_listing_is_every_sixth_article(site: SampleSite) -> None:
    ids = [i for page in walk(site, "/category/tech/") for i in teaser_ids(page)]
    assert ids == list(range(4, ARTICLES, 6))
    first = fetch(site.url_for("/category/tech/")).html
    assert first.css("h1.page-title::text").get() == "Tech"
    assert first.css(".results-count::text").get() == "Viewing results 1 - 10 of 10"


def test_tag_listings_match_the_articles_tags(site: SampleSite) -> None:
    specs = [site.content.article(i) for i in range(ARTICLES)]
    for slug in ("kyrgyzstan", specs[1].tag_slugs[-1], "law-enforcement"):
        expected = [s.index for s in specs if slug in s.tag_slugs]
        ids = [i for page in walk(site, f"/tag/{slug}/") for i in teaser_ids(page)]
        assert ids == expected and expected, slug
    assert [i for page in walk(site, "/tag/kyrgyzstan/") for i in teaser_ids(page)] == list(
        range(1, ARTICLES, 5)
    )


def test_search_matches_title_words_case_insensitively(site: SampleSite) -> None:
    titles = [site.content.title(i) for i in range(ARTICLES)]
    for query in ("kazakhstan", "REFORM", "law enforcement"):
        words = query.lower().split()
        expected = [
            i
            for i, t in enumerate(titles)
            if all(w in re.findall(r"\w+", t.lower()) for w in words)
        ]
        pages = walk(site, f"/?s={query.replace(' ', '+')}")
        assert [i for p in pages for i in teaser_ids(p)] == expected and expected, query
        assert pages[0].css("h1.page-title::text").get() == f"Search Results for: {query}"
        assert pages[0].css(".results-count::text").get().endswith(f"of {len(expected)}")
    nothing = fetch(site.url_for("/?s=zzzqqq"))
    assert nothing.status == 200 and "Nothing Found" in nothing.body.decode()
    assert fetch(site.url_for("/?s=zzzqqq&paged=2")).status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/category/sport/",
        "/tag/atlantis/",
        "/author/nobody/",
        "/no-such-article/",
        "/latest/page/0/",
        "/category/tech/page/3/",
        "/wp-admin/",
    ],
)
def test_unknown_pages_are_404_html(site: SampleSite, path: str) -> None:
    got = fetch(site.url_for(path))
    assert got.status == 404
    assert got.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert got.html.css("h1::text").get()


def test_robots_and_sitemap(site: SampleSite) -> None:
    robots = fetch(site.url_for("/robots.txt")).body.decode()
    assert "User-agent: *" in robots and f"Sitemap: {site.url}/wp-sitemap.xml" in robots
    index = Selector(text=fetch(site.url_for("/wp-sitemap.xml")).body.decode(), type="xml")
    index.remove_namespaces()
    (page_url,) = index.css("loc::text").getall()
    urls = Selector(text=fetch(page_url).body.decode(), type="xml")
    urls.remove_namespaces()
    assert urls.css("loc::text").getall() == [
        site.content.article(i).url(site.url) for i in range(ARTICLES)
    ]


# -- article pages -----------------------------------------------------------------


def test_article_pages_match_their_specs(site: SampleSite) -> None:
    for i in range(ARTICLES):
        spec = site.content.article(i)
        if spec.edge == "broken":
            continue
        got = fetch(spec.url(site.url))
        assert got.status == 200, i
        page = got.html
        assert page.css("h1.entry-title::text").get() == spec.title
        assert page.css('meta[property="og:title"]::attr(content)').get() == spec.title
        assert page.css('link[rel="canonical"]::attr(href)').get() == spec.url(site.url)
        assert tuple(page.css(".byline a.author::text").getall()) == spec.authors
        paragraphs = page.css(".entry-content p").xpath("string()").getall()
        assert tuple(p.strip() for p in paragraphs) == spec.paragraphs
        assert 4 <= len(spec.paragraphs) <= 10 and spec.summary == spec.paragraphs[0]
        assert tuple(page.css('.tags-links a[rel="tag"]::text').getall()) == spec.tags
        assert (
            spec.tags[0]
            == ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan", "Turkmenistan"][i % 5]
        )
        assert page.css(".cat-links a::text").get() == spec.section
        assert (
            spec.section_slug
            == ["politics", "economy", "society", "security", "tech", "culture"][i % 6]
        )


def date_signals(page: Selector) -> dict[str, str | None]:
    ld = page.css('script[type="application/ld+json"]::text').get()
    return {
        "time": page.css("time.entry-date.published::attr(datetime)").get(),
        "meta": page.css('meta[property="article:published_time"]::attr(content)').get(),
        "jsonld": json.loads(ld)["datePublished"] if ld else None,
        "visible": " ".join(page.css(".posted-on ::text").getall()).strip() or None,
    }


def test_date_forms_vary_by_index_as_documented(site: SampleSite) -> None:
    first = datetime.fromisoformat("2025-12-07T10:30:00+05:00")
    assert site.content.article(0).published == first
    for i in (0, 1, 2, 3, 4, 6, 10, 15):
        spec = site.content.article(i)
        iso = spec.published.isoformat()
        assert iso.endswith("+05:00") and spec.published_iso == iso
        signals = date_signals(fetch(spec.url(site.url)).html)
        day = f"{spec.published.day:02d} {spec.published:%B} {spec.published.year}"
        expected = [
            {"time": iso, "meta": iso, "jsonld": iso, "visible": day},
            {"time": None, "meta": None, "jsonld": iso, "visible": day},
            {"time": None, "meta": iso, "jsonld": None, "visible": day},
            {
                "time": None,
                "meta": None,
                "jsonld": None,
                "visible": f"{spec.published:%B} {spec.published.day}, {spec.published:%Y %H:%M}",
            },
        ][i % 4]
        assert signals == expected, i
        assert spec.visible_date == expected["visible"]


def test_publication_times_step_back_3_to_14_hours() -> None:
    content = SiteContent(articles=100_000)
    previous = content.published(0)
    total = timedelta()
    for i in range(1, 2500):  # crosses the gap table's period
        current = content.published(i)
        gap = previous - current
        assert timedelta(hours=3) <= gap <= timedelta(hours=14), i
        total += gap
        previous = current
    assert content.published(0) - total == content.published(2499)
    assert content.published(99_999) < content.published(99_998)


def test_titles_and_slugs_are_unique_and_wordpress_shaped() -> None:
    content = SiteContent(articles=100_000)
    titles = [content.title(i) for i in range(100_000)]
    assert len(set(titles)) == len(titles)
    assert set(titles[:20]) >= SEED_TITLES
    slugs = [content.slug(i) for i in range(0, 100_000, 97)]
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)
    spec = content.article_by_slug(content.slug(99_999))
    assert spec is not None and spec.index == 99_999
    assert content.article_by_slug("no-such-slug") is None


# -- edge cases (EDGE_CASES.md) ------------------------------------------------------


def edge(site: SampleSite, name: str) -> ArticleSpec:
    spec = site.content.article(getattr(EDGE, name))
    assert spec.edge == name
    return spec


def test_gzip_article_is_negotiated(site: SampleSite) -> None:
    url = edge(site, "gzip").url(site.url)
    zipped = fetch(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Vary"] == "Accept-Encoding"
    plain = fetch(url)
    assert plain.headers["Content-Encoding"] is None and plain.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(zipped.body) == plain.body
    assert (
        fetch(url, headers={"Accept-Encoding": "gzip;q=0, identity"}).headers["Content-Encoding"]
        is None
    )
    other = fetch(site.content.article(0).url(site.url), headers={"Accept-Encoding": "gzip"})
    assert other.headers["Content-Encoding"] is None


def raw_get(site: SampleSite, path: str) -> tuple[str, bytes]:
    """GET over a bare socket so the chunked framing stays visible."""
    host, port = urlsplit(site.url).hostname, urlsplit(site.url).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


def test_chunked_article_uses_several_real_chunks(site: SampleSite) -> None:
    spec = edge(site, "chunked")
    head, framed = raw_get(site, spec.path)
    assert "Transfer-Encoding: chunked" in head and "Content-Length" not in head
    sizes, body, rest = [], b"", framed
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        sizes.append(size)
        body, rest = body + rest[:size], rest[size + 2 :]
    assert len(sizes) >= 3
    assert body == fetch(spec.url(site.url)).body  # http.client de-chunks
    assert Selector(text=body.decode()).css("h1.entry-title::text").get() == spec.title


def test_legacy_joomla_url_redirects_permanently(site: SampleSite) -> None:
    spec = edge(site, "redirect")
    listing = fetch(site.url_for("/latest/")).html
    href = listing.css(f"article.post-{spec.index} h2.teaser-title a::attr(href)").get()
    assert href == f"{site.url}/index.php/news/{10000 + spec.index}-{spec.slug}"
    moved = fetch(href)
    assert moved.status == 301 and moved.headers["Location"] == spec.url(site.url)
    assert fetch(moved.headers["Location"]).status == 200
    other = fetch(site.url_for(f"/index.php/news/{10000 + 4}-whatever"))
    assert other.headers["Location"] == site.content.article(4).url(site.url)
    assert fetch(site.url_for(f"/index.php/news/{10000 + ARTICLES}-gone")).status == 404


def test_broken_article_is_listed_but_404(site: SampleSite) -> None:
    spec = edge(site, "broken")
    teaser = fetch(site.url_for("/latest/")).html.css(f"article.post-{spec.index}")
    assert teaser.css("h2.teaser-title a::text").get() == spec.title
    assert teaser.css(".teaser-date::text").get() == spec.listing_date
    assert teaser.css(".teaser-summary::text").get() == spec.teaser_summary
    assert fetch(spec.url(site.url)).status == 404


def test_russian_article_is_windows_1251(site: SampleSite) -> None:
    spec = edge(site, "cp1251")
    got = fetch(spec.url(site.url))
    assert got.headers["Content-Type"] == "text/html; charset=windows-1251"
    with pytest.raises(UnicodeDecodeError):
        got.body.decode("utf-8")
    page = Selector(text=got.body.decode("cp1251"))
    assert page.css("html::attr(lang)").get() == "ru-RU"
    assert page.css("meta[charset]::attr(charset)").get() == "windows-1251"
    assert (
        re.search("[А-Яа-я]", spec.title) and page.css("h1.entry-title::text").get() == spec.title
    )
    assert tuple(page.css(".entry-content p::text").getall()) == spec.paragraphs
    months = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ]
    visible = f"{spec.published.day} {months[spec.published.month - 1]} {spec.published:%Y %H:%M}"
    assert page.css(".posted-on::text").get() == visible == spec.visible_date
    assert spec.language == "ru"
    listing = fetch(site.url_for("/latest/page/2/"))
    assert "charset=UTF-8" in listing.headers["Content-Type"]
    assert listing.html.css(f"article.post-{spec.index} h2 a::text").get() == spec.title


def test_undated_article_carries_no_date(site: SampleSite) -> None:
    spec = edge(site, "undated")
    page = fetch(spec.url(site.url)).html
    assert date_signals(page) == {"time": None, "meta": None, "jsonld": None, "visible": None}
    assert not page.css("time, .posted-on")
    assert spec.published_iso is None and spec.visible_date is None
    teaser = fetch(site.url_for("/latest/page/2/")).html.css(f"article.post-{spec.index}")
    assert teaser and not teaser.css(".teaser-date")


def test_duplicate_teaser_between_latest_pages(site: SampleSite) -> None:
    first = teaser_ids(fetch(site.url_for("/latest/")).html)
    second_page = fetch(site.url_for("/latest/page/2/")).html
    second = teaser_ids(second_page)
    assert second[0] == first[-1] and second[1:] == list(range(10, 20))
    assert second_page.css(".results-count::text").get() == f"Viewing results 11 - 20 of {ARTICLES}"
    assert teaser_ids(fetch(site.url_for("/tag/kazakhstan/page/2/")).html) == [
        50,
        55,
    ]  # only /latest/


def test_two_cookies_on_latest(site: SampleSite) -> None:
    cookies = fetch(site.url_for("/latest/")).headers.get_all("Set-Cookie")
    assert len(cookies) == 2
    assert cookies[0].startswith("wp_session=") and cookies[1].startswith("pll_language=en;")
    assert fetch(site.url_for("/latest/page/2/")).headers.get_all("Set-Cookie") is None


def test_leaked_ticker_only_in_the_teaser(site: SampleSite) -> None:
    spec = edge(site, "leaked_ticker")
    teaser = fetch(site.url_for("/latest/page/2/")).html.css(f"article.post-{spec.index}")
    summary = teaser.css(".teaser-summary::text").get()
    assert (
        summary.startswith("• KZT/USD = 0.00198 -0% ")
        and summary == LEAKED_TICKER_PREFIX + summary[len(LEAKED_TICKER_PREFIX) :]
    )
    page = fetch(spec.url(site.url)).html
    outside_ticker = " ".join(page.xpath("//body//text()[not(ancestor::marquee)]").getall())
    assert "KZT/USD" not in outside_ticker
    assert "KZT/USD" not in page.css('meta[name="description"]::attr(content)').get()


def test_malformed_article_still_parses(site: SampleSite) -> None:
    spec = edge(site, "malformed")
    got = fetch(spec.url(site.url))
    content = got.body.decode().split('<div class="entry-content">')[1].split("</div>")[0]
    assert "</p>" not in content and "</span>" in content
    assert got.body.count(b"<div") > got.body.count(b"</div>")
    page = got.html
    assert (
        tuple(p.strip() for p in page.css(".entry-content p").xpath("string()").getall())
        == spec.paragraphs
    )
    assert tuple(page.css('.tags-links a[rel="tag"]::text').getall()) == spec.tags


def test_edge_cases_can_be_switched_off() -> None:
    content = SiteContent(articles=ARTICLES, edges=EdgeCases.none())
    assert all(content.article(i).edge is None for i in range(ARTICLES))
    assert content.listing("latest", None, 2).ids == tuple(range(10, 20))
    assert SiteContent(articles=5).article(4).edge is None  # default indices past the end


# -- determinism, processes, scale ----------------------------------------------------

PAGES = [
    "/",
    "/latest/page/2/",
    "/category/culture/",
    "/tag/energy/",
    "/?s=kazakhstan",
    "ARTICLE:0",
    "ARTICLE:2",
    "ARTICLE:11",
    "ARTICLE:19",
]


def snapshot(base: str, content: SiteContent, placeholder: bool = False) -> list[bytes]:
    """Bodies of PAGES; with ``placeholder`` the (possibly URL-quoted) base becomes BASE."""
    bodies = []
    for path in PAGES:
        if path.startswith("ARTICLE:"):
            path = content.article(int(path.split(":")[1])).path
        body = fetch(base + path).body
        if placeholder:
            for form in (base, quote(base, safe="")):
                body = body.replace(form.encode(), b"BASE")
        bodies.append(body)
    return bodies


def test_same_seed_same_bytes_different_seed_different_bytes() -> None:
    with SampleSite(articles=ARTICLES) as first:
        port = urlsplit(first.url).port
        before = snapshot(first.url, first.content)
    with SampleSite(articles=ARTICLES, port=port) as again:
        assert snapshot(again.url, again.content) == before
    with SampleSite(articles=ARTICLES, seed=7, port=port) as other:
        after = snapshot(other.url, other.content)
    assert all(a != b for a, b in zip(before, after, strict=True))


def test_subprocess_serves_the_same_site(site: SampleSite) -> None:
    with run_sample_site_process(articles=ARTICLES) as url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert snapshot(url, site.content, placeholder=True) == snapshot(
            site.url, site.content, placeholder=True
        )
    with pytest.raises(OSError):
        fetch(url + "/")


def test_main_prints_url_and_stops_on_sigterm() -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.sample_site", "--articles", "20"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        line = child.stdout.readline()
        assert re.fullmatch(r"SAMPLE_SITE_URL http://127\.0\.0\.1:\d+\n", line)
        assert fetch(line.split()[1] + "/latest/").status == 200
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=10) == 0
        assert child.stdout.read() == ""  # exactly one line
    finally:
        child.kill()
        child.stdout.close()


def test_100k_articles_are_served_on_demand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bodies_written: list[int] = []
    real_paragraphs = generator.paragraphs

    def counting(seed: int, i: int, head: generator.Headline) -> list[str]:
        bodies_written.append(i)
        return real_paragraphs(seed, i, head)

    monkeypatch.setattr(generator, "paragraphs", counting)
    with SampleSite(articles=100_000) as big:
        page = fetch(big.url_for("/latest/page/5000/"))
        assert page.status == 200
        assert (
            page.html.css(".results-count::text").get() == "Viewing results 49991 - 50000 of 100000"
        )
        assert teaser_ids(page.html) == list(range(49_990, 50_000))
        assert page.html.css("a.next::attr(href)").get() == big.url_for("/latest/page/5001/")
        spec = big.content.article(99_999)
        article = fetch(spec.url(big.url))
        assert article.html.css("h1.entry-title::text").get() == spec.title
        assert not fetch(big.url_for("/latest/page/10000/")).html.css("a.next")
        # on demand: only the articles on the pages served were ever generated
        assert len(bodies_written) <= 30 and 99_999 in bodies_written
    assert list(tmp_path.iterdir()) == []


def test_latency_delays_every_response_like_a_remote_server() -> None:
    import threading
    import time

    with SampleSite(articles=20, latency=0.2) as slow:
        started = time.monotonic()
        assert fetch(slow.url + "/latest/").status == 200
        assert time.monotonic() - started >= 0.2
        # connections wait side by side, as behind a real server's workers
        threads = [threading.Thread(target=fetch, args=(slow.url + f"/latest/page/{n}/",)) for n in (1, 2)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert 0.2 <= time.monotonic() - started < 0.39
    with pytest.raises(ValueError, match="latency"):
        SampleSite(latency=-1)
