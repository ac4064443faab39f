"""``--jobs N`` (newsarchive.warc.parallel_scan) changes wall-clock time, never a result.

One gzip WARC is split among processes at nominal bounds; each chunk but the first
guesses where its first record starts. Every test here compares ``index`` lines,
``verify`` reports and WACZ contents with ``--jobs 1``, with the split threshold forced
down and the bounds put in awkward places: between a request and its response, inside
a POST pair, inside a payload that is itself a gzip WARC stored verbatim (a false start),
at damaged members; and on every file of the real-world corpus.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from test_damaged_archives import member_starts, project_archive
from warc_builders import Capture, write_warc
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.archive_tools.verify import VerifyReport, verify
from newsarchive.archive_tools.wacz import write_wacz
from newsarchive.cli import main
from newsarchive.warc import fast_reader, parallel_scan
from newsarchive.warc import index as index_module
from newsarchive.warc.fast_reader import Unusual
from newsarchive.warc.index import FileLines, _index_chunk, cdxj_lines, write_index
from newsarchive.warc.parallel_scan import Chunk, Scan
from newsarchive.warc.reader import Damage, iter_archive_paths


@pytest.fixture(autouse=True)
def _fast_path_on() -> Iterator[None]:
    fast_reader.set_enabled(True)
    yield
    fast_reader.set_enabled(True)


def captures(count: int, *, post_every: int = 0) -> list[Capture]:
    found = []
    for number in range(count):
        post = bool(post_every) and number % post_every == 0
        found.append(Capture(
            f"http://news.example/article/{number}?page={number % 3}",
            body=(b"<html><body>" + b"words and more words " * (40 + number * 7 % 90) + b"</body></html>"),
            date=f"2024-03-{number % 28 + 1:02d}T10:{number % 60:02d}:00Z",
            method="POST" if post else "GET",
            request_body=f"q=term{number}&page={number}".encode() if post else b"",
        ))
    return found


def lines_jobs(path: Path, jobs: int, split_at: int = 0) -> tuple[list[str], list[Damage]]:
    damage: list[Damage] = []
    with FileLines([(path, path.name)], on_damage=damage.append, jobs=jobs, split_at=split_at) as files:
        lines = [line for per_file in files for line in per_file]
    return lines, damage


def lines_serial(path: Path) -> tuple[list[str], list[Damage]]:
    damage: list[Damage] = []
    return list(cdxj_lines(path, filename=path.name, on_damage=damage.append)), damage


def verdict(report: VerifyReport) -> tuple[Any, ...]:
    """Everything verify says, which reader read what included."""
    return (report.files, report.records, report.block_digests, report.payload_digests, report.unchecked_digests,
            report.bytes, report.unreadable_bytes, report.problems, report.status, report.fast_files,
            report.careful_files, report.summary())


def outcome(path: Path, jobs: int = 2, parse_http: bool = True) -> Any:
    """What the scan made of the one file (linked chunks, Unusual, None)."""
    scratch = path.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    with Scan([path], _index_chunk, [(path.name, str(scratch))], jobs, split_at=0) as scan:
        return next(iter(scan))


def assert_same(path: Path, jobs: int = 2) -> None:
    assert lines_jobs(path, jobs) == lines_serial(path), path
    assert verdict(verify([path], jobs=jobs, split_at=0)) == verdict(verify([path])), path


@pytest.fixture
def at_bounds(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Split every file at the given offsets (the first chunk always starts at 0)."""
    def put(*offsets: int) -> None:
        monkeypatch.setattr(parallel_scan, "_bounds", lambda size, parts: [0, *offsets])
    return put


def test_the_bench_like_archive_splits_and_links(tmp_path: Path) -> None:
    path = tmp_path / "get.warc.gz"
    write_warc(path, captures(60))
    for jobs in (2, 3, 5, 8):
        linked = outcome(path, jobs)
        assert isinstance(linked, list) and len(linked) >= 2, jobs
        assert_same(path, jobs)


