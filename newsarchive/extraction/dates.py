"""Turn the date strings news pages show into timezone-aware datetimes.

News pages print dates in a handful of shapes over and over (ISO 8601 in metadata,
``07 December 2025`` or ``7 декабря 2025 г., 14:30`` in bylines, ``2 hours ago`` on
fresh items). ``dateparser`` understands all of them but costs about a millisecond per
string, so :func:`normalize_date` first tries a *fast path* (precompiled regexes and one
month-name table for English, Russian, Kazakh, Kyrgyz and Uzbek in Latin and Cyrillic
script) and only hands the rest to ``dateparser``.

Rules (all explicit, none depend on the machine running the code):

* Every result is timezone-aware. A string that states its offset keeps it; a naive
  one is localised to ``timezone`` (an IANA name or a ``tzinfo``; default UTC).
* Relative (``2 hours ago``, ``вчера, 14:30``) and year-less (``Dec 20``) dates are
  resolved against ``relative_base`` -- pass the time the page was fetched (the HTTP
  ``Date`` header). Only when it is ``None`` is the current clock used. A naive
  ``relative_base`` is read as wall time in ``timezone``.
* A year-less date never lands after ``relative_base``: when the day in this year is
  still to come (compared as calendar dates in ``timezone``), the previous year is used.
  A time without a date (``14:30``) means today, or yesterday if that is still to come.
* Numeric dates with a separator (``07.12.2025``, ``07/12/2025``, ``07-12-2025``) are
  read day-first, unless that is impossible (``12/31/2025``); pass ``day_first=False``
  for sites that print month-first dates. ``2025/12/07`` (year first) is always Y/M/D.
* Precision is never invented: a date without a time is midnight (``yesterday`` too),
  a month without a day (``December 2025``) is its first day; Unix timestamps (seconds
  or milliseconds, numbers or digit strings as in meta tags) are UTC.
* Plausible range: from 1990-01-01 to two days after ``relative_base``. Anything else
  (``31.02.2025``, ``2025-13-45``, year 9999, timestamps of 0) gives ``None``.
* What the fast path does not recognise goes to ``dateparser``, but without a
  ``languages`` hint only when the string contains a plausible four-digit year
  (1990 .. next year): ``dateparser``'s language detection is slow (10-50 ms) and guesses
  wildly on junk such as ``Page 2 of 10`` or ``n/a``. So relative and year-less dates
  are understood without a hint in the fast-path languages only (``2 hours ago``,
  ``вчера, 14:30``, ``кеше``, ``5 daqiqa oldin``, ``Dec 20``); pass ``languages`` for
  others (``vor 2 Stunden`` with ``languages=["de"]``). Strings with characters no date
  uses (``= % © $``) and strings over 100 characters are never handed to dateparser, nor,
  without a ``languages`` hint, strings of more than 12 words (its language detection
  takes up to half a second on a long run of words; no date needs that many).
* Never raises on bad input: huge numbers (``10**400``), ``"3000 years ago"`` and
  ``"999999999999 days ago"`` give ``None``. Work per call is bounded: the fast path sees
  at most 200 characters, dateparser at most 100.
"""

from __future__ import annotations

import email.utils
import functools
import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone as dt_timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

__all__ = ["MIN_DATE", "FUTURE_SLACK", "DateparserBudget", "format_iso", "normalize_date", "resolve_timezone"]

UTC = dt_timezone.utc
MIN_DATE = datetime(1990, 1, 1, tzinfo=UTC)
"""Earliest publication date accepted: older values on news pages are event dates or junk."""
FUTURE_SLACK = timedelta(days=2)
"""How far after ``relative_base`` a date may lie (clock skew, time zones, embargoes)."""

_MAX_DATEPARSER_LEN = 100  # longer strings are prose, not dates; dateparser is slow on them
_MAX_GUESSED_WORDS = 12  # without a language hint, more words are prose (and slow to guess)


# --------------------------------------------------------------------------- tables

