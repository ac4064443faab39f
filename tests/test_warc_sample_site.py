"""A real crawl of the sample site, its archive checked with tools we did not write.

``warcio check``/``warcio index`` on every file, ``cdxj-indexer`` against our index,
pywb replaying archived articles (in its own virtualenv, see tests/tools/tool-venv.sh),
and warcio's readers rebuilding responses from the items' WARC pointers.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from conftest import REPO_ROOT, require
from newsarchive.sample_site.content import EDGE
from warc_crawl import BIN, Rec, all_records, scrapy_crawl_command, tool, warc_files


@dataclass
class Archive:
    site: Any
    out: Path
    items: list[dict[str, Any]]
    records: list[Rec]
    served: int  # requests the site answered during the crawl

    @property
    def warc_dir(self) -> Path:
        return self.out / "warc"

    def item(self, index: int) -> dict[str, Any]:
        url = self.site.content.article(index).url(self.site.url)
        return next(i for i in self.items if i["url"] == url)

    def record(self, pointer: dict[str, Any]) -> Rec:
        return next(r for r in self.records if r.get("WARC-Record-ID") == pointer["record_id"])

    def responses_for(self, path: str) -> list[Rec]:
        url = self.site.url_for(path)
        return [r for r in self.records if r.rec_type in ("response", "revisit") and r.uri == url]


def original_bytes(site: Any, path: str) -> bytes:
    """What the site serves for ``path`` (identity encoding): the bytes replay must return."""
    request = urllib.request.Request(site.url_for(path), headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


@pytest.fixture(scope="module")
def archive(sample_site: Any, tmp_path_factory: pytest.TempPathFactory) -> Archive:
    out = tmp_path_factory.mktemp("crawl")
    before = sum(sample_site.hits.values())
    done = subprocess.run(scrapy_crawl_command(out, sample_site.url), cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    items = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert items, done.stderr[-3000:]
    served = sum(sample_site.hits.values()) - before
    return Archive(sample_site, out, items, all_records(out / "warc"), served)


def test_warcio_check_and_index_pass_on_every_file(archive: Archive) -> None:
    files = warc_files(archive.warc_dir)
    assert files and not list(archive.warc_dir.glob("*.open"))
    for path in files:
        check = tool("warcio", "check", "-v", str(path))
        assert check.returncode == 0, check.stdout
        assert "digest pass" in check.stdout and "fail" not in check.stdout
        index = tool("warcio", "index", "-f", "warc-type,warc-target-uri,offset", str(path))
        assert index.returncode == 0, index.stderr
        lines = [json.loads(line) for line in index.stdout.splitlines()]
        ours = [r for r in archive.records if r.filename == path.name]
        assert [(d["warc-type"], int(d["offset"])) for d in lines] == [(r.rec_type, r.offset) for r in ours]
    for rec in archive.records:
        assert rec.headers.protocol == "WARC/1.1"
        assert rec.get("WARC-Date")[19] == "."  # sub-second precision
        if rec.rec_type != "warcinfo":
            assert rec.get("WARC-IP-Address") == "127.0.0.1"
            assert rec.get("WARC-Warcinfo-ID")


def test_our_index_matches_cdxj_indexer(archive: Archive) -> None:
    ours = (archive.warc_dir / "index.cdxj").read_text().splitlines()
    theirs = subprocess.run(
        [str(BIN / "cdxj-indexer"), "--post-append", "--sort",
         *[p.name for p in warc_files(archive.warc_dir)]],
        cwd=archive.warc_dir, capture_output=True, text=True, timeout=60, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert ours == theirs and len(ours) > len(archive.items)


def test_every_exchange_is_archived(archive: Archive) -> None:
    site = archive.site
    redirect = site.content.article(EDGE.redirect)
    statuses = lambda path: sorted(r.http_head.split(b" ")[1] for r in archive.responses_for(path))  # noqa: E731
    assert statuses("/robots.txt") == [b"200"]
    assert statuses(redirect.legacy_path) == [b"301"]
    assert statuses(redirect.path) == [b"200"]
    assert statuses(site.content.article(EDGE.broken).path) == [b"404"]
    responses = [r for r in archive.records if r.rec_type in ("response", "revisit")]
    requests = {r.get("WARC-Concurrent-To") for r in archive.records if r.rec_type == "request"}
    assert {r.get("WARC-Record-ID") for r in responses} == requests
    assert len(responses) == archive.served  # one response record per request served


def test_http_fidelity_on_the_edge_cases(archive: Archive) -> None:
    site = archive.site
    # gzip: stored compressed, with its Content-Encoding
    (gz,) = archive.responses_for(site.content.article(EDGE.gzip).path)
    assert b"\r\nContent-Encoding: gzip\r\n" in gz.http_head
    assert gzip.decompress(gz.payload) == original_bytes(site, site.content.article(EDGE.gzip).path)
    # chunked: de-chunked body, framing headers made consistent
    (ch,) = archive.responses_for(site.content.article(EDGE.chunked).path)
    assert b"\r\nX-Crawler-Transfer-Encoding: chunked\r\n" in ch.http_head
    assert f"\r\nContent-Length: {len(ch.payload)}\r\n".encode() in ch.http_head
    assert ch.payload == original_bytes(site, site.content.article(EDGE.chunked).path)
    # windows-1251: the bytes as served, not re-encoded
    path = site.content.article(EDGE.cp1251).path
    (ru,) = archive.responses_for(path)
    assert ru.payload == original_bytes(site, path) and "декабря".encode("cp1251") in ru.payload
    # two Set-Cookie headers on /latest/, verbatim and in order
    (latest,) = archive.responses_for("/latest/")
    cookies = [line for line in latest.http_head.split(b"\r\n") if line.lower().startswith(b"set-cookie:")]
    assert [c.split(b"=")[0] for c in cookies] == [b"Set-Cookie: wp_session", b"Set-Cookie: pll_language"]


def test_items_point_at_their_records(archive: Archive) -> None:
    site = archive.site
    for item in archive.items:
        listing = archive.record(item["warc"]["listing"])
        assert listing.uri == item["listing_url"] and listing.rec_type in ("response", "revisit")
        if "response" in item["warc"]:
            article = archive.record(item["warc"]["response"])
            assert article.uri == item["url"]
            assert item["warc"]["response"]["offset"] == article.offset
            assert item["warc"]["response"]["length"] == article.length
    followed = [i for i in archive.items if "response" in i["warc"]]
    assert len(followed) >= len(site.content) - 1  # all but the broken (404) article
    # a redirected article points at the final 200, not at the 301 hop
    (hop,) = archive.responses_for(site.content.article(EDGE.redirect).legacy_path)
    final = archive.record(archive.item(EDGE.redirect)["warc"]["response"])
    assert final.http_head.startswith(b"HTTP/1.1 200 ") and final.get("WARC-Record-ID") != hop.get("WARC-Record-ID")


@pytest.mark.parametrize("edge", ["gzip", "chunked", "cp1251", "redirect"])
def test_warcio_rebuilds_the_article_from_the_item_pointer(archive: Archive, edge: str) -> None:
    """The replay path every tool takes: seek to the pointer, read one record, decode."""
    index = getattr(EDGE, edge)
    pointer = archive.item(index)["warc"]["response"]
    with open(archive.warc_dir / pointer["filename"], "rb") as fh:
        fh.seek(pointer["offset"])
        member = fh.read(pointer["length"])
    (record,) = list(_records(member))
    assert record[0] == pointer["record_id"] and record[1] == "200"
    assert record[2] == original_bytes(archive.site, archive.site.content.article(index).path)


def _records(data: bytes) -> Iterator[tuple[str, str, bytes]]:
    for rec in ArchiveIterator(BytesIO(data)):
        yield rec.rec_headers.get_header("WARC-Record-ID"), rec.http_headers.get_statuscode(), rec.content_stream().read()


# -- pywb ---------------------------------------------------------------------------------------


def pywb_venv() -> Path:
    return Path(os.environ.get("NEWSARCHIVE_PYWB_VENV") or REPO_ROOT / ".pywb-venv")


@pytest.fixture(scope="module")
def pywb(archive: Archive, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    wayback = pywb_venv() / "bin" / "wayback"
    require(wayback.exists(), f"pywb not installed at {pywb_venv()} (run tests/tools/tool-venv.sh pywb)")
    home = tmp_path_factory.mktemp("pywb")
    (home / "config.yaml").write_text(
        "collections:\n"
        f"  arch:\n    index_paths: {archive.warc_dir / 'index.cdxj'}\n    archive_paths: {archive.warc_dir}/\n"
        "framed_replay: false\n"
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    child = subprocess.Popen([str(wayback), "-b", "127.0.0.1", "-p", str(port)], cwd=home,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if child.poll() is not None:
                    pytest.fail(f"pywb exited: {child.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/arch"
    finally:
        child.terminate()
        child.wait(timeout=10)


@pytest.mark.parametrize("edge", ["gzip", "chunked", "cp1251", "redirect"])
def test_pywb_replays_the_original_bytes(archive: Archive, pywb: str, edge: str) -> None:
    spec = archive.site.content.article(getattr(EDGE, edge))
    with urllib.request.urlopen(f"{pywb}/id_/{spec.url(archive.site.url)}", timeout=30) as response:
        assert response.status == 200
        body = response.read()
    assert body == original_bytes(archive.site, spec.path)
