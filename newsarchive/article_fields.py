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
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Union

from lxml import etree

from newsarchive.date_extraction import CHROME_LABELS
from newsarchive.extract import element_text, first_text, squeeze, texts
from newsarchive.json_ld import json_ld_objects
from newsarchive.sitedef import ArticleRules


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
            self._json_ld = [] if self.root is None else list(json_ld_objects(self.root))
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
            lines = [squeeze(line) for line in html.unescape(value).splitlines()]
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
    class/id naming a menu, sidebar, related links, comments, newsletter...).
    """
    if ctx.root is None:
        return []
    scores: dict[etree._Element, float] = {}
    for p in ctx.root.iter("p"):
        if _inside(p, None, furniture=False):
            continue
        length = len(element_text(p))
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
    for part in best.iter(*_BODY_PARTS):
        if _inside(part, best, furniture=True):
            continue
        text = element_text(part)
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

    @property
    def body_text(self) -> str | None:
        """The body as the item stores it: paragraphs joined by a blank line."""
        return "\n\n".join(self.body) or None


def extract_article_fields(page: Any, rules: ArticleRules | None = None) -> ArticleFields:
    """Fields of one article page: a Scrapy ``TextResponse`` or a parsel ``Selector``.

    ``rules`` are the site's article selectors; unset ones (or no rules at all) use the
    generic fallbacks.
    """
    rules = rules or ArticleRules()
    ctx = PageContext(page)
    title = first_text(page, rules.title) if rules.title else _first_text(ctx, FALLBACK_TITLE)
    body = texts(page, rules.body) if rules.body else _first_nonempty(ctx, FALLBACK_BODY)
    authors = texts(page, rules.authors) if rules.authors else _first_nonempty(ctx, FALLBACK_AUTHORS)
    tags = texts(page, rules.tags) if rules.tags else _first_nonempty(ctx, FALLBACK_TAGS)
    return ArticleFields(
        title=title,
        body=body,
        authors=_unique([_strip_by(a) for a in authors]),
        tags=_unique(tags),
        section=first_text(page, rules.section),
        language=page_language(page),
    )


def page_language(page: Any) -> str | None:
    """Primary subtag of ``<html lang>``, lower-cased (``"en-GB"`` -> ``"en"``), or ``None``."""
    lang = page.xpath("/html/@lang").get()
    if not lang:
        return None
    return lang.strip().split("-")[0].split("_")[0].lower() or None


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


def _names(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        if isinstance(value.get("name"), str):
            yield value["name"]
    elif isinstance(value, list):
        for item in value:
            yield from _names(item)


def _ld_text(value: str) -> str:
    """JSON-LD strings are often HTML-escaped a second time (``&quot;``, ``&#8216;``)."""
    return squeeze(html.unescape(value))


def _inside(element: etree._Element, stop: etree._Element | None, *, furniture: bool) -> bool:
    """Whether ``element`` or an ancestor below ``stop`` is never body (or page furniture)."""
    node: etree._Element | None = element
    while node is not None and node is not stop:
        tag = node.tag
        if isinstance(tag, str):
            if tag in _NOT_BODY:
                return True
            if furniture:
                labels = f"{node.get('class') or ''} {node.get('id') or ''}".strip()
                if labels and CHROME_LABELS.search(labels):
                    return True
        node = node.getparent()
    return False


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
