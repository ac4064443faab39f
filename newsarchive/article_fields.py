"""Article-page fields (title, body, authors, tags, section, language) from one page.

:func:`extract_article_fields` is what :meth:`ListingSpider.parse_article
<newsarchive.listing_spider.ListingSpider.parse_article>` runs on every article page, and
what ``bench/article_accuracy.py`` scores against real pages, so both share one code path.
A selector the site definition sets is used as is; where it leaves one unset, the generic
fallbacks below apply, in order, and the first that gives any text wins. A fallback is a
site-definition query (CSS, or XPath after ``xpath:``) or a function of the page:

* JSON-LD: ``headline``, ``author`` names and ``articleBody`` of the page's
  ``Article``/``NewsArticle``/``BlogPosting``... object (what publishers declare for
  search engines);
* :func:`densest_paragraphs`: the paragraphs of the element whose ``<p>`` children
  (and, at half weight, grandchildren) hold the most text, without those in navigation,
  asides, figures, related-links or comment blocks inside it.

The publication date has its own extractor (:func:`~newsarchive.date_extraction.extract_published`).

Work per page is bounded: a page of more than :data:`MAX_PAGE_NODES` nodes is read in a
copy of its first ones (``ArticleFields.truncated`` says so, and it is logged), at most
:data:`MAX_PARAGRAPHS` paragraphs are scored, and every walk over the tree is linear
(nothing asks each node for all its ancestors, on pages nested 2,000 deep).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Union
from urllib.parse import urlsplit

import parsel
from lxml import etree

from newsarchive.date_extraction import CHROME_LABELS, first_nodes, iter_nodes
from newsarchive.extract import first_text, squeeze, texts
from newsarchive.json_ld import json_ld_objects
from newsarchive.sitedef import ArticleRules

logger = logging.getLogger(__name__)

MAX_PAGE_NODES = 50_000
"""Nodes (elements, comments; document order) of an article page that are read.

A larger page is read in a copy of its first 50,000 nodes, its other fields and body
paragraphs are lost (logged, and ``ArticleFields.truncated``). News article pages have a
few hundred to a few thousand (the 275 real pages of the test corpus: at most 4,274); every
query over the whole tree costs about a second per million nodes, and the generic
fallbacks run a dozen of them.
"""
MAX_PARAGRAPHS = 5_000
"""``<p>`` elements scored by :func:`densest_paragraphs` (real pages: at most 167)."""


class PageContext:
    """One page as the fallbacks see it: the page, its lxml root, its JSON-LD objects."""

    def __init__(self, page: Any) -> None:
        self.page = page
        root = getattr(getattr(page, "selector", page), "root", None)
        self.root: etree._Element | None = root if isinstance(root, etree._Element) else None
        self._json_ld: list[dict[str, Any]] | None = None

    @property
    def json_ld(self) -> list[dict[str, Any]]:
        """The page's JSON-LD objects (``@graph`` members included), in document order, parsed once."""
        if self._json_ld is None:
            self._json_ld = [] if self.root is None else list(json_ld_objects(self.root))  # MAX_JSON_LD_OBJECTS at most
        return self._json_ld


#: A fallback: a site-definition query, or a function giving the texts it finds.
Fallback = Union[str, Callable[[PageContext], list[str]]]


def json_ld_headline(ctx: PageContext) -> list[str]:
    """The first JSON-LD ``headline``."""
    for obj in ctx.json_ld:
        value = obj.get("headline")
        if isinstance(value, str) and (text := _ld_text(value)):
            return [text]
    return []


def json_ld_authors(ctx: PageContext) -> list[str]:
    """``author`` names (strings, or objects with a ``name``) of the first JSON-LD article with any.

    Only article types count: an image's or a web page's author is not the article's.
    """
    for obj in ctx.json_ld:
        types = obj.get("@type", "")
        if not _LD_ARTICLE_TYPE.search(" ".join(map(str, types)) if isinstance(types, list) else str(types)):
            continue
        names = [_ld_text(n) for n in _names(obj.get("author"))]
        names = [n for n in names if n and not n.startswith(("http://", "https://"))]
        if names:
            return names
    return []