def sweep_bounds(path: Path, at_bounds: Any, members: slice = slice(None)) -> None:
    """A bound at each member start, just after it, in its middle and at its last byte:
    the same lines and report as one process, and the chunks linked each time."""
    data = path.read_bytes()
    starts = member_starts(data)
    expected_lines = lines_serial(path)
    expected_report = verdict(verify([path]))
    ends = [*starts[1:], len(data)]
    for start, end in list(zip(starts, ends))[members]:
        for bound in sorted({start, start + 1, (start + end) // 2, end - 1}):
            if not 0 < bound < len(data):
                continue
            at_bounds(bound)
            linked = outcome(path)
            assert isinstance(linked, list), bound
            assert lines_jobs(path, 2) == expected_lines, bound
            assert verdict(verify([path], jobs=2, split_at=0)) == expected_report, bound


def test_every_bound_between_and_inside_members(tmp_path: Path, at_bounds: Any) -> None:
    """Responses each followed by its request (GET and POST), as the builder writes them."""
    path = tmp_path / "pairs.warc.gz"
    write_warc(path, captures(12, post_every=3))
    sweep_bounds(path, at_bounds)


def test_bounds_in_an_archive_of_the_project_writer(tmp_path: Path, at_bounds: Any) -> None:
    path, _ = project_archive(tmp_path, pages=12)
    sweep_bounds(path, at_bounds)


def test_bounds_between_a_request_and_its_response(tmp_path: Path, at_bounds: Any) -> None:
    """Request first, the response concurrent to it (the order pywb's recorder writes)."""
    path = tmp_path / "request-first.warc.gz"
    url = "http://news.example/search"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for number in range(6):
            request = _record(writer, f"{url}?n={number}", "request", f"q=term{number}".encode(),
                              {"WARC-Date": "2024-03-01T10:00:00Z"})
            response = _record(writer, f"{url}?n={number}", "response", b"<html>found</html>", {
                "WARC-Date": "2024-03-01T10:00:00Z",
                "WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID")})
            writer.write_record(request)
            writer.write_record(response)
    assert sum("__wb_method=post" in line for line in lines_serial(path)[0]) == 6
    sweep_bounds(path, at_bounds)


def test_a_bound_inside_a_post_pair_is_read_by_the_chunk_before(tmp_path: Path, at_bounds: Any) -> None:
    path = tmp_path / "post.warc.gz"
    write_warc(path, captures(6, post_every=1))
    starts = member_starts(path.read_bytes())
    at_bounds(starts[3])  # the request of the second POST exchange (its response is starts[2])
    linked = outcome(path)
    assert isinstance(linked, list)
    first, second = linked
    assert first[0].consumed == (starts[3], starts[4]) and second == (second[0], True)
    lines, _ = lines_jobs(path, 2)
    assert lines == lines_serial(path)[0]
    assert sum("__wb_method=post" in line for line in lines) == 6  # (POST responses keyed as pywb keys them)


def test_several_bounds_at_once(tmp_path: Path, at_bounds: Any) -> None:
    path = tmp_path / "many.warc.gz"
    write_warc(path, captures(40, post_every=4))
    starts = member_starts(path.read_bytes())
    at_bounds(starts[5], starts[5] + 3, starts[9], starts[17] + 100, starts[30], starts[31])
    assert isinstance(outcome(path, 7), list)
    assert_same(path, 7)
    assert_same(path, 3)  # (three processes for seven chunks)


def _record(writer: WARCWriter, url: str, kind: str, body: bytes, headers: dict[str, str]) -> Any:
    http = (StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1") if kind == "response"
            else StatusAndHeaders("POST / HTTP/1.1", [("Content-Type", "application/x-www-form-urlencoded"),
                                                       ("Content-Length", str(len(body)))], is_http_request=True))
    return writer.create_warc_record(url, kind, payload=BytesIO(body), http_headers=http, warc_headers_dict=headers)


def test_a_record_that_pairs_both_ways_leaves_the_file_to_one_process(tmp_path: Path, at_bounds: Any) -> None:
    """response R1, request Q concurrent to R1, response R2 concurrent to Q: the single
    read pairs R1 with Q; a chunk starting at Q pairs Q with R2. Not linked: read whole."""
    path = tmp_path / "both.warc.gz"
    url = "http://news.example/form"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        r1 = _record(writer, url, "response", b"<html>one</html>", {"WARC-Date": "2024-03-01T10:00:00Z"})
        q = _record(writer, url, "request", b"a=1&b=2", {
            "WARC-Date": "2024-03-01T10:00:00Z", "WARC-Concurrent-To": r1.rec_headers.get_header("WARC-Record-ID")})
        r2 = _record(writer, url, "response", b"<html>two</html>", {
            "WARC-Date": "2024-03-01T10:00:01Z", "WARC-Concurrent-To": q.rec_headers.get_header("WARC-Record-ID")})
        for record in (r1, q, r2):
            writer.write_record(record)
    starts = member_starts(path.read_bytes())
    at_bounds(starts[1])
    assert outcome(path) is None
    assert_same(path)


def test_a_stored_gzip_warc_in_a_payload_is_no_start(tmp_path: Path, at_bounds: Any) -> None:
    inner = tmp_path / "inner.warc.gz"
    with open(inner, "wb") as fh:  # one record: nothing in it that deflate could refer back to
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warc_record("http://news.example/inner", "resource",
                                                      payload=BytesIO(b"inner text " * 20),
                                                      warc_content_type="text/plain"))
    noise = random.Random(7)
    # between incompressible bytes, the inner file is stored verbatim (deflate stored blocks)
    payload = noise.randbytes(100_000) + inner.read_bytes() + noise.randbytes(100_000)
    path = tmp_path / "outer.warc.gz"
    write_warc(path, [*captures(2), Capture("http://news.example/archive.bin", body=payload,
                                            headers=(("Content-Type", "application/octet-stream"),)),
                      *captures(2)])
    data = path.read_bytes()
    starts = member_starts(data)
    inside = parallel_scan.find_start(path, starts[4] + 1)
    assert starts[4] < inside < starts[5]  # an inner record: a start that is false
    assert data[inside:inside + 10] in {inner.read_bytes()[offset:offset + 10]
                                        for offset in member_starts(inner.read_bytes())}
    at_bounds(inside - 5)
    assert outcome(path) is None  # a false start: the chunk before says where the next record is
    assert_same(path)


