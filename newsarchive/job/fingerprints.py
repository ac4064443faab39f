"""Sets of keys a long crawl remembers, at 16 bytes a key instead of a Python string's ~150.

A crawl of a million pages remembers a million article URLs (the ones requested in this
run, the ones archived by earlier runs). As Python ``str`` objects in a ``set`` that is
about 150 bytes each, the main part of what grows with a crawl. :class:`FingerprintSet`
keeps a 128-bit BLAKE2b digest of each key in two sorted NumPy ``uint64`` arrays: 16
bytes a key, and a chance of two of a billion keys colliding below 10⁻²⁰, so a key is
never taken for another in practice.

(Scrapy's own dupefilter does not grow with the articles: article requests are checked
against this run's requested URLs and sent with ``dont_filter``.)
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

BATCH = 4096
"""Digests held as Python objects before they are merged into the arrays."""


def key_digest(key: str | bytes) -> tuple[int, int]:
    """The two 64-bit halves of ``key``'s 128-bit BLAKE2b digest."""
    data = key.encode("utf-8", "surrogatepass") if isinstance(key, str) else key
    digest = hashlib.blake2b(data, digest_size=16).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


class FingerprintSet:
    """A set of strings kept as 128-bit digests; ``add``, ``in`` and ``len`` only.

    New digests wait in a small Python set; every :data:`BATCH` of them is merged into two
    NumPy ``uint64`` arrays ordered by the digest's first half (a lookup is a binary
    search), 16 bytes a key.
    """

    def __init__(self, digest: Any = key_digest) -> None:
        self._digest = digest
        self._high = np.zeros(0, dtype=np.uint64)  # ordered
        self._low = np.zeros(0, dtype=np.uint64)  # the second half of the same digest
        self._pending: set[tuple[int, int]] = set()

    def __len__(self) -> int:
        return len(self._high) + len(self._pending)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, (str, bytes)):
            return False
        return self._has(self._digest(key))

    def add(self, key: str | bytes) -> bool:
        """Add ``key``; returns whether it was new."""
        digest = self._digest(key)
        if self._has(digest):
            return False
        self._pending.add(digest)
        if len(self._pending) >= BATCH:
            self._merge()
        return True

    def update(self, keys: Any) -> None:
        for key in keys:
            self.add(key)

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays (the pending digests not counted: at most :data:`BATCH`)."""
        return int(self._high.nbytes + self._low.nbytes)

    def _has(self, digest: tuple[int, int]) -> bool:
        if digest in self._pending:
            return True
        high, low = digest
        table = self._high
        index = int(np.searchsorted(table, np.uint64(high)))
        while index < len(table) and int(table[index]) == high:  # first halves collide once in 2^64
            if int(self._low[index]) == low:
                return True
            index += 1
        return False

    def _merge(self) -> None:
        new = sorted(self._pending)
        high = np.fromiter((h for h, _ in new), dtype=np.uint64, count=len(new))
        low = np.fromiter((lo for _, lo in new), dtype=np.uint64, count=len(new))
        where = np.searchsorted(self._high, high)
        self._high = np.insert(self._high, where, high)
        self._low = np.insert(self._low, where, low)
        self._pending.clear()
