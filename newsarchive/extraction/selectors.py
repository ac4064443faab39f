"""Selector evaluation for site definitions: CSS by default, XPath with an ``xpath:`` prefix.

A query either ends in a text/attribute pseudo-element (``::text``, ``::attr(href)``,
``text()``, ``@href``), giving strings, or selects elements, whose whole visible text
is used. Both forms appear in real site definitions, so both are accepted everywhere.

:func:`texts` and :func:`first_text` run on every teaser and article, so they evaluate
the query straight on the lxml tree (XPath compiled once per query) instead of wrapping
every match in a parsel ``Selector``; the results are the same as ``select()`` gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from lxml import etree
from parsel import Selector, SelectorList, css2xpath

from newsarchive.sites.definition import XPATH_PREFIX

# What squeeze() turns into plain spaces inside a line (\r, \f and \v end a line there).
_LINE_SPACES = ("\t", "\u00a0", "\u200b")
_SKIP_TEXT_OF = "script|style|noscript|template"
_VISIBLE_TEXT = etree.XPath(
    f".//text()[not(ancestor::*[self::{_SKIP_TEXT_OF.replace('|', ' or self::')}])]",
    smart_strings=False,
)


def select(sel: Selector, query: str) -> SelectorList:
    """Run a site-definition query (CSS, or XPath after ``xpath:``) against ``sel``."""
    if query.startswith(XPATH_PREFIX):
        return sel.xpath(query[len(XPATH_PREFIX):].strip())
    return sel.css(query)


def node_text(node: Selector) -> str:
    """Visible text of one selected node: the string itself, or the element's text content."""
    return element_text(node.root)




def texts(sel: Selector, query: str | None) -> list[str]:
    """Non-empty texts of every match, in document order.

    For a ``::text`` query the text nodes of one element are joined, so inline markup
    (``<a>``, ``<em>``) inside a paragraph does not split it.
    """
    if not query:
        return []
    return list(_iter_texts(sel, query))


def first_text(sel: Selector, query: str | None) -> str | None:
    """The first non-empty text a query gives, or ``None``."""
    if not query:
        return None
    return next(_iter_texts(sel, query), None)


def first_link(sel: Selector, query: str | None) -> str | None:
    """The first link a ``url`` or ``next_page`` query gives, or ``None``.

    A query ending in ``::attr(href)`` (or ``@href``) gives the link itself. One that
    selects an element (``h3 a``, ``a.next``) gives that element's ``href``, or the
    ``href`` of the first link inside it, as Scrapy's ``response.follow`` does with an
    ``<a>``: the link text is never taken for a URL.
    """
    if not query:
        return None
    sel = getattr(sel, "selector", sel)
    for match in _matches(sel, query):
        if isinstance(match, str):
            link = squeeze(match)
        elif isinstance(match, etree._Element):
            link = _href_of(match)
        else:
            continue
        if link:
            return link
    return None


def _href_of(element: Any) -> str:
    """``href`` of an element, or of the first element with one inside it."""
    href = element.get("href")
    if href is None and isinstance(element.tag, str):
        inner = next((e for e in element.iterdescendants() if isinstance(e.tag, str) and e.get("href")), None)
        href = inner.get("href") if inner is not None else None
    return (href or "").strip()


# Characters str.split() takes for whitespace that squeeze keeps (neither a line break nor
# one of _LINE_SPACES): a text without any of them squeezes as " ".join(text.split()).
_KEPT_SPACES = ("\x1f", "\u1680", *map(chr, range(0x2000, 0x200B)), "\u202f", "\u205f", "\u3000")


def squeeze(text: str) -> str:
    """Collapse runs of spaces inside lines and blank lines between them.

    Line breaks, spaces, tabs, no-break and zero-width spaces all separate words; other
    Unicode spaces (``\u3000``, thin spaces...) are kept as they are.
    """
    if "\x1f" not in text if text.isascii() else not any(char in text for char in _KEPT_SPACES):
        if "\u200b" in text:  # not whitespace to str.split()
            text = text.replace("\u200b", " ")
        return " ".join(text.split())  # in C: this runs on every paragraph of every page
    lines = (_squeeze_line(line) for line in text.splitlines())
    return " ".join(line for line in lines if line)


def _squeeze_line(line: str) -> str:
    """One line with tabs, no-break and zero-width spaces as spaces, runs collapsed, trimmed.

    Plain ``str`` methods: a regex rewriting every single space between words costs
    several times more, and this runs on every paragraph of every page.
    """
    for char in _LINE_SPACES:
        if char in line:
            line = line.replace(char, " ")
    return " ".join(part for part in line.split(" ") if part).strip()


def _iter_texts(sel: Selector, query: str) -> Iterator[str]:
    """The non-empty texts of :func:`texts`, computed only as far as the caller reads."""
    sel = getattr(sel, "selector", sel)  # a Scrapy response: query its parsed page
    matches = _matches(sel, query)
    if _selects_text_nodes(query):
        method = "xml" if getattr(sel, "type", None) == "xml" else "html"
        found: Iterable[str] = _join_text_nodes_by_parent(matches, method)
    else:
        found = (element_text(m) for m in matches)
    return (t for t in found if t)


def _matches(sel: Selector, query: str) -> list[Any]:
    """What the query selects, as raw lxml results (the ``root`` of each parsel match)."""
    root = getattr(sel, "root", None)
    if getattr(sel, "type", None) != "html" or not isinstance(root, etree._Element):
        return [m.root for m in select(sel, query)]  # XML, a SelectorList...: let parsel do it
    if query.startswith(XPATH_PREFIX):
        xpath = query[len(XPATH_PREFIX):].strip()
    else:
        xpath = css2xpath(query)
    try:
        result = _compiled(xpath, tuple(sel.namespaces.items()))(root)
    except etree.XPathError as exc:
        raise ValueError(f"XPath error: {exc} in {xpath}") from None
    return result if isinstance(result, list) else [result]


@lru_cache(maxsize=512)
def _compiled(xpath: str, namespaces: tuple[tuple[str, str], ...]) -> etree.XPath:
    """Compile a query once; plain ``str`` results, like parsel (no smart strings).

    Prefixes the query does not use are left out, as parsel does.
    """
    used = {prefix: uri for prefix, uri in namespaces if f"{prefix}:" in xpath}
    return etree.XPath(xpath, namespaces=used, smart_strings=False)


def element_text(match: Any) -> str:
    """Squeezed text of a match: a string as is, an element's text outside scripts/styles."""
    if isinstance(match, str):
        return squeeze(match)
    if isinstance(match, etree._Element):
        return squeeze(" ".join(_VISIBLE_TEXT(match)))
    return ""  # a number or boolean from an XPath function has no text nodes


def _selects_text_nodes(query: str) -> bool:
    q = query.rstrip()
    return q.endswith("::text") or q.endswith("text()")


def _join_text_nodes_by_parent(matches: Iterable[Any], method: str) -> Iterator[str]:
    """Group text nodes of a ``::text`` query by the element that holds them."""
    group: list[str] = []
    last_parent = None
    for match in matches:
        parent = match.getparent() if isinstance(match, etree._Element) else None
        if group and (parent is None or parent is not last_parent):
            yield squeeze(" ".join(group))
            group = []
        last_parent = parent
        group.append(_serialized(match, method))
    if group:
        yield squeeze(" ".join(group))


def _serialized(match: Any, method: str) -> str:
    """``Selector.get()`` of a match: strings as is, elements as markup."""
    if isinstance(match, str):
        return match
    return str(Selector(root=match, type=method).get())
