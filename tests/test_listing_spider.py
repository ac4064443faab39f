"""End-to-end crawls of the offline sample site, in-process (real HTTP on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_twisted

from newsarchive.sample_site.content import EDGE, TEASER_WORDS
from newsarchive.spiders.listing import SiteFileSpider
from newsarchive.spiders.timesca import TimescaSpider

SITES = Path(__file__).parent / "sites"


def clean(text: str) -> str:
    """Ground truth as items carry it: no-break spaces become plain spaces."""
    return text.replace("\xa0", " ")


def teaser_summary(spec) -> str:
    """The teaser text an item keeps: the listing's cut, without the cut marker."""
    words = spec.summary.split()
    return clean(" ".join(words[:TEASER_WORDS]))


def expected_urls(site) -> set[str]:
    return {site.content.article(i).url(site.url) for i in range(len(site.content))}


@pytest_twisted.ensureDeferred
async def test_every_article_found_exactly_once(sample_site, crawl) -> None:
    before = dict(sample_site.hits)
    out = await crawl(TimescaSpider, base_url=sample_site.url)
    urls = [item["url"] for item in out.items]
    assert len(urls) == len(set(urls)), "an article came out twice"
    assert set(urls) == expected_urls(sample_site)
    # pagination complete: every /latest/ page fetched, nothing beyond the last
    pages = sample_site.content.listing("latest").pages
    for page in range(2, pages + 1):
        assert sample_site.hits[f"/latest/page/{page}/"] - before.get(f"/latest/page/{page}/", 0) == 1
    assert sample_site.hits[f"/latest/page/{pages + 1}/"] == before.get(f"/latest/page/{pages + 1}/", 0)
    # then the same listing's feed, walked to its end (a first run): its articles were all
    # found by the listing already, so none is requested again
    assert out.stats["newsarchive/feed/pages"] == pages
    assert out.stats["newsarchive/listing/pages"] == 2 * pages  # listing pages and feed pages
    for page in range(2, pages + 2):  # the page after the last answers 404: the feed's end
        assert sample_site.hits[f"/feed/?paged={page}"] - before.get(f"/feed/?paged={page}", 0) == 1
    assert out.stats["newsarchive/feed/paging_end"] == 1
    assert not any(key.startswith("newsarchive/listing/failed/") for key in out.stats)


@pytest_twisted.ensureDeferred
async def test_known_fields_of_known_articles(sample_site, crawl) -> None:
    out = await crawl(TimescaSpider, base_url=sample_site.url)
    items = out.by_url()
    for index in (0, 1, 4, 6, 8):  # every date form (index % 4), two sections
        spec = sample_site.content.article(index)
        item = items[spec.url(sample_site.url)]
        assert item["title"] == clean(spec.title)
        assert item["body"] == clean(spec.body)
        assert item["authors"] == list(spec.authors)
        assert item["tags"] == list(spec.tags)
        assert item["section"] == spec.section
        assert item["published"] == spec.published_iso, (index, spec.date_forms)
        assert item["language"] == "en"
        assert item["site"] == "timesca"
        assert item["listing_url"].startswith(f"{sample_site.url}/latest/")
        assert item["crawled_at"]
        assert item["summary"] == teaser_summary(spec)
        assert item["summary_truncated"] is spec.summary_truncated


@pytest_twisted.ensureDeferred
async def test_items_come_out_clean(sample_site, crawl) -> None:
    out = await crawl(TimescaSpider, base_url=sample_site.url)
    leaked = sample_site.content.article(EDGE.leaked_ticker)
    assert out.by_url()[leaked.url(sample_site.url)]["summary"] == teaser_summary(leaked)
    for item in out.items:
        text = " ".join(str(item[f] or "") for f in ("title", "summary", "body"))
        for junk in ("USD =", "Viewing results", "Read more", "07 December 2025\n", "\xa0", "&amp;"):
            assert junk not in text, (item["url"], junk)


