"""Site files, arguments and the output directory are checked before any request: one line
naming the file or option and the key (with a did-you-mean where one fits), exit 2."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import require, run_cli
from job_runs import read_jsonl
from test_job_outcomes import HTML, article, listing

GOOD = '''name = "static"
start_urls = ["{start}"]
[listing]
item = "li.teaser"
url = "a::attr(href)"
title = "a"
'''


def one_line_error(result: Any, *expected: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout[-1000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("newsarchive")]
    assert len(lines) == 1, result.stderr[-2000:]
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def crawl_site_file(tmp_path: Path, text: str, *options: str) -> Any:
    site = tmp_path / "site.toml"
    site.write_text(text, encoding="utf-8")
    return run_cli("crawl", str(site), "--out", str(tmp_path / "out"), *options)


@pytest.mark.parametrize(
    ("extra", "key", "problem"),
    [
        ("[settings]\nDOWNLOAD_DELAY = \"fast\"\n", "settings.DOWNLOAD_DELAY", "expected a number"),
        ("[settings]\nCONCURENT_REQUESTS = 4\n", "settings.CONCURENT_REQUESTS", "did you mean CONCURRENT_REQUESTS?"),
        ("[boilerplate]\npatterns = ['" + "(" * 500 + "x" + ")" * 500 + "']\n", "boilerplate.patterns[0]", ""),
        ("[article]\ntitle = 'xpath://h1[nosuch()]'\n", "article.title", "cannot be evaluated: Unregistered function"),
        ("[article]\ntitle = 'xpath://dc:title'\n", "article.title", "Undefined namespace prefix"),
        ("[article]\ntitle = 'xpath://h1[$v]'\n", "article.title", "Undefined variable"),
        ("[article]\nbody = '" + "div > " * 20000 + "p'\n", "article.body", "longer than"),
    ],
)
def test_bad_site_files_fail_in_one_line(tmp_path: Path, extra: str, key: str, problem: str) -> None:
    result = crawl_site_file(tmp_path, GOOD.format(start="http://127.0.0.1:9/") + extra)
    one_line_error(result, "site.toml", key, problem)
    assert not (tmp_path / "out").exists()


def test_deeply_nested_toml_and_empty_allowed_domains_are_refused(tmp_path: Path) -> None:
    deep = GOOD.format(start="http://127.0.0.1:9/") + "x = " + "[" * 3000 + "]" * 3000 + "\n"
    one_line_error(crawl_site_file(tmp_path, deep), "site.toml", "nested too deeply")
    empty = GOOD.format(start="http://127.0.0.1:9/").replace("[listing]", "allowed_domains = []\n[listing]")
    one_line_error(crawl_site_file(tmp_path, empty), "allowed_domains", "at least one host")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["-a", "max_page=2"], ("unknown spider argument 'max_page'", "did you mean max_pages?")),
        (["-s", "CONCURENT_REQUESTS=4"], ("-s CONCURENT_REQUESTS", "did you mean CONCURRENT_REQUESTS?")),
        (["-s", "DOWNLOAD_DELAY=fast"], ("-s DOWNLOAD_DELAY", "expected a number")),
        (["--log-level", "WARNIN"], ("unknown log level 'WARNIN'", "did you mean WARNING?")),
    ],
)
def test_bad_options_fail_in_one_line(sample_site: Any, tmp_path: Path, options: list[str], expected: tuple[str, ...]) -> None:
    sample_site.reset_hits()
    result = run_cli("crawl", "timesca", "--out", str(tmp_path / "out"), "-a", f"base_url={sample_site.url}", *options)
    if options[0] == "--log-level":  # argparse's own error line: "newsarchive crawl: error: ..."
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert all(text in result.stderr for text in expected), result.stderr
    else:
        one_line_error(result, *expected)
    assert not sample_site.hits


def test_unusable_output_directories_fail_before_any_request(sample_site: Any, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    warc_is_file = tmp_path / "job"
    warc_is_file.mkdir()
    (warc_is_file / "warc").write_text("not a directory")
    sample_site.reset_hits()
    for out, problem in ((a_file, "not a directory"), (Path("/dev/null/x"), "cannot create"),
                         (warc_is_file, "warc is not a directory")):
        result = run_cli("crawl", "timesca", "--out", str(out), "-a", f"base_url={sample_site.url}")
        one_line_error(result, f"--out {out}", problem)
    assert not sample_site.hits


def test_a_read_only_output_directory_fails_before_any_request(sample_site: Any, tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)], capture_output=True, text=True)
    require(mounted.returncode == 0, f"cannot mount a read-only tmpfs here: {mounted.stderr.strip()}")
    try:
        sample_site.reset_hits()
        result = run_cli("crawl", "timesca", "--out", str(ro / "job"), "-a", f"base_url={sample_site.url}")
        one_line_error(result, "Read-only file system")
        assert not sample_site.hits
    finally:
        subprocess.run(["umount", str(ro)], check=False)


def test_only_http_and_https_are_ever_requested(static_site: Any, tmp_path: Path) -> None:
    pages = static_site.pages
    pages["/list/"] = listing([
        ("file:///etc/passwd", "Local file"),
        ("data:text/html,<h1>Injected</h1>", "Data URL"),
        ("ftp://127.0.0.1/x", "FTP"),
        ("/to-file/", "Redirects to a file"),
        ("/ok/", "Fine"),
    ])
    pages["/to-file/"] = (302, {"Location": "file:///etc/passwd"}, b"")
    pages["/ok/"] = article("Fine")
    site = tmp_path / "site.toml"
    site.write_text(GOOD.format(start=static_site.url + "/list/"), encoding="utf-8")
    result = run_cli("crawl", str(site), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    items = {i["title"]: i for i in read_jsonl(tmp_path / "out" / "items.jsonl")}
    assert set(items) == {"Fine", "Redirects to a file"}, items
    # Scrapy does not follow a redirect to another scheme; the 302 stays a failure
    assert items["Redirects to a file"]["fetch_error"] in ("http_302", "refused_scheme")
    assert "root:" not in (tmp_path / "out" / "items.jsonl").read_text()
    assert "teasers skipped: bad_url=3" in result.stdout
    warcs = b"".join(p.read_bytes() for p in (tmp_path / "out" / "warc").glob("*.warc.gz"))
    assert b"etc/passwd" not in warcs or b"file://" not in warcs
