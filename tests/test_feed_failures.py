"""A feed that cannot be written stops the crawl, and loses nothing for good.

Real crawls of the offline sample site in subprocesses (``newsarchive crawl``, or
``run_crawl`` where the command's own checks would refuse to start), against real failures: ``items.jsonl`` is a directory; ``items.jsonl`` lives on a tmpfs of 8 KiB
that fills up mid-crawl (ENOSPC, after a short write); a feed whose last line a crash
tore. The seen-URL assertions need ``DedupePipeline.item_scraped`` to consult
:func:`newsarchive.job.item_feed.feed_failed`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, require, run_cli
from newsarchive.job.dedupe import canonical_url
from newsarchive.job.item_feed import FEED_WRITE_FAILED, TORN_TAIL_BYTES_STAT, TORN_TAIL_STAT, WRITE_FAILED_STAT

SEEN_NEEDS_WIRING = (
    "seen-urls.txt records URLs whose items are not in the feed: "
    "DedupePipeline.item_scraped must return early when newsarchive.job.item_feed.feed_failed(crawler)"
)


RUN_CRAWL = """
import json, sys
from newsarchive.runner.crawl_job import run_crawl
result = run_crawl("timesca", sys.argv[1], {"base_url": sys.argv[2]}, {"LOG_LEVEL": "INFO"})
print(json.dumps({"ok": result.ok, "finish_reason": result.stats.get("finish_reason")}))
"""


def run_crawl_in_subprocess(site: Any, out: Path) -> tuple[dict[str, Any], str]:
    """``newsarchive.runner.crawl_job.run_crawl`` (once per process: Twisted's reactor does not restart)."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_CRAWL, str(out), site.url], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


def crawl(site: Any, out: Path, *settings: str) -> subprocess.CompletedProcess[str]:
    """``newsarchive crawl timesca --out OUT``, as a user types it."""
    args = ["crawl", "timesca", "--out", str(out), "-a", f"base_url={site.url}", "--log-level", "INFO"]
    for setting in settings:
        args += ["-s", setting]
    return run_cli(*args)


def last_run(out: Path) -> dict[str, Any]:
    return json.loads((out / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])


def feed_items(path: Path) -> list[dict[str, Any]]:
    """Every line of the feed, each of which must be a whole JSON object."""
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), f"torn last line: {data[-200:]!r}"
    return [json.loads(line) for line in data.splitlines()]  # raises on a torn line


def site_urls(site: Any) -> set[str]:
    return {site.content.article(i).url(site.url) for i in range(len(site.content))}


