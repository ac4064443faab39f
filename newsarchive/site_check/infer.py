"""``[listing]`` selectors that reproduce what the automatic rules found on a page.

The automatic rules say where the teasers were (:attr:`AutoListing.signature`: the path of
their container and the block tag), not which selectors would find them. From that path
and the teasers' own links, candidate CSS selectors are built and each one is *run* on
the page with the crawl's :func:`~newsarchive.extraction.selectors.select` and
:func:`~newsarchive.extraction.selectors.first_text`: only selectors that give the same teasers (same
URLs and titles, in the same order), and a ``next_page`` selector that gives the same next
page, are kept. So a site file written from them crawls this page as the automatic rules
do, and keeps working when the automatic rules would not (a last page with two teasers).

Nothing is guessed: when no candidate reproduces the teasers, or the next page, there is
no inferred selector, and the site file relies on the automatic rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag

from lxml import etree
from scrapy.http import HtmlResponse

from newsarchive.extraction.selectors import element_text, first_text, select
from newsarchive.sources.auto_listing import AutoListing, Teaser

__all__ = ["InferredListing", "infer_listing"]

_IDENT = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_MAX_CANDIDATES = 40  # item selectors tried; each is one query over the page


@dataclass
class InferredListing:
    """Selectors that reproduce the automatic rules' teasers; ``next_page`` when it could be found."""

    rules: dict[str, str] = field(default_factory=dict)  # [listing] key -> selector
    paginates: bool = True  # the next page is reproduced too (or there is none)


def infer_listing(response: HtmlResponse, found: AutoListing) -> InferredListing | None:
    """Selectors for the teasers ``found`` on ``response``, or ``None`` when none reproduce them."""
    teasers = list(found.teasers)
    if not teasers or not found.signature:
        return None
    located = _container_segments(response, teasers[0], found.signature)
    if located is None:
        return None
    container, block = located
    for item in _item_candidates(container, block, found.signature.rpartition(" > ")[2]):
        blocks = select(response, item)
        if len(blocks) != len(teasers):
            continue
        link = _link_selectors(response, blocks, teasers)
        if link is None:
            continue
        rules = {"item": item, "url": link[0], "title": link[1]}
        summary = _field_selector(blocks, [t.summary for t in teasers], _summary_candidates)
        if summary:
            rules["summary"] = summary
        date = _field_selector(blocks, [t.date_text for t in teasers], _date_candidates)
        if date:
            rules["date"] = date
        inferred = InferredListing(rules)
        if found.next_page:
            next_page = _next_selector(response, found.next_page)
            if next_page:
                rules["next_page"] = next_page
            else:
                inferred.paginates = False
        return inferred
    return None


# -- teaser blocks --------------------------------------------------------------------


def _container_segments(response: HtmlResponse, teaser: Teaser, signature: str) -> tuple[list[str], Any] | None:
    """CSS steps from ``<body>`` to the teasers' container, with the classes the page really
    has, and the first teaser's block element."""
    path, _, tag = signature.rpartition(" > ")
    for anchor in _anchors_to(response, response.selector.root, teaser.url):
        el: Any = anchor
        while el is not None:
            parent = el.getparent()
            if parent is not None and el.tag == tag and _cpath(parent) == path:
                return _css_path(parent), el
            el = parent
    return None


def _anchors_to(response: HtmlResponse, root: Any, url: str) -> Iterator[Any]:
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href and _absolute(response, href) == url:
            yield anchor


def _absolute(response: HtmlResponse, href: str) -> str:
    try:
        return urldefrag(response.urljoin(href))[0]
    except ValueError:
        return ""


def _ancestors_from_body(el: Any) -> list[Any]:
    chain = []
    while el is not None and isinstance(el.tag, str):
        chain.append(el)
        if el.tag == "body":
            break
        el = el.getparent()
    return chain[::-1]


def _cpath(el: Any) -> str:
    """The automatic rules' path of ``el``: tags, with the first class less its digits."""
    steps = []
    for node in _ancestors_from_body(el):
        first = (node.get("class") or "").split()
        key = "".join(c for c in first[0] if not c.isdigit()) if first and node.tag != "body" else ""
        steps.append(f"{node.tag}.{key}" if key else node.tag)
    return "/".join(steps)


def _css_path(el: Any) -> list[str]:
    return [_step(node) if node.tag != "body" else "body" for node in _ancestors_from_body(el)]


def _step(el: Any) -> str:
    cls = _first_class(el)
    return f"{el.tag}.{cls}" if cls else el.tag


