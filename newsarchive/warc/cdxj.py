"""The pywb CDXJ conventions, as ``cdxj-indexer --post-append --sort`` applies them.

Why here: cdxj-indexer brings the AGPL-3.0 ``surt`` package, and newsarchive (Apache-2.0)
may not depend on copyleft code at runtime; so what the project used from it lives here,
keyed with our own :func:`newsarchive.warc.surt.surt`, and cdxj-indexer is only a test
tool that proves the output byte for byte the same (``tests/test_cdxj_identical.py``).

Adapted from cdxj-indexer 1.5.0 (https://github.com/webrecorder/cdxj-indexer,
Copyright Webrecorder Software, Apache License 2.0): the index line fields
(``CDXJIndexer``), request/response pairing (``bufferiter``), the POST/PUT query
appended to keys (``postquery``, ``amf``), the spilling sorter (``SortingWriter``) and
the ZipNum writer of WACZ indexes (``CompressedWriter``). Changes: written as plain
functions for the project's own record loop; sort spills are UTF-8 whatever the locale;
unparsable JSON and AMF bodies are logged instead of printed.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import heapq
import json
import logging
import os
import re
import zlib
from collections.abc import Iterable
from io import BytesIO
from json.encoder import encode_basestring_ascii as _json_string
from tempfile import NamedTemporaryFile
from typing import IO, Any
from urllib.parse import unquote_plus, urlencode

from warcio.timeutils import iso_date_to_timestamp

from newsarchive.warc.surt import surt

logger = logging.getLogger(__name__)

BUFF_SIZE = 1024 * 64
"""Request bodies up to this size are buffered in memory, larger ones spill to disk."""

MAX_QUERY_LENGTH = 4096
"""Longest request-body query kept in a POST/PUT key (pywb's limit)."""

INDEXED_RECORDS = ("response", "revisit", "resource", "metadata")
REVISIT_MIME = "warc/revisit"
_MIME_CUT = re.compile(r"[;\s]")


# ---------------------------------------------------------------------------------
# Keys and lines


def url_key(url: str | None) -> str:
    """The SURT key of ``url``; the URL itself when it has none (an unparsable port)."""
    if url:
        key = _plain_url_key(url)
        if key is not None:
            return key
    try:
        return surt(url)
    except Exception:  # as cdxj-indexer and pywb do: key by the URL itself
        return url  # type: ignore[return-value]


_PLAIN_HOST = re.compile(r"[a-z0-9.-]+")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/_.~-]*")
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9=&_.~-]+")
_LETTER = re.compile(r"[a-z]")


def _plain_url_key(url: str) -> str | None:
    """:func:`~newsarchive.warc.surt.surt` for the usual URL, in a few string operations:
    ``http(s)://`` and a lower-case host name, a path and query of letters, digits and
    ``/_.~-`` (``=&`` in the query), nothing to unescape, resolve or strip but ``www.``
    and a trailing slash. None for any other URL (``tests/test_fast_reader.py`` compares
    both ways)."""
    if url.startswith("http://"):
        rest = url[7:]
    elif url.startswith("https://"):
        rest = url[8:]
    else:
        return None
    host, slash, tail = rest.partition("/")
    if (not _PLAIN_HOST.fullmatch(host) or ".." in host or host[0] == "." or host[-1] == "."
            or _LETTER.search(host) is None):
        return None  # ports, user info, IPv4 forms, IDNA, upper case... are surt's
    path, question, query = tail.partition("?")
    full = "/" + path
    if not _PLAIN_PATH.fullmatch(path) or "/." in full or "//" in full or ".aspx" in full.lower():
        return None
    if question:
        lower = query.lower()
        if not _PLAIN_QUERY.fullmatch(query) or "sid" in lower or "cftoken" in lower:
            return None
        query = "&".join(sorted(lower.split("&"), key=lambda arg: arg.split("=", 1))) if "&" in lower else lower
    if host.startswith("www"):
        end = 3
        while end < len(host) and host[end].isdigit():
            end += 1
        if host[end:end + 1] == ".":
            host = host[end + 1:]
    path = "/" + path.lower() if slash else "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    key = ",".join(reversed(host.split("."))) + ")" + path
    return key + "?" + query if question else key


