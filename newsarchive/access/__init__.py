"""Reading a crawl job from Python: ``Archive(path)`` (items, runs, captures, records)."""

from newsarchive.access.archive import Archive, ArchivedResponse, ArchiveError
from newsarchive.access.bodies import BodyTooLarge, decoded_body

__all__ = ["Archive", "ArchiveError", "ArchivedResponse", "BodyTooLarge", "decoded_body"]
