"""Generic article extraction on sites nobody tuned for: one small hand-made page per cause
of loss seen on real pages (split bodies, ``<br>``/``<div>`` paragraphs, stories in forms
and asides, comments or cookie banners winning, JSON-LD of the wrong object, noisy
authors, languages the page does not declare or declares wrongly)."""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse

from newsarchive.extraction.article_fields import clean_authors, extract_article_fields
from newsarchive.extraction.language import choose_language, detect, normalise

P1 = "The council voted on Tuesday to close the old bridge to traffic for two years from March."
P2 = "Repairs will cost more than the original estimate, officials said in a statement on Monday."
P3 = "Residents who cross daily will get a free shuttle bus from next month, the mayor promised."
P4 = "Shop owners on both banks fear they will lose customers while the works go on for so long."
P5 = "A public meeting about the closure is planned for next week in the town hall, they added."

RU = ("Городской совет во вторник проголосовал за закрытие старого моста для движения на два "
      "года. Ремонт обойдётся дороже первоначальной сметы, сообщили чиновники в заявлении.")
DE = ("Der Gemeinderat hat am Dienstag beschlossen, die alte Brücke für zwei Jahre für den Verkehr "
      "zu sperren. Die Reparaturen werden teurer als ursprünglich geplant, teilte die Stadt mit.")


def response(body: str, url: str = "https://news.example/2025/12/bridge/") -> HtmlResponse:
    return HtmlResponse(url, body=body, encoding="utf-8")


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def page(body: str, head: str = "", lang: str = ' lang="en"') -> HtmlResponse:
    return response(f"<html{lang}><head>{head}</head><body>{body}</body></html>")


# --------------------------------------------------------------------------- bodies


def test_a_story_split_by_ads_and_newsletter_boxes_is_merged():
    body = f"""<main><article><h1>Old bridge to close</h1>
    <div class="row"><div class="article__content"><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></div>
    <div class="ad-slot"><span>Advertisement</span></div>
    <div class="row"><div class="article__content"><p>{P4}</p></div></div>
    <div class="newsletter-box"><p>Sign up for our daily newsletter and get the news first.</p></div>
    <div class="row"><div class="article__content"><p>{P5}</p></div></div>
    </article></main><footer><p>Copyright Daily Example Media Group, all rights reserved.</p></footer>"""
    assert extract_article_fields(page(body)).body == [P1, P2, P3, P4, P5]


def test_json_ld_article_body_replaces_a_cut_story():
    full = "\n".join([P1, P2, P3, P4, P5])
    head = ld({"@type": "NewsArticle", "headline": "Old bridge to close", "articleBody": full})
    body = f'<article><h1>Old bridge to close</h1><div class="paywalled"><p>{P1}</p></div></article>'
    assert extract_article_fields(page(body, head)).body == [P1, P2, P3, P4, P5]


def test_json_ld_article_body_of_another_story_is_not_taken():
    other = "A different story entirely about the weather and nothing else. " * 10
    head = ld({"@type": "NewsArticle", "articleBody": other})
    body = f'<article><h1>Old bridge to close</h1><div><p>{P1}</p><p>{P2}</p></div></article>'
    assert extract_article_fields(page(body, head)).body == [P1, P2]


def test_paragraphs_separated_by_br():
    body = f'<div id="main"><h1>Old bridge to close</h1><div class="txt">{P1}<br><br>{P2}<br><br>{P3}</div></div>'
    assert extract_article_fields(page(body)).body == [P1, P2, P3]


def test_one_div_per_paragraph():
    paragraphs = "".join(f'<div class="para">{t}</div>' for t in (P1, P2, P3))
    body = f'<div class="story"><h1>Old bridge to close</h1>{paragraphs}</div>'
    assert extract_article_fields(page(body)).body == [P1, P2, P3]


def test_div_paragraphs_beside_a_marked_lede():
    """``itemprop=articleBody`` holding one ``<p>`` and the rest as ``<div>``s: not only the lede."""
    rest = "".join(f'<div class="body__paragraph">{t}</div>' for t in (P2, P3, P4))
    body = f'<section itemprop="articleBody"><div class="c"><p>{P1}</p>{rest}</div></section>'
    assert extract_article_fields(page(body)).body == [P1, P2, P3, P4]


