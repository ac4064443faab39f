"""Feed storage that puts each exported item on disk as soon as it is written.

Scrapy's file storage writes through Python's buffer, so a killed crawl loses the last
few kilobytes of ``items.jsonl`` while the archive already holds those pages. Writing
unbuffered (one ``write`` per item for JSON Lines) keeps items and the seen-URL file in
step: an item whose URL is recorded as seen is always in the feed.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from scrapy.extensions.feedexport import FileFeedStorage


class DurableFileFeedStorage(FileFeedStorage):
    """``FileFeedStorage`` without user-space buffering."""

    def open(self, spider: Any) -> IO[bytes]:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open(self.write_mode, buffering=0)
