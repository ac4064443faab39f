"""Small WARC files built with warcio for reader/index/replay/verify tests."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass
class Capture:
    url: str
    body: bytes = b"<html><head><title>t</title></head><body>hello</body></html>"
    status: str = "200 OK"
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
    date: str = "2024-03-01T10:00:00Z"
    method: str = "GET"
    request_body: bytes = b""
    revisit_of: "Capture | None" = None  # write an identical-payload revisit instead


def write_warc(path: Path, captures: list[Capture], *, gzip_records: bool = True) -> list[int]:
    """Write request/response (or revisit) pairs; return the offset of each response record."""
    offsets: list[int] = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip_records)
        for cap in captures:
            offsets.append(fh.tell())
            http = StatusAndHeaders(cap.status, list(cap.headers), protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": cap.date}
            if cap.revisit_of is not None:
                orig = cap.revisit_of
                digest = _payload_digest(writer, orig)
                record = writer.create_revisit_record(
                    cap.url, digest, orig.url, orig.date, http_headers=http,
                    warc_headers_dict=warc_headers,
                )
            else:
                record = writer.create_warc_record(
                    cap.url, "response", payload=BytesIO(cap.body), http_headers=http,
                    warc_headers_dict=warc_headers,
                )
            writer.write_record(record)
            req_http = StatusAndHeaders(
                f"{cap.method} {_path_of(cap.url)} HTTP/1.1",
                [("Host", cap.url.split("/")[2])]
                + ([("Content-Type", "application/x-www-form-urlencoded"),
                    ("Content-Length", str(len(cap.request_body)))] if cap.request_body else []),
                is_http_request=True,
            )
            req = writer.create_warc_record(
                cap.url, "request", payload=BytesIO(cap.request_body), http_headers=req_http,
                warc_headers_dict={
                    "WARC-Date": cap.date,
                    "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID"),
                },
            )
            writer.write_record(req)
    return offsets


def _payload_digest(writer: WARCWriter, cap: Capture) -> str:
    record = writer.create_warc_record(
        cap.url, "response", payload=BytesIO(cap.body),
        http_headers=StatusAndHeaders(cap.status, list(cap.headers), protocol="HTTP/1.1"),
    )
    writer.ensure_digest(record, block=False, payload=True)
    return record.rec_headers.get_header("WARC-Payload-Digest")


def _path_of(url: str) -> str:
    rest = url.split("/", 3)
    return "/" + (rest[3] if len(rest) > 3 else "")


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def chunked(data: bytes, size: int = 7) -> bytes:
    out = bytearray()
    for i in range(0, len(data), size):
        part = data[i : i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return bytes(out + b"0\r\n\r\n")
