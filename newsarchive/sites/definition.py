"""Site definitions: what a listing spider needs to know about one news site.

A definition is plain data (selectors, time zone, start URLs, feeds, sitemaps), so sites
can be added as TOML files without writing Python. Everything is checked when the
definition is loaded, so a typo fails at start with the file and key named, not halfway
through a crawl.

A site is crawled from up to three kinds of *listing source*, each walk of one of them
handled the same way (archived teasers skipped, failed articles retried, resume):

- ``start_urls``: paginated HTML listings, read with the ``[listing]`` selectors;
- ``feeds``: RSS 2.0, RSS 1.0 or Atom feeds (WordPress's ``?paged=N`` and RFC 5005
  ``rel="next"`` pagination followed), no selectors needed;
- ``sitemaps`` (and, with ``sitemaps_from_robots``, those robots.txt names): sitemap
  indexes, url sets, gzipped sitemaps, Google News sitemaps.

``[listing]`` selectors are optional: without them (or where they match nothing) the
automatic listing rules find the teasers. A site needs at least one source.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cssselect import SelectorError
from lxml import etree
from parsel.csstranslator import HTMLTranslator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

XPATH_PREFIX = "xpath:"
MAX_SELECTOR_LENGTH = 2000  # characters; real selectors are a few dozen
MAX_PATTERN_LENGTH = 2000  # characters of one boilerplate regex


class SiteDefinitionError(ValueError):
    """A site definition is unusable; the message names the source and the bad key."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        super().__init__(f"site definition {source}: {key}: {problem}")


@dataclass(frozen=True)
class ListingRules:
    """How to find teasers on a listing page and the link to the next page.

    Empty ``item``/``url``/``title``: no selectors, the automatic listing rules
    (:mod:`newsarchive.sources.auto_listing`) find the teasers and the next page.
    """

    item: str = ""
    url: str = ""
    title: str = ""
    summary: str | None = None
    date: str | None = None
    section: str | None = None
    next_page: str | None = None
    follow: bool = True


@dataclass(frozen=True)
class ArticleRules:
    """How to read an article page. Unset selectors fall back to generic extraction."""

    title: str | None = None
    body: str | None = None
    date: str | None = None
    authors: str | None = None
    tags: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class SiteDefinition:
    """Everything ``ListingSpider`` needs to crawl one site.

    ``start_urls`` are HTML listings read with ``listing``; ``feeds`` and ``sitemaps``
    are listing sources that need no selectors. At least one source is required, and
    ``listing`` whenever there are ``start_urls``.
    """

    name: str
    start_urls: tuple[str, ...] = ()
    listing: ListingRules | None = None
    article: ArticleRules = field(default_factory=ArticleRules)
    allowed_domains: tuple[str, ...] = ()
    timezone: str = "UTC"
    timezone_given: bool = True
    """False when the site file names no ``timezone``: dates then keep the offset their page
    states (a story at 23:30+05:00 stays on its day), and UTC is only for dates printed
    without one."""
    languages: tuple[str, ...] = ()
    boilerplate_patterns: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    source: str = "<code>"
    feeds: tuple[str, ...] = ()
    """RSS/Atom feed URLs: each is a walk of its own, paginated like a listing."""
    sitemaps: tuple[str, ...] = ()
    """Sitemap (index) URLs: each is a walk of its own, not ordered (no known-page stop)."""
    sitemaps_from_robots: bool = False
    """Also walk the sitemaps named by ``Sitemap:`` lines of the site's robots.txt."""
    sitemap_follow: tuple[str, ...] = ()
    """Regexes: a sitemap index's child is fetched only if its URL matches one (none: all)."""
    sitemap_allow: tuple[str, ...] = ()
    """Regexes: a sitemap entry is an article only if its URL matches one (none: all)."""

    def __post_init__(self) -> None:
        # (start_urls without listing rules: the automatic listing rules find the teasers)
        if not (self.start_urls or self.feeds or self.sitemaps or self.sitemaps_from_robots):
            raise SiteDefinitionError(self.source, "start_urls", "needs at least one URL "
                                      "(or give feeds, sitemaps or sitemaps_from_robots)")
        if self.sitemaps_from_robots and not (self.start_urls or self.feeds or self.sitemaps or self.allowed_domains):
            raise SiteDefinitionError(self.source, "sitemaps_from_robots", "needs a host whose robots.txt to read: "
                                      "give allowed_domains (or start_urls, feeds or sitemaps)")

    @property
    def follow(self) -> bool:
        """Whether teasers are followed to article pages by default (``[listing] follow``)."""
        return self.listing.follow if self.listing is not None else True

    def source_urls(self) -> tuple[str, ...]:
        """Every listing, feed and sitemap URL the definition names."""
        return (*self.start_urls, *self.feeds, *self.sitemaps)

    def robots_urls(self) -> tuple[str, ...]:
        """The robots.txt URLs whose ``Sitemap:`` lines ``sitemaps_from_robots`` reads: one
        per origin of the source URLs, else one per allowed domain (over https)."""
        if not self.sitemaps_from_robots:
            return ()
        origins: list[str] = []
        for url in self.source_urls():
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
        if not origins:
            origins = [f"https://{domain}" for domain in self.allowed_domains]
        return tuple(f"{origin}/robots.txt" for origin in origins)


