"""Item pipelines in real in-process crawls of the offline sample site."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_twisted
import scrapy
from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import CrawlerRunner
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsarchive.extraction.boilerplate import CRAWLER_ATTRIBUTE, block_key
from newsarchive.items import Article
from newsarchive.pipelines import BoilerplatePipeline, CleanPipeline, DedupePipeline, ValidatePipeline

PIPELINES = {
    "newsarchive.pipelines.BoilerplatePipeline": 100,
    "newsarchive.pipelines.CleanPipeline": 200,
    "newsarchive.pipelines.ValidatePipeline": 300,
    "newsarchive.pipelines.DedupePipeline": 400,
}
BASE_SETTINGS: dict[str, Any] = {
    "SPIDER_MIDDLEWARES": {"newsarchive.extraction.boilerplate.BoilerplateLearnerMiddleware": 100},
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
}
MIN_PAGES = 5


def squeezed(selection: Any) -> str:
    return " ".join(" ".join(selection.xpath(".//text()").getall()).split())


# A deliberately sloppy body selector, as a hasty site definition would write: it takes
# the ticker, the header date and the share buttons along with the article paragraphs.
SLOPPY_BODY = (
    "//span[contains(@class, 'ticker-item')] | //div[@class='header-date']"
    " | //main//div[@class='entry-meta'] | //main//div[contains(@class, 'entry-content')]/p"
    " | //main//div[@class='tags-links'] | //main//div[@class='share-buttons']"
)


class SloppySpider(scrapy.Spider):
    """Walks ``/latest/`` and its article pages, yielding raw-ish Article items."""

    name = "sloppy"
    boilerplate_patterns = [r"(?m)^By [^\n]*$"]  # the byline line of the sloppy body

    def __init__(self, site_url: str, follow: bool = True, use_known: bool = False, broken: bool = False, **kw: Any):
        super().__init__(**kw)
        self.start_urls = [site_url + "/latest/"]
        self.follow = follow
        self.use_known = use_known
        self.broken = broken
        self.learner_pages: dict[str, int] = {}

    def parse(self, response: scrapy.http.Response) -> Any:
        teasers = response.css("article.teaser")
        known = 0
        for teaser in teasers:
            url = response.urljoin(teaser.css("h2 a::attr(href)").get())
            if self.use_known and url in self.known_urls:
                known += 1
                self.crawler.stats.inc_value("test/known_teasers")
                continue
            item = Article(
                url=url,
                title=squeezed(teaser.css("h2")),
                summary=f"{squeezed(teaser.css('.teaser-summary'))} {squeezed(teaser.css('a.read-more'))}",
                listing_url=response.url,
            )
            if self.follow:
                yield response.follow(url, self.parse_article, cb_kwargs={"item": item})
            else:
                yield item
        if self.broken and response.url.endswith("/latest/"):
            yield Article(url=None, title="A teaser without a link", listing_url=response.url)
            yield Article(url=response.urljoin("/no-title/"), title=" \u00a0", listing_url=response.url)
            first = response.urljoin(teasers[0].css("h2 a::attr(href)").get())
            yield {"url": first + "?utm_source=newsletter#comments", "title": "Same article, tracked link"}
        next_page = response.css("a.next::attr(href)").get()
        if next_page and not (teasers and known == len(teasers)):
            yield response.follow(next_page, self.parse)

    def parse_article(self, response: scrapy.http.Response, item: Article) -> Any:
        item.url = response.url
        item.title = squeezed(response.css("h1.entry-title"))
        item.body = "\n\n".join(squeezed(s) for s in response.xpath(SLOPPY_BODY))
        item.authors = response.css("a.author::text").getall()
        item.tags = response.css(".tags-links a::text").getall()
        self.learner_pages[item.url] = getattr(self.crawler, CRAWLER_ATTRIBUTE).pages
        yield item


async def run_crawl(settings: dict[str, Any], **spider_args: Any) -> tuple[list[dict[str, Any]], dict[str, Any], Any]:
    items: list[dict[str, Any]] = []
    runner = CrawlerRunner({**BASE_SETTINGS, **settings})
    crawler = runner.create_crawler(SloppySpider)
    def collect(item: Any, **_: Any) -> None:  # a local: signal receivers are weak references
        items.append(ItemAdapter(item).asdict())

    crawler.signals.connect(collect, signal=signals.item_scraped)
    await runner.crawl(crawler, **spider_args)
    stats = crawler.stats.get_stats()
    assert not [key for key in stats if key.startswith("spider_exceptions/")], stats
    return items, stats, crawler


def spec_for(site: Any, url: str) -> Any:
    slug = urlsplit(url).path.strip("/")
    spec = site.content.article_by_slug(slug)
    assert spec is not None, url
    return spec


def plain(text: str) -> str:
    return " ".join(text.split())


def expected_summary(spec: Any) -> tuple[str, bool]:
    words = spec.summary.split()
    return (" ".join(words[:40]), True) if len(words) > 40 else (plain(spec.summary), False)


@pytest_twisted.ensureDeferred
async def test_crawled_articles_come_out_clean(sample_site: Any) -> None:
    items, stats, crawler = await run_crawl(
        {"ITEM_PIPELINES": PIPELINES, "NEWSARCHIVE_BOILERPLATE_MIN_PAGES": MIN_PAGES}, site_url=sample_site.url
    )
    spider = crawler.spider
    learner = getattr(crawler, CRAWLER_ATTRIBUTE)
    broken = {i for i in range(len(sample_site.content)) if sample_site.content.article(i).status != 200}
    assert len(items) == len(sample_site.content) - len(broken)
    assert stats["newsarchive/boilerplate/pages_seen"] == stats["downloader/response_status_count/200"]
    assert stats["newsarchive/boilerplate/removed"] > 0

    learned = dict(learner.learned_patterns())
    assert block_key("Share: Facebook X Telegram") in learned
    assert block_key("07 December 2025") in learned
    # The sidebar repeats some titles on every page: learned, yet those titles survive.
    sidebar_titles = [squeezed(li) for li in scrapy.Selector(text=_page(sample_site)).css(".most-read li")]
    assert sidebar_titles and all(block_key(t) in learned for t in sidebar_titles)

    after_learning = 0
    for item in items:
        spec = spec_for(sample_site, item["url"])
        assert item["title"] == plain(spec.title)
        paragraphs = [plain(p) for p in spec.paragraphs]
        assert (item["summary"], item["summary_truncated"]) == expected_summary(spec), spec.index
        assert item["authors"] == list(spec.authors)
        assert item["tags"] == list(spec.tags)
        lines = item["body"].split("\n\n")
        assert "USD =" not in item["body"] and "•" not in item["body"]
        assert not any(line.startswith("By ") for line in lines)  # the spider's own pattern
        tags_line = " ".join(spec.tags)
        if spider.learner_pages[item["url"]] >= MIN_PAGES:
            after_learning += 1
            assert lines == [*paragraphs, tags_line], spec.index
        else:  # learning has not started yet: only the pattern-based cleaning applies
            start = lines.index(paragraphs[0])
            assert lines[start : start + len(paragraphs)] == paragraphs
    assert after_learning >= len(items) - MIN_PAGES
    assert any(spec_for(sample_site, i["url"]).edge == "leaked_ticker" for i in items)


def _page(site: Any) -> str:
    import urllib.request

    with urllib.request.urlopen(site.url + "/latest/", timeout=10) as response:
        return response.read().decode("utf-8")


@pytest_twisted.ensureDeferred
async def test_duplicates_and_invalid_items_across_two_crawls(
    sample_site: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seen_file = tmp_path / "job" / "seen-urls.txt"
    settings = {"ITEM_PIPELINES": PIPELINES, "NEWSARCHIVE_SEEN_FILE": str(seen_file)}
    articles = len(sample_site.content)

    with caplog.at_level(logging.WARNING, logger="newsarchive.pipelines"):
        items, stats, _ = await run_crawl(settings, site_url=sample_site.url, follow=False, broken=True)
    # Every article once: the teaser repeated on /latest/ page 2 and the tracked link
    # to the first article are duplicates; the two invalid items are dropped.
    assert len(items) == articles
    assert len({i["url"] for i in items}) == articles
    assert stats["newsarchive/dropped/duplicate"] == 2
    assert stats["newsarchive/dropped/missing_url"] == 1
    assert stats["newsarchive/dropped/missing_title"] == 1
    assert stats["newsarchive/dedupe/known_at_start"] == 0
    assert f"without title from listing {sample_site.url}/latest/" in caplog.text
    lines = seen_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == articles
    assert not any("no-title" in line for line in lines)  # dropped earlier: not remembered

    # The next crawl into the same file knows them all from the start: the spider stops
    # on the first listing page and nothing is emitted twice.
    items, stats, _ = await run_crawl(settings, site_url=sample_site.url, follow=False, use_known=True)
    assert items == []
    assert stats["newsarchive/dedupe/known_at_start"] == articles
    assert stats["test/known_teasers"] == sample_site.content.per_page
    assert stats["downloader/response_count"] == 1

    # Even a spider that ignores known_urls gets no duplicate through.
    items, stats, _ = await run_crawl(settings, site_url=sample_site.url, follow=False)
    assert items == []
    assert stats["newsarchive/dropped/duplicate"] == articles + 1
    assert len(seen_file.read_text(encoding="utf-8").splitlines()) == articles


@pytest_twisted.ensureDeferred
async def test_two_crawls_in_one_process_learn_separately(sample_site: Any) -> None:
    settings = {"ITEM_PIPELINES": {"newsarchive.pipelines.BoilerplatePipeline": 100}}
    _, first, crawler_a = await run_crawl(settings, site_url=sample_site.url, follow=False)
    _, second, crawler_b = await run_crawl(settings, site_url=sample_site.url, follow=False)
    a, b = getattr(crawler_a, CRAWLER_ATTRIBUTE), getattr(crawler_b, CRAWLER_ATTRIBUTE)
    assert a is not b
    assert a.pages == b.pages == first["newsarchive/boilerplate/pages_seen"] == second["newsarchive/boilerplate/pages_seen"]


# -- pipelines on their own, with other item types -----------------------------------


class PlainItem(scrapy.Item):
    url = scrapy.Field()
    title = scrapy.Field()
    summary = scrapy.Field()


def open_pipeline(cls: Any, settings: dict[str, Any] | None = None, spider_attrs: dict[str, Any] | None = None) -> Any:
    crawler = get_crawler(scrapy.Spider, settings or {})
    spider = scrapy.Spider(name="t")
    for name, value in (spider_attrs or {}).items():
        setattr(spider, name, value)
    pipeline = cls.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    return pipeline, crawler, spider


def test_pipelines_accept_dicts_and_scrapy_items() -> None:
    boilerplate, crawler, _ = open_pipeline(BoilerplatePipeline, spider_attrs={"boilerplate_patterns": [r"\[AD\]"]})
    clean, _, _ = open_pipeline(CleanPipeline)
    item = {
        "title": "• KGS/USD = 0.01143 -0% A&amp;B [AD] agree",
        "summary": "Teaser text\nRead more",
        "tags": ["Kazakhstan", " kazakhstan ", "", "• TJS/USD = 0.10899 0.93%"],
    }
    clean.process_item(boilerplate.process_item(item))
    assert item == {"title": "A&B agree", "summary": "Teaser text", "summary_truncated": True, "tags": ["Kazakhstan"]}
    assert crawler.stats.get_value("newsarchive/boilerplate/removed") == 4

    plain = PlainItem(url="https://x.kz/a", title="<b>Title</b>", summary="Cut here…")
    clean.process_item(boilerplate.process_item(plain))
    assert dict(plain) == {"url": "https://x.kz/a", "title": "Title", "summary": "Cut here"}


def test_clean_pipeline_fixes_field_shapes() -> None:
    clean, crawler, _ = open_pipeline(CleanPipeline)
    item = Article(
        url="https://x.kz/a",
        title=["Title", "part"],  # type: ignore[arg-type]
        body="<p>One</p>\r\n<p>Two &amp; three</p>",
        authors="Jane Doe",  # type: ignore[arg-type]
        section=42,  # type: ignore[arg-type]
    )
    clean.process_item(item)
    assert (item.title, item.body, item.authors, item.section) == ("Title part", "One\n\nTwo & three", ["Jane Doe"], 42)
    assert crawler.stats.get_value("newsarchive/clean/not_text/section") == 1


def test_validate_and_dedupe_without_a_crawl(tmp_path: Path) -> None:
    validate, crawler, _ = open_pipeline(ValidatePipeline)
    with pytest.raises(DropItem):
        validate.process_item({"url": "https://x.kz/a", "title": ""})
    assert validate.process_item({"url": "https://x.kz/a", "title": "T"})
    assert crawler.stats.get_value("newsarchive/dropped/missing_title") == 1

    path = tmp_path / "seen.txt"
    dedupe, crawler, spider = open_pipeline(DedupePipeline, {"NEWSARCHIVE_SEEN_FILE": str(path)})
    assert spider.known_urls is dedupe.seen
    item = dedupe.process_item({"url": "https://x.kz/a?fbclid=1"})
    assert "https://x.kz/a" in spider.known_urls
    with pytest.raises(DropItem):
        dedupe.process_item({"url": "https://X.kz/a#top"})
    assert dedupe.process_item({"title": "no url: left to validation"})
    # nothing is persisted before the item is exported (a kill here must not lose it)
    assert path.read_text(encoding="utf-8") == ""
    crawler.signals.send_catch_log(signals.item_scraped, item=item, response=None, spider=spider)
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    assert path.read_text(encoding="utf-8") == "https://x.kz/a\n"
