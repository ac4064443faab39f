"""Pages whose declared charset is wrong, or missing: decode them as what they are.

Two cases seen on real sites:

- a page declares one charset and is another (``charset=utf-8``, bytes in
  windows-1251): decoded as declared, its text is mostly U+FFFD. When decoding as
  declared produces replacement characters, the charset is detected instead
  (charset-normalizer, what Scrapy itself uses) and kept only if it decodes better;
- a page declares none and is not UTF-8: Scrapy asks charset-normalizer, which often
  takes windows-1252 text for windows-1257. Browsers fall back to the legacy encoding of
  the page's language instead (the WHATWG encoding standard); so do we, from
  ``<html lang>`` / ``Content-Language``, when the body decodes cleanly in it.

Each repair is logged with the declared and the used charset and counted
(``newsarchive/charset/repaired/<how>``); the response's ``meta["newsarchive_charset"]``
says ``{"declared": ..., "used": ...}``. The archive keeps the bytes as served.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request, Response
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

logger = logging.getLogger(__name__)

META_KEY = "newsarchive_charset"
MIN_REPLACEMENTS = 4  # a stray bad byte or two is not worth a guess
SNIFF_BYTES = 4096  # where <html lang=...> is looked for

#: Legacy fallback encodings by language, after the WHATWG encoding standard's table.
LEGACY_BY_LANGUAGE: dict[str, str] = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tg", "mn", "tt", "ba"), "cp1251"),
    **dict.fromkeys(("pl", "cs", "sk", "hu", "hr", "sl", "ro", "bs", "sq"), "cp1250"),
    "el": "cp1253", "tr": "cp1254", "az": "cp1254", "he": "cp1255", "yi": "cp1255",
    **dict.fromkeys(("ar", "fa", "ur", "ps"), "cp1256"),
    **dict.fromkeys(("lt", "lv", "et"), "cp1257"),
    "vi": "cp1258", "th": "cp874", "ja": "shift_jis", "ko": "euc-kr", "zh": "gb18030",
}
DEFAULT_LEGACY = "cp1252"
_LANG = re.compile(rb"<html\b[^>]{0,500}?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def legacy_encoding(language: str | None) -> str:
    """The encoding a browser assumes for an undeclared page in ``language``."""
    if not language:
        return DEFAULT_LEGACY
    code = language.strip().lower().replace("_", "-")
    if code.startswith(("zh-tw", "zh-hk", "zh-hant")):
        return "big5"
    return LEGACY_BY_LANGUAGE.get(code.split("-")[0], DEFAULT_LEGACY)


def page_language(response: Response) -> str | None:
    match = _LANG.search(response.body[:SNIFF_BYTES])
    if match:
        return match.group(1).decode("ascii").lower()
    header = response.headers.get(b"Content-Language")
    return header.decode("latin-1").split(",")[0].strip() if header else None


def declared_encoding(response: Response) -> str | None:
    """The charset the response states (BOM, ``Content-Type``, ``<meta>``), or ``None``."""
    bom, _ = read_bom(response.body)
    if bom:
        return bom
    content_type = response.headers.get(b"Content-Type")
    declared = http_content_type_encoding(content_type.decode("latin-1")) if content_type else None
    declared = declared or html_body_declared_encoding(response.body)
    return resolve_encoding(declared) if declared else None


def _clean(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def repaired_encoding(response: HtmlResponse) -> tuple[str, str] | None:
    """``(encoding, how)`` to decode ``response`` with instead of its own, or ``None``."""
    body = response.body
    declared = declared_encoding(response)
    if declared is None:
        if _clean(body, "ascii") or _clean(body, "utf-8"):
            return None
        legacy = legacy_encoding(page_language(response))
        if legacy != response.encoding and _clean(body, legacy):
            return legacy, "undeclared"
        return None
    bad = response.text.count("\ufffd")
    if bad < MIN_REPLACEMENTS:
        return None
    from charset_normalizer import from_bytes

    match = from_bytes(body).best()
    candidates = [match.encoding] if match else []
    candidates.append(legacy_encoding(page_language(response)))
    for encoding in candidates:
        if encoding and encoding != response.encoding:
            if body.decode(encoding, errors="replace").count("\ufffd") < bad:
                return encoding, "misdeclared"
    return None


class CharsetRepairMiddleware:
    """Downloader middleware; runs on decoded bodies (after HttpCompressionMiddleware)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CharsetRepairMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if not isinstance(response, HtmlResponse) or not response.body:
            return response
        try:
            found = repaired_encoding(response)
        except Exception:  # a detector failure must not cost the page
            logger.debug("charset check failed for %s", response.url, exc_info=True)
            return response
        if found is None:
            return response
        encoding, how = found
        declared = declared_encoding(response)
        self.stats.inc_value(f"newsarchive/charset/repaired/{how}")
        logger.info("%s: charset %s, decoded as %s", response.url, declared or "not declared", encoding)
        request.meta[META_KEY] = {"declared": declared, "used": encoding}
        return response.replace(encoding=encoding)
