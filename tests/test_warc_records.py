"""WARC records, files and revisit index, checked by reading them back with warcio."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsarchive.warc.records import (
    REVISIT_PROFILE,
    check_algorithm,
    digest,
    request_record,
    response_head,
    response_record,
    revisit_record,
    warc_date,
)
from newsarchive.warc.revisits import Original, RevisitIndex
from newsarchive.warc.writer import WarcWriter

BIN = Path(sys.executable).parent


def warcio(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "warcio"), *args], capture_output=True, text=True, timeout=60)


def b32(algorithm: str, data: bytes) -> str:
    return f"{algorithm}:" + base64.b32encode(hashlib.new(algorithm, data).digest()).decode()


def records_of(path: Path) -> list:
    """(rec_type, headers, raw content block) of every record, via warcio."""
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh, no_record_parse=True):
            out.append((rec.rec_type, rec.rec_headers, rec.raw_stream.read()))
    return out


HEAD_LINES = [
    b"Server: nginx",
    b"Set-Cookie: a=1; Path=/",
    b"X-Latin: caf\xe9 \xff",  # not UTF-8: kept byte for byte
    b"Set-Cookie: b=2; Path=/",
    b"Transfer-Encoding: chunked",
]


def test_response_head_renames_framing_and_keeps_raw_lines() -> None:
    head = response_head(b"HTTP/1.1 299 Very Fine", HEAD_LINES, 11)
    assert head == (
        b"HTTP/1.1 299 Very Fine\r\nServer: nginx\r\nSet-Cookie: a=1; Path=/\r\n"
        b"X-Latin: caf\xe9 \xff\r\nSet-Cookie: b=2; Path=/\r\n"
        b"X-Crawler-Transfer-Encoding: chunked\r\nContent-Length: 11\r\n\r\n"
    )


@pytest.mark.parametrize(
    ("lines", "length", "expected"),
    [
        ([b"Content-Length: 5"], 5, [b"Content-Length: 5"]),  # consistent: untouched
        ([b"content-length:   5"], 5, [b"content-length:   5"]),
        ([b"Content-Length: 9"], 5, [b"X-Crawler-Content-Length: 9", b"Content-Length: 5"]),  # cut short
        ([b"Content-Length: 5", b"Transfer-Encoding: chunked"], 5,
         [b"X-Crawler-Content-Length: 5", b"X-Crawler-Transfer-Encoding: chunked", b"Content-Length: 5"]),
        ([b"X-Folded: a", b" b"], 0, [b"X-Folded: a", b" b"]),  # continuation line kept
        ([], 3, []),  # close-delimited: nothing to fix
    ],
)
def test_response_head_framing_cases(lines: list[bytes], length: int, expected: list[bytes]) -> None:
    head = response_head(b"HTTP/1.0 200 OK", lines, length)
    assert head.split(b"\r\n")[1:-2] == expected


def test_digest_labels_and_algorithms() -> None:
    data = b"x" * (3 << 20)  # crosses the 1 MiB slicing
    assert digest([data[:5], memoryview(data)[5:]]) == b32("sha1", data)
    assert digest([data], "sha256") == b32("sha256", data)
    assert check_algorithm(" SHA256 ") == "sha256"
    with pytest.raises(ValueError, match="unsupported"):
        check_algorithm("md5")


def test_warc_date_has_microseconds() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", warc_date())


def _exchange_records(algorithm: str = "sha1") -> list:
    body = gzip.compress(b"<html>caf\xc3\xa9</html>", mtime=0)
    head = response_head(b"HTTP/1.1 200 OK", [b"Content-Encoding: gzip", *HEAD_LINES], len(body))
    date = warc_date()
    resp = response_record(target_uri="http://h/p?q=1&r=2", date=date, head=head, body=body,
                           algorithm=algorithm, ip_address="127.0.0.1")
    req = request_record(target_uri="http://h/p?q=1&r=2", date=date,
                         sent=b"POST /p?q=1&r=2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\na=b",
                         algorithm=algorithm, concurrent_to=resp.record_id)
    return [resp, req]


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
def test_written_records_pass_warcio_check(tmp_path: Path, algorithm: str) -> None:
    writer = WarcWriter(tmp_path, "t", digest=algorithm, info=[("software", "test")])
    resp, req = _exchange_records(algorithm)
    writer.write([resp, req])
    path = writer.close()
    assert path is not None
    check = warcio("check", "-v", str(path))
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 3  # warcinfo, response, request: all verified
    recs = records_of(path)
    assert [r[0] for r in recs] == ["warcinfo", "response", "request"]
    for _, headers, _ in recs:
        assert headers.protocol == "WARC/1.1"
        assert headers.get_header("WARC-Block-Digest").startswith(f"{algorithm}:")
    info_id = recs[0][1].get_header("WARC-Record-ID")
    assert recs[1][1].get_header("WARC-Warcinfo-ID") == info_id
    assert recs[2][1].get_header("WARC-Concurrent-To") == recs[1][1].get_header("WARC-Record-ID")
    assert recs[2][1].get_header("WARC-Payload-Digest") == b32(algorithm, b"a=b")
    assert b"X-Latin: caf\xe9 \xff\r\n" in recs[1][2]
    assert recs[1][1].get_header("WARC-Target-URI") == "http://h/p?q=1&r=2"
    info = recs[0][2].decode()
    assert "software: test\r\n" in info and recs[0][1].get_header("WARC-Filename") == path.name


def test_revisit_record_refers_to_original(tmp_path: Path) -> None:
    head = response_head(b"HTTP/1.1 200 OK", [b"Content-Length: 2"], 2)
    rec = revisit_record(target_uri="http://h/b", date=warc_date(), head=head, payload_digest=b32("sha1", b"hi"),
                         algorithm="sha1", refers_to="<urn:uuid:x>", refers_to_uri="http://h/a",
                         refers_to_date="2024-01-01T00:00:00.000001Z")
    writer = WarcWriter(tmp_path, "t")
    writer.write([rec])
    path = writer.close()
    assert warcio("check", str(path)).returncode == 0
    (_, headers, block) = records_of(path)[1]
    assert headers.get_header("WARC-Profile") == REVISIT_PROFILE
    assert headers.get_header("WARC-Refers-To") == "<urn:uuid:x>"
    assert headers.get_header("WARC-Refers-To-Target-URI") == "http://h/a"
    assert block == head


def test_truncated_response_is_flagged(tmp_path: Path) -> None:
    head = response_head(b"HTTP/1.1 200 OK", [b"Content-Length: 100"], 4)
    rec = response_record(target_uri="http://h/", date=warc_date(), head=head, body=b"abcd",
                          algorithm="sha1", truncated="time")
    assert rec.get_field("WARC-Truncated") == "time"
    assert b"X-Crawler-Content-Length: 100\r\nContent-Length: 4\r\n" in head


def test_file_names_open_suffix_rollover_and_members(tmp_path: Path) -> None:
    closed: list[Path] = []
    writer = WarcWriter(tmp_path / "w", "my crawl/1", max_size=3000, gzip_level=1, on_close=closed.append)
    pointers = []
    for _ in range(6):
        resp, req = _exchange_records()
        pointers.append((resp.record_id, writer.write([resp, req])[0]))
        if writer.current_path is not None:
            assert writer.current_path.name.endswith(".warc.gz.open")
            assert not writer.current_path.with_name(writer.current_path.name[:-5]).exists()
    writer.close()
    files = sorted((tmp_path / "w").iterdir())
    assert files == closed and len(files) >= 2  # rolled over at max size
    name = re.compile(r"my_crawl_1-(\d{17})-(\d{5})-[A-Za-z0-9._-]+-(\d+)\.warc\.gz")
    serials = []
    for path in files:
        m = name.fullmatch(path.name)
        assert m, path.name
        serials.append(int(m.group(2)))
        recs = records_of(path)
        assert recs[0][0] == "warcinfo" and [r[0] for r in recs[1:]].count("warcinfo") == 0
        assert warcio("check", str(path)).returncode == 0
    assert serials == list(range(len(files)))
    # every pointer is one whole gzip member holding exactly that record
    for record_id, where in pointers:
        data = (tmp_path / "w" / where.filename).read_bytes()[where.offset : where.offset + where.length]
        member = zlib.decompressobj(31)
        text = member.decompress(data)
        assert member.eof and not member.unused_data
        assert f"WARC-Record-ID: {record_id}\r\n".encode() in text


def test_failed_write_leaves_no_half_record(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, "t", gzip_level=0)
    writer.write(_exchange_records())
    good_size = writer.current_path.stat().st_size
    real = writer._fh
    writer._fh = _FullDisk(real, budget=200)  # the disk fills up in the middle of a record
    with pytest.raises(OSError, match="No space"):
        writer.write(_exchange_records())
    assert writer.current_path.stat().st_size == good_size
    writer._fh = real  # space freed: the crawl goes on in the same file
    writer.write(_exchange_records())
    path = writer.close()
    assert warcio("check", str(path)).returncode == 0
    assert [r[0] for r in records_of(path)] == ["warcinfo", "response", "request", "response", "request"]


class _FullDisk:
    """A file that accepts ``budget`` more bytes, then fails like a full disk."""

    def __init__(self, fh, budget: int) -> None:
        self.fh, self.budget = fh, budget

    def write(self, data) -> int:
        if len(data) > self.budget:
            self.fh.write(bytes(data[: self.budget]))
            self.budget = 0
            raise OSError(28, "No space left on device")
        self.budget -= len(data)
        return self.fh.write(data)

    def __getattr__(self, name: str):
        return getattr(self.fh, name)


def test_revisit_index_persists_and_forgets_missing_files(tmp_path: Path) -> None:
    (tmp_path / "a.warc.gz").write_bytes(b"")
    index = RevisitIndex(tmp_path)
    original = Original("<urn:uuid:1>", "http://h/", "2024-01-01T00:00:00Z", "a.warc.gz", 10, 20)
    index.add("sha1:AAA", original)
    index.add("sha1:AAA", Original("<urn:uuid:2>", "http://h/2", "d", "a.warc.gz", 1, 2))  # first wins
    index.add("sha1:BBB", Original("<urn:uuid:3>", "http://h/3", "d", "gone.warc.gz", 1, 2))
    index.close()
    again = RevisitIndex(tmp_path)  # a later crawl into the same directory
    assert again.lookup("sha1:AAA") == original
    assert again.lookup("sha1:BBB") is None  # its file is gone: never refer to it
    assert again.lookup("sha1:CCC") is None
    again.close()


@pytest.mark.parametrize("level", [0, 1, 4, 6, 9])
def test_gzip_members_are_standard_gzip_at_every_level(level: int) -> None:
    from newsarchive.warc.writer import gzip_compressor, gzip_member

    data = b"<p>Bishkek \xd0\x91\xd0\xb8\xd1\x88\xd0\xba\xd0\xb5\xd0\xba</p>\n" * 2000
    one_shot = gzip_member(data, level)
    streamed = gzip_compressor(level)
    chunked = b"".join(streamed.compress(data[i : i + 7000]) for i in range(0, len(data), 7000)) + streamed.flush()
    for member in (one_shot, chunked):
        inflater = zlib.decompressobj(31)  # what warcio and every WARC reader use
        assert inflater.decompress(member) == data
        assert inflater.eof and not inflater.unused_data
        assert (len(member) > len(data)) is (level == 0)  # 0 stores; any other level compresses
