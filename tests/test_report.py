"""``newsarchive report``: the figures of a real crawl, a page that loads nothing from
outside and escapes what it was fed, checked in the HTML and in a real headless Chromium."""

from __future__ import annotations

import base64
import json
import os
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from chromium import DevTools, browser  # noqa: F401 - browser is a fixture
from conftest import REPO_ROOT, run_cli
from newsarchive.report.figures import TOP_PAGES, CappedCounter, compute
from newsarchive.report.html import per_period

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


# -- reading the report back ------------------------------------------------------------


class Page(HTMLParser):
    """The parts of a report the tests look at: tables by id (body rows as cell texts),
    every tag with its attributes, and the text of <style> elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._table: str | None = None
        self._in_body = self._in_style = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self._table = dict(attrs).get("id") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_style:
            self.styles.append(data)
        self.text.append(data)


def numbers(rows: list[list[str]]) -> dict[str, int]:
    return {row[0]: int(row[1].replace(",", "")) for row in rows if len(row) >= 2 and row[1] != ""}


# -- a job of two real crawls of the sample site ----------------------------------------


@pytest.fixture(scope="module")
def job(sample_site: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two crawls into one job (run history), then ``newsarchive report`` with its default output."""
    out = tmp_path_factory.mktemp("report") / "timesca"
    for _ in range(2):
        done = run_cli("crawl", "timesca", "-a", f"base_url={sample_site.url}", "-a", "max_pages=2",
                       "--out", str(out), "-s", "LOG_LEVEL=WARNING")
        assert done.returncode == 0, done.stderr[-2000:]
    done = run_cli("report", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "report.html").is_file()
    return out


@pytest.fixture(scope="module")
def report(job: Path) -> str:
    return (job / "report.html").read_text(encoding="utf-8")


def _items(job: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (job / "items.jsonl").read_text(encoding="utf-8").splitlines()]


