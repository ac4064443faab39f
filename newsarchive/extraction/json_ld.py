"""JSON-LD: the structured data news publishers declare for search engines.

Dates (:mod:`newsarchive.extraction.date_extraction`) and article fields
(:mod:`newsarchive.extraction.article_fields`) both read it, so script finding, unwrapping and the
walk through ``@graph``-style nesting live here once.

Pages are written by anyone: nesting is followed 8 levels deep, JSON nested too deeply
for the parser (``[[[[...``) counts as broken, and readers take at most
:data:`MAX_JSON_LD_OBJECTS` objects of a page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from typing import Any

from lxml import etree

# Plain ``str`` results (no "smart strings" holding a reference to their tree).
json_ld_scripts = etree.XPath(
    '//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]/text()', smart_strings=False
)
"""The texts of a tree's ``<script type="application/ld+json">`` elements."""

_NESTING_KEYS = ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "item")

MAX_JSON_LD_OBJECTS = 2_000
"""JSON-LD objects read per page, all scripts together (news pages: a few dozen)."""


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


def load_json(text: str, *, strict: bool = False) -> Any:
    """Parsed JSON; ``ValueError`` for broken JSON, nesting too deep for the parser included.

    ``strict=False`` (the default) accepts control characters inside strings, as pages need.
    """
    try:
        return json.loads(text, strict=strict)
    except RecursionError as exc:  # "[[[[..." a few thousand deep
        raise ValueError("JSON nested too deeply") from exc


def json_ld_objects(root: etree._Element, limit: int = MAX_JSON_LD_OBJECTS) -> Iterator[dict[str, Any]]:
    """The first ``limit`` JSON-LD objects of a page, in document order; broken scripts are skipped."""
    for script in json_ld_scripts(root):
        if limit <= 0:
            return
        try:
            data = load_json(unwrap(script))
        except ValueError:  # broken JSON-LD is common; the page's other sources remain
            continue
        for obj in islice(walk_json(data), limit):
            limit -= 1
            yield obj
