"""HTTP exchange -> WARC/1.1 records (named fields + content block), digests included.

Why not warcio's ``WARCWriter``: it re-serialises HTTP headers from decoded strings, so
header bytes that are not ASCII get percent-encoded and spacing/folding is normalised,
and it needs a second pass (or a spool file) to compute digests. Here the content block
is kept as the exact byte parts that go to disk (``memoryview`` slices, never copied) and
digests are computed over those same parts, so they are right by construction. warcio is
still used for record ids and dates, and to read everything back in the tests.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from warcio.statusandheaders import StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date

REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
DIGEST_ALGORITHMS = ("sha1", "sha256")
TRUNCATION_REASONS = ("length", "time", "disconnect", "unspecified")

# The stored body is de-chunked, so the framing headers that described the wire no
# longer describe the record. Like Common Crawl, StormCrawler and Nutch, keep them under
# this prefix and state the stored length; replay tools and digests then agree.
RENAMED_PREFIX = b"X-Crawler-"

_CHUNK = 1 << 20  # hash/compress big blocks in 1 MiB slices

Part = bytes | bytearray | memoryview


@dataclass
class WarcRecord:
    """One record: WARC named fields (without ``Content-Length``) and the block's parts."""

    rec_type: str
    record_id: str
    fields: list[tuple[str, str]]
    block: tuple[Part, ...] = ()
    target_uri: str | None = None
    date: str = ""
    payload_digest: str | None = None
    warcinfo_id: str | None = None
    """Set by the writer: the warcinfo of the file the record lands in (no digest covers it)."""

    @property
    def length(self) -> int:
        return sum(len(part) for part in self.block)

    def add_field(self, name: str, value: str) -> None:
        self.fields.append((name, _field_value(value)))

    def get_field(self, name: str) -> str | None:
        lname = name.lower()
        return next((v for n, v in self.fields if n.lower() == lname), None)

    def header_bytes(self) -> bytes:
        lines = [f"{name}: {value}" for name, value in self.fields]
        if self.warcinfo_id:
            lines.insert(min(4, len(lines)), f"WARC-Warcinfo-ID: {self.warcinfo_id}")
        text = "\r\n".join(lines)
        return b"WARC/1.1\r\n" + f"{text}\r\nContent-Length: {self.length}\r\n\r\n".encode()

    def chunks(self) -> Iterator[Part]:
        """The record's bytes on disk, in slices of at most 1 MiB: header, block, CRLFCRLF."""
        yield self.header_bytes()
        for part in self.block:
            yield from _slices(part)
        yield b"\r\n\r\n"

    def to_bytes(self) -> bytes:
        """The whole record at once (for small records: one copy beats many calls)."""
        return b"".join((self.header_bytes(), *self.block, b"\r\n\r\n"))


# -- small helpers -------------------------------------------------------------------


def new_record_id() -> str:
    """``<urn:uuid:...>`` as WARC-Record-ID requires."""
    return StatusAndHeadersParser.make_warc_id()


