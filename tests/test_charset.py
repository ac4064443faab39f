"""Pages whose declared charset is wrong or missing are decoded as what they are (real
crawls of hand-made pages on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from job_runs import read_jsonl
from newsarchive.extraction.charset import legacy_encoding
from test_job_outcomes import crawl, listing, site_file

RUSSIAN = "Парламент Казахстана одобрил новый закон о воде"
FRENCH = "Le ministère prévoit des élections anticipées à l'été"
PORTUGUESE = "São Paulo: governo anuncia reforma da previdência"  # charset-normalizer alone: cp1250, "Săo"


def page(title: str, lang: str, encoding: str, declared: str | None) -> tuple[int, dict[str, str], bytes]:
    meta = f'<meta charset="{declared}">' if declared else ""
    html = (f'<html lang="{lang}"><head>{meta}<title>{title}</title></head><body><h1>{title}</h1>'
            f'<div class="story"><p>{title}. {title}.</p><p>{title}!</p></div></body></html>')
    content_type = f"text/html; charset={declared}" if declared else "text/html"
    return 200, {"Content-Type": content_type}, html.encode(encoding)


def test_misdeclared_and_undeclared_pages_are_decoded_right(static_site: Any, tmp_path: Path) -> None:
    pages = static_site.pages
    pages["/list/"] = listing([("/ru/", "ru"), ("/pt/", "pt"), ("/ok/", "ok")])
    pages["/ru/"] = page(RUSSIAN, "ru", "cp1251", "utf-8")  # says UTF-8, is windows-1251
    pages["/pt/"] = page(PORTUGUESE, "pt", "cp1252", None)  # says nothing, is windows-1252
    pages["/ok/"] = page(FRENCH, "fr", "utf-8", "utf-8")
    result = crawl(site_file(tmp_path, static_site.url + "/list/"), tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    titles = {i["url"].rsplit("/", 2)[1]: i["title"] for i in read_jsonl(tmp_path / "out" / "items.jsonl")}
    assert titles == {"ru": RUSSIAN, "pt": PORTUGUESE, "ok": FRENCH}
    assert f"{static_site.url}/ru/: charset utf-8, decoded as" in result.stderr
    assert f"{static_site.url}/pt/: charset not declared, decoded as cp1252" in result.stderr
    assert "/ok/: charset" not in result.stderr


def test_legacy_encodings_follow_the_language() -> None:
    assert legacy_encoding("ru-RU") == "cp1251" and legacy_encoding("kk") == "cp1251"
    assert legacy_encoding("de") == "cp1252" and legacy_encoding(None) == "cp1252"
    assert legacy_encoding("zh-TW") == "big5" and legacy_encoding("ja") == "shift_jis"
