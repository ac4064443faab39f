"""HTTP fidelity of the WARC capture, against raw-socket servers that show what was sent.

Each test names the defect it guards against; all files are read back with warcio and
must pass ``warcio check``.
"""

from __future__ import annotations

import gzip
import os
import socket
import time
from collections import Counter
from pathlib import Path

import pytest
import pytest_twisted
import scrapy

from newsarchive.warc.capture import WarcConfigurationError
from newsarchive.warc.handler import WIRE_META
from warc_crawl import RawServer, Rec, all_records, crawl, raw, read_records, tool, warc_files


def check_all(directory: Path) -> list[Rec]:
    """``warcio check`` every file, then return all records."""
    files = warc_files(directory)
    assert files, f"no WARC files in {directory}"
    result = tool("warcio", "check", *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr
    return all_records(directory)


def responses(recs: list[Rec]) -> list[Rec]:
    return [r for r in recs if r.rec_type in ("response", "revisit")]


def ok(body: bytes, *headers: bytes) -> bytes:
    head = b"".join(h + b"\r\n" for h in headers)
    return b"HTTP/1.1 200 OK\r\n" + head + b"Content-Length: %d\r\n\r\n" % len(body) + body


# -- the request as sent --------------------------------------------------------------


@pytest_twisted.ensureDeferred
async def test_request_records_are_the_bytes_the_server_received(tmp_path: Path) -> None:
    """Defect: request records rebuilt from Scrapy's Request (no Host, wrong order)."""
    routes = {
        "/robots.txt": raw(b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nUser-agent: *"),
        "/a?x=1&y=%20z": raw(ok(b"page a")),
        "/form": raw(ok(b"posted")),
    }
    with RawServer(routes) as server:
        form = scrapy.FormRequest(server.url + "/form", formdata={"k": "v é"})
        results, stats = await crawl(tmp_path, [server.url + "/a?x=1&y=%20z", form], ROBOTSTXT_OBEY=True)
    recs = check_all(tmp_path)
    sent = [r.block for r in recs if r.rec_type == "request"]
    assert sorted(sent) == sorted(server.received)  # byte for byte, robots.txt included
    host = server.url.split("//")[1].encode()
    assert all(b"\r\nHost: " + host + b"\r\n" in s for s in sent)
    by_uri = {r.uri: r for r in recs if r.rec_type == "request"}
    assert by_uri[server.url + "/a?x=1&y=%20z"].block.startswith(b"GET /a?x=1&y=%20z HTTP/1.1\r\n")
    post = by_uri[server.url + "/form"]
    assert post.block.startswith(b"POST /form HTTP/1.1\r\n") and post.payload == b"k=v+%C3%A9"
    assert {r.uri for r in responses(recs)} == {server.url + p for p in routes}
    assert stats["newsarchive/warc/records/request"] == 3
    assert "newsarchive/warc/uncaptured" not in stats


# -- the response as received ----------------------------------------------------------

UNUSUAL = (
    b"HTTP/1.1 299 Quite Unusual\r\n"
    b"set-cookie: a=1; Path=/\r\n"
    b"X-Mid: m\r\n"
    b"Set-Cookie: b=2; Path=/\r\n"
    b"X-Latin: caf\xe9\r\n"
    b"X-Bytes: \xff\xfe\x80\r\n"
    b"X-Folded: one\r\n  two\r\n"
    b"Content-Length: 5\r\n\r\nhello"
)
HTTP10 = b"HTTP/1.0 200 Okay Then\r\nContent-Type: text/plain\r\n\r\nread until the server closes"


@pytest_twisted.ensureDeferred
async def test_status_line_and_headers_are_kept_raw(tmp_path: Path) -> None:
    """Defects: reason phrase and protocol lost; repeated or interleaved headers merged
    or reordered; header case normalised; non-UTF-8 header bytes crash or get mangled."""
    routes = {"/unusual": raw(UNUSUAL), "/old": raw(HTTP10, close=True)}
    with RawServer(routes) as server:
        results, _ = await crawl(tmp_path, [server.url + "/unusual", server.url + "/old"])
    assert sorted(r.status for r in results) == [200, 299]
    by_uri = {r.uri: r for r in responses(check_all(tmp_path))}
    assert by_uri[server.url + "/unusual"].block == UNUSUAL  # exactly as the server sent it
    assert by_uri[server.url + "/old"].block == HTTP10


@pytest_twisted.ensureDeferred
async def test_content_encoded_body_is_stored_as_received(tmp_path: Path) -> None:
    """Defect: the decompressed body stored under a ``Content-Encoding: gzip`` header."""
    html = "<html><body>Привет, archive</body></html>".encode()
    packed = gzip.compress(html, mtime=0)
    wire = ok(packed, b"Content-Type: text/html; charset=utf-8", b"Content-Encoding: gzip")
    with RawServer({"/z": raw(wire)}) as server:
        results, _ = await crawl(tmp_path, [server.url + "/z"])
    assert results[0].body == html  # the spider still gets it decoded
    (rec,) = responses(check_all(tmp_path))
    assert rec.block == wire and rec.payload == packed


CHUNKED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nX-After: 1\r\n\r\n"
    b"6\r\n<html>\r\n5\r\nhello\r\n7\r\n</html>\r\n0\r\n\r\n"
)


@pytest_twisted.ensureDeferred
async def test_dechunked_body_gets_consistent_headers(tmp_path: Path) -> None:
    """Defect: a de-chunked body stored under ``Transfer-Encoding: chunked``, so digests
    and replay tools read garbage."""
    with RawServer({"/c": raw(CHUNKED)}) as server:
        await crawl(tmp_path, [server.url + "/c"])
    (rec,) = responses(check_all(tmp_path))
    assert rec.http_head == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Crawler-Transfer-Encoding: chunked\r\n"
        b"X-After: 1\r\nContent-Length: 18\r\n\r\n"
    )
    assert rec.payload == b"<html>hello</html>"
    # warcio's own HTTP reader rebuilds the response from the record
    from warcio.archiveiterator import ArchiveIterator

    with open(warc_files(tmp_path)[0], "rb") as fh:
        for parsed in ArchiveIterator(fh):
            if parsed.rec_type == "response":
                assert parsed.http_headers.get_statuscode() == "200"
                assert parsed.content_stream().read() == b"<html>hello</html>"


