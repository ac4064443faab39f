"""Type-checked by tests/test_public_api_types.py: the public API as users call it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from parsel import Selector

import newsarchive
from newsarchive import (
    Archive,
    ArchivedResponse,
    Article,
    SiteDefinition,
    canonical_url,
    clean_text,
    extract_article_fields,
    extract_published,
    format_iso,
    load_site,
    normalize_date,
)

version: str = newsarchive.__version__
archive = Archive(Path("runs/timesca"))
for item in archive.items():
    published: datetime | None = item.get("published")
    page: ArchivedResponse = archive.record(item)
    status: int | None = page.status
    body: bytes = page.body
    text: str = page.text
site: SiteDefinition = load_site("site.toml")
url: str = canonical_url("https://example.org/a?utm_source=x")
when: datetime | None = normalize_date("2025-03-01", languages=["en"])
iso: str = format_iso(datetime(2025, 3, 1))
cleaned: str | None = clean_text(" a  b ")
article = Article(url=url, title="t")
selector = Selector(text=page.text)
fields = extract_article_fields(selector)
title: str | None = fields.title
paragraphs: list[str] = fields.body
found = extract_published(selector, url=url)
day: datetime | None = found.value
run: newsarchive.RunResult = newsarchive.crawl("timesca", Path("runs/timesca"), args={"max_pages": 2})
ok: bool = run.ok
items: list[dict[str, object]] = run.items
again = newsarchive.replay(Path("runs/timesca"), "timesca", "replayed.jsonl", run=1)
failure: type[Exception] = newsarchive.CrawlFailed
