"""Replay never passes a damaged or oversized record off as the page: an intact capture
is preferred, a damaged one alone fails the request (counted, named), and a stored body
larger than DOWNLOAD_MAXSIZE is not even read into memory."""

from __future__ import annotations

import gzip
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from job_runs import read_jsonl
from newsarchive.replay.index_lookup import CaptureIndex, CaptureResolver, DamagedCapture
from newsarchive.warc.reader import ArchiveFiles
from test_job_outcomes import article, crawl, listing, site_file
from test_replay_hostile import replay


def write_warc(path: Path, captures: list[tuple[str, str, bytes]]) -> list[int]:
    """One response record per (url, WARC-Date, body), gzipped per record; their offsets."""
    offsets = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, date, body in captures:
            offsets.append(fh.tell())
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                               warc_headers_dict={"WARC-Date": date})
            writer.write_record(record)
    return offsets


def damage_member(path: Path, offset: int, where: str = "middle") -> None:
    """Flip bytes of the gzip member at ``offset``: in the middle of its data (nothing may
    decompress), or in its CRC (all of it decompresses, and the check fails)."""
    data = bytearray(path.read_bytes())
    end = data.find(b"\x1f\x8b\x08", offset + 3)
    end = len(data) if end == -1 else end
    start = end - 8 if where == "crc" else (offset + end) // 2
    for i in range(start, start + 4):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_an_intact_capture_is_preferred_to_a_newer_damaged_one(tmp_path: Path) -> None:
    warc = tmp_path / "two.warc.gz"
    url = "http://example.test/story/"
    older = b"<html><body><p>" + b"the older capture " * 200 + b"</p></body></html>"
    newer = b"<html><body><p>" + b"the newer capture " * 200 + b"</p></body></html>"
    offsets = write_warc(warc, [(url, "2026-01-01T00:00:00Z", older), (url, "2026-02-01T00:00:00Z", newer)])
    index = CaptureIndex.open([warc])  # indexed when written; damaged later on disk
    damage_member(warc, offsets[1])
    resolver = CaptureResolver(index)
    try:
        resolved = resolver.resolve(index.lookup(url))
        assert resolved is not None and resolved.damage is None
        assert resolved.payload.payload == older
        # only the damaged one left: it is returned, and says it is damaged
        only = [c for c in index.lookup(url) if c.offset == offsets[1]]
        with pytest.raises(DamagedCapture, match="corrupt"):
            resolver.resolve(only)
    finally:
        resolver.close()


def test_a_payload_over_the_limit_is_not_read(tmp_path: Path) -> None:
    warc = tmp_path / "big.warc.gz"
    body = b"<html><body>" + b"z" * 3_000_000 + b"</body></html>"
    [offset] = write_warc(warc, [("http://example.test/big/", "2026-01-01T00:00:00Z", body)])
    with ArchiveFiles() as files:
        record = files.load(warc, offset, max_payload=1_000_000)
        assert record.payload == b"" and record.unread == len(body)
        assert record.http_headers is not None and record.http_headers.get_statuscode() == "200"
        assert files.load(warc, offset).payload == body  # no limit: read whole


def test_a_damaged_capture_fails_in_replay_with_a_name_and_a_count(static_site: Any, tmp_path: Path) -> None:
    pages = static_site.pages
    pages["/list/"] = listing([("/a/", "Alpha"), ("/b/", "Beta")])
    pages["/a/"] = article("Alpha")
    pages["/b/"] = article("Beta")
    site = site_file(tmp_path, static_site.url + "/list/")
    live = crawl(site, tmp_path / "out")
    assert live.returncode == 0, live.stdout + live.stderr[-3000:]
    lines = (tmp_path / "out" / "warc" / "index.cdxj").read_text().splitlines()
    entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
    entry = next(e for e in entries if e["url"].endswith("/a/") and e.get("status") == "200")
    warc = next((tmp_path / "out" / "warc").glob(entry["filename"]))
    damage_member(warc, int(entry["offset"]))

    result, replayed = replay(tmp_path, site, "LOG_LEVEL=INFO")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]  # as a failed article live
    by_title = {i["title"]: i for i in replayed}
    assert by_title["Alpha"]["fetch_error"] == "damaged_capture"
    assert by_title["Beta"]["fetch_error"] is None and "Officials said" in by_title["Beta"]["body"]
    assert "is damaged" in result.stderr and "no other capture is intact" in result.stderr
    assert "damaged" in result.stdout  # the summary says so too