def load_site(path: str | Path) -> SiteDefinition:
    """Read and check a TOML site definition."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SiteDefinitionError(source, "(file)", f"cannot read: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SiteDefinitionError(source, "(file)", f"not UTF-8 text ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SiteDefinitionError(source, "(file)", f"invalid TOML: {exc}") from exc
    except RecursionError:
        raise SiteDefinitionError(source, "(file)", "arrays or tables nested too deeply") from None
    try:
        return site_from_dict(data, source=source)
    except RecursionError:
        raise SiteDefinitionError(source, "(file)", "values nested too deeply") from None


_TOP_KEYS = {
    "name", "start_urls", "allowed_domains", "timezone", "languages",
    "listing", "article", "boilerplate", "settings",
    "feeds", "sitemaps", "sitemaps_from_robots", "sitemap_follow", "sitemap_allow",
}
_LISTING_KEYS = {f.name for f in fields(ListingRules)}
_ARTICLE_KEYS = {f.name for f in fields(ArticleRules)}
_BOILERPLATE_KEYS = {"patterns"}
_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def site_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> SiteDefinition:
    """Build a checked :class:`SiteDefinition` from parsed TOML (or any mapping)."""
    check = _Checker(source)
    check.known_keys(data, _TOP_KEYS, "")
    name = check.string(data, "name", required=True)
    if not _NAME_RE.match(name):
        raise SiteDefinitionError(source, "name", f"{name!r} is not a valid spider name (letters, digits, _ . -)")
    start_urls = tuple(check.string_list(data, "start_urls"))
    feeds = tuple(check.string_list(data, "feeds"))
    sitemaps = tuple(check.string_list(data, "sitemaps"))
    from_robots = check.boolean(data, "sitemaps_from_robots", "", default=False)
    for key, urls in (("start_urls", start_urls), ("feeds", feeds), ("sitemaps", sitemaps)):
        for url in urls:
            check.url(url, key)
    if not (start_urls or feeds or sitemaps or from_robots):
        problem = "needs at least one URL" if "start_urls" in data else "missing: a site needs a listing source"
        raise SiteDefinitionError(source, "start_urls", problem + " (or give feeds, sitemaps or sitemaps_from_robots)")
    allowed = data.get("allowed_domains")
    allowed_domains = (
        tuple(check.string_list(data, "allowed_domains"))
        if allowed is not None
        else tuple(sorted({urlsplit(u).hostname or "" for u in (*start_urls, *feeds, *sitemaps)} - {""}))
    )
    if from_robots and not (start_urls or feeds or sitemaps) and allowed is None:
        raise SiteDefinitionError(source, "sitemaps_from_robots", "needs a host whose robots.txt to read: "
                                  "give allowed_domains (or start_urls, feeds or sitemaps)")
    if not allowed_domains:
        raise SiteDefinitionError(source, "allowed_domains", "must name at least one host (an empty list would let "
                                  "the crawl follow links to any site); leave it out to use the start URLs' hosts")
    given_zone = check.string(data, "timezone")
    timezone = given_zone or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SiteDefinitionError(source, "timezone", f"unknown time zone {timezone!r} (use an IANA name such as 'Asia/Almaty')") from exc
    languages = tuple(check.string_list(data, "languages"))

    listing: ListingRules | None = None
    if start_urls or "listing" in data:
        listing_data = check.table(data, "listing")
        check.known_keys(listing_data, _LISTING_KEYS, "listing.")
        if not start_urls and set(listing_data) - {"follow"}:
            raise SiteDefinitionError(source, "listing", "teaser selectors without start_urls to use them on "
                                      "(feeds and sitemaps need none; keep only 'follow', or add start_urls)")
        # No selectors at all: the automatic listing rules find the teasers. A teaser
        # selector needs its url and title selectors (they are relative to it).
        required = bool(start_urls) and bool({"item", "url", "title"} & set(listing_data))
        listing = ListingRules(
            item=check.selector(listing_data, "item", "listing.", required=required) or "",
            url=check.selector(listing_data, "url", "listing.", required=required) or "",
            title=check.selector(listing_data, "title", "listing.", required=required) or "",
            summary=check.selector(listing_data, "summary", "listing."),
            date=check.selector(listing_data, "date", "listing."),
            section=check.selector(listing_data, "section", "listing."),
            next_page=check.selector(listing_data, "next_page", "listing."),
            follow=check.boolean(listing_data, "follow", "listing.", default=True),
        )
    sitemap_follow = _regexes(check, data, "sitemap_follow")
    sitemap_allow = _regexes(check, data, "sitemap_allow")

    article_data = check.table(data, "article")
    check.known_keys(article_data, _ARTICLE_KEYS, "article.")
    article = ArticleRules(**{key: check.selector(article_data, key, "article.") for key in sorted(_ARTICLE_KEYS)})

    boilerplate = check.table(data, "boilerplate")
    check.known_keys(boilerplate, _BOILERPLATE_KEYS, "boilerplate.")
    patterns = _regexes(check, boilerplate, "patterns", prefix="boilerplate.")

    settings = dict(check.table(data, "settings"))
    from newsarchive.setting_names import SettingError, check_settings

    try:
        check_settings(settings)
    except SettingError as exc:
        raise SiteDefinitionError(source, f"settings.{exc.name}", exc.problem) from None
    return SiteDefinition(
        name=name,
        start_urls=start_urls,
        listing=listing,
        article=article,
        allowed_domains=allowed_domains,
        timezone=timezone,
        timezone_given=bool(given_zone),
        languages=languages,
        boilerplate_patterns=patterns,
        settings=settings,
        source=source,
        feeds=feeds,
        sitemaps=sitemaps,
        sitemaps_from_robots=from_robots,
        sitemap_follow=sitemap_follow,
        sitemap_allow=sitemap_allow,
    )


def _regexes(check: _Checker, data: Mapping[str, Any], key: str, prefix: str = "") -> tuple[str, ...]:
    """A list of regular expressions, each compiled once here so a bad one fails at load."""
    patterns = tuple(check.string_list(data, key, prefix=prefix))
    for i, pattern in enumerate(patterns):
        name = f"{prefix}{key}[{i}]"
        if len(pattern) > MAX_PATTERN_LENGTH:
            raise check.fail(name, f"longer than {MAX_PATTERN_LENGTH} characters")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise check.fail(name, f"bad regular expression {pattern[:80]!r}: {exc}") from exc
        except RecursionError:
            raise check.fail(name, "regular expression nested too deeply") from None
    return patterns


_NAME_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,40}")


def _probe_for(xpath_text: str) -> Any:
    """A tiny page holding an element of every name the query mentions, nested in the order
    they appear (and the reverse), so its steps and predicates are really evaluated."""
    names = list(dict.fromkeys(m.group(0) for m in _NAME_TOKEN.finditer(xpath_text[:MAX_SELECTOR_LENGTH * 4])))[:60]
    html = etree.Element("html")
    body = etree.SubElement(html, "body")
    for order in (names, names[::-1]):
        parent = body
        for name in order:
            try:
                parent = etree.SubElement(parent, name, {"class": "x", "id": "y", "href": "/x"})
            except ValueError:  # not an XML name
                continue
            parent.text = "probe"
    return html


def check_selector(query: str) -> None:
    """Raise ``ValueError`` when ``query`` is neither valid CSS nor (``xpath:``) XPath.

    The query is also run once on a tiny page, so what only fails when evaluated (an
    undefined namespace prefix, function or variable) fails here, not on every page.
    """
    if len(query) > MAX_SELECTOR_LENGTH:
        raise ValueError(f"longer than {MAX_SELECTOR_LENGTH} characters")
    try:
        if query.startswith(XPATH_PREFIX):
            text = query[len(XPATH_PREFIX):].strip()
            try:
                xpath = etree.XPath(text)
            except etree.XPathSyntaxError as exc:
                raise ValueError(f"invalid XPath: {exc}") from exc
        else:
            try:
                text = HTMLTranslator().css_to_xpath(query)
                xpath = etree.XPath(text)
            except SelectorError as exc:
                raise ValueError(f"invalid CSS selector: {exc}") from exc
        try:
            xpath(_probe_for(text))
        except etree.XPathError as exc:
            raise ValueError(f"cannot be evaluated: {exc}") from exc
    except RecursionError:
        raise ValueError("nested too deeply") from None


class _Checker:
    """Typed reads of a parsed TOML mapping, raising errors that name the key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> SiteDefinitionError:
        return SiteDefinitionError(self.source, key, problem)

    def known_keys(self, data: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(key, sorted(allowed), n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (known keys: {', '.join(sorted(allowed))})"
                raise self.fail(prefix + key, "unknown key" + suggestion)

    def string(self, data: Mapping[str, Any], key: str, prefix: str = "", required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(prefix + key, "missing (required)")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(prefix + key, f"must be a non-empty string, got {value!r}")
        return value.strip()

    def string_list(self, data: Mapping[str, Any], key: str, prefix: str = "", required: bool = False) -> list[str]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(prefix + key, "missing (required)")
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(prefix + key, f"must be a list of non-empty strings, got {value!r}")
        return [v.strip() for v in value]

    def boolean(self, data: Mapping[str, Any], key: str, prefix: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(prefix + key, f"must be true or false, got {value!r}")
        return value

    def table(self, data: Mapping[str, Any], key: str, required: bool = False) -> Mapping[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "missing (required table)")
            return {}
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a table ([{key}]), got {type(value).__name__}")
        return value

    def selector(self, data: Mapping[str, Any], key: str, prefix: str, required: bool = False) -> str | None:
        query = self.string(data, key, prefix, required)
        if query is not None:
            try:
                check_selector(query)
            except ValueError as exc:
                raise self.fail(prefix + key, f"{query!r}: {exc}") from exc
        return query

    def url(self, url: str, key: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self.fail(key, f"{url!r} is not an absolute http(s) URL")
