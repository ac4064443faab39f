"""Pages parsed in a worker thread (newsarchive.extraction.parse_ahead).

The tree a callback gets must be the one it would have built itself, usable from the
reactor thread though another thread built it; a page that does not parse ahead is
handed on as it came; a crawl gives the same items with the middleware on and off.
"""

from __future__ import annotations

import json
import threading
from copy import deepcopy
from pathlib import Path
from typing import Any

from conftest import run_cli
from scrapy.http import HtmlResponse, XmlResponse

from newsarchive.extraction.parse_ahead import build_tree
from newsarchive.sample_site import SampleSite

PAGE = (b"<html lang='en'><head><title>T</title></head><body><article><h1>Headline</h1>"
        b"<p>First \xc3\xa9 paragraph.</p><p>Second<br>line.</p></article><nav>x</nav></body></html>")


def test_the_tree_built_in_another_thread_is_the_one_scrapy_builds_and_works_here():
    ahead = HtmlResponse("https://example.org/a", body=PAGE, encoding="utf-8")
    done: list[bool] = []
    worker = threading.Thread(target=lambda: done.append(build_tree(ahead)))
    worker.start()
    worker.join()
    assert done == [True]
    built = ahead.selector  # cached by the thread: no second parse
    assert ahead.selector is built
    lazy = HtmlResponse("https://example.org/a", body=PAGE, encoding="utf-8").selector
    for query in ("//h1/text()", "//p//text()", "string(//article)", "/html/@lang"):
        assert built.xpath(query).getall() == lazy.xpath(query).getall()
    assert built.css("article p::text").getall() == ["First é paragraph.", "Second", "line."]
    copy = deepcopy(built.root)  # copied and changed on this thread, as the extraction does
    copy.find(".//nav").getparent().remove(copy.find(".//nav"))
    assert [e.tag for e in copy.iter()][:4] == ["html", "head", "title", "body"]
    assert built.root.find(".//nav") is not None


class _Unparsable(HtmlResponse):
    @property
    def selector(self) -> Any:
        raise ValueError("cannot parse")


def test_a_page_that_does_not_parse_ahead_is_passed_on_to_fail_where_it_always_did():
    assert build_tree(_Unparsable("https://example.org/b", body=b"<p>x</p>", encoding="utf-8")) is False


def _items(out: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (out / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    return sorted(({k: v for k, v in row.items() if k not in ("crawled_at", "warc")} for row in rows),
                  key=lambda row: row["url"])


def _stats(out: Path) -> dict[str, Any]:
    return json.loads((out / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])["stats"]


def test_a_crawl_gives_the_same_items_with_pages_parsed_ahead_or_not(tmp_path: Path):
    with SampleSite(articles=40) as site:
        for name, value in (("ahead", "True"), ("inline", "False")):
            done = run_cli("crawl", "timesca", "--out", str(tmp_path / name), "-a", f"base_url={site.url}",
                           "-s", f"NEWSARCHIVE_PARSE_AHEAD={value}", "-s", "NEWSARCHIVE_PROGRESS=off")
            assert done.returncode == 0, done.stderr[-2000:]
    ahead, inline = _stats(tmp_path / "ahead"), _stats(tmp_path / "inline")
    html_pages = ahead["newsarchive/articles/parsed"] + ahead["newsarchive/listing/pages"] - ahead.get(
        "newsarchive/feed/pages", 0)
    assert ahead["newsarchive/parse_ahead/pages"] >= html_pages > 40
    assert "newsarchive/parse_ahead/failed" not in ahead
    assert not any(key.startswith("newsarchive/parse_ahead/") for key in inline)
    assert _items(tmp_path / "ahead") == _items(tmp_path / "inline")
    assert len(_items(tmp_path / "ahead")) == 40


def test_feeds_and_sitemaps_are_not_parsed_ahead_and_the_setting_turns_it_off():
    import pytest
    from scrapy.exceptions import NotConfigured
    from scrapy.http import Request
    from scrapy.utils.test import get_crawler

    from newsarchive.extraction.parse_ahead import ParseAheadMiddleware

    crawler = get_crawler(settings_dict={"NEWSARCHIVE_PARSE_AHEAD": True})
    crawler.stats.open_spider()
    middleware = ParseAheadMiddleware.from_crawler(crawler)
    feed = XmlResponse("https://example.org/feed", body=b"<rss><channel/></rss>")
    with pytest.raises(StopIteration) as returned:  # returns without waiting for anything
        middleware.process_response(Request(feed.url), feed).send(None)
    assert returned.value.value is feed
    assert crawler.stats.get_value("newsarchive/parse_ahead/pages") is None
    with pytest.raises(NotConfigured):
        ParseAheadMiddleware.from_crawler(get_crawler(settings_dict={"NEWSARCHIVE_PARSE_AHEAD": False}))