@pytest.mark.parametrize("where", ["first chunk", "second chunk", "at the bound", "cut short"])
def test_damage_is_reported_as_with_one_process(tmp_path: Path, at_bounds: Any, where: str) -> None:
    path = tmp_path / "damaged.warc.gz"
    write_warc(path, captures(10))
    data = bytearray(path.read_bytes())
    starts = member_starts(bytes(data))
    at_bounds(starts[10])
    if where == "first chunk":
        data[starts[3] + 40] ^= 0xFF
    elif where == "second chunk":
        data[starts[14] + 40] ^= 0xFF
    elif where == "at the bound":
        data[starts[10] + 30] ^= 0xFF  # the chunk's first member: its start is guessed past it
    else:
        del data[-50:]
    path.write_bytes(bytes(data))
    found = outcome(path)
    if where != "at the bound":
        assert isinstance(found, Unusual)  # on the certain chain: straight to the careful reader
    lines, damage = lines_jobs(path, 2)
    assert damage and (lines, damage) == lines_serial(path)
    parallel, single = verify([path], jobs=2, split_at=0), verify([path])
    assert parallel.problems and verdict(parallel) == verdict(single)


def test_a_digest_mismatch_in_a_later_chunk(tmp_path: Path, at_bounds: Any) -> None:
    path = tmp_path / "digest.warc.gz"
    write_warc(path, captures(8))
    data = path.read_bytes()
    starts = member_starts(data)
    member = gzip.decompress(data[starts[12]:starts[13]]).replace(b"words", b"w0rds", 1)
    path.write_bytes(data[:starts[12]] + gzip.compress(member) + data[starts[13]:])
    at_bounds(starts[6])
    report = verify([path], jobs=2, split_at=0)
    assert report.problems and report.careful_files == 1
    assert verdict(report) == verdict(verify([path]))


def test_warcinfo_links_are_checked_across_chunks(tmp_path: Path, at_bounds: Any) -> None:
    path = tmp_path / "links.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warcinfo_record(path.name, {"software": "tests"})
        info_id = info.rec_headers.get_header("WARC-Record-ID")
        writer.write_record(info)
        for number in range(12):
            ids = {"WARC-Warcinfo-ID": info_id if number % 5 else f"<urn:uuid:nowhere-{number % 2}>"}
            writer.write_record(writer.create_warc_record(
                f"http://news.example/{number}", "resource", payload=BytesIO(b"x" * 300 * number),
                warc_content_type="text/plain", warc_headers_dict=ids))
    starts = member_starts(path.read_bytes())
    for bound in (starts[1], starts[4], starts[7] + 9):
        at_bounds(bound)
        parallel, single = verify([path], jobs=2, split_at=0), verify([path])
        assert [p.kind for p in single.problems] == ["link", "link"]
        assert verdict(parallel) == verdict(single)


_PARENT = [0]


def _dying_chunk(path: str, start: int, stop: int | None, arg: Any) -> Chunk:
    if os.getpid() != _PARENT[0]:
        os._exit(3)  # a worker killed mid-task
    return _index_chunk(path, start, stop, arg)


