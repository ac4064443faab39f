"""Find an article's publication date in its HTML, and say where it came from.

Sources are tried in a fixed order and the first candidate that parses wins:

1. ``selector`` -- the site definition's own CSS (``::text``/``::attr()`` allowed) or
   XPath (prefix ``xpath:``) selector; the site author knows best.
2. ``json-ld`` -- ``datePublished`` of an Article-like object (``@graph`` and lists
   included), then of any object, then ``dateCreated``.
3. ``meta`` -- ``<meta>`` publication-time tags (``article:published_time``,
   ``DC.date.issued``, ``parsely-pub-date``, ...) and microdata ``itemprop=datePublished``.
4. ``time`` -- ``<time datetime>`` elements, preferring the ones in the article's byline
   or marked *published*; *updated*/*modified* ones are skipped.
5. ``text`` -- dates printed in bylines/date lines near the headline.
6. ``htmldate`` -- ``htmldate.find_date(original_date=True)`` in its fast mode, as the last
   resort, and only on a page whose own URL holds a full date (``/2025/03/12/``) or that
   states a full date somewhere outside its chrome.
   Never its extensive search (:data:`HTMLDATE_EXTENSIVE`): that builds dates out of other
   articles' URLs and copyright years. Better none than wrong.

A time stated in UTC is reported in the site's ``timezone``, else in an offset the page
states on another date, else on the byline's day when that is a day the instant falls on
somewhere (:func:`_local_day`): readers saw the local day. JSON-LD objects are ranked by
``@type``: the article whose URL is the page's, other articles, the page, untyped objects,
list members (related articles), anything else (videos, organisations).
XHTML read as XML (an XML declaration: Scrapy's ``XmlResponse``) is re-read as HTML.

The render-date trap: many sites print *today's* date in the page header (``<div
class="header-date">07 December 2025</div>``). Steps 4-6 never look inside site chrome:
elements that are ``<header>``/``<nav>``/``<footer>`` or whose class/id names a header,
masthead, ticker, top bar, navigation, menu, footer, sidebar, widget or related/comment
block -- unless they sit inside ``<article>``/``<main>``, contain the ``<h1>`` headline or
an ``<article>``, or are labelled as part of the story (``entry-header``, ``post-meta``);
plus anything whose class/id says ``header-date``, ``current-date`` or ``today``, wherever
it is. Those elements are removed before the text
scan and before htmldate sees the page, so a page whose only visible date is the
render date yields ``None`` (or a date htmldate finds elsewhere, e.g. in the URL) --
never the render date. Metadata (steps 2-3) is trusted: it describes the article.

Work per page is bounded, whatever the page holds (see the ``MAX_*`` constants below,
chosen far above what real news pages need, so that they change nothing on them): only
the first :data:`MAX_SCAN_NODES` nodes of a page are searched, each source looks at a
bounded number of elements or objects, at most :data:`MAX_DATE_CANDIDATES` strings are
parsed and at most :data:`MAX_DATEPARSER_CALLS` of them handed to ``dateparser``, and
htmldate sees at most :data:`HTMLDATE_MAX_CHARS` characters. Each limit is counted, not
timed, so re-extracting an archived page gives the same answer as the crawl did; hitting
one is logged (INFO, with the URL).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone, tzinfo
from functools import cached_property
from itertools import islice

import parsel
from cssselect import SelectorError
from lxml import etree

from lxml import html as lxml_html

from newsarchive.extraction.dates import FUTURE_SLACK, MIN_DATE, DateparserBudget, _normalize, resolve_timezone
from newsarchive.extraction.json_ld import MAX_JSON_LD_OBJECTS, json_ld_scripts, load_json, unwrap, walk_json

__all__ = [
    "HTMLDATE_EXTENSIVE",
    "HTMLDATE_MAX_CHARS",
    "MAX_DATEPARSER_CALLS",
    "MAX_DATE_CANDIDATES",
    "MAX_SCAN_NODES",
    "MAX_SOURCE_ITEMS",
    "MAX_TEXT_BLOCKS",
    "MAX_TEXT_READ",
    "FoundDate",
    "extract_published",
    "first_nodes",
    "iter_nodes",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FoundDate:
    """A publication date, the exact string the page gave, and which source gave it."""

    value: datetime | None
    raw: str | None
    source: str  # "selector" | "json-ld" | "meta" | "time" | "text" | "htmldate" | "none"


NOT_FOUND = FoundDate(None, None, "none")

# --------------------------------------------------------------------------- budgets

MAX_SCAN_NODES = 20_000
"""Nodes (elements, comments; document order) of a page that the sources search.

A larger page is searched in a copy of its first 20,000 nodes. News article pages have
a few hundred to a few thousand (the 275 real pages of the test corpus: at most 4,274),
and their dates sit in the head and next to the headline; every lxml query over the
whole tree costs about a second per million nodes.
"""
MAX_SOURCE_ITEMS = 2_000
"""``<meta>`` tags, JSON-LD scripts, ``<time>`` elements and selector matches read per source
(real pages: at most 189 meta tags, 80 ``<time>`` elements, 28 JSON-LD scripts); JSON-LD
objects: :data:`~newsarchive.extraction.json_ld.MAX_JSON_LD_OBJECTS`."""
MAX_TEXT_BLOCKS = 1_000
"""Byline-like blocks (class/id saying date, time, byline, meta...) the text step reads
(real pages: at most 549). Each is read only as far as a byline can go (300 characters)."""
MAX_DATE_CANDIDATES = 250
"""Strings handed to :func:`~newsarchive.extraction.dates.normalize_date` per page (real pages: at most 15)."""
MAX_DATEPARSER_CALLS = 3
"""Of those, strings the fast path did not read and ``dateparser`` may try (real pages: at
most 1; one call costs milliseconds, up to half a second on word salad with a year)."""
HTMLDATE_MAX_CHARS = 1_000_000
"""Characters (text, tails, attribute values, scripts included) of the page htmldate sees,
in document order (the 275 real pages: at most 1.3 million, almost all of it inline scripts,
and htmldate finds the same date on all of them with this limit);
htmldate's pattern search costs about a second per million characters of date-like text."""
MAX_TEXT_READ = (50_000, 2_000_000)
"""Nodes and characters of element text the sources read per page, all elements together
(the text of bylines, ``<time>`` elements, selector matches). An element's text is read
only as far as the source needs (a byline's 300 characters), but nested elements share
their text: without a total, 2,000 nested ``<time>`` elements would each read it all."""
_MAX_LABEL_CHARS = 10_000  # of one class/id/itemprop value (real pages: at most 2,600)
_SELECTOR_TEXT_CHARS = 10_000  # of the text of one selector match searched for dates

