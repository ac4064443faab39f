"""``newsarchive list`` shows what can be crawled, and the example site file it names is
a working starting point (crawled here against the offline sample site)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import run_cli
from job_runs import read_jsonl


def test_list_shows_spiders_their_arguments_and_example_files(sample_site: Any, tmp_path: Path) -> None:
    result = run_cli("list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    names = [line.split()[0] for line in lines if line.startswith("  ") and not line.startswith("   ")]
    assert {"timesca", "url", "listing"} <= set(names)
    timesca = lines.index(next(line for line in lines if line.split()[:1] == ["timesca"] or
                               line.startswith("  timesca ")))
    assert "The Times of Central Asia" in lines[timesca]
    assert "query=" in lines[timesca + 1] and "max_pages=" in lines[timesca + 1]
    examples = [Path(line.strip()) for line in lines if line.strip().endswith(".toml")]
    assert examples and all(path.is_file() for path in examples)

    example = next(path for path in examples if path.name == "timesca.toml")
    crawl = run_cli("crawl", str(example), "--out", str(tmp_path / "out"), "-a", f"base_url={sample_site.url}",
                    "-a", "max_pages=1", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr[-3000:]
    items = read_jsonl(tmp_path / "out" / "items.jsonl")
    assert items and all(i["body"] or i["fetch_error"] == "http_404" for i in items)  # the site's one dead link
    assert "Listing selector" not in crawl.stderr  # its selectors match the sample site
