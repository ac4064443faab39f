"""The fast reader (newsarchive.warc.fast_reader) changes speed, never a result.

``index``, ``verify`` and ``wacz`` try the fast path first and hand a file to the careful
reader (newsarchive.warc.reader) at the first thing it would read differently or report.
Every check here runs both ways, fast path on and off, and compares the index lines, the
damage reported and verify's verdicts: on every file of the real-world corpus, on an
archive written by the project's own writer, and on copies of it damaged here (cut
short, bytes flipped, lengths that lie, garbage, members holding two records...). The
pieces that make the fast path fast (header parsing, SURT keys, timestamps) are compared
with the general code they stand in for.
"""

from __future__ import annotations

import gzip
import random
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_damaged_archives import member_starts, project_archive
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_timestamp

from newsarchive.archive_tools.verify import VerifyReport, verify
from newsarchive.archive_tools.wacz import read_wacz_index, write_wacz
from newsarchive.warc import fast_reader
from newsarchive.warc.cdxj import _plain_url_key, timestamp14, url_key
from newsarchive.warc.fast_headers import header_lines, parse_crlf_header, parse_header, parse_lazy_header
from newsarchive.warc.index import cdxj_lines
from newsarchive.warc.reader import Damage, iter_archive_paths
from newsarchive.warc.surt import surt


@pytest.fixture(autouse=True)
def _fast_path_on() -> Iterator[None]:
    fast_reader.set_enabled(True)
    yield
    fast_reader.set_enabled(True)


def both_ways(run: Callable[[], Any]) -> tuple[Any, Any]:
    """``run()`` with the fast path on, then off."""
    fast_reader.set_enabled(True)
    fast = run()
    fast_reader.set_enabled(False)
    try:
        careful = run()
    finally:
        fast_reader.set_enabled(True)
    return fast, careful


def index_result(path: Path) -> tuple[list[str], list[Damage]]:
    damage: list[Damage] = []
    return list(cdxj_lines(path, on_damage=damage.append)), damage


def verdict(report: VerifyReport) -> tuple[Any, ...]:
    """Everything verify says, but which reader read what."""
    return (report.files, report.records, report.block_digests, report.payload_digests,
            report.unchecked_digests, report.bytes, report.unreadable_bytes, report.problems, report.status)


def assert_same(path: Path) -> None:
    fast, careful = both_ways(lambda: index_result(path))
    assert fast == careful, path
    fast, careful = both_ways(lambda: verify([path]))
    assert verdict(fast) == verdict(careful), path


def corpus_files(corpus_dir: Path) -> list[Path]:
    return list(iter_archive_paths([corpus_dir / "warc"]))


@pytest.mark.corpus
def test_the_corpus_reads_the_same_both_ways(corpus_dir: Path) -> None:
    files = corpus_files(corpus_dir)
    assert len(files) >= 50
    before = fast_reader.STATS.fast_files
    for path in files:
        assert_same(path)
    assert fast_reader.STATS.fast_files > before  # (some of the corpus is plain gzip WARC)


@pytest.mark.corpus
def test_damaged_copies_of_corpus_files_read_the_same_both_ways(corpus_dir: Path, tmp_path: Path) -> None:
    rng = random.Random(14)
    for source in corpus_files(corpus_dir):
        data = source.read_bytes()
        if not data.startswith(b"\x1f\x8b"):
            continue
        for number, damaged in enumerate(damaged_copies(data, rng, count=4)):
            path = tmp_path / f"{number}-{source.name}"
            path.write_bytes(damaged)
            assert_same(path)


# ---------------------------------------------------------------------------------
# An archive written by the project's writer, and damaged copies of it


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = project_archive(tmp_path_factory.mktemp("clean"), pages=12)
    return path


def test_a_clean_file_is_read_on_the_fast_path(clean: Path, tmp_path: Path) -> None:
    before = (fast_reader.STATS.fast_files, fast_reader.STATS.careful_files)
    lines, damage = index_result(clean)
    assert lines and not damage
    report = verify([clean])
    assert report.ok and report.fast_files == 1 and report.careful_files == 0
    assert (fast_reader.STATS.fast_files, fast_reader.STATS.careful_files) == (before[0] + 2, before[1])
    assert_same(clean)


def test_a_damaged_file_falls_back_and_says_why(clean: Path, tmp_path: Path) -> None:
    data = clean.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    before = fast_reader.STATS.careful_files
    report = verify([cut])
    assert not report.ok and report.fast_files == 0 and report.careful_files == 1
    assert fast_reader.STATS.careful_files == before + 1
    assert any("gzip member" in reason for reason in fast_reader.STATS.reasons)
    assert any(line.startswith("read:") and "1 by the careful reader" in line for line in report.summary())
    assert_same(cut)


