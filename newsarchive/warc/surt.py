"""SURT keys for CDXJ indexes, the same as pywb and cdxj-indexer write them.

Why our own: the ``surt`` package computes these keys but is AGPL-3.0, and newsarchive
(Apache-2.0) may not depend on copyleft code at runtime. This is an independent
implementation of what ``surt.surt(url)`` outputs with its default canonicalizer (the
Google rules, then the Internet Archive rules, as in the Wayback Machine's
``WaybackURLKeyMaker``), written from that behaviour, not from its code, and checked
against the package in ``tests/test_surt.py``. In short:

* the scheme, ``www.``/``wwwN.``, userinfo, fragment, default port (80 for http, 443
  for https) and trailing path slash go; ``http://http://x`` counts once;
* the host is unescaped, IDNA-encoded, lowercased, its dots collapsed and trimmed, all
  digit or dotted numeric forms turned into a dotted quad (``inet_aton`` rules), and its
  labels reversed with commas, closed by ``)``;
* path and query are unescaped repeatedly then escaped once (``%XX`` for bytes outside
  printable ASCII, ``#`` and ``%``), lowercased; ``.``/``..``/empty path segments
  resolved; query arguments sorted; session ids (jsessionid, phpsessid, sid,
  ASPSESSIONID, cfid/cftoken, ASP.NET ``(S(...))`` path ids) removed.

Work is linear in the URL's length (plain bytes operations, no backtracking regex).
One deliberate difference: ``surt`` asks the system resolver about dotted numeric hosts
that are not valid IPv4 (``999.1.1.1``) and would key them by the answer; we never touch
the network and keep the host as written (what ``surt`` gives when the lookup fails).
"""

from __future__ import annotations

import bisect
from urllib.parse import SplitResultBytes, quote_from_bytes, unquote_to_bytes

__all__ = ["surt"]

_ALPHA = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = b"0123456789"
_SCHEME_CHARS = _ALPHA + _DIGITS + b"+-."
_HEX = frozenset(b"0123456789abcdefABCDEF")
_OCTAL = b"01234567"
# bytes kept as they are by the escaping step, besides letters, digits and "_.-~"
_SAFE = b"!\"$&'()*+,-./:;<=>?@[\\]^_`{|}~"
_DEFAULT_PORTS = {b"http": 80, b"https": 443}


def surt(url: str | None) -> str:
    """The SURT key of ``url`` (``-`` for an empty one), as ``surt.surt(url)`` gives it.

    Raises ``ValueError`` (or ``UnicodeError``) where ``surt`` raises too, e.g. a
    non-numeric port: callers fall back to the URL itself, as cdxj-indexer does.
    """
    if not url:
        return "-"
    data = url.encode("utf-8")
    if data.startswith(b"filedesc"):  # ARC file headers keep their name
        return url
    return _surt_bytes(data).decode("utf-8")


def _surt_bytes(data: bytes) -> bytes:
    scheme, host, port, path, query = _parse(data)

    # Google rules: escaping, host forms, path segments
    if query:
        query = _escape(_unescape(query))
    if host:
        host = _unescape(host)
        if not host.isascii():
            try:
                host = host.decode("utf-8", "ignore").encode("idna")
            except ValueError:  # not a valid IDN: keep the bytes (escaped below)
                pass
        host = host.replace(b"..", b".").strip(b".")
        host = _ipv4(host) or _escape(host.lower())
    if path is not None:
        path = _unescape(path)
    if host:
        path = _normalize_path(path)
    if path:
        path = _escape(path)

    # Internet Archive rules: lowercase, www, default port, session ids, query order
    if host:
        host = host.lower()
        if scheme != b"dns":
            host = _strip_www(host)
    if port is not None and port == _DEFAULT_PORTS.get(scheme.lower(), 0):
        port = None
    if path:
        path = _strip_path_session_id(path.lower())
        if len(path) > 1 and path.endswith(b"/"):
            path = path[:-1]
    if query:
        query = _sort_query(_strip_query_session_ids(query).lower()) or None

    if host:
        key = b",".join(reversed(host.split(b".")))
        if port is not None:
            key += b":%d" % port
        key += b")"
    else:
        key = scheme + b":"
    if path:
        key += path
    elif query is not None:
        key += b"/"
    if query is not None:
        key += b"?" + query
    return key


