"""Job integrity for real: a crawl killed at any moment is completed by a plain re-run.

Each test starts the offline sample site in this process and runs ``newsarchive crawl``
as a subprocess in its own process group, stopped with real signals at chosen moments.
"""

from __future__ import annotations

import collections
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from job_runs import REPO_ROOT, Run, count_lines, crawl_args, read_jsonl, run_crawl_cli
from newsarchive.sample_site import SampleSite

pytestmark = pytest.mark.slow

ARTICLES = 240  # 24 listing pages of 10


def expected_urls(site: SampleSite) -> set[str]:
    return {spec.url(site.url) for spec in site.visible_articles()}


def assert_job_complete(out: Path, site: SampleSite, runs: list[Run]) -> None:
    """Every article exactly once, the archive sound and finished, the index complete."""
    items = read_jsonl(out / "items.jsonl")
    urls = [item["url"] for item in items]
    repeated = sorted(u for u, n in collections.Counter(urls).items() if n > 1)
    expected = expected_urls(site)
    history = "\n---\n".join(r.stderr[-1500:] for r in runs)
    assert not repeated, (repeated, history)
    assert set(urls) == expected, (sorted(expected - set(urls))[:10], sorted(set(urls) - expected)[:10], history)
    failed = [item for item in items if item.get("fetch_error")]
    assert [item["fetch_error"] for item in failed] == ["http_404"]  # the sample site's broken teaser
    assert not list((out / "warc").glob("*.open"))
    verify = subprocess.run([sys.executable, "-m", "newsarchive", "verify", str(out / "warc"),
                             "--items", str(out / "items.jsonl")],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-2000:]


def rerun_until_done(args: list[str], runs: list[Run], limit: int = 4) -> Run:
    for _ in range(limit):
        run = run_crawl_cli(args)
        runs.append(run)
        if run.status == 0:
            return run
    raise AssertionError("the job never finished:\n" + "\n---\n".join(r.stdout + r.stderr[-1500:] for r in runs))


def test_sigkill_at_any_moment_then_the_same_command_completes_the_job(tmp_path: Path) -> None:
    out = tmp_path / "job"
    with SampleSite(articles=ARTICLES) as site:
        args = crawl_args(out, site.url, "--log-level", "DEBUG")
        moments = [
            ("during listing pages", count_lines("/latest/page/3/>", 1), True),
            ("during article pages", count_lines("Scraped from <200", 40), True),
            ("crawl process alone, during article pages", count_lines("Scraped from <200", 25), False),
            ("during shut-down", count_lines("Closing spider (finished)", 1), True),
        ]
        runs: list[Run] = []
        for name, when, group in moments:
            run = run_crawl_cli(args, stop_when=when, sig=signal.SIGKILL, group=group)
            runs.append(run)
            assert run.stopped or run.status == 0, (name, run.stderr[-2000:])
        final = rerun_until_done(args, runs)
        assert_job_complete(out, site, runs)
        # the runs after a kill said they were resuming, and what they fetched again
        assert any("resumed:" in r.stdout for r in runs[1:]), [r.stdout for r in runs]
        # articles whose item was written are never fetched again; the pages in flight at a
        # kill (downloaded, their items not yet written) are: at most the crawl's
        # concurrency plus the items waiting for their records, per kill
        article_hits = {t: n for t, n in site.hits.items()
                        if "/latest/" not in t and not t.startswith("/feed/") and t.count("/") == 2}
        twice = {t: n for t, n in article_hits.items() if n > 1}
        kills = sum(r.stopped for r in runs)
        assert len(twice) <= 32 * kills, twice
        assert max(article_hits.values()) <= 1 + kills
        assert "outcome:        finished" in final.stdout


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_sigint_or_sigterm_to_the_process_group_ends_the_run_cleanly(tmp_path: Path, sig: int) -> None:
    out = tmp_path / "job"
    with SampleSite(articles=ARTICLES) as site:
        args = crawl_args(out, site.url, "--log-level", "DEBUG")
        stopped = run_crawl_cli(args, stop_when=count_lines("Scraped from <200", 30), sig=sig)
        assert stopped.stopped
        assert stopped.status == 1, stopped.stdout + stopped.stderr[-3000:]
        assert "interrupted" in stopped.stdout and "run the same command again" in stopped.stdout
        assert "warc_write_failed" not in stopped.stdout + stopped.stderr
        warc = out / "warc"
        assert not list(warc.glob("*.open")), "the writer did not finish its file"
        assert not [p for p in warc.iterdir() if p.name.endswith(("-wal", "-shm", "-journal"))]
        last = read_jsonl(out / "runs.jsonl")[-1]
        assert last["outcome"] == "interrupted" and last["status"] == 1
        runs = [stopped]
        rerun_until_done(args, runs)
        assert_job_complete(out, site, runs)


