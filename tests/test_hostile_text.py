"""Hostile pages: bounded work, no silent loss.

A crawler for the open web meets pages written by anyone. Every public function that reads
page text (cleaning, boilerplate, dates, date and article extraction, JSON-LD, canonical
URLs) must keep its promise on any input -- ``None`` or a clear result, never an
exception it does not document -- and do work linear in its input, so that one page
cannot stall the crawl.

* Property tests (hypothesis, derandomized: the same examples on every run) feed each
  function random and adversarial input of up to ~200 KB: long runs of one character or
  markup fragment, mixed scripts, lone surrogates, huge numbers. Each call is timed with
  ``time.thread_time`` (CPU) and must take less than :data:`CALL_LIMIT`, a bound against hangs
  (the cases below took from seconds to forever before).
* Regression tests for each hostile case seen, at sizes that took many seconds.
* Scaling tests: the time at size n and 8n, which must grow well under quadratically.
* Equivalence tests: the linear rewrites give what the code they replace gave.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from parsel import Selector
from w3lib.html import remove_tags, replace_entities

from newsarchive.extraction import cleaning, dates
from newsarchive.extraction.article_fields import (
    MAX_PAGE_NODES,
    ArticleFields,
    PageContext,
    _text,
    extract_article_fields,
    json_ld_article_body,
    json_ld_headline,
    page_language,
)
from newsarchive.extraction.boilerplate import (
    MAX_LEARN_NODES,
    RepeatedBlockLearner,
    block_key,
    iter_blocks,
    remove_learned,
    remove_learned_counted,
    strip_boilerplate,
    strip_boilerplate_counted,
)
from newsarchive.extraction.cleaning import (
    clean_text,
    split_truncation,
    unicode_normalize,
    unique_texts,
)
from newsarchive.extraction.date_extraction import (
    HTMLDATE_MAX_CHARS,
    MAX_DATEPARSER_CALLS,
    MAX_SCAN_NODES,
    FoundDate,
    _text_of,
    _visible_text,
    extract_published,
    first_nodes,
    iter_nodes,
)
from newsarchive.extraction.dates import FUTURE_SLACK, MIN_DATE, normalize_date, resolve_timezone
from newsarchive.job.dedupe import canonical_url, is_tracking_param
from newsarchive.extraction.selectors import element_text
from newsarchive.extraction.json_ld import json_ld_objects, load_json, unwrap, walk_json

CALL_LIMIT = 3.0  # CPU seconds per call on inputs of up to MAX_CHARS: a bound against hangs
# (the cases below took 5 s to forever before; CPU time, so a loaded machine does not count)
MAX_CHARS = 200_000
BASE = datetime(2025, 12, 7, 12, 0, tzinfo=timezone.utc)

HOSTILE = settings(
    max_examples=30,
    deadline=None,  # the explicit CALL_LIMIT bounds each call instead
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example, HealthCheck.filter_too_much],
)
FEW = settings(HOSTILE, max_examples=15)  # functions that parse a whole page per example

TEXT_FRAGMENTS = [
    "a", "A", "1", "0", " ", "  ", "\t", "\n", "\r\n", "\n\n", "\u00a0", "\u200b", "\u00ad", ".", "...", "…", ",", "-", "–",
    "|", "•", "• ", "·", "»", ">", "<", "[", "]", "(", ")", "'", '"', "=", "%", "+", "/", ":", ";", "&", "#", "@", "?",
    "<p", "<div ", "<br", "</", "< p", "<a b=\"", '="<a ', "<!--", "&#", "&#x", "&amp;", "&nbsp", "&#1", "&#0",
    "Read more", "read more »", "Continue reading", "Подробнее", "Читать далее", "Share", "More ", "Viewing results 1 - ",
    "USD/KZT = ", "KGS/USD = 0.01143 -0% ", "Brent 82.15 ▲0.5% ", "1,234", "1 234,5", "▲", "−",
    "2025", "2025-12-07", "07.12.2025 ", "12:30 ", "Dec ", "December 7, 2025", "7 декабря 2025 г., 14:30", "декабря ",
    "желтоқсан ", "2 hours ago", "вчера, 14:30", "utc ", "+05:00", "T", "z", "p.m.", "ago ", "years ago", "9",
    "Президент Казахстана", "北京", "عربي", "🙂", "\u0301", "\u0316\u0301", "\u0f73", "\uff9e", "\u034f",
    "\ud800", "\udfff", "\x00", "\x7f", "\u2028", "\ufeff", "http://", "https://a.example/", "?utm_source=x&", "[",
]
MARKUP_FRAGMENTS = [
    "<p>", "</p>", "<p", "<div ", "<div>", "</div>", "<span>", "<br>", "<h1>T</h1>", "<h2>", "<article>", "</article>",
    "<header class='site-header'>", "</header>", "<nav>", "<footer>", "<main>", "<div class='date'>", "<p class='meta'>",
    "<span class='byline'>", "<div class='menu'>", "<time datetime='2025-12-01'>", "<time pubdate>", "</time>",
    "<time class='updated' datetime='2025-12-02'>", "<meta name='date' content='", "<meta property='article:published_time' content='",
    "'>", "<script type='application/ld+json'>", "</script>", "{\"@type\": \"NewsArticle\", \"datePublished\": \"",
    "\"headline\": \"", "\"author\": [", "\"articleBody\": \"", "[", "{", "]", "}", ",", "\"", "<script>var x = 1;</script>",
    "<style>p{}</style>", "<!-- c -->", "<p itemprop='datePublished'>", "<a rel='author'>", "<a rel='tag'>", "<div class='",
    "entry-content", "'>", "<html lang='", "<ul><li>", "</li></ul>", "<figure>", "<td>", "&#", "&amp;", "<![CDATA[",
]


def runs(fragments: list[str], max_chars: int = MAX_CHARS) -> st.SearchStrategy[str]:
    """One fragment repeated up to ``max_chars`` characters (hypothesis likes the extremes)."""
    return st.sampled_from(fragments).flatmap(
        lambda f: st.integers(1, max(1, max_chars // len(f))).map(lambda n: f * n))


def hostile(fragments: list[str], max_chars: int = MAX_CHARS, parts: int = 6) -> st.SearchStrategy[str]:
    """A few pieces -- long runs, single fragments, random text -- cut to ``max_chars``."""
    piece = st.one_of(runs(fragments, max_chars), st.sampled_from(fragments),
                      st.text(st.characters(exclude_categories=()), max_size=40))
    return st.lists(piece, max_size=parts).map(lambda ps: "".join(ps)[:max_chars])


TEXT = hostile(TEXT_FRAGMENTS)
PAGES = hostile(MARKUP_FRAGMENTS + TEXT_FRAGMENTS, parts=8).map(
    lambda body: f"<html><head><title>T</title></head><body>{body}</body></html>")


def selector(html: str) -> Selector:
    """A parsed page; parsel refuses text it cannot encode (lone surrogates): not a page then."""
    try:
        return Selector(text=html)
    except UnicodeEncodeError:
        assume(False)
        raise


def bounded(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, failing when it takes :data:`CALL_LIMIT` of CPU or longer."""
    start = time.thread_time()
    result = fn(*args, **kwargs)
    elapsed = time.thread_time() - start
    assert elapsed < CALL_LIMIT, f"{fn.__name__} took {elapsed:.2f} s on {_show(args)}"
    return result


