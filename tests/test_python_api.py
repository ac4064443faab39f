"""``newsarchive.crawl()`` and ``newsarchive.replay()`` from one Python process, several
times (a notebook crawls, fixes something, crawls again, replays), leaving the caller's
logging and signal handlers as they were; failures raise ``CrawlFailed``."""

from __future__ import annotations

import logging
import signal
import socket
from pathlib import Path
from typing import Any

import pytest

import newsarchive
import newsarchive.runner.crawl_job  # noqa: F401 - imported first, as a crawl in this process would
import newsarchive.replay.handler  # noqa: F401 - the replay package too: newsarchive.replay stays callable
from newsarchive import CrawlFailed


def test_crawl_twice_and_replay_in_one_process(sample_site: Any, tmp_path: Path) -> None:
    handlers, sigint = list(logging.getLogger().handlers), signal.getsignal(signal.SIGINT)
    job = tmp_path / "job"
    args = {"base_url": sample_site.url, "max_pages": 1}
    first = newsarchive.crawl("timesca", job, args=args, settings={"DOWNLOAD_DELAY": 0})
    assert first.ok and first.outcome == "finished" and len(first.items) == 10
    assert job / "items.jsonl" in first.paths and any(p.suffix == ".gz" for p in first.paths)
    assert first.stats["item_scraped_count"] == 10 and "items written:  10" in first.summary
    second = newsarchive.crawl("timesca", job, args=args)
    assert second.ok and second.items == [] and job / "items.jsonl" not in second.paths
    replayed = newsarchive.replay(job, "timesca", tmp_path / "replayed.jsonl", args={"base_url": sample_site.url})
    assert replayed.ok and [i["url"] for i in replayed.items] == [i["url"] for i in first.items]
    assert (list(logging.getLogger().handlers), signal.getsignal(signal.SIGINT)) == (handlers, sigint)


def test_failures_raise_and_nothing_found_is_a_result(tmp_path: Path) -> None:
    with pytest.raises(CrawlFailed, match="unknown spider 'timescaa'") as refused:
        newsarchive.crawl("timescaa", tmp_path / "x")
    assert refused.value.result.status == 2 and not (tmp_path / "x").exists()
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    nothing = newsarchive.crawl(f"http://127.0.0.1:{port}/news/", tmp_path / "y", settings={"RETRY_TIMES": 0})
    assert nothing.status == 3 and nothing.outcome == "nothing" and nothing.items == []
