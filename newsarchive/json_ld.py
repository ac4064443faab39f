"""JSON-LD: the structured data news publishers declare for search engines.

Dates (:mod:`newsarchive.date_extraction`) and article fields
(:mod:`newsarchive.article_fields`) both read it, so script finding, unwrapping and the
walk through ``@graph``-style nesting live here once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lxml import etree

# Plain ``str`` results (no "smart strings" holding a reference to their tree).
json_ld_scripts = etree.XPath(
    '//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]/text()', smart_strings=False
)
"""The texts of a tree's ``<script type="application/ld+json">`` elements."""

_NESTING_KEYS = ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "item")


def unwrap(script: str) -> str:
    """A script's JSON without the HTML comment or CDATA wrapper some sites put around it."""
    text = script.strip()
    for start, end in (("<!--", "-->"), ("/*<![CDATA[*/", "/*]]>*/"), ("<![CDATA[", "]]>")):
        if text.startswith(start) and text.endswith(end):
            text = text[len(start):-len(end)].strip()
    return text


def walk_json(data: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object of parsed JSON-LD, ``@graph`` and similar nesting included, in order."""
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data:
            yield from walk_json(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in _NESTING_KEYS:
            if key in data:
                yield from walk_json(data[key], depth + 1)


def json_ld_objects(root: etree._Element) -> Iterator[dict[str, Any]]:
    """The JSON-LD objects of a page, in document order; broken scripts are skipped."""
    for script in json_ld_scripts(root):
        try:
            data = json.loads(unwrap(script), strict=False)
        except ValueError:  # broken JSON-LD is common; the page's other sources remain
            continue
        yield from walk_json(data)
