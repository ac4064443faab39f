"""Replay a job's archive run by run and merge what the runs give.

A job directory crawled daily holds many runs (``newsarchive.replay.runs``). Replaying it
as one, with the latest capture of every URL, stitches the last run's listing pages onto
earlier runs' deeper pages and loses articles. So by default each run is replayed in
turn, answered only from its own files, exactly as it was; the items are merged: every
article (by canonical URL) once, from the latest run that produced it, runs in order and
each run's items in the order the live run wrote them (sorted, ``SortedFeeds``). When
every article was archived by one run only, that is the job's live ``items.jsonl``, byte
for byte.

The crawls share one Twisted reactor (it cannot be restarted) and one loaded archive
(``NEWSARCHIVE_REPLAY_CACHE``), so an extra run costs one Scrapy crawl's set-up and the
pages it replays, never another read of the index. With ``jobs`` the runs are shared out
among worker processes instead, each replaying its share this same way
(``newsarchive.replay.parallel``), and merged the same way.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive.atomic import AtomicFile
from newsarchive.runner.crawl_job import CrawlResult, UnknownSpider, crawl_settings, resolve_spider
from newsarchive.job.dedupe import canonical_url
from newsarchive.job.outcome import EXIT_FAILED, EXIT_NOTHING, EXIT_OK, EXIT_USAGE
from newsarchive.replay import REPLAY_DOWNLOAD_HANDLERS
from newsarchive.replay.index_lookup import normalize_timestamp
from newsarchive.replay.runs import ArchiveCache, ReplayArchive, Run, RunSelectionError
from newsarchive.warc.reader import ARCHIVE_SUFFIXES, directories_without_archives, unfinished_files

logger = logging.getLogger(__name__)

WARC_SUBDIR = "warc"  # newsarchive.runner.crawl_job's layout of a job directory
RUNS_FILE = "runs.jsonl"
BOTH = "--run and --at both choose what to replay: give one of them"


class ReplayUsageError(ValueError):
    """Bad arguments: no such run, ``--run`` with ``--at``, a bad timestamp, no archive."""


class NothingToReplay(ValueError):
    """The paths exist but hold no archive at all (directories without WARC/ARC/WACZ files)."""


#: What a directory must hold to be replayed (CDXJ indexes need their WARC files too).
REPLAYABLE_SUFFIXES = ARCHIVE_SUFFIXES + (".wacz",)


def check_replayable(sources: Sequence[str]) -> list[Path]:
    """The directories among ``sources`` holding nothing to replay; ``NothingToReplay`` if
    that is every source (a message naming them, and any ``.open`` files left there)."""
    empty = directories_without_archives(sources, REPLAYABLE_SUFFIXES)
    if empty and len(empty) == len(sources):
        left = unfinished_files(sources)
        still = (f" (only unfinished ones: {', '.join(map(str, left[:3]))}; `newsarchive index` "
                 "finishes those a killed crawl left)") if left else ""
        raise NothingToReplay(f"nothing to replay: no WARC/ARC/WACZ files in {', '.join(map(str, empty))}{still}")
    return empty


def archive_paths(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """The archive paths to read: a job directory (one holding ``warc/`` or
    ``runs.jsonl``) stands for its ``warc/``; anything else is kept as it is."""
    found = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ReplayUsageError(f"no such file or directory: {raw}")
        if path.is_dir() and ((path / WARC_SUBDIR).is_dir() or (path / RUNS_FILE).is_file()):
            if not (path / WARC_SUBDIR).is_dir():
                raise ReplayUsageError(f"{raw} is a crawl job directory without an archive ({WARC_SUBDIR}/)")
            path = path / WARC_SUBDIR
        found.append(str(path.resolve()))
    return found


@dataclass(frozen=True)
class Shard:
    """One worker's share of a parallel replay (``newsarchive.replay.parallel``): the
    positions in the plan it replays, the run numbers there (checked against its own
    plan), where their feeds go, and a hook called with the outcome and each crawler as
    it starts (for the worker's progress reports)."""

    positions: tuple[int, ...]
    numbers: tuple[int | None, ...]
    feeds: Path
    watch: Any = None


@dataclass
class RunReplay:
    """One crawl of a replay: a run (or the whole archive, ``run=None``) and its items."""

    run: Run | None
    result: CrawlResult
    feed: Path
    items: int = 0  # items the crawl exported
    superseded: int = 0  # of them, left out because a later run has the same article

    @property
    def kept(self) -> int:
        return self.items - self.superseded

    @property
    def nothing(self) -> bool:
        """Nothing to replay: no capture of the spider's start pages (in this run)."""
        return self.result.status == EXIT_NOTHING

    def label(self) -> str:
        return self.run.label() if self.run is not None else "the archive"


@dataclass
class ReplayOutcome:
    """What a replay did: each crawl, and the merged items file."""

    output: Path
    runs_in_archive: int
    planned: int = 1  # crawls to run: one per run, or one for the whole archive
    replays: list[RunReplay] = field(default_factory=list)
    written: int = 0
    elapsed: float = 0.0
    load_seconds: float = 0.0
    damaged: int = 0
    interrupted: bool = False
    stopped_early: bool = False  # interrupted, or a crawl failed: later runs not replayed
    error: str | None = None  # the replay itself failed (between crawls)
    jobs: int = 1  # processes the crawls were shared out among

    @property
    def merged(self) -> bool:
        return self.planned > 1

    @property
    def superseded(self) -> int:
        return sum(r.superseded for r in self.replays)

    @property
    def failed(self) -> list[RunReplay]:
        """Crawls that failed (a run with nothing to replay is not a failure of the others)."""
        return [r for r in self.replays if r.result.status not in (EXIT_OK, EXIT_NOTHING)]

    @property
    def status(self) -> int:
        """0 done, 1 failed or interrupted, 2 a bad spider argument, 3 nothing replayed in
        any run (``newsarchive.job.outcome``)."""
        statuses = {r.result.status for r in self.replays}
        if not self.replays or self.interrupted or self.error:
            return EXIT_FAILED
        if EXIT_USAGE in statuses:
            return EXIT_USAGE
        if EXIT_FAILED in statuses:
            return EXIT_FAILED
        if statuses == {EXIT_NOTHING}:
            return EXIT_NOTHING
        return EXIT_OK

    def stat(self, key: str) -> int:
        return sum(int(r.result.stats.get(key, 0)) for r in self.replays)


def replay_settings(paths: Sequence[str], output: str, at: str | None) -> dict[str, object]:
    """Settings that turn a normal crawl into an offline replay (also used by the bench)."""
    settings: dict[str, object] = {
        "NEWSARCHIVE_REPLAY": ",".join(str(Path(p).resolve()) for p in paths),
        "DOWNLOAD_HANDLERS": dict(REPLAY_DOWNLOAD_HANDLERS),
        "NEWSARCHIVE_WARC_ENABLED": False,  # never archive the archive again
        "HTTPCACHE_ENABLED": False,
        # Scrapy re-parses the source of every callback it calls, for a developer warning
        # the live crawl already gave: about 1 ms a page, and a tenth of a small run's replay
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "FEEDS": {str(Path(output)): {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
    }
    if at:
        settings["NEWSARCHIVE_REPLAY_AT"] = normalize_timestamp(at)
    return settings


def plan(archive: ReplayArchive, run: int | None, at: str | None) -> tuple[list[int | None], str | None]:
    """Which crawls to run: run numbers in order (``None``: the whole archive), and the
    timestamp a whole-archive replay ranks captures by."""
    runs = archive.runs
    if run is not None and at:
        raise ReplayUsageError(BOTH)
    try:
        if run is not None:
            return [runs.get(run).number], None
        if at:
            stamp = normalize_timestamp(at)
            if len(runs) >= 2:
                return [runs.at(stamp).number], None
            return [None], stamp  # a plain archive (or one run): the nearest capture wins
    except (RunSelectionError, ValueError) as exc:
        raise ReplayUsageError(str(exc)) from None
    if len(runs) >= 2:
        return [r.number for r in runs], None
    return [None], None


def replay_job(
    spider: str,
    paths: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    run: int | None = None,
    at: str | None = None,
    spider_args: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
    jobs: int | None = 1,
    shard: Shard | None = None,
) -> ReplayOutcome:
    """Replay ``paths`` with ``spider`` into ``output`` (JSON Lines, overwritten).

    Several runs and neither ``run`` nor ``at``: every run in turn, merged (see the
    module docstring); with ``jobs`` above 1, the runs are shared out among that many
    worker processes and merged the same way (``newsarchive.replay.parallel``; ``None``:
    as many as the cores and the archive's size make worth it). Raises
    ``ReplayUsageError`` for bad arguments (an unknown spider too) and
    ``SiteDefinitionError`` for a bad site file. ``shard`` is a worker's own share.
    """
    from scrapy.crawler import Crawler, CrawlerProcess

    if run is not None and at:
        raise ReplayUsageError(BOTH)
    if at:
        try:
            normalize_timestamp(at)
        except ValueError as exc:
            raise ReplayUsageError(str(exc)) from None
    if run is not None and run < 1:
        raise ReplayUsageError(f"--run takes a run number (1 or more), got {run}")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ReplayUsageError(f"--jobs takes a number of processes (1 or more), got {jobs!r}")
    try:
        name, args = resolve_spider(spider)
    except UnknownSpider as exc:
        raise ReplayUsageError(str(exc)) from None
    sources = archive_paths(paths)
    for directory in check_replayable(sources):
        logger.warning("%s holds no WARC/ARC/WACZ files: nothing replayed from it", directory)
    args.update(spider_args or {})
    out = Path(output)
    overrides = replay_settings(sources, str(out), None)
    overrides.pop("FEEDS")  # each crawl gets its own (FEEDS dicts merge, never replace)
    overrides.update(settings or {})
    base = crawl_settings(None, overrides)
    process = CrawlerProcess(base)  # logging is configured from here on
    try:
        spidercls = process.spider_loader.load(name)
    except KeyError as exc:
        raise ReplayUsageError(f"unknown spider {exc} (see `scrapy list`, or pass a .toml file)") from None

    cache = ArchiveCache()
    try:
        archive = cache.get(sources)
        scopes, rank_at = plan(archive, run, at)
    except BaseException:
        cache.close()
        raise
    if jobs is None:
        from newsarchive.replay.parallel import auto_jobs

        jobs = auto_jobs(sum(len(archive.run_index(n)) if n is not None else len(archive.index) for n in scopes)
                         if len(scopes) > 1 else 0)
    if shard is None and jobs > 1 and len(scopes) > 1:
        from newsarchive.replay.parallel import replay_in_processes

        try:
            return replay_in_processes(spider, sources, out, archive, scopes, jobs=jobs, run=run, at=at,
                                       spider_args=spider_args, settings=settings)
        finally:
            cache.close()
    if shard is not None and (any(not 0 <= p < len(scopes) for p in shard.positions)
                              or [scopes[p] for p in shard.positions] != list(shard.numbers)):
        cache.close()  # the parent planned another archive (files changed in between)
        raise ReplayUsageError("the archive changed while the replay was starting: run it again")
    outcome = ReplayOutcome(out, len(archive.runs), len(scopes), load_seconds=archive.load_seconds,
                            damaged=archive.damaged)
    out.parent.mkdir(parents=True, exist_ok=True)
    # several crawls: each writes its own feed here, merged into ``out`` at the end
    merging = len(scopes) > 1 and shard is None
    workdir = tempfile.TemporaryDirectory(prefix=".newsarchive-replay-", dir=out.parent) if merging else None

    def per_run_settings(crawler: Any, number: int | None, feed: Path) -> None:
        """This crawl's own settings, on the copy its Crawler made (not frozen yet)."""
        settings = crawler.settings
        settings.set("NEWSARCHIVE_REPLAY_CACHE", cache, priority="cmdline")
        settings.set("NEWSARCHIVE_REPLAY_RUN", number or 0, priority="cmdline")
        settings.set("NEWSARCHIVE_REPLAY_AT", rank_at or "", priority="cmdline")
        settings.set("FEEDS", {str(feed): {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
                     priority="cmdline")

    started = time.perf_counter()
    pending = list(enumerate(scopes)) if shard is None else [(p, scopes[p]) for p in shard.positions]
    current: list[Any] = []  # the crawler running now

    def crawl_next() -> None:
        try:
            start_next()
        except Exception as exc:  # never leave the reactor running with nothing to do
            logger.exception("Replay stopped")
            outcome.error = f"{type(exc).__name__}: {exc}"
            _stop_reactor()

    def start_next() -> None:
        if outcome.interrupted or outcome.error or not pending or (outcome.replays and outcome.replays[-1].result.error):
            from twisted.internet import reactor

            reactor.callWhenRunning(_stop_reactor)
            return
        position, number = pending.pop(0)
        the_run = archive.runs.get(number) if number is not None else None
        if shard is not None:
            feed = shard.feeds / f"run-{number or 0:05d}.jsonl"
        else:
            feed = out if workdir is None else Path(workdir.name) / f"run-{number or 0:05d}.jsonl"
        if the_run is not None and len(scopes) > 1:
            logger.info("Replaying %s, %d of %d", the_run.label(), position + 1, len(scopes))
        crawler = Crawler(spidercls, base, init_reactor=not current)
        current[:] = [crawler]
        per_run_settings(crawler, number, feed)
        if shard is not None and shard.watch is not None:
            shard.watch(outcome, crawler)  # a worker reports its progress
        errors: list[str] = []
        usage: list[bool] = []

        def failed(failure: Any) -> None:
            from newsarchive.sources.listing_spider import SpiderArgumentError

            usage.append(bool(failure.check(SpiderArgumentError)))
            errors.append(failure.getErrorMessage() or repr(failure.value))

        crawl_started = time.perf_counter()
        deferred = process.crawl(crawler, **args)
        deferred.addErrback(failed)

        def finished(_: Any) -> None:
            from twisted.internet import reactor

            try:
                stats = crawler.stats.get_stats()
            except RuntimeError:  # the spider failed before the crawl started
                stats = {}
            result = CrawlResult(out_dir=None, stats=stats, elapsed=time.perf_counter() - crawl_started,
                                 error=errors[0] if errors else None, replay=True,
                                 error_status=EXIT_USAGE if usage and usage[0] else EXIT_FAILED)
            outcome.replays.append(RunReplay(the_run, result, feed))
            if stats.get("finish_reason") == "shutdown":
                outcome.interrupted = True
            reactor.callLater(0, crawl_next)  # not nested in this crawl's callbacks

        def finished_safely(value: Any) -> None:
            try:
                finished(value)
            except Exception as exc:
                logger.exception("Replay stopped")
                outcome.error = f"{type(exc).__name__}: {exc}"
                _stop_reactor()

        deferred.addBoth(finished_safely)

    try:
        try:
            crawl_next()
            process.start(stop_after_crawl=False)
        finally:
            cache.close()
        outcome.stopped_early = bool(pending) or outcome.error is not None
        if pending and not outcome.error and not (outcome.replays and outcome.replays[-1].result.error):
            outcome.interrupted = True  # Ctrl-C/SIGTERM between two crawls: the reactor stopped
        if shard is not None:  # the parent merges
            for replay in outcome.replays:
                replay.items = _count_lines(replay.feed)
        elif workdir is not None and not outcome.stopped_early:
            merge_feeds(outcome.replays, out)
        else:  # a partial merge would look whole: the output is left as it was
            for replay in outcome.replays:
                replay.items = _count_lines(replay.feed)
        unwritten = (workdir is not None and outcome.stopped_early) or shard is not None
        outcome.written = 0 if unwritten or not out.exists() else _count_lines(out)
    finally:
        if workdir is not None:
            workdir.cleanup()
    outcome.elapsed = time.perf_counter() - started
    return outcome


def merge_feeds(replays: Sequence[RunReplay], output: Path) -> None:
    """Write the runs' items into ``output``: each canonical URL once, from the latest run
    that has it; runs in order, each run's items in its own order. Counts each run's
    items and how many a later run superseded."""
    latest: dict[str, int] = {}
    for position, replay in enumerate(replays):
        for key, _line in _feed_lines(replay.feed):
            if key is not None:
                latest[key] = position
    with AtomicFile(output, binary=True, suffix=".merging") as dst:
        written: set[str] = set()
        for position, replay in enumerate(replays):
            replay.items = replay.superseded = 0
            for key, line in _feed_lines(replay.feed):
                replay.items += 1
                if key is not None and (latest[key] != position or key in written):
                    replay.superseded += 1
                    continue
                if key is not None:
                    written.add(key)
                dst.write(line if line.endswith(b"\n") else line + b"\n")
        dst.commit()


def _feed_lines(path: Path) -> Any:
    """``(canonical URL or None, line)`` for each item line of a JSON Lines feed."""
    if not path.exists():
        return
    with path.open("rb") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                url = json.loads(line).get("url")
            except (ValueError, AttributeError):
                url = None
            yield (canonical_url(url) if isinstance(url, str) and url else None), line


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def _stop_reactor() -> None:
    from twisted.internet import reactor

    with contextlib.suppress(RuntimeError):  # already stopping
        reactor.stop()


__all__ = ["NothingToReplay", "ReplayOutcome", "ReplayUsageError", "RunReplay", "Shard", "archive_paths", "check_replayable", "merge_feeds", "plan", "replay_job",
           "replay_settings"]