def warc_date(moment: datetime | None = None) -> str:
    """WARC-Date with microseconds (WARC/1.1 allows sub-second precision), UTC."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return datetime_to_iso_date(moment, use_micros=True)


def digest(parts: Iterable[Part], algorithm: str = "sha1") -> str:
    """``ALGORITHM:BASE32`` over ``parts`` (the labelled form WARC readers expect)."""
    hasher = hashlib.new(algorithm)
    for part in parts:
        for piece in _slices(part):
            hasher.update(piece)
    return f"{algorithm}:{base64.b32encode(hasher.digest()).decode('ascii')}"


def check_algorithm(algorithm: str) -> str:
    algorithm = algorithm.lower().strip()
    if algorithm not in DIGEST_ALGORITHMS:
        raise ValueError(f"unsupported WARC digest {algorithm!r}; use one of {', '.join(DIGEST_ALGORITHMS)}")
    return algorithm


def _slices(part: Part) -> Iterator[Part]:
    if len(part) <= _CHUNK:
        if part:
            yield part
        return
    view = memoryview(part)
    for start in range(0, len(view), _CHUNK):
        yield view[start : start + _CHUNK]


def _field_value(value: str) -> str:
    """Named-field values are single lines; never let a URL or setting break the header."""
    value = str(value)
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() else "%{:02X}".format(ord(ch)) for ch in value)


def split_http(message: bytes) -> tuple[bytes, bytes]:
    """``(head including the blank line, body)`` of a serialised HTTP message."""
    end = message.find(b"\r\n\r\n")
    if end < 0:
        return message, b""
    return message[: end + 4], message[end + 4 :]


# -- HTTP heads ----------------------------------------------------------------------


def response_head(status_line: bytes, header_lines: Sequence[bytes], body_length: int) -> bytes:
    """The response head as received, made consistent with the de-chunked stored body.

    Every line keeps its original bytes, case and order (repeated and non-UTF-8 headers
    included). ``Transfer-Encoding`` is renamed to ``X-Crawler-Transfer-Encoding``; a
    ``Content-Length`` that does not match the stored body (or came with a transfer
    coding) is renamed to ``X-Crawler-Content-Length``, and the stored length is added.
    """
    out = [status_line]
    chunked = any(_header_name(line) == b"transfer-encoding" for line in header_lines)
    need_length = chunked
    for line in header_lines:
        name = _header_name(line)
        if name == b"transfer-encoding":
            line = RENAMED_PREFIX + line
        elif name == b"content-length":
            value = line.partition(b":")[2].strip()
            if chunked or value != str(body_length).encode():
                line = RENAMED_PREFIX + line
                need_length = True
        out.append(line)
    if need_length:
        out.append(b"Content-Length: " + str(body_length).encode())
    return b"\r\n".join(out) + b"\r\n\r\n"


def _header_name(line: bytes) -> bytes | None:
    if not line or line[:1] in b" \t":  # continuation of the previous header
        return None
    name, sep, _ = line.partition(b":")
    return name.strip().lower() if sep else None


# -- records -------------------------------------------------------------------------


def response_record(
    *,
    target_uri: str,
    date: str,
    head: bytes,
    body: Part,
    algorithm: str,
    ip_address: str | None = None,
    truncated: str | None = None,
    payload_digest: str | None = None,
) -> WarcRecord:
    """A ``response`` record: the (consistent) HTTP head and the body exactly as received."""
    payload_digest = payload_digest or digest([body], algorithm)
    record = WarcRecord("response", new_record_id(), [], (head, body), target_uri, date, payload_digest)
    _common_fields(record, ip_address)
    record.add_field("WARC-Block-Digest", digest(record.block, algorithm))
    record.add_field("WARC-Payload-Digest", payload_digest)
    if truncated:
        record.add_field("WARC-Truncated", _truncation(truncated))
    record.add_field("Content-Type", "application/http;msgtype=response")
    return record


def revisit_record(
    *,
    target_uri: str,
    date: str,
    head: bytes,
    payload_digest: str,
    algorithm: str,
    refers_to: str,
    refers_to_uri: str,
    refers_to_date: str,
    ip_address: str | None = None,
) -> WarcRecord:
    """A ``revisit`` record (identical-payload-digest profile): HTTP head only."""
    record = WarcRecord("revisit", new_record_id(), [], (head,), target_uri, date, payload_digest)
    _common_fields(record, ip_address)
    record.add_field("WARC-Profile", REVISIT_PROFILE)
    record.add_field("WARC-Refers-To", refers_to)
    record.add_field("WARC-Refers-To-Target-URI", refers_to_uri)
    record.add_field("WARC-Refers-To-Date", refers_to_date)
    record.add_field("WARC-Block-Digest", digest(record.block, algorithm))
    record.add_field("WARC-Payload-Digest", payload_digest)
    record.add_field("Content-Type", "application/http;msgtype=response")
    return record


def request_record(
    *,
    target_uri: str,
    date: str,
    sent: bytes,
    algorithm: str,
    concurrent_to: str | None = None,
    ip_address: str | None = None,
) -> WarcRecord:
    """A ``request`` record holding the request bytes as written to the socket, after
    redaction (:mod:`newsarchive.warc.redaction`, applied by the archiver): ``sent`` is
    what is stored, and the block digest is computed over it."""
    head, body = split_http(sent)
    record = WarcRecord("request", new_record_id(), [], (sent,), target_uri, date, digest([body], algorithm))
    _common_fields(record, ip_address)
    if concurrent_to:
        record.add_field("WARC-Concurrent-To", concurrent_to)
    record.add_field("WARC-Block-Digest", digest(record.block, algorithm))
    record.add_field("WARC-Payload-Digest", record.payload_digest or "")
    record.add_field("Content-Type", "application/http;msgtype=request")
    return record


def warcinfo_record(filename: str, info: Sequence[tuple[str, str]], algorithm: str) -> WarcRecord:
    """The ``warcinfo`` record that opens each file (``application/warc-fields``)."""
    body = b"".join(f"{name}: {_field_value(value)}\r\n".encode() for name, value in info if value != "")
    record = WarcRecord("warcinfo", new_record_id(), [], (body,), None, warc_date())
    record.add_field("WARC-Type", "warcinfo")
    record.add_field("WARC-Record-ID", record.record_id)
    record.add_field("WARC-Date", record.date)
    record.add_field("WARC-Filename", filename)
    record.add_field("WARC-Block-Digest", digest(record.block, algorithm))
    record.add_field("Content-Type", "application/warc-fields")
    return record


def _common_fields(record: WarcRecord, ip_address: str | None) -> None:
    record.add_field("WARC-Type", record.rec_type)
    record.add_field("WARC-Record-ID", record.record_id)
    record.add_field("WARC-Date", record.date)
    record.add_field("WARC-Target-URI", record.target_uri or "")
    if ip_address:
        record.add_field("WARC-IP-Address", ip_address)


def _truncation(reason: str) -> str:
    return reason if reason in TRUNCATION_REASONS else "unspecified"

