"""Remove page furniture that leaks into article text.

Two complementary tools:

* :func:`strip_boilerplate` removes *fragments* with a recognisable shape wherever they
  appear: currency/market ticker entries (``• KGS/USD = 0.01143 -0%``), the listing
  results counter, lone "Read more" / "Share" labels, and site-specific regexes.
* :class:`RepeatedBlockLearner` learns *blocks* (paragraph-like texts) that repeat on most
  pages of a crawl (header date, footer labels, navigation) and :func:`remove_learned`
  drops whole lines equal to one of them. It never deletes substrings, so a sentence an
  article merely quotes again is safe.

In a Scrapy crawl :class:`BoilerplateLearnerMiddleware` (a spider middleware) feeds every
HTML page to one learner per crawler (see :func:`learner_for`); the item pipeline
``newsarchive.pipelines.BoilerplatePipeline`` applies both tools to the items.

Work is linear in the text (no built-in regex can backtrack over a run of spaces,
bullets or digits; a site's own ``patterns`` are trusted configuration, not checked),
and the learner reads at most :data:`MAX_LEARN_NODES` nodes of a page.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lxml import etree
from lxml import html as lxml_html

from newsarchive.extraction.cleaning import unicode_normalize

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# Ticker fragments
# --------------------------------------------------------------------------------------
# What tells a ticker entry from prose that mentions money: a currency pair/code or a
# commodity name *immediately* followed by "= number", or by "number change" where the
# change is a percentage, an arrow, or a signed move of a decimal quote. Prose puts words
# between the symbol and the figure ("inflation rose 0.93% in USD terms", "USD 4.6 million").

_CODES = (
    "USD EUR GBP JPY CNY CHF RUB KZT KGS UZS TJS TMT AZN AMD GEL UAH BYN MDL TRY INR PKR "
    "AFN IRR AED SAR QAR KWD KRW HKD SGD CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN MNT "
    "ILS EGP BRL MXN ZAR XAU XAG BTC ETH USDT"
).split()
_NAMES = (
    "Brent WTI Urals Gold Silver Platinum Copper Oil Bitcoin Ethereum "
    "Нефть Золото Серебро Медь Доллар Евро Рубль Юань Тенге Сом"
).split()
_SYMBOLS = "$€£¥₽₸₴₼₾₺₹"

_PAIR = r"[A-Z]{2,5}\s?/\s?[A-Z]{2,5}"
_SINGLE = "|".join(
    sorted({*(_CODES), *_NAMES, *(n.upper() for n in _NAMES)}, key=len, reverse=True)
)
_NAMED = rf"(?:{_PAIR}|(?:{_SINGLE})(?![\w/]))"
_SYMBOL = rf"(?:{_NAMED}|[{re.escape(_SYMBOLS)}])"
# Numbers are matched whole (never "478" out of "478.5"): 1,234.56 / 1 234,56 / 0.01143.
_WHOLE = r"(?![\d]|[.,]\d)"
_NUM = rf"(?:\d{{1,3}}(?:[,\u00a0\u202f ]\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?){_WHOLE}"
_DECNUM = rf"(?:\d{{1,3}}(?:[,\u00a0\u202f ]\d{{3}})*[.,]\d+|\d+[.,]\d+){_WHOLE}"
_ARROW = "[▲▼↑↓△▽⬆⬇]"
_SIGN = "[+\\-−–±]"
_PCT = rf"\(?(?:{_ARROW}\s?)?(?:{_SIGN}\s?)?{_NUM}\s?%\)?"
_SIGNED = rf"\(?(?:{_ARROW}\s?)?{_SIGN}{_NUM}\)?"
_ARROWED = rf"\(?{_ARROW}\s?{_NUM}\)?"
_BULLET = "[•·|▪∙◦‣◆►]"
# "1 USD = 478 KZT" is prose: "= number" must not be followed by a currency code that does
# not start the next ticker entry, and (see _strip_tickers) a symbol right after a number
# only counts when it continues a run of ticker entries.
_NOT_UNIT_NEXT = rf"(?!\s?(?:{_SINGLE})\b(?!\s?[=/]))"

TICKER_RE = re.compile(
    rf"""
    (?=[{_BULLET[1:-1]}A-ZА-ЯЁ{re.escape(_SYMBOLS)}])   # cheap first-character filter
    (?P<bullet>{_BULLET}\s*)?
    (?<![\w/])
    (?:
        # KGS/USD = 0.01143 -0%     USD/KZT: 478,50 ▲     EUR = 520.3     $ = 478.5
        (?P<equals>(?:{_SYMBOL}\s?=|{_PAIR}\s?:)\s?(?:{_ARROW}\s?)?{_SIGN}?{_NUM}{_NOT_UNIT_NEXT}
            (?:\s?(?:{_PCT}|{_SIGNED}|{_ARROWED}))?(?:\s?{_ARROW})?)
      | # Brent 82.15 ▲0.5%     Gold 2,345.10 -12.40     USD/KZT ▲ 478.5 (+0.3%)
        # (only where a ticker can start: see _strip_tickers)
        {_NAMED}\s?(?:{_ARROW}\s?)?(?:{_NUM}\s?(?:{_PCT}|{_ARROWED})|{_DECNUM}\s?(?:{_SIGNED}|{_ARROW}))
            (?:\s?{_ARROW})?
    )
    """,
    re.VERBOSE,
)

# Built-in label patterns: safe on any news site, needed from the very first page (before
# anything is learned). The counter is distinctive enough to remove anywhere; the labels
# only when they are a whole line, as "Read more about it" is prose.
RESULTS_COUNTER_RE = re.compile(
    r"\b(?:Viewing|Showing|Displaying)\s+(?:results\s+)?\d+\s*[-–—]\s*\d+\s+of\s+\d+(?:\s+results)?"
    r"|\bResults\s+\d+\s*[-–—]\s*\d+\s+of\s+\d+"
    r"|\bПоказан[оы]?\s+\d+\s*[-–—]\s*\d+\s+из\s+\d+",
    re.IGNORECASE,
)
LABEL_LINE_RE = re.compile(  # "[ \t]*(?:[»...]+[ \t]*)?": spaces, marks, spaces, one way only
    r"^[ \t]*(?:Read\s+more|Continue\s+reading|Read\s+full\s+(?:article|story)|More|"
    r"Читать\s+далее|Подробнее|Читать\s+полностью|Share(?:\s+this(?:\s+article)?)?|"
    r"Subscribe|Print|Tweet|Поделиться)[ \t]*(?:[»›→>.…:]+[ \t]*)?$",
    re.IGNORECASE | re.MULTILINE,
)
BUILTIN_PATTERNS: tuple[re.Pattern[str], ...] = (RESULTS_COUNTER_RE, LABEL_LINE_RE)
# What every match of RESULTS_COUNTER_RE holds ("11 - 20"): case-blind, so a text without
# it skips the costlier case-insensitive scan (a third of the pipeline's time on a body).
_COUNTER_HINT = re.compile(r"\d\s*[-–—]\s*\d")

_SEPARATORS = re.compile(rf"(?:\s|{_BULLET})*")
_HSPACE = re.compile(r"[^\S\n]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def compile_patterns(patterns: Iterable[str | re.Pattern[str]] | None) -> tuple[re.Pattern[str], ...]:
    """Compile site patterns once; a bad regex raises ``ValueError`` naming it."""
    compiled = []
    for pattern in patterns or ():
        if isinstance(pattern, re.Pattern):
            compiled.append(pattern)
            continue
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError(f"bad boilerplate pattern {pattern!r}: {exc}") from exc
    return tuple(compiled)


def strip_boilerplate_counted(
    text: str,
    patterns: Sequence[str | re.Pattern[str]] | None = None,
    *,
    builtin: bool = True,
    tickers: bool = True,
) -> tuple[str, int]:
    """Like :func:`strip_boilerplate`, also returning how many fragments were removed.

    ``tickers=False`` skips the ticker scan, for text a previous call already scanned
    and left unchanged (the scan is the costly part).
    """
    if not text:
        return text, 0
    out, removed = _strip_tickers(text) if tickers else (text, 0)
    regexes: tuple[re.Pattern[str], ...] = BUILTIN_PATTERNS if builtin else ()
    regexes += compile_patterns(patterns)
    for regex in regexes:
        if regex is RESULTS_COUNTER_RE and not _COUNTER_HINT.search(out):
            continue
        # A removed fragment becomes "\x00" so that lines it leaves empty can be dropped
        # without touching blank lines that separated paragraphs in the input.
        out, n = regex.subn("\x00", out)
        removed += n
    if not removed:
        return text, 0
    return _tidy(out), removed


def strip_boilerplate(
    text: str,
    patterns: Sequence[str | re.Pattern[str]] | None = None,
    *,
    builtin: bool = True,
) -> str:
    """Remove ticker fragments, built-in labels (``builtin``) and ``patterns`` from ``text``.

    ``patterns`` are regexes removed wherever they match; anchor them with ``(?m)^...$``
    to remove whole lines only. The whitespace left behind is normalised: lines are
    trimmed, lines emptied by the removal disappear, paragraph breaks are kept.
    """
    return strip_boilerplate_counted(text, patterns, builtin=builtin)[0]


def _strip_tickers(text: str) -> tuple[str, int]:
    """Replace ticker entries by NUL markers (see :func:`_tidy`)."""
    parts: list[str] = []
    last = 0
    chain_end = 0
    line_start = scanned = 0  # start of the line of the last match; text[:scanned] searched for "\n"
    run_from, run_end = -1, 0  # separators from run_from reach run_end (memo: one scan per origin)
    for m in TICKER_RE.finditer(text):
        start = m.start()
        if not m.group("bullet"):
            # Without a bullet, an entry must continue a run of entries, or (for the
            # "= number" form) at least not follow a number ("1 USD = 478 KZT"), or (for
            # the "Brent 82.15 ▲0.5%" form) start a line ("closed at KZT 478.5 (+0.3%)").
            newline = text.rfind("\n", scanned, start)  # only what earlier matches did not search
            if newline >= 0:
                line_start = newline + 1
            scanned = start
            origin = max(chain_end, line_start)
            if origin != run_from:
                run_from, run_end = origin, _SEPARATORS.match(text, origin).end()
            chained = run_end >= start  # only separators between origin and this entry
            after_number = start >= 2 and text[start - 1] in " \u00a0" and text[start - 2].isdigit()
            if not chained and (after_number or not m.group("equals")):
                continue
        parts.append(text[last:start])
        parts.append("\x00")
        last = chain_end = m.end()
    if not parts:
        return text, 0
    parts.append(text[last:])
    return "".join(parts), len(parts) // 2


# Spaces and bullets left at either end of a line by a removal. Matched from the start of
# the line and of the reversed line: a search for "a run, then the end of the line" would
# rescan the run from each of its characters.
_DANGLING = re.compile(rf"(?:\s|{_BULLET})*")


def _strip_dangling(line: str) -> str:
    start = _DANGLING.match(line).end()
    if start == len(line):
        return ""
    return line[start: len(line) - _DANGLING.match(line[::-1]).end()]


def _tidy(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        if "\x00" in line:
            line = _strip_dangling(_HSPACE.sub(" ", line.replace("\x00", " ")))
            if not line:
                continue
        else:
            line = _HSPACE.sub(" ", line).strip()
        lines.append(line)
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


# --------------------------------------------------------------------------------------
# Repeated-block learning
# --------------------------------------------------------------------------------------

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav "
    "ol p pre section summary table tbody td tfoot th thead tr ul br option legend marquee".split()
)
SKIP_TAGS = frozenset("head script style noscript template svg math iframe object select".split())
_BLOCK_CLASS = re.compile(r"ticker|marquee", re.IGNORECASE)

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WS = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def block_key(text: str, *, mask_digits: bool = True) -> str:
    """Normalised form under which blocks are compared: case, spacing, (digits) ignored.

    Digits are masked so that ``Viewing results 11 - 20 of 60`` and a header date that
    changes at midnight count as the same block on every page.
    """
    if text.isascii():
        key = " ".join(text.lower().split())
    else:
        key = " ".join(_INVISIBLE.sub("", unicode_normalize("NFKC", text)).casefold().split())
    if mask_digits and _DIGITS.search(key):
        key = _DIGITS.sub("0", key)
    return key


CHECK_EVERY = 50
"""Counted pages between two checks of whether the learned blocks are settled."""

RECENT_PAGE_KEYS = 10_000
"""Page keys the learner remembers, to count a page fetched twice once."""

MAX_LEARN_NODES = 50_000
"""Nodes (document order) of one page the learner reads; the rest of a larger page is not
counted. News pages have a few thousand (real pages of the test corpus: at most 4,274)."""


def iter_blocks(root: Any) -> list[str]:
    """Texts of the block-level pieces of an lxml (or parsel ``Selector.root``) tree.

    Text is split wherever a browser would start a new block (``p``, ``li``, ``div``,
    ``br``...; also elements whose class says *ticker*/*marquee*), so a ``div`` holding
    loose text and paragraphs yields the loose text and each paragraph separately.
    """
    return _blocks(root, None)[0]


def _blocks(root: Any, max_nodes: int | None) -> tuple[list[str], bool]:
    """:func:`iter_blocks` of the first ``max_nodes`` nodes; also whether that was all of them."""
    blocks: list[str] = []
    buf: list[str] = []
    nodes = 0
    limit = -1 if max_nodes is None else max_nodes
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event != "end":
            nodes += 1
            if nodes == limit + 1:
                _flush(buf, blocks)
                return blocks, False
        tag = el.tag
        if tag.__class__ is not str:  # comment / processing instruction: only its tail counts
            text = el.tail
        else:
            # This loop runs for every start and end tag: keep the common case cheap.
            if buf and (tag in BLOCK_TAGS or (tag == "span" and _is_ticker(el))):
                _flush(buf, blocks)
            if event == "start":
                if tag in SKIP_TAGS:
                    walker.skip_subtree()
                    continue
                text = el.text
            elif el is not root:
                text = el.tail
            else:
                continue
        # Space before a block's first word changes nothing: collect from its first word.
        if text and (buf or not text.isspace()):
            buf.append(text)
    _flush(buf, blocks)
    return blocks, True


def _is_ticker(el: Any) -> bool:
    """A ``span`` that scrolls its own line (a ticker item) is a block of its own."""
    return _BLOCK_CLASS.search(el.get("class") or "") is not None


def _flush(buf: list[str], blocks: list[str]) -> None:
    """Close the block collected in ``buf``: its text, spacing normalised, if any."""
    text = " ".join("".join(buf).split())
    if text:
        blocks.append(text)
    buf.clear()


class RepeatedBlockLearner:
    """Learn which blocks repeat across the pages of one site.

    A block is boilerplate once at least ``min_pages`` pages were seen and it occurs on
    at least ``min_share`` of them. Counting uses lossy counting (Manku & Motwani), so
    memory stays bounded on long crawls: blocks rarer than ``error`` x pages are
    forgotten, and a block's count is never overestimated, so the learner never calls a
    block boilerplate on too little evidence. Blocks longer than ``max_block_chars`` are
    article prose and are not counted.

    Once a site's boilerplate is settled, reading every page teaches nothing new and is
    the learner's whole cost (a walk over each page's tree). So after ``sample_after``
    counted pages, whenever the learned blocks were the same at the last two checks
    (every :data:`CHECK_EVERY` counted pages), only one page in ``sample_every`` is
    counted; shares stay shares of the pages counted, so the verdicts do not change. Two
    counted pages in a row that carry fewer than half of the learned blocks (a redesign)
    make it count every page again, as does a check that finds the learned blocks changed.
    ``sample_every=1`` counts every page.

    Pages are told apart by ``page_key`` (a URL: a page fetched twice is counted once)
    among the last :data:`RECENT_PAGE_KEYS` pages, so memory does not grow with the crawl.
    """

    def __init__(
        self,
        min_share: float = 0.6,
        min_pages: int = 5,
        *,
        error: float = 0.02,
        max_block_chars: int = 1000,
        mask_digits: bool = True,
        sample_after: int = 200,
        sample_every: int = 10,
    ) -> None:
        if not 0 < min_share <= 1:
            raise ValueError(f"min_share must be in (0, 1], got {min_share!r}")
        if min_pages < 1:
            raise ValueError(f"min_pages must be >= 1, got {min_pages!r}")
        if not 0 < error < min_share:
            raise ValueError(f"error must be in (0, min_share), got {error!r}")
        if sample_every < 1 or sample_after < 0:
            raise ValueError(f"sample_every must be >= 1 and sample_after >= 0, got {sample_every!r}, "
                             f"{sample_after!r}")
        self.min_share = min_share
        self.min_pages = min_pages
        self.max_block_chars = max_block_chars
        self.mask_digits = mask_digits
        self._width = math.ceil(1 / error)
        self._counts: dict[str, list[int]] = {}  # key -> [count, max undercount]
        self._page_keys: dict[int, None] = {}  # hashes of the last RECENT_PAGE_KEYS keys, oldest first
        self.pages = 0
        self.pages_cut = 0  # pages of which only the first MAX_LEARN_NODES nodes were read
        self.sample_after = sample_after
        self.sample_every = sample_every
        self.sampling = False
        """Whether only one page in ``sample_every`` is counted (the learned blocks are settled)."""
        self.pages_skipped = 0  # pages offered while sampling and not counted
        self._offered = 0
        self._last_learned: frozenset[str] | None = None
        self._strangers = 0  # counted pages in a row, while sampling, without most learned blocks

    # -- feeding -----------------------------------------------------------------

    def feed_blocks(self, blocks: Iterable[str], page_key: str | None = None) -> bool:
        """Count one page given as its block texts; a repeated ``page_key`` is ignored.

        Returns whether the page was counted.
        """
        if page_key is not None:
            if self._seen_key(page_key):
                return False
            self._remember_key(page_key)
        limit = self.max_block_chars
        keys = {self._key(b) for b in set(blocks) if b and len(b) <= limit}
        keys.discard("")
        self.pages += 1
        bucket = math.ceil(self.pages / self._width)
        counts = self._counts
        for key in keys:
            entry = counts.get(key)
            if entry is None:
                counts[key] = [1, bucket - 1]
            else:
                entry[0] += 1
        if self.pages % self._width == 0:
            for key in [k for k, (c, d) in counts.items() if c + d <= bucket]:
                del counts[key]
        if self.sampling and self._last_learned:
            self._notice_redesign(keys)
        if self.sample_every > 1 and self.pages >= self.sample_after and self.pages % CHECK_EVERY == 0:
            self._check_settled()
        return True

    def wants(self, page_key: str | None = None) -> bool:
        """Whether the next page offered (``page_key``) would be counted: lets callers skip
        reading a page the learner would not count (a page seen before, or sampled out)."""
        if page_key is not None and self._seen_key(page_key):
            return False
        if not self.sampling:
            return True
        self._offered += 1
        if self._offered % self.sample_every == 0:
            return True
        self.pages_skipped += 1
        return False

    def _notice_redesign(self, keys: set[str]) -> None:
        learned = self._last_learned or frozenset()
        if 2 * len(learned & keys) >= len(learned):
            self._strangers = 0
            return
        self._strangers += 1
        if self._strangers >= 2:  # not one odd page: the site's furniture changed
            self.sampling = False
            self._last_learned = None
            self._strangers = 0

    def _check_settled(self) -> None:
        learned = frozenset(key for key, _ in self.learned_patterns())
        self.sampling = learned == self._last_learned
        self._last_learned = learned

    def _seen_key(self, page_key: str) -> bool:
        return hash(page_key) in self._page_keys

    def _remember_key(self, page_key: str) -> None:
        keys = self._page_keys
        keys[hash(page_key)] = None
        if len(keys) > RECENT_PAGE_KEYS:
            del keys[next(iter(keys))]

    def feed_tree(self, root: Any, page_key: str | None = None) -> bool:
        """Count one page given as a parsed lxml tree (e.g. ``response.selector.root``).

        Only its first :data:`MAX_LEARN_NODES` nodes are read (``pages_cut`` counts the
        pages where that was not all).
        """
        if page_key is not None and self._seen_key(page_key):
            return False
        blocks, whole = _blocks(root, MAX_LEARN_NODES)
        counted = self.feed_blocks(blocks, page_key)
        if counted and not whole:
            self.pages_cut += 1
        return counted

    def feed_html(self, html: str | bytes, page_key: str | None = None) -> bool:
        """Count one page given as HTML source (one lxml cannot parse counts as empty)."""
        if not html or not html.strip():
            return self.feed_blocks((), page_key)
        try:
            root = lxml_html.document_fromstring(html)
        except (etree.ParserError, ValueError):  # "Document is empty", an encoding declaration in str
            return self.feed_blocks((), page_key)
        return self.feed_tree(root, page_key)

    # -- querying ----------------------------------------------------------------

    def is_boilerplate(self, block: str) -> bool:
        """Whether ``block`` (any spacing/case) is a learned repeated block."""
        if self.pages < self.min_pages:
            return False
        entry = self._counts.get(self._key(block))
        return entry is not None and entry[0] >= self.min_share * self.pages

    def learned_patterns(self) -> list[tuple[str, int]]:
        """The learned blocks (normalised) with their page counts, most frequent first."""
        if self.pages < self.min_pages:
            return []
        threshold = self.min_share * self.pages
        found = [(key, c) for key, (c, _) in self._counts.items() if c >= threshold]
        return sorted(found, key=lambda kc: (-kc[1], kc[0]))

    def __len__(self) -> int:
        """Number of blocks currently tracked (bounded by the lossy counting)."""
        return len(self._counts)

    def _key(self, text: str) -> str:
        if len(text) > self.max_block_chars:  # prose: seen once, not worth remembering
            return block_key(text, mask_digits=self.mask_digits)
        return _cached_block_key(text, self.mask_digits)


@lru_cache(maxsize=2048)  # the lines that recur stay; a bigger cache only holds more prose
def _cached_block_key(text: str, mask_digits: bool) -> str:
    """:func:`block_key`, remembered.

    Learning is about blocks that recur on every page, and the pipeline asks again
    about the lines of the items those pages gave.
    """
    return block_key(text, mask_digits=mask_digits)


def remove_learned_counted(text: str, learner: RepeatedBlockLearner) -> tuple[str, int]:
    """Like :func:`remove_learned`, also returning how many lines were dropped."""
    if not text or learner.pages < learner.min_pages:
        return text, 0
    kept = []
    removed = 0
    for line in text.split("\n"):
        if line.strip() and learner.is_boilerplate(line):
            removed += 1
            continue
        kept.append(line)
    if not removed:
        return text, 0
    return _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip(), removed


def remove_learned(text: str, learner: RepeatedBlockLearner) -> str:
    """Drop every line of ``text`` whose normalised text is a learned boilerplate block.

    Works on whole lines (paragraphs) with exact normalised equality, never on
    substrings: a phrase that is only part of a line is kept.
    """
    return remove_learned_counted(text, learner)[0]


# --------------------------------------------------------------------------------------
# Scrapy integration
# --------------------------------------------------------------------------------------

CRAWLER_ATTRIBUTE = "newsarchive_boilerplate"


def learner_for(crawler: Crawler) -> RepeatedBlockLearner:
    """The one learner shared by the middleware and the pipeline of ``crawler``.

    Stored on the crawler itself, so two crawls in one process never share what they
    learned. Settings: ``NEWSARCHIVE_BOILERPLATE_MIN_SHARE`` (0.6),
    ``NEWSARCHIVE_BOILERPLATE_MIN_PAGES`` (5), ``NEWSARCHIVE_BOILERPLATE_SAMPLE_AFTER`` (200)
    and ``NEWSARCHIVE_BOILERPLATE_SAMPLE_EVERY`` (10; 1 reads every page).
    """
    learner = getattr(crawler, CRAWLER_ATTRIBUTE, None)
    if learner is None:
        settings = crawler.settings
        learner = RepeatedBlockLearner(
            min_share=settings.getfloat("NEWSARCHIVE_BOILERPLATE_MIN_SHARE", 0.6),
            min_pages=settings.getint("NEWSARCHIVE_BOILERPLATE_MIN_PAGES", 5),
            sample_after=settings.getint("NEWSARCHIVE_BOILERPLATE_SAMPLE_AFTER", 200),
            sample_every=settings.getint("NEWSARCHIVE_BOILERPLATE_SAMPLE_EVERY", 10),
        )
        setattr(crawler, CRAWLER_ATTRIBUTE, learner)
    return learner


class BoilerplateLearnerMiddleware:
    """Spider middleware feeding every HTML response to the crawler's block learner.

    It reuses the tree Scrapy already parsed for the callbacks (``response.selector``),
    so learning costs a walk over the tree, not a second parse. Place it after
    ``HttpErrorMiddleware`` (50) so that error pages are not learned from.
    """

    def __init__(self, crawler: Crawler) -> None:
        from scrapy.http import HtmlResponse

        self.crawler = crawler
        self.stats = crawler.stats
        self.learner = learner_for(crawler)
        self._html_response = HtmlResponse

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoilerplateLearnerMiddleware:
        from scrapy import signals

        mw = cls(crawler)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def process_spider_input(self, response: Response, spider: Any = None) -> None:
        if not isinstance(response, self._html_response):
            return
        if not self.learner.wants(response.url):
            if self.learner.sampling:
                self.stats.inc_value("newsarchive/boilerplate/pages_sampled_out")
            return
        cut_before = self.learner.pages_cut
        try:
            counted = self.learner.feed_tree(response.selector.root, page_key=response.url)
        except Exception as exc:  # a page the learner cannot read must not break the crawl
            self.stats.inc_value("newsarchive/boilerplate/page_errors")
            logger.debug("Boilerplate learner skipped %s: %s", response.url, exc)
            return
        if counted:
            self.stats.inc_value("newsarchive/boilerplate/pages_seen")
        if self.learner.pages_cut > cut_before:
            self.stats.inc_value("newsarchive/boilerplate/pages_cut")
            logger.info("Boilerplate learner read the first %d nodes of %s only (MAX_LEARN_NODES)",
                        MAX_LEARN_NODES, response.url)

    def spider_closed(self, spider: Any = None) -> None:
        learned = self.learner.learned_patterns()
        self.stats.set_value("newsarchive/boilerplate/learned_blocks", len(learned))
        if learned:
            shown = "; ".join(f"{key[:60]!r} x{count}" for key, count in learned[:10])
            sampled = (f"; settled, so {self.learner.pages_skipped} more pages were not read"
                       if self.learner.pages_skipped else "")
            logger.info(
                "Boilerplate learned from %d pages: %d repeated blocks (top: %s)%s",
                self.learner.pages, len(learned), shown, sampled,
            )
