"""The commands users type: `scrapy list/crawl` and `newsarchive crawl/demo`, in subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, run_cli


def scrapy(*args: str, cwd: Path = REPO_ROOT, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_scrapy_list_finds_site_spiders() -> None:
    result = scrapy("list")
    assert result.returncode == 0, result.stderr
    assert {"timesca", "listing"} <= set(result.stdout.split())


def test_scrapy_crawl_writes_json_lines(sample_site, tmp_path: Path) -> None:
    out = tmp_path / "items.jsonl"
    result = scrapy(
        "crawl", "timesca", "-a", f"base_url={sample_site.url}", "-O", str(out),
        "-s", f"NEWSARCHIVE_WARC_DIR={tmp_path / 'warc'}", "-s", "LOG_LEVEL=INFO",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    items = read_jsonl(out)
    urls = [item["url"] for item in items]
    expected = {sample_site.content.article(i).url(sample_site.url) for i in range(len(sample_site.content))}
    assert len(urls) == len(set(urls)) and set(urls) == expected
    assert "'finish_reason': 'finished'" in result.stderr


def test_bad_site_file_fails_at_start_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nstart_urls = ["https://example.org/"]\n[listing]\nitem = "li"\nurl = "a::attr(href)"\ntittle = "a"\n')
    result = run_cli("crawl", str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"site definition {bad}: listing.tittle: unknown key (did you mean 'title'?)" in result.stderr
    assert not (tmp_path / "out").exists()
    # the same file through Scrapy: fails before any request, message in the log
    result = scrapy("crawl", "listing", "-a", f"site={bad}", cwd=REPO_ROOT)
    assert result.returncode != 0
    assert "listing.tittle: unknown key" in result.stderr
    assert "downloader/request_count" not in result.stderr


def test_newsarchive_crawl_into_directory_and_again(sample_site, tmp_path: Path) -> None:
    out = tmp_path / "job"
    site_file = str(REPO_ROOT / "tests" / "sites" / "timesca.toml")
    first = run_cli("crawl", site_file, "--out", str(out), "-a", f"base_url={sample_site.url}", "--log-level", "WARNING")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "items written:  30" in first.stdout
    items = read_jsonl(out / "items.jsonl")
    assert len(items) == 30 and {item["site"] for item in items} == {"timesca-toml"}
    # a second crawl of the unchanged site adds nothing and stops after the first listing page
    before = dict(sample_site.hits)
    second = run_cli("crawl", site_file, "--out", str(out), "-a", f"base_url={sample_site.url}", "--log-level", "INFO")
    assert second.returncode == 0, second.stderr[-3000:]
    assert "items written:  0" in second.stdout
    assert len(read_jsonl(out / "items.jsonl")) == 30
    # the summary lists what this run wrote: not the first run's WARC, nor the unchanged items
    first_warcs = [line.strip() for line in first.stdout.splitlines() if line.strip().endswith(".warc.gz")]
    listed = [line.strip() for line in second.stdout.splitlines() if line.startswith("  /") or line.startswith("  ")]
    assert first_warcs and not set(first_warcs) & set(listed), second.stdout
    assert str(out / "runs.jsonl") in listed and str(out / "items.jsonl") not in listed
    assert "every teaser is already archived" in second.stderr
    fetched = {path for path, n in sample_site.hits.items() if n > before.get(path, 0)}
    assert fetched == {"/robots.txt", "/latest/"}, fetched  # not even the redirected teaser's old URL
    # the job's history: one line per run
    runs = read_jsonl(out / "runs.jsonl")
    assert [(run["items"], run["finish_reason"]) for run in runs] == [(30, "finished"), (0, "finished")]
    assert runs[0]["arguments"]["base_url"] == sample_site.url and runs[0]["spider"] == site_file
    assert runs[0]["started"] < runs[0]["finished"] <= runs[1]["started"]
    assert runs[1]["stats"]["newsarchive/dedupe/known_at_start"] >= 30


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run_cli("demo", "--out", str(out), "--articles", "25")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "items written:  25" in result.stdout
    assert "pages fetched:" in result.stdout and "elapsed:" in result.stdout and "files written:" in result.stdout
    assert len(read_jsonl(out / "items.jsonl")) == 25
    # runs again into its own directory, but refuses to clobber someone else's
    assert run_cli("demo", "--out", str(out), "--articles", "25").returncode == 0
    other = tmp_path / "precious"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    refused = run_cli("demo", "--out", str(other))
    assert refused.returncode == 2 and (other / "notes.txt").exists()


def test_bad_arguments_are_clear(sample_site, tmp_path: Path) -> None:
    result = run_cli("crawl", "timesca", "--out", str(tmp_path), "-a", "max_pages=lots", "-a", f"base_url={sample_site.url}")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == "newsarchive crawl: max_pages: expected a positive integer, got 'lots'"
    result = run_cli("crawl", "timesca", "--out", str(tmp_path), "-a", "query=x", "-a", "tag=y")
    assert result.returncode == 2 and "give at most one of query, tag, category" in result.stderr
    result = run_cli("crawl", "timescaa", "--out", str(tmp_path / "new"))
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "newsarchive crawl: unknown spider 'timescaa' (did you mean 'timesca'?; or pass a site .toml file "
        "or a listing URL)"]
    assert not (tmp_path / "new").exists()  # nothing created for a command that cannot run
    result = run_cli("replay", str(tmp_path), "--spider", "nosuchspider", "-o", str(tmp_path / "r.jsonl"))
    assert result.returncode == 2 and "unknown spider 'nosuchspider'" in result.stderr.strip().splitlines()[-1]


def test_killed_crawl_loses_nothing_and_resumes(sample_site, tmp_path: Path) -> None:
    import os
    import signal
    import time

    out = tmp_path / "job"
    args = [
        sys.executable, "-m", "newsarchive", "crawl", "timesca", "--out", str(out),
        "-a", f"base_url={sample_site.url}", "--log-level", "WARNING",
    ]
    slow = ["-s", "DOWNLOAD_DELAY=0.1", "-s", "CONCURRENT_REQUESTS=1"]
    proc = subprocess.Popen(args + slow, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    items_file = out / "items.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if items_file.exists() and items_file.read_bytes().count(b"\n") >= 5:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = read_jsonl(items_file)  # every line on disk is a whole item
    assert 5 <= len(partial) < 30, len(partial)
    seen = set((out / "seen-urls.txt").read_text().split())
    exported = {item["url"] for item in partial}
    # nothing is remembered that was not exported (beyond redirect aliases); the kill may
    # land between an export and its URL's write, which the next run catches up on
    assert seen - exported <= {sample_site.content.article(i).teaser_url(sample_site.url) for i in range(30)}
    assert len(exported - seen) <= 1, sorted(exported - seen)
    # the same command again completes the job: every article exactly once overall
    again = subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    urls = [item["url"] for item in read_jsonl(items_file)]
    expected = {sample_site.content.article(i).url(sample_site.url) for i in range(30)}
    duplicates = sorted({u for u in urls if urls.count(u) > 1})
    assert not duplicates and set(urls) == expected, (duplicates, sorted(expected - set(urls)), again.stderr[-2000:])


def test_every_sub_command_has_help_with_an_example() -> None:
    from newsarchive.cli import COMMANDS, build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in COMMANDS:
        text = sub.choices[name].format_help()  # type: ignore[union-attr]
        assert "example" in text and f"newsarchive {name}" in text, name


def test_a_reader_that_goes_away_is_no_traceback() -> None:
    import subprocess

    proc = subprocess.Popen([sys.executable, "-m", "newsarchive", "list"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO_ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) in (0, 141) and "Traceback" not in err, err