def is_indexed(record: Any) -> bool:
    """Whether a record gets an index line: responses, revisits, resources and metadata,
    but no ``application/warc-fields`` resource or metadata (crawler notes)."""
    if record.rec_type not in INDEXED_RECORDS:
        return False
    return not (
        record.rec_type in ("resource", "metadata")
        and record.rec_headers.get_header("Content-Type") == "application/warc-fields"
    )


class LineMaker:
    """Index lines for the records of one file: url, mime, status, digest, length,
    offset, filename, then requestBody and method for POST/PUT responses."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self._writer: Any = None

    def payload_digest(self, record: Any) -> str | None:
        """The record's WARC-Payload-Digest, computed from its payload (and set on the
        record) when it has none; read the record before anything else reads it."""
        value = record.rec_headers.get_header("WARC-Payload-Digest")
        if not value:
            if self._writer is None:
                from warcio.warcwriter import BufferWARCWriter

                self._writer = BufferWARCWriter()
            self._writer.ensure_digest(record, block=False, payload=True)
            value = record.rec_headers.get_header("WARC-Payload-Digest")
        return value

    def line(self, record: Any) -> str:
        """The CDXJ line (with newline) for a record that :func:`is_indexed` accepts,
        with ``file_offset`` and ``file_length`` set."""
        entry: dict[str, Any] = {}
        url = record.rec_headers.get_header("WARC-Target-URI")
        if url is not None:
            entry["url"] = url
        mime = _mime(record)
        if mime is not None:
            entry["mime"] = mime
        if record.rec_type in ("response", "revisit") and record.http_headers:
            status = record.http_headers.get_statuscode()
            if status is not None:
                entry["status"] = status
        digest = self.payload_digest(record)
        if digest is not None:
            entry["digest"] = digest
        entry["length"] = str(record.file_length)
        entry["offset"] = str(record.file_offset)
        if self.filename is not None:
            entry["filename"] = self.filename
        if not url:
            url = record.rec_headers.get_header("WARC-Target-URI")
        timestamp = timestamp14(record.rec_headers.get_header("WARC-Date"))
        key = record.urlkey if hasattr(record, "urlkey") else url_key(url)
        if hasattr(record, "requestBody"):
            entry["requestBody"] = record.requestBody
        if hasattr(record, "method"):
            entry["method"] = record.method
        return key + " " + timestamp + " " + dumps(entry) + "\n"


def dumps(entry: dict[str, Any]) -> str:
    """``json.dumps(entry)`` for a dict of strings, one C call per string instead of an
    encoder made per call (anything else: ``json.dumps`` itself)."""
    try:
        return "{" + ", ".join([_json_string(name) + ": " + _json_string(value) for name, value in entry.items()]) + "}"
    except TypeError:  # a value that is no string (a requestBody of None)
        return json.dumps(entry)


_SECONDS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?Z")
_MINUTES: dict[str, str] = {}  # "2026-12-02T02:35:" (a valid date, hour and minute) -> "202612020235"


def timestamp14(date: str | None) -> str:
    """warcio's ``iso_date_to_timestamp`` (``YYYYmmddHHMMSS``), without its ``strftime``
    for the usual ``2026-12-02T02:35:04Z`` (the same result: ``tests/test_fast_reader.py``)."""
    if date is None or date[:1] == "0" or _SECONDS.fullmatch(date) is None:
        return iso_date_to_timestamp(date)
    seconds = date[17:19]
    minute = _MINUTES.get(date[:17])
    if minute is not None and seconds < "60":
        return minute + seconds
    try:  # the same check of the values as warcio's (a 13th month raises)
        datetime.datetime(int(date[0:4]), int(date[5:7]), int(date[8:10]), int(date[11:13]), int(date[14:16]),
                          int(seconds))
    except ValueError:
        return iso_date_to_timestamp(date)
    minute = date[0:4] + date[5:7] + date[8:10] + date[11:13] + date[14:16]
    if len(_MINUTES) > 4096:
        _MINUTES.clear()
    _MINUTES[date[:17]] = minute
    return minute + seconds


def _mime(record: Any) -> str | None:
    if record.rec_type == "revisit":
        return REVISIT_MIME
    if record.rec_type in ("response", "request"):
        value = record.http_headers.get_header("content-type") if record.http_headers else None
    else:
        value = record.rec_headers.get_header("content-type")
    if value:
        value = _MIME_CUT.split(value, 1)[0].strip()
    return value


# ---------------------------------------------------------------------------------
# Request/response pairs and POST/PUT keys


def request_response(first: Any, second: Any) -> tuple[Any, Any]:
    """(request, response) when two consecutive records are one exchange (same URL, the
    second concurrent to the first, one of each type), else (None, None)."""
    if not first or not second:
        return None, None
    if first.rec_headers.get_header("WARC-Target-URI") != second.rec_headers.get_header("WARC-Target-URI"):
        return None, None
    if second.rec_headers.get_header("WARC-Concurrent-To") != first.rec_headers.get_header("WARC-Record-ID"):
        return None, None
    if first.rec_type == "response" and second.rec_type == "request":
        return second, first
    if first.rec_type == "request" and second.rec_type == "response":
        return first, second
    return None, None


def join_request_response(request: Any, response: Any) -> None:
    """Link a response to its request; a POST/PUT response (and its request) gets the key
    of the URL with ``__wb_method=`` and the body's query appended, as pywb looks it up.

    The request's body must be in ``request.buffered_stream``.
    """
    if request.http_headers is None:
        return
    response.req = request
    method = request.http_headers.protocol
    if method.upper() not in ("POST", "PUT"):
        return
    url = request.rec_headers.get_header("WARC-Target-URI")
    stream = request.buffered_stream
    stream.seek(0)
    query, append = append_method_query(
        method,
        request.http_headers.get_header("Content-Type"),
        request.http_headers.get_header("Content-Length"),
        stream,
        url,
    )
    response.method = method.upper()
    response.requestBody = query
    response.urlkey = url_key(url + append)
    request.urlkey = response.urlkey


def append_method_query(method: str, content_type: str | None, length: str | None,
                        stream: IO[bytes], url: str) -> tuple[str | None, str]:
    """(query from the body, what to append to the URL for the key): ``?__wb_method=POST``
    (``&`` when the URL has a query) and, for POST/PUT, ``&`` plus the body's query."""
    query = query_extract(content_type, length, stream) if method in ("POST", "PUT") else ""
    append = ("?" if "?" not in url else "&") + "__wb_method=" + method
    if query:
        append += "&" + query
    return query, append