def test_a_worker_that_dies_leaves_the_file_to_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _PARENT[0] = os.getpid()
    paths = []
    for number in range(4):
        paths.append(tmp_path / f"dies-{number}.warc.gz")
        write_warc(paths[-1], captures(10 + number))
    scratch = str(tmp_path)
    with Scan(paths, _dying_chunk, [(path.name, scratch) for path in paths], 2, split_at=0) as scan:
        found = list(scan)
    assert found[0] is None  # read again as with one process (the others by this process alone, or so)
    assert all(outcome is None or isinstance(outcome, list) for outcome in found)
    monkeypatch.setattr(index_module, "_index_chunk", _dying_chunk)
    single, parallel = tmp_path / "single.cdxj", tmp_path / "parallel.cdxj"
    write_index(paths, single)
    write_index(paths, parallel, jobs=2, split_at=0)
    assert single.read_bytes() == parallel.read_bytes()


def test_many_files_and_directories(tmp_path: Path) -> None:
    directory = tmp_path / "warc"
    directory.mkdir()
    for number in range(7):
        write_warc(directory / f"part-{number}.warc.gz", captures(3 + number * 4, post_every=3))
    (directory / "empty.warc.gz").write_bytes(b"")
    (directory / "garbage.warc.gz").write_bytes(b"\x1f\x8b\x08 not really gzip at all")
    single, parallel = tmp_path / "single.cdxj", tmp_path / "parallel.cdxj"
    damage_single: list[Damage] = []
    damage_parallel: list[Damage] = []
    write_index([directory], single, on_damage=damage_single.append)
    write_index([directory], parallel, on_damage=damage_parallel.append, jobs=3, split_at=2000)
    assert single.read_bytes() == parallel.read_bytes()
    assert Path(f"{single}.files").read_text() == Path(f"{parallel}.files").read_text()
    assert damage_single == damage_parallel and damage_single
    for jobs in (2, 3):
        assert verdict(verify([directory], jobs=jobs, split_at=2000)) == verdict(verify([directory]))


def wacz_contents(path: Path) -> dict[str, Any]:
    """Every member of a WACZ, the time it was made left out."""
    with zipfile.ZipFile(path) as zf:
        found: dict[str, Any] = {name: zf.read(name) for name in zf.namelist()}
    package = json.loads(found.pop("datapackage.json"))
    package.pop("created")
    found["datapackage.json"] = package
    found.pop("datapackage-digest.json")
    return found


def test_wacz_is_the_same(tmp_path: Path, at_bounds: Any) -> None:
    directory = tmp_path / "warc"
    directory.mkdir()
    for number in range(3):
        write_warc(directory / f"part-{number}.warc.gz", captures(9 + number, post_every=2))
    damaged = directory / "part-1.warc.gz"
    data = bytearray(damaged.read_bytes())
    data[member_starts(bytes(data))[5] + 40] ^= 0xFF
    damaged.write_bytes(bytes(data))
    one = write_wacz([directory], tmp_path / "one.wacz", text=False)
    two = write_wacz([directory], tmp_path / "two.wacz", text=False, jobs=2, split_at=0)
    assert (one.warcs, one.index_lines, one.pages, one.damage) == (two.warcs, two.index_lines, two.pages, two.damage)
    assert wacz_contents(tmp_path / "one.wacz") == wacz_contents(tmp_path / "two.wacz")


def test_the_corpus_reads_the_same_in_two_processes(corpus_dir: Path, tmp_path: Path) -> None:
    files = list(iter_archive_paths([corpus_dir / "warc"]))
    assert files
    for path in files:
        assert lines_jobs(path, 2) == lines_serial(path), path
        assert lines_jobs(path, 3) == lines_serial(path), path
    assert verdict(verify([corpus_dir / "warc"], jobs=2, split_at=0)) == verdict(verify([corpus_dir / "warc"]))
    single, parallel = tmp_path / "single.cdxj", tmp_path / "parallel.cdxj"
    write_index([corpus_dir / "warc"], single, on_damage=lambda damage: None)
    write_index([corpus_dir / "warc"], parallel, on_damage=lambda damage: None, jobs=2, split_at=0)
    assert single.read_bytes() == parallel.read_bytes()


