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
6. ``htmldate`` -- ``htmldate.find_date(original_date=True)`` as the last resort.

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
"""

from __future__ import annotations

import json
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

from newsarchive.dates import FUTURE_SLACK, MIN_DATE, normalize_date
from newsarchive.json_ld import json_ld_scripts, unwrap, walk_json

__all__ = ["FoundDate", "extract_published"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FoundDate:
    """A publication date, the exact string the page gave, and which source gave it."""

    value: datetime | None
    raw: str | None
    source: str  # "selector" | "json-ld" | "meta" | "time" | "text" | "htmldate" | "none"


NOT_FOUND = FoundDate(None, None, "none")

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

_ARTICLE_TYPE = re.compile(r"article|posting|report|blog|news", re.I)
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
    | {_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}
        (?:,?\s*(?:at\s+|-\s*|\|\s*)?{_CLOCK})?                              # December 7, 2025 10:30
    | \d{{1,3}}\s+(?:hours?|hrs?|minutes?|mins?|days?|час\w*|минут\w*|дн\w*|сағат|саат|soat)
        \s+(?:ago|назад|бұрын|мурун|oldin)                                   # 2 hours ago
    | (?:yesterday|today|вчера|сегодня)(?:,|\s+at|\s+в)?\s*{_CLOCK}            # вчера, 14:30
    """,
    re.I | re.X,
)
_RELATIVE = re.compile(r"ago|назад|бұрын|мурун|oldin|yesterday|today|вчера|сегодня", re.I)
_LD_FALLBACK = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')
_TEXT_LIMIT = 300  # a byline is short; longer blocks are article text


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
    page = _Page(sel)

    def parse(raw: str | None) -> datetime | None:
        if not raw or not raw.strip():
            return None
        return normalize_date(raw.strip(), languages=languages, timezone=timezone,
                              relative_base=relative_base)

    steps = (
        ("selector", lambda: _from_selector(sel, selector) if selector else ()),
        ("json-ld", lambda: _from_json_ld(page.tree)),
        ("meta", lambda: _from_meta(page.tree)),
        ("time", lambda: _from_time(page.tree, page.chrome)),
        ("text", lambda: _from_text(page.tree, page.chrome)),
    )
    stated: FoundDate | None = None  # a date the page states but that does not parse
    for index, (source, candidates) in enumerate(steps):
        for raw in candidates():
            value = parse(raw)
            if value is None:
                if stated is None and raw.strip() and source in _STATED:
                    stated = FoundDate(None, raw.strip(), source)
                continue
            if value is not None:
                found = FoundDate(value, raw.strip(), source)
                if value.utcoffset() == timedelta(0) and source in _STRUCTURED:
                    found = _prefer_local_offset(found, steps[index:], parse)
                return found
    if stated is not None:
        # The page says when it was published, but it is impossible or unreadable:
        # report that (None, with the raw text) rather than let a heuristic guess.
        return stated
    if use_htmldate:
        raw = _from_htmldate(sel, url, relative_base)
        value = parse(raw)
        if value is not None:
            return FoundDate(value, raw, "htmldate")
    return NOT_FOUND


class _Page:
    """The lxml tree the sources query, and its site chrome, each worked out once.

    The sources walk the tree with precompiled XPath (below) rather than through parsel
    selectors: a page is queried dozens of times and a ``Selector`` per node adds up.
    """

    def __init__(self, sel: parsel.Selector) -> None:
        self.sel = sel

    @cached_property
    def tree(self) -> etree._Element:
        """What ``sel.xpath()`` would search; raises like it for a JSON selector."""
        sel = self.sel
        if sel.type not in ("html", "xml", "text"):
            raise ValueError(f"Cannot use xpath on a Selector of type {sel.type!r}")
        if sel.type == "text":
            return parsel.Selector(text=str(sel.root), type="html").root
        if isinstance(sel.root, etree._Element):
            return sel.root
        return etree.Element("html")  # a bare string: nothing to find

    @cached_property
    def chrome(self) -> set[etree._Element]:
        """Site chrome (steps "time" and "text" both skip it).

        Holding the element proxies keeps lxml from recycling them, so membership tests
        on nodes reached later are reliable.
        """
        return set(_chrome_nodes(self.tree))


_STRUCTURED = ("json-ld", "meta", "time")
_STATED = ("selector", *_STRUCTURED)  # explicit statements, unlike the text heuristics


