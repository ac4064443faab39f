"""WACZ 1.1.1 packaging: contents, hashes, pages, streaming, py-wacz validation, replay."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT, require, run_cli
from newsarchive.replay.index_lookup import CaptureIndex, CaptureResolver
from newsarchive.archive_tools.wacz import read_wacz_index, write_wacz
from newsarchive.warc.index import cdxj_lines
from warc_builders import Capture, write_warc


def wacz_validator() -> Path | None:
    venv = Path(os.environ.get("NEWSARCHIVE_WACZ_VENV") or REPO_ROOT / ".cache" / "wacz-venv")
    tool = venv / "bin" / "wacz"
    return tool if tool.is_file() else None


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    tool = wacz_validator()
    require(tool is not None, "py-wacz not installed: run tests/tools/tool-venv.sh wacz")
    assert tool is not None
    return subprocess.run([str(tool), "validate", "-f", str(path)], capture_output=True, text=True, timeout=120)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "day2").mkdir(parents=True)
    write_warc(root / "crawl.warc.gz", [Capture("http://news.example.org/", date="2024-03-01T10:00:00Z"),
                                        Capture("http://news.example.org/a", date="2024-03-01T10:00:01Z")])
    # same file name in a subdirectory: must not collide inside the WACZ
    write_warc(root / "day2" / "crawl.warc.gz", [Capture("http://news.example.org/b", date="2024-03-02T10:00:00Z")])
    return root


def test_contents_hashes_and_index(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "crawl.wacz"
    result = write_wacz([archive], out, title="Test crawl")
    assert result.warcs == 2 and result.index_lines == 3 and result.pages == 3
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        warcs = sorted(n for n in names if n.startswith("archive/"))
        assert warcs == ["archive/crawl-2.warc.gz", "archive/crawl.warc.gz"]
        for name in names:
            if name.startswith("archive/"):
                assert zf.getinfo(name).compress_type == zipfile.ZIP_STORED
        package = json.loads(zf.read("datapackage.json"))
        digest = json.loads(zf.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(zf.read("datapackage.json")).hexdigest()
        assert package["wacz_version"] == "1.1.1" and package["title"] == "Test crawl"
        listed = {r["path"]: r for r in package["resources"]}
        assert set(listed) == set(names) - {"datapackage.json", "datapackage-digest.json"}
        for path, res in listed.items():
            data = zf.read(path)
            assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and res["bytes"] == len(data)
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode().splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert {p["url"] for p in pages[1:]} == {"http://news.example.org/", "http://news.example.org/a",
                                            "http://news.example.org/b"}
    lines = read_wacz_index(out)
    assert lines == sorted(lines)
    expected = sorted([*cdxj_lines(archive / "crawl.warc.gz", filename="crawl.warc.gz"),
                       *cdxj_lines(archive / "day2" / "crawl.warc.gz", filename="crawl-2.warc.gz")])
    assert [line + "\n" for line in lines] == expected


def test_progress_names_each_step(archive: Path, tmp_path: Path) -> None:
    told: list[str] = []
    write_wacz([archive], tmp_path / "crawl.wacz", progress=told.append)
    assert told[:2] == ["copying WARC 1 of 2: crawl.warc.gz", "copying WARC 2 of 2: crawl-2.warc.gz"]
    assert "indexing WARC 1 of 2, crawl.warc.gz: 1 lines" in told
    assert "indexing WARC 2 of 2, crawl-2.warc.gz: 1 lines" in told


def test_pages_from_items(archive: Path, tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps({"url": "http://news.example.org/a", "title": "A story",
                                 "published": "2024-02-29T08:00:00+05:00",
                                 "crawled_at": "2024-03-01T10:00:01+00:00"}) + "\n\nnot json\n")
    out = tmp_path / "crawl.wacz"
    result = run_cli("wacz", str(archive), "-o", str(out), "--items", str(items))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode().splitlines()]
    assert len(pages) == 2
    page = pages[1]
    assert (page["url"], page["title"], page["ts"], page["date"]) == (
        "http://news.example.org/a", "A story", "2024-03-01T10:00:01Z", "2024-02-29T08:00:00+05:00")


def test_py_wacz_validates_and_replay_reads_it(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "crawl.wacz"
    write_wacz([archive], out)
    checked = validate(out)
    assert checked.returncode == 0 and "is valid" in checked.stdout, checked.stdout + checked.stderr
    index = CaptureIndex.open([out])
    resolver = CaptureResolver(index)
    hit = resolver.resolve(index.lookup("http://news.example.org/b"))
    assert hit is not None and b"hello" in hit.payload.payload
    assert hit.capture.filename == "crawl-2.warc.gz"
    resolver.close()


def test_validator_rejects_a_tampered_wacz(archive: Path, tmp_path: Path) -> None:
    """The validation test can fail: a WARC changed after packaging is caught."""
    out = tmp_path / "crawl.wacz"
    write_wacz([archive], out)
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "archive/crawl.warc.gz":
                data += b"\x00"
            dst.writestr(info, data)
    assert validate(tampered).returncode != 0


def test_memory_does_not_grow_with_the_archive(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.mkdir()
    body = os.urandom(1 << 20)  # incompressible: the WARC is as big as the payloads
    write_warc(big / "big.warc.gz", [Capture(f"http://example.com/{i}", body=body) for i in range(24)])
    assert (big / "big.warc.gz").stat().st_size > 24 << 20
    tracemalloc.start()
    write_wacz([big], tmp_path / "big.wacz")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 8 << 20, f"peak {peak / 1e6:.1f} MB for a 24 MB archive"


def test_cli_errors(tmp_path: Path) -> None:
    result = run_cli("wacz", str(tmp_path / "missing"), "-o", str(tmp_path / "x.wacz"))
    assert result.returncode == 2
    result = run_cli("wacz", str(tmp_path), "-o", str(tmp_path / "x.wacz"))
    assert result.returncode == 3 and "nothing to package: no WARC/ARC files in" in result.stderr
    assert not (tmp_path / "x.wacz").exists()
