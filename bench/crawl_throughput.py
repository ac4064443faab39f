"""Crawl throughput: newsarchive against a plain Scrapy spider on the same generated site.

Run: ``python bench/crawl_throughput.py [--articles 2000] [--rounds 3] [--profile [--profile-out FILE]]
[--variant NAME=VALUE ...]``.

The site is ``bench/throughput_site.py`` (markup unlike the sample site's), served by its
own process. Two crawlers take turns, ``--rounds`` times each, and the medians are
printed:

* **plain Scrapy**: a bare ``scrapy.Spider`` (Scrapy's default settings plus the same
  concurrency, robots.txt and log level as newsarchive) that follows the listing's pages,
  takes the same fields with the same CSS selectors (teaser title, date text, section,
  summary; article title, body paragraphs, authors, publication datetime) and writes them
  with Scrapy's own JSON Lines feed. No archive, no cleaning, no dedupe: the anchor.
* **newsarchive**: ``newsarchive crawl SITE.toml --out DIR`` with a site file holding those
  selectors and the project's settings: WARC capture (in its writer process), boilerplate
  learning and stripping, text cleaning, dates, dedupe, job state, sorted items.

Each crawl runs in a fresh child process; pages/s is counted from the crawl's own start and
finish (Scrapy's ``elapsed_time_seconds``, interpreter start-up excluded), CPU ms/page from
the child's rusage (start-up included, the writer process included for newsarchive).
Target (issue: crawl near plain Scrapy): newsarchive at least 0.85x plain Scrapy's pages/s.
``--variant NAME=VALUE`` (repeatable) adds a third crawler taking its turn in each round:
newsarchive with those settings (``-s``), to weigh one component's cost in the same run
(``--variant NEWSARCHIVE_WARC_WRITER_PROCESS=False``).
``--profile`` runs one more newsarchive crawl under cProfile and prints its top functions.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SITE_TOML = """\
name = "lakeside"
start_urls = ["{base}/news?page=0"]
allowed_domains = ["127.0.0.1"]
timezone = "America/Chicago"
languages = ["en"]

[listing]
item = "article.node--teaser"
url = "h2.node__title a"
title = "h2.node__title a"
summary = ".field--summary"
date = ".node__meta .date"
section = ".badge"
next_page = "li.pager__item--next a"
follow = true

[article]
title = "h1.page-title"
body = ".field--body > p"
authors = ".byline a.author"

