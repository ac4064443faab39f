"""Generic article rules added for pages from sites nobody tuned for (issue 13): one small
hand-made page per rule, each failing if its rule is taken away. Bodies: layout-table rows,
a marked body against denser teasers elsewhere, teaser articles, hidden widgets, video
players and post meta inside the story, a container's own first paragraph, subheading
classes, spaces between inline elements. Titles: the page's own JSON-LD article among
several, a headline cut with an ellipsis, ``<title>`` as the last resort, site names named
by the host or set off by a colon. Authors: sharing buttons, dates and credit lines."""

from __future__ import annotations

import json

from parsel import Selector
from scrapy.http import HtmlResponse

from newsarchive.extraction.article_fields import clean_authors, extract_article_fields, without_site_name

P1 = "The council voted on Tuesday to close the old bridge to traffic for two years from March."
P2 = "Repairs will cost more than the original estimate, officials said in a statement on Monday."
P3 = "Residents who cross daily will get a free shuttle bus from next month, the mayor promised."
P4 = "Shop owners on both banks fear they will lose customers while the works go on for so long."
P5 = "A public meeting about the closure is planned for next week in the town hall, they added."
URL = "https://www.dailyexample.example/2025/12/bridge/"


def page(body: str, head: str = "", url: str = URL) -> HtmlResponse:
    markup = f'<html lang="en"><head>{head}</head><body>{body}</body></html>'
    return HtmlResponse(url, body=markup.encode("utf-8"), encoding="utf-8")


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --------------------------------------------------------------------------- bodies


def test_classless_rows_of_a_layout_table_are_not_merged_into_a_story():
    """Old table layouts: the footer's rows are of the same kind as any other row; merged,
    their disclaimers outweighed the story's cell."""
    footer = "".join(f"<tr><td><p>{text}</p></td></tr>" for text in (
        "Daily Example Media Private Ltd. Copyright and Disclaimer, write to feedback at the desk.",
        "This site is best viewed with a recent browser at a minimum screen resolution of 1024x768.",
        "Stock quotes delayed by 10 minutes or more. All information provided is on an as is basis "
        "and for information purposes only; kindly consult your financial advisor before trading."))
    body = f"""<table><tr><td><table><tr><td><h1>Old bridge to close</h1></td></tr>
    <tr><td><p>{P1}</p><p>{P2}</p><p>{P3}</p></td></tr></table></td></tr>{footer}</table>"""
    assert extract_article_fields(page(body)).body == [P1, P2, P3]


def test_a_marked_body_is_not_replaced_by_denser_teasers_elsewhere():
    teasers = "".join(f'<div class="post-teaser"><h3><a href="/s{i}">Other story {i}</a></h3><p>{P3} {P4} {P5}</p></div>'
                      for i in range(3))
    body = f"""<article><h1>Old bridge to close</h1><section class="entry-content"><p>{P1}</p><p>{P2}</p></section>
    </article><div class="more-posts">{teasers}</div>"""
    assert extract_article_fields(page(body)).body == [P1, P2]


def test_a_marked_body_still_gives_way_to_more_of_the_same_story():
    body = f"""<article><h1>Old bridge to close</h1><div class="story"><div class="entry-content"><p>{P1}</p></div>
    <div class="para">{P2}</div><div class="para">{P3}</div><div class="para">{P4}</div></div></article>"""
    assert extract_article_fields(page(body)).body == [P1, P2, P3, P4]


def test_a_teaser_article_inside_the_story_article_is_left_out():
    teaser = f'<section class="box"><article><h3><a href="/other">Other story</a></h3><p>{P5} {P4}</p></article></section>'
    body = f"<article><h1>Old bridge to close</h1><div class='text'><p>{P1}</p><p>{P2}</p>{teaser}<p>{P3}</p></div></article>"
    assert extract_article_fields(page(body)).body == [P1, P2, P3]


def test_hidden_widget_text_inside_the_story_is_left_out():
    widget = ('<span class="bookmark" style="display:none;"><div>You have added this article to your reading '
              'list, where you can find it later.</div></span>')
    body = f"<article><h1>Old bridge to close</h1><div class='text'><p>{P1}</p>{widget}<p>{P2}</p><p>{P3}</p></div></article>"
    assert extract_article_fields(page(body)).body == [P1, P2, P3]


