"""Run ``newsarchive crawl`` as a real subprocess, and stop it for real at a chosen moment.

Tests of job integrity start the crawl in its own process group (as cron, systemd or a
shell would), read its log as it is written, and send it SIGKILL, SIGINT or SIGTERM when a
given line appears: "during listing pages", "during article pages", "during shut-down".
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    status: int
    stdout: str
    log: list[str] = field(default_factory=list)
    stopped: bool = False  # the signal was sent (the trigger line appeared)

    @property
    def stderr(self) -> str:
        return "\n".join(self.log)


def crawl_args(out: Path, base_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "newsarchive", "crawl", "timesca", "--out", str(out),
            "-a", f"base_url={base_url}", *extra]


def run_crawl_cli(args: list[str], *, stop_when: Callable[[str, int], bool] | None = None,
                  sig: int = signal.SIGKILL, group: bool = True, timeout: float = 180) -> Run:
    """Run ``args``; when ``stop_when(line, n)`` is true for a log line, send ``sig``.

    ``n`` counts the lines seen so far. ``group``: signal the whole process group (the
    crawl and its WARC writer), else the crawl process alone.
    """
    proc = subprocess.Popen(args, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    log: list[str] = []
    stopped = threading.Event()

    def read_log() -> None:
        assert proc.stderr is not None
        for n, line in enumerate(proc.stderr):
            log.append(line.rstrip("\n"))
            if stop_when is not None and not stopped.is_set() and stop_when(line, n):
                stopped.set()
                try:
                    os.killpg(proc.pid, sig) if group else os.kill(proc.pid, sig)
                except ProcessLookupError:
                    pass

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    out: list[str] = []
    stdout_reader = threading.Thread(target=lambda: out.append(proc.stdout.read() if proc.stdout else ""), daemon=True)
    stdout_reader.start()  # (not communicate(): it would read stderr too, racing read_log for lines)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise AssertionError("crawl hung:\n" + "\n".join(log[-40:])) from None
    reader.join(10)
    stdout_reader.join(10)
    stdout = out[0] if out else ""
    # No waiting for a SIGKILLed writer to be gone: the next run must cope with a dead
    # writer that is not reaped yet (its lock on the .open file is released at death).
    return Run(proc.returncode, stdout, log, stopped.is_set())


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def count_lines(marker: str, at_least: int = 1) -> Callable[[str, int], bool]:
    """A ``stop_when`` that fires at the ``at_least``-th log line containing ``marker``."""
    seen = [0]

    def check(line: str, _n: int) -> bool:
        if marker in line:
            seen[0] += 1
        return seen[0] >= at_least

    return check
