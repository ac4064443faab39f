"""Headers taken whole from the reader's buffer (newsarchive.warc.fast_headers) are what
warcio's line-by-line parser makes of the same bytes: on random headers, and on every
record of the real-world corpus (records, offsets, damage, index lines, verify verdicts);
and base32 digests decode as ``base64.b32decode`` decodes them."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParser

from newsarchive.archive_tools.verify import verify
from newsarchive.warc import reader as reader_module
from newsarchive.warc.index import cdxj_lines
from newsarchive.warc.reader import RecordReader, iter_archive_paths

_PIECES = [b"WARC/1.0", b"WARC/1.1", b"HTTP/1.1 200 OK", b"GET / HTTP/1.1", b"Name", b"Content-Type",
           b":", b": ", b" ", b"\t", b"\r", b"\n", b"\r\n", b"\r\n\r\n", b"value", b"\xc3\xa9", b"\xff",
           b"\x0b", b"\xc2\x85", b"\xc2\xa0", b"x" * 40, b"ss\xc3\x9f"]
_header_bytes = st.lists(st.sampled_from(_PIECES), max_size=40).map(b"".join)


def _shape(parsed: Any) -> Any:
    return (parsed.protocol, parsed.statusline, parsed.headers, parsed.total_len)


def _outcome(parser: StatusAndHeadersParser, stream: Any, first: bytes | None) -> Any:
    try:
        parsed = parser.parse(stream, first)
    except Exception as exc:  # noqa: BLE001 - the same failure is what is compared
        return type(exc).__name__, stream.tell()
    return _shape(parsed), stream.tell()


@settings(max_examples=400, deadline=None)
@given(data=_header_bytes, tail=st.sampled_from([b"", b"body", b"\r\n\r\nmore"]),
       kind=st.sampled_from(["warc", "http", "request"]), limit=st.one_of(st.none(), st.integers(0, 200)))
def test_random_headers_parse_as_warcio_parses_them(data: bytes, tail: bytes, kind: str, limit: int | None) -> None:
    lists = {"warc": ArcWarcRecordLoader.WARC_TYPES, "http": ArcWarcRecordLoader.HTTP_TYPES,
             "request": ArcWarcRecordLoader.HTTP_VERBS}
    verify_status = kind == "warc"
    first = b"WARC/1.1\r\n" if kind == "warc" else None
    fast = reader_module._FastParser(lists[kind], verify_status)
    slow = StatusAndHeadersParser(lists[kind], verify_status)

    def stream() -> Any:
        inner = reader_module._Stream(BytesIO(data + tail), 0, gzipped=False)
        return LimitReader(inner, limit) if limit is not None else inner

    assert _outcome(fast, stream(), first) == _outcome(slow, stream(), first)


@pytest.fixture
def warcio_parsers(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A switch to read with warcio's own header parsers, as before."""
    def switch() -> None:
        original = reader_module._Loader.__init__

        def init(self: Any) -> None:
            original(self)
            self.warc_parser = StatusAndHeadersParser(self.WARC_TYPES)
            self.http_parser = StatusAndHeadersParser(self.HTTP_TYPES, False)
            self.http_req_parser = StatusAndHeadersParser(self.HTTP_VERBS, False)

        monkeypatch.setattr(reader_module._Loader, "__init__", init)
    return switch


def _records(path: Path) -> Iterator[Any]:
    reader = RecordReader(path, on_damage=lambda damage: None)
    for record in reader:
        http = record.http_headers
        warc = _shape(record.rec_headers)
        if record.parsed_format != "warc":  # ARC records get a random WARC-Record-ID each time
            warc = (*warc[:2], [(k, "<random>" if k == "WARC-Record-ID" else v) for k, v in warc[2]], warc[3])
        yield (reader.get_record_offset(), reader.get_record_length(), record.rec_type,
               warc, _shape(http) if http else None, record.raw_stream.read())
    yield reader.damages, reader.bytes_read, reader.unreadable_bytes


def _everything(files: list[Path]) -> dict[str, Any]:
    seen = {}
    for path in files:
        seen[str(path)] = (list(_records(path)), list(cdxj_lines(path, on_damage=lambda damage: None)))
    report = verify(files)
    seen["verify"] = (report.problems, report.records, report.block_digests, report.payload_digests)
    return seen


@pytest.mark.corpus
def test_corpus_reads_the_same_as_with_warcio_parsers(corpus_dir: Path, warcio_parsers: Any) -> None:
    files = list(iter_archive_paths([corpus_dir / "warc"]))
    assert files
    ours = _everything(files)
    warcio_parsers()
    assert _everything(files) == ours


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.binary(min_size=0, max_size=70).map(lambda raw: base64.b32encode(raw).decode()),
                       st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcz234567=18+/", max_size=40)),
       lower=st.booleans(), unpadded=st.booleans())
def test_base32_digests_decode_as_b32decode_decodes_them(value: str, lower: bool, unpadded: bool) -> None:
    value = value.lower() if lower else value
    value = value.rstrip("=") if unpadded else value
    try:
        expected: bytes | None = base64.b32decode(value.upper() + "=" * (-len(value) % 8))
    except (binascii.Error, ValueError):
        expected = None
    assert reader_module._from_base32(value) == expected
