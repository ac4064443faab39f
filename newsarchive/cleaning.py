"""Text normalisation for item fields.

Pages hand over text with HTML entities, stray tags, non-breaking and zero-width spaces,
Windows line ends and teaser cut markers ("...", "Read more"). These functions turn it
into plain Unicode text researchers can compare and search: one line for short fields,
paragraphs separated by a blank line for the body.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from w3lib.html import remove_tags, replace_entities

# Invisible characters that only break words apart or glue them: dropped outright
# (a regex: much faster than ``str.translate`` on a whole article body).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_TAG_HINT = re.compile(r"<\s*/?\s*[A-Za-z!]")
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|h[1-6]|li|ul|ol|blockquote|section|article|table|tr|pre|figure|figcaption)\b[^>]*>",
    re.IGNORECASE,
)
_BR_TAG = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
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
    text = _LINE_BREAKS.sub("\n", text)
    if _TAG_HINT.search(text):
        # Tags first, entities second: "&lt;b&gt;" written by the page is text, not a tag.
        text = _BR_TAG.sub("\n", _BLOCK_TAG.sub("\n\n", text))
        text = remove_tags(text)
    if "&" in text:
        text = replace_entities(text, remove_illegal=False)
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = _CONTROL.sub("", text)
    if paragraphs:
        parts = (_collapse_spaces(p) for p in _PARAGRAPH_BREAK.split(text))
        result = "\n\n".join(p for p in parts if p)
    else:
        result = _collapse_spaces(text)
    return result or None


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


# A cut marker at the very end, possibly several ("text… Read more »"). Labels must look
# like labels (capitalised, or followed by an arrow) so that prose ending in "...you can
# read more" is not mistaken for one.
_ARROWS = r"[»›→>]"
_LABEL = (
    r"(?:(?:Read|READ)\s+(?:more|MORE|full\s+(?:article|story))|(?:Continue|CONTINUE)\s+(?:reading|READING)"
    r"|(?:Читать|ЧИТАТЬ)\s+(?:далее|полностью|ДАЛЕЕ|ПОЛНОСТЬЮ)|Подробнее|ПОДРОБНЕЕ"
    rf"|(?i:read\s+more|continue\s+reading)(?=\s*{_ARROWS}))"
)
_ELLIPSIS = r"(?:\.{3,}|…|\[\s*(?:…|\.{3,})\s*\]|\(\s*(?:…|\.{3,})\s*\))"
_TRUNCATION = re.compile(rf"(?:\s*(?:(?P<ellipsis>{_ELLIPSIS})|{_LABEL}\s*{_ARROWS}*))+\s*$")
_DANGLING = re.compile(r"[\s|–—-]+$")
_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’»)\]]*$")


def split_truncation(summary: str) -> tuple[str, bool]:
    """Split a teaser into its text and whether it was visibly cut.

    Cut markers at the end ("...", "…", "[…]", "Read more", "Continue reading",
    "Читать далее", "Подробнее", with or without "»") are removed. The teaser counts as
    cut when an ellipsis was among them, or when a read-more label follows text that
    does not end a sentence: a lede shown in full with a "Read more" link is not cut.
    """
    match = _TRUNCATION.search(summary)
    if match is None:
        return summary, False
    text = _DANGLING.sub("", summary[: match.start()])
    ellipsis = any(m.group("ellipsis") for m in _MARKER.finditer(match.group()))
    return text, ellipsis or not _SENTENCE_END.search(text)


_MARKER = re.compile(rf"(?P<ellipsis>{_ELLIPSIS})|{_LABEL}")
