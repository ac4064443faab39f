"""A daily run does not read again the child sitemaps an earlier run read whole and that
have not changed since (same ``lastmod``), with or without ``since``: a site with a huge
sitemap index costs the index and what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from job_runs import read_jsonl
from test_job_outcomes import crawl

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML = {"Content-Type": "application/xml"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def serve(static_site: Any, lastmods: list[str], per_child: int = 3, grown: int = 0) -> None:
    """A sitemap index of one child per ``lastmods``; child ``grown`` has one entry more."""
    pages, url = static_site.pages, static_site.url
    children = "".join(f"<sitemap><loc>{url}/sitemap-{k}.xml</loc><lastmod>{mod}</lastmod></sitemap>"
                       for k, mod in enumerate(lastmods, 1))
    pages["/sitemap.xml"] = (200, XML, f"<?xml version='1.0'?><sitemapindex xmlns='{SM}'>{children}"
                                       "</sitemapindex>".encode())
    for k in range(1, len(lastmods) + 1):
        count = per_child + (1 if k == grown else 0)
        urls = "".join(f"<url><loc>{url}/{k}/{n}/</loc></url>" for n in range(count))
        pages[f"/sitemap-{k}.xml"] = (200, XML, f"<?xml version='1.0'?><urlset xmlns='{SM}'>{urls}</urlset>".encode())
        for n in range(count):
            pages[f"/{k}/{n}/"] = (200, HTML, f"<html><body><h1>Story {k}-{n}</h1><p>Story {k}-{n} text, "
                                               f"with words of its own: {k * 31 + n}.</p></body></html>".encode())


def test_unchanged_child_sitemaps_are_not_read_again(static_site: Any, tmp_path: Path) -> None:
    site = tmp_path / "sm.toml"
    site.write_text(f'name = "sm"\nsitemaps = ["{static_site.url}/sitemap.xml"]\nallowed_domains = ["127.0.0.1"]\n',
                    encoding="utf-8")
    out = tmp_path / "out"
    serve(static_site, ["2026-11-01", "2026-11-02", "2026-11-03"])
    first = crawl(site, out)
    assert first.returncode == 0, first.stdout + first.stderr[-3000:]
    assert len(read_jsonl(out / "items.jsonl")) == 9

    # the next day child 3 gained an entry (and a new lastmod); 1 and 2 are as they were
    serve(static_site, ["2026-11-01", "2026-11-02", "2026-11-04T08:00:00Z"], grown=3)
    second = crawl(site, out)
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    assert "3 child sitemaps, 1 requested" in second.stderr
    assert "2 unchanged since an earlier run read them" in second.stderr
    items = read_jsonl(out / "items.jsonl")
    assert len(items) == 10 and items[-1]["title"] == "Story 3-3"
    runs = read_jsonl(out / "runs.jsonl")
    assert runs[-1]["stats"]["newsarchive/sitemap/children_unchanged"] == 2

    # an interrupted or failed walk never counts as read: a run with a failing child
    # leaves it to be read again
    pages = static_site.pages
    serve(static_site, ["2026-11-01", "2026-11-05", "2026-11-04T08:00:00Z"], grown=3)
    pages["/sitemap-2.xml"] = (503, HTML, b"busy")
    third = crawl(site, out, "RETRY_TIMES=0")
    assert third.returncode == 1, third.stdout + third.stderr[-3000:]  # incomplete
    serve(static_site, ["2026-11-01", "2026-11-05", "2026-11-04T08:00:00Z"], grown=3)
    fourth = crawl(site, out)
    assert fourth.returncode == 0, fourth.stdout + fourth.stderr[-3000:]
    assert "3 child sitemaps, 1 requested" in fourth.stderr  # child 2, changed and not yet read
