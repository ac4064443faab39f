"""Replay the runs of a job's archive in several processes (``--jobs N``), merged as one would.

Each run is replayed by a Scrapy crawl of its own, answered only from that run's files,
with its own spider, boilerplate learner and item sort: nothing passes from one run's
crawl to the next (``newsarchive.replay.job``). So runs can be shared out among worker
processes without changing a byte of what each gives, and the parent merges their feeds
in run order with the same :func:`~newsarchive.replay.job.merge_feeds`: the merged
``items.jsonl`` is the single-process one, byte for byte.

A single crawl (one run, ``--run``, ``--at``, an archive without runs) is not split: its
pages feed one spider whose state (which teaser of an article comes first, what the
boilerplate learner has seen) depends on every page before, so splitting its pages would
change items. It is replayed in one process, as with ``--jobs 1``.

Runs go to workers largest first (by captures), each to the least loaded worker:
deterministic, and balanced when run sizes vary. A worker that dies, is killed or leaves
no report fails the replay (status 1) and the output is left as it was. A signal to the
parent (Ctrl-C, SIGTERM) is passed on to every worker, whose crawls then stop as Scrapy
stops on a signal; the replay is interrupted. When the parent's stderr is a terminal, it
keeps the one live progress line for all workers; their log lines are relayed whole.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from newsarchive.cores import default_jobs, parse_jobs
from newsarchive.job.outcome import EXIT_FAILED
from newsarchive.replay.job import ReplayOutcome, RunReplay, _count_lines, merge_feeds
from newsarchive.replay.runs import ReplayArchive
from newsarchive.runner.crawl_job import CrawlResult

logger = logging.getLogger(__name__)

#: A crawl's set-up, in captures' worth of work, when sharing runs out (about 60 ms).
CRAWL_SETUP = 20
#: Without ``--jobs``, a worker process for each this many captures at most.
AUTO_CAPTURES_PER_JOB = 2000
PROGRESS_INTERVAL = 0.5
_CLEAR = "\r\033[K"


def auto_jobs(captures: int) -> int:
    """``--jobs`` left out: the cores, but one process per :data:`AUTO_CAPTURES_PER_JOB`
    captures at most (a worker's start-up, about a second, must pay for itself)."""
    return max(1, min(default_jobs(), captures // AUTO_CAPTURES_PER_JOB))


def balance(sizes: Sequence[int], jobs: int) -> list[tuple[int, ...]]:
    """Positions (indexes into ``sizes``) for each of at most ``jobs`` workers: largest
    first to the least loaded, ties to the lower index; each worker's in plan order."""
    jobs = max(1, min(jobs, len(sizes)))
    loads = [0] * jobs
    groups: list[list[int]] = [[] for _ in range(jobs)]
    for position in sorted(range(len(sizes)), key=lambda p: (-sizes[p], p)):
        worker = min(range(jobs), key=lambda w: (loads[w], w))
        groups[worker].append(position)
        loads[worker] += sizes[position] + CRAWL_SETUP
    return [tuple(sorted(g)) for g in groups if g]


def replay_in_processes(
    spider: str,
    sources: Sequence[str],
    out: Path,
    archive: ReplayArchive,
    scopes: Sequence[int | None],
    *,
    jobs: int,
    run: int | None,
    at: str | None,
    spider_args: Mapping[str, str] | None,
    settings: Mapping[str, Any] | None,
) -> ReplayOutcome:
    """Replay the planned crawls ``scopes`` in up to ``jobs`` worker processes and merge
    them into ``out`` as :func:`~newsarchive.replay.job.replay_job` does in one."""
    try:
        json.dumps([dict(spider_args or {}), dict(settings or {})])
    except (TypeError, ValueError):
        from newsarchive.replay.job import replay_job

        logger.warning("settings that are not plain values cannot reach worker processes: replaying in one")
        return replay_job(spider, sources, out, run=run, at=at, spider_args=spider_args, settings=settings)
    sizes = [len(archive.run_index(n)) if n is not None else len(archive.index) for n in scopes]
    groups = balance(sizes, jobs)
    started = time.perf_counter()
    outcome = ReplayOutcome(out, len(archive.runs), len(scopes), load_seconds=archive.load_seconds,
                            damaged=archive.damaged, jobs=len(groups))
    logger.info("Replaying %d runs in %d processes", len(scopes), len(groups))
    out.parent.mkdir(parents=True, exist_ok=True)
    user_progress = str((settings or {}).get("NEWSARCHIVE_PROGRESS", "auto")).strip().lower()
    live = user_progress == "auto" and bool(getattr(sys.stderr, "isatty", lambda: False)())
    with tempfile.TemporaryDirectory(prefix=".newsarchive-replay-", dir=out.parent) as work:
        workdir = Path(work)
        workers: list[_Worker] = []
        signals_seen = _forward_signals(workers)  # before the first start: none is missed
        try:
            try:
                for k, positions in enumerate(groups):
                    workers.append(_Worker.start(k, len(groups), positions, scopes, workdir, spider=spider,
                                                 sources=sources, run=run, at=at, spider_args=spider_args,
                                                 settings=settings, live=live))
                    if signals_seen.count:  # stopped while starting: the rest are not started
                        workers[-1].proc.send_signal(signal.SIGTERM)
                        break
            except BaseException:  # never leave the workers started so far running
                for worker in workers:
                    worker.proc.kill()
                    worker.proc.wait()
                raise
            _wait(workers, sum(sizes), live)
        finally:
            signals_seen.restore()
        _collect(outcome, workers, archive, scopes, interrupted=bool(signals_seen.count))
        if not outcome.stopped_early:
            merge_feeds(outcome.replays, out)
        else:  # a partial merge would look whole: the output is left as it was
            for replay in outcome.replays:
                replay.items = _count_lines(replay.feed)
        outcome.written = 0 if outcome.stopped_early or not out.exists() else _count_lines(out)
    outcome.elapsed = time.perf_counter() - started
    return outcome


class _Worker:
    """One worker process: its spec, its report, its stderr relayed line by line."""

    def __init__(self, number: int, of: int, positions: tuple[int, ...], proc: subprocess.Popen[bytes],
                 report: Path, progress: Path) -> None:
        self.number, self.of, self.positions = number, of, positions
        self.proc, self.report, self.progress = proc, report, progress
        self.relay = threading.Thread(target=self._relay, daemon=True)
        self.relay.start()

    @classmethod
    def start(cls, number: int, of: int, positions: tuple[int, ...], scopes: Sequence[int | None],
              workdir: Path, *, spider: str, sources: Sequence[str], run: int | None, at: str | None,
              spider_args: Mapping[str, str] | None, settings: Mapping[str, Any] | None, live: bool) -> _Worker:
        feeds = workdir / f"worker-{number}"
        feeds.mkdir()
        report, progress = workdir / f"report-{number}.json", workdir / f"progress-{number}.json"
        worker_settings = dict(settings or {})
        if live:  # one live line, the parent's: workers report to a file instead
            worker_settings["NEWSARCHIVE_PROGRESS"] = "off"
        spec = {
            "spider": spider, "sources": list(sources), "run": run, "at": at,
            "spider_args": dict(spider_args or {}), "settings": worker_settings,
            "positions": list(positions), "numbers": [scopes[p] for p in positions],
            "feeds": str(feeds), "report": str(report), "progress": str(progress), "parent": os.getpid(),
        }
        spec_path = workdir / f"spec-{number}.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsarchive.replay.worker", str(spec_path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
            start_new_session=True,  # a Ctrl-C reaches the parent only, which passes it on once
        )
        return cls(number, of, positions, proc, report, progress)

    def _relay(self) -> None:
        """Copy the worker's log to our stderr a whole line at a time (clearing a live line)."""
        assert self.proc.stderr is not None
        live = bool(getattr(sys.stderr, "isatty", lambda: False)())
        for raw in iter(self.proc.stderr.readline, b""):
            text = raw.decode("utf-8", "replace")
            with _WRITE_LOCK:
                try:
                    sys.stderr.write((_CLEAR if live else "") + text)
                    sys.stderr.flush()
                except (OSError, ValueError):
                    pass

    def label(self) -> str:
        return f"replay worker {self.number + 1} of {self.of} (pid {self.proc.pid})"

    def stopped_by_signal(self) -> bool:
        """Ended by SIGINT/SIGTERM, before or after the worker's own handlers were in place."""
        stops = (signal.SIGINT, signal.SIGTERM)
        code = self.proc.returncode
        return code is not None and (-code in stops or code - 128 in stops)

    def ended_badly(self) -> str | None:
        """Why this worker's runs cannot be trusted, or ``None``."""
        code = self.proc.returncode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"{self.label()} was killed by {name}"
        if code:
            return f"{self.label()} failed (exit status {code})"
        if not self.report.is_file():
            return f"{self.label()} ended without a report"
        return None


_WRITE_LOCK = threading.Lock()


class _Signals:
    def __init__(self) -> None:
        self.count = 0
        self.previous: dict[int, Any] = {}

    def restore(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def _forward_signals(workers: list[_Worker]) -> _Signals:
    """SIGINT/SIGTERM to the parent go to every worker (a second one forces, as in Scrapy)."""
    seen = _Signals()

    def forward(signum: int, _frame: Any) -> None:
        seen.count += 1
        for worker in workers:
            if worker.proc.poll() is None:
                try:
                    worker.proc.send_signal(signum)
                except OSError:
                    pass

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            seen.previous[signum] = signal.signal(signum, forward)
    return seen


def _wait(workers: list[_Worker], captures: int, live: bool) -> None:
    """Until every worker has ended; meanwhile the live line, when on a terminal."""
    started = time.monotonic()
    while any(w.proc.poll() is None for w in workers):
        time.sleep(PROGRESS_INTERVAL if live else 0.1)
        if live:
            line = _progress_line(workers, captures, time.monotonic() - started)
            with _WRITE_LOCK:
                sys.stderr.write(_CLEAR + line[: _width() - 1])
                sys.stderr.flush()
    for worker in workers:
        worker.relay.join(timeout=5)
    if live:
        with _WRITE_LOCK:
            sys.stderr.write(_CLEAR)
            sys.stderr.flush()


def _progress_line(workers: list[_Worker], captures: int, elapsed: float) -> str:
    """The crawl progress line (``newsarchive.job.progress``), summed over the workers."""
    total = {"pages": 0, "items": 0, "failed": 0, "hits": 0}
    for worker in workers:
        try:
            figures = json.loads(worker.progress.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for key in total:
            total[key] += int(figures.get(key, 0))
    elapsed = max(elapsed, 1e-6)
    parts = [f"{total['pages']} pages ({total['pages'] / elapsed:.1f}/s)", f"{total['items']} items"]
    if total["failed"]:
        parts.append(f"{total['failed']} failed")
    if captures:
        done = total["hits"]
        eta = (captures - done) / (done / elapsed) if done else None
        parts.append(f"{min(done / captures, 1.0):.0%} of {captures} captures" + (f", ETA {eta:.0f} s" if eta else ""))
    parts.append(f"{elapsed:.0f} s, {len(workers)} processes")
    return ", ".join(parts)


def _width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 20)).columns


def _collect(outcome: ReplayOutcome, workers: list[_Worker], archive: ReplayArchive,
             scopes: Sequence[int | None], *, interrupted: bool) -> None:
    """Fill ``outcome`` as one process replaying the plan in order would have: the crawls
    up to the first that failed or was interrupted (one process stops there)."""
    by_position: dict[int, RunReplay] = {}
    worker_load = 0.0
    for worker in workers:
        problem = worker.ended_badly()
        if problem is None:
            try:
                report = json.loads(worker.report.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                problem = f"{worker.label()} left an unreadable report: {exc}"
        if problem is not None and interrupted and worker.stopped_by_signal():
            logger.info("%s: stopped by the signal passed on to it", worker.label())
            outcome.interrupted = True
            continue
        if problem is not None:
            logger.error("%s: its runs are not replayed, nothing is written", problem)
            outcome.error = outcome.error or problem
            continue
        worker_load = max(worker_load, float(report.get("load_seconds", 0.0)))
        if report.get("error"):
            outcome.error = outcome.error or f"{worker.label()}: {report['error']}"
        if report.get("interrupted"):
            outcome.interrupted = True
        for entry in report.get("replays", []):
            number = entry.get("run")
            result = CrawlResult(out_dir=None, stats=entry.get("stats") or {}, elapsed=float(entry.get("elapsed", 0.0)),
                                 error=entry.get("error"), replay=True,
                                 error_status=int(entry.get("error_status", EXIT_FAILED)))
            the_run = archive.runs.get(number) if number is not None else None
            by_position[int(entry["position"])] = RunReplay(the_run, result, Path(entry["feed"]))
    outcome.load_seconds += worker_load
    replays: list[RunReplay] = []
    for position in range(len(scopes)):
        replay = by_position.get(position)
        if replay is None:
            break
        replays.append(replay)
        if replay.result.error or replay.result.stats.get("finish_reason") == "shutdown":
            break
    outcome.replays = replays
    if interrupted or any(r.result.stats.get("finish_reason") == "shutdown" for r in replays):
        outcome.interrupted = True
    outcome.stopped_early = len(replays) < len(scopes) or outcome.error is not None
    if len(replays) < len(scopes) and not outcome.error and not (replays and replays[-1].result.error):
        outcome.interrupted = True  # as one process: the crawls stopped between two runs


__all__ = ["AUTO_CAPTURES_PER_JOB", "auto_jobs", "balance", "default_jobs", "parse_jobs", "replay_in_processes"]