def json_ld_article_body(ctx: PageContext) -> list[str]:
    """The lines of the first JSON-LD ``articleBody``."""
    for obj in ctx.json_ld:
        value = obj.get("articleBody")
        if isinstance(value, str):
            lines = [squeeze(line) for line in _unescape(value).splitlines()]
            if any(lines):
                return [line for line in lines if line]
    return []


# A paragraph's text counts fully for its parent and at these weights further up.
_ANCESTOR_WEIGHTS = (1.0, 0.5)
# Never article text, and never holding it: paragraphs inside are not scored or kept.
_NOT_BODY = frozenset({"nav", "header", "footer", "aside", "form", "figure", "figcaption",
                       "noscript", "template", "button", "select"})
_BODY_PARTS = ("p", "h2", "h3")


def densest_paragraphs(ctx: PageContext) -> list[str]:
    """Paragraphs and subheadings of the element holding the most paragraph text.

    Each ``<p>`` outside navigation, headers, footers, asides, forms and figures adds its
    text length to its parent and half of it to its grandparent; the best-scored element
    wins (the first one on a tie). Its ``<p>``, ``<h2>`` and ``<h3>`` are kept in document
    order, except those inside a part of it that is page furniture (same tags, or a
    class/id naming a menu, sidebar, related links, comments, newsletter...). The first
    :data:`MAX_PARAGRAPHS` paragraphs of the page are scored.
    """
    if ctx.root is None:
        return []
    scores: dict[etree._Element, float] = {}
    not_body: dict[etree._Element, bool] = {}
    for p in islice(iter_nodes(ctx.root, ("p",)), MAX_PARAGRAPHS):
        if _inside(p, None, not_body, furniture=False):
            continue
        length = len(_text(p))
        if not length:
            continue
        holder = p.getparent()
        for weight in _ANCESTOR_WEIGHTS:
            if holder is None:
                break
            scores[holder] = scores.get(holder, 0.0) + length * weight
            holder = holder.getparent()
    if not scores:
        return []
    best = max(scores, key=scores.__getitem__)
    found = []
    furniture: dict[etree._Element, bool] = {}
    for part in iter_nodes(best, _BODY_PARTS):
        if _inside(part, best, furniture, furniture=True):
            continue
        text = _text(part)
        if text:
            found.append(text)
    return found


# Generic fallbacks when a site definition leaves an article selector unset.
FALLBACK_TITLE: tuple[Fallback, ...] = (
    "h1.entry-title",
    json_ld_headline,
    "xpath://meta[@property='og:title']/@content",
    "article h1",
    "h1",
)
FALLBACK_BODY: tuple[Fallback, ...] = (
    "[itemprop=articleBody] p",
    ".entry-content p",
    densest_paragraphs,
    json_ld_article_body,
)
FALLBACK_AUTHORS: tuple[Fallback, ...] = (
    json_ld_authors,
    "[itemprop=author] [itemprop=name]",
    "[rel=author]",
    ".byline a",
    "xpath://meta[@name='author']/@content",
)
FALLBACK_TAGS: tuple[Fallback, ...] = ("a[rel~=tag]",)


@dataclass
class ArticleFields:
    """What an article page gives, before the teaser fills the gaps."""

    title: str | None = None
    body: list[str] = field(default_factory=list)  # paragraphs, in document order
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    section: str | None = None
    language: str | None = None
    truncated: bool = False  # the page had more than MAX_PAGE_NODES nodes: read its first ones
    fallbacks: tuple[str, ...] = ()  # fields whose site selector found nothing: the generic rules' instead

    @property
    def body_text(self) -> str | None:
        """The body as the item stores it: paragraphs joined by a blank line."""
        return "\n\n".join(self.body) or None


