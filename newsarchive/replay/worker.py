"""One worker process of a parallel replay: ``python -m newsarchive.replay.worker SPEC.json``.

Started by :mod:`newsarchive.replay.parallel` with a spec naming its share of the plan.
It replays those runs in order, as one process would (``replay_job`` with a
:class:`~newsarchive.replay.job.Shard`), each run's feed into its own file, and writes a
report (each crawl's stats, time and error) only once every crawl of its share has
ended: a worker killed part-way leaves no report, and the parent fails the replay. While
it runs it writes its progress figures for the parent's live line, and stops its crawl
the way Scrapy stops on a signal if the parent goes away.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

PROGRESS_INTERVAL = 0.5


class _Watch:
    """Progress figures of the crawls so far, written to a file; the parent's heartbeat."""

    def __init__(self, progress: Path, parent: int) -> None:
        self.progress = progress
        self.parent = parent
        self.done = {"pages": 0, "items": 0, "failed": 0, "hits": 0}
        self.crawler: Any = None
        self.loop: Any = None

    def __call__(self, outcome: Any, crawler: Any) -> None:
        if self.crawler is not None:
            for key, value in self._figures(self.crawler).items():
                self.done[key] += value
        self.crawler = crawler
        if self.loop is None:  # started once the reactor runs (the first spider opened)
            from scrapy import signals

            crawler.signals.connect(self.start, signal=signals.spider_opened)

    def start(self, spider: Any = None) -> None:
        if self.loop is None:
            from twisted.internet import task

            self.loop = task.LoopingCall(self.tick)
            self.loop.start(PROGRESS_INTERVAL, now=False)

    @staticmethod
    def _figures(crawler: Any) -> dict[str, int]:
        try:
            stats = crawler.stats.get_stats() if crawler.stats else {}
        except RuntimeError:
            return {}
        failed = sum(int(v) for k, v in stats.items()
                     if k.startswith(("newsarchive/article/failed/", "newsarchive/listing/failed/")))
        return {"pages": int(stats.get("downloader/response_count", 0)),
                "items": int(stats.get("item_scraped_count", 0)),
                "failed": failed, "hits": int(stats.get("newsarchive/replay/hits", 0))}

    def tick(self) -> None:
        if os.getppid() != self.parent:  # the parent is gone: nobody merges, stop cleanly
            os.kill(os.getpid(), signal.SIGTERM)
            return
        figures = dict(self.done)
        for key, value in self._figures(self.crawler).items():
            figures[key] += value
        tmp = self.progress.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(figures), encoding="utf-8")
            os.replace(tmp, self.progress)
        except OSError:
            pass


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(stats, default=str))


def _quit(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m newsarchive.replay.worker SPEC.json (started by newsarchive replay --jobs)",
              file=sys.stderr)
        return 2
    # a signal before Scrapy's own handlers are in place: end quietly (no report, no traceback)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _quit)
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    from newsarchive.commands import quiet_startup
    from newsarchive.replay.job import Shard, replay_job

    quiet_startup(spec["settings"].get("LOG_LEVEL"))

    watch = _Watch(Path(spec["progress"]), int(spec["parent"]))
    shard = Shard(tuple(spec["positions"]), tuple(spec["numbers"]), Path(spec["feeds"]), watch)
    report: dict[str, Any] = {"replays": [], "interrupted": False, "error": None}
    positions = dict(zip(spec["numbers"], spec["positions"]))
    try:
        outcome = replay_job(spec["spider"], spec["sources"], Path(spec["feeds"]) / "unused.jsonl",
                             run=spec["run"], at=spec["at"], spider_args=spec["spider_args"],
                             settings=spec["settings"], shard=shard)
    except Exception as exc:  # a usage error the parent did not see: the archive changed
        report["error"] = f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)
    else:
        report.update(interrupted=outcome.interrupted, error=outcome.error, load_seconds=outcome.load_seconds)
        for replay in outcome.replays:
            number = replay.run.number if replay.run is not None else None
            report["replays"].append({
                "position": positions[number], "run": number, "feed": str(replay.feed),
                "stats": _jsonable(replay.result.stats), "elapsed": replay.result.elapsed,
                "error": replay.result.error, "error_status": replay.result.error_status,
            })
    target = Path(spec["report"])
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(report), encoding="utf-8")
    os.replace(tmp, target)  # whole, or not there at all
    return 0


if __name__ == "__main__":
    sys.exit(main())
