"""The site definition a checked page suggests, as a TOML site file to start from.

``newsarchive check URL --toml > site.toml`` writes a file ``newsarchive crawl site.toml``
accepts (it is loaded with :func:`~newsarchive.sites.definition.site_from_dict` before it is
printed): the page as the start URL, its host, the site's time zone and languages (else
``<html lang>``), and ``[listing]`` selectors:

* the site's own, when they found the teasers on this page;
* else those :mod:`newsarchive.site_check.infer` found to reproduce the automatic rules'
  teasers and next page;
* else none: the automatic rules find the teasers (the selectors that reproduce the
  teasers but not the next page are written as comments, to finish by hand).

A site given as a spider or site file keeps its article selectors, boilerplate patterns,
settings, feeds and sitemaps.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from newsarchive.job.redirects import on_site
from newsarchive.sources.listing_spider import ListingSpider
from newsarchive.site_check.infer import InferredListing, infer_listing
from newsarchive.site_check.report import ListingReport
from newsarchive.sites.definition import site_from_dict

__all__ = ["inferred_site", "inferred_toml", "toml_document"]

_LISTING_ORDER = ("item", "url", "title", "summary", "date", "section", "next_page")
_ARTICLE_ORDER = ("title", "body", "date", "authors", "tags", "section")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def inferred_site(spider: ListingSpider, listing: ListingReport) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The site definition as TOML data, and comment lines (by table, "" for the top) on what was left out."""
    site = spider.site
    notes: dict[str, list[str]] = {"": [], "listing": []}
    host = (urlsplit(listing.url).hostname or "").lower()
    domains = [d for d in spider.allowed_domains if d]
    data: dict[str, Any] = {
        "name": site.name,
        "start_urls": [listing.url],
        "allowed_domains": domains if domains and on_site(listing.url, domains) else [host],
    }
    if site.timezone != "UTC":
        data["timezone"] = site.timezone
    else:
        notes[""].append('timezone = "UTC"  # the IANA zone of dates shown without an offset, e.g. "Asia/Almaty"')
    languages = list(site.languages) or ([listing.language] if listing.language else [])
    if languages:
        data["languages"] = languages
    for key, urls in (("feeds", spider.feed_urls), ("sitemaps", spider.sitemap_urls)):
        if urls:
            data[key] = list(urls)
    if site.sitemaps_from_robots:
        data["sitemaps_from_robots"] = True
    listing_table = _listing_table(spider, listing, notes["listing"])
    if listing_table:
        data["listing"] = listing_table
    article = {k: getattr(site.article, k) for k in _ARTICLE_ORDER if getattr(site.article, k)}
    if article:
        data["article"] = article
    if site.boilerplate_patterns:
        data["boilerplate"] = {"patterns": list(site.boilerplate_patterns)}
    if site.settings:
        data["settings"] = dict(site.settings)
    return data, notes


def inferred_toml(spider: ListingSpider, listing: ListingReport) -> str:
    """:func:`inferred_site` as a TOML document, checked with the project's site loader."""
    data, notes = inferred_site(spider, listing)
    site_from_dict(data, source="inferred site definition")  # what crawl will load, checked now
    header = [
        f"Site definition inferred by `newsarchive check` from {listing.url}",
        "Check it with `newsarchive check FILE.toml`, crawl with `newsarchive crawl FILE.toml --out DIR`.",
    ]
    return toml_document(data, header, notes)


def _listing_table(spider: ListingSpider, listing: ListingReport, notes: list[str]) -> dict[str, Any]:
    rules = spider.site.listing
    table: dict[str, Any] = {}
    if listing.rules == "selectors" and rules is not None:
        table = {k: getattr(rules, k) for k in _LISTING_ORDER if getattr(rules, k)}
    elif listing.auto is not None and listing.auto.teasers and listing.page is not None:
        inferred = infer_listing(listing.page, listing.auto)
        table = _from_inferred(inferred, listing, notes)
    else:
        notes.append("the automatic rules found no teasers on this page; add selectors by hand")
    if not spider.follow:
        table["follow"] = False
    return table


def _from_inferred(inferred: InferredListing | None, listing: ListingReport, notes: list[str]) -> dict[str, Any]:
    rule = listing.teaser_rule or "automatic rules"
    if inferred is None:
        notes.append(f"no selectors reproduce the {listing.blocks} teasers the automatic rules found "
                     f"({rule}), so this file relies on those rules")
        return {}
    if inferred.paginates:
        return dict(inferred.rules)
    notes.append(f"these [listing] selectors give the {listing.blocks} teasers, but none gives the next page")
    notes.append(f"({listing.next_page}, found by {listing.next_rule}), and with selectors but no next_page")
    notes.append("the crawl reads one page only: so this file relies on the automatic rules. To use the")
    notes.append("selectors, uncomment them and add a next_page selector:")
    notes.append("[listing]")
    notes.extend(f"{key} = {_value(value)}" for key, value in inferred.rules.items())
    return {}


def toml_document(data: Mapping[str, Any], header: list[str], notes: Mapping[str, list[str]]) -> str:
    """``data`` (top-level keys, then one table each) as TOML, with ``# `` comment lines:
    ``header`` first, then each table's ``notes`` (``""``: the top level) at its place."""
    lines = [f"# {line}" for line in header]
    lines.append("")
    tables = {k: v for k, v in data.items() if isinstance(v, Mapping)}
    for key, value in data.items():
        if key not in tables:
            lines.append(f"{_key(key)} = {_value(value)}")
    lines.extend(f"# {note}" for note in notes.get("", ()))
    for name, table_notes in notes.items():
        if name and table_notes and name not in tables:
            lines.append("")
            lines.extend(f"# {note}" for note in table_notes)
    for name, table in tables.items():
        lines.append("")
        lines.append(f"[{_key(name)}]")
        lines.extend(f"# {note}" for note in notes.get(name, ()))
        for key, value in table.items():
            lines.append(f"{_key(key)} = {_value(value)}")
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    """One TOML value; JSON string escapes are valid TOML basic-string escapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)
