"""CDXJ indexing: identical to cdxj-indexer on the real-world corpus, robust where it is not."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from cdxj_indexer.main import CDXJIndexer

from newsarchive.warc.coverage import Coverage, Covered, manifest_path, read_coverage
from newsarchive.warc.index import add_to_index, cdxj_lines, index_archives, write_index
from newsarchive.warc.reader import Damage, iter_archive_paths
from conftest import run_cli
from warc_builders import Capture, write_warc

EMPTY_SHA1 = "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"


def reference_lines(path: Path, post_append: bool) -> list[str] | None:
    """What the cdxj-indexer library writes (sorted), or None when it gives up on the file."""
    out = io.StringIO()
    out.close = lambda: None  # type: ignore[method-assign] - keep the buffer readable
    noise = io.StringIO()
    try:
        with redirect_stderr(noise), redirect_stdout(noise):
            CDXJIndexer(out, [str(path)], post_append=post_append, sort=True).process_all()
    except Exception:
        return None
    return out.getvalue().splitlines(keepends=True)


def with_payload_digests(p_lines: list[str], plain_lines: list[str]) -> list[str]:
    """cdxj-indexer --post-append hashes an already-consumed stream for records without a
    WARC-Payload-Digest (always the empty sha1); its plain mode computes the real digest."""
    real = {json.loads(line.split(" ", 2)[2])["offset"]: json.loads(line.split(" ", 2)[2]).get("digest")
            for line in plain_lines}
    fixed = []
    for line in p_lines:
        key, ts, blob = line.split(" ", 2)
        data = json.loads(blob)
        if data.get("digest") == EMPTY_SHA1 and real.get(data["offset"]):
            data["digest"] = real[data["offset"]]
        fixed.append(f"{key} {ts} {json.dumps(data)}\n")
    return sorted(fixed)


@pytest.mark.corpus
def test_agrees_with_cdxj_indexer_on_corpus(corpus_dir: Path) -> None:
    files = list(iter_archive_paths([corpus_dir / "warc"]))
    assert len(files) >= 45
    compared = 0
    for path in files:
        ours = sorted(cdxj_lines(path, on_damage=lambda d: None))
        plain = reference_lines(path, post_append=False)
        with_post = reference_lines(path, post_append=True)
        if with_post is not None and plain is not None:
            assert ours == with_payload_digests(with_post, plain), path
            compared += 1
        elif plain is not None:  # cdxj-indexer -p crashes on brotli bodies; -p adds nothing there
            assert ours == sorted(plain), path
            compared += 1
    assert compared >= 45


@pytest.mark.corpus
def test_post_requests_are_keyed_like_pywb(corpus_dir: Path) -> None:
    lines = sorted(cdxj_lines(corpus_dir / "warc" / "warcio" / "post-test.warc.gz"))
    posts = [json.loads(line.split(" ", 2)[2]) for line in lines if "__wb_method=post" in line]
    assert posts and all(p["method"] == "POST" and "requestBody" in p for p in posts)
    assert lines[0].startswith("org,httpbin)/post?__wb_method=post&")


@pytest.mark.corpus
def test_damaged_corpus_files_report_and_continue(corpus_dir: Path) -> None:
    warc = corpus_dir / "warc"
    damage: list[Damage] = []
    lines = list(cdxj_lines(warc / "warcio" / "example-wrong-chunks.warc.gz", on_damage=damage.append))
    # cdxj-indexer stops with "Unknown archive format" at the second gzip member of the
    # response record; we read the record across both members and go on
    assert reference_lines(warc / "warcio" / "example-wrong-chunks.warc.gz", True) is None
    assert len(lines) == 1 and damage == []
    entry = json.loads(lines[0].split(" ", 2)[2])
    assert (entry["offset"], entry["length"]) == ("0", "1130")

    damage.clear()
    lines = list(cdxj_lines(warc / "solrwayback" / "transfer_compression_none_truncated.warc.gz",
                            on_damage=damage.append))
    assert len(lines) == 1 and len(damage) == 1
    assert damage[0].offset == 881 and "truncated" in damage[0].message
    where = warc / "solrwayback" / "transfer_compression_none_truncated.warc.gz"
    assert str(damage[0]).startswith(f"{where}:881: ")


@pytest.mark.corpus
def test_single_gzip_member_file_indexed_by_decompressed_offsets(corpus_dir: Path) -> None:
    from newsarchive.warc.reader import load_record

    path = corpus_dir / "warc" / "warcio" / "example-bad-non-chunked.warc.gz"
    damage: list[Damage] = []
    lines = list(cdxj_lines(path, on_damage=damage.append))
    assert len(lines) == 2 and damage and "one gzip member" in damage[0].message
    for line in lines:
        entry = json.loads(line.split(" ", 2)[2])
        record = load_record(path, int(entry["offset"]))
        assert record.target_uri == entry["url"]


@pytest.mark.parametrize("gzipped", [True, False])
def test_garbage_between_records_is_skipped(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("a.warc.gz" if gzipped else "a.warc")
    caps = [Capture(f"http://example.com/{i}") for i in range(3)]
    offsets = write_warc(path, caps, gzip_records=gzipped)
    data = bytearray(path.read_bytes())
    # destroy the second response's WARC header line
    start = offsets[1]
    junk = b"\x1f\x8b\x08\x00garbage" if gzipped else b"GARBAGE!"
    data[start : start + len(junk)] = junk
    path.write_bytes(bytes(data))

    damage: list[Damage] = []
    urls = [json.loads(line.split(" ", 2)[2])["url"] for line in cdxj_lines(path, on_damage=damage.append)]
    assert urls == ["http://example.com/0", "http://example.com/2"]
    assert damage and damage[0].offset == offsets[1]
    assert f"next record at {offsets[1] + 1}" not in damage[0].message  # really skipped


def test_arc_like_line_in_a_warc_file_is_damage_not_a_record(tmp_path: Path) -> None:
    # warcio accepts any five-field line as an ARC header; in a WARC file it is damage
    path = tmp_path / "a.warc"
    offsets = write_warc(path, [Capture(f"http://example.com/{i}") for i in range(3)], gzip_records=False)
    data = bytearray(path.read_bytes())
    fake = b"junk\nhttp://bogus/ 1.2.3.4 20240101000000 text/html 12\n"
    data[offsets[1] : offsets[1] + len(fake)] = fake
    path.write_bytes(bytes(data))

    damage: list[Damage] = []
    urls = [json.loads(line.split(" ", 2)[2])["url"] for line in cdxj_lines(path, on_damage=damage.append)]
    assert urls == ["http://example.com/0", "http://example.com/2"]
    assert [d.offset for d in damage] == [offsets[1]]


def test_truncated_last_record_reported(tmp_path: Path) -> None:
    path = tmp_path / "t.warc"
    offsets = write_warc(path, [Capture("http://example.com/a"), Capture("http://example.com/b", body=b"x" * 5000)],
                         gzip_records=False)
    path.write_bytes(path.read_bytes()[: offsets[1] + 1500])
    damage: list[Damage] = []
    lines = list(cdxj_lines(path, on_damage=damage.append))
    assert len(lines) == 2  # the truncated response is still indexed
    assert [d.offset for d in damage] == [offsets[1]]
    assert "truncated response record http://example.com/b" in damage[0].message


def test_write_index_reports_progress(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc.gz", [Capture(f"http://example.com/{i}") for i in range(300)])
    told: list[str] = []
    assert write_index([tmp_path], tmp_path / "index.cdxj", progress=told.append) == 300
    assert told == ["indexing file 1, a.warc.gz: 1 lines", "indexing file 1, a.warc.gz: 257 lines"]


def test_write_index_sorted_atomic_and_relative(tmp_path: Path) -> None:
    sub = tmp_path / "crawl" / "part2"
    sub.mkdir(parents=True)
    write_warc(tmp_path / "crawl" / "a.warc.gz", [Capture("http://example.com/z"), Capture("http://example.com/a")])
    write_warc(sub / "b.warc.gz", [Capture("http://example.com/m?b=2&a=1", date="2024-03-02T00:00:00Z")])
    index = tmp_path / "crawl" / "index.cdxj"
    count = write_index([tmp_path / "crawl"], index)
    lines = index.read_text().splitlines()
    assert count == len(lines) == 3
    assert lines == sorted(lines)
    assert lines[1].startswith("com,example)/m?a=1&b=2 20240302000000 ")
    names = {json.loads(line.split(" ", 2)[2])["filename"] for line in lines}
    assert names == {"a.warc.gz", "part2/b.warc.gz"}
    assert not list((tmp_path / "crawl").glob("*.tmp"))


def test_add_to_index_matches_a_full_rebuild(tmp_path: Path) -> None:
    """Closing a WARC merges its lines into the index instead of re-reading every file."""
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    write_warc(crawl / "a.warc.gz", [Capture("http://example.com/z"), Capture("http://example.com/a")])
    index = crawl / "index.cdxj"
    assert add_to_index([crawl / "a.warc.gz"], index) == 2  # no index yet: the directory
    write_warc(crawl / "b.warc.gz", [Capture("http://example.com/m", date="2024-03-02T00:00:00Z")])
    write_warc(crawl / "c.warc.gz", [Capture("http://example.com/b"), Capture("http://example.net/")])
    assert add_to_index([crawl / "b.warc.gz", crawl / "c.warc.gz"], index) == 5
    merged = index.read_text()
    # adding a file again replaces its lines rather than doubling them
    assert add_to_index([crawl / "c.warc.gz"], index) == 5
    assert index.read_text() == merged
    rebuilt = tmp_path / "rebuilt.cdxj"
    write_index([crawl], rebuilt)
    assert merged == rebuilt.read_text().replace('"filename": "crawl/', '"filename": "')
    assert not list(crawl.glob("*.tmp"))
    assert read_coverage(index) == Coverage(
        {name: Covered((crawl / name).stat().st_size, lines) for name, lines in
         (("a.warc.gz", 2), ("b.warc.gz", 1), ("c.warc.gz", 2))},
        index.stat().st_size,
    )  # fmt: skip


def test_the_manifest_says_what_the_index_covers(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc.gz", [Capture(f"http://example.com/{i}") for i in range(3)])
    write_warc(tmp_path / "b.warc", [Capture("http://example.com/b")], gzip_records=False)
    index = tmp_path / "index.cdxj"
    assert write_index([tmp_path], index) == 4
    manifest = json.loads(manifest_path(index).read_text())
    assert manifest == {
        "format": "newsarchive-index-files/1",
        "index_size": index.stat().st_size,
        "files": {"a.warc.gz": {"size": (tmp_path / "a.warc.gz").stat().st_size, "lines": 3},
                  "b.warc": {"size": (tmp_path / "b.warc").stat().st_size, "lines": 1}},
    }  # fmt: skip
    # readable like the WARCs beside it, not private like a plain temporary file
    assert index.stat().st_mode & 0o777 == manifest_path(index).stat().st_mode & 0o777
    assert index.stat().st_mode & 0o044 == (tmp_path / "a.warc.gz").stat().st_mode & 0o044
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.warc.gz", "b.warc", "index.cdxj", "index.cdxj.files"]


def test_merging_into_an_index_without_a_manifest_adopts_what_it_holds(tmp_path: Path) -> None:
    """An index an older newsarchive wrote: files it has lines for are taken as covered."""
    write_warc(tmp_path / "a.warc.gz", [Capture("http://example.com/a"), Capture("http://example.com/z")])
    index = tmp_path / "index.cdxj"
    write_index([tmp_path], index)
    manifest_path(index).unlink()
    write_warc(tmp_path / "b.warc.gz", [Capture("http://example.com/b")])
    assert add_to_index([tmp_path / "b.warc.gz"], index) == 3
    coverage = read_coverage(index)
    assert coverage is not None and {n: c.lines for n, c in coverage.files.items()} == {"a.warc.gz": 2, "b.warc.gz": 1}


def test_index_archives_and_cli(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc.gz", [Capture("http://example.com/")])
    written = index_archives([tmp_path])
    assert written == [(tmp_path / "index.cdxj", 1)]
    (tmp_path / "index.cdxj").unlink()

    manifest_path(tmp_path / "index.cdxj").unlink()

    result = run_cli("index", str(tmp_path), str(tmp_path / "a.warc.gz"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "index.cdxj").read_text().count("\n") == 1
    assert (tmp_path / "a.warc.gz.cdxj").is_file()
    size = (tmp_path / "a.warc.gz").stat().st_size
    assert read_coverage(tmp_path / "index.cdxj").files == {"a.warc.gz": Covered(size, 1)}
    assert read_coverage(tmp_path / "a.warc.gz.cdxj").files == {"a.warc.gz": Covered(size, 1)}
    assert "1 line" in result.stdout


def test_cli_index_reports_damage_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "t.warc"
    offsets = write_warc(path, [Capture("http://example.com/a"), Capture("http://example.com/b", body=b"x" * 5000)],
                         gzip_records=False)
    path.write_bytes(path.read_bytes()[: offsets[1] + 1500])
    result = run_cli("index", str(path))
    assert result.returncode == 1
    assert f"{path}:{offsets[1]}: truncated" in result.stderr
    assert (tmp_path / "t.warc.cdxj").read_text().count("\n") == 2

