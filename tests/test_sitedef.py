"""Site definitions: every key read, every mistake named with its file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.sitedef import SiteDefinitionError, load_site, site_from_dict

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