# -- every exchange -------------------------------------------------------------------


@pytest_twisted.ensureDeferred
async def test_redirect_hops_errors_and_retries_are_all_archived(tmp_path: Path) -> None:
    attempts = Counter()

    def flaky(conn: socket.socket, request: bytes) -> bool:
        attempts["flaky"] += 1
        if attempts["flaky"] < 3:
            conn.sendall(b"HTTP/1.1 503 Try Later\r\nContent-Length: 4\r\n\r\nbusy")
        else:
            conn.sendall(ok(b"finally"))
        return True

    with RawServer({"/old": raw(b"HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n"),
                    "/new": raw(ok(b"new page")), "/flaky": flaky}) as server:
        urls = [server.url + p for p in ("/old", "/flaky", "/missing")]
        results, stats = await crawl(tmp_path, urls, RETRY_ENABLED=True, RETRY_TIMES=2, HTTPERROR_ALLOW_ALL=False,
                                     HTTPERROR_ALLOWED_CODES=[404])
    recs = check_all(tmp_path)
    got = Counter((r.uri.removeprefix(server.url), r.http_head.split(b" ")[1]) for r in responses(recs))
    assert got == Counter({("/old", b"301"): 1, ("/new", b"200"): 1, ("/flaky", b"503"): 2,
                           ("/flaky", b"200"): 1, ("/missing", b"404"): 1})
    # every response has its request record, tied by WARC-Concurrent-To
    pairs = {r.get("WARC-Concurrent-To"): r for r in recs if r.rec_type == "request"}
    for resp in responses(recs):
        req = pairs[resp.get("WARC-Record-ID")]
        assert (req.uri, req.get("WARC-Date")) == (resp.uri, resp.get("WARC-Date"))
    # the spider's pointer is the record of the final response, and reads back alone
    by_id = {r.get("WARC-Record-ID"): r for r in recs}
    for fetched in results:
        target = by_id[fetched.warc["record_id"]]
        assert target.uri == fetched.url and target.payload == fetched.body
        assert (target.filename, target.offset, target.length) == (
            fetched.warc["filename"], fetched.warc["offset"], fetched.warc["length"])
    assert {f.url.removeprefix(server.url) for f in results} == {"/new", "/flaky", "/missing"}
    # the second 503 has the first one's payload: stored as a revisit
    assert (stats["newsarchive/warc/records/response"], stats["newsarchive/warc/records/revisit"]) == (5, 1)