def test_subheadings_keep_a_widget_class_of_their_own_but_not_a_newsletter_box():
    body = f"""<article><h1>Old bridge to close</h1><div class="text"><p>{P1}</p>
    <h2 class="widget-title">Roads closed</h2><p>{P2}</p><p>{P3}</p>
    <h3 class="newsletter-title">Get our morning briefing</h3><p>{P4}</p></div></article>"""
    assert extract_article_fields(page(body)).body == [P1, "Roads closed", P2, P3, P4]


def test_the_containers_own_first_paragraph_comes_with_its_page_break_blocks():
    intro = "Fires broke out in seven districts on Wednesday."
    body = f"""<article><h1>Fires</h1><div class="cms-container"><p>{intro}</p>
    <div class="page-break"><h2>North</h2><p>{P1}</p><p>{P2}</p><p>{P3}</p></div>
    <div class="page-break"><h2>South</h2><p>{P4}</p><p>{P5}</p></div></div></article>"""
    assert extract_article_fields(page(body)).body == [intro, "North", P1, P2, P3, "South", P4, P5]


def test_a_video_player_inside_a_line_is_left_out():
    player = ('<span><span class="mediaEmbed"><div class="player-ui"><h3 class="video-title">Why the bridge '
              'must close</h3><span class="media-caption">Engineers explain the cracks they found in the '
              'piers during the spring inspection.</span></div></span></span>')
    body = f"""<article><h1>Old bridge to close</h1><div class="story"><div>{P1}</div>
    <div><strong>WATCH | The bridge explained:</strong>{player}</div><div>{P2}</div><div>{P3}</div></div></article>"""
    text = " ".join(extract_article_fields(page(body)).body)
    assert P1 in text and P3 in text
    assert "Engineers" not in text and "must close" not in text
    # the player's <span> right inside the line
    player = ('<span class="mediaEmbed"><b>Why the bridge must close</b> Engineers explain the cracks they '
              'found in the piers during the spring inspection.</span>')
    body = f"""<article><h1>Old bridge to close</h1><div class="story"><div>{P1}</div>
    <div>WATCH | The bridge explained: {player}</div><div>{P2}</div><div>{P3}</div></div></article>"""
    text = " ".join(extract_article_fields(page(body)).body)
    assert P1 in text and "Engineers" not in text and "must close" not in text


def test_spaces_between_inline_elements_of_a_div_line_are_kept():
    line = "<span>Kospi Index</span> <span>(KOSPI)</span> fell 0.5% on Monday as traders waited for news."
    body = f'<article><h1>Markets</h1><div class="story"><div>{line}</div><div>{P1}</div></div></article>'
    assert extract_article_fields(page(body)).body[0] == "Kospi Index (KOSPI) fell 0.5% on Monday as traders waited for news."


def test_bylines_and_post_meta_inside_the_story_are_left_out():
    body = f"""<article><h1>Old bridge to close</h1><div class="entry"><div class="article-byline">By Jane Doe</div>
    <p>{P1}</p><p>{P2}</p><div class="singlepostmeta">By Jane Doe on 21/02/2021. Filed under Local News.</div></div></article>"""
    fields = extract_article_fields(page(body))
    assert fields.body == [P1, P2]
    assert fields.authors == ["Jane Doe"]


# --------------------------------------------------------------------------- titles


def test_the_json_ld_article_the_page_shows_wins_among_several():
    head = ld([{"@type": "NewsArticle", "headline": "Floods close the coast road again"},
               {"@type": "NewsArticle", "headline": "Old bridge to close for two years"}])
    head += '<meta property="og:title" content="Old bridge to close for two years | Daily Example">'
    body = f"<h1>Old bridge to close for two years</h1><p>{P1}</p>"
    assert extract_article_fields(page(body, head)).title == "Old bridge to close for two years"
    # none of them shown: the first is kept
    other = ld([{"@type": "NewsArticle", "headline": "Floods close the coast road again"},
                {"@type": "NewsArticle", "headline": "Snow expected"}])
    assert extract_article_fields(page(f"<p>{P1}</p>", other)).title == "Floods close the coast road again"


def test_a_json_ld_headline_cut_with_an_ellipsis_is_completed_by_og_title():
    head = ld({"@type": "NewsArticle", "headline": "Old bridge to close for…"})
    head += '<meta property="og:title" content="Old bridge to close for two years, council says">'
    assert extract_article_fields(page(f"<p>{P1}</p>", head)).title == "Old bridge to close for two years, council says"
    # an og:title that is another wording does not replace it
    reworded = ld({"@type": "NewsArticle", "headline": "Old bridge to close for…"})
    reworded += '<meta property="og:title" content="Council shuts bridge">'
    assert extract_article_fields(page(f"<p>{P1}</p>", reworded)).title == "Old bridge to close for…"


