"""The WARC writer keeps the open file's index lines in bounded memory: past its buffer
they spill to sorted runs on disk, and the index it writes is the same line for line
as one rebuilt from the WARC files."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import REPO_ROOT, run_cli
from newsarchive.warc.line_spool import SortedLineSpool


def test_a_spool_gives_its_lines_sorted_and_cleans_up(tmp_path: Path) -> None:
    rng = random.Random(3)
    lines = [f"com,example)/{rng.randrange(10**6):07d} 2026 {{}}\n" for _ in range(5000)]
    spool = SortedLineSpool(tmp_path, buffer=4096)
    for line in lines:
        spool.add(line)
    assert len(spool) == 5000 and len(spool._runs) > 10  # it spilled
    assert list(tmp_path.iterdir()) == []  # to files without a name
    assert list(spool) == sorted(lines)
    assert spool._runs == []  # runs closed once read


def test_a_killed_writer_leaves_no_spool_file(tmp_path: Path) -> None:
    """SIGKILL while runs are spilled: nothing is left in the directory."""
    script = (
        "import os, signal, sys\n"
        "from newsarchive.warc.line_spool import SortedLineSpool\n"
        "spool = SortedLineSpool(sys.argv[1], buffer=100)\n"
        "for n in range(100):\n"
        "    spool.add(f'line {n:03d}\\n')\n"
        "assert len(spool._runs) > 5\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)))
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_index_written_with_a_tiny_buffer_is_the_rebuilt_one(sample_site: Any, tmp_path: Path) -> None:
    job = tmp_path / "job"
    crawl = run_cli("crawl", "timesca", "-a", f"base_url={sample_site.url}", "--out", str(job),
                    "-s", "NEWSARCHIVE_WARC_INDEX_BUFFER=512", "--log-level", "WARNING")
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr[-3000:]
    written = (job / "warc" / "index.cdxj").read_text()
    assert not [p for p in (job / "warc").iterdir() if p.name.startswith(".index-spool-")]
    copy = tmp_path / "copy"
    copy.mkdir()
    for warc in (job / "warc").glob("*.warc.gz"):
        shutil.copy2(warc, copy / warc.name)
    assert run_cli("index", str(copy)).returncode == 0
    assert written == (copy / "index.cdxj").read_text() and len(written.splitlines()) > 30
