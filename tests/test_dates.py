"""normalize_date: every supported shape, resolution rules, rejection of junk, fast path."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import dateparser
import pytest

from newsarchive.extraction import dates
from newsarchive.extraction.dates import format_iso, normalize_date, resolve_timezone

UTC = timezone.utc
PLUS5 = timezone(timedelta(hours=5))
BASE = datetime(2025, 12, 7, 12, 0, tzinfo=UTC)  # fetch time of the pages


def at(*parts: int, tz: timezone = UTC) -> datetime:
    return datetime(*parts, tzinfo=tz)


# Every shape the fast path must read, with the exact value it must give (UTC default).
FAST_CASES = [
    ("07 December 2025", at(2025, 12, 7)),
    ("December 7, 2025", at(2025, 12, 7)),
    ("Dec 7, 2025 10:30", at(2025, 12, 7, 10, 30)),
    ("Dec 7th, 2025", at(2025, 12, 7)),
    ("Sunday, December 7, 2025 10:30 PM EST", at(2025, 12, 7, 22, 30, tz=timezone(timedelta(hours=-5)))),
    ("07.12.2025", at(2025, 12, 7)),
    ("07.12.2025, 14:30", at(2025, 12, 7, 14, 30)),
    ("14:30 07.12.2025", at(2025, 12, 7, 14, 30)),
    ("7/12/2025", at(2025, 12, 7)),
    ("07.12.25", at(2025, 12, 7)),
    ("2025/12/07", at(2025, 12, 7)),
    ("2025-12-07", at(2025, 12, 7)),
    ("2025-12-07T10:30:00+05:00", at(2025, 12, 7, 10, 30, tz=PLUS5)),
    ("2025-12-07T10:30:00.123Z", at(2025, 12, 7, 10, 30, 0) + timedelta(microseconds=123000)),
    ("2025-12-07T10:30:00+0500", at(2025, 12, 7, 10, 30, tz=PLUS5)),
    ("2025-12-07 10:30:00 UTC", at(2025, 12, 7, 10, 30)),
    ("20251207T103000+0500", at(2025, 12, 7, 10, 30, tz=PLUS5)),
    ("Sun, 07 Dec 2025 10:30:00 +0500", at(2025, 12, 7, 10, 30, tz=PLUS5)),
    ("Sun, 07 Dec 2025 05:30:00 GMT", at(2025, 12, 7, 5, 30)),
    ("1765103400", at(2025, 12, 7, 10, 30)),
    ("1765103400000", at(2025, 12, 7, 10, 30)),
    (1765103400, at(2025, 12, 7, 10, 30)),
    (1765103400000, at(2025, 12, 7, 10, 30)),
    (1765103400.5, at(2025, 12, 7, 10, 30) + timedelta(microseconds=500000)),
    ("20251207", at(2025, 12, 7)),
    ("7 декабря 2025", at(2025, 12, 7)),
    ("7 дек. 2025 г., 14:30", at(2025, 12, 7, 14, 30)),
    ("7 декабря 2025 года в 14:30", at(2025, 12, 7, 14, 30)),
    ("воскресенье, 7 декабря 2025", at(2025, 12, 7)),
    ("7 желтоқсан 2025", at(2025, 12, 7)),  # Kazakh
    ("2025 жылғы 7 желтоқсан", at(2025, 12, 7)),
    ("7 желтоқсанда 2025", at(2025, 12, 7)),
    ("7-декабрь 2025", at(2025, 12, 7)),  # Kyrgyz
    ("2025-жылдын 7-декабрында", at(2025, 12, 7)),
    ("7 dekabr 2025", at(2025, 12, 7)),  # Uzbek (Latin)
    ("2025-yil 7-dekabr", at(2025, 12, 7)),
    ("7 декабр 2025", at(2025, 12, 7)),  # Uzbek (Cyrillic)
    ("Published: 7 December 2025", at(2025, 12, 7)),
    ("  7\u00a0December\u00a02025 \n", at(2025, 12, 7)),
    # relative, against BASE
    ("2 hours ago", at(2025, 12, 7, 10, 0)),
    ("15 минут назад", at(2025, 12, 7, 11, 45)),
    ("час назад", at(2025, 12, 7, 11, 0)),
    ("3 сағат бұрын", at(2025, 12, 7, 9, 0)),
    ("5 daqiqa oldin", at(2025, 12, 7, 11, 55)),
    ("2 дня назад", at(2025, 12, 5, 12, 0)),
    ("3 months ago", at(2025, 9, 7, 12, 0)),
    ("вчера, 14:30", at(2025, 12, 6, 14, 30)),
    ("сегодня в 09:15", at(2025, 12, 7, 9, 15)),
    ("кечээ 10:15", at(2025, 12, 6, 10, 15)),
    ("сегодня", at(2025, 12, 7)),
    ("yesterday", at(2025, 12, 6)),
    ("kecha", at(2025, 12, 6)),
    ("14:30", at(2025, 12, 6, 14, 30)),  # a bare time still to come today: yesterday
    ("09:30", at(2025, 12, 7, 9, 30)),
    # year-less: never after the fetch time
    ("Dec 20", at(2024, 12, 20)),
    ("Dec 5", at(2025, 12, 5)),
    ("20 декабря", at(2024, 12, 20)),
    ("Dec 20 10:30", at(2024, 12, 20, 10, 30)),
    ("Feb 29", at(2024, 2, 29)),
]


@pytest.mark.parametrize(("text", "expected"), FAST_CASES, ids=[repr(c[0]) for c in FAST_CASES])
def test_fast_path_formats(text, expected, monkeypatch):
    def no_dateparser(*args, **kwargs):
        raise AssertionError("fast-path shape fell through to dateparser")

    monkeypatch.setattr(dates, "_dateparser", no_dateparser)
    value = normalize_date(text, relative_base=BASE)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("text", "languages", "expected"), [
    ("7. Dezember 2025 um 10:30 Uhr", None, at(2025, 12, 7, 10, 30)),
    ("7 décembre 2025", None, at(2025, 12, 7)),
    ("2025年12月7日", None, at(2025, 12, 7)),
    ("December 2025", None, at(2025, 12, 1)),  # month precision: first day
    ("vor 2 Stunden", ["de"], at(2025, 12, 7, 10, 0)),
    ("hier", ["fr"], at(2025, 12, 6, 12, 0)),
])
def test_dateparser_fallback(text, languages, expected):
    assert normalize_date(text, languages=languages, relative_base=BASE) == expected


def test_relative_words_in_other_languages_need_a_hint():
    assert normalize_date("gestern", relative_base=BASE) is None
    assert normalize_date("gestern", languages=["de"], relative_base=BASE).date() == BASE.date() - timedelta(days=1)


@pytest.mark.parametrize("junk", [
    None, "", "   ", "garbage", "n/a", "Page 2 of 10", "KZT/USD = 0.00198 -0%", "© 2025 The Times",
    "v2.3.1", "2025", "42", "0", 0, -5, True, float("nan"), float("inf"), b"\xff\xfe\x00junk",
    "\x00\x01\x02", object(), ["2025-12-07"], "31.02.2025", "2025-13-45", "2025-02-30T10:00:00Z",
    "2025-12-07T25:00:00", "32 December 2025", "0001-01-01", "9999-12-31", "1989-12-31",
    "7 December 1889", "Dec 7, 2025 13:30 PM", "2025-12-07T10:30:00+25:00", "x" * 500,
    "7 December 2025 " * 20,
])
def test_impossible_or_junk_is_none(junk):
    assert normalize_date(junk, relative_base=BASE) is None


def test_bytes_that_are_a_date_are_read():
    assert normalize_date(b"2025-12-07", relative_base=BASE) == at(2025, 12, 7)


def test_future_beyond_slack_is_rejected():
    assert normalize_date("2025-12-09T11:00:00Z", relative_base=BASE) is not None  # within 2 days
    assert normalize_date("2025-12-09T12:00:01Z", relative_base=BASE) is None
    assert normalize_date("1765103400", relative_base=at(2020, 1, 1)) is None


def test_relative_dates_use_the_base_not_the_wall_clock(monkeypatch):
    class NoClock(datetime):
        @classmethod
        def now(cls, tz=None):
            raise AssertionError("wall clock read although relative_base was given")

    monkeypatch.setattr(dates, "datetime", NoClock)
    old = at(2001, 3, 4, 12, 0)
    assert normalize_date("2 hours ago", relative_base=old) == at(2001, 3, 4, 10, 0)
    assert normalize_date("вчера, 14:30", relative_base=old) == at(2001, 3, 3, 14, 30)
    assert normalize_date("Dec 20", relative_base=old) == at(2000, 12, 20)
    assert normalize_date("Mar 4", relative_base=old) == at(2001, 3, 4)
    for text in ("2 hours ago", "Dec 20", "сегодня", "14:30"):
        assert normalize_date(text, relative_base=BASE) == normalize_date(text, relative_base=BASE)


def test_yearless_date_with_base_2025_12_07():
    assert normalize_date("Dec 20", relative_base=datetime(2025, 12, 7, tzinfo=UTC)) == at(2024, 12, 20)


def test_no_relative_base_means_now():
    value = normalize_date("2 hours ago")
    expected = datetime.now(UTC) - timedelta(hours=2)
    assert abs(value - expected) < timedelta(minutes=1)


def test_timezone_localises_naive_results_only():
    almaty = ZoneInfo("Asia/Almaty")
    value = normalize_date("07 December 2025 10:30", timezone="Asia/Almaty", relative_base=BASE)
    assert value == datetime(2025, 12, 7, 10, 30, tzinfo=almaty)
    assert value.utcoffset() == timedelta(hours=5)
    assert format_iso(value) == "2025-12-07T10:30:00+05:00"
    # a tzinfo object works like its name
    assert normalize_date("07.12.2025 10:30", timezone=almaty, relative_base=BASE) == value
    # a stated offset is kept, not converted
    stated = normalize_date("2025-12-07T10:30:00+03:00", timezone="Asia/Almaty", relative_base=BASE)
    assert stated.utcoffset() == timedelta(hours=3)
    # daylight saving follows the zone
    berlin = "Europe/Berlin"
    assert normalize_date("2025-07-01 12:00", timezone=berlin, relative_base=BASE).utcoffset() == timedelta(hours=2)
    assert normalize_date("2025-01-01 12:00", timezone=berlin, relative_base=BASE).utcoffset() == timedelta(hours=1)


def test_relative_dates_resolve_in_the_site_timezone():
    # 22:00 UTC on 6 Dec is already 7 Dec 03:00 in Almaty: "today" there is the 7th.
    base = at(2025, 12, 6, 22, 0)
    assert normalize_date("сегодня", timezone="Asia/Almaty", relative_base=base).date().day == 7
    assert normalize_date("Dec 7", timezone="Asia/Almaty", relative_base=base).year == 2025
    assert normalize_date("Dec 7", relative_base=base).year == 2024
    # a naive base is wall time in the given zone
    naive = datetime(2025, 12, 7, 3, 0)
    assert normalize_date("2 hours ago", timezone="Asia/Almaty", relative_base=naive) == \
        datetime(2025, 12, 7, 1, 0, tzinfo=ZoneInfo("Asia/Almaty"))


def test_unknown_timezone_is_a_configuration_error():
    with pytest.raises(ValueError, match="unknown time zone"):
        normalize_date("2025-12-07", timezone="Mars/Olympus")
    assert resolve_timezone(None) is UTC
    assert resolve_timezone("UTC") is UTC


def test_day_first_rule_and_month_first_option():
    assert normalize_date("05.12.2025", relative_base=BASE) == at(2025, 12, 5)
    assert normalize_date("05/12/2025", relative_base=BASE) == at(2025, 12, 5)
    # impossible day-first reading flips automatically
    assert normalize_date("12/31/2024", relative_base=BASE) == at(2024, 12, 31)
    assert normalize_date("05/12/2025", day_first=False, relative_base=BASE) == at(2025, 5, 12)
    assert normalize_date("31/12/2024", day_first=False, relative_base=BASE) == at(2024, 12, 31)
    assert normalize_date("2025/05/12", day_first=False, relative_base=BASE) == at(2025, 5, 12)


def test_format_iso():
    assert format_iso(at(2025, 12, 7, 10, 30, 5, tz=PLUS5) + timedelta(microseconds=999)) == "2025-12-07T10:30:05+05:00"
    assert format_iso(at(2025, 12, 7)) == "2025-12-07T00:00:00+00:00"
    with pytest.raises(ValueError):
        format_iso(datetime(2025, 12, 7))


# (string, compare the full value?) -- date-only strings are compared by day, because
# dateparser keeps the base's clock time for "yesterday" where we say midnight.
AGREEMENT_MIX = [
    ("07 December 2025", False), ("December 7, 2025", False), ("Dec 7, 2025 10:30", True),
    ("2025-12-07", False), ("2025-11-30T08:15:00+05:00", True), ("2025-12-07T10:30:00Z", True),
    ("Sun, 07 Dec 2025 10:30:00 +0500", True), ("7 декабря 2025", False),
    ("7 дек. 2025 г., 14:30", True), ("3 ноября 2024", False), ("March 3, 2024 9:05 PM", True),
    ("2 hours ago", True), ("15 минут назад", True), ("вчера, 14:30", True), ("Dec 20", False),
    ("20 декабря", False), ("07.12.2025", False), ("01.02.2025 08:00", True), ("Jun 1, 2024", False),
    ("1 июня 2024, 10:00", True), ("2024-02-29", False), ("yesterday", False), ("сегодня", False),
]


@pytest.mark.parametrize(("text", "exact"), AGREEMENT_MIX)
def test_fast_path_agrees_with_dateparser(text, exact):
    ours = normalize_date(text, relative_base=BASE)
    theirs = dateparser.parse(text, settings={
        "RELATIVE_BASE": BASE.replace(tzinfo=None), "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY", "RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC"})
    assert theirs is not None, "the mix should only hold strings dateparser reads"
    if exact:
        assert ours == theirs
    else:
        assert ours.date() == theirs.date()