# Lower-cased <meta> name/property/itemprop keys that carry the *publication* time, best
# first. Modified/updated keys are deliberately absent.
META_KEYS: tuple[str, ...] = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "article:published", "og:article:published", "published_time", "datepublished",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued",
    "dc.date.publication", "dc.date.created", "dcterms.created", "dc.created",
    "dc:created", "datecreated", "pubdate", "publishdate", "publish-date", "publish_date",
    "published-date", "published_date", "publisheddate", "publication_date",
    "publication-date", "article.published", "article_date_original",
    "original-publish-date", "originalpublicationdate", "article:post_date",
    "article:publicationdate", "cxenseparse:recs:publishtime", "bt:pubdate",
    "rnews:datepublished", "citation_publication_date", "citation_date",
    "prism.publicationdate", "dcsext.articlefirstpublished", "og:pubdate",
    "og:publish_date", "og:datepublished", "date_published", "article.created",
    "dc.date", "dcterms.date", "dc:date", "date",
)
_META_RANK = {key: rank for rank, key in enumerate(META_KEYS)}

# schema.org types of the article itself (any *Article, *Posting, Report, Blog); of the
# page that holds it; everything else (Organization, VideoObject, Event...) describes
# something else, whose dates are not the article's.
_ARTICLE_TYPE = re.compile(r"article$|posting$|^report$|^blog$", re.I)
_PAGE_TYPE = re.compile(r"page$", re.I)
_LIST_KEYS = ("itemListElement", "item", "hasPart", "relatedLink", "isPartOf", "citation")
# class/id words of page chrome (menus, tickers, sidebars...), never an article's own parts
CHROME_LABELS = re.compile(
    r"header|masthead|ticker|top-?bar|navbar|(?<![a-z])nav(?![a-z])|navigation|menu|footer"
    r"|breadcrumb|cookie|sidebar|widget|related|comments?(?![a-z])|newsletter|promo",
    re.I,
)
_ARTICLE_PART = re.compile(r"entry|post(?!er)|article|story", re.I)
_RENDER_DATE = re.compile(r"header-?date|current-?date|today|date-?now|site-?date", re.I)
_CHANGED = re.compile(r"updat|modif|edited|revis|обновл|изменен|жаңарт|yangilan", re.I)
_PUBLISHED = re.compile(r"publish|pubdate|posted|entry-date|created|опублик|жариял|nashr", re.I)
_BYLINE = re.compile(
    r"date|time|byline|posted|publish|meta|dateline|stamp|author|datum|fecha|data(?![a-z])",
    re.I,
)

# Date-looking substrings in running text; each is handed to normalize_date. Numeric
# dates need a four-digit year here: "20.10.26" or "18/6/19" are too ambiguous to read
# out of prose (Y/M/D in Japan, D.M.Y in Europe, M/D/Y in the US).
_CLOCK = r"\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?"
_MONTH_WORD = r"[^\W\d_]{3,}\.?"
_TEXT_DATE = re.compile(
    rf"""
      \d{{4}}-\d{{2}}-\d{{2}}(?:[T\ ]\d{{2}}:\d{{2}}(?::\d{{2}})?)?              # 2025-12-07 10:30
    | (?:{_CLOCK},?\s*)?\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}(?![\d.])
        (?:,?\s*(?:-\s*)?{_CLOCK})?                                          # 07.12.2025, 10:30
    | (?:{_CLOCK},?\s*)?\d{{1,2}}(?:\.|-?(?:st|nd|rd|th))?[\s-]+{_MONTH_WORD},?\s+\d{{4}}
        (?:\s*(?:г\.|года|ж\.|y\.))?(?:,?\s*(?:в\s+|at\s+|-\s*|\|\s*)?{_CLOCK})?     # 7 декабря 2025 г., 14:30
    | \d{{4}}(?:-yil|\s+жылғы|-жылдын|\s+йил)\s+\d{{1,2}}[\s-]+{_MONTH_WORD}       # 2025-yil 7-dekabr
    | (?<![^\W\d_]){_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}
        (?:,?\s*(?:at\s+|-\s*|\|\s*)?{_CLOCK})?                              # December 7, 2025 10:30
    | \d{{1,3}}\s+(?:hours?|hrs?|minutes?|mins?|days?|час\w*|минут\w*|дн\w*|сағат|саат|soat)
        \s+(?:ago|назад|бұрын|мурун|oldin)                                   # 2 hours ago
    | (?:yesterday|today|вчера|сегодня)(?:,|\s+at|\s+в)?\s*{_CLOCK}            # вчера, 14:30
    | \d{{4}}\s?[年년]\s?\d{{1,2}}\s?[月월]\s?\d{{1,2}}\s?[日일]
        (?:\s?(?:午前|午後|오전|오후)?\s?\d{{1,2}}\s?(?::|時|시)\s?\d{{2}}(?:\s?[分분])?)?  # 2025年3月12日 14時35分
    """,
    re.I | re.X,
)
# What every alternative of _TEXT_DATE needs (a four-digit year, a clock or an "ago" word):
# one cheap pass rules out most byline-less paragraphs before the big pattern runs (its
# eight alternatives tried at every position cost 0.2 ms per 100 characters).
_DATE_HINT = re.compile(r"\d{4}|\d:\d\d|ago|назад|бұрын|мурун|oldin", re.I)
_RELATIVE = re.compile(r"ago|назад|бұрын|мурун|oldin|yesterday|today|вчера|сегодня", re.I)
_LD_FALLBACK = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')
_TEXT_LIMIT = 300  # a byline is short; longer blocks are article text
# The month word of "December 7, 2025" starts a word: tried from inside a long run of
# letters, "[^\W\d_]{3,}" would rescan the rest of the run from every one of them.