def _first_class(el: Any) -> str | None:
    classes = (el.get("class") or "").split()
    return classes[0] if classes and _IDENT.match(classes[0]) else None


def _item_candidates(container: list[str], block: Any, tag: str) -> Iterator[str]:
    """The block's own class alone (``div.story``), then under the shortest container paths
    first (``main.content > div.story``, then longer ones), then the bare tag likewise."""
    own = _step(block)
    if own != tag:
        yield own
    for step in dict.fromkeys((own, tag)):
        for n in range(1, min(len(container), _MAX_CANDIDATES) + 1):
            yield " > ".join([*container[-n:], step])


def _link_selectors(response: HtmlResponse, blocks: Any, teasers: list[Teaser]) -> tuple[str, str] | None:
    """``url`` and ``title`` selectors giving each teaser's URL and title."""
    first = blocks[0].root
    tried: set[tuple[str, str]] = set()
    for anchor in _anchors_to(response, first, teasers[0].url):
        heading = _heading_of(anchor, first)
        links = []
        if heading is not None:
            cls = _first_class(heading)
            links += ([f"{heading.tag}.{cls} a"] if cls else []) + [f"{heading.tag} a"]
        if _first_class(anchor):
            links.append(f"a.{_first_class(anchor)}")
        links.append("a")
        for link in links:
            titles = [link] + ([_step(heading), heading.tag] if heading is not None else [])
            for title in titles:
                pair = (f"{link}::attr(href)", title)
                if pair in tried:
                    continue
                tried.add(pair)
                if _reproduces(response, blocks, teasers, *pair):
                    return pair
    return None


def _heading_of(anchor: Any, block: Any) -> Any:
    el = anchor
    while el is not None:
        if el.tag in _HEADINGS:
            return el
        if el is block:
            return None
        el = el.getparent()
    return None


def _reproduces(response: HtmlResponse, blocks: Any, teasers: list[Teaser], url: str, title: str) -> bool:
    for block, teaser in zip(blocks, teasers):
        href = first_text(block, url)
        if not href or _absolute(response, href) != teaser.url:
            return False
        if _norm(first_text(block, title)) != _norm(teaser.title):
            return False
    return True


# -- summary and date -----------------------------------------------------------------


def _field_selector(blocks: Any, expected: list[str | None], candidates: Any) -> str | None:
    """The first candidate giving every teaser's value where the automatic rules found one."""
    wanted = [(b, _norm(v)) for b, v in zip(blocks, expected) if v]
    if not wanted:
        return None
    block, value = wanted[0]
    for query in candidates(block.root, value):
        if all(_norm(first_text(b, query)) == v for b, v in wanted):
            return query
    return None


def _summary_candidates(block: Any, value: str) -> Iterator[str]:
    for el in block.iter():
        if not isinstance(el.tag, str) or el.tag in ("a", *_HEADINGS) or el is block:
            continue
        if _norm(element_text(el)) == value:
            if _first_class(el):
                yield _step(el)
            yield el.tag


def _date_candidates(block: Any, value: str) -> Iterator[str]:
    for el in block.iter("time"):
        if _norm(el.get("datetime")) == value:
            yield "time::attr(datetime)"
        if _norm(element_text(el)) == value:
            yield "time"
    yield from _summary_candidates(block, value)


# -- next page ------------------------------------------------------------------------


def _next_selector(response: HtmlResponse, next_url: str) -> str | None:
    """A ``next_page`` selector whose every match is the next page (never a page number)."""
    root = response.selector.root
    candidates: list[str] = []
    for link in root.iter("link"):
        if "next" in (link.get("rel") or "").lower().split() and _absolute(response, link.get("href") or "") == next_url:
            candidates.append("link[rel~=next]::attr(href)")
    for anchor in _anchors_to(response, root, next_url):
        if "next" in (anchor.get("rel") or "").split():
            candidates.append("a[rel~=next]::attr(href)")
        if _first_class(anchor):
            candidates.append(f"a.{_first_class(anchor)}::attr(href)")
        parent = anchor.getparent()
        if parent is not None and isinstance(parent.tag, str) and _first_class(parent):
            candidates.append(f"{_step(parent)} > a::attr(href)")
        label = _norm(element_text(anchor))
        if label and len(label) <= 30 and not any(c.isdigit() for c in label) and '"' not in label:
            candidates.append(f'xpath://a[normalize-space()="{label}"]/@href')
    for query in dict.fromkeys(candidates):
        try:
            values = select(response, query).getall()
        except (ValueError, etree.XPathError):
            continue
        if values and {_absolute(response, v.strip()) for v in values} == {next_url}:
            return query
    return None


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())
