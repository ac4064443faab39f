"""The numbers behind ``newsarchive report``, read from a job directory in one pass each.

Items, runs and index lines are streamed, never loaded whole, and every tally is bounded
(by days, by distinct names up to :data:`MAX_KEYS`, by the top :data:`TOP_PAGES`), so a
job of a million items is reported in the memory of a small one.

Sources: ``items.jsonl`` (articles per day, section and site; dates and fields missing),
``runs.jsonl`` (run history; HTTP status codes and failures from each run's Scrapy
stats), ``failed-articles.jsonl`` (failures still waiting for a retry),
``warc/index.cdxj`` (captures, their sizes, the largest pages) and the WARC files' sizes.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from newsarchive.access.archive import ITEMS_FILE, RUNS_FILE, WARC_SUBDIR, Archive
from newsarchive.job.item_feed import read_json_lines
from newsarchive.warc.reader import ARCHIVE_SUFFIXES

FAILED_FILE = "failed-articles.jsonl"
INDEX_FILE = "index.cdxj"
#: Item fields whose absence is worth a reader's attention.
CHECKED_FIELDS = ("title", "published", "summary", "body", "authors", "tags", "section", "language")
#: Distinct names (sections, sites, causes) tallied one by one; the rest go to OTHER.
MAX_KEYS = 2000
OTHER = "(other)"
TOP_PAGES = 10
MAX_EXAMPLES = 10
_STATUS_KEY = "downloader/response_status_count/"
_EXCEPTION_KEY = "downloader/exception_type_count/"
_FAILED_KEY = re.compile(r"^newsarchive/([^/]+)/failed/(.+)$")


class NotAJob(ValueError):
    """The directory holds none of a crawl job's files."""


class CappedCounter(Counter[str]):
    """A Counter that stops adding names after ``cap`` of them (the rest count as OTHER),
    so a page that makes up a new section name per article cannot grow it without end."""

    def __init__(self, cap: int = MAX_KEYS) -> None:
        super().__init__()
        self.cap = cap

    def add(self, key: str, n: int = 1) -> None:
        self[key if key in self or len(self) < self.cap else OTHER] += n


@dataclass(frozen=True)
class RunRow:
    """One line of ``runs.jsonl``, without the bulky stats."""

    number: int
    started: datetime | None
    finished: datetime | None
    outcome: str
    status: int | None
    message: str
    items: int
    pages: int
    elapsed: float | None
    warc_bytes: int | None


@dataclass(frozen=True)
class Page:
    """A capture in the index: what was fetched, when, and its record's size in the WARC."""

    length: int
    url: str
    timestamp: str
    status: str
    mime: str


@dataclass(frozen=True)
class SlowFetch:
    """One of a run's slowest fetches (``slowest`` in ``runs.jsonl``): seconds to the headers."""

    seconds: float
    url: str
    status: str
    bytes: int
    run: int


@dataclass
class Figures:
    """Everything the report shows, as plain numbers and short lists."""

    job: Path
    items: int = 0
    per_day: Counter[date] = field(default_factory=Counter)
    per_section: CappedCounter = field(default_factory=CappedCounter)
    per_site: CappedCounter = field(default_factory=CappedCounter)
    undated: int = 0
    unparsed_dates: int = 0
    """Items with a date text on the page (``published_raw``) that could not be parsed."""
    future_dated: int = 0
    """Items published more than a day after they were crawled: a misread date."""
    undated_examples: list[tuple[str, str, str]] = field(default_factory=list)
    """The first undated items: URL, title, date text."""
    missing: Counter[str] = field(default_factory=Counter)
    fetch_errors: CappedCounter = field(default_factory=CappedCounter)
    runs: list[RunRow] = field(default_factory=list)
    status_codes: Counter[str] = field(default_factory=Counter)
    failures: CappedCounter = field(default_factory=CappedCounter)
    """``kind: reason`` (``article: http_404``) summed over every run's stats."""
    pending_failures: CappedCounter = field(default_factory=CappedCounter)
    """Articles in ``failed-articles.jsonl`` (still to be retried), by reason."""
    captures: int = 0
    revisits: int = 0
    capture_status: Counter[str] = field(default_factory=Counter)
    capture_bytes_per_day: Counter[date] = field(default_factory=Counter)
    index_bytes: int = 0
    largest: list[Page] = field(default_factory=list)
    slowest: list[SlowFetch] = field(default_factory=list)
    """The slowest fetches over every run that recorded them, slowest first."""
    runs_timed: int = 0
    """Runs whose ``runs.jsonl`` line lists its slowest fetches (older versions did not)."""
    has_index: bool = False
    warc_files: int = 0
    warc_bytes: int = 0
    unfinished_files: int = 0
    first_capture: str | None = None
    last_capture: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.items or self.runs or self.captures or self.warc_files)

    @property
    def failed_total(self) -> int:
        return sum(self.failures.values())


def is_job(path: Path) -> bool:
    return path.is_dir() and any((path / name).exists() for name in (ITEMS_FILE, RUNS_FILE, WARC_SUBDIR))