def extract_published(
    html: str | parsel.Selector,
    *,
    selector: str | None = None,
    url: str | None = None,
    languages: Sequence[str] | None = None,
    timezone: str | tzinfo | None = None,
    relative_base: datetime | None = None,
    use_htmldate: bool = True,
) -> FoundDate:
    """Return the page's publication date (see the module docstring for the order).

    ``relative_base`` is the fetch time: it resolves relative/year-less dates and caps
    how far in the future a date may be. Never raises on bad HTML.
    """
    try:
        sel = html if isinstance(html, parsel.Selector) else parsel.Selector(text=html or "<html/>")
    except (ValueError, TypeError, etree.LxmlError):
        return NOT_FOUND
    page = _Page(sel, url)
    dateparser_budget = DateparserBudget(MAX_DATEPARSER_CALLS)
    candidates_left = MAX_DATE_CANDIDATES

    def parse(raw: str | None) -> datetime | None:
        nonlocal candidates_left
        if not raw or not raw.strip():
            return None
        candidates_left -= 1
        return _normalize(raw.strip(), languages, timezone, relative_base, True, dateparser_budget)

    steps = (
        ("selector", lambda: _from_selector(page.selector, selector, page.reads) if selector else ()),
        ("json-ld", lambda: _from_json_ld(page.tree, url)),
        ("meta", lambda: _from_meta(page.tree, page.reads)),
        ("time", lambda: _from_time(page.tree, page.scan, page.reads)),
        ("text", lambda: _from_text(page.tree, page.allowed, page.reads)),
    )
    stated: FoundDate | None = None  # a date the page states but that does not parse
    found: FoundDate | None = None
    for index, (source, candidates) in enumerate(steps):
        for raw in candidates():
            if candidates_left <= 0:
                break
            value = parse(raw)
            if value is None:
                if stated is None and raw.strip() and source in _STATED:
                    stated = FoundDate(None, raw.strip(), source)
                continue
            found = FoundDate(value, raw.strip(), source)
            if value.utcoffset() == timedelta(0) and source in _STRUCTURED:
                found = _prefer_local_offset(found, steps[index:], parse, lambda: candidates_left > 0)
                found = _local_day(found, page, timezone, parse)
            break
        if found is not None or candidates_left <= 0:
            break
    if candidates_left <= 0:
        logger.info("Date extraction on %s: candidates after the first %d not read (MAX_DATE_CANDIDATES)",
                    url or "a page", MAX_DATE_CANDIDATES)
    if page.reads.exhausted:
        logger.info("Date extraction on %s: element texts after the first %d nodes / %d characters "
                    "not read (MAX_TEXT_READ)", url or "a page", *MAX_TEXT_READ)
    if dateparser_budget.refused:
        logger.info("Date extraction on %s: %d strings not handed to dateparser (MAX_DATEPARSER_CALLS=%d)",
                    url or "a page", dateparser_budget.refused, MAX_DATEPARSER_CALLS)
    if found is not None:
        return found
    if stated is not None:
        # The page says when it was published, but it is impossible or unreadable:
        # report that (None, with the raw text) rather than let a heuristic guess.
        return stated
    if use_htmldate:
        raw = _from_htmldate(page, url, relative_base)
        value = parse(raw)
        if value is not None:
            return FoundDate(value, raw, "htmldate")
    return NOT_FOUND


class _Page:
    """The lxml tree the sources query, and its site chrome, each worked out once.

    The sources walk the tree with precompiled XPath (below) rather than through parsel
    selectors: a page is queried dozens of times and a ``Selector`` per node adds up.
    A page of more than :data:`MAX_SCAN_NODES` nodes is queried in a copy of its first
    nodes (:func:`first_nodes`).
    """

    def __init__(self, sel: parsel.Selector, url: str | None = None) -> None:
        self.sel = sel
        self.url = url
        self.reads = _TextReads(*MAX_TEXT_READ)

    @cached_property
    def whole_tree(self) -> etree._Element:
        """What ``sel.xpath()`` would search; raises like it for a JSON selector."""
        sel = self.sel
        if sel.type not in ("html", "xml", "text"):
            raise ValueError(f"Cannot use xpath on a Selector of type {sel.type!r}")
        if sel.type == "text":
            return parsel.Selector(text=str(sel.root), type="html").root
        if isinstance(sel.root, lxml_html.HtmlElement):
            return sel.root
        if isinstance(sel.root, etree._Element):
            # An XML tree (XHTML with an XML declaration: Scrapy makes it an XmlResponse):
            # namespaced tags match none of the queries and htmldate rejects the element
            # type. Read it as the HTML it is.
            return _as_html(sel.root)
        return etree.Element("html")  # a bare string: nothing to find

    @cached_property
    def tree(self) -> etree._Element:
        """:attr:`whole_tree`, or a copy of its first :data:`MAX_SCAN_NODES` nodes."""
        whole = self.whole_tree
        first = first_nodes(whole, MAX_SCAN_NODES)
        if first is None:
            return whole
        logger.info("Date extraction on %s: only the first %d nodes of the page searched (MAX_SCAN_NODES)",
                    self.url or "a page", MAX_SCAN_NODES)
        return first

    @cached_property
    def selector(self) -> parsel.Selector:
        """What the site's date selector runs on: the page, or the copy :attr:`tree` is."""
        if self.sel.type in ("html", "xml") and self.tree is not self.sel.root:
            return parsel.Selector(root=self.tree, type="html")
        return self.sel

    @cached_property
    def scan(self) -> _Scan:
        return _scan_chrome(self.tree)

    @property
    def allowed(self) -> set[etree._Element]:
        """Every node of :attr:`tree` outside site chrome (steps "time" and "text" read only these).

        Holding the element proxies keeps lxml from recycling them, so membership tests
        on nodes reached later are reliable.
        """
        return self.scan.allowed


