"""Stable item order: each run's items are sorted when the crawl ends."""

from __future__ import annotations

import json
from pathlib import Path

from newsarchive.feeds import sort_jsonl_tail
from test_cli import scrapy


def line(url: str, published: str | None) -> bytes:
    return json.dumps({"url": url, "published": published}).encode() + b"\n"


def test_only_this_runs_lines_are_sorted(tmp_path: Path) -> None:
    feed = tmp_path / "items.jsonl"
    earlier = line("https://a/old-run-2", None) + line("https://a/old-run-1", "2020-01-01T00:00:00+00:00")
    this_run = [
        line("https://a/undated", None),
        line("https://a/b", "2025-12-06T10:00:00+05:00"),
        b"not json\n",
        line("https://a/a", "2025-12-06T10:00:00+05:00"),
        line("https://a/newest", "2025-12-07T08:00:00+00:00"),
    ]
    feed.write_bytes(earlier + b"".join(this_run)[:-1])  # last line without its newline
    assert sort_jsonl_tail(feed, len(earlier)) == 5
    assert feed.read_bytes() == earlier + b"".join(
        [this_run[4], this_run[3], this_run[1], this_run[0], b"not json\n"]
    )
    # sorting again changes nothing
    before = feed.read_bytes()
    sort_jsonl_tail(feed, len(earlier))
    assert feed.read_bytes() == before


def test_output_is_identical_whatever_the_concurrency(sample_site, tmp_path: Path) -> None:
    outputs = []
    for concurrency in ("1", "16"):
        out = tmp_path / f"items-{concurrency}.jsonl"
        result = scrapy(
            "crawl", "timesca", "-a", f"base_url={sample_site.url}", "-O", str(out),
            "-s", f"CONCURRENT_REQUESTS={concurrency}", "-s", f"NEWSARCHIVE_WARC_ENABLED=false",
            "-s", "LOG_LEVEL=WARNING",
        )
        assert result.returncode == 0, result.stderr[-2000:]
        items = [json.loads(x) for x in out.read_text().splitlines()]
        for item in items:  # fetch times and archive pointers differ between two live crawls
            item.pop("crawled_at")
            item.pop("warc", None)
        outputs.append(items)
    assert len(outputs[0]) == 30
    assert outputs[0] == outputs[1]
    published = [item["published"] for item in outputs[0] if item["published"]]
    assert published == sorted(published, reverse=True)
