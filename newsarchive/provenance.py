"""Provenance: which archived records an item was extracted from.

The WARC capture writes the response record before the spider sees the response and
leaves a pointer in ``response.meta[WARC_META]``; spiders only call
:func:`attach_warc_pointer` and never need to know how records are written.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Response

from newsarchive.items import Article

WARC_META = "newsarchive_warc"


def warc_pointer(response: Response) -> dict[str, Any] | None:
    """``{"filename", "offset", "length", "record_id"}`` of the response record, if archived."""
    try:
        pointer = response.meta.get(WARC_META)
    except AttributeError:  # a response built without a request
        return None
    return dict(pointer) if pointer else None


def attach_warc_pointer(item: Article, response: Response, role: str) -> None:
    """Record in ``item.warc[role]`` where ``response`` is archived (no-op when it is not)."""
    pointer = warc_pointer(response)
    if pointer is None:
        return
    item.warc = {**(item.warc or {}), role: pointer}