def _as_html(root: etree._Element) -> etree._Element:
    """An XML tree re-read by the HTML parser (namespaces dropped, as browsers do)."""
    try:
        markup = etree.tostring(root, encoding="unicode")
        return parsel.Selector(text=markup or "<html/>", type="html").root
    except (ValueError, TypeError, etree.LxmlError):
        return etree.Element("html")


_STRUCTURED = ("json-ld", "meta", "time")
_STATED = ("selector", *_STRUCTURED)  # explicit statements, unlike the text heuristics


def _prefer_local_offset(found: FoundDate, steps, parse, more) -> FoundDate:
    """Same instant stated elsewhere with a local offset? Use that statement.

    Pages often give the time in UTC in one place and with the newsroom's offset in
    another; both are right, but only the local one yields the date readers saw.
    """
    for source, candidates in steps:
        if source not in _STRUCTURED:
            continue
        for raw in candidates():
            if not more():
                return found
            value = parse(raw)
            if value is not None and value == found.value and value.utcoffset() != timedelta(0):
                return FoundDate(value, raw.strip(), source)
    return found


# A stated UTC time: "Z", "+00:00", "+0000", "GMT"/"UTC" at the end; Unix timestamps.
_STATED_UTC = re.compile(r"(?:\d[zZ]|[+-]00:?00|\b(?:UTC|GMT|UT)(?:[+-]0{1,2}(?::?00)?)?)\s*$|^\s*\d{9,13}(?:\.\d+)?\s*$")
# An offset stated after a clock time anywhere in the page's metadata: "T10:30:00+02:00".
_OFFSET_AFTER_CLOCK = re.compile(r"\d:\d\d(?::\d\d(?:\.\d{1,9})?)?([+-])(\d\d):?(\d\d)(?!\d)")
_OFFSET_SCAN_CHARS = 200_000  # of metadata read looking for the page's offset


def _local_day(found: FoundDate, page: _Page, zone: str | tzinfo | None, parse) -> FoundDate:
    """A time stated in UTC, expressed in the site's or the page's zone: readers saw that day.

    In order: the site's ``timezone`` (unless it is UTC); an offset the page states on
    another of its dates (``dateModified`` ``+02:00``); else the date printed in the
    byline, if it is a day the instant falls on somewhere on Earth (UTC-12 to UTC+14).
    """
    value = found.value
    if value is None or not found.raw or not _STATED_UTC.search(found.raw):
        return found  # a naive time read as UTC is wall time already: its day stands
    site = resolve_timezone(zone)
    if site.utcoffset(value.replace(tzinfo=None)) not in (None, timedelta(0)):
        return FoundDate(value.astimezone(site), found.raw, found.source)
    offset = _page_offset(page.tree)
    if offset is not None:
        return FoundDate(value.astimezone(offset), found.raw, found.source)
    for raw in islice(_from_text(page.tree, page.allowed, page.reads), 3):
        shown = parse(raw)
        if shown is None:
            continue
        day = shown.date()
        earliest, latest = (value - timedelta(hours=12)).date(), (value + timedelta(hours=14)).date()
        if day != value.date() and earliest <= day <= latest:
            return FoundDate(shown, raw.strip(), "text")
        break
    return found


def _page_offset(tree: etree._Element) -> dt_timezone | None:
    """The first non-zero UTC offset stated by a date in the page's metadata, if any."""
    left = _OFFSET_SCAN_CHARS
    texts = [m.get("content", "") for m in islice(_META_WITH_CONTENT(tree), MAX_SOURCE_ITEMS)]
    texts += [t.get("datetime", "") for t in islice(_TIME_NODES(tree), MAX_SOURCE_ITEMS)]
    texts += islice(json_ld_scripts(tree), MAX_SOURCE_ITEMS)
    for text in texts:
        if left <= 0:
            break
        text = text[:left]
        left -= len(text)
        if ":" not in text:
            continue
        for match in _OFFSET_AFTER_CLOCK.finditer(text):
            hours, minutes = int(match[2]), int(match[3])
            if (hours or minutes) and hours <= 14 and minutes < 60:
                delta = timedelta(hours=hours, minutes=minutes)
                return dt_timezone(-delta if match[1] == "-" else delta)
    return None


# The nodes first_nodes() counts (elements, comments, processing instructions), counted by libxml2.
_NODE_COUNT = etree.XPath(
    "count(descendant-or-self::*) + count(descendant::comment()) + count(descendant::processing-instruction())"
)