def _runs(job: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (job / "runs.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_articles_per_day_section_and_site_match_the_items(job: Path, report: str) -> None:
    page = Page(report)
    items = _items(job)
    per_day = Counter(item["published"][:10] for item in items if item.get("published"))
    shown = numbers(page.tables["per-day"])
    assert {d: n for d, n in shown.items() if n} == dict(per_day)
    assert sum(shown.values()) == sum(per_day.values()) == len(items) - sum(not i.get("published") for i in items)
    assert numbers(page.tables["per-section"]) == dict(Counter(item["section"] for item in items))
    assert numbers(page.tables["per-site"]) == {"timesca": len(items)}
    assert f'id="card-items"><b>{len(items):,}</b>' in report


@pytest.mark.slow
def test_run_history_status_codes_and_failures(job: Path, report: str) -> None:
    page = Page(report)
    runs = _runs(job)
    rows = page.tables["runs-table"]
    assert len(rows) == len(runs) == 2
    for row, run in zip(rows, runs, strict=True):
        assert row[4] == f"{run['items']:,}" and row[5] == f"{run['pages']:,}"
        assert row[7].startswith(run["outcome"])
    assert runs[0]["items"] > 0 and runs[1]["items"] == 0  # the second run found nothing new
    status = Counter[str]()
    for run in runs:
        for key, value in run["stats"].items():
            if key.startswith("downloader/response_status_count/"):
                status[key.rsplit("/", 1)[1]] += value
    assert numbers(page.tables["status-codes"]) == dict(status)
    assert numbers(page.tables["failures"]).get("article: http_404") == 1  # the sample site's dead article
    assert numbers(page.tables["pending"]) == {"http_404": 1}
    assert numbers(page.tables["capture-status"])["404"] == 1


@pytest.mark.slow
def test_archive_size_largest_pages_and_missing_fields(job: Path, report: str) -> None:
    page = Page(report)
    size = sum(p.stat().st_size for p in (job / "warc").glob("*.warc.gz"))
    assert f"({size:,} bytes)" in report
    largest = page.tables["largest"]
    assert len(largest) == TOP_PAGES
    lengths = [int(row[1].replace(",", "")) for row in largest]
    index = [json.loads(line.split(" ", 2)[2]) for line in (job / "warc" / "index.cdxj").read_text().splitlines()]
    assert lengths == sorted((int(c["length"]) for c in index if c["mime"] != "warc/revisit"), reverse=True)[:TOP_PAGES]
    items = _items(job)
    missing = numbers(page.tables["missing-fields"])
    assert missing["published"] == sum(not i.get("published") for i in items) == 1  # the undated edge case
    assert missing["body"] == sum(not i.get("body") for i in items) >= 1  # the 404's teaser


@pytest.mark.slow
def test_slowest_pages_come_from_every_runs_fetch_times(job: Path, report: str) -> None:
    runs = _runs(job)
    fetched = {json.loads(line.split(" ", 2)[2])["url"]
               for line in (job / "warc" / "index.cdxj").read_text().splitlines()}
    recorded = [(page["seconds"], number) for number, run in enumerate(runs, 1) for page in run["slowest"]]
    for run in runs:
        slowest = run["slowest"]
        assert 0 < len(slowest) <= 20
        assert [p["seconds"] for p in slowest] == sorted((p["seconds"] for p in slowest), reverse=True)
        assert all(p["url"] in fetched and p["status"] in (200, 404) and p["bytes"] >= 0 for p in slowest)
    rows = Page(report).tables["slowest"]
    assert [float(row[0]) for row in rows] == sorted((round(s, 3) for s, _ in recorded), reverse=True)[:TOP_PAGES]


def test_slowest_pages_measure_the_servers_delay(tmp_path: Path) -> None:
    """A server answering in 0.3 s: every recorded fetch took at least that long."""
    from newsarchive.sample_site import SampleSite

    out = tmp_path / "job"
    with SampleSite(articles=3, latency=0.3) as site:
        done = run_cli("crawl", "timesca", "-a", f"base_url={site.url}", "-a", "max_pages=1", "--out", str(out),
                       "-s", "LOG_LEVEL=WARNING", "-s", "NEWSARCHIVE_SLOWEST_PAGES=2")
    assert done.returncode == 0, done.stderr[-2000:]
    (run,) = _runs(out)
    assert len(run["slowest"]) == 2
    assert all(page["seconds"] >= 0.3 for page in run["slowest"])
    assert run["stats"]["downloader/response_count"] > 2  # only the 2 slowest are kept


def test_no_fetch_times_is_said_not_invented(tmp_path: Path) -> None:
    out = tmp_path / "old"
    out.mkdir()
    (out / "runs.jsonl").write_text(json.dumps({"outcome": "finished", "items": 1, "pages": 1}) + "\n")
    done = run_cli("report", str(out))
    assert done.returncode == 0, done.stderr
    assert "No fetch times" in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_report_loads_nothing_from_outside(report: str) -> None:
    page = Page(report)
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "srcset", "action", "poster", "data", "xlink:href"):
            assert name not in attrs, (tag, attrs)
        if "href" in attrs and tag != "svg":
            assert (attrs["href"] or "").startswith("#"), (tag, attrs)
        assert tag not in ("script", "link", "iframe", "img", "object", "embed", "base")
    css = "".join(page.styles)
    assert "@import" not in css and "url(" not in css
    assert "Content-Security-Policy" in report and "default-src 'none'" in report.replace("&#x27;", "'")


# -- hostile text and bad arguments (no crawl needed) -----------------------------------


def hostile_job(path: Path) -> Path:
    """A hand-made job whose every crawled text tries to break out of the page."""
    path.mkdir(parents=True)
    base = {"summary": "s", "body": "b", "authors": ["a"], "tags": ["t"], "language": "en",
            "crawled_at": "2025-12-02T00:00:00+00:00", "fetch_error": None}
    items = [
        {**base, "url": f"https://example.org/{i}", "title": f"ok {i}", "published": "2025-12-01T10:00:00+00:00",
         "section": HOSTILE, "site": "evil</table>"} for i in range(3)
    ] + [{**base, "url": "javascript:alert(1)", "title": HOSTILE, "published": None,
          "published_raw": "<b>yesterday</b>", "section": "x", "site": "y", "fetch_error": "<i>boom</i>"}]
    (path / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items) + '{"torn', encoding="utf-8")
    run = {"started": "2025-12-02T00:00:00+00:00", "finished": "2025-12-02T00:01:00+00:00",
           "outcome": '"><script>alert(2)</script>', "status": 1, "message": HOSTILE, "items": 4, "pages": 5,
           "elapsed": 60.0, "stats": {"newsarchive/article/failed/<u>x</u>": 2,
                                      "downloader/response_status_count/200": 5}}
    (path / "runs.jsonl").write_text(json.dumps(run) + "\n", encoding="utf-8")
    (path / "warc").mkdir()
    line = {"url": "https://example.org/\"><script>alert(3)</script>", "mime": "text/html<svg onload=alert(4)>",
            "status": "200", "length": "999", "offset": "0", "filename": "x.warc.gz"}
    (path / "warc" / "index.cdxj").write_text(f"org,example)/ 20251202000000 {json.dumps(line)}\n", encoding="utf-8")
    return path


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    job = hostile_job(tmp_path / "evil")
    done = run_cli("report", str(job), "-o", str(tmp_path / "evil.html"))
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "evil.html").read_text(encoding="utf-8")
    page = Page(html)
    assert [t for t, _ in page.tags if t in ("script", "img", "i", "u")] == []  # b: the report's own
    assert all(not any(a.startswith("on") for a in attrs) for _, attrs in page.tags)
    text = "".join(page.text)
    assert HOSTILE in text and "javascript:alert(1)" in text and "<b>yesterday</b>" in text
    assert not any(attrs.get("href", "#").startswith("javascript") for _, attrs in page.tags)
    assert '"><script>alert(2)</script>' in text  # the outcome class attribute did not break out
    assert numbers(page.tables["per-section"]) == {HOSTILE: 3, "x": 1}


