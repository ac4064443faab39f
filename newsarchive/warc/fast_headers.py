"""WARC and HTTP headers parsed from a buffer in one pass, exactly as warcio parses them.

Profiling ``newsarchive index`` and ``verify`` shows most of their time in warcio's
``StatusAndHeadersParser``: it reads a header one ``readline`` at a time through two or
three Python stream layers. When a whole header (up to the blank line that ends it) is
already in the reader's buffer, :func:`header_lines` cuts it out with one search and
:func:`parse_header` builds the same ``StatusAndHeaders`` warcio would (same names,
values, status line, protocol and ``total_len``; every line decoded as UTF-8 or else
ISO-8859-1, continuation lines joined, lines without a colon dropped). Anything else (the
header goes on past the buffer, a status line warcio would reject) is left to warcio
itself, so the result never differs: ``tests/test_fast_headers.py`` compares both on the
corpus and on random headers.
"""

from __future__ import annotations

import re
from typing import Any

from warcio.statusandheaders import StatusAndHeaders

_CRLF_END = b"\n\r\n"
# warcio's constructor re-checks every (name, value) for bytes; these are str already.
# Its attributes are set directly, as long as they are the ones this warcio has.
_FIELDS = ("statusline", "headers", "protocol", "total_len", "headers_buff")
_DIRECT = set(vars(StatusAndHeaders("", [])).keys()) == set(_FIELDS)


def _headers(statusline: str, headers: list[tuple[str, str]], protocol: str, total_len: int,
             cls: type[StatusAndHeaders] = StatusAndHeaders) -> StatusAndHeaders:
    if not _DIRECT:
        return cls(statusline=statusline, headers=headers, protocol=protocol, total_len=total_len)
    made = cls.__new__(cls)
    made.statusline, made.headers, made.protocol = statusline, headers, protocol
    made.total_len, made.headers_buff = total_len, None
    return made
_LF_END = b"\n\n"


def header_lines(data: bytes, pos: int, first_line: bool, limit: int | None) -> list[bytes] | None:
    """The lines (with their ``\\n``) of the header at ``data[pos:]``, up to and including
    the first blank line (one warcio's ``rstrip`` leaves empty), or None when that line is
    not in ``data`` within ``limit`` bytes. ``first_line``: the header's status line is
    still in ``data`` (True for HTTP headers; a WARC version line was read before)."""
    if data.startswith(b"\r\n", pos) or data.startswith(b"\n", pos):
        end = data.find(b"\n", pos) + 1  # an empty header (or status line)
    else:
        crlf = data.find(_CRLF_END, pos)
        lf = data.find(_LF_END, pos, crlf + 2 if crlf != -1 else len(data))
        if lf != -1:
            end = lf + 2
        elif crlf != -1:
            end = crlf + 3
        else:
            return None
    if limit is not None and end - pos > limit:
        return None
    lines = data[pos:end].split(b"\n")
    lines.pop()  # the empty piece after the last "\n"
    return [line + b"\n" for line in lines]


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("iso-8859-1")


def parse_header(lines: list[bytes], full_statusline: bytes | None,
                 statuslist: list[str], verify: bool,
                 cls: type[StatusAndHeaders] = StatusAndHeaders) -> tuple[StatusAndHeaders, int] | None:
    """warcio's ``StatusAndHeadersParser.parse`` over ``lines`` (see :func:`header_lines`):
    the headers and how many of the lines it read (a line of blanks ends a header early),
    or None where warcio would raise (it is then left to warcio). ``cls``: a subclass of
    ``StatusAndHeaders`` to make instead (the fast reader's, with quicker lookups)."""
    try:
        text = b"".join(lines).decode("utf-8")
        decoded = text.split("\n")
        decoded.pop()
        decoded = [line + "\n" for line in decoded]
    except UnicodeDecodeError:
        decoded = [_decode(line) for line in lines]
    index = 0
    if full_statusline is None:
        full = decoded[0]
        index = 1
    else:
        full = _decode(full_statusline)
    statusline = full.rstrip()
    total_read = len(full)
    if not statusline:
        return _headers(statusline, [], "", total_read, cls), index
    if verify:
        upper = statusline.upper()
        for prefix in statuslist:
            if upper.startswith(prefix):
                protocol_status: list[str] | tuple[str, str] = (upper[:len(prefix)], statusline[len(prefix):])
                break
        else:
            return None  # warcio raises (and its caller may try ARC): let it
    else:
        protocol_status = statusline.split(" ", 1)
    headers = []
    count = len(decoded)
    raw = decoded[index]
    index += 1
    total_read += len(raw)
    line = raw.rstrip()
    while line:
        name, colon, value = line.partition(":")
        if colon:
            name = name.rstrip(" \t")
            value = value.lstrip()
        if index >= count:
            return None  # cannot happen: the last line is blank
        raw = decoded[index]
        index += 1
        total_read += len(raw)
        next_line = raw.rstrip()
        while next_line and next_line[0] in " \t":
            if colon:
                value += next_line
            if index >= count:
                return None
            raw = decoded[index]
            index += 1
            total_read += len(raw)
            next_line = raw.rstrip()
        if colon:
            headers.append((name, value))
        line = next_line
    status = protocol_status[1].strip() if len(protocol_status) > 1 else ""
    return _headers(status, headers, protocol_status[0], total_read, cls), index


def _crlf_header_text(data: bytes, pos: int, limit: int | None, encoding: str) -> tuple[str, int] | None:
    """The header at ``pos`` up to its blank line, decoded, and the offset of that blank
    line, when it is the usual kind: not empty, CRLF line ends only, within ``limit``
    bytes; None otherwise."""
    if data.startswith(b"\r\n", pos) or data.startswith(b"\n", pos):
        return None
    end = data.find(b"\r\n\r\n", pos)
    if end == -1 or (limit is not None and end + 4 - pos > limit):
        return None
    raw = data[pos:end]
    if raw.count(b"\n") != raw.count(b"\r\n"):
        return None  # a bare LF: header_lines cuts lines there
    try:
        return raw.decode(encoding), end
    except UnicodeDecodeError:
        return None


