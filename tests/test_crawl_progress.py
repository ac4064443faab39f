"""Progress while a crawl runs: log lines every few seconds in a pipe, one live line on a
terminal (a real pseudo-terminal here), never mixed into the log lines."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, run_cli
from newsarchive.sample_site import SampleSite


def test_a_crawl_in_a_pipe_logs_progress_lines(tmp_path: Path) -> None:
    with SampleSite(articles=30, latency=0.05) as site:
        result = run_cli("crawl", "timesca", "-a", f"base_url={site.url}", "--out", str(tmp_path / "job"),
                         "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0.3", "-s", "CONCURRENT_REQUESTS=2",
                         "--log-level", "INFO")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if "progress: " in line]
    assert lines and " pages (" in lines[-1] and " items" in lines[-1], result.stderr[-2000:]
    assert "\r" not in result.stderr and "Crawled 0 pages" not in result.stderr
    # Scrapy's start-up listings are left out below DEBUG: the warnings stand out
    assert "Enabled item pipelines" not in result.stderr and "Overridden settings" not in result.stderr
    assert "Spider opened" in result.stderr


def test_a_crawl_on_a_terminal_keeps_one_live_line(tmp_path: Path) -> None:
    primary, secondary = pty.openpty()
    with SampleSite(articles=30, latency=0.05) as site:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsarchive", "crawl", "timesca", "-a", f"base_url={site.url}",
             "--out", str(tmp_path / "job"), "-s", "CONCURRENT_REQUESTS=2", "--log-level", "WARNING"],
            stdout=subprocess.PIPE, stderr=secondary, stdin=subprocess.DEVNULL, cwd=REPO_ROOT)
        os.close(secondary)
        seen = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the crawl closed its end
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=120) == 0
        os.close(primary)
    text = seen.decode("utf-8", errors="replace")
    assert "\r\x1b[K" in text and " pages (" in text and " items" in text, text[-2000:]
    assert "progress: " not in text  # no log lines on a terminal: the live line says it
