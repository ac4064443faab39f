"""What never goes into an archive: credentials in the request records.

A request record holds the request as written to the socket, so whatever the crawl sends
would be published with the WARC or WACZ: ``Proxy-Authorization`` (Scrapy's
``HttpProxyMiddleware`` sends ``Basic base64(user:password)`` to every proxy given as
``http://user:pass@host:port``, in ``http_proxy`` or ``request.meta["proxy"]``), and the
``Authorization`` and ``Cookie`` headers of the crawl's own logins and sessions.

:func:`redact_request` replaces the value of such headers with :data:`MARKER`, keeping
the header name (with its case) and position, so the record still says what was sent and
every WARC/HTTP reader still parses it. Block digests are computed over the redacted
bytes, which are what is stored; the payload (the request body) is untouched.

- ``Proxy-Authorization`` is always redacted (:data:`ALWAYS_REDACTED`): credentials meant
  for a proxy are never archived, whatever the settings say.
- ``NEWSARCHIVE_WARC_REDACT_HEADERS`` (default :data:`DEFAULT_REDACTED`) names the other
  request headers to redact; an empty list keeps them all (but the proxy's).
- Userinfo (``user:password@``) is removed from an absolute-form request target and from
  ``WARC-Target-URI`` (:func:`strip_userinfo`), and from any URL in the warcinfo fields.

Response headers (``Set-Cookie`` included) are what the site served and are kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

MARKER = b"<redacted>"
"""What a redacted header value becomes."""

ALWAYS_REDACTED: tuple[str, ...] = ("Proxy-Authorization",)
"""Request headers redacted whatever ``NEWSARCHIVE_WARC_REDACT_HEADERS`` says."""

DEFAULT_REDACTED: tuple[str, ...] = ("Authorization", "Cookie")
"""Default of ``NEWSARCHIVE_WARC_REDACT_HEADERS``."""

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 field-name
# scheme://user[:password]@ at the start of a URL or anywhere in a text
# (greedy: the last "@" of the authority ends the userinfo, so a raw "@" in a password goes too)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@")
_USERINFO_BYTES = re.compile(rb"(?i)^([a-z][a-z0-9+.-]*://)[^/?#\s]*@")


def header_names(names: Iterable[str] | str | None) -> tuple[str, ...]:
    """The configured header names, checked, without duplicates (first spelling kept).

    Raises :class:`ValueError` (naming the setting) for a name that is not a header name.
    """
    if names is None:
        return ()
    if isinstance(names, str):  # from ``-s``: "Authorization,Cookie" or a JSON list
        text = names.strip()
        if text.startswith("["):
            try:
                names = json.loads(text)
            except ValueError:
                raise ValueError(f"NEWSARCHIVE_WARC_REDACT_HEADERS: not a JSON list: {text!r}") from None
            if not isinstance(names, list):
                raise ValueError(f"NEWSARCHIVE_WARC_REDACT_HEADERS: not a JSON list: {text!r}")
        else:
            names = text.split(",")
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = str(raw).strip()
        if not name:
            continue
        if not _TOKEN.fullmatch(name):
            raise ValueError(f"NEWSARCHIVE_WARC_REDACT_HEADERS: {name!r} is not an HTTP header name")
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return tuple(out)


def policy(configured: Sequence[str]) -> tuple[str, ...]:
    """Every request header redacted: the configured ones and :data:`ALWAYS_REDACTED`,
    sorted case-insensitively (as the warcinfo ``redacted`` field lists them)."""
    names = {name.lower(): name for name in header_names(configured)}
    for name in ALWAYS_REDACTED:
        names[name.lower()] = name  # canonical spelling for the forced ones
    return tuple(sorted(names.values(), key=str.lower))


class RequestRedactor:
    """Applies one redaction policy to serialised requests (cheap: a few lines each)."""

    def __init__(self, configured: Sequence[str] = DEFAULT_REDACTED) -> None:
        self.names = policy(configured)
        self._canonical = {name.lower().encode("ascii"): name for name in self.names}

    def info(self) -> list[tuple[str, str]]:
        """The warcinfo fields declaring what request records do not hold byte for byte."""
        return [
            ("redacted", ", ".join(self.names)),
            ("redaction", f"request header values replaced by {MARKER.decode()}; userinfo removed from URLs"),
        ]

    def redact(self, sent: bytes) -> tuple[bytes, list[str]]:
        """``(request as stored, names of the headers redacted in it)``; see :func:`redact_request`."""
        return redact_request(sent, self._canonical)


def redact_request(sent: bytes, names: dict[bytes, str]) -> tuple[bytes, list[str]]:
    """Redact a serialised HTTP request; ``names`` maps lower-case header names to the
    spelling reported back. Returns the request as stored and the headers redacted (as
    often as each occurred). The body is never touched; a request with nothing to redact
    comes back as the same object.
    """
    end = sent.find(b"\r\n\r\n")
    head_end = end if end >= 0 else len(sent)
    head = sent[:head_end]
    lines = head.split(b"\r\n")
    redacted: list[str] = []
    changed = False
    request_line = _strip_target_userinfo(lines[0])
    if request_line is not lines[0]:
        lines[0] = request_line
        changed = True
    out = [lines[0]]
    dropping = False  # continuation lines of a redacted header go with it
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t"):
            if dropping:
                changed = True
                continue
            out.append(line)
            continue
        dropping = False
        name, sep, _ = line.partition(b":")
        canonical = names.get(name.strip().lower()) if sep else None
        if canonical is None:
            out.append(line)
            continue
        redacted.append(canonical)
        out.append(name + b": " + MARKER)
        dropping = changed = True
    if not changed:
        return sent, redacted
    return b"\r\n".join(out) + sent[head_end:], redacted


def _strip_target_userinfo(request_line: bytes) -> bytes:
    """``GET http://u:p@host/ HTTP/1.1`` -> ``GET http://host/ HTTP/1.1`` (same object if clean)."""
    if b"@" not in request_line:
        return request_line
    method, sp1, rest = request_line.partition(b" ")
    target, sp2, version = rest.partition(b" ")
    clean = _USERINFO_BYTES.sub(rb"\1", target, count=1)
    if clean == target:
        return request_line
    return method + sp1 + clean + sp2 + version


def strip_userinfo(url: str) -> str:
    """``http://user:pass@host/p`` -> ``http://host/p``; anything else unchanged."""
    if "@" not in url:
        return url
    match = _USERINFO.match(url)
    return url if match is None else match.group(1) + url[match.end() :]


def scrub_text(text: str) -> str:
    """Remove the userinfo of every URL in ``text`` (for warcinfo values)."""
    return _USERINFO.sub(r"\1", text) if "@" in text else text