[settings]
AUTOTHROTTLE_ENABLED = false
"""

PLAIN_SPIDER = textwrap.dedent('''
    import json, sys
    from datetime import datetime
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Plain(scrapy.Spider):
        name = "plain"

        async def start(self):
            yield scrapy.Request(sys.argv[1] + "/news?page=0")

        def parse(self, response):
            for card in response.css("article.node--teaser"):
                teaser = {
                    "url": response.urljoin(card.css("h2.node__title a::attr(href)").get()),
                    "title": card.css("h2.node__title a::text").get(),
                    "date_text": card.css(".node__meta .date::text").get(),
                    "section": card.css(".badge::text").get(),
                    "summary": card.css(".field--summary::text").get(),
                }
                yield response.follow(teaser["url"], self.parse_article, cb_kwargs={"teaser": teaser})
            next_page = response.css("li.pager__item--next a::attr(href)").get()
            if next_page:
                yield response.follow(next_page, self.parse)

        def parse_article(self, response, teaser):
            when = response.css("time::attr(datetime)").get()
            yield {**teaser,
                   "article_title": " ".join(response.css("h1.page-title ::text").getall()).strip(),
                   "body": "\\n\\n".join(" ".join(p.css("::text").getall()).strip()
                                       for p in response.css(".field--body > p")),
                   "authors": response.css(".byline a.author::text").getall(),
                   "published": datetime.fromisoformat(when).isoformat() if when else None}

    process = CrawlerProcess({
        "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "ROBOTSTXT_OBEY": True,
        "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
        "FEEDS": {sys.argv[2]: {"format": "jsonlines"}},
    })
    crawler = process.create_crawler(Plain)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({"elapsed": stats.get("elapsed_time_seconds"),
                      "pages": stats.get("downloader/response_count", 0),
                      "items": stats.get("item_scraped_count", 0)}))
''')


def start_site(articles: int) -> tuple[subprocess.Popen[str], str]:
    child = subprocess.Popen([sys.executable, str(REPO / "bench" / "throughput_site.py"), "--articles",
                              str(articles)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    return child, child.stdout.readline().strip()


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``command``; return it and the CPU seconds it (and its children) used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])}... failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def plain_round(base: str, scratch: Path) -> dict[str, float]:
    out = scratch / f"plain-{time.monotonic_ns()}.jsonl"
    spider = scratch / "plain_spider.py"  # a file: Scrapy reads callbacks' source
    spider.write_text(PLAIN_SPIDER, encoding="utf-8")
    done, cpu = timed([sys.executable, str(spider), base, str(out)])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {"pages/s": figures["pages"] / figures["elapsed"], "cpu_ms": 1000 * cpu / figures["pages"],
            "items": figures["items"], "pages": figures["pages"]}


def newsarchive_round(site: Path, scratch: Path, profile: Path | None = None,
                      settings: tuple[str, ...] = ()) -> dict[str, float]:
    out = scratch / f"job-{time.monotonic_ns()}"
    command = [sys.executable, "-m", "newsarchive", "crawl", str(site), "--out", str(out), "-s", "LOG_LEVEL=WARNING",
               "-s", "NEWSARCHIVE_PROGRESS=off", *(arg for setting in settings for arg in ("-s", setting))]
    if profile is not None:
        command = [sys.executable, "-m", "cProfile", "-o", str(profile), *command[1:]]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    _, cpu = timed(command, env)
    run = json.loads((out / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    stats = run["stats"]
    pages = stats.get("downloader/response_count", 0)
    return {"pages/s": pages / stats["elapsed_time_seconds"], "cpu_ms": 1000 * cpu / pages,
            "items": run["items"], "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also profile one newsarchive crawl (cProfile)")
    parser.add_argument("--profile-out", metavar="FILE", help="with --profile: keep the cProfile data in FILE")
    parser.add_argument("--variant", metavar="NAME=VALUE", action="append", default=[],
                        help="also crawl with newsarchive and these settings, in each round")
    args = parser.parse_args()
    if any("=" not in setting for setting in args.variant):
        parser.error("--variant takes NAME=VALUE")
    variant = "variant" if args.variant else None
    site_process, base = start_site(args.articles)
    try:
        with tempfile.TemporaryDirectory(prefix="newsarchive-throughput-") as tmp:
            scratch = Path(tmp)
            site = scratch / "lakeside.toml"
            site.write_text(SITE_TOML.format(base=base), encoding="utf-8")
            results: dict[str, list[dict[str, float]]] = {"plain Scrapy": [], "newsarchive": []}
            crawlers = [("plain Scrapy", lambda: plain_round(base, scratch)),
                        ("newsarchive", lambda: newsarchive_round(site, scratch))]
            if variant:
                print(f"variant: newsarchive with {' '.join(args.variant)}")
                results[variant] = []
                crawlers.append((variant, lambda: newsarchive_round(site, scratch, settings=tuple(args.variant))))
            for number in range(1, args.rounds + 1):
                for name, run in crawlers:
                    figures = run()
                    if figures["items"] != args.articles:
                        raise SystemExit(f"{name} exported {figures['items']:.0f} items, not {args.articles}")
                    results[name].append(figures)
                    print(f"round {number} {name:13} {figures['pages/s']:7.1f} pages/s  {figures['cpu_ms']:5.2f} "
                          f"CPU ms/page  {figures['items']:.0f} items  {figures['pages']:.0f} pages", flush=True)
            print()
            medians = {name: {key: statistics.median(r[key] for r in rows) for key in ("pages/s", "cpu_ms")}
                       for name, rows in results.items()}
            for name, figures in medians.items():
                print(f"median {name:13} {figures['pages/s']:7.1f} pages/s  {figures['cpu_ms']:5.2f} CPU ms/page")
            ratio = medians["newsarchive"]["pages/s"] / medians["plain Scrapy"]["pages/s"]
            extra = medians["newsarchive"]["cpu_ms"] - medians["plain Scrapy"]["cpu_ms"]
            print(f"newsarchive / plain Scrapy: {ratio:.2f}x the pages per second (target: at least 0.85x); "
                  f"it costs {extra:+.2f} CPU ms per page more (archive writer process included)")
            if variant:
                ratio = medians[variant]["pages/s"] / medians["newsarchive"]["pages/s"]
                extra = medians[variant]["cpu_ms"] - medians["newsarchive"]["cpu_ms"]
                print(f"variant / newsarchive: {ratio:.2f}x the pages per second (below 1.00x: the variant is "
                      f"slower); it costs {extra:+.2f} CPU ms per page more (negative: less)")
            if args.profile:
                profile = scratch / "crawl.prof"
                newsarchive_round(site, scratch, profile)
                import pstats

                print("\nnewsarchive crawl, top 25 functions by cumulative time:")
                pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(25)
                print("top 25 by own time:")
                pstats.Stats(str(profile)).sort_stats("tottime").print_stats(25)
                if args.profile_out:
                    shutil.copy(profile, args.profile_out)
                    print(f"profile kept in {args.profile_out}")
    finally:
        site_process.terminate()
        site_process.wait(timeout=10)


if __name__ == "__main__":
    main()