def extract_article_fields(page: Any, rules: ArticleRules | None = None) -> ArticleFields:
    """Fields of one article page: a Scrapy ``TextResponse`` or a parsel ``Selector``.

    ``rules`` are the site's article selectors; unset ones (or no rules at all) use the
    generic fallbacks. So do a ``title`` or ``body`` selector that finds nothing on the
    page (every article has both: the site was redesigned), named in ``fallbacks``.
    """
    rules = rules or ArticleRules()
    page, truncated = _first_nodes_of(page)
    ctx = PageContext(page)
    fallbacks = []
    title = first_text(page, rules.title) if rules.title else None
    if title is None:
        title = _first_text(ctx, FALLBACK_TITLE)
        if title is not None:
            title = without_site_name(title, page)
        if rules.title and title is not None:
            fallbacks.append("title")
    body = texts(page, rules.body) if rules.body else []
    if not body:
        body = _first_nonempty(ctx, FALLBACK_BODY)
        if rules.body and body:
            fallbacks.append("body")
    authors = texts(page, rules.authors) if rules.authors else _first_nonempty(ctx, FALLBACK_AUTHORS)
    tags = texts(page, rules.tags) if rules.tags else _first_nonempty(ctx, FALLBACK_TAGS)
    return ArticleFields(
        title=title,
        body=body,
        authors=_unique([_strip_by(a) for a in authors]),
        tags=_unique(tags),
        section=first_text(page, rules.section),
        language=page_language(page),
        truncated=truncated,
        fallbacks=tuple(fallbacks),
    )


def _first_nodes_of(page: Any) -> tuple[Any, bool]:
    """``page``, or a selector on a copy of its first :data:`MAX_PAGE_NODES` nodes (and whether)."""
    sel = getattr(page, "selector", page)
    root = getattr(sel, "root", None)
    if getattr(sel, "type", None) != "html" or not isinstance(root, etree._Element):
        return page, False
    first = first_nodes(root, MAX_PAGE_NODES)
    if first is None:
        return page, False
    logger.info("Article fields of %s: only the first %d nodes of the page read (MAX_PAGE_NODES)",
                getattr(page, "url", None) or "a page", MAX_PAGE_NODES)
    return parsel.Selector(root=first, type="html"), True


def page_language(page: Any) -> str | None:
    """Primary subtag of ``<html lang>``, lower-cased (``"en-GB"`` -> ``"en"``), or ``None``."""
    lang = page.xpath("/html/@lang").get()
    if not lang:
        return None
    return lang.strip().split("-")[0].split("_")[0].lower() or None


#: What sites put between a headline and their name in ``<title>``/``og:title``.
TITLE_SEPARATORS = ("|", "｜", "-", "–", "—", "·", "•", "::", "«", "»", "‹", "›", "~")


def without_site_name(title: str, page: Any) -> str:
    """``title`` without a site-name suffix or prefix (``Headline | Site``), when the page
    says which part is the headline: its ``<h1>`` is that part alone (the longer part, or
    the other part names the site: its ``og:site_name`` or its host), or the part added is
    the ``og:site_name``."""
    site = first_text(page, "xpath://meta[@property='og:site_name']/@content")
    h1 = first_text(page, "article h1") or first_text(page, "h1")
    if h1 and h1 != title and len(h1) >= 8 and not _same_words(h1, site):
        added = None
        if title.startswith(h1) and _separated(title[len(h1):]):
            added = title[len(h1):]
        elif title.endswith(h1) and _separated(title[: -len(h1)][::-1]):
            added = title[: -len(h1)]
        # an <h1> around the site's logo is no headline: the headline is the longer part
        if added is not None and (len(h1) > len(added) or _names_site(added, site, getattr(page, "url", None))):
            return h1
    if site and site != title:
        if title.endswith(site):
            rest = title[: -len(site)].rstrip()
            if rest.endswith(TITLE_SEPARATORS):
                return rest.rstrip("".join(TITLE_SEPARATORS) + " ") or title
        if title.startswith(site):
            rest = title[len(site):].lstrip()
            if rest.startswith(TITLE_SEPARATORS):
                return rest.lstrip("".join(TITLE_SEPARATORS) + " ") or title
    return title


def _same_words(a: str, b: str | None) -> bool:
    return bool(b) and "".join(a.lower().split()) == "".join(b.lower().split())  # type: ignore[union-attr]


def _names_site(part: str, site: str | None, url: str | None) -> bool:
    """Whether ``part`` (what a title adds to its headline) is the site's name."""
    squeezed = "".join(ch for ch in part.lower() if ch.isalnum())
    if site and "".join(ch for ch in site.lower() if ch.isalnum()) in squeezed:
        return True
    host = urlsplit(url).hostname if url else None
    labels = [label for label in (host or "").split(".") if len(label) >= 4 and label not in ("www", "news")]
    return any(label.replace("-", "") in squeezed for label in labels[:-1] or labels)