def _split_statusline(statusline: str, statuslist: list[str], verify: bool) -> tuple[str, str] | None:
    """``(protocol, status)`` as warcio splits them; None when ``verify`` and no known
    protocol starts the line."""
    if verify:
        upper = statusline.upper()
        for prefix in statuslist:
            if upper.startswith(prefix):
                return upper[:len(prefix)], statusline[len(prefix):].strip()
        return None
    parts = statusline.split(" ", 1)
    return parts[0], parts[1].strip() if len(parts) > 1 else ""


def parse_crlf_header(data: bytes, pos: int, limit: int | None, full_statusline: bytes | None,
                      statuslist: list[str], verify: bool,
                      cls: type[StatusAndHeaders] = StatusAndHeaders) -> tuple[StatusAndHeaders, int] | None:
    """:func:`header_lines` and :func:`parse_header` in one step for the usual header:
    UTF-8, CRLF line ends only, a status line, then ``Name: value`` lines (no continuation
    lines) up to a blank line, all within ``limit`` bytes of ``pos``. Returns the headers
    and the offset just after the blank line, or None for any other header (then the two
    general functions give warcio's answer)."""
    found = _crlf_header_text(data, pos, limit, "utf-8")
    if found is None:
        return None
    text, end = found
    lines = text.split("\r\n")
    total = len(text) + 4
    if full_statusline is None:
        statusline = lines[0].rstrip()
        del lines[0]
    else:
        full = _decode(full_statusline)
        statusline = full.rstrip()
        total += len(full)
    if not statusline:
        return None
    split = _split_statusline(statusline, statuslist, verify)
    if split is None:
        return None
    protocol, status = split
    headers = []
    for line in lines:
        stripped = line.rstrip()
        name, colon, value = stripped.partition(":")
        if not colon or line[0] in " \t":
            return None  # no field (warcio drops it), a continuation line, a blank-looking line
        headers.append((name.rstrip(" \t"), value.lstrip()))
    return _headers(status, headers, protocol, total, cls), end + 4


_LOWER: dict[str, str] = {}  # names looked up -> lower case
# "Name:" at the start of a line (a name as parse_header reads it: the text checked has no
# blanks before a colon), and the rest of the line
_FIELD = re.compile(r"\n([^:\r\n]*):([^\n]*)")


class LazyHeaders(StatusAndHeaders):
    """The headers of an ASCII header kept as its text: ``get_header`` is a lookup in a
    dict made on first use by one regular expression, instead of a scan of a list built
    line by line; the list (``headers``) is built the way
    :func:`parse_header` builds it when anything asks for it, and used from then on."""

    _list: list[tuple[str, str]] | None = None
    _fields: dict[str, str] | None = None

    def fields(self) -> dict[str, str]:
        """Lower-case name -> value (stripped, as ``get_header`` gives it) of the first
        line of each field (lines without a colon are no field: left out)."""
        found = self._fields
        if found is None:
            found = {}
            for name, value in reversed(_FIELD.findall(self._text)):
                found[name.lower()] = value.strip()  # filled from the last: the first one wins
            self._fields = found
        return found

    def get_header(self, name: str, default_value: Any = None) -> Any:
        if self._list is not None:
            return StatusAndHeaders.get_header(self, name, default_value)
        lower = _LOWER.get(name)
        if lower is None:
            lower = name.lower()
            if len(_LOWER) < 256:
                _LOWER[name] = lower
        return (self._fields or self.fields()).get(lower, default_value)

    @property  # type: ignore[override]
    def headers(self) -> list[tuple[str, str]]:
        if self._list is None:
            made = []
            for line in self._text[2:].split("\r\n") if len(self._text) > 2 else ():
                name, colon, value = line.rstrip().partition(":")
                if colon:
                    made.append((name.rstrip(" \t"), value.lstrip()))
            self._list = made
        return self._list

    @headers.setter
    def headers(self, value: list[tuple[str, str]]) -> None:
        self._list = value


# a line that starts with whitespace: a continuation line, or one that ends the header early
_BAD_LINE_START = re.compile(r"\n[\t\x0b\x0c\r\x1c-\x1f ]")


def parse_lazy_header(data: bytes, pos: int, limit: int | None, full_statusline: bytes | None,
                      statuslist: list[str], verify: bool) -> tuple[StatusAndHeaders, int] | None:
    """:func:`parse_crlf_header` for an ASCII header whose field names have no blanks
    before their colon and no line starts with a blank: :class:`LazyHeaders`, and the
    offset after the blank line; None for any other header."""
    found = _crlf_header_text(data, pos, limit, "ascii")
    if found is None:
        return None
    text, end = found
    total = len(text) + 4
    if full_statusline is None:
        cut = text.find("\r\n")
        statusline = (text[:cut] if cut >= 0 else text).rstrip()
        fields = text[cut:] if cut >= 0 else ""
    else:
        full = _decode(full_statusline)
        statusline = full.rstrip()
        total += len(full)
        fields = "\r\n" + text
    if not statusline or " :" in fields or "\t:" in fields or _BAD_LINE_START.search(fields):
        return None
    split = _split_statusline(statusline, statuslist, verify)
    if split is None:
        return None
    protocol, status = split
    made = LazyHeaders.__new__(LazyHeaders)
    made.statusline, made.protocol, made.total_len, made.headers_buff = status, protocol, total, None
    made._text = fields
    return made, end + 4
