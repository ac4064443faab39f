"""How much faster is ``normalize_date`` than plain ``dateparser.parse``, and does it agree?
And what does ``extract_published`` cost on a page without a date in structured data?

Usage: ``python bench/date_speed.py [--n 10000] [--seed 7] [--pages | --strings]``

``--pages`` (also run by default, after the strings) times ``extract_published`` per page
on parsed pages, as the crawl calls it (the parse is not counted): small generated pages
with a JSON-LD date, small undated pages (press releases with "Related"/"Trending" links to
dated URLs and a "© 2025" footer: the fallback's worst case), small pages dated only in
the byline, and the real corpus pages with their structured dates (JSON-LD, meta,
``<time>``) removed. It prints ms per page and how many pages reached htmldate. The
target: the fallback under 2 ms a page on the small undated pages.

Builds a mix of date strings weighted like news pages (mostly metadata ISO 8601 and
English/Russian bylines, some relative and year-less dates, some Central Asian month
names, a few German/French/Spanish dates that only dateparser reads, some junk), each with its known true value, then in the same run:

* times ``normalize_date`` and ``dateparser.parse`` (the settings a careful caller would
  use: relative base, past preference, aware results) on every string;
* counts how often each is right, and lists the strings where dateparser is right but
  ``normalize_date`` disagrees (the target is zero).

A value is compared at the precision the string carries (day, minute or second); strings
without an offset are read as UTC by both parsers.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dateparser  # noqa: E402

from newsarchive.extraction import dates  # noqa: E402
from newsarchive.extraction.dates import normalize_date  # noqa: E402

UTC = timezone.utc
BASE = datetime(2025, 12, 7, 12, 0, tzinfo=UTC)  # the pages' fetch time

EN = ["January", "February", "March", "April", "May", "June", "July", "August",
      "September", "October", "November", "December"]
EN_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
RU_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря"]
RU_ABBR = ["янв.", "февр.", "мар.", "апр.", "мая", "июн.", "июл.", "авг.", "сент.", "окт.",
           "нояб.", "дек."]
KK = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
      "қазан", "қараша", "желтоқсан"]
KY = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
      "октябрь", "ноябрь", "декабрь"]
UZ_LATN = ["yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avgust", "sentabr",
           "oktabr", "noyabr", "dekabr"]
UZ_CYRL = ["январ", "феврал", "март", "апрел", "май", "июн", "июл", "август", "сентябр",
           "октябр", "ноябр", "декабр"]
DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
      "Oktober", "November", "Dezember"]
FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
      "octobre", "novembre", "décembre"]
ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
      "octubre", "noviembre", "diciembre"]
JUNK = ["", "Subscribe", "Page 2 of 10", "n/a", "KZT/USD = 0.00198 -0%", "Read more",
        "Viewing results 1 - 6 of 9877", "lorem ipsum dolor", "12345", "—", "undefined",
        "Share on Facebook", "Tags: Kazakhstan, energy", "31.02.2025", "2025-13-45", "0",
        "null", "By Staff Reporter", "© 2025 The Times", "v2.3.1"]


@dataclass(frozen=True)
class Case:
    text: str
    truth: datetime | None
    precision: str  # "day" | "minute" | "second"


def generate(n: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    span = int((BASE - start).total_seconds())

    def moment() -> datetime:
        return (start + timedelta(seconds=rng.randrange(span))).replace(microsecond=0)

    def iso(m: datetime) -> Case:
        tz = rng.choice([UTC, timezone(timedelta(hours=5)), timezone(timedelta(hours=3)),
                         timezone(timedelta(hours=-4))])
        local = m.astimezone(tz)
        form = rng.random()
        if form < 0.4:
            text = local.isoformat()
        elif form < 0.6:
            text = m.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif form < 0.8:
            text = local.strftime("%Y-%m-%dT%H:%M:%S.000%z")
        else:
            text = local.strftime("%Y-%m-%d %H:%M:%S")
            return Case(text, local.replace(tzinfo=UTC), "second")
        return Case(text, m, "second")

    def day(m: datetime, text: str) -> Case:
        return Case(text, m.replace(hour=0, minute=0, second=0), "day")

    def minute(m: datetime, text: str) -> Case:
        return Case(text, m.replace(second=0), "minute")

    def relative() -> Case:
        kind = rng.randrange(6)
        if kind == 0:
            h = rng.randint(1, 23)
            return Case(f"{h} hours ago", BASE - timedelta(hours=h), "minute")
        if kind == 1:
            mins = rng.randint(2, 59)
            return Case(f"{mins} минут назад", BASE - timedelta(minutes=mins), "minute")
        if kind == 2:
            hh, mm = rng.randint(0, 23), rng.randint(0, 59)
            when = datetime.combine(BASE.date() - timedelta(days=1), datetime.min.time(), UTC)
            return Case(f"вчера, {hh:02d}:{mm:02d}", when.replace(hour=hh, minute=mm), "minute")
        if kind == 3:
            return Case("yesterday", BASE - timedelta(days=1), "day")
        if kind == 4:
            return Case("сегодня", BASE, "day")
        d = rng.randint(2, 6)
        return Case(f"{d} days ago", BASE - timedelta(days=d), "minute")

    def yearless() -> Case:
        m = moment()
        if (m.month, m.day) == (2, 29):  # a year-less 29 February has no single answer
            m = m.replace(day=28)
        text = rng.choice([f"{EN_ABBR[m.month - 1]} {m.day}", f"{m.day} {RU_GEN[m.month - 1]}"])
        year = BASE.year if (m.month, m.day) <= (BASE.month, BASE.day) else BASE.year - 1
        return Case(text, datetime(year, m.month, m.day, tzinfo=UTC), "day")

    makers = [  # (weight, maker)
        (24, lambda m: iso(m)),
        (5, lambda m: day(m, m.strftime("%Y-%m-%d"))),
        (5, lambda m: Case(m.strftime("%a, %d %b %Y %H:%M:%S +0000"), m, "second")),
        (3, lambda m: Case(str(int(m.timestamp()) * rng.choice([1, 1000])), m, "second")),
        (10, lambda m: day(m, f"{m.day:02d} {EN[m.month - 1]} {m.year}")),
        (7, lambda m: day(m, f"{EN[m.month - 1]} {m.day}, {m.year}")),
        (6, lambda m: minute(m, f"{EN_ABBR[m.month - 1]} {m.day}, {m.year} {m.hour:02d}:{m.minute:02d}")),
        (8, lambda m: day(m, f"{m.day} {RU_GEN[m.month - 1]} {m.year}")),
        (4, lambda m: minute(m, f"{m.day} {RU_ABBR[m.month - 1]} {m.year} г., {m.hour:02d}:{m.minute:02d}")),
        (5, lambda m: day(m, m.strftime("%d.%m.%Y"))),
        (3, lambda m: minute(m, m.strftime("%d.%m.%Y %H:%M"))),
        (1, lambda m: day(m, f"{m.day} {KK[m.month - 1]} {m.year}")),
        (1, lambda m: day(m, f"{m.day}-{KY[m.month - 1]} {m.year}")),
        (1, lambda m: day(m, f"{m.day} {UZ_LATN[m.month - 1]} {m.year}")),
        (1, lambda m: day(m, f"{m.day} {UZ_CYRL[m.month - 1]} {m.year}")),
        (1, lambda m: day(m, f"{m.day}. {DE[m.month - 1]} {m.year}")),  # dateparser's share
        (1, lambda m: day(m, f"{m.day} {FR[m.month - 1]} {m.year}")),
        (1, lambda m: day(m, f"{m.day} de {ES[m.month - 1]} de {m.year}")),
        (6, lambda m: relative()),
        (3, lambda m: yearless()),
        (7, lambda m: Case(rng.choice(JUNK), None, "day")),
    ]
    weights = [w for w, _ in makers]
    return [rng.choices(makers, weights)[0][1](moment()) for _ in range(n)]


def same(value: datetime | None, truth: datetime | None, precision: str) -> bool:
    if value is None or truth is None:
        return value is None and truth is None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if precision == "day":
        return value.date() == truth.date() if truth.tzinfo is UTC or truth.utcoffset() == timedelta(0) \
            else value.astimezone(truth.tzinfo).date() == truth.date()
    value, truth = value.astimezone(UTC), truth.astimezone(UTC)
    if precision == "minute":
        return value.replace(second=0, microsecond=0) == truth.replace(second=0, microsecond=0)
    return value.replace(microsecond=0) == truth


def run_dateparser(text: str) -> datetime | None:
    return dateparser.parse(text, settings={
        "RELATIVE_BASE": BASE.replace(tzinfo=None), "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC"})


def run_ours(text: str) -> datetime | None:
    return normalize_date(text, relative_base=BASE)


def _small_page(i: int, kind: str) -> str:
    """A generated article page (4-5 KB) of one of the kinds ``--pages`` times."""
    links = "".join(f'<li><a href="/news/2025/03/{(i + k) % 28 + 1:02d}/story-{i + k}">Story {i + k} about '
                    "the council budget</a></li>" for k in range(10))
    body = "".join(f"<p>Paragraph {k} of the release, with words about the harbor, the city council "
                   "and a meeting on Tuesday.</p>" for k in range(12))
    head = f'<link rel="canonical" href="https://courier.example/news/release-{i}">'
    byline = '<div class="byline">By Staff</div>'
    if kind == "json-ld":
        head += ('<script type="application/ld+json">{"@type": "NewsArticle", '
                 f'"datePublished": "2025-03-{i % 28 + 1:02d}T10:00:00-04:00"}}</script>')
    elif kind == "byline":
        byline = f'<div class="byline">By Staff | March {i % 28 + 1}, 2025 10:00 AM</div>'
    return (f'<!doctype html><html lang="en"><head><title>Release {i} | Harbor Courier</title>{head}</head>'
            '<body><header class="site-header"><nav class="menu"><a href="/">Home</a><a href="/news/">News</a>'
            f"</nav></header><main><article><h1>City announces harbor works {i}</h1>{byline}{body}</article>"
            f'<aside class="rail"><div class="rail-module"><h3>Trending</h3><ul>{links}</ul></div></aside>'
            f'<div class="related-content"><h2>Related</h2><ul>{links}</ul></div></main>'
            "<footer><p>© 2025 Harbor Courier Media. All rights reserved.</p></footer></body></html>")


def _corpus_without_structured_dates() -> list[tuple[str, str | None]]:
    """The corpus pages (``$NEWSARCHIVE_DATA``) with JSON-LD, ``<meta>`` and ``<time>`` removed."""
    import gzip
    import json
    import os

    import parsel
    from lxml import etree

    root = Path(os.environ.get("NEWSARCHIVE_DATA") or Path(__file__).resolve().parent.parent.parent / "shared" / "data")
    index = root / "html" / "ground_truth_index.jsonl"
    if not index.exists():
        return []
    pages = []
    for line in index.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        data = (root / row["path"]).read_bytes()
        if row["path"].endswith(".gz"):
            data = gzip.decompress(data)
        tree = parsel.Selector(text=data.decode("utf-8", "replace")).root
        for node in tree.xpath('//script[contains(@type, "ld+json")]|//meta|//time|//*[@itemprop]'):
            if node.getparent() is not None:
                node.drop_tree()
        pages.append((etree.tostring(tree, encoding="unicode"), row.get("url")))
    return pages


def run_pages(repeat: int = 3) -> None:
    """Time ``extract_published`` on parsed pages (see the module docstring)."""
    import htmldate
    import parsel

    from newsarchive.extraction.date_extraction import extract_published

    base = datetime(2025, 3, 30, tzinfo=UTC)
    sets = {kind: [(_small_page(i, kind), f"https://courier.example/news/release-{i}") for i in range(100)]
            for kind in ("json-ld", "undated", "byline")}
    sets["corpus, structured dates removed"] = _corpus_without_structured_dates()
    real_find_date = htmldate.find_date
    for name, pages in sets.items():
        if not pages:
            print(f"{name:34}: corpus not found (set NEWSARCHIVE_DATA)")
            continue
        parsed = [(parsel.Selector(text=html), url) for html, url in pages]
        calls = {"fast": 0, "extensive": 0}

        def counting(*a, **k):
            calls["extensive" if k.get("extensive_search", True) else "fast"] += 1
            return real_find_date(*a, **k)

        extract_published(*parsed[0][:1], url=parsed[0][1], relative_base=base)  # warm up
        htmldate.find_date = counting
        dated = 0
        start = time.perf_counter()
        for _ in range(repeat):
            for sel, url in parsed:
                dated += extract_published(sel, url=url, relative_base=base).value is not None
        seconds = time.perf_counter() - start
        htmldate.find_date = real_find_date
        n = repeat * len(parsed)
        print(f"{name:34}: {1000 * seconds / n:7.2f} ms/page  ({len(parsed)} pages x {repeat}); dated "
              f"{dated / n:.0%}; htmldate calls per page: fast {calls['fast'] / n:.2f}, "
              f"extensive {calls['extensive'] / n:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pages", action="store_true", help="only time extract_published per page")
    parser.add_argument("--strings", action="store_true", help="only time normalize_date per string")
    args = parser.parse_args()
    if not args.strings:
        run_pages()
        if args.pages:
            return 0
    cases = generate(args.n, args.seed)

    for warm in ("7 December 2025", "7 декабря 2025", "2 hours ago", "junk"):
        run_dateparser(warm), run_ours(warm)  # language data loads once per process

    slow_calls = 0
    real_slow = dates._dateparser

    def counting(*a, **k):
        nonlocal slow_calls
        slow_calls += 1
        return real_slow(*a, **k)

    dates._dateparser = counting
    t0 = time.perf_counter()
    ours = [run_ours(c.text) for c in cases]
    t_ours = time.perf_counter() - t0
    dates._dateparser = real_slow

    t0 = time.perf_counter()
    theirs = [run_dateparser(c.text) for c in cases]
    t_dp = time.perf_counter() - t0

    n = len(cases)
    ok_ours = sum(same(v, c.truth, c.precision) for v, c in zip(ours, cases))
    ok_dp = sum(same(v, c.truth, c.precision) for v, c in zip(theirs, cases))
    disagree = [(c, v, w) for c, v, w in zip(cases, ours, theirs)
                if same(w, c.truth, c.precision) and not same(v, w, c.precision)]

    print(f"strings: {n} (seed {args.seed}, relative base {BASE.isoformat()})")
    print(f"normalize_date   : {n / t_ours:10.0f} strings/s  ({t_ours:6.2f} s)  "
          f"correct {ok_ours}/{n} ({ok_ours / n:.1%}); dateparser fallback on {slow_calls} ({slow_calls / n:.1%})")
    print(f"dateparser.parse : {n / t_dp:10.0f} strings/s  ({t_dp:6.2f} s)  correct {ok_dp}/{n} ({ok_dp / n:.1%})")
    print(f"speed-up         : {t_dp / t_ours:.1f}x  (target >= 20x)")
    print(f"same answer on every string dateparser gets right: {'yes' if not disagree else 'NO'} "
          f"({len(disagree)} disagreements)")
    for case, mine, theirs_value in disagree[:10]:
        print(f"   {case.text!r}: truth={case.truth} ours={mine} dateparser={theirs_value}")
    wrong_dp = [(c, w) for c, w in zip(cases, theirs) if not same(w, c.truth, c.precision)]
    print(f"dateparser wrong on {len(wrong_dp)}, e.g.:")
    seen: set[str] = set()
    for case, value in wrong_dp:
        shape = "".join("9" if ch.isdigit() else ch for ch in case.text)
        if shape in seen:
            continue
        seen.add(shape)
        print(f"   {case.text!r}: truth={case.truth} dateparser={value}")
        if len(seen) >= 8:
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
