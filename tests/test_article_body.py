"""Generic article bodies, second round: one small hand-made page per cause of loss
(story parts at different depths, lists and smaller subheadings, teasers whose paragraphs
sit inside links, words split at inline markup, a JSON-LD ``articleBody`` holding the
story twice, hidden gallery captions, galleries and sharing boxes inside the story)."""

from __future__ import annotations

import json

from parsel import Selector
from scrapy.http import HtmlResponse

from newsarchive.extraction.article_fields import _shown_text, extract_article_fields
from newsarchive.extraction.language import main_script

P1 = "The council voted on Tuesday to close the old bridge to traffic for two years from March."
P2 = "Repairs will cost more than the original estimate, officials said in a statement on Monday."
P3 = "Residents who cross daily will get a free shuttle bus from next month, the mayor promised."
P4 = "Shop owners on both banks fear they will lose customers while the works go on for so long."
P5 = "A public meeting about the closure is planned for next week in the town hall, they added."


def page(body: str, head: str = "") -> HtmlResponse:
    html = f'<html lang="en"><head>{head}</head><body>{body}</body></html>'
    return HtmlResponse("https://news.example/2025/12/bridge/", body=html, encoding="utf-8")


def body_of(body: str, head: str = "") -> list[str]:
    return extract_article_fields(page(body, head)).body


def test_story_parts_at_different_depths_sharing_a_class_are_merged():
    """The first part sits beside a sidebar, the others below a full-width image: the
    paths differ, the class of the blocks holding the paragraphs does not."""
    body = f"""<div class="post"><div class="wrapper"><div class="columns">
      <div class="post__content"><p>{P1}</p><p>{P2}</p></div>
      <aside class="sidebar"><p>Sign up.</p></aside></div></div>
    <figure><img src="x.jpg"><figcaption>The old bridge at dawn.</figcaption></figure>
    <section class="outer"><div class="post__content"><p>{P3}</p><p>{P4}</p><p>{P5}</p></div></section>
    </div><footer><p>Copyright Example Media.</p></footer>"""
    assert body_of(body) == [P1, P2, P3, P4, P5]


def test_same_class_blocks_in_a_related_box_are_not_merged():
    related = f'<div class="related-stories"><div class="text"><p>{P4} {P5}</p></div></div>'
    body = f'<article><div class="text"><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></article>{related}'
    assert body_of(body) == [P1, P2, P3]


def test_list_items_and_smaller_subheadings_are_kept():
    body = f"""<article><div class="entry"><p>{P1}</p><h4>What changes for drivers?</h4><p>{P2}</p>
    <ul><li>Buses take the ring road from March</li><li>Cyclists may still cross on weekdays</li></ul>
    <blockquote>We had no other choice, the mayor said at the meeting.</blockquote><p>{P3}</p>
    <ul class="tags"><li><a href="/t/bridge">bridge</a></li><li><a href="/t/council">council</a></li></ul>
    </div></article>"""
    assert body_of(body) == [P1, "What changes for drivers?", P2, "Buses take the ring road from March",
                             "Cyclists may still cross on weekdays",
                             "We had no other choice, the mayor said at the meeting.", P3]


def test_a_list_item_holding_paragraphs_gives_them_once():
    body = (f"<article><div class='entry'><p>{P1}</p><p>{P2}</p><p>{P3}</p>"
            f"<ol><li><p>{P4}</p></li><li><p>{P5}</p></li></ol></div></article>")
    assert body_of(body) == [P1, P2, P3, P4, P5]


def test_teasers_whose_paragraphs_sit_inside_links_do_not_win():
    """A single story paragraph of ``<br>``-separated lines beats a long list of linked teasers."""
    teasers = "".join(f'<li><a href="/a/{i}"><div class="t"><p class="news-title">{P4} {i}</p></div></a></li>'
                      for i in range(12))
    story = f'<div class="detail"><p class="full-text">{P1}<br><br>{P2}</p></div>'
    assert body_of(f"{story}<div class='ranking'><ul>{teasers}</ul></div>") == [f"{P1} {P2}"]


