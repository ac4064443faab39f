"""Check Scrapy settings given by people (``-s NAME=VALUE``, a site file's ``[settings]``).

Scrapy takes any name and converts values only when a component reads them, so a typo
(``CONCURENT_REQUESTS``) is silently ignored and ``DOWNLOAD_DELAY = "fast"`` fails deep in
the crawl without naming its source. Here a name that is not a known setting but is close
to one is refused with a did-you-mean (a name close to none is let through: it may belong
to an extension we do not know), and a value that the known setting's type cannot take is
refused before anything is fetched.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

_BOOL_TEXT = {"0", "1", "true", "false"}


class SettingError(ValueError):
    """A setting that would be ignored or fail later; names the setting."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"{name}: {problem}")


@lru_cache(maxsize=1)
def known_settings() -> dict[str, Any]:
    """Every setting Scrapy and newsarchive define, with its default value."""
    from scrapy.settings import default_settings

    from newsarchive import settings as project

    known = {k: getattr(default_settings, k) for k in dir(default_settings) if k.isupper()}
    known.update({k: getattr(project, k) for k in dir(project) if k.isupper()})
    return known


#: Settings that take one of a few words.
CHOICES: dict[str, tuple[str, ...]] = {
    "NEWSARCHIVE_REPLAY_DAMAGED": ("fail", "replay"),
    "NEWSARCHIVE_PROGRESS": ("auto", "log", "off"),
}


def check_settings(settings: Mapping[str, Any]) -> None:
    """Raise :class:`SettingError` for the first misspelt name or unusable value."""
    known = known_settings()
    for name, value in settings.items():
        choices = CHOICES.get(name)
        if choices and str(value).strip().lower() not in choices:
            raise SettingError(name, f"must be one of {', '.join(choices)}, got {value!r}")
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.85)
            if close:
                raise SettingError(name, f"unknown setting (did you mean {close[0]}?)")
            continue
        problem = _type_problem(known[name], value)
        if problem:
            raise SettingError(name, problem)


def _type_problem(default: Any, value: Any) -> str | None:
    if default is None or value is None:
        return None
    if isinstance(default, bool):
        if isinstance(value, bool) or value in (0, 1) or (isinstance(value, str) and value.strip().lower() in _BOOL_TEXT):
            return None
        return f"expected true or false, got {value!r}"
    if isinstance(default, (int, float)):
        if isinstance(value, bool):
            return f"expected a number, got {value!r}"
        try:
            (int if isinstance(default, int) and not isinstance(value, float) else float)(value)
        except (TypeError, ValueError):
            try:
                float(value)
            except (TypeError, ValueError):
                return f"expected a number, got {value!r}"
        return None
    return None
