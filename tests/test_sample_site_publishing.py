"""The sample site changing while it runs: unpublished newest articles and flaky articles.

Real servers on 127.0.0.1, real HTTP. Expectations are recomputed from the documented
contract (index 0 is the newest, listings run newest first, ``i % 6`` sections), not read
back from the code under test.
"""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from newsarchive.sample_site import SampleSite
from newsarchive.sample_site.__main__ import main
from newsarchive.sample_site.content import SECTIONS

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 60
HIDDEN = 6  # hides the gzip (2), chunked (3) and redirect (5) articles too


class Got:
    """One raw HTTP exchange: no redirect followed, nothing decoded."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def html(self) -> Selector:
        return Selector(text=self.body.decode(self.headers.get_content_charset() or "utf-8"))


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Got:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, target, headers=headers or {})
        response = conn.getresponse()
        return Got(response.status, response.headers, response.read())
    finally:
        conn.close()


def teaser_ids(page: Selector) -> list[int]:
    classes = page.css("article.teaser::attr(class)").getall()
    return [int(re.search(r"post-(\d+)", c)[1]) for c in classes]


def walk(site: SampleSite, start: str) -> list[Selector]:
    """Every page of a listing, following ``a.next`` from ``start``."""
    pages, url = [], site.url_for(start)
    while url:
        got = fetch(url)
        assert got.status == 200, url
        pages.append(got.html)
        url = got.html.css("a.next::attr(href)").get()
    return pages


def listed(site: SampleSite, start: str) -> list[int]:
    """Teaser ids of a whole listing, in order, each once."""
    seen: list[int] = []
    for page in walk(site, start):
        seen += [i for i in teaser_ids(page) if i not in seen]
    return seen


def counts(page: Selector) -> str | None:
    return page.css(".results-count::text").get()


@pytest.fixture
def hidden_site() -> Iterator[SampleSite]:
    with SampleSite(articles=ARTICLES, hidden_newest=HIDDEN) as site:
        yield site


# -- unpublished articles ---------------------------------------------------------


def test_default_site_publishes_everything() -> None:
    site = SampleSite(articles=ARTICLES)
    assert site.hidden_newest == 0 and site.flaky == {} and site.flaky_status == 503
    assert site.visible_indexes() == range(ARTICLES)
    assert [a.index for a in site.visible_articles()] == list(range(ARTICLES))


def test_hidden_articles_are_absent_from_latest_counts_and_pagination(
    hidden_site: SampleSite,
) -> None:
    visible = [a.index for a in hidden_site.visible_articles()]
    assert visible == list(range(HIDDEN, ARTICLES))  # newest first: ascending indexes
    pages = walk(hidden_site, "/latest/")
    total = ARTICLES - HIDDEN  # 54: six pages, the last one holding four teasers
    assert len(pages) == 6
    assert [counts(p) for p in pages] == [
        f"Viewing results {n * 10 + 1} - {min(n * 10 + 10, total)} of {total}" for n in range(6)
    ]
    assert listed(hidden_site, "/latest/") == visible
    assert teaser_ids(pages[1])[0] == HIDDEN + 9  # the duplicate teaser stays positional
    assert teaser_ids(pages[-1]) == list(range(56, 60))
    last = pages[-1].css(".pagination .current::text").get()
    assert last == "6" and not pages[-1].css("a.next")
    assert fetch(hidden_site.url_for("/latest/page/7/")).status == 404
    home = fetch(hidden_site.url_for("/")).html
    assert teaser_ids(home) == list(range(HIDDEN, HIDDEN + 10))


def test_hidden_articles_are_absent_from_every_other_listing(hidden_site: SampleSite) -> None:
    visible = set(hidden_site.visible_indexes())
    for n, (slug, _) in enumerate(SECTIONS):
        expected = [i for i in range(n, ARTICLES, len(SECTIONS)) if i in visible]
        assert listed(hidden_site, f"/category/{slug}/") == expected
    newest = hidden_site.content.article(0)
    for path in (f"/tag/{newest.tag_slugs[0]}/", f"/author/{newest.author_slugs[0]}/"):
        ids = listed(hidden_site, path)
        assert ids and 0 not in ids and all(i >= HIDDEN for i in ids), path
    word = newest.title.split()[0]
    found = fetch(hidden_site.url_for("/?s=" + word)).html
    expected = [i for i in hidden_site.content.search(word) if i >= HIDDEN]
    assert expected and listed(hidden_site, "/?s=" + word) == expected
    assert counts(found) == f"Viewing results 1 - {min(10, len(expected))} of {len(expected)}"
    only_newest = newest.slug.replace("-", "+")
    assert hidden_site.content.search(only_newest) == [0]  # found when published
    assert fetch(hidden_site.url_for("/?s=" + only_newest)).html.css(".no-results")


def test_hidden_articles_leave_the_sidebar_and_the_sitemap(hidden_site: SampleSite) -> None:
    page = fetch(hidden_site.url_for("/latest/")).html
    sidebar = page.css(".most-read a::attr(href)").getall()
    assert sidebar == [hidden_site.content.article(i).url(hidden_site.url) for i in (6, 8, 12)]
    sitemap = fetch(hidden_site.url_for("/wp-sitemap-posts-post-1.xml")).html
    locs = sitemap.xpath("//*[local-name()='loc']/text()").getall()
    assert locs == [a.url(hidden_site.url) for a in hidden_site.visible_articles()]


def test_hidden_article_pages_answer_404_like_unknown_urls(hidden_site: SampleSite) -> None:
    unknown = fetch(hidden_site.url_for("/nowhere/"))
    for i in range(HIDDEN):
        spec = hidden_site.content.article(i)
        for path in (spec.path, spec.path.rstrip("/"), spec.legacy_path):
            got = fetch(hidden_site.url_for(path))
            assert (got.status, got.body) == (404, unknown.body), path
    assert fetch(hidden_site.content.article(HIDDEN).url(hidden_site.url)).status == 200


def test_publishing_puts_articles_on_top_and_pushes_the_others_down(
    hidden_site: SampleSite,
) -> None:
    before = fetch(hidden_site.url_for("/latest/")).html  # warm the memo
    assert teaser_ids(before)[0] == HIDDEN
    published = hidden_site.publish(2)
    assert [a.index for a in published] == [4, 5]  # the oldest hidden ones come out first
    assert hidden_site.hidden_newest == 4
    first = fetch(hidden_site.url_for("/latest/")).html
    assert teaser_ids(first) == list(range(4, 14))
    assert counts(first) == "Viewing results 1 - 10 of 56"
    assert teaser_ids(walk(hidden_site, "/latest/")[-1]) == list(range(54, 60))
    redirect = fetch(hidden_site.url_for(published[1].legacy_path))  # the redirect article
    assert redirect.status == 301
    assert redirect.headers["Location"] == published[1].url(hidden_site.url)
    assert fetch(published[0].url(hidden_site.url)).status == 200
    assert fetch(hidden_site.content.article(3).url(hidden_site.url)).status == 404
    everything = hidden_site.publish()
    assert [a.index for a in everything] == [0, 1, 2, 3] and hidden_site.hidden_newest == 0
    assert listed(hidden_site, "/latest/") == list(range(ARTICLES))


def test_runtime_changes_are_never_served_from_a_stale_memo() -> None:
    paths = ["/", "/latest/", "/latest/page/6/", "/category/politics/", "/wp-sitemap.xml"]
    with SampleSite(articles=ARTICLES) as site:
        article = site.content.article(0).path
        old = {p: fetch(site.url_for(p)).body for p in [*paths, article]}
        site.hidden_newest = 3
        assert fetch(site.url_for(article)).status == 404
        assert teaser_ids(fetch(site.url_for("/latest/")).html)[0] == 3
        assert fetch(site.url_for("/latest/page/6/")).html.css(".results-count::text").get() == (
            "Viewing results 51 - 57 of 57"
        )
        site.hidden_newest = 0
        assert {p: fetch(site.url_for(p)).body for p in old} == old


def test_hiding_then_publishing_everything_is_byte_for_byte_the_default_site() -> None:
    def snapshot(site: SampleSite) -> list[tuple[int, bytes]]:
        paths = ["/", "/latest/", "/latest/page/2/", "/latest/page/6/", "/wp-sitemap.xml"]
        paths += ["/wp-sitemap-posts-post-1.xml", "/?s=kazakhstan", "/tag/kazakhstan/"]
        paths += [site.content.article(i).path for i in (0, 2, 3, 7)]
        paths.append(site.content.article(5).legacy_path)
        return [(got.status, got.body) for got in (fetch(site.url_for(p)) for p in paths)]

    with SampleSite(articles=ARTICLES) as plain:
        port = urlsplit(plain.url).port
        expected = snapshot(plain)
    with SampleSite(articles=ARTICLES, port=port, hidden_newest=10) as later:
        assert snapshot(later) != expected
        later.publish()
        assert snapshot(later) == expected


def test_bad_hidden_counts_are_refused() -> None:
    for bad in (-1, ARTICLES + 1, 1.5, True):
        with pytest.raises(ValueError, match="hidden_newest"):
            SampleSite(articles=ARTICLES, hidden_newest=bad)  # type: ignore[arg-type]
    site = SampleSite(articles=ARTICLES, hidden_newest=2)
    with pytest.raises(ValueError, match="publish"):
        site.publish(3)
    with pytest.raises(ValueError, match="hidden_newest"):
        site.hidden_newest = ARTICLES + 1
    assert site.hidden_newest == 2
    site.hidden_newest = ARTICLES  # nothing published yet: an empty site
    assert site.visible_articles() == []


def test_a_site_with_nothing_published_has_empty_listings() -> None:
    with SampleSite(articles=20, hidden_newest=20) as empty:
        latest = fetch(empty.url_for("/latest/"))
        assert latest.status == 200 and latest.html.css(".no-results")
        assert not teaser_ids(latest.html) and not latest.html.css(".most-read a")
        assert fetch(empty.url_for("/wp-sitemap-posts-post-1.xml")).status == 404


# -- flaky articles ---------------------------------------------------------------


def test_flaky_article_fails_exactly_times_then_succeeds() -> None:
    with SampleSite(articles=20, flaky={4: 2}) as site:
        url = site.content.article(4).url(site.url)
        path = site.content.article(4).path
        assert fetch(url, "HEAD").status == 503  # what the next GET gets, not using it up
        first, second = fetch(url), fetch(url)
        assert first.status == second.status == 503
        assert b"503 Service Unavailable" in first.body
        assert first.headers.get_content_type() == "text/html"
        assert first.headers["Content-Length"] == str(len(first.body))
        assert site.flaky == {4: 0}
        assert [fetch(url).status for _ in range(3)] == [200, 200, 200]
        assert fetch(url, "HEAD").status == 200
        assert site.hits[path] == 7  # every request is still counted
        assert fetch(site.content.article(5).url(site.url)).status == 200  # others unaffected


@pytest.mark.parametrize("status", [404, 500, 429])
def test_flaky_status_can_be_any_error_code(status: int) -> None:
    with SampleSite(articles=20, flaky={6: 1}, flaky_status=status) as site:
        url = site.content.article(6).url(site.url)
        failed = fetch(url)
        assert failed.status == status
        if status == 404:  # the site's own "not found" page
            assert failed.body == fetch(site.url_for("/nowhere/")).body
        else:
            assert f"<title>{status} ".encode() in failed.body
        assert fetch(url).status == 200


def test_flaky_failures_are_counted_once_across_threads() -> None:
    with SampleSite(articles=20, flaky={8: 5}) as site:
        url = site.content.article(8).url(site.url)
        statuses: list[int] = []
        lock = threading.Lock()

        def get() -> None:
            status = fetch(url).status
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=get) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200] * 15 + [503] * 5


def test_flaky_changes_at_runtime_and_spares_redirects() -> None:
    with SampleSite(articles=20) as site:
        gzip_article, redirect_article = site.content.article(2), site.content.article(5)
        gz = {"Accept-Encoding": "gzip"}
        assert fetch(gzip_article.url(site.url), headers=gz).status == 200  # memo warm
        site.flaky = {2: 1, 5: 1}
        failed = fetch(gzip_article.url(site.url), headers=gz)
        assert failed.status == 503 and "Content-Encoding" not in failed.headers
        ok = fetch(gzip_article.url(site.url), headers=gz)
        assert ok.status == 200 and ok.headers["Content-Encoding"] == "gzip"
        for path in (redirect_article.legacy_path, redirect_article.path.rstrip("/")):
            assert fetch(site.url_for(path)).status == 301  # uses no failure up
        assert site.flaky == {2: 0, 5: 1}
        site.flaky_status = 500
        assert fetch(redirect_article.url(site.url)).status == 500
        assert fetch(redirect_article.url(site.url)).status == 200
        site.flaky = {5: 1}  # assigning starts counting over
        assert fetch(redirect_article.url(site.url)).status == 500


def test_unpublished_flaky_article_saves_its_failures_for_later() -> None:
    with SampleSite(articles=20, hidden_newest=1, flaky={0: 1}) as site:
        url = site.content.article(0).url(site.url)
        assert fetch(url).status == 404 and site.flaky == {0: 1}
        site.publish()
        assert [fetch(url).status for _ in range(2)] == [503, 200]


@pytest.mark.parametrize(
    ("flaky", "status", "message"),
    [
        ({20: 1}, 503, "index"),
        ({-1: 1}, 503, "index"),
        ({3: -1}, 503, "times"),
        ({3: 1.0}, 503, "times"),
        ({}, 200, "flaky_status"),
        ({}, 600, "flaky_status"),
    ],
)
def test_bad_flaky_settings_are_refused(flaky: dict[int, int], status: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SampleSite(articles=20, flaky=flaky, flaky_status=status)


# -- command line -----------------------------------------------------------------


def test_cli_flags_set_the_starting_state() -> None:
    command = [sys.executable, "-m", "newsarchive.sample_site", "--articles", "20"]
    command += ["--hide-newest", "2", "--flaky", "5:1", "--flaky", "6:2", "--flaky-status", "500"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    try:
        base = child.stdout.readline().split()[1]
        site = SampleSite(articles=20)  # ground truth only, never started
        assert teaser_ids(fetch(base + "/latest/").html)[0] == 2
        assert fetch(site.content.article(1).url(base)).status == 404
        assert [fetch(site.content.article(5).url(base)).status for _ in range(2)] == [500, 200]
        assert [fetch(site.content.article(6).url(base)).status for _ in range(3)] == [
            500,
            500,
            200,
        ]
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=10) == 0
    finally:
        child.kill()
        child.stdout.close()


@pytest.mark.parametrize(
    "argv",
    [
        ["--hide-newest", "-1"],
        ["--hide-newest", "x"],
        ["--hide-newest", "61"],
        ["--flaky", "3"],
        ["--flaky", "3:x"],
        ["--flaky", ":2"],
        ["--flaky", "60:1"],
        ["--flaky", "3:1", "--flaky", "3:2"],
        ["--flaky-status", "200"],
        ["--flaky-status", "oops"],
    ],
)
def test_cli_bad_values_exit_2_with_one_error_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if "error:" in line]
    assert out == "" and len(errors) == 1 and "Traceback" not in err
    assert errors[0].startswith("python -m newsarchive.sample_site: error: ")
    assert argv[0] in errors[0]  # names the option at fault