def archived(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items of archived articles (not teasers of articles whose page failed)."""
    return [item for item in items if not item.get("fetch_error")]


def assert_whole_site_in_feed(site: Any, items: list[dict[str, Any]]) -> None:
    """Nothing lost: every article is in the feed (archived, or as a failed page's teaser), once."""
    urls = [item["url"] for item in archived(items)]
    assert len(urls) == len(set(urls)), "an article archived twice"
    assert {item["url"] for item in items} == site_urls(site)


def seen_urls(out: Path) -> list[str]:
    path = out / "seen-urls.txt"
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] if path.exists() else []


def expected_seen(site: Any, items: list[dict[str, Any]]) -> tuple[set[str], int]:
    """Canonical URLs the dedupe file should hold for archived ``items``, and how many of
    them are redirect sources (the pipeline also remembers the legacy URL a teaser linked to)."""
    specs = {site.content.article(i).url(site.url): site.content.article(i) for i in range(len(site.content))}
    urls: set[str] = set()
    redirects = 0
    for item in archived(items):
        urls.add(canonical_url(item["url"]))
        spec = specs.get(item["url"])
        if spec is not None and spec.edge == "redirect":
            urls.add(canonical_url(spec.teaser_url(site.url)))
            redirects += 1
    return urls, redirects


def assert_seen_matches_feed(site: Any, out: Path, items: list[dict[str, Any]]) -> None:
    """Every URL recorded as seen has its item whole in the feed, and every archived item is seen."""
    lines = seen_urls(out)
    seen = {canonical_url(url) for url in lines}
    expected, redirects = expected_seen(site, items)
    assert len(lines) == len(seen)
    assert not seen - expected, f"{SEEN_NEEDS_WIRING}: {sorted(seen - expected)}"
    assert not expected - seen, f"archived items not recorded as seen: {sorted(expected - seen)}"
    assert len(lines) - redirects == len(archived(items))


def feed_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "[newsarchive.job.item_feed] ERROR" in line]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 KiB tmpfs (root only): the disk that fills up mid-crawl."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    require(sys.platform.startswith("linux") and os.geteuid() == 0, "mounting a tmpfs needs root on Linux")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8k,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True, text=True,
    )
    require(mounted.returncode == 0, f"cannot mount a tmpfs at {mount_point}: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_items_file_is_a_directory(sample_site: Any, tmp_path: Path) -> None:
    out = tmp_path / "job"
    (out / "items.jsonl").mkdir(parents=True)
    # `newsarchive crawl` refuses such a directory before it starts; run_crawl (the library,
    # `scrapy crawl -o`) meets it when the feed exporter opens the file at the first item.
    result, stderr = run_crawl_in_subprocess(sample_site, out)
    assert not result["ok"] and result["finish_reason"] == FEED_WRITE_FAILED
    run = last_run(out)
    assert run["finish_reason"] == FEED_WRITE_FAILED
    stats = run["stats"]
    assert stats[WRITE_FAILED_STAT] == stats["item_scraped_count"] >= 1  # every item lost, and counted
    assert stats["feedexport/failed_count/DurableFileFeedStorage"] == 1  # not "Stored ... feed"
    errors = feed_errors(stderr)
    assert len(errors) == 1, errors
    assert f"Cannot open the items feed {out / 'items.jsonl'}: Is a directory (EISDIR)" in errors[0]
    assert "Closing spider (feed_write_failed)" in stderr
    assert (out / "items.jsonl").is_dir()
    assert seen_urls(out) == [], SEEN_NEEDS_WIRING
    # the cause removed, the next run archives every article
    (out / "items.jsonl").rmdir()
    again = crawl(sample_site, out)
    assert again.returncode == 0, again.stderr[-3000:]
    items = feed_items(out / "items.jsonl")
    assert_whole_site_in_feed(sample_site, items)
    assert_seen_matches_feed(sample_site, out, items)


def test_disk_full_mid_crawl(sample_site: Any, tmp_path: Path, small_disk: Path) -> None:
    out = tmp_path / "job"
    out.mkdir()
    (out / "items.jsonl").symlink_to(small_disk / "items.jsonl")  # the rest of the job on the big disk
    result = crawl(sample_site, out)
    assert result.returncode == 1, result.stderr[-3000:]
    run = last_run(out)
    assert run["finish_reason"] == FEED_WRITE_FAILED
    stats = run["stats"]
    errors = feed_errors(result.stderr)
    assert len(errors) == 1, errors
    assert f"Cannot write to the items feed {out / 'items.jsonl'}: No space left on device (ENOSPC)" in errors[0]
    items = feed_items(small_disk / "items.jsonl")  # the item that did not fit was cut back: no torn line
    assert 1 <= len(items) < len(site_urls(sample_site))
    assert stats[WRITE_FAILED_STAT] == stats["item_scraped_count"] - len(items)
    assert_seen_matches_feed(sample_site, out, items)
    # room again: the next run fetches what was lost, and appends after whole lines
    subprocess.run(["mount", "-o", "remount,size=1m", str(small_disk)], check=True)
    again = crawl(sample_site, out)
    assert again.returncode == 0, again.stderr[-3000:]
    assert TORN_TAIL_STAT not in last_run(out)["stats"]
    items = feed_items(small_disk / "items.jsonl")
    assert_whole_site_in_feed(sample_site, items)
    assert_seen_matches_feed(sample_site, out, items)


@pytest.mark.parametrize("sort", ["true", "false"], ids=["repaired-by-SortedFeeds", "repaired-by-storage"])
def test_torn_last_line_is_cut_off_before_the_next_run_appends(sample_site: Any, tmp_path: Path, sort: str) -> None:
    out = tmp_path / "job"
    first = crawl(sample_site, out, f"NEWSARCHIVE_SORT_ITEMS={sort}")
    assert first.returncode == 0, first.stderr[-3000:]
    feed = out / "items.jsonl"
    lines = feed.read_bytes().splitlines(keepends=True)
    assert_whole_site_in_feed(sample_site, [json.loads(line) for line in lines])
    # A crash while writing: five archived items never made it whole; the last one is half on disk.
    lost = [i for i, line in enumerate(lines) if not json.loads(line).get("fetch_error")][:5]
    lost_items = [json.loads(lines[i]) for i in lost]
    earlier = b"".join(line for i, line in enumerate(lines) if i not in lost)
    torn = lines[lost[0]][: len(lines[lost[0]]) // 2]
    feed.write_bytes(earlier + torn)
    lost_urls, _ = expected_seen(sample_site, lost_items)
    kept = [url for url in seen_urls(out) if canonical_url(url) not in lost_urls]
    (out / "seen-urls.txt").write_text("".join(url + "\n" for url in kept), encoding="utf-8")

    second = crawl(sample_site, out, f"NEWSARCHIVE_SORT_ITEMS={sort}")
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"Cut off a torn last line of {len(torn)} bytes at the end of {feed}" in second.stderr
    stats = last_run(out)["stats"]
    assert stats[TORN_TAIL_STAT] == 1 and stats[TORN_TAIL_BYTES_STAT] == len(torn)
    data = feed.read_bytes()
    assert data.startswith(earlier)  # the earlier runs' items untouched, this run's after them
    items = feed_items(feed)
    appended = archived(items[earlier.count(b"\n"):])
    assert sorted(item["url"] for item in appended) == sorted(item["url"] for item in lost_items)
    assert_whole_site_in_feed(sample_site, items)
    assert_seen_matches_feed(sample_site, out, items)
