"""Text normalisation for item fields.

Pages hand over text with HTML entities, stray tags, non-breaking and zero-width spaces,
Windows line ends and teaser cut markers ("...", "Read more"). These functions turn it
into plain Unicode text researchers can compare and search: one line for short fields,
paragraphs separated by a blank line for the body.

Pages are written by anyone, so every function here does work linear in its input: no
regex has nested or overlapping quantifiers that could backtrack on hostile text, tags
are recognised without rescanning, and Unicode normalisation is kept linear by the
"stream-safe" rule of UAX #15 (see :func:`unicode_normalize`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from html.entities import name2codepoint

# Invisible characters that only break words apart or glue them: dropped outright
# (a regex: much faster than ``str.translate`` on a whole article body).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
# "\s*(?:/\s*)?" rather than "\s*/?\s*": two adjacent runs of the same class would let
# the engine split a long run of spaces in every possible way.
_TAG_HINT = re.compile(r"<\s*(?:/\s*)?[A-Za-z!]")
_BLOCK_TAG = re.compile(
    r"<\s*(?:/\s*)?(?:p|div|h[1-6]|li|ul|ol|blockquote|section|article|table|tr|pre|figure|figcaption)\b"
    r"[^<>]*>",  # not [^>]*: an unclosed "<p" must not scan to the end of the text
    re.IGNORECASE,
)
_BR_TAG = re.compile(r"<\s*br\s*(?:/\s*)?>", re.IGNORECASE)
# Any tag (the tags of w3lib.html.remove_tags): a tag named like an HTML element, whose
# quoted attribute values may hold ">", or anything else between "<" and ">". A quoted
# value never holds "<" here (w3lib allows it, and then rescans the rest of the text from
# every "<" inside such a value: quadratic on hostile input), so every attempt ends at
# the next "<" at the latest.
_TAG = re.compile(
    r"""
      </?[a-zA-Z][a-zA-Z0-9]*(?![^ <>/])
      [^<>=]*(?:(?:=\s*"[^"<]*"|=\s*'[^'<]*'|=(?!\s*["']))[^<>=]*)*>
    |
      </?[^ <>/]+(?![^ <>/])[^<>]*>
    """,
    re.IGNORECASE | re.VERBOSE | re.ASCII,
)
# Character references as w3lib.html.replace_entities reads them.
_ENTITY = re.compile(r"&((?P<named>[a-z0-9]+)|#(?P<dec>[0-9]+)|#x(?P<hex>[a-f0-9]+))(?P<semicolon>;?)",
                     re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


def clean_text(text: str | None, *, paragraphs: bool = False) -> str | None:
    """Plain, normalised text, or ``None`` when nothing is left.

    Tags that slipped through are removed (block tags become paragraph breaks), entities
    decoded once, Unicode normalised to NFC, invisible characters dropped and every run
    of whitespace collapsed. With ``paragraphs`` blank-line separated paragraphs are kept
    (joined by ``"\\n\\n"``); otherwise the result is a single line.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"clean_text expects str or None, got {type(text).__name__}")
    # (ASCII text, most of it, skips the scans that cannot find anything in it)
    if not text.isascii() or "\r" in text or "\x0b" in text or "\x0c" in text:
        text = _LINE_BREAKS.sub("\n", text)
    if _TAG_HINT.search(text):
        # Tags first, entities second: "&lt;b&gt;" written by the page is text, not a tag.
        text = _BR_TAG.sub("\n", _BLOCK_TAG.sub("\n\n", text))
        text = _TAG.sub("", text)
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if not text.isascii():
        text = _INVISIBLE.sub("", unicode_normalize("NFC", text))
        text = _CONTROL.sub("", text)
    elif not text.replace("\n", "").replace("\t", "").isprintable():  # an ASCII control character
        text = _CONTROL.sub("", text)
    if paragraphs:
        parts = (_collapse_spaces(p) for p in _PARAGRAPH_BREAK.split(text))
        result = "\n\n".join(p for p in parts if p)
    else:
        result = _collapse_spaces(text)
    return result or None


