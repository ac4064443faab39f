"""A generated news site for ``bench/crawl_throughput.py``, unlike the sample site's markup.

A Drupal-style regional paper ("The Lakeside Gazette"): ``/news?page=N`` listings (N from
0) of 20 ``article.node--teaser`` cards with a headline link, a ``Month D, YYYY`` date, a
section badge and a summary; a pager with ``li.pager__item--next``. Article pages carry
what real ones carry around the story: a mega-menu of 60 links, a breaking-news bar, a
"Most read" sidebar, a newsletter box inside the story, related links, a cookie notice
and a long footer; the story is ``div.field--body`` paragraphs, its date a ``<time
datetime>`` with an offset, and JSON-LD ``NewsArticle``. Every page is generated on
request from a seeded ``random.Random`` per article (deterministic, nothing held per
article), served by ``ThreadingHTTPServer`` in its own process.

Run alone: ``python bench/throughput_site.py --articles 2000`` prints its base URL and
serves until killed.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PER_PAGE = 20
ZONE = timezone(timedelta(hours=-5))
START = datetime(2025, 6, 30, 18, 0, tzinfo=ZONE)
SECTIONS = ["Local", "Business", "Schools", "Sports", "Weather", "Opinion", "Arts", "County"]
WORDS = ("council harbor budget vote school board lake ferry road storm season team coach market "
         "festival museum library river bridge housing permit mayor county police fire station "
         "rain winter summer farmers growers tourism museum theatre hospital clinic nurses union "
         "workers factory shift contract election district residents neighbours plan project").split()
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
MENU = "".join(f'<li><a href="/section/{w}">{w.title()}</a></li>' for w in WORDS[:60])
FOOTER = "".join(f'<li><a href="/about/{w}">About {w}</a></li>' for w in WORDS[:30])
# what real pages carry in their <head>: analytics and ad set-up scripts, inline CSS (~20 KB)
HEAD_EXTRAS = ("<style>" + "".join(f".c{n}{{margin:{n % 7}px;padding:{n % 5}px;color:#{n:06x}}}" for n in range(400))
               + "</style><script>window.dataLayer=window.dataLayer||[];" +
               "".join(f"dataLayer.push({{'slot':'ad-{n}','sizes':[[300,250],[728,90]],'targeting':{{'pos':{n}}}}});"
                       for n in range(120)) + "</script>")


def article(number: int) -> dict[str, object]:
    """Article ``number`` (1 is the newest): everything its pages show, from its own seed."""
    rng = random.Random(number * 7919)
    when = START - timedelta(hours=3 * number + rng.randint(0, 2), minutes=rng.randint(0, 59))
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 10))).capitalize()
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60))).capitalize() + "."
                  for _ in range(rng.randint(6, 12))]
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
    return {"number": number, "title": title, "when": when, "section": SECTIONS[number % len(SECTIONS)],
            "paragraphs": paragraphs, "path": f"/news/{when:%Y/%m}/{slug}-{number}",
            "author": f"{rng.choice(['Ann', 'Bo', 'Cy', 'Di'])} {rng.choice(['Reed', 'Lund', 'Park'])}"}


def _shell(title: str, main: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | The Lakeside Gazette'
            f'</title><link rel="stylesheet" href="/css/site.css">{HEAD_EXTRAS}</head><body>'
            f'<div class="cookie-notice">We use cookies to improve your experience. <a href="/privacy">Privacy'
            f'</a> <button>Accept</button></div><header class="site-header"><a class="logo" href="/">The '
            f'Lakeside Gazette</a><nav class="mega-menu"><ul>{MENU}</ul></nav><div class="breaking">Breaking: '
            f'ferry service suspended on the north shore until further notice</div></header>'
            f'<main id="main-content">{main}</main><footer class="site-footer"><ul>{FOOTER}</ul>'
            f'<p>© 2025 Lakeside Media Group. All rights reserved.</p></footer></body></html>')


def listing_page(page: int, articles: int) -> str | None:
    first = page * PER_PAGE + 1
    if first > articles:
        return None
    cards = []
    for number in range(first, min(first + PER_PAGE, articles + 1)):
        a = article(number)
        when = a["when"]
        assert isinstance(when, datetime)
        summary = str(a["paragraphs"][0])[:180]  # type: ignore[index]
        cards.append(
            f'<article class="node node--teaser"><span class="badge">{a["section"]}</span>'
            f'<h2 class="node__title"><a href="{a["path"]}" rel="bookmark">{a["title"]}</a></h2>'
            f'<div class="node__meta"><span class="date">{MONTHS[when.month - 1]} {when.day}, {when.year}'
            f'</span></div><div class="field--summary">{summary}...</div></article>')
    pager = f'<li class="pager__item--next"><a href="/news?page={page + 1}">Next ›</a></li>' \
        if first + PER_PAGE <= articles else ""
    main = (f'<h1>Latest news</h1><div class="view-content">{"".join(cards)}</div>'
            f'<nav class="pager"><ul><li class="pager__item is-active">{page + 1}</li>{pager}</ul></nav>')
    return _shell("Latest news", main)


def article_page(number: int) -> str:
    a = article(number)
    when = a["when"]
    assert isinstance(when, datetime)
    paragraphs = [f"<p>{p}</p>" for p in a["paragraphs"]]  # type: ignore[attr-defined]
    paragraphs.insert(3, '<div class="newsletter-box"><h3>Get the Gazette in your inbox</h3><p>Sign up for '
                         'our free morning newsletter.</p><form><input type="email"><button>Sign up</button>'
                         '</form></div>')
    most_read = MOST_READ
    json_ld = ('{"@context":"https://schema.org","@type":"NewsArticle","headline":"%s","datePublished":"%s",'
               '"author":{"@type":"Person","name":"%s"}}' % (a["title"], when.isoformat(), a["author"]))
    main = (f'<article class="node node--full"><span class="badge">{a["section"]}</span>'
            f'<h1 class="page-title"><span>{a["title"]}</span></h1><div class="byline">By <a class="author" '
            f'href="/staff/x">{a["author"]}</a> · <time datetime="{when.isoformat()}">{MONTHS[when.month - 1]} '
            f'{when.day}, {when.year}</time></div><div class="field--body">{"".join(paragraphs)}</div>'
            f'<div class="related"><h3>Related</h3><ul>{most_read}</ul></div></article>'
            f'<aside class="sidebar"><h2>Most read</h2><ol>{most_read}</ol></aside>'
            f'<script type="application/ld+json">{json_ld}</script>')
    return _shell(str(a["title"]), main)


MOST_READ = "".join(f'<li><a href="{article(n)["path"]}">{article(n)["title"]}</a></li>' for n in range(1, 6))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    articles = 2000

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        parts = urlsplit(self.path)
        body: str | None = None
        if parts.path == "/news":
            page = parse_qs(parts.query).get("page", ["0"])[0]
            body = listing_page(int(page), self.articles) if page.isdigit() else None
        elif parts.path.startswith("/news/"):
            number = parts.path.rsplit("-", 1)[-1]
            if number.isdigit() and 1 <= int(number) <= self.articles:
                body = article_page(int(number))
        elif parts.path == "/robots.txt":
            body = "User-agent: *\nDisallow: /admin/\n"
        data = (body or "<h1>Not found</h1>").encode()
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/plain" if parts.path == "/robots.txt" else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    Handler.articles = args.articles
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
