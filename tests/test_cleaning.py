"""Text normalisation and teaser cut detection."""

from __future__ import annotations

import pytest

from newsarchive.extraction.cleaning import clean_text, split_truncation, unique_texts


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Kazakhstan&#8217;s&nbsp;Ministry &amp; the &quot;Bar&quot;", "Kazakhstan’s Ministry & the \"Bar\""),
        ("&hellip; and &#x2014; dash", "… and — dash"),
        ("AT&T and &bogus; stay", "AT&T and &bogus; stay"),
        ("&amp;lt;b&amp;gt; is decoded once", "&lt;b&gt; is decoded once"),
        ("&lt;b&gt; written by the page", "<b> written by the page"),
        ("A <b>bold</b> <a href='x'>link</a>", "A bold link"),
        ("3 < 5 and 6 > 4", "3 < 5 and 6 > 4"),
        ("non\u00a0breaking\u202fand\u2009thin", "non breaking and thin"),
        ("zero\u200bwidth\ufeff and soft\u00adhyphen", "zerowidth and softhyphen"),
        ("  many   spaces\tand\ttabs  ", "many spaces and tabs"),
        ("line one\r\nline two\rline three", "line one line two line three"),
        ("Президент\u00a0Казахстана  подписал\r\nзакон", "Президент Казахстана подписал закон"),
        ("Cafe\u0301 composed", "Café composed"),
        ("control\x07char\x00s", "controlchars"),
        # ASCII text takes a shorter path: every control character still goes, tabs and
        # the line breaks \v and \f still separate words
        ("a\x01b\x08c\x0ed\x1fe\x7ff", "abcdef"),
        ("tab\tvt\x0bff\x0cend", "tab vt ff end"),
        ("cut &#7;here", "cut here"),
        ("decoded &eacute;\u00ad&#x200b;once", "decoded éonce"),
    ],
)
def test_clean_text_single_line(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0\u200b\n\n", "<p></p>", "&nbsp;"])
def test_clean_text_empty_is_none(raw: str | None) -> None:
    assert clean_text(raw) is None
    assert clean_text(raw, paragraphs=True) is None


def test_clean_text_keeps_paragraphs_for_the_body() -> None:
    raw = "First  paragraph\nstill first.\r\n\r\n\r\n  Second&nbsp;one. \n \n\nThird"
    assert clean_text(raw, paragraphs=True) == "First paragraph still first.\n\nSecond one.\n\nThird"
    assert clean_text(raw) == "First paragraph still first. Second one. Third"


def test_clean_text_turns_leftover_block_tags_into_paragraphs() -> None:
    raw = "<p>One &amp; two</p><p>Three<br>four</p><ul><li>item</li></ul>"
    assert clean_text(raw, paragraphs=True) == "One & two\n\nThree four\n\nitem"


def test_clean_text_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        clean_text(42)  # type: ignore[arg-type]


def test_unique_texts_keeps_order_and_drops_empties_and_case_duplicates() -> None:
    assert unique_texts([" Kazakhstan", "Politics", "", None, "kazakhstan", "Politics ", "Uzbekistan"]) == [
        "Kazakhstan",
        "Politics",
        "Uzbekistan",
    ]


@pytest.mark.parametrize(
    "summary, expected",
    [
        ("The convicts to get back...", ("The convicts to get back", True)),
        ("The convicts to get back…", ("The convicts to get back", True)),
        ("The convicts to get back […]", ("The convicts to get back", True)),
        ("The convicts to get back [...]", ("The convicts to get back", True)),
        ("The convicts to get back (…)", ("The convicts to get back", True)),
        ("The convicts to get back... Read more", ("The convicts to get back", True)),
        ("The convicts to get back Read more »", ("The convicts to get back", True)),
        ("The convicts to get back - Read more", ("The convicts to get back", True)),
        ("The convicts to get back. Continue reading →", ("The convicts to get back.", False)),
        ("The convicts to get back. Read more", ("The convicts to get back.", False)),
        ("He said “enough!” Read more »", ("He said “enough!”", False)),
        ("Four dots.... Read more", ("Four dots", True)),
        ("Full sentence. … Read more", ("Full sentence.", True)),
        ("The convicts to get back READ MORE", ("The convicts to get back", True)),
        ("Осуждённые смогут вернуться… Читать далее", ("Осуждённые смогут вернуться", True)),
        ("Осуждённые смогут вернуться Подробнее", ("Осуждённые смогут вернуться", True)),
        ("Read more", ("", True)),
        ("A complete sentence.", ("A complete sentence.", False)),
        ("He said: “enough.”", ("He said: “enough.”", False)),
        ("Ellipsis… in the middle is prose.", ("Ellipsis… in the middle is prose.", False)),
        ("Visit our site to read more", ("Visit our site to read more", False)),
        ("и так далее", ("и так далее", False)),
        ("Based in the U.S.", ("Based in the U.S.", False)),
    ],
)
def test_split_truncation(summary: str, expected: tuple[str, bool]) -> None:
    assert split_truncation(summary) == expected
