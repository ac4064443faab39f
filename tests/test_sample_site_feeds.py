"""The sample site's WordPress-style feeds and sitemaps, over real HTTP.

Feeds are read here with lxml and the standard library, not with the crawler's feed
reader, so the site and the crawler cannot silently agree on a mistake.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote_plus, urlsplit

import pytest
from lxml import etree

from newsarchive.sample_site import EDGE, SampleSite

ARTICLES = 45  # 4 full feed pages and a short one
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "rss1": "http://purl.org/rss/1.0/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "content": "http://purl.org/rss/1.0/modules/content/",
}


def fetch(site: SampleSite, target: str) -> tuple[int, str, bytes]:
    parts = urlsplit(site.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        return response.status, response.headers.get("Content-Type", ""), response.read()
    finally:
        conn.close()


def xml(site: SampleSite, target: str) -> etree._Element:
    status, _, body = fetch(site, target)
    assert status == 200, target
    return etree.fromstring(body)


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    with SampleSite(articles=ARTICLES) as running:
        yield running


def rss_links(site: SampleSite, target: str) -> list[str]:
    return xml(site, target).xpath("/rss/channel/item/link/text()")


def urls(site: SampleSite, ids) -> list[str]:
    return [site.content.article(i).url(site.url) for i in ids]


def test_main_feed_is_the_latest_articles_paged_like_wordpress(site: SampleSite) -> None:
    status, content_type, body = fetch(site, "/feed/")
    assert status == 200 and content_type == "application/rss+xml; charset=UTF-8"
    channel = etree.fromstring(body).find("channel")
    assert channel.findtext("generator").startswith("https://wordpress.org/")
    assert channel.find("atom:link", NS).get("href") == site.url + "/feed/"
    assert channel.find("atom:link[@rel='next']", NS) is None  # WordPress links no next page
    walked = []
    for page in range(1, 6):
        walked += rss_links(site, "/feed/" if page == 1 else f"/feed/?paged={page}")
    # every article once, newest first, no duplicate teaser (that is a listing's quirk)
    assert walked == urls(site, range(ARTICLES))
    assert fetch(site, "/feed/?paged=6")[0] == 404  # past the end, as WordPress answers
    assert rss_links(site, "/feed/rss2/") == rss_links(site, "/feed/") == rss_links(site, "/?feed=rss2")
    assert rss_links(site, "/feed/?paged=1") == rss_links(site, "/feed/")


def test_rss_items_carry_the_article_metadata(site: SampleSite) -> None:
    items = xml(site, "/feed/?paged=2").findall("channel/item")
    for item in items:
        spec = site.content.article_by_slug(urlsplit(item.findtext("link")).path.strip("/"))
        assert item.findtext("title") == spec.title
        assert [c.text for c in item.findall("dc:creator", NS)] == list(spec.authors)
        assert [c.text for c in item.findall("category")] == [spec.section, *spec.tags]
        words = spec.body.split()
        assert item.findtext("description") == " ".join(words[:55]) + (" [&#8230;]" if len(words) > 55 else "")
        assert item.findtext("content:encoded", namespaces=NS).count("<p>") == len(spec.paragraphs)
        if spec.dated:
            assert parsedate_to_datetime(item.findtext("pubDate")) == spec.published
        else:  # the undated edge case has no date in its feeds either
            assert spec.index == EDGE.undated and item.find("pubDate") is None
    assert EDGE.undated in {site.content.article_by_slug(urlsplit(i.findtext("link")).path.strip("/")).index
                            for i in items}


def test_every_listing_has_its_feed(site: SampleSite) -> None:
    content = site.content
    spec = content.article(0)
    word = spec.title.split()[0]
    for kind, key, target in (
        ("category", spec.section_slug, f"/category/{spec.section_slug}/feed/"),
        ("tag", spec.tag_slugs[0], f"/tag/{spec.tag_slugs[0]}/feed/"),
        ("author", spec.author_slugs[0], f"/author/{spec.author_slugs[0]}/feed/"),
        ("search", word, f"/?s={quote_plus(word)}&feed=rss2"),
    ):
        listing = content.listing(kind, key)
        expected = [i for p in range(1, listing.pages + 1) for i in content.listing(kind, key, p).ids]
        got = []
        for page in range(1, listing.pages + 1):
            sep = "&" if "?" in target else "?"
            got += rss_links(site, target if page == 1 else f"{target}{sep}paged={page}")
        assert got == urls(site, expected), target
    assert rss_links(site, "/?s=nosuchwordanywhere&feed=rss2") == []  # an empty feed, 200
    assert fetch(site, "/?s=nosuchwordanywhere&feed=rss2&paged=2")[0] == 404
    assert fetch(site, "/category/no-such-section/feed/")[0] == 404


def test_atom_and_rss1_feeds_list_the_same_entries(site: SampleSite) -> None:
    for page in range(1, 6):
        query = "" if page == 1 else f"?paged={page}"
        rss = rss_links(site, f"/feed/{query}")
        atom = xml(site, f"/feed/atom/{query}")
        assert atom.xpath("atom:entry/atom:link[@rel='alternate']/@href", namespaces=NS) == rss
        nexts = atom.xpath("atom:link[@rel='next']/@href", namespaces=NS)  # RFC 5005
        assert nexts == ([f"{site.url}/feed/atom/?paged={page + 1}"] if page < 5 else [])
        rdf = xml(site, f"/feed/rdf/{query}")
        assert rdf.xpath("rss1:item/@rdf:about", namespaces=NS) == rss
        assert rdf.xpath("rss1:channel/rss1:items/rdf:Seq/rdf:li/@rdf:resource", namespaces=NS) == rss
    first = xml(site, "/feed/atom/").find("atom:entry", NS)
    spec = site.content.article(0)
    assert first.findtext("atom:published", namespaces=NS) == "2025-12-07T05:30:00Z"
    assert [a.findtext("atom:name", namespaces=NS) for a in first.findall("atom:author", NS)] == list(spec.authors)
    assert fetch(site, "/feed/atom/")[1] == "application/atom+xml; charset=UTF-8"
    assert fetch(site, "/feed/rdf/")[1] == "application/rdf+xml; charset=UTF-8"
    assert xml(site, "/tag/kazakhstan/feed/atom/").xpath("atom:link[@rel='self']/@href", namespaces=NS) == [
        f"{site.url}/tag/kazakhstan/feed/atom/"]


def test_google_news_sitemap_lists_the_last_two_days(site: SampleSite) -> None:
    root = xml(site, "/news-sitemap.xml")
    entries = root.findall("sm:url", NS)
    newest = site.content.article(0).published
    expected = [s for s in site.visible_articles() if s.dated and s.published >= newest - timedelta(days=2)]
    assert 3 <= len(expected) < ARTICLES
    assert [e.findtext("sm:loc", namespaces=NS) for e in entries] == [s.url(site.url) for s in expected]
    for entry, spec in zip(entries, expected, strict=True):
        news = entry.find("news:news", NS)
        assert news.findtext("news:title", namespaces=NS) == spec.title
        assert datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS)) == spec.published
        assert news.findtext("news:publication/news:language", namespaces=NS) == spec.language


def test_sitemaps_carry_lastmod(site: SampleSite) -> None:
    index = xml(site, "/wp-sitemap.xml")
    assert index.xpath("sm:sitemap/sm:lastmod/text()", namespaces=NS) == [site.content.article(0).published.isoformat()]
    page = xml(site, "/wp-sitemap-posts-post-1.xml")
    assert page.xpath("sm:url/sm:lastmod/text()", namespaces=NS) == [
        s.published.isoformat() for s in site.visible_articles()]


def test_unpublished_articles_are_in_no_feed_and_no_sitemap() -> None:
    with SampleSite(articles=30, hidden_newest=12) as later:
        visible = [s.url(later.url) for s in later.visible_articles()]
        walked = rss_links(later, "/feed/") + rss_links(later, "/feed/?paged=2")
        assert walked == visible[:20]
        assert xml(later, "/feed/atom/").xpath("atom:entry/atom:link/@href", namespaces=NS) == visible[:10]
        news = xml(later, "/news-sitemap.xml").xpath("sm:url/sm:loc/text()", namespaces=NS)
        assert news and set(news) <= set(visible) and visible[0] == news[0]
        later.publish()
        assert rss_links(later, "/feed/")[0] == later.content.article(0).url(later.url)
    with SampleSite(articles=10, hidden_newest=10) as empty:
        assert rss_links(empty, "/feed/") == []
        assert xml(empty, "/news-sitemap.xml").findall("sm:url", NS) == []
