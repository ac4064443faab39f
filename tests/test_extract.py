"""``texts``/``first_text`` read the lxml tree directly; they must agree with parsel."""

from __future__ import annotations

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from newsarchive.extraction.selectors import first_text, select, squeeze, texts

PAGE = """<html lang="en"><head><title>T</title><style>p {}</style></head><body>
<h1 class="entry-title">A <em>big</em>   title</h1>
<div class="entry-content">
  <p>First <a href="/x">linked</a> para<!-- note -->graph.</p>
  <p>  </p>
  <p>Second<script>var x = 1;</script> one
     over two lines.</p>
  <noscript><p>Enable JS</p></noscript>
  <p><template>tpl</template>Third&nbsp;one</p>
</div>
<span class="byline">By <a class="author" href="/a">Jane</a>, <a class="author">Ali</a></span>
<ul class="tags"><li><a rel="tag" href="/t/1">One</a></li><li><a rel="tag nofollow">Two</a></li></ul>
</body></html>"""

QUERIES = [
    "h1.entry-title",
    "h1.entry-title::text",
    ".entry-content p",
    ".entry-content p::text",
    ".entry-content p *::text",
    "noscript p",
    ".byline a.author",
    ".byline::text",
    "a[rel~=tag]",
    "a[rel~=tag]::attr(href)",
    "p.missing",
    "xpath://h1",
    "xpath://p/text()",
    "xpath: //a/@href ",
    "xpath:count(//p)",
    "xpath:string(//h1)",
    "xpath:boolean(//h1)",
    "xpath://p/text() | //h1",
    "xpath://h1 | //h1/text()",
    "xpath://p[re:test(., 'Sec')]",
    "xpath:/html/@lang",
]


def reference_texts(sel: Selector, query: str) -> list[str]:
    """What ``texts`` gave when it went through parsel selectors (the reference)."""
    matches = select(sel, query)
    if query.rstrip().endswith(("::text", "text()")):
        groups: list[list[str]] = []
        last_parent = None
        for m in matches:
            parent = getattr(m.root, "getparent", lambda: None)()
            if parent is None or parent is not last_parent:
                groups.append([])
                last_parent = parent
            groups[-1].append(str(m.get()))
        return [t for t in (squeeze(" ".join(g)) for g in groups) if t]
    found = []
    for m in matches:
        if isinstance(m.root, str):
            found.append(squeeze(m.root))
        else:
            skip = "ancestor::*[self::script or self::style or self::noscript or self::template]"
            found.append(squeeze(" ".join(m.xpath(f".//text()[not({skip})]").getall())))
    return [t for t in found if t]


@pytest.mark.parametrize("query", QUERIES)
def test_texts_agree_with_parsel(query: str) -> None:
    sel = Selector(text=PAGE)
    expected = reference_texts(sel, query)
    assert texts(sel, query) == expected
    assert first_text(sel, query) == (expected[0] if expected else None)


@pytest.mark.parametrize("query", ["a.author", "a.author::text", "xpath:.//a/@href", "xpath:./text()"])
def test_texts_relative_to_a_selected_element(query: str) -> None:
    teaser = Selector(text=PAGE).css("span.byline")[0]
    assert texts(teaser, query) == reference_texts(teaser, query)


def test_a_scrapy_response_is_read_through_its_selector() -> None:
    response = HtmlResponse("http://example.com/", body=PAGE.encode(), encoding="utf-8")
    assert texts(response, ".entry-content p") == reference_texts(response.selector, ".entry-content p")
    assert first_text(response, "h1.entry-title") == "A big title"


def test_xml_selectors_fall_back_to_parsel() -> None:
    sel = Selector(text="<rss><item><title>One <b>bold</b></title></item><item><title>Two</title></item></rss>",
                   type="xml")
    for query in ("title", "title::text", "xpath://title | //title/text()"):
        assert texts(sel, query) == reference_texts(sel, query)


def test_empty_query_and_bad_xpath() -> None:
    sel = Selector(text=PAGE)
    assert texts(sel, None) == [] and texts(sel, "") == []
    assert first_text(sel, None) is None
    with pytest.raises(ValueError, match="XPath error"):
        texts(sel, "xpath://p[")
    # lxml cannot take a comment as the context of a query; parsel raised the same
    with pytest.raises(ValueError, match="not an XML element"):
        reference_texts(sel, "xpath://comment()")
    with pytest.raises(ValueError, match="not an XML element"):
        texts(sel, "xpath://comment()")


def test_squeeze_separates_words_at_line_breaks_and_listed_spaces_only():
    """The quick path (``str.split``) gives what the rule line by line gives, for every
    whitespace character Python knows and the zero-width space."""
    import random
    import sys

    def by_lines(text: str) -> str:
        lines = []
        for line in text.splitlines():
            for char in ("\t", "\u00a0", "\u200b"):
                line = line.replace(char, " ")
            line = " ".join(part for part in line.split(" ") if part).strip()
            if line:
                lines.append(line)
        return " ".join(lines)

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()] + ["\u200b", "\r\n"]
    words = ["a", "bc", "é", "Ж", "日本", "“q”", " "]
    rnd = random.Random(7)
    for _ in range(20000):
        text = "".join(rnd.choice(spaces if rnd.random() < 0.4 else words) for _ in range(rnd.randint(0, 12)))
        if rnd.random() < 0.3:
            text = text.encode("ascii", "ignore").decode()
        assert squeeze(text) == by_lines(text), repr(text)
    assert squeeze("a\u3000b\u2009c \t d\u200be\n\nf") == "a\u3000b\u2009c d e f"  # wide and thin spaces kept