def _entity(match: re.Match[str]) -> str:
    """One character reference, decoded as ``replace_entities(remove_illegal=False)`` does.

    A number too large for any code point is kept as written without converting all its
    digits (``int()`` refuses more than 4300 digits and is quadratic below that).
    """
    number: int | None
    if match["dec"]:
        digits = match["dec"].lstrip("0")
        number = int(digits or "0") if len(digits) <= 7 else None
    elif match["hex"]:
        digits = match["hex"].lstrip("0")
        number = int(digits or "0", 16) if len(digits) <= 6 else None
    else:
        name = match["named"]
        number = name2codepoint.get(name) or name2codepoint.get(name.lower())
    if number is None:
        return match.group(0)
    if number == 0 or 0xD800 <= number <= 0xDFFF:
        return "\ufffd"  # what an HTML parser makes of a null or surrogate reference
    try:
        if 0x80 <= number <= 0x9F:  # what browsers do: the Windows-1252 character
            return bytes((number,)).decode("cp1252")
        return chr(number)
    except (ValueError, OverflowError):
        return match.group(0)


def _collapse_spaces(text: str) -> str:
    """Every run of whitespace as one space, trimmed.

    ``str.split()`` knows the same whitespace as the regex ``\\s`` and is several
    times faster than substituting each single space by itself.
    """
    return " ".join(text.split())


