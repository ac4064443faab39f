"""Parse each HTML page in a worker thread, before the spider needs its tree.

A crawl process spends most of its time in Python on the reactor thread: extracting
fields, cleaning, dedupe, handing records to the archive writer. Parsing HTML is the one
large step that does not need Python's interpreter lock: lxml lets libxml2 parse without
it. So this downloader middleware asks for ``response.selector`` (the same call Scrapy
makes on first use, so the tree is the one callbacks would get) in a thread of the
reactor's pool, and hands the response on once the tree is built. While one page is
parsed on the second core, the reactor thread goes on with the others.

Only ``HtmlResponse`` bodies of 2xx responses are parsed ahead (feeds and sitemaps are
read from their bytes, error pages go to errbacks). A page whose parsing fails is handed on as it came: the spider meets the same
error when it asks for the tree, and handles it as it always did. Counted as
``newsarchive/parse_ahead/pages`` and ``.../failed``. ``NEWSARCHIVE_PARSE_AHEAD = False``
turns it off (everything then parses on the reactor thread, on first use).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

logger = logging.getLogger(__name__)


def build_tree(response: HtmlResponse) -> bool:
    """Build ``response.selector`` (Scrapy caches it on the response); False if it fails."""
    try:
        response.selector  # noqa: B018 - built and cached by the property
    except Exception:  # noqa: BLE001 - the spider will meet it on the reactor thread, as before
        return False
    return True


class ParseAheadMiddleware:
    """Downloader middleware: ``response.selector`` built in a thread, then the response passed on.

    Placed closest to the engine (lowest order) so that it sees the response the spider
    gets: decompressed, its charset repaired, after redirects.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParseAheadMiddleware:
        if not crawler.settings.getbool("NEWSARCHIVE_PARSE_AHEAD", True):
            raise NotConfigured("NEWSARCHIVE_PARSE_AHEAD is off")
        return cls(crawler)

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if not isinstance(response, HtmlResponse) or not response.body or not 200 <= response.status < 300:
            return response  # error pages mostly go to errbacks, which do not read their tree
        built = await maybe_deferred_to_future(deferToThread(build_tree, response))
        self.stats.inc_value("newsarchive/parse_ahead/pages")
        if not built:
            self.stats.inc_value("newsarchive/parse_ahead/failed")
            logger.debug("Page %s did not parse ahead; the spider parses it", response.url)
        return response
