"""The language of an article's text, offline: detection where a page declares none, and
a check of what it declares.

Uses py3langid (BSD-3-Clause; a naive Bayes model of about 140 languages shipped inside
the package, 4.5 MB installed, loaded once per process in about a second; no download at
run time). It was chosen over langdetect (Apache-2.0), which is pure Python and about ten
times slower per page, and random unless seeded. Work per page is bounded: only the first
:data:`MAX_DETECT_CHARS` characters of the body are read (about 1 ms).
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

MAX_DETECT_CHARS = 1_500
"""Characters of body text read for detection (the first ones: the lede and what follows)."""
MIN_DETECT_CHARS = 120
"""Below this much text no language is detected (a caption, a teaser: too little to tell)."""
MIN_CONFIDENCE = 0.9
"""Probability the detected language needs to be reported at all."""
MAX_DECLARED_PROBABILITY = 0.01
"""The declared language is overruled only when the text gives it less than this."""

# Codes pages declare that name the same language as the identifier's code.
_SAME = {"nb": "no", "iw": "he", "in": "id", "ji": "yi", "fil": "tl", "zh-hans": "zh", "zh-hant": "zh"}

_lock = threading.Lock()
_identifier: Any = None
_unavailable = False


def _get_identifier() -> Any:
    """The py3langid identifier (normalised probabilities), or ``None`` when it is not installed."""
    global _identifier, _unavailable
    if _identifier is None and not _unavailable:
        with _lock:
            if _identifier is None and not _unavailable:
                try:
                    from py3langid.langid import MODEL_FILE, LanguageIdentifier
                except ImportError:  # an optional dependency: detection is then off
                    _unavailable = True
                    logger.info("py3langid is not installed: languages are not detected from the text")
                    return None
                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def sample(paragraphs: Iterable[str], limit: int = MAX_DETECT_CHARS) -> str:
    """The first ``limit`` characters of the paragraphs, joined by newlines."""
    pieces: list[str] = []
    size = 0
    for text in paragraphs:
        pieces.append(text[: limit - size])
        size += len(pieces[-1]) + 1
        if size >= limit:
            break
    return "\n".join(pieces)


def normalise(code: str | None) -> str | None:
    """A language tag's primary subtag, lower-cased (``"en-GB"`` -> ``"en"``, ``"nb"`` -> ``"no"``)."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    code = _SAME.get(code, code).split("-")[0]
    return _SAME.get(code, code) or None


def detect(text: str) -> tuple[str | None, dict[str, float]]:
    """The language of ``text`` (``None`` when too short or unsure) and the probabilities
    of every language, from its first :data:`MAX_DETECT_CHARS` characters."""
    text = text[:MAX_DETECT_CHARS]
    if len(text.strip()) < MIN_DETECT_CHARS:
        return None, {}
    identifier = _get_identifier()
    if identifier is None:
        return None, {}
    probabilities = dict(identifier.rank(text))
    best = max(probabilities, key=probabilities.__getitem__)
    return (best if probabilities[best] >= MIN_CONFIDENCE else None), probabilities


#: The scripts languages that are not written in Latin letters use (the others: LATIN).
_SCRIPTS: dict[str, frozenset[str]] = {
    **{code: frozenset({"CYRILLIC"}) for code in ("ru", "uk", "be", "bg", "mk", "mn", "tg", "ky", "tt", "ba", "cv")},
    **{code: frozenset({"CYRILLIC", "LATIN"}) for code in ("sr", "uz", "kk", "bs")},
    **{code: frozenset({"ARABIC"}) for code in ("ar", "fa", "ur", "ps", "ug", "sd")},
    "ku": frozenset({"ARABIC", "LATIN"}),
    "zh": frozenset({"CJK"}), "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}), "ko": frozenset({"HANGUL", "CJK"}),
    "el": frozenset({"GREEK"}), "he": frozenset({"HEBREW"}), "yi": frozenset({"HEBREW"}),
    **{code: frozenset({"DEVANAGARI"}) for code in ("hi", "mr", "ne", "sa")},
    "th": frozenset({"THAI"}), "ka": frozenset({"GEORGIAN"}), "hy": frozenset({"ARMENIAN"}),
    "bn": frozenset({"BENGALI"}), "ta": frozenset({"TAMIL"}), "te": frozenset({"TELUGU"}),
    "am": frozenset({"ETHIOPIC"}), "km": frozenset({"KHMER"}), "my": frozenset({"MYANMAR"}),
}
_LATIN = frozenset({"LATIN"})


def main_script(text: str) -> str | None:
    """The script most letters of ``text`` are in (``LATIN``, ``CYRILLIC``, ``CJK``...)."""
    if text.isascii():  # most pages' sample: its letters, if any, are Latin
        return "LATIN" if text.lower() != text.upper() else None
    counts: dict[str, int] = {}
    for char, count in Counter(text).items():  # each distinct character named once, not each one
        if char.isalpha():
            script = _script_of(char)
            if script:
                counts[script] = counts.get(script, 0) + count
    return max(counts, key=counts.__getitem__) if counts else None


@lru_cache(maxsize=4096)
def _script_of(char: str) -> str:
    """The first word of a letter's Unicode name (``LATIN``, ``CYRILLIC``, ``CJK``...)."""
    if char < "\u0250" and char not in "ªµº":  # Basic Latin to Latin Extended-B: all letters named LATIN
        return "LATIN"
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def script_fits(code: str, text: str) -> bool:
    """Whether ``text`` is written in a script the language ``code`` uses: the cheap check
    of a declared language (no model is loaded when it fits)."""
    script = main_script(text)
    return script is None or script in _SCRIPTS.get(code, _LATIN)


def choose_language(declared: str | None, paragraphs: Iterable[str]) -> tuple[str | None, str | None]:
    """``(language, detected)``: the page's language and what its text says.

    ``language`` is the declared one (as given), or the detected one when the page declares none,
    or when the text is confidently in another language and gives the declared one
    almost no chance (:data:`MAX_DECLARED_PROBABILITY`): a template's ``lang="en"`` on a
    Russian story. Close languages (Norwegian/Danish, Malay/Indonesian) keep the
    declared one, since the text gives it some probability. A declared language whose
    script the text is written in is kept without running the model (most pages: the
    model then loads only for pages that declare nothing, or a language of another script).
    """
    code = normalise(declared)
    text = sample(paragraphs)
    if code is not None and script_fits(code, text):
        return declared, None  # the text is in the declared language's script: trusted as is
    detected, probabilities = detect(text)
    if detected is None:
        return declared, None
    if code is None:
        return detected, detected
    if code != detected and code in probabilities and probabilities[code] < MAX_DECLARED_PROBABILITY:
        return detected, detected
    return declared, detected


__all__ = ["MAX_DETECT_CHARS", "choose_language", "detect", "main_script", "normalise", "sample", "script_fits"]
