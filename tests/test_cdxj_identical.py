"""Index lines, sorted indexes and WACZ indexes are byte for byte what they were with
cdxj-indexer's code, now that the project has its own (newsarchive.warc.cdxj and .surt).

The reference is the record loop of ``newsarchive.warc.index`` as it was before, driving
cdxj-indexer's own field logic, request/response pairing, POST/PUT keys (its ``surt``),
spilling sorter and ZipNum writer; cdxj-indexer is a test tool only (it brings the
AGPL-3.0 ``surt``). Checked on the real-world corpus, on a crawl of the sample site, on
hand-made POST/PUT archives and, for the pieces, on generated input.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.archive_tools import wacz as wacz_module
from newsarchive.warc import cdxj
from newsarchive.warc import index as index_module
from newsarchive.warc.index import cdxj_lines, write_index
from newsarchive.warc.reader import Damage, RecordReader, ZipMember, iter_archive_paths

cdxj_main = pytest.importorskip("cdxj_indexer.main", reason="cdxj-indexer is a test tool: pip install -e '.[test]'")
from cdxj_indexer import bufferiter, postquery

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------
# The reference: newsarchive's record loop before, on cdxj-indexer's code


class _Indexer(cdxj_main.CDXJIndexer):  # type: ignore[misc]
    def __init__(self, filename: str) -> None:
        super().__init__(output=None, inputs=[], post_append=True)
        self.curr_filename = filename


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        self.lines.append(line)

    def drain(self) -> list[str]:
        lines, self.lines = self.lines, []
        return lines


def reference_lines(path: str | Path | ZipMember, *, filename: str | None = None,
                    on_damage: Callable[[Damage], None] | None = None) -> Iterator[str]:
    """What ``newsarchive.warc.index.cdxj_lines`` yielded when it used cdxj-indexer."""
    source = path if isinstance(path, ZipMember) else Path(path)
    name = filename or (source.name.rsplit("/", 1)[-1] if isinstance(source, ZipMember) else source.name)
    indexer = _Indexer(name)
    reader = RecordReader(source, on_damage=on_damage)
    sink = _Lines()
    records = _reference_pairs(reader, indexer)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:
            reader._damage(reader.bytes_read, f"reading stopped: {type(exc).__name__}: {exc}",
                           reader.size - reader.bytes_read, kind="unreadable")
            return
        missing = getattr(record, "missing_fields", ())
        if "WARC-Target-URI" in missing or "WARC-Date" in missing or getattr(record, "corrupt", False):
            continue
        try:
            if indexer.filter_record(record):
                indexer.process_index_entry(reader, record, str(source), sink)
        except Exception as exc:
            reader._damage(record.file_offset, f"cannot index record: {type(exc).__name__}: {exc}",
                           kind="unindexable")
            sink.drain()
            continue
        yield from sink.drain()


def _reference_pairs(reader: RecordReader, indexer: Any) -> Iterator[Any]:
    prev = None
    for record in reader:
        record.buffered_stream = None
        if record.rec_type == "request":
            spool = tempfile.SpooledTemporaryFile(bufferiter.BUFF_SIZE)
            try:
                shutil.copyfileobj(record.content_stream(), spool)
            except Exception:
                spool.seek(0)
                spool.truncate()
                shutil.copyfileobj(record.raw_stream, spool)
            spool.seek(0)
            record.buffered_stream = spool
        elif record.rec_type != "warcinfo":
            try:
                indexer._get_digest(record, "WARC-Payload-Digest")
            except Exception:
                logger.debug("no payload digest", exc_info=True)
        record.file_offset = reader.get_record_offset()
        record.file_length = reader.get_record_length()
        req, resp = bufferiter.concur_req_resp(prev, record)
        if not req or not resp:
            if prev is not None:
                yield prev
            prev = record
            continue
        bufferiter.join_req_resp(req, resp, True, indexer.get_url_key)
        yield prev
        yield record
        prev = None
    if prev is not None:
        yield prev


def _quiet(fn: Callable[..., Any], *args: Any) -> Any:
    """cdxj-indexer prints tracebacks for bodies it cannot parse."""
    noise = io.StringIO()
    with redirect_stderr(noise), redirect_stdout(noise):
        return fn(*args)


@pytest.fixture
def as_before(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Switch the indexer and WACZ writer back to cdxj-indexer's code."""

    def switch() -> None:
        for module in (index_module, wacz_module):
            monkeypatch.setattr(module, "SortingWriter", cdxj_main.SortingWriter, raising=False)
            monkeypatch.setattr(module, "cdxj_lines", reference_lines, raising=False)
        monkeypatch.setattr(wacz_module, "CompressedWriter", cdxj_main.CompressedWriter)

    return switch