def test_disabled_means_never(clean: Path) -> None:
    fast_reader.set_enabled(False)
    before = fast_reader.STATS.fast_files
    assert verify([clean]).careful_files == 1 and list(cdxj_lines(clean))
    assert fast_reader.STATS.fast_files == before


def damaged_copies(data: bytes, rng: random.Random, count: int) -> Iterator[bytes]:
    """Copies of a gzip WARC damaged in ``count`` random ways each."""
    starts = member_starts(data)
    for _ in range(count):
        how = rng.choice(["cut", "flip", "garbage", "zeros", "tail"])
        at = rng.randrange(len(data))
        if how == "cut":
            yield data[:at]
        elif how == "flip":
            yield data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]
        elif how == "garbage":
            member = rng.choice(starts)
            yield data[:member] + b"garbage\r\n" + data[member:]
        elif how == "zeros":
            yield data[:at] + bytes(min(300, len(data) - at)) + data[at + 300:]
        else:
            yield data + rng.choice([b"\r\n", b"\x00" * 10, gzip.compress(b"\r\n\r\n"), b"x"])


def members(data: bytes) -> list[bytes]:
    starts = member_starts(data) + [len(data)]
    return [data[a:b] for a, b in zip(starts, starts[1:])]


def empty_uri(record: bytes) -> bytes:
    start = record.index(b"WARC-Target-URI:") + len(b"WARC-Target-URI:")
    return record[:start] + record[record.index(b"\r\n", start):]


def rewrite(member: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """A gzip member whose decompressed record is ``change(record)``."""
    return gzip.compress(change(gzip.decompress(member)))


def test_damaged_copies_read_the_same_both_ways(clean: Path, tmp_path: Path) -> None:
    data = clean.read_bytes()
    rng = random.Random(5)
    for number, damaged in enumerate(damaged_copies(data, rng, count=40)):
        path = tmp_path / f"{number}.warc.gz"
        path.write_bytes(damaged)
        assert_same(path)


def test_every_byte_flip_in_the_first_records_reads_the_same(clean: Path, tmp_path: Path) -> None:
    data = clean.read_bytes()
    path = tmp_path / "flipped.warc.gz"
    end = member_starts(data)[3]
    for at in range(0, end, max(1, end // 300)):
        path.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:])
        assert_same(path)


@pytest.mark.parametrize("change", [
    pytest.param(lambda r: r.replace(b"Content-Length: ", b"Content-Length: 1", 1), id="longer-length"),
    pytest.param(lambda r: r.replace(b"Content-Length: 1", b"Content-Length: ", 1), id="shorter-length"),
    pytest.param(lambda r: r.replace(b"Content-Length: ", b"Content-Length: x", 1), id="bad-length"),
    pytest.param(lambda r: r.replace(b"WARC-Date: ", b"WARC-Dxte: ", 1), id="no-date"),
    pytest.param(lambda r: r.replace(b"WARC-Target-URI: ", b"WARC-Target-URI: <", 1).replace(
        b"\r\nWARC-Date", b">\r\nWARC-Date", 1), id="bracketed-uri"),
    pytest.param(empty_uri, id="empty-uri"),
    pytest.param(lambda r: r.replace(b"WARC/1.0", b"WARC/0.17", 1).replace(b"WARC/1.1", b"WARC/0.17", 1), id="0.17"),
    pytest.param(lambda r: b"\r\n" + r, id="leading-blank-line"),
    pytest.param(lambda r: r + b"more after the record", id="bytes-after-block"),
    pytest.param(lambda r: r + r, id="two-records-in-one-member"),
    pytest.param(lambda r: r.replace(b"\r\n", b"\n", 3), id="bare-lf"),
    pytest.param(lambda r: r.replace(b"\r\nWARC-Date:", b"\r\n  continued\r\nWARC-Date:", 1), id="continuation"),
    pytest.param(lambda r: r.replace(b"WARC-Date:", b"WARC-Date :", 1), id="blank-before-colon"),
    pytest.param(lambda r: r.replace(b"HTTP/1.1 200 OK", b"HTTP/1.1 200 \xc3\xa9t\xe9", 1), id="latin-1-status"),
    pytest.param(lambda r: r.replace(b"sha1:", b"sha1:A", 1), id="bad-digest"),
    pytest.param(lambda r: r[: len(r) - 30] + b"\r\n\r\n", id="block-cut"),
])
def test_records_changed_inside_their_member_read_the_same(clean: Path, tmp_path: Path,
                                                             change: Callable[[bytes], bytes]) -> None:
    parts = members(clean.read_bytes())
    for which in (1, 2, len(parts) - 1):
        changed = parts[:which] + [rewrite(parts[which], change)] + parts[which + 1:]
        path = tmp_path / f"{which}.warc.gz"
        path.write_bytes(b"".join(changed))
        assert_same(path)


def test_layouts_the_fast_path_leaves_to_the_careful_reader(clean: Path, tmp_path: Path) -> None:
    data = clean.read_bytes()
    parts = members(data)
    plain = b"".join(gzip.decompress(part) for part in parts)
    one_member = gzip.compress(plain)
    record = gzip.decompress(parts[1])
    split = zlib.compressobj(wbits=31)
    first = split.compress(record[:200]) + split.flush()
    second = gzip.compress(record[200:])
    named = bytearray(parts[1])
    named[3] = 0x08  # FNAME set, with a name added after the 10-byte header
    named[10:10] = b"name\x00"
    layouts = {
        "uncompressed.warc": plain,
        "one-member.warc.gz": one_member,
        "record-over-two-members.warc.gz": b"".join([parts[0], first, second, *parts[2:]]),
        "empty-member.warc.gz": b"".join([parts[0], gzip.compress(b""), *parts[1:]]),
        "fname-member.warc.gz": b"".join([parts[0], bytes(named), *parts[2:]]),
        "empty.warc.gz": b"",
    }
    for name, content in layouts.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert_same(path)


def test_a_record_too_large_to_hold_goes_the_careful_way(tmp_path: Path) -> None:
    from warc_builders import Capture, write_warc

    path = tmp_path / "big.warc.gz"
    body = random.Random(3).randbytes(fast_reader.MAX_MEMBER + 1000)
    write_warc(path, [Capture("http://example.com/small"), Capture("http://example.com/big", body=body)])
    before = fast_reader.STATS.reasons.copy()
    assert verify([path]).careful_files == 1
    assert sum(fast_reader.STATS.reasons.values()) == sum(before.values()) + 1
    assert_same(path)


def test_wacz_index_is_the_same_both_ways(clean: Path, tmp_path: Path) -> None:
    def run() -> list[str]:
        out = tmp_path / "out.wacz"
        write_wacz([clean], out)
        return read_wacz_index(out)

    fast, careful = both_ways(run)
    assert fast == careful and fast


# ---------------------------------------------------------------------------------
# The pieces: header parsing, SURT keys, timestamps


_LINE_PIECES = st.sampled_from([
    "WARC-Type", "Content-Length", "content-type", "X", "a", ":", ": ", " ", "\t", "\r", "\n", "\r\n", "é", "\x1c",
    "\x0b", "value", "1", "<urn:uuid:1>", "http://x/", " :", "HTTP/1.1 200 OK", "GET / HTTP/1.1",
])
_HEADERS = st.lists(st.lists(_LINE_PIECES, max_size=6).map("".join), max_size=8).map(
    lambda lines: ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))


