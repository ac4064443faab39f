"""Damaged archives are never passed as sound: every byte of every file is accounted for.

Real WARC files (written by the project's own writer, and the real-world corpus copied
into tmp_path) are damaged the ways disks, copies and killed writers damage them:
garbage inserted, bits flipped, regions zero-filled, files cut short, lengths that lie.
``verify`` must report each with offset and length and exit 1; ``index`` and ``wacz``
must index what is readable, say what is not, and exit 1; none of them may end in a
traceback. Nothing here is mocked.
"""

from __future__ import annotations

import bisect
import gzip
import json
import random
import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.exceptions import ArchiveLoadFailed

from conftest import run_cli
from newsarchive.cli import main
from newsarchive.archive_tools.verify import verify
from newsarchive.warc.index import cdxj_lines
from newsarchive.warc.reader import Damage, RecordReader, load_record
from newsarchive.warc.records import request_record, response_head, response_record, warc_date
from newsarchive.warc.writer import RecordLocation, WarcWriter
from warc_builders import Capture, write_warc

WORDS = [w.encode() for w in ["archive", "tashkent", "almaty", "bishkek", "dushanbe", "ashgabat", "minister", "budget", "reform", "audit", "railway", "parliament", "border", "water", "energy", "cotton", "tariff", "election", "court", "pension", "metro"]]


def project_archive(directory: Path, pages: int = 68, seed: int = 5) -> tuple[Path, list[RecordLocation]]:
    """A closed WARC written by the project's writer: warcinfo + ``pages`` response/request
    pairs (137 records for 68 pages, like the crawl in the issue). Returns the file and
    where each response landed."""
    rng = random.Random(seed)
    writer = WarcWriter(directory, "test", info=[("software", "newsarchive tests")])
    responses = []
    for i in range(pages):
        url = f"http://news.example.org/article-{i}/"
        body = b"<html><body><p>" + b" ".join(rng.choice(WORDS) for _ in range(rng.randint(200, 2500))) + b"</p></body></html>"
        head = response_head(b"HTTP/1.1 200 OK", [b"Content-Type: text/html; charset=utf-8"], len(body))
        response = response_record(target_uri=url, date=warc_date(), head=head, body=body, algorithm="sha1",
                                   ip_address="127.0.0.1")
        request = request_record(target_uri=url, date=response.date, algorithm="sha1", concurrent_to=response.record_id,
                                 sent=f"GET /article-{i}/ HTTP/1.1\r\nHost: news.example.org\r\n\r\n".encode())
        responses.append(writer.write([response, request])[0])
    path = writer.close()
    assert path is not None
    return path, responses


def member_starts(data: bytes) -> list[int]:
    starts, pos = [], 0
    while pos < len(data):
        starts.append(pos)
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        decomp.decompress(data[pos:])
        pos = len(data) - len(decomp.unused_data)
    return starts


def uncompressed(path: Path, out: Path) -> Path:
    """The same records as one uncompressed WARC."""
    data = path.read_bytes()
    out.write_bytes(b"".join(zlib.decompress(data[start:], 16 + zlib.MAX_WBITS) for start in member_starts(data)))
    return out


def read_all(path: Path, **kwargs: object) -> tuple[RecordReader, int, list[Damage]]:
    damage: list[Damage] = []
    reader = RecordReader(path, on_damage=damage.append, **kwargs)  # type: ignore[arg-type]
    count = 0
    for _ in reader:
        reader.get_record_offset()
        count += 1
    return reader, count, damage


def assert_accounted(reader: RecordReader, damage: list[Damage]) -> None:
    """Every byte is in a record or in a reported damage, and the lengths add up."""
    assert reader.bytes_read == reader.size
    assert sum(d.length for d in damage) == reader.unreadable_bytes
    assert not [d for d in damage if d.kind == "unaccounted"]