def _show(args: tuple) -> str:
    shown = []
    for arg in args:
        text = arg if isinstance(arg, str) else repr(arg)
        shown.append(f"{text[:60]!r}... ({len(text)} chars)" if len(text) > 60 else repr(text))
    return ", ".join(shown)


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """Load what loads once per process (dateparser's languages, htmldate, lazy regexes)."""
    normalize_date("7 Dezember 2025", languages=["de"], relative_base=BASE)
    normalize_date("le 7 décembre 2025 à midi", relative_base=BASE)
    normalize_date("qqq 2025 zzz", relative_base=BASE)  # no language reads it: all are loaded
    extract_published("<html><body><p>7 Dezember 2025</p></body></html>", url="https://a.example/x")
    unicode_normalize("NFC", "e\u0301" * 40)
    clean_text("<p>x</p> &amp;")


# =========================================================================== properties

@HOSTILE
@given(TEXT, st.booleans())
def test_clean_text_on_anything(text, paragraphs):
    result = bounded(clean_text, text, paragraphs=paragraphs)
    assert result is None or (isinstance(result, str) and result and result == result.strip())
    if result and not paragraphs:
        assert "\n" not in result


@HOSTILE
@given(TEXT)
def test_split_truncation_on_anything(text):
    kept, cut = bounded(split_truncation, text)
    assert isinstance(cut, bool) and text.startswith(kept)