def _both_ways(paths: list[Path], tmp_path: Path, as_before: Callable[[], None]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """index.cdxj and the WACZ index files of ``paths``, with our code and the reference's."""
    results = []
    for label in ("ours", "before"):
        if label == "before":
            as_before()
        out = tmp_path / label
        out.mkdir()
        damage: list[Damage] = []
        write_index(paths, out / "index.cdxj", on_damage=damage.append)
        wacz_module.write_wacz(paths, out / "a.wacz", on_damage=damage.append)
        with zipfile.ZipFile(out / "a.wacz") as zf:
            files = {name: zf.read(name) for name in ("indexes/index.cdx.gz", "indexes/index.idx")}
        files["index.cdxj"] = (out / "index.cdxj").read_bytes()
        files["damage"] = "\n".join(map(repr, damage)).encode()
        results.append(files)
    return results[0], results[1]


def _assert_same(ours: dict[str, bytes], before: dict[str, bytes]) -> None:
    assert ours.keys() == before.keys()
    for name, data in ours.items():
        assert data == before[name], name
    assert ours["index.cdxj"], "nothing was indexed"


# ---------------------------------------------------------------------------------
# Whole files


@pytest.mark.corpus
def test_corpus_lines_identical(corpus_dir: Path) -> None:
    files = list(iter_archive_paths([corpus_dir / "warc"]))
    assert len(files) >= 45
    for path in files:
        ours_damage: list[Damage] = []
        before_damage: list[Damage] = []
        ours = list(cdxj_lines(path, on_damage=ours_damage.append))
        before = _quiet(list, reference_lines(path, on_damage=before_damage.append))
        assert ours == before, path
        assert ours_damage == before_damage, path


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_index_and_wacz_identical(corpus_dir: Path, tmp_path: Path,
                                         as_before: Callable[[], None]) -> None:
    _assert_same(*_both_ways([corpus_dir / "warc"], tmp_path, as_before))


@pytest.mark.slow
def test_crawl_output_index_and_wacz_identical(tmp_path: Path, as_before: Callable[[], None]) -> None:
    out = tmp_path / "crawl"
    done = run_cli("demo", "--out", str(out), "--articles", "40", timeout=300)
    assert done.returncode == 0, done.stderr
    ours, before = _both_ways([out / "warc"], tmp_path, as_before)
    _assert_same(ours, before)
    # and the index the crawl wrote as it went (its own lines, our keys) is the rebuilt one
    write_index([out / "warc"], out / "warc" / "rebuilt.cdxj")
    assert (out / "warc" / "index.cdxj").read_bytes() == (out / "warc" / "rebuilt.cdxj").read_bytes()


def _post_archive(path: Path) -> None:
    """Request/response pairs with bodies of every kind pywb keys, in both orders, plus
    revisits, resources and records without payload digests."""
    import pyamf
    from pyamf import remoting
    from pyamf.flex.messaging import RemotingMessage
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    envelope = remoting.Envelope(pyamf.AMF3)
    envelope["/1"] = remoting.Request("null", [RemotingMessage(operation="getItems", body=[1, "x", {"a": 1}])])
    envelope["/2"] = remoting.Request("svc.method", ["a", 2, None])
    amf = remoting.encode(envelope).getvalue()
    boundary = "XyZ"
    multipart_body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\nnews & more\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n\x00\x01\xff\r\n--{boundary}--\r\n"
    ).encode("latin-1")
    bodies: list[tuple[str, str | None, bytes, str | None]] = [
        ("POST", "application/x-www-form-urlencoded", b"a=1&b=%C3%BC+x", "auto"),
        ("POST", "application/x-www-form-urlencoded", b"\xff\xfe", "auto"),
        ("PUT", "application/json", b'{"a": 1, "b": [true, null, {"a": "x"}], "c": {"a": 2}}', "auto"),
        ("POST", "application/json", b'{"a": 1}\n{"b": 2}', "auto"),
        ("POST", "application/json; charset=utf-8", b"{not json", "auto"),
        ("POST", "text/plain", b'{"q": "x"}', "auto"),
        ("POST", "text/plain;charset=UTF-8", b"just text", "auto"),
        ("POST", f"multipart/form-data; boundary={boundary}", multipart_body, "auto"),
        ("POST", "multipart/form-data", b"no boundary", "auto"),
        ("POST", "application/x-amf", amf, "auto"),
        ("POST", "application/x-amf", b"\x00\x03garbage", "auto"),
        ("POST", "application/octet-stream", bytes(range(256)) * 40, "auto"),
        ("POST", None, b"no type", "auto"),
        ("POST", "application/x-www-form-urlencoded", b"x=1", "abc"),
        ("POST", "application/x-www-form-urlencoded", b"x=2", None),
        ("post", "application/x-www-form-urlencoded", b"lower=1", "auto"),
        ("PATCH", "application/x-www-form-urlencoded", b"patch=1", "auto"),
        ("GET", "application/x-www-form-urlencoded", b"get=1", "auto"),
    ]
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for number, (method, ctype, body, length) in enumerate(bodies):
            url = f"http://www.example.com/api/{number}" + ("?x=1&B=2" if number % 3 == 0 else "")
            date = f"2024-03-01T10:00:{number:02d}Z"
            http = StatusAndHeaders("200 OK", [("Content-Type", "application/json")], protocol="HTTP/1.1")
            response = writer.create_warc_record(url, "response", payload=BytesIO(b'{"ok": %d}' % number),
                                                 http_headers=http, warc_headers_dict={"WARC-Date": date})
            headers = [("Host", "www.example.com")]
            if ctype is not None:
                headers.append(("Content-Type", ctype))
            if length is not None:
                headers.append(("Content-Length", str(len(body)) if length == "auto" else length))
            req_http = StatusAndHeaders(f"{method} /api/{number} HTTP/1.1", headers, is_http_request=True)
            request = writer.create_warc_record(url, "request", payload=BytesIO(body), http_headers=req_http,
                                                warc_headers_dict={"WARC-Date": date})
            first, second = (response, request) if number % 2 else (request, response)
            second.rec_headers.add_header("WARC-Concurrent-To", first.rec_headers.get_header("WARC-Record-ID"))
            writer.write_record(first)
            writer.write_record(second)
        revisit = writer.create_revisit_record("http://www.example.com/api/0", "sha1:AAAA",
                                               "http://www.example.com/api/0", "2024-03-01T10:00:00Z",
                                               warc_headers_dict={"WARC-Date": "2024-03-02T10:00:00Z"})
        writer.write_record(revisit)
        for ctype in ("text/plain; charset=utf-8", "application/warc-fields"):
            for kind in ("resource", "metadata"):
                record = writer.create_warc_record("http://www.example.com/note", kind,
                                                   payload=BytesIO(b"note: 1\r\n"), warc_content_type=ctype,
                                                   warc_headers_dict={"WARC-Date": "2024-03-03T10:00:00Z"})
                record.rec_headers.remove_header("WARC-Payload-Digest")
                writer.write_record(record)


