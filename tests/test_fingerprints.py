"""FingerprintSet: a set of strings as 128-bit digests, the same answers as a Python set at
a fraction of its memory."""

from __future__ import annotations

import random
import tracemalloc

from newsarchive.job.fingerprints import FingerprintSet, key_digest


def test_same_answers_as_a_set() -> None:
    rng = random.Random(11)
    keys = [f"https://news.example.org/{rng.randrange(10**9)}/story-{n}" for n in range(20_000)]
    compact, plain = FingerprintSet(), set()
    for key in keys + keys[:500]:  # some twice
        assert compact.add(key) is (key not in plain)
        plain.add(key)
    assert len(compact) == len(plain) == 20_000
    assert all(key in compact for key in keys)
    assert not any(f"https://news.example.org/absent/{n}" in compact for n in range(5000))
    assert 42 not in compact and "" not in compact
    assert compact.add("") and "" in compact  # any string, the empty one too


def test_memory_is_a_fraction_of_a_sets() -> None:
    """What each keeps of 50,000 article URLs: the strings and their set, or 16 bytes a URL."""
    def url(n: int) -> str:
        return f"https://news.example.org/2025/06/{n:07d}-a-headline-of-usual-length"

    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    plain = {url(n) for n in range(50_000)}
    plain_bytes = tracemalloc.get_traced_memory()[0] - start
    start = tracemalloc.get_traced_memory()[0]
    compact = FingerprintSet()
    for n in range(50_000):
        compact.add(url(n))
    compact_bytes = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    assert len(plain) == len(compact) == 50_000
    assert compact_bytes <= 16 * 50_000 + 4096 * 200  # the arrays, and at most BATCH pending digests
    assert 3 * compact_bytes < plain_bytes
