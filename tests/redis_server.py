"""A real ``redis-server`` for the distributed-crawl tests, on a free port of 127.0.0.1.

``.ci/run`` installs it (the ``redis-server`` OS package); without it the tests skip
locally and fail in CI (``CI=true``), like every other outside program the suite uses.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import in_ci
from newsarchive.sample_site.process import stop_process


def redis_server_path() -> str | None:
    return shutil.which("redis-server") or next(
        (p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if Path(p).is_file()), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_redis(workdir: Path) -> Iterator[str]:
    """Start ``redis-server`` (no persistence) and yield its ``redis://`` URL."""
    binary = redis_server_path()
    if binary is None:
        message = "redis-server not installed (the redis-server OS package; .ci/run installs it)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(workdir)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"redis-server did not start on port {port}: {out[-500:]}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_process(proc)
