"""An index that misses a file's records is found out before replay trusts it, and healed.

The kill point: a finished WARC file is renamed into place, then its lines are merged
into ``index.cdxj``. A crawl killed in between used to leave the index without those
records for good, while replay trusted it on modification times.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any

from conftest import run_cli
from newsarchive.replay.index_lookup import CaptureIndex
from newsarchive.warc.archiver import Archiver, WarcSettings
from newsarchive.warc.coverage import manifest_path, read_coverage
from newsarchive.warc.index import INDEX_NAME
from newsarchive.warc.locks import directory_lock
from test_warc_recovery import WriterChild, exchange, posix_locks

INFO = [("software", "test")]


def urls_found(directory: Path) -> set[str]:
    return {c.url for c in CaptureIndex.open([directory])}


def indexed_urls(directory: Path) -> list[str]:
    lines = (directory / INDEX_NAME).read_text().splitlines()
    return sorted(json.loads(line.split(" ", 2)[2])["url"] for line in lines)


def wait_for(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def renamed_but_not_indexed(directory: Path) -> tuple[list[str], Path]:
    """A crawl whose second file was renamed and never merged (the kill point, in this
    process); returns every URL it archived and the unindexed file."""
    archiver = Archiver(WarcSettings(directory=directory, revisits=False), "crawl", INFO)
    urls = []
    for part in ("first", "second"):
        for n in range(3):
            uri, wire, body = exchange(f"/{part}/{n}")
            archiver.archive(uri, wire, body, None)
            urls.append(uri)
        if part == "second":
            archiver.writer.on_close = None  # killed right after the rename
        closed = archiver.writer.close()
    archiver.abandon()
    assert closed is not None
    return urls, closed


def test_replay_finds_records_the_index_misses_and_the_next_crawl_heals_it(tmp_path: Path, caplog: Any) -> None:
    urls, unindexed = renamed_but_not_indexed(tmp_path)
    index = tmp_path / INDEX_NAME
    assert indexed_urls(tmp_path) == sorted(urls[:3])
    later = time.time() + 60  # newer than every WARC file: modification times cannot tell
    os.utime(index, (later, later))

    caplog.set_level(logging.WARNING)
    assert urls_found(tmp_path) == set(urls)
    assert f"does not cover 1 of 2 WARC file(s) ({unindexed.name})" in caplog.text
    assert f"newsarchive index {tmp_path}" in caplog.text

    caplog.clear()
    healer = Archiver(WarcSettings(directory=tmp_path, revisits=False), "crawl", INFO)
    healer.close()
    assert healer.healed == [unindexed.name]
    assert "did not cover 1 finished WARC file(s)" in caplog.text
    assert indexed_urls(tmp_path) == sorted(urls)
    coverage = read_coverage(index)
    assert coverage is not None and coverage.index_size == index.stat().st_size
    assert {name: (c.size, c.lines) for name, c in coverage.files.items()} == {
        p.name: (p.stat().st_size, 3) for p in tmp_path.glob("*.warc.gz")}

    caplog.clear()
    assert urls_found(tmp_path) == set(urls)
    assert "does not cover" not in caplog.text
    again = Archiver(WarcSettings(directory=tmp_path, revisits=False), "crawl", INFO)
    again.close()
    assert again.healed == []


@posix_locks
def test_a_writer_sigkilled_between_rename_and_merge(tmp_path: Path, caplog: Any) -> None:
    """The real writer process, killed at the very point: its file is renamed and its
    merge waits for the index lock, which this test holds."""
    warc = tmp_path / "warc"
    child = WriterChild(warc, max_size=1)  # each exchange after the first starts a new file
    try:
        for n in range(2):
            child.archive(f"/page/{n}")  # the second rolls the first file over: merged
        assert indexed_urls(warc) == ["http://example.com/page/0"]
        with directory_lock(warc):
            child.send(("close",))
            wait_for(lambda: not list(warc.glob("*.open")))  # renamed; the merge waits
            os.kill(child.pid, signal.SIGKILL)
            child.proc.wait()
    finally:
        child.proc.kill()
        child.proc.wait()
    assert indexed_urls(warc) == ["http://example.com/page/0"]
    (second,) = [p for p in warc.glob("*.warc.gz") if p.name not in read_coverage(warc / INDEX_NAME).files]

    caplog.set_level(logging.WARNING)
    assert urls_found(warc) == {"http://example.com/page/0", "http://example.com/page/1"}
    assert f"({second.name})" in caplog.text

    rebuilt = tmp_path / "rebuilt"
    shutil.copytree(warc, rebuilt)
    result = run_cli("index", str(rebuilt))
    assert result.returncode == 0, result.stderr
    healer = Archiver(WarcSettings(directory=warc, revisits=False), "crawl", INFO)
    healer.close()
    assert healer.healed == [second.name]
    # the healed index and manifest are what `newsarchive index` rebuilds from scratch
    assert (warc / INDEX_NAME).read_text() == (rebuilt / INDEX_NAME).read_text()
    assert read_coverage(warc / INDEX_NAME) == read_coverage(rebuilt / INDEX_NAME)


def test_an_index_without_a_manifest_is_trusted_as_before_and_gets_one(tmp_path: Path, caplog: Any) -> None:
    archiver = Archiver(WarcSettings(directory=tmp_path, revisits=False, max_size=1), "crawl", INFO)
    urls = []
    for n in range(4):
        uri, wire, body = exchange(f"/page/{n}")
        archiver.archive(uri, wire, body, None)
        urls.append(uri)
    archiver.close()
    manifest = manifest_path(tmp_path / INDEX_NAME)
    expected = read_coverage(tmp_path / INDEX_NAME)
    manifest.unlink()  # as an older newsarchive left it

    caplog.set_level(logging.WARNING)
    assert urls_found(tmp_path) == set(urls)
    assert "does not cover" not in caplog.text  # fresh by modification time: trusted
    healer = Archiver(WarcSettings(directory=tmp_path, revisits=False), "crawl", INFO)
    healer.close()
    assert healer.healed == []  # every file has lines in the index: nothing is read again
    assert read_coverage(tmp_path / INDEX_NAME) == expected


def test_a_manifest_that_does_not_match_its_index_is_not_believed(tmp_path: Path, caplog: Any) -> None:
    """A crash between putting the index and its manifest in place: the manifest is the
    previous one. Line counts give it away, and the file it lacks is indexed again."""
    urls, unindexed = renamed_but_not_indexed(tmp_path)
    index = tmp_path / INDEX_NAME
    old_manifest = manifest_path(index).read_bytes()
    Archiver(WarcSettings(directory=tmp_path, revisits=False), "crawl", INFO).close()  # heals
    manifest_path(index).write_bytes(old_manifest)

    caplog.set_level(logging.WARNING)
    assert urls_found(tmp_path) == set(urls)
    assert f"({unindexed.name})" in caplog.text  # indexed in memory, its index lines unused
    healer = Archiver(WarcSettings(directory=tmp_path, revisits=False), "crawl", INFO)
    healer.close()
    assert healer.healed == [unindexed.name]
    coverage = read_coverage(index)
    assert coverage is not None and coverage.index_size == index.stat().st_size
    assert indexed_urls(tmp_path) == sorted(urls)


def test_start_up_reads_no_covered_file(tmp_path: Path) -> None:
    """Covered files are known by their size: start-up does not open them (shown here by
    a covered file's bytes changed in place, same size, which goes unnoticed)."""
    archiver = Archiver(WarcSettings(directory=tmp_path, revisits=False, max_size=1), "crawl", INFO)
    for n in range(3):
        archiver.archive(*exchange(f"/page/{n}"), None)
    archiver.close()
    before = (tmp_path / INDEX_NAME).read_text()
    first = sorted(tmp_path.glob("*.warc.gz"))[0]
    first.write_bytes(b"\0" * first.stat().st_size)
    healer = Archiver(WarcSettings(directory=tmp_path, revisits=False), "crawl", INFO)
    healer.close()
    assert healer.healed == [] and (tmp_path / INDEX_NAME).read_text() == before
