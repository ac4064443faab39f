"""Automatic listings: a listing page's teasers and next page, without site selectors.

:func:`find_teasers` takes one parsed page (a parsel ``Selector`` or a Scrapy response)
and its URL, and returns an :class:`AutoListing`: the teasers (absolute article URL,
title, summary and date text when the teaser shows them) in page order, the next-page
URL, and which rule found each, for crawl stats.

Teasers (rules ``repeated_blocks``, ``heading_links``):

1. Every same-site link (same registrable domain: ``uk.news.yahoo.com`` and
   ``uk.yahoo.com`` are one site) is a candidate, except the page itself, fragments,
   ``javascript:``/``mailto:`` links and the listing's own pagination (the same URL with
   another page number, e.g. ``/page/3/``, ``?page=3``, ``?start=20``). A link is
   *title-like* when its text has at least two words (a CJK character counts half a
   word), is no "Read more" label, and its URL looks like an article (:func:`url_score`:
   slug-like or numbered path, a date in the path, an ``?id=`` query; category, tag,
   author and search pages and one-word section paths score below zero).
2. The *block* of a title-like link is its highest ancestor holding no title-like link to
   another URL: the teaser's card, row or list item, with its image, kicker, summary,
   date and "read more" links to the same article.
3. Blocks that are siblings with the same tag form a group; groups in containers of the
   same kind (tag path, container class, same block shape, same headline position) are
   one group, so teasers spread over several ``<section>``s between ad slots come out
   together.
4. Each block is scored by its headline length, a heading around (or inside) the link, a
   summary, a date, and how article-like the URL is; a group scores its mean block score
   times the square root of its size (up to 10 blocks), so a long list of bare links does
   not beat a shorter list of real teasers. Groups inside page furniture (``nav``,
   ``header``, ``footer``, ``aside``, or a class/id naming a menu, sidebar, widget,
   related/popular/most-read box, tag cloud, share bar, pagination, ad...) count a
   seventh; groups scoring under :data:`MIN_GROUP_SCORE` do not count. The best group
   wins (then: more blocks, earlier on the page).
5. The winner is completed: same-tag siblings of its blocks holding a headline and a
   second article link (a teaser with a "see also") join it; when every block is alone
   in its parent and those parents repeat, the parents are the teasers (summary and date
   are read there); a lead story alone of its kind, next to the group, with its headline
   in a heading, a summary or date, and the group's URL shape joins; where blocks and
   other siblings alternate (``h2``, date line, paragraph; ``dt``/``dd``), a block's
   missing summary and date are read from its siblings up to the next block.
6. Blocks that are headings themselves (posts without a wrapper) give the rule
   ``heading_links``, others ``repeated_blocks``. No group at all: every block whose
   headline is in a heading, outside page furniture, is a teaser (``heading_links``:
   e.g. the one teaser of a last page).

One page alone cannot always tell a listing's last page (two teasers) from a longer
column of links beside it. ``AutoListing.signature`` names where the teasers were; passed
as ``hint`` for the listing's next page, the blocks found at that place are taken, however
few (the best-scored kind of block there, if several).

Next page (rules tried in this order; never the page itself, never a page numbered at
or before the current one, never one of the teasers):

* ``rel_next``: ``<link rel="next">`` or ``<a rel="next">``;
* ``next_label``: a link labelled *next* or *older* in one of the project's languages
  (:data:`NEXT_LABELS`; ``languages`` first), then a link that is only an arrow
  (``»``, ``›``, ``→``...), then one whose class says *next*; "last" links never;
* ``numbered_pagination``: among links whose text is a number, the one numbered current
  page + 1 (the current page: the number shown without a link, or marked
  ``aria-current``/``current``/``active``, or read from the URL);
* ``url_pattern``: a link to this listing with the page parameter one higher
  (``/page/N/``, ``?page=N``, ``?paged=N``, ``?p=N``, ``index_N.html``, ``/N``), or
  with ``?start=``/``?offset=`` advanced by the number of teasers found.

Work is bounded: at most :data:`MAX_ELEMENTS` elements of the body and
:data:`MAX_LINKS` links are read (the rest of the page is ignored and ``truncated`` is
set), at most :data:`MAX_LINK_TEXT` characters of each link's text and
:data:`MAX_BLOCK_ELEMENTS` elements of each teaser, :data:`MAX_TEASERS` teasers. The only
regular expressions run on page text are applied to short strings (link labels, class
names, text blocks of at most :data:`MAX_DATE_BLOCK` characters), and none nests
quantifiers that are not bounded by a small constant.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from lxml import etree

__all__ = [
    "MAX_ELEMENTS",
    "NEXT_LABELS",
    "AutoListing",
    "Teaser",
    "find_teasers",
    "url_score",
]

#: Elements of the body read at most; a page past this is ``truncated``.
MAX_ELEMENTS = 5000
#: Links (``<a href>``) examined at most; the rest count as past the end (``truncated``).
MAX_LINKS = 1500
#: Characters of one link's (or heading's) text read at most.
MAX_LINK_TEXT = 400
#: Elements read inside one teaser block (summary and date) at most.
MAX_BLOCK_ELEMENTS = 300
#: Longest text block searched for a date.
MAX_DATE_BLOCK = 200
#: Teasers returned at most.
MAX_TEASERS = 500
#: Elements of ``<head>`` looked at for ``<link rel=next>`` / ``<base>``.
MAX_HEAD_ELEMENTS = 500
#: Nodes (elements, comments) one text read visits at most.
MAX_TEXT_EVENTS = 2000
#: Depth below which element paths (group keys, signatures) stop growing.
MAX_PATH_DEPTH = 40

MIN_GROUP = 2  # blocks in a group of teasers (fewer: the heading fallback)
MIN_GROUP_SCORE = 3.0  # below this a group is noise (e.g. a sidebar on an empty page)
CHROME_FACTOR = 1 / 7
MAIN_FACTOR = 1.15
GROUP_SIZE_CAP = 10  # a group's size counts as sqrt(min(n, this))
MAX_LINKS_PER_BLOCK = 4  # distinct article URLs in a block joined as a teaser with related links

RULE_REPEATED_BLOCKS = "repeated_blocks"
RULE_HEADING_LINKS = "heading_links"
RULE_REL_NEXT = "rel_next"
RULE_NEXT_LABEL = "next_label"
RULE_NUMBERED = "numbered_pagination"
RULE_URL_PATTERN = "url_pattern"


@dataclass(frozen=True)
class Teaser:
    """One teaser of a listing page."""

    url: str  # absolute, without fragment
    title: str
    summary: str | None = None
    # The date as the teaser shows it: a <time datetime> value, else the text of a
    # date element or a date-looking piece of the teaser's text. Not parsed.
    date_text: str | None = None


@dataclass(frozen=True)
class AutoListing:
    """What :func:`find_teasers` found on one listing page."""

    teasers: tuple[Teaser, ...] = ()
    next_page: str | None = None
    teaser_rule: str | None = None  # "repeated_blocks" | "heading_links" | None
    next_rule: str | None = None  # "rel_next" | "next_label" | "numbered_pagination" | "url_pattern" | None
    # Where the teasers were: the path of their container (tags, and the first class of
    # each element below <body>) and the block tag, e.g.
    # "body/div.site-content/main.site-main > article". Pass it as ``hint`` for the
    # listing's next page.
    signature: str | None = None
    examined: int = 0  # body elements read
    truncated: bool = False  # the page had more than MAX_ELEMENTS elements


# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

_SKIP = frozenset("script style noscript template svg math iframe object select textarea head".split())
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_CHROME_TAGS = frozenset(("nav", "header", "footer", "aside", "form", "menu"))
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"))
_CHROME_WORDS = re.compile(
    r"(?<![a-z])(?:nav|navbar|navigation|menu|menus|breadcrumbs?|sidebar|side-bar|footer|masthead"
    r"|header|topbar|top-bar|widget|widgets|related|popular|most-?read|most-?viewed|most-?popular"
    r"|trending|recommended|tag-?cloud|tagcloud|share|sharing|social|pagination|pager|promo|sponsored"
    r"|advert|adverts|ads?|banner|cookie|newsletter|subscribe|comments?|rail)(?![a-z])",
    re.I,
)
_MAIN_WORDS = re.compile(r"^(?:main|content|primary|main-content|maincontent)$", re.I)
_DATE_CLASS = re.compile(
    r"date|time|datum|fecha|data(?![a-z])|posted|published|pubdate|stamp|dateline|(?<![a-z])meta(?![a-z])", re.I
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section table tbody td tfoot "
    "th thead tr ul br".split()
)
_READ_MORE_TEXT = (
    """read more|more|continue reading|read full story|full story|read the full story|details|view more
    |подробнее|читать далее|читать дальше|далее|дальше|ещё|еще|подробно|читать полностью
    |толығырақ|толук|кененирээк|batafsil|batafsil o'qish|давомини ўқиш|муфассал
    |weiterlesen|mehr|mehr lesen|lire la suite|en savoir plus|lire plus|leer más|seguir leyendo|ver más
    |leia mais|saiba mais|continue lendo|continua a leggere|leggi tutto|leggi di più|lees meer|verder lezen
    |続きを読む|続きを見る|詳しく|詳細|もっと見る|阅读全文|查看全文|详情|更多|閱讀全文"""
)
_READ_MORE = frozenset(w.strip() for w in _READ_MORE_TEXT.replace("\n", "").split("|"))

#: Next-page link labels by language, lower-case; the whole label (arrows and
#: punctuation left out) must be one of them.
NEXT_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("next", "next page", "next posts", "next entries", "older", "older posts", "older entries",
           "older articles", "older stories", "older news", "earlier", "earlier posts", "earlier articles",
           "more posts", "next results"),
    "ru": ("следующая", "следующая страница", "следующие", "следующая стр", "далее", "дальше", "вперёд",
           "вперед", "старые записи", "более старые записи", "более ранние записи", "ранее", "след"),
    "kk": ("келесі", "келесі бет", "келесі бетке", "әрі қарай", "ары қарай", "алға"),
    "ky": ("кийинки", "кийинки бет", "андан ары", "алга"),
    "uz": ("keyingi", "keyingi sahifa", "keyingisi", "oldinga", "кейинги", "кейинги саҳифа", "олдинга"),
    "tg": ("баъдӣ", "баъди", "саҳифаи баъдӣ", "оянда", "минбаъда", "ба пеш"),
    "de": ("weiter", "nächste", "nächste seite", "nächster", "vorwärts", "ältere beiträge", "ältere artikel",
           "ältere einträge", "ältere", "mehr artikel"),
    "fr": ("suivant", "suivante", "page suivante", "articles plus anciens", "plus anciens", "anciens articles"),
    "es": ("siguiente", "página siguiente", "siguientes", "entradas más antiguas", "más antiguas",
           "entradas antiguas", "más antiguos"),
    "pt": ("próxima", "próximo", "próxima página", "seguinte", "página seguinte", "mais antigos",
           "mais antigas", "posts mais antigos", "proxima", "proximo"),
    "it": ("avanti", "successivo", "successiva", "pagina successiva", "prossima", "prossimo",
           "articoli meno recenti", "meno recenti", "più vecchi"),
    "nl": ("volgende", "volgende pagina", "oudere berichten"),
    "ja": ("次へ", "次", "次のページ", "次ページ", "次の一覧", "次の記事一覧", "もっと見る次"),
    "zh": ("下一页", "下一頁", "下页", "下頁", "后页", "後頁", "下一页>>", "下一篇列表"),
    "tr": ("sonraki", "sonraki sayfa", "ileri", "daha eski", "eski yazılar", "devamı"),
    "az": ("növbəti", "növbəti səhifə", "irəli"),
    "uk": ("наступна", "наступна сторінка", "далі", "вперед", "старіші записи"),
    "pl": ("następna", "następna strona", "następne", "dalej", "starsze", "starsze wpisy"),
    "cs": ("další", "následující", "další stránka", "starší"),
    "sv": ("nästa", "nästa sida", "äldre inlägg", "äldre"),
    "ar": ("التالي", "التالية", "الصفحة التالية", "الأقدم", "المزيد"),
    "fa": ("بعدی", "صفحه بعد", "صفحه بعدی"),
    "id": ("selanjutnya", "berikutnya", "halaman berikutnya", "lanjut", "berikut"),
    "vi": ("trang sau", "tiếp", "tiếp theo", "trang tiếp"),
    "ko": ("다음", "다음 페이지", "다음페이지"),
}
_NEXT_SYMBOLS = frozenset(("»", "›", "→", ">", "≫", "⟩", "❯", "〉", "▶", "►", "⟶", "⇒", "→|"))
_LAST_WORDS = re.compile(
    r"(?<![a-zа-яё])(?:last|end|final|последняя|последняя страница|letzte|dernière|última|ultima|ultimo"
    r"|laatste|oxirgi|соңғы|акыркы|охирин)(?![a-zа-яё])|最後|最后|末页|尾页|末頁",
    re.I,
)
_JA_NEXT_N = re.compile(r"^次の\d{1,4}件$")
_STRIP_LABEL = "«»‹›<>←→↑↓⟨⟩❮❯〈〉◀▶◄►|·•.…,:;!?()[]{}\"'“”„–—-_/\\ \t\n\u00a0"
_INT_TEXT = re.compile(r"^\[?\(?(\d{1,4})\)?\]?$")
_NEXT_CLASS = re.compile(r"(?<![a-z])next(?![a-z])", re.I)
_CURRENT_CLASS = re.compile(
    r"(?<![a-z])(?:current|active|selected|on|cur|is-current|is-active|aktif|aktiv|activo|activa|attivo|actief)(?![a-z])",
    re.I)

_LISTING_SEGMENTS = frozenset(
    """category categories cat tag tags topic topics theme themes author authors writer writers
    section sections rubric rubrics rubrika rubriki page pages search label labels user users
    profile login register signup subscribe feed rss about contact contacts privacy terms
    kategoriya kategoriyalar teg tegi tegler avtor""".split()
)
_ID_PARAMS = frozenset(
    "id p nid aid sid newsid news_id article article_id articleid story storyid story_id item itemid "
    "item_id element_id post postid post_id doc docid".split()
)
_PAGE_PARAMS = frozenset(
    "page paged p pg pagenum page_num pageno pn pagina seite strana stranitsa sahifa bet sayfa strona "
    "halaman trang sivu side".split()
)
_OFFSET_PARAMS = frozenset(("start", "offset", "from", "skip", "limitstart"))
_PAGE_SEGMENT = re.compile(r"^(?:page|seite|pagina|strana|stranitsa|sahifa|bet|sayfa|strona|halaman|trang|p)$", re.I)
_PAGE_FILE = re.compile(r"^(.{0,40}?)[_-](\d{1,4})(\.[a-z]{2,5})$", re.I)
_EXTENSIONS = (".html", ".htm", ".shtml", ".php", ".aspx", ".asp", ".jsp", ".cfm", ".xhtml")
_DIGITS4 = re.compile(r"\d{4,}")
_DATE_IN_NAME = re.compile(r"(?:19|20)\d{2}-?[01]\d-?[0-3]\d")
_WORD_SPLIT = re.compile(r"[-_.+~,]")

# Dates as teasers print them; applied to short blocks only. Year 19xx/20xx.
_MONTH = r"[^\W\d_]{3,12}\.?"
_YEAR = r"(?:19|20)\d{2}"
_CLOCK = r"\d{1,2}:\d{2}"
_DATE_TEXT = re.compile(
    rf"""
      {_YEAR}-[01]?\d-[0-3]?\d(?:[T\ ]{_CLOCK})?
    | {_YEAR}/[01]?\d/[0-3]?\d(?:\ {_CLOCK})?
    | [0-3]?\d[./][01]?\d[./]{_YEAR}(?:,?\ (?:-\ )?{_CLOCK})?
    | {_YEAR}\s?年\s?[01]?\d\s?月\s?[0-3]?\d\s?日(?:\s?{_CLOCK})?
    | [01]?\d月[0-3]?\d日(?:\s?{_CLOCK})?
    | [0-3]?\d(?:st|nd|rd|th|-|\.|º)?\s?(?:de\s)?{_MONTH},?\s(?:de\s)?{_YEAR}(?:,?\s(?:at\s|в\s|um\s|à\s|-\s)?{_CLOCK})?
    | {_MONTH}\s[0-3]?\d(?:st|nd|rd|th)?,?\s{_YEAR}(?:,?\s(?:at\s)?{_CLOCK})?
    | {_YEAR}(?:-yil|\sжылғы|\sжылдын|\sйил|\sг\.)?,?\s[0-3]?\d(?:-|\s){_MONTH}
    | \d{{1,3}}\s[^\W\d_]{{3,12}}\s(?:ago|назад|oldin|бұрын|мурун|пеш)
    | \d{{1,3}}\s?(?:分|時間|日|分钟|小时|天)前
    | (?:today|yesterday|сегодня|вчера|bugun|kecha|бүгін|кеше),?\s(?:at\s|в\s)?{_CLOCK}
    """,
    re.X | re.I,
)
_HAS_DIGIT = re.compile(r"\d")
_BULLETS = "•·▪▫►▸◆◇■□●○‣∙ \u00a0"  # decoration before a headline


# --------------------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------------------


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    host = host.split(":")[0]
    return host[4:] if host.startswith("www.") else host


_SECOND_LEVEL = frozenset("co com org net gov edu ac or ne go mil nic gob gv".split())


@lru_cache(maxsize=1024)
def _site(host: str) -> str:
    """The registrable part of a host, near enough without the public suffix list:
    ``uk.news.yahoo.com`` -> ``yahoo.com``, ``news.bbc.co.uk`` -> ``bbc.co.uk``."""
    if not host or host[-1].isdigit() or host.startswith("["):
        return host  # an IP address
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _same_site(a: str, b: str) -> bool:
    return a == b or _site(a) == _site(b)


@lru_cache(maxsize=8192)
def _key(url: str) -> str:
    """Comparison form: no fragment, no ``www.``, no trailing slash, lower-case host."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return f"{_host(parts.netloc)}{path}?{parts.query}" if parts.query else f"{_host(parts.netloc)}{path}"


