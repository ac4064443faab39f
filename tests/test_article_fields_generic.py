"""Generic article rules added for pages from sites nobody tuned for (issue 13): one small
hand-made page per rule, each failing if its rule is taken away. Bodies: layout-table rows,
a marked body against denser teasers elsewhere, teaser articles, hidden widgets, video
players and post meta inside the story, a container's own first paragraph, subheading
classes, spaces between inline elements, the standfirst shown with the headline, a story
continued in a sibling block of another class. Titles: the page's own JSON-LD article among
several, a headline cut with an ellipsis, ``<title>`` as the last resort, site names named
by the host or set off by a colon, declared in JSON-LD, app names or twitter handles, or
shown by another of the page's titles; a title that is the site's name; section and date
suffixes; titles escaped twice; the ``<h1>`` the ``<title>`` repeats. Authors: sharing
buttons, dates and credit lines."""

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


# --------------------------------------------------------------------------- standfirsts


def _described(text: str) -> str:
    return f'<meta property="og:description" content="{text}"><meta name="description" content="{text}">'


LEAD = "The town's only road bridge will shut for two years while engineers rebuild its piers."


def test_the_standfirst_under_the_headline_opens_the_body():
    """The lead (dek, summary) is written once, as the page's description and as the first
    paragraph under the headline, often in the story's <header>, apart from the body's block."""
    body = f"""<article><header><h1>Old bridge to close</h1><p class="article-subtitle">{LEAD}</p></header>
    <div class="text"><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></article>"""
    assert extract_article_fields(page(body, _described(LEAD))).body == [LEAD, P1, P2, P3]
    # no-break spaces in the shown lead, an inline element around it
    shown = LEAD.replace("only road", "only\u00a0road")
    body = f"""<article><header><h1>Old bridge to close</h1><div class="lead"><p><strong>{shown}</strong></p></div></header>
    <div class="text"><p>{P1}</p><p>{P2}</p></div></article>"""
    assert extract_article_fields(page(body, _described(LEAD))).body[1:] == [P1, P2]
    assert extract_article_fields(page(body, _described(LEAD))).body[0].split() == LEAD.split()


def test_a_standfirst_is_added_only_when_shown_as_a_paragraph_of_the_story():
    story = f'<div class="text"><p>{P1}</p><p>{P2}</p><p>{P3}</p></div>'

    def body(lead_markup: str, head: str = _described(LEAD)) -> list[str]:
        markup = f"<article><header><h1>Old bridge to close</h1>{lead_markup}</header>{story}</article>"
        return extract_article_fields(page(markup, head)).body

    assert body(f"<h2>{LEAD}</h2>") == [P1, P2, P3]  # a deck: the headline's second line
    assert body(f'<div class="share-tools"><p>{LEAD}</p></div>') == [P1, P2, P3]  # a sharing box's text
    assert body(f'<p><a href="/other">{LEAD}</a></p>') == [P1, P2, P3]  # a teaser's link
    assert body(f'<p style="display:none">{LEAD}</p>') == [P1, P2, P3]  # hidden
    assert body(f"<p>{LEAD}</p>", "") == [P1, P2, P3]  # no description to say it is the lead
    assert body(f"<p>{LEAD} And more.</p>") == [P1, P2, P3]  # not the description
    # the description is the body's first paragraph: not repeated
    assert extract_article_fields(page(f"<article><h1>Old bridge</h1>{story}</article>", _described(P1))).body == [P1, P2, P3]
    # a lead alone is no body
    assert extract_article_fields(page(f"<h1>Old bridge</h1><p class='lead'>{LEAD}</p>", _described(LEAD))).body == [LEAD]


def test_a_json_ld_article_body_stub_leaves_the_story_the_page_shows():
    """Decided on the tuning pages: a declared articleBody that is a stub (a teaser, or
    empty: a story the page loads by script) is no sign that the page shows no story;
    where the page shows one, the densest block is still its body."""
    story = f"<article><h1>Old bridge to close</h1><div class='text'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></article>"
    for stub in ("", P1[:40]):
        head = ld({"@type": "NewsArticle", "headline": "Old bridge to close", "articleBody": stub})
        assert extract_article_fields(page(story, head)).body == [P1, P2, P3]


# --------------------------------------------------------------------------- titles: site names