def _months() -> dict[str, int]:
    names = {
        # English
        1: "january jan", 2: "february feb", 3: "march mar", 4: "april apr", 5: "may",
        6: "june jun", 7: "july jul", 8: "august aug", 9: "september sep sept",
        10: "october oct", 11: "november nov", 12: "december dec",
    }
    ru = {  # nominative, genitive, prepositional, abbreviations
        1: "январь января январе янв", 2: "февраль февраля феврале фев февр",
        3: "март марта марте мар", 4: "апрель апреля апреле апр", 5: "май мая мае",
        6: "июнь июня июне июн", 7: "июль июля июле июл", 8: "август августа августе авг",
        9: "сентябрь сентября сентябре сен сент", 10: "октябрь октября октябре окт",
        11: "ноябрь ноября ноябре ноя нояб", 12: "декабрь декабря декабре дек",
    }
    kk = {
        1: "қаңтар қаң", 2: "ақпан ақп", 3: "наурыз нау", 4: "сәуір сәу", 5: "мамыр мам",
        6: "маусым мау", 7: "шілде шіл", 8: "тамыз там", 9: "қыркүйек қыр", 10: "қазан қаз",
        11: "қараша қар", 12: "желтоқсан жел",
    }
    uz_cyrl = {  # Kyrgyz uses the Russian nominative forms; Uzbek drops the soft sign
        1: "январ", 2: "феврал", 3: "март", 4: "апрел", 5: "май", 6: "июн", 7: "июл",
        8: "август", 9: "сентябр", 10: "октябр", 11: "ноябр", 12: "декабр",
    }
    uz_latn = {
        1: "yanvar yan", 2: "fevral fev", 3: "mart", 4: "aprel", 5: "may", 6: "iyun iyn",
        7: "iyul iyl", 8: "avgust avg", 9: "sentabr sentyabr sen", 10: "oktabr oktyabr okt",
        11: "noyabr noy", 12: "dekabr dek",
    }
    table: dict[str, int] = {}
    for group in (names, ru, kk, uz_cyrl, uz_latn):
        for number, words in group.items():
            for word in words.split():
                table[word] = number
    return table


MONTHS = _months()
# Case/possessive endings glued to month names in Kazakh, Kyrgyz and Uzbek
# ("желтоқсанда", "декабрында", "dekabrdagi"), longest first.
_MONTH_SUFFIXES = ("дағы", "дегі", "тағы", "тегі", "ында", "инде", "dagi", "ning",
                   "да", "де", "та", "те", "ы", "і", "и", "da", "ь")

_WEEKDAYS = frozenset("""
monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri saturday sat sunday sun
понедельник вторник среда четверг пятница суббота воскресенье пн вт ср чт пт сб вс
дүйсенбі сейсенбі сәрсенбі бейсенбі жұма сенбі жексенбі
дүйшөмбү шейшемби шаршемби бейшемби жума ишемби жекшемби
dushanba seshanba chorshanba payshanba juma shanba yakshanba
душанба сешанба чоршанба пайшанба шанба якшанба
""".split())

# Words that may surround a date without changing it: labels, connectors, year markers.
_FILLER = frozenset("""
the of on at published posted updated date
в г года год от опубликовано дата публикации
ж жыл жылы жылғы жылдын жылдың жарияланды жарыяланды саат сағат
y yil yili yilning yilda soat йил йили соат
""".split()) - {"updated"}  # an "updated" label is meaningful to callers; keep it unknown

_DAY_WORDS = {
    "today": 0, "сегодня": 0, "бүгін": 0, "бүгүн": 0, "bugun": 0, "бугун": 0,
    "yesterday": 1, "вчера": 1, "кеше": 1, "кечээ": 1, "kecha": 1, "кеча": 1,
    "позавчера": 2,
}
_NOW_WORDS = frozenset({"just now", "now", "только что", "сейчас", "hozir", "ҳозир", "қазір", "азыр"})