# -- incomplete responses ----------------------------------------------------------------


def stall(conn: socket.socket, request: bytes) -> bool:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
    time.sleep(2)
    return False


def oversized(conn: socket.socket, request: bytes) -> bool:
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    for _ in range(10):
        conn.sendall(b"3e8\r\n" + b"x" * 1000 + b"\r\n")
    conn.sendall(b"0\r\n\r\n")
    return True


@pytest_twisted.ensureDeferred
async def test_truncated_responses_say_why(tmp_path: Path) -> None:
    """WARC-Truncated for data loss (kept or failed), timeouts and size cuts."""
    short = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"
    routes = {"/short": raw(short, close=True), "/short-fail": raw(short, close=True), "/stall": stall,
              "/big": oversized, "/fine": raw(ok(b"fine"))}
    with RawServer(routes) as server:
        u = server.url
        requests = [
            scrapy.Request(u + "/short", meta={"download_fail_on_dataloss": False}),
            scrapy.Request(u + "/short-fail"),
            scrapy.Request(u + "/stall", meta={"download_timeout": 0.5}),
            scrapy.Request(u + "/big", meta={"download_maxsize": 3000}),
            scrapy.Request(u + "/fine"),
        ]
        results, stats = await crawl(tmp_path, requests)
    by_uri = {r.uri.removeprefix(u): r for r in responses(check_all(tmp_path))}
    assert {k: v.get("WARC-Truncated") for k, v in by_uri.items()} == {
        "/short": "disconnect", "/short-fail": "disconnect", "/stall": "time", "/big": "length", "/fine": None}
    kept = by_uri["/short"]
    assert kept.payload == b"0123456789"
    assert kept.http_head == b"HTTP/1.1 200 OK\r\nX-Crawler-Content-Length: 100\r\nContent-Length: 10\r\n\r\n"
    outcome = {f.url.removeprefix(u): f for f in results}
    assert outcome["/short"].error is None and outcome["/short-fail"].error
    assert outcome["/short"].warc["record_id"] == kept.get("WARC-Record-ID")
    assert stats["newsarchive/warc/truncated/time"] == 1


# -- deduplication ---------------------------------------------------------------------------


@pytest_twisted.ensureDeferred
async def test_revisits_within_and_across_crawls(tmp_path: Path) -> None:
    routes = {"/a": raw(ok(b"same payload")), "/b": raw(ok(b"same payload")), "/c": raw(ok(b"other payload"))}
    one = {"CONCURRENT_REQUESTS": 1}
    with RawServer(routes) as server:
        urls = [server.url + p for p in ("/a", "/b", "/c")]
        first, _ = await crawl(tmp_path, urls, **one)
        second, stats = await crawl(tmp_path, urls, **one)
        full = tmp_path / "full"
        await crawl(full, urls, NEWSARCHIVE_WARC_REVISITS=False, **one)
    first_file, second_file = warc_files(tmp_path)
    types = lambda path: [r.rec_type for r in responses(read_records(path))]  # noqa: E731
    assert types(first_file) == ["response", "revisit", "response"]
    assert types(second_file) == ["revisit", "revisit", "revisit"]
    assert [r.rec_type for r in responses(check_all(full))] == ["response"] * 3
    originals = {r.get("WARC-Record-ID"): r for r in read_records(first_file)}
    for rec in responses(read_records(second_file)):
        original = originals[rec.get("WARC-Refers-To")]
        assert rec.get("WARC-Refers-To-Target-URI") == original.uri
        assert rec.get("WARC-Refers-To-Date") == original.get("WARC-Date")
        assert rec.get("WARC-Payload-Digest") == original.get("WARC-Payload-Digest")
        assert rec.get("WARC-Profile") == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    b = {f.url.rsplit("/", 1)[1]: f.warc for f in second}["b"]
    assert b["revisit_of"]["filename"] == first_file.name  # pointer names the full record
    assert stats["newsarchive/warc/records/revisit"] == 3
    # when the original file is gone, the payload is stored in full again
    first_file.unlink()
    second_file.unlink()
    with RawServer(routes) as server:
        await crawl(tmp_path, [server.url + "/a"], **one)
    assert [r.rec_type for r in responses(check_all(tmp_path))] == ["response"]


