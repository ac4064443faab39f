"""The items feed: stable order (each run's items sorted at the end), whole lines only."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.job.item_feed import repair_torn_tail, sort_jsonl_tail
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


def test_a_run_sorted_in_chunks_is_sorted_the_same(tmp_path: Path) -> None:
    """Past SORT_CHUNK keys, sorted runs spill to nameless files and merge: same bytes."""
    import random

    rng = random.Random(5)
    lines = [line(f"https://a/{rng.randrange(10**6)}",
                  None if n % 7 == 0 else f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00+00:00")
             for n in range(2000)] + [b"not json either\n", b'{"url": "https://a/\\ud800-lone-surrogate"}\n']
    rng.shuffle(lines)
    whole, chunked = tmp_path / "whole.jsonl", tmp_path / "chunked" / "items.jsonl"
    chunked.parent.mkdir()
    for path in (whole, chunked):
        path.write_bytes(b"".join(lines))
    assert sort_jsonl_tail(whole, 0) == sort_jsonl_tail(chunked, 0, chunk=64) == 2002
    assert chunked.read_bytes() == whole.read_bytes() != b"".join(lines)
    assert [p.name for p in chunked.parent.iterdir()] == ["items.jsonl"]  # no run file left


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


# -- a torn last line (a crash mid-write) is cut off before the next run appends --------

WHOLE = line("https://a/1", None) + line("https://a/2", "2025-12-06T10:00:00+05:00")


@pytest.mark.parametrize(
    "tail",
    [
        line("https://a/3", None)[:20],  # cut mid-item: no newline
        b'{"url": "https://a/3"',  # ends right before the closing brace
        b"\0" * 3000,  # a crash that left zero-filled blocks (delayed allocation)
        b'{"url": "https://a/3", "title": "x\n',  # a newline, but not a whole item
        b"\xff\xfe\n",  # not even UTF-8
    ],
    ids=["mid-item", "before-brace", "zero-filled", "newline-not-json", "not-utf8"],
)
def test_torn_last_line_is_cut_off(tmp_path: Path, tail: bytes, caplog: pytest.LogCaptureFixture) -> None:
    feed = tmp_path / "items.jsonl"
    feed.write_bytes(WHOLE + tail)
    assert repair_torn_tail(feed) == len(tail)
    assert feed.read_bytes() == WHOLE  # cut off, not completed with a newline
    assert f"Cut off a torn last line of {len(tail)} bytes at the end of {feed}" in caplog.text
    assert repair_torn_tail(feed) == 0


def test_only_line_torn(tmp_path: Path) -> None:
    feed = tmp_path / "items.jsonl"
    feed.write_bytes(b'{"url": "htt')
    assert repair_torn_tail(feed) == 12
    assert feed.read_bytes() == b""


@pytest.mark.parametrize("content", [b"", WHOLE, WHOLE + b"\n", b"x" * 100_000 + b"\n" + WHOLE],
                         ids=["empty", "whole", "blank-last-line", "long-garbage-earlier"])
def test_whole_lines_are_left_alone(tmp_path: Path, content: bytes) -> None:
    feed = tmp_path / "items.jsonl"
    feed.write_bytes(content)
    assert repair_torn_tail(feed) == 0
    assert feed.read_bytes() == content


def test_a_whole_item_without_its_newline_is_kept(tmp_path: Path) -> None:
    """Only the newline is missing: the item is complete (and the dedupe catch-up counts it)."""
    feed = tmp_path / "items.jsonl"
    last = line("https://a/3", None)
    feed.write_bytes(WHOLE + last[:-1])
    assert repair_torn_tail(feed) == 0
    assert feed.read_bytes() == WHOLE + last


# -- a write that fails part-way leaves no torn line -------------------------------------

FILE_SIZE_LIMIT = """
import json, resource, signal, sys
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from newsarchive.job.item_feed import DurableFileFeedStorage, FeedWriteFailed, feed_failed

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the limit: EFBIG instead of a kill
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
crawler = get_crawler()
storage = build_from_crawler(DurableFileFeedStorage, crawler, sys.argv[1], feed_options={"overwrite": False})
file = storage.open(None)
file.write(b"a" * 599 + b"\\n")  # fits
try:
    file.write(b"b" * 799 + b"\\n")  # 400 bytes fit (a short write), then EFBIG
except OSError as exc:
    error = exc.errno
after_failure = feed_failed(crawler)
refused = file.write(b"c" * 9 + b"\\n")  # in flight while the crawl stops: not written
try:
    storage.store(file)
    stored = True
except FeedWriteFailed:
    stored = False
print(json.dumps({"errno": error, "failed": after_failure, "refused": refused, "stored": stored,
                  "stat": crawler.stats.get_value("newsarchive/feed/write_failed")}))
"""


def test_write_failing_part_way_is_cut_back_to_the_last_whole_line(tmp_path: Path) -> None:
    """A real short write then EFBIG: the process may not grow a file beyond 1000 bytes."""
    feed = tmp_path / "items.jsonl"
    done = subprocess.run([sys.executable, "-c", FILE_SIZE_LIMIT, str(feed)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result == {"errno": errno.EFBIG, "failed": True, "refused": 0, "stored": False, "stat": 2}
    assert feed.read_bytes() == b"a" * 599 + b"\n"
    assert f"Cannot write to the items feed {feed}: File too large (EFBIG) (the 400 bytes of the item already written were removed)" in done.stderr
