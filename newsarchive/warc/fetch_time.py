"""When a response was fetched: the anchor for ``crawled_at`` and for relative dates.

The archive capture (live) and replay both put the WARC-Date of the response record in
``response.meta[FETCHED_AT_META]``, so a replayed page resolves "2 hours ago" exactly as
the live crawl did. Without it the HTTP ``Date`` header is the next best witness.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.http import Response

FETCHED_AT_META = "newsarchive_fetched_at"


def fetched_at(response: Response) -> datetime:
    """Timezone-aware time the response was fetched (archive record, ``Date`` header, or now)."""
    value = response.meta.get(FETCHED_AT_META) if _has_meta(response) else None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    header = response.headers.get(b"Date")
    if header:
        try:
            parsed = parsedate_to_datetime(header.decode("latin-1"))
            if parsed is not None:
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        except (TypeError, ValueError):
            pass
    return datetime.now(timezone.utc)


def _has_meta(response: Response) -> bool:
    try:
        response.meta  # noqa: B018 - raises when the response has no request
    except AttributeError:
        return False
    return True