_UNIT_WORDS: dict[str, str] = {}
for _unit, _words in {
    "seconds": "second seconds sec secs s секунда секунду секунды секунд сек секунд сония soniya",
    "minutes": "minute minutes min mins минута минуту минуты минут мин мүнөт daqiqa дақиқа",
    "hours": "hour hours hr hrs h час часа часов ч сағат саат soat соат",
    "days": "day days день дня дней сутки суток күн kun кун",
    "weeks": "week weeks неделя неделю недели недель апта жума hafta ҳафта",
    "months": "month months месяц месяца месяцев ай oy ой",
    "years": "year years год года лет жыл yil йил",
}.items():
    for _w in _words.split():
        _UNIT_WORDS[_w] = _unit
_AGO = "ago|назад|бұрын|мурун|oldin|avval|олдин|аввал"
_ONE = {"a": 1, "an": 1, "one": 1, "один": 1, "одну": 1, "бір": 1, "бир": 1, "bir": 1}

# Named zones seen next to times on news pages. Fixed offsets where the name implies
# one; the US "ET/PT" families follow daylight saving, so they map to IANA zones.
_TZ_NAMES: dict[str, tzinfo] = {
    "z": UTC, "utc": UTC, "gmt": UTC, "ut": UTC,
    "est": dt_timezone(timedelta(hours=-5)), "edt": dt_timezone(timedelta(hours=-4)),
    "cst": dt_timezone(timedelta(hours=-6)), "cdt": dt_timezone(timedelta(hours=-5)),
    "mst": dt_timezone(timedelta(hours=-7)), "mdt": dt_timezone(timedelta(hours=-6)),
    "pst": dt_timezone(timedelta(hours=-8)), "pdt": dt_timezone(timedelta(hours=-7)),
    "cet": dt_timezone(timedelta(hours=1)), "cest": dt_timezone(timedelta(hours=2)),
    "bst": dt_timezone(timedelta(hours=1)), "msk": dt_timezone(timedelta(hours=3)),
    "мск": dt_timezone(timedelta(hours=3)),
}
_TZ_ZONES = {"et": "America/New_York", "ct": "America/Chicago", "pt": "America/Los_Angeles"}

# --------------------------------------------------------------------------- regexes

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[t ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"\s*(?P<tz>z|[+-]\d{2}(?::?\d{2})?)?"
)
_ISO_BASIC = re.compile(  # 20180619T055000+0900 (ISO 8601 basic format)
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})t(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?(?:[.,](?P<f>\d{1,9}))?"
    r"\s*(?P<tz>z|[+-]\d{2}(?::?\d{2})?)?"
)
_RFC2822 = re.compile(
    r"(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"\s*(?:[+-]\d{4}|gmt|ut|utc|z|[ecmp][sd]t)"
)
_TZ = (r"(?:\(?(?:utc|gmt)\s*[+-]\d{1,2}(?::?\d{2})?\)?|[+-]\d{2}:?\d{2}"
       r"|z|utc|gmt|ut|[ecmp][sd]t|cet|cest|bst|msk|мск|et|ct|pt)")