def first_nodes(root: etree._Element, limit: int) -> etree._Element | None:
    """A copy of the tree under ``root`` cut after its first ``limit`` nodes, or ``None``.

    Nodes (elements, comments, processing instructions) count in document order, ``root``
    included; ``None`` means the tree has no more than ``limit`` of them, so that it can
    be used as it is. The copy keeps the text of the nodes it holds (tails too, except
    those of the ancestors of the first node left out, which follow that node). Work and
    memory are proportional to ``limit``, not to the size of the tree.
    """
    if _NODE_COUNT(root) <= limit:  # counted in C: most pages stop here, no proxy made per node
        return None
    cut = next(islice(iter_nodes(root), limit, None), None)
    if cut is None:
        return None
    path = [cut]
    for ancestor in cut.iterancestors():
        path.append(ancestor)
        if ancestor is root:
            break
    path.reverse()  # root ... cut
    copy = deepcopy(_shallow_copy(root))  # deepcopy: a document of its own, so "//" stays in it
    old, new = root, copy
    for step in path[1:]:
        for child in old:  # the children before the path are wholly before the cut
            if child is step:
                break
            new.append(deepcopy(child))
        if step is cut:
            break
        inner = _shallow_copy(step)
        new.append(inner)
        old, new = step, inner
    return copy


def iter_nodes(root: etree._Element, tags: tuple[str, ...] | None = None) -> Iterator[etree._Element]:
    """``root.iter(*tags)`` (nodes in document order), in time linear on deeply nested trees too.

    ``_Element.iter()`` costs more per node the deeper the node lies (measured: 15 times
    more at depth 2,000 than at depth 10); ``iterwalk`` does not. Without ``tags``,
    elements, comments and processing instructions are all yielded, as ``iter()`` does.
    """
    if tags:
        return (node for _, node in etree.iterwalk(root, events=("start",), tag=tags))
    return (node for _, node in etree.iterwalk(root, events=("start", "comment", "pi")))


def _shallow_copy(node: etree._Element) -> etree._Element:
    copy = node.makeelement(node.tag, node.attrib, nsmap=node.nsmap)
    copy.text = node.text
    return copy


# --------------------------------------------------------------------------- sources

def _from_selector(sel: parsel.Selector, query: str, reads: _TextReads) -> Iterator[str]:
    try:
        found = sel.xpath(query[6:]) if query.startswith("xpath:") else sel.css(query)
    except (ValueError, SyntaxError, etree.XPathError, SelectorError) as exc:
        logger.warning("invalid date selector %r: %s", query, exc)
        return
    for node in islice(found, MAX_SOURCE_ITEMS):
        if isinstance(node.root, str):  # ::text, ::attr(), @attr, text()
            texts = [node.root]
        elif isinstance(node.root, etree._Element):
            texts = [node.attrib[a] for a in ("datetime", "content", "title") if node.attrib.get(a)]
            texts.append(_visible_text(node.root, _SELECTOR_TEXT_CHARS, reads)[0])
        else:  # a number or boolean from an XPath function: no date
            continue
        for text in texts:
            yield text
            # "Posted on December 7, 2025 by Jane" does not parse whole; its date does.
            for match in _TEXT_DATE.finditer(text, 0, _SELECTOR_TEXT_CHARS):
                if match.group(0) != text.strip():
                    yield match.group(0)


def _from_json_ld(tree: etree._Element, url: str | None = None) -> Iterator[str]:
    ranked: list[tuple[int, int, str]] = []
    page_key = _url_key(url)
    objects = MAX_JSON_LD_OBJECTS
    for script in islice(json_ld_scripts(tree), MAX_SOURCE_ITEMS):
        try:
            data = load_json(unwrap(script))
        except ValueError:
            # Broken JSON (unescaped quotes, trailing commas) is common; the key still reads.
            ranked.extend((3, len(ranked), m) for m in islice(_LD_FALLBACK.findall(script), MAX_SOURCE_ITEMS))
            continue
        for obj, listed in islice(_walk_ld(data), objects):
            objects -= 1
            kind = _ld_kind(obj, listed, page_key)
            for key, rank in (("datePublished", kind), ("dateCreated", kind + len(_LD_RANKS))):
                value = obj.get(key)
                if isinstance(value, list) and value:
                    value = value[0]
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    ranked.append((rank, len(ranked), str(value)))
        if objects <= 0:
            break
    for _, _, value in sorted(ranked):
        yield value


# Ranks of JSON-LD objects, best first (datePublished; dateCreated after all of them).
_LD_RANKS = ("this article", "article", "page", "untyped", "listed article", "other")


def _ld_kind(obj: dict, listed: bool, page_key: str | None) -> int:
    """Rank of an object by ``@type``: the article (the one whose URL is the page's first),
    its page, untyped objects, other articles (list items, related), anything else."""
    types = obj.get("@type", "")
    names = [str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in (types if isinstance(types, list) else [types])]
    if any(_ARTICLE_TYPE.search(name) for name in names):
        if listed:
            return _LD_RANKS.index("listed article")
        own = page_key is not None and any(
            _url_key(obj.get(key)) == page_key for key in ("url", "@id", "mainEntityOfPage"))
        return _LD_RANKS.index("this article" if own else "article")
    if any(_PAGE_TYPE.search(name) for name in names):
        return _LD_RANKS.index("page")
    if not any(names):
        return _LD_RANKS.index("untyped")
    return _LD_RANKS.index("other")


def _walk_ld(data: object, listed: bool = False, depth: int = 0) -> Iterator[tuple[dict, bool]]:
    """:func:`~newsarchive.extraction.json_ld.walk_json`, saying whether an object is a list member
    (``itemListElement``, ``hasPart``, related links...): another article, not this one."""
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item, listed, depth + 1)
    elif isinstance(data, dict):
        yield data, listed
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(data.get(key), (dict, list)):
                yield from _walk_ld(data[key], listed, depth + 1)
        for key in _LIST_KEYS:
            if isinstance(data.get(key), (dict, list)):
                yield from _walk_ld(data[key], True, depth + 1)


def _url_key(value: object) -> str | None:
    """A URL without scheme, ``www.``, query, fragment and trailing slash, for comparison."""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    if not isinstance(value, str) or "//" not in value:
        return None
    rest = value.split("//", 1)[1].split("#", 1)[0].split("?", 1)[0].rstrip("/").lower()
    return rest.removeprefix("www.")


