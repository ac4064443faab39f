"""``newsarchive check``: a dry run on real loopback servers, in subprocesses.

What it proves: the report shows what the crawl gets (teasers, next page, the first
article) for a spider, a site file and a bare URL; selectors that find nothing, and a
``url`` selector giving link text, are named with their TOML key and exit 1; pages that
cannot be fetched give one line and exit 3, bad arguments exit 2, never a traceback;
``--toml`` prints a site file the project's loader accepts and that crawls; nothing is
written to the working directory.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, run_cli

pytestmark = pytest.mark.timeout(60)

STORIES = [
    ("/news/2025/12/07/water-talks-resume-in-tashkent", "Water Talks Resume in Tashkent After a Long Pause",
     "2025-12-07T09:00:00+00:00"),
    ("/news/2025/12/06/new-rail-link-opens-to-freight", "New Rail Link Opens to Freight Traffic This Week",
     "2025-12-06T09:00:00+00:00"),
    ("/news/2025/12/05/farmers-brace-for-a-dry-winter", "Farmers Brace for a Dry Winter Across the Valley",
     "2025-12-05T09:00:00+00:00"),
    ("/news/2025/12/04/city-council-votes-on-budget", "City Council Votes on the New Budget Plan",
     "2025-12-04T09:00:00+00:00"),
]
OLDER = [
    ("/news/2025/12/03/museum-reopens-after-repairs", "Museum Reopens After Two Years of Repairs",
     "2025-12-03T09:00:00+00:00"),
    ("/news/2025/12/02/schools-add-coding-classes", "Schools Add Coding Classes to the Curriculum",
     "2025-12-02T09:00:00+00:00"),
]
HTML = {"Content-Type": "text/html; charset=utf-8"}


def _listing(stories: list[tuple[str, str, str]], older: str | None) -> bytes:
    cards = "".join(
        f'<div class="story"><h3 class="headline"><a href="{path}">{title}</a></h3>'
        f'<p class="dek">The first lines of the story, long enough to be read as a summary of it.</p>'
        f'<time datetime="{date}">{date[:10]}</time></div>'
        for path, title, date in stories
    )
    pager = f'<div class="pager"><a class="older" href="{older}">Older posts</a></div>' if older else ""
    return (
        '<!doctype html><html lang="en"><head><title>News</title></head><body>'
        '<nav class="menu"><a href="/">Home</a> <a href="/news/">News</a></nav>'
        f'<main class="content"><h1>Latest news</h1>{cards}</main>{pager}'
        "<footer>(c) Example</footer></body></html>"
    ).encode()


def _article(title: str, date: str) -> bytes:
    paragraphs = "".join(f"<p>Paragraph {n} of the story, with several words of real text in it.</p>"
                         for n in range(1, 6))
    return (
        f'<!doctype html><html lang="en"><head><title>{title}</title>'
        f'<meta property="article:published_time" content="{date}">'
        f'<meta name="author" content="Dana Writer"></head><body>'
        f'<article><h1 class="title">{title}</h1><div class="text">{paragraphs}</div></article>'
        "</body></html>"
    ).encode()


@pytest.fixture
def news_site(static_site: Any) -> Any:
    """A small news site: /news/ (4 teasers, "Older posts"), /news/?page=2 (2 teasers), articles."""
    static_site.pages["/news/"] = (200, HTML, _listing(STORIES, "/news/?page=2"))
    static_site.pages["/news/?page=2"] = (200, HTML, _listing(OLDER, None))
    for path, title, date in STORIES + OLDER:
        static_site.pages[path] = (200, HTML, _article(title, date))
    static_site.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
    static_site.pages["/private/news/"] = (200, HTML, _listing(STORIES, None))
    numbered = _listing(STORIES, None).replace(
        b"</main>", b'</main><div class="pages"><span>1</span> <a href="/news/?page=2">2</a> '
                    b'<a href="/news/?page=3">3</a></div>')
    static_site.pages["/numbered/"] = (200, HTML, numbered)
    static_site.pages["/empty/"] = (200, HTML, b"<html><body><p>Nothing to see here.</p></body></html>")
    static_site.pages["/report.pdf"] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 not html")
    return static_site


def _site_file(tmp_path: Path, site: Any, listing: str, article: str = "") -> Path:
    path = tmp_path / "site.toml"
    path.write_text(f'name = "news"\nstart_urls = ["{site.url}/news/"]\n[listing]\n{listing}\n'
                    + (f"[article]\n{article}\n" if article else ""), encoding="utf-8")
    return path


def _no_traceback(result: Any) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def _empty_dir(tmp_path: Path) -> Path:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    return cwd


def test_spider_on_the_sample_site_shows_teasers_next_page_and_article(sample_site: Any, tmp_path: Path) -> None:
    cwd = _empty_dir(tmp_path)
    result = run_cli("check", "timesca", "-a", f"base_url={sample_site.url}", cwd=cwd, timeout=180)
    _no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    first = sample_site.content.article(0)
    assert f"listing    {sample_site.url}/latest/" in out
    assert "rules      [listing] selectors" in out
    assert "teasers    10 found, 10 become items (first 5)" in out
    assert first.url(sample_site.url) in out
    assert f"next page  {sample_site.url}/latest/page/2/  (by listing.next_page)" in out
    assert f"article    {first.url(sample_site.url)}" in out
    assert f"title      {first.title}" in out.replace("\u2019", "\u2019")
    assert "result     ok: 0 error(s)" in out
    assert list(cwd.iterdir()) == []  # no archive, no job state, no items


def test_json_output_for_scripts(sample_site: Any, tmp_path: Path) -> None:
    result = run_cli("check", "timesca", "-a", f"base_url={sample_site.url}", "--json", "--no-article",
                     cwd=_empty_dir(tmp_path), timeout=180)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == 0 and data["article"] is None
    assert data["listing"]["blocks"] == 10 and len(data["listing"]["teasers"]) == 10
    assert data["listing"]["next_page"] == f"{sample_site.url}/latest/page/2/"
    assert {"key": "listing.url", "query": "h2.teaser-title a::attr(href)", "found": 10, "of": 10} \
        in data["listing"]["selectors"]


def test_url_uses_the_automatic_rules(news_site: Any, tmp_path: Path) -> None:
    cwd = _empty_dir(tmp_path)
    result = run_cli("check", f"{news_site.url}/news/", cwd=cwd, timeout=180)
    _no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "rules      automatic listing rules: repeated_blocks" in out
    assert "teasers    4 found, 4 become items" in out
    assert f"{news_site.url}{STORIES[0][0]}" in out
    assert f"next page  {news_site.url}/news/?page=2  (by next_label)" in out
    assert f"title      {STORIES[0][1]}" in out
    assert "published  2025-12-07T09:00:00+00:00" in out
    assert "authors    Dana Writer" in out
    assert "body       5 paragraph(s)" in out
    assert "| Paragraph 1 of the story" in out
    assert list(cwd.iterdir()) == []


def test_page_url_checks_another_listing_page(news_site: Any) -> None:
    result = run_cli("check", f"{news_site.url}/news/", f"{news_site.url}/news/?page=2", "--no-article", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "teasers    2 found, 2 become items" in result.stdout
    assert OLDER[0][1] in result.stdout
    assert "next page  none found" in result.stdout
    assert "article " not in result.stdout


def test_article_option_checks_that_page(news_site: Any) -> None:
    path, title, _ = OLDER[1]
    result = run_cli("check", f"{news_site.url}/news/", "--article", f"{news_site.url}{path}", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"article    {news_site.url}{path}" in result.stdout
    assert f"title      {title}" in result.stdout
    assert "published  2025-12-02T09:00:00+00:00  (by meta)" in result.stdout


def test_selectors_matching_nothing_are_named_and_exit_1(news_site: Any, tmp_path: Path) -> None:
    site = _site_file(tmp_path, news_site, 'item = "div.teaser"\nurl = "a::attr(href)"\ntitle = "a"\n'
                                           'next_page = "a.next::attr(href)"',
                      article='title = "h1.title"\nbody = ".article-body p"')
    result = run_cli("check", str(site), cwd=_empty_dir(tmp_path), timeout=180)
    _no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "listing.item: 'div.teaser' matched nothing on this page; the automatic rules found 4 teasers" in out
    assert "listing.next_page: 'a.next::attr(href)' matched nothing" in out
    assert "article.body: '.article-body p' matched nothing" in out
    assert "the item gets no body" in out
    assert "teasers    4 found, 4 become items" in out  # what the crawl falls back to
    assert "result     problems found" in out


def test_url_selector_giving_link_text_is_named(news_site: Any, tmp_path: Path) -> None:
    site = _site_file(tmp_path, news_site, 'item = "div.story"\nurl = "h3 a::text"\ntitle = "h3 a"\n'
                                           'next_page = "a.older::attr(href)"')
    result = run_cli("check", str(site), "--no-article", timeout=180)
    _no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert f"listing.url: 'h3 a::text' gives the text {STORIES[0][1]!r}, not a URL" in out
    assert "select the link itself ('h3 a', its href is taken automatically) or its '::attr(href)'" in out


def test_url_selector_picking_links_takes_their_href(news_site: Any, tmp_path: Path) -> None:
    site = _site_file(tmp_path, news_site, 'item = "div.story"\nurl = "h3 a"\ntitle = "h3 a"\n'
                                           'next_page = "a.older"')
    result = run_cli("check", str(site), "--no-article", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"  1. {news_site.url}{STORIES[0][0]}" in result.stdout
    assert f"next page  {news_site.url}/news/?page=2  (by listing.next_page)" in result.stdout


def test_fixed_site_file_is_ok(news_site: Any, tmp_path: Path) -> None:
    site = _site_file(tmp_path, news_site, 'item = "div.story"\nurl = "h3 a::attr(href)"\ntitle = "h3 a"\n'
                                           'summary = "p.dek"\ndate = "time::attr(datetime)"\n'
                                           'next_page = "a.older::attr(href)"',
                      article='title = "h1.title"\nbody = ".text p"')
    result = run_cli("check", str(site), timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"next page  {news_site.url}/news/?page=2  (by listing.next_page)" in result.stdout
    assert "listing.date      'time::attr(datetime)'" in result.stdout
    assert "4 of 4 teasers" in result.stdout


def test_listing_disallowed_by_robots_txt_is_an_error(news_site: Any) -> None:
    result = run_cli("check", f"{news_site.url}/private/news/", "--no-article", timeout=180)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"robots.txt disallows {news_site.url}/private/news/" in result.stdout


@pytest.mark.parametrize("path, message", [
    ("/missing/", "HTTP 404"),
    ("/report.pdf", "not an HTML page (application/pdf)"),
])
def test_page_that_cannot_be_read_is_one_line_and_exit_3(news_site: Any, path: str, message: str) -> None:
    result = run_cli("check", f"{news_site.url}{path}", timeout=180)
    _no_traceback(result)
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("newsarchive check: ") and message in result.stderr


def test_decompression_is_bounded_by_download_maxsize(news_site: Any) -> None:
    import gzip

    bomb = gzip.compress(b"<html><body>" + b" " * 3_000_000 + b"</body></html>")
    news_site.pages["/bomb/"] = (200, {**HTML, "Content-Encoding": "gzip"}, bomb)
    result = run_cli("check", f"{news_site.url}/bomb/", "-s", "DOWNLOAD_MAXSIZE=1000000", timeout=180)
    _no_traceback(result)
    assert result.returncode == 3
    assert "the decoded page is over DOWNLOAD_MAXSIZE (1000000 bytes)" in result.stderr
    news_site.pages["/gzipped/"] = (200, {**HTML, "Content-Encoding": "gzip"}, gzip.compress(_listing(STORIES, None)))
    result = run_cli("check", f"{news_site.url}/gzipped/", "--no-article", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "teasers    4 found" in result.stdout


def test_unreachable_and_silent_hosts_are_one_line_and_exit_3() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: connection refused
        result = run_cli("check", f"http://127.0.0.1:{port}/news/", timeout=180)
    _no_traceback(result)
    assert result.returncode == 3
    assert result.stderr.strip() == f"newsarchive check: http://127.0.0.1:{port}/news/: connection refused"
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the connection, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/news/"
        result = run_cli("check", url, "--timeout", "1", timeout=180)
    _no_traceback(result)
    assert result.returncode == 3
    assert result.stderr.strip() == f"newsarchive check: {url}: timed out after 1 s"


@pytest.mark.parametrize("args, message", [
    (["nosuchspider"], "unknown spider 'nosuchspider'"),
    (["timesca", "-a", "max_page=2"], "unknown spider argument 'max_page' (did you mean max_pages?)"),
    (["timesca", "-a", "base_url"], "-a"),
    (["timesca", "not-a-url"], "PAGE_URL: expected an http(s) URL"),
    (["tests/sites/missing.toml"], "cannot read"),
    (["timesca", "-s", "CONCURENT_REQUESTS=1"], "did you mean CONCURRENT_REQUESTS?"),
])
def test_bad_arguments_exit_2(args: list[str], message: str, capsys: Any, monkeypatch: Any) -> None:
    from newsarchive.cli import main

    monkeypatch.chdir(REPO_ROOT)
    assert main(["check", *args]) == 2  # in this process: nothing is fetched or started
    captured = capsys.readouterr()
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert captured.out == ""


def test_usage_errors_exit_2_from_argparse() -> None:
    result = run_cli("check", "timesca", "--timeout", "0", "--teasers", "2", timeout=180)
    _no_traceback(result)
    assert result.returncode == 2
    assert "--timeout: expected seconds" in result.stderr


def test_bad_site_file_exits_2_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nstart_urls = ["http://127.0.0.1:9/"]\n[listing]\nitem = "li"\n'
                   'url = "a::attr(href)"\ntittle = "a"\n')
    result = run_cli("check", str(bad), timeout=180)
    assert result.returncode == 2
    assert "listing.tittle: unknown key (did you mean 'title'?)" in result.stderr


def test_toml_output_loads_and_crawls(news_site: Any, tmp_path: Path, capsys: Any) -> None:
    from newsarchive.sites.definition import load_site

    cwd = _empty_dir(tmp_path)
    result = run_cli("check", f"{news_site.url}/news/", "--toml", cwd=cwd, timeout=180)
    _no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert list(cwd.iterdir()) == []
    site_file = tmp_path / "inferred.toml"
    site_file.write_text(result.stdout, encoding="utf-8")
    site = load_site(site_file)
    assert site.start_urls == (f"{news_site.url}/news/",)
    assert site.allowed_domains == ("127.0.0.1",)
    assert site.languages == ("en",)
    assert site.listing is not None
    # the selectors reproduce the automatic rules, next page included
    assert site.listing.item == "div.story"
    assert site.listing.url == "h3.headline a::attr(href)"
    assert site.listing.next_page == "a.older::attr(href)"

    from newsarchive.cli import main

    assert main(["check", str(site_file), "--no-article"]) == 0  # in this process, to keep the test short
    assert "rules      [listing] selectors" in capsys.readouterr().out

    out = tmp_path / "job"
    crawl = run_cli("crawl", str(site_file), "--out", str(out), "--log-level", "WARNING", timeout=90)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    items = [json.loads(line) for line in (out / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(item["url"] for item in items) == sorted(f"{news_site.url}{p}" for p, _, _ in STORIES + OLDER)


def test_toml_relies_on_the_automatic_rules_when_no_selector_gives_the_next_page(news_site: Any,
                                                                                 tmp_path: Path) -> None:
    from newsarchive.sites.definition import load_site

    result = run_cli("check", f"{news_site.url}/numbered/", "--toml", timeout=180)
    assert result.returncode == 0, result.stderr
    site_file = tmp_path / "numbered.toml"
    site_file.write_text(result.stdout, encoding="utf-8")
    site = load_site(site_file)
    assert site.listing is not None and not site.listing.item  # no selectors: the automatic rules
    assert "# item = \"div.story\"" in result.stdout  # the teaser selectors, to finish by hand
    assert "numbered_pagination" in result.stdout


def test_page_without_teasers_exits_1(news_site: Any) -> None:
    result = run_cli("check", f"{news_site.url}/empty/", timeout=180)
    _no_traceback(result)
    assert result.returncode == 1
    assert "the crawl would get nothing from this page: no teasers" in result.stdout


def test_toml_for_a_spider_keeps_its_rules(sample_site: Any, tmp_path: Path) -> None:
    import tomllib

    from newsarchive.sites.definition import site_from_dict

    result = run_cli("check", "timesca", "-a", f"base_url={sample_site.url}", "--toml", timeout=180)
    assert result.returncode == 0, result.stderr
    data = tomllib.loads(result.stdout)
    site = site_from_dict(data, source="stdout")
    from newsarchive.spiders.timesca import SITE

    assert site.listing == SITE.listing
    assert site.article == SITE.article
    assert site.timezone == "Asia/Almaty"
    assert site.start_urls == (f"{sample_site.url}/latest/",)


def test_check_is_registered_in_the_cli() -> None:
    from newsarchive.cli import build_parser

    args = build_parser().parse_args(["check", "timesca", "--toml"])
    assert args.command == "check" and args.toml and args.target == "timesca" and args.page_url is None
