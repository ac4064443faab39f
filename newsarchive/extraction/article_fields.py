"""Article-page fields (title, body, authors, tags, section, language) from one page.

:func:`extract_article_fields` is what :meth:`ListingSpider.parse_article
<newsarchive.sources.listing_spider.ListingSpider.parse_article>` runs on every article page, and
what ``bench/article_accuracy.py`` scores against real pages, so both share one code path.
A selector the site definition sets is used as is; where it leaves one unset, the generic
fallbacks below apply, in order, and the first that gives any text wins. A fallback is a
site-definition query (CSS, or XPath after ``xpath:``) or a function of the page:

* JSON-LD: ``headline``, ``author`` names and ``articleBody`` of the page's
  ``Article``/``NewsArticle``/``BlogPosting``... object (what publishers declare for
  search engines; of several, the one whose headline the page shows); never a
  ``WebSite``'s or ``Organization``'s name, nor a headline that is the site's name;
* titles (:func:`generic_title`): then ``og:title``, ``twitter:title`` (unescaped once
  more when a CMS escaped them twice), the ``<h1>`` (unless it is the site's logo; of
  several, the one the ``<title>`` repeats) and last the document ``<title>``, none that
  is the site's own name, each without a site-name suffix or prefix
  (:func:`without_site_name`: one the ``<h1>`` or another of the page's titles shows to
  be no part of the headline, or that the site's declared names name: ``og:site_name``,
  JSON-LD publisher, ``application-name``, ``twitter:site``; or the host), nor a section
  (``article:section``) or date the title template adds;
* :func:`densest_paragraphs`: the paragraphs (``<p>``, or ``<div>``s holding text, split
  at ``<br>``; link text not counted) of the element holding the most paragraph text,
  merged with the blocks of the same kind beside it (never classless rows of a layout
  table) or of the same class elsewhere, and with the paragraphs of their container (a
  story interrupted by ads, newsletter boxes or images), with its subheadings, lists and
  quotes, without those in navigation, asides, figures, galleries, video players,
  bylines, author boxes, hidden widgets, related-links or comment blocks inside it, nor
  other stories' teasers (an ``<article>`` inside the story's, a list item or subheading
  that is a linked headline); the densest block replaces a marked body
  (``itemprop=articleBody``, ``.entry-content``) only when it holds it and much more,
  and the JSON-LD ``articleBody`` (unless it only repeats the story) wins when it holds
  much more of the story (:func:`generic_body`); a standfirst shown with the headline
  whose text is the page's description opens the body when the body lacks it
  (:func:`standfirst`);
* authors are cleaned (:func:`clean_authors`: no e-mail addresses, URL slugs, dates,
  bracketed credit lines, the publisher's name while a person is named), taken from the
  story's own ``<article>``, never from a byline's buttons (links to ``#``);
* the language is the declared one, checked against the text (:mod:`newsarchive.extraction.language`).

The publication date has its own extractor (:func:`~newsarchive.extraction.date_extraction.extract_published`).

Work per page is bounded: a page of more than :data:`MAX_PAGE_NODES` nodes is read in a
copy of its first ones (``ArticleFields.truncated`` says so, and it is logged), at most
:data:`MAX_PARAGRAPHS` paragraphs are scored, and every walk over the tree is linear
(nothing asks each node for all its ancestors, on pages nested 2,000 deep).
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Union
from urllib.parse import urlsplit

import parsel
from lxml import etree
from parsel import css2xpath

from newsarchive.extraction.date_extraction import CHROME_LABELS, first_nodes
from newsarchive.extraction.json_ld import json_ld_objects
from newsarchive.extraction.language import choose_language
from newsarchive.extraction.selectors import first_text, squeeze, texts
from newsarchive.sites.definition import ArticleRules

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
"""``<p>`` elements and text-holding ``<div>``/``<td>``/``<section>``/``<article>`` elements
scored by :func:`densest_paragraphs`, together (real pages: at most 167 ``<p>``)."""
MAX_MERGE_STEPS = 50_000
"""Child elements :func:`densest_paragraphs` looks at per page to find the blocks of a
story split over several containers (real pages: a few hundred to a few thousand)."""


class PageContext:
    """One page as the fallbacks see it: the page, its lxml root, its JSON-LD objects."""

    def __init__(self, page: Any) -> None:
        self.page = page
        root = getattr(getattr(page, "selector", page), "root", None)
        self.root: etree._Element | None = root if isinstance(root, etree._Element) else None
        self._json_ld: list[dict[str, Any]] | None = None
        self._story_article: etree._Element | None | bool = False
        self._h1s: list[etree._Element] | None = None
        self._headline: etree._Element | None | bool = False
        self._source: str | None | bool = False
        self._held: dict[str, bool] = {}  # may_hold's answers, per word
        self.publishers: set[str] | None = None  # _publisher_names, once computed
        self.site_names: list[str] | None = None  # site_names, once computed
        self._metas: dict[tuple[str, str], list[str]] | None = None
        self.title_parts: tuple[tuple[str, ...], str | None] | None = None  # _title_parts, once computed
        self.more_title_parts: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # _more_title_parts

    def meta(self, attribute: str, value: str, head_only: bool = False) -> list[str]:
        """The ``content`` values of the page's ``<meta attribute="value">`` elements
        (``attribute``: ``name`` or ``property``), squeezed, non-empty: those of ``<head>``
        read in one walk for all questions; elsewhere (a page whose broken markup puts them
        in ``<body>``), looked for only when ``<head>`` has none, the source holds ``value``
        and ``head_only`` is false."""
        if self._metas is None:
            self._metas = {}
            head = self.root.find("head") if self.root is not None else None
            for node in head.iter("meta") if head is not None else ():
                content = node.get("content")
                if content is None:
                    continue
                for name in ("property", "name"):
                    key = node.get(name)
                    if key:
                        self._metas.setdefault((name, key), []).append(content)
        found = self._metas.get((attribute, value))
        if found is None:
            found = self._metas[(attribute, value)] = (
                _META_CONTENT[attribute](self.root, value=value)
                if not head_only and self.root is not None and self.may_hold(value) else [])
        return [text for text in map(squeeze, found) if text]

    def may_hold(self, *words: str) -> bool:
        """Whether the page's source may hold one of ``words`` (``True`` when the source is
        not at hand, as for a selector): searching the text is much cheaper than a query
        over every element, and most pages lack most of the markup the fallbacks look for.
        The queries match attribute values as written, so the words are case-sensitive."""
        if self._source is False:
            source = getattr(self.page, "text", None)  # a response's decoded body
            self._source = source if isinstance(source, str) else None
        if self._source is None:
            return True
        for word in words:
            found = self._held.get(word)
            if found is None:
                found = self._held[word] = word in self._source  # type: ignore[operator]
            if found:
                return True
        return False

    def may_hold_value(self, value: str) -> bool:
        """:meth:`may_hold` for an attribute value: ``"value"``, ``'value'`` or ``=value``."""
        return self.may_hold(f'"{value}"', f"'{value}'", f"={value}")

    @property
    def story_article(self) -> etree._Element | None:
        """The ``<article>`` holding the page's first ``<h1>``, if any (looked up once)."""
        if self._story_article is False:
            heading = next(iter(self.h1s), None)
            self._story_article = next(heading.iterancestors("article"), None) if heading is not None else None
        return self._story_article  # type: ignore[return-value]

    @property
    def h1s(self) -> list[etree._Element]:
        """The page's first ``<h1>`` elements, in ``<article>``s and anywhere (looked up once)."""
        if self._h1s is None:
            self._h1s = list(_FIRST_H1(self.root)) if self.root is not None else []
        return self._h1s

    @property
    def headline(self) -> etree._Element | None:
        """The ``<h1>`` holding the headline (:func:`_visible_headline`'s), looked up once."""
        if self._headline is False:
            self._headline = _headline_element(self.h1s)
        return self._headline  # type: ignore[return-value]

    @property
    def json_ld(self) -> list[dict[str, Any]]:
        """The page's JSON-LD objects (``@graph`` members included), in document order, parsed once."""
        if self._json_ld is None:
            self._json_ld = [] if self.root is None else list(json_ld_objects(self.root))  # MAX_JSON_LD_OBJECTS at most
        return self._json_ld


_META_CONTENT = {name: etree.XPath(f"//meta[@{name} = $value]/@content", smart_strings=False)
                 for name in ("name", "property")}

#: A fallback: a site-definition query, or a function giving the texts it finds.
Fallback = Union[str, Callable[[PageContext], list[str]]]