def _from_meta(tree: etree._Element, reads: _TextReads) -> Iterator[str]:
    ranked: list[tuple[int, int, str]] = []
    for meta in islice(_META_WITH_CONTENT(tree), MAX_SOURCE_ITEMS):
        content = meta.get("content", "")
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "")[:_MAX_LABEL_CHARS].strip().lower()
            if key in _META_RANK:
                ranked.append((_META_RANK[key], len(ranked), content))
            elif key == "parsely-page":
                try:
                    page = load_json(content, strict=True)
                except ValueError:
                    continue
                if isinstance(page, dict) and isinstance(page.get("pub_date"), str):
                    ranked.append((_META_RANK["parsely-pub-date"], len(ranked), page["pub_date"]))
    for node in islice(_ITEMPROP_PUBLISHED(tree), MAX_SOURCE_ITEMS):
        value = node.get("content") or node.get("datetime") or _visible_text(node, _TEXT_LIMIT, reads)[0]
        ranked.append((_META_RANK["datepublished"], len(ranked), value))
    for _, _, value in sorted(ranked):
        yield value


def _from_time(tree: etree._Element, scan: _Scan, reads: _TextReads) -> Iterator[str]:
    scored: list[tuple[int, int, str]] = []
    for order, node in enumerate(islice(_TIME_NODES(tree), MAX_SOURCE_ITEMS)):
        if node not in scan.allowed:  # site chrome
            continue
        own, around = _own_labels(node), _labels(node, levels=2)
        # The element's own class decides ("entry-date published updated" is published);
        # only a neutral <time> takes its meaning from the wrapper.
        published = bool(_PUBLISHED.search(own)) or "pubdate" in node.attrib
        changed = bool(_CHANGED.search(own))
        if not published and not changed:
            published, changed = bool(_PUBLISHED.search(around)), bool(_CHANGED.search(around))
        if changed and not published:
            continue
        score = 0
        if published:
            score -= 4
        if node in scan.in_story:
            score -= 2
        # A <time> holding more than a byline's worth of text is no date: read that far.
        raw = node.get("datetime") or _visible_text(node, _TEXT_LIMIT, reads)[0]
        scored.append((score, order, raw))
    for _, _, raw in sorted(scored):
        yield raw


def _from_text(tree: etree._Element, allowed: set[etree._Element], reads: _TextReads) -> Iterator[str]:
    """Dates printed in byline-like elements, then right after the headline."""
    seen = ""  # the texts already read, one a line (a text holds no newline)
    blocks: list[etree._Element] = []
    for node in _LABELLED_BODY_NODES(tree):
        labels = _own_labels(node)
        if _BYLINE.search(labels) and not _CHANGED.search(labels):
            blocks.append(node)
            if len(blocks) >= MAX_TEXT_BLOCKS:
                break
    for headline in _FIRST_H1(tree):
        blocks.extend(_AFTER_HEADLINE(headline))
        blocks.extend(_HEADLINE_WRAPPERS(headline))
    relative: list[str] = []  # "2 hours ago" is typical of news-feed widgets: try last
    for node in blocks:
        if node not in allowed:  # site chrome
            continue
        labels = _labels(node, levels=2)
        if _CHANGED.search(labels) and not _PUBLISHED.search(labels):
            continue
        text, whole = _visible_text(node, _TEXT_LIMIT, reads)
        # A fragment of a block already read was judged with its context ("Updated ...").
        if not whole or not text or len(text) > _TEXT_LIMIT or text in seen:
            continue
        seen += "\n" + text
        if not _DATE_HINT.search(text):
            continue
        for match in _TEXT_DATE.finditer(text):
            before = text[max(0, match.start() - 25):match.start()]
            if _CHANGED.search(before):
                continue
            if _RELATIVE.search(match.group(0)):
                relative.append(match.group(0))
            else:
                yield match.group(0)
    yield from relative


# The page's own URL: /2025/03/12/, /2025-03-12-slug (a year and month alone are no day).
_URL_DATE = re.compile(r"(?<![\d.])((?:19|20)\d\d)([/_-])(\d{1,2})\2(\d{1,2})(?![\d.])")
_MAX_URL_CHARS = 2_000


def _from_url(url: str | None) -> str | None:
    """A full date in the path of the page's own URL (never in links to other pages)."""
    if not url:
        return None
    path = url[:_MAX_URL_CHARS].split("?", 1)[0].split("#", 1)[0]
    path = path.split("//", 1)[-1].partition("/")[2]
    match = _URL_DATE.search(path)
    return f"{match[1]}-{int(match[3]):02d}-{int(match[4]):02d}" if match else None


HTMLDATE_EXTENSIVE = False
"""Whether htmldate may run its extensive search. Never: it builds dates out of whatever
the page holds (other articles' URLs in "Related" boxes, "© 2025" in the footer, a site's
launch year) -- a wrong date is worse than none -- and costs 5-400 ms a page."""

# A full date (day, month and year) in some text: what htmldate's fast mode can read.
# Found by its four-digit year, then checked in a window around it (bounded work).
_YEAR_IN_TEXT = re.compile(r"(?:19|20)\d\d")
_FULL_DATE_AROUND = re.compile(
    r"\d{4}\s?[-/.年년]\s?\d{1,2}\s?[-/.月월]\s?\d{1,2}(?!\d)"
    r"|(?<!\d)\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
    r"|(?<!\d)\d{1,2}(?:st|nd|rd|th)?\.?\s[^\W\d_]{3,10}\.?,?\s\d{4}"
    r"|[^\W\d_]{3,10}\.?\s\d{1,2}(?:st|nd|rd|th)?,?\s\d{4}"
    r"|\d{4}(?:19|20)?\d{2}[01]\d[0-3]\d[tT]\d",  # 20251207T1030
)
_MAX_YEARS_CHECKED = 500
_HTMLDATE_GATE_CHARS = 1_000_000


