"""A headless Chromium driven over the DevTools protocol, for tests that need a real browser
(the report renders with no errors; a WACZ signature verifies with the browser's WebCrypto,
as ReplayWeb.page checks it). Chromium comes from the OS packages (``.ci/run``)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from conftest import require
from newsarchive.sample_site.process import stop_process

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


class DevTools:
    """Just enough of a WebSocket client (RFC 6455) to speak the Chrome DevTools Protocol
    to one page: send commands, collect the events that arrive meanwhile."""

    def __init__(self, url: str, timeout: float = 30) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._chunk()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        assert b" 101 " in head.split(b"\r\n", 1)[0], head
        self.events: list[dict[str, Any]] = []
        self.next_id = 0

    def _chunk(self) -> bytes:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the browser closed the DevTools connection")
        return data

    def _exactly(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self.buffer += self._chunk()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send(self, payload: bytes, opcode: int = 1) -> None:
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else
                                          bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                          bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _message(self) -> dict[str, Any]:
        parts: list[bytes] = []
        while True:
            first, second = self._exactly(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exactly(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exactly(8))[0]
            payload = self._exactly(n)  # the server does not mask
            opcode = first & 0x0F
            if opcode == 9:
                self._send(payload, opcode=10)
                continue
            if opcode == 8:
                raise ConnectionError("the browser closed the DevTools connection")
            if opcode in (0, 1, 2):
                parts.append(payload)
                if first & 0x80:
                    return json.loads(b"".join(parts))

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}).encode())
        while True:
            message = self._message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.events:
                if message.get("method") == event:
                    self.events.remove(message)
                    return message
            self.events.append(self._message())
        raise TimeoutError(event)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[DevTools]:
    """A headless Chromium with DevTools on a loopback port, network features off."""
    binary = find_browser()
    require(binary is not None, f"no Chromium ({', '.join(BROWSERS)}) on PATH: tests/tools/services.sh installs it")
    assert binary is not None
    profile = tempfile.mkdtemp(prefix="newsarchive-chromium-")
    process = subprocess.Popen(
        [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-pings",
         "--mute-audio", "--window-size=1200,1600", "--remote-debugging-address=127.0.0.1",
         "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        port_file, deadline = Path(profile) / "DevToolsActivePort", time.monotonic() + 45
        while not (port_file.is_file() and port_file.read_text().count("\n") >= 1):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{binary} did not start its DevTools server (exit {process.poll()})")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as response:
            targets = json.load(response)
        page = next(t for t in targets if t.get("type") == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log", "Network"):
            tools.call(f"{domain}.enable")
        yield tools
        tools.close()
    finally:
        stop_process(process)
        shutil.rmtree(profile, ignore_errors=True)