_TIME = re.compile(
    r"(?<![\d:.])(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d{1,9})?)?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?"
    rf"(?:\s*(?P<tz>{_TZ})(?![^\W\d_]))?(?![\d:])"
)
_OFFSET = re.compile(r"\(?(?:utc|gmt)?\s*(?P<sign>[+-])(?P<h>\d{1,2}):?(?P<m>\d{2})?\)?")
_NUM_DMY = re.compile(r"(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})")
_NUM_YMD = re.compile(r"(?P<y>\d{4})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})")
_TOKEN = re.compile(r"(?P<num>\d+)(?P<suffix>[^\W\d_]*)|(?P<word>[^\W\d_]+)")
# What may be glued to a number in a textual date: ordinals and year markers ("2025г.").
_NUMBER_SUFFIXES = frozenset({"", "st", "nd", "rd", "th", "го", "е", "й", "г", "ж", "y"})
_AGO_RE = re.compile(
    rf"(?:(?P<n>\d+|a|an|one|один|одну|бір|бир|bir)\s*)?(?P<unit>[^\W\d_]+)\.?\s+(?:{_AGO})"
)
_CONNECTORS = " ,;|/-–—()[]:."
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
# Characters no date is written with: prices, rates, copyright lines, markup debris.
_NOT_A_DATE = re.compile(r"[©®=%{}<>~^$€£#*\\]")
_DIGITS_ONLY = re.compile(r"\d{8,14}(?:\.\d+)?")
# Chinese/Japanese/Korean dates: "2025年3月12日 14時35分", "3月12日(水) 14:35", "2025년 3월 12일 오후 2:35".
# The unit characters say which number is the month: never hand these to dateparser, whose
# DATE_ORDER would swap month and day on the year-less ones.
_CJK = re.compile(
    r"(?:(?P<y>\d{4})\s?[年년]\s?)?(?P<m>\d{1,2})\s?[月월]\s?(?P<d>\d{1,2})\s?[日일]"
    r"(?:\s?[(（][^)）]{1,3}[)）])?"
    r"(?:\s?(?P<ampm>午前|午後|오전|오후|上午|下午)?\s?(?P<H>\d{1,2})\s?(?::|時|时|시)\s?"
    r"(?P<M>\d{1,2})\s?(?:分|분)?(?::(?P<S>\d{2})|\s?(?P<S2>\d{1,2})\s?(?:秒|초))?)?"
)
_PM = frozenset({"午後", "오후", "下午"})


# --------------------------------------------------------------------------- internals

