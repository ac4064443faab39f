"""Boilerplate removal: ticker fragments, built-in labels, learned repeated blocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import corpus_path, require
from newsarchive.extraction.boilerplate import (
    RepeatedBlockLearner,
    block_key,
    iter_blocks,
    remove_learned,
    remove_learned_counted,
    strip_boilerplate,
    strip_boilerplate_counted,
)

# The marquee exactly as timesca.com renders it (five pairs, repeated).
PAIRS = [
    "KGS/USD = 0.01143 -0%",
    "KZT/USD = 0.00198 -0%",
    "TJS/USD = 0.10899 0.93%",
    "UZS/USD = 0.00008 0%",
    "TMT/USD = 0.28490 -0.28%",
]
MARQUEE = "\n".join(f"  • {p}" for p in PAIRS * 8).lstrip()


def words(text: str) -> list[str]:
    return text.split()


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


# -- ticker fragments ---------------------------------------------------------------


def test_marquee_lines_disappear_and_following_text_keeps_its_paragraphs() -> None:
    text = f"{MARQUEE}\n07 December 2025\n\nFirst teaser title\n\nFirst teaser text.\n\nSecond title"
    assert strip_boilerplate(text, builtin=False) == (
        "07 December 2025\n\nFirst teaser title\n\nFirst teaser text.\n\nSecond title"
    )
    assert strip_boilerplate_counted(text, builtin=False)[1] == 40


@pytest.mark.parametrize(
    "leaked, expected",
    [
        ("• KGS/USD = 0.01143 -0% Kazakhstan Proposes Cash Rewards", "Kazakhstan Proposes Cash Rewards"),
        ("• KGS/USD = 0.01143 -0%• KZT/USD = 0.00198 -0%Kazakhstan Proposes", "Kazakhstan Proposes"),
        ("Reform news TMT/USD = 0.28490 −0.28% continues here.", "Reform news continues here."),
        ("USD/KZT = 478,50 ▲ 0,3% | EUR/KZT = 520.10 (−0.2%) | Headline", "Headline"),
        ("Brent 82.15 ▲0.5% · Gold 2,345.10 -12.40 · Headline", "Headline"),
        ("BTC/USD = 97 123,45 +1,2% Headline", "Headline"),
        ("USD = 478.5 EUR = 520.3 RUB = 5.9 Headline", "Headline"),
        ("USD/KZT ▼ 478.50 (+0.3%) Headline", "Headline"),
        ("USD/KZT: 1,234.56 ↑ Headline", "Headline"),
        ("Доллар 478,50 ▲0,3% | Евро 520,10 ▼0,2% Новости", "Новости"),
        ("Курс: Доллар = 478,50 ▲0,3% Новости", "Курс: Новости"),
        ("Summary text • Brent 82.15 ▲0.5%", "Summary text"),
    ],
)
def test_ticker_variants_are_removed(leaked: str, expected: str) -> None:
    assert strip_boilerplate(leaked) == expected


@pytest.mark.parametrize(
    "prose",
    [
        "inflation rose 0.93% in USD terms",
        "the rate = 5% in a sentence",
        "Revenue reached USD 4.6 million, up 35% on the year.",
        "Gold prices rose 2% last week.",
        "The EUR 1.2 billion deal was signed.",
        "Brent crude traded at $82 a barrel.",
        "1 USD = 478.5 KZT at the official rate.",
        "1 USD = 478.5 tenge at the official rate.",
        "Gold 2024 - 25 outlook",
        "the EUR 2024-2025 budget",
        "The USD/KZT exchange rate rose 0.5% on Monday.",
        "Курс USD/KZT вырос на 0,5% за неделю.",
        "Approximately $4.6 million in related funds were frozen.",
        "A ratio of 3:1 = 75% of votes.",
        "marking a 35% increase compared to the same period last year",
        "Kaspi shares closed at $105.20 (+2.1%) on Friday.",
        "The tenge weakened to KZT 478.50 (+0.3%) against the dollar.",
        "Prices fell on Friday; Gold 2,345.10 -12.40 was the close.",
    ],
)
def test_prose_about_money_is_kept(prose: str) -> None:
    assert strip_boilerplate(prose) == prose


def test_site_patterns_are_applied() -> None:
    text = "Advertisement\nReal paragraph.\nSponsored by Acme"
    out = strip_boilerplate(text, [r"(?m)^Advertisement$", re.compile(r"Sponsored by \w+")])
    assert out == "Real paragraph."


def test_bad_site_pattern_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="bad boilerplate pattern"):
        strip_boilerplate("x", ["(unclosed"])


def test_builtin_labels_only_as_whole_lines() -> None:
    text = "Viewing results 11 - 20 of 60\n\nRead more about the reform in our report.\n\nRead more\nShare\nSubscribe"
    assert strip_boilerplate(text) == "Read more about the reform in our report."
    # The counter is removed even inside a line; without built-ins nothing happens.
    assert strip_boilerplate("Viewing results 1 - 6 of 6 Kazakhstan Proposes") == "Kazakhstan Proposes"
    assert strip_boilerplate(text, builtin=False) == text
    # every dash and spacing the counter allows (a cheaper scan decides whether to look)
    for counter in ("Showing 1–20 of 60", "showing results 1 \u2014 20 of 60", "Показано 1\u00a0- 20 из 60"):
        assert strip_boilerplate(f"{counter}\nStory") == "Story", counter


def test_text_without_boilerplate_is_returned_unchanged() -> None:
    text = "A  paragraph\twith odd   spacing.\n\n\n\nAnother."
    assert strip_boilerplate(text) == text
    assert strip_boilerplate("") == ""


def seed_file() -> Path:
    path = corpus_path().parent / "seed" / "000_5c5a82c6b279c0e8.txt"
    require(path.is_file(), f"seed page text not found at {path}")
    return path


def test_real_timesca_listing_text() -> None:
    """The real page: ticker gone, every other paragraph intact word for word."""
    text = seed_file().read_text(encoding="utf-8")
    assert "KGS/USD" in text  # the fixture is what we think it is
    expected = paragraphs("\n".join(line for line in text.splitlines() if not line.strip().startswith("•")))
    out = strip_boilerplate(text, builtin=False)
    assert not re.search(r"[A-Z]{3}/USD|•", out)
    assert paragraphs(out) == expected
    teasers = expected[3::2]
    assert len(teasers) == 4 and all(len(t) > 500 for t in teasers)
    # With the built-in patterns the results counter goes too, and nothing else.
    out = strip_boilerplate(text)
    assert "Viewing results" not in out
    assert paragraphs(out) == [p for p in expected if not p.startswith("Viewing results")]
    for teaser in teasers:
        assert " ".join(words(teaser)) in " ".join(words(out))


# -- block extraction ---------------------------------------------------------------

PAGE = """<html><head><title>T</title><script>var x = "no";</script></head><body>
<div class="ticker"><span class="ticker-item">• KGS/USD = 0.01143 -0%</span><span class="ticker-item">• KZT/USD = 0.00198 -0%</span></div>
<div class="date">07 December 2025</div>
<nav><ul><li><a href="/kz">Kazakhstan</a></li><li><a href="/uz">Uzbekistan</a></li></ul></nav>
<div class="main">Loose <b>text</b><!-- c --> here<p>A <a href="#">para</a>graph.</p>tail text<br>after break
<style>.x{}</style></div>
<footer><span>Share</span> <span>Subscribe</span></footer>
</body></html>"""


def test_iter_blocks_splits_where_a_browser_starts_a_block() -> None:
    from lxml import html

    blocks = iter_blocks(html.document_fromstring(PAGE))
    assert blocks == [
        "• KGS/USD = 0.01143 -0%",
        "• KZT/USD = 0.00198 -0%",
        "07 December 2025",
        "Kazakhstan",
        "Uzbekistan",
        "Loose text here",
        "A paragraph.",
        "tail text",
        "after break",
        "Share Subscribe",
    ]


def test_iter_blocks_spacing_comments_and_skipped_elements() -> None:
    from lxml import html

    page = ("<html><body>\n  <div> <!-- c --> lead<b> bold</b>in<i>line</i> </div>\n"
            "<p>\n</p><p>x<script>no</script>y <select><option>o</option></select>z</p>"
            "<span class='ticker-item'>KZT 1</span><span>tail</span><?pi x?> end</body></html>")
    assert iter_blocks(html.document_fromstring(page)) == [
        "lead boldinline", "xy z", "KZT 1", "tail end",
    ]


def test_strip_boilerplate_without_the_ticker_scan() -> None:
    text = "Markets: • KGS/USD = 0.01143 -0%\nRead more"
    assert strip_boilerplate_counted(text, tickers=False) == ("Markets: • KGS/USD = 0.01143 -0%", 1)
    assert strip_boilerplate_counted(text) == ("Markets:", 2)


def test_block_key_ignores_case_spacing_and_digits() -> None:
    assert block_key("Viewing  results 11 - 20 of 60") == block_key("viewing results 1 - 10 of 6")
    assert block_key("07\u00a0December 2025") == block_key("08 December 2025")
    assert block_key("Share") != block_key("Shared")


# -- learning -----------------------------------------------------------------------


def site_page(i: int, extra: str = "") -> str:
    return f"""<html><body>
    <div class="date">0{i % 2 + 7} December 2025</div>
    <nav><ul><li>Kazakhstan</li><li>Uzbekistan</li></ul></nav>
    <p>Viewing results {i * 10 + 1} - {i * 10 + 10} of 60</p>
    <article><h1>Article number {i} title</h1><p>Unique paragraph {i} about {'x' * i}.</p>{extra}</article>
    <footer><p>Share</p><p>Subscribe</p></footer></body></html>"""


def test_learner_needs_min_pages_and_min_share() -> None:
    learner = RepeatedBlockLearner(min_share=0.6, min_pages=5)
    for i in range(4):
        learner.feed_html(site_page(i))
    assert not learner.is_boilerplate("Share")  # 4 pages < min_pages
    learner.feed_html(site_page(4))
    assert learner.is_boilerplate("Share")
    assert learner.is_boilerplate("  share ")
    assert learner.is_boilerplate("Viewing results 51 - 60 of 60")
    assert learner.is_boilerplate("07 December 2025")
    assert not learner.is_boilerplate("Unique paragraph 1 about x.")
    learned = dict(learner.learned_patterns())
    assert learned["share"] == 5 and learned["kazakhstan"] == 5


def test_phrase_on_two_pages_is_not_learned_and_share_threshold_holds() -> None:
    learner = RepeatedBlockLearner(min_share=0.6, min_pages=5)
    quote = "<p>Officials called the reform a turning point.</p>"
    for i in range(10):
        learner.feed_html(site_page(i, quote if i < 2 else ""))
    assert not learner.is_boilerplate("Officials called the reform a turning point.")
    learner = RepeatedBlockLearner(min_share=0.6, min_pages=5)
    for i in range(10):
        learner.feed_html(site_page(i, quote if i < 6 else ""))
    assert learner.is_boilerplate("Officials called the reform a turning point.")  # 6/10
    learner.feed_html(site_page(10))
    assert not learner.is_boilerplate("Officials called the reform a turning point.")  # 6/11


def test_same_page_counts_once() -> None:
    learner = RepeatedBlockLearner(min_pages=2)
    assert learner.feed_blocks(["Share", "Share"], page_key="http://x/1")
    assert not learner.feed_blocks(["Share"], page_key="http://x/1")
    assert learner.pages == 1


def test_remove_learned_drops_whole_lines_only() -> None:
    learner = RepeatedBlockLearner(min_pages=5)
    for i in range(6):
        learner.feed_html(site_page(i))
    body = (
        "07 December 2025\n\nThe reform starts today.\n\nShare\n\n"
        "Readers can Share their views.\n\nSubscribe"
    )
    out, n = remove_learned_counted(body, learner)
    assert out == "The reform starts today.\n\nReaders can Share their views."
    assert n == 3
    assert remove_learned("Kazakhstan", learner) == ""
    assert remove_learned("Kazakhstan signs a deal", learner) == "Kazakhstan signs a deal"


def test_nothing_is_removed_before_enough_pages() -> None:
    learner = RepeatedBlockLearner(min_pages=5)
    for i in range(3):
        learner.feed_html(site_page(i))
    assert remove_learned("Share\n\nText", learner) == "Share\n\nText"
    assert learner.learned_patterns() == []


def test_memory_stays_bounded_on_long_crawls() -> None:
    learner = RepeatedBlockLearner(min_pages=5, error=0.02)
    for i in range(2000):
        learner.feed_blocks(["Share", "Subscribe", f"unique paragraph {i} " + "abcdefghij"[i % 10] * (i % 7 + 1), f"{i}-only-once x{i}"])
    assert learner.is_boilerplate("Share")
    # Without pruning 4000+ one-off blocks would be tracked.
    assert len(learner) < 200


def test_learner_rejects_bad_parameters() -> None:
    with pytest.raises(ValueError):
        RepeatedBlockLearner(min_share=0)
    with pytest.raises(ValueError):
        RepeatedBlockLearner(min_pages=0)


def test_empty_and_broken_html_count_as_pages() -> None:
    learner = RepeatedBlockLearner(min_pages=1)
    learner.feed_html("")
    learner.feed_html(b"<p>unclosed <div><li>x")
    assert learner.pages == 2
