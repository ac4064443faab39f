"""Run the sample site in a child process, for benchmarks.

A crawler benchmarked against an in-process server would share its GIL with the server;
a separate ``python -m newsarchive.sample_site`` process keeps the two apart.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsarchive.sample_site.themes import DEFAULT_THEME, check_theme

READY_PREFIX = "SAMPLE_SITE_URL "
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def run_sample_site_process(
    articles: int = 60,
    seed: int = 2025,
    per_page: int = 10,
    *,
    latency_ms: float = 0.0,
    timeout: float = 30.0,
    theme: str = DEFAULT_THEME,
) -> Iterator[str]:
    """Start the site in a subprocess, yield its base URL, terminate it on exit.

    ``latency_ms`` delays every response, as a remote server would (see ``--latency-ms``);
    ``theme`` picks the markup of the HTML pages (see ``--theme``).
    """
    env = dict(os.environ)
    # Importable even when the project is not installed (e.g. from a source checkout).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PROJECT_ROOT), env.get("PYTHONPATH")]))
    command = [
        sys.executable,
        "-m",
        "newsarchive.sample_site",
        "--articles",
        str(articles),
        "--seed",
        str(seed),
        "--per-page",
        str(per_page),
        "--latency-ms",
        str(latency_ms),
    ]
    if theme != DEFAULT_THEME:  # the default command line stays what it always was
        command += ["--theme", check_theme(theme)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        yield _wait_for_url(child, timeout)
    finally:
        stop_process(child)


def stop_process(child: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """Terminate ``child``, kill it if it has not gone after ``timeout`` seconds, close its
    output pipe: a server started for a crawl or a test never outlives its user."""
    child.terminate()
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    if child.stdout:
        child.stdout.close()


def _wait_for_url(child: subprocess.Popen[str], timeout: float) -> str:
    """Read the child's ready line; fail clearly if it dies or stays silent."""
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(child.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not line or not line[0].startswith(READY_PREFIX):
        child.kill()
        got = repr(line[0]) if line else f"nothing within {timeout:.0f} s"
        raise RuntimeError(f"sample site process did not start (exit code {child.poll()}): {got}")
    return line[0][len(READY_PREFIX) :].strip()