def test_an_interrupted_daily_run_is_finished_by_the_next_one_without_a_full_walk(tmp_path: Path) -> None:
    out = tmp_path / "job"
    with SampleSite(articles=ARTICLES, hidden_newest=35) as site:
        args = crawl_args(out, site.url, "--log-level", "DEBUG")
        runs = [rerun_until_done(args, [])]
        site.publish(35)  # a day later: 35 new articles, pushing the others down
        site.reset_hits()
        killed = run_crawl_cli(args, stop_when=count_lines("Scraped from <200", 12))
        runs.append(killed)
        assert killed.stopped
        runs.append(rerun_until_done(args, runs))
        assert_job_complete(out, site, runs)
        listing_pages = {t for t in site.hits if t.startswith("/latest/")}
        assert len(listing_pages) < 10, sorted(listing_pages)  # not the whole 28-page listing


def test_new_articles_between_runs_are_fetched_alone(tmp_path: Path) -> None:
    out = tmp_path / "job"
    with SampleSite(articles=120, hidden_newest=15) as site:
        args = crawl_args(out, site.url)
        first = run_crawl_cli(args)
        assert first.status == 0, first.stdout + first.stderr[-2000:]
        site.publish(15)
        site.reset_hits()
        second = run_crawl_cli(args)
        assert second.status == 0, second.stdout + second.stderr[-2000:]
        assert "items written:  15" in second.stdout, second.stdout
        fetched_articles = {t for t in site.hits if not t.startswith(("/latest/", "/feed/", "/robots.txt", "/index.php/"))}
        assert fetched_articles == {spec.path for spec in site.visible_articles()[:15]}  # the new ones, once
        assert {t for t in site.hits if t.startswith("/feed/")} == {"/feed/"}  # its first page: all found already
        assert_job_complete(out, site, [first, second])


def test_an_article_that_fails_is_retried_by_the_next_run_and_then_archived(tmp_path: Path) -> None:
    out = tmp_path / "job"
    flaky = 4  # answers 503 three times: more than the run's own retries (RETRY_TIMES=2)
    with SampleSite(articles=40, flaky={flaky: 3}) as site:
        spec = site.content.article(flaky)
        args = crawl_args(out, site.url, "-s", "NEWSARCHIVE_RETRY_FAILED_DELAY=0")
        first = run_crawl_cli(args)
        assert first.status == 0, first.stdout + first.stderr[-2000:]
        assert "http_503=1" in first.stdout
        (teaser,) = [i for i in read_jsonl(out / "items.jsonl") if i["url"] == spec.url(site.url)]
        assert teaser["fetch_error"] == "http_503" and not teaser["body"]
        assert spec.url(site.url) not in (out / "seen-urls.txt").read_text().split()
        second = run_crawl_cli(args)
        assert second.status == 0, second.stdout + second.stderr[-2000:]
        assert "retries:" in second.stdout and "archived now" in second.stdout, second.stdout
        items = [i for i in read_jsonl(out / "items.jsonl") if i["url"] == spec.url(site.url)]
        assert [bool(i["fetch_error"]) for i in items] == [True, False]
        assert items[1]["body"] and items[1]["title"] == spec.title
        assert spec.url(site.url) in (out / "seen-urls.txt").read_text().split()
        site.reset_hits()
        third = run_crawl_cli(args)
        assert third.status == 0 and spec.path not in site.hits


def test_scrapy_crawl_with_the_same_settings_resumes_too(tmp_path: Path) -> None:
    out = tmp_path / "job"
    with SampleSite(articles=120) as site:
        args = [sys.executable, "-m", "scrapy", "crawl", "timesca", "-a", f"base_url={site.url}",
                "-o", f"{out / 'items.jsonl'}:jsonlines",
                "-s", f"NEWSARCHIVE_SEEN_FILE={out / 'seen-urls.txt'}",
                "-s", f"NEWSARCHIVE_WARC_DIR={out / 'warc'}", "-s", "LOG_LEVEL=DEBUG"]
        killed = run_crawl_cli(args, stop_when=count_lines("Scraped from <200", 30))
        assert killed.stopped
        assert (out / "listing-state.json").is_file()
        again = run_crawl_cli(args)
        assert again.status == 0, again.stderr[-3000:]
        assert "Resuming the unfinished listing walk" in again.stderr
        assert_job_complete(out, site, [killed, again])
