"""Scrapy add-on that turns any crawl into an offline replay when ``NEWSARCHIVE_REPLAY`` is set.

With ``ADDONS = {"newsarchive.replay.ReplayAddon": 0}`` in the project settings,
``scrapy crawl NAME -s NEWSARCHIVE_REPLAY=PATH`` needs nothing else: the add-on installs
the replay download handler for http/https and switches the WARC capture and the HTTP
cache off (a replay must neither archive the archive again nor answer from a cache).
Without the setting it changes nothing, so live crawls keep their own handlers.
"""

from __future__ import annotations

from scrapy.settings import SETTINGS_PRIORITIES, Settings

from newsarchive.replay.handler import replay_paths

HANDLER = "newsarchive.replay.handler.ReplayDownloadHandler"
ADDON_PRIORITY = SETTINGS_PRIORITIES["addon"]


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


def _priority(settings: Settings, name: str) -> int:
    return settings.getpriority(name) or 0