def _prefer_local_offset(found: FoundDate, steps, parse) -> FoundDate:
    """Same instant stated elsewhere with a local offset? Use that statement.

    Pages often give the time in UTC in one place and with the newsroom's offset in
    another; both are right, but only the local one yields the date readers saw.
    """
    for source, candidates in steps:
        if source not in _STRUCTURED:
            continue
        for raw in candidates():
            value = parse(raw)
            if value is not None and value == found.value and value.utcoffset() != timedelta(0):
                return FoundDate(value, raw.strip(), source)
    return found


# --------------------------------------------------------------------------- sources

def _from_selector(sel: parsel.Selector, query: str) -> Iterator[str]:
    try:
        found = sel.xpath(query[6:]) if query.startswith("xpath:") else sel.css(query)
    except (ValueError, SyntaxError, etree.XPathError, SelectorError) as exc:
        logger.warning("invalid date selector %r: %s", query, exc)
        return
    for node in found:
        if isinstance(node.root, str):  # ::text, ::attr(), @attr, text()
            texts = [node.root]
        else:
            texts = [node.attrib[a] for a in ("datetime", "content", "title") if node.attrib.get(a)]
            texts.append(_text_of(node.root))
        for text in texts:
            yield text
            # "Posted on December 7, 2025 by Jane" does not parse whole; its date does.
            for match in _TEXT_DATE.finditer(text):
                if match.group(0) != text.strip():
                    yield match.group(0)


def _from_json_ld(tree: etree._Element) -> Iterator[str]:
    ranked: list[tuple[int, int, str]] = []
    for script in json_ld_scripts(tree):
        try:
            data = json.loads(unwrap(script), strict=False)
        except ValueError:
            # Broken JSON (unescaped quotes, trailing commas) is common; the key still reads.
            ranked.extend((3, len(ranked), m) for m in _LD_FALLBACK.findall(script))
            continue
        for obj in walk_json(data):
            types = obj.get("@type", "")
            types = " ".join(types) if isinstance(types, list) else str(types)
            article = bool(_ARTICLE_TYPE.search(types))
            for key, rank in (("datePublished", 0 if article else 1),
                              ("dateCreated", 2 if article else 4)):
                value = obj.get(key)
                if isinstance(value, list) and value:
                    value = value[0]
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    ranked.append((rank, len(ranked), str(value)))
    for _, _, value in sorted(ranked):
        yield value


def _from_meta(tree: etree._Element) -> Iterator[str]:
    ranked: list[tuple[int, int, str]] = []
    for meta in _META_WITH_CONTENT(tree):
        content = meta.get("content", "")
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key in _META_RANK:
                ranked.append((_META_RANK[key], len(ranked), content))
            elif key == "parsely-page":
                try:
                    page = json.loads(content)
                except ValueError:
                    continue
                if isinstance(page, dict) and isinstance(page.get("pub_date"), str):
                    ranked.append((_META_RANK["parsely-pub-date"], len(ranked), page["pub_date"]))
    for node in _ITEMPROP_PUBLISHED(tree):
        value = node.get("content") or node.get("datetime") or _text_of(node)
        ranked.append((_META_RANK["datepublished"], len(ranked), value))
    for _, _, value in sorted(ranked):
        yield value


def _from_time(tree: etree._Element, chrome: set[etree._Element]) -> Iterator[str]:
    scored: list[tuple[int, int, str]] = []
    for order, node in enumerate(_TIME_NODES(tree)):
        if _in_chrome(node, chrome):
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
        if _STORY_ANCESTORS(node):
            score -= 2
        raw = node.get("datetime") or _text_of(node)
        scored.append((score, order, raw))
    for _, _, raw in sorted(scored):
        yield raw


def _from_text(tree: etree._Element, chrome: set[etree._Element]) -> Iterator[str]:
    """Dates printed in byline-like elements, then right after the headline."""
    seen: list[str] = []
    blocks: list[etree._Element] = []
    for node in _LABELLED_BODY_NODES(tree):
        labels = _own_labels(node)
        if _BYLINE.search(labels) and not _CHANGED.search(labels):
            blocks.append(node)
    for headline in _FIRST_H1(tree):
        blocks.extend(_AFTER_HEADLINE(headline))
        blocks.extend(_HEADLINE_WRAPPERS(headline))
    relative: list[str] = []  # "2 hours ago" is typical of news-feed widgets: try last
    for node in blocks:
        if _in_chrome(node, chrome):
            continue
        labels = _labels(node, levels=2)
        if _CHANGED.search(labels) and not _PUBLISHED.search(labels):
            continue
        text = _text_of(node)
        # A fragment of a block already read was judged with its context ("Updated ...").
        if not text or len(text) > _TEXT_LIMIT or any(text in done for done in seen):
            continue
        seen.append(text)
        for match in _TEXT_DATE.finditer(text):
            before = text[max(0, match.start() - 25):match.start()]
            if _CHANGED.search(before):
                continue
            if _RELATIVE.search(match.group(0)):
                relative.append(match.group(0))
            else:
                yield match.group(0)
    yield from relative