def json_ld_headline(ctx: PageContext) -> list[str]:
    """The JSON-LD ``headline`` of the page's article (an ``Article``/``NewsArticle``...
    object, else one of no type), unless it is the headline the page shows cut short.

    The name or headline of a ``WebSite``, ``WebPage``, ``Organization``... is never the
    article's, nor a headline that is the site's name. Of several article objects with different headlines (the story and the
    teasers of others), the one the page shows (:func:`_own_article_headline`) wins. The
    visible headline (the ``<h1>``) wins when it starts with the JSON-LD one and goes on,
    and so does ``og:title`` when the JSON-LD one ends in an ellipsis that it completes.
    (A reworded JSON-LD headline is kept: on the tuning pages where ``<h1>`` and
    ``og:title`` agree against it, the gold title was the JSON-LD one.)
    """
    articles: list[str] = []
    untyped = None
    for obj in ctx.json_ld:
        value = obj.get("headline")
        if not isinstance(value, str) or not (text := _ld_text(value)):
            continue
        types = _types(obj)
        if _LD_ARTICLE_TYPE.search(types):
            articles.append(text)
        elif not types and untyped is None:
            untyped = text
    found = _own_article_headline(ctx, articles) if articles else untyped
    if found is None or _is_site_name(ctx, found):  # the publisher's name set as the headline
        return []
    h1 = _shown_headline(ctx)
    shortened = found.rstrip(".… ")
    if len(shortened) < 8:
        return [found]
    if h1 and h1 != found and len(h1) > len(shortened) and h1.startswith(shortened):
        return [h1]
    if found.endswith(("…", "...")):
        og = next(iter(_OG_TITLE(ctx)), None)
        og = _without_site_name(og, ctx.page, *_title_parts(ctx)) if og else None
        if og and len(og) > len(shortened) and og.startswith(shortened) and not og.endswith(("…", "...")):
            return [og]
    return [found]


def _own_article_headline(ctx: PageContext, headlines: list[str]) -> str:
    """The headline of the page's own article among those of its JSON-LD article objects:
    the first, unless another one is the page's ``<h1>`` or ``og:title`` and the first is
    neither (a page declaring the teasers of other stories before its own)."""
    first = headlines[0]
    if len(set(headlines)) == 1:
        return first
    shown = {_title_key(t) for t in (_shown_headline(ctx), next(iter(_OG_TITLE(ctx)), None)) if t}
    shown |= {_title_key(_without_site_name(t, ctx.page, *_title_parts(ctx))) for t in list(_OG_TITLE(ctx))[:1]}
    if _title_key(first) in shown:
        return first
    return next((h for h in headlines[1:] if _title_key(h) in shown), first)


def _title_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _types(obj: dict[str, Any]) -> str:
    types = obj.get("@type", "")
    return " ".join(map(str, types)) if isinstance(types, list) else str(types)


def json_ld_authors(ctx: PageContext) -> list[str]:
    """``author`` names (strings, or objects with a ``name``) of the first JSON-LD article with any.

    Only article types count: an image's or a web page's author is not the article's.
    """
    for obj in ctx.json_ld:
        if not _LD_ARTICLE_TYPE.search(_types(obj)):
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
# Never article text, and never holding it: paragraphs inside are not scored.
# Forms and asides are not among them: whole-page ASP.NET forms hold the story, and some
# sites put it in an <aside>; inside the winning block both still count as furniture.
_NEVER_BODY = frozenset({"nav", "header", "footer", "figure", "figcaption", "noscript", "template",
                         "button", "select", "script", "style"})
_NOT_BODY = _NEVER_BODY | {"aside", "form"}
_NEVER_BODY_OR_LINK = _NEVER_BODY | {"a"}  # a paragraph inside a link is a teaser's
_NOT_BODY_OR_LINK = _NOT_BODY | {"a"}
_BODY_PARTS = ("p", "h2", "h3", "h4", "li", "blockquote")
_LIST_PARTS = frozenset({"li", "blockquote"})  # kept when they hold no paragraph of their own, nor mostly links
# Elements scored as paragraphs besides <p>: those holding loose text (<br>-separated
# paragraphs, or one <div> per paragraph).
_LOOSE_HOLDERS = ("div", "td", "section", "article")
# What runs inside a line of text; any other element ends the line (and is no part of it).
_INLINE_TAGS = frozenset({"a", "span", "b", "i", "em", "strong", "u", "small", "big", "font", "sup", "sub",
                          "abbr", "cite", "q", "mark", "time", "code", "s", "strike", "del", "ins", "label",
                          "tt", "var", "dfn", "kbd", "bdi", "bdo", "wbr", "nobr"})
_MIN_LOOSE_TEXT = 25  # characters of loose text that make a <div> a paragraph
# class/id words of what is next to a story and can hold more text than a short one:
# never the winning block, nor a block merged into it
_NOT_STORY = re.compile(
    r"(?<![a-z])(?:comments?|comment-?list|disqus|cookies?|consent|gdpr|newsletter|subscribe"
    r"|related|recommend\w*|pull-?quote|quote-?box|promo|popup|modal|most-?read|trending|outbrain|taboola)"
    r"(?![a-z])",
    re.I,
)
# class/id words of parts of a story's block that are no part of the story (its galleries,
# captions and photo credits, sharing buttons, ads, sign-up boxes, video players, bylines,
# author boxes and date lines): left out of the winning block, never stopping it from winning
_FURNITURE = re.compile(r"gallery|slideshow|carousel|lightbox|caption|credit|advert|sign-?up"
                        r"|byline|author|autor|(?:post|entry|article)-?meta"
                        r"|(?<![a-z])(?:share|sharing|social|ads?|videos?|media-?embed)(?![a-z])", re.I)
_ASIDE_ROLES = frozenset({"complementary", "navigation", "banner", "contentinfo"})  # ARIA: an aside, a nav...
# A block in an <aside> or <form> wins only with this many times more text than one outside
# (a sidebar of live updates, a comment form); a page all inside one is unaffected.
_ASIDE = frozenset({"aside", "form"})
_ASIDE_WEIGHT = 1 / 3
_MAX_CANDIDATES = 3  # best-scored blocks tried in turn when one holds nothing but furniture
_MERGE_LEVELS = 4  # how far up from the winning block sibling blocks of the same kind are looked for
_MERGE_MIN_SHARE = 0.1  # a merged block's score, at least this share of the winner's


def densest_paragraphs(ctx: PageContext) -> list[str]:
    """Paragraphs and subheadings of the block holding the most paragraph text, with the
    blocks of the same kind beside it (a story split by ads, image or newsletter boxes).

    A paragraph is a ``<p>``, or a ``<div>``/``<td>`` holding text of its own (one
    paragraph per ``<div>``, or paragraphs separated by ``<br>``). Each one outside
    navigation, headers, footers, figures and links adds the length of its text that is
    not link text to its parent and half of it to its grandparent (a ``<br>``-separated
    one: to itself and half to its parent); the best-scored element wins (the first one on
    a tie), unless it or an ancestor is a comments, cookie-banner, newsletter,
    related-links or quote box. Blocks with the same tag and class path from a common
    ancestor up to :data:`_MERGE_LEVELS` levels up are merged in (classless table rows and
    cells never: they are the page's layout), with the paragraphs their common parent
    holds itself, and so are blocks with the winner's tag and class anywhere on the page,
    in document order. Their paragraphs, subheadings (``<h2>``-``<h4>``), list items and
    quotes are kept (:func:`_parts`), except those inside a part that is page furniture
    (asides, forms, same tags, links, hidden elements, an ``<article>`` inside the story's
    ``<article>``, a list item headed by a link, or a class/id naming a menu, sidebar,
    related links, comments, newsletter, gallery, caption, ad, video, byline, author box,
    post meta...), and paragraphs and subheadings that are mostly a link (and, for a
    paragraph, no sentence: ``Read also: <a>...</a>``). The first :data:`MAX_PARAGRAPHS`
    paragraphs of the page are scored.
    """
    if ctx.root is None:
        return []
    scores: dict[etree._Element, float] = {}
    direct: dict[etree._Element, int] = {}  # text of the paragraphs an element holds itself
    loose: dict[etree._Element, list[str]] = {}
    never: dict[etree._Element, bool] = {}
    alive: list[etree._Element] = []  # proxies kept for this walk (see _loose_lines)
    walk = etree.iterwalk(ctx.root, events=("start",), tag=("p",) + _LOOSE_HOLDERS)  # as iter_nodes, less overhead
    for _, node in islice(walk, MAX_PARAGRAPHS):
        if node.tag == "p":
            if _inside(node, None, never, furniture=False, tags=_NEVER_BODY_OR_LINK) or _is_hidden(node):
                continue
            length = len(_text(node))
            if length and len(node):  # link text counts for nothing: a teaser's headline is no story
                length -= min(length, sum(len(_text(a)) for a in islice(node.iterdescendants("a"), 50)))
            holder = node.getparent()
        else:
            lines = _loose_lines(node, alive)
            if not lines or _inside(node, None, never, furniture=False, tags=_NEVER_BODY_OR_LINK):
                continue
            loose[node] = lines
            length = sum(map(len, lines))
            # <br>-separated paragraphs: the holder is the story's block itself
            holder = node if len(lines) > 1 else node.getparent()
        if not length:
            continue
        if holder is not None:
            direct[holder] = direct.get(holder, 0) + length
        for weight in _ANCESTOR_WEIGHTS:
            if holder is None:
                break
            scores[holder] = scores.get(holder, 0.0) + length * weight
            holder = holder.getparent()
    if not scores:
        return []
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)  # stable: the first on a tie
    not_story: dict[etree._Element, bool] = {}
    # each of the best-scored blocks with the blocks of its kind beside it; the most text wins
    merged = []
    aside: dict[etree._Element, bool] = {}
    budget = [MAX_MERGE_STEPS]
    for rank, best in enumerate(islice((c for c in ranked if not _not_story(c, not_story)), _MAX_CANDIDATES)):
        best = _story_holder(best, scores, direct, not_story)
        blocks = _same_kind_blocks(best, scores, not_story, budget)
        if len(blocks) == 1:
            blocks = _with_sibling_blocks(best, scores, direct, not_story)
        blocks = _with_parent_paragraphs(blocks)
        blocks = _with_same_class_blocks(best, blocks, scores, not_story, aside)
        total = sum(scores.get(b, 0.0) for b in blocks)
        if _inside(best, None, aside, furniture=False, tags=_ASIDE):
            total *= _ASIDE_WEIGHT
        merged.append((-total, rank, blocks))
    for _, _, blocks in sorted(merged, key=lambda m: m[:2]):
        found: list[str] = []
        for block in blocks:
            found.extend(_parts(block, loose))
        if found:
            return found
    return []