def test_link_text_of_a_paragraph_counts_for_nothing():
    links = "".join(f'<p><a href="/a/{i}">{P5}</a></p>' for i in range(4))
    body = f'<div class="more">{links}</div><div class="story"><p>{P1}</p><p>{P2}</p></div>'
    assert body_of(body) == [P1, P2]


def test_inline_markup_does_not_split_words():
    body = ('<article><div class="c"><p><b>W</b>hen the lab of <a href="/x">Stephen Liggett</a>, then in '
            'Maryland, looked at the cells, it found <em>taste</em>-receptors.<br>A second line.</p></div></article>')
    assert body_of(body) == [("When the lab of Stephen Liggett, then in Maryland, looked at the cells, it found "
                              "taste-receptors. A second line.")]


def test_shown_text_spaces_blocks_and_breaks_only():
    root = Selector(text="<div>a<span>b</span> c<br>d<p>e</p>f<script>x</script><!-- n -->g</div>").root
    assert _shown_text(root.find(".//div")) == "ab c d e fg"


def test_a_json_ld_article_body_holding_the_story_twice_is_not_taken():
    twice = "\n".join([P1, P2, P3] * 2)
    head = f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "articleBody": twice})}</script>'
    body = f'<article><div class="text"><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></article>'
    assert body_of(body, head) == [P1, P2, P3]


def test_hidden_gallery_captions_are_left_out():
    gallery = "".join(f'<div class="photo"><img src="{i}.jpg"><cite style="display:none">{P4}</cite></div>'
                      for i in range(3))
    body = f'<div class="story">{gallery}<p>{P1}</p><p>{P2}</p><p hidden>{P5}</p></div>'
    assert body_of(body) == [P1, P2]


def test_galleries_captions_and_sharing_inside_the_story_are_left_out():
    body = f"""<article><div class="text"><p>{P1}</p>
    <ul class="article-gallery"><li>{P4}</li><li>{P5}</li></ul>
    <div class="image-caption"><p>The old bridge at dawn, seen from the east bank.</p></div>
    <div class="share"><p>Share this story with your friends</p></div><p>{P2}</p></div></article>"""
    assert body_of(body) == [P1, P2]


def test_main_script_counts_every_letter():
    assert main_script("Городской совет abc") == "CYRILLIC"
    assert main_script("ªº µ abcd") == "LATIN"  # not LATIN letters by name, but too few to matter
    assert main_script("南海トラフ、一時調査") == "CJK"
    assert main_script("12 345 !") is None
    assert main_script("Plain ASCII 42") == "LATIN"  # the ASCII shortcut
    assert main_script("") is None