def _parse(data: bytes) -> tuple[bytes, bytes | None, int | None, bytes | None, bytes | None]:
    """Scheme, host, port, path and query of a URL, the way the Wayback key maker reads
    it: surrounding whitespace and any tab/CR/LF removed, ``http://`` assumed, userinfo
    and fragment dropped, and ``http:////host/path`` or ``http:host`` read as a host."""
    data = data.strip().replace(b"\t", b"").replace(b"\r", b"").replace(b"\n", b"")
    if not data:
        raise ValueError("empty URL")
    colon = _scheme_end(data)
    if colon < 0:
        data = b"http://" + data
        colon = 4
    if data.startswith((b"http://", b"https://")):  # http://https://x counts once
        start = pos = 0
        while True:
            step = 7 if data.startswith(b"http://", pos) else 8 if data.startswith(b"https://", pos) else 0
            if not step:
                break
            start, pos = pos, pos + step
        data = data[start:]
        colon = data.index(b":")
    scheme, rest = data[:colon], data[colon + 1 :]

    netloc = b""
    if rest.startswith(b"//"):
        end = _first_of(rest, b"/?#", 2)
        netloc, rest = rest[2:end], rest[end:]
    end = _first_of(rest, b"?#", 0)
    path, rest = rest[:end], rest[end:]
    query = b""
    if rest.startswith(b"?"):
        query = rest[1 : _first_of(rest, b"#", 1)]

    # hostname and port as urllib reads them (brackets, zone ids, port errors)
    split = SplitResultBytes(scheme, netloc.rstrip(b":"), path, query, b"")
    port = split.port or None
    host = split.hostname or None
    if host is None and path and scheme.startswith(b"http"):
        host, _, tail = path.lstrip(b"/").partition(b"/")
        path = b"/" + tail
    return scheme, host, port, path or None, query or None


def _scheme_end(data: bytes) -> int:
    """Index of the colon ending a leading ``scheme:``, or -1 when there is none."""
    colon = data.find(b":")
    if colon < 1 or data[0] not in _ALPHA or data[1:colon].translate(None, _SCHEME_CHARS):
        return -1
    return colon


def _first_of(data: bytes, chars: bytes, start: int) -> int:
    """Index of the first of ``chars`` in ``data`` from ``start``, or ``len(data)``."""
    end = len(data)
    for char in chars:
        found = data.find(bytes((char,)), start, end)
        if found >= 0:
            end = found
    return end


def _unescape(data: bytes) -> bytes:
    """``data`` with ``%XX`` decoded until none is left (``%2541`` is ``A``)."""
    for _ in range(4):  # the usual case: one or two passes
        if b"%" not in data:
            return data
        decoded = unquote_to_bytes(data)
        if decoded == data:
            return data
        data = decoded
    # Many nested escapes: one left-to-right pass instead of a pass per level. Decoding
    # only ever completes an escape ending at the output's end, so this reaches the
    # same result as decoding again and again, in linear time.
    out = bytearray()
    for byte in data:
        out.append(byte)
        while len(out) >= 3 and out[-3] == 0x25 and out[-2] in _HEX and out[-1] in _HEX:
            value = int(out[-2:], 16)
            del out[-3:]
            out.append(value)
    return bytes(out)


def _escape(data: bytes) -> bytes:
    """Percent-escape bytes outside printable ASCII, and ``#``, ``%`` and space."""
    return quote_from_bytes(data, safe=_SAFE).encode("ascii") if data else data


def _normalize_path(path: bytes | None) -> bytes:
    """Resolve ``.``, ``..`` and empty segments; keep a trailing slash."""
    if not path:
        return b"/"
    if path.startswith(b"/") and b"/." not in path and b"//" not in path:
        return path
    kept: list[bytes] = []
    for segment in path.split(b"/")[1:]:
        if segment == b".":
            continue
        if segment == b".." and kept:
            kept.pop()
        else:
            kept.append(segment)
    if not kept:
        return b"/"
    return b"/" + b"".join(segment + b"/" for segment in kept[:-1] if segment) + kept[-1]


def _ipv4(host: bytes) -> bytes | None:
    """The dotted quad for a numeric host (``3232235777``, ``0300.0250.1.1``, ``10.1``)
    as the C library's ``inet_aton`` reads it, else None."""
    if host.isdigit():
        return _dotted(int(host) & 0xFFFFFFFF)
    parts = host.split(b".")
    if not 2 <= len(parts) <= 4 or not all(part.isdigit() for part in parts):
        return None
    if host.startswith(b"0") and any(part.translate(None, _OCTAL) for part in parts):
        return None  # starts like octal but is not: not read as an address
    values: list[int] = []
    for part in parts:
        if len(part) > 1 and part.startswith(b"0"):
            if part.translate(None, _OCTAL):
                return None  # 8 or 9 in an octal part
            value = int(part, 8)
        elif len(part) > 10:
            return None  # past 32 bits (and past what int() reads quickly)
        else:
            value = int(part)
        if value > 0xFFFFFFFF:
            return None
        values.append(value)
    *leading, last = values
    if any(value > 0xFF for value in leading) or last >= 1 << (8 * (4 - len(leading))):
        return None
    address = last
    for shift, value in enumerate(leading):
        address |= value << (24 - 8 * shift)
    return _dotted(address)