@pytest_twisted.ensureDeferred
async def test_edge_cases_handled_as_documented(sample_site, crawl) -> None:
    out = await crawl(TimescaSpider, base_url=sample_site.url)
    items = out.by_url()
    content, base = sample_site.content, sample_site.url

    for name in ("gzip", "chunked", "malformed"):
        spec = content.article(getattr(EDGE, name))
        assert items[spec.url(base)]["body"] == clean(spec.body), name

    moved = content.article(EDGE.redirect)  # teaser links to /index.php/news/...: item has the final URL
    assert items[moved.url(base)]["title"] == moved.title
    assert out.stats["downloader/response_status_count/301"] >= 1

    broken = content.article(EDGE.broken)  # 404 page: the teaser is kept, the failure counted
    item = items[broken.url(base)]
    assert item["title"] == broken.title and item["body"] is None
    assert out.stats["newsarchive/article/failed/http_404"] == 1

    russian = content.article(EDGE.cp1251)
    item = items[russian.url(base)]
    assert item["title"] == russian.title and item["body"] == clean(russian.body)
    assert item["language"] == "ru"
    assert item["published"] == russian.published_iso

    undated = content.article(EDGE.undated)
    assert items[undated.url(base)]["published"] is None


@pytest_twisted.ensureDeferred
async def test_max_pages_and_follow_false(sample_site, crawl) -> None:
    out = await crawl(TimescaSpider, base_url=sample_site.url, max_pages="2", follow="false")
    assert out.stats["newsarchive/listing/pages"] == 4  # two listing pages, two feed pages
    assert out.stats["newsarchive/feed/pages"] == 2
    first_two = {a for p in (1, 2) for a in sample_site.content.listing("latest", None, p).ids}
    expected = {sample_site.content.article(i).teaser_url(sample_site.url) for i in first_two}
    # without visiting the pages nothing tells the listing's old (redirecting) link of
    # the redirect article from the feed's canonical one: both are teasers
    expected |= {sample_site.content.article(i).url(sample_site.url) for i in first_two}
    assert {item["url"] for item in out.items} == expected
    assert all(item["body"] is None for item in out.items)  # article pages were not visited
    assert "newsarchive/articles/parsed" not in out.stats


@pytest_twisted.ensureDeferred
async def test_since_stops_pagination(sample_site, crawl) -> None:
    content = sample_site.content
    cutoff = content.article(9).published.date()  # page 1 ends on it, page 2 ends older
    out = await crawl(TimescaSpider, base_url=sample_site.url, since=cutoff.isoformat(), follow="false")
    assert content.article(19).published.date() < cutoff
    dated = [item for item in out.items if item["published"]]
    assert dated and all(item["published"][:10] >= cutoff.isoformat() for item in dated)
    assert out.stats["newsarchive/teasers/older_than_since"] >= 1
    # two listing pages, then two feed pages (the feed stops at the same cutoff)
    assert out.stats["newsarchive/listing/pages"] == 4 and out.stats["newsarchive/feed/pages"] == 2
    assert 2 < content.listing("latest").pages


@pytest_twisted.ensureDeferred
async def test_category_tag_and_search_listings(sample_site, crawl) -> None:
    content, base = sample_site.content, sample_site.url
    spec = content.article(0)
    for args, kind, key in (
        ({"category": spec.section_slug}, "category", spec.section_slug),
        ({"tag": spec.tag_slugs[0]}, "tag", spec.tag_slugs[0]),
        ({"query": spec.title.split()[0]}, "search", spec.title.split()[0]),
    ):
        out = await crawl(TimescaSpider, base_url=base, follow="false", **args)
        listing = content.listing(kind, key)
        ids = {i for p in range(1, listing.pages + 1) for i in content.listing(kind, key, p).ids}
        # the listing's teasers, and the same articles from its feed (canonical URLs: with
        # follow=false the redirect article's old link cannot be told from its new one)
        expected = {content.article(i).teaser_url(base) for i in ids} | {content.article(i).url(base) for i in ids}
        assert {item["url"] for item in out.items} == expected, args
        assert out.stats["newsarchive/feed/pages"] == listing.pages, args


