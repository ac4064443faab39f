"""Scrapy add-on that turns any crawl into an offline replay when ``NEWSARCHIVE_REPLAY`` is set.

With ``ADDONS = {"newsarchive.replay.ReplayAddon": 0}`` in the project settings,
``scrapy crawl NAME -s NEWSARCHIVE_REPLAY=PATH`` needs nothing else: the add-on installs
the replay download handler for http/https and switches the WARC capture and the HTTP
cache off (a replay must neither archive the archive again nor answer from a cache).
Politeness (download delays, AutoThrottle, per-site concurrency limits) protects a server;
a replay contacts none, so it is lifted, even where a site definition sets it.
Without the setting it changes nothing, so live crawls keep their own handlers.

``-s NEWSARCHIVE_REPLAY_RUN=N`` replays one run of a job's archive (``-s
NEWSARCHIVE_REPLAY_AT=TIMESTAMP``: the run in progress then); see
``newsarchive.replay.runs``. One ``scrapy crawl`` is one crawl, so it cannot merge the
runs of a job as ``newsarchive replay`` does; over an archive of several runs without
either setting, the handler says so.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.settings import SETTINGS_PRIORITIES, Settings

from newsarchive.replay.handler import replay_paths

logger = logging.getLogger(__name__)

HANDLER = "newsarchive.replay.handler.ReplayDownloadHandler"
ADDON_PRIORITY = SETTINGS_PRIORITIES["addon"]
# above spider settings (site definitions) and the spider attributes Scrapy maps onto them
UNTHROTTLE_PRIORITY = SETTINGS_PRIORITIES["spider"]


class ReplayAddon:
    def update_settings(self, settings: Settings) -> None:
        if not replay_paths(settings.get("NEWSARCHIVE_REPLAY")):
            return
        # the user asked for a replay: win over project settings and other add-ons
        priority = max(_priority(settings, "DOWNLOAD_HANDLERS"), ADDON_PRIORITY)
        handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
        handlers.update({"http": HANDLER, "https": HANDLER})
        settings.set("DOWNLOAD_HANDLERS", handlers, priority=priority)
        for name in ("NEWSARCHIVE_WARC_ENABLED", "HTTPCACHE_ENABLED"):
            settings.set(name, False, priority=max(_priority(settings, name), ADDON_PRIORITY))
        # a developer warning the live crawl gave already; Scrapy re-parses each callback's
        # source for it on every response (about 1 ms a page). Set it to keep it.
        settings.set("WARN_ON_GENERATOR_RETURN_VALUE", False, priority=ADDON_PRIORITY)
        _lift_politeness(settings)


def _lift_politeness(settings: Settings) -> None:
    """No server to spare: no delays, no AutoThrottle, the global concurrency per site."""
    unthrottled: dict[str, Any] = {
        "DOWNLOAD_DELAY": 0.0,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_SLOTS": {},  # per-site delays and concurrency
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.getint("CONCURRENT_REQUESTS"),
    }
    lifted = []
    for name, value in unthrottled.items():
        before = settings.getdict(name) if isinstance(value, dict) else settings.get(name)
        if before is not None and before != value:
            lifted.append(f"{name}={before!r}")
        settings.set(name, value, priority=max(_priority(settings, name), UNTHROTTLE_PRIORITY))
    if lifted:
        logger.info("Replay contacts no server: politeness settings lifted (%s)", ", ".join(lifted))


def _priority(settings: Settings, name: str) -> int:
    return settings.getpriority(name) or 0
