"""The job's state files on their own: atomic, checksummed, torn writes ignored."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsarchive.job import ListingWalks, RetryLedger
from newsarchive.job.state_file import StateDamaged, read_state, write_state


def test_state_file_round_trip_and_damage_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    assert read_state(path) is None
    write_state(path, {"walks": {"a": {"complete": True, "need": None}}})
    assert read_state(path) == {"walks": {"a": {"complete": True, "need": None}}}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary file left
    text = path.read_text()
    path.write_text(text[: len(text) // 2])  # torn copy
    with pytest.raises(StateDamaged, match="torn or damaged"):
        read_state(path)
    path.write_text(text.replace("true", "false"))  # edited
    with pytest.raises(StateDamaged, match="checksum"):
        read_state(path)


def test_a_walk_may_stop_early_only_once_it_reached_its_end(tmp_path: Path) -> None:
    path = tmp_path / "listing-state.json"
    walks = ListingWalks(path)
    walk = walks.begin("https://example.org/news/")
    assert not walk.complete and not walk.resumed
    walks.page_done(walk, teasers=10, unknown=0)
    assert not walk.may_stop_at_known_page()  # never walked to its end
    walks.finish(clean=True)  # the run finished, but this walk did not reach its end
    again = ListingWalks(path).begin("https://example.org/news/")
    assert again.resumed and not again.complete
    again.reached_end = True
    walks = ListingWalks(path)
    walk = walks.begin("https://example.org/news/")
    walk.reached_end = True
    walks.finish(clean=False)  # killed or interrupted: not complete
    assert not ListingWalks(path).begin("https://example.org/news/").complete
    walks = ListingWalks(path)
    walk = walks.begin("https://example.org/news/")
    walk.reached_end = True
    walks.finish(clean=True)
    daily = ListingWalks(path).begin("https://example.org/news/")
    assert daily.complete and not daily.resumed and daily.may_stop_at_known_page()


def test_an_interrupted_incremental_walk_must_pass_what_it_reached_plus_new_teasers(tmp_path: Path) -> None:
    path = tmp_path / "listing-state.json"
    walks = ListingWalks(path)
    walk = walks.begin("https://example.org/news/")
    walk.reached_end = True
    walks.finish(clean=True)
    # a daily run: 30 teasers passed, 12 of them new, then killed
    walks = ListingWalks(path)
    walk = walks.begin("https://example.org/news/")
    walks.page_done(walk, 10, 10)
    walks.page_done(walk, 10, 2)
    walks.page_done(walk, 10, 0)
    state = json.loads(path.read_text())["data"]["walks"]["https://example.org/news/"]
    assert state == {"complete": True, "need": 30}
    # the next run: 5 more new articles since; it may stop at a known page only past 30 + 5
    walks = ListingWalks(path)
    walk = walks.begin("https://example.org/news/")
    assert walk.resumed and walk.need == 30
    walks.page_done(walk, 10, 5)
    walks.page_done(walk, 10, 0)
    walks.page_done(walk, 10, 0)
    assert not walk.may_stop_at_known_page()
    walks.page_done(walk, 10, 0)
    assert walk.may_stop_at_known_page()


def test_retry_ledger_backs_off_gives_up_and_survives_torn_lines(tmp_path: Path) -> None:
    now = [datetime(2026, 1, 1, tzinfo=timezone.utc)]
    path = tmp_path / "failed-articles.jsonl"
    ledger = RetryLedger(path, max_retries=2, delay=60, clock=lambda: now[0])
    entry = ledger.failed("https://example.org/a?utm_source=x", "http_503", teaser={"title": "A"})
    assert entry.retry_after == "2026-01-01T00:01:00+00:00" and not ledger.due()
    now[0] += timedelta(seconds=61)
    assert [e.url for e in ledger.due()] == ["https://example.org/a?utm_source=x"]
    entry = ledger.failed("https://example.org/a", "timeout")
    assert entry.attempts == 2 and entry.retry_after == "2026-01-01T00:03:01+00:00"  # twice the wait
    entry = ledger.failed("https://example.org/a", "timeout")
    assert entry.gave_up and "https://example.org/a" in ledger
    ledger.failed("https://example.org/b", "http_404", teaser={"title": "B"})
    assert ledger.succeeded("https://example.org/b") and not ledger.succeeded("https://example.org/b")
    ledger.close()
    with path.open("a") as fh:
        fh.write('{"url": "https://example.org/c", "reason": "ti')  # killed mid-line
    again = RetryLedger(path, clock=lambda: now[0])
    assert again.damaged_lines == 1
    assert set(again.entries) == {"https://example.org/a"} and again.get("https://example.org/a").gave_up
    assert again.get("https://example.org/a").teaser == {"title": "A"}
    # compacted: the torn line is gone, one line per open entry
    assert len(path.read_text().splitlines()) == 1
