"""WACZ for ReplayWeb.page users: article text in pages.jsonl (its full-text search),
``--title``, ``--desc`` and ``--main-url`` in datapackage.json, as py-wacz writes them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from conftest import run_cli


def test_wacz_carries_text_and_metadata(sample_site: Any, tmp_path: Path) -> None:
    job = tmp_path / "job"
    crawl = run_cli("crawl", "timesca", "-a", f"base_url={sample_site.url}", "-a", "max_pages=1", "--out", str(job),
                    "--log-level", "WARNING")
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr[-3000:]
    out = tmp_path / "crawl.wacz"
    made = run_cli("wacz", str(job / "warc"), "--items", str(job / "items.jsonl"), "-o", str(out),
                   "--title", "Times of Central Asia", "--desc", "Daily crawl", "--main-url", f"{sample_site.url}/latest/")
    assert made.returncode == 0, made.stdout + made.stderr
    with zipfile.ZipFile(out) as zf:
        package = json.loads(zf.read("datapackage.json"))
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode().splitlines()[1:]]
    assert package["title"] == "Times of Central Asia" and package["description"] == "Daily crawl"
    assert package["mainPageURL"] == f"{sample_site.url}/latest/"
    items = {json.loads(line)["url"]: json.loads(line) for line in (job / "items.jsonl").read_text().splitlines()}
    with_text = [p for p in pages if p.get("text")]
    assert with_text and all(p["text"] == items[p["url"]]["body"] for p in with_text)
    bare = tmp_path / "bare.wacz"
    assert run_cli("wacz", str(job / "warc"), "--items", str(job / "items.jsonl"), "-o", str(bare),
                   "--no-text").returncode == 0
    with zipfile.ZipFile(bare) as zf:
        assert not any("text" in json.loads(line) for line in zf.read("pages/pages.jsonl").decode().splitlines())
