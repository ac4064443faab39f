"""Deterministic content of the sample site: the ground truth tests compare crawls against.

Every article is a pure function of ``(seed, index)`` (index 0 is the newest, and every
listing runs in ascending index order, i.e. newest first), so any article, listing
page or URL can be produced in O(1) and a 100,000-article site never needs to exist in
memory or on disk. Not yet published articles are therefore always the lowest indexes:
a listing with ``hidden=K`` leaves out articles ``0 .. K-1``. Only search, topical-tag
and author listings, and the slug lookup, need a whole-site index; those are built lazily
on first use from the cheap per-article parts (title, authors, tags), never from full
articles.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, ClassVar, Literal, TypeVar
from urllib.parse import quote_plus

from newsarchive.sample_site import generator
from newsarchive.sample_site import vocabulary as vocab
from newsarchive.sample_site.generator import slugify
from newsarchive.sample_site.seeds import RUSSIAN_ARTICLE, SEED_ARTICLES, SeedArticle

# The site's clock. Like a WordPress install whose timezone setting is "UTC+5", the
# offset is fixed: Asia/Almaty's current offset, without the zone's history.
SITE_TZ = timezone(timedelta(hours=5))
TEASER_WORDS = 40
LEGACY_ID_OFFSET = 10_000
SECTIONS = vocab.SECTIONS
COUNTRIES: tuple[str, ...] = tuple(c.name for c in vocab.COUNTRIES)
_COUNTRY_SLUGS: tuple[str, ...] = tuple(slugify(c) for c in COUNTRIES)

# Date representations an article page can carry (``ArticleSpec.date_forms``).
DATE_VISIBLE = "visible"  # human-readable text in .posted-on
DATE_TIME = "time"  # <time class="entry-date published" datetime="...">
DATE_META = "meta"  # <meta property="article:published_time">
DATE_JSONLD = "jsonld"  # JSON-LD NewsArticle.datePublished
_DATE_FORMS_BY_MOD4: tuple[tuple[str, ...], ...] = (
    (DATE_VISIBLE, DATE_TIME, DATE_META, DATE_JSONLD),
    (DATE_VISIBLE, DATE_JSONLD),
    (DATE_VISIBLE, DATE_META),
    (DATE_VISIBLE,),  # with the time of day in the visible text
)

# Positions of the hand-written seed articles, chosen so that the arithmetic country
# tag (i % 5) and section (i % 6) fit their subject.
SEEDED_AT: dict[int, SeedArticle] = {
    0: SEED_ARTICLES[0],  # Kazakhstan, Politics
    2: SEED_ARTICLES[1],  # Tajikistan, Society
    15: SEED_ARTICLES[2],  # Kazakhstan, Security
    10: SEED_ARTICLES[3],  # Kazakhstan, Tech
}

ListingKind = Literal["latest", "category", "tag", "author", "search"]


@dataclass(frozen=True)
class EdgeCases:
    """Which article carries which deliberate quirk; see EDGE_CASES.md for each one.

    An index at or beyond the site's article count simply does not occur. ``None``
    (or ``False``) switches a case off, e.g. for benchmarks that want a plain site.
    """

    gzip: int | None = 2
    chunked: int | None = 3
    redirect: int | None = 5
    broken: int | None = 7
    cp1251: int | None = 11
    undated: int | None = 13
    leaked_ticker: int | None = 17
    malformed: int | None = 19
    duplicate_teaser: bool = True  # last teaser of /latest/ page 1 repeated on page 2
    cookies: bool = True  # two Set-Cookie headers on /latest/

    PER_ARTICLE: ClassVar[tuple[str, ...]] = (
        "gzip",
        "chunked",
        "redirect",
        "broken",
        "cp1251",
        "undated",
        "leaked_ticker",
        "malformed",
    )

    @classmethod
    def none(cls) -> EdgeCases:
        """A site without any quirk."""
        return cls(**dict.fromkeys(cls.PER_ARTICLE), duplicate_teaser=False, cookies=False)

    def by_index(self) -> dict[int, str]:
        """``{article index: edge-case name}`` for the per-article cases."""
        found = {name: getattr(self, name) for name in self.PER_ARTICLE}
        at = {i: name for name, i in found.items() if i is not None}
        if len(at) != sum(i is not None for i in found.values()):
            raise ValueError("two edge cases share one article index")
        return at


EDGE = EdgeCases()


@dataclass(frozen=True)
class ArticleSpec:
    """One article as the site publishes it: the expected result of crawling it."""

    index: int
    slug: str
    title: str
    summary: str  # the full teaser text (= the lede paragraph) before any cut
    paragraphs: tuple[str, ...]
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    tag_slugs: tuple[str, ...]
    section: str
    section_slug: str
    published: datetime  # aware, +05:00; also set for the undated article (ordering)
    language: str  # "en", or "ru" for the windows-1251 article
    date_forms: tuple[str, ...]  # empty when the page carries no date
    edge: str | None = None  # name of the EdgeCases field this article demonstrates

    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    def url(self, base: str) -> str:
        """Canonical absolute URL; ``base`` is the site's base URL without a slash."""
        return f"{base}{self.path}"

    @property
    def legacy_path(self) -> str:
        """The old Joomla URL that redirects (301) to the canonical one."""
        return f"/index.php/news/{LEGACY_ID_OFFSET + self.index}-{self.slug}"

    def teaser_url(self, base: str) -> str:
        """Where listing teasers link to: the legacy URL for the redirect edge case."""
        return f"{base}{self.legacy_path}" if self.edge == "redirect" else self.url(base)

    @property
    def author_slugs(self) -> tuple[str, ...]:
        return tuple(slugify(a) for a in self.authors)

    @property
    def charset(self) -> str:
        return "windows-1251" if self.edge == "cp1251" else "UTF-8"

    @property
    def status(self) -> int:
        """HTTP status of the article page."""
        return 404 if self.edge == "broken" else 200

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def dated(self) -> bool:
        return bool(self.date_forms)

    @property
    def published_iso(self) -> str | None:
        """The machine-readable date a correct crawler reports, or None when undated."""
        return self.published.isoformat() if self.dated else None

    @property
    def visible_date(self) -> str | None:
        """The human-readable date text shown on the article page."""
        if not self.dated:
            return None
        if self.language == "ru":
            return format_russian_datetime(self.published)
        if self.date_forms == (DATE_VISIBLE,):  # the only date, so it carries the time
            return format_us_datetime(self.published)
        return format_day(self.published)

    @property
    def listing_date(self) -> str | None:
        """The ``.teaser-date`` text on listings (None when the article is undated)."""
        return format_day(self.published) if self.dated else None

    @property
    def teaser_summary(self) -> str:
        """The ``.teaser-summary`` text exactly as listings show it."""
        text = cut_words(self.summary, TEASER_WORDS)
        if self.edge == "leaked_ticker":
            text = LEAKED_TICKER_PREFIX + text
        return text

    @property
    def summary_truncated(self) -> bool:
        return len(self.summary.split()) > TEASER_WORDS


