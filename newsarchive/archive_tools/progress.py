"""One-line progress for long archive work (verify, index, wacz) on a terminal.

Library functions take an optional ``progress(message)`` callable and call it as often
as they like; :func:`terminal_progress` shows at most two updates a second, and nothing
at all when output is not a terminal (logs and pipes stay clean).
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

Progress = Callable[[str], None]
T = TypeVar("T")


def terminal_progress(stream: Any = None, interval: float = 0.5) -> Progress | None:
    """A one-line progress display when ``stream`` is a terminal (None otherwise)."""
    stream = stream or sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        return None
    last = [0.0]
    width = shutil.get_terminal_size((80, 20)).columns - 1

    def show(message: str) -> None:
        now = time.monotonic()
        if now - last[0] >= interval:
            last[0] = now
            stream.write("\r" + message[:width].ljust(width))
            stream.flush()

    return show


_CLEAR_LINE = "\r\033[K"


def line_start(stream: Any = None) -> str:
    """What to print before a message so it does not run into a progress line."""
    stream = stream or sys.stderr
    return _CLEAR_LINE if getattr(stream, "isatty", lambda: False)() else ""


@contextmanager
def progress_line(stream: Any = None) -> Iterator[Progress | None]:
    """``terminal_progress`` for a ``with`` block; the line is cleared at its end."""
    stream = stream or sys.stderr
    progress = terminal_progress(stream)
    try:
        yield progress
    finally:
        if progress is not None:
            stream.write(_CLEAR_LINE)
            stream.flush()


def counted(items: Iterable[T], progress: Progress | None, label: str, unit: str = "lines",
            every: int = 256) -> Iterator[T]:
    """``items`` unchanged, telling ``progress`` "LABEL: N UNIT" every ``every`` items."""
    if progress is None:
        yield from items
        return
    for count, item in enumerate(items, 1):
        if count % every == 1:
            progress(f"{label}: {count} {unit}")
        yield item


class ProblemPrinter:
    """Prints problems (``Damage``) as they are found, on their own lines (clear of a
    progress line), each cause at most ``limit`` times per file.

    A cause is the problem's ``kind`` in one file: a file with 500 records lacking a
    field gets three lines and, from :meth:`close`, one more saying how many were left
    out, not 500. Problems without a kind are all printed.
    """

    def __init__(self, stream: Any = None, prefix: str = "", limit: int = 3) -> None:
        self.stream = stream or sys.stderr
        self.prefix = prefix
        self.limit = limit
        self.count = 0
        self._seen: dict[tuple[str, str], list[Any]] = {}

    def __call__(self, problem: Any) -> None:
        self.count += 1
        kind = getattr(problem, "kind", "")
        if kind:
            seen = self._seen.setdefault((problem.path, kind), [])
            seen.append(problem if len(seen) < self.limit else (problem.offset, problem.length))
            if len(seen) > self.limit:
                return
        self.stream.write(f"{line_start(self.stream)}{self.prefix}{problem}\n")

    def close(self) -> None:
        """Say what was left out."""
        for (path, kind), seen in self._seen.items():
            left = seen[self.limit:]
            if not left:
                continue
            offsets = ", ".join(str(offset) for offset, _ in left[:5]) + (", ..." if len(left) > 5 else "")
            size = sum(length for _, length in left)
            spans = f", {size} bytes in all" if size else ""
            self.stream.write(f"{line_start(self.stream)}{self.prefix}{path}: {len(left)} more "
                              f"{kind} problem(s) like those above{spans} (at {offsets})\n")
        self._seen.clear()