# -- what is not archived, and configuration --------------------------------------------------


@pytest_twisted.ensureDeferred
async def test_cache_hits_are_not_archived_and_carry_no_pointer(tmp_path: Path) -> None:
    cache = {"HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(tmp_path / "cache")}
    with RawServer({"/p": raw(ok(b"cached page"))}) as server:
        live, _ = await crawl(tmp_path / "one", [server.url + "/p"], **cache)
        cached, _ = await crawl(tmp_path / "two", [server.url + "/p"], **cache)
    assert live[0].warc is not None and cached[0].warc is None
    assert len(server.received) == 1 and not (tmp_path / "two").exists()


@pytest_twisted.ensureDeferred
async def test_disabled_archiving_is_plain_scrapy(tmp_path: Path) -> None:
    with RawServer({"/p": raw(ok(b"page"))}) as server:
        results, stats = await crawl(tmp_path / "w", [server.url + "/p"], NEWSARCHIVE_WARC_ENABLED=False)
    assert results[0].body == b"page" and results[0].warc is None
    assert WIRE_META not in results[0].meta
    assert not (tmp_path / "w").exists()
    assert not any(k.startswith("newsarchive/warc") for k in stats)


@pytest_twisted.ensureDeferred
async def test_replay_is_not_archived(tmp_path: Path) -> None:
    """Replay answers from an archive through its own handlers: nothing to capture."""
    from newsarchive.replay import REPLAY_DOWNLOAD_HANDLERS

    with RawServer({"/p": raw(ok(b"live page"))}) as server:
        await crawl(tmp_path / "live", [server.url + "/p"])
        replayed, stats = await crawl(tmp_path / "again", [server.url + "/p"], DOWNLOAD_HANDLERS=REPLAY_DOWNLOAD_HANDLERS,
                                      NEWSARCHIVE_REPLAY=str(tmp_path / "live"))
    assert replayed[0].body == b"live page" and len(server.received) == 1
    assert not (tmp_path / "again").exists()


@pytest_twisted.ensureDeferred
async def test_archiving_without_the_wire_handler_fails_at_start(tmp_path: Path) -> None:
    with pytest.raises(WarcConfigurationError, match="DOWNLOAD_HANDLERS"):
        await crawl(tmp_path, ["http://127.0.0.1:9/never"], DOWNLOAD_HANDLERS={})
    assert not tmp_path.joinpath("never").exists()


@pytest_twisted.ensureDeferred
async def test_rollover_keeps_order_and_the_index_covers_every_file(tmp_path: Path) -> None:
    """Large bodies go through the writer thread, small ones inline: files still fill in
    order, roll over at the size limit, each opens with a warcinfo, and the index covers all."""
    routes = {f"/p{i}": raw(ok(os.urandom(300_000) if i % 3 == 0 else b"small page %d" % i)) for i in range(9)}
    with RawServer(routes) as server:
        urls = [server.url + f"/p{i}" for i in range(9)]
        results, stats = await crawl(tmp_path, urls, NEWSARCHIVE_WARC_MAX_SIZE=20_000, CONCURRENT_REQUESTS=4)
    files = warc_files(tmp_path)
    assert len(files) >= 3 and stats["newsarchive/warc/files"] == len(files)
    recs = check_all(tmp_path)
    for path in files:
        assert read_records(path)[0].rec_type == "warcinfo"
    by_id = {r.get("WARC-Record-ID"): r for r in recs}
    for fetched in results:
        rec = by_id[fetched.warc["record_id"]]
        assert rec.uri == fetched.url and rec.filename == fetched.warc["filename"]
    index = (tmp_path / "index.cdxj").read_text().splitlines()
    assert {line.split('"filename": "')[1].split('"')[0] for line in index} == {p.name for p in files}
    assert len(index) == 9


@pytest_twisted.ensureDeferred
async def test_bad_settings_stop_the_crawl_before_it_starts(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported WARC digest"):
        await crawl(tmp_path, ["http://127.0.0.1:9/"], NEWSARCHIVE_WARC_DIGEST="md5")
    with pytest.raises(ValueError, match="MAX_SIZE"):
        await crawl(tmp_path, ["http://127.0.0.1:9/"], NEWSARCHIVE_WARC_MAX_SIZE=0)