def _from_htmldate(sel: parsel.Selector, url: str | None,
                   relative_base: datetime | None) -> str | None:
    try:
        import htmldate
    except ImportError:  # optional at runtime; the pipeline still works without it
        return None
    tree = deepcopy(sel.root)
    if not isinstance(tree, etree._Element):
        return None
    for node in _chrome_nodes(tree):
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)  # tail text of chrome is page text; keep it
    base = relative_base or datetime.now(dt_timezone.utc)
    if base.tzinfo is None:
        base = base.replace(tzinfo=dt_timezone.utc)
    max_date = (base + FUTURE_SLACK).strftime("%Y-%m-%d")
    try:
        return htmldate.find_date(tree, extensive_search=True, original_date=True, url=url,
                                  min_date=MIN_DATE.strftime("%Y-%m-%d"), max_date=max_date)
    except Exception:  # htmldate is a best-effort fallback; never let it break extraction
        logger.debug("htmldate failed", exc_info=True)
        return None


# --------------------------------------------------------------------------- chrome

def _labels(node: etree._Element, levels: int) -> str:
    """Class/id/itemprop of the node and its ``levels`` nearest ancestors (outermost first)."""
    ancestors = list(islice(node.iterancestors(), levels))
    return " ".join([_own_labels(node), *(_own_labels(a) for a in reversed(ancestors))])


def _own_labels(node: etree._Element) -> str:
    return " ".join(filter(None, (node.get("class"), node.get("id"), node.get("itemprop"))))


def _chrome_nodes(root: etree._Element) -> list[etree._Element]:
    """Outermost site chrome that can hold a render date (see the module docstring).

    What lies inside a chrome element goes with it, so its subtree is not searched.
    """
    found = []
    walker = etree.iterwalk(root, events=("start",))
    for _, node in walker:
        if _is_chrome(node):
            found.append(node)
            walker.skip_subtree()
    return found


def _is_chrome(node: etree._Element) -> bool:
    """Whether ``node`` is site chrome (see the module docstring)."""
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in ("html", "body", "article", "main"):
        return False
    labels = " ".join(filter(None, (node.get("class"), node.get("id"))))
    if _RENDER_DATE.search(labels):
        return True
    if not (tag in ("header", "nav", "footer") or CHROME_LABELS.search(labels)):
        return False
    if _ARTICLE_PART.search(labels):  # "entry-header", "post-footer": the story's own
        return False
    if any(a.tag in ("article", "main") for a in node.iterancestors()):
        return False
    return node.find(".//h1") is None and node.find(".//article") is None


def _in_chrome(node: etree._Element, chrome: set[etree._Element]) -> bool:
    if not chrome:
        return False
    return node in chrome or any(a in chrome for a in node.iterancestors())


def _text_of(node: etree._Element) -> str:
    return " ".join(" ".join(_TEXT_NODES(node)).split())


# Queries the sources run on every page, compiled once. Plain ``str`` results, as parsel
# gives them (no "smart strings" holding a reference to their tree).
def _xpath(query: str) -> etree.XPath:
    return etree.XPath(query, smart_strings=False)


_META_WITH_CONTENT = _xpath("//meta[@content]")
_ITEMPROP_PUBLISHED = _xpath(  # [@itemprop] first: a cheap test that rules out most nodes
    '//*[@itemprop][not(self::meta)][translate(@itemprop, "DATEPUBLISHED", "datepublished")="datepublished"]'
)
_TIME_NODES = _xpath("//time[@datetime]|//time[@pubdate]|//*[@pubdate][@datetime]")
_STORY_ANCESTORS = _xpath(
    "ancestor::article|ancestor::main|ancestor::*[contains(@class,'entry-meta') or "
    "contains(@class,'byline') or contains(@class,'post-meta') or contains(@class,'article')]"
)
_LABELLED_BODY_NODES = _xpath("//body//*[@class or @id][not(self::script or self::style)]")
_FIRST_H1 = _xpath("(//h1)[1]")
_AFTER_HEADLINE = _xpath("following::*[position() <= 12]")
_HEADLINE_WRAPPERS = _xpath("ancestor::*[position() <= 2]")
_TEXT_NODES = _xpath(".//text()[not(ancestor::script or ancestor::style)]")