@pytest_twisted.ensureDeferred
async def test_site_file_spider_matches_timesca(sample_site, crawl) -> None:
    code = await crawl(TimescaSpider, base_url=sample_site.url)
    toml = await crawl(SiteFileSpider, base_url=sample_site.url, site=str(SITES / "timesca.toml"))
    assert len(toml.items) == len(code.items)
    by_url = code.by_url()
    for item in toml.items:
        twin = by_url[item["url"]]
        for field in ("title", "body", "published", "authors", "tags", "section", "language", "summary"):
            assert item[field] == twin[field], (item["url"], field)
        assert item["site"] == "timesca-toml"


@pytest_twisted.ensureDeferred
async def test_teaser_without_url_or_title_is_counted(static_site, crawl, tmp_path) -> None:
    listing = b"""<html><body>
      <div class="t"><a href="/a/">Good one</a></div>
      <div class="t"><a>No link here</a></div>
      <div class="t"><a href="/c/"></a></div>
      <div class="t"><a href="/d/">Also good</a></div>
    </body></html>"""
    static_site.pages["/news/"] = (200, {"Content-Type": "text/html; charset=utf-8"}, listing)
    site_file = tmp_path / "static.toml"
    site_file.write_text(
        'name = "static"\n'
        f'start_urls = ["{static_site.url}/news/"]\n'
        "[listing]\n"
        'item = "div.t"\nurl = "a::attr(href)"\ntitle = "a"\nfollow = false\n'
    )
    out = await crawl(SiteFileSpider, site=str(site_file))
    assert sorted(item["title"] for item in out.items) == ["Also good", "Good one"]
    assert out.stats["newsarchive/teasers/missing_url"] == 1
    assert out.stats["newsarchive/teasers/missing_title"] == 1


@pytest_twisted.ensureDeferred
async def test_bad_input_is_counted_not_fatal(static_site, crawl, tmp_path, caplog) -> None:
    """Impossible dates, undecodable bytes and a failing listing: logged, counted, no crash."""
    listing = (
        '<html><body><div class="t"><a href="/a/">Impossible</a><span>31.02.2025</span></div>'
        '<div class="t"><a href="/b/">Broken bytes</a><span>07.12.2025</span></div></body></html>'
    ).encode()
    article_a = b"<html><body><h1>Impossible</h1><p class='c'>Text.</p><time>2025-13-45</time></body></html>"
    article_b = b"<html><body><h1>Broken bytes</h1><p class='c'>caf\xe9 \xff\xfe ok</p></body></html>"
    html = {"Content-Type": "text/html; charset=utf-8"}
    static_site.pages["/news/"] = (200, html, listing)
    static_site.pages["/a/"] = (200, html, article_a)
    static_site.pages["/b/"] = (200, html, article_b)
    static_site.pages["/down/"] = (500, html, b"<html>oops</html>")
    site_file = tmp_path / "bad.toml"
    site_file.write_text(
        'name = "bad-input"\n'
        f'start_urls = ["{static_site.url}/news/", "{static_site.url}/down/"]\n'
        "[listing]\n"
        'item = "div.t"\nurl = "a::attr(href)"\ntitle = "a"\ndate = "span"\n'
        "[article]\n"
        'title = "h1"\nbody = "p.c"\ndate = "time"\n'
    )
    out = await crawl(SiteFileSpider, site=str(site_file), settings={"RETRY_TIMES": 0})
    items = {item["title"]: item for item in out.items}
    assert items["Impossible"]["published"] is None
    assert items["Broken bytes"]["published"] == "2025-12-07T00:00:00+00:00"
    assert items["Broken bytes"]["body"].startswith("caf")  # decoded with replacement, not dropped
    assert out.stats["newsarchive/dates/unparsed"] >= 1
    assert any("31.02.2025" in r.getMessage() and "/news/" in r.getMessage() for r in caplog.records)
    assert out.stats["newsarchive/listing/failed/http_500"] == 1
    assert out.stats["finish_reason"] == "finished"
