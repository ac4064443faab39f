"""The archive survives a killed crawl, and archiving does not hold responses in memory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT
from newsarchive.warc.recovery import writer_is_gone
from warc_crawl import RawServer, read_records, scrapy_crawl_command, tool


def split_members(data: bytes) -> tuple[list[bytes], bytes]:
    """``(complete gzip members, incomplete tail)`` of a per-record-gzip WARC file."""
    members, rest = [], data
    while rest:
        inflater = zlib.decompressobj(31)
        try:
            inflater.decompress(rest)
        except zlib.error:
            return members, rest
        if not inflater.eof:
            return members, rest
        size = len(rest) - len(inflater.unused_data)
        members.append(rest[:size])
        rest = rest[size:]
    return members, b""


@pytest.mark.slow
def test_killed_crawl_leaves_every_completed_record_readable_and_the_next_crawl_finishes_it(sample_site: Any, tmp_path: Path) -> None:
    command = scrapy_crawl_command(tmp_path, sample_site.url, "CONCURRENT_REQUESTS=1", "DOWNLOAD_DELAY=0.05",
                                   "RANDOMIZE_DOWNLOAD_DELAY=False", "NEWSARCHIVE_WARC_REVISITS=False")
    child = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    warc_dir, seen = tmp_path / "warc", 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            open_files = list(warc_dir.glob("*.warc.gz.open"))
            if open_files:
                seen = len(split_members(open_files[0].read_bytes())[0])
                items = tmp_path / "items.jsonl"
                exported = items.exists() and items.stat().st_size > 0
                if seen >= 12 and exported:  # records and an item or more on disk: kill mid-crawl
                    break
            time.sleep(0.02)
        assert child.poll() is None, "the crawl ended before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    (left,) = warc_dir.glob("*.warc.gz.open")  # never renamed: visibly incomplete
    assert not list(warc_dir.glob("*.warc.gz"))
    members, tail = split_members(left.read_bytes())
    assert len(members) >= seen and len(tail) < 64 * 1024  # at most the record being written
    complete = tmp_path / "complete.warc.gz"
    complete.write_bytes(b"".join(members))
    check = tool("warcio", "check", "-v", str(complete))
    assert check.returncode == 0, check.stdout
    assert check.stdout.count("digest pass") == len(members)
    records = read_records(complete)
    assert records[0].rec_type == "warcinfo" and len(records) == len(members)

    # The next crawl into the directory finishes the file; items exported before the kill
    # then resolve to their records.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not writer_is_gone(left):
        time.sleep(0.05)  # the writer process finishes what it was sent, then exits
    before = tmp_path / "items-before-kill.jsonl"
    os.replace(tmp_path / "items.jsonl", before)
    assert before.read_text().count('"warc"') > 0
    again = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "left unfinished by a killed crawl" in again.stderr
    assert not list(warc_dir.glob("*.open"))
    assert left.with_name(left.name.removesuffix(".open")).exists()
    verify = tool("newsarchive", "verify", str(warc_dir), "--items", str(before))
    assert verify.returncode == 0, verify.stdout + verify.stderr


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_archiving(tmp_path: Path) -> None:
    size = 50 * 1024 * 1024
    body = bytes(range(256)) * (size // 256)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % size

    def big(conn: Any, request: bytes) -> bool:
        conn.sendall(head)
        conn.sendall(body)
        return True

    peaks = {}
    with RawServer({"/big": big}) as server:
        for mode in ("off", "on"):
            child = subprocess.Popen(
                [sys.executable, str(Path(__file__).parent / "warc_crawl.py"), server.url + "/big",
                 str(tmp_path / mode), mode, "NEWSARCHIVE_WARC_INDEX=False"],
                cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )  # fmt: skip
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err.decode()[-2000:]
            report = json.loads(out.decode().strip().splitlines()[-1])
            assert report["body"] == size
            peaks[mode] = report["maxrss_kb"] * 1024
    (warc,) = (tmp_path / "on").glob("*.warc.gz")
    record = [r for r in read_records(warc) if r.rec_type == "response"][0]
    assert len(record.payload) == size
    # Scrapy itself holds the response; archiving it must not add another copy. (The
    # directory index is built after the crawl by another component: measured apart.)
    extra = peaks["on"] - peaks["off"]
    assert extra < size * 0.4, f"archiving added {extra / 2**20:.0f} MiB to a {size / 2**20:.0f} MiB response"
