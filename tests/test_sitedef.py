"""Site definitions: every key read, every mistake named with its file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.sites.definition import SiteDefinitionError, load_site, site_from_dict

SITES = Path(__file__).parent / "sites"

MINIMAL = {
    "name": "example",
    "start_urls": ["https://news.example.org/latest/"],
    "listing": {"item": "article", "url": "a::attr(href)", "title": "a::text"},
}


def test_example_site_file_loads_every_key() -> None:
    site = load_site(SITES / "timesca.toml")
    assert site.name == "timesca-toml"
    assert site.start_urls == ("https://timesca.com/latest/",)
    assert site.allowed_domains == ("timesca.com",)
    assert site.timezone == "Asia/Almaty"
    assert site.languages == ("en", "ru")
    assert site.listing.item == "article.teaser"
    assert site.listing.date == "xpath:.//span[@class='teaser-date']"
    assert site.listing.follow is True
    assert site.article.body == ".entry-content p"
    assert site.boilerplate_patterns == ("Subscribe to our newsletter",)
    assert site.settings == {"DOWNLOAD_DELAY": 0}
    assert site.source.endswith("timesca.toml")


def test_defaults_for_optional_keys() -> None:
    site = site_from_dict(MINIMAL)
    assert site.allowed_domains == ("news.example.org",)
    assert site.timezone == "UTC"
    assert site.listing.follow is True
    assert site.article.body is None


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"listing": {**MINIMAL["listing"], "tittle": "h2"}}, "listing.tittle", "did you mean 'title'"),
        ({"listing": {"item": "article", "url": "a::attr(href)"}}, "listing.title", "missing"),
        ({"listing": {**MINIMAL["listing"], "url": "a[href"}}, "listing.url", "invalid CSS"),
        ({"listing": {**MINIMAL["listing"], "date": "xpath://span[@"}}, "listing.date", "invalid XPath"),
        ({"listing": {**MINIMAL["listing"], "follow": "yes"}}, "listing.follow", "true or false"),
        ({"timezone": "Mars/Olympus"}, "timezone", "unknown time zone"),
        ({"start_urls": ["timesca.com/latest/"]}, "start_urls", "absolute http(s) URL"),
        ({"start_urls": []}, "start_urls", "at least one"),
        ({"name": "has space"}, "name", "valid spider name"),
        ({"boilerplate": {"patterns": ["(unclosed"]}}, "boilerplate.patterns[0]", "bad regular expression"),
        ({"article": "h1"}, "article", "must be a table"),
        ({"colour": "red"}, "colour", "unknown key"),
    ],
)
def test_bad_definitions_name_the_key(change: dict, key: str, words: str) -> None:
    with pytest.raises(SiteDefinitionError) as info:
        site_from_dict({**MINIMAL, **change}, source="sites/bad.toml")
    message = str(info.value)
    assert message.startswith("site definition sites/bad.toml: ")
    assert info.value.key == key
    assert words in message


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(SiteDefinitionError, match="cannot read"):
        load_site(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\n[listing\n')
    with pytest.raises(SiteDefinitionError, match=r"broken\.toml: \(file\): invalid TOML"):
        load_site(broken)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SiteDefinitionError, match="not UTF-8"):
        load_site(latin)


# -- feeds and sitemaps as listing sources ---------------------------------------------


def test_a_site_with_feeds_or_sitemaps_needs_no_listing_selectors() -> None:
    site = site_from_dict({"name": "feedonly", "feeds": ["https://news.example.org/feed/"]})
    assert site.feeds == ("https://news.example.org/feed/",) and site.start_urls == ()
    assert site.listing is None and site.follow is True
    assert site.allowed_domains == ("news.example.org",)
    site = site_from_dict({"name": "maps", "sitemaps": ["https://a.example.org/sitemap.xml.gz"],
                           "feeds": ["https://b.example.org/rss"], "listing": {"follow": False},
                           "sitemap_follow": ["post-sitemap"], "sitemap_allow": [r"/20\d\d/"]})
    assert site.follow is False and site.listing is not None
    assert site.allowed_domains == ("a.example.org", "b.example.org")
    assert site.sitemap_follow == ("post-sitemap",) and site.sitemap_allow == (r"/20\d\d/",)
    assert site.robots_urls() == ()
    both = site_from_dict({**MINIMAL, "feeds": ["https://news.example.org/feed/"], "sitemaps_from_robots": True})
    assert both.start_urls and both.feeds and both.listing is not None
    assert both.robots_urls() == ("https://news.example.org/robots.txt",)
    robots = site_from_dict({"name": "r", "sitemaps_from_robots": True, "allowed_domains": ["x.example.org"]})
    assert robots.robots_urls() == ("https://x.example.org/robots.txt",)


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        ({"name": "x"}, "start_urls", "or give feeds, sitemaps or sitemaps_from_robots"),
        ({"name": "x", "start_urls": ["https://a.org/"], "listing": {"item": "li"}}, "listing.url", "missing"),
        ({"name": "x", "feeds": ["https://a.org/feed/"], "listing": {"item": "li", "url": "a", "title": "a"}},
         "listing", "without start_urls"),
        ({"name": "x", "feeds": ["feed.xml"]}, "feeds", "absolute http(s) URL"),
        ({"name": "x", "sitemaps": ["ftp://a.org/s.xml"]}, "sitemaps", "absolute http(s) URL"),
        ({"name": "x", "sitemaps_from_robots": True}, "sitemaps_from_robots", "allowed_domains"),
        ({"name": "x", "sitemaps_from_robots": "yes", "feeds": ["https://a.org/f"]}, "sitemaps_from_robots", "true or false"),
        ({"name": "x", "sitemaps": ["https://a.org/s.xml"], "sitemap_follow": ["(post"]}, "sitemap_follow[0]",
         "bad regular expression"),
        ({"name": "x", "feed": ["https://a.org/f"]}, "feed", "did you mean 'feeds'"),
    ],
)
def test_bad_sources_name_the_key(data: dict, key: str, words: str) -> None:
    with pytest.raises(SiteDefinitionError) as info:
        site_from_dict(data, source="sites/bad.toml")
    assert info.value.key == key
    assert words in str(info.value)


def test_a_definition_in_python_is_checked_too() -> None:
    from newsarchive.sites.definition import ListingRules, SiteDefinition

    with pytest.raises(SiteDefinitionError, match="start_urls: needs at least one URL"):
        SiteDefinition(name="nothing")
    from newsarchive.spiders.listing import SiteFileSpider

    class NoRules(SiteFileSpider):
        site = SiteDefinition(name="x", start_urls=("https://a.org/",))

        def load_site(self, **kwargs: object) -> SiteDefinition:
            return self.site

    assert NoRules().site.listing is None  # no rules: the automatic listing rules find the teasers
    site = SiteDefinition(name="x", feeds=("https://a.org/feed/",))
    assert site.follow is True and site.source_urls() == ("https://a.org/feed/",)
    rules = ListingRules(item="li", url="a::attr(href)", title="a", follow=False)
    assert SiteDefinition(name="y", start_urls=("https://a.org/",), listing=rules).follow is False