def _loose_lines(element: etree._Element, keep: list[etree._Element] | None = None) -> list[str]:
    """The lines of text an element holds itself (its text and inline children's, split at
    ``<br>`` and at other elements), when they make a paragraph; ``[]`` otherwise.

    Runs on every ``<div>`` of a page: the raw pieces are measured before anything is
    squeezed, and most elements (only blocks inside, or a link or two) stop there.
    ``keep`` receives the children looked at: held there, lxml reuses their proxies when
    the caller's walk reaches them (a new proxy per access costs a Python-level lookup).
    """
    text = element.text
    if not text or text.isspace():  # the common case: blocks only, and spaces between them
        children = list(element)
        if keep is not None:  # alive, so that the walk reaching them makes no new proxy
            keep.extend(children)
        for child in children:
            if child.tag in _INLINE_TAGS or (child.tail and not child.tail.isspace()):
                break
        else:
            return []
    segments: list[list[str]] = [[]]
    linked = size = 0
    if element.text and not element.text.isspace():
        segments[-1].append(element.text)
        size += len(element.text)
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):  # a comment: its tail is still text
            pass
        elif tag == "br" or tag not in _INLINE_TAGS:
            if segments[-1]:
                segments.append([])
        elif not _is_hidden(child) and not _is_furniture_inline(child):
            text = _inline_text(child)
            if text and not text.isspace():
                segments[-1].append(text)
                size += len(text)
                if tag == "a":
                    linked += len(text)
            elif text and segments[-1]:
                segments[-1].append(" ")
        tail = child.tail
        if tail and not tail.isspace():
            segments[-1].append(tail)
            size += len(tail)
        elif tail and segments[-1]:  # "<span>Kospi</span> <span>(KOSPI)</span>": the space stays
            segments[-1].append(" ")
    if size < _MIN_LOOSE_TEXT or linked * 2 > size:
        return []
    lines = [line for line in (squeeze("".join(pieces)) for pieces in segments if pieces) if line]
    total = sum(map(len, lines))
    if total < _MIN_LOOSE_TEXT or linked * 2 > total:
        return []
    if sum(ch.isdigit() for line in lines for ch in line) * 5 > total:  # figures (a market table), not prose
        return []
    return lines


def _is_furniture_inline(node: etree._Element) -> bool:
    """Whether an inline element's class names furniture: a (news)Caption, or (when it holds
    elements: a bare ``<span>`` of text is the line's) a video player or sharing bar set in
    a ``<span>`` inside the line."""
    label = node.get("class")
    if not label:
        return False
    return "aption" in label or (len(node) > 0 and _FURNITURE.search(label[:300]) is not None)


_MAX_INLINE_NODES = 64  # nodes of one inline element read for a loose line


def _inline_text(element: etree._Element) -> str:
    """The text of an inline element and of its inline descendants (not of furniture in
    it), from its first :data:`_MAX_INLINE_NODES` nodes: every ``<div>`` reads its inline
    children, so an unbounded read would cost quadratic time on ``<div><span><div><span>...``
    nested thousands deep."""
    if not len(element):
        return element.text or ""
    pieces: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end"))
    for count, (event, node) in enumerate(walker):
        if count >= 2 * _MAX_INLINE_NODES:
            break
        if event == "start":
            # a block inside an inline element (a video player's <div>s in a <span>) is
            # no part of the line: a text-holding <div> there is scored on its own
            if node.tag in _NO_TEXT or not isinstance(node.tag, str) or (
                    node is not element and (node.tag not in _INLINE_TAGS or _is_furniture_inline(node))):
                walker.skip_subtree()
                continue
            if node.text:
                pieces.append(node.text)
        elif node is not element and node.tail:
            pieces.append(node.tail)
    return "".join(pieces)


def _not_story(element: etree._Element, memo: dict[etree._Element, bool]) -> bool:
    """Whether ``element`` or an ancestor (below ``<body>``) is a comments, cookie,
    newsletter, related-links or quote box (memoised per node)."""
    return _any_ancestor(element, None, memo, _is_not_story_box)


def _is_hidden(node: etree._Element) -> bool:
    """Whether the page hides ``node`` from readers (``hidden``, ``display: none``): gallery
    captions waiting for their slide. Only a paragraph or a piece of a line is asked:
    some pages hide the whole story until a script shows it."""
    if node.get("hidden") is not None:
        return True
    style = node.get("style")
    return bool(style) and "none" in style and _DISPLAY_NONE.search(style[:300]) is not None


_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)


def _is_not_story_box(node: etree._Element) -> bool:
    labels = f"{node.get('class') or ''} {node.get('id') or ''}"[:500]
    return bool(labels.strip() and _NOT_STORY.search(labels))


def _any_ancestor(element: etree._Element, stop: etree._Element | None, memo: dict[etree._Element, bool],
                  test: Callable[[etree._Element], bool]) -> bool:
    """Whether ``test`` holds for ``element`` or an ancestor below ``stop`` (``None``: below
    ``<body>``). ``memo`` (one per question) remembers the answer for every node on the way
    up, so that asking for each paragraph of a page nested 2,000 deep costs one walk over
    its ancestors in all, not one per paragraph."""
    path: list[etree._Element] = []
    node: etree._Element | None = element
    found = False
    while node is not None and node is not stop and (stop is not None or node.tag not in ("body", "html")):
        known = memo.get(node)
        if known is not None:
            found = known
            break
        path.append(node)
        if test(node):
            found = True
            break
        node = node.getparent()
    for seen in path:
        memo[seen] = found
    return found


# Rows and cells of a layout table: without a class, every one is of the same kind, the
# story's cell and the footer's rows alike; sibling rows are the page's layout, no story parts.
_LAYOUT_CELLS = frozenset({"tr", "td", "th", "tbody"})


def _same_kind(a: etree._Element, b: etree._Element) -> bool:
    """Same tag, and the same class (or class words in common, or no class for either);
    never classless table rows or cells (:data:`_LAYOUT_CELLS`)."""
    if a.tag != b.tag:
        return False
    if a.tag in _LAYOUT_CELLS and not (a.get("class") or "").strip():
        return False
    ca, cb = (a.get("class") or "").split(), (b.get("class") or "").split()
    return ca == cb or bool(set(ca) & set(cb))


def _same_kind_blocks(best: etree._Element, scores: dict[etree._Element, float],
                      not_story: dict[etree._Element, bool], budget: list[int]) -> list[etree._Element]:
    """``best`` and the scored blocks reached from an ancestor of it by the same tag and
    class path, in document order: the widest such set found up to :data:`_MERGE_LEVELS`
    levels up (none past ``<body>``). Each child looked at costs one of ``budget[0]``
    (shared by the page's candidates); when it runs out, the blocks found so far stay."""
    chosen = found = [best]
    path = [best]
    ancestor = best.getparent()
    floor = scores[best] * _MERGE_MIN_SHARE
    for _ in range(_MERGE_LEVELS):
        if ancestor is None or ancestor.tag in ("body", "html"):
            break
        level = [ancestor]
        for step in reversed(path):
            budget[0] -= sum(len(node) for node in level)
            if budget[0] < 0:
                return chosen
            level = [child for node in level for child in node
                     if isinstance(child.tag, str) and _same_kind(child, step)]
            if len(level) > 200:  # a grid of teasers, not a story's blocks
                level = []
                break
        blocks = [b for b in level if scores.get(b, 0.0) >= floor and not _not_story(b, not_story)]
        if best in blocks and len(blocks) > len(found):
            found = blocks
            chosen = _with_subheading_blocks(level, blocks, not_story)
        path.append(ancestor)
        ancestor = ancestor.getparent()
    return chosen


_SIBLING_SHARE = 0.2  # paragraphs of its own that make a sibling block of another class the story's
_SIBLING_GAP = 3  # siblings without paragraphs (ads, images, sign-up boxes) a story may skip in a row