def query_extract(mime: str | None, length: Any, stream: IO[bytes]) -> str | None:
    """A request body as a query string: forms decoded, multipart fields, JSON leaves and
    AMF calls as ``name=value``, anything else as ``__wb_post_data=BASE64``; at most
    4096 characters. None when Content-Length is not a number."""
    try:
        length = int(length)
    except (ValueError, TypeError):
        if length is None:
            length = 8192
        else:
            return None
    data = b""
    while length > 0:
        buff = stream.read(length)
        length -= len(buff)
        if not buff:
            break
        data += buff
    mime = mime or ""
    query: str | None = ""
    if mime.startswith("application/x-www-form-urlencoded"):
        try:
            query = unquote_plus(data.decode("utf-8"))
        except UnicodeDecodeError:
            query = _binary(data)
    elif mime.startswith("multipart/"):
        from multipart import MultipartParser

        try:
            boundary = mime.split("boundary=")[1]
            parser = MultipartParser(BytesIO(data), boundary, charset="utf8")
        except (ValueError, IndexError):  # multipart/form-data without a boundary
            query = _binary(data)
        else:
            # a part with a filename is a file upload: its raw bytes, percent-encoded
            # (https://specs.webrecorder.net/request-body-canonicalization/latest/)
            values = [(part.name, part.raw if part.filename else part.value) for part in parser]
            query = urlencode(values, True)
    elif mime.startswith("application/json"):
        try:
            query = json_query(data)
        except Exception:  # any malformed body
            if data:
                logger.debug("cannot parse JSON request body: %r", data[:200])
            query = ""
    elif mime.startswith("text/plain"):
        try:
            query = json_query(data)
        except Exception:  # plain text after all: keep its bytes
            query = _binary(data)
    elif mime.startswith("application/x-amf"):
        query = amf_query(data)
    else:
        query = _binary(data)
    if query:
        query = query[:MAX_QUERY_LENGTH]
    return query


