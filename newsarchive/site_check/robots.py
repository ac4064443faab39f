"""Would robots.txt let the crawl fetch a page? (``ROBOTSTXT_OBEY`` is on by default.)

A page the site's robots.txt disallows is never requested by the crawl, whatever the
selectors say, so ``check`` says so. A robots.txt that cannot be fetched or read counts
as allowing everything, as Scrapy's robots.txt middleware treats it. Each host's file is
fetched once per check.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from newsarchive.site_check.fetch import FetchError, FetchLimits, fetch_response

__all__ = ["MAX_ROBOTS_SIZE", "RobotsRules"]

MAX_ROBOTS_SIZE = 512 * 1024  # bytes; Google reads the first 500 KiB


class RobotsRules:
    """The robots.txt files of the hosts a check visits, read on first use."""

    def __init__(self, limits: FetchLimits, agent: str | None = None) -> None:
        self.limits = FetchLimits(limits.user_agent, min(limits.max_size or MAX_ROBOTS_SIZE, MAX_ROBOTS_SIZE),
                                  limits.timeout)
        self.agent = agent or limits.user_agent
        self._by_origin: dict[str, Protego | None] = {}

    def allows(self, url: str) -> bool:
        """``False`` only when the host's robots.txt disallows ``url`` for the crawl's agent."""
        parts = urlsplit(url)
        origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        if origin not in self._by_origin:
            self._by_origin[origin] = self._read(origin + "/robots.txt")
        rules = self._by_origin[origin]
        if rules is None:
            return True
        try:
            return bool(rules.can_fetch(url, self.agent))
        except Exception:  # noqa: BLE001 - an unreadable robots.txt allows everything
            return True

    def _read(self, robots_url: str) -> Protego | None:
        try:
            response = fetch_response(robots_url, self.limits, accept="text/plain,*/*;q=0.8")
            return Protego.parse(response.body.decode("utf-8", errors="replace"))
        except FetchError:
            return None
        except Exception:  # noqa: BLE001 - as above
            return None