def test_the_node_count_decides_truncation_as_the_walk_does():
    from newsarchive.extraction.article_fields import MAX_PAGE_NODES
    from newsarchive.extraction.date_extraction import first_nodes

    for extra in (0, 1):
        filler = "<!--c-->" * (MAX_PAGE_NODES // 2) + "<i>x</i>" * (MAX_PAGE_NODES // 2 - 4 + extra)
        sel = Selector(text=f"<html><body><h1>T</h1><p>{P1}</p>{filler}</body></html>")
        fields = extract_article_fields(sel)
        assert fields.truncated == (first_nodes(sel.root, MAX_PAGE_NODES) is not None) == bool(extra)


def test_a_marked_body_gives_its_subheadings_lists_and_quotes_too():
    body = f"""<div class="entry-content"><p>{P1}</p><h4><strong>Q: When will it close?</strong></h4><p>{P2}</p>
    <blockquote class="marker-quote">We had no other choice, the mayor said at the meeting.</blockquote>
    <ul><li>Buses take the ring road from March</li></ul><div class="share"><p>Share this</p></div></div>"""
    assert body_of(body) == [P1, "Q: When will it close?", P2, "We had no other choice, the mayor said at the meeting.",
                             "Buses take the ring road from March"]


def test_a_fact_box_marked_complementary_is_left_out():
    box = f'<div role="complementary" class="box"><h3>Facts about the bridge</h3><ul><li>{P5}</li></ul></div>'
    body = f'<article><div class="text"><p>{P1}</p><p>{P2}</p>{box}<p>{P3}</p></div></article>'
    assert body_of(body) == [P1, P2, P3]


def test_read_also_links_and_linked_teasers_inside_the_story_are_left_out():
    teaser = f'<div class="teaser"><a href="/b"><p>{P5}</p></a></div>'
    body = f"""<article><div class="text"><p>{P1}</p><p><b>Read also: <a href="/a">The bridge that nobody
    wanted to build</a></b></p><p>{P2}</p>{teaser}<p>It also <a href="/c">co-ordinates the repairs with the
    county and the railway</a>.</p></div></article>"""
    assert body_of(body) == [P1, P2, "It also co-ordinates the repairs with the county and the railway."]


def test_marked_bodies_and_bylines_are_found_however_the_attribute_is_quoted():
    """The fallbacks skip a query when the page's source cannot hold what it looks for:
    never when it does, quoted or not, and always on a selector (no source at hand)."""
    for quoted in ('"articleBody"', "'articleBody'", "articleBody"):
        other = "Menu one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
        assert len(P1) < len(other) < 1.5 * len(P1)  # the densest block, unless the marked body is found
        html = (f"<div class=x><p>{other}</p></div>"
                f"<div itemprop={quoted}><p>{P1}</p></div><span rel=author>Jane Doe</span>")
        assert body_of(html) == [P1], quoted
        assert extract_article_fields(Selector(text=html)).body == [P1]
    assert extract_article_fields(page("<p>x</p><a rel='author' href='/a'>Jane Doe</a>")).authors == ["Jane Doe"]
    assert extract_article_fields(page("<p>x</p><div class='Byline'>By Jane Doe</div>")).authors == ["Jane Doe"]


def test_the_intro_in_the_story_element_comes_with_the_rest_nested_below_it():
    rest = "".join(f"<p>{t}</p>" for t in (P3, P4, P5) * 2)
    body = f"""<div class="story-body"><div class="media"><img src="a.jpg"></div>
    <div class="story-intro"><p><strong>{P1}</strong></p></div><p>{P2}</p><p>{P4}</p>
    <div><div>{rest}</div></div></div><div class="more"><p>Copyright Example Media.</p></div>"""
    assert body_of(body) == [P1, P2, P4] + [P3, P4, P5] * 2


def test_captions_inside_a_photo_block_are_no_paragraph():
    photo = ('<div class="photo"><img src="a.jpg">'
             '<span class="newsCaption">The old bridge at dawn, seen from the east</span></div>')
    body = f'<div class="text-description"><p>{P1}</p>{photo}<p>{P2}</p><p>{P3}</p></div>'
    assert body_of(body) == [P1, P2, P3]


def test_subheadings_in_blocks_of_their_own_between_the_story_blocks_are_kept():
    def block(inner: str) -> str:
        return f'<section class="content-group"><div class="inline">{inner}</div></section>'
    body = "".join([block(f"<p>{P1}</p><p>{P2}</p>"), block("<h3>What the council said</h3>"),
                    block(f"<p>{P3}</p><p>{P4}</p>"), block("<h3>Related</h3>")])
    assert body_of(f"<article>{body}</article>") == [P1, P2, "What the council said", P3, P4]


def test_declared_language_is_the_html_elements_lang():
    import parsel

    from newsarchive.extraction.article_fields import page_language

    cases = {
        '<html lang="en-GB"><body><p>x</p></body></html>': "en",
        '<html lang=" DE_at "><p>x</p></html>': "de",
        '<html><body lang="fr"><p>x</p></body></html>': None,  # only <html lang> declares
        '<!DOCTYPE html><html lang=""><p>x</p></html>': None,
        "<p>no html element written</p>": None,
    }
    for markup, expected in cases.items():
        page = parsel.Selector(text=markup)
        assert page_language(page) == expected, markup
