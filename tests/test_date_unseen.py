"""Publication dates on sites nobody tuned for: one small hand-made page per cause fixed.

UTC times reported on the local day, template dates (other articles' URLs, copyright
years) never reported, XHTML read as XML, JSON-LD objects chosen by ``@type``, CJK dates,
the htmldate fallback kept to its fast mode, and unreadable-date warnings aggregated.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import parsel
import pytest

from newsarchive.extraction import date_extraction
from newsarchive.extraction.date_extraction import extract_published
from newsarchive.extraction.date_warnings import DateWarnings, date_shape
from newsarchive.extraction.dates import normalize_date

FETCHED = datetime(2025, 3, 20, 12, 0, tzinfo=timezone.utc)


def page(head: str = "", body: str = "") -> str:
    return f"<!doctype html><html><head><title>T</title>{head}</head><body>{body}</body></html>"


# --------------------------------------------------------------------------- UTC vs local day

def test_utc_time_is_reported_in_the_site_zone() -> None:
    html = page('<meta property="article:published_time" content="2025-03-11T22:30:00Z">',
                "<article><h1>Headline</h1><p>Text.</p></article>")
    found = extract_published(html, timezone="Asia/Tokyo", relative_base=FETCHED)
    assert found.value == datetime(2025, 3, 11, 22, 30, tzinfo=timezone.utc)
    assert found.value.date().isoformat() == "2025-03-12"  # 07:30 in Tokyo
    assert found.source == "meta"


def test_utc_time_takes_the_offset_the_page_states_elsewhere() -> None:
    html = page('<meta property="article:published_time" content="2025-03-11T23:10:00+00:00">'
                '<meta property="article:modified_time" content="2025-03-12T09:00:00+02:00">',
                "<article><h1>Headline</h1></article>")
    found = extract_published(html, relative_base=FETCHED)
    assert found.value.utcoffset() == timedelta(hours=2)
    assert found.value.date().isoformat() == "2025-03-12"


def test_utc_time_yields_to_the_byline_day_it_can_be() -> None:
    html = page('<script type="application/ld+json">{"@type": "NewsArticle", '
                '"datePublished": "2025-03-12T09:49:32+0000"}</script>',
                '<article><div class="article-date">March 11, 2025 / 12:25 PM</div>'
                "<h1>Headline</h1><p>Text.</p></article>")
    found = extract_published(html, relative_base=FETCHED)
    assert found.value.date().isoformat() == "2025-03-11"
    assert found.source == "text"


def test_byline_day_the_instant_cannot_fall_on_is_ignored() -> None:
    html = page('<meta property="article:published_time" content="2025-03-12T09:49:32Z">',
                '<article><div class="article-date">March 9, 2025</div><h1>Headline</h1></article>')
    found = extract_published(html, relative_base=FETCHED)
    assert found.value.date().isoformat() == "2025-03-12"
    assert found.source == "meta"


def test_naive_time_keeps_its_day() -> None:
    html = page('<meta property="article:published_time" content="2025-03-11T23:30:00">',
                '<article><div class="article-date">March 12, 2025</div><h1>Headline</h1></article>')
    assert extract_published(html, relative_base=FETCHED).value.date().isoformat() == "2025-03-11"


# --------------------------------------------------------------------------- template dates

RELATED = "".join(f'<li><a href="/news/2025/03/01/story-{i}">Story {i}</a></li>' for i in range(8))
UNDATED = page(
    '<link rel="canonical" href="https://courier.example/news/press-release-harbor">',
    '<header class="site-header"><nav class="menu"><a href="/news/2025/03/">March 2025</a></nav></header>'
    "<main><article><h1>City announces harbor works</h1><div class=\"byline\">By Staff</div>"
    "<p>The city council met on Tuesday about the harbor.</p><p>Works start in spring.</p></article>"
    f'<aside class="rail"><h3>Trending</h3><ul>{RELATED}</ul></aside>'
    f'<div class="related-content"><h2>Related</h2><ul>{RELATED}</ul></div></main>'
    "<footer><p>© 2025 Harbor Courier Media. All rights reserved. Since 2000.</p></footer>",
)


def test_undated_page_with_dated_links_and_copyright_gets_no_date() -> None:
    found = extract_published(UNDATED, url="https://courier.example/news/press-release-harbor",
                              relative_base=FETCHED)
    assert found.value is None


def test_undated_page_does_not_reach_htmldate(monkeypatch: pytest.MonkeyPatch) -> None:
    import htmldate

    calls: list[dict] = []
    monkeypatch.setattr(htmldate, "find_date", lambda *a, **k: calls.append(k) or "2025-03-01")
    found = extract_published(UNDATED, url="https://courier.example/news/press-release-harbor",
                              relative_base=FETCHED)
    assert found.value is None
    assert calls == []  # no full date anywhere: htmldate is not even asked


def test_htmldate_runs_in_fast_mode_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import htmldate

    calls: list[dict] = []
    monkeypatch.setattr(htmldate, "find_date", lambda *a, **k: calls.append(k) or "2025-03-04")
    html = page("", '<div><span>Reporter | </span>2025-03-04 16:52:59</div><p>Text.</p>')
    found = extract_published(html, relative_base=FETCHED)
    assert date_extraction.HTMLDATE_EXTENSIVE is False
    assert calls and all(call["extensive_search"] is False for call in calls)
    assert found.value.date().isoformat() == "2025-03-04"


def test_date_in_the_pages_own_url() -> None:
    found = extract_published(page("", "<h1>Headline</h1>"), url="https://a.example/2025/03/12/headline",
                              relative_base=FETCHED)
    assert (found.value.date().isoformat(), found.source) == ("2025-03-12", "htmldate")
    # a year and month are no day
    found = extract_published(page("", "<h1>Headline</h1>"), url="https://a.example/2025/03/headline",
                              relative_base=FETCHED)
    assert found.value is None


# --------------------------------------------------------------------------- XHTML

XHTML = ('<?xml version="1.0" encoding="utf-8"?>\n'
         '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
         '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
         '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title>{head}</head>'
         "<body>{body}</body></html>")


@pytest.mark.parametrize("kind", ["text", "html-selector", "xml-selector"])
def test_xhtml_with_xml_declaration(kind: str) -> None:
    markup = XHTML.format(head='<meta property="article:published_time" content="2025-03-12T10:00:00+01:00"/>',
                          body="<h1>Headline</h1>")
    source = {"text": markup, "html-selector": parsel.Selector(text=markup),
              "xml-selector": parsel.Selector(text=markup, type="xml")}[kind]
    found = extract_published(source, relative_base=FETCHED)
    assert found.value == datetime(2025, 3, 12, 10, tzinfo=timezone(timedelta(hours=1)))


def test_xhtml_as_xml_reaches_htmldate_as_html(monkeypatch: pytest.MonkeyPatch) -> None:
    import htmldate
    from lxml.html import HtmlElement

    seen: list[object] = []
    real = htmldate.find_date
    monkeypatch.setattr(htmldate, "find_date", lambda tree, **k: seen.append(tree) or real(tree, **k))
    filler = "<p>Some words of the story, and more of them.</p>" * 15  # beyond the byline zone
    markup = XHTML.format(head="", body=f"<h1>Headline</h1>{filler}<p>2025-03-12 10:00:00</p>")
    found = extract_published(parsel.Selector(text=markup, type="xml"), relative_base=FETCHED)
    assert seen and all(isinstance(tree, HtmlElement) for tree in seen)  # no TypeError swallowed
    assert found.source == "htmldate" and found.value.date().isoformat() == "2025-03-12"


def test_xhtml_selector_as_xml_for_site_selector() -> None:
    markup = XHTML.format(head="", body='<h1>Headline</h1><span class="when">12.03.2025</span>')
    found = extract_published(parsel.Selector(text=markup, type="xml"), selector="span.when::text",
                              relative_base=FETCHED)
    assert (found.value.date().isoformat(), found.source) == ("2025-03-12", "selector")


# --------------------------------------------------------------------------- JSON-LD by @type

def ld(*objects: str) -> str:
    return "".join(f'<script type="application/ld+json">{o}</script>' for o in objects)


def test_json_ld_article_wins_over_video_organisation_and_list() -> None:
    html = page(ld(
        '{"@type": "VideoObject", "datePublished": "2024-01-01"}',
        '{"@type": "ItemList", "itemListElement": [{"@type": "NewsArticle", "datePublished": "2025-02-01"}]}',
        '{"@type": "Organization", "dateCreated": "2000-01-01", "datePublished": "2000-01-01"}',
        '{"@type": "WebPage", "datePublished": "2025-03-10"}',
        '{"@type": ["ReportageNewsArticle"], "datePublished": "2025-03-12"}',
    ))
    assert extract_published(html, relative_base=FETCHED).value.date().isoformat() == "2025-03-12"


def test_json_ld_the_article_of_this_page_wins() -> None:
    html = page(ld('{"@graph": ['
                   '{"@type": "BlogPosting", "url": "https://a.example/other", "datePublished": "2025-03-01"},'
                   '{"@type": "http://schema.org/NewsArticle", "mainEntityOfPage": {"@id": "https://www.a.example/this/"},'
                   ' "datePublished": "2025-03-12"}]}'))
    found = extract_published(html, url="https://a.example/this", relative_base=FETCHED)
    assert found.value.date().isoformat() == "2025-03-12"


def test_json_ld_page_date_beats_other_objects() -> None:
    html = page(ld('{"@type": "ImageObject", "datePublished": "2019-05-05"}',
                   '{"@type": "WebPage", "datePublished": "2025-03-10"}'))
    assert extract_published(html, relative_base=FETCHED).value.date().isoformat() == "2025-03-10"


# --------------------------------------------------------------------------- CJK

@pytest.mark.parametrize(("text", "expected"), [
    ("3月12日 14:35", datetime(2025, 3, 12, 14, 35)),
    ("2025年3月12日 14時35分", datetime(2025, 3, 12, 14, 35)),
    ("2025年3月12日(水) 14:35", datetime(2025, 3, 12, 14, 35)),
    ("2025년 3월 12일 오후 2:35", datetime(2025, 3, 12, 14, 35)),
    ("12月24日", datetime(2024, 12, 24)),  # year-less: never after the fetch
])
def test_cjk_dates(text: str, expected: datetime) -> None:
    value = normalize_date(text, languages=["ja"], timezone="Asia/Tokyo", relative_base=FETCHED)
    assert value is not None and value.replace(tzinfo=None) == expected
    assert value.utcoffset() == timedelta(hours=9)


def test_impossible_cjk_date() -> None:
    assert normalize_date("2025年2月30日", languages=["ja"], relative_base=FETCHED) is None


def test_japanese_byline_date_is_found_without_htmldate() -> None:
    html = page('<meta charset="utf-8">',
                '<article><h1>港北区で新しい図書館</h1><p class="article-date">2025年3月12日 14時35分</p>'
                "<p>本文です。</p></article>")
    found = extract_published(html, timezone="Asia/Tokyo", relative_base=FETCHED, use_htmldate=False)
    assert found.value == datetime(2025, 3, 12, 14, 35, tzinfo=timezone(timedelta(hours=9)))
    assert found.source == "text"


# --------------------------------------------------------------------------- warnings

def test_date_warnings_one_line_per_cause(caplog: pytest.LogCaptureFixture) -> None:
    warnings = DateWarnings()
    with caplog.at_level(logging.WARNING, logger="newsarchive.extraction.dates"):
        for i in range(500):
            warnings.unparsed(f"Quartidi {i % 28 + 1} Ventôse an 233", f"https://a.example/{i}")
        warnings.unparsed("n/a", "https://a.example/x")
        assert len(caplog.records) == 2  # the first of each cause, at once
        warnings.flush()
    assert len(caplog.records) == 3
    assert "500 pages" in caplog.records[-1].getMessage()
    assert date_shape("Quartidi 7 Ventôse an 233") == "Quartidi 9 Ventôse an 9"
    assert not warnings.counts
