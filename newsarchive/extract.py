"""Selector evaluation for site definitions: CSS by default, XPath with an ``xpath:`` prefix.

A query either ends in a text/attribute pseudo-element (``::text``, ``::attr(href)``,
``text()``, ``@href``), giving strings, or selects elements, whose whole visible text
is used. Both forms appear in real site definitions, so both are accepted everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from parsel import Selector, SelectorList

from newsarchive.sitedef import XPATH_PREFIX

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_SKIP_TEXT_OF = "script|style|noscript|template"


def select(sel: Selector, query: str) -> SelectorList:
    """Run a site-definition query (CSS, or XPath after ``xpath:``) against ``sel``."""
    if query.startswith(XPATH_PREFIX):
        return sel.xpath(query[len(XPATH_PREFIX):].strip())
    return sel.css(query)


def node_text(node: Selector) -> str:
    """Visible text of one selected node: the string itself, or the element's text content."""
    root = node.root
    if isinstance(root, str):
        return squeeze(root)
    texts = node.xpath(f".//text()[not(ancestor::*[self::{_SKIP_TEXT_OF.replace('|', ' or self::')}])]").getall()
    return squeeze(" ".join(texts))


def texts(sel: Selector, query: str | None) -> list[str]:
    """Non-empty texts of every match, in document order.

    For a ``::text`` query the text nodes of one element are joined, so inline markup
    (``<a>``, ``<em>``) inside a paragraph does not split it.
    """
    if not query:
        return []
    matches = select(sel, query)
    if _selects_text_nodes(query):
        grouped = _join_text_nodes_by_parent(matches)
        return [t for t in grouped if t]
    return [t for t in (node_text(m) for m in matches) if t]


def first_text(sel: Selector, query: str | None) -> str | None:
    """The first non-empty text a query gives, or ``None``."""
    found = texts(sel, query)
    return found[0] if found else None


def squeeze(text: str) -> str:
    """Collapse runs of spaces inside lines and blank lines between them."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return " ".join(line for line in lines if line)


def _selects_text_nodes(query: str) -> bool:
    q = query.rstrip()
    return q.endswith("::text") or q.endswith("text()")


def _join_text_nodes_by_parent(matches: Iterable[Selector]) -> list[str]:
    """Group text nodes of a ``::text`` query by the element that holds them."""
    groups: list[list[str]] = []
    last_parent = None
    for m in matches:
        root = m.root
        parent = getattr(root, "getparent", lambda: None)()
        if parent is None or parent is not last_parent:
            groups.append([])
            last_parent = parent
        groups[-1].append(str(m.get()))
    return [squeeze(" ".join(g)) for g in groups]
