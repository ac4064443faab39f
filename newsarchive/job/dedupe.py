"""Recognise an article already archived, in this crawl or an earlier one.

Two URLs name the same article when they differ only in ways that do not change the
page: query order, percent-encoding case, a fragment, a default port, host case, or
click-tracking parameters added by newsletters and social networks.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import IO
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from newsarchive.job.fingerprints import FingerprintSet

logger = logging.getLogger(__name__)

#: Query parameters that only track a click. Deliberately short: anything that might
#: select content (``ref``, ``id``, ``page``, ``source``...) is kept.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "ysclid",
        "mc_cid", "mc_eid", "_ga", "_gl", "igshid", "twclid", "ttclid", "li_fat_id",
        "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid",
    }
)
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# The authority ("user@host:port") of a URL, as urlsplit finds it after "scheme://" or "//".
_AUTHORITY = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//([^/?#]*)")
_MAX_AUTHORITY_CHARS = 1_000  # non-ASCII and longer: not a host (DNS names have 253 characters)


def is_tracking_param(name: str) -> bool:
    """Whether a query parameter only tracks a click (``utm_*``, ``fbclid``, ``gclid``...)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


@lru_cache(maxsize=4096)  # a crawl asks about each article URL several times (seen, retries, walks)
def canonical_url(url: str) -> str:
    """The form of ``url`` used to recognise an article seen before.

    :func:`w3lib.url.canonicalize_url` (sorted query, normalised percent-encoding, no
    fragment), minus tracking parameters and default ports, with a lower-case scheme and
    host. The path keeps its case and trailing slash: servers may treat those as different
    pages. Input that is not a URL comes back stripped rather than raising, so one bad
    value cannot stop a crawl (``http://[/``: stripped; a port out of range or written
    in other digits: the rest canonicalised). Work is linear in the URL: a non-ASCII host
    part of more than 1,000 characters is not a host (Python's URL parser and IDNA
    encoder normalise it in quadratic time) and comes back as given, less its fragment.
    """
    url = url.strip()
    if not url:
        return url
    authority = _AUTHORITY.match(url)
    if authority and len(authority.group(1)) > _MAX_AUTHORITY_CHARS and not authority.group(1).isascii():
        return url.split("#", 1)[0]
    try:
        url = canonicalize_url(url, keep_fragments=False)
    except ValueError:  # e.g. a port out of range: keep what can be kept
        url = url.split("#", 1)[0]
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[/": no URL at all
        return url
    query = parts.query
    if query:
        # Filter the raw pairs: decoding and re-encoding would alter non-UTF-8 escapes.
        query = "&".join(p for p in query.split("&") if not is_tracking_param(unquote_plus(p.split("=", 1)[0])))
    netloc = parts.netloc
    scheme = parts.scheme.lower()
    if netloc:
        userinfo, at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.rpartition(":") if hostport.rfind(":") > hostport.rfind("]") else (hostport, "", "")
        # ASCII digits only ("²" is a digit int() refuses), and no more than a port has.
        if colon and port.isascii() and port.isdigit() and len(port) <= 5 and _DEFAULT_PORTS.get(scheme) == int(port):
            hostport = host
        netloc = f"{userinfo}{at}{hostport.lower()}"
    return urlunsplit((scheme, netloc, parts.path, query, ""))


class SeenUrls:
    """A set of canonical URLs, optionally persisted to a text file (one URL a line).

    Every new URL is appended and flushed at once, so a crawl that is killed keeps what it
    had already passed on; the next crawl into the same file loads it at start. The file
    is plain text: it can be inspected, edited or concatenated with another crawl's.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        # digests, not strings: a job's history of a million URLs costs 16 MB, not 150
        self._urls = FingerprintSet()
        self._file: IO[str] | None = None
        self.loaded = 0
        self.torn: str | None = None
        if self.path is not None:
            self._open(self.path)

    def _open(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            # Read line by line: the file is a job's whole history, never held at once.
            last = ""
            with path.open("r", encoding="utf-8", errors="replace", newline="") as f:
                for line in f:
                    if last:
                        self._remember(last)
                    last = line
            # A crawl killed mid-write leaves the last line without its newline: that URL
            # may be cut short, so it is not trusted (the feed catch-up in DedupePipeline
            # remembers it again if its item was exported). The next URL starts a new line.
            if last.endswith(("\n", "\r")):
                self._remember(last)
            elif last:
                self.torn = last
                logger.warning("%s: removing a torn last line %.100r (a crawl killed mid-write?); "
                               "that article is fetched again unless its item was exported", path, self.torn)
                with path.open("r+b") as raw:
                    raw.truncate(path.stat().st_size - len(last.encode("utf-8", "surrogateescape")))
            self.loaded = len(self._urls)
        self._file = path.open("a", encoding="utf-8", newline="\n")

    def _remember(self, line: str) -> None:
        key = canonical_url(line)
        if key:
            self._urls.add(key)

    def __contains__(self, url: object) -> bool:
        if not isinstance(url, str):
            return False
        return canonical_url(url) in self._urls

    def add(self, url: str, *, persist: bool = True) -> bool:
        """Remember ``url``; returns ``False`` when it was already known.

        With ``persist=False`` the URL is known to this process only until
        :meth:`persist` writes it (the pipeline waits until the item is on disk).
        """
        key = canonical_url(url)
        if not key or key in self._urls:
            return False
        self._urls.add(key)
        if persist:
            self._write(key)
        return True

    def persist(self, url: str) -> None:
        """Remember ``url`` and write it to the file now."""
        key = canonical_url(url)
        if key:
            self._urls.add(key)
            self._write(key)

    def _write(self, key: str) -> None:
        if self._file is not None:
            self._file.write(key + "\n")
            self._file.flush()

    def update(self, urls: Iterable[str]) -> None:
        for url in urls:
            self.add(url)

    def __len__(self) -> int:
        return len(self._urls)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> SeenUrls:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        where = str(self.path) if self.path else "memory"
        return f"<SeenUrls {len(self)} urls in {where}>"

