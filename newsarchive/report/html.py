"""One self-contained HTML page from :class:`~newsarchive.report.figures.Figures`.

Self-contained means: inline CSS, inline SVG, no script, no fonts or images fetched; a
Content-Security-Policy that forbids every load makes sure of it, so the file opens the
same offline, from a mail attachment or years later. Every text that came from a crawl
(titles, URLs, sections, messages) is escaped, and there are no event handlers: a hostile
page cannot make the report run anything.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from html import escape

from newsarchive import __version__
from newsarchive.report import svg
from newsarchive.report.figures import CHECKED_FIELDS, OTHER, Figures, RunRow

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
TOP_NAMES = 25  # categories drawn one by one; the rest are one bar
MAX_RUN_ROWS = 500  # runs listed in the table (newest); the chart shows them all
DAILY_UP_TO = 120  # days on the axis before articles are counted per month instead
NUM = ' class="n"'  # a right-aligned number cell

CSS = """
:root { color-scheme: light; --accent: #2f6db5; --muted: #5d6677; --line: #dde2ea; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330;
       margin: 0; background: #f6f7f9; }
header, main { max-width: 1100px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 22px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.sub, .note { color: var(--muted); }
.note { font-size: 13px; }
nav { margin: 10px 0 0; font-size: 13px; }
nav a { color: var(--accent); margin-right: 14px; text-decoration: none; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px;
          margin: 16px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
        min-width: 150px; }
.card b { display: block; font-size: 22px; }
.card span { color: var(--muted); font-size: 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 18px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top;
         white-space: nowrap; }
td.msg { white-space: normal; }
th { color: var(--muted); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.url { white-space: normal; word-break: break-all; font-family: ui-monospace, monospace; font-size: 12px; }
details { margin-top: 6px; }
summary { cursor: pointer; color: var(--accent); font-size: 13px; }
.chart { display: block; max-width: 100%; height: auto; margin: 4px 0; }
.chart text { fill: #1d2330; }
.outcome { padding: 1px 7px; border-radius: 9px; font-size: 12px; background: #e8edf5; }
.outcome.finished { background: #dff3e4; color: #17652f; }
.outcome.failed, .outcome.nothing { background: #fbe1e1; color: #8c1d1d; }
.outcome.incomplete, .outcome.interrupted { background: #fdf0d5; color: #7a5405; }
footer { max-width: 1100px; margin: 0 auto 30px; padding: 0 20px; color: var(--muted); font-size: 12px; }
"""


NAV = ('<nav><a href="#articles">Articles</a><a href="#http">HTTP &amp; failures</a>'
       '<a href="#runs">Runs</a><a href="#archive">Archive</a><a href="#pages">Pages</a>'
       '<a href="#missing">Missing</a></nav>')


FOOTER = "Self-contained: no scripts, no network. Made with <code>newsarchive report</code>"


def e(value: object) -> str:
    """Escape anything for HTML text and attribute values."""
    return escape(str(value), quote=True)


def human_bytes(n: float) -> str:
    """1536 -> ``1.5 KiB``: sizes the way a reader compares them."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} TiB"  # pragma: no cover - the loop always returns


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def when(value: datetime | None) -> str:
    if value is None:
        return "–"
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if value.tzinfo is not None else "")


def cdx_time(timestamp: str | None) -> str:
    """A CDXJ timestamp (``20261201204824``) written for people."""
    if not timestamp or len(timestamp) < 14 or not timestamp[:14].isdigit():
        return e(timestamp or "–")
    t = timestamp
    return f"{t[0:4]}-{t[4:6]}-{t[6:8]} {t[8:10]}:{t[10:12]}:{t[12:14]} UTC"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, numeric: Sequence[int] = (),
          css_id: str | None = None) -> str:
    """A table of escaped cells; columns in ``numeric`` are right-aligned."""
    ident = f' id="{e(css_id)}"' if css_id else ""
    head = "".join(f'<th{NUM if i in numeric else ""}>{e(h)}</th>' for i, h in enumerate(headers))
    classes = [NUM if i in numeric else ' class="url"' if h == "URL" else ' class="msg"' if h == "title" else ""
               for i, h in enumerate(headers)]
    body = []
    for row in rows:
        cells = "".join(f"<td{classes[i]}>{e(f'{c:,}' if isinstance(c, int) else c)}</td>"
                        for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(headers)}" class="note">none</td></tr>')
    return f'<table{ident}><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def data_details(headers: Sequence[str], rows: Sequence[Sequence[object]], css_id: str) -> str:
    """The numbers behind a chart, folded away under it."""
    count = f"{len(rows)} row{'' if len(rows) == 1 else 's'}"
    return (f"<details><summary>the numbers ({count})</summary>"
            f"{table(headers, rows, numeric=range(1, len(headers)), css_id=css_id)}</details>")


def top(counter: Counter[str], limit: int = TOP_NAMES) -> list[tuple[str, int]]:
    """The ``limit`` largest names, the rest summed as one row; ties by name for a stable page."""
    overflow = counter.get(OTHER, 0)  # names past the tally's cap: how many is unknown
    ranked = sorted(((k, v) for k, v in counter.items() if k != OTHER), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) <= limit and not overflow:
        return ranked
    keep = limit - 1 if len(ranked) >= limit else len(ranked)
    rest = ranked[keep:]
    label = "all others" if overflow else f"{len(rest)} others"
    return [*ranked[:keep], (label, overflow + sum(v for _, v in rest))]


def per_period(per_day: Counter[date]) -> tuple[str, list[tuple[str, int]]]:
    """Article counts on a gap-free axis: per day for a short span, else per month (or
    year), so quiet days show as zero instead of vanishing."""
    if not per_day:
        return "day", []
    first, last = min(per_day), max(per_day)
    if (last - first).days < DAILY_UP_TO:
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        return "day", [(d.isoformat(), per_day.get(d, 0)) for d in days]
    months: Counter[str] = Counter()
    for d, n in per_day.items():
        months[f"{d.year:04d}-{d.month:02d}"] += n
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span > 600:  # decades: one bar a year
        years: Counter[str] = Counter()
        for d, n in per_day.items():
            years[f"{d.year:04d}"] += n
        return "year", [(f"{y:04d}", years.get(f"{y:04d}", 0)) for y in range(first.year, last.year + 1)]
    keys = []
    y, m = first.year, first.month
    for _ in range(span):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return "month", [(k, months.get(k, 0)) for k in keys]


def _cards(f: Figures) -> str:
    dated = f.items - f.undated
    last = f.runs[-1] if f.runs else None
    cards = [
        (f"{f.items:,}", f"articles ({dated:,} dated)", "items"),
        (f"{len(f.runs):,}", f"runs{f' (last: {last.outcome})' if last else ''}", "runs"),
        (f"{sum(r.pages for r in f.runs):,}", "pages fetched", "pages"),
        (f"{f.captures:,}", "captures in the index", "captures"),
        (human_bytes(f.warc_bytes), f"archive, {f.warc_files:,} WARC file(s)", "size"),
        (f"{f.failed_total:,}", "failures (all runs)", "failures"),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card" id="card-{key}"><b>{e(value)}</b><span>{e(text)}</span></div>'
        for value, text, key in cards) + "</div>"


def _articles(f: Figures) -> str:
    unit, points = per_period(f.per_day)
    parts = ['<section id="articles"><h2>Articles per ' + e(unit) + "</h2>"]
    if points:
        parts.append(svg.bar_chart(points, label=f"articles per {unit} of publication"))
        parts.append(f'<p class="note">By publication date, in the publisher\'s own time zone; '
                     f"{f.undated:,} undated article(s) are not on the axis.</p>")
        parts.append(data_details([unit, "articles"], points, "per-day"))
    else:
        parts.append('<p class="note">No dated articles.</p>')
    parts.append('<div class="grid"><div><h3>Per section</h3>')
    sections = top(f.per_section)
    parts.append(svg.hbar_chart(sections, label="articles per section") if sections else '<p class="note">none</p>')
    parts.append(data_details(["section", "articles"], sections, "per-section"))
    parts.append("</div><div><h3>Per site</h3>")
    sites = top(f.per_site)
    parts.append(svg.hbar_chart(sites, label="articles per site") if sites else '<p class="note">none</p>')
    parts.append(data_details(["site", "articles"], sites, "per-site"))
    parts.append("</div></div></section>")
    return "".join(parts)


def _http(f: Figures) -> str:
    codes = sorted(f.status_codes.items(), key=lambda kv: kv[0])
    failures = top(f.failures)
    parts = ['<section id="http"><h2>HTTP status codes and failures</h2><div class="grid"><div>',
             "<h3>Responses by status (all runs)</h3>"]
    parts.append(svg.hbar_chart([(f"HTTP {c}", n) for c, n in codes], label="responses by HTTP status")
                 if codes else '<p class="note">No responses recorded in the run history.</p>')
    parts.append(data_details(["status", "responses"], codes, "status-codes"))
    parts.append("</div><div><h3>Failures by cause (all runs)</h3>")
    parts.append(svg.hbar_chart(failures, label="failures by cause") if failures
                 else '<p class="note">No failures recorded.</p>')
    parts.append(data_details(["cause", "failures"], failures, "failures"))
    parts.append("</div></div>")
    if f.pending_failures:
        parts.append("<h3>Articles waiting for a retry (failed-articles.jsonl)</h3>")
        parts.append(table(["reason", "articles"], top(f.pending_failures), numeric=[1], css_id="pending"))
    if f.fetch_errors:
        parts.append("<h3>Items kept from their teaser because the page failed (fetch_error)</h3>")
        parts.append(table(["fetch_error", "items"], top(f.fetch_errors), numeric=[1], css_id="fetch-errors"))
    parts.append("</section>")
    return "".join(parts)


def _run_row(run: RunRow) -> str:
    rate = f"{run.pages / run.elapsed:.1f}" if run.elapsed and run.pages else "–"
    cells = [
        (str(run.number), True), (when(run.started), False), (when(run.finished), False),
        (duration(run.elapsed), True), (f"{run.items:,}", True), (f"{run.pages:,}", True), (rate, True),
    ]
    html = "".join(f'<td{NUM if num else ""}>{e(text)}</td>' for text, num in cells)
    status = "" if run.status is None else f" (exit {run.status})"
    html += (f'<td><span class="outcome {e(run.outcome)}">{e(run.outcome)}</span>{e(status)}</td>'
             f'<td class="msg">{e(run.message)}</td>')
    return f"<tr>{html}</tr>"


def _runs(f: Figures) -> str:
    parts = ['<section id="runs"><h2>Run history</h2>']
    if not f.runs:
        return parts[0] + '<p class="note">No runs.jsonl: no run history.</p></section>'
    parts.append(svg.bar_chart([(f"#{r.number}", r.items) for r in f.runs], label="new items per run", height=180))
    shown = f.runs[-MAX_RUN_ROWS:]
    if len(shown) < len(f.runs):
        parts.append(f'<p class="note">The newest {len(shown):,} of {len(f.runs):,} runs.</p>')
    head = "".join(f'<th{NUM if n else ""}>{h}</th>' for h, n in (
        ("run", True), ("started", False), ("finished", False), ("duration", True), ("items", True),
        ("pages", True), ("pages/s", True), ("ended", False), ("message", False)))
    parts.append(f'<table id="runs-table"><thead><tr>{head}</tr></thead><tbody>'
                 + "".join(_run_row(r) for r in shown) + "</tbody></table>")
    outcomes = Counter(r.outcome for r in f.runs)
    parts.append('<p class="note">' + e(", ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))) + "</p>")
    parts.append("</section>")
    return "".join(parts)


def _growth(f: Figures) -> tuple[str, list[tuple[str, int]]]:
    """Archive size after each run (bytes its stats say it wrote), else per capture day
    (record sizes in the index)."""
    if f.runs and all(r.warc_bytes is not None for r in f.runs):
        total, points = 0, []
        for r in f.runs:
            total += r.warc_bytes or 0
            points.append((f"#{r.number} {r.started:%m-%d}" if r.started else f"#{r.number}", total))
        return "after each run (bytes each run wrote)", points
    total, points = 0, []
    for d in sorted(f.capture_bytes_per_day):
        total += f.capture_bytes_per_day[d]
        points.append((d.isoformat(), total))
    return "by capture day (record sizes in the index)", points


def _archive(f: Figures) -> str:
    parts = ['<section id="archive"><h2>Archive size and growth</h2>']
    span = (f"from {cdx_time(f.first_capture)} to {cdx_time(f.last_capture)}" if f.first_capture else "")
    parts.append(f'<p id="archive-size"><b>{e(human_bytes(f.warc_bytes))}</b> ({f.warc_bytes:,} bytes) in '
                 f"{f.warc_files:,} WARC file(s); {f.captures:,} captures in the index, of which "
                 f"{f.revisits:,} revisits (unchanged pages stored as a reference) {e(span)}.</p>")
    if f.unfinished_files:
        parts.append(f'<p class="note">{f.unfinished_files} unfinished .open file(s): a crawl is running or '
                     "was killed (`newsarchive index` finishes them).</p>")
    if not f.has_index and f.warc_files:
        parts.append('<p class="note">No warc/index.cdxj: run `newsarchive index DIR/warc` for captures, '
                     "sizes and the largest pages.</p>")
    how, points = _growth(f)
    if len(points) >= 1:
        parts.append(f"<h3>Growth {e(how)}</h3>")
        peak = max(v for _, v in points)
        unit = 1024.0 ** max(0, min(4, int(math.log(peak, 1024)))) if peak > 0 else 1.0
        parts.append(svg.line_chart(points, label="archive size over time", fmt=human_bytes, tick_unit=unit))
        parts.append(data_details(["point", "bytes"], points, "growth"))
    if f.capture_status:
        parts.append("<h3>Captures by HTTP status</h3>")
        parts.append(table(["status", "captures"], sorted(f.capture_status.items()), numeric=[1],
                           css_id="capture-status"))
    parts.append("</section>")
    return "".join(parts)


def _pages(f: Figures) -> str:
    parts = ['<section id="pages"><h2>Largest and slowest pages</h2><h3>Largest pages</h3>']
    if f.largest:
        parts.append(table(["size", "bytes", "status", "type", "fetched", "URL"], (
            (human_bytes(p.length), f"{p.length:,}", p.status, p.mime, cdx_time(p.timestamp), p.url)
            for p in f.largest), numeric=[0, 1], css_id="largest"))
        parts.append('<p class="note">Size of the record in the WARC (gzip-compressed, HTTP headers '
                     "included), from the index; revisits left out.</p>")
    else:
        parts.append('<p class="note">No index of captures (warc/index.cdxj).</p>')
    parts.append("<h3>Slowest pages</h3>")
    if f.slowest:
        parts.append(table(["seconds", "status", "size", "run", "URL"], (
            (f"{p.seconds:.3f}", p.status, human_bytes(p.bytes), p.run, p.url)
            for p in f.slowest), numeric=[0, 2, 3], css_id="slowest"))
        parts.append('<p class="note">Seconds from sending the request to the response headers (Scrapy\'s '
                     "download latency, waiting in the queue not counted), the slowest of every run "
                     f"({f.runs_timed} of {len(f.runs)} run(s) recorded them).</p>")
    else:
        parts.append('<p class="note" id="slowest">No fetch times: runs record their slowest pages in '
                     "runs.jsonl (<code>slowest</code>); runs of older versions and replays "
                     "have none.</p>")
    parts.append("</section>")
    return "".join(parts)


def _missing(f: Figures) -> str:
    parts = ['<section id="missing"><h2>Dates and fields missing</h2>']
    if not f.items:
        return parts[0] + '<p class="note">No items.</p></section>'
    rows = [(name, f.missing.get(name, 0)) for name in CHECKED_FIELDS]
    percent = [(name, round(100 * n / f.items, 1)) for name, n in rows]
    parts.append(svg.hbar_chart(percent, label="share of items missing each field",
                                fmt=lambda v: f"{svg.plain(v)} %"))
    parts.append(table(["field", "items missing it", "share"],
                       ((n, f"{c:,}", f"{100 * c / f.items:.1f} %") for n, c in rows),
                       numeric=[1, 2], css_id="missing-fields"))
    failed = sum(f.fetch_errors.values())
    if failed:
        parts.append(f'<p class="note">{failed:,} item(s) come from a teaser whose page failed: they have no '
                     "body, authors or tags by design.</p>")
    parts.append(f'<p id="dates">{f.undated:,} of {f.items:,} items have no publication date; '
                 f"{f.unparsed_dates:,} of them showed a date text that could not be read; "
                 f"{f.future_dated:,} item(s) are dated more than a day after they were crawled.</p>")
    if f.undated_examples:
        parts.append(f"<h3>Undated items (first {len(f.undated_examples)})</h3>")
        parts.append(table(["title", "date text on the page", "URL"],
                           ((title, raw or "–", url) for url, title, raw in f.undated_examples), css_id="undated"))
    parts.append("</section>")
    return "".join(parts)


def render(f: Figures, *, generated: datetime | None = None) -> str:
    """The whole report page for ``f``."""
    generated = generated or datetime.now(timezone.utc)
    name = f.job.resolve().name or str(f.job)
    return "".join([
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Crawl report: {e(name)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>Crawl report: {e(name)}</h1>",
        f'<div class="sub">Generated {e(when(generated))} by newsarchive {e(__version__)}</div>',
        NAV,
        _cards(f), "</header><main>",
        _articles(f), _http(f), _runs(f), _archive(f), _pages(f), _missing(f),
        f"</main><footer>{FOOTER} from {e(name)}.</footer></body></html>\n",
    ])


__all__ = ["human_bytes", "per_period", "render"]