def _with_sibling_blocks(best: etree._Element, scores: dict[etree._Element, float],
                         direct: dict[etree._Element, int],
                         not_story: dict[etree._Element, bool]) -> list[etree._Element]:
    """``best`` and the sibling blocks of its tag that hold paragraphs of their own (at
    least :data:`_SIBLING_SHARE` of ``best``'s, and ``best`` that share of theirs: a
    short block beside the story, its header or a note, is no part of it; no ``<h1>``),
    next to it or past at most
    :data:`_SIBLING_GAP` siblings in a row that hold none or are boxes (ads, images,
    newsletter, related-links...), in document order: a story continued in the next
    container after an ad, whatever class each part has. A sibling that is a box, page
    chrome (sidebar, menu...) or teasers (a linked heading) is never merged; one holding
    paragraphs that is none of those nor the story's ends the search that way."""
    own = direct.get(best, 0)
    parent = best.getparent()
    if not own or parent is None or parent.tag in ("body", "html") or _is_chrome(best) or _holds_teasers(best):
        return [best]
    siblings = [child for child in parent if isinstance(child.tag, str)]
    if len(siblings) > 200:
        return [best]
    at = siblings.index(best)
    chosen = [best]
    for step in (-1, 1):
        gap = 0
        i = at + step
        while 0 <= i < len(siblings) and gap <= _SIBLING_GAP:
            sibling = siblings[i]
            i += step
            held = direct.get(sibling, 0)
            if sibling.tag != best.tag or not held or _not_story(sibling, not_story) or _is_box_part(sibling):
                gap += 1  # no paragraphs of its own, or a box: skipped
                continue
            if (held < own * _SIBLING_SHARE or own < held * _SIBLING_SHARE or _is_chrome(sibling)
                    or _holds_teasers(sibling) or next(sibling.iter("h1"), None) is not None):
                break
            chosen.append(sibling)
            gap = 0
    if len(chosen) == 1:
        return chosen
    return sorted(chosen, key=siblings.index)


def _is_chrome(node: etree._Element) -> bool:
    labels = f"{node.get('class') or ''} {node.get('id') or ''}"[:500]
    return bool(labels.strip() and CHROME_LABELS.search(labels)) or node.get("role") in _ASIDE_ROLES


def _holds_teasers(node: etree._Element) -> bool:
    """Whether a block holds another story's linked headline (a teaser list)."""
    return any(_mostly_links(h) for h in islice(node.iter("h2", "h3", "h4"), 10))


_OWN_PARTS = frozenset({"p", "h2", "h3", "h4", "blockquote", "ul", "ol"})
_OWN_REACH = 3  # children before the first block and after the last that may still be the story's


def _with_parent_paragraphs(blocks: list[etree._Element]) -> list[etree._Element]:
    """``blocks`` (siblings of one kind, in document order) with the paragraphs,
    subheadings, lists and quotes their parent holds itself, in document order: a story
    whose first paragraph sits in its container and the rest in page-break blocks inside it.
    Only those between the blocks or at most :data:`_OWN_REACH` children beyond them count,
    and none whose class names a box (:func:`_is_box_part`)."""
    if len(blocks) < 2:
        return blocks
    parent = blocks[0].getparent()
    if parent is None or parent.tag in ("body", "html") or any(b.getparent() is not parent for b in blocks):
        return blocks
    chosen = set(blocks)
    first, last = parent.index(blocks[0]), parent.index(blocks[-1])
    out = [child for i, child in enumerate(parent)
           if child in chosen or (child.tag in _OWN_PARTS and first - _OWN_REACH <= i <= last + _OWN_REACH
                                  and not _is_box_part(child))]
    return out if len(out) > len(blocks) else blocks


_PARENT_SHARE = 0.25  # paragraphs of its own that make an ancestor of a block the story's holder


def _story_holder(best: etree._Element, scores: dict[etree._Element, float], direct: dict[etree._Element, int],
                  not_story: dict[etree._Element, bool]) -> etree._Element:
    """``best``, or the nearest ancestor (at most :data:`_MERGE_LEVELS` up, below
    ``<body>``, outside comments... boxes) holding paragraphs of its own with at least
    :data:`_PARENT_SHARE` of ``best``'s score: a story whose intro and first paragraphs sit
    in its body element and the rest in a block nested inside it."""
    floor = scores[best] * _PARENT_SHARE
    node = best.getparent()
    for _ in range(_MERGE_LEVELS):
        if node is None or node.tag in ("body", "html") or _not_story(node, not_story):
            break
        if direct.get(node, 0) >= floor:
            return node
        node = node.getparent()
    return best


def _with_same_class_blocks(best: etree._Element, blocks: list[etree._Element], scores: dict[etree._Element, float],
                            not_story: dict[etree._Element, bool],
                            aside: dict[etree._Element, bool]) -> list[etree._Element]:
    """``blocks`` and the scored blocks elsewhere on the page with ``best``'s tag and class
    (``div.post__content``), in document order: a story whose parts sit in containers of
    different depths (one beside a sidebar, the rest below a full-width image) still
    marks each part with the same class. Blocks inside or around one already chosen, in
    a comments/related... box, in an ``<aside>``/``<form>`` (unless ``best`` is), or with
    less than :data:`_MERGE_MIN_SHARE` of ``best``'s score are left out."""
    label = best.get("class")
    if not label or not label.strip():
        return blocks
    floor = scores[best] * _MERGE_MIN_SHARE
    best_aside = _inside(best, None, aside, furniture=False, tags=_ASIDE)
    chosen = set(blocks)
    extra = []
    for other, value in scores.items():
        if (value < floor or other in chosen or other.tag != best.tag or other.get("class") != label
                or _not_story(other, not_story)
                or (not best_aside and _inside(other, None, aside, furniture=False, tags=_ASIDE))):
            continue
        if any(a in chosen for a in other.iterancestors()) or any(d in chosen for d in other.iterdescendants(best.tag)):
            continue
        extra.append(other)
        chosen.add(other)
    if not extra:
        return blocks
    order: dict[etree._Element, float] = {node: i for i, node in enumerate(scores)}  # in document order
    last = -1.0
    for block in blocks:  # a subheading's block (no score) goes right after the block before it
        last = order.setdefault(block, last + 0.001)
    return sorted(blocks + extra, key=order.__getitem__)


def _with_subheading_blocks(level: list[etree._Element], blocks: list[etree._Element],
                            not_story: dict[etree._Element, bool]) -> list[etree._Element]:
    """``blocks`` (some of ``level``, in its document order) and the blocks of ``level``
    between them that hold a subheading (and too little text to be merged for it): a
    story that puts each ``<h3>`` in a block of its own, of the same kind as its
    paragraphs' blocks."""
    chosen = set(blocks)
    first, last = level.index(blocks[0]), level.index(blocks[-1])
    out = []
    for block in level[first:last + 1]:
        if block in chosen or (next(block.iter("h2", "h3", "h4"), None) is not None
                               and not _not_story(block, not_story)):
            out.append(block)
    return out


def _parts(block: etree._Element, loose: dict[etree._Element, list[str]] | None) -> list[str]:
    """The paragraphs and subheadings of ``block`` outside its furniture, in document order;
    ``loose``: the lines of its text-holding ``<div>``s... (``None``: read them here)."""
    found: list[str] = []
    furniture: dict[etree._Element, bool] = {}
    # An <article> inside the story's <article> is another story's (a "read also" teaser).
    in_article = block.tag == "article" or next(block.iterancestors("article"), None) is not None
    tags = _NOT_BODY_OR_LINK | {"article"} if in_article else _NOT_BODY_OR_LINK
    for _, part in etree.iterwalk(block, events=("start",), tag=_BODY_PARTS + _LOOSE_HOLDERS):
        if part.tag in _LOOSE_HOLDERS:
            lines = loose.get(part) if loose is not None else _loose_lines(part)
            if lines and not _inside(part, block, furniture, furniture=True, tags=tags):
                found.extend(lines)
            continue
        if part.tag in _SUBHEADINGS and part is not block:
            # a subheading's own class names its style ("widget-title", "subheader"), not a
            # box of page furniture: only what names one that is no story counts
            if _inside(part.getparent(), block, furniture, furniture=True, tags=tags) or _is_box_part(part):
                continue
        elif _inside(part, block, furniture, furniture=True, tags=tags) or _is_hidden(part):
            continue
        if part.tag in _LIST_PARTS and next(part.iterdescendants(_BODY_PARTS + _LOOSE_HOLDERS), None) is not None:
            continue  # its paragraphs come on their own
        text = _shown_text(part)
        if (text and len(part) and _mostly_links(part)
                and (part.tag in _LIST_PARTS or part.tag in _SUBHEADINGS
                     or not text.endswith(_SENTENCE_END) or text.endswith("..."))):
            continue  # "Read also: <a>headline</a>", a teaser's "<a>snippet…</a>" or linked headline, related links
        if text:
            found.append(text)
    return found


_SUBHEADINGS = frozenset({"h2", "h3", "h4"})


def _is_teaser_item(item: etree._Element) -> bool:
    """Whether a list item is another story's teaser: it holds a heading that is all link
    (a "more on this" list inside the story's block)."""
    heading = next(item.iter("h2", "h3", "h4", "h5"), None)
    return heading is not None and _mostly_links(heading)


def _is_box_part(element: etree._Element) -> bool:
    """Whether a subheading or paragraph is hidden, or its own class or id names a
    related-links, newsletter, comments... box or a caption (its title, not the story's)."""
    if _is_hidden(element):
        return True
    labels = f"{element.get('class') or ''} {element.get('id') or ''}"[:500]
    return bool(labels.strip() and (_NOT_STORY.search(labels) or _FURNITURE.search(labels)))


_SENTENCE_END = (".", "!", "?", '"', "”", "»", "'", "’", ")", "。", "！", "？")


def _mostly_links(element: etree._Element) -> bool:
    """Whether more than half of ``element``'s text is link text."""
    total = len(_text(element))
    linked = sum(len(_text(a)) for a in islice(element.iterdescendants("a"), 50))
    return linked * 2 > total


