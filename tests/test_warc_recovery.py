"""A killed crawl's unfinished WARC file is finished by the next crawl into the directory."""

from __future__ import annotations

import gzip
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT
from newsarchive.warc.archiver import Archiver, Outcome, WarcSettings, WireExchange
from newsarchive.warc.index import INDEX_NAME
from newsarchive.warc.recovery import complete_length, finish_unfinished, writer_is_gone
from newsarchive.warc.writer import safe_name_part
from newsarchive.warc.writer_process import _LENGTH, _frame
from warc_crawl import read_records, tool

posix_locks = pytest.mark.skipif(os.name != "posix", reason="file locks (fcntl.flock) are POSIX")

HOST = safe_name_part(socket.gethostname())


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def exchange(path: str) -> tuple[str, WireExchange, bytes]:
    body = f"<html><body>{path}</body></html>".encode() * 20
    wire = WireExchange(
        sent=f"GET {path} HTTP/1.1\r\nHost: example.com\r\n\r\n".encode(),
        sent_at=datetime(2025, 12, 7, 10, 0, tzinfo=timezone.utc),
        status_line=b"HTTP/1.1 200 OK",
        header_lines=[b"Content-Type: text/html", b"Content-Length: %d" % len(body)],
        peer_ip="127.0.0.1",
    )
    return f"http://example.com{path}", wire, body


def killed_crawl(directory: Path, pages: int = 3) -> tuple[Path, list[dict[str, Any]]]:
    """Archive ``pages`` exchanges as a writer that then dies mid-record; return its file.

    The writer is simulated in this process: ``abandon()`` closes the file unfinished,
    releasing its lock, as a dying process does; the name carries a dead pid.
    """
    archiver = Archiver(WarcSettings(directory=directory, revisits=False), "crawl", [("software", "test")])
    archiver.writer.pid = dead_pid()
    pointers = [archiver.archive(*exchange(f"/page/{n}"), None).pointer for n in range(pages)]
    archiver.abandon()
    (left,) = directory.glob("*.warc.gz.open")
    with open(left, "ab") as fh:  # the record being written when the writer was killed
        fh.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + os.urandom(5000))[:700])
    return left, pointers


def test_the_next_crawl_finishes_cuts_and_indexes_a_killed_writers_file(tmp_path: Path, caplog: Any) -> None:
    left, pointers = killed_crawl(tmp_path)
    size = left.stat().st_size
    caplog.set_level(logging.WARNING)

    archiver = Archiver(WarcSettings(directory=tmp_path, revisits=False), "crawl", [("software", "test")])
    final = left.with_name(left.name.removesuffix(".open"))
    assert archiver.recovered == [final.name]
    assert not left.exists() and final.stat().st_size == size - 700
    assert "cut 700 bytes of the record being written" in caplog.text
    check = tool("warcio", "check", "-v", str(final))
    assert check.returncode == 0, check.stdout + check.stderr
    records = read_records(final)
    assert [r.rec_type for r in records] == ["warcinfo"] + ["response", "request"] * 3
    # the pointers items were exported with now lead to their records, and the index knows them
    assert {p["filename"] for p in pointers} == {final.name}
    assert {p["offset"] for p in pointers} <= {r.offset for r in records}
    index = (tmp_path / INDEX_NAME).read_text()
    assert all(f"http://example.com/page/{n}" in index for n in range(3))
    archiver.close()


class WriterChild:
    """The real writer process (``python -m newsarchive.warc.writer_process``), spoken to
    over its pipes as the crawl does."""

    def __init__(self, directory: Path, **settings: Any) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsarchive.warc.writer_process"], cwd=REPO_ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        self.pid = self.proc.pid
        warc = WarcSettings(**{"directory": directory, "revisits": False, **settings})
        self.recovered = self.ask(("open", warc, "crawl", [("software", "test")], {"level": "WARNING"}))

    def ask(self, message: tuple[Any, ...], body: bytes = b"") -> Any:
        self.send(message, body)
        return self.answer()

    def send(self, message: tuple[Any, ...], body: bytes = b"") -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(_frame(message) + body)
        self.proc.stdin.flush()

    def answer(self) -> Any:
        assert self.proc.stdout is not None
        (size,) = _LENGTH.unpack(self.proc.stdout.read(_LENGTH.size))
        status, result = pickle.loads(self.proc.stdout.read(size))
        assert status == "ok", result
        return result

    def archive(self, path: str) -> dict[str, Any]:
        uri, wire, body = exchange(path)
        return Outcome(*self.ask(("archive", uri, wire.to_fields(), None, len(body)), body)).pointer


def unreaped(pid: int) -> bool:
    """Whether our child ``pid`` has exited but is still a zombie, its pid taken."""
    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return info is not None