def covers(damage: list[Damage], start: int, end: int) -> bool:
    """Some reported unreadable span covers file bytes ``start:end``."""
    return any(d.offset <= start and end <= d.offset + d.length for d in damage)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``newsarchive ARGS`` in this process: (exit status, stdout, stderr)."""
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[RecordLocation]]:
    return project_archive(tmp_path_factory.mktemp("clean"))


@pytest.fixture
def copy(archive: tuple[Path, list[RecordLocation]], tmp_path: Path) -> Iterator[tuple[Path, bytes]]:
    path = tmp_path / "crawl.warc.gz"
    shutil.copy(archive[0], path)
    yield path, path.read_bytes()


# ---------------------------------------------------------------------------------
# The issue: 4 KiB of garbage in the middle, read only half the records, "OK"


@pytest.mark.parametrize("compressed", [True, False])
def test_garbage_in_the_middle_is_damage_with_offset_and_length(
        copy: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str], compressed: bool) -> None:
    path, _ = copy
    if not compressed:
        path = uncompressed(path, tmp_path / "crawl.warc")
    data = path.read_bytes()
    assert read_all(path)[1] == 137
    middle = len(data) // 2
    path.write_bytes(data[:middle] + random.Random(1).randbytes(4096) + data[middle:])

    reader, count, damage = read_all(path, check_headers=True)
    assert_accounted(reader, damage)
    assert count >= 135  # the damaged record at most, not the rest of the file
    if compressed:  # the member it broke, and the garbage, are skipped
        assert covers(damage, middle, middle + 4096)
    else:  # the garbage is read as part of a block (its digest fails), what it displaced is skipped
        assert reader.unreadable_bytes >= 4096 and damage[0].offset > middle
    report = verify([path])
    assert not report.ok and report.status == 1
    assert report.unreadable_bytes >= 4096 and report.records == count

    status, out, _ = cli(capsys, "verify", str(path))
    assert status == 1 and "FAILED" in out
    assert any(line.startswith(f"problem: {path}:") and "skipped" in line for line in out.splitlines())
    status, out, err = cli(capsys, "index", str(path))
    assert status == 1 and f"damaged: {path}:" in err
    lines = (tmp_path / f"{path.name}.cdxj").read_text().splitlines()
    assert len(lines) >= 66  # every readable response


def _silent(member: bytes, index: int, mask: int) -> bool:
    """Whether flipping ``mask`` at ``member[index]`` leaves the member decompressing to the
    same bytes, whole and with its CRC-32 right: nothing archived changed."""
    flipped = bytearray(member)
    flipped[index] ^= mask
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decomp.decompress(bytes(flipped))
    except zlib.error:
        return False
    return decomp.eof and not decomp.unused_data and out == zlib.decompress(member, 16 + zlib.MAX_WBITS)


def test_every_bit_flip_in_a_gzip_warc_is_found(copy: tuple[Path, bytes]) -> None:
    """CRC-32 and the deflate stream cover every bit of a member but those that say
    nothing about the records: its gzip header's FTEXT flag, MTIME, XFL and OS fields,
    the padding bits of the last byte of its deflate stream and, in what ISA-L writes, a
    few redundant bits of the encoding (a code length of a symbol never used, say). Those
    are the flips after which the member still decompresses to the same bytes: found or
    not, nothing archived changed. Every other flip must be found."""
    path, data = copy
    starts = member_starts(data)
    ends = starts[1:] + [len(data)]
    flags = {start + 3 for start in starts}
    rng = random.Random(7)
    offsets = [rng.randrange(len(data)) for _ in range(60)]
    offsets += [s + 3 for s in starts[1:4]] + [len(data) - 1]  # FLG bytes, last ISIZE byte
    found = 0
    for offset in offsets:
        mask = 1 << (rng.randrange(1, 8) if offset in flags else rng.randrange(8))
        member = bisect.bisect_right(starts, offset) - 1
        if _silent(data[starts[member]:ends[member]], offset - starts[member], mask):
            continue
        flipped = bytearray(data)
        flipped[offset] ^= mask
        path.write_bytes(bytes(flipped))
        reader, _, damage = read_all(path)
        assert_accounted(reader, damage)
        report = verify([path])
        assert not report.ok, f"bit flip at {offset} passed"
        found += 1
    assert found >= 40  # most flips change something


def test_bit_flips_in_an_uncompressed_warc(copy: tuple[Path, bytes], tmp_path: Path) -> None:
    """No checksum covers a WARC header, so what can be told from its syntax is: a
    flipped bit 6 or 7 turns a digit or letter into none of its kind. (Bit 5 of a name
    only changes its case; a hex digit or a URL may turn into another one, unseen.)"""
    path = uncompressed(copy[0], tmp_path / "crawl.warc")
    data = path.read_bytes()
    record = data.index(b"WARC/1.1\r\nWARC-Type: response")
    header_end = data.index(b"\r\n\r\n", record)
    targets = {
        "version line": data.index(b"1.1", record),
        "field name": data.index(b"Payload-Digest", record) + 9,
        "record ID": data.index(b"WARC-Record-ID: <urn:uuid:", record) + 27,
        "date": data.index(b"WARC-Date: ", record) + 12,
        "Content-Length digit": data.index(b"Content-Length: ", record) + 16,
        "block": header_end + 40,
        "digest algorithm": data.index(b"sha1:", record) + 2,
    }
    for what, offset in targets.items():
        bits = range(8) if what in ("Content-Length digit", "block") else (6, 7)
        for bit in bits:
            flipped = bytearray(data)
            flipped[offset] ^= 1 << bit
            path.write_bytes(bytes(flipped))
            reader, _, damage = read_all(path, check_headers=True)
            assert_accounted(reader, damage)
            assert not verify([path]).ok, f"flipped bit {bit} of the {what} passed"


@pytest.mark.parametrize("compressed", [True, False])
def test_cut_anywhere(copy: tuple[Path, bytes], tmp_path: Path, compressed: bool) -> None:
    """Down to a file cut right after the block of its last record: a writer killed
    before the blank lines that end it."""
    path, _ = copy
    if not compressed:
        path = uncompressed(path, tmp_path / "crawl.warc")
    data = path.read_bytes()
    rng = random.Random(3)
    cuts = [rng.randrange(1, len(data)) for _ in range(12)] + [len(data) - 1]
    if not compressed:
        cuts.append(len(data) - 4)  # right after the last block
    for size in cuts:
        path.write_bytes(data[:size])
        reader, _, damage = read_all(path)
        assert_accounted(reader, damage)
        assert damage, f"cut at {size} passed"
        assert not verify([path]).ok
        list(cdxj_lines(path, on_damage=lambda d: None))  # never a traceback


def test_zero_filled_regions(copy: tuple[Path, bytes]) -> None:
    path, data = copy
    starts = member_starts(data)
    for start in (starts[10], starts[40] + 100, len(data) - 4096):
        zeroed = data[:start] + bytes(4096) + data[start + 4096:]
        path.write_bytes(zeroed)
        reader, _, damage = read_all(path)
        assert_accounted(reader, damage)
        assert damage and not verify([path]).ok


@pytest.mark.parametrize("tail", [b"\x00" * 1000, b"trailing garbage\r\n" * 10])
@pytest.mark.parametrize("compressed", [True, False])
def test_trailing_bytes(copy: tuple[Path, bytes], tmp_path: Path, tail: bytes, compressed: bool) -> None:
    path, _ = copy
    if not compressed:
        path = uncompressed(path, tmp_path / "crawl.warc")
    data = path.read_bytes()
    path.write_bytes(data + tail)
    reader, count, damage = read_all(path)
    assert_accounted(reader, damage)
    assert count == 137
    assert [(d.offset, d.length) for d in damage] == [(len(data), len(tail))]
    assert "no further record" in damage[0].message


def test_crc_failure_is_damage(copy: tuple[Path, bytes]) -> None:
    path, data = copy
    starts = member_starts(data)
    response, after = starts[21], starts[22]  # members 1, 3, 5... are responses
    broken = bytearray(data)
    broken[after - 8] ^= 0xFF  # its CRC-32
    path.write_bytes(bytes(broken))
    reader, count, damage = read_all(path)
    assert_accounted(reader, damage)
    assert count in (136, 137)  # the record, if its header decompressed before the check failed
    assert len(damage) == 1 and "CRC-32 mismatch" in damage[0].message
    assert (damage[0].offset, damage[0].length) == (response, after - response)
    # none of its bytes can be trusted: not indexed, and loading it says why
    offsets = {json.loads(line.split(" ", 2)[2])["offset"] for line in cdxj_lines(path, on_damage=lambda d: None)}
    assert str(response) not in offsets and str(starts[23]) in offsets
    try:
        record = load_record(path, response)
    except ArchiveLoadFailed as exc:
        assert "corrupt" in str(exc)
    else:
        assert record.truncated and record.damage and "CRC-32 mismatch" in record.damage


@pytest.mark.parametrize("compressed", [True, False])
@pytest.mark.parametrize("change", [-10, 10])
def test_content_length_that_disagrees_with_what_follows(tmp_path: Path, compressed: bool, change: int) -> None:
    path = tmp_path / ("a.warc.gz" if compressed else "a.warc")
    caps = [Capture(f"http://example.com/{i}", body=b"<p>%d</p>" % i * 100) for i in range(3)]
    write_warc(path, caps, gzip_records=False)
    data = path.read_bytes()
    at = data.index(b"Content-Length: ", data.index(b"http://example.com/1"))
    end = data.index(b"\r\n", at)
    length = int(data[at + 16:end])
    lying = data[:at + 16] + str(length + change).encode() + data[end:]
    if compressed:  # one member per record, as a writer would have written them
        records = [b"WARC/1.0" + part for part in lying.split(b"WARC/1.0")[1:]]
        lying = b"".join(gzip.compress(record) for record in records)
    path.write_bytes(lying)
    reader, count, damage = read_all(path)
    assert_accounted(reader, damage)
    assert damage and not verify([path]).ok
    assert count >= 5 if compressed else count >= 4


def test_a_record_over_several_gzip_members_is_read_whole(tmp_path: Path) -> None:
    """Valid gzip, readable here: its bytes are the record's. verify notes that tools
    reading one member per record see it cut short."""
    plain = tmp_path / "p.warc"
    write_warc(plain, [Capture(f"http://example.com/{i}", body=b"x" * 5000 + b"%d" % i) for i in range(3)],
               gzip_records=False)
    records = [b"WARC/1.0" + part for part in plain.read_bytes().split(b"WARC/1.0")[1:]]
    second = records[2]  # the response for http://example.com/1
    assert b"WARC-Type: response" in second and b"http://example.com/1" in second
    members = records[:2] + [second[:3000], second[3000:]] + records[3:]  # its block over two members
    path = tmp_path / "m.warc.gz"
    path.write_bytes(b"".join(gzip.compress(m) for m in members))
    reader, count, damage = read_all(path)
    assert_accounted(reader, damage)
    assert count == 6 and damage == []
    lines = [json.loads(line.split(" ", 2)[2]) for line in cdxj_lines(path)]
    entry = next(e for e in lines if e["url"] == "http://example.com/1")
    record = load_record(path, int(entry["offset"]))
    assert record.payload.endswith(b"x1") and not record.truncated
    report = verify([path])
    assert [p.kind for p in report.problems] == ["multi-member"]


def test_a_member_holding_two_records_is_damage(tmp_path: Path) -> None:
    plain = tmp_path / "p.warc"
    offsets = write_warc(plain, [Capture(f"http://example.com/{i}") for i in range(3)], gzip_records=False)
    data = plain.read_bytes()
    members = [data[:offsets[1]], data[offsets[1]:offsets[2]], data[offsets[2]:]]  # pairs in one member
    path = tmp_path / "two.warc.gz"
    path.write_bytes(b"".join(gzip.compress(m) for m in members))
    reader, count, damage = read_all(path)
    assert_accounted(reader, damage)
    assert count == 3
    assert len(damage) == 3 and all("holds more records" in d.message for d in damage)


# ---------------------------------------------------------------------------------
# Bad files: one line naming file and offset, a non-zero exit, never a traceback


def test_bad_files_end_in_one_line_and_an_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "text.warc.gz").write_bytes(gzip.compress(b"hello\nthis is not a WARC file\n"))
    (cases / "empty.warc.gz").write_bytes(b"")
    (cases / "nothing.warc.gz").write_bytes(gzip.compress(b""))
    no_uri = tmp_path / "no-uri.warc"
    write_warc(no_uri, [Capture("http://example.com/")], gzip_records=False)
    data = no_uri.read_bytes()
    line = data.index(b"WARC-Target-URI: ")
    (cases / "no-uri.warc.gz").write_bytes(gzip.compress(data[:line] + data[data.index(b"\r\n", line) + 2:]))
    for name in sorted(p.name for p in cases.iterdir()):
        path = cases / name
        status, out, _ = cli(capsys, "verify", str(path))
        assert status == 1, (name, out)
        problems = [line for line in out.splitlines() if line.startswith("problem: ")]
        assert problems and all(line.startswith(f"problem: {path}:") for line in problems), (name, out)
        status, _, err = cli(capsys, "index", str(path))
        assert status == 1 and f"damaged: {path}:0: " in err, (name, err)
        status, _, err = cli(capsys, "wacz", str(path), "-o", str(tmp_path / f"{name}.wacz"))
        assert status == 1 and f"damaged: {path}:0: " in err, (name, err)
    # the response without a URI: verified, reported, not indexed
    lines = (cases / "no-uri.warc.gz.cdxj").read_text()
    assert lines == "" and "lacks WARC-Target-URI" in cli(capsys, "verify", str(cases / "no-uri.warc.gz"))[1]


def test_in_a_real_process_too(tmp_path: Path) -> None:
    bad = tmp_path / "text.warc.gz"
    bad.write_bytes(gzip.compress(b"not a WARC\n"))
    for args in (["verify", str(bad)], ["index", str(bad)], ["wacz", str(bad), "-o", str(tmp_path / "x.wacz")]):
        result = run_cli(*args)
        assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
        assert f"{bad}:0: unreadable record: ArchiveLoadFailed: Unknown archive format" in result.stdout + result.stderr


def test_exit_statuses_for_nothing_to_do_and_bad_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no archive here")
    for args in (["verify", str(empty)], ["index", str(empty)], ["wacz", str(empty), "-o", str(tmp_path / "x.wacz")]):
        status, out, err = cli(capsys, *args)
        assert status == 3 and "no WARC/ARC files in" in err, args
    assert not (empty / "index.cdxj").exists() and not (tmp_path / "x.wacz").exists()
    missing = str(tmp_path / "missing")
    for args in (["verify", missing], ["index", missing], ["wacz", missing, "-o", str(tmp_path / "x.wacz")]):
        status, _, err = cli(capsys, *args)
        assert status == 2 and "no such file or directory" in err, args
    # an empty directory among good ones: the good ones are done, the run is not a success
    good = tmp_path / "good"
    write_warc(good / "a.warc.gz" if good.mkdir() is None else good, [Capture("http://example.com/")])
    status, _, err = cli(capsys, "index", str(good), str(empty))
    assert status == 1 and f"{empty}: no WARC/ARC files" in err and (good / "index.cdxj").is_file()
    status, out, _ = cli(capsys, "verify", str(good), str(empty))
    assert status == 1 and f"problem: {empty}:0: no WARC/ARC files in this directory" in out


def test_one_cause_for_many_items_is_reported_once(archive: tuple[Path, list[RecordLocation]], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A killed crawl: its WARC still ``.open``, 660 items pointing at the final name."""
    path, responses = archive
    warc = tmp_path / "warc"
    warc.mkdir()
    shutil.copy(path, warc / (path.name + ".open"))
    items = tmp_path / "items.jsonl"
    with open(items, "w") as out:
        for n in range(660):
            location = responses[n % len(responses)]
            out.write(json.dumps({"url": f"http://news.example.org/article-{n % len(responses)}/",
                                  "warc": {"response": location.as_pointer()}}) + "\n")
    status, out, _ = cli(capsys, "verify", str(warc), "--items", str(items))
    problems = [line for line in out.splitlines() if line.startswith("problem: ")]
    assert status == 1 and len(problems) == 1 and "unfinished file" in problems[0]  # the records are there

    (warc / (path.name + ".open")).unlink()
    write_warc(warc / "other.warc.gz", [Capture("http://example.com/")])
    status, out, _ = cli(capsys, "verify", str(warc), "--items", str(items))
    problems = [line for line in out.splitlines() if line.startswith("problem: ")]
    assert status == 1 and len(problems) == 1
    assert "WARC file not found" in problems[0] and "659 more like it: 660 in all, lines 1, 2, 3, 4, 5, ..." in problems[0]