# Generic fallbacks when a site definition leaves an article selector unset.
def _heading_text(element: etree._Element) -> str:
    """A heading's text as shown: its text nodes joined as they are (``<span>Breakpoint</span>:
    Hilfe`` is ``Breakpoint: Hilfe``), a space for each ``<br>``."""
    pieces: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if event == "start":
            if node is not element and node.tag in _NO_TEXT:
                walker.skip_subtree()
                continue
            if node.tag == "br":
                pieces.append(" ")
            if node.text and isinstance(node.tag, str):
                pieces.append(node.text)
        elif node is not element and node.tail:
            pieces.append(node.tail)
    return squeeze("".join(pieces))


_FIRST_H1 = etree.XPath("(//article//h1)[position() <= 5] | (//h1)[position() <= 5]")


def _visible_headline(page: Any) -> str | None:
    """The text of the first non-empty ``<article>`` ``<h1>``, else of the first ``<h1>``."""
    root = getattr(getattr(page, "selector", page), "root", None)
    if not isinstance(root, etree._Element):
        return None
    in_article = [h for h in _FIRST_H1(root) if any(a.tag == "article" for a in h.iterancestors())]
    for heading in in_article + [h for h in _FIRST_H1(root) if h not in in_article]:
        text = _heading_text(heading)
        if text:
            return text
    return None


def _shown_headline(ctx: PageContext) -> str | None:
    """:func:`_visible_headline` of the page, its ``<h1>`` looked up once."""
    if ctx.root is None:
        return _visible_headline(ctx.page)
    return _heading_text(ctx.headline) if ctx.headline is not None else None


def visible_headline(ctx: PageContext) -> list[str]:
    """:func:`_visible_headline` as a fallback, unless it is the site's name (an ``<h1>``
    around the logo): the document title is the better guess then. Of several ``<h1>``
    (a section's name, a live ticker's and the story's), the first one the document
    ``<title>`` holds wins: a page's title repeats its headline."""
    text = _shown_headline(ctx)
    if not text or _is_site_name(ctx, text):
        return []
    headings = ctx.h1s
    if len(headings) > 1:
        title = _title_key(" ".join(document_title(ctx)))
        for heading in sorted(headings, key=lambda h: next(h.iterancestors("article"), None) is None):
            key = _title_key(_heading_text(heading))
            if len(key) >= 8 and key in title and len(key) * 2 >= len(title):  # most of the title
                return [_heading_text(heading)]
    return [text]


def _is_site_name(ctx: PageContext, text: str) -> bool:
    """Whether ``text`` is the name of the site (``og:site_name``, a JSON-LD publisher or
    organisation, the host), spaces, case and punctuation aside."""
    key = _squeezed(text)
    return bool(key) and key in _publisher_names(ctx)


def _meta(attribute: str, value: str, head_only: bool = False) -> Callable[[PageContext], list[str]]:
    """The ``content`` of ``<meta attribute="value">`` (:meth:`PageContext.meta`, in ``<head>``
    only if ``head_only``; on a selector without an lxml tree, looked for only when the
    page's source holds ``value``)."""
    query = f"xpath://meta[@{attribute}='{value}']/@content"

    def content(ctx: PageContext) -> list[str]:
        if ctx.root is not None:
            return ctx.meta(attribute, value, head_only)  # one walk over the <head>'s <meta> for all
        return texts(ctx.page, query) if ctx.may_hold(value) else []
    content.__name__ = f"meta({attribute}={value!r})"
    return content


def _site_name(page: Any) -> str | None:
    """The page's ``og:site_name``, looked for only when its source (if at hand) names one."""
    source = getattr(page, "text", None)
    if isinstance(source, str) and "og:site_name" not in source:
        return None
    return first_text(page, "xpath://meta[@property='og:site_name']/@content")


# An entity reference left in an attribute's value after parsing: the CMS escaped it twice.
_ESCAPED_TWICE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")


def _meta_title(attribute: str, value: str) -> Callable[[PageContext], list[str]]:
    """:func:`_meta`, its values unescaped once more when a CMS escaped them twice
    (``Tom &amp;amp; Jerry`` in the source, ``Tom &amp; Jerry`` once parsed)."""
    content = _meta(attribute, value)

    def titles(ctx: PageContext) -> list[str]:
        return [_ld_text(t) if "&" in t and _ESCAPED_TWICE.search(t) else t for t in content(ctx)]
    titles.__name__ = content.__name__
    return titles


_OG_TITLE = _meta_title("property", "og:title")
_TWITTER_TITLE = _meta_title("name", "twitter:title")


def document_title(ctx: PageContext) -> list[str]:
    """The ``<title>`` in ``<head>`` (its site name removed later, as any title's): the
    headline on pages that declare no other and show it in no ``<h1>``."""
    return texts(ctx.page, "xpath:/html/head/title/text()")[:1]


FALLBACK_TITLE: tuple[Fallback, ...] = (
    "h1.entry-title",
    json_ld_headline,
    _OG_TITLE,
    _TWITTER_TITLE,
    visible_headline,  # <article> <h1>, else the first <h1>
    document_title,
)


def generic_title(ctx: PageContext) -> str | None:
    """The title by :data:`FALLBACK_TITLE`, without a site-name suffix or prefix
    (:func:`without_site_name`, told the site's declared names and the page's other titles).
    A title that is the site's own name (an ``og:title`` or ``<title>`` set to it on
    every page of the site) is no headline: the next fallback's is taken."""
    for fallback in FALLBACK_TITLE:
        found = first_text(ctx.page, fallback) if isinstance(fallback, str) else next(iter(fallback(ctx)), None)
        if not found or _is_site_name(ctx, found):
            continue
        sites, h1 = _title_parts(ctx)
        title = _without_site_name(found, ctx.page, sites, h1, *_more_title_parts(ctx))
        if title and not _is_site_name(ctx, title):
            return title
    return None


def _more_title_parts(ctx: PageContext) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The page's other titles and its sections (:func:`_other_titles`, :func:`_sections`), once per page."""
    if ctx.more_title_parts is None:
        ctx.more_title_parts = (_other_titles(ctx), _sections(ctx))
    return ctx.more_title_parts


def _title_parts(ctx: PageContext) -> tuple[tuple[str, ...], str | None]:
    """The site's names and the ``<h1>``'s text, for :func:`_without_site_name` (once per page)."""
    if ctx.title_parts is None:
        h1 = _shown_headline(ctx) if ctx.root is not None else _first_h1(ctx.page)
        ctx.title_parts = (tuple(site_names(ctx)), h1)
    return ctx.title_parts


_SECTION = _meta("property", "article:section", True)


def _sections(ctx: PageContext) -> tuple[str, ...]:
    """The story's section names: ``article:section``, the JSON-LD article's ``articleSection``."""
    found = list(_SECTION(ctx)[:3])
    for obj in ctx.json_ld[:50]:
        if _LD_ARTICLE_TYPE.search(_types(obj)):
            value = obj.get("articleSection")
            found.extend(_ld_text(v) for v in (value if isinstance(value, list) else [value])[:3] if isinstance(v, str))
            break
    return tuple(_unique([name for name in found if name and len(name) <= 40]))


def _other_titles(ctx: PageContext) -> tuple[str, ...]:
    """What else the page gives as its headline: ``og:title``, ``twitter:title``, the first
    JSON-LD article's ``headline``."""
    found = [next(iter(_OG_TITLE(ctx)), None), next(iter(_TWITTER_TITLE(ctx)), None)]
    found.append(next((_ld_text(obj["headline"]) for obj in ctx.json_ld
                       if isinstance(obj.get("headline"), str) and _LD_ARTICLE_TYPE.search(_types(obj))), None))
    return tuple(_unique([squeeze(t) for t in found if t]))


def _marked_block(query: etree.XPath, name: str,
                  hint: Callable[[PageContext], bool]) -> Callable[[PageContext], list[str]]:
    """The paragraphs, subheadings, lists and quotes (:func:`_parts`) of the blocks ``query``
    (the page's marked body: ``name``; not looked for unless ``hint`` says the page's
    source may hold it) finds, outside their furniture: a marked body holds the story's
    ``<h4>`` questions and ``<li>`` points too, not only its ``<p>``."""
    def matches(ctx: PageContext) -> list[str]:
        if ctx.root is None or not hint(ctx):
            return []
        blocks = [m for m in islice(query(ctx.root), 20) if isinstance(m, etree._Element)]
        found: list[str] = []
        for block in blocks:
            if not any(a in blocks for a in block.iterancestors()):  # a block inside another: read once
                found.extend(_parts(block, None))
        return found
    matches.__name__ = f"marked_block({name!r})"
    return matches


_MARKED_BODY: tuple[Fallback, ...] = (
    _marked_block(etree.XPath("//*[@itemprop = 'articleBody']"), "[itemprop=articleBody]",
                  lambda ctx: ctx.may_hold_value("articleBody")),
    _marked_block(etree.XPath("//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]"),
                  ".entry-content", lambda ctx: ctx.may_hold("entry-content")),
)
FALLBACK_BODY: tuple[Fallback, ...] = _MARKED_BODY + (densest_paragraphs, json_ld_article_body)
# generic_body: a marked body gives way to the densest block, and either to the JSON-LD
# articleBody, when the other holds this many times more text (of the same story).
_MORE_TEXT = 1.5