def test_bad_arguments_and_nothing_to_report(tmp_path: Path) -> None:
    missing = run_cli("report", str(tmp_path / "nope"))
    (tmp_path / "plain").mkdir()
    not_a_job = run_cli("report", str(tmp_path / "plain"))
    (tmp_path / "empty" / "warc").mkdir(parents=True)
    empty = run_cli("report", str(tmp_path / "empty"))
    for done, status in ((missing, 2), (not_a_job, 2), (empty, 3)):
        assert done.returncode == status, done.stderr
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("newsarchive report: ")
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "empty" / "report.html").exists()


def test_tallies_stay_bounded(tmp_path: Path) -> None:
    counter = CappedCounter(cap=3)
    for name in "abcdef":
        counter.add(name)
    assert counter == {"a": 1, "b": 1, "c": 1, "(other)": 3}
    job = tmp_path / "job"
    (job / "warc").mkdir(parents=True)
    fields = [{"url": f"u{i}", "mime": "text/html", "status": "200", "length": str(i)} for i in range(500)]
    lines = [f"a)/{i} 2025120{1 + i % 3}000000 {json.dumps(f)}" for i, f in enumerate(fields)]
    (job / "warc" / "index.cdxj").write_text("\n".join(lines) + "\n", encoding="utf-8")
    figures = compute(job)
    assert [p.length for p in figures.largest] == list(range(499, 499 - TOP_PAGES, -1))
    assert figures.captures == 500 and len(figures.capture_bytes_per_day) == 3


