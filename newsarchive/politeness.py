"""Polite crawling of real sites, none of it for your own machine.

Scrapy's AutoThrottle adapts each site's download delay to how fast the server answers,
so a slow (busy) news site is asked less often. A server that says it is overloaded
(429 Too Many Requests, 503 Service Unavailable) is also given the time its
``Retry-After`` asks for, or twice the current delay, up to ``AUTOTHROTTLE_MAX_DELAY``;
AutoThrottle then brings the delay back down as good answers come in. A ``Crawl-delay``
in a site's robots.txt (read when ``ROBOTSTXT_OBEY`` fetches it) is the least delay for
that site. Loopback hosts (``localhost``,
``127.0.0.0/8``, ``::1``) are your own machine, a local mirror or the offline sample
site: they keep ``DOWNLOAD_DELAY`` unless ``NEWSARCHIVE_THROTTLE_LOOPBACK`` is set (which
benchmarks use to treat the sample site like a remote one).
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

from protego import Protego
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle as ScrapyAutoThrottle
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


MAX_DELAY_STAT = "newsarchive/politeness/max_delay"
BACKOFF_STAT = "newsarchive/politeness/backoffs"
CRAWL_DELAY_STAT = "newsarchive/politeness/robots_crawl_delay"
OVERLOADED = (429, 503)


@lru_cache(maxsize=1024)
def is_loopback(host: str | None) -> bool:
    """True for ``localhost`` and loopback IP addresses (v4 and v6)."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AutoThrottle(ScrapyAutoThrottle):
    """Scrapy's AutoThrottle, except for loopback hosts (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)  # NotConfigured unless AUTOTHROTTLE_ENABLED
        settings = crawler.settings
        self.throttle_loopback = settings.getbool("NEWSARCHIVE_THROTTLE_LOOPBACK")
        self.robots_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "*"
        self._floors: dict[str, float] = {}  # slot -> Crawl-delay its robots.txt asks for
        if not self.throttle_loopback:
            crawler.signals.connect(self._exempt, signal=signals.request_reached_downloader)

    def _exempt(self, request: Request, spider: Any) -> None:
        # before the slot queues the request: a new slot starts at AUTOTHROTTLE_START_DELAY
        if is_loopback(urlparse_cached(request).hostname):
            _, slot = self._get_slot(request, spider)
            if slot is not None:
                slot.delay = self.mindelay

    def _response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        if not self.throttle_loopback and is_loopback(urlparse_cached(request).hostname):
            return
        super()._response_downloaded(response, request, spider)  # latency-based delay
        key, slot = self._get_slot(request, spider)
        if slot is None or key is None or self.crawler.stats is None:
            return
        if response.status == 200 and urlparse_cached(request).path == "/robots.txt":
            self._read_crawl_delay(key, response)
        slot.delay = max(slot.delay, self._floors.get(key, 0.0))
        if response.status in OVERLOADED:
            self._back_off(key, slot, response)
        # how hard the crawl held back, in the end-of-crawl stats
        self.crawler.stats.max_value(MAX_DELAY_STAT, round(slot.delay, 3))

    def _back_off(self, key: str, slot: Any, response: Response) -> None:
        """The server says it is overloaded: its Retry-After, else twice the delay."""
        wait = retry_after(response.headers.get(b"Retry-After")) or max(2 * slot.delay, self._start_delay())
        slot.delay = min(max(slot.delay, wait), self.maxdelay)
        logger.info("%s answered %d: waiting %.1f s between its requests", key, response.status, slot.delay)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(BACKOFF_STAT)

    def _read_crawl_delay(self, key: str, response: Response) -> None:
        try:
            delay = Protego.parse(response.text).crawl_delay(self.robots_agent)
        except (AttributeError, ValueError, UnicodeDecodeError):  # not text, or unparseable
            return
        if delay:
            self._floors[key] = min(float(delay), self.maxdelay)
            logger.info("robots.txt of %s asks for Crawl-delay: %s s; honoured", key, delay)
            if self.crawler.stats is not None:
                self.crawler.stats.max_value(CRAWL_DELAY_STAT, self._floors[key])


def retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


#: The contact in the default ``USER_AGENT``: it names this project, not whoever runs the crawl.
PLACEHOLDER_CONTACT = "+https://github.com/newsarchive/newsarchive"


def contact_warning(settings: Any, urls: list[str]) -> str | None:
    """A warning when a crawl of someone else's site would not say who runs it.

    Heritrix refuses to start without an operator contact; we warn, once per run, until
    ``USER_AGENT`` carries your own contact or ``NEWSARCHIVE_WARC_OPERATOR`` is set.
    Loopback hosts (the sample site, a local mirror) need no contact.
    """
    from urllib.parse import urlsplit

    remote = [u for u in urls if not is_loopback(urlsplit(u).hostname)]
    if not remote:
        return None
    if PLACEHOLDER_CONTACT not in (settings.get("USER_AGENT") or "") or settings.get("NEWSARCHIVE_WARC_OPERATOR"):
        return None
    return ("USER_AGENT still carries the placeholder contact " + PLACEHOLDER_CONTACT + " and "
            "NEWSARCHIVE_WARC_OPERATOR is empty: site owners cannot tell who crawls them. Set "
            "-s USER_AGENT='yourbot/1.0 (+mailto:you@example.org)' and -s NEWSARCHIVE_WARC_OPERATOR='Your name'")