def test_post_put_archive_identical(tmp_path: Path, as_before: Callable[[], None]) -> None:
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    _post_archive(warc_dir / "posts.warc.gz")
    lines = list(cdxj_lines(warc_dir / "posts.warc.gz"))
    assert lines == _quiet(lambda: list(reference_lines(warc_dir / "posts.warc.gz")))
    assert sum("__wb_method=post&" in line for line in lines) >= 10
    assert any('"method": "PUT"' in line for line in lines)
    assert any("%3CEnvelope%3E" in line for line in lines)  # the AMF body
    ours, before = _quiet(lambda: _both_ways([warc_dir], tmp_path, as_before))
    _assert_same(ours, before)


# ---------------------------------------------------------------------------------
# The pieces, on generated input


def _outcome(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return _quiet(fn, *args)
    except Exception:  # that both fail is the agreement
        return "<error>"


_TYPES = st.sampled_from([
    None, "", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
    "application/json", "text/plain", "multipart/form-data; boundary=b", "multipart/form-data",
    "multipart/mixed; boundary=", "application/x-amf", "image/png",
])
_BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=100).map(lambda t: t.encode("utf-8")),
    st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=5), st.booleans(),
                                                    st.none(), st.lists(st.integers(), max_size=3)),
                    max_size=5).map(lambda d: json.dumps(d).encode()),
    st.sampled_from([b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n",
                     b"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n\xff\r\n--b--\r\n",
                     b"--b\r\n\r\n--b--", b"a=1&a=2&b=%zz+", b"x" * 5000]),
)