def test_a_table_of_figures_is_no_paragraph():
    figures = "<div class='market'>Index 22,278.48 -401.85 -1.77% Dow 24,650.14 -337.33 -1.34% Yen 109.85</div>"
    body = f"{figures}<article><p>{P1}</p></article>"
    assert extract_article_fields(page(body)).body == [P1]


def test_the_story_inside_a_whole_page_form():
    body = f"""<form id="aspnetForm" method="post" action="./story.aspx">
    <input type="hidden" name="__VIEWSTATE" value="abc">
    <div class="content"><h1>Old bridge to close</h1><p>{P1}</p><p>{P2}</p><p>{P3}</p></div>
    </form>"""
    assert extract_article_fields(page(body)).body == [P1, P2, P3]


def test_the_story_inside_an_aside():
    body = f'<nav><p>Home News Sport</p></nav><aside class="story"><h1>Bridge</h1><p>{P1}</p><p>{P2}</p></aside>'
    assert extract_article_fields(page(body)).body == [P1, P2]


def test_a_sidebar_aside_does_not_beat_the_story():
    items = "".join(f"<li><div class='live'><p>{P4} {P5}</p></div></li>" for _ in range(3))
    body = f"<article><div class='text'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></article><aside><ul>{items}</ul></aside>"
    assert extract_article_fields(page(body)).body == [P1, P2, P3]


def test_comments_do_not_win_and_leave_nothing():
    comments = "".join(f"<div class='comment'><p>{P4} {P5} {P3}</p></div>" for _ in range(4))
    body = f"""<article><h1>Bridge</h1><div class="text"><p>{P1}</p><p>{P2}</p></div></article>
    <section id="comments" class="comments-area">{comments}</section>"""
    assert extract_article_fields(page(body)).body == [P1, P2]


def test_a_cookie_banner_and_a_quote_box_do_not_win():
    banner = ("<div id='cookie-consent'><p>We and our partners use cookies to store and access personal "
              "data such as browsing data for purposes such as serving and personalising content and "
              "advertising and analysing site traffic. You may find out more about the purposes.</p></div>")
    quote = f"<div class='pull-quote'><p>{P4} {P5} {P3} {P2}</p></div>"
    body = f"{banner}<article><div class='text'><p>{P1}</p></div>{quote}</article>"
    assert extract_article_fields(page(body)).body == [P1]


# --------------------------------------------------------------------------- titles


def test_the_website_name_in_json_ld_is_no_headline():
    head = ld({"@graph": [{"@type": "WebSite", "headline": "Daily Example", "name": "Daily Example"},
                          {"@type": "NewsArticle", "headline": "Old bridge to close for two years"}]})
    assert extract_article_fields(page(f"<h1>Old bridge</h1><p>{P1}</p>", head)).title == \
        "Old bridge to close for two years"
    only_site = ld({"@type": "WebSite", "headline": "Daily Example"})
    assert extract_article_fields(page(f"<h1>Old bridge to close</h1><p>{P1}</p>", only_site)).title == \
        "Old bridge to close"


def test_a_shortened_json_ld_headline_gives_way_to_the_h1():
    head = ld({"@type": "NewsArticle", "headline": "Old bridge to close for…"})
    body = f"<article><h1>Old bridge to close for two years, council says</h1><p>{P1}</p></article>"
    assert extract_article_fields(page(body, head)).title == "Old bridge to close for two years, council says"


def test_spans_inside_a_heading_are_not_spaced_apart():
    body = f"<article><h1><span>Breakpoint</span>: <span>Hilfe</span> für <em>alle</em></h1><p>{P1}</p></article>"
    assert extract_article_fields(page(body)).title == "Breakpoint: Hilfe für alle"


# --------------------------------------------------------------------------- authors


