"""What the article URLs of a listing look like, to tell articles among sitemap entries.

A site's sitemap lists every page: articles, but also tag, author and category pages,
"about" and "contact". ``newsarchive crawl URL`` has no site file to say which are
articles, but it has the listing's own teasers, which are. Their URLs share a shape:
``/2025/03/14/some-slug/``, ``/news/123456-some-slug``, ``/politics/some-slug.html``.
:class:`UrlShapes` learns those shapes and accepts the sitemap entries that have one.

A path segment is classed as a year (``Y``), a number (``N``), a slug (words joined by
``-`` or ``_``, or letters and digits: ``S``) or a plain word. Plain words are kept as
they are (``news``, ``article``, ``tag``) until :data:`GENERALISE_AFTER` different ones
are seen at the same place, when any word goes there (section names of a latest-news
listing). So a category listing's shapes keep its category, and ``/tag/x/`` never
passes for ``/news/x/``. Linear in the URL: plain ``str`` work, no regex.
"""

from __future__ import annotations

from urllib.parse import urlsplit

#: Distinct plain words seen at one place of a shape before any word is accepted there.
GENERALISE_AFTER = 3

_WORD = "W"


def segment_class(segment: str) -> str:
    """``Y``, ``N``, ``S`` (slug), ``W`` (plain word) or ``""`` (empty), with the
    extension kept: ``story-1.html`` is ``S.html``."""
    stem, dot, ext = segment.rpartition(".")
    if not dot or not ext.isalnum() or len(ext) > 5 or not stem:
        stem, ext = segment, ""
    suffix = f".{ext.lower()}" if ext else ""
    if not stem:
        return suffix
    if stem.isdigit():
        kind = "Y" if len(stem) == 4 and stem[:2] in ("19", "20") else "N"
    elif "-" in stem or "_" in stem or (any(c.isdigit() for c in stem) and any(c.isalpha() for c in stem)):
        kind = "S"
    else:
        kind = _WORD
    return kind + suffix


def url_shape(url: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """(host, ((class, word), ...)) of an http(s) URL; ``word`` is the segment for plain
    words, else ``""``. ``None`` for other URLs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    segments = [s for s in parts.path.split("/") if s]
    shape = []
    for segment in segments:
        kind = segment_class(segment)
        shape.append((kind, segment.lower() if kind.startswith(_WORD) else ""))
    return parts.hostname.lower(), tuple(shape)


class UrlShapes:
    """The shapes of known article URLs; ``matches(url)`` for URLs of another source."""

    def __init__(self) -> None:
        # (host, classes) -> the plain words seen at each place (None: any word)
        self._shapes: dict[tuple[str, tuple[str, ...]], list[set[str] | None]] = {}

    def __len__(self) -> int:
        return len(self._shapes)

    def learn(self, url: str) -> None:
        shape = url_shape(url)
        if shape is None:
            return
        host, segments = shape
        key = (host, tuple(kind for kind, _ in segments))
        words = self._shapes.get(key)
        if words is None:
            words = self._shapes[key] = [set() if kind.startswith(_WORD) else None for kind, _ in segments]
        for place, (_, word) in enumerate(segments):
            seen = words[place]
            if seen is not None and word:
                seen.add(word)
                if len(seen) >= GENERALISE_AFTER:
                    words[place] = None  # section names: any word

    def matches(self, url: str) -> bool:
        """Whether ``url`` has the shape of a learned article URL."""
        shape = url_shape(url)
        if shape is None:
            return False
        host, segments = shape
        words = self._shapes.get((host, tuple(kind for kind, _ in segments)))
        if words is None:
            return False
        return all(seen is None or word in seen for seen, (_, word) in zip(words, segments, strict=True))


__all__ = ["GENERALISE_AFTER", "UrlShapes", "segment_class", "url_shape"]