LEAKED_TICKER_PREFIX = "• KZT/USD = 0.00198 -0% "


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing: which teasers it shows and the counts it prints."""

    kind: ListingKind
    key: str | None  # section/tag/author slug, or the search query
    page: int
    pages: int
    total: int
    heading: str
    ids: tuple[int, ...]  # teasers in page order, including a repeated one
    first: int  # "Viewing results FIRST - LAST of TOTAL"; 0 - 0 when empty
    last: int

    @property
    def path(self) -> str:
        return listing_path(self.kind, self.key, self.page)

    def page_path(self, page: int) -> str:
        return listing_path(self.kind, self.key, page)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def listing_path(kind: ListingKind, key: str | None, page: int = 1) -> str:
    """Site-relative URL of a listing page, as the site links to it."""
    if kind == "search":
        query = f"/?s={quote_plus(key or '')}"
        return query if page == 1 else f"{query}&paged={page}"
    prefix = "/latest/" if kind == "latest" else f"/{kind}/{key}/"
    return prefix if page == 1 else f"{prefix}page/{page}/"


class SiteContent:
    """All content of one sample site; cheap to create whatever its size."""

    def __init__(
        self,
        articles: int = 60,
        seed: int = 2025,
        per_page: int = 10,
        render_date: date = date(2025, 12, 7),
        edges: EdgeCases = EDGE,
    ) -> None:
        if articles < 1 or per_page < 1:
            raise ValueError("articles and per_page must be positive")
        self.articles = articles
        self.seed = seed
        self.per_page = per_page
        self.render_date = render_date
        self.edges = edges
        self.first_published = datetime.combine(render_date, time(10, 30), SITE_TZ)
        self._edge_at = {i: name for i, name in edges.by_index().items() if i < articles}
        self._gap_prefix, self._gap_period_total = generator.gap_table(seed)
        self._articles = functools.lru_cache(maxsize=4096)(self._build_article)
        self._lock = threading.Lock()
        self._indexes: dict[str, Any] = {}

    def __len__(self) -> int:
        return self.articles

    def __repr__(self) -> str:
        return f"SiteContent(articles={self.articles}, seed={self.seed}, per_page={self.per_page})"

    # -- per-article parts, each O(1) --------------------------------------------------

    def article(self, i: int) -> ArticleSpec:
        """Article ``i`` (0 = newest), generated on demand and memoised (recent 4,096)."""
        return self._articles(i)

    def edge(self, i: int) -> str | None:
        """Name of the edge case article ``i`` demonstrates, if any."""
        return self._edge_at.get(i)

    def published(self, i: int) -> datetime:
        """Article ``i``'s publication time; each article is 3-14 h older than the last."""
        cycles, rest = divmod(i, generator.GAP_PERIOD)
        minutes = cycles * self._gap_period_total + self._gap_prefix[rest]
        return self.first_published - timedelta(minutes=minutes)

    def title(self, i: int) -> str:
        fixed = self._fixed(i)
        return fixed.title if fixed else generator.headline(self.seed, i).title

    def slug(self, i: int) -> str:
        fixed = self._fixed(i)
        if fixed:
            return fixed.slug or slugify(fixed.title)
        return generator.headline(self.seed, i).slug

    def _fixed(self, i: int) -> SeedArticle | None:
        if self._edge_at.get(i) == "cp1251":
            return RUSSIAN_ARTICLE
        return SEEDED_AT.get(i)

    def _meta(self, i: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(authors, tags) of article ``i``: cheap enough to scan the whole site."""
        fixed = self._fixed(i)
        topics = fixed.topics if fixed else generator.topics(self.seed, i)
        return generator.authors(self.seed, i), (COUNTRIES[i % len(COUNTRIES)], *topics)

    def _build_article(self, i: int) -> ArticleSpec:
        if not 0 <= i < self.articles:
            raise IndexError(f"article {i} out of range 0..{self.articles - 1}")
        edge = self._edge_at.get(i)
        fixed = self._fixed(i)
        if fixed:
            paragraphs = fixed.paragraphs
        else:
            head = generator.headline(self.seed, i)
            paragraphs = tuple(generator.paragraphs(self.seed, i, head))
        authors, tags = self._meta(i)
        section_slug, section = SECTIONS[i % len(SECTIONS)]
        return ArticleSpec(
            index=i,
            slug=self.slug(i),
            title=self.title(i),
            summary=paragraphs[0],
            paragraphs=paragraphs,
            authors=authors,
            tags=tags,
            tag_slugs=tuple(slugify(t) for t in tags),
            section=section,
            section_slug=section_slug,
            published=self.published(i),
            language="ru" if edge == "cp1251" else "en",
            date_forms=() if edge == "undated" else _DATE_FORMS_BY_MOD4[i % 4],
            edge=edge,
        )

    # -- lookups ----------------------------------------------------------------------

    def article_by_slug(self, slug: str) -> ArticleSpec | None:
        index = self._slug_index().get(slug)
        return None if index is None else self.article(index)

    def article_by_legacy_id(self, legacy_id: int) -> ArticleSpec | None:
        index = legacy_id - LEGACY_ID_OFFSET
        return self.article(index) if 0 <= index < self.articles else None

    def name_of(self, kind: ListingKind, slug: str) -> str | None:
        """Display name of a section, tag or author slug; None when the site has none."""
        if kind == "category":
            return dict(SECTIONS).get(slug)
        if kind == "tag" and slug in _COUNTRY_SLUGS:
            return COUNTRIES[_COUNTRY_SLUGS.index(slug)]
        return self._people_and_topics().names.get((kind, slug))

    # -- listings ---------------------------------------------------------------------

    def listing(
        self,
        kind: ListingKind,
        key: str | None = None,
        page: int = 1,
        *,
        hidden: int = 0,
        repeat_teaser: bool = True,
    ) -> ListingPage | None:
        """Page ``page`` of a listing, or None for an unknown key or a page past the end.

        ``hidden`` newest articles (indexes below it) are not published yet and left out.
        A listing without results still has a page 1 (WordPress shows "Nothing Found"),
        e.g. a search, or a tag whose every article is still hidden. ``repeat_teaser``
        False leaves out the duplicate-teaser edge case (feeds never repeat an entry).
        """
        ids = self._listing_ids(kind, key)
        if ids is None or page < 1:
            return None
        if hidden:  # ids ascend, so the published ones are a tail (a range stays a range)
            ids = ids[bisect.bisect_left(ids, hidden) :]
        total = len(ids)
        pages = max(1, math.ceil(total / self.per_page))
        if page > pages:
            return None
        start = (page - 1) * self.per_page
        shown = tuple(ids[start : start + self.per_page])
        if kind == "latest" and page == 2 and self.edges.duplicate_teaser and repeat_teaser:
            shown = (ids[start - 1], *shown)
        return ListingPage(
            kind=kind,
            key=key,
            page=page,
            pages=pages,
            total=total,
            heading=self._heading(kind, key),
            ids=shown,
            first=start + 1 if total else 0,
            last=min(start + self.per_page, total),
        )

    def _heading(self, kind: ListingKind, key: str | None) -> str:
        if kind == "latest":
            return "Latest News"
        if kind == "search":
            return f"Search Results for: {key}"
        return self.name_of(kind, key or "") or ""

    def _listing_ids(self, kind: ListingKind, key: str | None) -> Sequence[int] | None:
        n = self.articles
        if kind == "latest":
            return range(n)
        if kind == "category":
            slugs = [s for s, _ in SECTIONS]
            return range(slugs.index(key), n, len(slugs)) if key in slugs else None
        if kind == "tag":
            if key in _COUNTRY_SLUGS:
                return range(_COUNTRY_SLUGS.index(key), n, len(COUNTRIES))
            return self._people_and_topics().tags.get(key or "")
        if kind == "author":
            return self._people_and_topics().authors.get(key or "")
        if kind == "search":
            return self.search(key or "")
        raise ValueError(f"unknown listing kind {kind!r}")

    def search(self, query: str) -> list[int]:
        """Articles whose title contains every word of ``query`` (case-insensitive)."""
        words = _words(query)
        if not words:
            return []
        index = self._word_index()
        hits = [set(index.get(w, ())) for w in words]
        return sorted(set.intersection(*hits))

    # -- lazy whole-site indexes --------------------------------------------------------

    def _once(self, name: str, build: Callable[[], _T]) -> _T:
        """Build a whole-site index on first use; later calls (any thread) reuse it."""
        with self._lock:
            if name not in self._indexes:
                self._indexes[name] = build()
            index: _T = self._indexes[name]
            return index

    def _slug_index(self) -> dict[str, int]:
        def build() -> dict[str, int]:
            slugs = {self.slug(i): i for i in range(self.articles)}
            if len(slugs) != self.articles:
                raise RuntimeError("slug collision: the generator lost uniqueness")
            return slugs

        return self._once("slugs", build)

    def _word_index(self) -> dict[str, list[int]]:
        def build() -> dict[str, list[int]]:
            index: dict[str, list[int]] = {}
            for i in range(self.articles):
                for word in set(_words(self.title(i))):
                    index.setdefault(word, []).append(i)
            return index

        return self._once("words", build)

    def _people_and_topics(self) -> _MetaIndex:
        """Topical-tag and author listings (country tags are arithmetic, not indexed)."""

        def build() -> _MetaIndex:
            index = _MetaIndex()
            for i in range(self.articles):
                authors, tags = self._meta(i)
                for tag in tags[1:]:
                    index.add("tag", tag, i)
                for author in authors:
                    index.add("author", author, i)
            return index

        return self._once("meta", build)


@dataclass
class _MetaIndex:
    """Article ids per topical-tag slug and per author slug, plus their display names."""

    tags: dict[str, list[int]] = field(default_factory=dict)
    authors: dict[str, list[int]] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    _slugs: dict[str, str] = field(default_factory=dict)  # slugify() memo for the scan

    def add(self, kind: str, name: str, i: int) -> None:
        slug = self._slugs.get(name) or self._slugs.setdefault(name, slugify(name))
        (self.tags if kind == "tag" else self.authors).setdefault(slug, []).append(i)
        self.names[(kind, slug)] = name


_T = TypeVar("_T")


# -- formatting helpers (public: tests compute expected strings with them) -----------

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def cut_words(text: str, limit: int) -> str:
    """The listing teaser: the first ``limit`` words and '...' when the text is longer."""
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + "..."


def format_day(moment: datetime | date) -> str:
    """'07 December 2025' (listing dates, page header, dates without a time)."""
    return f"{moment.day:02d} {vocab.MONTHS[moment.month - 1]} {moment.year}"


def format_us_datetime(moment: datetime) -> str:
    """'December 7, 2025 10:30' (local time, the visible-only date form)."""
    return f"{vocab.MONTHS[moment.month - 1]} {moment.day}, {moment.year} {moment:%H:%M}"


def format_russian_datetime(moment: datetime) -> str:
    """'7 декабря 2025 10:30' (the Russian article's visible date)."""
    month = vocab.RUSSIAN_MONTHS_GENITIVE[moment.month - 1]
    return f"{moment.day} {month} {moment.year} {moment:%H:%M}"
