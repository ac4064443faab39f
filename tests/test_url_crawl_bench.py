"""``bench/url_crawl.py`` keeps running: one site crawled end to end, and the sites stay sound.

The bench prints figures and never asserts them; this only checks that it still runs
(exit 0, its header, a row for the site and the pooled row) and that the generated sites
are deterministic and serve every ground-truth article with its headline.
"""

from __future__ import annotations

import subprocess
import sys
from html import escape

import pytest
from conftest import REPO_ROOT

BENCH = REPO_ROOT / "bench" / "url_crawl.py"
sys.path.insert(0, str(REPO_ROOT / "bench"))

import url_sites


@pytest.mark.slow
def test_bench_runs_on_one_site() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--site", "kk_habar"], check=False, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].split()[:6] == ["site", "arts", "items", "recall", "prec", "title"]
    assert any(line.startswith("kk_habar ") for line in lines), done.stdout
    assert any(line.startswith("== pooled") for line in lines), done.stdout


@pytest.mark.parametrize("name", sorted(url_sites.SITES))
def test_sites_are_deterministic_and_complete(name: str) -> None:
    base = "http://127.0.0.1:8000"
    site = url_sites.build(name, base)
    assert site.files == url_sites.build(name, base).files
    assert 15 <= len(site.truth) <= 60 and 2 <= len(site.listing_paths) <= 5
    assert len({t.url for t in site.truth}) == len(site.truth)
    assert site.base == base and "/robots.txt" in site.files
    for path in site.listing_paths:
        assert site.files[path][0] == url_sites.HTML
    for truth in site.truth:
        ctype, body = site.files[truth.url[len(base):]]
        assert ctype == url_sites.HTML
        assert f">{escape(truth.title, quote=True)}</h1>" in body.decode("utf-8")
