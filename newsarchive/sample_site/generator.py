"""Generated article parts: headlines, text, bylines, topics and publication gaps.

Every function is pure in ``(seed, index)``. Headlines, slugs, bylines and topics are
table look-ups and integer hashing (about a microsecond each) because the site's lazy
indexes (slugs, search words, tags, authors) scan every article once; only the body text
uses a seeded ``random.Random``, and it is generated for one article at a time.
"""

from __future__ import annotations

import math
import random
import re
import string
from collections.abc import Callable
from itertools import cycle
from typing import NamedTuple

from newsarchive.sample_site import vocabulary as vocab

# -- headlines ---------------------------------------------------------------------
#
# Titles are unique by construction: ``i % 30`` fixes (country, section), whose subjects
# and objects differ between classes, and ``i // 30`` is mapped bijectively (an affine
# map modulo the number of combinations, with a stride coprime to it) onto
# (subject, verb, object, qualifier). Past that many articles per class a "(Part N)"
# suffix keeps titles apart.

_CLASSES = len(vocab.COUNTRIES) * len(vocab.SECTIONS)  # 30 == lcm(5, 6)
_OBJECTS_PER_SECTION = len(vocab.OBJECTS["politics"])
_RADICES = (len(vocab.SUBJECTS), len(vocab.VERBS), _OBJECTS_PER_SECTION, len(vocab.QUALIFIERS))
_COMBINATIONS = math.prod(_RADICES)
_STRIDE = 7919  # prime
assert all(len(objs) == _OBJECTS_PER_SECTION for objs in vocab.OBJECTS.values())
assert math.gcd(_STRIDE, _COMBINATIONS) == 1

_SLUG_DROP = re.compile(r"[’'‘]")
_SLUG_SEP = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """WordPress-style slug: lower case, apostrophes dropped, other runs become '-'."""
    return _SLUG_SEP.sub("-", _SLUG_DROP.sub("", text.lower())).strip("-")


def title_case(phrase: str) -> str:
    """Headline form of a prose phrase: drop a leading article, capitalise (AP style)."""
    words = phrase.split()
    if words[0] == "the":
        words = words[1:]
    return " ".join(
        word
        if n and word in vocab.SMALL_WORDS
        else "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
        for n, word in enumerate(words)
    )


class _Part(NamedTuple):
    """One headline component: its headline text, its slug, and its prose form."""

    title: str
    slug: str
    prose: str


def _part(title: str, prose: str) -> _Part:
    return _Part(title, slugify(title), prose)


_SUBJECTS = [
    [_part(t.format(c=c), p.format(c=c)) for t, p in vocab.SUBJECTS] for c in vocab.COUNTRIES
]
_VERBS = [_part(t, p) for t, p in vocab.VERBS]
_OBJECTS = [[_part(title_case(o), o) for o in vocab.OBJECTS[s]] for s, _ in vocab.SECTIONS]
_QUALIFIERS = [_part(t, p) for t, p in vocab.QUALIFIERS]


class Headline(NamedTuple):
    title: str
    slug: str
    country: vocab.Country
    subject: str  # prose forms, reused by the article text
    verb: str
    object: str
    qualifier: str


