"""The warnings a crawl would log for a page, collected instead of printed.

``check`` runs the spider's own callbacks; what they log at WARNING or above (a teaser
without a URL, a selector falling back to the automatic rules, an unparseable date) is
part of the report, so it is caught here rather than left to go to stderr unformatted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["captured_warnings"]


class _Collect(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad log call must not stop the check
            message = str(record.msg)
        line = " ".join(message.split())
        if line not in self.lines:
            self.lines.append(line[:500])


@contextmanager
def captured_warnings(lines: list[str]) -> Iterator[list[str]]:
    """Append each distinct WARNING+ message logged inside the block to ``lines``."""
    root = logging.getLogger()
    handler = _Collect(lines)
    old_level = root.level
    root.addHandler(handler)
    if root.level > logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.WARNING)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