def resolve_timezone(value: str | tzinfo | None) -> tzinfo:
    """Return a ``tzinfo`` for an IANA name, a ``tzinfo`` or ``None`` (UTC).

    Raises ``ValueError`` for an unknown name: that is a configuration error, not bad
    page input, and should surface when a site definition is loaded.
    """
    if value is None:
        return UTC
    if isinstance(value, tzinfo):
        return value
    if not isinstance(value, str):
        raise ValueError(f"time zone must be an IANA name or tzinfo, not {value!r}")
    if value.upper() in {"UTC", "Z", "GMT"}:
        return UTC
    try:
        return _zone(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name too long for a file
        raise ValueError(f"unknown time zone {value!r}") from exc


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def format_iso(dt: datetime) -> str:
    """ISO 8601 with its UTC offset, to the second (the form ``Article.published`` uses)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("format_iso needs a timezone-aware datetime")
    return dt.replace(microsecond=0).isoformat(timespec="seconds")


def _localize(naive: datetime, tz: tzinfo) -> datetime:
    # fold=0: an ambiguous wall time (DST fall-back) means the earlier of the two instants.
    return naive.replace(tzinfo=tz)


def _month_number(word: str) -> int | None:
    word = word.rstrip(".").replace("ё", "е")
    number = MONTHS.get(word)
    if number is None:
        for suffix in _MONTH_SUFFIXES:
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                stem = word[: -len(suffix)]
                number = MONTHS.get(stem) or MONTHS.get(stem + "ь")
                if number:
                    break
    return number


def _tz_from_text(text: str | None) -> tzinfo | None:
    if not text:
        return None
    key = text.strip("()")
    if key in _TZ_NAMES:
        return _TZ_NAMES[key]
    if key in _TZ_ZONES:
        return _zone(_TZ_ZONES[key])
    match = _OFFSET.fullmatch(text)
    if not match:
        return None
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return dt_timezone(-delta if match["sign"] == "-" else delta)


def _build(year: int, month: int, day: int, clock: time | None, tz: tzinfo,
           stated: tzinfo | None) -> datetime | None:
    try:
        value = datetime.combine(date(year, month, day), clock or time())
    except ValueError:
        return None
    return value.replace(tzinfo=stated) if stated is not None else _localize(value, tz)


class _NoMatch(Exception):
    """The fast path does not recognise the shape; ask dateparser."""


class _Impossible(Exception):
    """The fast path recognises the shape, but there is no such date ("3000 years ago")."""


# --------------------------------------------------------------------------- fast path

def _fast(s: str, tz: tzinfo, base: datetime, day_first: bool) -> datetime | None:
    """Parse the common shapes. Returns None for recognised-but-impossible dates."""
    match = _ISO.fullmatch(s) or _ISO_BASIC.fullmatch(s)
    if match:
        stated = _tz_from_text(match["tz"])
        if match["tz"] and stated is None:  # "+25:00"
            return None
        clock = None
        if match["H"]:
            frac = (match["f"] or "0")[:6].ljust(6, "0")
            try:
                clock = time(int(match["H"]), int(match["M"]), int(match["S"] or 0), int(frac))
            except ValueError:
                return None
        return _build(int(match["y"]), int(match["m"]), int(match["d"]), clock, tz, stated)

    match = _CJK.fullmatch(s)
    if match:
        return _cjk(match, tz, base)

    if _DIGITS_ONLY.fullmatch(s):
        return _from_digits(s, tz)
    if s.isdigit():  # a bare number ("2025", "42") is not a date
        return None

    if _RFC2822.fullmatch(s):
        try:
            value = email.utils.parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            return None
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # "-0000"

    # Take the (single) clock time out; what is left must be a date or a relative word.
    clock, stated, rest = None, None, s
    times = list(_TIME.finditer(s))
    if len(times) > 1:
        raise _NoMatch
    if times:
        match = times[0]
        hour, minute = int(match["H"]), int(match["M"])
        if match["ampm"]:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if match["ampm"] == "p" else 0)
        try:
            clock = time(hour, minute, int(match["S"] or 0))
        except ValueError:
            return None
        if match["tz"]:
            stated = _tz_from_text(match["tz"])
            if stated is None:
                raise _NoMatch
        rest = s[: match.start()] + " " + s[match.end():]
    rest = rest.strip(_CONNECTORS)

    if not rest:  # a bare time: today, or yesterday if that time is still to come
        if clock is None:
            raise _NoMatch
        local = base.astimezone(stated or tz)
        value = datetime.combine(local.date(), clock, tzinfo=stated or tz)
        return value - timedelta(days=1) if value > local else value

    try:
        relative = _relative(rest, clock, tz, base)
    except _Impossible:
        return None
    if relative is not None:
        return relative

    match = _NUM_DMY.fullmatch(rest) or _NUM_DMY.fullmatch(_strip_filler(rest))
    if match:
        a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
        if len(match["y"]) == 2:
            year += 2000 if year <= base.year % 100 + 1 else 1900
        day, month = (a, b) if day_first else (b, a)
        if month > 12 and day <= 12:
            day, month = month, day
        return _build(year, month, day, clock, tz, stated)

    match = _NUM_YMD.fullmatch(rest) or _NUM_YMD.fullmatch(_strip_filler(rest))
    if match:
        return _build(int(match["y"]), int(match["m"]), int(match["d"]), clock, tz, stated)

    return _textual(rest, clock, tz, stated, base)


def _cjk(match: re.Match[str], tz: tzinfo, base: datetime) -> datetime | None:
    """A CJK date (see ``_CJK``); a year-less one is the latest such day not after ``base``."""
    month, day = int(match["m"]), int(match["d"])
    clock = None
    if match["H"]:
        hour = int(match["H"])
        if match["ampm"]:
            if not 0 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if match["ampm"] in _PM else 0)
        try:
            clock = time(hour, int(match["M"]), int(match["S"] or match["S2"] or 0))
        except ValueError:
            return None
    if match["y"]:
        return _build(int(match["y"]), month, day, clock, tz, None)
    local = base.astimezone(tz)
    for year in (local.year, local.year - 1, local.year - 4):  # 29 February: the last leap year
        value = _build(year, month, day, clock, tz, None)
        if value is not None and value.date() <= local.date():
            return value
    return None


_WORD_SEPARATORS = re.compile(r"[\s,]+")


def _strip_filler(text: str) -> str:
    words = [w for w in _WORD_SEPARATORS.split(text) if w.rstrip(".") not in _FILLER]
    return " ".join(words).strip(_CONNECTORS)


def _from_digits(s: str, tz: tzinfo) -> datetime | None:
    """Unix timestamps (10 digits: seconds, 13: milliseconds) and compact YYYYMMDD[hhmm[ss]]."""
    whole, _, _ = s.partition(".")
    if len(whole) in (9, 10, 13):
        return _from_timestamp(float(s) / (1000 if len(whole) == 13 else 1))
    if "." in s:
        return None
    return _compact(whole, tz)


def _compact(digits: str, tz: tzinfo = UTC) -> datetime | None:
    if len(digits) not in (8, 12, 14):
        return None
    try:
        value = datetime(int(digits[:4]), int(digits[4:6]), int(digits[6:8]),
                         int(digits[8:10] or 0), int(digits[10:12] or 0), int(digits[12:14] or 0))
    except ValueError:
        return None
    return _localize(value, tz)


def _from_timestamp(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _relative(rest: str, clock: time | None, tz: tzinfo, base: datetime) -> datetime | None:
    """``today``/``вчера`` (+ optional time) and ``N units ago`` in the fast-path languages."""
    local = base.astimezone(tz)
    words = _strip_filler(rest)
    if words in _DAY_WORDS:
        day = local.date() - timedelta(days=_DAY_WORDS[words])
        return datetime.combine(day, clock or time(), tzinfo=tz)
    if clock is None and words in _NOW_WORDS:
        return local
    if words.startswith("day before yesterday"):
        return datetime.combine(local.date() - timedelta(days=2), clock or time(), tzinfo=tz)
    match = _AGO_RE.fullmatch(rest)
    if match is None or clock is not None:
        return None
    unit = _UNIT_WORDS.get(match["unit"].rstrip("."))
    if unit is None:
        return None
    raw = match["n"]
    amount = 1 if raw is None else _ONE.get(raw) or int(raw)
    try:
        if unit in ("months", "years"):
            return _months_back(local, amount * (12 if unit == "years" else 1))
        return (base - timedelta(**{unit: amount})).astimezone(tz)
    except (OverflowError, ValueError):  # "3000 years ago", "999999999999 days ago"
        raise _Impossible from None


def _months_back(moment: datetime, months: int) -> datetime:
    """Same day ``months`` earlier, clamped to the month's end (31 May - 3 months = 28 Feb)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month + 1, day=min(moment.day, 28))


def _textual(rest: str, clock: time | None, tz: tzinfo, stated: tzinfo | None,
             base: datetime) -> datetime | None:
    """Dates with a month name, in any order: exactly one month, a day, maybe a year."""
    month = None
    numbers: list[str] = []
    for token in _TOKEN.finditer(rest):
        if token["num"]:
            if token["suffix"] not in _NUMBER_SUFFIXES:
                raise _NoMatch
            numbers.append(token["num"])
            continue
        word = token["word"]
        if word in _FILLER or word in _WEEKDAYS:
            continue
        number = _month_number(word)
        if number is None or month is not None:
            raise _NoMatch
        month = number
    if month is None:
        raise _NoMatch
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(years) > 1 or len(days) != 1 or len(years) + len(days) != len(numbers):
        raise _NoMatch
    day = int(days[0])
    if years:
        return _build(int(years[0]), month, day, clock, tz, stated)
    local = base.astimezone(stated or tz)
    value = _build(local.year, month, day, clock, tz, stated)
    if value is None and month == 2 and day == 29:
        value = _build(local.year - 1, month, day, clock, tz, stated)
    if value is not None and value.date() > local.date():
        value = _build(local.year - 1, month, day, clock, tz, stated)
    return value


# --------------------------------------------------------------------------- slow path

def _dateparser(s: str, languages: Sequence[str] | None, tz: tzinfo, base: datetime,
                day_first: bool) -> datetime | None:
    # A DateDataParser per language set is not reused: building one costs ~0.01 ms
    # against ~1 ms per parse (measured), and RELATIVE_BASE changes with every page.
    settings = {
        # dateparser works in naive wall time; localisation stays with zoneinfo (below)
        # so that a tzinfo object and an IANA name behave identically.
        "RELATIVE_BASE": base.astimezone(tz).replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "DMY" if day_first else "MDY",
    }
    try:
        value = dateparser.parse(s, languages=list(languages) if languages else None,
                                 settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; never propagate
        return None
    if value is None:
        return None
    return value if value.tzinfo is not None else _localize(value, tz)


# --------------------------------------------------------------------------- public

class DateparserBudget:
    """How many more strings one caller (e.g. one page) may hand to ``dateparser``.

    The fast path costs microseconds, a dateparser call milliseconds and, without a
    language hint, up to half a second; a page offering hundreds of date-like strings
    would otherwise cost minutes. Deterministic (a count, not a clock), so re-extracting
    an archived page gives the same answer as the crawl did.
    """

    __slots__ = ("left", "refused")

    def __init__(self, calls: int) -> None:
        self.left = calls
        self.refused = 0  # strings that would have gone to dateparser after the budget ran out

    def take(self) -> bool:
        if self.left > 0:
            self.left -= 1
            return True
        self.refused += 1
        return False


def normalize_date(
    text: str | int | float | None,
    *,
    languages: Sequence[str] | None = None,
    timezone: str | tzinfo | None = None,
    relative_base: datetime | None = None,
    day_first: bool = True,
) -> datetime | None:
    """Parse a date as printed on a news page; ``None`` if it is not a plausible date.

    Never raises on bad ``text`` (only on an unknown ``timezone`` name). See the module
    docstring for the resolution rules.
    """
    return _normalize(text, languages, timezone, relative_base, day_first, None)


def _normalize(text: object, languages: Sequence[str] | None, timezone: str | tzinfo | None,
               relative_base: datetime | None, day_first: bool,
               budget: DateparserBudget | None) -> datetime | None:
    """:func:`normalize_date`, handing at most ``budget`` strings to dateparser."""
    tz = resolve_timezone(timezone)
    if relative_base is None:
        base = datetime.now(UTC)
    elif relative_base.tzinfo is None:
        base = relative_base.replace(tzinfo=tz)
    else:
        base = relative_base
    value = _parse(text, languages, tz, base, day_first, budget)
    if value is None:
        return None
    try:
        if value < MIN_DATE or value > base + FUTURE_SLACK:
            return None
    except (TypeError, OverflowError):
        return None
    return value


def _parse(text: object, languages: Sequence[str] | None, tz: tzinfo, base: datetime,
           day_first: bool, budget: DateparserBudget | None = None) -> datetime | None:
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        try:  # an int beyond float range (10**400) raises OverflowError on conversion
            if not math.isfinite(text):
                return None
            seconds = text / 1000 if abs(text) >= 1e11 else float(text)
        except OverflowError:
            return None
        return _from_timestamp(seconds)
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    if not isinstance(text, str):
        return None
    s = _SPACES.sub(" ", text).strip().lower()
    if not s or len(s) > 2 * _MAX_DATEPARSER_LEN or "\x00" in s or "\ufffd" in s:
        return None
    try:
        return _fast(s, tz, base, day_first)
    except _NoMatch:
        pass
    if len(s) > _MAX_DATEPARSER_LEN or _NOT_A_DATE.search(s):
        return None
    if not languages and (not _has_plausible_year(s, base) or s.count(" ") >= _MAX_GUESSED_WORDS):
        return None
    if budget is not None and not budget.take():
        return None
    return _dateparser(s, languages, tz, base, day_first)


def _has_plausible_year(s: str, base: datetime) -> bool:
    return any(MIN_DATE.year <= int(y) <= base.year + 1 for y in _YEAR.findall(s))
