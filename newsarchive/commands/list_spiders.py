"""``newsarchive list``: the spiders and example site files one can crawl, with their
spider arguments, so nobody has to read the source to find out what exists."""

from __future__ import annotations

import argparse
import inspect

from newsarchive.runner.crawl_job import crawl_settings
from newsarchive.sources.listing_spider import ListingSpider, spider_arguments
from newsarchive.sites.definition import SiteDefinitionError, load_site
from newsarchive.sites import example_site_files

HELP = "list the spiders and example site files (with their -a arguments)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "example: newsarchive list"


def run(args: argparse.Namespace) -> int:
    from scrapy.spiderloader import get_spider_loader

    loader = get_spider_loader(crawl_settings())
    print("Spiders (newsarchive crawl NAME --out DIR; scrapy crawl NAME):")
    for name in sorted(loader.list()):
        spidercls = loader.load(name)
        print(f"  {name:10} {_summary(spidercls)}")
        if isinstance(spidercls, type) and issubclass(spidercls, ListingSpider):
            print(f"  {'':10} -a {' '.join(a + '=' for a in spider_arguments(spidercls))}")
    print("A listing page URL works too: newsarchive crawl https://example.org/news/ --out DIR")
    print()
    print("Example site files (newsarchive crawl FILE --out DIR; copy one to start your own):")
    for path in example_site_files():
        try:
            site = load_site(path)
            about = f"{site.name}: {', '.join(site.start_urls or site.feeds or site.sitemaps)}"
        except SiteDefinitionError as exc:
            about = f"cannot be read: {exc}"
        print(f"  {path}")
        print(f"      {about}")
    return 0


def _summary(spidercls: type) -> str:
    """First line of the spider module's docstring (what it crawls)."""
    doc = inspect.getdoc(inspect.getmodule(spidercls)) or inspect.getdoc(spidercls) or ""
    return doc.strip().splitlines()[0].replace("``", "") if doc.strip() else ""