def generic_body(ctx: PageContext) -> list[str]:
    """The body by :data:`FALLBACK_BODY`, where a later fallback finds much more of the story.

    The body a page marks (``itemprop=articleBody``, WordPress's ``.entry-content``) is
    taken, unless the densest block holds :data:`_MORE_TEXT` times more text and most of
    the marked body's words: marked paragraphs miss those that are ``<div>``s, or the rest
    of a story split into blocks, while a denser block without them is teasers or comments.
    The JSON-LD ``articleBody`` replaces what the page shows when it is that much longer
    and holds most of its words (the same story, complete where the page is cut). A
    declared body that is empty or a stub (a story loaded by script, a teaser) changes
    nothing: on the tuning pages, such a page still showed its whole story. The
    :func:`standfirst` comes first when the body lacks it.
    """
    marked = _first_nonempty(ctx, _MARKED_BODY)
    body = marked
    dense = densest_paragraphs(ctx)
    if _length(dense) > _MORE_TEXT * _length(marked) and (not marked or _holds(dense, marked)):
        body = dense
    ld = json_ld_article_body(ctx)
    if ld and (not body or (_length(ld) > _MORE_TEXT * _length(body) and _completes(body, ld))):
        body = ld
    lead = standfirst(ctx, body)
    return [lead, *body] if lead else body


_DESCRIPTIONS = (_meta("property", "og:description"), _meta("name", "description"),
                 _meta("name", "twitter:description", True))
_MIN_LEAD = 25  # characters of a description that make it a standfirst, not a label
_LEAD_NOT_IN = _NEVER_BODY_OR_LINK - {"header"} | {"aside", "form"}  # a story's <header> holds its lead
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def standfirst(ctx: PageContext, body: list[str]) -> str | None:
    """The story's standfirst (lead, dek, summary) when the body lacks it: the paragraph
    shown with the headline (in the ``<h1>``'s container, at most :data:`_LEAD_LEVELS`
    up) whose text is the page's description (``og:description``, ``description``,
    ``twitter:description``).

    Publishers write the standfirst once and use it both as the page's description and
    as the first, larger-type paragraph under the headline, often in the story's
    ``<header>``, apart from the body's block. A paragraph counts (``<p>``, ``<div>``...),
    never a heading (an ``<h2>`` deck is the headline's second line), nor one inside a
    link, navigation, footer, figure, aside, sharing or related-links box, nor a hidden one.
    Nothing is added to an empty body (a lead alone is no story)."""
    if not body or ctx.root is None:
        return None
    descriptions: dict[str, str] = {}  # key -> the description
    for fallback in _DESCRIPTIONS:
        found = next(iter(fallback(ctx)), None)
        found = " ".join(_unescape(found).split()) if found else ""
        if len(found) >= _MIN_LEAD:
            descriptions.setdefault(_title_key(found), found)
    heading = ctx.headline if descriptions else None
    if heading is None:
        return None
    scope = heading  # the headline's container: its header, hero or article
    for _ in range(_LEAD_LEVELS):
        parent = scope.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        scope = parent
    shown: str | None = None
    first = _title_key(" ".join(body[:2])[:1000])
    for key, description in descriptions.items():
        opening = key[:_LEAD_PREFIX]
        if opening in first:
            continue  # the body opens with it: its first paragraph is the lead (or holds it)
        word = max(description.split()[:6], key=len)[:_LEAD_PREFIX]
        for node in _LEAD_START(scope, start=word):  # the text nodes that may open the lead
            owner = node.getparent()
            opens = _title_key(node[:4 * _LEAD_PREFIX])  # the lead's first text, or all of it
            if owner is None or not opens or not (opens.startswith(opening) or opening.startswith(opens)):
                continue
            block = owner.getparent() if node.is_tail else owner
            while block is not None and block.tag in _INLINE_TAGS:
                block = block.getparent()
            if block is None or block.tag in _HEADINGS or block.tag == "li":
                break
            text = _shown_text(block)
            if _title_key(text) != key:
                continue
            if _any_ancestor(block, None, {}, _not_lead_holder) or (len(block) and _mostly_links(block)):
                break  # page furniture, or a teaser's linked summary
            if text in body:
                return None
            shown = _title_key(" ".join(body)) if shown is None else shown
            return None if key in shown else text  # the body has it already
    return None


_LEAD_PREFIX = 20  # characters of the description the lead's first text node must hold
# Text nodes holding the given word (the XPath engine's search, not a walk in Python):
# its spaces may be any (no-break spaces between words are common), so the word is one
# of the description's first words, not its first characters.
_LEAD_START = etree.XPath("(.//text()[contains(., $start)])[position() <= 5]")
_LEAD_LEVELS = 3  # how far up from the headline the standfirst's container may be


def _not_lead_holder(node: etree._Element) -> bool:
    if node.tag in _LEAD_NOT_IN or _is_hidden(node) or node.get("role") in _ASIDE_ROLES:
        return True
    labels = f"{node.get('class') or ''} {node.get('id') or ''}"[:500]
    return bool(labels.strip() and (_NOT_STORY.search(labels) or _FURNITURE.search(labels)))


def _headline_element(headings: list[etree._Element]) -> etree._Element | None:
    """The ``<h1>`` of :func:`_visible_headline` among the page's first ``headings``: the
    first non-empty one in an ``<article>``, else the first non-empty one."""
    in_article = [h for h in headings if next(h.iterancestors("article"), None) is not None]
    for heading in in_article + [h for h in headings if h not in in_article]:
        if _heading_text(heading):
            return heading
    return None


def _holds(wider: list[str], narrower: list[str]) -> bool:
    """Whether most words of ``narrower`` are in ``wider``: the densest block holds the
    marked body (more of the same story), not teasers or comments elsewhere on the page."""
    words = {w for line in narrower for w in line.lower().split()}
    wider_words = {w for line in wider for w in line.lower().split()}
    return len(words & wider_words) * 2 >= len(words)


def _length(paragraphs: list[str]) -> int:
    return sum(map(len, paragraphs))


_NEW_WORDS = 0.1  # the JSON-LD body adds at least this share of new words to what the page shows


def _completes(shown: list[str], declared: list[str]) -> bool:
    """Whether ``declared`` is the story ``shown`` completed: most words of ``shown`` are in
    it (the same story), and it has words ``shown`` lacks (more of it, not the same text
    repeated: some ``articleBody`` values hold the story twice)."""
    words = {w for line in shown for w in line.lower().split()}
    if not words:
        return True
    declared_words = {w for line in declared for w in line.lower().split()}
    return (len(words & declared_words) * 2 >= len(words)
            and len(declared_words - words) >= _NEW_WORDS * len(words))


def _in_story(query: str, hint: Callable[[PageContext], bool]) -> Callable[[PageContext], list[str]]:
    """``query``'s matches outside related-links, comments, teaser lists... and, when
    some lie in the ``<article>`` holding the page's ``<h1>``, only those: author markup
    of the other teasers on the page is not this article's. (Not looked for unless
    ``hint`` says the page's source may hold it.) The CSS query is compiled once, and run
    on the lxml tree (no parsel ``Selector`` per match)."""
    compiled = etree.XPath(css2xpath(query))

    def matches(ctx: PageContext) -> list[str]:
        if ctx.root is None or not hint(ctx):
            return []
        nodes = [m for m in islice(compiled(ctx.root), 200) if isinstance(m, etree._Element)]
        memo: dict[etree._Element, bool] = {}
        nodes = [n for n in nodes if not _not_story(n, memo) and not _is_button_link(n)]
        holder = ctx.story_article
        if holder is not None:
            inside = [n for n in nodes if any(a is holder for a in n.iterancestors("article"))]
            nodes = inside or [n for n in nodes if not any(True for _ in n.iterancestors("article", "li"))] or nodes
        return [t for t in (squeeze(" ".join(_VISIBLE(n))) for n in nodes) if t]
    matches.__name__ = f"in_story({query!r})"
    return matches


def _is_button_link(node: etree._Element) -> bool:
    """Whether ``node`` is a link that leads nowhere (``href="#"``, ``javascript:``): a
    sharing or "follow" button inside a byline, where an author's name links to the author's
    page or to nothing at all."""
    if node.tag != "a":
        return False
    href = (node.get("href") or "").strip().lower()
    return href.startswith(("#", "javascript:"))


_VISIBLE = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]", smart_strings=False)
_BYLINE_HOLDER = etree.XPath(
    "(//*[@class][contains(@class, 'byline') or contains(@class, 'author') or contains(@class, 'Byline')"
    " or contains(@class, 'Author')])[position() <= 40]"
)
_BY = re.compile(r"^(?:by|par|von|por|door|av|di|da|od|от|автор)\s*:?\s+(\S.*)$", re.I | re.S)


def visible_byline(ctx: PageContext) -> list[str]:
    """Names of a byline only in the page's text: ``By Jane Doe`` in a short element whose
    class names a byline or author (outside related links, comments...)."""
    if ctx.root is None or not ctx.may_hold("byline", "author", "Byline", "Author"):  # what _BYLINE_HOLDER wants
        return []
    memo: dict[etree._Element, bool] = {}
    for node in _BYLINE_HOLDER(ctx.root):
        if _not_story(node, memo) or _inside(node, None, {}, furniture=False, tags=_NEVER_BODY):
            continue
        text = _text(node)
        if not text or len(text) > 120:
            continue
        match = _BY.match(text)
        if match:
            names = _split_names(match.group(1))
            if names:
                return names
    return []