@HOSTILE
@given(st.lists(TEXT, max_size=3))
def test_unique_texts_on_anything(values):
    out = bounded(unique_texts, values + [None, ""])
    assert len({v.casefold() for v in out}) == len(out)


@HOSTILE
@given(TEXT, st.sampled_from(["NFC", "NFKC", "NFD", "NFKD"]))
def test_unicode_normalize_on_anything(text, form):
    result = bounded(unicode_normalize, form, text)
    assert unicodedata.is_normalized(form, result)


@HOSTILE
@given(TEXT, st.booleans(), st.booleans())
def test_strip_boilerplate_on_anything(text, builtin, tickers):
    out, removed = bounded(strip_boilerplate_counted, text, builtin=builtin, tickers=tickers)
    assert isinstance(out, str) and removed >= 0
    assert bounded(strip_boilerplate, text, [r"(?m)^Advertisement$"]) is not None


@HOSTILE
@given(TEXT)
def test_learned_blocks_on_anything(text):
    learner = RepeatedBlockLearner(min_pages=2)
    for n in range(3):
        learner.feed_blocks(["Subscribe to our newsletter", text[:500], f"page {n}"])
    bounded(block_key, text)
    out, removed = bounded(remove_learned_counted, text + "\nSubscribe to our newsletter", learner)
    assert removed >= 1 and isinstance(out, str)
    assert isinstance(bounded(remove_learned, text, learner), str)


@FEW
@given(PAGES, TEXT)
def test_block_learner_on_any_page(html, text):
    learner = RepeatedBlockLearner()
    assert bounded(learner.feed_html, html) is True
    assert bounded(learner.feed_html, text) is True  # not even HTML: an empty page
    assert isinstance(bounded(iter_blocks, selector(html).root), list)


@pytest.mark.parametrize("html", ["<!-- x -->", "\ud800", '<?xml version="1.0" encoding="utf-8"?><p>x</p>'])
def test_the_learner_counts_a_page_lxml_cannot_parse_as_empty(html):
    learner = RepeatedBlockLearner()
    assert learner.feed_html(html) is True  # ParserError / ValueError before
    assert learner.pages == 1


HUGE_NUMBERS = st.one_of(
    st.integers(), st.integers(min_value=10**15), st.integers(max_value=-(10**15)),
    st.sampled_from([10**400, -(10**400), 2**63, 2**1024, 10**12, 1e308, -1e308, 5e-324]),
    st.floats(allow_nan=True, allow_infinity=True),
)


@HOSTILE
@given(st.one_of(TEXT.map(lambda s: s[:20_000]), TEXT.map(lambda s: s[:150]), HUGE_NUMBERS,
                 st.binary(max_size=200), st.none(), st.booleans()),
       st.sampled_from([None, ["en"], ["ru", "kk"]]), st.booleans())
def test_normalize_date_on_anything(text, languages, day_first):
    value = bounded(normalize_date, text, languages=languages, relative_base=BASE, day_first=day_first)
    assert value is None or (value.tzinfo is not None and MIN_DATE <= value <= BASE + FUTURE_SLACK)


@HOSTILE
@given(TEXT.map(lambda s: s[:2_000]))
def test_resolve_timezone_raises_only_value_error(name):
    try:
        bounded(resolve_timezone, name)
    except ValueError:
        pass


@HOSTILE
@given(st.one_of(TEXT.map(lambda s: s[:100_000]), TEXT.map(lambda s: "http://" + s[:100_000]),
                 TEXT.map(lambda s: "https://a.example/path?" + s[:100_000] + "#top")))
def test_canonical_url_on_anything(url):
    assert isinstance(bounded(canonical_url, url), str)
    assert isinstance(bounded(is_tracking_param, url), bool)


@FEW
@given(PAGES, st.sampled_from([None, "div.date", "xpath://time/@datetime", "p"]), st.booleans())
def test_extract_published_on_any_page(html, selector, use_htmldate):
    found = bounded(extract_published, html, selector=selector, url="https://a.example/2025/11/03/x",
                    relative_base=BASE, use_htmldate=use_htmldate)
    assert isinstance(found, FoundDate)
    assert found.value is None or MIN_DATE <= found.value <= BASE + FUTURE_SLACK