def general(data: bytes, pos: int, limit: int | None, full: bytes | None, statuslist: list[str],
            verify_status: bool) -> tuple[StatusAndHeaders, int] | None:
    lines = header_lines(data, pos, full is None, limit)
    if lines is None:
        return None
    parsed = parse_header(lines, full, statuslist, verify_status)
    if parsed is None:
        return None
    headers, used = parsed
    return headers, pos + sum(map(len, lines[:used]))


_NAMES = ["WARC-Type", "Content-Length", "content-type", "X", "a", "é", "WARC-TYPE", "missing"]


def same_headers(fast: tuple[StatusAndHeaders, int], slow: tuple[StatusAndHeaders, int] | None) -> None:
    assert slow is not None
    assert fast[1] == slow[1]
    a, b = fast[0], slow[0]
    for name in _NAMES:
        assert a.get_header(name) == b.get_header(name), name
    assert (a.statusline, a.protocol, a.total_len, a.headers) == (b.statusline, b.protocol, b.total_len, b.headers)


@settings(max_examples=400, deadline=None)
@given(header=_HEADERS, status=st.sampled_from([None, b"WARC/1.0\r\n", b"WARC/1.1\r\n"]),
       tail=st.sampled_from([b"", b"body", b"\r\n"]))
def test_quick_header_parsers_agree_with_the_general_one(header: bytes, status: bytes | None, tail: bytes) -> None:
    data = b"xx" + header + tail
    statuslist = ArcWarcRecordLoader.WARC_TYPES if status else ArcWarcRecordLoader.HTTP_TYPES
    for limit in (None, len(header), len(header) - 1):
        for verify_status in ((True,) if status else (True, False)):
            slow = general(data, 2, limit, status, statuslist, verify_status)
            for quick in (parse_lazy_header(data, 2, limit, status, statuslist, verify_status),
                          parse_crlf_header(data, 2, limit, status, statuslist, verify_status)):
                if quick is not None:
                    same_headers(quick, slow)