def test_per_period_fills_gaps_and_switches_to_months() -> None:
    unit, points = per_period(Counter({date(2025, 1, 1): 2, date(2025, 1, 4): 1}))
    assert unit == "day" and points == [("2025-01-01", 2), ("2025-01-02", 0), ("2025-01-03", 0), ("2025-01-04", 1)]
    unit, points = per_period(Counter({date(2024, 11, 30): 1, date(2025, 6, 2): 5, date(2025, 6, 9): 1}))
    assert unit == "month" and points[0] == ("2024-11", 1) and points[-1] == ("2025-06", 6) and len(points) == 8


# -- a real browser ---------------------------------------------------------------------


def open_page(tools: DevTools, path: Path) -> dict[str, Any]:
    """Load ``path`` and return what the page shows plus every error the browser reported."""
    tools.events.clear()
    tools.call("Page.navigate", url=path.resolve().as_uri())
    tools.wait_for("Page.loadEventFired")
    shown = tools.call("Runtime.evaluate", returnByValue=True, expression="""JSON.stringify({
        charts: [...document.querySelectorAll('svg.chart')].map(s => {
            const r = s.getBoundingClientRect(); return [s.getAttribute('aria-label'), r.width, r.height,
            s.querySelectorAll('rect.bar, circle.point').length]; }),
        tables: Object.fromEntries([...document.querySelectorAll('table[id]')].map(t =>
            [t.id, [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent))])),
        cards: Object.fromEntries([...document.querySelectorAll('.card')].map(c =>
            [c.id, c.querySelector('b').textContent])),
        scripts: document.scripts.length, title: document.title })""")["result"]["value"]
    problems = []
    for event in tools.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown" or method == "Page.javascriptDialogOpening":
            problems.append((method, params))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
            problems.append((method, params.get("args")))
        elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
            problems.append((method, params["entry"].get("text")))
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not url.startswith(("file:", "data:", "about:")):
                problems.append((method, url))
    return {**json.loads(shown), "problems": problems}


@pytest.mark.slow
def test_report_renders_in_headless_chromium(browser: DevTools, job: Path, tmp_path: Path) -> None:
    seen = open_page(browser, job / "report.html")
    assert seen["problems"] == []  # no console errors, no blocked or outside loads
    assert seen["scripts"] == 0 and seen["title"] == "Crawl report: timesca"
    charts = {label: (width, height, marks) for label, width, height, marks in seen["charts"]}
    items = _items(job)
    days = {item["published"][:10] for item in items if item.get("published")}
    assert charts["articles per day of publication"][2] >= len(days)
    assert charts["articles per section"][2] == len({item["section"] for item in items})
    assert charts["new items per run"][2] == 2
    assert all(width > 200 and height > 20 for width, height, _ in charts.values()), charts
    assert seen["cards"]["card-items"] == f"{len(items):,}" and seen["cards"]["card-runs"] == "2"
    per_day = {d: int(n) for d, n in seen["tables"]["per-day"] if int(n)}
    assert per_day == dict(Counter(item["published"][:10] for item in items if item.get("published")))
    assert ["article: http_404", "1"] in seen["tables"]["failures"]
    if os.environ.get("NEWSARCHIVE_REPORT_SCREENSHOT"):  # refresh docs/report.png: see the README
        browser.call("Emulation.setDeviceMetricsOverride", width=1200, height=1600, deviceScaleFactor=1, mobile=False)
        shot = browser.call("Page.captureScreenshot", format="png")["data"]
        browser.call("Emulation.clearDeviceMetricsOverride")
        target = REPO_ROOT / os.environ["NEWSARCHIVE_REPORT_SCREENSHOT"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(shot))


def test_hostile_report_runs_nothing_in_chromium(browser: DevTools, tmp_path: Path) -> None:
    evil = hostile_job(tmp_path / "evil")
    assert run_cli("report", str(evil)).returncode == 0
    seen = open_page(browser, evil / "report.html")
    assert seen["problems"] == [] and seen["scripts"] == 0  # nothing ran, nothing was even blocked