def _dotted(address: int) -> bytes:
    return b"%d.%d.%d.%d" % (address >> 24, (address >> 16) & 0xFF, (address >> 8) & 0xFF, address & 0xFF)


def _strip_www(host: bytes) -> bytes:
    """``www.``, ``www1.``, ``www42.`` ... at the start of the host go."""
    if not host.startswith(b"www"):
        return host
    end = 3
    while end < len(host) and host[end] in _DIGITS:
        end += 1
    return host[end + 1 :] if host[end : end + 1] == b"." else host


def _strip_path_session_id(path: bytes) -> bytes:
    """Drop an ASP.NET session id segment, ``/(S(24 chars))/`` or ``/(24 chars)/``,
    before a ``.aspx`` page (the last such segment that is followed by one)."""
    if b".aspx" not in path.lower():
        return path
    for parse in (_cookieless_ids, _cookieless_id):
        low = path.lower()
        start = low.rfind(b"/(")
        while start >= 0:
            end = parse(low, start + 1)
            if end > 0 and _aspx_follows(low, end):
                path = path[: start + 1] + path[end:]
                break
            start = low.rfind(b"/(", 0, start)
    return path


def _cookieless_ids(low: bytes, at: int) -> int:
    """End of ``(X(24 alnum))...)/`` (one or more) at ``at``, or -1."""
    pos = at + 1
    while (pos + 27 <= len(low) and low[pos : pos + 1].isalpha() and low[pos + 1] == 0x28
           and low[pos + 2 : pos + 26].isalnum() and low[pos + 26] == 0x29):
        pos += 27
    return pos + 2 if pos > at + 1 and low[pos : pos + 2] == b")/" else -1


def _cookieless_id(low: bytes, at: int) -> int:
    """End of ``(24 alnum)/`` at ``at``, or -1."""
    if low[at + 1 : at + 25].isalnum() and len(low) >= at + 27 and low[at + 25 : at + 27] == b")/":
        return at + 27
    return -1


def _aspx_follows(low: bytes, end: int) -> bool:
    """Whether ``.aspx`` comes after at least one byte at ``end``, with no ``?`` before."""
    found = low.find(b".aspx", end + 1)
    return found >= 0 and low.find(b"?", end, found) < 0


# (name, length of the fixed-width value, characters it is made of)
_QUERY_SESSION_IDS = (
    (b"jsessionid=", 32, b"alnum"),
    (b"phpsessid=", 32, b"alnum"),
    (b"sid=", 32, b"alnum"),
    (b"aspsessionid", 33, b"asp"),  # 8 letters, "=", 24 letters
)


def _strip_query_session_ids(query: bytes) -> bytes:
    """Drop session ids from a query, each kind once (its last occurrence), with the
    ``&`` after it; names are matched in any case."""
    for name, width, kind in _QUERY_SESSION_IDS:
        low = query.lower()
        start = low.rfind(name)
        while start >= 0:
            value = query[start + len(name) : start + len(name) + width]
            end = start + len(name) + width
            if len(value) == width and _is_session_value(value, kind) and low[end : end + 1] in (b"", b"&"):
                query = query[:start] + query[end + 1 :]
                break
            start = low.rfind(name, 0, start)
    return _strip_cfid(query)


def _is_session_value(value: bytes, kind: bytes) -> bool:
    if kind == b"alnum":
        return value.isalnum()
    return value[:8].isalpha() and value[8:9] == b"=" and value[9:].isalpha()


def _strip_cfid(query: bytes) -> bytes:
    """Drop ``cfid=...&cftoken=...`` (ColdFusion session), the last one, and its ``&``."""
    low = query.lower()
    if b"&cftoken=" not in low:
        return query
    amps: list[int] = []
    at = low.find(b"&")
    while at >= 0:
        amps.append(at)
        at = low.find(b"&", at + 1)
    start = low.rfind(b"cfid=")
    while start >= 0:
        i = bisect.bisect_left(amps, start + 5)
        if i < len(amps) and amps[i] > start + 5 and low.startswith(b"&cftoken=", amps[i]):
            token = amps[i] + 9
            end = amps[i + 1] if i + 1 < len(amps) else len(low)
            if end > token:
                return query[:start] + query[end + 1 :]
        start = low.rfind(b"cfid=", 0, start)
    return query


def _sort_query(query: bytes) -> bytes:
    """Arguments in byte order of (name, value); ``a`` sorts before ``a=``."""
    if b"&" not in query:
        return query
    return b"&".join(sorted(query.split(b"&"), key=lambda arg: arg.split(b"=", 1)))
