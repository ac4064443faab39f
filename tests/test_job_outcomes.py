"""Truthful outcomes and no silent loss: exit statuses, failed listing pages, teasers that
cannot be followed. Real crawls (``newsarchive crawl`` subprocesses) of small hand-made
sites on 127.0.0.1."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli, run_cli_measured
from job_runs import read_jsonl

HTML = {"Content-Type": "text/html; charset=utf-8"}


def article(title: str) -> tuple[int, dict[str, str], bytes]:
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>" \
           f"<div class='story'><p>{title} happened today in the capital.</p>" \
           f"<p>Officials said more would follow.</p></div></body></html>"
    return 200, HTML, body.encode()


def listing(teasers: list[tuple[str, str]], next_href: str | None = None) -> tuple[int, dict[str, str], bytes]:
    items = "".join(f'<li class="teaser"><a href="{href}">{title}</a></li>' for href, title in teasers)
    nxt = f'<a class="next" href="{next_href}">Next</a>' if next_href else ""
    return 200, HTML, f"<html><body><ul>{items}</ul>{nxt}</body></html>".encode()


def site_file(tmp_path: Path, start: str, allowed: str = "127.0.0.1") -> Path:
    path = tmp_path / "static.toml"
    path.write_text(
        f'name = "static"\nstart_urls = ["{start}"]\nallowed_domains = ["{allowed}"]\n'
        '[listing]\nitem = "li.teaser"\nurl = "a::attr(href)"\ntitle = "a"\n'
        'next_page = "a.next::attr(href)"\n',
        encoding="utf-8",
    )
    return path


def crawl(site: Path, out: Path, *settings: str) -> Any:
    args = ["crawl", str(site), "--out", str(out), "--log-level", "INFO"]
    for setting in settings:
        args += ["-s", setting]
    return run_cli(*args)


def last_run(out: Path) -> dict[str, Any]:
    return read_jsonl(out / "runs.jsonl")[-1]


def test_an_unreachable_site_exits_3_and_says_so(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    site = site_file(tmp_path, f"http://127.0.0.1:{port}/list/")
    result = crawl(site, tmp_path / "out", "RETRY_TIMES=0")
    assert result.returncode == 3, result.stdout + result.stderr[-2000:]
    assert "could not be reached" in result.stdout
    assert last_run(tmp_path / "out")["outcome"] == "nothing"


def test_a_first_listing_page_without_teasers_exits_3(static_site: Any, tmp_path: Path) -> None:
    static_site.pages["/list/"] = (200, HTML, b"<html><body><p>Redesigned!</p></body></html>")
    result = crawl(site_file(tmp_path, static_site.url + "/list/"), tmp_path / "out")
    assert result.returncode == 3, result.stdout + result.stderr[-2000:]
    assert "no teasers on the first listing page" in result.stdout


def test_a_failed_listing_page_leaves_the_walk_to_the_next_run(static_site: Any, tmp_path: Path) -> None:
    pages = static_site.pages
    pages["/list/"] = listing([("/a1/", "One"), ("/a2/", "Two")], "/list/2/")
    pages["/list/2/"] = (500, HTML, b"<html><body>oops</body></html>")
    for n, title in ((1, "One"), (2, "Two"), (3, "Three"), (4, "Four")):
        pages[f"/a{n}/"] = article(title)
    site, out = site_file(tmp_path, static_site.url + "/list/"), tmp_path / "out"
    first = crawl(site, out, "RETRY_TIMES=0")
    assert first.returncode == 1, first.stdout + first.stderr[-2000:]
    assert "incomplete" in first.stdout and "failed listing pages: http_500=1" in first.stdout
    assert "Listing page " + static_site.url + "/list/2/ failed (http_500)" in first.stderr
    # the site recovers; page 1 holds only archived teasers now, but the walk never reached
    # its end, so the next run goes on to page 2 instead of stopping
    pages["/list/2/"] = listing([("/a3/", "Three"), ("/a4/", "Four")])
    second = crawl(site, out)
    assert second.returncode == 0, second.stdout + second.stderr[-2000:]
    assert "items written:  2" in second.stdout
    urls = [i["url"] for i in read_jsonl(out / "items.jsonl")]
    assert sorted(urls) == sorted(f"{static_site.url}/a{n}/" for n in range(1, 5))
    state = json.loads((out / "listing-state.json").read_text())
    assert state["data"]["walks"][static_site.url + "/list/"] == {"complete": True, "need": None}
    # once complete, a run of the unchanged site stops at page 1
    third = crawl(site, out)
    assert third.returncode == 0 and "items written:  0" in third.stdout
    assert "Stopping at " + static_site.url + "/list/: every teaser is already archived" in third.stderr


def test_teasers_that_cannot_be_followed_are_kept_or_counted_never_lost(static_site: Any, tmp_path: Path) -> None:
    pages = static_site.pages
    long_path = "/" + "x" * 300 + "/"
    pages["/list/"] = listing([
        ("/good/", "Good"),
        ("/loop-a/", "Loops"),
        ("/away/", "Goes away"),
        ("javascript:void(0)", "Script link"),
        ("mailto:desk@example.org", "Mail link"),
        (long_path, "Too long"),
        ("/after/", "After the odd ones"),
    ], "/list/2/")
    pages["/list/2/"] = listing([("/page-two/", "Page two")])
    pages["/good/"], pages["/after/"], pages["/page-two/"] = article("Good"), article("After"), article("Page two")
    pages["/loop-a/"] = (301, {"Location": "/loop-b/"}, b"")
    pages["/loop-b/"] = (301, {"Location": "/loop-a/"}, b"")
    port = static_site.url.rsplit(":", 1)[1]
    pages["/away/"] = (302, {"Location": f"http://localhost:{port}/elsewhere/"}, b"")
    pages["/elsewhere/"] = article("Elsewhere")
    out = tmp_path / "out"
    result = crawl(site_file(tmp_path, static_site.url + "/list/"), out, "URLLENGTH_LIMIT=200")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    items = {i["title"]: i for i in read_jsonl(out / "items.jsonl")}
    assert {t: i["fetch_error"] for t, i in items.items()} == {
        "Good": None, "After": None, "Page two": None,
        "Loops": "redirect_loop", "Goes away": "offsite_redirect", "Too long": "url_too_long",
    }
    assert "teasers skipped: bad_url=2" in result.stdout
    assert result.stderr.count(f"link is not http(s)") == 2 and f"on {static_site.url}/list/" in result.stderr
    assert "/elsewhere/" not in "".join(static_site.hits) if hasattr(static_site, "hits") else True
    seen = set((out / "seen-urls.txt").read_text().split())
    assert seen == {f"{static_site.url}/{p}/" for p in ("good", "after", "page-two")}
    failed = [json.loads(line) for line in (out / "failed-articles.jsonl").read_text().splitlines()]
    by_reason = {f["reason"]: f for f in failed}
    assert by_reason["url_too_long"]["retry_after"] is None  # permanent: never retried
    assert by_reason["redirect_loop"]["retry_after"] and by_reason["offsite_redirect"]["retry_after"]


def test_a_damaged_state_file_is_ignored_and_the_listing_walked_to_its_end(static_site: Any, tmp_path: Path) -> None:
    pages = static_site.pages
    pages["/list/"] = listing([("/a1/", "One")], "/list/2/")
    pages["/list/2/"] = listing([("/a2/", "Two")])
    pages["/a1/"], pages["/a2/"] = article("One"), article("Two")
    site, out = site_file(tmp_path, static_site.url + "/list/"), tmp_path / "out"
    assert crawl(site, out).returncode == 0
    state = out / "listing-state.json"
    body = json.loads(state.read_text())
    body["data"]["walks"][static_site.url + "/list/"]["complete"] = False  # edited: checksum now wrong
    state.write_text(json.dumps(body))
    pages["/list/2/"] = listing([("/a2/", "Two"), ("/a3/", "Three")])
    pages["/a3/"] = article("Three")
    again = crawl(site, out)
    assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    assert "checksum mismatch" in again.stderr
    assert "items written:  1" in again.stdout  # walked past the all-known page 1


@pytest.mark.parametrize("value", ["max_pages=0", "since=yesterday", "follow=maybe", "base_url=ftp://x"])
def test_bad_spider_arguments_exit_2_with_one_line(tmp_path: Path, value: str) -> None:
    result = run_cli("crawl", "timesca", "--out", str(tmp_path / "out"), "-a", value)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.strip().splitlines()[-1].startswith("newsarchive crawl: ")
    assert "Traceback" not in result.stderr


def test_a_decompression_bomb_is_counted_not_parsed_and_memory_stays_bounded(static_site: Any, tmp_path: Path) -> None:
    bomb = gzip_bomb(256)
    pages = static_site.pages
    pages["/list/"] = listing([(f"/bomb{n}/", f"Bomb {n}") for n in range(4)] + [("/ok/", "Fine")])
    for n in range(4):
        pages[f"/bomb{n}/"] = (200, {**HTML, "Content-Encoding": "gzip"}, bomb)
    pages["/ok/"] = article("Fine")
    result, peak_mib = run_cli_measured("crawl", str(site_file(tmp_path, static_site.url + "/list/")),
                                        "--out", str(tmp_path / "out"), "--log-level", "INFO")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    items = {i["title"]: i["fetch_error"] for i in read_jsonl(tmp_path / "out" / "items.jsonl")}
    assert items == {"Fine": None, **{f"Bomb {n}": "too_large" for n in range(4)}}
    assert "too_large=4" in result.stdout
    assert 0 < peak_mib < 400, f"crawl peaked at {peak_mib:.0f} MiB"


def gzip_bomb(mib: int) -> bytes:
    """A small gzip body that decodes to ``mib`` MiB, made without holding them in memory
    (a child forked from a big test process would inherit, and report, its size)."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    parts = [packer.compress(b"<html><body>")] + [packer.compress(zeros) for _ in range(mib)]
    return b"".join(parts) + packer.flush()


def test_a_full_disk_under_the_archive_ends_the_run_in_one_line_with_what_was_written_intact(tmp_path: Path) -> None:
    import subprocess

    from conftest import require
    from newsarchive.sample_site import SampleSite

    warc = tmp_path / "warc"
    warc.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(warc)], capture_output=True, text=True)
    require(mounted.returncode == 0, f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        with SampleSite(articles=60) as site:
            out = tmp_path / "job"
            result = run_cli("crawl", "timesca", "--out", str(out), "-a", f"base_url={site.url}",
                             "-s", f"NEWSARCHIVE_WARC_DIR={warc}", "--log-level", "INFO")
        assert result.returncode == 1, result.stdout + result.stderr[-3000:]
        assert "Traceback" not in result.stderr, result.stderr[-4000:]
        assert "Cannot write the WARC archive" in result.stderr and "No space left on device" in result.stderr
        assert "failed: the crawl ended as warc_write_failed" in result.stdout
        verify = run_cli("verify", str(warc), "--items", str(out / "items.jsonl"))
        assert verify.returncode == 0, verify.stdout[-3000:]
    finally:
        subprocess.run(["umount", str(warc)], check=False)
