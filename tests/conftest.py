"""Shared fixtures: the real-world corpus, the offline sample site, in-process crawls."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def corpus_path() -> Path:
    """Where the real-world corpus lives: $NEWSARCHIVE_DATA, default ../shared/data."""
    configured = os.environ.get("NEWSARCHIVE_DATA")
    if configured:
        return Path(configured).expanduser().resolve()
    return (REPO_ROOT.parent / "shared" / "data").resolve()


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` locally; in CI a missing dependency is a failure, not a skip."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def load_bench(name: str) -> Any:
    """Import ``bench/NAME.py`` (benchmarks are scripts, not a package) for corpus tests."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module while being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = corpus_path()
    require(
        (path / "README.md").is_file(),
        f"real-world corpus not found at {path} (set NEWSARCHIVE_DATA to its directory)",
    )
    return path


@pytest.fixture(scope="session")
def sample_site() -> Iterator[Any]:
    """The offline sample site with 30 articles, shared by the whole session."""
    from newsarchive.sample_site import SampleSite

    with SampleSite(articles=30) as site:
        yield site


@dataclass
class CrawlOutput:
    items: list[dict[str, Any]]
    stats: dict[str, Any]

    def by_url(self) -> dict[str, dict[str, Any]]:
        return {item["url"]: item for item in self.items}


@pytest.fixture
def crawl(tmp_path: Path):
    """``await crawl(SpiderClass, settings={...}, **spider_args)`` runs a real in-process crawl."""
    from itemadapter import ItemAdapter
    from scrapy import signals
    from scrapy.crawler import CrawlerRunner

    from newsarchive.runner.crawl_job import crawl_settings

    async def run(spidercls: Any, settings: dict[str, Any] | None = None, **spider_args: Any) -> CrawlOutput:
        items: list[dict[str, Any]] = []
        overrides = {
            "LOG_LEVEL": "WARNING",
            "NEWSARCHIVE_WARC_DIR": str(tmp_path / "warc"),
            **(settings or {}),
        }
        runner = CrawlerRunner(crawl_settings(None, overrides))
        crawler = runner.create_crawler(spidercls)

        def collect(item: Any, **_: Any) -> None:
            items.append(ItemAdapter(item).asdict())

        crawler.signals.connect(collect, signal=signals.item_scraped)
        await runner.crawl(crawler, **spider_args)
        return CrawlOutput(items=items, stats=crawler.stats.get_stats())

    return run


_MEASURED = ("import resource, subprocess, sys\n"
             "done = subprocess.run([sys.executable, '-m', 'newsarchive', *sys.argv[1:]])\n"
             "print('MAXRSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
             "sys.exit(done.returncode)\n")


def run_cli_measured(*args: str, timeout: float = 300) -> "tuple[subprocess.CompletedProcess[str], float]":
    """``run_cli``, and the peak memory (MiB) of that command alone (it and its children):
    measured by a wrapper whose only child it is, since this process's RUSAGE_CHILDREN
    would count every earlier test's children too."""
    import subprocess

    result = subprocess.run([sys.executable, "-c", _MEASURED, *args], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=timeout)
    peak_kib = int(result.stderr.rsplit("MAXRSS", 1)[1].split()[0]) if "MAXRSS" in result.stderr else 0
    return result, peak_kib / 1024


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> "subprocess.CompletedProcess[str]":
    """Run ``python -m newsarchive ARGS`` in a subprocess."""
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "newsarchive", *args],
        cwd=cwd or REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def static_site() -> Iterator[Any]:
    """A tiny loopback server for hand-made pages: ``site.pages["/path"] = (status, headers, body)``."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    pages: dict[str, tuple[int, dict[str, str], bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            status, headers, body = pages.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Site:
        url = f"http://127.0.0.1:{server.server_address[1]}"

    Site.pages = pages  # type: ignore[attr-defined]
    try:
        yield Site
    finally:
        server.shutdown()
        server.server_close()