def test_the_quick_parsers_take_the_usual_headers() -> None:
    data = (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 12\r\nWARC-Target-URI: http://x/\r\n\r\n"
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
    warc = parse_lazy_header(data, 10, None, data[:10], ArcWarcRecordLoader.WARC_TYPES, True)
    assert warc is not None and warc[0].get_header("warc-type") == "response"
    same_headers(warc, general(data, 10, None, data[:10], ArcWarcRecordLoader.WARC_TYPES, True))
    http = parse_lazy_header(data, warc[1], None, None, ArcWarcRecordLoader.HTTP_TYPES, False)
    assert http is not None and http[0].get_statuscode() == "200" and http[1] == len(data)


_URL_PIECES = st.sampled_from(["http://", "https://", "www.", "www7.", "WWW.", "a", "b", "z", "0", "9", ".", "-",
                               "/", "_", "~", "?", "=", "&", "%41", "#", ":80", "@", "sid=", "x.aspx", "..", "//",
                               "A", " ", "é", "jsessionid=", "cftoken"])


@settings(max_examples=1500, deadline=None)
@given(url=st.lists(_URL_PIECES, max_size=14).map("".join))
def test_plain_url_keys_are_the_surt_keys(url: str) -> None:
    key = _plain_url_key(url)
    if key is not None:
        assert key == surt(url)
    try:
        expected = surt(url)
    except Exception:  # noqa: BLE001
        expected = url
    assert url_key(url) == expected


def test_plain_url_keys_cover_news_urls() -> None:
    for url in ("http://news.example/article/12/", "https://www.gazeta.uz/ru/2026/12/02/budget/?page=2&a=1",
                "http://www3.example.com", "https://example.com/a/b.html?b=2&a=1&a=0"):
        assert _plain_url_key(url) is not None and _plain_url_key(url) == surt(url)
    reference = pytest.importorskip("surt", reason="the surt package is a test tool: pip install -e '.[test]'")
    assert _plain_url_key("https://www.gazeta.uz/ru/2026/12/02/budget/?page=2&a=1") == reference.surt(
        "https://www.gazeta.uz/ru/2026/12/02/budget/?page=2&a=1")


_DATE_PIECES = st.sampled_from(["2026", "0999", "1000", "-", "12", "13", "00", "02", "29", "31", "T", ":", "59",
                                "60", "24", ".", "5", "123456789", "Z", "+01:00", " ", "٣"])


@settings(max_examples=1500, deadline=None)
@given(date=st.one_of(st.lists(_DATE_PIECES, max_size=12).map("".join),
                      st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))))
def test_timestamps_are_warcios(date: str) -> None:
    try:
        expected: Any = iso_date_to_timestamp(date)
    except Exception as exc:  # noqa: BLE001
        expected = (type(exc), str(exc))
    try:
        got: Any = timestamp14(date)
    except Exception as exc:  # noqa: BLE001
        got = (type(exc), str(exc))
    assert got == expected


def careful_payload_start(block: bytes) -> int:
    """Where verify's careful loop (``_check_record``) starts hashing the payload."""
    from newsarchive.archive_tools.verify import _BLOCK, _HEADER_END

    head = b""
    for offset in range(0, len(block), _BLOCK):
        chunk = block[offset:offset + _BLOCK]
        head += chunk
        match = _HEADER_END.search(head)
        if match is None:
            if len(head) > 1 << 20:
                return offset + len(chunk)
            continue
        return match.end()
    return len(block)


@pytest.mark.parametrize("at", [0, 1, 100, 65533, 65534, 65535, 65536, 65537, 131070, 1 << 20, (1 << 20) + 70000, None])
@pytest.mark.parametrize("end", [b"\r\n\r\n", b"\n\n", b"\r\n\n", b"\n\r\n", b"\r\r\n\n"])
def test_the_payload_starts_where_the_careful_loop_starts_it(at: int | None, end: bytes) -> None:
    from newsarchive.archive_tools.verify import _payload_start

    size = (1 << 20) + 200_000
    block = bytearray(b"x" * size)
    if at is not None:
        block[at:at + len(end)] = end
    for cut in (size, (1 << 20) + 1, 65536 * 2, 65537, 65536, 200, 3):
        data = b"??" + bytes(block[:cut]) + b"\r\n\r\n"
        assert _payload_start(data, 2, cut) == careful_payload_start(bytes(block[:cut])), (at, end, cut)


@settings(max_examples=500, deadline=None)
@given(entry=st.dictionaries(st.text(max_size=8), st.one_of(st.text(max_size=20), st.none()), max_size=8))
def test_index_json_is_jsons(entry: dict[str, Any]) -> None:
    import json

    from newsarchive.warc.cdxj import dumps

    assert dumps(entry) == json.dumps(entry)
