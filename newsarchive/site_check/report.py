"""What each selector or automatic rule finds on one listing page and one article page.

The listing page goes through the spider's own ``parse_listing`` and the article page
through its ``parse_article``: the teasers, the next page and the article fields shown
are the ones a crawl would get, with the warnings it would log. Around that, each
selector of the site definition is run on its own (with the project's
:func:`~newsarchive.extraction.selectors.select` and :func:`~newsarchive.extraction.selectors.first_text`), so a
selector that matches nothing, or a ``url`` selector that gives link text instead of a
URL, is named with its TOML key.

A :class:`Finding` is an ``error`` when it means the crawl would get nothing (or nothing
right) from what the selector is for, a ``warning`` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy.http import HtmlResponse, Request

from newsarchive.extraction.article_fields import extract_article_fields, page_language
from newsarchive.extraction.date_extraction import extract_published
from newsarchive.extraction.selectors import first_link, first_text, select
from newsarchive.warc.fetch_time import fetched_at
from newsarchive.items import Article
from newsarchive.sources.listing_spider import ListingSpider
from newsarchive.site_check.capture import captured_warnings
from newsarchive.sites.definition import ArticleRules, ListingRules
from newsarchive.sources.auto_listing import AutoListing, find_teasers

__all__ = [
    "ERROR",
    "WARNING",
    "ArticleReport",
    "Finding",
    "ListingReport",
    "check_article",
    "check_listing",
]

ERROR = "error"
WARNING = "warning"

_TEASER_KEYS = ("url", "title", "summary", "date", "section")
_ARTICLE_KEYS = ("title", "body", "date", "authors", "tags", "section")
_ABSOLUTE_OR_PATH = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|/|\./|\.\./|\?)\S*$")


@dataclass(frozen=True)
class Finding:
    """One problem: the TOML key it is about (if any), what is wrong, how bad."""

    level: str  # ERROR | WARNING
    key: str | None
    message: str


@dataclass
class SelectorUse:
    """One selector of the site definition and how often it gave text here."""

    key: str  # e.g. "listing.url"
    query: str
    found: int  # teasers (or pages) where it gave text
    of: int  # teasers (or pages) it was run on


@dataclass
class TeaserView:
    """A teaser as the crawl turns it into an item (before the article page)."""

    url: str | None
    title: str | None
    published: str | None
    published_raw: str | None
    summary: str | None
    section: str | None

    @classmethod
    def of(cls, item: Article) -> TeaserView:
        return cls(item.url, item.title, item.published, item.published_raw, item.summary, item.section)


@dataclass
class ListingReport:
    """What the crawl gets from one listing page."""

    url: str
    status: int
    content_type: str
    size: int
    rules: str  # "selectors" | "automatic"
    teaser_rule: str | None  # "selectors", "repeated_blocks", "heading_links" or None
    blocks: int  # teasers found on the page (selector matches, or automatic teasers)
    teasers: list[TeaserView]  # those that become items, in page order
    selectors: list[SelectorUse]
    next_page: str | None
    next_rule: str | None  # "listing.next_page" or an automatic rule name
    next_followed: bool  # the crawl would request it (not stopped by max_pages...)
    signature: str | None  # where the automatic rules found the teasers
    follow: bool
    language: str | None  # of <html lang>
    first_article: str | None  # the article the crawl requests first
    findings: list[Finding] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    auto: AutoListing | None = field(default=None, repr=False)
    first_teaser: Article | None = field(default=None, repr=False)
    page: HtmlResponse | None = field(default=None, repr=False)


@dataclass
class ArticleReport:
    """What the crawl gets from one article page, merged with its teaser."""

    url: str
    status: int
    title: str | None
    published: str | None
    published_raw: str | None
    date_source: str  # "selector", "json-ld", "meta", "time", "text", "htmldate", "none"
    authors: list[str]
    tags: list[str]
    section: str | None
    language: str | None
    paragraphs: int
    body_lines: list[str]
    selectors: list[SelectorUse]
    findings: list[Finding] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def check_listing(spider: ListingSpider, response: HtmlResponse) -> ListingReport:
    """Run the spider's listing callback on ``response`` and say what each rule found."""
    rules = spider.site.listing or ListingRules()
    emitted: list[Article] = []
    autos: list[AutoListing] = []
    log: list[str] = []
    outputs = _run_listing(spider, response, emitted, autos, log)
    requests = [o for o in outputs if isinstance(o, Request)]
    next_requests = [r for r in requests if r.callback == spider.parse_listing]
    article_requests = [r for r in requests if r.callback == spider.parse_article]
    findings: list[Finding] = []
    selectors: list[SelectorUse] = []
    blocks = select(response, rules.item) if rules.item else []
    auto = autos[0] if autos else None
    if blocks:
        selectors = _teaser_selectors(spider, response, rules, blocks, findings)
        next_url, next_rule = _selector_next(response, rules, findings, spider)
        count, teaser_rule, kind = len(blocks), "selectors", "selectors"
    else:
        if rules.item:
            found = f"the automatic rules found {len(auto.teasers)} teasers instead" if auto and auto.teasers \
                else "the automatic rules found none either"
            findings.append(Finding(ERROR, "listing.item", f"{rules.item!r} matched nothing on this page; {found}"))
        count = len(auto.teasers) if auto else 0
        teaser_rule, kind = (auto.teaser_rule if auto else None), "automatic"
        if rules.next_page:
            next_url, next_rule = _selector_next(response, rules, findings, spider)
        else:
            next_url, next_rule = (auto.next_page, auto.next_rule) if auto else (None, None)
    if not emitted:
        why = "no teasers" if not count else f"none of the {count} teasers became an item (see the crawl log)"
        findings.append(Finding(ERROR, None, f"the crawl would get nothing from this page: {why}"))
    elif len(emitted) < count:
        findings.append(Finding(WARNING, None, f"{count - len(emitted)} of {count} teasers would not become items "
                                               "(older than -a since, or see the crawl log)"))
    if spider.follow and emitted and not article_requests:
        findings.append(Finding(ERROR, None, "no article page would be requested (see the crawl log)"))
    return ListingReport(
        url=response.url,
        status=response.status,
        content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1"),
        size=len(response.body),
        rules=kind,
        teaser_rule=teaser_rule,
        blocks=count,
        teasers=[TeaserView.of(item) for item in emitted],
        selectors=selectors,
        next_page=next_url,
        next_rule=next_rule,
        next_followed=bool(next_requests),
        signature=auto.signature if auto else None,
        follow=spider.follow,
        language=page_language(response),
        first_article=article_requests[0].url if article_requests else None,
        findings=findings,
        log=log,
        auto=auto,
        first_teaser=article_requests[0].cb_kwargs["teaser"] if article_requests else None,
        page=response,
    )


