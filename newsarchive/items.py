"""The one item type newsarchive produces: a news article as seen on a listing and its page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Article:
    """A news article. Used through ``itemadapter``; every field is JSON-serialisable.

    ``published`` is ISO 8601 with a UTC offset (or ``None``); ``published_raw`` keeps the
    text the page showed. ``warc`` points at the archived records the item came from.
    ``fetch_error`` is set on the teaser of an article whose page failed.
    """

    url: str | None = None
    title: str | None = None
    summary: str | None = None
    summary_truncated: bool = False
    body: str | None = None
    published: str | None = None
    published_raw: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    section: str | None = None
    language: str | None = None
    site: str | None = None
    listing_url: str | None = None
    crawled_at: str | None = None
    warc: dict[str, Any] | None = None
    fetch_error: str | None = None
    """Why the article page could not be archived (``http_404``, ``timeout``...): the item
    holds the teaser only, and a later run tries the page again."""


ARTICLE_FIELDS: tuple[str, ...] = tuple(Article.__dataclass_fields__)
