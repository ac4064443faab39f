"""Replay of what a hostile or broken server sent behaves as the live crawl did: truncated
responses fail as they failed live, bombs stay bounded."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

from conftest import run_cli, run_cli_measured
from job_runs import read_jsonl
from test_job_outcomes import HTML, article, crawl, gzip_bomb, listing, site_file


class CuttingServer:
    """A server that promises 20,000 bytes and hangs up after 5,000 (a dropped connection)."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = pages
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode()
            if path == "/cut/":
                body = b"<html><body><h1>Cut</h1><p>" + b"x" * 20000
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body)
                             + body[:5000])
                return
            body = self.pages.get(path)
            status = b"200 OK" if body is not None else b"404 Not Found"
            body = body if body is not None else b"not here"
            conn.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html\r\nConnection: close\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def close(self) -> None:
        self.sock.close()


def replay(tmp_path: Path, site: Path, *settings: str) -> tuple[Any, list[dict[str, Any]]]:
    out = tmp_path / "replayed.jsonl"
    args = ["replay", str(tmp_path / "out"), "--spider", str(site), "-o", str(out)]
    for setting in settings:
        args += ["-s", setting]
    result = run_cli(*args)
    return result, read_jsonl(out) if out.exists() else []


def test_truncated_responses_fail_in_replay_as_they_failed_live(tmp_path: Path) -> None:
    big = b"<html><body><h1>Big</h1><p>" + b"y" * 200_000 + b"</p></body></html>"
    server = CuttingServer({
        "/list/": listing([("/cut/", "Cut"), ("/big/", "Big"), ("/ok/", "Fine")])[2],
        "/big/": big,
        "/ok/": article("Fine")[2],
    })
    try:
        site = site_file(tmp_path, server.url + "/list/")
        live = crawl(site, tmp_path / "out", "DOWNLOAD_MAXSIZE=100000", "RETRY_TIMES=0")
        assert live.returncode == 0, live.stdout + live.stderr[-3000:]
    finally:
        server.close()
    live_items = read_jsonl(tmp_path / "out" / "items.jsonl")
    assert {i["title"]: i["fetch_error"] for i in live_items} == {"Cut": "data_loss", "Big": "too_large", "Fine": None}
    result, replayed = replay(tmp_path, site, "DOWNLOAD_MAXSIZE=100000")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert (tmp_path / "replayed.jsonl").read_bytes() == (tmp_path / "out" / "items.jsonl").read_bytes()


def test_replaying_bombs_stays_bounded(static_site: Any, tmp_path: Path) -> None:
    bomb = gzip_bomb(512)
    pages = static_site.pages
    pages["/list/"] = listing([(f"/bomb{n}/", f"Bomb {n}") for n in range(3)] + [("/ok/", "Fine")])
    for n in range(3):
        pages[f"/bomb{n}/"] = (200, {**HTML, "Content-Encoding": "gzip"}, bomb)
    pages["/ok/"] = article("Fine")
    site = site_file(tmp_path, static_site.url + "/list/")
    assert crawl(site, tmp_path / "out").returncode == 0
    del bomb, pages
    out = tmp_path / "replayed.jsonl"
    result, peak_mib = run_cli_measured("replay", str(tmp_path / "out"), "--spider", str(site), "-o", str(out))
    replayed = read_jsonl(out) if out.exists() else []
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert {i["title"]: i["fetch_error"] for i in replayed} == {"Fine": None, **{f"Bomb {n}": "too_large" for n in range(3)}}
    assert peak_mib < 400, f"peaked at {peak_mib:.0f} MiB"