def _og_title(text: str, extra: str = "", url: str = "https://www.bbc.co.uk/news/world-123") -> str | None:
    head = f'<meta property="og:title" content="{text}">{extra}'
    return extract_article_fields(page(f"<p>{P1}</p>", head, url)).title


def test_site_names_declared_in_json_ld_app_name_or_twitter_handle_are_removed():
    """Besides og:site_name, publishers name their site in JSON-LD (publisher,
    Organization, WebSite), as the web app's name and as their twitter:site handle."""
    assert _og_title("Old bridge to close - BBC News", ld({"@type": "WebSite", "name": "BBC News"})) == "Old bridge to close"
    publisher = ld({"@type": "NewsArticle", "publisher": {"@type": "NewsMediaOrganization", "name": "BBC News"}})
    assert _og_title("Old bridge to close - BBC News", publisher) == "Old bridge to close"
    assert _og_title("Old bridge to close - BBC News", '<meta name="application-name" content="BBC News">') == \
        "Old bridge to close"
    assert _og_title("Old bridge to close | BBC News", '<meta name="twitter:site" content="@BBCNews">') == \
        "Old bridge to close"
    # a part no declared name names stays
    assert _og_title("Old bridge to close - Council decides", '<meta name="twitter:site" content="@BBCNews">') == \
        "Old bridge to close - Council decides"


def test_another_title_of_the_page_tells_the_headline_from_the_site_name():
    head = '<meta name="twitter:title" content="Old bridge to close">'
    assert _og_title("Old bridge to close - Weekly Planet", head) == "Old bridge to close"
    # the other title is the longer part only when the rest is shorter
    head = '<meta name="twitter:title" content="Bridge">'
    assert _og_title("Bridge - Weekly Planet says it will close", head) == "Bridge - Weekly Planet says it will close"


def test_a_title_that_is_the_sites_name_is_skipped():
    body = f"<h1>Old bridge to close</h1><p>{P1}</p>"
    head = '<meta property="og:title" content="BBC News"><meta property="og:site_name" content="BBC News">'
    assert extract_article_fields(page(body, head)).title == "Old bridge to close"
    head = '<meta property="og:title" content="BBC News">' + ld({"@type": "NewsMediaOrganization", "name": "BBC News"})
    assert extract_article_fields(page(body, head)).title == "Old bridge to close"


def test_section_and_date_suffixes_of_a_title_template_are_removed():
    section = '<meta property="article:section" content="Panorama"><meta property="og:site_name" content="Daily Example">'
    assert _og_title("Old bridge to close - Panorama - Daily Example", section) == "Old bridge to close"
    ld_section = ld({"@type": "NewsArticle", "articleSection": ["National"]})
    assert _og_title("Old bridge to close - National", ld_section) == "Old bridge to close"
    assert _og_title("Old bridge to close - 07.12.2017") == "Old bridge to close"
    # a section name inside the headline, or no section declared, stays
    assert _og_title("Panorama of the old bridge", section) == "Panorama of the old bridge"
    assert _og_title("Old bridge to close - National") == "Old bridge to close - National"


def test_colon_and_hangul_bar_suffixes_accents_and_short_hosts_name_the_site():
    site = '<meta property="og:site_name" content="中日新聞Web">'
    assert _og_title("南海トラフ、一時調査　巨大地震、基準達せず：中日新聞Web", site) == "南海トラフ、一時調査　巨大地震、基準達せず"
    site = '<meta property="og:site_name" content="한국일보">'
    assert _og_title("민주당 선호투표제 도입 또다시 불발ㅣ한국일보", site) == "민주당 선호투표제 도입 또다시 불발"
    # a colon after the <h1>'s headline sets off the site's name; before it, a kicker that is kept
    h1 = "<h1>Old bridge to close</h1>"
    og = '<meta property="og:title" content="{}">'
    assert extract_article_fields(page(f"{h1}<p>{P1}</p>", og.format("Old bridge to close: Weekly Planet"))).title \
        == "Old bridge to close"
    assert extract_article_fields(page(f"{h1}<p>{P1}</p>", og.format("Roads: Old bridge to close"))).title \
        == "Roads: Old bridge to close"
    assert _og_title("Climate change: old bridge to close") == "Climate change: old bridge to close"
    assert _og_title("Roky v důchodu tráví Češi po doktorech - Seznam Zprávy", url="https://www.seznamzpravy.cz/c/1") == \
        "Roky v důchodu tráví Češi po doktorech"
    assert _og_title("Kodėl Judas išdavė Jėzų? - LRT", url="https://www.lrt.lt/naujienos/1") == "Kodėl Judas išdavė Jėzų?"
    assert _og_title("Kodėl Judas išdavė Jėzų? - LR", url="https://www.lrt.lt/naujienos/1") == "Kodėl Judas išdavė Jėzų? - LR"


