"""Live crawl of the sample site, then offline replay with the site stopped: same items.

Also replays an archive written by another tool (``wget --warc-file``) into the spider.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from conftest import REPO_ROOT, require, run_cli
from newsarchive.replay.handler import warc_datetime
from newsarchive.warc.index import INDEX_NAME
from newsarchive.warc.reader import load_record

pytestmark = pytest.mark.slow

# Until settings.py enables the capture by default, say it on the command line.
CAPTURE = [
    "-s", 'DOWNLOAD_HANDLERS={"http": "newsarchive.warc.handler.WireRecordingDownloadHandler", '
          '"https": "newsarchive.warc.handler.WireRecordingDownloadHandler"}',
    "-s", 'DOWNLOADER_MIDDLEWARES={"newsarchive.warc.capture.WarcCaptureMiddleware": 950}',
    "-s", "NEWSARCHIVE_WARC_ENABLED=True",
]


@dataclass
class Archived:
    base_url: str
    live: Path  # the live crawl's output directory
    wget_warc: Path | None
    wget_error: str


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archived]:
    """Crawl the sample site live (Scrapy's usual concurrency) and mirror it with wget;
    then stop the site."""
    from newsarchive.sample_site import SampleSite

    tmp = tmp_path_factory.mktemp("archived")
    wget_warc, wget_error = None, ""
    with SampleSite(articles=30) as site:
        base = site.url
        live = run_cli("crawl", "timesca", "--out", str(tmp / "live"), "-a", f"base_url={base}",
                       "--log-level", "WARNING", *CAPTURE)
        assert live.returncode == 0, live.stderr[-3000:]
        wget = shutil.which("wget")
        if wget:
            (tmp / "wget").mkdir()
            done = subprocess.run(
                [wget, "--recursive", "--level=inf", "--no-verbose", "--delete-after",
                 "--no-directories", f"--warc-file={tmp / 'wget' / 'site'}", "-e", "robots=on",
                 f"{base}/latest/"],
                cwd=tmp, capture_output=True, text=True, timeout=120,
            )
            wget_warc = tmp / "wget" / "site.warc.gz"
            wget_error = done.stderr[-2000:]
        else:
            wget_error = "wget is not installed (.ci/run installs it from the OS packages)"
    yield Archived(base, tmp / "live", wget_warc, wget_error)


def port_closed(base_url: str) -> bool:
    host, port = base_url.split("//", 1)[1].split(":")
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, int(port))) != 0


def test_replay_gives_byte_identical_items(archived: Archived, tmp_path: Path) -> None:
    live_items = archived.live / "items.jsonl"
    assert (archived.live / "warc" / INDEX_NAME).is_file()  # written when the WARC closed
    assert port_closed(archived.base_url)
    out = tmp_path / "replayed.jsonl"
    result = run_cli("replay", str(archived.live / "warc"), "--spider", "timesca",
                     "-a", f"base_url={archived.base_url}", "-o", str(out),
                     "--log-level", "WARNING")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(0 requests had no capture)" in result.stdout
    live_bytes = live_items.read_bytes()
    assert live_bytes.count(b"\n") >= 25
    assert out.read_bytes() == live_bytes
    # times come from the archive, and pointers point where the live crawl wrote
    first = json.loads(live_bytes.splitlines()[0])
    assert first["crawled_at"] and first["warc"]["response"]["filename"].endswith(".warc.gz")


def test_replay_without_index(archived: Archived, tmp_path: Path) -> None:
    """No CDXJ beside the WARC: it is built on the fly, in memory, and items are the same."""
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    for warc in (archived.live / "warc").glob("*.warc.gz"):
        shutil.copy(warc, warcs / warc.name)
    out = tmp_path / "replayed.jsonl"
    result = run_cli("replay", str(warcs), "--spider", "timesca", "-a", f"base_url={archived.base_url}",
                     "-o", str(out), "--log-level", "WARNING")
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (warcs / INDEX_NAME).exists()  # the user's archive is not written to
    assert out.read_bytes() == (archived.live / "items.jsonl").read_bytes()


def test_wget_archive_replays_into_the_spider(archived: Archived, tmp_path: Path) -> None:
    require(archived.wget_warc is not None and archived.wget_warc.is_file(),
            f"wget WARC not built: {archived.wget_error}")
    assert archived.wget_warc is not None
    out = tmp_path / "from-wget.jsonl"
    result = run_cli("replay", str(archived.wget_warc), "--spider", "timesca",
                     "-a", f"base_url={archived.base_url}", "-o", str(out), "--log-level", "WARNING")
    assert result.returncode == 0, result.stderr[-3000:]
    replayed = {i["url"]: i for i in map(json.loads, out.read_text().splitlines())}
    live = {i["url"]: i for i in map(json.loads, (archived.live / "items.jsonl").read_text().splitlines())}
    assert set(replayed) == set(live)
    for url, item in live.items():
        other = replayed[url]
        for key in ("title", "summary", "body", "published", "authors", "tags", "section", "listing_url"):
            assert other[key] == item[key], (url, key)
        # provenance points into wget's file; crawled_at is wget's fetch time of that record
        assert set(other["warc"]) == set(item["warc"])
        pointer = other["warc"].get("response") or other["warc"]["listing"]
        assert pointer["filename"] == "site.warc.gz"
        record = load_record(archived.wget_warc, pointer["offset"])
        assert record.target_uri == (url if "response" in other["warc"] else other["listing_url"])
        assert datetime.fromisoformat(other["crawled_at"]) == warc_datetime(record.date)


def test_replay_cli_errors(tmp_path: Path) -> None:
    result = run_cli("replay", str(tmp_path / "nope"), "--spider", "timesca", "-o", str(tmp_path / "o.jsonl"))
    assert result.returncode == 2 and "no such file" in result.stderr
    result = run_cli("replay", str(tmp_path), "--spider", "timesca", "-o", str(tmp_path / "o.jsonl"),
                     "--at", "xx")
    assert result.returncode == 2 and "not a timestamp" in result.stderr



def test_scrapy_crawl_with_replay_setting(archived: Archived, tmp_path: Path) -> None:
    """``scrapy crawl NAME -s NEWSARCHIVE_REPLAY=PATH`` is the same replay."""
    out = tmp_path / "scrapy.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "timesca", "-a", f"base_url={archived.base_url}",
         "-s", f"NEWSARCHIVE_REPLAY={archived.live / 'warc'}",
         # the add-on does the rest (settings.py is expected to list it in ADDONS)
         "-s", 'ADDONS={"newsarchive.replay.ReplayAddon": 0}', *CAPTURE,
         "-s", "LOG_LEVEL=WARNING", "-O", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert out.read_bytes() == (archived.live / "items.jsonl").read_bytes()


def test_live_archive_verifies_and_packs_as_wacz(archived: Archived, tmp_path: Path) -> None:
    items = archived.live / "items.jsonl"
    checked = run_cli("verify", str(archived.live / "warc"), "--items", str(items))
    assert checked.returncode == 0, checked.stdout[-3000:]
    assert "items checked:" in checked.stdout

    wacz = tmp_path / "crawl.wacz"
    packed = run_cli("wacz", str(archived.live / "warc"), "-o", str(wacz), "--items", str(items))
    assert packed.returncode == 0, packed.stderr
    # the WACZ holds everything: replaying it gives the live items, pointers included
    out = tmp_path / "from-wacz.jsonl"
    result = run_cli("replay", str(wacz), "--spider", "timesca", "-a", f"base_url={archived.base_url}",
                     "-o", str(out), "--log-level", "WARNING")
    assert result.returncode == 0, result.stderr[-3000:]
    assert out.read_bytes() == items.read_bytes()
    assert run_cli("verify", str(wacz), "--items", str(items)).returncode == 0


def test_replay_from_an_address_the_archive_never_saw_says_what_it_holds(archived: Archived, tmp_path: Path) -> None:
    # no base_url: the spider starts at https://timesca.com/latest/, which the sample
    # site's archive cannot have
    result = run_cli("replay", str(archived.live / "warc"), "--spider", "timesca", "-o", str(tmp_path / "o.jsonl"))
    assert "no capture in the archive for <GET https://timesca.com/latest/>" in result.stderr
    assert (f"the archive holds no captures of timesca.com at all, only of {archived.base_url}"
            in result.stderr), result.stderr[-2000:]  # fmt: skip
    assert result.stderr.count("holds no captures of timesca.com") == 1  # once per host