def compute(job: str | Path) -> Figures:
    """Read the job directory ``job`` once over and return its :class:`Figures`."""
    path = Path(job)
    if not is_job(path):
        raise NotAJob(f"{path}: not a crawl job directory (no {ITEMS_FILE}, {RUNS_FILE} or {WARC_SUBDIR}/)")
    figures = Figures(job=path)
    if (path / ITEMS_FILE).is_file():
        _read_items(figures, Archive(path).items())
    if (path / RUNS_FILE).is_file():
        _read_runs(figures, path / RUNS_FILE)
    if (path / FAILED_FILE).is_file():
        for record in read_json_lines(path / FAILED_FILE):
            figures.pending_failures.add(str(record.get("reason") or "unknown"))
    warc = path / WARC_SUBDIR
    if warc.is_dir():
        _read_warc_dir(figures, warc)
    return figures


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _read_items(figures: Figures, items: Iterator[dict[str, Any]]) -> None:
    for item in items:
        figures.items += 1
        published = item.get("published")
        if isinstance(published, datetime):
            figures.per_day[published.date()] += 1  # the publisher's own calendar day
            crawled = item.get("crawled_at")
            if isinstance(crawled, datetime) and published.tzinfo and crawled.tzinfo \
                    and published - crawled > timedelta(days=1):
                figures.future_dated += 1
        else:
            figures.undated += 1
            raw = item.get("published_raw")
            if not _blank(raw):
                figures.unparsed_dates += 1
            if len(figures.undated_examples) < MAX_EXAMPLES:
                figures.undated_examples.append(
                    (str(item.get("url") or ""), str(item.get("title") or ""), str(raw or "")))
        figures.per_section.add(str(item.get("section") or "(none)"))
        figures.per_site.add(str(item.get("site") or "(none)"))
        for name in CHECKED_FIELDS:
            if _blank(item.get(name)) or (name == "published" and not isinstance(published, datetime)):
                figures.missing[name] += 1
        if not _blank(item.get("fetch_error")):
            figures.fetch_errors.add(str(item["fetch_error"]))


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _number(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _read_runs(figures: Figures, path: Path) -> None:
    slowest: list[SlowFetch] = []
    for number, run in enumerate(read_json_lines(path), start=1):
        if isinstance(run.get("slowest"), list):
            figures.runs_timed += 1
            slowest = heapq.nlargest(TOP_PAGES, [*slowest, *_slow_fetches(run["slowest"], number)],
                                     key=lambda s: (s.seconds, -s.run))
        stats: dict[str, Any] = run["stats"] if isinstance(run.get("stats"), dict) else {}
        elapsed = run.get("elapsed")
        figures.runs.append(RunRow(
            number=number,
            started=_time(run.get("started")),
            finished=_time(run.get("finished")),
            outcome=str(run.get("outcome") or "unknown"),
            status=run["status"] if isinstance(run.get("status"), int) else None,
            message=str(run.get("message") or run.get("error") or ""),
            items=_number(run.get("items")),
            pages=_number(run.get("pages")),
            elapsed=float(elapsed) if isinstance(elapsed, (int, float)) else None,
            warc_bytes=_number(stats["newsarchive/warc/bytes"]) if "newsarchive/warc/bytes" in stats else None,
        ))
        for key, value in stats.items():
            if key.startswith(_STATUS_KEY):
                figures.status_codes[key[len(_STATUS_KEY):]] += _number(value)
            elif key.startswith(_EXCEPTION_KEY):
                figures.failures.add(f"download: {key[len(_EXCEPTION_KEY):].rsplit('.', 1)[-1]}", _number(value))
            elif (match := _FAILED_KEY.match(key)) and _number(value):
                figures.failures.add(f"{match.group(1)}: {match.group(2)}", _number(value))
    figures.slowest = slowest


def _slow_fetches(entries: list[Any], run: int) -> Iterator[SlowFetch]:
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("seconds"), (int, float)):
            continue  # a hand-edited or foreign line: skipped, the rest of the report stands
        yield SlowFetch(float(entry["seconds"]), str(entry.get("url") or ""), str(entry.get("status") or "-"),
                        _number(entry.get("bytes")), run)


def _read_warc_dir(figures: Figures, warc: Path) -> None:
    for entry in warc.iterdir():
        name = entry.name
        if name.endswith(ARCHIVE_SUFFIXES) and entry.is_file():
            figures.warc_files += 1
            figures.warc_bytes += entry.stat().st_size
        elif name.endswith(tuple(s + ".open" for s in ARCHIVE_SUFFIXES)):
            figures.unfinished_files += 1
    index = warc / INDEX_FILE
    if not index.is_file():
        return
    figures.has_index = True
    largest: list[tuple[int, str, int, Page]] = []  # a min-heap of the TOP_PAGES largest
    with index.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) < 3:
                continue
            try:
                fields = json.loads(parts[2])
            except json.JSONDecodeError:
                continue
            if not isinstance(fields, dict):
                continue
            timestamp, mime = parts[1], str(fields.get("mime") or "")
            status = str(fields.get("status") or "-")
            try:
                length = int(fields.get("length") or 0)
            except (TypeError, ValueError):
                length = 0
            figures.captures += 1
            figures.index_bytes += length
            figures.capture_status[status] += 1
            day = _capture_day(timestamp)
            if day is not None:
                figures.capture_bytes_per_day[day] += length
            if figures.first_capture is None or timestamp < figures.first_capture:
                figures.first_capture = timestamp
            if figures.last_capture is None or timestamp > figures.last_capture:
                figures.last_capture = timestamp
            if mime == "warc/revisit":
                figures.revisits += 1
                continue  # a revisit is a pointer to an earlier page, not a page's size
            page = Page(length, str(fields.get("url") or ""), timestamp, status, mime)
            entry_key = (length, page.url, -figures.captures, page)  # the count breaks ties
            if len(largest) < TOP_PAGES:
                heapq.heappush(largest, entry_key)
            elif entry_key[:3] > largest[0][:3]:
                heapq.heapreplace(largest, entry_key)
    figures.largest = [e[3] for e in sorted(largest, key=lambda e: (-e[0], e[1], -e[2]))]


def _capture_day(timestamp: str) -> date | None:
    try:
        return date(int(timestamp[0:4]), int(timestamp[4:6]), int(timestamp[6:8]))
    except (ValueError, IndexError):
        return None
