"""Reading records robustly: every corpus file, random access, damage and resynchronisation."""

from __future__ import annotations

import csv
import gzip
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from newsarchive.warc.reader import (
    ArchiveFiles,
    Damage,
    RecordReader,
    ZipMember,
    dechunk,
    digest_key,
    load_record,
)
from warc_builders import Capture, chunked, write_warc


@pytest.mark.corpus
def test_record_counts_match_the_corpus_inventory(corpus_dir: Path) -> None:
    """Every WARC's records are all read, damaged files included (per warc_index.tsv)."""
    rows = list(csv.DictReader(open(corpus_dir / "warc" / "warc_index.tsv", encoding="utf-8"), delimiter="\t"))
    assert len(rows) >= 50
    compared = 0
    for row in rows:
        if not row["record_types"]:
            continue  # ARC files: no WARC types listed
        expected = Counter({k: int(v) for k, v in (p.split("=") for p in row["record_types"].split(";"))})
        reader = RecordReader(corpus_dir / "warc" / row["file"], on_damage=lambda d: None)
        got = Counter(record.rec_type for record in reader)
        assert got == expected, row["file"]
        compared += 1
    assert compared >= 45


@pytest.mark.corpus
def test_arc_and_warc_017_read_alike(corpus_dir: Path) -> None:
    base = corpus_dir / "warc" / "ukwa-webarchive-test-suite" / "IAH-20080430204825-00000-blackbook-truncated"
    urls = {}
    for suffix in (".arc", ".arc.gz", ".warc", ".warc.gz"):
        reader = RecordReader(f"{base}{suffix}", on_damage=lambda d: pytest.fail(str(d)))
        urls[suffix] = {r.rec_headers.get_header("WARC-Target-URI") for r in reader if r.rec_type == "response"}
    assert urls[".arc"] == urls[".arc.gz"]
    assert urls[".warc"] == urls[".warc.gz"]
    assert urls[".arc"] <= urls[".warc"] and len(urls[".arc"]) >= 7


def test_load_record_by_offset_and_lru(tmp_path: Path) -> None:
    paths = []
    for n in range(3):
        path = tmp_path / f"f{n}.warc.gz"
        offsets = write_warc(path, [Capture(f"http://e.org/{n}/{i}", body=b"body %d %d" % (n, i)) for i in range(3)])
        paths.append((path, offsets))
    with ArchiveFiles(max_open=2) as files:
        for _ in range(2):
            for n, (path, offsets) in enumerate(paths):
                for i, offset in enumerate(offsets):
                    record = files.load(path, offset)
                    assert record.target_uri == f"http://e.org/{n}/{i}"
                    assert record.payload == b"body %d %d" % (n, i)
                    assert not record.truncated
        assert len(files._open) == 2


def test_load_record_from_zip_members(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    offsets = write_warc(warc, [Capture("http://e.org/x", body=b"zip body")])
    for compression in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        zpath = tmp_path / f"z{compression}.wacz"
        with zipfile.ZipFile(zpath, "w", compression=compression) as zf:
            zf.writestr("datapackage.json", "{}")
            zf.write(warc, "archive/a.warc.gz")
        record = load_record(ZipMember(str(zpath), "archive/a.warc.gz"), offsets[0])
        assert record.payload == b"zip body"
        assert len(list(RecordReader(ZipMember(str(zpath), "archive/a.warc.gz")))) == 2


def test_truncated_payload_flagged(tmp_path: Path) -> None:
    path = tmp_path / "t.warc"
    offsets = write_warc(path, [Capture("http://e.org/", body=b"x" * 1000)], gzip_records=False)
    path.write_bytes(path.read_bytes()[: offsets[0] + 600])
    record = load_record(path, offsets[0])
    assert record.truncated and 0 < len(record.payload) < 1000


def test_gzip_file_named_warc_and_single_member(tmp_path: Path) -> None:
    plain = tmp_path / "p.warc"
    offsets = write_warc(plain, [Capture(f"http://e.org/{i}") for i in range(2)], gzip_records=False)
    single = tmp_path / "single.warc"  # whole file one gzip member, misleading name
    single.write_bytes(gzip.compress(plain.read_bytes()))
    damage: list[Damage] = []
    reader = RecordReader(single, on_damage=damage.append)
    seen = []
    for record in reader:
        seen.append((record.rec_type, reader.get_record_offset()))
    assert [kind for kind, _ in seen] == ["response", "request", "response", "request"]
    assert (seen[0][1], seen[2][1]) == (offsets[0], offsets[1])
    assert len(damage) == 1 and "one gzip member" in damage[0].message
    assert load_record(single, offsets[1]).target_uri == "http://e.org/1"


def test_resync_in_arc(tmp_path: Path) -> None:
    def arc_record(url: str, body: bytes) -> bytes:
        block = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        return b"%s 1.2.3.4 20140216050221 text/html %d\n" % (url.encode(), len(block)) + block + b"\n"

    desc = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    header = b"filedesc://test.arc 0.0.0.0 20140216050221 text/plain %d\n" % len(desc) + desc + b"\n"
    records = [arc_record(f"http://e.org/{i}", b"<p>%d</p>" % i) for i in range(3)]
    broken = records[1].replace(b" 1.2.3.4 ", b" nonsense-without-fields ", 1)
    path = tmp_path / "x.arc"
    path.write_bytes(header + records[0] + broken[:20] + b"\x00garbage\n" + records[2])
    damage: list[Damage] = []
    urls = [r.rec_headers.get_header("WARC-Target-URI") for r in RecordReader(path, on_damage=damage.append)]
    assert urls[-2:] == ["http://e.org/0", "http://e.org/2"]
    assert len(damage) == 1 and "next record at" in damage[0].message


def test_dechunk_and_digest_forms() -> None:
    assert dechunk(chunked(b"hello world", 3)) == (b"hello world", True)
    assert dechunk(b"not chunked at all")[1] is False
    hex_sha1 = "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709"
    for form in ("sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", "SHA1:2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
                 "sha1:2jmj7l5rSw0yVb_vlWAYkK_YBwk=", hex_sha1.upper().replace("SHA1", "sha1")):
        assert digest_key(form) == hex_sha1
    assert digest_key("sha-256:" + "ab" * 32) == digest_key("sha256:" + "AB" * 32)