def _binary(data: bytes) -> str:
    return "__wb_post_data=" + base64.b64encode(data).decode("ascii")


def json_query(data: bytes) -> str:
    """Leaves of a JSON body (or of JSON lines) as ``name=value``; repeated names get
    ``.2_``, ``.3_`` ... suffixes."""
    values: dict[str, str] = {}
    dupes: dict[str, int] = {}

    def key(name: str) -> str:
        if name not in values:
            return name
        dupes[name] = dupes.get(name, 1) + 1
        return name + "." + str(dupes[name]) + "_"

    def walk(obj: Any, name: str = "") -> None:
        if isinstance(obj, dict):
            for child, value in obj.items():
                walk(value, child)
        elif isinstance(obj, list):
            for value in obj:
                walk(value, name)
        elif name:
            values[key(name)] = str(obj)

    try:
        walk(json.loads(data))
    except json.decoder.JSONDecodeError:
        if b"\n" not in data:
            raise
        for line in data.split(b"\n"):
            walk(json.loads(line))
    return urlencode(values)


def amf_query(data: bytes) -> str | None:
    """An AMF (Flash remoting) request as ``request=<representation>``, None when it
    cannot be decoded."""
    try:
        from pyamf.remoting import decode

        return urlencode({"request": _amf_representation(decode(BytesIO(data)))})
    except Exception:  # any malformed body
        logger.debug("cannot decode AMF request body", exc_info=True)
        return None


def _amf_representation(obj: Any, max_calls: int = 500) -> str:
    """A stable text form of a decoded AMF object: request order, cyclic references and
    random message properties left out."""
    from pyamf.flex.messaging import RemotingMessage
    from pyamf.remoting import Envelope, Request

    max_calls -= 1
    if max_calls < 0:
        raise ValueError("Amf.get_representation maximum number of calls reached")
    if isinstance(obj, Envelope):
        bodies = sorted(_amf_representation(body[1], max_calls) for body in obj.bodies)
        return "<Envelope>[" + ",".join(bodies) + "]</Envelope>"
    if isinstance(obj, Request):
        body = _amf_representation(obj.body, max_calls)
        return f"<Request target={obj.target}>{body}</Request>"
    if isinstance(obj, RemotingMessage):
        body = _amf_representation(obj.body, max_calls)
        return f"<RemotingMessage operation={obj.operation}>{body}</RemotingMessage>"
    if isinstance(obj, dict):
        return json.dumps(obj, sort_keys=True)
    if isinstance(obj, list):
        return "[" + ",".join(_amf_representation(item, max_calls) for item in obj) + "]"
    if isinstance(obj, str):
        return obj
    if obj is None:
        return ""
    if hasattr(obj, "__dict__"):
        name = obj.__class__.__name__
        props = {prop: _amf_representation(getattr(obj, prop), max_calls) for prop in obj.__dict__}
        return f"<{name}>{_amf_representation(props, max_calls)}</{name}>"
    return repr(obj)


