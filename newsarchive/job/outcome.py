"""How a run ended, in one word, one sentence and one exit status, from its stats.

The same table holds for every sub-command (README, "Exit status"):

====  ==============  ===========================================================
0     ``finished``    the run did what it was asked (nothing new is a success)
1     ``failed``      the run failed (archive or items file unwritable, a crash...)
1     ``interrupted`` stopped by Ctrl-C / SIGTERM: the same command continues it
1     ``incomplete``  a listing page failed: the same command continues the walk
2     ``usage``       bad arguments or site file; nothing was started
3     ``nothing``     the site could not be reached, or the run found nothing it
                      was asked for (no teasers on the first listing page, every
                      listing request failed, nothing in the archive to replay)
====  ==============  ===========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOTHING = 3


@dataclass(frozen=True)
class Outcome:
    """A run's verdict: ``name`` (finished, failed, interrupted, incomplete, usage, nothing)."""

    name: str
    status: int
    message: str

    @property
    def ok(self) -> bool:
        return self.status == EXIT_OK


def _count(stats: Mapping[str, Any], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix) and isinstance(v, (int, float)))


def judge(stats: Mapping[str, Any], error: str | None = None, *, replay: bool = False) -> Outcome:
    """The outcome of a run from its Scrapy stats (and the error that stopped it, if any)."""
    if error:
        return Outcome("failed", EXIT_FAILED, f"failed: {error}")
    reason = stats.get("finish_reason")
    if reason == "shutdown":
        return Outcome("interrupted", EXIT_FAILED,
                       "interrupted (Ctrl-C or SIGTERM): run the same command again to continue")
    if reason != "finished":
        return Outcome("failed", EXIT_FAILED, f"failed: the crawl ended as {reason or 'unknown'}")
    listing_pages = int(stats.get("newsarchive/listing/pages", 0))
    listing_failures = _count(stats, "newsarchive/listing/failed/")
    if replay and listing_pages == 0:
        return Outcome("nothing", EXIT_NOTHING, "nothing replayed: the archive holds no capture of the start pages")
    if listing_pages == 0:
        if listing_failures or _count(stats, "downloader/exception_type_count/"):
            return Outcome("nothing", EXIT_NOTHING,
                           "nothing fetched: the site could not be reached (every listing request failed)")
        return Outcome("nothing", EXIT_NOTHING, "nothing fetched: no listing page could be read")
    if int(stats.get("newsarchive/teasers/found", 0)) == 0 and int(stats.get("newsarchive/listing/empty_first_page", 0)):
        return Outcome("nothing", EXIT_NOTHING,
                       "nothing found: no teasers on the first listing page (do the listing selectors still match?)")
    if listing_failures:
        return Outcome("incomplete", EXIT_FAILED,
                       f"incomplete: {listing_failures} listing page(s) failed; run the same command again to continue")
    return Outcome("finished", EXIT_OK, "finished")
