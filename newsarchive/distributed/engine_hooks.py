"""The two things a worker needs from Scrapy's engine that Scrapy has no public API for.

- which requests the engine is still working on: a request leaves the engine's slot only
  once its response went through the callback and every item it yielded went through the
  pipelines and into the feed; that is when its lease may end;
- a way to look at the queue again soon: an idle engine otherwise asks the scheduler only
  every 5 seconds, and requests other workers add would wait that long.

Both read ``ExecutionEngine._slot`` (``inprogress``, ``nextcall``), unchanged from Scrapy
2.13 to 2.19; :func:`check_engine` fails the crawl at start, with a clear message, on a
Scrapy where they are gone (``tests/test_distributed.py`` checks them on this one).
"""

from __future__ import annotations

from typing import Any


class UnsupportedScrapy(RuntimeError):
    """This Scrapy's engine lacks what lease tracking needs."""


def _slot(crawler: Any) -> Any:
    return getattr(getattr(crawler, "engine", None), "_slot", None)


def check_engine(crawler: Any) -> None:
    """Raise :class:`UnsupportedScrapy` unless the engine's slot has what we read."""
    slot = _slot(crawler)
    if slot is None or not isinstance(getattr(slot, "inprogress", None), set) or not hasattr(slot, "nextcall"):
        import scrapy

        raise UnsupportedScrapy(f"distributed crawling needs Scrapy's engine slot (inprogress, nextcall), "
                                f"not found in Scrapy {scrapy.__version__}")


def in_progress(crawler: Any) -> set[Any]:
    """Requests the engine took from the scheduler and has not finished with."""
    slot = _slot(crawler)
    return slot.inprogress if slot is not None else set()


def wake(crawler: Any) -> None:
    """Ask the engine to look at the scheduler on its next turn."""
    slot = _slot(crawler)
    if slot is not None and slot.closing is None:
        slot.nextcall.schedule()
