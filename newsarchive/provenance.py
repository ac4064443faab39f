"""Provenance: which archived WARC records an item was extracted from.

The WARC capture (:mod:`newsarchive.warc.capture`) writes each response record before
the spider sees the response and leaves a pointer in ``response.meta[WARC_META]``, so a
spider only calls :func:`attach_warc_pointer` and never needs to know how records are
written. A pointer is ``{"filename", "offset", "length", "record_id"}``: the WARC file
(in the archive directory), the gzip member's offset and length, and the record's
``WARC-Record-ID``. When the payload had been archived before, the record is a
``revisit`` and the pointer also has ``"revisit_of"`` (a pointer to the full record).
Responses that were not archived (archiving off, HTTP cache hits) have no pointer.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.http import Response

WARC_META = "newsarchive_warc"
"""``response.meta`` key of the response record's pointer (set by the WARC capture)."""


def warc_pointer(response: Response) -> dict[str, Any] | None:
    """The pointer to ``response``'s archived record, or ``None`` if it was not archived."""
    try:
        pointer = response.meta.get(WARC_META)
    except AttributeError:  # a response built without a request
        return None
    return dict(pointer) if pointer else None


def attach_warc_pointer(item: Any, response: Response, role: str) -> None:
    """Set ``item["warc"][role]`` to where ``response`` is archived (no-op when it is not).

    Roles used by the spiders: ``"listing"`` for the listing page a teaser came from and
    ``"response"`` for the article page the item was completed from. Other roles the
    item already has are kept, so a followed teaser ends up with both.
    """
    pointer = warc_pointer(response)
    if pointer is None:
        return
    adapter = ItemAdapter(item)
    adapter["warc"] = {**(adapter.get("warc") or {}), role: pointer}
