"""The boilerplate learner reads one page in N once its verdicts are settled, reads every page
again after a redesign, and remembers a bounded number of page keys; items do not change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import run_cli
from newsarchive.extraction.boilerplate import CHECK_EVERY, RECENT_PAGE_KEYS, RepeatedBlockLearner
from newsarchive.sample_site import SampleSite

SITE_A = ["Home News Sport Weather", "© 2025 The Daily Example", "Subscribe to our newsletter"]
SITE_B = ["Start Nachrichten Sport", "© 2025 Das Beispiel", "Newsletter abonnieren"]


def offer(learner: RepeatedBlockLearner, number: int, furniture: list[str]) -> bool:
    """Offer page ``number`` as the middleware does: count it only when the learner wants it."""
    key = f"https://example.org/{number}"
    if not learner.wants(key):
        return False
    return learner.feed_blocks([*furniture, f"The story of {spelled(number)}, told once."], page_key=key)


def spelled(number: int) -> str:
    """``number`` in letters (digits are masked in block keys, so ``7`` and ``8`` would be one block)."""
    return "".join("abcdefghij"[int(d)] for d in str(number))


def test_settled_learner_reads_one_page_in_n_and_keeps_its_verdicts() -> None:
    learner = RepeatedBlockLearner(sample_after=100, sample_every=10)
    counted = [offer(learner, n, SITE_A) for n in range(1, 1001)]
    assert learner.sampling
    settled_at = 100 + CHECK_EVERY  # two equal checks: at 100 and 150 counted pages
    assert all(counted[:settled_at])
    assert 85 <= sum(counted[settled_at:]) <= 86  # 1 in 10 of the 850 pages offered afterwards
    assert learner.pages_skipped == 1000 - learner.pages
    assert all(learner.is_boilerplate(block) for block in SITE_A)
    assert not learner.is_boilerplate(f"The story of {spelled(7)}, told once.")


def test_a_redesign_makes_it_read_every_page_again() -> None:
    learner = RepeatedBlockLearner(sample_after=100, sample_every=10)
    for n in range(1, 401):
        offer(learner, n, SITE_A)
    assert learner.sampling
    number = 400
    while learner.sampling:  # the new furniture shows up in the sampled pages, and the next check sees it
        number += 1
        offer(learner, number, SITE_B)
        assert number <= 400 + 10 * 3, "the redesign was not noticed within 3 sampled pages"
    before = learner.pages
    assert all(offer(learner, n, SITE_B) for n in range(number + 1, number + 21))  # every page counted
    assert learner.pages == before + 20


def test_sample_every_one_reads_every_page() -> None:
    learner = RepeatedBlockLearner(sample_after=10, sample_every=1)
    assert all(offer(learner, n, SITE_A) for n in range(1, 501))
    assert not learner.sampling and learner.pages_skipped == 0


def test_page_keys_are_bounded_and_a_refetch_counts_once() -> None:
    learner = RepeatedBlockLearner(sample_every=1)
    assert learner.feed_blocks(SITE_A, page_key="https://example.org/a")
    assert not learner.feed_blocks(SITE_A, page_key="https://example.org/a")  # fetched twice: once
    for n in range(RECENT_PAGE_KEYS + 100):
        learner.feed_blocks(SITE_A, page_key=f"https://example.org/{n}")
    assert len(learner._page_keys) == RECENT_PAGE_KEYS


def _items(out: Path) -> list[dict[str, Any]]:
    items = [json.loads(line) for line in (out / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    for item in items:
        item.pop("crawled_at", None)
        item.pop("warc", None)
    return sorted(items, key=lambda item: item["url"])


def test_sampling_changes_no_item(tmp_path: Path) -> None:
    """The sample site crawled with every page read and with sampling from page 50: same items."""
    outs = {}
    with SampleSite(articles=300) as site:
        for every in ("1", "10"):
            out = tmp_path / f"every-{every}"
            done = run_cli("crawl", "timesca", "-a", f"base_url={site.url}", "--out", str(out),
                           "-s", "LOG_LEVEL=WARNING", "-s", "NEWSARCHIVE_BOILERPLATE_SAMPLE_AFTER=50",
                           "-s", f"NEWSARCHIVE_BOILERPLATE_SAMPLE_EVERY={every}", timeout=300)
            assert done.returncode == 0, done.stderr[-2000:]
            outs[every] = out
    stats = {every: json.loads((out / "runs.jsonl").read_text().splitlines()[-1])["stats"]
             for every, out in outs.items()}
    assert "newsarchive/boilerplate/pages_sampled_out" not in stats["1"]
    assert stats["10"]["newsarchive/boilerplate/pages_sampled_out"] > 100
    assert stats["10"]["newsarchive/boilerplate/pages_seen"] < stats["1"]["newsarchive/boilerplate/pages_seen"] / 2
    assert _items(outs["1"]) == _items(outs["10"])