FALLBACK_AUTHORS: tuple[Fallback, ...] = (
    json_ld_authors,
    _in_story("[itemprop=author] [itemprop=name]", lambda ctx: ctx.may_hold_value("author")),
    _in_story("[rel=author]", lambda ctx: ctx.may_hold_value("author")),
    _in_story(".byline a", lambda ctx: ctx.may_hold("byline")),
    visible_byline,
    _meta("name", "author"),
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
    language: str | None = None  # declared (<html lang>), else detected; the text's when it contradicts it
    language_declared: str | None = None  # the page's <html lang>, primary subtag
    language_detected: str | None = None  # what the body text is in (newsarchive.extraction.language), if sure
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
        title = generic_title(ctx)
        if rules.title and title is not None:
            fallbacks.append("title")
    body = texts(page, rules.body) if rules.body else []
    if not body:
        body = generic_body(ctx)
        if rules.body and body:
            fallbacks.append("body")
    authors = texts(page, rules.authors) if rules.authors else generic_authors(ctx)
    tags = texts(page, rules.tags) if rules.tags else _first_nonempty(ctx, FALLBACK_TAGS)
    declared = page_language(page)
    language, detected = choose_language(declared, body)
    if language != declared and declared:
        logger.info("Article %s declares language %r, its text is in %r",
                    getattr(page, "url", None) or "a page", declared, detected)
    return ArticleFields(
        title=title,
        body=body,
        authors=_unique([_strip_by(a) for a in authors]),
        tags=_unique(tags),
        section=first_text(page, rules.section),
        language=language,
        language_declared=declared,
        language_detected=detected,
        truncated=truncated,
        fallbacks=tuple(fallbacks),
    )


def generic_authors(ctx: PageContext) -> list[str]:
    """Authors by :data:`FALLBACK_AUTHORS`, each fallback's names cleaned (see
    :func:`clean_authors`): the first that leaves a person's name wins. The publisher's
    own name is the author only when no fallback names anyone else (pages credited to the
    newsroom)."""
    publisher = _publisher_names(ctx)
    newsroom: list[str] = []
    for fallback in FALLBACK_AUTHORS:
        found = texts(ctx.page, fallback) if isinstance(fallback, str) else fallback(ctx)
        names = clean_authors(found, publisher)
        if names:
            return names
        newsroom = newsroom or clean_authors(found)
    return newsroom


_NOT_A_NAME = frozenset({
    "comments", "comment", "share", "follow", "subscribe", "more", "read more", "menu", "login",
    "log in", "sign in", "home", "news", "admin", "administrator", "editor", "author", "authors",
    "staff", "unknown", "anonymous", "redaktion", "rédaction", "redacción", "redazione", "redactie",
})
_NAME_PREFIX = re.compile(r"^(?:(?:written|posted|reported)\s+by|by|par|von|por|door|av|di|od|от|автор|autor|author"
                          r"|autore|auteur|text|texto)\s*:?\s+", re.I)
_EMAIL = re.compile(r"\S+@\S+")
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")
_TRAILING_DATE = re.compile(r"\s+\d{1,4}[./-]\d{1,2}[./-]\d{2,4}$")  # "Fred Doe 31.10.2023": the byline's date
_INITIALS = re.compile(r"\s*\((?:[^()\s]{1,6})\)$")  # "Elena Oberholzer (obe)"
_AND = re.compile(r"\s+(?:and|und|og|och|en|et|y|e|i|ve|és|a|и|та)\s+|\s*&\s*|\s*,\s*")


def clean_authors(names: list[str], publisher: set[str] | None = None) -> list[str]:
    """Person names out of what author markup gives: without ``By``/``Autor`` prefixes,
    e-mail addresses, URLs, URL slugs, codes in brackets and words that are no names
    (``comments``), split at ``and``/commas when every part looks like a name, without
    the publisher's name (``publisher``: squeezed lower-case alphanumerics)."""
    out: list[str] = []
    for raw in names:
        for name in _split_names(raw):
            key = _squeezed(name)
            if publisher and key in publisher:
                continue
            out.append(name)
    return _unique(out)


def _split_names(raw: str) -> list[str]:
    """One author string cleaned, split into names when each part is a name (one to five words)."""
    text = _NAME_PREFIX.sub("", squeeze(raw)).strip(" ,;|·-–—")
    text = _EMAIL.sub("", text).replace("()", "").replace("<>", "").strip(" ,;|<>[]")
    text = _TRAILING_DATE.sub("", text)
    if text.startswith("(") and text.endswith(")"):  # "(Abu Dhabi - Agency)": a credit line, no name
        return []
    if not text or "://" in text or text.startswith("www.") or _SLUG.match(text):
        return []
    parts = [p.strip() for p in _AND.split(text)]
    if len(parts) > 1 and all(_looks_like_name(p) for p in parts):
        candidates = parts
    elif len(parts) > 1 and len(text) > 40 and _looks_like_name(parts[0]) and len(parts[0].split()) > 1:
        candidates = parts[:1]  # "Jane Doe, professor of law at ...": the name, not the title
    else:
        candidates = [text]
    found = []
    for name in candidates:
        name = _INITIALS.sub("", _NAME_PREFIX.sub("", name)).strip(" ,;")
        if not name or name.lower() in _NOT_A_NAME or len(name) > 80 or not any(c.isalpha() for c in name):
            continue
        found.append(name)
    return found


def _looks_like_name(part: str) -> bool:
    return bool(part) and 1 <= len(part.split()) <= 4 and part[0].isupper()


def _squeezed(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _publisher_names(ctx: PageContext) -> set[str]:
    """What names the publisher, squeezed: ``og:site_name``, the JSON-LD publisher or
    ``Organization``/``WebSite`` names, the host (``lesothotimes.com``, ``lesothotimes``);
    computed once per page."""
    if ctx.publishers is not None:
        return ctx.publishers
    found = list(site_names(ctx))
    host = (urlsplit(getattr(ctx.page, "url", None) or "").hostname or "").removeprefix("www.")
    if host:
        found += [host, host.split(".")[0]]
    ctx.publishers = {key for key in map(_squeezed, found) if len(key) >= 3}
    return ctx.publishers


_SITE_NAME = _meta("property", "og:site_name")
# (what only a page's <head> declares: not looked for elsewhere)
_APP_NAMES = (_meta("name", "application-name", True), _meta("name", "apple-mobile-web-app-title", True))
_TWITTER_SITE = _meta("name", "twitter:site", True)
_LD_PUBLISHER_TYPE = re.compile(r"Organization|WebSite")  # NewsMediaOrganization too


def site_names(ctx: PageContext) -> list[str]:
    """The names a page declares for its site (computed once): ``og:site_name``, the
    JSON-LD ``publisher`` and ``Organization``/``WebSite`` names, the web app's name
    (``application-name``, ``apple-mobile-web-app-title``) and the ``twitter:site``
    handle without its ``@``: what publishers add to their headlines in ``<title>`` and
    ``og:title``."""
    if ctx.site_names is not None:
        return ctx.site_names
    found = []
    for obj in ctx.json_ld[:50]:
        found.extend(_names(obj.get("publisher")))
        if _LD_PUBLISHER_TYPE.search(_types(obj)) and isinstance(obj.get("name"), str):
            found.append(obj["name"])
    for fallback in _APP_NAMES:
        found.extend(fallback(ctx)[:1])
    found.extend(handle.lstrip("@") for handle in _TWITTER_SITE(ctx)[:1] if handle.startswith("@"))
    names = [name for name in (_ld_text(n) for n in found)
             if len(key := _squeezed(name)) >= 3 and key not in _GENERIC_SITE_NAMES]
    ctx.site_names = _unique(_SITE_NAME(ctx)[:1] + names)  # og:site_name as the site gives it
    return ctx.site_names


# What an app name or a publisher object may say that names no site in particular.
_GENERIC_SITE_NAMES = frozenset({"news", "home", "homepage", "index", "wordpress", "blog", "website", "site",
                                 "web", "app", "mobile", "online", "media", "magazine"})


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
    sel = getattr(page, "selector", page)
    root = getattr(sel, "root", None)
    if getattr(sel, "type", None) == "html" and isinstance(root, etree._Element):
        top = root.getroottree().getroot()  # what "/html/@lang" reads, without a Selector per call
        lang = top.get("lang") if top.tag == "html" else None
    else:
        lang = page.xpath("/html/@lang").get()
    if not lang:
        return None
    return lang.strip().split("-")[0].split("_")[0].lower() or None


#: What sites put between a headline and their name in ``<title>``/``og:title``
#: (``ㅣ``: the Hangul letter Korean sites set as a bar).
TITLE_SEPARATORS = ("|", "｜", "ㅣ", "-", "–", "—", "·", "•", "::", "«", "»", "‹", "›", "~")
# Set off a site's name after the headline only (``Headline：Site``): before it, a colon
# ends a kicker that is part of the headline (``Climate change: Labor on track``).
_SUFFIX_SEPARATORS = TITLE_SEPARATORS + ("：", ":")
_MAX_TITLE_PARTS = 3  # site name, section, site name again: parts stripped off one title


def without_site_name(title: str, page: Any, names: tuple[str, ...] = (), alone: tuple[str, ...] = (),
                      sections: tuple[str, ...] = ()) -> str:
    """``title`` without a site-name suffix or prefix (``Headline | Site``), when the page
    says which part is the headline: its ``<h1>`` (or another of its titles, ``alone``:
    ``og:title``, ``twitter:title``...) is that part alone (the longer part, or the other
    part names the site: its ``og:site_name``, another of the site's ``names`` or its
    host), or the part added is one of the site's names; and then without a suffix that
    is the story's section (``sections``: ``Headline - Politics - Site``)."""
    sites = tuple(_unique([name for name in (_site_name(page), *names) if name]))
    return _without_site_name(title, page, sites, _first_h1(page), alone, sections)


def _first_h1(page: Any) -> str | None:
    return first_text(page, "article h1") or first_text(page, "h1")


def _without_site_name(title: str, page: Any, sites: tuple[str, ...], h1: str | None, alone: tuple[str, ...] = (),
                       sections: tuple[str, ...] = ()) -> str:
    """:func:`without_site_name`, told the site's names (``og:site_name`` first) and the
    ``<h1>``'s text (both found once per page by :func:`_title_parts`)."""
    url = getattr(page, "url", None)
    for n, headline in enumerate((h1, *alone)):
        if not headline or headline == title or len(headline) < 8 or any(_same_words(headline, s) for s in sites):
            continue
        added = None
        if title.startswith(headline) and _separated(title[len(headline):], _SUFFIX_SEPARATORS):
            added = title[len(headline):]
        elif title.endswith(headline) and _separated(title[: -len(headline)][::-1]):
            added = title[: -len(headline)]
        if added is None:
            continue
        if n and added.strip(_SEPARATOR_CHARS)[:1].islower():
            continue  # a shorter social title, not a site's name: "Bridge to close - what we know"
        # an <h1> around the site's logo is no headline: the headline is the longer part
        if len(headline) > len(added) or _names_site(added, sites, url):
            return headline
    for _ in range(_MAX_TITLE_PARTS):
        stripped = _without_site_part(title, sites, url)
        stripped = _without_section(stripped, sections)
        if stripped == title:
            break
        title = stripped
    return title


def _without_site_part(title: str, sites: tuple[str, ...], url: str | None) -> str:
    """``title`` without one part that names the site (one of ``sites``, or the host)."""
    for name in sites:
        if not _same_words(title, name):
            stripped = _without_named_part(title, name)
            if stripped is not None:
                return stripped
    return _without_host_named_part(title, sites, url)


# A date in figures (07.12.2017, 2017-12-07, 21/12/2018): what a title template adds, no headline's end.
_DATE_PART = re.compile(r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}[./-]\d{1,2}[./-]\d{1,2}")


def _without_section(title: str, sections: tuple[str, ...]) -> str:
    """``title`` without a last part that is one of the story's ``sections`` (its
    ``article:section``) or a date in figures, set off by a spaced title separator:
    ``Headline - Panorama``, ``Headline - 07.12.2017``."""
    for sep in _SPACED_SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if found and head.strip() and _DATE_PART.fullmatch(tail.strip()):
            return head.rstrip(_SEPARATOR_CHARS) or title
    for section in sections:
        if len(section) * 2 < len(title) and title.casefold().endswith(section.casefold()):
            head = title[: len(title) - len(section)].rstrip()
            if head.endswith(TITLE_SEPARATORS):
                return head.rstrip(_SEPARATOR_CHARS) or title
    return title


_SEPARATOR_CHARS = "".join(_SUFFIX_SEPARATORS) + " "


def _without_named_part(title: str, site: str) -> str | None:
    """``title`` without ``site`` at its end or start, set off by a title separator (or a
    colon: ``Site: Headline``, ``Headline：Site``); ``None`` if it is not there."""
    if title.endswith(site):
        rest = title[: len(title) - len(site)].rstrip()
        if rest.endswith(_SUFFIX_SEPARATORS):
            return rest.rstrip(_SEPARATOR_CHARS) or None
    if title.startswith(site):
        rest = title[len(site):].lstrip()
        if rest.startswith(TITLE_SEPARATORS + (":",)):
            return rest.lstrip(_SEPARATOR_CHARS + ":") or None
    return None


# Separators a headline and a site name are set off by when no <h1> or og:site_name tells
# which part is which: spaced, so that a hyphenated word or "10:30" is never split.
_SPACED_SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " • ", " :: ", "｜")
_MAX_SITE_WORDS = 6


def _without_host_named_part(title: str, sites: tuple[str, ...], url: str | None) -> str:
    """``title`` without its last (or first) separated part when that part names the site
    (:func:`_names_site`: the host's name) and is the shorter part: ``Headline - Kurier
    Online`` on ``kurier.example``, with no ``<h1>`` or ``og:site_name`` to say so."""
    for sep in _SPACED_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        if _is_site_part(tail, head, sites, url):
            return head.rstrip(_SEPARATOR_CHARS)
        first, _, rest = title.partition(sep)
        if _is_site_part(first, rest, sites, url):
            return rest.lstrip(_SEPARATOR_CHARS)
    return title


def _is_site_part(part: str, rest: str, sites: tuple[str, ...], url: str | None) -> bool:
    part = part.strip()
    return (bool(part) and len(part) < len(rest.strip()) and len(part.split()) <= _MAX_SITE_WORDS
            and _names_site(part, sites, url))


def _same_words(a: str, b: str | None) -> bool:
    return bool(b) and "".join(a.lower().split()) == "".join(b.lower().split())  # type: ignore[union-attr]


def _names_site(part: str, sites: tuple[str, ...], url: str | None) -> bool:
    """Whether ``part`` (what a title adds to its headline) is the site's name: holds one
    of its ``sites`` names, or is or holds its host's name."""
    squeezed = _squeezed(part)
    if any((key := _squeezed(site)) and key in squeezed for site in sites):
        return True
    host = (urlsplit(url).hostname or "") if url else ""
    if not host:
        return False
    squeezed = _folded(squeezed)  # "Seznam Zprávy" on seznamzpravy.cz: hosts are written without accents
    if len(squeezed) >= 4 and squeezed in _squeezed(host.removeprefix("www.")):  # "News.yam.md", "MDR.DE"
        return True
    labels = [label.replace("-", "") for label in host.split(".")[:-1]  # not the top-level domain
              if label not in _HOST_WORDS]
    # a short name only when it is the whole part ("LRT" on lrt.lt), a longer one inside it
    return any(label == squeezed or (len(label) >= 4 and label in squeezed) for label in labels if len(label) >= 3)


_HOST_WORDS = frozenset({"www", "news", "mobile", "edition"})  # host labels that name no site


def _folded(text: str) -> str:
    """``text`` without accents (``zprávy`` -> ``zpravy``), as host names write words."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _separated(rest: str, separators: tuple[str, ...] = TITLE_SEPARATORS) -> bool:
    """Whether ``rest`` (what follows the headline) opens with a title separator."""
    rest = rest.lstrip()
    return bool(rest) and rest.startswith(separators)


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
            *, furniture: bool, tags: frozenset[str] = _NOT_BODY) -> bool:
    """Whether ``element`` or an ancestor below ``stop`` is never body (or page furniture);
    ``memo`` is one per ``stop``, ``furniture`` and ``tags`` (see :func:`_any_ancestor`)."""

    def never_body(node: etree._Element) -> bool:
        tag = node.tag
        if not isinstance(tag, str):
            return False
        if tag in tags:
            return True
        if furniture:
            if node.get("role") in _ASIDE_ROLES or _is_hidden(node):  # hidden inside the story: a widget's
                return True
            if tag == "li" and _is_teaser_item(node):
                return True
            labels = f"{node.get('class') or ''} {node.get('id') or ''}".strip()
            return bool(labels and (CHROME_LABELS.search(labels) or _NOT_STORY.search(labels)
                                    or _FURNITURE.search(labels)))
        return False

    return _any_ancestor(element, stop, memo, never_body)


_NO_TEXT = frozenset({"script", "style", "noscript", "template"})


def _text(element: etree._Element) -> str:
    """:func:`~newsarchive.extraction.selectors.element_text` of an element, in one walk over its subtree.

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


def _shown_text(element: etree._Element) -> str:
    """A paragraph's text as a reader sees it: :func:`_text`, except that inline elements
    run into the text around them (``<a>Liggett</a>,`` is ``Liggett,``, ``<b>W</b>hen`` is
    ``When``), and only blocks and ``<br>`` inside it make a space."""
    if element.tag in _NO_TEXT:
        return ""
    if not len(element):
        return squeeze(element.text or "")
    pieces: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if event == "start":
            if node is not element:
                if node.tag in _NO_TEXT:
                    walker.skip_subtree()
                    continue
                if node.tag not in _INLINE_TAGS:  # a block or a <br> inside: a space
                    pieces.append(" ")
            if node.text:
                pieces.append(node.text)
        elif node is not element:  # "end", "comment", "pi"
            if event == "end" and node.tag not in _INLINE_TAGS and node.tag not in _NO_TEXT:
                pieces.append(" ")
            if node.tail:
                pieces.append(node.tail)
    return squeeze("".join(pieces))


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
