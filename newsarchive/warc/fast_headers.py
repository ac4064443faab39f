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

from warcio.statusandheaders import StatusAndHeaders

_CRLF_END = b"\n\r\n"
# warcio's constructor re-checks every (name, value) for bytes; these are str already.
# Its attributes are set directly, as long as they are the ones this warcio has.
_FIELDS = ("statusline", "headers", "protocol", "total_len", "headers_buff")
_DIRECT = set(vars(StatusAndHeaders("", [])).keys()) == set(_FIELDS)


def _headers(statusline: str, headers: list[tuple[str, str]], protocol: str, total_len: int) -> StatusAndHeaders:
    if not _DIRECT:
        return StatusAndHeaders(statusline=statusline, headers=headers, protocol=protocol, total_len=total_len)
    made = StatusAndHeaders.__new__(StatusAndHeaders)
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
                 statuslist: list[str], verify: bool) -> tuple[StatusAndHeaders, int] | None:
    """warcio's ``StatusAndHeadersParser.parse`` over ``lines`` (see :func:`header_lines`):
    the headers and how many of the lines it read (a line of blanks ends a header early),
    or None where warcio would raise (it is then left to warcio)."""
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
        return _headers(statusline, [], "", total_read), index
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
    return _headers(status, headers, protocol_status[0], total_read), index