@FEW
@given(PAGES)
def test_extract_article_fields_on_any_page(html):
    sel = selector(html)
    fields = bounded(extract_article_fields, sel)
    assert isinstance(fields, ArticleFields) and all(isinstance(p, str) and p for p in fields.body)
    bounded(page_language, sel)


@HOSTILE
@given(TEXT)
def test_json_ld_helpers_on_anything(text):
    bounded(unwrap, text)
    try:
        data = bounded(load_json, text)
    except ValueError:
        data = None
    list(bounded(lambda: list(walk_json(data))))
    page = selector(f'<script type="application/ld+json">{text}</script>')
    list(bounded(lambda: list(json_ld_objects(page.root))))
    ctx = PageContext(page)
    bounded(json_ld_headline, ctx)
    bounded(json_ld_article_body, ctx)


# =========================================================================== regressions

def test_a_teaser_of_dots_does_not_hang():
    """The truncation-marker regex backtracked catastrophically: 2 s at 40 dots, doubling every 2."""
    teaser = "Prices rose again" + "." * 60 + " see the table"
    assert bounded(split_truncation, teaser) == (teaser, False)
    assert bounded(split_truncation, "Prices rose again" + "." * 60) == ("Prices rose again", True)
    assert bounded(split_truncation, "Prices rose again" + "." * 1_000_000 + " x")[1] is False
    # A run of trailing spaces after text that is no marker: tried once, not once per split.
    assert bounded(split_truncation, "x" + " " * 100_000) == ("x" + " " * 100_000, False)


# Seconds before this change, measured on the machine these tests were written on.
@pytest.mark.parametrize("text", [
    "<p" * 100_000,  # 6-24 s: "<p...[^>]*>" scanned to the end of the text from every "<p"
    "<div " * 60_000,  # 5-22 s
    "<a" + ' c="<a "' * 20_000,  # w3lib's remove_tags re-read quoted values from every "<": 12 s at 8,000
    "<p>x<" + " " * 100_000,  # "<\s*/?\s*": the two runs of spaces split every way: > 30 s at 20,000
    "\u0f73" * 100_000,  # NFC is quadratic in a run of combining marks: 10 s at 40,000
    "a" + "\u0316\u0301" * 50_000,  # 2.5 s at 20,000
])
def test_clean_text_is_linear_on_hostile_markup(text):
    result = bounded(clean_text, text, paragraphs=True)
    assert result is None or unicodedata.is_normalized("NFC", result)


def test_clean_text_keeps_unclosed_tags_as_text():
    assert clean_text("<p" * 1000) == "<p" * 1000
    assert clean_text("<div " * 1000) == ("<div " * 1000).strip()


def test_a_character_reference_of_5000_digits_is_text_not_an_error():
    text = "&#" + "1" * 5000 + ";"
    assert bounded(clean_text, text) == text  # int() refused it: ValueError before
    assert clean_text("&#x41;&#0000065;&#1114112;") == "AA&#1114112;"


def test_long_runs_of_combining_marks_get_a_grapheme_joiner_every_30():
    zalgo = "a" + "\u0301" * 100
    out = clean_text(zalgo)
    assert out.replace("\u034f", "") == unicodedata.normalize("NFC", zalgo)
    assert out.count("\u034f") == 3  # after every MAX_NON_STARTERS marks of the run
    assert clean_text("Cafe\u0301 e\u0301\u0301") == "Café é\u0301"  # real text: untouched


@pytest.mark.parametrize("value", [10**400, -(10**400), 2**1024, float("inf"), float("nan"), 1e308])
def test_normalize_date_on_huge_numbers_is_none(value):
    assert normalize_date(value, relative_base=BASE) is None  # 10**400: OverflowError before


@pytest.mark.parametrize("text", ["3000 years ago", "2026 years ago", "999999999999 days ago",
                                  "99999999999999999999 hours ago", "9999999 years ago", "99999 months ago"])
def test_normalize_date_on_impossible_relative_dates_is_none(text):
    assert normalize_date(text, relative_base=BASE) is None  # ValueError/OverflowError before


def test_normalize_date_does_not_let_dateparser_guess_at_word_salad():
    salad = "utc " * 20 + "2025"  # dateparser's language detection: ~0.5 s per call on this
    assert bounded(normalize_date, salad, relative_base=BASE) is None
    assert normalize_date("le 7 décembre 2025 à midi", relative_base=BASE) is not None  # a date: still read