@lru_cache(maxsize=8192)
def url_score(url: str) -> float:
    """How much a URL looks like an article's (> 0) rather than a listing's or a page's (< 0).

    Slug-like segments (three words or twenty characters), four or more digits, a date in
    the path and ``?id=``-like queries raise it; category/tag/author/search/page
    segments, a bare one-word section path and the site root lower it.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not segments and not query:
        return -3.0
    score = 0.0
    lowered = [s.lower() for s in segments]
    stems = [_stem(s) for s in lowered]
    if any(s in _LISTING_SEGMENTS for s in stems[:-1]) or (stems and stems[-1] in _LISTING_SEGMENTS):
        score -= 2.0
    words = max((len([w for w in _WORD_SPLIT.split(s) if w]) for s in stems), default=0)
    longest = max((len(s) for s in stems), default=0)
    if words >= 3 or longest >= 20:
        score += 2.0
    if any(_DIGITS4.search(s) for s in stems) or (stems and stems[-1].isdigit() and len(stems[-1]) >= 3):
        score += 1.5
    if any(_is_date_segment(s) for s in stems) or any(_DATE_IN_NAME.search(s) for s in stems):
        score += 1.0
    if any(k.lower() in _ID_PARAMS and v.isdigit() for k, v in query):
        score += 2.0
    if len(segments) == 1 and not query and words < 3 and longest < 20 and not _HAS_DIGIT.search(stems[0]):
        score -= 1.0
    return score


def _is_date_segment(segment: str) -> bool:
    """``2025``, ``2025-12``, ``2025-12-07``, ``20251207``: a year (1900-2099), then digits."""
    if len(segment) > 10 or segment[:2] not in ("19", "20") or not segment[:4].isdigit():
        return False
    rest = segment[4:].replace("-", "").replace("_", "")
    return rest == "" or (rest.isdigit() and len(rest) <= 4)


def _stem(segment: str) -> str:
    dot = segment.rfind(".")
    if dot > 0 and segment[dot:] in _EXTENSIONS:
        return segment[:dot]
    return segment


@dataclass(frozen=True)
class _PagePos:
    """A URL split into its listing (``key``) and its position in it."""

    key: str
    kind: str | None  # "path", "file", "tail", "param:<name>", "offset:<name>" or None
    value: int | None


@lru_cache(maxsize=8192)
def _page_pos(url: str) -> _PagePos:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    kind: str | None = None
    value: int | None = None
    kept = []
    for name, v in query:
        lname = name.lower()
        if kind is None and v.isdigit() and len(v) <= 6:
            if lname in _PAGE_PARAMS:
                kind, value = f"param:{lname}", int(v)
                continue
            if lname in _OFFSET_PARAMS:
                kind, value = f"offset:{lname}", int(v)
                continue
        kept.append((name, v))
    segments = [s for s in parts.path.split("/") if s]
    if kind is None and segments:
        if len(segments) >= 2 and segments[-1].isdigit() and len(segments[-1]) <= 4 and _PAGE_SEGMENT.match(segments[-2]):
            kind, value = "path", int(segments[-1])
            segments = segments[:-2]
        elif (m := _PAGE_FILE.match(segments[-1])) is not None:
            kind, value = "file", int(m.group(2))
            segments = [*segments[:-1], m.group(1) + m.group(3)]
        elif len(segments) >= 2 and segments[-1].isdigit() and len(segments[-1]) <= 3:
            kind, value = "tail", int(segments[-1])
            segments = segments[:-1]
    path = "/" + "/".join(segments)
    key = _host(parts.netloc) + path + ("?" + urlencode(sorted(kept)) if kept else "")
    return _PagePos(key, kind, value)


def _first_value(kind: str | None) -> int:
    return 0 if kind and kind.startswith("offset:") else 1


# --------------------------------------------------------------------------------------
# Text helpers (bounded)
# --------------------------------------------------------------------------------------


def _squeeze(text: str) -> str:
    return " ".join(text.split())


_GO, _SKIP_SUBTREE, _STOP = 0, 1, 2


def _walk_tree(root: Any, visit: Any, limit: int) -> None:
    """Depth-first walk of ``root``'s subtree, at most ``limit`` nodes.

    ``visit("start", element)`` may answer ``_SKIP_SUBTREE`` (``visit("end", element)``
    still follows) or ``_STOP``; comments and processing instructions are
    ``visit("other", node)`` (their tails are text). lxml's ``iterwalk`` asked for
    comment events slows down quadratically on long runs of comments; plain child
    iteration does not.
    """
    if visit("start", root) != _GO:
        visit("end", root)
        return
    stack = [(root, iter(root))]
    count = 0
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if visit("end", node) == _STOP:
                return
            continue
        count += 1
        if count > limit:
            return
        if not isinstance(child.tag, str):
            if visit("other", child) == _STOP:
                return
            continue
        answer = visit("start", child)
        if answer == _STOP:
            return
        if answer == _SKIP_SUBTREE:
            if visit("end", child) == _STOP:
                return
            continue
        stack.append((child, iter(child)))


def _bounded_text(el: Any, limit: int = MAX_LINK_TEXT) -> str:
    """Visible text of ``el`` (scripts and styles left out), at most ``limit`` characters."""
    parts: list[str] = []
    size = 0

    def add(piece: str | None) -> int:
        nonlocal size
        if piece:
            parts.append(piece[: limit - size + 1])
            size += len(piece)
        return _STOP if size > limit else _GO

    def visit(event: str, node: Any) -> int:
        if event == "other":
            return add(node.tail)
        tag = node.tag
        if event == "start":
            if tag in _SKIP:
                return _SKIP_SUBTREE
            if tag in _BLOCK_TAGS:
                parts.append(" ")
            return add(node.text)
        if tag in _BLOCK_TAGS:
            parts.append(" ")
        return add(node.tail) if node is not el else _GO

    _walk_tree(el, visit, MAX_TEXT_EVENTS)
    return _squeeze("".join(parts))[:limit]


def _weight(text: str) -> float:
    """Words in ``text``; a CJK/kana character counts half a word (first 2,000 characters)."""
    if not text:
        return 0.0
    text = text[:2000]
    if text.isascii():
        return float(len(text.split()))
    cjk = 0
    for ch in text:
        code = ord(ch)
        if 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xAC00 <= code <= 0xD7AF:
            cjk += 1
    if not cjk:
        return float(len(text.split()))
    return len(text.split()) - 1 + cjk / 2 if cjk < len(text) else cjk / 2


def _label(text: str) -> str:
    return _squeeze(text.strip(_STRIP_LABEL)).lower()


def _is_read_more(text: str) -> bool:
    return _label(text) in _READ_MORE


# --------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------


class _Node:
    """What the walk knows about one element."""

    __slots__ = ("el", "idx", "parent", "tag", "path", "cpath", "chrome", "main", "heading",
                 "aurl", "multi", "child_tags")

    def __init__(self, el: Any, idx: int, parent: _Node | None, tag: str) -> None:
        self.el = el
        self.idx = idx
        self.parent = parent
        self.tag = tag
        self.path = ""  # tags from the root
        self.cpath = ""  # tags with their first class below <body> (the signature's path)
        self.chrome = False  # this element or an ancestor is page furniture
        self.main = False  # this element or an ancestor is the main content
        self.heading: Any = None  # the nearest h1-h6 ancestor-or-self
        self.aurl: str | None = None  # the one article URL of title-like links inside
        self.multi = False  # title-like links to several URLs inside
        self.child_tags: list[str] = []


class _Link:
    __slots__ = ("node", "url", "key", "text", "weight", "score", "title_like", "pagination",
                 "heading", "rel", "pos")

    def __init__(self, node: _Node, url: str) -> None:
        self.node = node
        self.url = url
        self.key = _key(url)
        self.text = ""
        self.weight = 0.0
        self.score = 0.0
        self.title_like = False
        self.pagination = False
        self.heading: Any = None
        self.rel = ""
        self.pos: _PagePos | None = None


def _classkey(el: Any) -> str:
    cls = (el.get("class") or "").split()
    if not cls:
        return ""
    return "".join(c for c in cls[0] if not c.isdigit())


def _own_chrome(el: Any, tag: str) -> bool:
    if tag in _CHROME_TAGS:
        return True
    role = el.get("role")
    if role and role.lower() in _CHROME_ROLES:
        return True
    labels = " ".join(filter(None, (el.get("class"), el.get("id"))))
    return bool(labels) and _CHROME_WORDS.search(labels) is not None


def _own_main(el: Any, tag: str) -> bool:
    if tag == "main" or (el.get("role") or "").lower() == "main":
        return True
    ident = el.get("id")
    return bool(ident) and _MAIN_WORDS.match(ident) is not None


class _Page:
    def __init__(self, root: Any, url: str) -> None:
        self.url = url
        self.base = url
        self.head_next: list[str] = []
        self.nodes: list[_Node] = []
        self.by_el: dict[Any, _Node] = {}
        self.anchors: list[tuple[_Node, str]] = []  # (a node, raw href)
        self.truncated = False
        self._read_head(root)
        body = root.find("body") if root.tag == "html" else None
        self._walk(body if body is not None else root)

    def _read_head(self, root: Any) -> None:
        head = root.find("head") if root.tag == "html" else None
        if head is None:
            return
        for n, el in enumerate(head.iter("link", "base")):
            if n >= MAX_HEAD_ELEMENTS:
                break
            href = (el.get("href") or "").strip()
            if not href:
                continue
            if el.tag == "base":
                self.base = urljoin(self.url, href)
            elif "next" in (el.get("rel") or "").lower().split():
                self.head_next.append(href)

    def _walk(self, top: Any) -> None:
        walker = etree.iterwalk(top, events=("start", "end"))
        stack: list[_Node] = []
        count = 0
        for event, el in walker:
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if event == "end":
                if stack and stack[-1].el is el:
                    stack.pop()
                continue
            if tag in _SKIP:
                walker.skip_subtree()
                continue
            if count >= MAX_ELEMENTS:
                self.truncated = True
                break
            parent = stack[-1] if stack else None
            node = _Node(el, count, parent, tag)
            count += 1
            if parent is None:
                node.path = node.cpath = tag
            elif len(stack) > MAX_PATH_DEPTH:
                node.path, node.cpath = parent.path, parent.cpath
            else:
                node.path = f"{parent.path}/{tag}"
                classkey = _classkey(el) if tag != "body" else ""
                node.cpath = f"{parent.cpath}/{tag}.{classkey}" if classkey else f"{parent.cpath}/{tag}"
            if parent is not None:
                node.chrome = parent.chrome or _own_chrome(el, tag)
                node.main = parent.main or _own_main(el, tag)
                node.heading = el if tag in _HEADINGS else parent.heading
                if len(parent.child_tags) < 12:
                    parent.child_tags.append(tag)
            else:
                node.heading = el if tag in _HEADINGS else None
            self.nodes.append(node)
            self.by_el[el] = node
            stack.append(node)
            if tag == "a":
                href = el.get("href")
                if href:
                    if len(self.anchors) >= MAX_LINKS:
                        self.truncated = True
                        break
                    self.anchors.append((node, href.strip()))


# --------------------------------------------------------------------------------------
# Teasers
# --------------------------------------------------------------------------------------


@dataclass
class _Block:
    node: _Node
    url: str
    link: _Link
    score: float = 0.0
    title: str = ""
    summary: str | None = None
    date: str | None = None
    heading: bool = False


def _links(page: _Page) -> list[_Link]:
    """Same-site links that could lead to an article, with their texts and scores."""
    page_host = _host(urlsplit(page.url).netloc)
    self_key = _key(page.url)
    self_pos = _page_pos(page.url)
    found = []
    joined: dict[str, str] = {}
    for node, href in page.anchors:
        if not href or href.startswith("#"):
            continue
        low = href[:11].lower()
        if low.startswith(("javascript:", "mailto:", "tel:", "data:", "sms:", "whatsapp:")):
            continue
        url = joined.get(href)
        if url is None:
            try:
                url = urljoin(page.base, href).split("#", 1)[0]
            except ValueError:
                continue
            joined[href] = url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not _same_site(_host(parts.netloc), page_host):
            continue
        link = _Link(node, url)
        link.rel = (node.el.get("rel") or "").lower()
        link.text = _bounded_text(node.el)
        if not link.text:
            link.text = _squeeze(node.el.get("title") or "")[:MAX_LINK_TEXT]
        link.weight = _weight(link.text)
        link.heading = node.heading if node.heading is not None else _heading_inside(node.el)
        link.pos = _page_pos(url)
        if link.key == self_key:
            link.pagination = True
        elif link.pos.key == self_pos.key and link.pos.kind is not None and link.weight <= 3:
            link.pagination = True
        elif self_pos.kind is not None and link.pos.key == self_pos.key and link.pos.kind is None and link.weight <= 3:
            link.pagination = True  # the listing's first page, from page N
        if not link.pagination:
            link.score = url_score(url)
            link.title_like = (
                link.weight >= 2
                and not _is_read_more(link.text)
                and (link.score > 0 or (link.score >= 0 and (link.weight >= 4 or link.heading is not None)))
            )
        found.append(link)
    return found


def _heading_inside(el: Any) -> Any:
    """An h1-h6 inside a link that wraps a whole card."""
    return next(el.iter("h1", "h2", "h3", "h4", "h5", "h6"), None)


def _mark_article_urls(links: Iterable[_Link]) -> None:
    """Set ``aurl``/``multi`` on the ancestors of every title-like link."""
    for link in links:
        if not link.title_like:
            continue
        node: _Node | None = link.node
        url = link.key
        while node is not None:
            if node.multi:
                break
            if node.aurl is None:
                node.aurl = url
            elif node.aurl != url:
                node.multi = True
            node = node.parent


def _block_of(link: _Link) -> _Node:
    node = link.node
    while node.parent is not None and not node.parent.multi and node.parent.parent is not None:
        node = node.parent
    return node


def find_teasers(
    page: Any, url: str, *, languages: Sequence[str] = (), hint: str | None = None
) -> AutoListing:
    """The teasers and the next page of one listing page.

    ``page`` is a parsel ``Selector`` (or anything with a ``.selector``, e.g. a Scrapy
    ``HtmlResponse``) of the page served at ``url`` (the base for relative links).
    ``languages`` (e.g. ``("ru", "en")``) are tried first for next-page labels; every
    language's labels are understood. ``hint`` is the ``signature`` of the teasers found on
    another page of the same listing (e.g. the previous one): a group of teasers with that
    signature is taken even when it is small, as on a last page with two teasers beside a
    longer "latest news" column.
    """
    sel = getattr(page, "selector", page)
    root = getattr(sel, "root", None)
    if not isinstance(root, etree._Element):
        return AutoListing()
    if root.tag != "html":
        html = root.getroottree().getroot()
        root = html if isinstance(html.tag, str) else root
    doc = _Page(root, url)
    links = _links(doc)
    _mark_article_urls(links)
    blocks, rule, signature = _choose_blocks(doc, links, hint)
    teasers: list[Teaser] = []
    seen: set[str] = set()
    for block in blocks:
        key = _key(block.url)
        if key in seen or not block.title:
            continue
        seen.add(key)
        teasers.append(Teaser(block.url, block.title, block.summary, block.date))
        if len(teasers) >= MAX_TEASERS:
            break
    next_url, next_rule = _next_page(doc, links, teasers, languages)
    return AutoListing(
        teasers=tuple(teasers),
        next_page=next_url,
        teaser_rule=rule if teasers else None,
        next_rule=next_rule,
        signature=signature if teasers else None,
        examined=len(doc.nodes),
        truncated=doc.truncated,
    )


def _choose_blocks(doc: _Page, links: list[_Link], hint: str | None = None) -> tuple[list[_Block], str | None, str | None]:
    by_node: dict[_Node, list[_Link]] = {}
    for link in links:
        if link.title_like:
            by_node.setdefault(_block_of(link), []).append(link)
    if not by_node:
        return [], None, None
    # Sibling groups: same parent, same tag.
    siblings: dict[tuple[int, str], list[_Node]] = {}
    for node in by_node:
        parent = node.parent
        siblings.setdefault((id(parent), node.tag), []).append(node)
    # Merge sibling groups in containers of the same kind and the same block shape.
    merged: dict[tuple[Any, ...], list[_Node]] = {}
    for (_, tag), nodes in siblings.items():
        parent = nodes[0].parent
        assert parent is not None
        shape = Counter(tuple(n.child_tags) for n in nodes).most_common(1)[0][0]
        rel = Counter(_relpath(n, _main_link(by_node[n])) for n in nodes).most_common(1)[0][0]
        key = (parent.path, _classkey(parent.el), parent.chrome, tag, shape, rel)
        merged.setdefault(key, []).extend(nodes)
    cache: dict[_Node, _Block] = {}
    if hint:
        hinted = _hinted_blocks(links, hint)
        if hinted:
            return _finish(doc, hinted, by_node, merged, cache, hint, hinted[0].node.tag)
    ranked: list[tuple[tuple[float, int, int], tuple[Any, ...], list[_Block]]] = []
    for key, nodes in merged.items():
        if len({by_node[n][0].key for n in nodes}) < MIN_GROUP:
            continue
        nodes = sorted(nodes, key=lambda n: n.idx)[:MAX_TEASERS]
        blocks = [cache.get(n) or cache.setdefault(n, _describe(n, by_node[n])) for n in nodes]
        mean = sum(b.score for b in blocks) / len(blocks)
        score = mean * math.sqrt(min(len(blocks), GROUP_SIZE_CAP))
        parent = nodes[0].parent
        assert parent is not None
        if parent.chrome:
            score *= CHROME_FACTOR
        if parent.main:
            score *= MAIN_FACTOR
        rank = (round(score, 6), len(blocks), -min(n.idx for n in nodes))
        if score >= MIN_GROUP_SCORE:
            ranked.append((rank, key, blocks))
    chosen = max(ranked, key=lambda r: r[0], default=None)
    if chosen is None:
        fallback = [
            cache.get(n) or _describe(n, ls)
            for n, ls in by_node.items()
            if not (n.parent is not None and n.parent.chrome)
        ]
        fallback = [b for b in fallback if b.heading]
        fallback.sort(key=lambda b: b.node.idx)
        return fallback, (RULE_HEADING_LINKS if fallback else None), None
    _, best_key, best_blocks = chosen
    container = best_blocks[0].node.parent
    assert container is not None
    return _finish(doc, best_blocks, by_node, merged, cache, f"{container.cpath} > {best_key[3]}", best_key[3])


def _finish(doc: _Page, blocks: list[_Block], by_node: dict[_Node, list[_Link]],
            merged: dict[tuple[Any, ...], list[_Node]], cache: dict[_Node, _Block],
            signature: str, tag: str) -> tuple[list[_Block], str | None, str | None]:
    """The chosen group, completed: siblings with a related link, lifted blocks, lead story, tails."""
    group_size = {n: len(nodes) for nodes in merged.values() for n in nodes}
    blocks = _with_siblings(blocks, by_node)
    blocks = _lift_to_parents(blocks, by_node)
    blocks = blocks + _featured(blocks, by_node, group_size, cache)
    _read_tails(blocks, doc.base)
    rule = RULE_HEADING_LINKS if tag in _HEADINGS and blocks[0].node.tag in _HEADINGS else RULE_REPEATED_BLOCKS
    blocks.sort(key=lambda b: b.node.idx)
    return blocks, rule, signature


def _hinted_blocks(links: list[_Link], hint: str) -> list[_Block]:
    """The blocks at the place ``hint`` (a signature from another page) names, if any."""
    path, sep, tag = hint.rpartition(" > ")
    if not sep or not path or not tag:
        return []
    found: dict[_Node, list[_Link]] = {}
    for link in links:
        if not link.title_like:
            continue
        cur: _Node | None = link.node
        for _ in range(64):
            if cur is None or cur.parent is None:
                break
            parent = cur.parent
            if cur.tag == tag and parent.cpath == path and not parent.chrome:
                found.setdefault(cur, []).append(link)
                break
            cur = parent
    by_parent: dict[int, list[_Block]] = {}
    for node, ls in found.items():
        if len({l.key for l in ls}) > MAX_LINKS_PER_BLOCK:
            continue  # a container, not a teaser
        main = _main_link(ls)
        by_parent.setdefault(id(node.parent), []).append(
            _describe(node, [l for l in ls if l.key == main.key], main=main)
        )
    if not by_parent:
        return []
    # Same place, different kinds of block (a class-less "popular" table beside the news
    # table): sibling groups of one shape and headline position together, the best
    # scored kind wins, as on a page without a hint.
    merged: dict[tuple[Any, ...], list[_Block]] = {}
    for blocks in by_parent.values():
        shape = Counter(tuple(b.node.child_tags) for b in blocks).most_common(1)[0][0]
        rel = Counter(_relpath(b.node, b.link) for b in blocks).most_common(1)[0][0]
        merged.setdefault((shape, rel), []).extend(blocks)
    return max(
        merged.values(),
        key=lambda bs: (sum(b.score for b in bs) / len(bs) * math.sqrt(min(len(bs), GROUP_SIZE_CAP)), len(bs)),
    )


def _lift_to_parents(blocks: list[_Block], by_node: dict[_Node, list[_Link]]) -> list[_Block]:
    """Teasers holding a second article link (a "see also") are their parents, not their headings.

    When every block is the only one of the group in its parent, and those parents are
    same-tag siblings holding at most MAX_LINKS_PER_BLOCK article URLs each, the parent is
    the teaser: its summary and date are read there.
    """
    parents = [b.node.parent for b in blocks]
    if len(blocks) < MIN_GROUP or any(p is None or p.parent is None or p.parent.parent is None for p in parents):
        return blocks
    if len(set(map(id, parents))) != len(parents) or len({p.tag for p in parents}) != 1:  # type: ignore[union-attr]
        return blocks
    if len({id(p.parent) for p in parents}) > len(parents) // 2 + 1:  # type: ignore[union-attr]
        return blocks  # parents are not repeated siblings
    urls: dict[_Node, set[str]] = {}
    for node, links in by_node.items():
        cur = node.parent
        for _ in range(3):
            if cur is None:
                break
            urls.setdefault(cur, set()).update(l.key for l in links)
            cur = cur.parent
    if any(len(urls.get(p, ())) > MAX_LINKS_PER_BLOCK for p in parents):  # type: ignore[arg-type]
        return blocks
    lifted = []
    for b, parent in zip(blocks, parents):
        assert parent is not None
        own = [l for l in by_node.get(b.node, []) if l.key == b.link.key] or [b.link]
        new = _describe(parent, own, main=b.link)
        new.title = b.title
        lifted.append(new)
    return lifted


def _url_shape(url: str) -> tuple[int, str]:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return len(segments), (segments[0].lower() if segments else "")


def _featured(blocks: list[_Block], by_node: dict[_Node, list[_Link]], group_size: dict[_Node, int],
              cache: dict[_Node, _Block]) -> list[_Block]:
    """A lead story in a wrapper of its own, next to the chosen group.

    A block alone of its kind joins when its headline is in a heading, it has a summary
    or a date, it is outside page furniture, it sits inside the chosen group's container's
    parent (not the page body), and its URL has the group's shape (path depth and first
    segment).
    """
    if not blocks:
        return []
    container = blocks[0].node.parent
    region = container.parent if container is not None else None
    if region is None or region.parent is None or region.tag in ("body", "html"):
        return []
    shapes = Counter(_url_shape(b.url) for b in blocks)
    (depth, first), count = shapes.most_common(1)[0]
    if count * 10 < len(blocks) * 6:
        return []
    firsts = Counter(_url_shape(b.url)[1] for b in blocks)
    shared_first = firsts.most_common(1)[0][1] * 10 >= len(blocks) * 6
    have = {_key(b.url) for b in blocks}
    members = {b.node for b in blocks}
    extra = []
    for node, links in by_node.items():
        if group_size.get(node, 0) != 1 or node in members or node.chrome or (node.parent and node.parent.chrome):
            continue
        if not _inside(node, region):
            continue
        block = cache.get(node) or _describe(node, links)
        if not block.heading or not (block.summary or block.date) or _key(block.url) in have:
            continue
        d, f = _url_shape(block.url)
        if d != depth or (shared_first and f != first):
            continue
        extra.append(block)
        have.add(_key(block.url))
    return extra


def _relpath(node: _Node, link: _Link) -> str:
    parts = []
    cur: _Node | None = link.node
    while cur is not None and cur is not node and len(parts) < 8:
        parts.append(cur.tag)
        cur = cur.parent
    return "/".join(reversed(parts))


def _main_link(links: list[_Link]) -> _Link:
    """The headline link of a block: in or around a heading first, then the longest text."""
    return max(links, key=lambda l: (l.heading is not None, l.weight, -l.node.idx))


def _with_siblings(blocks: list[_Block], by_node: dict[_Node, list[_Link]]) -> list[_Block]:
    """Add same-tag siblings of the chosen blocks that hold a headline and a related link."""
    have = {b.node for b in blocks}
    urls = {_key(b.url) for b in blocks}
    tag = blocks[0].node.tag
    parents = {b.node.parent for b in blocks}
    inner: dict[_Node, list[_Link]] = {}
    for node, links in by_node.items():
        cur: _Node | None = node
        for _ in range(64):
            if cur is None or cur.parent in parents:
                break
            cur = cur.parent
        if cur is None or cur in have or cur.tag != tag or not cur.multi:
            continue
        inner.setdefault(cur, []).extend(links)
    extra: list[_Block] = []
    for child, found in inner.items():
        if len({l.key for l in found}) > MAX_LINKS_PER_BLOCK:
            continue
        main = _main_link(found)
        if main.key in urls or main.heading is None:
            continue
        extra.append(_describe(child, [l for l in found if l.key == main.key], main=main))
        urls.add(main.key)
    return blocks + extra


def _inside(node: _Node, ancestor: _Node) -> bool:
    cur: _Node | None = node
    for _ in range(64):
        if cur is None:
            return False
        if cur is ancestor:
            return True
        cur = cur.parent
    return False


def _describe(node: _Node, links: list[_Link], *, main: _Link | None = None) -> _Block:
    """Title, summary, date and score of one block."""
    main = main or _main_link(links)
    heading_el = main.heading
    title = main.text
    if heading_el is not None and _is_ancestor(main.node.el, heading_el):
        title = _bounded_text(heading_el)  # a link around a whole card: its heading is the title
    if not title:
        for link in links:
            if link.text:
                title = link.text
                break
    title = title.lstrip(_BULLETS)
    block = _Block(node, main.url, main, title=title)
    block.heading = heading_el is not None
    block.summary, block.date = _summary_and_date(node.el, title, {l.node.el for l in links})
    block.score = _block_score(block)
    return block


def _is_ancestor(ancestor: Any, el: Any) -> bool:
    cur = el.getparent()
    for _ in range(64):
        if cur is None:
            return False
        if cur is ancestor:
            return True
        cur = cur.getparent()
    return False


def _block_score(block: _Block) -> float:
    w = _weight(block.title)
    score = min(w, 12.0) / 3.0
    if block.heading:
        score += 1.5
    if block.summary:
        score += 1.5
    if block.date:
        score += 1.5
    score += 0.5 * max(-2.0, min(3.0, block.link.score))
    if w < 2:
        score *= 0.3
    return max(score, 0.0)


def _summary_and_date(el: Any, title: str, title_links: set[Any]) -> tuple[str | None, str | None]:
    """The longest text block of a teaser that is not its title or date, and its date."""
    date: str | None = None
    texts: list[str] = []
    date_texts: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            text = _squeeze("".join(buf))
            if text:
                texts.append(text)
            buf.clear()

    def visit(event: str, node: Any) -> int:
        nonlocal date
        if event == "other":
            if node.tail:
                buf.append(node.tail)
            return _GO
        tag = node.tag
        if event == "end":
            if tag in _BLOCK_TAGS:
                flush()
            if node is not el and node.tail:
                buf.append(node.tail)
            return _GO
        if tag in _BLOCK_TAGS:
            flush()
        if tag in _SKIP:
            return _SKIP_SUBTREE
        if tag == "time":
            if date is None:
                date = (node.get("datetime") or "").strip() or _bounded_text(node, 80) or None
            return _SKIP_SUBTREE
        labels = " ".join(filter(None, (node.get("class"), node.get("itemprop"))))
        if node is not el and labels and _DATE_CLASS.search(labels):
            text = _bounded_text(node, 120)
            if text and len(text) <= 80 and _HAS_DIGIT.search(text):
                date_texts.append(text)
                return _SKIP_SUBTREE
        if tag in _HEADINGS or tag in ("figcaption", "button", "form"):
            flush()
            return _SKIP_SUBTREE
        if tag == "a" and node is not el and not _has_block_child(node):
            return _SKIP_SUBTREE  # headline, kicker, "read more", category links
        if node.text:
            buf.append(node.text)
        return _GO

    _walk_tree(el, visit, 2 * MAX_BLOCK_ELEMENTS)
    flush()
    if date is None:
        for text in date_texts:
            m = _DATE_TEXT.search(text)
            date = m.group(0) if m else text
            break
    summary = None
    best = 0.0
    squeezed_title = _squeeze(title)
    for text in texts:
        if not text or text == squeezed_title:
            continue
        if len(text) <= MAX_DATE_BLOCK and date is None:
            m = _DATE_TEXT.search(text)
            if m:
                date = m.group(0)
                text = (text[: m.start()] + text[m.end():]).strip(" -–—|·•:,")
        w = _weight(text)
        if w >= 6 and w > best and not _is_read_more(text):
            if len(text) <= 40 and _DATE_TEXT.search(text):
                continue
            best, summary = w, text
    return summary, date


def _has_block_child(el: Any) -> bool:
    for n, child in enumerate(el.iter()):
        if n > 50:
            return True
        if child is not el and isinstance(child.tag, str) and child.tag in _BLOCK_TAGS and child.tag != "br":
            return True
    return False


def _read_tails(blocks: list[_Block], base: str) -> None:
    """Summary and date missing from a block, from its siblings up to the next block.

    Only where blocks and other siblings alternate: posts without a wrapper (``h2``, date
    line, paragraph) read the siblings after each heading; ``dt``/``dd`` lists, which
    start with a sibling and end with a block, read the ones before. Siblings holding a
    link elsewhere (pagination, another article) are not read.
    """
    starts = {b.node.el for b in blocks}
    by_parent: dict[int, list[_Block]] = {}
    for b in blocks:
        by_parent.setdefault(id(b.node.parent), []).append(b)
    for group in by_parent.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda b: b.node.idx)
        gaps = sum(
            1 for a, b in zip(group, group[1:]) if _next_element(a.node.el) is not b.node.el
        )
        if gaps * 2 < len(group) - 1:
            continue
        first, last = group[0].node.el, group[-1].node.el
        before_first = _previous_element(first) is not None
        after_last = _next_element(last) is not None
        backwards = before_first and not after_last
        for b in group:
            if b.summary and b.date:
                continue
            own = _key(b.url)
            sib = _previous_element(b.node.el) if backwards else _next_element(b.node.el)
            gap = []
            while sib is not None and sib not in starts and len(gap) < 6:
                if _links_elsewhere(sib, base, own):
                    break
                gap.append(sib)
                sib = _previous_element(sib) if backwards else _next_element(sib)
            for el in (reversed(gap) if backwards else gap):
                summary, date = _summary_and_date(el, b.title, set())
                if date and not b.date:
                    b.date = date
                if summary and not b.summary:
                    b.summary = summary


def _next_element(el: Any) -> Any:
    sib = el.getnext()
    while sib is not None and not isinstance(sib.tag, str):
        sib = sib.getnext()
    return sib


def _previous_element(el: Any) -> Any:
    sib = el.getprevious()
    while sib is not None and not isinstance(sib.tag, str):
        sib = sib.getprevious()
    return sib


def _links_elsewhere(el: Any, base: str, own: str) -> bool:
    for n, a in enumerate(el.iter("a")):
        if n > 20:
            return True
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        try:
            if _key(urljoin(base, href).split("#", 1)[0]) != own:
                return True
        except ValueError:
            return True
    return False


# --------------------------------------------------------------------------------------
# Next page
# --------------------------------------------------------------------------------------


def _label_table(languages: Sequence[str]) -> list[frozenset[str]]:
    preferred = [NEXT_LABELS[lang] for lang in languages if lang in NEXT_LABELS]
    rest = [labels for lang, labels in NEXT_LABELS.items() if lang not in languages]
    tiers = []
    if preferred:
        tiers.append(frozenset(w for labels in preferred for w in labels))
    tiers.append(frozenset(w for labels in rest for w in labels))
    return tiers


def _next_page(doc: _Page, links: list[_Link], teasers: list[Teaser], languages: Sequence[str]) -> tuple[str | None, str | None]:
    self_key = _key(doc.url)
    self_pos = _page_pos(doc.url)
    teaser_keys = {_key(t.url) for t in teasers}
    current = self_pos.value if self_pos.value is not None else None

    def ok(url: str) -> bool:
        key = _key(url)
        if key == self_key or key in teaser_keys:
            return False
        pos = _page_pos(url)
        if pos.key == self_pos.key:
            if pos.kind is None:
                return False  # the listing's first page, seen from a later one
            if self_pos.kind is not None and pos.kind != self_pos.kind:
                return True
            here = current if current is not None else _first_value(pos.kind)
            if pos.value is not None and pos.value <= here:
                return False
        return True

    def pick(candidates: list[_Link]) -> _Link | None:
        """The candidate closest after the current page, else the first."""
        good = [c for c in candidates if ok(c.url)]
        if not good:
            return None
        numbered = [c for c in good if c.pos is not None and c.pos.key == self_pos.key and c.pos.value is not None]
        if numbered:
            return min(numbered, key=lambda c: (c.pos.value, c.node.idx))  # type: ignore[union-attr]
        return good[0]

    # rel=next
    for href in doc.head_next:
        url = urljoin(doc.base, href).split("#", 1)[0]
        if urlsplit(url).scheme in ("http", "https") and ok(url):
            return url, RULE_REL_NEXT
    rel = [l for l in links if "next" in l.rel.split()]
    chosen = pick(rel)
    if chosen is not None:
        return chosen.url, RULE_REL_NEXT

    # Labels
    tiers = _label_table(languages)
    by_tier: list[list[_Link]] = [[] for _ in tiers]
    symbols: list[_Link] = []
    classed: list[_Link] = []
    for link in links:
        if link.title_like and link.weight > 4:
            continue
        raw = link.text or link.node.el.get("aria-label") or link.node.el.get("title") or ""
        if _LAST_WORDS.search(raw) or _LAST_WORDS.search(link.node.el.get("title") or ""):
            continue
        label = _label(raw)
        stripped = raw.strip()
        matched = False
        for n, tier in enumerate(tiers):
            if label and (label in tier or _JA_NEXT_N.match(label)):
                by_tier[n].append(link)
                matched = True
                break
        if matched:
            continue
        for attr in ("aria-label", "title"):
            value = _label(link.node.el.get(attr) or "")
            if value and any(value in tier for tier in tiers):
                by_tier[-1].append(link)
                matched = True
                break
        if matched:
            continue
        if stripped and stripped.replace(" ", "") in _NEXT_SYMBOLS:
            symbols.append(link)
            continue
        own = link.node.el.get("class") or ""
        parent = link.node.el.getparent()
        parent_class = (parent.get("class") or "") if parent is not None else ""
        if _NEXT_CLASS.search(own) or (parent is not None and parent.tag == "li" and _NEXT_CLASS.search(parent_class)):
            if len(label) <= 20:
                classed.append(link)
    for group in by_tier:
        chosen = pick(group)
        if chosen is not None:
            return chosen.url, RULE_NEXT_LABEL
    numbered_url = _numbered(doc, links, ok, current)
    chosen = pick(symbols)
    if chosen is not None and (numbered_url is None or _key(numbered_url) == _key(chosen.url)):
        return chosen.url, RULE_NEXT_LABEL
    if numbered_url is not None:
        return numbered_url, RULE_NUMBERED
    chosen = pick(classed)
    if chosen is not None:
        return chosen.url, RULE_NEXT_LABEL
    url = _url_pattern(links, self_pos, ok, len(teasers))
    if url is not None:
        return url, RULE_URL_PATTERN
    return None, None


def _numbered(doc: _Page, links: list[_Link], ok: Any, current_from_url: int | None) -> str | None:
    """Numbered pagination: the link numbered one after the current page."""
    numbered: list[tuple[_Link, int]] = []
    for link in links:
        m = _INT_TEXT.match(link.text) if link.text and len(link.text) <= 8 else None
        if m:
            numbered.append((link, int(m.group(1))))
    if not numbered:
        return None
    # Group by pagination container: the parent, or the grandparent for <li>/<span> wrappers.
    containers: dict[int, tuple[Any, list[tuple[_Link, int]]]] = {}
    for link, n in numbered:
        container = _container(link.node.el)
        containers.setdefault(id(container), (container, []))[1].append((link, n))
    container, items = max(containers.values(), key=lambda c: (len(c[1]), -c[1][0][0].node.idx))
    current = _current_number(container, {l.node.el for l, _ in items})
    if current is None:
        for link, n in items:
            classes = " ".join(filter(None, (link.node.el.get("class"), (link.node.el.getparent().get("class") if link.node.el.getparent() is not None else None))))
            if link.node.el.get("aria-current") or (classes and _CURRENT_CLASS.search(classes)):
                current = n
                break
    if current is None and current_from_url is not None:
        current = current_from_url if current_from_url < 1000 else None
    if current is None:
        shown = sorted({n for _, n in items})
        current = 1
        for n in shown:
            if n == current:
                current += 1
            elif n > current:
                break
        # ``current`` is now the first number missing from the links: the page itself
    for link, n in items:
        if n == current + 1 and ok(link.url):
            return link.url
    return None


def _container(el: Any) -> Any:
    parent = el.getparent()
    if parent is None:
        return el
    if parent.tag in ("li", "span", "td", "b", "strong", "em", "font", "div") and len(parent) <= 2:
        grand = parent.getparent()
        if grand is not None:
            return grand
    return parent


def _current_number(container: Any, link_els: set[Any]) -> int | None:
    """The number shown without a link (or marked current) inside a pagination container."""
    for n, el in enumerate(container.iter()):
        if n > 300:
            break
        if not isinstance(el.tag, str) or el in link_els or el is container:
            continue
        if el.tag == "a" and el.get("href") and not el.get("aria-current"):
            continue
        if len(el) > 1:
            continue
        text = _squeeze(el.text or "") if len(el) == 0 else _bounded_text(el, 20)
        m = _INT_TEXT.match(text) if text and len(text) <= 8 else None
        if m:
            inner = el[0] if len(el) == 1 else None
            if inner is not None and inner in link_els:
                continue
            return int(m.group(1))
    return None


def _url_pattern(links: list[_Link], self_pos: _PagePos, ok: Any, teasers: int) -> str | None:
    """A link to this listing with the page number one higher (or the offset advanced)."""
    candidates = [
        l for l in links
        if l.pos is not None and l.pos.key == self_pos.key and l.pos.kind is not None and l.pos.value is not None
        and l.weight <= 4 and ok(l.url)
    ]
    if not candidates:
        return None
    kind = self_pos.kind or Counter(l.pos.kind for l in candidates).most_common(1)[0][0]  # type: ignore[union-attr]
    same = [l for l in candidates if l.pos.kind == kind]  # type: ignore[union-attr]
    if not same:
        return None
    here = self_pos.value if self_pos.value is not None else _first_value(kind)
    if kind.startswith("offset:"):
        wanted = here + teasers if teasers else None
    else:
        wanted = here + 1
    for l in same:
        if l.pos.value == wanted:  # type: ignore[union-attr]
            return l.url
    if not kind.startswith("offset:"):
        return None  # page numbers: only the very next one (a link to page 9 is "last")
    after = [l for l in same if l.pos.value > here]  # type: ignore[union-attr,operator]
    if not after:
        return None
    return min(after, key=lambda l: (l.pos.value, l.node.idx)).url  # type: ignore[union-attr]
