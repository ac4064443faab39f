"""extract_published: each source, their precedence, the render-date trap, real pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import parsel
import pytest

from conftest import load_bench
from newsarchive.extraction.date_extraction import FoundDate, extract_published

UTC = timezone.utc
PLUS5 = timezone(timedelta(hours=5))
FETCHED = datetime(2025, 12, 7, 9, 0, tzinfo=UTC)  # the crawl day: the header shows this date

# A WordPress-like page as timesca.com serves it: ticker + render date in the site header.
SITE_HEADER = """
<header class="site-header">
  <ul class="ticker"><li>KZT/USD = 0.00198 -0%</li></ul>
  <div class="header-date">07 December 2025</div>
  <nav class="main-nav"><a href="/latest/">Latest</a></nav>
</header>"""


def page(article: str = "", head: str = "", header: str = SITE_HEADER) -> str:
    return f"<html><head><title>T</title>{head}</head><body>{header}<main>{article}</main></body></html>"


def find(html, **kwargs) -> FoundDate:
    kwargs.setdefault("relative_base", FETCHED)
    return extract_published(html, **kwargs)


# --------------------------------------------------------------------------- selector

ARTICLE = """<article><header class="entry-header"><h1 class="entry-title">Headline</h1>
<div class="entry-meta"><span class="posted-on">Posted on November 20, 2025 10:15 by
<a class="author">Jane Doe</a></span>
<time class="entry-date published" datetime="2025-11-20T10:15:00+05:00">November 20, 2025</time>
</div></header><div class="entry-content"><p>Body text.</p></div></article>"""


def test_selector_css_element_uses_its_text_and_finds_the_date_inside():
    found = find(page(ARTICLE), selector=".posted-on", timezone="Asia/Almaty")
    assert found == FoundDate(datetime(2025, 11, 20, 10, 15, tzinfo=ZoneInfo("Asia/Almaty")),
                              "November 20, 2025 10:15", "selector")


def test_selector_attr_and_element_with_datetime():
    for query in ("time.entry-date::attr(datetime)", "time.entry-date"):
        found = find(page(ARTICLE), selector=query)
        assert found.source == "selector"
        assert found.raw == "2025-11-20T10:15:00+05:00"
        assert found.value == datetime(2025, 11, 20, 10, 15, tzinfo=PLUS5)


def test_selector_xpath():
    html = page('<article><h1>H</h1><span class="d">3 ноября 2025 г., 08:40</span></article>')
    found = find(html, selector="xpath://span[@class='d']/text()", timezone="Asia/Almaty")
    assert found.source == "selector"
    assert found.raw == "3 ноября 2025 г., 08:40"
    assert found.value == datetime(2025, 11, 3, 8, 40, tzinfo=ZoneInfo("Asia/Almaty"))


def test_selector_wins_over_metadata():
    html = page('<article><span class="d">1 December 2025</span></article>',
                head='<meta property="article:published_time" content="2025-11-02T10:00:00Z">')
    assert find(html, selector=".d").value.date().isoformat() == "2025-12-01"


def test_unparseable_candidate_moves_on_to_the_next_source():
    html = page('<article><span class="d">n/a</span></article>',
                head='<meta property="article:published_time" content="2025-11-02T10:00:00Z">')
    found = find(html, selector=".d")
    assert (found.source, found.raw) == ("meta", "2025-11-02T10:00:00Z")


def test_invalid_selector_is_not_fatal():
    html = page(head='<meta property="article:published_time" content="2025-11-02T10:00:00Z">')
    assert find(html, selector="xpath://*[").source == "meta"
    assert find(html, selector="div[[[").source == "meta"


# --------------------------------------------------------------------------- JSON-LD

def ld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


def test_json_ld_graph_prefers_the_article_object():
    graph = ld('{"@context":"https://schema.org","@graph":['
               '{"@type":"WebPage","datePublished":"2025-10-01T00:00:00Z"},'
               '{"@type":"NewsArticle","headline":"H","datePublished":"2025-11-05T07:00:00+05:00",'
               '"dateModified":"2025-12-01T00:00:00Z"}]}')
    found = find(page(head=graph))
    assert (found.source, found.raw) == ("json-ld", "2025-11-05T07:00:00+05:00")


def test_json_ld_top_level_list_and_type_list():
    data = ld('[{"@type":"Organization","name":"X"},'
              '{"@type":["Article","NewsArticle"],"datePublished":"2025-11-06"}]')
    assert find(page(head=data)).value == datetime(2025, 11, 6, tzinfo=UTC)


def test_json_ld_broken_json_still_yields_date_published():
    broken = ld('{"@type":"NewsArticle","headline":"He said "no"","datePublished":"2025-11-07T10:00:00Z",}')
    found = find(page(head=broken))
    assert (found.source, found.value) == ("json-ld", datetime(2025, 11, 7, 10, tzinfo=UTC))


def test_json_ld_in_html_comment_and_date_created_fallback():
    data = ld('<!-- {"@type":"BlogPosting","dateCreated":"2025-11-08T10:00:00Z"} -->')
    assert find(page(head=data)).value == datetime(2025, 11, 8, 10, tzinfo=UTC)


def test_json_ld_wins_over_meta():
    head = (ld('{"@type":"NewsArticle","datePublished":"2025-11-05T10:00:00Z"}')
            + '<meta property="article:published_time" content="2025-11-04T10:00:00Z">')
    assert find(page(head=head)).source == "json-ld"


def test_same_instant_with_a_local_offset_is_preferred():
    head = (ld('{"@type":"NewsArticle","datePublished":"2019-10-18T22:04:00Z"}')
            + '<meta name="date" content="Sat, 19 Oct 2019 00:04:00 +0200">')
    found = find(page(head=head))
    assert found.value.isoformat() == "2019-10-19T00:04:00+02:00"
    assert found.raw == "Sat, 19 Oct 2019 00:04:00 +0200"


# --------------------------------------------------------------------------- meta

@pytest.mark.parametrize("tag", [
    '<meta property="article:published_time" content="2025-11-09T10:00:00+05:00">',
    '<meta property="og:article:published_time" content="2025-11-09T10:00:00+05:00">',
    '<meta itemprop="datePublished" content="2025-11-09T10:00:00+05:00">',
    '<meta name="pubdate" content="2025-11-09T10:00:00+05:00">',
    '<meta name="publishdate" content="2025-11-09T10:00:00+05:00">',
    '<meta name="DC.date.issued" content="2025-11-09T10:00:00+05:00">',
    '<meta name="sailthru.date" content="2025-11-09T10:00:00+05:00">',
    '<meta name="parsely-pub-date" content="2025-11-09T10:00:00+05:00">',
    '<meta name="date" content="2025-11-09T10:00:00+05:00">',
    '<meta name="parsely-page" content=\'{"title": "x", "pub_date": "2025-11-09T10:00:00+05:00"}\'>',
    '<meta name="article.published" content="1762664400">',
])
def test_meta_keys(tag):
    found = find(page(head=tag))
    assert found.source == "meta"
    assert found.value == datetime(2025, 11, 9, 10, tzinfo=PLUS5)


def test_meta_priority_and_modified_ignored():
    head = ('<meta property="article:modified_time" content="2025-12-01T00:00:00Z">'
            '<meta name="date" content="2025-11-20T00:00:00Z">'
            '<meta property="article:published_time" content="2025-11-10T00:00:00Z">')
    assert find(page(head=head)).raw == "2025-11-10T00:00:00Z"
    only_modified = '<meta property="article:modified_time" content="2025-12-01T00:00:00Z">'
    assert find(page(head=only_modified), use_htmldate=False).source == "none"


def test_microdata_on_a_visible_element():
    html = page('<article><h1>H</h1><span itemprop="datePublished" content="2025-11-11">11 Nov</span></article>')
    found = find(html)
    assert (found.source, found.raw) == ("meta", "2025-11-11")


# --------------------------------------------------------------------------- <time>

def test_time_published_beats_updated_and_sidebar():
    html = page("""
      <aside class="widget"><time datetime="2025-12-06T08:00:00Z">Yesterday</time></aside>
      <article><h1>H</h1><div class="entry-meta">
        <time class="updated" datetime="2025-12-05T00:00:00Z">5 Dec</time>
        <time class="entry-date published" datetime="2025-11-12T09:00:00Z">12 Nov</time>
      </div></article>""")
    found = find(html)
    assert (found.source, found.raw) == ("time", "2025-11-12T09:00:00Z")


def test_time_published_updated_in_one_class_counts_as_published():
    html = page("""<article><h1>H</h1><span class="posted-on">
      <time class="entry-date published updated" datetime="2025-11-13T09:00:00Z">13 Nov</time>
      </span></article>""")
    assert find(html).raw == "2025-11-13T09:00:00Z"


def test_only_an_updated_time_is_not_a_publication_date():
    html = page('<article><h1>H</h1><p class="meta">Updated <time class="updated" '
                'datetime="2025-12-05T00:00:00Z">5 December 2025</time></p></article>')
    assert find(html, use_htmldate=False) == FoundDate(None, None, "none")


# --------------------------------------------------------------------------- visible text

def test_byline_text_in_the_site_timezone():
    html = page('<article><h1>H</h1><div class="byline">By Jane Doe | 7 декабря 2025, 14:30</div>'
                '<p>Body.</p></article>')
    found = find(html, timezone="Asia/Almaty")
    assert found == FoundDate(datetime(2025, 12, 7, 14, 30, tzinfo=ZoneInfo("Asia/Almaty")),
                              "7 декабря 2025, 14:30", "text")


def test_text_skips_updated_dates():
    html = page('<article><h1>H</h1><div class="article-meta">Updated: 6 December 2025. '
                'Published: 2 December 2025</div></article>')
    found = find(html, use_htmldate=False)
    assert (found.source, found.raw) == ("text", "2 December 2025")


def test_relative_byline_resolves_against_the_fetch_time():
    html = page('<article><h1>H</h1><span class="post-date">3 hours ago</span></article>')
    found = find(html, use_htmldate=False)
    assert found.value == FETCHED - timedelta(hours=3)


# --------------------------------------------------------------------------- render-date trap

def test_header_render_date_loses_to_the_article_meta():
    html = page(ARTICLE.replace("Posted on November 20, 2025 10:15 by", "By").replace(
        '<time class="entry-date published" datetime="2025-11-20T10:15:00+05:00">November 20, 2025</time>', ""),
        head='<meta property="article:published_time" content="2025-11-20T10:15:00+05:00">')
    found = find(html)
    assert found.source == "meta"
    assert found.value.date().isoformat() == "2025-11-20"


@pytest.mark.parametrize("header", [
    SITE_HEADER,
    '<div class="header-date">07 December 2025</div>',  # no <header> around it
    '<div class="top-bar"><span>Sunday, 7 December 2025</span></div>',
    '<div id="masthead"><p class="date">07.12.2025</p></div>',
    '<nav><span class="date">December 7, 2025</span></nav>',
])
def test_a_page_whose_only_date_is_the_render_date_has_none(header):
    html = page('<article><h1>Undated story</h1><div class="entry-meta">By Staff</div>'
                '<p>Nothing dated here.</p></article>', header=header)
    assert find(html) == FoundDate(None, None, "none")
    assert find(html, url="https://timesca.com/undated-story/") == FoundDate(None, None, "none")


def test_header_date_does_not_block_an_article_of_the_same_day():
    html = page('<article><header class="entry-header"><h1>Today story</h1>'
                '<div class="entry-meta"><span class="posted-on">07 December 2025</span></div>'
                '</header><p>Body.</p></article>')
    found = find(html)
    assert (found.source, found.raw) == ("text", "07 December 2025")


def test_story_header_outside_article_markup_is_not_chrome():
    # No <article>/<main>: the story's own "entry-header" still counts, the site's does not.
    html = ("<html><body>" + SITE_HEADER + '<div class="content"><h1>Story</h1>'
            '<div class="entry-header"><span class="date">Posted 2 December 2025</span></div>'
            "<p>Body.</p></div></body></html>")
    found = find(html, use_htmldate=False)
    assert (found.source, found.raw) == ("text", "2 December 2025")


def test_chrome_is_found_once_at_its_outermost_element():
    from lxml import html as lxml_html

    from newsarchive.extraction.date_extraction import _chrome_nodes

    root = lxml_html.document_fromstring(
        "<html><body>" + SITE_HEADER + '<div class="sidebar"><div class="widget">'
        '<span class="today">7 Dec</span></div></div><article><h1>Story</h1>'
        '<span class="current-date">7 Dec</span><nav>in story</nav></article></body></html>')
    found = [(node.tag, node.get("class")) for node in _chrome_nodes(root)]
    assert found == [("header", "site-header"), ("div", "sidebar"), ("span", "current-date")]


def test_htmldate_fallback_sees_the_url_but_not_the_header():
    html = page('<article><h1>Story</h1><p>Nothing dated here.</p></article>')
    found = find(html, url="https://example.org/2025/11/03/story/")
    assert (found.source, found.value) == ("htmldate", datetime(2025, 11, 3, tzinfo=UTC))
    assert find(html, url="https://example.org/2025/11/03/story/", use_htmldate=False).source == "none"


# --------------------------------------------------------------------------- robustness

@pytest.mark.parametrize("html", ["", "   ", "<<<>>>", "not html at all", "<html><body></body></html>",
                                  "\x00\x01"])
def test_bad_html_gives_none(html):
    assert find(html) == FoundDate(None, None, "none")


def test_a_stated_but_impossible_date_is_reported_not_guessed():
    """The page states its date and it is nonsense: None with the raw text, no htmldate guess
    (htmldate would turn '2025-13-45' or the URL into some day of 2025)."""
    assert find("<meta property='article:published_time' content='soon'>") == FoundDate(None, "soon", "meta")
    html = page('<article><h1>Story</h1><time class="published">2025-13-45</time></article>')
    found = find(html, selector="time.published", url="https://example.org/2025/11/03/story/")
    assert found == FoundDate(None, "2025-13-45", "selector")


def test_accepts_a_parsel_selector():
    sel = parsel.Selector(text=page(head='<meta name="pubdate" content="2025-11-14">'))
    assert find(sel).value == datetime(2025, 11, 14, tzinfo=UTC)


def test_future_metadata_is_rejected():
    html = page(head='<meta property="article:published_time" content="2026-05-01T00:00:00Z">'
                     '<meta name="date" content="2025-11-15">')
    assert find(html).raw == "2025-11-15"


# --------------------------------------------------------------------------- real pages

# Measured 2026-11 on the 221 dated pages: 0.968 (htmldate alone: 0.941). See
# bench/date_accuracy.py for the per-dataset table.
CORPUS_MIN_ACCURACY = 0.95
FUNDUS_MIN_ACCURACY = 0.98




@pytest.mark.corpus
def test_day_level_accuracy_on_the_real_world_corpus(corpus_dir):
    bench = load_bench("date_accuracy")
    pages = bench.load_pages(corpus_dir)
    assert len(pages) >= 200, "ground_truth_index.jsonl should list 221 dated pages"
    table = bench.score(pages, bench.ours)
    misses = [(p.path.name, p.gold, v) for p, v in table["overall"]["misses"]]
    assert table["overall"]["accuracy"] >= CORPUS_MIN_ACCURACY, misses
    assert table["fundus"]["accuracy"] >= FUNDUS_MIN_ACCURACY, misses
