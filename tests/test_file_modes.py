"""Every file a crawl writes respects the umask: nothing is made private behind the user's
back (a temporary file renamed into place would be 0600), nothing more open than asked."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_files_of_a_crawl_job_follow_the_umask(sample_site: Any, tmp_path: Path, umask: int) -> None:
    out = tmp_path / "job"
    result = subprocess.run(
        [sys.executable, "-m", "newsarchive", "crawl", "timesca", "--out", str(out),
         "-a", f"base_url={sample_site.url}", "--log-level", "WARNING"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.umask(umask),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    files = [p for p in out.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"items.jsonl", "seen-urls.txt", "listing-state.json", "failed-articles.jsonl",
            "index.cdxj", "index.cdxj.files", "runs.jsonl"} <= names, names
    expected = 0o666 & ~umask
    modes = {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in files}
    assert all(mode == expected for mode in modes.values()), {k: oct(v) for k, v in modes.items()}
