"""Item pipelines: boilerplate removal, text cleaning, validation, de-duplication.

Each pipeline is a thin Scrapy wrapper around plain functions (``boilerplate``,
``cleaning``, ``dedupe``) that work without Scrapy too. They accept any item type
``itemadapter`` knows (the :class:`~newsarchive.items.Article` dataclass, dicts,
``scrapy.Item``). Recommended order::

    ITEM_PIPELINES = {
        "newsarchive.pipelines.BoilerplatePipeline": 100,
        "newsarchive.pipelines.CleanPipeline": 200,
        "newsarchive.pipelines.ValidatePipeline": 300,
        "newsarchive.pipelines.DedupePipeline": 400,
    }
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem

from newsarchive.extraction.boilerplate import (
    compile_patterns,
    learner_for,
    remove_learned_counted,
    strip_boilerplate_counted,
)
from newsarchive.extraction.cleaning import clean_text, split_truncation, unique_texts
from newsarchive.job.dedupe import SeenUrls
from newsarchive.job.item_feed import feed_failed, feed_tail_urls, local_jsonl_feeds

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Single-line text fields, the multi-paragraph field, and the list-of-names fields.
LINE_FIELDS: tuple[str, ...] = ("title", "summary", "section", "published_raw")
PARAGRAPH_FIELDS: tuple[str, ...] = ("body",)
LIST_FIELDS: tuple[str, ...] = ("authors", "tags")


def _drop(message: str, log_level: str = "DEBUG") -> DropItem:
    """A ``DropItem`` logged at ``log_level`` by Scrapy (we log and count drops ourselves)."""
    try:
        return DropItem(message, log_level=log_level)
    except TypeError:  # Scrapy before DropItem(log_level=...)
        return DropItem(message)


def _set(adapter: ItemAdapter, field: str, value: Any) -> None:
    """Set a field when the item type has it (a ``scrapy.Item`` may not declare it)."""
    try:
        adapter[field] = value
    except KeyError:
        pass


class _Pipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)


class BoilerplatePipeline(_Pipeline):
    """Strip tickers, built-in labels, site patterns and learned repeated blocks.

    Patterns: the spider's ``boilerplate_patterns`` plus the ``NEWSARCHIVE_BOILERPLATE_PATTERNS``
    setting. Learned blocks come from :class:`~newsarchive.extraction.boilerplate.BoilerplateLearnerMiddleware`
    (enable it in ``SPIDER_MIDDLEWARES``) and are only known once enough pages were seen:
    items from the first pages get the pattern-based cleaning only.

    ``title``, ``summary`` and ``body`` get both treatments. ``authors`` and ``tags`` get
    the pattern-based one only: a real tag such as "Kazakhstan" is also a menu entry on
    every page and must not be learned away. A title is never removed entirely by
    learning (it is still the article's title when a sidebar repeats it on every page).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.learner = learner_for(crawler)
        self.setting_patterns = compile_patterns(crawler.settings.getlist("NEWSARCHIVE_BOILERPLATE_PATTERNS"))
        self.patterns: tuple[re.Pattern[str], ...] = self.setting_patterns

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoilerplatePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        return pipeline

    def spider_opened(self, spider: Any) -> None:
        site = compile_patterns(getattr(spider, "boilerplate_patterns", None) or ())
        self.patterns = self.setting_patterns + site

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        removed = learned = 0
        for field in ("title", "summary", "body"):
            value = adapter.get(field)
            if not isinstance(value, str) or not value:
                continue
            text, n = strip_boilerplate_counted(value, self.patterns, builtin=False)
            if field == "summary" and split_truncation(text)[1]:
                # The built-in labels below would remove a "Read more" line and with it
                # the only sign that the teaser was cut.
                _set(adapter, "summary_truncated", True)
            # The first pass scanned for tickers; scan again only if it changed the text.
            text, n2 = strip_boilerplate_counted(text, builtin=True, tickers=n > 0)
            candidate, m = remove_learned_counted(text, self.learner)
            if field == "title" and m and not candidate:
                m = 0
            else:
                text = candidate
            removed += n + n2 + m
            learned += m
            adapter[field] = text or None
        for field in LIST_FIELDS:
            values = adapter.get(field)
            if not isinstance(values, (list, tuple)) or not values:
                continue
            kept = []
            for value in values:
                if not isinstance(value, str):
                    kept.append(value)
                    continue
                text, n = strip_boilerplate_counted(value, self.patterns)
                removed += n
                if text:
                    kept.append(text)
            adapter[field] = kept
        if removed:
            self.stats.inc_value("newsarchive/boilerplate/removed", removed)
        if learned:
            self.stats.inc_value("newsarchive/boilerplate/removed/learned", learned)
        return item


class CleanPipeline(_Pipeline):
    """Normalise text fields, de-duplicate list fields, detect cut teasers.

    Sets ``summary_truncated`` when the teaser ends with a cut marker (kept ``True`` if
    an earlier step already found one) and removes the marker from ``summary``.
    """

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        truncated = False
        for field in LINE_FIELDS + PARAGRAPH_FIELDS:
            if field not in adapter:
                continue
            paragraphs = field in PARAGRAPH_FIELDS
            value = adapter.get(field)
            if isinstance(value, (list, tuple)):  # a getall() where a get() was meant
                value = ("\n\n" if paragraphs else " ").join(v for v in value if isinstance(v, str))
            elif value is not None and not isinstance(value, str):
                self.stats.inc_value(f"newsarchive/clean/not_text/{field}")
                logger.warning("Field %r is %s, not text; left as is (%s)", field, type(value).__name__, adapter.get("url"))
                continue
            cleaned = clean_text(value, paragraphs=paragraphs)
            if field == "summary" and cleaned:
                cleaned, truncated = split_truncation(cleaned)
                cleaned = cleaned or None
            adapter[field] = cleaned
        if "summary" in adapter or "summary_truncated" in adapter:
            _set(adapter, "summary_truncated", truncated or bool(adapter.get("summary_truncated")))
        for field in LIST_FIELDS:
            if field not in adapter:
                continue
            values = adapter.get(field)
            if values is None:
                continue
            if isinstance(values, str):
                values = [values]
            adapter[field] = unique_texts(v for v in values if isinstance(v, str))
        return item


class ValidatePipeline(_Pipeline):
    """Drop items that cannot be an article record: no ``url`` or no ``title``.

    Counted as ``newsarchive/dropped/missing_<field>`` and logged with the listing page
    the item came from, which is where a broken selector has to be fixed.
    """

    REQUIRED: tuple[str, ...] = ("url", "title")

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        for field in self.REQUIRED:
            value = adapter.get(field)
            if isinstance(value, str) and value.strip():
                continue
            self.stats.inc_value(f"newsarchive/dropped/missing_{field}")
            logger.warning(
                "Dropped an item without %s from listing %s: %.80r",
                field, adapter.get("listing_url") or "(unknown)", adapter.get("url") or adapter.get("title"),
            )
            raise _drop(f"missing {field}")
        return item


class DedupePipeline(_Pipeline):
    """Drop an item whose canonical URL passed already, in this crawl or an earlier one.

    ``NEWSARCHIVE_SEEN_FILE`` (default: none, memory only) persists the URLs that passed,
    so an incremental crawl into the same file skips what it archived before. The set is
    also published as ``spider.known_urls`` so the spider can stop paginating once a
    listing page holds only known articles. A URL is remembered only when its item passes
    here and is written to the feed; items dropped earlier (e.g. invalid), teasers of
    articles whose page failed (``fetch_error``: the job retries those) and everything
    after the items feed failed are not.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.path: str | None = crawler.settings.get("NEWSARCHIVE_SEEN_FILE") or None
        self.seen: SeenUrls | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_scraped, signal=signals.item_scraped)
        return pipeline

    def spider_opened(self, spider: Any) -> None:
        self.seen = SeenUrls(self.path)
        spider.known_urls = self.seen
        if self.seen.loaded:
            self._catch_up_with_feeds()
        self.stats.set_value("newsarchive/dedupe/known_at_start", len(self.seen))
        if self.path:
            logger.info("%d article URLs already archived (from %s)", len(self.seen), self.path)

    def _catch_up_with_feeds(self) -> None:
        """Remember the last exported items whose URLs a killed crawl had no time to write.

        Only when the seen file already existed: deleting it still means "crawl it all again".
        """
        assert self.seen is not None
        for path, _ in local_jsonl_feeds(self.crawler.settings.getdict("FEEDS")):
            if not path.is_file():
                continue
            missing = [url for url in feed_tail_urls(path) if url not in self.seen]
            for url in missing:
                self.seen.persist(url)
            if missing:
                self.stats.inc_value("newsarchive/dedupe/caught_up_from_feed", len(missing))
                logger.warning("%d exported item(s) at the end of %s were not remembered as seen "
                               "(crawl killed?); remembered now", len(missing), path)

    def spider_closed(self, spider: Any) -> None:
        if self.seen is not None:
            self.seen.close()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if self.seen is None:  # used without the spider_opened signal (direct calls)
            self.seen = SeenUrls(self.path)
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        if not isinstance(url, str) or not url.strip():
            return item
        if adapter.get("fetch_error"):  # not archived: never remembered as seen
            if url in self.seen:
                self.stats.inc_value("newsarchive/dropped/duplicate")
                raise _drop(f"duplicate of an archived URL: {url}")
            return item
        if not self.seen.add(url, persist=False):
            self.stats.inc_value("newsarchive/dropped/duplicate")
            logger.debug("Dropped duplicate %s", url)
            raise _drop(f"duplicate of an archived URL: {url}")
        return item

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        """Persist the URL once the item is exported (the feed exporter's handler runs first),
        so a crawl killed in between fetches the article again instead of losing it.
        Redirected teaser links are persisted too: the next crawl knows them without a fetch."""
        if self.seen is None or feed_failed(self.crawler):
            return
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        if adapter.get("fetch_error"):
            return
        if isinstance(url, str) and url.strip():
            self.seen.persist(url)
            meta = getattr(response, "meta", None) or {}  # no meta: response without request
            for previous in meta.get("redirect_urls", ()):
                self.seen.persist(previous)