@settings(max_examples=400, deadline=None)
@given(method=st.sampled_from(["POST", "PUT", "GET", "post", "DELETE"]), content_type=_TYPES, body=_BODIES,
       length=st.one_of(st.none(), st.just("auto"), st.sampled_from(["0", "5", "-1", "x", " 7 ", "99999"])),
       url=st.sampled_from(["http://example.com/a", "http://example.com/a?b=1", "http://example.com/?"]))
def test_method_query_identical(method: str, content_type: str | None, body: bytes, length: str | None,
                                url: str) -> None:
    length = str(len(body)) if length == "auto" else length
    ours = _outcome(cdxj.append_method_query, method, content_type, length, BytesIO(body), url)
    before = _outcome(postquery.append_method_query, method, content_type, length, BytesIO(body), url)
    assert ours == before


_LINES = st.lists(
    st.tuples(st.sampled_from(["com,example)/", "com,example)/a", "org,x)/?a=1", "-", "ü)/"]),
              st.sampled_from(["20240301100000", "20240301100001", "1999"]),
              st.text(max_size=30)).map(lambda t: f"{t[0]} {t[1]} {json.dumps({'x': t[2]})}\n"),
    max_size=200,
)


@settings(max_examples=100, deadline=None)
@given(lines=_LINES, buffer=st.sampled_from([None, 1, 100, 2000]))
def test_sorting_writer_identical(lines: list[str], buffer: int | None) -> None:
    outputs = []
    for writer_class in (cdxj.SortingWriter, cdxj_main.SortingWriter):
        out = io.StringIO()
        sorter = writer_class(out, buffer)
        for line in lines:
            sorter.write(line)
        sorter.flush()
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]


@settings(max_examples=100, deadline=None)
@given(lines=_LINES, num_lines=st.sampled_from([1, 3, 300]), digest=st.booleans())
def test_compressed_writer_identical(lines: list[str], num_lines: int, digest: bool) -> None:
    outputs = []
    for writer_class in (cdxj.CompressedWriter, cdxj_main.CompressedWriter):
        index, data = io.StringIO(), io.BytesIO()
        writer = writer_class(index, data_out=data, num_lines=num_lines, data_out_name="index.cdx.gz",
                              digest_records=digest)
        for line in sorted(lines):
            writer.write(line)
        if writer.block:
            writer.flush()
        outputs.append((index.getvalue(), data.getvalue()))
    assert outputs[0] == outputs[1]