def _states_full_date(texts: Sequence[str]) -> bool:
    """Whether one of ``texts`` holds a full date (see ``_FULL_DATE_AROUND``)."""
    checked, left = 0, _HTMLDATE_GATE_CHARS
    for text in texts:
        text = text[:left]
        left -= len(text)
        for year in _YEAR_IN_TEXT.finditer(text):
            start, end = year.start(), year.end()
            if (start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
                continue
            if _FULL_DATE_AROUND.search(text, max(0, start - 20), min(len(text), end + 12)):
                return True
            checked += 1
            if checked >= _MAX_YEARS_CHECKED:
                return False
        if left <= 0:
            break
    return False


def _from_htmldate(page: _Page, url: str | None, relative_base: datetime | None) -> str | None:
    """htmldate's fast mode on the page without its chrome, if the page states a full date.

    Pages stating no full date at all (undated press releases) skip htmldate: it would
    find nothing its fast mode trusts, at several milliseconds a page.
    """
    try:
        import htmldate
    except ImportError:  # optional at runtime; the pipeline still works without it
        return None
    if not isinstance(page.sel.root, etree._Element):
        return None
    base = relative_base or datetime.now(dt_timezone.utc)
    if base.tzinfo is None:
        base = base.replace(tzinfo=dt_timezone.utc)
    settings = {"extensive_search": HTMLDATE_EXTENSIVE, "original_date": True, "url": url,
                "min_date": MIN_DATE.strftime("%Y-%m-%d"), "max_date": (base + FUTURE_SLACK).strftime("%Y-%m-%d")}
    if _from_url(url):  # htmldate reads the URL first and returns at once: no copy needed
        return _find_date(htmldate, page.tree, settings)
    tree = deepcopy(page.tree)
    chrome = set(page.scan.chrome)
    if chrome:  # the same nodes in the copy: both trees walked in step (no second chrome scan)
        for node in [copy for orig, copy in zip(iter_nodes(page.tree), iter_nodes(tree)) if orig in chrome]:
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)  # tail text of chrome is page text; keep it
    if _keep_chars(tree, HTMLDATE_MAX_CHARS):
        logger.info("Date extraction on %s: htmldate sees the first %d characters only (HTMLDATE_MAX_CHARS)",
                    url or "a page", HTMLDATE_MAX_CHARS)
    metas = [meta.get("content", "") for meta in islice(_META_WITH_CONTENT(tree), MAX_SOURCE_ITEMS)]
    if not _states_full_date([*metas, etree.tostring(tree, method="text", encoding="unicode")]):
        return None
    return _find_date(htmldate, tree, settings)


def _find_date(htmldate, tree: etree._Element, settings: dict) -> str | None:
    try:
        return htmldate.find_date(tree, **settings)
    except Exception:  # htmldate is a best-effort fallback; never let it break extraction
        logger.debug("htmldate failed", exc_info=True)
        return None


def _keep_chars(root: etree._Element, limit: int) -> bool:
    """Cut ``root`` (in place) after ``limit`` characters of text, tails and attribute values.

    Counted in document order; the node where the count runs out keeps the start of its
    attribute values and text, everything after it goes. Returns whether anything was cut.
    """
    left = limit
    for node in iter_nodes(root):
        if isinstance(node.tag, str):
            for key, value in node.attrib.items():
                left -= len(key) + len(value)
                if left < 0:
                    kept = value[: max(0, len(value) + left)]
                    for later in node.attrib.keys()[node.attrib.keys().index(key):]:
                        del node.attrib[later]
                    node.set(key, kept)
                    node.text = None
                    _drop_after(node)
                    return True
        text = node.text if isinstance(node.tag, str) else None
        left -= len(text or "") + len(node.tail or "")
        if left < 0:
            if text:
                node.text = text[: max(0, len(text) + left + len(node.tail or ""))]
            _drop_after(node)
            return True
    return False


def _drop_after(node: etree._Element) -> None:
    """Remove everything after ``node``'s own text, in document order (in place)."""
    for child in list(node):
        node.remove(child)
    while True:
        node.tail = None
        parent = node.getparent()
        if parent is None:
            return
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node = parent


# --------------------------------------------------------------------------- chrome

def _labels(node: etree._Element, levels: int) -> str:
    """Class/id/itemprop of the node and its ``levels`` nearest ancestors (outermost first)."""
    ancestors = list(islice(node.iterancestors(), levels))
    return " ".join([_own_labels(node), *(_own_labels(a) for a in reversed(ancestors))])


def _own_labels(node: etree._Element) -> str:
    return " ".join(filter(None, (_label(node, "class"), _label(node, "id"), _label(node, "itemprop"))))


def _label(node: etree._Element, attr: str) -> str | None:
    value = node.get(attr)
    return value[:_MAX_LABEL_CHARS] if value else value


def _chrome_nodes(root: etree._Element) -> list[etree._Element]:
    """Outermost site chrome that can hold a render date (see the module docstring).

    What lies inside a chrome element goes with it, so its subtree is not searched.
    """
    return _scan_chrome(root).chrome


@dataclass
class _Scan:
    chrome: list[etree._Element]  # outermost site chrome, in document order
    allowed: set[etree._Element]  # every element outside chrome
    in_story: set[etree._Element]  # allowed elements with a story ancestor (see _STORY_CLASSES)


# What marks an ancestor as the story's: <article>/<main>, or a class containing one of these.
_STORY_CLASSES = ("entry-meta", "byline", "post-meta", "article")


