"""A real ``redis-server`` for the distributed-crawl tests, on a free port of 127.0.0.1.

``.ci/run`` installs it (the ``redis-server`` OS package); without it the tests skip
locally and fail in CI (``CI=true``), like every other outside program the suite uses.
:class:`RedisServer` can also be SIGKILLed and started again on the same port and data
directory (``persist=True``: an append-only file synced on every write, so what Redis
acknowledged survives), for the tests of a Redis that dies mid-crawl.
"""

from __future__ import annotations

import shutil
import signal
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


def _require_binary() -> str:
    binary = redis_server_path()
    if binary is None:
        message = "redis-server not installed (the redis-server OS package; .ci/run installs it)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return binary


class RedisServer:
    """One ``redis-server`` process on a fixed port and data directory."""

    def __init__(self, workdir: Path, *, persist: bool = False) -> None:
        self.binary = _require_binary()
        self.workdir = workdir
        self.persist = persist
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        workdir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 30) -> None:
        durability = (["--appendonly", "yes", "--appendfsync", "always"] if self.persist
                      else ["--appendonly", "no"])
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", *durability,
             "--dir", str(self.workdir), "--logfile", str(self.workdir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = self.workdir / "redis.log"
                tail = log.read_text(errors="replace")[-500:] if log.is_file() else ""
                self.kill()
                raise RuntimeError(f"redis-server did not start on port {self.port}: {tail}")
            time.sleep(0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no save, no goodbye to clients."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
            self.proc = None


@contextmanager
def running_redis(workdir: Path, *, persist: bool = False) -> Iterator[str]:
    """Start ``redis-server`` (no persistence unless ``persist``) and yield its ``redis://`` URL."""
    with redis_server(workdir, persist=persist) as server:
        yield server.url


@contextmanager
def redis_server(workdir: Path, *, persist: bool = False) -> Iterator[RedisServer]:
    """A started :class:`RedisServer`, stopped (if still running) at the end."""
    server = RedisServer(workdir, persist=persist)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One ``redis-server`` for a test module (import this fixture into the module)."""
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url