def test_the_document_title_is_the_last_resort():
    head = "<title>Old bridge to close | Daily Example</title>"
    assert extract_article_fields(page(f"<p>{P1}</p>", head)).title == "Old bridge to close"


def test_a_site_name_the_host_names_is_removed_without_h1_or_og_site_name():
    def title(text: str, url: str = URL) -> str | None:
        return extract_article_fields(page(f"<p>{P1}</p>", f'<meta property="og:title" content="{text}">', url)).title

    assert title("Old bridge to close - Daily Example") == "Old bridge to close"
    assert title("Daily Example | Old bridge to close") == "Old bridge to close"
    assert title("Old bridge to close - News.yam.md", "https://news.yam.md/ro/story/1") == "Old bridge to close"
    # a part the host does not name, or a hyphen inside a word, stays
    assert title("Old bridge to close - Council decides") == "Old bridge to close - Council decides"
    assert title("Dortmund - Gladbach live") == "Dortmund - Gladbach live"


def test_og_site_name_whatever_its_case_and_as_a_prefix_set_off_by_a_colon():
    def sel(site: str) -> Selector:
        return Selector(text=f"<html><head><meta property='og:site_name' content='{site}'></head>"
                             "<body><p>Text.</p></body></html>")

    assert without_site_name("Old bridge to close | THE DAILY", sel("The Daily")) == "Old bridge to close"
    assert without_site_name("The Daily: Old bridge to close", sel("The Daily")) == "Old bridge to close"
    assert without_site_name("Climate change: what next", sel("The Daily")) == "Climate change: what next"


# --------------------------------------------------------------------------- authors


def test_sharing_buttons_in_a_byline_are_no_authors():
    byline = '<div class="byline"><a href="/authors/jane-doe">Jane Doe</a> <a href="#" class="fbShare">Teilen</a></div>'
    body = f"<article><h1>Old bridge to close</h1>{byline}<p>{P1}</p></article>"
    assert extract_article_fields(page(body)).authors == ["Jane Doe"]


def test_dates_and_credit_lines_are_no_names():
    assert clean_authors(["Fred Doe 31.10.2023"]) == ["Fred Doe"]
    assert clean_authors(["(Abu Dhabi - Agency)"]) == []
    assert clean_authors(["Jane Doe (jd)"]) == ["Jane Doe"]


def test_a_headline_or_h1_that_is_the_sites_name_is_no_title():
    site = '<meta property="og:site_name" content="Daily Example">'
    head = site + ld({"@type": "NewsArticle", "headline": "Daily Example"}) + \
        '<meta property="og:title" content="Old bridge to close">'
    assert extract_article_fields(page(f"<p>{P1}</p>", head)).title == "Old bridge to close"
    logo = site + "<title>Old bridge to close | Daily Example</title>"
    assert extract_article_fields(page(f"<h1>Daily Example</h1><p>{P1}</p>", logo)).title == "Old bridge to close"


def test_a_more_on_this_list_and_an_author_box_inside_the_story_are_left_out():
    items = "".join(f'<li class="more__item"><h3><a href="/s{i}">Will we all live to {100 + i}?</a></h3>'
                    f'<div class="more__line"><span>Saved to your reading list</span> <span>Read later</span></div></li>'
                    for i in range(3))
    author = '<section class="article-autor"><p>Head of the health desk, writing on medicine since 2001.</p></section>'
    body = f"""<article><h1>Old bridge to close</h1><div class="text"><p>{P1}</p><p>{P2}</p>
    <div class="more"><ul class="more__list">{items}</ul></div><h3>What comes next</h3><p>{P3}</p>{author}</div></article>"""
    assert extract_article_fields(page(body)).body == [P1, P2, "What comes next", P3]


def test_a_subheading_that_is_all_link_is_another_storys_headline():
    body = f"""<article><h1>Old bridge to close</h1><div class="text"><p>{P1}</p>
    <h3><a href="/other">Will the ferry come back?</a></h3><p>{P2}</p><h3>What comes next</h3><p>{P3}</p></div></article>"""
    assert extract_article_fields(page(body)).body == [P1, P2, "What comes next", P3]
