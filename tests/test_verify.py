"""``newsarchive verify``: digests recomputed, damage and unfinished files found, pointers checked."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import run_cli
from newsarchive.archive_tools.progress import terminal_progress
from newsarchive.archive_tools.verify import verify
from warc_builders import Capture, chunked, write_warc


def clean_archive(directory: Path) -> tuple[Path, list[int]]:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "crawl.warc"
    offsets = write_warc(path, [Capture(f"http://example.com/{i}", body=b"<p>%d</p>" % i * 50)
                                for i in range(3)], gzip_records=False)
    return path, offsets


def test_clean_archive_passes(tmp_path: Path) -> None:
    clean_archive(tmp_path)
    report = verify([tmp_path])
    assert report.ok, report.problems
    assert report.records == 6
    assert report.block_digests == 6 and report.payload_digests == 6
    result = run_cli("verify", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout.splitlines()[-1]


def test_flipped_byte_is_found_at_its_record(tmp_path: Path) -> None:
    path, offsets = clean_archive(tmp_path)
    data = bytearray(path.read_bytes())
    pos = data.index(b"<p>1</p>", offsets[1])
    data[pos + 3] = ord("7")
    path.write_bytes(bytes(data))
    report = verify([path])
    assert not report.ok
    messages = [(p.offset, p.message.split(" (")[0]) for p in report.problems]
    assert messages == [(offsets[1], "block digest mismatch"), (offsets[1], "payload digest mismatch")]
    result = run_cli("verify", str(path))
    assert result.returncode == 1
    assert f"{path}:{offsets[1]}: block digest mismatch" in result.stdout


def test_truncation_and_unfinished_files(tmp_path: Path) -> None:
    path, offsets = clean_archive(tmp_path)
    shutil.copy(path, tmp_path / "next.warc.open")
    path.write_bytes(path.read_bytes()[: offsets[2] + 400])
    report = verify([tmp_path])
    found = {(Path(p.path).name, p.offset, p.message.split(":")[0].split(" record")[0]) for p in report.problems}
    assert ("crawl.warc", offsets[2], "truncated response") in found
    assert ("next.warc.open", 0, "unfinished file") in found
    assert report.files == 2


def test_chunked_payload_digest_over_entity_body_is_accepted(tmp_path: Path) -> None:
    """warcprox & co. digest the de-chunked body; warcio digests the bytes as stored."""
    body = b"<html>" + b"x" * 300 + b"</html>"
    block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(body)
    entity = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
    stored = "sha1:" + hashlib.sha1(block.split(b"\r\n\r\n", 1)[1]).hexdigest()
    records = b""
    for digest in (entity, stored, "sha1:" + "A" * 32):
        records += (
            b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.com/\r\n"
            b"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-%012d>\r\n"
            b"WARC-Payload-Digest: %s\r\nContent-Type: application/http; msgtype=response\r\n"
            b"Content-Length: %d\r\n\r\n" % (len(records), digest.encode(), len(block))
        ) + block + b"\r\n\r\n"
    path = tmp_path / "c.warc"
    path.write_bytes(records)
    report = verify([path])
    assert report.records == 3 and report.payload_digests == 3
    assert [p.message.split(" (")[0] for p in report.problems] == ["payload digest mismatch"]


def test_item_pointers(tmp_path: Path) -> None:
    path, offsets = clean_archive(tmp_path / "warc")
    items = tmp_path / "items.jsonl"
    good = {"url": "http://example.com/1", "warc": {"response": {"filename": "crawl.warc", "offset": offsets[1]}}}
    lines = [
        {"url": "http://example.com/0", "warc": {"filename": "crawl.warc", "offset": offsets[0], "length": 1}},
        {"url": "http://example.com/2", "warc": {"filename": "crawl.warc", "offset": offsets[0]}},  # wrong URL
        {"url": "http://example.com/1", "warc": None},
        {"url": "http://example.com/1", "warc": {"filename": "other.warc", "offset": 0}},
        {"url": "http://example.com/1", "warc": {"filename": "crawl.warc", "offset": offsets[1] + 5}},
        good,
    ]
    items.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    report = verify([tmp_path / "warc"], items=items)
    assert report.items == 6
    bad_lines = sorted(p.offset for p in report.problems)
    assert bad_lines == [2, 3, 4, 5], report.problems
    assert "not the item's URL" in next(p.message for p in report.problems if p.offset == 2)


def test_progress_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert terminal_progress(io.StringIO()) is None
    stream = Tty()
    show = terminal_progress(stream, interval=0)
    assert show is not None
    show("[1/2] a.warc: 200 records")
    assert stream.getvalue().startswith("\r[1/2] a.warc: 200 records")


@pytest.mark.corpus
def test_corpus_known_defects(corpus_dir: Path) -> None:
    warc = corpus_dir / "warc"
    report = verify([warc / "warcio" / "example-digest.warc",
                     warc / "solrwayback" / "transfer_compression_gzip_chunked.warc.gz",
                     warc / "solrwayback" / "transfer_compression_brotli.warc.gz",
                     warc / "warcio" / "example-trunc.warc"])
    found = {(Path(p.path).name, p.offset, p.message.split(" (")[0].split(":")[0]) for p in report.problems}
    assert found == {
        ("example-digest.warc", 0, "payload digest mismatch"),  # the deliberately wrong one
        ("example-trunc.warc", 1197, "block digest mismatch"),
        ("example-trunc.warc", 1197, "payload digest mismatch"),
        # the 6 bytes its Content-Length leaves out, before the next record
        ("example-trunc.warc", 2560, "unexpected data right after the response record http"),
    }
    skipped = next(p for p in report.problems if p.offset == 2560)
    assert skipped.length == 6 and "does not end where its Content-Length (973) says" in skipped.message
    assert report.payload_digests >= 6  # base16, base32, base64 and chunked digests all read