def check_article(spider: ListingSpider, response: HtmlResponse, teaser: Article) -> ArticleReport:
    """Run the spider's article callback on ``response`` and say what each selector found."""
    rules = spider.site.article
    log: list[str] = []
    with captured_warnings(log):
        items = [o for o in spider.parse_article(response, teaser) if isinstance(o, Article)]
        found = extract_published(
            response.selector, selector=rules.date, url=response.url, languages=spider.languages,
            timezone=spider.site.timezone, relative_base=fetched_at(response),
        )
    item = items[0] if items else teaser
    findings: list[Finding] = []
    selectors = _article_selectors(response, rules, found.source, findings)
    body = (item.body or "").split("\n\n") if item.body else []
    named = {f.key for f in findings}
    if not item.title and "article.title" not in named:
        findings.append(Finding(ERROR, "article.title" if rules.title else None, "the article has no title"))
    if not body and "article.body" not in named:
        findings.append(Finding(ERROR, "article.body" if rules.body else None, "the article has no body text"))
    return ArticleReport(
        url=response.url,
        status=response.status,
        title=item.title,
        published=item.published,
        published_raw=item.published_raw,
        date_source=found.source,
        authors=list(item.authors),
        tags=list(item.tags),
        section=item.section,
        language=item.language,
        paragraphs=len(body),
        body_lines=body[:3],
        selectors=selectors,
        findings=findings,
        log=log,
    )


# -- listing --------------------------------------------------------------------------


def _run_listing(spider: ListingSpider, response: HtmlResponse, emitted: list[Article],
                 autos: list[AutoListing], log: list[str]) -> list[Any]:
    """``parse_listing`` on the page, recording each teaser item and the automatic rules' result."""
    emit, auto_listing = spider.emit, spider.auto_listing

    def recording_emit(item: Article, page: Any) -> Iterator[Any]:
        emitted.append(item)
        return emit(item, page)

    def recording_auto(page: Any, walk: Any, rules: ListingRules) -> AutoListing:
        found = auto_listing(page, walk, rules)
        autos.append(found)
        return found

    spider.emit = recording_emit  # type: ignore[method-assign]
    spider.auto_listing = recording_auto  # type: ignore[method-assign]
    try:
        with captured_warnings(log):
            return list(spider.parse_listing(response, page=1))
    finally:
        del spider.emit, spider.auto_listing


