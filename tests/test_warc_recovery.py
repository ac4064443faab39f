"""A killed crawl's unfinished WARC file is finished by the next crawl into the directory."""

from __future__ import annotations

import gzip
import logging
import os
import socket
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsarchive.warc.archiver import Archiver, WarcSettings, WireExchange
from newsarchive.warc.index import INDEX_NAME
from newsarchive.warc.recovery import complete_length, finish_unfinished, writer_is_gone
from newsarchive.warc.writer import safe_name_part
from warc_crawl import read_records, tool

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


def killed_crawl(directory: Path, pages: int = 3, pid: int | None = None) -> tuple[Path, list[dict[str, Any]]]:
    """Archive ``pages`` exchanges as a writer that then dies mid-record; return its file."""
    archiver = Archiver(WarcSettings(directory=directory, revisits=False), "crawl", [("software", "test")])
    archiver.writer.pid = dead_pid() if pid is None else pid
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


def test_files_whose_writer_may_be_alive_are_left_alone(tmp_path: Path) -> None:
    alive, _ = killed_crawl(tmp_path / "alive", pid=os.getppid())  # pytest's parent runs
    ours, _ = killed_crawl(tmp_path / "ours", pid=os.getpid())
    elsewhere = tmp_path / "elsewhere"
    gone, _ = killed_crawl(elsewhere)
    moved = gone.with_name(gone.name.replace(f"-{HOST}-", "-other.host-"))
    gone.rename(moved)
    for path in (alive, ours, moved):
        assert not writer_is_gone(path)
        assert finish_unfinished(path.parent) == [] and path.exists()


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
