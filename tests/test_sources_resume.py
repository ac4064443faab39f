"""Job integrity of a feed-only site: ``newsarchive crawl`` killed for real (SIGKILL) at
chosen moments, then the same command again; and the known-page stop of a feed walk,
which applies only once a run walked the feed to its end."""

from __future__ import annotations

import collections
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from job_runs import REPO_ROOT, Run, count_lines, read_jsonl, run_crawl_cli

from newsarchive.sample_site import EDGE, SampleSite

pytestmark = pytest.mark.slow

SITE = """name = "feedonly"
feeds = ["https://timesca.com/feed/"]
allowed_domains = ["timesca.com"]
timezone = "Asia/Almaty"
"""


def feed_crawl_args(tmp_path: Path, out: Path, base_url: str) -> list[str]:
    site = tmp_path / "feedonly.toml"
    site.write_text(SITE, encoding="utf-8")
    return [sys.executable, "-m", "newsarchive", "crawl", str(site), "--out", str(out),
            "-a", f"base_url={base_url}", "--log-level", "DEBUG"]


def rerun_until_done(args: list[str], runs: list[Run], limit: int = 4) -> Run:
    for _ in range(limit):
        run = run_crawl_cli(args)
        runs.append(run)
        if run.status == 0:
            return run
    raise AssertionError("the job never finished:\n" + "\n---\n".join(r.stdout + r.stderr[-1500:] for r in runs))


def assert_job_complete(out: Path, site: SampleSite, runs: list[Run]) -> None:
    items = read_jsonl(out / "items.jsonl")
    urls = [item["url"] for item in items]
    repeated = sorted(u for u, n in collections.Counter(urls).items() if n > 1)
    history = "\n---\n".join(r.stderr[-1500:] for r in runs)
    assert not repeated, (repeated, history)
    assert set(urls) == {spec.url(site.url) for spec in site.visible_articles()}, history
    broken_published = site.hidden_newest <= EDGE.broken  # the sample site's 404 article
    assert [item["fetch_error"] for item in items if item.get("fetch_error")] == ["http_404"] * broken_published
    assert not list((out / "warc").glob("*.open"))
    verify = subprocess.run([sys.executable, "-m", "newsarchive", "verify", str(out / "warc"),
                             "--items", str(out / "items.jsonl")],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-2000:]


def test_a_feed_only_job_killed_at_any_moment_is_completed_by_the_same_command(tmp_path: Path) -> None:
    out = tmp_path / "job"
    with SampleSite(articles=150) as site:
        args = feed_crawl_args(tmp_path, out, site.url)
        moments = [
            ("during feed pages", count_lines("/feed/?paged=3>", 1), True),
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
        assert any("Resuming the unfinished feed walk" in r.stderr for r in runs[1:])
        assert "outcome:        finished" in final.stdout


def test_the_known_page_stop_of_a_feed_needs_a_completed_walk(tmp_path: Path) -> None:
    out = tmp_path / "job"
    with SampleSite(articles=120, hidden_newest=15) as site:  # 105 published: 11 feed pages
        args = feed_crawl_args(tmp_path, out, site.url)
        # the first run dies on its third feed page: the walk was never completed
        killed = run_crawl_cli(args, stop_when=count_lines("/feed/?paged=3>", 1))
        assert killed.stopped
        runs = [killed]
        # so the next run walks the whole feed, pages of archived teasers included
        site.reset_hits()
        runs.append(rerun_until_done(args, runs))
        feed_pages = {t for t in site.hits if t.startswith("/feed/")}
        assert feed_pages == {"/feed/", *(f"/feed/?paged={n}" for n in range(2, 12))}, sorted(feed_pages)
        assert "Resuming the unfinished feed walk" in runs[-1].stderr
        assert_job_complete(out, site, runs)
        # a day later, 15 new articles: page 1 new, page 2 half new, page 3 archived: stop
        site.publish(15)
        site.reset_hits()
        daily = run_crawl_cli(args)
        assert daily.status == 0, daily.stdout + daily.stderr[-2000:]
        assert "items written:  15" in daily.stdout, daily.stdout
        assert {t for t in site.hits if t.startswith("/feed/")} == {"/feed/", "/feed/?paged=2", "/feed/?paged=3"}
        assert "every teaser is already archived" in daily.stderr
        fetched_articles = {t for t in site.hits if not t.startswith(("/feed/", "/robots.txt"))}
        assert fetched_articles == {spec.path for spec in site.visible_articles()[:15]}
        assert_job_complete(out, site, [*runs, daily])