def _separated(rest: str) -> bool:
    """Whether ``rest`` (what follows the headline) opens with a title separator."""
    rest = rest.lstrip()
    return bool(rest) and rest.startswith(TITLE_SEPARATORS)


def _first_text(ctx: PageContext, fallbacks: tuple[Fallback, ...]) -> str | None:
    for fallback in fallbacks:
        found = first_text(ctx.page, fallback) if isinstance(fallback, str) else next(iter(fallback(ctx)), None)
        if found:
            return found
    return None


def _first_nonempty(ctx: PageContext, fallbacks: tuple[Fallback, ...]) -> list[str]:
    for fallback in fallbacks:
        found = texts(ctx.page, fallback) if isinstance(fallback, str) else fallback(ctx)
        if found:
            return found
    return []


_LD_ARTICLE_TYPE = re.compile(r"(?:Article|Posting|Report)\b")  # NewsArticle, BlogPosting...


def _names(value: Any, depth: int = 0) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        if isinstance(value.get("name"), str):
            yield value["name"]
    elif isinstance(value, list) and depth < 8:  # as deep as walk_json goes, no deeper
        for item in value:
            yield from _names(item, depth + 1)


def _ld_text(value: str) -> str:
    """JSON-LD strings are often HTML-escaped a second time (``&quot;``, ``&#8216;``)."""
    return squeeze(_unescape(value))


# A numeric character reference with more digits than any code point has.
# Leading zeros, then a significant digit: the two never compete for the same digit.
_HUGE_CHARREF = re.compile(r"&#(?:[xX]0*[1-9a-fA-F][0-9a-fA-F]{6,}|0*[1-9][0-9]{7,});?")


def _unescape(value: str) -> str:
    """:func:`html.unescape`, without its ``ValueError`` on a reference of 4,300 digits or more.

    Any reference beyond U+10FFFF is U+FFFD for ``html.unescape``; such references are
    replaced first, so that it never converts their digits (``int()`` refuses more than
    4,300 and is quadratic below that).
    """
    if "&#" in value:
        value = _HUGE_CHARREF.sub("\ufffd", value)
    return html.unescape(value)


def _inside(element: etree._Element, stop: etree._Element | None, memo: dict[etree._Element, bool],
            *, furniture: bool) -> bool:
    """Whether ``element`` or an ancestor below ``stop`` is never body (or page furniture).

    ``memo`` (one per ``stop`` and ``furniture``) remembers the answer for every node on
    the way up, so that asking for each paragraph of a page nested 2,000 deep costs one
    walk over its ancestors in all, not one per paragraph.
    """
    path: list[etree._Element] = []
    node: etree._Element | None = element
    found = False
    while node is not None and node is not stop:
        known = memo.get(node)
        if known is not None:
            found = known
            break
        path.append(node)
        tag = node.tag
        if isinstance(tag, str):
            if tag in _NOT_BODY:
                found = True
                break
            if furniture:
                labels = f"{node.get('class') or ''} {node.get('id') or ''}".strip()
                if labels and CHROME_LABELS.search(labels):
                    found = True
                    break
        node = node.getparent()
    for seen in path:
        memo[seen] = found
    return found


_NO_TEXT = frozenset({"script", "style", "noscript", "template"})


def _text(element: etree._Element) -> str:
    """:func:`~newsarchive.extract.element_text` of an element, in one walk over its subtree.

    Equal to it for an element that does not itself sit inside a script, style,
    noscript or template element (:func:`_inside` skips those): ``element_text`` asks
    every text node for all its ancestors, which on a page nested 2,000 deep costs
    2,000 steps per text node.
    """
    if element.tag in _NO_TEXT:
        return ""
    if not len(element):  # no children (the common paragraph): its own text is all of it
        return squeeze(element.text or "")
    pieces: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if event == "start":
            if node is not element and node.tag in _NO_TEXT:
                walker.skip_subtree()
                continue
            if node.text:
                pieces.append(node.text)
        elif node is not element and node.tail:  # "end", "comment", "pi"
            pieces.append(node.tail)
    return squeeze(" ".join(pieces))


def _strip_by(author: str) -> str:
    lowered = author.lower()
    for prefix in ("by ", "от "):
        if lowered.startswith(prefix):
            return author[len(prefix):].strip()
    return author.strip()


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return out
