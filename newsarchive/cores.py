"""``--jobs N``: how many processes a command may use (``replay``, ``index``, ``verify``, ``wacz``).

Kept apart from the commands so that the archive tools can parse the option without
importing what replay needs (Scrapy: half a second of start-up).
"""

from __future__ import annotations

import os


def default_jobs() -> int:
    """The cores this process may run on (``--jobs`` default)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def parse_jobs(value: str | int | None) -> int | None:
    """``--jobs`` as a number of processes (``None``: not given); ``ValueError`` (one
    line) for anything else."""
    if value is None:
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"--jobs takes a number of processes (1 or more), got {value!r}") from None
    if number < 1:
        raise ValueError(f"--jobs takes a number of processes (1 or more), got {value!r}")
    return number


__all__ = ["default_jobs", "parse_jobs"]