def test_authors_cleaned():
    assert clean_authors(["By Jane Doe"]) == ["Jane Doe"]
    assert clean_authors(["Samya Kullab and Vasilisa Stepanenko"]) == ["Samya Kullab", "Vasilisa Stepanenko"]
    assert clean_authors(["Monika Bolliger und Anna Trechsel, Sweidah"]) == ["Monika Bolliger", "Anna Trechsel", "Sweidah"]
    assert clean_authors(["Elena Oberholzer (obe)"]) == ["Elena Oberholzer"]
    assert clean_authors(["jane.doe@news.example", "jane-doe", "https://news.example/authors/jane"]) == []
    assert clean_authors(["Jane Doe jane.doe@news.example"]) == ["Jane Doe"]
    assert clean_authors(["Comments", "Share"]) == []
    assert clean_authors(["Jane Doe, professor of law at the University of Examples"]) == ["Jane Doe"]


def test_the_publisher_is_no_author_when_a_person_is_named():
    head = ('<meta property="og:site_name" content="Lesotho Times">'
            + ld({"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Lesotho Times"}}))
    body = f'<article><h1>Mining blasts</h1><span class="byline">By <a rel="author">Jane Doe</a></span><p>{P1}</p></article>'
    assert extract_article_fields(page(body, head)).authors == ["Jane Doe"]
    # credited to the newsroom only: that is what the page says
    alone = f"<article><h1>Mining blasts</h1><p>{P1}</p></article>"
    assert extract_article_fields(page(alone, head)).authors == ["Lesotho Times"]


def test_a_byline_only_in_the_text():
    body = f'<article><h1>Bridge</h1><div class="article-byline">By Jane Doe and Ali Khan</div><p>{P1}</p></article>'
    assert extract_article_fields(page(body)).authors == ["Jane Doe", "Ali Khan"]


def test_author_markup_of_other_teasers_is_not_this_articles():
    teasers = "".join(f'<li><a href="/s{i}">Other story</a> <a rel="author">Teaser Writer{i}</a></li>' for i in range(3))
    body = f"""<ul class="top-stories">{teasers}</ul>
    <article><h1>Bridge</h1><p class="byline">By <a rel="author">Jane Doe</a></p><p>{P1}</p></article>"""
    assert extract_article_fields(page(body)).authors == ["Jane Doe"]


# --------------------------------------------------------------------------- languages


def test_language_detected_when_not_declared():
    fields = extract_article_fields(page(f"<article><h1>Brücke</h1><p>{DE}</p></article>", lang=""))
    assert (fields.language, fields.language_declared, fields.language_detected) == ("de", None, "de")


def test_declared_language_checked_against_the_text():
    wrong = extract_article_fields(page(f"<article><h1>Мост</h1><p>{RU}</p></article>", lang=' lang="en-US"'))
    assert (wrong.language, wrong.language_declared, wrong.language_detected) == ("ru", "en", "ru")
    right = extract_article_fields(page(f"<article><h1>Bridge</h1><p>{P1} {P2}</p></article>", lang=' lang="en-GB"'))
    # the text is in the declared language's script: trusted as it is, no model run
    assert (right.language, right.language_detected) == ("en", None)


def test_too_little_text_keeps_the_declared_language_and_detects_nothing():
    fields = extract_article_fields(page("<article><h1>Bridge</h1><p>Short.</p></article>", lang=' lang="fr"'))
    assert (fields.language, fields.language_detected) == ("fr", None)
    assert detect("Hello")[0] is None


@pytest.mark.parametrize(("declared", "text", "expected"), [
    # a close language the text also allows: the declared one stays
    ("nb", "Kommunestyret vedtok tirsdag å stenge den gamle brua for trafikk i to år. "
           "Reparasjonene vil koste mer enn det opprinnelige anslaget, sa kommunen.", "nb"),
    (None, RU, "ru"),
])
def test_choose_language(declared, text, expected):
    assert choose_language(declared, [text])[0] == expected


def test_detection_reads_only_the_first_few_kilobytes():
    from newsarchive.extraction.language import MAX_DETECT_CHARS, sample

    assert len(sample([P1 * 100, RU * 100])) <= MAX_DETECT_CHARS
    assert normalise("en-GB") == "en" and normalise("nb-NO") == "no" and normalise(None) is None
