"""``newsarchive.crawl()`` and ``newsarchive.replay()``: crawls from Python, as often as you like.

Scrapy runs on Twisted, whose reactor cannot be restarted in a process, and a crawl
installs its own logging and signal handlers. So each call runs the same command a user
would (``python -m newsarchive crawl ...``) in a child process: a notebook can crawl, fix
a selector and replay, any number of times, and its own logging and signal handlers are
left as they were. The result carries what this run wrote (its items, read back from the
job), the paths it created or changed, its stats and how it ended; a failed run raises
:class:`CrawlFailed` with the same result attached.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive.runner.crawl_job import ITEMS_FILE, RUNS_FILE, file_states, output_files
from newsarchive.job.item_feed import read_json_lines
from newsarchive.job.outcome import EXIT_FAILED, EXIT_NOTHING, EXIT_OK


class CrawlFailed(RuntimeError):
    """The crawl or replay failed, was interrupted or was refused (``result.status`` 1 or
    2); ``result`` has its log, stats and whatever it wrote."""

    def __init__(self, result: RunResult) -> None:
        last = result.log.strip().splitlines()[-1:] if result.log.strip() else []
        super().__init__(f"{result.command} ended with status {result.status}"
                         + (f": {last[0]}" if last else ""))
        self.result = result


@dataclass
class RunResult:
    """What one ``crawl()`` or ``replay()`` call did."""

    command: str
    status: int
    """The exit status: 0 done, 1 failed/interrupted/incomplete, 2 refused, 3 nothing found."""
    items: list[dict[str, Any]] = field(default_factory=list)
    """The items this run wrote, in file order."""
    paths: list[Path] = field(default_factory=list)
    """The files this run created or changed."""
    stats: dict[str, Any] = field(default_factory=dict)
    """Scrapy's and newsarchive's stats of the run (crawl: from ``runs.jsonl``)."""
    outcome: str | None = None
    """``finished``, ``nothing``, ``incomplete``, ``interrupted`` or ``failed``."""
    summary: str = ""
    """The summary the command printed."""
    log: str = ""
    """What the command logged (at ``log_level``)."""

    @property
    def ok(self) -> bool:
        return self.status == EXIT_OK


def crawl(spider: str, job: str | os.PathLike[str], *, args: Mapping[str, Any] | None = None,
          settings: Mapping[str, Any] | None = None, log_level: str = "WARNING",
          timeout: float | None = None) -> RunResult:
    """Crawl ``spider`` (a spider name, a site TOML file or a listing URL) into the job
    directory ``job``, as ``newsarchive crawl SPIDER --out JOB`` does.

    ``args`` are spider arguments (``-a``), ``settings`` Scrapy settings (``-s``; dicts and
    lists as JSON). Returns a :class:`RunResult`; raises :class:`CrawlFailed` when the run
    failed (status 1) or was refused (status 2). Nothing found (status 3) is a result.
    """
    out = Path(job)
    argv = ["crawl", str(spider), "--out", str(out), *_options(args, settings), "--log-level", log_level]
    before = file_states(output_files(out)) if out.is_dir() else {}
    items_at = _complete_lines_end(out / ITEMS_FILE)
    runs_at = _complete_lines_end(out / RUNS_FILE)
    result = _run("crawl", argv, timeout)
    if out.is_dir():
        after = file_states(output_files(out))
        result.paths = [path for path, state in after.items() if before.get(path) != state]
        result.items = _json_lines(out / ITEMS_FILE, items_at)
        runs = _json_lines(out / RUNS_FILE, runs_at)
        if runs:
            result.stats, result.outcome = runs[-1].get("stats") or {}, runs[-1].get("outcome")
    return _checked(result)


def replay(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], spider: str,
           output: str | os.PathLike[str], *, run: int | None = None, at: str | None = None,
           args: Mapping[str, Any] | None = None, settings: Mapping[str, Any] | None = None,
           log_level: str = "WARNING", timeout: float | None = None, jobs: int | None = None) -> RunResult:
    """Replay archives (a job directory, WARC files, directories, a WACZ) with ``spider``
    into the items file ``output`` (overwritten), as ``newsarchive replay`` does; ``run``
    or ``at`` pick one run; ``jobs`` processes share the runs out (``--jobs``; default: the
    cores). Returns a :class:`RunResult` (its ``items`` those of ``output``); raises
    :class:`CrawlFailed` when the replay failed or was refused."""
    sources = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    argv = ["replay", *map(str, sources), "--spider", str(spider), "-o", str(output),
            *_options(args, settings), "--log-level", log_level]
    if run is not None:
        argv += ["--run", str(run)]
    if at is not None:
        argv += ["--at", str(at)]
    if jobs is not None:
        argv += ["--jobs", str(jobs)]
    result = _run("replay", argv, timeout)
    target = Path(output)
    if target.is_file():
        result.paths = [target]
        result.items = _json_lines(target)
    result.outcome = {EXIT_OK: "finished", EXIT_NOTHING: "nothing"}.get(result.status, "failed")
    return _checked(result)


def _options(args: Mapping[str, Any] | None, settings: Mapping[str, Any] | None) -> list[str]:
    options: list[str] = []
    for name, value in (args or {}).items():
        options += ["-a", f"{name}={value}"]
    for name, value in (settings or {}).items():
        text = json.dumps(value) if isinstance(value, (dict, list, tuple)) else \
            ("true" if value is True else "false" if value is False else str(value))
        options += ["-s", f"{name}={text}"]
    return options


def _run(command: str, argv: list[str], timeout: float | None) -> RunResult:
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    try:
        done = subprocess.run([sys.executable, "-m", "newsarchive", *argv], capture_output=True, text=True,
                              timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:  # the child got SIGKILL: its job resumes next time
        log = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return RunResult(command, EXIT_FAILED, log=log + f"\ntimed out after {timeout} s")
    return RunResult(command, done.returncode, summary=done.stdout, log=done.stderr)


def _checked(result: RunResult) -> RunResult:
    """``result``, or :class:`CrawlFailed` for anything but done (0) or nothing found (3)."""
    if result.status not in (EXIT_OK, EXIT_NOTHING):
        raise CrawlFailed(result)
    return result


def _complete_lines_end(path: Path) -> int:
    """Where the file's last complete line ends: a torn tail (a killed run) is cut off by
    the next run, whose items then start there."""
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            pos = size
            while pos > 0:
                step = min(65536, pos)
                fh.seek(pos - step)
                block = fh.read(step)
                newline = block.rfind(b"\n")
                if newline != -1:
                    return pos - step + newline + 1
                pos -= step
            return 0
    except OSError:
        return 0


def _json_lines(path: Path, start: int = 0) -> list[dict[str, Any]]:
    """The objects of ``path`` from byte ``start`` on (what this run appended: the
    end-of-run sort rewrites only this run's lines, so the offset still marks where they
    begin); none when there is no such file."""
    try:
        return list(read_json_lines(path, start))
    except OSError:
        return []


__all__ = ["CrawlFailed", "RunResult", "crawl", "replay"]
