"""One split of the real-world page corpus into a *tuning* part and a *held-out* part.

Rules are written and tuned on the tuning part only; the held-out part is for scoring:
"measure on what you did not tune on". The split is by publisher (a site's pages share
templates, so a page of a tuned site would leak), fixed by a hash of the publisher's
name, so it never depends on the corpus' order or on who runs it. About a third of the
publishers are held out.

    from corpus_split import held_out, publisher_of
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

#: One publisher in HELD_OUT_ONE_IN is held out.
HELD_OUT_ONE_IN = 3


def publisher_of(row: Mapping[str, Any]) -> str:
    """The publisher of a ``ground_truth_index.jsonl`` row: its ``publisher``, else the
    URL's host without ``www.``/``m.``, else the page's directory."""
    if row.get("publisher"):
        return str(row["publisher"]).lower()
    host = (urlsplit(str(row.get("url") or "")).hostname or "").lower()
    for prefix in ("www.", "m.", "amp."):
        host = host.removeprefix(prefix)
    return host or str(row.get("path", "")).rsplit("/", 1)[0]


def held_out(row: Mapping[str, Any]) -> bool:
    """Whether the row's publisher is in the held-out part."""
    digest = hashlib.sha256(publisher_of(row).encode("utf-8")).digest()
    return digest[0] % HELD_OUT_ONE_IN == 0


def part_of(row: Mapping[str, Any]) -> str:
    return "held-out" if held_out(row) else "tuning"


__all__ = ["HELD_OUT_ONE_IN", "held_out", "part_of", "publisher_of"]