def headline(seed: int, i: int) -> Headline:
    """Article ``i``'s generated headline and slug (unique, see the note above)."""
    cls = i % _CLASSES
    part, j = divmod(i // _CLASSES, _COMBINATIONS)
    offset = (seed * 104_729 + cls * 7_777) % _COMBINATIONS
    combo = (j * _STRIDE + offset) % _COMBINATIONS
    combo, q = divmod(combo, _RADICES[3])
    combo, o = divmod(combo, _RADICES[2])
    s, v = divmod(combo, _RADICES[1])
    country = i % len(vocab.COUNTRIES)
    parts = (
        _SUBJECTS[country][s],
        _VERBS[v],
        _OBJECTS[i % len(vocab.SECTIONS)][o],
        _QUALIFIERS[q],
    )
    title = " ".join(p.title.strip() for p in parts if p.title)
    slug = "-".join(p.slug for p in parts if p.slug)
    if part:
        title += f" (Part {part + 1})"
        slug += f"-part-{part + 1}"
    return Headline(title, slug, vocab.COUNTRIES[country], *(p.prose for p in parts))


# -- bylines and topics ------------------------------------------------------------


def _mix(seed: int, i: int, salt: int) -> int:
    """splitmix64 of (seed, i, salt): a cheap, well-spread, version-independent hash."""
    z = (seed * 0x9E3779B97F4A7C15 + i * 0xBF58476D1CE4E5B9 + salt) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def _pick(h: int, pool: tuple[str, ...], count: int) -> tuple[str, ...]:
    """``count`` (<= 2) distinct entries of ``pool`` chosen by the bits of ``h``."""
    first = h % len(pool)
    if count < 2:
        return (pool[first],) if count else ()
    second = (first + 1 + (h >> 16) % (len(pool) - 1)) % len(pool)
    return pool[first], pool[second]


def authors(seed: int, i: int) -> tuple[str, ...]:
    """One author, or two for about a quarter of the articles."""
    h = _mix(seed, i, 1)
    return _pick(h >> 8, vocab.AUTHORS, 2 if h % 4 == 0 else 1)


def topics(seed: int, i: int) -> tuple[str, ...]:
    """Zero to two topical tags (besides the country tag)."""
    h = _mix(seed, i, 2)
    return _pick(h >> 8, vocab.TOPICS, (0, 1, 1, 2)[h % 4])


# -- body text ---------------------------------------------------------------------

_NUMBER_SLOTS: dict[str, Callable[[random.Random], object]] = {
    "n": lambda rng: rng.randint(2, 95),
    "pct": lambda rng: rng.randint(3, 48),
    "year": lambda rng: rng.randint(2015, 2024),
    "small": lambda rng: rng.randint(2, 12),
    "gdp": lambda rng: f"{rng.uniform(2.5, 7.9):.1f}",
}


def _numbers_in(template: str) -> tuple[str, ...]:
    names = {f.split(".")[0] for _, f, _, _ in string.Formatter().parse(template) if f}
    return tuple(sorted(names & _NUMBER_SLOTS.keys()))


# Which random numbers each template needs, so only those are drawn.
_TEMPLATES = {t: _numbers_in(t) for t in (*vocab.LEDES, *vocab.SENTENCES)}


def paragraphs(seed: int, i: int, head: Headline) -> list[str]:
    """Lede plus 3-9 body paragraphs (4-10 in all); the lede is about 20-70 words."""
    rng = random.Random(f"{seed}:{i}")
    c = head.country
    city = rng.choice(c.cities)
    org = rng.choice(vocab.ORGANISATIONS)
    slots: dict[str, object] = {
        "c": c,
        "city": city,
        "expert": rng.choice(vocab.EXPERTS),
        "role": rng.choice(vocab.EXPERT_ROLES).format(c=c, city=city),
        "org": org,
        "Org": org[0].upper() + org[1:],
        "partner": rng.choice(vocab.PARTNERS),
        "ministry": rng.choice(vocab.MINISTRIES),
        "object": head.object,
        "subject": head.subject,
        "Subject": head.subject[0].upper() + head.subject[1:],
        "verb": head.verb,
        "qualifier": head.qualifier,
        "weekday": rng.choice(vocab.WEEKDAYS),
        "month": rng.choice(vocab.MONTHS),
    }
    pool = cycle(rng.sample(vocab.SENTENCES, len(vocab.SENTENCES)))

    def sentence(template: str) -> str:
        for name in _TEMPLATES[template]:
            slots[name] = _NUMBER_SLOTS[name](rng)
        return template.format_map(slots)

    lede = [sentence(rng.choice(vocab.LEDES))]
    words = len(lede[0].split())
    target = rng.randint(20, 70)
    while words < target - 8:
        lede.append(sentence(next(pool)))
        words += len(lede[-1].split())
    body = [" ".join(lede)]
    for _ in range(rng.randint(3, 9)):
        body.append(" ".join(sentence(next(pool)) for _ in range(rng.randint(2, 3))))
    return body


# -- publication times -------------------------------------------------------------

# Gaps repeat with this period so an article's date is O(1) (a prefix sum over one
# period) while still looking irregular.
GAP_PERIOD = 1009
_GAP_MINUTES = (180, 840)  # 3 to 14 hours


def gap_table(seed: int) -> tuple[list[int], int]:
    """Prefix sums (minutes) of one period of publication gaps, and the period's total."""
    rng = random.Random(f"{seed}:gaps")
    prefix = [0]
    for _ in range(GAP_PERIOD - 1):
        prefix.append(prefix[-1] + rng.randint(*_GAP_MINUTES))
    return prefix, prefix[-1] + rng.randint(*_GAP_MINUTES)