def _scan_chrome(root: etree._Element) -> _Scan:
    """Site chrome under ``root``, the elements outside it, and which of them are in the story.

    One walk over the tree: the ancestors that matter (``<article>``/``<main>``, story
    classes) are counted on the way down, and which nodes hold an ``<h1>`` or
    ``<article>`` is worked out once beforehand, so no node looks at its ancestors or
    its subtree again.
    """
    holders = _heading_holders(root)
    scan = _Scan([], set(), set())
    main = story = 0  # open <article>/<main> elements, and open story elements, around the node
    opened: list[tuple[bool, bool]] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, node in walker:
        if event == "end":
            is_main, is_story = opened.pop()
            main -= is_main
            story -= is_story
            continue
        if _is_chrome(node, main > 0, holders):
            scan.chrome.append(node)
            walker.skip_subtree()
            opened.append((False, False))
            continue
        scan.allowed.add(node)
        if story:
            scan.in_story.add(node)
        is_main = node.tag in ("article", "main")
        classes = node.get("class") or ""
        is_story = is_main or any(name in classes for name in _STORY_CLASSES)
        opened.append((is_main, is_story))
        main += is_main
        story += is_story
    return scan


def _heading_holders(root: etree._Element) -> set[etree._Element]:
    """The elements that have an ``<h1>`` or an ``<article>`` below them (each found once)."""
    holders: set[etree._Element] = set()
    for heading in iter_nodes(root, ("h1", "article")):
        for ancestor in heading.iterancestors():
            if ancestor in holders:
                break
            holders.add(ancestor)
    return holders


def _is_chrome(node: etree._Element, in_story: bool, holders: set[etree._Element]) -> bool:
    """Whether ``node`` is site chrome (see the module docstring).

    ``in_story``: an ancestor is ``<article>``/``<main>``; ``holders``: the elements
    with an ``<h1>`` or ``<article>`` below them.
    """
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in ("html", "body", "article", "main"):
        return False
    labels = " ".join(filter(None, (_label(node, "class"), _label(node, "id"))))
    if _RENDER_DATE.search(labels):
        return True
    if not (tag in ("header", "nav", "footer") or CHROME_LABELS.search(labels)):
        return False
    if _ARTICLE_PART.search(labels):  # "entry-header", "post-footer": the story's own
        return False
    if in_story:
        return False
    return node not in holders


def _text_of(node: etree._Element) -> str:
    """Visible text of ``node``, whitespace collapsed (all of it: see :func:`_visible_text`)."""
    return " ".join(" ".join(_TEXT_NODES(node)).split())


_NO_TEXT = ("script", "style")


class _TextReads:
    """What is left of a page's :data:`MAX_TEXT_READ`."""

    __slots__ = ("chars", "exhausted", "nodes")

    def __init__(self, nodes: int, chars: int) -> None:
        self.nodes, self.chars, self.exhausted = nodes, chars, False


def _visible_text(node: etree._Element, limit: int, reads: _TextReads | None = None) -> tuple[str, bool]:
    """:func:`_text_of` read only as far as needed to tell it is longer than ``limit``.

    Returns the text and whether it is whole. Not whole: the text was already longer
    than ``limit`` characters, or the subtree holds more than ``64 * limit`` characters
    of raw text (whitespace-only pieces do not count) or ``4 * limit`` nodes, however
    short its text would be, or the page's ``reads`` ran out; the text returned is then
    what was read so far. Script and style contents are skipped, their tails kept, as
    with :func:`_text_of`.
    """
    if node.tag in _NO_TEXT:
        return "", True
    pieces: list[str] = []
    size = nodes = 0
    check = limit
    max_raw, max_nodes = 64 * limit, 4 * limit
    if reads is not None:
        max_raw, max_nodes = min(max_raw, reads.chars), min(max_nodes, reads.nodes)
    whole = False
    walker = etree.iterwalk(node, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event == "start":
            nodes += 1
            if el is not node and el.tag in _NO_TEXT:
                walker.skip_subtree()
                continue
            piece = el.text
        elif el is node:
            continue  # "end" of the node itself: its tail is not its text
        else:
            piece = el.tail  # "end", "comment", "pi"
            if event != "end":
                nodes += 1
        if nodes > max_nodes:
            break
        if not piece:
            continue
        if len(piece) > max_raw - size:
            pieces.append(piece[: max_raw - size])
            size = max_raw
            break
        if piece.isspace():  # only separates words, as the joining space does
            continue
        pieces.append(piece)
        size += len(piece)
        if size > check:
            if len(_squeezed(pieces)) > limit:
                break
            check = 2 * size
    else:
        whole = True
    if reads is not None:
        reads.nodes -= min(nodes, reads.nodes)
        reads.chars -= min(size, reads.chars)
        if not whole and (reads.nodes <= 0 or reads.chars <= 0):
            reads.exhausted = True
    return _squeezed(pieces), whole


def _squeezed(pieces: list[str]) -> str:
    return " ".join(" ".join(pieces).split())


# Queries the sources run on every page, compiled once. Plain ``str`` results, as parsel
# gives them (no "smart strings" holding a reference to their tree).
def _xpath(query: str) -> etree.XPath:
    return etree.XPath(query, smart_strings=False)


_META_WITH_CONTENT = _xpath("//meta[@content]")
_ITEMPROP_PUBLISHED = _xpath(  # [@itemprop] first: a cheap test that rules out most nodes
    '//*[@itemprop][not(self::meta)][translate(@itemprop, "DATEPUBLISHED", "datepublished")="datepublished"]'
)
_TIME_NODES = _xpath("//time[@datetime]|//time[@pubdate]|//*[@pubdate][@datetime]")
_LABELLED_BODY_NODES = _xpath("//body//*[@class or @id][not(self::script or self::style)]")
_FIRST_H1 = _xpath("(//h1)[1]")
_AFTER_HEADLINE = _xpath("following::*[position() <= 12]")
_HEADLINE_WRAPPERS = _xpath("ancestor::*[position() <= 2]")
_TEXT_NODES = _xpath(".//text()[not(ancestor::script or ancestor::style)]")
