"""Article titles without the site's name: ``Headline | Site`` becomes ``Headline`` when
the page shows which part is the headline, and an ``<h1>`` that is the site's logo never
replaces a headline."""

from __future__ import annotations

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from newsarchive.extraction.article_fields import extract_article_fields, without_site_name


def page(h1: str = "", site: str = "", og: str = "") -> Selector:
    head = (f"<meta property='og:site_name' content='{site}'>" if site else "") + \
           (f"<meta property='og:title' content='{og}'>" if og else "")
    return Selector(text=f"<html><head>{head}</head><body><h1>{h1}</h1><p>Text.</p></body></html>")


@pytest.mark.parametrize(("title", "sel", "expected"), [
    ("横浜市、みなとみらいの再開発に反対｜港北新聞", page("横浜市、みなとみらいの再開発に反対"), "横浜市、みなとみらいの再開発に反対"),
    ("Gas prices rise again - The Daily", page("Gas prices rise again"), "Gas prices rise again"),
    ("The Daily | Gas prices rise again", page("Gas prices rise again"), "Gas prices rise again"),
    ("Gas prices rise again | The Daily", page("", site="The Daily"), "Gas prices rise again"),
    ("„Einsatz“ - Die Neue Tageszeitung", page("„Einsatz“ today", site="Die Neue Tageszeitung"), "„Einsatz“"),
    ("Short one - Die Neue Tageszeitung", page("Short one", site="Die Neue Tageszeitung"), "Short one"),
    # an <h1> around the logo is the site's name: the headline stays whole
    ("Gas prices rise again in the north | The Daily Herald", page("The Daily Herald"), "Gas prices rise again in the north | The Daily Herald"),
    ("Ministers meet in Astana | Times", page("Times of Asia"), "Ministers meet in Astana | Times"),
    # no separator, or the <h1> is the whole title: nothing to strip
    ("Gas prices: what next", page("Gas prices: what next"), "Gas prices: what next"),
    ("Breakpoint Hilfe für alle", page("Breakpoint Hilfe"), "Breakpoint Hilfe für alle"),
])
def test_site_names_are_stripped_only_when_the_page_says_so(title: str, sel: Selector, expected: str) -> None:
    assert without_site_name(title, sel) == expected


def test_the_host_names_the_site() -> None:
    body = ("<html><head><meta property='og:title' content='Short one - Kurier Online'></head>"
            "<body><h1>Short one</h1><p>Some text of the story.</p></body></html>")
    response = HtmlResponse("https://www.kurier.example/news/short-one", body=body.encode(), encoding="utf-8")
    assert extract_article_fields(response).title == "Short one"
