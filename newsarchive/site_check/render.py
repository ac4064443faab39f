"""A check's result as plain text for people, or as JSON for scripts.

Text: the listing page and the rules used, the teasers (count, the first few), the next
page and the rule that found it, the first article's fields, then the findings (each
naming its TOML key) and what the crawl would log. Long texts are cut to one line.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from newsarchive.site_check.report import (
    ERROR,
    ArticleReport,
    ListingReport,
    SelectorUse,
)
from newsarchive.site_check.run import CheckResult

__all__ = ["as_json", "as_text"]

_WIDTH = 100


def as_text(result: CheckResult, teasers: int = 5) -> str:
    """The human-readable report."""
    lines: list[str] = []
    listing = result.listing
    lines.append(f"listing    {listing.url}")
    lines.append(f"           HTTP {listing.status}, {_size(listing.size)}, {listing.content_type or 'no Content-Type'}")
    lines.append(f"site       {result.site} (spider {result.spider})")
    lines.append(f"rules      {_rules(listing)}")
    for use in listing.selectors:
        lines.append(f"           {_use(use, 'teasers')}")
    shown = listing.teasers[:teasers]
    lines.append(f"teasers    {listing.blocks} found, {len(listing.teasers)} become items"
                 + (f" (first {len(shown)})" if shown else ""))
    for n, teaser in enumerate(shown, 1):
        lines.append(f"  {n}. {_cut(teaser.url or '(no url)', _WIDTH)}")
        lines.append(f"     title    {_cut(teaser.title or '-', _WIDTH - 9)}")
        if teaser.published or teaser.published_raw:
            raw = f"  ({_cut(teaser.published_raw, 40)})" if teaser.published_raw not in (None, teaser.published) else ""
            lines.append(f"     date     {teaser.published or 'unparsed'}{raw}")
        if teaser.summary:
            lines.append(f"     summary  {_cut(teaser.summary, _WIDTH - 9)}")
        if teaser.section:
            lines.append(f"     section  {_cut(teaser.section, 40)}")
    if listing.next_page:
        followed = "" if listing.next_followed else "; not followed by this run (max_pages, since or a loop)"
        lines.append(f"next page  {listing.next_page}  (by {listing.next_rule}{followed})")
    else:
        lines.append("next page  none found: the crawl ends at this page")
    if not listing.follow:
        lines.append("articles   not fetched (follow = false)")
    lines.extend(_article(result.article))
    for note in result.notes:
        lines.append(f"note       {note}")
    log = _unique([*listing.log, *(result.article.log if result.article else [])])
    if result.findings:
        lines.append("")
        lines.append("findings")
        for finding in result.findings:
            key = f"{finding.key}: " if finding.key else ""
            lines.append(f"  {finding.level:<8}{key}{finding.message}")
    if log:
        lines.append("")
        lines.append("the crawl would log")
        for line in log:
            lines.append(f"  {_cut(line, 200)}")
    errors = sum(1 for f in result.findings if f.level == ERROR)
    warnings = len(result.findings) - errors
    verdict = "problems found" if errors else "ok"
    lines.append("")
    lines.append(f"result     {verdict}: {errors} error(s), {warnings} warning(s); nothing was written")
    return "\n".join(lines) + "\n"


def as_json(result: CheckResult) -> str:
    """The whole result as one JSON object (``status`` is the exit status)."""

    def clean(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: clean(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    data = clean(result)
    data["status"] = result.status
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _article(article: ArticleReport | None) -> list[str]:
    if article is None:
        return []
    lines = [f"article    {article.url}"]
    lines.append(f"  title      {_cut(article.title or '-', _WIDTH - 11)}")
    raw = f"{_cut(article.published_raw, 40)}, " if article.published_raw not in (None, article.published) else ""
    raw = f"  ({raw}by {article.date_source})" if article.date_source != "none" else ""
    lines.append(f"  published  {article.published or 'none'}{raw}")
    lines.append(f"  authors    {_cut(', '.join(article.authors) or '-', _WIDTH - 11)}")
    if article.tags:
        lines.append(f"  tags       {_cut(', '.join(article.tags), _WIDTH - 11)}")
    if article.section:
        lines.append(f"  section    {_cut(article.section, 40)}")
    lines.append(f"  language   {article.language or '-'}")
    lines.append(f"  body       {article.paragraphs} paragraph(s)")
    for line in article.body_lines:
        lines.append(f"    | {_cut(line, _WIDTH - 6)}")
    for use in article.selectors:
        lines.append(f"  {_use(use, 'page')}")
    return lines


def _rules(listing: ListingReport) -> str:
    if listing.rules == "selectors":
        return "[listing] selectors"
    rule = listing.teaser_rule or "found no teasers"
    where = f" at {listing.signature}" if listing.signature else ""
    return f"automatic listing rules: {rule}{where}"


def _use(use: SelectorUse, unit: str) -> str:
    if unit == "page":
        found = "matched" if use.found else "matched nothing"
    else:
        found = f"{use.found} of {use.of} {unit}" if use.key != "listing.item" else f"{use.found} matches"
    return f"{use.key:<17} {_cut(repr(use.query), 50):<52} {found}"


def _cut(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _size(size: int) -> str:
    return f"{size} bytes" if size < 10_000 else f"{size // 1024} KiB"


def _unique(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))