def _teaser_selectors(spider: ListingSpider, response: HtmlResponse, rules: ListingRules,
                      blocks: Any, findings: list[Finding]) -> list[SelectorUse]:
    uses = [SelectorUse("listing.item", rules.item, len(blocks), len(blocks))]
    for key in _TEASER_KEYS:
        query = getattr(rules, key)
        if not query:
            continue
        read = first_link if key == "url" else first_text  # as teaser_item reads them
        found = sum(1 for block in blocks if read(block, query))
        uses.append(SelectorUse(f"listing.{key}", query, found, len(blocks)))
        if not found:
            what = "so no teaser becomes an item" if key in ("url", "title") else f"so no teaser has a {key}"
            matched = any(select(block, query) for block in blocks)
            how = "selects nothing with a link (no href on it or inside)" if key == "url" and matched \
                else "matched nothing"
            findings.append(Finding(ERROR, f"listing.{key}", f"{query!r} {how} in any of the {len(blocks)} "
                                                             f"teasers ({rules.item!r}), {what}"))
        elif found < len(blocks) and key in ("url", "title"):
            findings.append(Finding(WARNING, f"listing.{key}", f"{query!r} gave nothing in {len(blocks) - found} "
                                                               f"of {len(blocks)} teasers; those are skipped"))
    url_problem = _link_problem("listing.url", rules.url, (first_link(b, rules.url) for b in blocks), response)
    if url_problem is not None:
        findings.append(url_problem)
    if not rules.next_page:
        auto = find_teasers(response, response.url, languages=spider.languages or ())
        seen = f" (the automatic rules see {auto.next_page}, by {auto.next_rule})" if auto.next_page else ""
        findings.append(Finding(WARNING, "listing.next_page", "not set: with listing selectors the crawl reads "
                                                              f"only this page of the listing{seen}"))
    return uses


def _link_problem(key: str, query: str, links: Iterator[str | None], response: HtmlResponse) -> Finding | None:
    """A ``url``/``next_page`` selector giving text that is not a URL (``h3 a::text``: the link text).

    A selector picking an element gives its ``href`` (the crawl's ``first_link``, as
    ``response.follow`` does), an attribute its value; only text nodes can give words.
    """
    if not _selects_text(query):
        return None
    for link in links:
        if link and not _looks_like_url(link):
            return Finding(ERROR, key, f"{query!r} gives the text {link[:60]!r}, not a URL: the crawl would request "
                                       f"{response.urljoin(link)[:120]} (a 404); select the link itself "
                                       f"({query.rstrip()[:-len(_text_suffix(query))] or 'a'!r}, its href is "
                                       "taken automatically) or its '::attr(href)'")
    return None


def _selects_text(query: str) -> bool:
    return bool(_text_suffix(query))


def _text_suffix(query: str) -> str:
    q = query.rstrip()
    for suffix in ("::text", "/text()", "text()"):
        if q.endswith(suffix):
            return suffix
    return ""


def _looks_like_url(value: str) -> bool:
    value = value.strip()
    if not value or any(c.isspace() for c in value):
        return False
    return bool(_ABSOLUTE_OR_PATH.match(value)) or "/" in value or "." in value


def _selector_next(response: HtmlResponse, rules: ListingRules, findings: list[Finding],
                   spider: ListingSpider) -> tuple[str | None, str | None]:
    assert rules.next_page
    value = first_link(response, rules.next_page)  # as parse_listing reads it
    if value:
        problem = _link_problem("listing.next_page", rules.next_page, iter([value]), response)
        if problem is not None:
            findings.append(problem)
        return response.urljoin(value), "listing.next_page"
    auto = find_teasers(response, response.url, languages=spider.languages or ())
    seen = f"; the automatic rules see one at {auto.next_page} ({auto.next_rule})" if auto.next_page else ""
    findings.append(Finding(ERROR, "listing.next_page", f"{rules.next_page!r} matched nothing: the crawl stops "
                                                        f"after this page{seen}"))
    return None, None


# -- article --------------------------------------------------------------------------

_NO_FALLBACK = {
    "title": "the item keeps the teaser's title",
    "body": "the item gets no body",
    "authors": "the item gets no authors",
    "tags": "the item gets no tags",
    "section": "the item keeps the teaser's section",
}


def _article_selectors(response: HtmlResponse, rules: ArticleRules, date_source: str,
                       findings: list[Finding]) -> list[SelectorUse]:
    uses: list[SelectorUse] = []
    generic: Any = None
    for key in _ARTICLE_KEYS:
        query = getattr(rules, key)
        if not query:
            continue
        hit = first_text(response, query) is not None
        uses.append(SelectorUse(f"article.{key}", query, int(hit), 1))
        if hit:
            continue
        if key == "date":
            fallback = f"the date came from the generic rules ({date_source})" if date_source != "none" \
                else "no date found by the generic rules either"
            findings.append(Finding(ERROR, "article.date", f"{query!r} matched nothing; {fallback}"))
            continue
        generic = generic or extract_article_fields(response, ArticleRules())
        would = _generic_hint(key, generic)
        findings.append(Finding(ERROR, f"article.{key}", f"{query!r} matched nothing: a selector that is set is not "
                                                         f"backed by the generic rules, so {_NO_FALLBACK[key]}{would}"))
    return uses


def _generic_hint(key: str, generic: Any) -> str:
    """What the generic rules would find instead (remove the selector to use them)."""
    value = getattr(generic, key, None)
    if not value:
        return ""
    if isinstance(value, list):
        shown = f"{len(value)} paragraphs" if key == "body" else ", ".join(value[:3])
    else:
        shown = repr(value[:60])
    return f" (without it, the generic rules find {shown})"
