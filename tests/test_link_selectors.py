"""A ``url`` or ``next_page`` selector that selects an ``<a>`` (not its ``::attr(href)``)
follows the link, as Scrapy's ``response.follow`` does: link text never becomes a URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parsel import Selector

from job_runs import read_jsonl
from newsarchive.extraction.selectors import first_link
from test_job_outcomes import article, crawl, listing

PAGE = Selector(text=(
    '<div class="t"><h3><a href="/one/">One story</a></h3></div>'
    '<div class="t"><h3 class="bare">No link here</h3></div>'
    '<nav><a class="next" href="?page=2"> Next </a></nav>'
))


def test_an_element_gives_its_href_or_the_first_link_inside_it() -> None:
    assert first_link(PAGE, "h3 a") == "/one/"
    assert first_link(PAGE, "h3") == "/one/"  # the heading holds the link
    assert first_link(PAGE, "a.next") == "?page=2"
    assert first_link(PAGE, "a.next::attr(href)") == "?page=2"
    assert first_link(PAGE, "xpath://a[@class='next']/@href") == "?page=2"
    assert first_link(PAGE, "h3.bare") is None  # no link: never its text
    assert first_link(PAGE, "p.none") is None and first_link(PAGE, None) is None


def test_a_site_file_selecting_links_crawls_every_page(static_site: Any, tmp_path: Path) -> None:
    pages = static_site.pages
    pages["/list/"] = listing([("/a/", "Alpha"), ("/b/", "Beta")], next_href="/list/2/")
    pages["/list/2/"] = listing([("/c/", "Gamma")])
    for path, title in (("/a/", "Alpha"), ("/b/", "Beta"), ("/c/", "Gamma")):
        pages[path] = article(title)
    site = tmp_path / "links.toml"
    site.write_text(
        f'name = "links"\nstart_urls = ["{static_site.url}/list/"]\nallowed_domains = ["127.0.0.1"]\n'
        '[listing]\nitem = "li.teaser"\nurl = "a"\ntitle = "a"\nnext_page = "a.next"\n',
        encoding="utf-8",
    )
    result = crawl(site, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    items = read_jsonl(tmp_path / "out" / "items.jsonl")
    assert sorted(i["url"].rsplit("/", 2)[-2] for i in items) == ["a", "b", "c"]
    assert all(i["fetch_error"] is None for i in items)


def test_teaser_selectors_without_next_page_still_walk_every_page(static_site: Any, tmp_path: Path) -> None:
    pages = static_site.pages
    pages["/list/"] = listing([("/a/", "Alpha")], next_href="/list/2/")
    pages["/list/2/"] = listing([("/b/", "Beta")])
    pages["/a/"], pages["/b/"] = article("Alpha"), article("Beta")
    site = tmp_path / "nonext.toml"
    site.write_text(
        f'name = "nonext"\nstart_urls = ["{static_site.url}/list/"]\nallowed_domains = ["127.0.0.1"]\n'
        '[listing]\nitem = "li.teaser"\nurl = "a"\ntitle = "a"\n',
        encoding="utf-8",
    )
    result = crawl(site, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert sorted(i["title"] for i in read_jsonl(tmp_path / "out" / "items.jsonl")) == ["Alpha", "Beta"]