def unique_texts(values: Iterable[str | None]) -> list[str]:
    """Cleaned single-line texts, empties dropped, duplicates (ignoring case) removed in order."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        cleaned = clean_text(value)
        if cleaned is None:
            continue
        key = cleaned.casefold()
        if key not in seen:
            seen.add(key)
            out.append(cleaned)
    return out


# --------------------------------------------------------------------------- Unicode

MAX_NON_STARTERS = 30
"""Longest run of combining marks normalised as it stands (UAX #15, "stream-safe text").

CPython's normalisation is quadratic in the length of a run of combining marks, so a
page of "Zalgo" text (a letter followed by 100,000 accents) would take minutes. As the
Unicode standard recommends, a COMBINING GRAPHEME JOINER (U+034F, invisible) is put after
every 30 marks of a longer run; no real script needs more than a handful in a row.
"""
_CGJ = "\u034f"
# Characters that are not combining (class 0) but decompose into combining marks.
_NON_STARTER_DECOMPOSITIONS = "\u0f73\u0f75\u0f81\uff9e\uff9f"


@functools.lru_cache(maxsize=1)
def _long_mark_run() -> re.Pattern[str]:
    """31 or more characters in a row that may be combining marks (built when first needed).

    The class lists the combining marks of the Basic Multilingual Plane and takes every
    character beyond it as a candidate (a short class keeps the scan fast); the matches
    are checked one character at a time.
    """
    ranges: list[list[int]] = []
    for code in range(0x10000):
        if unicodedata.combining(chr(code)) or chr(code) in _NON_STARTER_DECOMPOSITIONS:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    parts = [re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges]
    return re.compile("[" + "".join(parts) + f"\U00010000-\U0010ffff]{{{MAX_NON_STARTERS + 1},}}")


def _is_non_starter(char: str) -> bool:
    return unicodedata.combining(char) != 0 or char in _NON_STARTER_DECOMPOSITIONS


def _stream_safe_run(match: re.Match[str]) -> str:
    out: list[str] = []
    run = 0
    for char in match.group(0):
        if _is_non_starter(char):
            if run == MAX_NON_STARTERS:
                out.append(_CGJ)
                run = 0
            run += 1
        else:
            run = 0
        out.append(char)
    return "".join(out)


def unicode_normalize(form: str, text: str) -> str:
    """``unicodedata.normalize(form, text)``, in time linear in ``text``.

    Text already in the form is returned as it is (a fast check); otherwise a run of
    more than :data:`MAX_NON_STARTERS` combining marks gets a COMBINING GRAPHEME JOINER
    after every 30 first. Identical to ``unicodedata.normalize`` on any other text.
    """
    if unicodedata.is_normalized(form, text):
        return text
    if not text.isascii():
        text = _long_mark_run().sub(_stream_safe_run, text)
    return unicodedata.normalize(form, text)


# --------------------------------------------------------------------------- teasers

# A cut marker at the very end, possibly several ("text… Read more »"). Labels must look
# like labels (capitalised, or followed by an arrow) so that prose ending in "...you can
# read more" is not mistaken for one.
#
# The markers are matched on the *reversed* teaser, anchored at its start (the teaser's
# end): one left-to-right pass that never revisits a character, where a search for
# "markers, then the end of the text" from every position of the teaser would rescan the
# run of dots or spaces from each of its characters (and, with the dots' own "{3,}"
# inside the repetition, split a long run of dots in exponentially many ways).
# In the forward direction the markers read:
#   ellipsis: "...", "…", "[…]", "[...]", "(…)", "(...)" (spaces allowed inside brackets)
#   label:    "Read more", "READ MORE", "Read full article/story", "Continue reading",
#             "Читать далее/полностью", "Подробнее" (as capitalised here), each optionally
#             followed by arrows (»›→>); any capitalisation of "read more"/"continue
#             reading" when followed by an arrow.
_ARROWS = r"[»›→>]"
_ELLIPSIS_REVERSED = r"\.{3,}|…|\]\s*(?:…|\.{3,})\s*\[|\)\s*(?:…|\.{3,})\s*\("
_LABEL_REVERSED = (
    r"(?:erom|EROM|(?:elcitra|yrots)\s+lluf)\s+(?:daeR|DAER)"
    r"|(?:gnidaer|GNIDAER)\s+(?:eunitnoC|EUNITNOC)"
    r"|(?:еелад|юьтсонлоп|ЕЕЛАД|ЮЬТСОНЛОП)\s+(?:ьтатиЧ|ЬТАТИЧ)"
    r"|еенбордоП|ЕЕНБОРДОП"
)
# No marker starts with a space (the spaces between markers are the "\s*" after each),
# so that a long run of trailing spaces is tried once, not once per way of splitting it.
_MARKERS_REVERSED = re.compile(
    rf"\s*(?:(?:{_ELLIPSIS_REVERSED}|(?:{_ARROWS}+\s*)?(?:{_LABEL_REVERSED})"
    rf"|{_ARROWS}+\s*(?i:erom\s+daer|gnidaer\s+eunitnoc))\s*)+"
)
_DANGLING_REVERSED = re.compile(r"[\s|–—-]*")
_SENTENCE_END_REVERSED = re.compile(r"[\"'”’»)\]]*[.!?。！？]")


def split_truncation(summary: str) -> tuple[str, bool]:
    """Split a teaser into its text and whether it was visibly cut.

    Cut markers at the end ("...", "…", "[…]", "Read more", "Continue reading",
    "Читать далее", "Подробнее", with or without "»") are removed. The teaser counts as
    cut when an ellipsis was among them, or when a read-more label follows text that
    does not end a sentence: a lede shown in full with a "Read more" link is not cut.
    """
    reversed_summary = summary[::-1]
    match = _MARKERS_REVERSED.match(reversed_summary)
    if match is None:
        return summary, False
    markers = summary[len(summary) - match.end():]
    # Dangling separators before the markers go too ("text - Read more").
    end = _DANGLING_REVERSED.match(reversed_summary, match.end()).end()
    text = summary[: len(summary) - end]
    ellipsis = "…" in markers or "..." in markers  # labels and arrows hold neither
    return text, ellipsis or not _SENTENCE_END_REVERSED.match(reversed_summary, end)