def test_meta_titles_escaped_twice_are_unescaped():
    assert _og_title("Tom &amp;amp; Jerry return to the old bridge") == "Tom & Jerry return to the old bridge"
    assert _og_title("AT&amp;T and Q&amp;A at the old bridge") == "AT&T and Q&A at the old bridge"


def test_of_several_h1_the_one_the_document_title_repeats_wins():
    head = "<title>Old bridge to close for two years | Daily Example</title>"
    body = f"<h1>Local news</h1><div><h1>Old bridge to close for two years</h1><p>{P1}</p></div>"
    assert extract_article_fields(page(body, head)).title == "Old bridge to close for two years"
    # no <title> repeating one: the first
    body = f"<h1>Old bridge to close for two years</h1><div><h1>Local news</h1><p>{P1}</p></div>"
    assert extract_article_fields(page(body, "<title>Daily Example</title>")).title == "Old bridge to close for two years"


def test_a_generic_app_name_or_a_version_number_names_no_site_part():
    assert _og_title("Markets rally on good news - Local News", '<meta name="application-name" content="News">') == \
        "Markets rally on good news - Local News"
    assert _og_title("Browser update fixes the old bug - 1.2.3") == "Browser update fixes the old bug - 1.2.3"


# --------------------------------------------------------------------------- bodies: sibling blocks


def test_a_story_continued_in_a_sibling_block_of_another_class_is_merged():
    """A story interrupted by an ad or a sign-up box goes on in the next container, whose
    class need not be the first one's."""
    first, rest = f"<p>{P1}</p><p>{P2}</p>", f"<p>{P3}</p><p>{P4}</p>"
    body = f"""<article><h1>Old bridge to close</h1><div class="body-a">{first}</div><div class="ad">Advertisement</div>
    <div class="body-b">{rest}</div></article>"""
    assert extract_article_fields(page(body)).body == [P1, P2, P3, P4]
    sign_up = '<div class="newsletter"><p>Sign up for our newsletter to get the best stories every morning.</p></div>'
    body = f"<main><h1>Old bridge</h1><div class='c1'>{first}<p>{P5}</p></div>{sign_up}<div class='c2'>{rest}</div></main>"
    assert extract_article_fields(page(body)).body == [P1, P2, P5, P3, P4]


def test_sibling_teasers_chrome_and_short_notes_are_not_merged_into_the_story():
    story = f"<div class='story'><p>{P1}</p><p>{P2}</p><p>{P3}</p><p>{P4}</p></div>"
    teasers = f"<div class='more'><h3><a href='/other'>Ferry to return</a></h3><p>{P5} {P5}</p></div>"
    sidebar = f"<div class='sidebar'><p>{P5} {P5}</p></div>"
    note = "<div class='note'><p>Found a mistake? Tell us.</p></div>"
    for beside in (teasers, sidebar, note):
        body = f"<article><h1>Old bridge to close</h1>{story}{beside}</article>"
        assert extract_article_fields(page(body)).body == [P1, P2, P3, P4], beside


def test_an_h1_that_is_only_a_small_part_of_the_title_is_not_taken_for_the_headline():
    head = "<title>Politics: Old bridge to close for two years | Daily Example</title>"
    body = f"<h1>Politics</h1><div><h1>Old bridge to close for two years</h1><p>{P1}</p></div>"
    assert extract_article_fields(page(body, head)).title == "Old bridge to close for two years"


def test_a_shorter_social_title_does_not_cut_a_clause_off_the_headline():
    head = '<meta name="twitter:title" content="Old bridge to close">'
    assert _og_title("Old bridge to close - what we know so far", head) == "Old bridge to close - what we know so far"
