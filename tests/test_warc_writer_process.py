"""The writer process: records written beside the crawl, items held until their records
exist, and every way it can end (closed, killed, Ctrl-C, died) leaves a sound archive."""

from __future__ import annotations

import json
import pickle
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
import scrapy

from conftest import REPO_ROOT
from warc_crawl import FetchSpider, RawServer, all_records, crawl, raw, read_records, tool, warc_files

PAGES = [f"/page/{n}" for n in range(12)]


def ok(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


def site(pages: list[str] = PAGES) -> RawServer:
    return RawServer({path: raw(ok(b"<p>%s</p>" % path.encode() * 40)) for path in pages})


def summary(directory: Path) -> list[tuple[str, str | None, str | None]]:
    """What the archive holds, independent of ids, dates and file names."""
    return sorted(
        (r.rec_type, r.uri.split("/", 3)[-1] if r.uri else None, r.get("WARC-Payload-Digest"))
        for r in all_records(directory)
        if r.rec_type != "warcinfo"
    )


@pytest_twisted.ensureDeferred
async def test_inline_process_and_no_backlog_write_the_same_archive(tmp_path: Path) -> None:
    archives = {}
    with site() as server:
        urls = [server.url + p for p in PAGES]
        for name, settings in {
            "process": {},
            "inline": {"NEWSARCHIVE_WARC_WRITER_PROCESS": False},
            "no-backlog": {"NEWSARCHIVE_WARC_BACKLOG": 0},
        }.items():
            results, stats = await crawl(tmp_path / name, urls, **settings)
            assert stats["newsarchive/warc/records/response"] == len(PAGES)
            assert stats["newsarchive/warc/files"] == 1
            assert all(f.warc and f.warc["filename"].endswith(".warc.gz") for f in results)
            assert tool("warcio", "check", *map(str, warc_files(tmp_path / name))).returncode == 0
            assert (tmp_path / name / "index.cdxj").read_text().count("\n") == len(PAGES)
            archives[name] = summary(tmp_path / name)
            if name == "no-backlog":  # nothing may be behind: each response waits for its record
                assert all(f.written_when_seen for f in results)
    assert archives["process"] == archives["inline"] == archives["no-backlog"]
    assert len(archives["process"]) == 2 * len(PAGES)


@pytest_twisted.ensureDeferred
async def test_without_the_pointer_pipeline_responses_wait_for_their_records(tmp_path: Path) -> None:
    with site() as server:
        results, _ = await crawl(tmp_path, [server.url + p for p in PAGES], ITEM_PIPELINES={})
    assert all(f.written_when_seen and f.warc for f in results)


class KillWriterSpider(FetchSpider):
    """Kills the writer process once it has written a record, as the OOM killer might."""

    killed = False
    how = signal.SIGKILL

    def parse(self, response: scrapy.http.Response) -> None:
        super().parse(response)
        if not self.killed and self.results[-1].written_when_seen:
            self.killed = True
            (capture,) = [m for m in self.crawler.engine.downloader.middleware.middlewares
                          if type(m).__name__ == "WarcCaptureMiddleware"]  # fmt: skip
            os.kill(capture._process.pid, self.how)


class HangWriterSpider(KillWriterSpider):
    """Stops the writer process (SIGSTOP), as a hung disk would: it never answers again."""

    how = signal.SIGSTOP


async def crawl_and_lose_the_writer(tmp_path: Path, spidercls: type, **settings: Any) -> tuple[dict[str, Any], list[Any]]:
    from scrapy.crawler import CrawlerRunner
    from scrapy.settings import Settings

    from warc_crawl import WARC_SETTINGS

    pages = [f"/page/{n}" for n in range(60)]
    with site(pages) as server:
        runner = CrawlerRunner(Settings({
            "NEWSARCHIVE_WARC_DIR": str(tmp_path), "CONCURRENT_REQUESTS": 1, "DOWNLOAD_DELAY": 0.2,  # time for a busy writer to answer once
            "LOG_LEVEL": "WARNING", **WARC_SETTINGS, **settings,
        }))
        crawler = runner.create_crawler(spidercls)
        results: list[Any] = []
        await runner.crawl(crawler, requests=[server.url + p for p in pages], results=results)
    assert len(results) < len(pages)  # stopped, not carried on unrecorded
    return crawler.stats.get_stats(), results


@pytest_twisted.ensureDeferred
async def test_a_hung_writer_is_killed_and_fails_the_crawl(tmp_path: Path, caplog: Any) -> None:
    # 5 s: long enough for a writer on a loaded 2-core machine (the whole suite running
    # beside it) to answer every record before it is stopped; 2 s was not
    stats, _ = await crawl_and_lose_the_writer(tmp_path, HangWriterSpider, NEWSARCHIVE_WARC_WRITER_TIMEOUT=5)
    assert stats["finish_reason"] == "warc_write_failed"
    assert "has not answered for" in caplog.text and "stopped answering for 5 s" in caplog.text
    (left,) = tmp_path.glob("*.warc.gz.open")  # what it wrote before it hung stays readable
    assert tool("warcio", "check", str(left)).returncode == 0
    assert any(r.rec_type == "response" for r in read_records(left))


@pytest_twisted.ensureDeferred
async def test_a_dead_writer_stops_the_crawl_and_keeps_what_it_wrote(tmp_path: Path) -> None:
    stats, _ = await crawl_and_lose_the_writer(tmp_path, KillWriterSpider)
    assert stats["finish_reason"] == "warc_write_failed"
    assert stats["newsarchive/warc/write_errors"] == 1
    (left,) = tmp_path.glob("*.warc.gz.open")  # the writer never finished it
    check = tool("warcio", "check", str(left))
    assert check.returncode == 0, check.stdout + check.stderr
    assert any(r.rec_type == "response" for r in read_records(left))


@pytest.mark.slow
def test_ctrl_c_closes_the_archive_cleanly(sample_site: Any, tmp_path: Path) -> None:
    """Ctrl-C reaches the writer too (same process group); it must outlive the crawl's
    graceful shutdown and close, rename and index the file."""
    out = tmp_path / "job"
    args = [sys.executable, "-m", "newsarchive", "crawl", "timesca", "--out", str(out),
            "-a", f"base_url={sample_site.url}", "--log-level", "INFO",
            "-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS=1"]  # fmt: skip
    proc = subprocess.Popen(args, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # fmt: skip
    items = out / "items.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (items.exists() and items.read_bytes().count(b"\n") >= 3):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
    _, stderr = proc.communicate(timeout=60)
    log = stderr.decode()
    assert "shutting down gracefully" in log
    assert not list((out / "warc").glob("*.open")), log[-3000:]
    (warc,) = (out / "warc").glob("*.warc.gz")
    assert tool("warcio", "check", str(warc)).returncode == 0
    exported = [json.loads(line) for line in items.read_text().splitlines()]
    assert exported and all(item["warc"]["response"]["filename"] == warc.name for item in exported)
    indexed = (out / "warc" / "index.cdxj").read_text().splitlines()
    assert len(indexed) == sum(1 for r in all_records(out / "warc") if r.rec_type in ("response", "revisit"))


def test_writer_answers_in_order_and_leaves_the_file_open_when_the_crawl_vanishes(tmp_path: Path) -> None:
    import io
    import pickle
    from datetime import datetime, timezone

    from newsarchive.warc.archiver import Outcome, WarcSettings, WireExchange
    from newsarchive.warc.writer_process import _LENGTH, _frame, serve

    def wire(path: str) -> WireExchange:
        sent = f"GET {path} HTTP/1.1\r\nHost: example.com\r\n\r\n".encode()
        return WireExchange(sent, datetime.now(timezone.utc), b"HTTP/1.1 200 OK", [b"Content-Type: text/html"], None)

    body = b"<p>same payload</p>"
    messages = [_frame(("open", WarcSettings(directory=tmp_path), "t", [("software", "test")], {"level": "WARNING"}))]
    for path in ("/a", "/b"):
        messages.append(_frame(("archive", f"http://example.com{path}", wire(path).to_fields(), None, len(body))) + body)
    messages.append(_frame(("nonsense",)))
    answers = io.BytesIO()
    assert serve(io.BytesIO(b"".join(messages)), answers) == 1  # input ended without "close"
    data, replies = answers.getvalue(), []
    while data:
        (size,) = _LENGTH.unpack_from(data)
        replies.append(pickle.loads(data[_LENGTH.size : _LENGTH.size + size]))
        data = data[_LENGTH.size + size :]
    assert [status for status, _ in replies] == ["ok", "ok", "ok", "error"]
    first, second = (Outcome(*replies[n][1]) for n in (1, 2))
    assert (first.rec_type, second.rec_type) == ("response", "revisit")  # same payload twice
    assert second.pointer["revisit_of"]["record_id"] == first.pointer["record_id"]
    assert "unknown message 'nonsense'" in replies[3][1]
    (left,) = tmp_path.glob("*.warc.gz.open")
    assert [r.rec_type for r in read_records(left)] == ["warcinfo", "response", "request", "revisit", "request"]


@pytest_twisted.ensureDeferred
async def test_the_writer_logs_where_the_crawl_logs(tmp_path: Path) -> None:
    log = tmp_path / "crawl.log"
    with site() as server:
        await crawl(tmp_path / "warc", [server.url + p for p in PAGES], LOG_FILE=str(log), LOG_LEVEL="INFO",
                    LOG_FORMAT="%(levelname)s|%(name)s|%(message)s")  # fmt: skip
    lines = log.read_text().splitlines()
    assert any(line.startswith("INFO|newsarchive.warc.writer|Closed WARC file") for line in lines), lines
    assert any(line.startswith("INFO|newsarchive.warc.archiver|Indexed ") for line in lines), lines


def test_exchange_fields_cross_the_pipe_exactly() -> None:
    from datetime import datetime, timedelta, timezone

    from newsarchive.warc.archiver import WireExchange

    sent_at = datetime(2026, 11, 25, 3, 19, 43, 278123, tzinfo=timezone(timedelta(hours=5)))
    wire = WireExchange(b"GET / HTTP/1.1\r\n\r\n", sent_at, b"HTTP/1.0 200 OK", [b"X: \xff"], None)
    back = WireExchange.from_fields(pickle.loads(pickle.dumps(wire.to_fields())))
    assert back == wire and back.sent_at.utcoffset() == timedelta(hours=5)


def test_jobdir_crawls_keep_their_requests_on_disk_with_written_pointers(sample_site: Any, tmp_path: Path) -> None:
    """With JOBDIR, requests (carrying teaser items and their pointers) are pickled to
    disk: responses then wait for their records, so no pointer is pending there."""
    from conftest import run_cli

    out = tmp_path / "job"
    result = run_cli("crawl", "timesca", "--out", str(out), "-a", f"base_url={sample_site.url}",
                     "--log-level", "INFO", "-s", f"JOBDIR={tmp_path / 'state'}")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "scheduler/enqueued/disk" in result.stderr  # the stats: requests did go to disk
    assert "scheduler/unserializable" not in result.stderr
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert len(items) == len(sample_site.content)
    assert all(item["warc"]["listing"]["record_id"] for item in items)
    assert sum("response" in item["warc"] for item in items) == len(items) - 1  # one teaser's article is a 404
    assert run_cli("verify", str(out / "warc"), "--items", str(out / "items.jsonl")).returncode == 0


def test_a_pending_pointer_pickles_only_once_written() -> None:
    from newsarchive.warc.provenance import PendingPointer

    pending = PendingPointer()
    with pytest.raises(TypeError, match="still being written"):
        pickle.dumps(pending)
    pending.resolve({"filename": "a.warc.gz", "offset": 0, "length": 9, "record_id": "<urn:uuid:x>"})
    assert pickle.loads(pickle.dumps(pending)) == pending.pointer
    failed = pickle.loads(pickle.dumps(PendingPointer.unwritten()))  # still failed: its item is dropped
    assert isinstance(failed, PendingPointer) and failed.done and failed.pointer is None


@pytest_twisted.ensureDeferred
async def test_a_write_error_in_the_writer_stops_the_crawl_and_says_why(tmp_path: Path, caplog: Any) -> None:
    not_a_dir = tmp_path / "warc"
    not_a_dir.write_text("a file where the WARC directory should be")
    with site() as server:
        results, stats = await crawl(not_a_dir, [server.url + p for p in PAGES], CONCURRENT_REQUESTS=1)
    # the writer runs behind: the pages may all be fetched before its first answer, but
    # the crawl is reported as failed, and no response points at a record
    assert stats["finish_reason"] == "warc_write_failed"
    assert stats["newsarchive/warc/write_errors"] == 1
    assert results and all(fetched.warc is None for fetched in results)
    assert any("Cannot write the WARC archive" in r.getMessage() for r in caplog.records)
    assert "FileExistsError" in caplog.text or "NotADirectoryError" in caplog.text


def test_items_whose_records_failed_are_not_exported_and_come_back_next_crawl(sample_site: Any, tmp_path: Path) -> None:
    from conftest import run_cli

    out = tmp_path / "job"
    blocked = tmp_path / "warc"  # `newsarchive crawl` refuses DIR/warc as a file up front; elsewhere it is found late
    blocked.write_text("a file where the WARC directory should be")
    args = ["crawl", "timesca", "--out", str(out), "-a", f"base_url={sample_site.url}", "--log-level", "INFO",
            "-s", f"NEWSARCHIVE_WARC_DIR={blocked}"]
    failed = run_cli(*args)
    assert failed.returncode == 1
    assert "'finish_reason': 'warc_write_failed'" in failed.stderr
    # (how many items were dropped depends on when the failure came: see the test below)
    items = out / "items.jsonl"
    assert not items.exists() or items.read_text() == ""  # nothing exported without its record
    seen = out / "seen-urls.txt"
    assert not seen.exists() or seen.read_text().strip() == ""  # so nothing counts as done
    blocked.unlink()
    again = run_cli(*args)
    assert again.returncode == 0, again.stderr[-3000:]
    exported = [json.loads(line) for line in items.read_text().splitlines()]
    assert len(exported) == len(sample_site.content)
    assert run_cli("verify", str(blocked), "--items", str(items)).returncode == 0


@pytest_twisted.ensureDeferred
async def test_the_pointer_pipeline_drops_items_whose_records_failed() -> None:
    from scrapy.exceptions import DropItem
    from scrapy.utils.test import get_crawler

    from newsarchive.items import Article
    from newsarchive.warc.provenance import PendingPointer, WarcPointerPipeline

    crawler = get_crawler()
    pipeline = WarcPointerPipeline.from_crawler(crawler)
    written = PendingPointer()
    item = Article(url="http://example.com/a", title="A", warc={"listing": PendingPointer.unwritten(), "response": written})
    written.resolve({"filename": "f.warc.gz", "offset": 0, "length": 9, "record_id": "<urn:uuid:x>"})
    with pytest.raises(DropItem, match="listing record could not be archived"):
        await pipeline.process_item(item)
    assert crawler.stats.get_value("newsarchive/warc/items_dropped") == 1
    fine = Article(url="http://example.com/b", title="B", warc={"response": written})
    assert (await pipeline.process_item(fine)).warc == {"response": written.pointer}


# -- signals: the writer ends when the crawl says so, never of a signal to the group ----


def test_the_writer_survives_the_groups_signals_even_while_it_starts(tmp_path: Path) -> None:
    """The crawl spawns the writer with these signals blocked: sent before the child has
    even loaded Python, they wait, and are then dropped as ignored."""
    from newsarchive.warc.archiver import WarcSettings
    from newsarchive.warc.writer_process import _LENGTH, CRAWL_SIGNALS, _blocked, _frame

    with _blocked(CRAWL_SIGNALS):
        child = subprocess.Popen([sys.executable, "-m", "newsarchive.warc.writer_process"], cwd=REPO_ROOT,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    try:
        for number in CRAWL_SIGNALS:
            os.kill(child.pid, number)
        opened = _frame(("open", WarcSettings(directory=tmp_path), "t", [("software", "test")], {"level": "WARNING"}))
        out, _ = child.communicate(opened + _frame(("close",)), timeout=60)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == 0  # answered both, then ended as asked, not by a signal
    (size,) = _LENGTH.unpack_from(out)
    assert pickle.loads(out[_LENGTH.size : _LENGTH.size + size]) == ("ok", [])


def start_crawl(out: Path, site_url: str) -> subprocess.Popen[bytes]:
    """``newsarchive crawl`` of the sample site in its own session (process group), as
    systemd, ``timeout`` or a container runtime start it."""
    args = [sys.executable, "-m", "newsarchive", "crawl", "timesca", "--out", str(out),
            "-a", f"base_url={site_url}", "--log-level", "INFO",
            "-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS=1"]  # fmt: skip
    return subprocess.Popen(args, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # fmt: skip


def wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def sqlite_side_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(("-wal", "-shm", "-journal")))


def running(pid: int) -> bool:
    """Whether ``pid`` (not our child) still runs: gone, or a zombie, is not running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


@pytest.mark.slow
def test_sigterm_to_the_process_group_ends_the_crawl_with_a_whole_archive(sample_site: Any, tmp_path: Path) -> None:
    """SIGTERM to the whole group (systemd, ``timeout``, a container stop) reaches the
    writer too: it must outlive the crawl's graceful shutdown, then close, rename and
    index the file, and leave the revisit database closed."""
    from newsarchive.warc.coverage import read_coverage

    out = tmp_path / "job"
    proc = start_crawl(out, sample_site.url)
    try:
        items = out / "items.jsonl"
        wait_for(lambda: items.exists() and items.read_bytes().count(b"\n") >= 3)
        assert proc.poll() is None, "the crawl ended before the signal"
        os.killpg(proc.pid, signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log = stderr.decode()
    assert "killed by signal" not in log and "warc_write_failed" not in log, log[-3000:]
    warc_dir = out / "warc"
    assert not list(warc_dir.glob("*.open"))
    assert sqlite_side_files(warc_dir) == []
    warcs = list(warc_dir.glob("*.warc.gz"))
    assert warcs and tool("warcio", "check", *map(str, warcs)).returncode == 0
    indexed = (warc_dir / "index.cdxj").read_text().splitlines()
    assert len(indexed) == sum(1 for r in all_records(warc_dir) if r.rec_type in ("response", "revisit"))
    coverage = read_coverage(warc_dir / "index.cdxj")
    assert coverage is not None and set(coverage.files) == {w.name for w in warcs}
    exported = [json.loads(line) for line in items.read_text().splitlines()]
    assert 3 <= len(exported) < len(sample_site.content)  # cut short by the signal
    assert all((warc_dir / item["warc"]["response"]["filename"]).exists()
               for item in exported if "response" in item["warc"])


@pytest.mark.slow
def test_the_writer_of_a_sigkilled_crawl_writes_what_it_was_sent_and_ends(sample_site: Any, tmp_path: Path) -> None:
    """Ignoring the group's signals, the writer still cannot outlive its crawl: end of
    input ends it, with every record whole and the revisit database closed."""
    from newsarchive.warc.recovery import complete_length, finish_unfinished, writer_is_gone

    out = tmp_path / "job"
    warc_dir = out / "warc"
    proc = start_crawl(out, sample_site.url)
    try:
        def written() -> bool:  # some records on disk, so that the kill comes mid-crawl
            try:
                return any(f.stat().st_size > 20_000 for f in warc_dir.glob("*.warc.gz.open"))
            except FileNotFoundError:
                return False

        wait_for(written)
        assert proc.poll() is None, "the crawl ended before the kill"
        (left,) = warc_dir.glob("*.warc.gz.open")
        writer_pid = int(left.name.removesuffix(".warc.gz.open").rsplit("-", 1)[1])
        assert writer_pid != proc.pid
        os.kill(proc.pid, signal.SIGKILL)  # the crawl only; the writer hears nothing
        proc.wait(timeout=30)
        wait_for(lambda: not running(writer_pid), timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert writer_is_gone(left)
    assert complete_length(left) == left.stat().st_size  # it was not cut short mid-record
    assert sqlite_side_files(warc_dir) == []
    (done,) = finish_unfinished(warc_dir)
    assert done.cut_bytes == 0
