"""``newsarchive.Archive``: a real crawl job read from Python, as a notebook would: items
with datetimes, runs, captures of a URL, the record behind an item (decoded, revisits
followed), iteration, clear errors; and the README's example runs as written."""

from __future__ import annotations

import gzip
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, run_cli
from newsarchive import Archive, ArchiveError
from newsarchive.access import BodyTooLarge, decoded_body


@pytest.fixture(scope="module")
def job(sample_site: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("archive-api") / "job"
    for _ in range(2):  # two runs: the second stores the unchanged robots.txt as a revisit
        result = run_cli("crawl", "timesca", "-a", f"base_url={sample_site.url}", "-a", "max_pages=1",
                         "--out", str(out), "--log-level", "WARNING")
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return out


def test_items_and_runs(job: Path) -> None:
    archive = Archive(job)
    items = list(archive.items())
    assert len(items) == 10 and all(isinstance(i["published"], datetime) for i in items if i["published"])
    assert all(i["published"].tzinfo is not None for i in items if i["published"])
    runs = archive.runs()
    assert [r["outcome"] for r in runs] == ["finished", "finished"] and runs[0]["items"] == 10


def test_the_record_behind_an_item_is_its_page_decoded(job: Path, sample_site: Any) -> None:
    archive = Archive(job)
    for item in archive.items():
        page = archive.record(item)
        if item["fetch_error"]:  # the sample site's dead link: its teaser's listing page
            assert page.url == item["listing_url"]
            continue
        assert page.status == 200 and page.url == item["url"] and page.record_type == "response"
        assert "<html" in page.text.lower() and item["title"].split()[0] in page.text
        if page.header("Content-Encoding") == "gzip":  # the sample site gzips some pages
            assert not page.body.startswith(b"\x1f\x8b")
        listing = archive.record(item, role="listing")
        assert listing.url == item["listing_url"]
    captures = archive.captures(item["url"])
    assert captures and archive.record(captures[-1]).url == item["url"]
    assert archive.captures(item["url"] + "?utm_source=x") == captures  # canonical form


def test_revisits_give_the_payload_they_stand_for(job: Path) -> None:
    archive = Archive(job / "warc")
    revisits = [r for r in archive if r.record_type == "revisit"]
    assert revisits, "the second run should have stored revisits"
    for record in revisits:
        assert record.revisit_of is not None and record.body
    assert len(archive) >= len(revisits)


def test_errors_are_clear(job: Path, tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no such file"):
        Archive(tmp_path / "nothing")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ArchiveError, match="not a crawl job directory"):
        Archive(tmp_path / "notes.txt")
    with pytest.raises(ArchiveError, match="no items"):
        list(Archive(job / "warc").items())
    with pytest.raises(ArchiveError, match="no such record"):
        Archive(job).record({"filename": "nope.warc.gz", "offset": 0})
    with pytest.raises(ArchiveError, match="expected a capture"):
        Archive(job).record({"title": "no pointer"})


def test_bodies_are_decoded_within_a_bound() -> None:
    page = b"<html><body>" + b"x" * 1000 + b"</body></html>"
    assert decoded_body(gzip.compress(page), "gzip") == page
    assert decoded_body(page, "gzip") == page  # stored decoded, header kept (browser archivers)
    assert decoded_body(b"5\r\nhello\r\n0\r\n\r\n", None, "chunked") == b"hello"
    with pytest.raises(BodyTooLarge):
        decoded_body(gzip.compress(b"\0" * 5_000_000), "gzip", max_size=1_000_000)


def test_the_readme_example_runs(job: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- archive-example -->\n```py\n(.*?)```", readme, flags=re.S)
    assert block is not None
    code = block.group(1).replace('"runs/timesca"', repr(str(job)))
    exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
    assert "200" in capsys.readouterr().out
