"""Warnings about unreadable dates, one line per cause with a count, not one per page.

A site whose pages all print the same unreadable date shape would otherwise write one
warning per page (a crawl once wrote 110,757 "Unparseable date" lines). The first page of
each cause is logged at once, with its URL, so the problem shows while the crawl runs;
the rest are counted, and :meth:`DateWarnings.flush` (at the end of the crawl) logs one
summary line per cause.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

__all__ = ["DateWarnings", "date_shape"]

logger = logging.getLogger("newsarchive.extraction.dates")

_DIGITS = re.compile(r"\d+")
_MAX_SHAPE = 60
_MAX_CAUSES = 1_000  # distinct causes remembered; more are counted together


def date_shape(raw: str) -> str:
    """The cause of an unreadable date: its text with each number as ``9`` (``"9 Foo 9"``),
    so that every page printing the same shape counts as one cause."""
    return _DIGITS.sub("9", " ".join(raw.split()))[:_MAX_SHAPE]


class DateWarnings:
    """Counts unreadable dates by cause; logs the first of each, and a summary on flush."""

    def __init__(self, log: logging.Logger | None = None) -> None:
        self.log = log or logger
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, tuple[str, str]] = {}  # cause -> (raw, url) of its first page

    def unparsed(self, raw: str, url: str) -> None:
        """Record one page whose date text ``raw`` does not parse."""
        cause = date_shape(raw)
        if cause not in self.counts and len(self.counts) >= _MAX_CAUSES:
            cause = "(other shapes)"
        self.counts[cause] += 1
        if self.counts[cause] == 1:
            self.examples[cause] = (raw[:100], url)
            self.log.warning("Unparseable date %r on %s; published left empty "
                             "(further pages with dates like it are counted, see the summary)",
                             raw[:100], url)

    def flush(self) -> None:
        """Log one line per cause seen more than once, most frequent first, and reset."""
        for cause, count in self.counts.most_common():
            if count > 1:
                raw, url = self.examples[cause]
                self.log.warning("Unparseable date on %d pages, shaped like %r (first: %r on %s)",
                                 count, cause, raw, url)
        self.counts.clear()
        self.examples.clear()