@pytest.mark.parametrize("url, expected", [
    ("http://[/", "http://[/"),  # ValueError before
    ("http://[:::::::]/a", "http://[:::::::]/a"),
    ("http://example.com:\u00b2/a", None),  # "²" is a digit int() refuses
    ("http://example.com:" + "1" * 5000 + "/", None),  # a port of 5000 digits
])
def test_canonical_url_never_raises(url, expected):
    result = bounded(canonical_url, url)
    assert isinstance(result, str)
    if expected is not None:
        assert result == expected


def test_canonical_url_on_a_huge_non_ascii_host_is_linear():
    # urlsplit and the IDNA codec normalise the host (NFKC), quadratic in combining marks: 5-20 s at 40,000
    url = "http://a" + "\u0f73" * 100_000 + ".example/#x"
    assert bounded(canonical_url, url) == url[:-2]
    assert canonical_url("https://Example.COM:443/a?utm_source=x&b=2#top") == "https://example.com/a?b=2"


WORDS = "lorem ipsum dolor sit amet 12 December "


def _one_line_page(chars: int, words: str = WORDS) -> str:
    return "<html><body><h1>T</h1><p>" + words * (chars // len(words)) + "</p></body></html>"


def test_date_extraction_on_a_5_mb_single_line_page_is_bounded():
    page = _one_line_page(5_000_000)
    # 2-5 s before, all of it in htmldate and in the text scan; htmldate now sees 1 MB at most.
    assert bounded(extract_published, page, use_htmldate=False, relative_base=BASE) == FoundDate(None, None, "none")
    start = time.thread_time()
    extract_published(page, relative_base=BASE)
    assert time.thread_time() - start < 5 * CALL_LIMIT


def test_date_extraction_on_deeply_nested_bylines_is_bounded():
    # Every nested <div class="date"> read the text of all the others: 117 s for 3,000.
    page = "<html><body><h1>T</h1>" + "<div class='date'>x " * 3000 + "</div>" * 3000 + "</body></html>"
    assert bounded(extract_published, page, use_htmldate=False).source == "none"
    nested_time = "<html><body>" + "<time pubdate class='x'>" * 2000 + WORDS * 10_000 + "</time>" * 2000 + "</body></html>"
    assert bounded(extract_published, nested_time, use_htmldate=False).value is None
    menus = "<html><body>" + "<div class='menu'>x " * 2000 + "<h1>T</h1><p>7 December 2025</p>" + "</div>" * 2000
    assert bounded(extract_published, menus, use_htmldate=False, relative_base=BASE).raw == "7 December 2025"


def test_date_selector_on_a_long_word_is_linear():
    # "[^\W\d_]{3,}" (a month name) was tried from inside the word, rescanning it: > 30 s at 30,000
    page = "<div class='d'>" + "a" * 100_000 + " December 7, 2025</div>"
    found = bounded(extract_published, page, selector="div.d", use_htmldate=False, relative_base=BASE)
    assert found.value is None  # the date lies past the 10,000 characters a selector match is read for
    assert extract_published("<div class='d'>Posted on December 7, 2025 by Jane</div>", selector="div.d",
                             relative_base=BASE).raw == "December 7, 2025"


@pytest.mark.parametrize("script", [
    "[" * 100_000,  # RecursionError from json.loads before
    '{"@type": [1, {"a": 2}], "datePublished": "2025-01-02"}',  # TypeError from " ".join before
    '{"@type": "NewsArticle", "headline": "&#' + "1" * 5000 + ';", "author": ' + "[" * 900 + "]" * 900 + "}",
])
def test_hostile_json_ld_breaks_nothing(script):
    page = f"<html><head><script type='application/ld+json'>{script}</script></head><body><h1>T</h1></body></html>"
    bounded(extract_published, page, relative_base=BASE)
    fields = bounded(extract_article_fields, Selector(text=page))
    assert fields.title is not None


def test_a_json_ld_type_list_of_non_strings_still_gives_the_date():
    page = '<script type="application/ld+json">{"@type": [1], "datePublished": "2025-01-02"}</script>'
    assert extract_published(page, relative_base=BASE) == FoundDate(
        datetime(2025, 1, 2, tzinfo=timezone.utc), "2025-01-02", "json-ld")


def test_a_json_ld_headline_with_a_huge_character_reference_is_kept():
    page = '<script type="application/ld+json">{"headline": "Big &#' + "1" * 5000 + '; news"}</script>'
    assert extract_article_fields(Selector(text=page)).title == "Big \ufffd news"  # as html.unescape means it


@pytest.mark.parametrize("text", [
    "More" + " " * 50_000 + "x",  # "[ \t]*[»...]*[ \t]*$": the two runs of spaces split every way: 5 s at 20,000
    "x " * 100_000 + "y USD = 1 z " * 20_000,  # rfind back to the start of the line for every ticker entry
    "Headline" + " •" * 100_000 + " x KGS/USD = 0.01143 -0%",  # "(?:\s|•)+$" from every bullet: 14 s at 20,000
])
def test_boilerplate_on_hostile_lines_is_linear(text):
    assert isinstance(bounded(strip_boilerplate, text), str)


def test_block_key_of_zalgo_text_is_linear():  # NFKC: 2.5 s at 20,000 before
    assert bounded(block_key, "a" + "\u0316\u0301" * 50_000).startswith("\u00e1")  # NFKC: a + \u0301


# =========================================================================== budgets

def test_a_page_past_the_scan_budget_is_searched_in_its_first_nodes(caplog):
    filler = "<p>x</p>" * MAX_SCAN_NODES
    late = f"<html><body><h1>T</h1>{filler}<time class='published' datetime='2025-11-20'>x</time></body></html>"
    early = f"<html><body><h1>T</h1><time class='published' datetime='2025-11-20'>x</time>{filler}</body></html>"
    with caplog.at_level(logging.INFO, logger="newsarchive.extraction.date_extraction"):
        assert extract_published(late, url="https://a.example/late", use_htmldate=False).source == "none"
    assert "MAX_SCAN_NODES" in caplog.text and "https://a.example/late" in caplog.text
    assert extract_published(early, use_htmldate=False, relative_base=BASE).raw == "2025-11-20"


def test_htmldate_sees_the_start_of_a_huge_page_only(caplog):
    page = _one_line_page(2 * HTMLDATE_MAX_CHARS, "lorem ipsum dolor ")
    with caplog.at_level(logging.INFO, logger="newsarchive.extraction.date_extraction"):
        extract_published(page, url="https://a.example/big", relative_base=BASE)
    assert "HTMLDATE_MAX_CHARS" in caplog.text


def test_dateparser_is_asked_a_few_times_per_page_at_most(monkeypatch, caplog):
    calls = []
    real = dates._dateparser

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(dates, "_dateparser", counting)
    page = "".join(f"<meta name='date' content='nonsense {n} words 2025'>" for n in range(50))
    with caplog.at_level(logging.INFO, logger="newsarchive.extraction.date_extraction"):
        assert extract_published(page, relative_base=BASE).source == "meta"  # stated, unreadable
    assert len(calls) == MAX_DATEPARSER_CALLS
    assert "MAX_DATEPARSER_CALLS" in caplog.text


def test_article_fields_past_the_page_budget_say_so(caplog):
    page = "<html lang='en'><body><h1>Title</h1>" + "<p>Some paragraph text.</p>" * MAX_PAGE_NODES + "</body></html>"
    with caplog.at_level(logging.INFO, logger="newsarchive.extraction.article_fields"):
        fields = extract_article_fields(Selector(text=page))
    assert fields.truncated and fields.title == "Title" and fields.language == "en"
    assert 0 < len(fields.body) < MAX_PAGE_NODES
    assert "MAX_PAGE_NODES" in caplog.text
    assert not extract_article_fields(Selector(text="<h1>T</h1><p>x</p>")).truncated


def test_the_learner_counts_pages_it_read_in_part():
    learner = RepeatedBlockLearner()
    learner.feed_html("<html><body>" + "<p>x</p>" * MAX_LEARN_NODES + "</body></html>")
    learner.feed_html("<html><body><p>x</p></body></html>")
    assert (learner.pages, learner.pages_cut) == (2, 1)


def test_first_nodes_copies_the_first_nodes_in_a_document_of_their_own():
    root = Selector(text="<html><body>" + "".join(f"<p id='p{n}'>t{n}<!--c--></p>" for n in range(50))
                    + "</body></html>").root
    assert first_nodes(root, 200) is None
    copy = first_nodes(root, 20)
    nodes = list(iter_nodes(copy))
    assert len(nodes) == 20
    assert [(n.tag, n.text) for n in nodes] == [(n.tag, n.text) for n in list(iter_nodes(root))[:20]]
    assert len(copy.xpath("//p")) == len(copy.findall(".//p")) < 50  # "//" stays in the copy


# =========================================================================== scaling

def _best_time(fn, arg, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - start)
    return best


SCALING = [
    ("clean_text <p", clean_text, lambda n: "<p" * (n // 2)),
    ("clean_text <div", lambda t: clean_text(t, paragraphs=True), lambda n: "<div " * (n // 5)),
    ("clean_text quoted <", clean_text, lambda n: "<a" + ' c="<a "' * (n // 8)),
    ("clean_text marks", clean_text, lambda n: "a" + "\u0316\u0301" * (n // 2)),
    ("split_truncation dots", split_truncation, lambda n: "x" + "." * n + " y"),
    ("split_truncation spaces", split_truncation, lambda n: "x" + " " * n),
    ("strip_boilerplate label", strip_boilerplate, lambda n: "More" + " " * n + "x"),
    ("strip_boilerplate tickers", strip_boilerplate, lambda n: "x " * (n // 4) + "y USD = 1 z " * (n // 24)),
    ("strip_boilerplate bullets", strip_boilerplate, lambda n: "Headline" + " •" * (n // 2) + " x KGS/USD = 1 -0%"),
    ("block_key marks", block_key, lambda n: "a" + "\u0316\u0301" * (n // 2)),
    ("unique_texts", unique_texts, lambda n: [f"Tag {i % 97} <b>x</b>" for i in range(n // 20)]),
    ("canonical_url query", canonical_url, lambda n: "http://a.example/?" + "a=1&" * (n // 16)),
    ("normalize_date", lambda t: normalize_date(t, relative_base=BASE), lambda n: "1 " * n + "2025"),
    ("extract_published flat", lambda h: extract_published(h, use_htmldate=False),
     lambda n: "<html><body><h1>T</h1>" + "<p class='meta'>x 1 Mayy</p>" * (n // 40) + "</body></html>"),
    ("extract_published nested", lambda h: extract_published(h, use_htmldate=False),
     lambda n: "<body><h1>T</h1>" + "<div class='date'>x " * (n // 800) + "</div>" * (n // 800)),
    ("extract_article_fields", lambda h: extract_article_fields(Selector(text=h)),
     lambda n: "<body>" + "<div>" * (n // 800) + "<p>word word</p>" * (n // 80) + "</div>" * (n // 800)),
]


@pytest.mark.parametrize("fn, make", [case[1:] for case in SCALING], ids=[case[0] for case in SCALING])
def test_work_grows_linearly(fn, make):
    """8 times the input, at most ~32 times the time (quadratic: 64), with slack for a busy
    machine: a guard against blow-ups, not a speed target (those are in bench/)."""
    n = 20_000
    small, large = _best_time(fn, make(n)), _best_time(fn, make(8 * n))
    assert large < 32 * small + 0.2, f"{small:.4f} s at n, {large:.4f} s at 8n"


# =========================================================================== equivalence

# The truncation markers as the regex before this change read them (exponential on dots,
# so only ever run here on short teasers): split_truncation must give the same answers.
_OLD_ARROWS = r"[»›→>]"
_OLD_LABEL = (
    r"(?:(?:Read|READ)\s+(?:more|MORE|full\s+(?:article|story))|(?:Continue|CONTINUE)\s+(?:reading|READING)"
    r"|(?:Читать|ЧИТАТЬ)\s+(?:далее|полностью|ДАЛЕЕ|ПОЛНОСТЬЮ)|Подробнее|ПОДРОБНЕЕ"
    rf"|(?i:read\s+more|continue\s+reading)(?=\s*{_OLD_ARROWS}))"
)
_OLD_ELLIPSIS = r"(?:\.{3,}|…|\[\s*(?:…|\.{3,})\s*\]|\(\s*(?:…|\.{3,})\s*\))"
_OLD_TRUNCATION = re.compile(rf"(?:\s*(?:(?P<ellipsis>{_OLD_ELLIPSIS})|{_OLD_LABEL}\s*{_OLD_ARROWS}*))+\s*$")
_OLD_MARKER = re.compile(rf"(?P<ellipsis>{_OLD_ELLIPSIS})|{_OLD_LABEL}")


def _old_split_truncation(summary: str) -> tuple[str, bool]:
    match = _OLD_TRUNCATION.search(summary)
    if match is None:
        return summary, False
    text = re.sub(r"[\s|–—-]+$", "", summary[: match.start()])
    ellipsis = any(m.group("ellipsis") for m in _OLD_MARKER.finditer(match.group()))
    return text, ellipsis or not re.search(r"[.!?。！？][\"'”’»)\]]*$", text)


TEASER_PIECES = st.sampled_from([
    "...", "..", ".", "…", "[", "]", "(", ")", " ", "  ", "\n", "Read", "READ", "read", "more", "MORE", "full", "article",
    "story", "Continue", "reading", "CONTINUE", "Читать", "далее", "полностью", "ЧИТАТЬ", "Подробнее", "ПОДРОБНЕЕ",
    "»", "›", "→", ">", "-", "–", "—", "|", "!", "?", '"', "”", "’", "x", "The text", "U.S", "。",
])


@settings(HOSTILE, max_examples=500)
@given(st.lists(TEASER_PIECES, max_size=10).map("".join))
def test_split_truncation_reads_markers_as_before(summary):
    assert split_truncation(summary) == _old_split_truncation(summary)


TAG_PIECES = st.sampled_from([
    "<", ">", "/", "p", "div", "br", "b", "a", " ", "=", '"', "'", "x", "&", "#", "amp", ";", "lt", "65", "x41", "&amp;",
    "&#", "&#x", "\u00a0", "\n", "\r", "!", "-", "<p>", "</p>", "<br/>", "< p", "<!--", "-->", "title", "h1", "\u0301",
    "&#128;", "&#0;", "&#x81;", "&#1114112;", "&#xD800;", "&#00065;", "&AMP;", "&nbsp", "<a href='x>y'>", '<a b="c>d">',
])


@settings(HOSTILE, max_examples=500)
@given(st.lists(TAG_PIECES, max_size=12).map("".join), st.booleans())
def test_clean_text_reads_tags_and_entities_as_w3lib_does(text, paragraphs):
    # The difference by design: a quoted attribute value holding "<" (w3lib reads it whole,
    # which is quadratic on hostile input). The block tags are this module's own (unclosed,
    # they no longer run into the next "<").
    assume(not re.search(r"""=\s*(?:"[^"]*|'[^']*)<""", text))
    expected = cleaning._LINE_BREAKS.sub("\n", text)
    if cleaning._TAG_HINT.search(expected):
        expected = remove_tags(cleaning._BR_TAG.sub("\n", cleaning._BLOCK_TAG.sub("\n\n", expected)))
    expected = cleaning._CONTROL.sub("", cleaning._INVISIBLE.sub("", unicodedata.normalize(
        "NFC", replace_entities(expected, remove_illegal=False))))
    if paragraphs:
        expected = "\n\n".join(p for p in (" ".join(x.split()) for x in cleaning._PARAGRAPH_BREAK.split(expected)) if p)
    else:
        expected = " ".join(expected.split())
    assert clean_text(text, paragraphs=paragraphs) == (expected or None)


NESTED = st.recursive(
    st.sampled_from(["text", " ", "\n  ", "7 December 2025", "&amp;", "<!-- c -->", "<br>", "\u00a0"]),
    lambda inner: st.tuples(st.sampled_from(["div", "span", "p", "b", "script", "style", "noscript", "time", "a"]),
                            st.lists(inner, max_size=4)).map(lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>tail"),
    max_leaves=25,
)


@settings(HOSTILE, max_examples=200)
@given(st.lists(NESTED, max_size=4).map("".join))
def test_the_linear_text_readers_read_what_the_xpath_readers_read(markup):
    root = Selector(text=f"<html><body><div id='top'>{markup}</div></body></html>").root
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        text, whole = _visible_text(node, 300)
        if whole:
            assert text == _text_of(node)
        if not any(a.tag in ("script", "style", "noscript", "template") for a in node.iterancestors()):
            assert _text(node) == element_text(node)


def test_learner_reads_blocks_as_before_on_a_normal_page():
    html = "<html><body><header><p>Site</p></header><div>loose<p>one</p><p>two</p></div></body></html>"
    assert iter_blocks(Selector(text=html).root) == ["Site", "loose", "one", "two"]