@posix_locks
def test_a_sigkilled_writer_is_recovered_at_once_even_before_it_is_reaped(tmp_path: Path) -> None:
    child = WriterChild(tmp_path)
    try:
        pointers = [child.archive(f"/page/{n}") for n in range(3)]
        (left,) = tmp_path.glob("*.warc.gz.open")
        assert left.name.endswith(f"-{HOST}-{child.pid}.warc.gz.open")
        os.kill(child.pid, signal.SIGKILL)
        recovered = finish_unfinished(tmp_path)  # no wait(): the pid is not reaped
        os.kill(child.pid, 0)  # still there, as a zombie: a pid probe would call it alive
        assert unreaped(child.pid)
    finally:
        child.proc.kill()
        child.proc.wait()
    final = left.with_name(left.name.removesuffix(".open"))
    assert [r.path for r in recovered] == [final] and not left.exists()
    assert {p["filename"] for p in pointers} == {final.name}
    offsets = {r.offset for r in read_records(final)}
    assert all(p["offset"] in offsets for p in pointers)


@posix_locks
def test_a_live_writers_file_is_left_alone_until_it_lets_go(tmp_path: Path) -> None:
    child = WriterChild(tmp_path)
    try:
        child.archive("/page/0")
        (left,) = tmp_path.glob("*.warc.gz.open")
        assert not writer_is_gone(left)
        assert finish_unfinished(tmp_path, grace=0.1) == [] and left.exists()
        # a second crawl into the directory leaves it alone too, and writes its own file
        other = Archiver(WarcSettings(directory=tmp_path, revisits=False), "crawl", [("software", "test")])
        assert other.recovered == []
        other.archive(*exchange("/other"), None)
        other.close()
        child.archive("/page/1")  # the live writer carries on undisturbed
        assert left.exists()
        child.proc.stdin.close()  # the crawl is gone: the writer leaves the file .open and exits
        assert child.proc.wait(timeout=30) == 1
    finally:
        child.proc.kill()
        child.proc.wait()
    assert writer_is_gone(left)
    (done,) = finish_unfinished(tmp_path)
    assert [r.uri for r in read_records(done.path) if r.rec_type == "response"] == [
        "http://example.com/page/0", "http://example.com/page/1"]


def sqlite_side_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(("-wal", "-shm", "-journal")))


@posix_locks
def test_a_killed_writers_sqlite_side_files_go_at_the_next_clean_close(tmp_path: Path) -> None:
    """SQLite needs its write-ahead log after a kill (it holds what the revisit index
    learnt); the next crawl's clean close folds it back in and removes it."""
    child = WriterChild(tmp_path, revisits=True)
    try:
        for n in range(3):
            child.archive(f"/page/{n}")
        assert sqlite_side_files(tmp_path) == ["revisits.sqlite3-shm", "revisits.sqlite3-wal"]
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.proc.kill()
        child.proc.wait()
    archiver = Archiver(WarcSettings(directory=tmp_path), "crawl", [("software", "test")])
    assert len(archiver.recovered) == 1
    archiver.archive(*exchange("/page/9"), None)
    archiver.close()
    assert sqlite_side_files(tmp_path) == []


def test_this_process_never_recovers_the_file_it_is_writing(tmp_path: Path) -> None:
    writing = Archiver(WarcSettings(directory=tmp_path, revisits=False), "crawl", [("software", "test")])
    writing.archive(*exchange("/page/0"), None)
    (current,) = tmp_path.glob("*.warc.gz.open")
    assert current == writing.writer.current_path
    assert not writer_is_gone(current)
    second = Archiver(WarcSettings(directory=tmp_path, revisits=False), "crawl", [("software", "test")])
    assert second.recovered == [] and current.exists()
    second.close()
    writing.archive(*exchange("/page/1"), None)
    assert writing.close() == [current.name.removesuffix(".open")]


def test_files_written_on_another_host_are_left_alone(tmp_path: Path) -> None:
    gone, _ = killed_crawl(tmp_path)
    assert writer_is_gone(gone)
    moved = gone.with_name(gone.name.replace(f"-{HOST}-", "-other.host-"))
    gone.rename(moved)
    assert not writer_is_gone(moved)
    assert finish_unfinished(tmp_path) == [] and moved.exists()


def test_a_file_without_a_complete_record_is_left_for_a_human(tmp_path: Path) -> None:
    left = tmp_path / f"crawl-20251207100000000-00000-{HOST}-{dead_pid()}.warc.gz.open"
    left.write_bytes(gzip.compress(b"WARC/1.1\r\n" + os.urandom(3000))[:100])
    assert writer_is_gone(left) and complete_length(left) == 0
    assert finish_unfinished(tmp_path) == [] and left.exists()


def test_complete_length_stops_at_damage(tmp_path: Path) -> None:
    members = [gzip.compress(b"record %d " % n * 500) for n in range(3)]
    path = tmp_path / "x.warc.gz"
    path.write_bytes(b"".join(members) + b"not gzip at all" + members[0])
    assert complete_length(path) == sum(map(len, members))
    big = gzip.compress(os.urandom(3 << 20))  # members larger than the read block
    path.write_bytes(big + big[: len(big) // 2])
    assert complete_length(path) == len(big)


def test_newsarchive_index_finishes_unfinished_files_before_indexing(tmp_path: Path) -> None:
    from conftest import run_cli

    left, _ = killed_crawl(tmp_path)
    result = run_cli("index", str(tmp_path))
    assert result.returncode == 0, result.stderr
    final = left.with_name(left.name.removesuffix(".open"))
    assert f"finished {final} (left unfinished by a killed crawl)" in result.stdout
    assert (tmp_path / INDEX_NAME).read_text().count("http://example.com/page/") == 3
