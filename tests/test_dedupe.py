"""Canonical URLs and the persistent set of seen article URLs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsarchive.job.dedupe import SeenUrls, canonical_url, is_tracking_param

BASE = "https://timesca.com/news/kazakhstan-proposes-cash-rewards"


@pytest.mark.parametrize(
    "variant",
    [
        BASE,
        BASE + "#comments",
        BASE + "?utm_source=newsletter&utm_medium=email&utm_campaign=dec",
        BASE + "?UTM_Source=x",
        BASE + "?fbclid=IwAR0abc",
        BASE + "?gclid=1&mc_cid=2&mc_eid=3&yclid=4&_ga=5",
        "HTTPS://TimesCA.com/news/kazakhstan-proposes-cash-rewards",
        "https://timesca.com:443/news/kazakhstan-proposes-cash-rewards",
        "  https://timesca.com/news/kazakhstan-proposes-cash-rewards\n",
    ],
)
def test_equivalent_urls_have_one_canonical_form(variant: str) -> None:
    assert canonical_url(variant) == BASE


@pytest.mark.parametrize(
    "a, b",
    [
        (BASE, BASE + "/"),  # servers may treat these differently
        (BASE, "http://timesca.com/news/kazakhstan-proposes-cash-rewards"),
        (BASE, "https://timesca.com/NEWS/kazakhstan-proposes-cash-rewards"),
        (BASE + "?page=2", BASE + "?page=3"),
        (BASE + "?ref=home", BASE),  # "ref" can select content: kept
        ("https://timesca.com:8443/x", "https://timesca.com/x"),
    ],
)
def test_different_urls_stay_different(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


def test_canonical_url_normalises_query_and_encoding() -> None:
    assert canonical_url("http://Example.com:80/a%7eb/?b=2&a=1&utm_term=x") == "http://example.com/a~b/?a=1&b=2"
    assert canonical_url("https://x.kz/новости?q=тенге") == canonical_url(
        "https://x.kz/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8?q=%D1%82%D0%B5%D0%BD%D0%B3%D0%B5"
    )
    # Non-UTF-8 escapes survive tracking-parameter removal untouched.
    assert canonical_url("https://x.ru/s?q=%E0%F2&utm_source=a") == "https://x.ru/s?q=%E0%F2"
    assert canonical_url("http://[::1]:80/x") == "http://[::1]/x"


@pytest.mark.parametrize("bad", ["", "   ", "not a url", "http://x.com:99999/p#frag", "mailto:someone@example.com"])
def test_canonical_url_never_raises(bad: str) -> None:
    assert isinstance(canonical_url(bad), str)
    assert "#" not in canonical_url(bad)


def test_tracking_params_are_a_short_known_list() -> None:
    assert is_tracking_param("utm_content") and is_tracking_param("fbclid") and is_tracking_param("GCLID")
    assert not any(is_tracking_param(p) for p in ("ref", "id", "page", "source", "q", "lang"))


def test_seen_urls_in_memory() -> None:
    seen = SeenUrls()
    assert seen.add(BASE + "?utm_source=x")
    assert not seen.add(BASE + "#top")
    assert BASE in seen and (BASE + "?fbclid=1") in seen
    assert "https://timesca.com/news/other" not in seen
    assert None not in seen  # type: ignore[operator]
    assert len(seen) == 1 and seen.path is None


def test_seen_urls_persist_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "out" / "seen-urls.txt"
    with SeenUrls(path) as first:
        assert first.add(BASE + "?utm_source=x")
        assert first.add("https://timesca.com/news/b")
        # Written and flushed at once: a killed crawl keeps what it saw.
        assert path.read_text(encoding="utf-8").splitlines() == [BASE, "https://timesca.com/news/b"]
    with SeenUrls(path) as second:
        assert second.loaded == 2
        assert BASE in second and "https://timesca.com/news/b#x" in second
        assert not second.add(BASE)
        assert second.add("https://timesca.com/news/c")
    assert path.read_text(encoding="utf-8").splitlines() == [BASE, "https://timesca.com/news/b", "https://timesca.com/news/c"]


def test_seen_urls_after_an_abrupt_append(tmp_path: Path) -> None:
    """A last line without its newline (a crawl killed mid-write) is not trusted: it may be
    a URL cut short. It is removed from the file, and the next URL is not glued to it."""
    path = tmp_path / "seen-urls.txt"
    path.write_text(f"{BASE}\n\nhttps://timesca.com/news/b-cut-sh", encoding="utf-8")
    with SeenUrls(path) as seen:
        assert seen.loaded == 1
        assert seen.torn == "https://timesca.com/news/b-cut-sh"
        assert "https://timesca.com/news/b-cut-sh" not in seen
        seen.add("https://timesca.com/news/c")
    with SeenUrls(path) as again:
        assert again.loaded == 2 and again.torn is None
        assert "https://timesca.com/news/c" in again
    assert path.read_text(encoding="utf-8").splitlines() == [BASE, "", "https://timesca.com/news/c"]


def test_seen_urls_reads_crlf_files(tmp_path: Path) -> None:
    path = tmp_path / "seen-urls.txt"
    path.write_bytes(f"{BASE}\r\nhttps://timesca.com/news/b\r\n".encode())
    with SeenUrls(path) as seen:
        assert seen.loaded == 2 and BASE in seen


def test_feed_tail_urls_reads_whole_lines_only(tmp_path: Path) -> None:
    from newsarchive.job.item_feed import feed_tail_urls

    feed = tmp_path / "items.jsonl"
    lines = [json.dumps({"url": f"https://timesca.com/news/{i}", "title": "x" * 50}) for i in range(100)]
    feed.write_text("\n".join(lines) + '\n{"url": "https://timesca.com/torn', encoding="utf-8")
    assert feed_tail_urls(feed) == [f"https://timesca.com/news/{i}" for i in range(100)]
    tail = feed_tail_urls(feed, max_bytes=len(lines[-1]) * 3)  # starts mid-line: skipped
    assert tail == [f"https://timesca.com/news/{i}" for i in (98, 99)]


def test_items_exported_but_not_remembered_are_caught_up(tmp_path: Path) -> None:
    """A crawl killed between exporting an item and writing its URL must not export it twice."""
    from scrapy.utils.test import get_crawler

    from newsarchive.pipelines import DedupePipeline

    seen_file, feed = tmp_path / "seen-urls.txt", tmp_path / "items.jsonl"
    seen_file.write_text("https://timesca.com/news/a\n", encoding="utf-8")
    feed.write_text("".join(json.dumps({"url": f"https://timesca.com/news/{x}"}) + "\n" for x in "ab"),
                    encoding="utf-8")

    def opened(seen_path: Path) -> Any:
        crawler = get_crawler(settings_dict={
            "NEWSARCHIVE_SEEN_FILE": str(seen_path),
            "FEEDS": {str(feed): {"format": "jsonlines"}, "s3://bucket/x.jsonl": {"format": "jsonlines"}},
        })
        crawler.stats.open_spider()
        pipeline = DedupePipeline.from_crawler(crawler)
        pipeline.spider_opened(type("Spider", (), {})())
        return pipeline, crawler.stats

    pipeline, stats = opened(seen_file)
    assert "https://timesca.com/news/b" in pipeline.seen
    assert stats.get_value("newsarchive/dedupe/caught_up_from_feed") == 1
    pipeline.spider_closed(None)
    assert seen_file.read_text().split() == ["https://timesca.com/news/a", "https://timesca.com/news/b"]
    # a deleted seen file still means "crawl everything again"
    fresh, _ = opened(tmp_path / "new-seen.txt")
    assert len(fresh.seen) == 0
