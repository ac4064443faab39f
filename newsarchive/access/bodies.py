"""Bodies as the server meant them: chunking and content-encoding removed, within a size
bound, the way a browser (or Scrapy's HttpCompressionMiddleware) would see them.

Archives keep what crossed the wire: a gzip- or brotli-coded, maybe chunked body. Readers
of an archive want the page. Decoding is bounded: a body that inflates past ``max_size``
raises :class:`BodyTooLarge` instead of filling memory (a decompression bomb).
"""

from __future__ import annotations

import zlib

from newsarchive.warc.reader import dechunk

#: Decoded bodies larger than this raise BodyTooLarge (Scrapy's DOWNLOAD_MAXSIZE default here).
DEFAULT_MAX_SIZE = 32 << 20


class BodyTooLarge(ValueError):
    """The body decodes to more than the size bound."""


def decoded_body(body: bytes, content_encoding: str | None, transfer_encoding: str | None = None,
                 max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """``body`` with its transfer coding (chunked) and content codings removed.

    Codings are undone last applied first (``gzip, br``: brotli, then gzip). A body that
    is not coded as its header says (browser-based archivers store decoded bodies and keep
    the header) is returned as it is. Unknown codings are left in place.
    """
    if (transfer_encoding or "").strip().lower() == "chunked":
        body, _ok = dechunk(body)
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("identity", "none", ""):
            continue
        decoded = _decode(body, coding, max_size)
        if decoded is None:
            break  # not coded after all, or a coding we do not know: as stored
        body = decoded
    if len(body) > max_size:
        raise BodyTooLarge(f"body of {len(body)} bytes is larger than {max_size}")
    return body


def _decode(body: bytes, coding: str, max_size: int) -> bytes | None:
    if coding in ("gzip", "x-gzip"):
        return _inflate(body, 16 + zlib.MAX_WBITS, max_size) if body[:2] == b"\x1f\x8b" else None
    if coding == "deflate":
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # zlib-wrapped, or raw as some servers send
            decoded = _inflate(body, wbits, max_size)
            if decoded is not None:
                return decoded
        return None
    if coding == "br":
        return _unbrotli(body, max_size)
    return None


def _inflate(body: bytes, wbits: int, max_size: int) -> bytes | None:
    decomp = zlib.decompressobj(wbits)
    try:
        out = decomp.decompress(body, max_size + 1)
    except zlib.error:
        return None
    if len(out) > max_size or decomp.unconsumed_tail:
        raise BodyTooLarge(f"body inflates to more than {max_size} bytes")
    return out


def _unbrotli(body: bytes, max_size: int) -> bytes | None:
    try:
        import brotli
    except ImportError:  # pragma: no cover - a runtime dependency
        return None
    decomp = brotli.Decompressor()
    out = bytearray()
    try:
        chunk = decomp.process(body, output_buffer_limit=max_size + 1)
        out += chunk
        while not decomp.is_finished() and len(out) <= max_size:
            chunk = decomp.process(b"", output_buffer_limit=max_size + 1 - len(out))
            if not chunk:
                break
            out += chunk
    except brotli.error:
        return None
    if len(out) > max_size:
        raise BodyTooLarge(f"body inflates to more than {max_size} bytes")
    return bytes(out)


__all__ = ["DEFAULT_MAX_SIZE", "BodyTooLarge", "decoded_body"]
