"""Provenance: which archived WARC records an item was extracted from.

The WARC capture (:mod:`newsarchive.warc.capture`) writes each response record before
the spider sees the response and leaves a pointer in ``response.meta[WARC_META]``, so a
spider only calls :func:`attach_warc_pointer` and never needs to know how records are
written. A pointer is ``{"filename", "offset", "length", "record_id"}``: the WARC file
(in the archive directory), the gzip member's offset and length, and the record's
``WARC-Record-ID``. When the payload had been archived before, the record is a
``revisit`` and the pointer also has ``"revisit_of"`` (a pointer to the full record).
Responses that were not archived (archiving off, HTTP cache hits) have no pointer.

The writer process (:mod:`newsarchive.warc.writer_process`) writes records while the
spider goes on, so a fresh pointer may still be a :class:`PendingPointer`;
:class:`WarcPointerPipeline` holds each item until its records are on disk and fills the
pointers in, so no item is exported before the records it points at exist.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, succeed

WARC_META = "newsarchive_warc"
"""``response.meta`` key of the response record's pointer (set by the WARC capture)."""


class PendingPointer:
    """The pointer of a record still being written; :meth:`wait` gives it once written.

    It resolves to ``None`` if the record could not be written (the crawl then stops).
    """

    __slots__ = ("done", "pointer", "_waiters")

    def __init__(self) -> None:
        self.done = False
        self.pointer: dict[str, Any] | None = None
        self._waiters: list[Deferred[dict[str, Any] | None]] = []

    def resolve(self, pointer: dict[str, Any] | None) -> None:
        self.done, self.pointer = True, pointer
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            waiter.callback(pointer)

    @classmethod
    def unwritten(cls) -> PendingPointer:
        """The pointer of a record that could not be written (items from it are dropped)."""
        pointer = cls()
        pointer.resolve(None)
        return pointer

    def __reduce__(self) -> Any:
        # Requests carrying items are pickled to disk with JOBDIR; the WARC capture makes
        # responses wait for their records then, so only finished pointers get here: a
        # written one becomes its dict, a failed one stays failed (its item is dropped).
        if not self.done:
            raise TypeError("a WARC pointer still being written cannot be pickled")
        return (dict, (self.pointer,)) if self.pointer else (PendingPointer.unwritten, ())

    def wait(self) -> Deferred[dict[str, Any] | None]:
        if self.done:
            return succeed(self.pointer)
        waiter: Deferred[dict[str, Any] | None] = Deferred()
        self._waiters.append(waiter)
        return waiter


def warc_pointer(response: Response) -> dict[str, Any] | PendingPointer | None:
    """The pointer to ``response``'s archived record: a dict once written, a
    :class:`PendingPointer` while it is being written (or if writing it failed), ``None``
    if the response was not archived."""
    try:
        pointer = response.meta.get(WARC_META)
    except AttributeError:  # a response built without a request
        return None
    if isinstance(pointer, PendingPointer):
        return dict(pointer.pointer) if pointer.done and pointer.pointer else pointer
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


class WarcPointerPipeline:
    """Holds an item until the records it points at are written, then fills them in.

    An item whose record could not be written is dropped, not exported without it: it
    is then not remembered as seen either, so the next crawl (the archive failure stops
    this one) fetches and archives it again.
    """

    def __init__(self, stats: Any = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcPointerPipeline:
        return cls(crawler.stats)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        pointers = adapter.get("warc")
        if not pointers or not any(isinstance(p, PendingPointer) for p in pointers.values()):
            return item
        written: dict[str, Any] = {}
        for role, pointer in pointers.items():
            if isinstance(pointer, PendingPointer):
                if not pointer.done:  # a wait costs a turn of the event loop: only if needed
                    await maybe_deferred_to_future(pointer.wait())
                if not pointer.pointer:
                    if self.stats is not None:
                        self.stats.inc_value("newsarchive/warc/items_dropped")
                    raise DropItem(f"its {role} record could not be archived; a later crawl fetches it again")
                pointer = dict(pointer.pointer)
            written[role] = pointer
        adapter["warc"] = written
        return item