@pytest.mark.parametrize("command", ["index", "verify", "wacz"])
@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_jobs_value_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 command: str, value: str) -> None:
    path = tmp_path / "a.warc.gz"
    write_warc(path, captures(2))
    extra = ["-o", str(tmp_path / "a.wacz")] if command == "wacz" else []
    assert main([command, "--jobs", value, *extra, str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--jobs takes a number of processes" in err and "Traceback" not in err


def test_jobs_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.warc.gz"
    write_warc(path, captures(20))
    assert main(["index", "-j", "2", "-o", str(tmp_path / "two.cdxj"), str(path)]) == 0
    assert main(["index", "--jobs", "1", "-o", str(tmp_path / "one.cdxj"), str(path)]) == 0
    assert (tmp_path / "two.cdxj").read_bytes() == (tmp_path / "one.cdxj").read_bytes()
    assert main(["verify", "-j", "2", str(path)]) == 0
    assert main(["wacz", "-j", "2", "-o", str(tmp_path / "a.wacz"), str(path)]) == 0


def test_an_uncompressed_warc_goes_to_the_careful_reader_at_once(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc"
    write_warc(path, captures(10), gzip_records=False)
    assert isinstance(outcome(path), Unusual)  # decided by the first chunk alone
    assert_same(path)
    assert_same(path, jobs=4)


def mixed_archive(path: Path, rng: random.Random, exchanges: int) -> None:
    """warcinfo, then exchanges in both orders (GET and POST), revisits, resources and
    metadata records, in a random order."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warcinfo_record(path.name, {"software": "tests"})
        writer.write_record(info)
        ids = {"WARC-Warcinfo-ID": info.rec_headers.get_header("WARC-Record-ID")}
        for number in range(exchanges):
            url = f"http://news.example/{rng.choice(['a', 'b', 'form'])}/{number}"
            date = {"WARC-Date": f"2024-03-{number % 28 + 1:02d}T10:00:00Z", **ids}
            kind = rng.random()
            if kind < 0.15:
                writer.write_record(writer.create_warc_record(
                    url, "resource", payload=BytesIO(rng.randbytes(rng.randint(0, 3000))),
                    warc_content_type="application/octet-stream", warc_headers_dict=date))
                continue
            if kind < 0.25:
                writer.write_record(writer.create_warc_record(
                    url, "metadata", payload=BytesIO(b"via: tests\r\n"), warc_content_type="application/warc-fields",
                    warc_headers_dict=date))
                continue
            body = b"<html>" + b"news " * rng.randint(0, 2000) + b"</html>"
            response = _record(writer, url, "response", body, date)
            if rng.random() < 0.4:
                request = _record(writer, url, "request", f"q={number}&x=y".encode(), date)  # a POST
            else:
                request = writer.create_warc_record(url, "request", payload=BytesIO(b""), warc_headers_dict=date,
                                                    http_headers=StatusAndHeaders(
                                                        f"GET /{number} HTTP/1.1", [("Host", "news.example")],
                                                        is_http_request=True))
            if rng.random() < 0.5:  # request first, the response concurrent to it
                response.rec_headers.add_header("WARC-Concurrent-To", request.rec_headers.get_header("WARC-Record-ID"))
                records = [request, response]
            else:
                request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
                records = [response, request]
            if rng.random() < 0.1:
                records.reverse()  # concurrent, but not in the order that pairs them
            for record in records:
                writer.write_record(record)


def test_random_archives_and_random_bounds(tmp_path: Path, at_bounds: Any) -> None:
    rng = random.Random(14)
    for round_ in range(6):
        path = tmp_path / f"mixed-{round_}.warc.gz"
        mixed_archive(path, rng, 30)
        expected_lines, expected_report = lines_serial(path), verdict(verify([path]))
        size = path.stat().st_size
        for _ in range(4):
            at_bounds(*sorted(rng.sample(range(1, size), rng.randint(1, 5))))
            assert lines_jobs(path, rng.randint(2, 4)) == expected_lines, path
            assert verdict(verify([path], jobs=2, split_at=0)) == expected_report, path


def test_random_bounds_in_the_corpus(corpus_dir: Path, at_bounds: Any) -> None:
    rng = random.Random(52)
    for path in iter_archive_paths([corpus_dir / "warc"]):
        size = path.stat().st_size
        if size < 2:
            continue
        expected_lines, expected_report = lines_serial(path), verdict(verify([path]))
        for _ in range(2):
            at_bounds(*sorted(rng.sample(range(1, size), min(size - 1, rng.randint(1, 3)))))
            assert lines_jobs(path, 2) == expected_lines, path
            assert verdict(verify([path], jobs=2, split_at=0)) == expected_report, path