# ---------------------------------------------------------------------------------
# Sorted and compressed output


class SortingWriter:
    """Sorts the lines written to it into ``out`` on :meth:`flush`, dropping repeated
    lines; past 32 MB of lines, sorted runs spill to temporary files and are merged, so
    memory stays flat however large the archive."""

    MAX_SORT_BUFF_SIZE = 1024 * 1024 * 32

    def __init__(self, out: Any, max_sort_buff_size: int | None = None) -> None:
        self.out = out
        self.sortedlist: list[str] = []
        self.count = 0
        self.max_sort_buff_size = max_sort_buff_size or self.MAX_SORT_BUFF_SIZE
        self.tmp_files: list[str] = []

    def write(self, line: str) -> None:
        self.sortedlist.append(line)
        self.count += len(line)
        if self.count > self.max_sort_buff_size:
            self.tmp_files.append(self._spill())

    def flush(self) -> None:
        if not self.tmp_files:
            self.sortedlist.sort()
            self._write_unique(self.sortedlist, self.out)
            return
        if self.sortedlist:
            self.tmp_files.append(self._spill())
        runs = [open(name, encoding="utf-8", newline="\n") for name in self.tmp_files]
        try:
            self._write_unique(heapq.merge(*runs), self.out)
        finally:
            for run, name in zip(runs, self.tmp_files):
                run.close()
                os.remove(name)
            self.tmp_files = []

    def _spill(self) -> str:
        self.sortedlist.sort()
        with NamedTemporaryFile("w", encoding="utf-8", newline="\n", delete=False) as run:
            self._write_unique(self.sortedlist, run)
        self.sortedlist = []
        self.count = 0
        return run.name

    @staticmethod
    def _write_unique(lines: Iterable[str], out: Any) -> None:
        last = None
        for line in lines:
            if line != last:
                out.write(line)
            last = line
        out.flush()


class CompressedWriter:
    """ZipNum output (WACZ ``indexes/index.cdx.gz`` + ``index.idx``): sorted lines in
    gzip members of ``num_lines`` lines, each listed in the ``.idx`` by its first key
    with offset and length, after a ``!meta`` line."""

    DEFAULT_NUM_LINES = 300

    def __init__(self, index_out: IO[str], data_out: IO[bytes], num_lines: int = DEFAULT_NUM_LINES,
                 data_out_name: str = "", digest_records: bool = False) -> None:
        self.index_out = index_out
        self.data_out = data_out
        self.data_out_name = data_out_name
        self.digest_records = digest_records
        self.block: list[str] = []
        self.offset = 0
        self.prefix = ""
        self.num_lines = num_lines

    def write_header(self) -> None:
        meta = json.dumps({"format": "cdxj-gzip-1.0", "filename": self.data_out_name})
        self.index_out.write(f"!meta 0 {meta}\n")

    def write(self, line: str) -> None:
        if not self.block:
            self.prefix = line.split("{", 1)[0].strip()
            if not self.offset:
                self.write_header()
        self.block.append(line)
        if len(self.block) == self.num_lines:
            self.flush()

    def flush(self) -> None:
        """Write the lines so far as one gzip member (call once more at the end)."""
        comp = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
        compressed = comp.compress("".join(self.block).encode("utf-8")) + comp.flush()
        entry: dict[str, Any] = {"offset": self.offset, "length": len(compressed)}
        if self.digest_records:
            entry["digest"] = "sha256:" + hashlib.sha256(compressed).hexdigest()
        self.index_out.write(self.prefix + " " + json.dumps(entry) + "\n")
        self.data_out.write(compressed)
        self.offset += len(compressed)
        self.block = []


__all__ = [
    "BUFF_SIZE",
    "CompressedWriter",
    "LineMaker",
    "SortingWriter",
    "append_method_query",
    "is_indexed",
    "join_request_response",
    "json_query",
    "query_extract",
    "request_response",
    "timestamp14",
    "url_key",
]