def test_one_cause_in_many_records_is_printed_once_with_a_count(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "p.warc"
    write_warc(plain, [Capture(f"http://example.com/{i}") for i in range(50)], gzip_records=False)
    path = tmp_path / "no-dates.warc"
    path.write_bytes(b"".join(line for line in plain.read_bytes().splitlines(keepends=True)
                              if not line.startswith(b"WARC-Date: ")))
    status, _, err = cli(capsys, "index", str(path))
    damaged = [line for line in err.splitlines() if line.startswith("damaged: ")]
    assert status == 1 and len(damaged) == 4
    assert damaged[-1].startswith(f"damaged: {path}: 97 more header problem(s) like those above (at ")


# ---------------------------------------------------------------------------------
# The real-world corpus


DAMAGED_IN_THE_CORPUS = {
    # deliberately damaged samples
    "resiliparse/clipped.warc.gz",  # block clipped shorter than its Content-Length
    "solrwayback/Evil-Warc-Headers.warc",  # truncated
    "solrwayback/transfer_compression_none_truncated.warc.gz",
    "warcio/bad.arc",  # lengths -1 and "abc"
    "warcio/example-bad-non-chunked.warc.gz",  # one gzip member for the whole file
    "warcio/example-digest.warc",  # a wrong payload digest
    "warcio/example-trunc.warc",
    "warcio/example-wrong-chunks.warc.gz",  # a record over two members, a wrong block digest
    "warcio.js/example-bad-length.warc",
    # really damaged, though not said so
    "pywb/example-extra.warc",  # a payload digest that matches another capture's payload
    "warcio/example-space-in-url.arc",  # 12 bytes short of the length its header says
}


@pytest.mark.corpus
def test_the_corpus_is_reported_as_it_is(corpus_dir: Path) -> None:
    """The damaged files and no other; every byte of every file accounted for."""
    root = corpus_dir / "warc"
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "warc_index.tsv")
    assert len(files) >= 53
    damaged = set()
    for path in files:
        reader, _, damage = read_all(path, check_headers=True)
        assert_accounted(reader, damage)
        if not verify([path]).ok:
            damaged.add(path.relative_to(root).as_posix())
    assert damaged == DAMAGED_IN_THE_CORPUS | {"warcio/example-bad.warc.gz.bad"}


@pytest.mark.corpus
@pytest.mark.parametrize("name", [
    "solrwayback/TEST-20220304210400500-00000-80~h3w~8443.warc.gz",  # Heritrix 3.4.0
    "ukwa-webarchive-test-suite/IAH-20080430204825-00000-blackbook-truncated.warc",  # WARC/0.17
    "py-wacz/example-iana.warc",  # WARC/1.1 from ArchiveWeb.page, gzip despite its name
])
def test_damaged_copies_of_corpus_files(corpus_dir: Path, tmp_path: Path, name: str) -> None:
    source = corpus_dir / "warc" / name
    path = tmp_path / source.name
    data = source.read_bytes()
    clean = read_all(source)[1]
    rng = random.Random(len(data))
    for _ in range(3):
        at = rng.randrange(len(data) // 4, len(data) * 3 // 4)
        path.write_bytes(data[:at] + rng.randbytes(4096) + data[at:])
        reader, count, damage = read_all(path)
        assert_accounted(reader, damage)
        assert count >= clean - 2 and reader.unreadable_bytes >= 4096
        if data[:2] == b"\x1f\x8b":  # the member it broke, and the garbage, are skipped
            assert covers(damage, at, at + 4096)
        assert not verify([path]).ok