def test_what_is_left_of_a_cut_record_is_replayed_only_when_asked(tmp_path: Path) -> None:
    """A WARC whose last record the file cuts short (a copy that stopped): by default the
    article fails as ``damaged_capture``; ``NEWSARCHIVE_REPLAY_DAMAGED=replay`` uses what is there."""
    from conftest import run_cli

    base = "http://news.example"
    rng = random.Random(7)  # words that do not compress away: the record spans many KiB
    words = " ".join("".join(rng.choice("abcdefghij") for _ in range(rng.randint(3, 9))) for _ in range(3000))
    story = article("Alpha")[2].replace(b"</p></div>", f" {words}</p></div>".encode())
    archive = tmp_path / "archive"
    archive.mkdir()
    warc = archive / "cut.warc.gz"
    write_warc(warc, [(f"{base}/list/", "2026-01-01T00:00:00Z", listing([("/a/", "Alpha"), ("/b/", "Beta")])[2]),
                      (f"{base}/b/", "2026-01-01T00:00:01Z", article("Beta")[2]),
                      (f"{base}/a/", "2026-01-01T00:00:02Z", story)])
    warc.write_bytes(warc.read_bytes()[:-300])  # the last member (the /a/ response) cut short
    site = site_file(tmp_path, f"{base}/list/", allowed="news.example")

    def replay_with(*settings: str) -> tuple[Any, dict[str, Any]]:
        out = tmp_path / "items.jsonl"
        args = ["replay", str(archive), "--spider", str(site), "-o", str(out)]
        for setting in settings:
            args += ["-s", setting]
        result = run_cli(*args)
        return result, {i["title"]: i for i in read_jsonl(out)} if out.exists() else {}

    result, items = replay_with()
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "Alpha" in items, result.stdout + result.stderr[-3000:]
    assert items["Alpha"]["fetch_error"] == "damaged_capture" and items["Beta"]["fetch_error"] is None
    result, items = replay_with("NEWSARCHIVE_REPLAY_DAMAGED=replay")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "replaying what is there" in result.stderr
    assert items["Alpha"]["fetch_error"] is None and items["Alpha"]["body"].startswith("Alpha happened today")
    result, _ = replay_with("NEWSARCHIVE_REPLAY_DAMAGED=maybe")
    assert result.returncode == 2 and "NEWSARCHIVE_REPLAY_DAMAGED: must be one of fail, replay" in result.stderr


def test_gzip_payload_check_is_on_the_stored_bytes(tmp_path: Path) -> None:
    """A gzip-coded body under the limit is read (its decoded size is bounded later, by
    HttpCompressionMiddleware, as in the live crawl)."""
    warc = tmp_path / "coded.warc.gz"
    body = gzip.compress(b"<p>" + b"a" * 2_000_000 + b"</p>")
    [offset] = write_warc(warc, [("http://example.test/coded/", "2026-01-01T00:00:00Z", body)])
    with ArchiveFiles() as files:
        record = files.load(warc, offset, max_payload=100_000)
        assert record.unread == 0 and record.payload == body


def test_a_directory_without_archives_is_nothing_to_replay(tmp_path: Path) -> None:
    from conftest import run_cli

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "listing-1.warc.gz.open").write_bytes(b"")  # a crawl still writing
    result = run_cli("replay", str(empty), "--spider", "timesca", "-o", str(tmp_path / "items.jsonl"))
    assert result.returncode == 3, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no WARC/ARC/WACZ files" in lines[0] and ".open" in lines[0], lines
    assert not (tmp_path / "items.jsonl").exists()
